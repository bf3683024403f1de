"""Second-order regression trees for XGBoost (chapter 4).

A tree is grown on per-row gradients g and second derivatives h. With G, H
the sums over a node's rows, the best leaf weight and the split gain are

    w* = -G / (H + lambda)                                  (eq. xgb-weight)
    gain = G_L^2/(H_L+lambda) + G_R^2/(H_R+lambda) - G^2/(H+lambda)   (eq. xgb-gain)

(xgboost's gain omits the paper's factor 1/2, and its ``gamma`` is compared
with this number). Two growers share that arithmetic, and treat gamma as the
xgboost library's two methods do:

* ``grow_exact``: every threshold between two distinct values, on data sorted
  once (xgboost's ``tree_method="exact"``). It grows every split with a
  positive gain, then prunes bottom-up the splits whose gain is below gamma
  and whose children are both leaves (xgboost's ``grow_colmaker,prune``). To
  agree with the xgboost library bit for bit it copies its conventions: gains
  rounded to float32, features scanned in both directions when a column has
  missing values, ties to the first candidate met and then to the lowest
  feature index.
* ``grow_hist``: features pre-binned into at most ``max_bin`` bins; a level's
  histograms of (g, h) per node, feature and bin in one ``bincount``; each
  pair of siblings costs one histogram, the other is parent minus sibling. A
  split whose gain is below gamma is rejected when its node is expanded, and
  nothing is pruned afterwards (xgboost's ``tree_method="hist"``).

Missing values (NaN) are sparsity-aware: every split learns a default
direction, the side the missing rows of the node went to during training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS_SPLIT = 1e-6  # xgboost's kRtEps: a node is split only if its gain exceeds this


@dataclass
class XGBTree:
    """A fitted tree. ``x < threshold`` goes left; NaN goes left where ``default_left``."""

    feature: np.ndarray
    threshold: np.ndarray  # float32
    default_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # leaf values, learning rate included (float32)
    gain: np.ndarray  # split gain, eq. (xgb-gain)
    cover: np.ndarray  # H of each node
    train_leaf: np.ndarray | None = None  # leaf of each training row, when known
    # The work of the split search, counted as it ran: (row, feature) values
    # read (exact: every value of every node searched, in sorted order; hist:
    # the values of the rows that were histogrammed), and split candidates
    # scored (exact: one per value read; hist: one per node, feature and bin).
    values_read: int = 0
    candidates: int = 0

    @property
    def node_count(self) -> int:
        """Number of nodes, leaves included."""
        return int(self.feature.shape[0])

    def leaves(self) -> np.ndarray:
        """Ids of the leaves reachable from the root (pruning leaves orphans behind)."""
        found, frontier = [], np.array([0])
        while frontier.size:
            is_leaf = self.feature[frontier] < 0
            found.append(frontier[is_leaf])
            inner = frontier[~is_leaf]
            frontier = np.concatenate([self.left[inner], self.right[inner]])
        return np.sort(np.concatenate(found))

    def apply(self, XT: np.ndarray) -> np.ndarray:
        """Leaf of every column of ``XT`` (features x samples, float32, NaN allowed)."""
        node = np.zeros(XT.shape[1], dtype=np.intp)
        live = np.flatnonzero(self.feature[node] >= 0)
        while live.size:
            at = node[live]
            x = XT[self.feature[at], live]
            go_left = np.where(np.isnan(x), self.default_left[at], x < self.threshold[at])
            node[live] = np.where(go_left, self.left[at], self.right[at])
            live = live[self.feature[node[live]] >= 0]
        return node

    def predict(self, XT: np.ndarray) -> np.ndarray:
        """The leaf weight reached by every column of ``XT`` (features x samples)."""
        return self.value[self.apply(XT)]


def leaf_weight(G, H, reg_lambda, min_child_weight):
    """w* = -G / (H + lambda), eq. (xgb-weight); 0 where H is below min_child_weight."""
    w = -G / (H + reg_lambda)
    return np.where((H < min_child_weight) | (H <= 0), 0.0, w).astype(np.float32)


def score(G, H, reg_lambda, dtype=np.float32):
    """G^2 / (H + lambda), 0 where H <= 0 (xgboost's CalcGain; float32 by default)."""
    if reg_lambda > 0 and dtype == np.float64:  # H = 0 means G = 0: no division by 0
        return G * G / (H + reg_lambda)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(H > 0, G * G / (H + reg_lambda), 0.0).astype(dtype, copy=False)


class _Recorder:
    """Collects nodes level by level, then lays them out as flat arrays."""

    def __init__(self):
        self.n_nodes = 1
        self.splits: list[tuple] = []
        self.nodes: list[tuple] = []

    def add_level(self, ids, G, H):
        self.nodes.append((ids, G, H))

    def split(self, ids, feature, threshold, default_left, gain):
        left = self.n_nodes + 2 * np.arange(ids.shape[0])
        self.n_nodes += 2 * ids.shape[0]
        self.splits.append((ids, feature, threshold, default_left, gain, left))
        return left

    def finish(self, reg_lambda, min_child_weight, gamma, eta, prune=True) -> XGBTree:
        """Lay out the tree; ``prune`` undoes splits below ``gamma`` (the exact method)."""
        n = self.n_nodes
        tree = XGBTree(
            feature=np.full(n, -1, np.intp),
            threshold=np.zeros(n, np.float32),
            default_left=np.zeros(n, bool),
            left=np.full(n, -1, np.intp),
            right=np.full(n, -1, np.intp),
            value=np.zeros(n, np.float32),
            gain=np.zeros(n, np.float32),
            cover=np.zeros(n),
        )
        weight = np.zeros(n, np.float32)
        for ids, G, H in self.nodes:
            weight[ids] = leaf_weight(G, H, reg_lambda, min_child_weight)
            tree.cover[ids] = H
        for ids, feature, threshold, default_left, gain, left in self.splits:
            tree.feature[ids], tree.threshold[ids] = feature, threshold
            tree.default_left[ids], tree.gain[ids] = default_left, gain
            tree.left[ids], tree.right[ids] = left, left + 1
        if prune:
            _prune(tree, gamma)
        leaf = tree.feature < 0
        tree.value[leaf] = weight[leaf] * np.float32(eta)
        return tree


def _prune(tree: XGBTree, gamma: float) -> None:
    """Undo splits whose gain is below gamma, from the bottom up (xgboost's pruner)."""
    if gamma <= 0:
        return
    for node in range(tree.node_count - 1, -1, -1):  # children have larger ids
        if tree.feature[node] < 0:
            continue
        l, r = tree.left[node], tree.right[node]  # noqa: E741
        if tree.feature[l] < 0 and tree.feature[r] < 0 and tree.gain[node] < gamma:
            tree.feature[node] = -1


def _first_max(score_, seg_start, seg_len, last=False):
    """Position of the max of every segment; ties to the first (or last) one."""
    best = np.maximum.reduceat(score_, seg_start)
    hit = np.flatnonzero(score_ == np.repeat(best, seg_len))
    seg_of = np.searchsorted(seg_start, hit, side="right") - 1
    if last:
        keep = np.r_[seg_of[1:] != seg_of[:-1], True]
    else:
        keep = np.r_[True, seg_of[1:] != seg_of[:-1]]
    return best, hit[keep]


def grow_exact(XT, order, g, h, has_missing, params) -> XGBTree:
    """Exact greedy growth on presorted columns (NaN sorted last in each column).

    ``order`` is (n_features, n) int32: row indices sorted by each feature.
    ``params``: max_depth, reg_lambda, gamma, min_child_weight, learning_rate.
    """
    lam, mcw = params["reg_lambda"], params["min_child_weight"]
    n_features, m = order.shape
    gh = np.vstack([g, h]).astype(np.float64)
    rec = _Recorder()
    ids, start, size = np.array([0]), np.array([0]), np.array([m])
    stats = gh[:, order[0]].sum(axis=1, keepdims=True)  # (2, nodes): G, H
    values_read = 0
    for depth in range(params["max_depth"] + 1):
        rec.add_level(ids, stats[0], stats[1])
        if depth == params["max_depth"] or not ids.size:
            break
        values_read += n_features * int(size.sum())  # every value of every live node
        feat, thr, dleft, gain, left_stats = _exact_level(
            XT, order, gh, start, size, stats, has_missing, lam, mcw
        )
        split = gain > EPS_SPLIT
        if not split.any():
            break
        order = order[:, np.repeat(split, size)]
        ids, size, stats = ids[split], size[split], stats[:, split]
        feat, thr, dleft, gain = feat[split], thr[split], dleft[split], gain[split]
        left_stats = left_stats[:, split]
        left_ids = rec.split(ids, feat, thr, dleft, gain)
        # Which side every row of a split node goes to (x < threshold: left).
        node_of_pos = np.repeat(np.arange(ids.shape[0]), size)
        rows = order[0]
        x = XT[feat[node_of_pos], rows]
        right = np.where(np.isnan(x), ~dleft[node_of_pos], x >= thr[node_of_pos])
        n_left = size - np.bincount(node_of_pos, weights=right, minlength=ids.shape[0]).astype(
            np.intp
        )
        if depth + 1 < params["max_depth"]:  # the children will be split in turn
            goes_right = np.zeros(XT.shape[1], bool)
            goes_right[rows] = right
            order = _stable_partition(order, node_of_pos, goes_right)
        ids = np.column_stack([left_ids, left_ids + 1]).ravel()
        size = np.column_stack([n_left, size - n_left]).ravel()
        stats = np.stack([left_stats, stats - left_stats], axis=2).reshape(2, -1)
        nonempty = size > 0
        ids, size, stats = ids[nonempty], size[nonempty], stats[:, nonempty]
        start = np.r_[0, np.cumsum(size)[:-1]]
    tree = rec.finish(lam, mcw, params["gamma"], params["learning_rate"])
    tree.values_read = tree.candidates = values_read
    return tree


def _stable_partition(order, node_of_pos, goes_right):
    """Left rows of each node's segment first, both halves still sorted (chapter 1)."""
    key = (2 * node_of_pos)[None, :] + goes_right[order]
    perm = np.argsort(key, axis=1, kind="stable")
    perm += np.arange(0, order.size, order.shape[1])[:, None]
    return order.ravel()[perm]


def _exact_level(XT, order, gh, start, size, stats, has_missing, lam, mcw):
    """Best split of every node of a level, with xgboost's scan order and ties."""
    n_features, m = order.shape
    n_nodes = start.shape[0]
    pair_f = np.repeat(np.arange(n_features), n_nodes)
    pair_j = np.tile(np.arange(n_nodes), n_features)
    seg_len = size[pair_j]
    seg_start = np.r_[0, np.cumsum(seg_len)[:-1]]
    flat = np.arange(seg_len.sum()) + np.repeat(pair_f * m + start[pair_j] - seg_start, seg_len)
    rows = order.ravel()[flat]
    x = XT.ravel()[np.repeat(pair_f * XT.shape[1], seg_len) + rows]
    # Prefix sums of (g, h) inside every (feature, node) segment.
    csum = np.cumsum(gh[:, rows], axis=1)
    base = np.zeros((2, seg_len.shape[0]))
    base[:, 1:] = csum[:, seg_start[1:] - 1]
    prefix = csum - np.repeat(base, seg_len, axis=1)
    nan = np.isnan(x)
    n_present = seg_len - np.add.reduceat(nan, seg_start)
    total = stats[:, pair_j]
    last_present = seg_start + np.maximum(n_present, 1) - 1
    present = np.where(n_present > 0, prefix[:, last_present], 0.0)
    missing = total - present
    root = score(total[0], total[1], lam)

    # Candidates between consecutive distinct present values.
    pos = np.arange(x.shape[0]) - np.repeat(seg_start, seg_len)
    x_next = np.empty_like(x)  # float32, so the midpoint is rounded as xgboost does
    x_next[:-1], x_next[-1] = x[1:], np.nan
    cand = (pos + 1 < np.repeat(n_present, seg_len)) & (x_next != x)
    threshold = ((x + x_next) * np.float32(0.5)).astype(np.float32)
    rep = lambda a: np.repeat(a, seg_len, axis=-1)  # noqa: E731
    fwd = rep(has_missing[pair_f])

    def gains(L, R):
        ok = cand & (L[1] >= mcw) & (R[1] >= mcw)
        s = (score(*L, lam) + score(*R, lam)) - rep(root)
        return np.where(ok, s, -np.inf).astype(np.float32)

    g_fwd = np.where(fwd, gains(prefix, rep(total) - prefix), -np.inf)  # missing right
    g_bwd = gains(prefix + rep(missing), rep(present) - prefix)  # missing left

    # Per segment: forward candidates first (ties to the first met, ascending),
    # then backward ones (ties to the first met, descending) only if strictly better.
    # A candidate must beat the initial best of 0 (xgboost's SplitEntry).
    best_f, at_f = _first_max(np.maximum(g_fwd, 0).astype(np.float32), seg_start, seg_len)
    best_b, at_b = _first_max(np.maximum(g_bwd, 0).astype(np.float32), seg_start, seg_len, True)
    take_b = best_b > best_f
    best = np.where(take_b, best_b, best_f)
    at = np.where(take_b, at_b, at_f)
    dleft = take_b.copy()
    thr = threshold[at]
    left = np.where(take_b, prefix[:, at] + missing, prefix[:, at])

    # The end candidates: all present values on one side, the missing on the other.
    ok_end = (present[1] >= mcw) & (missing[1] >= mcw)
    end_gain = np.where(
        ok_end, (score(*present, lam) + score(*missing, lam)) - root, -np.inf
    ).astype(np.float32)
    x_last = x[last_present]
    x_first = x[seg_start]
    gap_last = (np.abs(x_last) + np.float32(EPS_SPLIT)).astype(np.float32)
    gap_first = (np.abs(x_first) + np.float32(EPS_SPLIT)).astype(np.float32)
    # The forward end (missing right) is met right after the forward scan, so it
    # wins if it beats the forward best and the backward scan does not beat it.
    fe = has_missing[pair_f] & (end_gain > best_f) & ~(best_b > end_gain)
    best = np.where(fe, end_gain, best)
    thr = np.where(fe, (x_last + gap_last).astype(np.float32), thr)
    dleft = np.where(fe, False, dleft)
    left = np.where(fe, present, left)
    be = end_gain > best  # backward end (missing left), met last
    best = np.where(be, end_gain, best)
    thr = np.where(be, (x_first - gap_first).astype(np.float32), thr)
    dleft = np.where(be, True, dleft)
    left = np.where(be, missing, left)

    # Across features: the largest gain, ties to the lowest feature index.
    table = best.reshape(n_features, n_nodes)
    f_best = table.argmax(axis=0)
    pick = f_best * n_nodes + np.arange(n_nodes)
    return f_best, thr[pick], dleft[pick], table.max(axis=0), left[:, pick]


# --- the histogram method ------------------------------------------------------


def quantile_cuts(x: np.ndarray, max_bin: int, weight: np.ndarray | None = None) -> np.ndarray:
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


def bin_features(XT: np.ndarray, cuts: list[np.ndarray], n_slots: int) -> np.ndarray:
    """Bin index of every value: (n, n_features) with feature offsets added.

    Feature f owns slots f * n_slots ... f * n_slots + n_slots - 1; a value
    gets the number of cuts at or below it, and NaN the last slot.
    """
    n_features, n = XT.shape
    out = np.empty((n, n_features), np.intp)  # bincount's own index type: no copies
    for f in range(n_features):
        b = np.searchsorted(cuts[f], XT[f], side="right")
        out[:, f] = np.where(np.isnan(XT[f]), n_slots - 1, b) + f * n_slots
    return out


def build_histograms(binned, g, h, rows, node_of_row, n_nodes, n_slots):
    """(2, n_nodes, n_features, n_slots) sums of g and h, in two ``bincount`` calls.

    Sharded training calls this once per shard and adds the results: the
    all-reduce of distributed XGBoost.
    """
    n_features = binned.shape[1]
    size = n_nodes * n_features * n_slots
    if n_nodes == 1 and rows.shape[0] == binned.shape[0]:  # the root: no gather needed
        index = binned.ravel()
        g_rows, h_rows = g, h
    else:
        index = binned[rows]  # a fresh copy, offset in place by each row's node
        index += (node_of_row * (n_features * n_slots))[:, None]
        index = index.ravel()
        g_rows, h_rows = g[rows], h[rows]
    out = np.empty((2, size))
    out[0] = np.bincount(index, weights=np.repeat(g_rows, n_features), minlength=size)
    out[1] = np.bincount(index, weights=np.repeat(h_rows, n_features), minlength=size)
    return out.reshape(2, n_nodes, n_features, n_slots)


def grow_hist(binned, cuts, g, h, params, n_slots, histograms=None) -> XGBTree:
    """Level-wise growth on binned features with the subtraction trick.

    ``histograms(rows, node_of_row, n_nodes)`` returns the (g, h) histograms
    of the given rows; by default one process computes them with
    :func:`build_histograms`. A distributed version sums the workers' ones.
    """
    lam, mcw = params["reg_lambda"], params["min_child_weight"]
    g, h = g.astype(np.float64), h.astype(np.float64)
    if histograms is None:

        def histograms(rows, node_of_row, n_nodes):
            return build_histograms(binned, g, h, rows, node_of_row, n_nodes, n_slots)

    n = binned.shape[0]
    rec = _Recorder()
    node = np.zeros(n, np.intp)  # position of every row among the level's live nodes
    node_id = np.zeros(n, np.intp)  # the deepest node each row has reached
    ids = np.array([0])
    live = np.arange(n)
    hist = histograms(live, node[live], 1)
    n_features = binned.shape[1]
    values_read, candidates = n * n_features, 0
    for depth in range(params["max_depth"] + 1):
        stats = hist[:, :, 0, :].sum(axis=2)  # (2, nodes): every feature sums to G, H
        rec.add_level(ids, stats[0], stats[1])
        if depth == params["max_depth"]:
            break
        feat, slot, dleft, gain = _hist_level(hist, stats, lam, mcw)
        candidates += hist.shape[1] * n_features * (n_slots - 2)  # bin boundaries
        # xgboost's hist expands a node only if its gain is positive and not below
        # gamma; a rejected node stays a leaf, so there is nothing to prune later.
        split = (gain > EPS_SPLIT) & ~(gain < params["gamma"])
        if not split.any():
            break
        thr = np.array(
            [cuts[f][s] if s < len(cuts[f]) else np.inf for f, s in zip(feat, slot, strict=True)],
            np.float32,
        )
        left_ids = rec.split(ids[split], feat[split], thr[split], dleft[split], gain[split])
        # Route the rows of split nodes; rows of finished nodes drop out.
        new_pos = np.full(ids.shape[0], -1)
        new_pos[split] = np.arange(split.sum())
        p = new_pos[node[live]]
        live, p = live[p >= 0], p[p >= 0]
        f_row = feat[split][p]
        b = binned.ravel()[live * binned.shape[1] + f_row] - f_row * n_slots  # one flat take
        missing = b == n_slots - 1
        go_left = np.where(missing, dleft[split][p], b < slot[split][p] + 1)
        child = 2 * p + ~go_left
        node_id[live] = left_ids[p] + ~go_left
        ids = np.column_stack([left_ids, left_ids + 1]).ravel()
        if depth + 1 == params["max_depth"]:
            # The children are leaves: their G and H are plain sums (one more
            # all-reduce of two numbers per leaf when the rows are sharded).
            n_children = 2 * int(split.sum())
            G = np.bincount(child, weights=g[live], minlength=n_children)
            H = np.bincount(child, weights=h[live], minlength=n_children)
            rec.add_level(ids, G, H)
            break
        # The subtraction trick: histogram the smaller child, subtract for the other.
        counts = np.bincount(child, minlength=2 * int(split.sum()))
        small_is_right = counts[1::2] < counts[0::2]
        small = np.flatnonzero(go_left != small_is_right[p])  # rows of the smaller child
        parent_hist = hist[:, split]
        small_hist = histograms(live[small], child[small] // 2, parent_hist.shape[1])
        values_read += small.shape[0] * n_features
        at_small = 2 * np.arange(small_is_right.shape[0]) + small_is_right
        hist = np.empty((2, 2 * at_small.shape[0], *hist.shape[2:]))
        hist[:, at_small] = small_hist
        hist[:, at_small ^ 1] = parent_hist - small_hist
        node[live] = child
    tree = rec.finish(lam, mcw, params["gamma"], params["learning_rate"], prune=False)
    tree.values_read, tree.candidates = values_read, candidates
    if not (tree.feature[node_id] >= 0).any():  # nothing is pruned: always true
        tree.train_leaf = node_id  # every row sits in a leaf: no need to re-route it
    return tree


def _hist_level(hist, stats, lam, mcw):
    """Best (feature, bin) split per node from the histograms, both missing directions."""
    G, H = stats
    # Split after bin k: bins 0..k go left. (The cumulative sum runs over the
    # contiguous rows, missing slot included, which is last and sliced off.)
    prefix = np.cumsum(hist, axis=3)[:, :, :, :-2]
    missing = hist[:, :, :, -1:]
    total = stats[:, :, None, None]
    root = score(G, H, lam, np.float64)[:, None, None]
    best_gain, best_dir = None, None
    # Without missing values at this level one direction is enough (left by default).
    has_missing = bool(missing[1].any())
    directions = (True, False) if has_missing else (True,)
    for dleft in directions:
        L = prefix + missing if dleft and has_missing else prefix
        R = total - L
        ok = (L[1] >= mcw) & (R[1] >= mcw)
        gain = score(*L, lam, np.float64) + score(*R, lam, np.float64) - root
        gain[~ok] = -np.inf
        if best_gain is None:
            best_gain, best_dir = gain, np.full(gain.shape, dleft)
        else:  # missing right replaces missing left only if strictly better
            better = gain > best_gain
            best_gain = np.where(better, gain, best_gain)
            best_dir = np.where(better, dleft, best_dir)
    n_nodes, n_features, n_cands = best_gain.shape
    flat = best_gain.reshape(n_nodes, -1)
    pick = flat.argmax(axis=1)  # ties: the lowest feature, then the lowest bin
    f, k = np.divmod(pick, n_cands)
    nodes = np.arange(n_nodes)
    gain = flat[nodes, pick]
    return f, k, best_dir[nodes, f, k], gain
