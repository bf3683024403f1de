"""Multiplies the one-step Jacobians in the wrong order (earliest step on the left)."""


def state_jacobian(model, X, k):
    _, cache = model.forward(X, np.zeros(len(X), dtype=int))
    h, W = cache["h"], model.params["W"]
    jacobian = np.eye(len(W))
    for t in range(len(X), len(X) - k, -1):
        jacobian = ((1 - h[t] ** 2)[:, None] * W) @ jacobian
    return jacobian
