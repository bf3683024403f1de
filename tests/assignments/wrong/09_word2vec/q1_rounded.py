"""Reads the half-keep share off the chapter (0.00746) instead of solving for it."""


def keep_prob(counts, sample):
    counts = np.asarray(counts, dtype=float)
    if sample == 0:
        return np.ones_like(counts)
    z = counts / counts.sum()
    return np.minimum(1.0, (np.sqrt(z / sample) + 1) * sample / z)


def half_keep_share(sample):
    return 0.00746
