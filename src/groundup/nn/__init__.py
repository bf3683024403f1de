"""Neural-network building blocks (part II): activations and feed-forward blocks (chapter 5)."""

from .activations import (
    ACTIVATIONS,
    DERIVATIVES,
    elu,
    gelu,
    get_activation,
    leaky_relu,
    mish,
    prelu,
    relu,
    selu,
    sigmoid,
    silu,
    softplus,
    step,
    swish,
    tanh,
)
from .feedforward import GLU_VARIANTS, FeedForward, GLUFeedForward, glu_hidden_width

__all__ = [
    "ACTIVATIONS",
    "DERIVATIVES",
    "GLU_VARIANTS",
    "FeedForward",
    "GLUFeedForward",
    "elu",
    "gelu",
    "get_activation",
    "glu_hidden_width",
    "leaky_relu",
    "mish",
    "prelu",
    "relu",
    "selu",
    "sigmoid",
    "silu",
    "softplus",
    "step",
    "swish",
    "tanh",
]
