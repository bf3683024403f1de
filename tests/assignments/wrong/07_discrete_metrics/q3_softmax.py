"""Uses k times the softmax for the top k: it piles all the mass on the argmax."""


def soft_recall_at_k(scores, relevant, k, temperature=1.0):
    top = k * torch.softmax(scores / temperature, dim=-1)
    return ((top * relevant).sum(-1) / relevant.sum(-1)).mean()
