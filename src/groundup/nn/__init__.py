"""Neural-network building blocks (part II).

Activations and feed-forward blocks (chapter 5); receptive fields (chapter 6,
in ``groundup.nn.receptive_field``); smooth surrogates of discrete operations
and metrics (chapter 7); gradient checkpointing (chapter 8, in
``groundup.nn.checkpoint``); a vanilla RNN with BPTT (chapter 10, in
``groundup.nn.rnn``) and finite-difference checks (``groundup.nn.gradcheck``);
the Transformer (chapter 11, ``groundup.nn.transformer``) and OadTR (chapter
12, ``groundup.nn.oadtr``).
"""

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
from .smooth import (
    logsumexp,
    reinforce_loss,
    smooth_max,
    soft_accuracy,
    soft_accuracy_loss,
    soft_argmax,
    soft_f1,
    soft_f1_loss,
    soft_onehot_argmax,
    soft_topk,
)

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
    "logsumexp",
    "reinforce_loss",
    "smooth_max",
    "soft_accuracy",
    "soft_accuracy_loss",
    "soft_argmax",
    "soft_f1",
    "soft_f1_loss",
    "soft_onehot_argmax",
    "soft_topk",
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
