"""Flips the sign of the gradient: y - p is the negative gradient, not g."""


def logistic_grad_hess(y, margin):
    p = 1 / (1 + np.exp(-np.asarray(margin, dtype=float)))
    return np.asarray(y, dtype=float) - p, p * (1 - p)
