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
    st.integers(1, 5),
    st.integers(1, 6),
    st.integers(2, 5),
    st.integers(1, 8),
    st.integers(0, 99),
)
def test_bptt_matches_finite_differences(n_in, n_hidden, n_out, tau, seed):
    model, X, y = problem(n_in, n_hidden, n_out, tau, seed)
    _, cache = model.forward(X, y)
    grads = model.backward(cache)
    for name, value in model.params.items():
        numeric = numerical_gradient(lambda: model.forward(X, y)[0], value)
        # Central differences err by about 1e-10 in absolute terms, which is a
        # large relative error on a gradient near zero: hence the small atol.
        np.testing.assert_allclose(
            grads[name], numeric, rtol=1e-6, atol=1e-9, err_msg=name
        )


def test_bptt_matches_autograd_and_the_forward_matches_torch_rnn():
    model, X, y = problem(4, 6, 3, 12, 7)
    loss, cache = model.forward(X, y)
    grads = model.backward(cache)
    torch_model = TorchRNN.from_numpy(model)
    logits = torch_model(torch.from_numpy(X)[None])[0]
    torch_loss = torch.nn.functional.cross_entropy(
        logits, torch.from_numpy(y), reduction="sum"
    )
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


def truncated_by_autograd(model, X, y, k):
    """Truncated BPTT from its definition: each loss term L(s) back-propagated
    through steps s-k+1..s only, the state before them held constant."""
    p = {n: torch.tensor(v, requires_grad=True) for n, v in model.params.items()}
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    with torch.no_grad():  # the states of the forward pass, h[0] = 0
        h = [torch.zeros(p["W"].shape[0], dtype=torch.float64)]
        for x in X:
            h.append(torch.tanh(p["U"] @ x + p["W"] @ h[-1] + p["b"]))
    total = 0
    for s in range(len(y)):
        first = max(s - k + 1, 0)
        state = h[first]  # a constant: no gradient flows into it
        for t in range(first, s + 1):
            state = torch.tanh(p["U"] @ X[t] + p["W"] @ state + p["b"])
        logits = p["V"] @ state + p["c"]
        total = total - torch.log_softmax(logits, 0)[y[s]]
    total.backward()
    return {n: v.grad.numpy() for n, v in p.items()}


@pytest.mark.parametrize("k", [1, 2, 3, 9, 10, 50])
def test_truncated_bptt_matches_its_definition(k):
    model, X, y = problem(3, 5, 3, 10, 1)
    _, cache = model.forward(X, y)
    ours = model.backward(cache, truncate=k)
    reference = truncated_by_autograd(model, X, y, k)
    for name in ours:
        assert relative_error(reference[name], ours[name]) < 1e-12, name


def test_truncation_at_the_sequence_length_is_full_bptt_and_shorter_is_not():
    model, X, y = problem(3, 5, 3, 10, 1)
    _, cache = model.forward(X, y)
    full = model.backward(cache)
    for k in (10, 50):  # the truncated sweeps, which must add up to the full one
        long = model.backward(cache, truncate=k)
        assert all(relative_error(full[n], long[n]) < 1e-13 for n in full)
    short = model.backward(cache, truncate=2)
    assert relative_error(full["W"], short["W"]) > 1e-3
    # one step short: only L(tau) loses its path to step 1 (where h(0) = 0, so
    # dW is unchanged, but dU is not)
    almost = model.backward(cache, truncate=9)
    assert relative_error(full["U"], almost["U"]) > 1e-10
    assert np.array_equal(full["V"], short["V"]) and np.array_equal(
        full["c"], short["c"]
    )


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda m: m.forward(np.zeros((4, 2)), np.zeros(4, int)), "X"),
        (lambda m: m.forward(np.zeros((4, 3)), np.zeros(5, int)), "y"),
        (lambda m: m.forward(np.zeros((4, 3)), np.array([0, 1, 2, 9])), "class ids"),
        (
            lambda m: m.backward(m.forward(np.zeros((2, 3)), np.zeros(2, int))[1], 0),
            "truncate",
        ),
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
