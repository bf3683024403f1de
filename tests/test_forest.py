"""Random forests: agreement with scikit-learn, out-of-bag estimates, bad input."""

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split

from groundup.ensemble import (
    RandomForestClassifier,
    RandomForestRegressor,
    bootstrap_counts,
)


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(
        n_samples=3000, n_features=12, n_informative=5, n_redundant=2, random_state=0
    )
    return train_test_split(X, y, test_size=1000, random_state=0)


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(
        n_samples=2000, n_features=8, n_informative=4, noise=10, random_state=0
    )
    return train_test_split(X, y, test_size=700, random_state=0)


def test_bootstrap_keeps_about_63_percent():
    rng = np.random.default_rng(0)
    kept = [np.mean(bootstrap_counts(10_000, rng) > 0) for _ in range(20)]
    assert abs(np.mean(kept) - (1 - np.exp(-1))) < 0.005


def test_accuracy_matches_sklearn(classification):
    X_tr, X_te, y_tr, y_te = classification
    ours = RandomForestClassifier(n_estimators=60, random_state=0).fit(X_tr, y_tr)
    theirs = sk_ensemble.RandomForestClassifier(n_estimators=60, random_state=0).fit(
        X_tr, y_tr
    )
    assert abs(ours.score(X_te, y_te) - theirs.score(X_te, y_te)) < 0.02


def test_r2_matches_sklearn(regression):
    X_tr, X_te, y_tr, y_te = regression
    ours = RandomForestRegressor(n_estimators=40, random_state=0).fit(X_tr, y_tr)
    theirs = sk_ensemble.RandomForestRegressor(n_estimators=40, random_state=0).fit(
        X_tr, y_tr
    )
    assert abs(ours.score(X_te, y_te) - theirs.score(X_te, y_te)) < 0.02


def test_oob_score_tracks_held_out_accuracy(classification):
    X_tr, X_te, y_tr, y_te = classification
    forest = RandomForestClassifier(n_estimators=80, oob_score=True, random_state=0)
    forest.fit(X_tr, y_tr)
    assert abs(forest.oob_score_ - forest.score(X_te, y_te)) < 0.03
    np.testing.assert_allclose(forest.oob_decision_function_.sum(axis=1), 1.0)


def test_oob_r2_tracks_held_out_r2(regression):
    X_tr, X_te, y_tr, y_te = regression
    forest = RandomForestRegressor(n_estimators=60, oob_score=True, random_state=0)
    forest.fit(X_tr, y_tr)
    assert abs(forest.oob_score_ - forest.score(X_te, y_te)) < 0.05
    assert forest.oob_prediction_.shape == y_tr.shape


def test_oob_uses_only_unseen_trees(classification):
    """Rebuild the OOB vote by hand from the trees and their bootstrap masks."""
    X_tr, _, y_tr, _ = classification
    forest = RandomForestClassifier(n_estimators=15, oob_score=True, random_state=3)
    forest.fit(X_tr, y_tr)
    row = 7
    votes = [
        tree.predict_proba(X_tr[row : row + 1])[0]
        for tree, used in zip(forest.estimators_, forest.in_bag_, strict=True)
        if not used[row]
    ]
    np.testing.assert_allclose(
        forest.oob_decision_function_[row], np.mean(votes, axis=0)
    )


def test_few_trees_warn_about_rows_never_out_of_bag(classification):
    X_tr, _, y_tr, _ = classification
    with pytest.warns(UserWarning, match="never out of bag"):
        RandomForestClassifier(n_estimators=2, oob_score=True, random_state=0).fit(
            X_tr, y_tr
        )


def test_probabilities_are_the_mean_of_the_trees(classification):
    X_tr, X_te, y_tr, _ = classification
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X_tr, y_tr)
    mean = np.mean([t.predict_proba(X_te) for t in forest.estimators_], axis=0)
    np.testing.assert_allclose(forest.predict_proba(X_te), mean)
    np.testing.assert_allclose(mean.sum(axis=1), 1.0)


def test_threads_give_the_same_forest(classification):
    X_tr, X_te, y_tr, _ = classification
    one = RandomForestClassifier(n_estimators=8, n_jobs=1, random_state=0).fit(
        X_tr, y_tr
    )
    two = RandomForestClassifier(n_estimators=8, n_jobs=2, random_state=0).fit(
        X_tr, y_tr
    )
    np.testing.assert_array_equal(one.predict_proba(X_te), two.predict_proba(X_te))


def test_random_state_controls_the_forest(classification):
    X_tr, X_te, y_tr, _ = classification

    def fit(seed):
        return RandomForestClassifier(n_estimators=5, random_state=seed).fit(X_tr, y_tr)

    np.testing.assert_array_equal(
        fit(1).predict_proba(X_te), fit(1).predict_proba(X_te)
    )
    assert np.any(fit(1).predict_proba(X_te) != fit(2).predict_proba(X_te))


def test_trees_are_fully_grown_and_differ(classification):
    X_tr, _, y_tr, _ = classification
    forest = RandomForestClassifier(n_estimators=4, random_state=0).fit(X_tr, y_tr)
    for tree, used in zip(forest.estimators_, forest.in_bag_, strict=True):
        # pure leaves on its own sample
        assert tree.score(X_tr[used], y_tr[used]) == 1.0
        assert 0.6 < used.mean() < 0.66
    assert len({t.tree_.node_count for t in forest.estimators_}) > 1


def test_importances_find_the_informative_features():
    X, y = make_classification(
        n_samples=1500,
        n_features=10,
        n_informative=3,
        n_redundant=0,
        shuffle=False,
        random_state=0,
    )
    imp = (
        RandomForestClassifier(n_estimators=30, random_state=0)
        .fit(X, y)
        .feature_importances_
    )
    assert np.isclose(imp.sum(), 1.0)
    assert set(np.argsort(imp)[-3:]) == {0, 1, 2}


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_estimators": 0}, "n_estimators"),
        ({"max_features": 0}, "max_features"),
        ({"criterion": "squared_error"}, "criterion"),
        ({"oob_score": True, "bootstrap": False}, "bootstrap"),
        ({"min_samples_leaf": 0}, "min_samples_leaf"),
    ],
)
def test_bad_parameters_name_themselves(classification, params, match):
    X_tr, _, y_tr, _ = classification
    with pytest.raises(ValueError, match=match):
        RandomForestClassifier(**params).fit(X_tr, y_tr)


def test_bad_input_is_rejected(classification):
    X_tr, _, y_tr, _ = classification
    X_nan = X_tr.copy()
    X_nan[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        RandomForestClassifier(n_estimators=2).fit(X_nan, y_tr)
    with pytest.raises(ValueError, match="criterion"):
        RandomForestRegressor(criterion="gini").fit(X_tr, y_tr.astype(float))
    forest = RandomForestRegressor(n_estimators=2).fit(X_tr, y_tr.astype(float))
    with pytest.raises(ValueError, match="features"):
        forest.predict(X_tr[:, :3])


def test_tree_parameters_are_checked_once_per_forest(classification, monkeypatch):
    """The trees of a forest share one template, validated once, not per tree."""
    import groundup.trees.cart as cart

    calls = []
    check = cart.validate_params
    monkeypatch.setattr(
        cart, "validate_params", lambda est: calls.append(est) or check(est)
    )
    X_tr, _, y_tr, _ = classification
    forest = RandomForestClassifier(n_estimators=7, random_state=0).fit(X_tr, y_tr)
    assert len(forest.estimators_) == 7 and len(calls) == 1


def test_a_fitted_forest_is_a_sequence_of_its_trees(classification):
    X_tr, _, y_tr, _ = classification
    forest = RandomForestClassifier(n_estimators=4, random_state=0)
    with pytest.raises(NotFittedError):
        len(forest)
    forest.fit(X_tr, y_tr)
    assert len(forest) == 4 and forest[1] is forest.estimators_[1]
    assert list(forest) == forest.estimators_
