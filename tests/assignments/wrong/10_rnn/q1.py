"""The article's printed order: W^T delta(t+1), then times 1 - h(t+1)^2."""


def last_step_grads(model, X, label):
    p = model.params
    _, cache = model.forward(X, np.zeros(len(X), dtype=int))
    h = cache["h"]
    err = cache["yhat"][-1].copy()
    err[label] -= 1
    grads = {"V": np.outer(err, h[-1]), "c": err}
    grads.update({k: np.zeros_like(p[k]) for k in ("U", "W", "b")})
    delta = p["V"].T @ err
    for t in range(len(X), 0, -1):
        if t < len(X):
            delta = (p["W"].T @ delta) * (1 - h[t + 1] ** 2)
        carry = (1 - h[t] ** 2) * delta
        grads["W"] += np.outer(carry, h[t - 1])
        grads["U"] += np.outer(carry, X[t - 1])
        grads["b"] += carry
    return grads
