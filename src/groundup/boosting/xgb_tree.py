"""Second-order regression trees for XGBoost (chapter 4): the tree and its arithmetic.

A tree is grown on per-row gradients g and second derivatives h. With G, H
the sums over a node's rows, the best leaf weight and the split gain are

    w* = -G / (H + lambda)                                  (eq. xgb-weight)
    gain = G_L^2/(H_L+lambda) + G_R^2/(H_R+lambda) - G^2/(H+lambda)   (eq. xgb-gain)

(xgboost's gain omits the paper's factor 1/2, and its ``gamma`` is compared
with this number). Two growers share that arithmetic, and treat gamma as the
xgboost library's two methods do:

* :mod:`~groundup.boosting.xgb_exact`: every threshold between two distinct
  values, on data sorted once (xgboost's ``tree_method="exact"``); it grows
  every split with a positive gain, then prunes bottom-up the splits whose
  gain is below gamma (xgboost's ``grow_colmaker,prune``);
* :mod:`~groundup.boosting.xgb_hist`: features pre-binned into at most
  ``max_bin`` bins, histograms of (g, h) per node, feature and bin; a split
  whose gain is below gamma is rejected as its node is expanded (xgboost's
  ``tree_method="hist"``).

Missing values (NaN) are sparsity-aware: every split learns a default
direction, the side the missing rows of the node went to during training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..trees.segments import NodeLog, check_transposed, route

EPS_SPLIT = 1e-6  # xgboost's kRtEps: a node is split only if its gain exceeds this


@dataclass(frozen=True)
class XGBSettings:
    """What one XGBoost tree may grow, and how its leaves are scaled."""

    max_depth: int = 6
    reg_lambda: float = 1.0  # L2 penalty on the leaf weights
    gamma: float = 0.0  # the least gain a split must bring
    min_child_weight: float = 1.0  # the least H a child may hold
    learning_rate: float = 0.3  # eta, applied to the leaf weights


@dataclass
class XGBTree:
    """A fitted tree: ``x < threshold`` goes left, NaN left where ``default_left``."""

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
    n_features: int = -1  # columns of the data it was grown on (-1: not known)

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
        check_transposed(XT, self.n_features)

        def goes_left(node, sample):
            x = XT[self.feature[node], sample]
            return np.where(
                np.isnan(x), self.default_left[node], x < self.threshold[node]
            )

        return route(self.feature, self.left, self.right, goes_left, XT.shape[1])

    def predict(self, XT: np.ndarray) -> np.ndarray:
        """The leaf weight reached by every column of ``XT`` (features x samples)."""
        return self.value[self.apply(XT)]

    def renumber(self, cols: np.ndarray, n_features: int) -> XGBTree:
        """Map the features of a tree grown on columns ``cols`` back to their ids."""
        split = self.feature >= 0
        self.feature[split] = cols[self.feature[split]]
        self.n_features = n_features
        return self


@dataclass
class XGBSplit:
    """The best split of every node of a level."""

    feature: np.ndarray
    threshold: np.ndarray  # float32: x < threshold goes left
    default_left: np.ndarray  # where the missing values go
    gain: np.ndarray  # eq. (xgb-gain)

    def select(self, keep: np.ndarray) -> XGBSplit:
        """The splits of the nodes in ``keep`` only."""
        return XGBSplit(
            self.feature[keep],
            self.threshold[keep],
            self.default_left[keep],
            self.gain[keep],
        )

    def record(self, log: NodeLog, ids: np.ndarray) -> np.ndarray:
        """Record these splits of the nodes ``ids`` in ``log``; return left children."""
        return log.split(
            ids,
            feature=self.feature,
            threshold=self.threshold,
            default_left=self.default_left,
            gain=self.gain,
        )


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


def assemble(
    log: NodeLog, settings: XGBSettings, n_features: int, prune: bool
) -> XGBTree:
    """The recorded nodes as an :class:`XGBTree`; ``prune``: undo splits < gamma."""
    G, H = log.array("G", 0.0, np.float64), log.array("H", 0.0, np.float64)
    tree = XGBTree(
        feature=log.array("feature", -1, np.intp),
        threshold=log.array("threshold", 0.0, np.float32),
        default_left=log.array("default_left", False, bool),
        left=log.array("left", -1, np.intp),
        right=log.array("right", -1, np.intp),
        value=np.zeros(log.n_nodes, np.float32),
        gain=log.array("gain", 0.0, np.float32),
        cover=H,
        n_features=n_features,
    )
    if prune:
        _prune(tree, settings.gamma)
    leaf = tree.feature < 0
    weight = leaf_weight(G, H, settings.reg_lambda, settings.min_child_weight)
    tree.value[leaf] = weight[leaf] * np.float32(settings.learning_rate)
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
