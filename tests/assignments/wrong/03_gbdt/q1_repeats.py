"""Cuts between every pair of sorted rows, even two with the same value."""


def best_cut(x, r):
    order = np.argsort(x)
    xs, rs = x[order], r[order]
    best = (np.inf, None)
    for i in range(len(xs) - 1):
        left, right = rs[: i + 1], rs[i + 1 :]
        sse = ((left - left.mean()) ** 2).sum() + ((right - right.mean()) ** 2).sum()
        if sse < best[0]:
            best = (sse, (xs[i] + xs[i + 1]) / 2)
    return best[1], best[0]
