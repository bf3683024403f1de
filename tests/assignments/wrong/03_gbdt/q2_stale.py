"""Fits every tree to the first residuals y - f_0: the residuals are never updated."""


def boost_squared(X, y, n_rounds, learning_rate, max_depth):
    f0 = np.mean(y)
    trees = [
        DecisionTreeRegressor(max_depth=max_depth).fit(X, y - f0)
        for _ in range(n_rounds)
    ]
    return f0, trees
