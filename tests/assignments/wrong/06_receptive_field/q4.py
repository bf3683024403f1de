"""Uses the variance k^2/12 of a continuous uniform step, not (k^2 - 1)/12."""


def box_width(n, k):
    return math.sqrt(n * k**2 / 12)
