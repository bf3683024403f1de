"""Forgets the shrinkage: takes full Newton steps whatever the learning rate."""


def newton_path(y, start, n_steps, reg_lambda, learning_rate):
    path = [start]
    for _ in range(n_steps):
        p = expit(path[-1]) * np.ones(len(y))
        G, H = np.sum(p - y), np.sum(p * (1 - p))
        path.append(path[-1] - G / (H + reg_lambda))
    return np.array(path)
