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


def _rmse(y, margin) -> float:
    return float(np.sqrt(np.mean((margin[:, 0] - y) ** 2, dtype=np.float64)))


def _logloss(y, margin) -> float:
    p = np.clip(_sigmoid(margin[:, 0]).astype(np.float64), 1e-16, 1 - 1e-16)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _mlogloss(y, margin) -> float:
    z = margin.astype(np.float64)
    log_p = z - z.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    return float(-np.mean(np.maximum(log_p[np.arange(y.shape[0]), y], np.log(1e-16))))


METRICS = {"rmse": _rmse, "logloss": _logloss, "mlogloss": _mlogloss}


class EvalWatch:
    """xgboost's ``eval_set``: each round's metric on held-out sets; early stopping.

    The last set decides: training stops once ``early_stopping_rounds`` rounds
    in a row have not lowered its best metric; the model then predicts with
    the trees up to the best round, as xgboost's scikit-learn API does.
    """

    def __init__(self, evals, metric: str, base_margin, rounds: int | None):
        self.evals, self.metric, self.rounds = evals, metric, rounds
        self.margins = [np.tile(base_margin, (XT.shape[1], 1)) for XT, _ in evals]
        self.history = [[] for _ in evals]
        self.best, self.best_score = -1, np.inf

    def after_round(self, stage) -> bool:
        """Score this round's trees on every set; True when it is time to stop."""
        for (XT, y), margin, history in zip(
            self.evals, self.margins, self.history, strict=True
        ):
            for j, tree in enumerate(stage):
                margin[:, j] += tree.predict(XT)
            history.append(METRICS[self.metric](y, margin))
        if not self.evals:
            return False
        if self.history[-1][-1] < self.best_score:
            self.best, self.best_score = len(self.history[-1]) - 1, self.history[-1][-1]
        done = len(self.history[-1]) - 1 - self.best
        return self.rounds is not None and done >= self.rounds

    def record(self, model) -> None:
        """Set ``evals_result_`` and, when stopping early, ``best_iteration``."""
        model.evals_result_ = {
            f"validation_{i}": {self.metric: h} for i, h in enumerate(self.history)
        }
        if self.rounds is not None:
            model.best_iteration, model.best_score = self.best, self.best_score
        else:  # a refit without early stopping forgets an earlier best round
            model.__dict__.pop("best_iteration", None)
            model.__dict__.pop("best_score", None)


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
        "early_stopping_rounds": [Interval(int, 1), None],
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
        early_stopping_rounds=None,
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
        self.early_stopping_rounds = early_stopping_rounds

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

    def _boost(self, X, y, gh, base_margin, sample_weight, evals=()):
        """Fit ``n_estimators`` rounds of trees (K per round for K margins).

        ``base_margin(y, weight)`` gives the starting margin of every output;
        ``evals`` holds the (XT, target) of every ``eval_set``.
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
        watch = EvalWatch(
            evals, self._metric(), self.base_margin_, self.early_stopping_rounds
        )
        for _ in range(self.n_estimators):
            g, h = gh(y, margin)
            w, cols = self._sample(weight, XT.shape[0], rng)
            g, h = g * w[:, None], h * w[:, None]
            self.trees_.append(xgboost_round(grower, XT, g, h, cols, settings, margin))
            if watch.after_round(self.trees_[-1]):
                break
        watch.record(self)
        return self

    def _evals(self, eval_set, target) -> list:
        """Each (X, y) of ``eval_set`` checked, transposed, y made a ``target``."""
        if eval_set is None:
            if self.early_stopping_rounds is not None:
                raise ValueError(
                    "early_stopping_rounds needs an eval_set to watch, "
                    "e.g. fit(X, y, eval_set=[(X_val, y_val)])."
                )
            return []
        evals = []
        for X_val, y_val in eval_set:
            X_val = validate_data(
                self,
                X_val,
                dtype=np.float32,
                reset=False,
                ensure_all_finite="allow-nan",
            )
            evals.append((np.ascontiguousarray(X_val.T), target(np.asarray(y_val))))
        return evals

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
        if n_trees is None and getattr(self, "best_iteration", None) is not None:
            n_trees = self.best_iteration + 1  # early stopping: up to the best round
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
    early_stopping_rounds : int or None; stop when the last ``eval_set`` of
        ``fit`` has not improved for this many rounds (then ``best_iteration``,
        ``best_score``; predictions use the trees up to the best round).
    """

    def _metric(self) -> str:
        return "rmse"

    def fit(self, X, y, sample_weight=None, eval_set=None):
        """Fit ``n_estimators`` rounds to ``X`` (NaN: missing) and targets ``y``.

        ``eval_set``, a list of (X, y), is scored after every round (RMSE) into
        ``evals_result_``; with ``early_stopping_rounds`` the last set stops it.
        """
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

        evals = self._evals(eval_set, lambda y: y.astype(np.float32))
        return self._boost(
            X, y.astype(np.float32), squared_error_gh, base, sample_weight, evals
        )

    def predict(self, X) -> np.ndarray:
        """The margin, base score plus the trees' weights, for each row of ``X``."""
        return self._margins(X)[:, 0]


class XGBoostClassifier(ClassifierMixin, BaseXGBoost):
    """XGBoost for classification: binary logistic, or softmax with one tree per class.

    Parameters are those of :class:`XGBoostRegressor`; ``base_score`` is a
    probability for two classes (None: 0.5) and a margin for more.
    """

    def _metric(self) -> str:
        return "logloss" if self.n_classes_ == 2 else "mlogloss"

    def _codes(self, y) -> np.ndarray:
        """Class codes of labels ``y`` (of an ``eval_set``), which must be known."""
        codes = np.searchsorted(self.classes_, y).clip(max=self.n_classes_ - 1)
        if not np.array_equal(self.classes_[codes], y):
            raise ValueError("eval_set has labels that the training y does not.")
        return codes

    def fit(self, X, y, sample_weight=None, eval_set=None):
        """Fit ``n_estimators`` rounds to ``X`` (NaN allowed) and class labels ``y``.

        ``eval_set`` as in :meth:`XGBoostRegressor.fit`, scored by log loss.
        """
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
            evals = self._evals(eval_set, lambda y: self._codes(y).astype(np.float32))
            return self._boost(
                X,
                codes.astype(np.float32),
                logistic_gh,
                lambda y, w: margin,
                sample_weight,
                evals,
            )
        margin = np.full(
            self.n_classes_, 0.5 if self.base_score is None else self.base_score
        )
        evals = self._evals(eval_set, self._codes)
        gh, base = softmax_gh, lambda y, w: margin
        return self._boost(X, codes, gh, base, sample_weight, evals)

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
