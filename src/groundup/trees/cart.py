"""CART decision trees with the scikit-learn estimator API (chapter 1).

The heavy lifting is in :mod:`groundup.trees.grow`; this module validates
input, turns labels or targets into node statistics, and reads predictions
off the leaves. Sample weights are supported from the start because AdaBoost
(chapter 2) and the boosting chapters reuse these trees.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import (
    FRACTION,
    MAX_FEATURES,
    OPEN_FRACTION,
    Interval,
    Predicate,
    check_sample_weight,
    generator,
    resolve_max_features,
    validate_params,
)
from . import criteria
from .grow import CartSettings, grow_tree

TREE_CONSTRAINTS = {  # shared by the trees and by the forests that grow them
    "max_depth": [Interval(int, 1), None],
    "min_samples_split": [Interval(int, 2), FRACTION],
    "min_samples_leaf": [Interval(int, 1), OPEN_FRACTION],
    "min_weight_fraction_leaf": [Interval(float, 0, 0.5)],
    "max_features": MAX_FEATURES,
    "max_leaf_nodes": [Interval(int, 2), None],
    "min_impurity_decrease": [Interval(float, 0)],
    "random_state": ["random_state"],
}
CLASS_WEIGHT = [{"balanced"}, Predicate(lambda v: isinstance(v, dict), "a dict"), None]
CLASSIFIER_CONSTRAINTS = {
    "criterion": [{*criteria.CLASSIFICATION, "log_loss"}],
    **TREE_CONSTRAINTS,
    "class_weight": CLASS_WEIGHT,
}
REGRESSOR_CONSTRAINTS = {"criterion": [set(criteria.REGRESSION)], **TREE_CONSTRAINTS}
# the tree parameters an ensemble passes on to its trees
GROWTH_PARAMETERS = tuple(
    name for name in TREE_CONSTRAINTS if name != "random_state"
) + ("criterion",)


def count_of(value, n_samples: int) -> int:
    """A ``min_samples_*`` value as a count: ints as they are, fractions of n."""
    if isinstance(value, numbers.Integral):
        return int(value)
    return int(np.ceil(value * n_samples))


class BaseDecisionTree(BaseEstimator):
    """Shared fitting code; use the classifier or the regressor."""

    _parameter_constraints: dict = {}

    def settings(self, n_features: int, n_samples: int) -> CartSettings:
        """The validated parameters, resolved for data of this shape."""
        validate_params(self)
        return CartSettings(
            criterion="entropy" if self.criterion == "log_loss" else self.criterion,
            max_depth=self.max_depth,
            min_samples_split=max(2, count_of(self.min_samples_split, n_samples)),
            min_samples_leaf=count_of(self.min_samples_leaf, n_samples),
            max_features=resolve_max_features(self.max_features, n_features),
            min_weight_fraction_leaf=float(self.min_weight_fraction_leaf),
            min_impurity_decrease=float(self.min_impurity_decrease),
            max_leaf_nodes=self.max_leaf_nodes,
        )

    def _fit(self, X, stats_of, y, sample_weight, class_weight=1.0):
        # checks the parameters
        grower = PresortedGrower(self, np.ascontiguousarray(X.T))
        weight = check_sample_weight(sample_weight, X) * class_weight
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

    def decision_path(self, X):
        """Sparse (n_samples, n_nodes) indicator of the nodes each sample passes."""
        XT = self._transposed(X)  # validates X and checks fitting first
        sample, node = self.tree_.decision_path(XT)
        shape = (XT.shape[1], self.tree_.node_count)
        return csr_matrix((np.ones(sample.shape[0], np.intp), (sample, node)), shape)

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


def class_weights(class_weight, y) -> np.ndarray | float:
    """Per-sample factors for ``class_weight`` (dict, "balanced" or None)."""
    if class_weight is None:
        return 1.0
    return compute_sample_weight(class_weight, y)


class PresortedGrower:
    """Grows fitted copies of one tree on data sorted once: the ensembles' seam.

    A forest, AdaBoost and gradient boosting grow many trees on the same rows,
    each with its own weights. They sort the features once, here, have the
    template's parameters checked once, and call :meth:`grow` per tree.
    """

    def __init__(self, template: BaseDecisionTree, XT: np.ndarray):
        self.template, self.XT = template, XT  # XT: (n_features, n_samples) float32
        self.settings = template.settings(*XT.shape)
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
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
        ("log_loss" is scikit-learn's other name for entropy).
    max_depth : int or None, default=None (grow until leaves are pure)
    min_samples_split : int >= 2, or a float fraction of the samples, default=2
    min_samples_leaf : int >= 1, or a float fraction of the samples, default=1
    min_weight_fraction_leaf : float in [0, 0.5], default=0.0
        The least share of the total sample weight in every leaf.
    max_features : int, float, "sqrt", "log2" or None, default=None
        How many features each node draws at random before searching.
    random_state : int, RandomState or None
    max_leaf_nodes : int >= 2 or None, default=None
        Keep the best ``max_leaf_nodes - 1`` splits in best-first order
        (see :mod:`groundup.trees.best_first`).
    min_impurity_decrease : float >= 0, default=0.0
        A node splits only if the weighted decrease of impurity,
        ``(W_t I_t - W_L I_L - W_R I_R) / W``, is at least this.
    class_weight : dict, "balanced" or None, default=None
        Factors on the sample weights by class, as in scikit-learn.
    """

    _parameter_constraints = CLASSIFIER_CONSTRAINTS

    def __init__(
        self,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        class_weight=None,
    ):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on ``X`` (n_samples, n_features) and class labels ``y``."""
        X, y = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.n_classes_ = self.classes_.shape[0]
        n_classes = self.n_classes_
        validate_params(self)  # class_weight is read before the tree is grown
        return self._fit(
            X,
            lambda c, w: criteria.class_stats(c, w, n_classes),
            codes,
            sample_weight,
            class_weights(self.class_weight, y),
        )

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba` (-inf for a class the leaf lacks)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

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
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
    ):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease

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
