"""Gradient boosting: parity with scikit-learn, the stochastic variant, bad input."""

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification, make_friedman1

from groundup.boosting import GradientBoostingClassifier, GradientBoostingRegressor


@pytest.fixture(scope="module")
def friedman():
    return make_friedman1(n_samples=2000, noise=1.0, random_state=0)


@pytest.fixture(scope="module")
def binary():
    return make_classification(
        n_samples=2000, n_features=10, n_informative=5, random_state=0
    )


def staged_gap(ours, theirs, X):
    """Largest prediction difference after each round."""
    pairs = zip(ours.staged_predict(X), theirs.staged_predict(X), strict=True)
    return np.array([np.abs(a - b).max() for a, b in pairs])


@pytest.mark.parametrize("loss", ["squared_error", "huber"])
def test_regression_matches_sklearn(friedman, loss):
    X, y = friedman
    ours = GradientBoostingRegressor(loss=loss, n_estimators=100).fit(X, y)
    theirs = sk_ensemble.GradientBoostingRegressor(
        loss=loss, n_estimators=100, random_state=0
    ).fit(X, y)
    assert staged_gap(ours, theirs, X).max() < 1e-6
    np.testing.assert_allclose(ours.train_score_, theirs.train_score_, rtol=1e-9)
    np.testing.assert_allclose(ours.init_[0], theirs.init_.constant_[0, 0])


@pytest.mark.parametrize(
    ("loss", "rounds"), [("quantile", 100), ("huber", 100), ("absolute_error", 50)]
)
def test_robust_losses_match_sklearn_without_ties(friedman, loss, rounds):
    """Random weights leave no exactly tied splits, so every round agrees."""
    X, y = friedman
    w = np.random.default_rng(0).uniform(0.5, 1.5, len(y))
    ours = GradientBoostingRegressor(loss=loss, n_estimators=rounds).fit(
        X, y, sample_weight=w
    )
    theirs = sk_ensemble.GradientBoostingRegressor(
        loss=loss, n_estimators=rounds, random_state=0
    ).fit(X, y, sample_weight=w)
    assert staged_gap(ours, theirs, X).max() < 1e-6


@pytest.mark.parametrize("loss", ["absolute_error", "quantile"])
def test_two_valued_gradients_agree_until_the_first_tie(friedman, loss):
    X, y = friedman
    ours = GradientBoostingRegressor(loss=loss, n_estimators=5).fit(X, y)
    theirs = sk_ensemble.GradientBoostingRegressor(
        loss=loss, n_estimators=5, random_state=0
    )
    assert staged_gap(ours, theirs.fit(X, y), X).max() < 1e-6


def test_binary_classifier_matches_sklearn(binary):
    X, y = binary
    ours = GradientBoostingClassifier(n_estimators=100).fit(X, y)
    theirs = sk_ensemble.GradientBoostingClassifier(
        n_estimators=100, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6
    )
    np.testing.assert_allclose(
        ours.decision_function(X), theirs.decision_function(X), atol=1e-6
    )
    # scikit-learn reports the binomial deviance, twice the mean log loss
    np.testing.assert_allclose(2 * ours.train_score_, theirs.train_score_, rtol=1e-9)


def test_multiclass_classifier_matches_sklearn():
    X, y = make_classification(
        n_samples=1500, n_features=8, n_informative=5, n_classes=3, random_state=1
    )
    ours = GradientBoostingClassifier(n_estimators=40).fit(X, y)
    theirs = sk_ensemble.GradientBoostingClassifier(
        n_estimators=40, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6
    )
    np.testing.assert_allclose(ours.train_score_, theirs.train_score_, rtol=1e-9)
    assert ours.estimators_.shape == (40, 3)


def test_new_points_differ_only_where_scikit_learn_differs_from_itself(friedman):
    """Exact ties (one row isolated by two features) are broken by scikit-learn's
    random feature order; on new points that moves a few predictions."""
    X, y = friedman
    X_new, _ = make_friedman1(n_samples=3000, noise=1.0, random_state=7)
    ours = GradientBoostingRegressor(n_estimators=100).fit(X, y).predict(X_new)
    sk = [
        sk_ensemble.GradientBoostingRegressor(n_estimators=100, random_state=s)
        .fit(X, y)
        .predict(X_new)
        for s in (0, 1)
    ]
    ours_vs_sk = np.mean(np.abs(ours - sk[0]) > 1e-6)
    sk_vs_sk = np.mean(np.abs(sk[1] - sk[0]) > 1e-6)
    assert ours_vs_sk < 0.02 and sk_vs_sk > 0  # a handful of points, as between seeds


def test_first_disagreement_with_weights_is_a_pure_node_that_sklearn_splits(friedman):
    """Absolute loss, random weights (no ties): the first round where the two
    libraries part is one where scikit-learn splits a node whose pseudo-residuals
    are all equal, because its variance, E[r^2] - E[r]^2, rounds to a tiny
    positive number instead of zero."""
    X, y = friedman
    w = np.random.default_rng(0).uniform(0.5, 1.5, len(y))
    kw = dict(loss="absolute_error", n_estimators=100)
    ours = GradientBoostingRegressor(**kw).fit(X, y, sample_weight=w)
    theirs = sk_ensemble.GradientBoostingRegressor(random_state=0, **kw).fit(
        X, y, sample_weight=w
    )
    gaps = staged_gap(ours, theirs, X)
    first = int(np.argmax(gaps > 1e-6))
    assert gaps[first] > 1e-6 and first > 0  # they part, and not at the start
    before = list(theirs.staged_predict(X))[first - 1]
    sign = np.where(y >= before, 1.0, -1.0)  # the pseudo-residuals of that round
    tree = theirs.estimators_[first, 0]
    path = tree.decision_path(X.astype(np.float32)).toarray().astype(bool)
    inner = np.flatnonzero(tree.tree_.children_left >= 0)
    pure = [j for j in inner if np.unique(sign[path[:, j]]).size == 1]
    assert pure, "scikit-learn split no pure node in the first round that differs"
    assert all(0 < tree.tree_.impurity[j] < 1e-12 for j in pure)


def test_importances_match_sklearn(friedman):
    X, y = friedman
    ours = GradientBoostingRegressor(n_estimators=50).fit(X, y)
    theirs = sk_ensemble.GradientBoostingRegressor(n_estimators=50, random_state=0).fit(
        X, y
    )
    np.testing.assert_allclose(
        ours.feature_importances_, theirs.feature_importances_, atol=0.01
    )
    assert np.isclose(ours.feature_importances_.sum(), 1.0)


def test_subsample_gives_oob_scores_and_is_reproducible(friedman):
    X, y = friedman
    a = GradientBoostingRegressor(n_estimators=30, subsample=0.5, random_state=3).fit(
        X, y
    )
    b = GradientBoostingRegressor(n_estimators=30, subsample=0.5, random_state=3).fit(
        X, y
    )
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert a.oob_scores_.shape == (30,) and np.all(np.isfinite(a.oob_scores_))
    assert a.oob_scores_[-1] < a.oob_scores_[0]
    c = GradientBoostingRegressor(n_estimators=30, subsample=0.5, random_state=4).fit(
        X, y
    )
    assert np.any(a.predict(X) != c.predict(X))


def test_training_loss_falls(friedman, binary):
    X, y = friedman
    reg = GradientBoostingRegressor(n_estimators=50).fit(X, y)
    assert np.all(np.diff(reg.train_score_) < 0)
    Xb, yb = binary
    clf = GradientBoostingClassifier(n_estimators=50).fit(Xb, yb)
    assert np.all(np.diff(clf.train_score_) < 0)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"loss": "hinge"}, "loss"),
        ({"subsample": 0.0}, "subsample"),
        ({"subsample": 1.5}, "subsample"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"n_estimators": 0}, "n_estimators"),
        ({"max_depth": 0}, "max_depth"),
        ({"loss": "huber", "alpha": 1.0}, "alpha"),
        ({"loss": "quantile", "alpha": 0.0}, "alpha"),
    ],
)
def test_bad_parameters_name_themselves(friedman, params, match):
    X, y = friedman
    with pytest.raises(ValueError, match=match):
        GradientBoostingRegressor(**params).fit(X[:50], y[:50])


def test_classifier_rejects_regression_losses_and_one_class(binary):
    X, y = binary
    with pytest.raises(ValueError, match="loss"):
        GradientBoostingClassifier(loss="squared_error").fit(X, y)
    with pytest.raises(ValueError, match="one class"):
        GradientBoostingClassifier().fit(X, np.zeros(len(y)))
