"""Ignores min_child_weight: every split is allowed."""


def best_histogram_split(bins, g, h, n_bins, reg_lambda, min_child_weight):
    d = bins.shape[1]
    G, H = g.sum(), h.sum()
    best = (0, 0, -np.inf)
    for f in range(d):
        GL = np.cumsum(np.bincount(bins[:, f], weights=g, minlength=n_bins))
        HL = np.cumsum(np.bincount(bins[:, f], weights=h, minlength=n_bins))
        for k in range(n_bins - 1):
            gain = (
                GL[k] ** 2 / (HL[k] + reg_lambda)
                + (G - GL[k]) ** 2 / (H - HL[k] + reg_lambda)
                - G**2 / (H + reg_lambda)
            )
            if gain > best[2]:
                best = (f, k, gain)
    return best
