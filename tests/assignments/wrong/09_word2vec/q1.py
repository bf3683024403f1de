"""Uses the paper's keep probability sqrt(s / z) instead of word2vec.c's."""


def keep_prob(counts, sample):
    counts = np.asarray(counts, dtype=float)
    if sample == 0:
        return np.ones_like(counts)
    z = counts / counts.sum()
    return np.minimum(1.0, np.sqrt(sample / z))


def half_keep_share(sample):
    return 4 * sample
