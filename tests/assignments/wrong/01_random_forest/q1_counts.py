"""Squares the counts instead of the proportions."""


def gini(counts):
    counts = np.asarray(counts, dtype=float)
    return 1.0 - np.sum(counts**2) / np.sum(counts)
