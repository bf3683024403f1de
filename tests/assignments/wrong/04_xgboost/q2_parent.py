"""Leaves lambda out of the parent's term."""


def split_gain(g, h, left, reg_lambda, gamma):
    g, h, left = np.asarray(g), np.asarray(h), np.asarray(left)
    GL, HL = g[left].sum(), h[left].sum()
    GR, HR = g[~left].sum(), h[~left].sum()
    children = GL**2 / (HL + reg_lambda) + GR**2 / (HR + reg_lambda)
    return 0.5 * (children - (GL + GR) ** 2 / (HL + HR)) - gamma
