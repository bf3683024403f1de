"""Drops the 1/2 of the vote: alpha = ln((1 - e) / e), and the weights with it."""


def adaboost_round(G, y, w, learning_rate=1.0):
    e = np.sum(w[G != y])
    alpha = learning_rate * np.log((1 - e) / e)
    new_w = w * np.exp(-alpha * y * G)
    return e, alpha, new_w / new_w.sum()
