"""Forgets to square the proportions: 1 - sum(p) is always 0."""


def gini(counts):
    p = np.asarray(counts, dtype=float) / np.sum(counts)
    return 1.0 - np.sum(p)
