"""Shuffles the labels instead of column j: every column seems to matter."""


def permutation_drop(model, X, y, j, rng):
    return model.score(X, y) - model.score(X, y[rng.permutation(len(y))])


drops = np.array(
    [
        permutation_drop(forest, X_test, y_test, j, np.random.default_rng(j))
        for j in range(5)
    ]
)
