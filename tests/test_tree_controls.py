"""Tree size controls, class weights, bootstrap size and introspection (issue 19).

The parity tests use data with continuous features and targets, where no two
splits of a node tie: scikit-learn breaks ties by a random feature order, we
by the lowest feature index, so only tie-free data can agree split for split.
"""

import heapq

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn import tree as sk_tree
from sklearn.datasets import make_classification, make_regression
from sklearn.utils.class_weight import compute_sample_weight

from groundup.boosting import GradientBoostingClassifier, GradientBoostingRegressor
from groundup.ensemble import RandomForestClassifier, RandomForestRegressor
from groundup.trees import DecisionTreeClassifier, DecisionTreeRegressor
from groundup.trees.best_first import best_first, split_gains


@pytest.fixture(scope="module")
def regression():
    return make_regression(n_samples=300, n_features=6, noise=5.0, random_state=0)


@pytest.fixture(scope="module")
def classification():
    return make_classification(n_samples=300, n_features=6, random_state=0)


def leaf_impurity(tree):
    """Total weighted impurity of the leaves: equal for trees that differ by ties."""
    leaf = tree.feature < 0 if hasattr(tree, "feature") else tree.children_left < 0
    weight = getattr(tree, "weight", None)
    if weight is None:
        weight = tree.weighted_n_node_samples
    return float((weight[leaf] * tree.impurity[leaf]).sum())


@pytest.mark.parametrize("max_leaf_nodes", [2, 3, 7, 20, 60])
def test_max_leaf_nodes_matches_scikit_learn(regression, max_leaf_nodes):
    X, y = regression
    ours = DecisionTreeRegressor(max_leaf_nodes=max_leaf_nodes).fit(X, y)
    theirs = sk_tree.DecisionTreeRegressor(max_leaf_nodes=max_leaf_nodes).fit(X, y)
    assert ours.get_n_leaves() == theirs.get_n_leaves() == max_leaf_nodes
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10)


@pytest.mark.parametrize("max_leaf_nodes", [4, 10, 25])
def test_max_leaf_nodes_classifier_same_impurity_as_scikit_learn(
    classification, max_leaf_nodes
):
    X, y = classification
    ours = DecisionTreeClassifier(max_leaf_nodes=max_leaf_nodes).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(max_leaf_nodes=max_leaf_nodes).fit(X, y)
    assert ours.get_n_leaves() == theirs.get_n_leaves()
    assert leaf_impurity(ours.tree_) == pytest.approx(leaf_impurity(theirs.tree_))


def heap_best_first(tree, max_leaf_nodes):
    """The splits a best-first search with a priority queue makes, one at a time."""
    gain, made = split_gains(tree), set()
    queue = [(-gain[0], 0)]
    while queue and len(made) < max_leaf_nodes - 1:
        _, node = heapq.heappop(queue)
        if tree.feature[node] >= 0:
            made.add(node)
            for child in (tree.left[node], tree.right[node]):
                heapq.heappush(queue, (-gain[child], child))
    return made


@pytest.mark.parametrize("seed", range(5))
def test_best_first_cut_is_the_priority_queue_search(seed):
    X, y = make_regression(n_samples=200, n_features=4, random_state=seed)
    full = DecisionTreeRegressor().fit(X, y).tree_
    for k in (2, 5, 17, 50):
        cut = best_first(full, k)
        made = heap_best_first(full, k)
        # the cut keeps these splits: same (feature, threshold) pairs
        kept = {
            (f, t) for f, t in zip(cut.feature, cut.threshold, strict=True) if f >= 0
        }
        assert kept == {(full.feature[n], full.threshold[n]) for n in made}
        assert cut.n_leaves == k


def test_min_impurity_decrease_matches_scikit_learn(regression):
    X, y = regression
    total = y.var() * len(y)
    for share in (0.001, 0.01, 0.1):
        threshold = share * total / len(y)
        ours = DecisionTreeRegressor(min_impurity_decrease=threshold).fit(X, y)
        theirs = sk_tree.DecisionTreeRegressor(min_impurity_decrease=threshold)
        theirs.fit(X, y)
        assert ours.get_n_leaves() == theirs.get_n_leaves()
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10)
        gains = split_gains(ours.tree_)[ours.tree_.feature >= 0] / len(y)
        assert gains.min() >= threshold


def test_min_weight_fraction_leaf_matches_scikit_learn(regression):
    X, y = regression
    w = np.random.default_rng(0).uniform(0.1, 2.0, len(y))
    for fraction in (0.01, 0.05, 0.2):
        ours = DecisionTreeRegressor(min_weight_fraction_leaf=fraction)
        ours.fit(X, y, sample_weight=w)
        theirs = sk_tree.DecisionTreeRegressor(min_weight_fraction_leaf=fraction)
        theirs.fit(X, y, sample_weight=w)
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10)
        leaves = ours.tree_.weight[ours.tree_.feature < 0]
        assert leaves.min() >= fraction * w.sum()


@pytest.mark.parametrize(
    ("fraction", "count"),
    [({"min_samples_leaf": 0.05}, {"min_samples_leaf": 15}),
     ({"min_samples_split": 0.2}, {"min_samples_split": 60}),
     ({"min_samples_split": 0.001}, {"min_samples_split": 2})],
)  # fmt: skip
def test_float_min_samples_are_fractions_rounded_up(regression, fraction, count):
    X, y = regression  # 300 rows: 0.05 -> 15, 0.2 -> 60, 0.001 -> 1 -> at least 2
    a = DecisionTreeRegressor(**fraction).fit(X, y)
    b = DecisionTreeRegressor(**count).fit(X, y)
    np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)
    theirs = sk_tree.DecisionTreeRegressor(**fraction).fit(X, y)
    np.testing.assert_allclose(a.predict(X), theirs.predict(X), rtol=1e-10)


def test_log_loss_is_entropy(classification):
    X, y = classification
    a = DecisionTreeClassifier(criterion="log_loss").fit(X, y)
    b = DecisionTreeClassifier(criterion="entropy").fit(X, y)
    np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)
    forest = RandomForestClassifier(5, criterion="log_loss", random_state=0)
    assert forest.fit(X, y).score(X, y) > 0.9


@pytest.mark.parametrize("class_weight", ["balanced", {0: 3.0, 1: 0.5}])
def test_tree_class_weight_multiplies_sample_weight(classification, class_weight):
    X, y = classification
    labels = np.where(y == 1, "b", "a")  # dict keys are the labels, not codes
    keyed = class_weight
    if isinstance(class_weight, dict):
        keyed = {"a": class_weight[0], "b": class_weight[1]}
    a = DecisionTreeClassifier(class_weight=keyed, max_depth=4).fit(X, labels)
    w = compute_sample_weight(keyed, labels)
    b = DecisionTreeClassifier(max_depth=4).fit(X, labels, sample_weight=w)
    np.testing.assert_array_equal(a.tree_.value, b.tree_.value)


def test_forest_class_weight_balanced_subsample_balances_every_bag():
    X, y = make_classification(n_samples=400, weights=[0.8], random_state=0)
    forest = RandomForestClassifier(
        8, class_weight="balanced_subsample", max_depth=2, random_state=0
    ).fit(X, y)
    for tree in forest:
        root = tree.tree_.value[0]  # each class's weight in this tree's bag
        np.testing.assert_allclose(root, root.sum() / 2)
    balanced = RandomForestClassifier(8, class_weight="balanced", random_state=0)
    balanced.fit(X, y)
    w = compute_sample_weight("balanced", y)
    weighted = RandomForestClassifier(8, random_state=0).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(balanced.predict_proba(X), weighted.predict_proba(X))


@pytest.mark.parametrize(("max_samples", "draws"), [(50, 50), (0.25, 75), (1.0, 300)])
def test_forest_max_samples_sets_the_bootstrap_size(regression, max_samples, draws):
    X, y = regression
    forest = RandomForestRegressor(6, max_samples=max_samples, random_state=0)
    for tree in forest.fit(X, y):
        assert tree.tree_.weight[0] == draws  # bootstrap counts are the weights


def test_decision_path_and_apply(regression, classification):
    X, y = regression
    tree = DecisionTreeRegressor(max_depth=5).fit(X, y)
    theirs = sk_tree.DecisionTreeRegressor(max_depth=5).fit(X, y)
    path = tree.decision_path(X).toarray()
    np.testing.assert_array_equal(
        path.sum(axis=1), theirs.decision_path(X).toarray().sum(axis=1)
    )
    leaf = tree.apply(X)
    assert path[np.arange(len(X)), leaf].all() and path[:, 0].all()
    X, y = classification
    forest = RandomForestClassifier(4, max_depth=3, random_state=0).fit(X, y)
    indicator, ptr = forest.decision_path(X)
    leaves = forest.apply(X)
    assert indicator.shape == (len(X), ptr[-1]) and leaves.shape == (len(X), 4)
    for i, t in enumerate(forest):
        assert ptr[i + 1] - ptr[i] == t.tree_.node_count
        assert indicator[np.arange(len(X)), ptr[i] + leaves[:, i]].all()


def test_predict_log_proba(classification):
    X, y = classification
    for model in (
        DecisionTreeClassifier(max_depth=3),
        RandomForestClassifier(5, random_state=0),
        GradientBoostingClassifier(n_estimators=5),
    ):
        model.fit(X, y)
        np.testing.assert_allclose(
            np.exp(model.predict_log_proba(X)), model.predict_proba(X)
        )


def test_exponential_loss_matches_scikit_learn(classification):
    X, y = classification
    ours = GradientBoostingClassifier(loss="exponential", n_estimators=20).fit(X, y)
    theirs = sk_ensemble.GradientBoostingClassifier(
        loss="exponential", n_estimators=20
    ).fit(X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9
    )
    np.testing.assert_allclose(ours.train_score_, theirs.train_score_, rtol=1e-9)


def test_gbdt_tree_controls_reach_the_trees(regression):
    X, y = regression
    kw = {"max_leaf_nodes": 5, "min_samples_split": 0.1, "max_depth": None}
    ours = GradientBoostingRegressor(n_estimators=10, **kw).fit(X, y)
    theirs = sk_ensemble.GradientBoostingRegressor(n_estimators=10, **kw).fit(X, y)
    assert all(t.get_n_leaves() == 5 for t in ours.estimators_[:, 0])
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-9)


def test_early_stopping_stops_and_keeps_the_rounds_it_made():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(400, 5)), rng.normal(size=400)  # nothing to learn
    model = GradientBoostingRegressor(
        n_estimators=300, n_iter_no_change=5, random_state=0
    ).fit(X, y)
    n = model.n_estimators_
    assert 5 < n < 60
    assert len(model.estimators_) == len(model.train_score_) == n
    assert sum(1 for _ in model.staged_predict(X)) == n
    full = GradientBoostingRegressor(n_estimators=30, random_state=0).fit(X, y)
    assert full.n_estimators_ == 30
    signal = X[:, 0] * 3  # something to learn: the held-out loss keeps falling
    learner = GradientBoostingClassifier(
        n_estimators=40, n_iter_no_change=10, random_state=0
    ).fit(X, signal > 0)
    assert learner.n_estimators_ == 40


@pytest.mark.parametrize(
    ("estimator", "params", "name"),
    [(DecisionTreeClassifier, {"min_samples_split": 1}, "min_samples_split"),
     (DecisionTreeClassifier, {"min_samples_split": 1.5}, "min_samples_split"),
     (DecisionTreeClassifier, {"min_samples_leaf": 1.0}, "min_samples_leaf"),
     (DecisionTreeRegressor, {"max_leaf_nodes": 1}, "max_leaf_nodes"),
     (DecisionTreeRegressor, {"min_weight_fraction_leaf": 0.6}, "min_weight_frac"),
     (DecisionTreeRegressor, {"min_impurity_decrease": -1.0}, "min_impurity_decrease"),
     (DecisionTreeClassifier, {"class_weight": "balanced_subsample"}, "class_w"),
     (RandomForestClassifier, {"max_samples": 0}, "max_samples"),
     (RandomForestClassifier, {"max_samples": 1000}, "max_samples"),
     (RandomForestClassifier, {"max_samples": 0.5, "bootstrap": False}, "max_samples"),
     (GradientBoostingRegressor, {"n_iter_no_change": 0}, "n_iter_no_change"),
     (GradientBoostingRegressor, {"validation_fraction": 1.0}, "validation_fraction"),
     (GradientBoostingClassifier, {"loss": "exponential"}, "exponential")],
)  # fmt: skip
def test_bad_controls_name_the_parameter(estimator, params, name):
    X = np.random.default_rng(0).normal(size=(60, 3))
    y = np.arange(60) % 3
    with pytest.raises(ValueError, match=name):
        estimator(**params).fit(X, y)


def test_callable_oob_score_is_used(regression, classification):
    from sklearn.metrics import balanced_accuracy_score, explained_variance_score

    X, y = regression
    forest = RandomForestRegressor(20, oob_score=explained_variance_score)
    forest.fit(X, y)
    covered = ~np.isnan(forest.oob_prediction_)
    expected = explained_variance_score(y[covered], forest.oob_prediction_[covered])
    assert forest.oob_score_ == pytest.approx(expected)
    X, y = classification
    forest = RandomForestClassifier(20, oob_score=balanced_accuracy_score).fit(X, y)
    labels = forest.classes_[forest.oob_decision_function_.argmax(axis=1)]
    assert forest.oob_score_ == pytest.approx(balanced_accuracy_score(y, labels))


def test_gbdt_apply_and_max_features_(classification):
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    model = GradientBoostingClassifier(n_estimators=4, max_features=2).fit(X, y)
    leaves = model.apply(X)
    assert leaves.shape == (len(X), 4, 3) and model.max_features_ == 2
    tree = model.estimators_[2, 1]
    np.testing.assert_array_equal(leaves[:, 2, 1], tree.apply(X))


def test_adaboost_staged_score_ends_at_score(classification, regression):
    from groundup.boosting import AdaBoostClassifier, AdaBoostRegressor

    for model, (X, y) in (
        (AdaBoostClassifier(n_estimators=5), classification),
        (AdaBoostRegressor(n_estimators=5, random_state=0), regression),
    ):
        scores = list(model.fit(X, y).staged_score(X, y))
        assert len(scores) == len(model.estimators_)
        assert scores[-1] == pytest.approx(model.score(X, y))
