"""Always rescales to max_norm, stretching small gradients too."""


def clip_by_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    return {key: g * (max_norm / norm) for key, g in grads.items()}, norm
