"""Uses the context word's reach instead of the centre's, and (window - d) / window."""


def window_pairs(tokens, reach):
    n = len(tokens)
    return [(tokens[i], tokens[j]) for i in range(n) for j in range(n)
            if j != i and abs(i - j) <= reach[j]]  # fmt: skip


def distance_weights(window):
    return (window - np.arange(1, window + 1)) / window
