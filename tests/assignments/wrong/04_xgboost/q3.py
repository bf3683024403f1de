"""Takes bin k alone as the left child: forgets the cumulative sum over bins."""


def best_histogram_split(bins, g, h, n_bins, reg_lambda, min_child_weight):
    d = bins.shape[1]
    G, H = g.sum(), h.sum()
    best = (0, 0, -np.inf)
    for f in range(d):
        G_hist = np.bincount(bins[:, f], weights=g, minlength=n_bins)
        H_hist = np.bincount(bins[:, f], weights=h, minlength=n_bins)
        for k in range(n_bins - 1):
            GL, HL = G_hist[k], H_hist[k]
            GR, HR = G - GL, H - HL
            if HL < min_child_weight or HR < min_child_weight:
                continue
            gain = (
                GL**2 / (HL + reg_lambda)
                + GR**2 / (HR + reg_lambda)
                - G**2 / (H + reg_lambda)
            )
            if gain > best[2]:
                best = (f, k, gain)
    return best
