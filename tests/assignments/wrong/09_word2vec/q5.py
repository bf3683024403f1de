"""Does not leave out the question words: b itself is often the best answer."""


def analogy(wv, a, b, c):
    unit = wv.vectors / np.linalg.norm(wv.vectors, axis=1, keepdims=True)
    i = wv.key_to_index
    scores = unit @ (unit[i[b]] - unit[i[a]] + unit[i[c]])
    return wv.index_to_key[int(np.argmax(scores))]


def analogy_accuracy(wv, quads):
    return float(np.mean([analogy(wv, a, b, c) == d for a, b, c, d in quads]))
