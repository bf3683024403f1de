"""Raises beta to e_mi instead of 1 - e_mi: the well-predicted rows gain weight."""


def r2_update(y, pred, w, loss="linear"):
    rel = np.abs(y - pred) / np.max(np.abs(y - pred))
    if loss == "square":
        rel = rel**2
    elif loss == "exponential":
        rel = 1 - np.exp(-rel)
    e = np.sum(w * rel)
    beta = e / (1 - e)
    new_w = w * beta**rel
    return e, beta, new_w / new_w.sum()
