"""Forgets the 3/4 power: the table follows the plain unigram distribution."""


def unigram_table(counts, size, exponent=0.75):
    counts = np.asarray(counts, dtype=float)
    cumulative = np.cumsum(counts / counts.sum())
    table = np.searchsorted(cumulative, (np.arange(size) + 0.5) / size)
    return np.minimum(table, len(counts) - 1)
