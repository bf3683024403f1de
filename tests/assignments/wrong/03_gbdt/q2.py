"""Takes the full step during the fit, applying the learning rate only to predict."""


def boost_squared(X, y, n_rounds, learning_rate, max_depth):
    f0 = np.mean(y)
    f = np.full(len(y), f0)
    trees = []
    for _ in range(n_rounds):
        tree = DecisionTreeRegressor(max_depth=max_depth).fit(X, y - f)
        f = f + tree.predict(X)
        trees.append(tree)
    return f0, trees
