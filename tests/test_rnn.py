"""BPTT against finite differences, autograd and torch.nn.RNN; truncation; bad input."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from groundup.nn.gradcheck import numerical_gradient, relative_error
from groundup.nn.rnn import RNN, TorchRNN, one_hot


def problem(n_in, n_hidden, n_out, tau, seed):
    rng = np.random.default_rng(seed)
    model = RNN(n_in, n_hidden, n_out, seed=seed)
    X = rng.normal(size=(tau, n_in))
    y = rng.integers(0, n_out, tau)
    return model, X, y


@settings(max_examples=15, deadline=None)
@given(
    st.integers(1, 5), st.integers(1, 6), st.integers(2, 5), st.integers(1, 8), st.integers(0, 99)
)
def test_bptt_matches_finite_differences(n_in, n_hidden, n_out, tau, seed):
    model, X, y = problem(n_in, n_hidden, n_out, tau, seed)
    _, cache = model.forward(X, y)
    grads = model.backward(cache)
    for name, value in model.params.items():
        numeric = numerical_gradient(lambda: model.forward(X, y)[0], value)
        assert relative_error(numeric, grads[name]) <= 1e-7, name


def test_bptt_matches_autograd_and_the_forward_matches_torch_rnn():
    model, X, y = problem(4, 6, 3, 12, 7)
    loss, cache = model.forward(X, y)
    grads = model.backward(cache)
    torch_model = TorchRNN.from_numpy(model)
    logits = torch_model(torch.from_numpy(X)[None])[0]
    torch_loss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(y), reduction="sum")
    assert abs(torch_loss.item() - loss) < 1e-12
    torch_loss.backward()
    pairs = {
        "U": torch_model.rnn.weight_ih_l0.grad,
        "W": torch_model.rnn.weight_hh_l0.grad,
        "b": torch_model.rnn.bias_ih_l0.grad,
        "V": torch_model.out.weight.grad,
        "c": torch_model.out.bias.grad,
    }
    for name, grad in pairs.items():
        assert relative_error(grad.numpy(), grads[name]) < 1e-12, name


def test_truncation_longer_than_the_sequence_is_full_bptt_and_shorter_is_not():
    model, X, y = problem(3, 5, 3, 10, 1)
    _, cache = model.forward(X, y)
    full = model.backward(cache)
    for k in (10, 50):
        long = model.backward(cache, truncate=k)
        assert all(np.allclose(full[name], long[name]) for name in full)
    short = model.backward(cache, truncate=2)
    assert not np.allclose(full["W"], short["W"])
    assert np.allclose(full["V"], short["V"]) and np.allclose(full["c"], short["c"])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda m: m.forward(np.zeros((4, 2)), np.zeros(4, int)), "X"),
        (lambda m: m.forward(np.zeros((4, 3)), np.zeros(5, int)), "y"),
        (lambda m: m.forward(np.zeros((4, 3)), np.array([0, 1, 2, 9])), "class ids"),
        (lambda m: m.backward(m.forward(np.zeros((2, 3)), np.zeros(2, int))[1], 0), "truncate"),
        (lambda m: one_hot(np.array([0, 7]), 5), "token ids"),
        (lambda m: RNN(0, 3, 3), "n_in"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call(RNN(3, 4, 3))


def test_relative_error_and_its_inputs():
    assert relative_error(np.ones(3), np.ones(3)) == 0
    with pytest.raises(ValueError, match="shapes"):
        relative_error(np.ones(3), np.ones(4))
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: 0.0, np.ones(3, dtype=np.float32))
