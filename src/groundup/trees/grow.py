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

from dataclasses import dataclass

import numpy as np

from . import criteria

# Two feature values closer than this are treated as equal (scikit-learn's
# FEATURE_THRESHOLD); a node whose impurity is below EPS is pure.
FEATURE_THRESHOLD = 1e-7
EPS = np.finfo(np.float64).eps


@dataclass
class Tree:
    """A fitted tree as flat arrays; node 0 is the root, ``feature < 0`` marks a leaf."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # (n_nodes, C) node statistics, see criteria.py
    impurity: np.ndarray
    n_samples: np.ndarray
    weight: np.ndarray
    depth: np.ndarray

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
        """Leaf index of every column of ``XT`` (features x samples), all rows at once."""
        node = np.zeros(XT.shape[1], dtype=np.intp)
        live = np.flatnonzero(self.feature[node] >= 0)
        while live.size:
            at = node[live]
            go_left = XT[self.feature[at], live] <= self.threshold[at]
            node[live] = np.where(go_left, self.left[at], self.right[at])
            live = live[self.feature[node[live]] >= 0]
        return node

    def leaf_value(self) -> np.ndarray:
        """A regression tree's prediction at every node: the weighted mean target."""
        return self.value[:, 1] / self.value[:, 0]

    def set_leaf_values(self, leaves: np.ndarray, values: np.ndarray) -> None:
        """Make ``leaves`` of a regression tree predict ``values``, keeping their weights.

        Gradient boosting (chapter 3) replaces the mean gradient in each leaf
        by the loss's own line search.
        """
        w = self.value[leaves, 0]
        self.value[leaves, 1] = values * w
        self.value[leaves, 2] = values**2 * w

    def improvements(self, n_features: int) -> np.ndarray:
        """Weighted impurity decrease per feature (the MDI importance, unnormalised)."""
        split = np.flatnonzero(self.feature >= 0)
        lo, hi = self.left[split], self.right[split]
        gain = (
            self.weight[split] * self.impurity[split]
            - self.weight[lo] * self.impurity[lo]
            - self.weight[hi] * self.impurity[hi]
        )
        return np.bincount(self.feature[split], weights=gain, minlength=n_features)


@dataclass
class _Level:
    """The live nodes of one depth: their ids, segments and statistics."""

    ids: np.ndarray
    start: np.ndarray
    size: np.ndarray
    stats: np.ndarray


def _drop(order: np.ndarray, level: _Level, keep: np.ndarray) -> tuple[np.ndarray, _Level]:
    """Remove the segments of nodes that stop growing, so later levels never touch them."""
    if keep.all():
        return order, level
    order = order[:, np.repeat(keep, level.size)]
    size = level.size[keep]
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    return order, _Level(level.ids[keep], start, size, level.stats[:, keep])


def _draw_features(XT, order, level, max_features, rng) -> np.ndarray:
    """Features each node tries, in the order it tries them: shape ``(max_features, J)``.

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
        return np.broadcast_to(np.arange(n_features)[:, None], (n_features, n_nodes))
    end = level.start + level.size - 1
    lo = np.take_along_axis(XT, order[:, level.start], axis=1)
    hi = np.take_along_axis(XT, order[:, end], axis=1)
    constant = hi <= lo + FEATURE_THRESHOLD
    visit = np.argsort(rng.random((n_features, n_nodes)), axis=0)  # one random order per node
    tried = visit[:max_features].copy()
    visited_constant = np.take_along_axis(constant, visit, axis=0)
    stuck = visited_constant[:max_features].all(axis=0) & ~constant.all(axis=0)
    if stuck.any():  # every visited feature is constant: visit on to the first that varies
        cols = np.flatnonzero(stuck)
        tried[0, cols] = visit[np.argmax(~visited_constant[:, cols], axis=0), cols]
    return tried


def _best_splits(XT, stats, order, level, tried, criterion, min_samples_leaf):
    """Score every threshold of every tried (feature, node) pair; best per node.

    Returns, per node: the size of the best left child (-1 where the node has
    no valid split), the feature, the threshold and the left child's
    statistics.
    """
    n_features, m = order.shape
    n_nodes, k = level.ids.shape[0], tried.shape[0]
    use = np.zeros((n_features, n_nodes), dtype=bool)
    use[tried, np.arange(n_nodes)] = True
    pair_f, pair_j = np.nonzero(use)  # pairs, feature-major then node
    pair_len = level.size[pair_j]
    pair_start = np.concatenate([[0], np.cumsum(pair_len)[:-1]])
    # Flat positions in ``order`` of every pair's segment, laid end to end.
    offset = np.repeat(pair_f * m + level.start[pair_j] - pair_start, pair_len)
    flat = np.arange(offset.shape[0]) + offset
    rows = order.ravel()[flat]
    x = XT.ravel()[np.repeat(pair_f * XT.shape[1], pair_len) + rows]

    # Left-child statistics by a segmented cumulative sum (one per pair), for
    # the columns the score needs; the right child is the parent minus the left.
    cols = criteria.split_columns(criterion, stats.shape[0])
    csum = np.cumsum(stats[cols][:, rows], axis=1)
    base = np.zeros((csum.shape[0], pair_len.shape[0]))
    base[:, 1:] = csum[:, pair_start[1:] - 1]
    left = csum - np.repeat(base, pair_len, axis=1)
    right = np.repeat(level.stats[cols][:, pair_j], pair_len, axis=1) - left
    score = criteria.proxy(left, right, criterion)

    # A threshold lies between two distinct values, never after a pair's last row.
    x_next = np.append(x[1:], -np.inf)
    x_next[pair_start[1:] - 1] = -np.inf
    invalid = x_next <= x + FEATURE_THRESHOLD
    if min_samples_leaf > 1:
        n_left = np.arange(x.shape[0]) - np.repeat(pair_start, pair_len) + 1
        invalid |= (n_left < min_samples_leaf) | (
            np.repeat(pair_len, pair_len) - n_left < min_samples_leaf
        )
    score[invalid] = -np.inf

    # Best position per pair: the first (lowest threshold) among equal scores.
    pair_best = np.maximum.reduceat(score, pair_start)
    hit = np.flatnonzero(score == np.repeat(pair_best, pair_len))
    pair_of_hit = np.searchsorted(pair_start, hit, side="right") - 1
    pair_pos = hit[np.r_[True, pair_of_hit[1:] != pair_of_hit[:-1]]]

    # Best pair per node; among equal scores, the feature tried first wins.
    rank = np.empty((n_features, n_nodes), dtype=np.intp)
    rank[tried, np.arange(n_nodes)] = np.arange(k)[:, None]
    slot = rank[pair_f, pair_j]
    table = np.full((n_nodes, k), -np.inf)
    table[pair_j, slot] = pair_best
    pair_id = np.zeros((n_nodes, k), dtype=np.intp)
    pair_id[pair_j, slot] = np.arange(pair_f.shape[0])
    best = pair_id[np.arange(n_nodes), table.argmax(axis=1)]
    found = np.isfinite(table.max(axis=1))

    at = pair_pos[best]
    lo, hi = x[at].astype(np.float64), x[at + 1].astype(np.float64)
    threshold = lo / 2.0 + hi / 2.0
    threshold = np.where((threshold == hi) | ~np.isfinite(threshold), lo, threshold)
    n_left = at - pair_start[best] + 1
    # All statistics of each chosen left child: a sum over its rows.
    left_start = np.concatenate([[0], np.cumsum(n_left)[:-1]])
    left_rows = rows[np.arange(n_left.sum()) + np.repeat(pair_start[best] - left_start, n_left)]
    left_stats = np.add.reduceat(stats[:, left_rows], left_start, axis=1)
    return np.where(found, n_left, -1), pair_f[best], threshold, left_stats


def _partition(XT, order, level, feature, threshold) -> np.ndarray:
    """Stable partition of every segment: left rows first, each part still sorted.

    The sort key is ``2 * node + goes_right``; numpy's stable sort of 16-bit
    keys is a radix sort, linear in the number of rows.
    """
    node_of_pos = np.repeat(np.arange(level.ids.shape[0]), level.size)
    first_row = order[0]
    goes_right = np.zeros(XT.shape[1], dtype=bool)
    goes_right[first_row] = XT[feature[node_of_pos], first_row] > threshold[node_of_pos]
    key_type = np.uint16 if 2 * level.ids.shape[0] <= np.iinfo(np.uint16).max else np.int64
    key = (2 * node_of_pos).astype(key_type) + goes_right[order]
    perm = np.argsort(key, axis=1, kind="stable")
    perm += np.arange(0, order.size, order.shape[1])[:, None]  # row offsets: one flat gather
    return order.ravel()[perm]


def grow_tree(
    XT: np.ndarray,
    stats: np.ndarray,
    order: np.ndarray,
    *,
    criterion: str,
    max_depth: int | None,
    min_samples_split: int,
    min_samples_leaf: int,
    max_features: int,
    rng: np.random.Generator,
) -> Tree:
    """Grow one CART tree breadth-first.

    Parameters
    ----------
    XT : (n_features, n_samples) float32 array, the features transposed.
    stats : (C, n_samples) per-sample statistics (see ``criteria``).
    order : (n_features, m) int array: the training rows (rows of ``XT``'s
        columns), each row of ``order`` sorted by its feature. Rows absent
        from ``order`` (out-of-bag, zero weight) take no part.
    max_features : how many features each node draws (1..n_features).
    """
    depth_limit = np.inf if max_depth is None else max_depth
    root_stats = stats[:, order[0]].sum(axis=1, keepdims=True)
    level = _Level(np.array([0]), np.array([0]), np.array([order.shape[1]]), root_stats)
    nodes = {key: [] for key in ("ids", "feature", "threshold", "left", "right")}
    done = {key: [] for key in ("ids", "stats", "n_samples", "depth")}
    n_nodes, depth = 1, 0
    while level.ids.size:
        done["ids"].append(level.ids)
        done["stats"].append(level.stats)
        done["n_samples"].append(level.size)
        done["depth"].append(np.full(level.ids.shape, depth))
        imp = criteria.impurity(level.stats, criterion)
        grow = (
            (depth < depth_limit)
            & (level.size >= min_samples_split)
            & (level.size >= 2 * min_samples_leaf)
            & (imp > EPS)
        )
        order, level = _drop(order, level, grow)
        if not level.ids.size:
            break
        tried = _draw_features(XT, order, level, max_features, rng)
        split_pos, feature, threshold, left_stats = _best_splits(
            XT, stats, order, level, tried, criterion, min_samples_leaf
        )
        found = split_pos > 0
        order, level = _drop(order, level, found)
        feature, threshold, split_pos = feature[found], threshold[found], split_pos[found]
        left_stats = left_stats[:, found]
        if not level.ids.size:
            break
        if depth + 1 < depth_limit:  # children at the depth limit are leaves: no need
            order = _partition(XT, order, level, feature, threshold)

        n_split = level.ids.shape[0]
        left_ids = n_nodes + 2 * np.arange(n_split)
        n_nodes += 2 * n_split
        for key, val in zip(
            nodes, (level.ids, feature, threshold, left_ids, left_ids + 1), strict=True
        ):
            nodes[key].append(val)
        # Children, interleaved left/right as their segments now lie.
        size = np.column_stack([split_pos, level.size - split_pos]).ravel()
        child_stats = np.stack([left_stats, level.stats - left_stats], axis=2)
        level = _Level(
            np.column_stack([left_ids, left_ids + 1]).ravel(),
            np.column_stack([level.start, level.start + split_pos]).ravel(),
            size,
            child_stats.reshape(child_stats.shape[0], -1),
        )
        depth += 1
    return _assemble(n_nodes, nodes, done, criterion)


def _assemble(n_nodes, nodes, done, criterion) -> Tree:
    """Scatter the per-level records into flat node arrays indexed by node id."""
    ids = np.concatenate(done["ids"])
    value = np.empty((n_nodes, done["stats"][0].shape[0]))
    value[ids] = np.concatenate(done["stats"], axis=1).T
    n_samples = np.empty(n_nodes, dtype=np.intp)
    n_samples[ids] = np.concatenate(done["n_samples"])
    depth = np.empty(n_nodes, dtype=np.intp)
    depth[ids] = np.concatenate(done["depth"])
    feature = np.full(n_nodes, -1, dtype=np.intp)
    threshold = np.full(n_nodes, -2.0)
    left = np.full(n_nodes, -1, dtype=np.intp)
    right = np.full(n_nodes, -1, dtype=np.intp)
    if nodes["ids"]:
        split = np.concatenate(nodes["ids"])
        feature[split] = np.concatenate(nodes["feature"])
        threshold[split] = np.concatenate(nodes["threshold"])
        left[split] = np.concatenate(nodes["left"])
        right[split] = np.concatenate(nodes["right"])
    return Tree(
        feature=feature,
        threshold=threshold,
        left=left,
        right=right,
        value=value,
        impurity=criteria.impurity(value.T, criterion),
        n_samples=n_samples,
        weight=criteria.weight(value.T, criterion),
        depth=depth,
    )
