"""Passes the probabilities through: the loss is the soft F1, not the hard one."""


def straight_through(probs, threshold=0.5):
    return probs


def st_f1_loss(probs, targets):
    return 1 - soft_f1(straight_through(probs), targets)
