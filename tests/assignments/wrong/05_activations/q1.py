"""Takes every factor sigma' at the input x, not at each layer's own input."""


def sigmoid_chain_grad(x, n):
    s = torch.sigmoid(x)
    return (s * (1 - s)) ** n
