"""Applies the gate to the product of the two branches."""


def glu_forward(x, W, V, W2, gate):
    product = (x @ W) * (x @ V)
    return (product if gate is None else gate(product)) @ W2
