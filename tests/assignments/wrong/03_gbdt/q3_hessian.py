"""Divides by the sum of p instead of the sum of p(1 - p)."""


def newton_leaf_values(y, f, leaf):
    p = expit(f)
    return np.bincount(leaf, weights=y - p) / np.bincount(leaf, weights=p)
