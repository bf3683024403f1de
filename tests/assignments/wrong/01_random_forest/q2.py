"""Off by one in the exponent: the chance that n - 1 draws miss a row."""


def oob_share(n):
    return (1 - 1 / n) ** (n - 1)
