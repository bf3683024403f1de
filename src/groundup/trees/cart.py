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
from .grow import CartSettings, grow_tree

TREE_CONSTRAINTS = {  # shared by the trees and by the forests that grow them
    "max_depth": [Interval(int, 1), None],
    "min_samples_split": [Interval(int, 2)],
    "min_samples_leaf": [Interval(int, 1)],
    "max_features": MAX_FEATURES,
    "random_state": ["random_state"],
}
CLASSIFIER_CONSTRAINTS = {
    "criterion": [set(criteria.CLASSIFICATION)],
    **TREE_CONSTRAINTS,
}
REGRESSOR_CONSTRAINTS = {"criterion": [set(criteria.REGRESSION)], **TREE_CONSTRAINTS}


class BaseDecisionTree(BaseEstimator):
    """Shared fitting code; use the classifier or the regressor."""

    _parameter_constraints: dict = {}

    def settings(self, n_features: int) -> CartSettings:
        """The validated parameters, ``max_features`` resolved for ``n_features``."""
        validate_params(self)
        return CartSettings(
            criterion=self.criterion,
            max_depth=self.max_depth,
            min_samples_split=self.min_samples_split,
            min_samples_leaf=self.min_samples_leaf,
            max_features=resolve_max_features(self.max_features, n_features),
        )

    def _fit(self, X, stats_of, y, sample_weight):
        # checks the parameters
        grower = PresortedGrower(self, np.ascontiguousarray(X.T))
        weight = check_sample_weight(sample_weight, X)
        grown = grower.grow(
            stats_of(y, weight), weight > 0, generator(self.random_state)
        )
        self.tree_, self.max_features_ = grown.tree_, grown.max_features_
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


class PresortedGrower:
    """Grows fitted copies of one tree on data sorted once: the ensembles' seam.

    A forest, AdaBoost and gradient boosting grow many trees on the same rows,
    each with its own weights. They sort the features once, here, have the
    template's parameters checked once, and call :meth:`grow` per tree.
    """

    def __init__(self, template: BaseDecisionTree, XT: np.ndarray):
        self.template, self.XT = template, XT  # XT: (n_features, n_samples) float32
        self.settings = template.settings(XT.shape[0])
        self.order = presort(XT, np.ones(XT.shape[1], dtype=bool))

    def grow(self, stats, used, rng, **fitted) -> BaseDecisionTree:
        """A fitted copy of the template grown on the ``used`` rows with ``stats``.

        ``fitted`` sets attributes such as ``classes_`` so that the tree also
        predicts on its own.
        """
        tree = clone(self.template)
        tree.n_features_in_, tree.max_features_ = (
            self.XT.shape[0],
            self.settings.max_features,
        )
        for name, value in fitted.items():
            setattr(tree, name, value)
        order = filter_order(self.order, used)
        tree.tree_ = grow_tree(self.XT, stats, order, self.settings, rng)
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

    _parameter_constraints = CLASSIFIER_CONSTRAINTS

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

    def leaf_output(self, XT: np.ndarray) -> np.ndarray:
        """Class fractions (by weight) of the leaf each column of ``XT`` reaches.

        ``XT`` is (n_features, n_samples) float32, already checked: the
        ensembles' fast path, which transposes the data once for all trees.
        """
        value = self.tree_.value[self.tree_.apply(XT)]
        return value / value.sum(axis=1, keepdims=True)

    def predict_proba(self, X) -> np.ndarray:
        """Class fractions (by weight) of the leaf each sample reaches."""
        return self.leaf_output(self._transposed(X))  # checks fitting and X first

    def predict(self, X) -> np.ndarray:
        """The majority class (by weight) of the leaf each row reaches."""
        proba = self.predict_proba(X)  # checks fitting before classes_ is read
        return self.classes_[proba.argmax(axis=1)]


class DecisionTreeRegressor(RegressorMixin, BaseDecisionTree):
    """CART regression tree (squared error) with exact thresholds.

    Parameters are those of :class:`DecisionTreeClassifier`, with
    ``criterion="squared_error"`` the only criterion.
    """

    _parameter_constraints = REGRESSOR_CONSTRAINTS

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
        return self._fit(
            X, criteria.regression_stats, y.astype(np.float64), sample_weight
        )

    def leaf_output(self, XT: np.ndarray) -> np.ndarray:
        """Weighted mean target of the leaf each column of ``XT`` reaches.

        ``XT`` is (n_features, n_samples) float32, already checked (see the
        classifier's ``leaf_output``).
        """
        return self.tree_.leaf_value()[self.tree_.apply(XT)]

    def predict(self, X) -> np.ndarray:
        """Weighted mean target of the leaf each sample reaches."""
        return self.leaf_output(self._transposed(X))  # checks fitting and X first
