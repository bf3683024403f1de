"""Counts the mistakes instead of summing their weights: an unweighted error."""


def adaboost_round(G, y, w, learning_rate=1.0):
    e = np.mean(G != y)
    alpha = learning_rate * 0.5 * np.log((1 - e) / e)
    new_w = w * np.exp(-alpha * y * G)
    return e, alpha, new_w / new_w.sum()
