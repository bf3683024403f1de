"""Shrinks the returned vote but updates the weights with the full one."""


def adaboost_round(G, y, w, learning_rate=1.0):
    e = np.sum(w[G != y])
    full = 0.5 * np.log((1 - e) / e)
    new_w = w * np.exp(-full * y * G)
    return e, learning_rate * full, new_w / new_w.sum()
