"""Sorts the predictions but accumulates the votes in the learners' order."""


def r2_predict(preds, votes):
    preds = np.asarray(preds, dtype=float)
    cumulative = np.cumsum(votes)
    pick = np.argmax(cumulative >= 0.5 * cumulative[-1])
    return np.sort(preds, axis=0)[pick]
