"""A tree cut to a budget of leaves, best split first (``max_leaf_nodes``).

scikit-learn grows such a tree best-first: the leaves that can still split
wait in a priority queue keyed by the impurity decrease of their best split
(eq. ``rf-proxy`` before the constant is dropped), and the best one splits
until the tree has ``max_leaf_nodes`` leaves. The split a node would make
does not depend on when it is made, so the same tree can be cut from the
full tree grown level by level, with no queue:

* a node waits behind every ancestor, so the order in which best-first
  search splits nodes is that of their *bottleneck*, the smallest decrease
  on the path from the root to them (for any t, every node whose
  bottleneck is at least t splits before any node whose bottleneck is
  below t);
* so the ``max_leaf_nodes - 1`` split nodes with the largest bottlenecks
  are the ones best-first search splits; ties go to the shallower node,
  then to the lower node id (the queue's own tie order is not part of
  scikit-learn's contract);
* every other split node becomes a leaf, and the nodes below it go.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np


def split_gains(tree) -> np.ndarray:
    """The weighted impurity decrease of every node's split (0 for leaves)."""
    split = np.flatnonzero(tree.feature >= 0)
    lo, hi = tree.left[split], tree.right[split]
    gain = np.zeros(tree.feature.shape[0])
    gain[split] = (
        tree.weight[split] * tree.impurity[split]
        - tree.weight[lo] * tree.impurity[lo]
        - tree.weight[hi] * tree.impurity[hi]
    )
    return gain


def bottlenecks(tree, gain: np.ndarray) -> np.ndarray:
    """The smallest gain on the path from the root to each node, itself included."""
    low = gain.copy()
    for depth in range(tree.max_depth):  # parents are final before their children
        split = np.flatnonzero((tree.depth == depth) & (tree.feature >= 0))
        for child in (tree.left[split], tree.right[split]):
            low[child] = np.minimum(low[child], low[split])
    return low


def best_first(tree, max_leaf_nodes: int):
    """``tree`` with only the ``max_leaf_nodes - 1`` splits best-first search makes."""
    split = np.flatnonzero(tree.feature >= 0)
    if split.shape[0] < max_leaf_nodes:
        return tree
    low = bottlenecks(tree, split_gains(tree))[split]
    ranked = split[np.lexsort((split, tree.depth[split], -low))]
    made = np.zeros(tree.feature.shape[0], dtype=bool)
    made[ranked[: max_leaf_nodes - 1]] = True
    return cut(tree, made)


def cut(tree, made: np.ndarray):
    """Keep the root and the children of the ``made`` splits; renumber the nodes."""
    keep = np.zeros(made.shape[0], dtype=bool)
    keep[0] = True
    keep[tree.left[made]] = keep[tree.right[made]] = True
    new_id = np.cumsum(keep) - 1  # node ids stay in breadth-first order
    made = made[keep]
    left = np.where(made, new_id[tree.left[keep]], -1)
    right = np.where(made, new_id[tree.right[keep]], -1)
    return replace(
        tree,
        feature=np.where(made, tree.feature[keep], -1),
        threshold=np.where(made, tree.threshold[keep], -2.0),
        left=left,
        right=right,
        value=tree.value[keep],
        impurity=tree.impurity[keep],
        n_samples=tree.n_samples[keep],
        weight=tree.weight[keep],
        depth=tree.depth[keep],
    )
