"""The level-wise tree engine: kernels on sorted segments (chapters 1 and 4).

Both growers of the book, CART (:mod:`groundup.trees.grow`) and XGBoost's
exact method (:mod:`groundup.boosting.xgb_exact`), keep every feature's rows
sorted in ``order`` (one row of it per feature). The rows of a live node sit
in one contiguous segment of every feature row, at the same place in each.
A whole depth is then handled by a few array passes:

* :func:`gather` lays the segments of chosen (feature, node) pairs end to
  end, with their rows and values;
* :meth:`Segments.cumsum` gives every candidate threshold its left child's
  statistics, and :meth:`Segments.first_max` the best candidate per pair;
* :meth:`Level.keep` drops nodes that stop growing, :func:`partition` moves
  each segment's left rows ahead of its right rows (still sorted), and
  :meth:`Level.children` lays out the next depth;
* :class:`NodeLog` records the nodes and lays the tree out as flat arrays;
  :func:`route` sends samples down a fitted tree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass
class Level:
    """The live nodes of one depth: ids, segments in ``order``, statistics."""

    ids: np.ndarray  # (k,) node ids
    start: np.ndarray  # (k,) first position of each segment
    size: np.ndarray  # (k,) rows in each segment
    stats: np.ndarray  # (C, k) summed statistics of each node

    @classmethod
    def root(cls, order: np.ndarray, stats: np.ndarray) -> Level:
        """The root: one segment holding every row of ``order``."""
        total = stats[:, order[0]].sum(axis=1, keepdims=True)
        return cls(np.array([0]), np.array([0]), np.array([order.shape[1]]), total)

    @cached_property
    def node_of_position(self) -> np.ndarray:
        """Index (within the level) of the node owning each position of a row."""
        return np.repeat(np.arange(self.ids.shape[0]), self.size)

    def keep(self, order: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, Level]:
        """Drop the nodes not in ``keep`` and their segments: later depths skip them."""
        if keep.all():
            return order, self
        order = order[:, np.repeat(keep, self.size)]
        size = self.size[keep]
        start = np.concatenate([[0], np.cumsum(size)[:-1]])
        return order, Level(self.ids[keep], start, size, self.stats[:, keep])

    def children(self, left_ids, n_left, left_stats, right_stats=None) -> Level:
        """The next depth after a partition: each node's two children, interleaved.

        ``right_stats`` defaults to the parent's minus the left child's.
        """
        if right_stats is None:
            right_stats = self.stats - left_stats
        ids = np.column_stack([left_ids, left_ids + 1]).ravel()
        start = np.column_stack([self.start, self.start + n_left]).ravel()
        size = np.column_stack([n_left, self.size - n_left]).ravel()
        stats = np.stack([left_stats, right_stats], axis=2)
        return Level(ids, start, size, stats.reshape(stats.shape[0], -1))


@dataclass
class Segments:
    """The segments of some (feature, node) pairs laid end to end: N positions."""

    feature: np.ndarray  # (P,) feature of each pair
    node: np.ndarray  # (P,) node (index within the level) of each pair
    start: np.ndarray  # (P,) first position of each pair
    length: np.ndarray  # (P,) positions of each pair
    rows: np.ndarray  # (N,) the sample at each position
    x: np.ndarray  # (N,) its value of the pair's feature, ascending in each pair

    def repeat(self, per_pair: np.ndarray) -> np.ndarray:
        """Spread one value per pair (last axis) over the pair's positions."""
        return np.repeat(per_pair, self.length, axis=-1)

    def position(self) -> np.ndarray:
        """Position of each entry inside its own pair: 0, 1, ... per pair."""
        return np.arange(self.rows.shape[0]) - self.repeat(self.start)

    def cumsum(self, values: np.ndarray) -> np.ndarray:
        """Cumulative sums of ``values`` (C, N) that restart at every pair."""
        csum = np.cumsum(values, axis=1)
        base = np.zeros((values.shape[0], self.start.shape[0]))
        base[:, 1:] = csum[:, self.start[1:] - 1]  # the total before each pair
        return csum - self.repeat(base)

    def first_max(self, score: np.ndarray, last: bool = False):
        """Best ``score`` of each pair and its position; ties to the first (or last)."""
        best = np.maximum.reduceat(score, self.start)
        hit = np.flatnonzero(score == self.repeat(best))
        pair = np.searchsorted(self.start, hit, side="right") - 1
        change = pair[1:] != pair[:-1]
        keep = np.r_[change, True] if last else np.r_[True, change]
        return best, hit[keep]


def gather(XT, order, level: Level, feature, node) -> Segments:
    """Lay the segments of the pairs (``feature[i]``, ``node[i]``) end to end."""
    m = order.shape[1]
    length = level.size[node]
    start = np.concatenate([[0], np.cumsum(length)[:-1]])
    # Flat index into ``order`` of every position: pair offset + running count.
    offset = np.repeat(feature * m + level.start[node] - start, length)
    rows = order.ravel()[np.arange(offset.shape[0]) + offset]
    x = XT.ravel()[np.repeat(feature * XT.shape[1], length) + rows]
    return Segments(feature, node, start, length, rows, x)


def partition(order: np.ndarray, level: Level, goes_right: np.ndarray) -> np.ndarray:
    """Stable partition of every segment: left rows first, each part still sorted.

    ``goes_right`` holds one flag per sample. The sort key is
    ``2 * node + goes_right``; numpy's stable sort of 16-bit keys is a radix
    sort, linear in the number of rows.
    """
    node = level.node_of_position
    small = 2 * level.ids.shape[0] <= np.iinfo(np.uint16).max
    key = (2 * node).astype(np.uint16 if small else np.int64) + goes_right[order]
    perm = np.argsort(key, axis=1, kind="stable")
    perm += np.arange(0, order.size, order.shape[1])[:, None]  # one flat gather
    return order.ravel()[perm]


def check_transposed(XT: np.ndarray, n_features: int) -> None:
    """Refuse data not shaped (n_features, n_samples): trees read features as rows."""
    if n_features >= 0 and (XT.ndim != 2 or XT.shape[0] != n_features):
        raise ValueError(
            f"XT must be the data transposed, (n_features={n_features}, n_samples), "
            f"got shape {XT.shape}; pass X.T for X of shape (n_samples, n_features), "
            "or use the estimator's predict or apply, which take X as it is."
        )


def route(feature, left, right, goes_left, n_samples: int) -> np.ndarray:
    """Leaf reached by each of ``n_samples`` samples, all moving down at once.

    ``goes_left(nodes, samples)`` says, for samples at inner nodes, which go left.
    """
    node = np.zeros(n_samples, dtype=np.intp)
    live = np.flatnonzero(feature[node] >= 0)
    while live.size:
        at = node[live]
        node[live] = np.where(goes_left(at, live), left[at], right[at])
        live = live[feature[node[live]] >= 0]
    return node


class NodeLog:
    """Nodes recorded as they are made, laid out at the end as arrays by node id."""

    def __init__(self):
        self.n_nodes = 1
        self._columns = defaultdict(list)  # name -> [(ids, values), ...]

    def record(self, ids: np.ndarray, **columns) -> None:
        """Store a value per node of ``ids`` in each named column (node axis first)."""
        for name, values in columns.items():
            self._columns[name].append((ids, values))

    def split(self, ids: np.ndarray, **columns) -> np.ndarray:
        """Give each node of ``ids`` two children; return the left ids (right: +1)."""
        left = self.n_nodes + 2 * np.arange(ids.shape[0])
        self.n_nodes += 2 * ids.shape[0]
        self.record(ids, left=left, right=left + 1, **columns)
        return left

    def array(self, name: str, fill, dtype) -> np.ndarray:
        """Column ``name`` for every node, ``fill`` where a node never set it."""
        pieces = self._columns[name]
        trailing = pieces[0][1].shape[1:] if pieces else ()
        out = np.full((self.n_nodes, *trailing), fill, dtype=dtype)
        for ids, values in pieces:
            out[ids] = values
        return out
