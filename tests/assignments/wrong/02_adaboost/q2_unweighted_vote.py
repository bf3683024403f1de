"""Combines the stumps by a plain majority vote, ignoring their alphas."""


def boosted_score(stumps, alphas, X):
    return sum(s.predict(X) for s in stumps).astype(float)
