"""Loss functions for gradient boosting (chapter 3).

Each loss gives the four things Friedman's algorithm needs:

* ``init``: the best constant, f_0 = argmin_c sum_i w_i L(y_i, c) (eq. ``gb-init``);
  ``weighted=False`` (no sample weights given) takes the textbook median, the
  mean of the two middle values, as scikit-learn does;
* ``negative_gradient``: r_i = -dL(y_i, f)/df at the current f (eq. ``gb-residual``);
* ``leaf_values``: the line search of each leaf,
  argmin_c sum_{i in leaf} w_i L(y_i, f(x_i) + c) (eq. ``gb-leaf``), exact or
  one Newton step;
* ``__call__``: the weighted mean loss (``train_score_``); for squared error
  the mean of (y - f)^2, not of its half.

Every leaf search is vectorised over all leaves of a tree at once: rows are
grouped by leaf with one sort or one ``bincount``. The conventions (half
squared error, the Huber threshold as a quantile of |residual|, percentiles
by the inverted CDF) follow scikit-learn's, so the two libraries agree.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
from scipy.special import expit, logsumexp, softmax


def grouped_quantile(values, weights, groups, q: float):
    """Weighted ``q``-quantile of ``values`` within each group (inverted CDF).

    Returns the sorted unique groups and, for each, the smallest value whose
    cumulative weight reaches ``q`` times the group's total weight. The
    target is computed as ``(100 q) / 100 * total``, scikit-learn's exact
    arithmetic, so that both pick the same row when the target is a tie.
    """
    order = np.lexsort((values, groups))
    g, v, w = groups[order], values[order], weights[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    cdf = np.cumsum(w)
    before = np.r_[0.0, cdf[starts[1:] - 1]]  # cumulative weight before each group
    total = np.add.reduceat(w, starts)
    target = np.repeat((100.0 * q) / 100 * total, np.diff(np.r_[starts, len(g)]))
    below = (cdf - np.repeat(before, np.diff(np.r_[starts, len(g)]))) < target
    pick = np.minimum(
        starts + np.add.reduceat(below, starts), np.r_[starts[1:], len(g)] - 1
    )
    return g[starts], v[pick]


def _per_leaf_sum(values, weights, leaf, n_nodes):
    return np.bincount(leaf, weights=values * weights, minlength=n_nodes)


def _safe_ratio(num, den):
    """num / den, with 0 where the denominator vanishes (a pure leaf under log loss)."""
    out = np.zeros_like(num)
    ok = np.abs(den) >= 1e-150
    out[ok] = num[ok] / den[ok]
    return out


class Loss(ABC):
    """Interface; see the module docstring. ``raw`` has shape (n, n_trees)."""

    n_trees = 1

    def before_round(self, y, raw, w) -> None:  # noqa: B027 - optional hook
        """Per-round set-up (Huber re-estimates its threshold here)."""

    @abstractmethod
    def init(self, y, w, weighted=True):
        """f_0: the best constant."""

    @abstractmethod
    def negative_gradient(self, y, raw):
        """The pseudo-residuals, shape (n, n_trees)."""

    @abstractmethod
    def leaf_values(self, y, raw, neg_grad, w, leaf, n_nodes):
        """(leaves, values) of the line search, or ``None`` to keep the tree's means."""

    @abstractmethod
    def __call__(self, y, raw, w):
        """The weighted mean loss."""


def _quantile(y, w, q, weighted):
    if not weighted:
        return np.array([np.percentile(y, 100 * q)])
    return np.array([grouped_quantile(y, w, np.zeros(len(y), np.intp), q)[1][0]])


class SquaredError(Loss):
    """L = (y - f)^2 / 2: the residual is the gradient; leaf value = mean residual."""

    def init(self, y, w, weighted=True):
        return np.array([np.average(y, weights=w)])

    def negative_gradient(self, y, raw):
        return (y - raw[:, 0])[:, None]

    def leaf_values(self, y, raw, neg_grad, w, leaf, n_nodes):
        return None  # the regression tree's leaf means are already the argmin

    def __call__(self, y, raw, w):
        return np.average((y - raw[:, 0]) ** 2, weights=w)


class AbsoluteError(Loss):
    """L = |y - f|: the gradient is a sign; leaf value = weighted median residual."""

    def init(self, y, w, weighted=True):
        return _quantile(y, w, 0.5, weighted)

    def negative_gradient(self, y, raw):
        return np.where(y >= raw[:, 0], 1.0, -1.0)[:, None]

    def leaf_values(self, y, raw, neg_grad, w, leaf, n_nodes):
        return grouped_quantile(y - raw[:, 0], w, leaf, 0.5)

    def __call__(self, y, raw, w):
        return np.average(np.abs(y - raw[:, 0]), weights=w)


class QuantileLoss(Loss):
    """Pinball loss for the ``alpha``-quantile; leaf value = weighted alpha-quantile."""

    def __init__(self, alpha: float):
        self.alpha = alpha

    def init(self, y, w, weighted=True):
        return _quantile(y, w, self.alpha, weighted)

    def negative_gradient(self, y, raw):
        return np.where(y >= raw[:, 0], self.alpha, self.alpha - 1.0)[:, None]

    def leaf_values(self, y, raw, neg_grad, w, leaf, n_nodes):
        return grouped_quantile(y - raw[:, 0], w, leaf, self.alpha)

    def __call__(self, y, raw, w):
        r = y - raw[:, 0]
        return np.average(
            np.where(r >= 0, self.alpha * r, (self.alpha - 1) * r), weights=w
        )


class HuberLoss(Loss):
    """Squared near zero, absolute beyond ``delta``; delta is the alpha-quantile of |r|.

    The leaf value is Friedman's one-step approximation: the leaf's median
    residual plus the mean of the residuals' deviations from it, clipped at
    delta.
    """

    def __init__(self, alpha: float):
        self.alpha = alpha
        self.delta = np.inf

    def init(self, y, w, weighted=True):
        return _quantile(y, w, 0.5, weighted)

    def before_round(self, y, raw, w):
        abs_r = np.abs(y - raw[:, 0])
        self.delta = float(
            grouped_quantile(abs_r, w, np.zeros(len(y), np.intp), self.alpha)[1][0]
        )

    def negative_gradient(self, y, raw):
        return np.clip(y - raw[:, 0], -self.delta, self.delta)[:, None]

    def leaf_values(self, y, raw, neg_grad, w, leaf, n_nodes):
        r = y - raw[:, 0]
        leaves, median = grouped_quantile(r, w, leaf, 0.5)
        median_of_row = np.zeros(n_nodes)
        median_of_row[leaves] = median
        diff = r - median_of_row[leaf]
        step = np.sign(diff) * np.minimum(self.delta, np.abs(diff))
        mean_step = _per_leaf_sum(step, w, leaf, n_nodes) / np.bincount(
            leaf, weights=w, minlength=n_nodes
        ).clip(min=np.finfo(float).tiny)
        return leaves, median + mean_step[leaves]

    def __call__(self, y, raw, w):
        a = np.abs(y - raw[:, 0])
        d = self.delta
        return np.average(np.where(a <= d, 0.5 * a**2, d * (a - d / 2)), weights=w)


class BinomialLoss(Loss):
    """Log loss with f = log odds; leaf value = one Newton step sum r / sum p(1 - p)."""

    def init(self, y, w, weighted=True):
        p = np.clip(
            np.average(y, weights=w), np.finfo(float).eps, 1 - np.finfo(float).eps
        )
        return np.array([np.log(p / (1 - p))])

    def negative_gradient(self, y, raw):
        return (y - expit(raw[:, 0]))[:, None]

    def leaf_values(self, y, raw, neg_grad, w, leaf, n_nodes):
        p = y - neg_grad  # the probabilities the gradient was taken at
        num = _per_leaf_sum(neg_grad, w, leaf, n_nodes)
        den = _per_leaf_sum(p * (1 - p), w, leaf, n_nodes)
        leaves = np.unique(leaf)
        return leaves, _safe_ratio(num, den)[leaves]

    def __call__(self, y, raw, w):
        f = raw[:, 0]  # mean log loss; scikit-learn reports twice this (the deviance)
        return np.average(np.logaddexp(0, f) - y * f, weights=w)

    @staticmethod
    def proba(raw):
        """Probabilities (n, 2) of the two classes from the log odds raw[:, 0]."""
        p = expit(raw[:, 0])
        return np.column_stack([1 - p, p])


class ExponentialLoss(Loss):
    """AdaBoost's loss, L = exp(-(2y - 1) f), for two classes (y in {0, 1}).

    Its minimiser is half the log odds, so p = expit(2 f). The leaf value is
    one Newton step, sum r / sum |r|: the Hessian of exp(-z f) is the
    gradient's magnitude (Friedman 2001; scikit-learn's choice).
    """

    def init(self, y, w, weighted=True):
        eps = np.finfo(float).eps
        p = np.clip(np.average(y, weights=w), eps, 1 - eps)
        return np.array([0.5 * np.log(p / (1 - p))])

    def negative_gradient(self, y, raw):
        z = 2.0 * y - 1.0
        return (z * np.exp(-z * raw[:, 0]))[:, None]

    def leaf_values(self, y, raw, neg_grad, w, leaf, n_nodes):
        num = _per_leaf_sum(neg_grad, w, leaf, n_nodes)
        den = _per_leaf_sum(np.abs(neg_grad), w, leaf, n_nodes)
        leaves = np.unique(leaf)
        return leaves, _safe_ratio(num, den)[leaves]

    def __call__(self, y, raw, w):
        return np.average(np.exp(-(2.0 * y - 1.0) * raw[:, 0]), weights=w)

    @staticmethod
    def proba(raw):
        """Probabilities (n, 2) of the two classes: p = expit(2 f)."""
        p = expit(2.0 * raw[:, 0])
        return np.column_stack([1 - p, p])


class MultinomialLoss(Loss):
    """Softmax cross-entropy, one tree per class and round.

    The Newton step carries the factor (K - 1) / K of Friedman (2001) and of
    scikit-learn.
    """

    def __init__(self, n_classes: int):
        self.n_trees = self.n_classes = n_classes

    def init(self, y, w, weighted=True):
        eps = np.finfo(float).eps
        p = np.clip(
            np.bincount(y, weights=w, minlength=self.n_classes) / w.sum(), eps, 1 - eps
        )
        return np.log(p) - np.mean(np.log(p))  # softmax ignores the centring

    def negative_gradient(self, y, raw):
        return np.eye(self.n_classes)[y] - softmax(raw, axis=1)

    def leaf_values(self, y_k, raw, neg_grad_k, w, leaf, n_nodes):
        p = y_k - neg_grad_k
        num = (
            _per_leaf_sum(neg_grad_k, w, leaf, n_nodes)
            * (self.n_classes - 1)
            / self.n_classes
        )
        den = _per_leaf_sum(p * (1 - p), w, leaf, n_nodes)
        leaves = np.unique(leaf)
        return leaves, _safe_ratio(num, den)[leaves]

    def __call__(self, y, raw, w):
        return np.average(logsumexp(raw, axis=1) - raw[np.arange(len(y)), y], weights=w)

    @staticmethod
    def proba(raw):
        """Probabilities (n, K): the softmax of the K raw scores."""
        return softmax(raw, axis=1)


REGRESSION_LOSSES = ("squared_error", "absolute_error", "huber", "quantile")


def make_loss(name: str, alpha: float = 0.9, n_classes: int = 2) -> Loss:
    """The loss object for a loss name (names as in scikit-learn)."""
    if name == "squared_error":
        return SquaredError()
    if name == "absolute_error":
        return AbsoluteError()
    if name == "huber":
        return HuberLoss(alpha)
    if name == "quantile":
        return QuantileLoss(alpha)
    if name == "exponential":
        if n_classes != 2:
            raise ValueError(
                "loss='exponential' needs two classes, got "
                f"{n_classes}; use loss='log_loss'."
            )
        return ExponentialLoss()
    if name == "log_loss":
        return BinomialLoss() if n_classes == 2 else MultinomialLoss(n_classes)
    raise ValueError(f"unknown loss {name!r}")
