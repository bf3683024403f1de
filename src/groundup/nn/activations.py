"""Activation functions, from the perceptron's step to SiLU (chapter 5).

Each function takes and returns a torch tensor and is written from its
formula, so that autograd differentiates exactly what the chapter shows; the
tests compare every one with its ``torch.nn.functional`` counterpart. The
derivatives the chapter plots are in :data:`DERIVATIVES`.
"""

from __future__ import annotations

import math

import torch

# SELU's constants (Klambauer et al. 2017), the fixed point of mean 0, variance 1.
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def step(x: torch.Tensor) -> torch.Tensor:
    """Threshold unit: 1 where x > 0, else 0. No gradient flows through it."""
    return (x > 0).to(x.dtype)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """1 / (1 + e^-x) (eq. ``act-sigmoid``), via exp(-|x|): it never overflows."""
    z = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))


def tanh(x: torch.Tensor) -> torch.Tensor:
    """2 sigmoid(2x) - 1: a rescaled, zero-centred sigmoid (eq. act-tanh)."""
    return 2 * sigmoid(2 * x) - 1


def relu(x: torch.Tensor) -> torch.Tensor:
    """max(x, 0)."""
    return torch.clamp(x, min=0)


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """x for x >= 0, a small slope times x below."""
    return torch.where(x >= 0, x, negative_slope * x)


def prelu(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Leaky ReLU whose slope ``weight`` is learned (one per channel, or one)."""
    return torch.where(x >= 0, x, weight * x)


def elu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """x for x > 0, alpha (e^x - 1) below: smooth, with negative outputs."""
    return torch.where(x > 0, x, alpha * torch.expm1(torch.clamp(x, max=0)))


def selu(x: torch.Tensor) -> torch.Tensor:
    """scale * ELU(x, alpha) with the self-normalising constants (eq. act-selu)."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def gelu(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    """x Phi(x) (eq. act-gelu); ``approximate="tanh"`` gives the GPT-2 form."""
    if approximate == "none":
        return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
        return 0.5 * x * (1 + torch.tanh(inner))
    raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}.")


def silu(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """x sigmoid(beta x): SiLU for beta = 1, Swish in general (eq. act-swish)."""
    return x * sigmoid(beta * x)


swish = silu


def softplus(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """log(1 + e^(beta x)) / beta, a smooth ReLU."""
    return torch.logaddexp(torch.zeros_like(x), beta * x) / beta


def mish(x: torch.Tensor) -> torch.Tensor:
    """x tanh(softplus(x))."""
    return x * torch.tanh(softplus(x))


def _normal_pdf(x):
    return torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


#: Closed-form derivatives of the functions the chapter plots.
DERIVATIVES = {
    "step": lambda x: torch.zeros_like(x),
    "sigmoid": lambda x: sigmoid(x) * (1 - sigmoid(x)),
    "tanh": lambda x: 1 - tanh(x) ** 2,
    "relu": lambda x: (x > 0).to(x.dtype),
    "leaky_relu": lambda x: torch.where(x >= 0, 1.0, 0.01).to(x.dtype),
    "elu": lambda x: torch.where(
        x > 0, torch.ones_like(x), torch.exp(torch.clamp(x, max=0))
    ),
    "selu": lambda x: (
        SELU_SCALE
        * torch.where(
            x > 0, torch.ones_like(x), SELU_ALPHA * torch.exp(torch.clamp(x, max=0))
        )
    ),
    "gelu": lambda x: 0.5 * (1 + torch.erf(x / math.sqrt(2))) + x * _normal_pdf(x),
    "silu": lambda x: sigmoid(x) * (1 + x * (1 - sigmoid(x))),
    "softplus": lambda x: sigmoid(x),
}

ACTIVATIONS = {
    "step": step,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "selu": selu,
    "gelu": gelu,
    "silu": silu,
    "swish": swish,
    "softplus": softplus,
    "mish": mish,
}


def get_activation(name: str):
    """The activation function called ``name``."""
    if name not in ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}."
        )
    return ACTIVATIONS[name]
