"""Frame-level metrics of online action detection (chapter 12).

- :func:`average_precision`: the area under the precision-recall steps, the
  definition scikit-learn's ``average_precision_score`` uses;
- :func:`frame_map`: per-frame mAP over the action classes (THUMOS'14 style:
  the background class is scored by no AP);
- :func:`calibrated_frame_map`: per-frame calibrated mAP, mcAP (TVSeries; De
  Geest et al. 2016), where precision is computed as if positives and
  negatives were equally many (eq. ``oadtr-cap``).
"""

from __future__ import annotations

import numpy as np


def _ranked_counts(scores: np.ndarray, positive: np.ndarray):
    """True and false positives above each distinct score threshold, highest first."""
    order = np.argsort(-scores, kind="mergesort")
    scores, positive = scores[order], positive[order]
    # end of each tie group
    last = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    tp = np.cumsum(positive)[last]
    fp = (last + 1) - tp
    return tp.astype(float), fp.astype(float)


def _check(scores, labels) -> tuple[np.ndarray, np.ndarray]:
    scores, labels = np.asarray(scores, dtype=float), np.asarray(labels)
    if scores.ndim != 2:
        raise ValueError(
            f"scores must have shape (n_frames, n_classes), got {scores.shape}."
        )
    if labels.shape != (len(scores),):
        raise ValueError(
            f"labels must have shape ({len(scores)},), got {labels.shape}."
        )
    if labels.min() < 0 or labels.max() >= scores.shape[1]:
        raise ValueError(f"labels must be class ids in 0..{scores.shape[1] - 1}.")
    return scores, labels


def average_precision(scores, positive, calibrated: bool = False) -> float:
    """AP = sum_n (R_n - R_{n-1}) P_n over the distinct score thresholds.

    With ``calibrated=True`` precision is w TP / (w TP + FP), w = negatives /
    positives: the precision the ranking would have on a balanced set.
    """
    scores, positive = np.asarray(scores, dtype=float), np.asarray(positive, dtype=bool)
    n_pos = positive.sum()
    if n_pos == 0:
        raise ValueError("positive must contain at least one positive frame.")
    tp, fp = _ranked_counts(scores, positive)
    w = (len(positive) - n_pos) / n_pos if calibrated else 1.0
    precision = w * tp / (w * tp + fp)
    recall_steps = np.diff(np.r_[0.0, tp]) / n_pos
    return float(np.sum(recall_steps * precision))


def _mean_ap(scores, labels, background, calibrated) -> float:
    scores, labels = _check(scores, labels)
    classes = [
        c for c in range(scores.shape[1]) if c != background and np.any(labels == c)
    ]
    if not classes:
        raise ValueError(
            "labels must contain at least one action (non-background) frame."
        )
    return float(
        np.mean(
            [average_precision(scores[:, c], labels == c, calibrated) for c in classes]
        )
    )


def frame_map(scores, labels, background: int | None = 0) -> float:
    """Per-frame mAP: the mean over action classes present in ``labels`` of the AP of
    that class's scores; ``background`` (a class id, or None) is left out."""
    return _mean_ap(scores, labels, background, calibrated=False)


def calibrated_frame_map(scores, labels, background: int | None = 0) -> float:
    """Per-frame calibrated mAP (mcAP), the TVSeries metric."""
    return _mean_ap(scores, labels, background, calibrated=True)
