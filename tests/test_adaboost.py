"""AdaBoost: SAMME and AdaBoost.R2 against scikit-learn, invariants, bad input."""

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn import tree as sk_tree
from sklearn.datasets import load_iris, make_friedman1, make_hastie_10_2
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from groundup.boosting import AdaBoostClassifier, AdaBoostRegressor, weighted_median
from groundup.trees import DecisionTreeClassifier


@pytest.fixture(scope="module")
def esl():
    """ESL Example 10.2: 2,000 training and 10,000 test rows."""
    X, y = make_hastie_10_2(n_samples=12000, random_state=1)
    return X[:2000], y[:2000], X[2000:], y[2000:]


@pytest.fixture(scope="module")
def esl_fits(esl):
    X_tr, y_tr, _, _ = esl
    ours = AdaBoostClassifier(n_estimators=400).fit(X_tr, y_tr)
    theirs = sk_ensemble.AdaBoostClassifier(
        sk_tree.DecisionTreeClassifier(max_depth=1), n_estimators=400, random_state=0
    ).fit(X_tr, y_tr)
    return ours, theirs


def test_staged_test_errors_match_sklearn_samme(esl, esl_fits):
    _, _, X_te, y_te = esl
    ours, theirs = esl_fits
    mine = [np.mean(p != y_te) for p in ours.staged_predict(X_te)]
    sk = [np.mean(p != y_te) for p in theirs.staged_predict(X_te)]
    for m in range(50, 401, 50):
        assert abs(mine[m - 1] - sk[m - 1]) <= 0.005, m


def test_votes_match_where_the_stumps_match(esl_fits):
    ours, theirs = esl_fits
    same = [
        m
        for m, (a, b) in enumerate(
            zip(ours.estimators_, theirs.estimators_, strict=True)
        )
        if a.tree_.feature[0] == b.tree_.feature[0]
        and np.isclose(a.tree_.threshold[0], b.tree_.threshold[0])
    ]
    assert len(same) > 300
    np.testing.assert_allclose(
        ours.estimator_weights_[same],
        theirs.estimator_weights_[same],
        rtol=0,
        atol=1e-8,
    )


def test_scores_and_probabilities_match_sklearn(esl, esl_fits):
    _, _, X_te, _ = esl
    ours, theirs = esl_fits
    np.testing.assert_allclose(
        ours.decision_function(X_te[:500]),
        theirs.decision_function(X_te[:500]),
        atol=1e-8,
    )
    np.testing.assert_allclose(
        ours.predict_proba(X_te[:500]), theirs.predict_proba(X_te[:500]), atol=1e-8
    )


def test_multiclass_samme_matches_sklearn():
    X, y = load_iris(return_X_y=True)
    ours = AdaBoostClassifier(n_estimators=30, learning_rate=0.5).fit(X, y)
    theirs = sk_ensemble.AdaBoostClassifier(
        sk_tree.DecisionTreeClassifier(max_depth=1), n_estimators=30, learning_rate=0.5
    ).fit(X, y)
    n = min(len(ours.estimators_), len(theirs.estimators_))
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), abs=0.02)
    assert n >= 10


def test_weights_stay_a_distribution_and_follow_the_update():
    """Replay the update rule from the fitted votes: w_m+1 = w_m exp(alpha 1[wrong]) /
    Z."""
    X, y = make_hastie_10_2(n_samples=300, random_state=0)
    model = AdaBoostClassifier(n_estimators=15).fit(X, y)
    w = np.full(len(y), 1 / len(y))
    for learner, vote, error in zip(
        model.estimators_,
        model.estimator_weights_,
        model.estimator_errors_,
        strict=True,
    ):
        wrong = learner.predict(X) != np.searchsorted(model.classes_, y)
        assert np.isclose(w[wrong].sum(), error)
        assert np.isclose(vote, np.log((1 - error) / error))
        w = w * np.exp(vote * wrong)
        w /= w.sum()
        assert np.all(w > 0) and np.isclose(w.sum(), 1.0)
        # After the update the last learner is exactly at chance (Schapire's trick).
        assert np.isclose(w[wrong].sum(), 0.5)


def test_training_error_bound_holds():
    X, y = make_hastie_10_2(n_samples=1000, random_state=0)
    model = AdaBoostClassifier(n_estimators=100).fit(X, y)
    bound = np.cumprod(
        2 * np.sqrt(model.estimator_errors_ * (1 - model.estimator_errors_))
    )
    train_err = np.array([np.mean(p != y) for p in model.staged_predict(X)])
    assert np.all(train_err <= bound + 1e-12)


def test_perfect_learner_stops_with_a_reason():
    X = np.arange(10.0)[:, None]
    y = (X[:, 0] > 4).astype(int)
    model = AdaBoostClassifier(n_estimators=10).fit(X, y)
    assert model.stop_reason_ == "perfect"
    assert len(model.estimators_) == 1 and model.estimator_weights_[0] == 1.0
    assert model.score(X, y) == 1.0


def test_chance_learner_stops_with_a_reason():
    # A majority-class learner: 40% error, then exactly 50% once the weights move.
    X = np.zeros((10, 1))
    y = np.array([0] * 6 + [1] * 4)
    model = AdaBoostClassifier(
        DummyClassifier(strategy="most_frequent"), n_estimators=10
    )
    model.fit(X, y)
    assert model.stop_reason_ == "chance"
    assert len(model.estimators_) == 1
    assert np.isclose(model.estimator_errors_[0], 0.4)


def test_first_learner_at_chance_is_an_error():
    X = np.zeros((6, 1))
    y = np.array([0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match="no better than chance"):
        AdaBoostClassifier().fit(X, y)


def test_any_weighted_learner_works():
    X, y = make_hastie_10_2(n_samples=400, random_state=0)
    model = AdaBoostClassifier(LogisticRegression(), n_estimators=5).fit(X, y)
    assert len(model.estimators_) >= 1
    deep = AdaBoostClassifier(DecisionTreeClassifier(max_depth=3), n_estimators=20).fit(
        X, y
    )
    assert deep.score(X, y) > 0.8


def test_r2_prediction_is_a_weighted_median():
    X, y = make_friedman1(n_samples=400, noise=1.0, random_state=0)
    model = AdaBoostRegressor(n_estimators=25, random_state=0).fit(X, y)
    preds = np.array([e.predict(X[:50]) for e in model.estimators_])
    w = model.estimator_weights_
    for j, value in enumerate(model.predict(X[:50])):
        below = w[preds[:, j] < value].sum()
        at_or_below = w[preds[:, j] <= value].sum()
        assert below < 0.5 * w.sum() <= at_or_below


def test_weighted_median_small_cases():
    values = np.array([[1.0], [2.0], [10.0]])
    assert weighted_median(values, np.array([1.0, 1.0, 1.0]))[0] == 2.0
    assert weighted_median(values, np.array([1.0, 1.0, 5.0]))[0] == 10.0
    assert weighted_median(values, np.array([3.0, 1.0, 1.0]))[0] == 1.0


@pytest.mark.parametrize("loss", ["linear", "square", "exponential"])
def test_r2_is_as_good_as_sklearn(loss):
    X, y = make_friedman1(n_samples=1500, noise=1.0, random_state=0)
    X_tr, y_tr, X_te, y_te = X[:1000], y[:1000], X[1000:], y[1000:]
    ours = AdaBoostRegressor(n_estimators=50, loss=loss, random_state=0).fit(X_tr, y_tr)
    theirs = sk_ensemble.AdaBoostRegressor(
        sk_tree.DecisionTreeRegressor(max_depth=3),
        n_estimators=50,
        loss=loss,
        random_state=0,
    ).fit(X_tr, y_tr)
    assert ours.score(X_te, y_te) > theirs.score(X_te, y_te) - 0.05
    staged = list(ours.staged_predict(X_te))
    np.testing.assert_allclose(staged[-1], ours.predict(X_te))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_estimators": 0}, "n_estimators"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"learning_rate": -1.0}, "learning_rate"),
        ({"estimator": KNeighborsClassifier()}, "sample_weight"),
    ],
)
def test_bad_parameters_name_themselves(params, match):
    X, y = make_hastie_10_2(n_samples=100, random_state=0)
    with pytest.raises(ValueError, match=match):
        AdaBoostClassifier(**params).fit(X, y)


def test_bad_loss_names_itself():
    X, y = make_friedman1(n_samples=50, random_state=0)
    with pytest.raises(ValueError, match="loss"):
        AdaBoostRegressor(loss="huber").fit(X, y)


def test_staged_predict_proba_and_log_proba_match_scikit_learn():
    X, y = load_iris(return_X_y=True)
    ours = AdaBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    theirs = sk_ensemble.AdaBoostClassifier(n_estimators=10, random_state=0)
    theirs.fit(X, y)
    stages = list(ours.staged_predict_proba(X))
    assert len(stages) == 10
    for a, b in zip(stages, theirs.staged_predict_proba(X), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-12)
    np.testing.assert_allclose(ours.predict_log_proba(X), np.log(stages[-1]))
