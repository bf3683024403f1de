"""Random forests: bagged CART trees with per-node feature draws (chapter 1).

Each tree sees a bootstrap sample of the rows (eq. ``rf-oob``: about 63.2% of
the distinct rows) and, at every node, only ``max_features`` of the features.
Bootstrap counts enter the tree as integer sample weights, as in
scikit-learn, so a row drawn twice counts twice. The data are sorted once per
forest; each tree filters that order down to its own sample.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from joblib import Parallel, delayed
from scipy.sparse import hstack
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import (
    Interval,
    Predicate,
    check_sample_weight,
    validate_params,
)
from ..trees import criteria
from ..trees.cart import (
    CLASS_WEIGHT,
    CLASSIFIER_CONSTRAINTS,
    GROWTH_PARAMETERS,
    REGRESSOR_CONSTRAINTS,
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    PresortedGrower,
    class_weights,
)


def bootstrap_counts(
    n_samples: int, rng: np.random.Generator, n_draws: int | None = None
) -> np.ndarray:
    """How many times each row is drawn in ``n_draws`` (default ``n_samples``) draws."""
    draws = n_samples if n_draws is None else n_draws
    return np.bincount(rng.integers(0, n_samples, draws), minlength=n_samples)


FOREST_CONSTRAINTS = {  # beside those of the trees
    "n_estimators": [Interval(int, 1)],
    "bootstrap": ["boolean"],
    "max_samples": [Interval(int, 1), Interval(float, 0, 1, closed="right"), None],
    "oob_score": ["boolean", Predicate(callable, "a callable metric(y_true, y_pred)")],
    "n_jobs": [Interval(int), None],
}


class BaseForest(BaseEstimator):
    """Shared fitting code; use the classifier or the regressor."""

    _tree_class: type = DecisionTreeClassifier
    _parameter_constraints: dict = {}

    def __len__(self) -> int:
        """Number of fitted trees, as for scikit-learn's ensembles."""
        check_is_fitted(self, "estimators_")
        return len(self.estimators_)

    def __getitem__(self, index):
        """The fitted tree (or list of trees) at ``index``."""
        check_is_fitted(self, "estimators_")
        return self.estimators_[index]

    def __iter__(self):
        """The fitted trees, in the order they were grown."""
        check_is_fitted(self, "estimators_")
        return iter(self.estimators_)

    def _check_params(self) -> DecisionTreeClassifier:
        validate_params(self)
        if self.oob_score and not self.bootstrap:  # True or a callable
            raise ValueError(
                "oob_score needs bootstrap=True: without it no row is out of bag."
            )
        if self.max_samples is not None and not self.bootstrap:
            raise ValueError(
                "max_samples needs bootstrap=True: it sets the size of the bootstrap."
            )
        return self._tree_class(**{k: getattr(self, k) for k in GROWTH_PARAMETERS})

    def _n_draws(self, n_samples: int) -> int:
        """Rows each bootstrap sample draws: ``max_samples`` resolved (eq. rf-oob)."""
        if self.max_samples is None:
            return n_samples
        if isinstance(self.max_samples, numbers.Integral):
            if self.max_samples > n_samples:
                raise ValueError(
                    f"max_samples must be <= n_samples={n_samples} when an int, "
                    f"got {self.max_samples!r}."
                )
            return int(self.max_samples)
        return max(1, round(n_samples * self.max_samples))

    def _fit(self, X, stats_of, y, sample_weight, tree_attrs=None):
        XT = np.ascontiguousarray(X.T)
        # checks the trees' parameters
        grower = PresortedGrower(self._check_params(), XT)
        weight = check_sample_weight(sample_weight, X) * self._class_weights(y)
        seeds = check_random_state(self.random_state).randint(
            2**31, size=self.n_estimators
        )
        n, n_draws = X.shape[0], self._n_draws(X.shape[0])

        def one_tree(seed):
            rng = np.random.default_rng(seed)
            counts = bootstrap_counts(n, rng, n_draws) if self.bootstrap else 1
            w = weight * counts * self._bag_class_weights(y, counts)
            used = w > 0
            return grower.grow(stats_of(y, w), used, rng, **(tree_attrs or {})), used

        # Trees are independent (the article's third advantage): grow them in threads.
        grown = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(one_tree)(s) for s in seeds
        )
        self.estimators_ = [tree for tree, _ in grown]
        self.in_bag_ = np.array([used for _, used in grown])
        if self.oob_score:
            self._compute_oob(XT, y)
        return self

    def _class_weights(self, y) -> np.ndarray | float:
        """The forest's ``class_weight`` on every row (per bag: see below)."""
        if getattr(self, "class_weight", None) in (None, "balanced_subsample"):
            return 1.0
        return class_weights(self.class_weight, self.classes_[y])  # y: class codes

    def _bag_class_weights(self, y, counts) -> np.ndarray | float:
        """``class_weight="balanced_subsample"``: balanced on each bootstrap sample."""
        if getattr(self, "class_weight", None) != "balanced_subsample":
            return 1.0
        indices = np.repeat(np.arange(y.shape[0]), counts)  # the rows drawn
        return compute_sample_weight("balanced", y, indices=indices)

    def apply(self, X) -> np.ndarray:
        """Leaf index of every sample in every tree: (n_samples, n_estimators)."""
        XT = self._validated_transpose(X)
        return np.column_stack([tree.tree_.apply(XT) for tree in self.estimators_])

    def decision_path(self, X):
        """Sparse indicator of the nodes each sample passes, trees side by side.

        Returns the (n_samples, total nodes) matrix and ``n_nodes_ptr``: tree
        ``i``'s nodes are columns ``n_nodes_ptr[i]`` to ``n_nodes_ptr[i + 1]``.
        """
        self._validated_transpose(X)  # checks fitting and X first
        paths = [tree.decision_path(X) for tree in self.estimators_]
        n_nodes = [0] + [p.shape[1] for p in paths]
        return hstack(paths).tocsr(), np.cumsum(n_nodes)

    def _validated_transpose(self, X) -> np.ndarray:
        check_is_fitted(self, "estimators_")
        X = validate_data(self, X, dtype=np.float32, reset=False)
        return np.ascontiguousarray(X.T)

    def _oob_average(self, XT) -> np.ndarray:
        """Average each row's prediction over the trees that did not see it."""
        total, seen = 0.0, np.zeros(XT.shape[1])
        for tree, used in zip(self.estimators_, self.in_bag_, strict=True):
            out = np.flatnonzero(~used)
            pred = np.zeros((XT.shape[1], self._n_outputs_per_tree()))
            pred[out] = self._tree_output(tree, XT[:, out])
            total = total + pred
            seen[out] += 1
        if np.any(seen == 0):
            warnings.warn(
                "Some rows were never out of bag; their OOB estimate is NaN. "
                "Use more trees to cover every row.",
                UserWarning,
                stacklevel=3,
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / seen[:, None]

    @staticmethod
    def _tree_output(tree, XT) -> np.ndarray:
        out = tree.leaf_output(XT)  # (n, n_classes), or (n,) for a regressor
        return out if out.ndim == 2 else out[:, None]

    def _tree_outputs(self, X) -> np.ndarray:
        XT = self._validated_transpose(X)
        return sum(self._tree_output(tree, XT) for tree in self.estimators_) / len(
            self.estimators_
        )

    @property
    def feature_importances_(self) -> np.ndarray:
        """Mean over trees of each tree's normalised impurity decrease (MDI).

        A tree that is a single leaf has no importances; it is left out, as in
        scikit-learn, so the importances sum to 1 (or are all 0 when every
        tree is a single leaf).
        """
        check_is_fitted(self, "estimators_")
        grown = [
            t.feature_importances_ for t in self.estimators_ if t.get_n_leaves() > 1
        ]
        if not grown:
            return np.zeros(self.n_features_in_)
        mean = np.mean(grown, axis=0)
        return mean / mean.sum()


class RandomForestClassifier(ClassifierMixin, BaseForest):
    """Random forest classifier: bagging, per-node feature draws, averaged
    probabilities.

    Parameters
    ----------
    n_estimators : int >= 1, default=100
    criterion : {"gini", "entropy"}, default="gini"
    max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf,
    max_leaf_nodes, min_impurity_decrease : as in the tree; by default trees
        are grown until their leaves are pure.
    max_features : int, float, "sqrt", "log2" or None, default="sqrt"
        Features drawn at each node. The source article recommends log2(d).
    bootstrap : bool, default=True
    max_samples : int, float in (0, 1] or None, default=None
        Rows drawn for each bootstrap sample (None: as many as there are).
    class_weight : dict, "balanced", "balanced_subsample" or None
        Factors on the sample weights by class; "balanced_subsample"
        balances each tree's bootstrap sample.
    oob_score : bool or callable, default=False
        Estimate accuracy (or the callable's ``metric(y_true, y_pred)``, as
        in scikit-learn) from out-of-bag rows (``oob_score_``,
        ``oob_decision_function_``).
    n_jobs : int or None, trees grown in that many threads.
    random_state : int, RandomState or None

    Attributes
    ----------
    estimators_ : list of fitted :class:`DecisionTreeClassifier`
    in_bag_ : (n_estimators, n_samples) bool array, the rows each tree saw
    oob_score_, oob_decision_function_ : when ``oob_score=True``
    feature_importances_ : mean decrease in impurity, averaged over trees
    """

    _tree_class = DecisionTreeClassifier
    _parameter_constraints = {
        **CLASSIFIER_CONSTRAINTS,
        **FOREST_CONSTRAINTS,
        "class_weight": [{"balanced_subsample"}, *CLASS_WEIGHT],
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        class_weight=None,
        max_samples=None,
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.class_weight = class_weight
        self.max_samples = max_samples

    def fit(self, X, y, sample_weight=None):
        """Grow ``n_estimators`` trees on bootstrap samples of ``X``, labels ``y``."""
        X, y = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.n_classes_ = self.classes_.shape[0]
        n_classes = self.n_classes_
        return self._fit(
            X,
            lambda c, w: criteria.class_stats(c, w, n_classes),
            codes,
            sample_weight,
            {"classes_": self.classes_, "n_classes_": n_classes},
        )

    def _n_outputs_per_tree(self) -> int:
        return self.n_classes_

    def _compute_oob(self, XT, codes) -> None:
        self.oob_decision_function_ = self._oob_average(XT)
        covered = ~np.isnan(self.oob_decision_function_[:, 0])
        pred = self.oob_decision_function_[covered].argmax(axis=1)
        metric = self.oob_score if callable(self.oob_score) else accuracy_score
        self.oob_score_ = float(
            metric(self.classes_[codes[covered]], self.classes_[pred])
        )

    def predict_proba(self, X) -> np.ndarray:
        """Mean of the trees' class probabilities (soft voting)."""
        return self._tree_outputs(X)

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba` (-inf where no tree gives the class)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X) -> np.ndarray:
        """The class with the largest mean probability over the trees."""
        proba = self.predict_proba(X)  # checks fitting before classes_ is read
        return self.classes_[proba.argmax(axis=1)]


class RandomForestRegressor(RegressorMixin, BaseForest):
    """Random forest regressor: the mean of bagged regression trees.

    Parameters are those of :class:`RandomForestClassifier`, with
    ``criterion="squared_error"`` and ``max_features=1.0`` (all features, as
    in scikit-learn) by default.
    """

    _tree_class = DecisionTreeRegressor
    _parameter_constraints = {
        **REGRESSOR_CONSTRAINTS,
        **FOREST_CONSTRAINTS,
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="squared_error",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=1.0,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        max_samples=None,
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.max_samples = max_samples

    def fit(self, X, y, sample_weight=None):
        """Grow ``n_estimators`` trees on bootstrap samples of ``X``, targets ``y``."""
        X, y = validate_data(self, X, y, dtype=np.float32, y_numeric=True)
        return self._fit(
            X, criteria.regression_stats, y.astype(np.float64), sample_weight
        )

    def _n_outputs_per_tree(self) -> int:
        return 1

    def _compute_oob(self, XT, y) -> None:
        self.oob_prediction_ = self._oob_average(XT)[:, 0]
        covered = ~np.isnan(self.oob_prediction_)
        metric = self.oob_score if callable(self.oob_score) else r2_score
        self.oob_score_ = float(metric(y[covered], self.oob_prediction_[covered]))

    def predict(self, X) -> np.ndarray:
        """Mean of the trees' predictions."""
        return self._tree_outputs(X)[:, 0]
