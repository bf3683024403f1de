"""Counts only the advances and forgets that a reverse step runs its layer too."""


def layer_evaluations(actions, n):
    counts = [0] * n
    for kind, i in actions:
        if kind == "advance":
            counts[i - 1] += 1
    return counts
