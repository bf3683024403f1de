"""Uses the raw vectors, not unit vectors: long vectors win whatever their angle."""


def analogy(wv, a, b, c):
    i = wv.key_to_index
    scores = wv.vectors @ (wv.vectors[i[b]] - wv.vectors[i[a]] + wv.vectors[i[c]])
    scores[[i[a], i[b], i[c]]] = -np.inf
    return wv.index_to_key[int(np.argmax(scores))]


def analogy_accuracy(wv, quads):
    return float(np.mean([analogy(wv, a, b, c) == d for a, b, c, d in quads]))
