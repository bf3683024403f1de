"""Counts the targets above the prediction: the coverage of 1 - alpha."""


def coverage(model, X, y):
    return np.mean(y >= model.predict(X))


models = {
    a: GradientBoostingRegressor(loss="quantile", alpha=a, n_estimators=60).fit(
        Xq_tr, yq_tr
    )
    for a in ALPHAS
}
coverages = np.array([coverage(models[a], Xq_te, yq_te) for a in ALPHAS])
low, high = models[0.1].predict(Xq_te), models[0.9].predict(Xq_te)
inside = np.mean((low <= yq_te) & (yq_te <= high))
