"""Off by one: entry i counts layer i, so the list starts at a layer 0."""

from collections import Counter


def layer_evaluations(actions, n):
    seen = Counter(i for kind, i in actions if kind in ("advance", "reverse"))
    return [seen[i] for i in range(n)]
