"""XGBoost: second-order gradient boosting with a regularised objective (chapter 4).

Each round computes, for every row, the first and second derivatives g, h of
the loss at the current margin (eq. ``xgb-taylor``), grows a tree that
maximises the regularised gain (eq. ``xgb-gain``) with leaf weights
-G/(H + lambda) (eq. ``xgb-weight``), and adds it scaled by the learning rate
eta. Margins and gradients are float32, as in the xgboost library, so that
``tree_method="exact"`` reproduces its trees.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import Interval, check_sample_weight, generator, validate_params
from .xgb_exact import ExactGrower
from .xgb_hist import HistGrower
from .xgb_tree import XGBSettings


def _sigmoid(margin):
    return np.float32(1) / (np.float32(1) + np.exp(-margin))  # float32 throughout


def squared_error_gh(y, margin):
    """g = yhat - y, h = 1 (eq. ``xgb-gh-squared``)."""
    return (margin[:, 0] - y)[:, None], np.ones_like(margin)


def logistic_gh(y, margin):
    """g = p - y, h = p (1 - p) with p = sigmoid(margin) (eq. ``xgb-gh-logistic``)."""
    p = _sigmoid(margin[:, 0])
    return (p - y)[:, None], np.maximum(p * (np.float32(1) - p), np.float32(1e-16))[
        :, None
    ]


def softmax_gh(y, margin):
    """Per class g = p_k - 1[y = k], h = 2 p_k (1 - p_k): xgboost's softmax."""
    z = np.exp(margin - margin.max(axis=1, keepdims=True))
    p = z / z.sum(axis=1, keepdims=True)
    onehot = np.eye(margin.shape[1], dtype=np.float32)[y]
    return p - onehot, np.maximum(
        np.float32(2) * p * (np.float32(1) - p), np.float32(1e-16)
    )


def xgboost_round(grower, XT, g, h, cols, settings: XGBSettings, margin) -> list:
    """One round of XGBoost: a tree per margin, added to ``margin`` in place.

    ``g`` and ``h`` are (n, K) with the round's row weights applied; the
    trees split on the features ``cols`` only.
    """
    stage = []
    for j in range(margin.shape[1]):
        tree = grower.grow(g[:, j], h[:, j], cols, settings)
        leaf = tree.train_leaf if tree.train_leaf is not None else tree.apply(XT)
        tree.train_leaf = None  # the model keeps no per-row data
        margin[:, j] += tree.value[leaf]  # float32, as xgboost's prediction cache
        stage.append(tree)
    return stage


def _check_gain_range(g: np.ndarray) -> None:
    """Refuse targets whose gradients would overflow the float32 gains.

    No node's G exceeds the sum of |g| over the rows, and the gain squares it
    (eq. ``xgb-gain``), in float32 as xgboost rounds it.
    """
    bound = float(np.abs(g.astype(np.float64)).sum(axis=0).max())
    if not bound * bound < float(np.finfo(np.float32).max):
        raise ValueError(
            "y (or sample_weight) is too large: the gradients' sums squared "
            "overflow float32, the precision of the gains. Rescale y."
        )


class BaseXGBoost(BaseEstimator):
    """The boosting loop and parameter checks shared by regressor and classifier."""

    _parameter_constraints = {
        "n_estimators": [Interval(int, 1)],
        "learning_rate": [Interval(float, 0, closed="neither")],
        "max_depth": [Interval(int, 1)],
        "reg_lambda": [Interval(float, 0)],
        "gamma": [Interval(float, 0)],
        "min_child_weight": [Interval(float, 0)],
        "subsample": [Interval(float, 0, 1, closed="right")],
        "colsample_bytree": [Interval(float, 0, 1, closed="right")],
        "base_score": [Interval(float), None],  # the classifier also checks its range
        "tree_method": [{"exact", "hist"}],
        "max_bin": [Interval(int, 2)],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        n_estimators=100,
        learning_rate=0.3,
        max_depth=6,
        reg_lambda=1.0,
        gamma=0.0,
        min_child_weight=1.0,
        subsample=1.0,
        colsample_bytree=1.0,
        base_score=None,
        tree_method="hist",
        max_bin=256,
        random_state=None,
    ):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.reg_lambda = reg_lambda
        self.gamma = gamma
        self.min_child_weight = min_child_weight
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.base_score = base_score
        self.tree_method = tree_method
        self.max_bin = max_bin
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # missing values learn a default direction
        return tags

    def _settings(self) -> XGBSettings:
        return XGBSettings(
            max_depth=self.max_depth,
            reg_lambda=float(self.reg_lambda),
            gamma=float(self.gamma),
            min_child_weight=float(self.min_child_weight),
            learning_rate=float(self.learning_rate),
        )

    def _grower(self, XT, weight):
        """Sort (exact) or bin (hist) the features once for all rounds."""
        if self.tree_method == "exact":
            return ExactGrower(XT, weight)
        grower = HistGrower(XT, weight, self.max_bin)
        self.cuts_ = grower.data.cuts
        return grower

    def _boost(self, X, y, gh, base_margin, sample_weight):
        """Fit ``n_estimators`` rounds of trees (K per round for K margins).

        ``base_margin(y, weight)`` gives the starting margin of every output.
        """
        weight = check_sample_weight(sample_weight, X, dtype=np.float32)
        if np.any(weight == 0):  # a row of weight 0 is a row removed
            X, y, weight = X[weight > 0], y[weight > 0], weight[weight > 0]
        rng = generator(self.random_state)
        XT = np.ascontiguousarray(X.T, dtype=np.float32)
        self.base_margin_ = np.asarray(base_margin(y, weight), dtype=np.float32)
        margin = np.tile(self.base_margin_, (X.shape[0], 1))
        _check_gain_range(gh(y, margin)[0] * weight[:, None])
        grower, settings = self._grower(XT, weight), self._settings()
        self.trees_ = []
        for _ in range(self.n_estimators):
            g, h = gh(y, margin)
            w, cols = self._sample(weight, XT.shape[0], rng)
            g, h = g * w[:, None], h * w[:, None]
            self.trees_.append(xgboost_round(grower, XT, g, h, cols, settings, margin))
        return self

    def _sample(self, weight, n_features: int, rng):
        """This round's row weights (0: left out) and the columns of its trees."""
        w = weight.copy()
        if self.subsample < 1:
            n = w.shape[0]
            w[rng.permutation(n)[int(round(self.subsample * n)) :]] = 0
        cols = np.arange(n_features)
        if self.colsample_bytree < 1:
            k = max(1, int(round(self.colsample_bytree * n_features)))
            cols = np.sort(rng.permutation(n_features)[:k])
        return w, cols

    def _margins(self, X, n_trees: int | None = None) -> np.ndarray:
        check_is_fitted(self, "trees_")
        X = validate_data(
            self, X, dtype=np.float32, reset=False, ensure_all_finite="allow-nan"
        )
        XT = np.ascontiguousarray(X.T)
        margin = np.tile(self.base_margin_, (X.shape[0], 1))
        for stage in self.trees_[:n_trees]:
            for j, tree in enumerate(stage):
                margin[:, j] += tree.predict(XT)
        return margin

    @property
    def feature_importances_(self) -> np.ndarray:
        """Total split gain per feature, normalised (xgboost's "total_gain")."""
        check_is_fitted(self, "trees_")
        total = np.zeros(self.n_features_in_)
        for stage in self.trees_:
            for t in stage:
                split = t.feature >= 0
                np.add.at(total, t.feature[split], t.gain[split])
        return total / total.sum() if total.sum() > 0 else total


class XGBoostRegressor(RegressorMixin, BaseXGBoost):
    """XGBoost for regression with the squared error.

    Parameters
    ----------
    n_estimators, learning_rate (eta), max_depth : the boosting schedule.
    reg_lambda : L2 penalty on the leaf weights (>= 0).
    gamma : the least gain a split must bring (>= 0). ``exact`` grows, then prunes
        the splits below it bottom-up; ``hist`` rejects them as it grows.
    min_child_weight : the least sum of h a child may hold (>= 0).
    subsample, colsample_bytree : fractions of rows per round and features per tree.
    base_score : the initial prediction; None uses the mean target.
    tree_method : "exact" (every threshold) or "hist" (``max_bin`` bins).
    random_state : int, RandomState or None.
    """

    def fit(self, X, y, sample_weight=None):
        """Fit ``n_estimators`` rounds to ``X`` (NaN: missing) and targets ``y``."""
        X, y = validate_data(
            self, X, y, dtype=np.float32, y_numeric=True, ensure_all_finite="allow-nan"
        )
        validate_params(self)
        if np.abs(y).max() >= np.finfo(np.float32).max:
            raise ValueError(
                "y must fit float32 (|y| < 3.4e38), the precision of XGBoost."
            )

        def base(y, w):  # the weighted mean target, unless given
            return [
                np.average(y, weights=w) if self.base_score is None else self.base_score
            ]

        return self._boost(
            X, y.astype(np.float32), squared_error_gh, base, sample_weight
        )

    def predict(self, X) -> np.ndarray:
        """The margin, base score plus the trees' weights, for each row of ``X``."""
        return self._margins(X)[:, 0]


class XGBoostClassifier(ClassifierMixin, BaseXGBoost):
    """XGBoost for classification: binary logistic, or softmax with one tree per class.

    Parameters are those of :class:`XGBoostRegressor`; ``base_score`` is a
    probability for two classes (None: 0.5) and a margin for more.
    """

    def fit(self, X, y, sample_weight=None):
        """Fit ``n_estimators`` rounds to ``X`` (NaN allowed) and class labels ``y``."""
        X, y = validate_data(
            self, X, y, dtype=np.float32, ensure_all_finite="allow-nan"
        )
        check_classification_targets(y)
        validate_params(self)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        if self.n_classes_ < 2:
            raise ValueError(
                f"y has only one class ({self.classes_[0]!r}); need two or more."
            )
        if self.n_classes_ == 2:
            p = 0.5 if self.base_score is None else self.base_score
            if not 0 < p < 1:
                raise ValueError(
                    f"base_score must be a probability in (0, 1), got {p!r}."
                )
            margin = [np.log(p / (1 - p))]
            return self._boost(
                X,
                codes.astype(np.float32),
                logistic_gh,
                lambda y, w: margin,
                sample_weight,
            )
        margin = np.full(
            self.n_classes_, 0.5 if self.base_score is None else self.base_score
        )
        return self._boost(X, codes, softmax_gh, lambda y, w: margin, sample_weight)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (n_samples, n_classes): sigmoid or softmax of margins."""
        margin = self._margins(X)
        if margin.shape[1] == 1:
            p = _sigmoid(margin[:, 0])
            return np.column_stack([1 - p, p])
        z = np.exp(margin - margin.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row of ``X``."""
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]
