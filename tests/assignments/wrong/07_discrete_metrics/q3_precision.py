"""Divides by k instead of the number of relevant items: a precision at k."""


def soft_recall_at_k(scores, relevant, k, temperature=1.0):
    top = soft_topk(scores, k, temperature=temperature)
    return ((top * relevant).sum(-1) / k).mean()
