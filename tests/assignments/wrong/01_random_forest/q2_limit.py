"""Gives the limit 1/e, not the exact share for n rows."""


def oob_share(n):
    return np.exp(-1.0)
