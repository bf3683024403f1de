"""Advances up to x_i instead of x_{i-1} before reversing step i."""


def sparse_checkpoints(n, m):
    starts = list(range(0, n, m))
    actions = [("snapshot", 0)]
    for j in range(1, len(starts)):
        actions += [("advance", i) for i in range(starts[j - 1] + 1, starts[j] + 1)]
        actions.append(("snapshot", starts[j]))
    for c in reversed(starts):
        for i in range(min(c + m, n), c, -1):
            actions.append(("restore", c))
            actions += [("advance", j) for j in range(c + 1, i + 1)]
            actions.append(("reverse", i))
        actions.append(("free", c))
    return actions
