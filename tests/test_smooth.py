"""Smooth operators and metrics: limits, gradients, agreement with torch and sklearn."""

import pytest
import torch
from sklearn.metrics import accuracy_score, f1_score

from groundup.nn import (
    logsumexp,
    reinforce_loss,
    soft_accuracy,
    soft_argmax,
    soft_f1,
    soft_onehot_argmax,
    soft_topk,
)

X = torch.tensor([2.0, 1.0, 4.0, 5.0, 3.0])


def test_logsumexp_matches_torch_and_bounds_the_max():
    x = (
        torch.randn(
            7, 30, dtype=torch.float64, generator=torch.Generator().manual_seed(0)
        )
        * 5
    )
    torch.testing.assert_close(logsumexp(x), torch.logsumexp(x, dim=-1))
    for tau in (2.0, 1.0, 0.1, 0.01):
        lse, mx = logsumexp(x, temperature=tau), x.max(-1).values
        # max < LSE in exact arithmetic; at small tau the gap is below float64's ulp
        assert torch.all(mx <= lse) and torch.all(
            lse <= mx + tau * torch.log(torch.tensor(30.0))
        )
        if tau >= 1.0:
            assert torch.all(mx < lse)
    assert logsumexp(torch.tensor([1000.0, 999.0])).isfinite()  # stable


def test_softmax_matches_torch_and_hardens():
    torch.testing.assert_close(soft_onehot_argmax(X), torch.softmax(X, -1))
    assert soft_onehot_argmax(X, temperature=1e-3).tolist() == [0, 0, 0, 1, 0]
    assert abs(soft_argmax(X, temperature=1e-3).item() - 3) < 1e-6


def test_gradient_of_logsumexp_is_softmax():
    x = X.clone().requires_grad_(True)
    logsumexp(x, temperature=0.7).backward()
    torch.testing.assert_close(x.grad, soft_onehot_argmax(X, temperature=0.7))


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: logsumexp(x, temperature=0.5),
        lambda x: soft_onehot_argmax(x, temperature=0.5),
        lambda x: soft_argmax(x, temperature=0.5),
        lambda x: soft_topk(x, 2, temperature=0.5),
    ],
)
def test_gradients_match_finite_differences(fn):
    x = torch.randn(6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert torch.autograd.gradcheck(fn, (x.requires_grad_(True),))


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_soft_topk_approaches_the_topk_indicator(k):
    hard = torch.zeros(5)
    hard[X.topk(k).indices] = 1
    torch.testing.assert_close(
        soft_topk(X, k, temperature=1e-3), hard, atol=1e-4, rtol=0
    )
    # k units of mass at any temperature
    assert abs(soft_topk(X, k).sum().item() - k) < 1e-5


def test_soft_metrics_equal_hard_metrics_on_hard_inputs():
    g = torch.Generator().manual_seed(0)
    y = torch.randint(0, 2, (200,), generator=g)
    pred = torch.randint(0, 2, (200,), generator=g)
    assert soft_accuracy(pred.double(), y).item() == pytest.approx(
        accuracy_score(y, pred)
    )
    assert soft_f1(pred.double(), y).item() == pytest.approx(f1_score(y, pred))
    y3 = torch.randint(0, 3, (300,), generator=g)
    p3 = torch.randint(0, 3, (300,), generator=g)
    onehot = torch.nn.functional.one_hot(p3, 3).double()
    assert soft_accuracy(onehot, y3).item() == pytest.approx(accuracy_score(y3, p3))
    assert soft_f1(onehot, y3, "macro").item() == pytest.approx(
        f1_score(y3, p3, average="macro")
    )


def test_reinforce_gradient_points_up_the_expected_reward():
    torch.manual_seed(0)
    y = (torch.rand(64) < 0.5).double()
    logits = torch.zeros(64, dtype=torch.float64, requires_grad=True)
    loss = reinforce_loss(logits, lambda a: (a == y).double().mean(), samples=4000)
    loss.backward()
    # d E[accuracy] / d logit_i = (2 y_i - 1) p (1 - p) / n with p = 1/2
    expected = (2 * y - 1) * 0.25 / 64
    assert torch.corrcoef(torch.stack([-logits.grad, expected]))[0, 1] > 0.9


def test_reinforce_is_unbiased_for_the_soft_accuracy_gradient():
    # With Bernoulli predictions a_i ~ p_i, E[accuracy(a)] is the soft accuracy,
    # so the mean REINFORCE gradient must be the soft accuracy's gradient. With
    # two samples, a baseline that includes the sample itself would halve it.
    gen = torch.Generator().manual_seed(0)
    n = 8
    y = (torch.rand(n, generator=gen) < 0.5).double()
    logits = (2 * torch.randn(n, generator=gen, dtype=torch.float64)).requires_grad_(
        True
    )
    soft_accuracy(torch.sigmoid(logits), y).backward()
    exact = logits.grad.clone()
    total = torch.zeros(n, dtype=torch.float64)
    repeats, threads = 800, torch.get_num_threads()
    torch.set_num_threads(1)  # 800 tiny backward passes: threads only add overhead
    try:
        for _ in range(repeats):
            logits.grad = None
            reinforce_loss(logits, lambda a: (a == y).double().mean(), samples=2,
                           generator=gen).backward()  # fmt: skip
            total -= logits.grad
    finally:
        torch.set_num_threads(threads)
    mean = total / repeats
    scale = (mean @ exact / (exact @ exact)).item()  # 1 if unbiased, 1/2 if not
    assert 0.8 < scale < 1.2
    assert torch.corrcoef(torch.stack([mean, exact]))[0, 1] > 0.95


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: logsumexp(X, temperature=0), "temperature"),
        (lambda: soft_topk(X, 0), "k"),
        (lambda: soft_topk(X, 6), "k"),
        (
            lambda: soft_accuracy(torch.tensor([0.5, 1.2]), torch.tensor([0, 1])),
            "probs",
        ),
        (lambda: soft_f1(torch.tensor([0.5]), torch.tensor([0, 1])), "rows"),
        (
            lambda: soft_f1(torch.tensor([0.5, 0.1]), torch.tensor([0, 1]), "micro"),
            "average",
        ),
        (lambda: reinforce_loss(torch.zeros(3), lambda a: 0.0, samples=1), "samples"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()
