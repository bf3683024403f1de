"""XGBoost's histogram method (chapter 4, ``tree_method="hist"``).

Each feature is cut once into at most ``max_bin`` bins (:func:`quantile_cuts`)
and every value replaced by its bin (:class:`BinnedData`). A level of the tree
then costs one ``bincount`` of (g, h) per node, feature and bin; of each pair
of siblings only the smaller is histogrammed, the other is its parent minus
it (the subtraction trick). A split whose gain is below gamma is rejected
when its node is expanded, and nothing is pruned afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from ..trees.segments import NodeLog
from .xgb_tree import EPS_SPLIT, XGBSettings, XGBSplit, XGBTree, assemble, score


def quantile_cuts(
    x: np.ndarray, max_bin: int, weight: np.ndarray | None = None
) -> np.ndarray:
    """Candidate thresholds for one feature: at most ``max_bin - 1`` cut points.

    Cuts sit where the cumulative ``weight`` of the sorted present values
    crosses k / max_bin (the weighted quantile sketch of the XGBoost paper,
    computed exactly here; with hessians as weights, each bin holds the same
    share of the second-order information).
    """
    present = ~np.isnan(x)
    v = x[present]
    if v.size == 0:
        return np.empty(0, np.float32)
    w = np.ones(v.size) if weight is None else weight[present]
    order = np.argsort(v, kind="stable")
    v, cdf = v[order], np.cumsum(w[order])
    targets = cdf[-1] * np.arange(1, max_bin) / max_bin
    picks = np.unique(v[np.minimum(np.searchsorted(cdf, targets), v.size - 1)])
    # A cut at the smallest value would leave an empty left side.
    return picks[picks > v[0]].astype(np.float32)


@dataclass(frozen=True)
class BinnedData:
    """Every value replaced by its bin; the last slot of each feature holds its NaNs.

    Feature f owns the slots ``f * n_slots ... f * n_slots + n_slots - 1`` of
    ``index``: a value gets the number of cuts at or below it, a missing
    value the slot :attr:`missing_slot`.
    """

    index: np.ndarray  # (n, n_features) slots, feature offsets added (bincount's intp)
    cuts: list  # per feature, the float32 cut points
    n_slots: int  # slots per feature: max_bin bins and the missing slot

    @classmethod
    def from_features(cls, XT, max_bin: int, weight=None) -> BinnedData:
        """Cut each feature (a row of ``XT``) at its weighted quantiles, then bin it."""
        cuts = [quantile_cuts(XT[f], max_bin, weight) for f in range(XT.shape[0])]
        return cls.from_cuts(XT, cuts, max_bin + 1)

    @classmethod
    def from_cuts(cls, XT, cuts: list, n_slots: int) -> BinnedData:
        """Bin each feature (a row of ``XT``) at the given cut points."""
        n_features, n = XT.shape
        index = np.empty((n, n_features), np.intp)
        for f in range(n_features):
            b = np.searchsorted(cuts[f], XT[f], side="right")
            index[:, f] = np.where(np.isnan(XT[f]), n_slots - 1, b) + f * n_slots
        return cls(index, cuts, n_slots)

    @property
    def missing_slot(self) -> int:
        """The slot, within each feature, of the missing values: the last one."""
        return self.n_slots - 1

    @property
    def n_features(self) -> int:
        """Number of features."""
        return self.index.shape[1]

    def columns(self, cols: np.ndarray) -> BinnedData:
        """Only the features ``cols``, slots renumbered from 0 (a column sample)."""
        offsets = (np.arange(cols.shape[0]) - cols) * self.n_slots
        return BinnedData(
            self.index[:, cols] + offsets, [self.cuts[c] for c in cols], self.n_slots
        )

    def slot(self, rows: np.ndarray, features: np.ndarray) -> np.ndarray:
        """The slot (within its feature) of each row's value of its feature."""
        flat = self.index.ravel()[rows * self.n_features + features]  # one flat take
        return flat - features * self.n_slots

    def thresholds(self, features, slots) -> np.ndarray:
        """The cut after each slot (float32; inf after the last cut: no split)."""
        pairs = zip(features, slots, strict=True)
        cut = [self.cuts[f][s] if s < len(self.cuts[f]) else np.inf for f, s in pairs]
        return np.array(cut, np.float32)

    def histograms(self, g, h, rows, node_of_row, n_nodes: int) -> np.ndarray:
        """(2, n_nodes, n_features, n_slots) sums of g and h, in two ``bincount`` calls.

        Sharded training calls this once per shard and adds the results: the
        all-reduce of distributed XGBoost.
        """
        n_features = self.n_features
        size = n_nodes * n_features * self.n_slots
        if n_nodes == 1 and rows.shape[0] == self.index.shape[0]:  # the root: no gather
            index, g_rows, h_rows = self.index.ravel(), g, h
        else:
            index = self.index[rows]  # a fresh copy, offset in place by each row's node
            index += (node_of_row * (n_features * self.n_slots))[:, None]
            index, g_rows, h_rows = index.ravel(), g[rows], h[rows]
        out = np.empty((2, size))
        out[0] = np.bincount(
            index, weights=np.repeat(g_rows, n_features), minlength=size
        )
        out[1] = np.bincount(
            index, weights=np.repeat(h_rows, n_features), minlength=size
        )
        return out.reshape(2, n_nodes, n_features, self.n_slots)


class HistGrower:
    """Grows trees by the histogram method; the interface of :class:`ExactGrower`."""

    def __init__(
        self, XT: np.ndarray, weight: np.ndarray | None = None, max_bin: int = 256
    ):
        self.data = BinnedData.from_features(XT, max_bin, weight)

    def grow(self, g, h, cols: np.ndarray, settings: XGBSettings) -> XGBTree:
        """A tree on the features ``cols`` for gradients ``g`` and hessians ``h``."""
        full = cols.shape[0] == self.data.n_features
        data = self.data if full else self.data.columns(cols)
        tree = grow_hist(data, g, h, settings)
        return tree.renumber(cols, self.data.n_features)


def grow_hist(
    data: BinnedData, g, h, settings: XGBSettings, histograms=None
) -> XGBTree:
    """Level-wise growth on binned features with the subtraction trick.

    ``histograms(rows, node_of_row, n_nodes)`` returns the (g, h) histograms
    of the given rows; by default one process computes them with
    :meth:`BinnedData.histograms`. A distributed version sums the workers' ones.
    """
    g, h = g.astype(np.float64), h.astype(np.float64)
    histograms = histograms or partial(data.histograms, g, h)
    rows, log, ids = _Rows.start(data.index.shape[0]), NodeLog(), np.array([0])
    hist = histograms(rows.live, rows.node[rows.live], 1)
    values_read, candidates = rows.live.shape[0] * data.n_features, 0
    for depth in range(settings.max_depth + 1):
        stats = hist[:, :, 0, :].sum(axis=2)  # (2, nodes): every feature sums to G, H
        log.record(ids, G=stats[0], H=stats[1])
        if depth == settings.max_depth:
            break
        split, slot = hist_splits(data, hist, stats, settings)
        # one candidate per node, feature and boundary between bins
        candidates += hist.shape[1] * data.n_features * (data.n_slots - 2)
        # A node is expanded only if its gain is positive and not below gamma.
        keep = (split.gain > EPS_SPLIT) & ~(split.gain < settings.gamma)
        if not keep.any():
            break
        left_ids = split.select(keep).record(log, ids[keep])
        go_left = rows.route(data, keep, split, slot, left_ids)
        ids = np.column_stack([left_ids, left_ids + 1]).ravel()
        if depth + 1 == settings.max_depth:  # the children are leaves: plain sums
            log.record(ids, **rows.child_sums(g, h, ids.shape[0]))
            break
        hist, read = _child_histograms(hist[:, keep], histograms, rows, go_left)
        values_read += read
        rows.descend()
    tree = assemble(log, settings, data.n_features, prune=False)
    tree.values_read, tree.candidates = values_read, candidates
    tree.train_leaf = rows.node_id  # hist prunes nothing: every row ends in a leaf
    return tree


@dataclass
class _Rows:
    """Where the training rows are: the live ones, their node, their next node."""

    live: np.ndarray  # rows still in a node being split
    node: np.ndarray  # (n,) position of each row's node among the level's nodes
    node_id: np.ndarray  # (n,) the deepest node each row has reached
    child: np.ndarray | None = None  # (live,) position of each live row's child

    @classmethod
    def start(cls, n: int) -> _Rows:
        """Every row at the root."""
        return cls(np.arange(n), np.zeros(n, np.intp), np.zeros(n, np.intp))

    def route(
        self, data: BinnedData, keep, split: XGBSplit, slot, left_ids
    ) -> np.ndarray:
        """Send the rows of the split nodes to a child (rows of the others drop out)."""
        new_pos = np.full(keep.shape[0], -1)
        new_pos[keep] = np.arange(keep.sum())
        p = new_pos[self.node[self.live]]
        self.live, p = self.live[p >= 0], p[p >= 0]
        feature = split.feature[keep][p]
        b = data.slot(self.live, feature)
        go_left = np.where(
            b == data.missing_slot, split.default_left[keep][p], b < slot[keep][p] + 1
        )
        self.child = 2 * p + ~go_left
        self.node_id[self.live] = left_ids[p] + ~go_left
        return go_left

    def child_sums(self, g, h, n_children: int) -> dict:
        """G and H of every child, summed over its rows."""
        G = np.bincount(self.child, weights=g[self.live], minlength=n_children)
        H = np.bincount(self.child, weights=h[self.live], minlength=n_children)
        return {"G": G, "H": H}

    def descend(self) -> None:
        """Make the children the next level's nodes."""
        self.node[self.live] = self.child


def _child_histograms(parent_hist, histograms, rows: _Rows, go_left):
    """Histograms of all children: the smaller of a pair built, the other subtracted."""
    counts = np.bincount(rows.child, minlength=2 * parent_hist.shape[1])
    small_is_right = counts[1::2] < counts[0::2]
    # rows of small ones
    small = np.flatnonzero(go_left != small_is_right[rows.child // 2])
    small_hist = histograms(
        rows.live[small], rows.child[small] // 2, parent_hist.shape[1]
    )
    at_small = 2 * np.arange(small_is_right.shape[0]) + small_is_right
    hist = np.empty((2, 2 * at_small.shape[0], *parent_hist.shape[2:]))
    hist[:, at_small] = small_hist
    hist[:, at_small ^ 1] = parent_hist - small_hist
    return hist, small.shape[0] * parent_hist.shape[2]


def hist_splits(data: BinnedData, hist, stats, settings: XGBSettings):
    """Best (feature, bin) split per node from the histograms, both missing directions.

    Returns the splits and the slot each splits after (slots 0..k go left).
    """
    lam, mcw = settings.reg_lambda, settings.min_child_weight
    # The cumulative sum runs over the slots in order, the missing slot last,
    # which is sliced off with the last bin (splitting after it splits nothing).
    prefix = np.cumsum(hist, axis=3)[:, :, :, : data.missing_slot - 1]
    missing = hist[:, :, :, data.missing_slot :]
    total = stats[:, :, None, None]
    root = score(stats[0], stats[1], lam, np.float64)[:, None, None]
    best_gain, best_left = None, None
    # Without missing values at this level one direction is enough (left by default).
    has_missing = bool(missing[1].any())
    for default_left in (True, False) if has_missing else (True,):
        L = prefix + missing if default_left and has_missing else prefix
        R = total - L
        gain = score(*L, lam, np.float64) + score(*R, lam, np.float64) - root
        gain[~((L[1] >= mcw) & (R[1] >= mcw))] = -np.inf
        if best_gain is None:
            best_gain, best_left = gain, np.full(gain.shape, default_left)
        else:  # missing right replaces missing left only if strictly better
            better = gain > best_gain
            best_gain = np.where(better, gain, best_gain)
            best_left = np.where(better, default_left, best_left)
    return _best_bin(data, best_gain, best_left)


def _best_bin(data: BinnedData, gain, default_left):
    """Per node the largest gain; ties to the lowest feature, then the lowest bin."""
    n_nodes, _, n_cands = gain.shape
    flat = gain.reshape(n_nodes, -1)
    pick = flat.argmax(axis=1)
    f, k = np.divmod(pick, n_cands)
    nodes = np.arange(n_nodes)
    split = XGBSplit(
        f, data.thresholds(f, k), default_left[nodes, f, k], flat[nodes, pick]
    )
    return split, k
