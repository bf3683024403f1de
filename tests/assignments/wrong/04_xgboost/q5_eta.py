"""Applies the learning rate a second time, though the leaf values include it."""


def boost_squared(X, y, n_rounds, settings, base_score):
    XT = np.ascontiguousarray(X.T, dtype=np.float32)
    grower = ExactGrower(XT)
    margin = np.full(len(y), base_score, dtype=np.float32)
    for _ in range(n_rounds):
        g = (margin - y).astype(np.float32)
        tree = grower.grow(g, np.ones_like(margin), np.arange(XT.shape[0]), settings)
        margin += np.float32(settings.learning_rate) * tree.predict(XT)
    return margin
