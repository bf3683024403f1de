"""CART decision trees with the scikit-learn estimator API (chapter 1).

The heavy lifting is in :mod:`groundup.trees.grow`; this module validates
input, turns labels or targets into node statistics, and reads predictions
off the leaves. Sample weights are supported from the start because AdaBoost
(chapter 2) and the boosting chapters reuse these trees.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import (
    MAX_FEATURES,
    Interval,
    check_sample_weight,
    generator,
    resolve_max_features,
    validate_params,
)
from . import criteria
from .grow import grow_tree

TREE_CONSTRAINTS = {  # shared by the trees and by the forests that grow them
    "max_depth": [Interval(int, 1), None],
    "min_samples_split": [Interval(int, 2)],
    "min_samples_leaf": [Interval(int, 1)],
    "max_features": MAX_FEATURES,
    "random_state": ["random_state"],
}


class BaseDecisionTree(BaseEstimator):
    """Shared fitting code; use the classifier or the regressor."""

    _parameter_constraints: dict = {}

    def _check_params(self, n_features: int) -> int:
        validate_params(self)
        return resolve_max_features(self.max_features, n_features)

    def _grow(self, XT, stats, order, rng) -> None:
        """Grow ``self.tree_`` on presorted data; the forests call this directly."""
        self.tree_ = grow_tree(
            XT,
            stats,
            order,
            criterion=self.criterion,
            max_depth=self.max_depth,
            min_samples_split=self.min_samples_split,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features_,
            rng=rng,
        )

    def _fit(self, X, stats_of, y, sample_weight):
        self.max_features_ = self._check_params(X.shape[1])
        weight = check_sample_weight(sample_weight, X)
        XT = np.ascontiguousarray(X.T)
        order = presort(XT, weight > 0)
        self._grow(XT, stats_of(y, weight), order, generator(self.random_state))
        return self

    def apply(self, X) -> np.ndarray:
        """Index of the leaf that each sample falls into."""
        XT = self._transposed(X)  # validates X and checks fitting first
        return self.tree_.apply(XT)

    def _transposed(self, X) -> np.ndarray:
        check_is_fitted(self, "tree_")
        X = validate_data(self, X, dtype=np.float32, reset=False)
        return np.ascontiguousarray(X.T)

    def get_depth(self) -> int:
        """Depth of the fitted tree (a lone root has depth 0)."""
        check_is_fitted(self, "tree_")
        return self.tree_.max_depth

    def get_n_leaves(self) -> int:
        """Number of leaves of the fitted tree."""
        check_is_fitted(self, "tree_")
        return self.tree_.n_leaves

    @property
    def feature_importances_(self) -> np.ndarray:
        """Mean decrease in impurity per feature, normalised to sum to 1."""
        check_is_fitted(self, "tree_")
        gain = self.tree_.improvements(self.n_features_in_)
        total = gain.sum()
        return gain / total if total > 0 else gain


def grow_like(template: BaseDecisionTree, XT, stats, order, rng, **fitted) -> BaseDecisionTree:
    """A fitted copy of ``template`` grown on presorted data.

    The ensembles call this instead of ``fit``: they sort the data once and
    grow every tree on it, with their own weights in ``stats``. ``fitted``
    sets attributes such as ``classes_`` so that each tree also predicts alone.
    """
    tree = clone(template)
    tree.max_features_ = tree._check_params(XT.shape[0])
    tree.n_features_in_ = XT.shape[0]
    for name, value in fitted.items():
        setattr(tree, name, value)
    tree._grow(XT, stats, order, rng)
    return tree


def presort(XT: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Rows of each feature in ascending order, keeping only the ``used`` rows.

    Sorting once and then filtering keeps each row sorted, so a forest sorts
    its data once and every tree filters out its own bootstrap sample.
    """
    order = np.argsort(XT, axis=1, kind="stable").astype(np.int32)
    return filter_order(order, used)


def filter_order(order: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Keep only the ``used`` rows in every row of a presorted ``order``."""
    if used.all():
        return order
    return order[used[order]].reshape(order.shape[0], -1)


class DecisionTreeClassifier(ClassifierMixin, BaseDecisionTree):
    """CART classification tree with exact thresholds.

    Parameters
    ----------
    criterion : {"gini", "entropy"}, default="gini"
    max_depth : int or None, default=None (grow until leaves are pure)
    min_samples_split : int >= 2, default=2
    min_samples_leaf : int >= 1, default=1
    max_features : int, float, "sqrt", "log2" or None, default=None
        How many features each node draws at random before searching.
    random_state : int, RandomState or None
    """

    _parameter_constraints = {"criterion": [set(criteria.CLASSIFICATION)], **TREE_CONSTRAINTS}

    def __init__(
        self,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features=None,
        random_state=None,
    ):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on ``X`` (n_samples, n_features) and class labels ``y``."""
        X, y = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.n_classes_ = self.classes_.shape[0]
        n_classes = self.n_classes_
        return self._fit(
            X, lambda c, w: criteria.class_stats(c, w, n_classes), codes, sample_weight
        )

    def predict_proba(self, X) -> np.ndarray:
        """Class fractions (by weight) of the leaf each sample reaches."""
        leaves = self.apply(X)  # validates X and checks fitting first
        value = self.tree_.value[leaves]
        return value / value.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        """The majority class (by weight) of the leaf each row reaches."""
        proba = self.predict_proba(X)  # checks fitting before classes_ is read
        return self.classes_[proba.argmax(axis=1)]


class DecisionTreeRegressor(RegressorMixin, BaseDecisionTree):
    """CART regression tree (squared error) with exact thresholds.

    Parameters are those of :class:`DecisionTreeClassifier`, with
    ``criterion="squared_error"`` the only criterion.
    """

    _parameter_constraints = {"criterion": [set(criteria.REGRESSION)], **TREE_CONSTRAINTS}

    def __init__(
        self,
        criterion="squared_error",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features=None,
        random_state=None,
    ):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on ``X`` (n_samples, n_features) and targets ``y``."""
        X, y = validate_data(self, X, y, dtype=np.float32, y_numeric=True)
        return self._fit(X, criteria.regression_stats, y.astype(np.float64), sample_weight)

    def predict(self, X) -> np.ndarray:
        """Weighted mean target of the leaf each sample reaches."""
        leaves = self.apply(X)  # validates X and checks fitting first
        value = self.tree_.value[leaves]
        return value[:, 1] / value[:, 0]
