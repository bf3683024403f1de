"""Bugs that the peers' own test suites found (issue 19), one regression test each.

Each was a silently wrong answer or a late failure; each now gives a correct
answer or a clear error at ``fit``.
"""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris, make_classification

from groundup.boosting import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    GradientBoostingClassifier,
    XGBoostRegressor,
)
from groundup.ensemble import RandomForestClassifier, RandomForestRegressor
from groundup.text import Word2Vec
from groundup.trees import DecisionTreeRegressor


def test_adaboost_classifier_large_learning_rate_keeps_finite_votes():
    """scikit-learn's test: learning_rate=5 on iris gave 21 NaN votes."""
    X, y = load_iris(return_X_y=True)
    model = AdaBoostClassifier(n_estimators=30, learning_rate=5.0, random_state=0)
    model.fit(X, y)
    assert np.isfinite(model.estimator_weights_).all()
    assert np.isfinite(model.predict_proba(X)).all()


@pytest.mark.parametrize("learning_rate", [50.0, 500.0])
def test_adaboost_regressor_large_learning_rate_keeps_finite_votes(learning_rate):
    X, y = load_diabetes(return_X_y=True)
    model = AdaBoostRegressor(learning_rate=learning_rate, random_state=0).fit(X, y)
    assert np.isfinite(model.estimator_weights_).all()
    assert np.isfinite(model.predict(X)).all()


def test_adaboost_refuses_values_too_large_for_its_trees():
    X, y = load_diabetes(return_X_y=True)
    X = X.copy()
    X[:, 0] *= 1e300  # finite in float64, inf in the trees' float32
    with pytest.raises(ValueError, match="too large"):
        AdaBoostRegressor().fit(X, y)


@pytest.mark.parametrize(
    "make", [DecisionTreeRegressor, lambda: RandomForestRegressor(n_estimators=3)]
)
def test_trees_refuse_targets_whose_squares_overflow(make):
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(ValueError, match="y is too large"):
        make().fit(X, y * 1e200)
    assert make().fit(X, y * 1e100).score(X, y * 1e100) > 0.5  # large, and fine


def test_xgboost_refuses_targets_beyond_float32():
    X, y = load_diabetes(return_X_y=True)
    for scale in (1e39, 1e30):  # past float32, and gains that overflow it
        with pytest.raises(ValueError, match="must fit float32|y .or sample_weight"):
            XGBoostRegressor(n_estimators=2).fit(X, y * scale)


def test_forest_importances_sum_to_one_with_single_leaf_trees():
    """scikit-learn's test_forest_feature_importances_sum."""
    X, y = make_classification(n_samples=15, n_informative=3, random_state=1)
    forest = RandomForestClassifier(n_estimators=10, min_samples_leaf=5, random_state=0)
    forest.fit(X, y)
    single = sum(t.get_n_leaves() == 1 for t in forest.estimators_)
    assert single > 0  # the case the bug was about
    assert np.isclose(forest.feature_importances_.sum(), 1.0)


def test_gradient_boosting_needs_two_weighted_classes():
    X = np.arange(6, dtype=float)[:, None]
    y = np.array([0, 0, 0, 1, 1, 1])
    with pytest.raises(ValueError, match="positive sample_weight"):
        GradientBoostingClassifier().fit(X, y, sample_weight=[0, 0, 0, 1, 1, 1])


def test_word2vec_refuses_strings_for_sentences():
    with pytest.raises(TypeError, match="token lists"):
        Word2Vec(["human", "machine"], min_count=1)
    with pytest.raises(TypeError, match="token lists"):
        Word2Vec("human machine", min_count=1)


def zipf_corpus(n_sentences=300, n_words=30, length=20, seed=0):
    """Sentences over a tiny vocabulary with Zipf frequencies: one word dominates."""
    rng = np.random.default_rng(seed)
    p = 1 / np.arange(1, n_words + 1)
    words = [f"w{i}" for i in range(n_words)]
    return [list(rng.choice(words, length, p=p / p.sum())) for _ in range(n_sentences)]


LEE_CALL = dict(sample=0, negative=15, min_count=5, epochs=10)  # gensim's test


@pytest.mark.parametrize("sg", [0, 1])
def test_word2vec_lee_corpus_call_gives_finite_vectors(sg):
    """gensim's lee-corpus call (negative=15, sample=0) gave all-NaN vectors.

    A batch of 2,048 pairs applied some 1,100 updates of the output vector of
    "the" at once, all from its vector before the batch; the step blew up.
    Each row now moves by at most ``max_repeats`` of its updates per batch.
    """
    from gensim.test.utils import lee_corpus_list

    # Skip-gram makes ~5x the pairs: two epochs (it diverged in the first) keep
    # the test short; CBOW runs the exact call.
    call = {**LEE_CALL, "epochs": 2} if sg else LEE_CALL
    model = Word2Vec(lee_corpus_list, sg=sg, workers=1, **call)  # 2 test processes
    assert np.isfinite(model.wv.vectors).all() and np.isfinite(model.syn1neg).all()
    assert model.epoch_loss[-1] < model.epoch_loss[0]
    if sg:
        return
    # gensim's sanity check of this call ("bombings" near "attacks"; it asks for
    # the top 50 at alpha=0.05); chance would put it near rank 875 of 1,750
    similar = [w for w, _ in model.wv.most_similar("attacks", topn=len(model.wv))]
    assert similar.index("bombings") < 100


def test_word2vec_divergence_is_still_an_error_not_nan_vectors():
    """The check cannot silently vanish: an absurd alpha still diverges."""
    kw = dict(sample=0, negative=15, min_count=1, epochs=3, workers=1)
    for sg in (0, 1):
        with pytest.raises(FloatingPointError, match="diverged"):
            Word2Vec(zipf_corpus(), sg=sg, alpha=50.0, vector_size=20, **kw)
        model = Word2Vec(zipf_corpus(), sg=sg, vector_size=20, **kw)
        assert np.isfinite(model.wv.vectors).all()
        assert model.epoch_loss[-1] < model.epoch_loss[0]
        # without the cap on repeated rows (the old behaviour), one word that
        # fills a batch of 2,048 diverges
        with pytest.raises(FloatingPointError, match="max_repeats"):
            Word2Vec(zipf_corpus(), sg=sg, max_repeats=None, vector_size=20, **kw)


@pytest.mark.parametrize("max_features", [None, 3])
def test_entropy_with_fractional_weights_grows_the_tree(max_features):
    """Right = parent - left leaves tiny negative class weights; their entropy was
    NaN, which hid the best split of a node (a single-leaf tree) or crashed."""
    from sklearn.tree import DecisionTreeClassifier as PeerTree

    from groundup.trees import DecisionTreeClassifier

    X, y = make_classification(600, 12, n_informative=6, n_classes=3, random_state=0)
    w = np.random.default_rng(0).random(600)
    kw = dict(criterion="entropy", max_features=max_features, random_state=1)
    ours = DecisionTreeClassifier(**kw).fit(X, y, sample_weight=w)
    peer = PeerTree(**kw).fit(X, y, sample_weight=w)
    assert ours.get_n_leaves() > 50
    assert np.mean(ours.predict(X) == peer.predict(X)) > 0.95


def test_tree_apply_refuses_data_that_is_not_transposed():
    """Tree.apply reads XT (features x samples); X as it is was silently misread."""
    from groundup.trees import DecisionTreeClassifier

    X, y = make_classification(200, 5, random_state=0)
    tree = DecisionTreeClassifier(max_depth=3).fit(X, y).tree_
    XT = np.ascontiguousarray(X.T, dtype=np.float32)
    assert tree.apply(XT).shape == (200,)
    with pytest.raises(ValueError, match="transposed"):
        tree.apply(X.astype(np.float32))
    xgb_tree = XGBoostRegressor(n_estimators=1).fit(X, y).trees_[0][0]
    with pytest.raises(ValueError, match="transposed"):
        xgb_tree.predict(X.astype(np.float32))


def test_adaboost_stops_with_a_warning_when_the_weights_would_overflow():
    # scikit-learn's test_sample_weights_infinite: learning_rate=23 on iris made
    # an inf vote, then NaN votes and NaN probabilities.
    X, y = load_iris(return_X_y=True)
    with pytest.warns(UserWarning, match="Sample weights have reached infinite"):
        model = AdaBoostClassifier(n_estimators=30, learning_rate=23.0).fit(X, y)
    assert model.stop_reason_ == "overflow" and len(model.estimators_) == 2
    assert np.isfinite(model.estimator_weights_).all()
    assert np.isfinite(model.predict_proba(X)).all()
    assert model.score(X, y) > 0.6  # scikit-learn's two learners: 2/3


def test_adaboost_floors_weights_at_eps_as_scikit_learn():
    # Without the floor, learning_rate=5 drove an error to ~1e-300 and one
    # vote drowned every other (accuracy 1/3); scikit-learn floors at eps.
    X, y = load_iris(return_X_y=True)
    model = AdaBoostClassifier(n_estimators=30, learning_rate=5.0).fit(X, y)
    assert model.estimator_errors_.min() > 1e-17 and model.score(X, y) > 0.7


def test_gbdt_early_stopping_refuses_a_split_that_loses_a_class():
    # scikit-learn's test_early_stopping_n_classes: the fit gave class 0 a
    # probability of 2e-16 everywhere, silently.
    with pytest.raises(ValueError, match="missing some classes"):
        GradientBoostingClassifier(
            n_iter_no_change=5, random_state=0, validation_fraction=0.8
        ).fit([[1]] * 10, [0, 0] + [1] * 8)
