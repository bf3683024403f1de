"""Split criteria for CART (chapter 1, section "Growing one tree").

Every criterion works on *node statistics*: one column of sums per node or
per candidate split, so that a whole level of candidates is scored at once.
The statistics come first (shape ``(C, ...)``) so that the sums over them
are a few whole-array additions:

* classification: the weighted count of each class, ``C = K``;
* regression: ``[sum w, sum w*y, sum w*y**2]``, ``C = 3``.

``proxy`` is the quantity a split maximises. It differs from the weighted
child impurity ``-(W_L * I_L + W_R * I_R)`` only by a constant of the parent,
so it ranks the candidate splits of one node the same way (eq. ``rf-proxy``).
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

CLASSIFICATION = ("gini", "entropy")
REGRESSION = ("squared_error",)


def class_stats(y_codes: np.ndarray, weight: np.ndarray, n_classes: int) -> np.ndarray:
    """Weighted one-hot columns: the per-sample statistics of a classifier."""
    stats = np.zeros((n_classes, y_codes.shape[0]))
    stats[y_codes, np.arange(y_codes.shape[0])] = weight
    return stats


def regression_stats(y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Rows ``[w, w*y, w*y**2]``: the per-sample statistics of a regressor.

    Raises ValueError when ``y`` is so large that the sums the squared error
    needs overflow float64 (a split would then score NaN and never win).
    """
    with np.errstate(over="ignore"):  # an overflow is reported below
        stats = np.vstack([weight, weight * y, weight * y * y])
        bound = np.abs(stats[1]).sum()  # no node's sum of w * y is larger
        overflow = not (np.isfinite(bound * bound) and np.isfinite(stats[2].sum()))
    if overflow:
        raise ValueError(
            "y is too large for the squared error: its weighted sums of y**2 "
            "overflow float64. Rescale y (for example to unit variance)."
        )
    return stats


def weight(stats: np.ndarray, criterion: str) -> np.ndarray:
    """Total sample weight of each column of statistics."""
    return stats[0] if criterion in REGRESSION else stats.sum(axis=0)


def impurity(stats: np.ndarray, criterion: str) -> np.ndarray:
    """Impurity of each node: Gini, entropy in bits, or variance."""
    w = weight(stats, criterion)
    if criterion == "squared_error":
        mean = stats[1] / w
        return np.maximum(stats[2] / w - mean * mean, 0.0)
    p = stats / w
    if criterion == "gini":
        return 1.0 - (p * p).sum(axis=0)
    return -xlogy(p, p).sum(axis=0) / np.log(2.0)


def split_columns(criterion: str, n_columns: int) -> slice:
    """The statistics a split score needs: all class weights, or ``[w, w*y]``."""
    return slice(0, 2) if criterion in REGRESSION else slice(0, n_columns)


def proxy(left: np.ndarray, right: np.ndarray, criterion: str) -> np.ndarray:
    """Score of a split, larger is better (eq. ``rf-proxy``).

    For Gini: sum_k L_k^2 / W_L + sum_k R_k^2 / W_R;
    for entropy: sum_k L_k log(L_k / W_L) + the same for R;
    for squared error: (sum_L w y)^2 / W_L + (sum_R w y)^2 / W_R.
    """
    wl, wr = weight(left, criterion), weight(right, criterion)
    with np.errstate(divide="ignore", invalid="ignore"):
        if criterion == "squared_error":
            return left[1] ** 2 / wl + right[1] ** 2 / wr
        if criterion == "gini":
            return (left * left).sum(axis=0) / wl + (right * right).sum(axis=0) / wr
        return (xlogy(left, left).sum(axis=0) - xlogy(wl, wl)) + (
            xlogy(right, right).sum(axis=0) - xlogy(wr, wr)
        )
