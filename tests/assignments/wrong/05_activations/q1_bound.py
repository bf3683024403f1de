"""Returns the bound 4^-n, not the exact derivative."""


def sigmoid_chain_grad(x, n):
    return torch.full_like(x, 0.25**n)
