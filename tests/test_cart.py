"""CART trees: split-for-split parity with scikit-learn, invariants, bad input."""

import numpy as np
import pytest
from sklearn import tree as sk_tree

from groundup.trees import DecisionTreeClassifier, DecisionTreeRegressor, criteria


def node_stats(est, node):
    """Weighted class counts (classifier) or [weight, mean] (regressor) of a sklearn
    node."""
    t = est.tree_
    if isinstance(est, sk_tree.DecisionTreeClassifier):
        return t.value[node, 0] * t.weighted_n_node_samples[node]
    return np.array([t.weighted_n_node_samples[node], t.value[node, 0, 0]])


def our_stats(est, node):
    v = est.tree_.value[node]
    return (
        v if isinstance(est, DecisionTreeClassifier) else np.array([v[0], v[1] / v[0]])
    )


def split_score(est, get_stats, left, right):
    """Eq. rf-proxy for a split, from its children's statistics."""
    if isinstance(est, DecisionTreeClassifier | sk_tree.DecisionTreeClassifier):
        criterion = est.criterion
        sides = [get_stats(est, c) for c in (left, right)]
    else:  # regression: [weight, weighted sum]
        criterion = "squared_error"
        sides = [
            np.array([w, w * mean])
            for w, mean in (get_stats(est, c) for c in (left, right))
        ]
    return criteria.proxy(sides[0], sides[1], criterion)


def compare_trees(ours, theirs):
    """Walk both trees from the root along the same paths.

    Every pair of matched nodes must hold the same rows (count and
    statistics) and agree on being a leaf. Where scikit-learn picked another
    split, it must be an exact tie: the same score (eq. rf-proxy) as ours.
    Such a subtree is not walked further, since its rows may differ.
    Returns the number of ties.
    """
    ties, stack = 0, [(0, 0)]
    t = theirs.tree_
    while stack:
        a, b = stack.pop()
        assert ours.tree_.n_samples[a] == t.n_node_samples[b]
        np.testing.assert_allclose(our_stats(ours, a), node_stats(theirs, b), rtol=1e-9)
        is_leaf = t.children_left[b] == -1
        assert (ours.tree_.feature[a] < 0) == is_leaf
        if is_leaf:
            continue
        children = [
            (ours.tree_.left[a], t.children_left[b]),
            (ours.tree_.right[a], t.children_right[b]),
        ]
        same = ours.tree_.feature[a] == t.feature[b] and np.isclose(
            ours.tree_.threshold[a], t.threshold[b], rtol=0, atol=1e-12
        )
        if same:
            stack.extend(children)
            continue
        ties += 1
        (la, lb), (ra, rb) = children
        np.testing.assert_allclose(
            split_score(ours, our_stats, la, ra),
            split_score(theirs, node_stats, lb, rb),
            rtol=1e-12,
        )
    return ties


@pytest.mark.parametrize("criterion", ["gini", "entropy"])
@pytest.mark.parametrize("max_depth", [1, 2, 3, 4])
def test_classifier_matches_sklearn(cancer, criterion, max_depth):
    X, y = cancer
    ours = DecisionTreeClassifier(criterion=criterion, max_depth=max_depth).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(
        criterion=criterion, max_depth=max_depth, random_state=0
    ).fit(X, y)
    ties = compare_trees(ours, theirs)
    agree = ours.predict(X) == theirs.predict(X)
    if ties == 0:  # the same split everywhere: identical predictions, on any input
        assert agree.all()
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))
    assert agree.mean() > 0.99


@pytest.mark.parametrize("max_depth", [1, 2, 3, 4])
def test_regressor_matches_sklearn(diabetes, max_depth):
    X, y = diabetes
    ours = DecisionTreeRegressor(max_depth=max_depth).fit(X, y)
    theirs = sk_tree.DecisionTreeRegressor(max_depth=max_depth, random_state=0).fit(
        X, y
    )
    if compare_trees(ours, theirs) == 0:
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-12)
        np.testing.assert_allclose(
            ours.feature_importances_, theirs.feature_importances_
        )


@pytest.mark.parametrize("max_depth", [1, 2, 3, 4])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_identical_predictions_without_ties(kind, max_depth):
    """Continuous features and large nodes leave no tied splits: the trees are the
    same."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 6))
    signal = (
        X[:, 0] + np.sin(2 * X[:, 1]) + X[:, 2] * X[:, 3] + 0.3 * rng.normal(size=3000)
    )
    X_new = rng.normal(size=(1000, 6))
    if kind == "classifier":
        y = (signal > 0).astype(int) + (signal > 1)
        ours = DecisionTreeClassifier(max_depth=max_depth).fit(X, y)
        theirs = sk_tree.DecisionTreeClassifier(
            max_depth=max_depth, random_state=0
        ).fit(X, y)
    else:
        y = signal
        ours = DecisionTreeRegressor(max_depth=max_depth).fit(X, y)
        theirs = sk_tree.DecisionTreeRegressor(max_depth=max_depth, random_state=0).fit(
            X, y
        )
    assert compare_trees(ours, theirs) == 0
    assert ours.tree_.node_count == theirs.tree_.node_count
    # Leaf means may differ in the last bit (sums taken in another order).
    np.testing.assert_allclose(ours.predict(X_new), theirs.predict(X_new), rtol=1e-12)


def test_thresholds_are_midpoints():
    X = np.array([[1.0], [2.0], [4.0], [8.0]])
    tree = DecisionTreeClassifier().fit(X, [0, 0, 1, 1])
    assert tree.tree_.threshold[0] == 3.0


def test_max_features_none_is_deterministic(cancer):
    X, y = cancer
    a = DecisionTreeClassifier(random_state=1).fit(X, y)
    b = DecisionTreeClassifier(random_state=2).fit(X, y)
    np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)


def test_max_features_draws_change_the_tree(cancer):
    X, y = cancer
    a = DecisionTreeClassifier(max_features="sqrt", random_state=1).fit(X, y)
    b = DecisionTreeClassifier(max_features="sqrt", random_state=2).fit(X, y)
    assert a.tree_.node_count != b.tree_.node_count or np.any(
        a.tree_.feature != b.tree_.feature
    )


def constant_columns_data(n_constant):
    """``n_constant`` constant columns, then a column that separates the classes
    perfectly and a column that is pure noise."""
    rng = np.random.default_rng(0)
    strong = rng.normal(size=400)
    X = np.column_stack([np.zeros((400, n_constant)), strong, rng.normal(size=400)])
    return X, (strong > 0).astype(int)


def root_features(model, X, y, n_seeds=400):
    return np.array([model(s).fit(X, y).tree_.feature[0] for s in range(n_seeds)])


def test_constant_features_count_toward_max_features():
    """scikit-learn's rule: of 8 constant and 2 varying features, a node visits 2
    in random order and takes the perfect split only if it visits that feature;
    when both visited features are constant it visits on to the first that varies.
    So P(root splits on the perfect feature) = 2/10 + (8/10)(7/9)(1/2) = 23/45."""
    X, y = constant_columns_data(8)
    ours = root_features(
        lambda s: DecisionTreeClassifier(max_depth=1, max_features=2, random_state=s),
        X,
        y,
    )
    theirs = root_features(
        lambda s: sk_tree.DecisionTreeClassifier(
            max_depth=1, max_features=2, random_state=s
        ),
        X,
        y,
    )
    assert set(ours) <= {8, 9} and set(theirs) <= {8, 9}  # never a constant feature
    for features in (ours, theirs):  # a standard error is 0.025
        assert abs(np.mean(features == 8) - 23 / 45) < 0.1


def test_a_node_of_constant_draws_visits_on():
    """With max_features=1 and one varying feature among ten, every tree splits on
    it."""
    X, y = constant_columns_data(9)
    X = X[:, :-1]  # drop the noise column: columns 0..8 constant, 9 separates
    features = root_features(
        lambda s: DecisionTreeClassifier(max_depth=1, max_features=1, random_state=s),
        X,
        y,
        50,
    )
    assert (features == 9).all()


def test_fully_grown_tree_fits_training_data(cancer):
    X, y = cancer
    tree = DecisionTreeClassifier(max_features="log2", random_state=0).fit(X, y)
    assert tree.score(X, y) == 1.0
    assert tree.get_n_leaves() == (tree.tree_.node_count + 1) // 2


@pytest.mark.parametrize("max_features", [1, 0.5, "sqrt", "log2", None])
def test_probabilities_sum_to_one(iris, max_features):
    X, y = iris
    tree = DecisionTreeClassifier(
        max_depth=3, max_features=max_features, random_state=0
    )
    proba = tree.fit(X, y).predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert proba.min() >= 0


def test_min_samples_leaf_is_respected(diabetes):
    X, y = diabetes
    tree = DecisionTreeRegressor(min_samples_leaf=7).fit(X, y)
    leaves = tree.tree_.feature < 0
    assert tree.tree_.n_samples[leaves].min() >= 7


def test_min_samples_split_is_respected(diabetes):
    X, y = diabetes
    tree = DecisionTreeRegressor(min_samples_split=30).fit(X, y)
    split = tree.tree_.feature >= 0
    assert tree.tree_.n_samples[split].min() >= 30


def test_zero_weight_equals_dropping_rows(cancer):
    X, y = cancer
    w = np.ones(len(y))
    w[::3] = 0
    a = DecisionTreeClassifier(max_depth=5).fit(X, y, sample_weight=w)
    b = DecisionTreeClassifier(max_depth=5).fit(X[w > 0], y[w > 0])
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_feature_importances_sum_to_one(cancer):
    X, y = cancer
    imp = DecisionTreeClassifier(max_depth=4).fit(X, y).feature_importances_
    assert imp.shape == (X.shape[1],)
    assert np.isclose(imp.sum(), 1.0) and imp.min() >= 0


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"criterion": "mse"}, "criterion"),
        ({"max_depth": 0}, "max_depth"),
        ({"max_depth": 2.5}, "max_depth"),
        ({"min_samples_split": 1}, "min_samples_split"),
        ({"min_samples_leaf": 0}, "min_samples_leaf"),
        ({"max_features": 0}, "max_features"),
        ({"max_features": 31}, "max_features"),
        ({"max_features": 1.5}, "max_features"),
        ({"max_features": "half"}, "max_features"),
    ],
)
def test_bad_parameters_name_themselves(cancer, params, match):
    X, y = cancer
    with pytest.raises(ValueError, match=match):
        DecisionTreeClassifier(**params).fit(X, y)


def test_bad_input_is_rejected(cancer):
    X, y = cancer
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        DecisionTreeClassifier().fit(X_nan, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        DecisionTreeClassifier().fit(X, y[:-1])
    fitted = DecisionTreeClassifier(max_depth=2).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(X[:, :5])
    with pytest.raises(ValueError, match="sample_weight"):
        DecisionTreeClassifier().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        DecisionTreeClassifier().fit(X, np.linspace(0, 1, len(y)))
