"""Clips each array by its own norm: the direction of the whole gradient changes."""


def clip_by_norm(grads, max_norm):
    clipped = {}
    for key, g in grads.items():
        n = np.linalg.norm(g)
        clipped[key] = g * (max_norm / n) if n > max_norm else g.copy()
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    return clipped, norm
