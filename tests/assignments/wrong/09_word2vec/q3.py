"""Off by one: the window stops one word short on the right of the centre."""


def window_pairs(tokens, reach):
    pairs = []
    for i, centre in enumerate(tokens):
        for j in range(max(0, i - reach[i]), min(len(tokens), i + reach[i])):
            if j != i:
                pairs.append((centre, tokens[j]))
    return pairs


def distance_weights(window):
    d = np.arange(1, window + 1)
    return (window - d + 1) / window
