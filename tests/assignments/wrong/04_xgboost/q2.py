"""Drops the factor 1/2: gives the library's bracket minus gamma."""


def split_gain(g, h, left, reg_lambda, gamma):
    g, h, left = np.asarray(g), np.asarray(h), np.asarray(left)
    GL, HL = g[left].sum(), h[left].sum()
    GR, HR = g[~left].sum(), h[~left].sum()
    return (
        GL**2 / (HL + reg_lambda)
        + GR**2 / (HR + reg_lambda)
        - (GL + GR) ** 2 / (HL + HR + reg_lambda)
        - gamma
    )
