"""Rounds each word's slot count on its own: the table drifts from the rule."""


def unigram_table(counts, size, exponent=0.75):
    noise = np.asarray(counts, dtype=float) ** exponent
    noise = noise / noise.sum()
    return np.repeat(np.arange(len(noise)), np.round(noise * size).astype(int))
