"""Activations and feed-forward blocks against torch, gradients, parameter counts."""

import math

import pytest
import torch
import torch.nn.functional as F

from groundup.nn import (
    DERIVATIVES,
    FeedForward,
    GLUFeedForward,
    elu,
    gelu,
    get_activation,
    glu_hidden_width,
    leaky_relu,
    mish,
    prelu,
    relu,
    selu,
    sigmoid,
    silu,
    softplus,
    step,
    tanh,
)

X = torch.linspace(-8, 8, 2001)

PAIRS = [
    (sigmoid, torch.sigmoid),
    (tanh, torch.tanh),
    (relu, F.relu),
    (lambda x: leaky_relu(x, 0.1), lambda x: F.leaky_relu(x, 0.1)),
    (lambda x: elu(x, 1.3), lambda x: F.elu(x, 1.3)),
    (selu, F.selu),
    (gelu, F.gelu),
    (lambda x: gelu(x, "tanh"), lambda x: F.gelu(x, approximate="tanh")),
    (silu, F.silu),
    (lambda x: softplus(x, 2.0), lambda x: F.softplus(x, beta=2.0, threshold=1e9)),
    (mish, F.mish),
]


@pytest.mark.parametrize(("ours", "theirs"), PAIRS)
def test_forward_and_backward_match_torch(ours, theirs):
    a = X.clone().requires_grad_(True)
    b = X.clone().requires_grad_(True)
    ya, yb = ours(a), theirs(b)
    torch.testing.assert_close(ya, yb, atol=1e-6, rtol=1e-6)
    ya.sum().backward()
    yb.sum().backward()
    # 1e-6 forward; the backward of the tanh-form GELU differs from torch's by
    # up to 1.1e-6 in float32 where the slope is ~0 (x ~ -5): rounding of tanh'
    torch.testing.assert_close(a.grad, b.grad, atol=1.5e-6, rtol=1e-5)


@pytest.mark.parametrize(("ours", "theirs"), PAIRS)
def test_gradcheck_in_float64(ours, theirs):
    x = (
        torch.randn(20, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
        * 3
    )
    x = x[x.abs() > 1e-3].requires_grad_(True)  # away from ReLU's kink
    assert torch.autograd.gradcheck(ours, (x,))


def test_prelu_matches_torch_and_learns_its_slope():
    x = X.clone().requires_grad_(True)
    w = torch.tensor([0.25], requires_grad=True)
    torch.testing.assert_close(prelu(x, w), F.prelu(x, w))
    prelu(x, w).sum().backward()
    assert w.grad.item() == pytest.approx(X[X < 0].sum().item(), rel=1e-5)


@pytest.mark.parametrize(
    "name", ["sigmoid", "tanh", "relu", "elu", "selu", "gelu", "silu", "softplus"]
)
def test_closed_form_derivatives_match_autograd(name):
    x = X[X.abs() > 1e-3].clone().requires_grad_(True)
    get_activation(name)(x).sum().backward()
    torch.testing.assert_close(
        DERIVATIVES[name](x.detach()), x.grad, atol=1e-5, rtol=1e-4
    )


def test_gelu_tanh_approximation_error_is_the_known_one():
    x = torch.linspace(-10, 10, 200001, dtype=torch.float64)
    gap = (gelu(x) - gelu(x, "tanh")).abs().max().item()
    assert 1e-4 < gap < 5e-4  # the tanh form is off by up to ~4.7e-4


def test_sigmoid_derivative_peaks_at_a_quarter_and_step_has_no_gradient():
    assert DERIVATIVES["sigmoid"](X).max().item() == pytest.approx(0.25, abs=1e-6)
    # the step's derivative is 0 away from 0: central differences see no change
    x = torch.linspace(-8, 8, 1600, dtype=torch.float64)  # no point at 0
    eps = 1e-6
    slope = (step(x + eps) - step(x - eps)) / (2 * eps)
    assert (slope == 0).all() and (DERIVATIVES["step"](x) == 0).all()
    # 1 iff x > 0
    assert step(torch.tensor([-1e-9, 0.0, 1e-9])).tolist() == [
        0.0,
        0.0,
        1.0,
    ]
    # no overflow
    assert sigmoid(torch.tensor([-1000.0, 1000.0])).tolist() == [
        0.0,
        1.0,
    ]


def test_dense_and_glu_blocks_have_matched_parameters():
    d = 96
    dense = FeedForward(d, activation="gelu", bias=False)
    for variant in ["glu", "reglu", "geglu", "swiglu", "bilinear"]:
        gated = GLUFeedForward(d, variant=variant)
        n_dense = sum(p.numel() for p in dense.parameters())
        n_gated = sum(p.numel() for p in gated.parameters())
        assert n_gated == 3 * d * glu_hidden_width(d)
        assert abs(n_gated - n_dense) / n_dense < 0.01
        assert gated(torch.randn(5, 7, d)).shape == (5, 7, d)


def test_swiglu_is_the_formula():
    torch.manual_seed(0)
    block = GLUFeedForward(8, 12, variant="swiglu")
    x = torch.randn(3, 8)
    W, V, W2 = block.w.weight.T, block.v.weight.T, block.w2.weight.T
    expected = (F.silu(x @ W) * (x @ V)) @ W2
    torch.testing.assert_close(block(x), expected)
    assert glu_hidden_width(512) == round(2 * 2048 / 3)
    assert math.isclose(glu_hidden_width(96) / (4 * 96), 2 / 3, rel_tol=0.01)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: GLUFeedForward(8, variant="swishglu"), "variant"),
        (lambda: FeedForward(8, activation="rectifier"), "activation"),
        (lambda: gelu(torch.zeros(2), approximate="erf"), "approximate"),
        (lambda: glu_hidden_width(0), "d_model"),
        (lambda: glu_hidden_width(64.0), "d_model"),
        (lambda: glu_hidden_width(64, 1), "dense_hidden"),
    ],
)
def test_bad_input_names_the_parameter(make, match):
    with pytest.raises(ValueError, match=match):
        make()
