"""Forgets the mask: the slope's gradient sums upstream * x over all entries."""


def prelu_grads(x, weight, upstream):
    grad_x = torch.where(x >= 0, upstream, weight * upstream)
    grad_weight = (upstream * x).sum(dim=0)
    return grad_x, grad_weight
