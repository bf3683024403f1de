"""XGBoost's exact greedy split search (chapter 4, ``tree_method="exact"``).

Every threshold between two distinct values is a candidate, on data sorted
once (chapter 1's level-wise engine, :mod:`groundup.trees.segments`). To
agree with the xgboost library bit for bit the search copies its
conventions: gains rounded to float32; a feature with missing values is
scanned upwards (missing rows go right) and downwards (they go left); ties go
to the first candidate met, then to the lowest feature index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..trees.segments import Level, NodeLog, Segments, gather, partition
from .xgb_tree import EPS_SPLIT, XGBSettings, XGBSplit, XGBTree, assemble, score


@dataclass(frozen=True)
class SortedColumns:
    """The features sorted once for all rounds; NaN last in each row of ``order``."""

    XT: np.ndarray  # (n_features, n) float32
    order: np.ndarray  # (n_features, n) int32: rows sorted by each feature
    has_missing: np.ndarray  # (n_features,) whether the feature has a NaN

    @classmethod
    def from_features(cls, XT: np.ndarray) -> SortedColumns:
        """Sort every feature (a row of ``XT``) once."""
        order = np.argsort(XT, axis=1, kind="stable").astype(np.int32)
        return cls(XT, order, np.isnan(XT).any(axis=1))

    @property
    def n_features(self) -> int:
        """Number of features."""
        return self.XT.shape[0]

    def columns(self, cols: np.ndarray) -> SortedColumns:
        """Only the features ``cols``, renumbered from 0 (a column sample)."""
        XT = np.ascontiguousarray(self.XT[cols])
        return SortedColumns(XT, self.order[cols], self.has_missing[cols])


class ExactGrower:
    """Grows trees by the exact method; the interface of :class:`HistGrower`."""

    def __init__(self, XT: np.ndarray, weight: np.ndarray | None = None):
        self.data = SortedColumns.from_features(XT)  # weight: unused, as in xgboost

    def grow(self, g, h, cols: np.ndarray, settings: XGBSettings) -> XGBTree:
        """A tree on the features ``cols`` for gradients ``g`` and hessians ``h``."""
        full = cols.shape[0] == self.data.n_features
        data = self.data if full else self.data.columns(cols)
        tree = grow_exact(data, g, h, settings)
        return tree.renumber(cols, self.data.n_features)


def grow_exact(data: SortedColumns, g, h, settings: XGBSettings) -> XGBTree:
    """Exact greedy growth, level by level, then xgboost's bottom-up pruning."""
    gh = np.vstack([g, h]).astype(np.float64)
    order, log = data.order, NodeLog()
    level = Level.root(order, gh)
    values_read = 0
    for depth in range(settings.max_depth + 1):
        log.record(level.ids, G=level.stats[0], H=level.stats[1])
        if depth == settings.max_depth or not level.ids.size:
            break
        # every value of every node
        values_read += data.n_features * int(level.size.sum())
        split, left_stats = exact_splits(data, order, gh, level, settings)
        found = split.gain > EPS_SPLIT
        if not found.any():
            break
        order, level = level.keep(order, found)
        split, left_stats = split.select(found), left_stats[:, found]
        left_ids = split.record(log, level.ids)
        right = goes_right(data, order, level, split)
        if depth + 1 < settings.max_depth:  # the children will be split in turn
            order = partition(order, level, right)
        n_left = level.size - np.bincount(
            level.node_of_position,
            weights=right[order[0]],
            minlength=level.ids.shape[0],
        ).astype(np.intp)
        level = level.children(left_ids, n_left, left_stats)
        order, level = level.keep(order, level.size > 0)
    tree = assemble(log, settings, data.n_features, prune=True)
    tree.values_read = tree.candidates = values_read
    return tree


def goes_right(data: SortedColumns, order, level: Level, split: XGBSplit) -> np.ndarray:
    """Samples of the split nodes that go right: x >= threshold, or NaN sent right."""
    node, rows = level.node_of_position, order[0]
    x = data.XT[split.feature[node], rows]
    flags = np.zeros(data.XT.shape[1], dtype=bool)
    flags[rows] = np.where(
        np.isnan(x), ~split.default_left[node], x >= split.threshold[node]
    )
    return flags


@dataclass
class _PairSums:
    """Sums of (g, h) of every (feature, node) pair: per position and per pair."""

    prefix: np.ndarray  # (2, N) of the rows up to each position, within its pair
    total: np.ndarray  # (2, P) of the node
    present: np.ndarray  # (2, P) of its rows with a value
    missing: np.ndarray  # (2, P) of its rows without
    n_present: np.ndarray  # (P,)
    last: np.ndarray  # (P,) position of the last present value
    root: np.ndarray  # (P,) the node's own score, G^2 / (H + lambda)
    end_gain: np.ndarray  # (P,) gain of present values one side, missing the other


def exact_splits(data, order, gh, level: Level, settings: XGBSettings):
    """Best split of every node of a level, and its left child's (G, H)."""
    n_features, n_nodes = data.n_features, level.ids.shape[0]
    pair_f = np.repeat(np.arange(n_features), n_nodes)
    pair_j = np.tile(np.arange(n_nodes), n_features)
    seg = gather(data.XT, order, level, pair_f, pair_j)
    sums = _pair_sums(seg, gh, level.stats, settings)
    cand, left = _scan(seg, sums, data.has_missing[pair_f], settings)
    # Across features: the largest gain, ties to the lowest feature index.
    table = cand.gain.reshape(n_features, n_nodes)
    f_best = table.argmax(axis=0)
    pick = f_best * n_nodes + np.arange(n_nodes)
    best = XGBSplit(
        f_best, cand.threshold[pick], cand.default_left[pick], table.max(axis=0)
    )
    return best, left[:, pick]


def _pair_sums(seg: Segments, gh, node_stats, settings: XGBSettings) -> _PairSums:
    lam, mcw = settings.reg_lambda, settings.min_child_weight
    prefix = seg.cumsum(gh[:, seg.rows])
    n_present = seg.length - np.add.reduceat(np.isnan(seg.x), seg.start)
    total = node_stats[:, seg.node]
    last = seg.start + np.maximum(n_present, 1) - 1
    present = np.where(n_present > 0, prefix[:, last], 0.0)
    missing, root = total - present, score(total[0], total[1], lam)
    ok = (present[1] >= mcw) & (missing[1] >= mcw)
    end = (score(*present, lam) + score(*missing, lam)) - root
    end = np.where(ok, end, -np.inf).astype(np.float32)
    return _PairSums(prefix, total, present, missing, n_present, last, root, end)


def _scan(seg: Segments, s: _PairSums, has_missing, settings: XGBSettings):
    """The best candidate of every pair in xgboost's order: up, down, then the two ends.

    Upwards (missing right) ties go to the first met, ascending; downwards
    (missing left) to the first met, descending, and only if strictly better.
    A candidate must beat the initial best of 0 (xgboost's SplitEntry).
    """
    gain_up, gain_down, threshold = _threshold_gains(seg, s, has_missing, settings)
    best_up, at_up = seg.first_max(np.maximum(gain_up, 0).astype(np.float32))
    best_down, at_down = seg.first_max(
        np.maximum(gain_down, 0).astype(np.float32), last=True
    )
    down = best_down > best_up
    at = np.where(down, at_down, at_up)
    cand = XGBSplit(
        seg.feature, threshold[at], down, np.where(down, best_down, best_up)
    )
    left = np.where(down, s.prefix[:, at] + s.missing, s.prefix[:, at])
    # The upward end (missing right) is met right after the upward scan: it wins
    # if it beats that scan's best and the downward scan did not beat it.
    up_end = has_missing & (s.end_gain > best_up) & ~(best_down > s.end_gain)
    cand, left = _take(
        cand, left, up_end, s.end_gain, _beyond(seg.x[s.last], 1), False, s.present
    )
    down_end = s.end_gain > cand.gain  # the downward end (missing left), met last
    low = _beyond(seg.x[seg.start], -1)
    return _take(cand, left, down_end, s.end_gain, low, True, s.missing)


def _beyond(x, sign):
    """A threshold just past ``x`` (xgboost's x +/- (|x| + kRtEps)), in float32."""
    gap = (np.abs(x) + np.float32(EPS_SPLIT)).astype(np.float32)
    return (x + sign * gap).astype(np.float32)


def _take(cand: XGBSplit, left, where, gain, threshold, default_left, left_if):
    """Candidates replaced by an end split where ``where``; left child ``left_if``."""
    replaced = XGBSplit(
        cand.feature,
        np.where(where, threshold, cand.threshold),
        np.where(where, default_left, cand.default_left),
        np.where(where, gain, cand.gain),
    )
    return replaced, np.where(where, left_if, left)


def _threshold_gains(seg: Segments, s: _PairSums, has_missing, settings: XGBSettings):
    """Gains of every threshold both ways (-inf where none), and the thresholds."""
    lam, mcw = settings.reg_lambda, settings.min_child_weight
    x_next = np.empty_like(seg.x)  # float32, so the midpoint is rounded as xgboost does
    x_next[:-1], x_next[-1] = seg.x[1:], np.nan
    # Candidates lie between consecutive distinct present values.
    cand = (seg.position() + 1 < seg.repeat(s.n_present)) & (x_next != seg.x)
    threshold = ((seg.x + x_next) * np.float32(0.5)).astype(np.float32)
    total, present, missing = (
        seg.repeat(s.total),
        seg.repeat(s.present),
        seg.repeat(s.missing),
    )
    root = seg.repeat(s.root)

    def gains(L, R):
        ok = cand & (L[1] >= mcw) & (R[1] >= mcw)
        return np.where(ok, (score(*L, lam) + score(*R, lam)) - root, -np.inf).astype(
            np.float32
        )

    up = np.where(seg.repeat(has_missing), gains(s.prefix, total - s.prefix), -np.inf)
    down = gains(s.prefix + missing, present - s.prefix)
    return up, down, threshold
