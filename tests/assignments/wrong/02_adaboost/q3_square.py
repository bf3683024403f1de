"""Square loss as (y - G)^2 / E_m, dividing by the largest error, not its square."""


def r2_update(y, pred, w, loss="linear"):
    err = np.abs(y - pred)
    if loss == "square":
        rel = err**2 / err.max()
    elif loss == "exponential":
        rel = 1 - np.exp(-err / err.max())
    else:
        rel = err / err.max()
    e = np.sum(w * rel)
    beta = e / (1 - e)
    new_w = w * beta ** (1 - rel)
    return e, beta, new_w / new_w.sum()
