"""Writes Swish as SiLU(beta x) and multiplies its derivative by beta."""


def swish_grad(x, beta):
    return beta * DERIVATIVES["silu"](beta * x)
