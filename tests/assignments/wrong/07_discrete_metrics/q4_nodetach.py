"""Forgets to detach the subtracted term: the gradient cancels to zero."""


def straight_through(probs, threshold=0.5):
    hard = (probs > threshold).to(probs.dtype)
    return hard + probs - probs


def st_f1_loss(probs, targets):
    return 1 - soft_f1(straight_through(probs), targets)
