"""Sorts the feature values but leaves the targets in their old order."""


def best_cut(x, r):
    xs = np.sort(x)
    best = (np.inf, None)
    for i in range(len(xs) - 1):
        if xs[i] == xs[i + 1]:
            continue
        left, right = r[: i + 1], r[i + 1 :]
        sse = ((left - left.mean()) ** 2).sum() + ((right - right.mean()) ** 2).sum()
        if sse < best[0]:
            best = (sse, (xs[i] + xs[i + 1]) / 2)
    return best[1], best[0]
