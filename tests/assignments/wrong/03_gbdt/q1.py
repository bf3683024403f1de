"""Puts the threshold at the last value on the left, not at the midpoint."""


def best_cut(x, r):
    order = np.argsort(x)
    xs, rs = x[order], r[order]
    best = (np.inf, None)
    for i in range(len(xs) - 1):
        if xs[i] == xs[i + 1]:
            continue
        left, right = rs[: i + 1], rs[i + 1 :]
        sse = ((left - left.mean()) ** 2).sum() + ((right - right.mean()) ** 2).sum()
        if sse < best[0]:
            best = (sse, xs[i])
    return best[1], best[0]
