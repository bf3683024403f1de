"""Transformer feed-forward blocks: dense and gated (GLU family) (chapter 5).

A dense block computes act(x W1) W2 with a hidden width of 4 d. A gated
block (Dauphin et al. 2016; Shazeer 2020) computes (act(x W) * x V) W2: one
branch decides, element by element, how much of the other passes. It has
three matrices instead of two, so at the same parameter count its hidden
width is 2/3 of the dense one (eq. ``act-glu-width``).
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import check_int
from .activations import get_activation, sigmoid

#: The gate of each GLU variant (Shazeer 2020, Table 1); None: no gate (bilinear).
GLU_VARIANTS = {
    "glu": sigmoid,
    "reglu": get_activation("relu"),
    "geglu": get_activation("gelu"),
    "swiglu": get_activation("silu"),
    "bilinear": None,
}


def glu_hidden_width(d_model: int, dense_hidden: int | None = None) -> int:
    """Hidden width that gives a GLU block the parameters of a dense one: 2/3 of it."""
    check_int("d_model", d_model, low=1)
    check_int("dense_hidden", dense_hidden, low=2, allow_none=True)
    dense_hidden = 4 * d_model if dense_hidden is None else dense_hidden
    return round(2 * dense_hidden / 3)


class FeedForward(nn.Module):
    """act(x W1 + b1) W2 + b2, with any activation of :mod:`groundup.nn.activations`."""

    def __init__(self, d_model: int, d_hidden: int | None = None,
                 activation: str = "relu", bias: bool = True):  # fmt: skip
        super().__init__()
        self.act = get_activation(activation)
        d_hidden = 4 * d_model if d_hidden is None else d_hidden
        self.w1 = nn.Linear(d_model, d_hidden, bias=bias)
        self.w2 = nn.Linear(d_hidden, d_model, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(..., d_model) -> (..., d_model): w2(act(w1 x))."""
        return self.w2(self.act(self.w1(x)))


class GLUFeedForward(nn.Module):
    """(gate(x W) * x V) W2, eq. ``act-glu``; variants glu, reglu, geglu, swiglu,
    bilinear.

    ``d_hidden`` defaults to :func:`glu_hidden_width`, which matches the
    parameters of a dense block of width 4 d. Biases are off, as in Shazeer 2020.
    """

    def __init__(self, d_model: int, d_hidden: int | None = None,
                 variant: str = "swiglu", bias: bool = False):  # fmt: skip
        super().__init__()
        if variant not in GLU_VARIANTS:
            raise ValueError(
                f"variant must be one of {sorted(GLU_VARIANTS)}, got {variant!r}."
            )
        self.variant = variant
        self.gate = GLU_VARIANTS[variant]
        d_hidden = glu_hidden_width(d_model) if d_hidden is None else d_hidden
        self.w = nn.Linear(d_model, d_hidden, bias=bias)
        self.v = nn.Linear(d_model, d_hidden, bias=bias)
        self.w2 = nn.Linear(d_hidden, d_model, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(..., d_model) -> (..., d_model): w2(g(W x) * V x), g the gate."""
        gate = self.w(x) if self.gate is None else self.gate(self.w(x))
        return self.w2(gate * self.v(x))
