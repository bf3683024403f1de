"""Forgets the cap at 1: rare words get a keep 'probability' above 1."""


def keep_prob(counts, sample):
    counts = np.asarray(counts, dtype=float)
    if sample == 0:
        return np.ones_like(counts)
    z = counts / counts.sum()
    return (np.sqrt(z / sample) + 1) * sample / z


def half_keep_share(sample):
    return 2 * (2 + np.sqrt(3)) * sample
