"""Growing a CART tree level by level (chapter 1, "A tree in a few array passes").

A textbook CART grows one node at a time. In numpy that pays the call
overhead once per node, thousands of times per tree. Here every node of a
depth is split at once:

* each feature's rows are sorted **once per tree** (``order``, one row per
  feature); inside a row, the rows of every live node sit in one contiguous,
  sorted segment, and all feature rows share the same segment boundaries;
* a cumulative sum along the sorted rows gives, for every candidate threshold
  of every (feature, node) pair, the statistics of the left child; the right
  child is the parent minus the left (eq. ``rf-proxy`` scores them);
* after the split, a stable partition moves each segment's left rows ahead of
  its right rows, which keeps every segment sorted: no re-sorting.

Thresholds are exact: midpoints between consecutive distinct values, as in
scikit-learn, so with all features the trees agree split for split.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import criteria
from .best_first import best_first, split_gains
from .segments import (
    Level,
    NodeLog,
    Segments,
    check_transposed,
    gather,
    partition,
    route,
)

# Two feature values closer than this are treated as equal (scikit-learn's
# FEATURE_THRESHOLD); a node whose impurity is below EPS is pure.
FEATURE_THRESHOLD = 1e-7
EPS = np.finfo(np.float64).eps


@dataclass
class Tree:
    """A fitted tree as flat arrays: node 0 the root, ``feature < 0`` a leaf."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # (n_nodes, C) node statistics, see criteria.py
    impurity: np.ndarray
    n_samples: np.ndarray
    weight: np.ndarray
    depth: np.ndarray
    n_features: int = -1  # columns of the data it was grown on (-1: not known)

    @property
    def node_count(self) -> int:
        """Number of nodes, leaves included."""
        return int(self.feature.shape[0])

    @property
    def max_depth(self) -> int:
        """Depth of the deepest node (the root has depth 0)."""
        return int(self.depth.max())

    @property
    def n_leaves(self) -> int:
        """Number of leaves."""
        return int((self.feature < 0).sum())

    def apply(self, XT: np.ndarray) -> np.ndarray:
        """Leaf index of every column of ``XT`` (features x samples), all at once."""
        check_transposed(XT, self.n_features)

        def goes_left(node, sample):
            return XT[self.feature[node], sample] <= self.threshold[node]

        return route(self.feature, self.left, self.right, goes_left, XT.shape[1])

    def leaf_value(self) -> np.ndarray:
        """A regression tree's prediction at every node: the weighted mean target."""
        return self.value[:, 1] / self.value[:, 0]

    def set_leaf_values(self, leaves: np.ndarray, values: np.ndarray) -> None:
        """Make ``leaves`` of a regression tree predict ``values``, keeping their
        weights.

        Gradient boosting (chapter 3) replaces the mean gradient in each leaf
        by the loss's own line search.
        """
        w = self.value[leaves, 0]
        self.value[leaves, 1] = values * w
        self.value[leaves, 2] = values**2 * w

    def improvements(self, n_features: int) -> np.ndarray:
        """Weighted impurity decrease per feature (the MDI importance, unnormalised)."""
        split = np.flatnonzero(self.feature >= 0)
        gain = split_gains(self)[split]
        return np.bincount(self.feature[split], weights=gain, minlength=n_features)

    def parent(self) -> np.ndarray:
        """The parent of every node (-1 for the root)."""
        parent = np.full(self.node_count, -1)
        split = np.flatnonzero(self.feature >= 0)
        parent[self.left[split]] = parent[self.right[split]] = split
        return parent

    def decision_path(self, XT: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(sample, node) of every node each column of ``XT`` passes, root to leaf."""
        node, parent = self.apply(XT), self.parent()
        sample = np.arange(node.shape[0])
        samples, nodes = [sample], [node]
        for _ in range(self.max_depth):  # climb one depth per pass
            sample, node = sample[node > 0], node[node > 0]
            node = parent[node]
            samples.append(sample)
            nodes.append(node)
        return np.concatenate(samples), np.concatenate(nodes)


@dataclass(frozen=True)
class CartSettings:
    """What a CART tree may grow: the stopping rules and the per-node feature draw."""

    criterion: str
    max_depth: int | None = None
    min_samples_split: int = 2
    min_samples_leaf: int = 1
    max_features: int = 1  # how many features each node draws (1..n_features)
    min_weight_fraction_leaf: float = 0.0  # of the total weight, in every leaf
    min_impurity_decrease: float = 0.0  # weighted decrease a split must reach
    max_leaf_nodes: int | None = None  # grow best-first to this many leaves
    # set per tree by grow_tree (for_root): its weight, the fraction of it a leaf needs
    total_weight: float = 1.0
    min_weight_leaf: float = 0.0


@dataclass
class Split:
    """The best split of every node of a level (``n_left == -1``: none found)."""

    n_left: np.ndarray  # (k,) rows sent left
    feature: np.ndarray  # (k,)
    threshold: np.ndarray  # (k,) x <= threshold goes left
    left_stats: np.ndarray  # (C, k) statistics of the left child
    right_stats: np.ndarray | None = None  # (C, k) and of the right one

    def select(self, keep: np.ndarray) -> Split:
        """The splits of the nodes in ``keep`` only."""
        return Split(
            self.n_left[keep],
            self.feature[keep],
            self.threshold[keep],
            self.left_stats[:, keep],
            self.right_stats[:, keep],
        )


def grow_tree(
    XT, stats, order, settings: CartSettings, rng: np.random.Generator
) -> Tree:
    """Grow one CART tree breadth-first, a whole depth per step.

    Parameters
    ----------
    XT : (n_features, n_samples) float32 array, the features transposed.
    stats : (C, n_samples) per-sample statistics (see ``criteria``).
    order : (n_features, m) int array: the training rows (rows of ``XT``'s
        columns), each row of ``order`` sorted by its feature. Rows absent
        from ``order`` (out-of-bag, zero weight) take no part.
    settings : the stopping rules and ``max_features``.
    rng : draws the features each node tries.
    """
    level, log, depth = Level.root(order, stats), NodeLog(), 0
    settings = for_root(settings, level)
    while level.ids.size:
        depths = np.full(level.ids.shape, depth)
        log.record(level.ids, value=level.stats.T, n_samples=level.size, depth=depths)
        order, level = level.keep(order, can_split(level, depth, settings))
        if not level.ids.size:
            break
        tried = draw_features(XT, order, level, settings.max_features, rng)
        split = best_splits(XT, stats, order, level, tried, settings)
        found = (split.n_left > 0) & enough_gain(level, split, settings)
        order, level = level.keep(order, found)
        split = split.select(found)
        if not level.ids.size:
            break
        if settings.max_depth is None or depth + 1 < settings.max_depth:
            order = partition(order, level, goes_right(XT, order, level, split))
        left = log.split(level.ids, feature=split.feature, threshold=split.threshold)
        level = level.children(left, split.n_left, split.left_stats, split.right_stats)
        depth += 1
    tree = _assemble(log, settings.criterion, XT.shape[0])
    if settings.max_leaf_nodes is not None:
        tree = best_first(tree, settings.max_leaf_nodes)
    return tree


def for_root(settings: CartSettings, root: Level) -> CartSettings:
    """``settings`` for one tree: its total weight, and the leaf fraction of it."""
    total = float(criteria.weight(root.stats, settings.criterion)[0])
    least = settings.min_weight_fraction_leaf * total
    return replace(settings, total_weight=total, min_weight_leaf=least)


def can_split(level: Level, depth: int, settings: CartSettings) -> np.ndarray:
    """Nodes that may still split: below the depth limit, big enough, not pure."""
    impure = criteria.impurity(level.stats, settings.criterion) > EPS
    weight = criteria.weight(level.stats, settings.criterion)
    return (
        (settings.max_depth is None or depth < settings.max_depth)
        & (level.size >= settings.min_samples_split)
        & (level.size >= 2 * settings.min_samples_leaf)
        & (weight >= 2 * settings.min_weight_leaf)
        & impure
    )


def draw_features(XT, order, level: Level, max_features: int, rng) -> np.ndarray:
    """Features each node tries, in the order it tries them: shape ``(max_features,
    k)``.

    As in scikit-learn's splitter, each node visits the features in a random
    order and stops after ``max_features`` of them. A feature that is
    constant inside the node counts toward that number although it offers no
    split; only when every visited feature is constant does the node visit
    on, up to the first feature that varies (it then tries that one alone).
    When every feature is tried the order is fixed, so such a tree is
    deterministic: ties go to the lowest feature index.
    """
    n_features, n_nodes = XT.shape[0], level.ids.shape[0]
    if max_features >= n_features:
        every = np.arange(n_features)[:, None]
        return np.broadcast_to(every, (n_features, n_nodes))
    end = level.start + level.size - 1
    lo = np.take_along_axis(XT, order[:, level.start], axis=1)
    hi = np.take_along_axis(XT, order[:, end], axis=1)
    constant = hi <= lo + FEATURE_THRESHOLD  # (n_features, k)
    # a random order per node
    visit = np.argsort(rng.random((n_features, n_nodes)), axis=0)
    tried = visit[:max_features].copy()
    seen_constant = np.take_along_axis(constant, visit, axis=0)
    stuck = seen_constant[:max_features].all(axis=0) & ~constant.all(axis=0)
    if (
        stuck.any()
    ):  # every visited feature is constant: visit on to the first that varies
        cols = np.flatnonzero(stuck)
        tried[0, cols] = visit[np.argmax(~seen_constant[:, cols], axis=0), cols]
    return tried


def best_splits(XT, stats, order, level, tried, settings: CartSettings) -> Split:
    """Score every threshold of every tried (feature, node) pair; the best per node."""
    use = np.zeros((XT.shape[0], level.ids.shape[0]), dtype=bool)
    use[tried, np.arange(level.ids.shape[0])] = True
    seg = gather(XT, order, level, *np.nonzero(use))  # pairs feature-major, then node
    # Left-child statistics by a cumulative sum per pair, for the columns the
    # score needs; the right child is the parent minus the left.
    cols = criteria.split_columns(settings.criterion, stats.shape[0])
    left = seg.cumsum(stats[cols][:, seg.rows])
    right = seg.repeat(level.stats[cols][:, seg.node]) - left
    score = criteria.proxy(left, right, settings.criterion)
    # Weights far apart in size can cancel in the running sums (0.98 + 1e-300 -
    # 0.98 = 0): a child of weight 0 scores NaN or inf, and is no candidate.
    invalid = ~np.isfinite(score) | invalid_thresholds(seg, settings.min_samples_leaf)
    if settings.min_weight_leaf > 0:  # a child lighter than min_weight_leaf
        light = np.minimum(
            *(criteria.weight(s, settings.criterion) for s in (left, right))
        )
        invalid |= light < settings.min_weight_leaf
    score[invalid] = -np.inf
    pair_best, pair_pos = seg.first_max(score)  # ties: the lowest threshold
    best, found = best_pair(seg, pair_best, tried)
    split = split_at(seg, stats, pair_pos[best], best, found)
    split.right_stats = _right_stats(seg, stats, level, split, best, settings.criterion)
    return split


def invalid_thresholds(seg: Segments, min_samples_leaf: int) -> np.ndarray:
    """Positions that are no threshold: next value equal, pair ends, small child."""
    x_next = np.append(seg.x[1:], -np.inf)
    x_next[seg.start[1:] - 1] = -np.inf  # nothing follows a pair's last row
    invalid = x_next <= seg.x + FEATURE_THRESHOLD
    if min_samples_leaf > 1:
        n_left = seg.position() + 1
        n_right = seg.repeat(seg.length) - n_left
        invalid |= (n_left < min_samples_leaf) | (n_right < min_samples_leaf)
    return invalid


def best_pair(seg: Segments, pair_best, tried):
    """The best pair of every node (ties: the feature tried first); whether found."""
    n_tried, n_nodes = tried.shape
    rank = np.empty((tried.max() + 1, n_nodes), dtype=np.intp)  # tried feature -> try
    rank[tried, np.arange(n_nodes)] = np.arange(n_tried)[:, None]
    slot = rank[seg.feature, seg.node]
    table = np.full((n_nodes, n_tried), -np.inf)  # (node, try) -> the pair's best score
    table[seg.node, slot] = pair_best
    pair_id = np.zeros((n_nodes, n_tried), dtype=np.intp)
    pair_id[seg.node, slot] = np.arange(seg.feature.shape[0])
    best = pair_id[np.arange(n_nodes), table.argmax(axis=1)]
    return best, np.isfinite(table.max(axis=1))


def split_at(seg: Segments, stats, at, pair, found) -> Split:
    """The split after position ``at`` of each ``pair``: threshold, left child."""
    lo, hi = seg.x[at].astype(np.float64), seg.x[at + 1].astype(np.float64)
    threshold = lo / 2.0 + hi / 2.0  # the midpoint, or lo if it rounds up to hi
    threshold = np.where((threshold == hi) | ~np.isfinite(threshold), lo, threshold)
    n_left = at - seg.start[pair] + 1
    # All statistics of each chosen left child: a sum over its rows.
    left_stats = _segment_sums(seg, stats, seg.start[pair], n_left)
    return Split(np.where(found, n_left, -1), seg.feature[pair], threshold, left_stats)


def _segment_sums(seg: Segments, stats, first, length) -> np.ndarray:
    """Sums of ``stats`` over the rows at positions ``first[i]`` to ``+ length[i]``."""
    out_start = np.concatenate([[0], np.cumsum(length)[:-1]])
    positions = np.arange(length.sum()) + np.repeat(first - out_start, length)
    return np.add.reduceat(stats[:, seg.rows[positions]], out_start, axis=1)


def _right_stats(seg, stats, level: Level, split: Split, pair, criterion: str):
    """Each right child's statistics: the parent's minus the left child's.

    Where the difference has lost the child (weights far apart in size:
    0.98 + 1e-300 - 0.98 = 0), the child's own rows are summed instead.
    """
    right = level.stats - split.left_stats
    parent = criteria.weight(level.stats, criterion)
    small = criteria.weight(right, criterion) <= 1e-9 * parent
    lost = np.flatnonzero(small & (split.n_left > 0))  # nodes with a split only
    if lost.size:
        n_left, p = split.n_left[lost], pair[lost]
        right[:, lost] = _segment_sums(
            seg, stats, seg.start[p] + n_left, seg.length[p] - n_left
        )
    return right


def enough_gain(level: Level, split: Split, settings: CartSettings) -> np.ndarray:
    """Nodes whose best split decreases the impurity by ``min_impurity_decrease``.

    As in scikit-learn, the decrease is weighted by the node's share of the
    tree's weight: (W_t I_t - W_L I_L - W_R I_R) / W.
    """
    if not settings.min_impurity_decrease:
        return np.ones(level.ids.shape, dtype=bool)
    found = split.n_left > 0
    gain = np.zeros(level.ids.shape)
    parts = (level.stats, split.left_stats, split.right_stats)
    w, wl, wr = (criteria.weight(s[:, found], settings.criterion) for s in parts)
    i, il, ir = (criteria.impurity(s[:, found], settings.criterion) for s in parts)
    gain[found] = (w * i - wl * il - wr * ir) / settings.total_weight
    return gain + EPS >= settings.min_impurity_decrease


def goes_right(XT, order, level: Level, split: Split) -> np.ndarray:
    """Samples of the split nodes that go right (``x > threshold``), one flag each."""
    node = level.node_of_position
    rows = order[0]
    flags = np.zeros(XT.shape[1], dtype=bool)
    flags[rows] = XT[split.feature[node], rows] > split.threshold[node]
    return flags


def _assemble(log: NodeLog, criterion: str, n_features: int) -> Tree:
    """The recorded nodes as a :class:`Tree` of flat arrays."""
    value = log.array("value", 0.0, np.float64)
    return Tree(
        feature=log.array("feature", -1, np.intp),
        threshold=log.array("threshold", -2.0, np.float64),
        left=log.array("left", -1, np.intp),
        right=log.array("right", -1, np.intp),
        value=value,
        impurity=criteria.impurity(value.T, criterion),
        n_samples=log.array("n_samples", 0, np.intp),
        weight=criteria.weight(value.T, criterion),
        depth=log.array("depth", 0, np.intp),
        n_features=n_features,
    )
