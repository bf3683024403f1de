"""Checkpointing: exact gradients for every schedule, the meter's byte counts,
the binomial cost against brute force, and bad input."""

import pytest
import torch
from torch import nn
from torch.utils import checkpoint as torch_checkpoint

from groundup.nn.checkpoint import (
    SavedTensorMeter,
    binomial,
    binomial_cost,
    brute_force_cost,
    checkpoint_sequential,
    plain_backward,
    recompute_all,
    run_schedule,
    schedule_cost,
    segment_schedule,
    store_all,
)

WIDTH, BATCH = 16, 4


def chain(n: int, dropout: float = 0.0, seed: int = 0) -> nn.ModuleList:
    torch.manual_seed(seed)

    def block():
        return nn.Sequential(nn.Linear(WIDTH, WIDTH), nn.Tanh(), nn.Dropout(dropout))

    return nn.ModuleList([block() for _ in range(n)]).double()


def loss_fn(y: torch.Tensor) -> torch.Tensor:
    return (y**2).sum()


def gradients(layers, x, run) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Loss and every gradient of one backward pass, from a fixed random state."""
    layers.zero_grad()
    x.grad = None
    torch.manual_seed(123)
    loss = run()
    grads = [p.grad.clone() for p in layers.parameters()]
    if x.requires_grad:
        grads.append(x.grad.clone())
    return loss, grads


def assert_identical(a, b):
    assert torch.equal(a[0], b[0])
    assert len(a[1]) == len(b[1])
    assert all(torch.equal(g, h) for g, h in zip(a[1], b[1], strict=True))


SCHEDULES = {
    "store_all": lambda n: store_all(n),
    "recompute_all": lambda n: recompute_all(n),
    "segments": lambda n: segment_schedule(n, 3),
    "binomial": lambda n: binomial(n, 3),
}


@pytest.mark.parametrize("dropout", [0.0, 0.3])
@pytest.mark.parametrize("x_grad", [True, False])
@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_every_schedule_gives_the_plain_gradients_bitwise(name, x_grad, dropout):
    n = 10
    layers = chain(n, dropout)
    x = torch.randn(BATCH, WIDTH, dtype=torch.float64, requires_grad=x_grad)
    plain = gradients(layers, x, lambda: plain_backward(layers, x, loss_fn))
    ours = gradients(
        layers, x, lambda: run_schedule(layers, x, SCHEDULES[name](n), loss_fn)
    )
    assert_identical(plain, ours)


@pytest.mark.parametrize("dropout", [0.0, 0.3])
@pytest.mark.parametrize("x_grad", [True, False])
@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_checkpoint_sequential_gives_the_plain_gradients_bitwise(k, x_grad, dropout):
    layers = chain(7, dropout)
    x = torch.randn(BATCH, WIDTH, dtype=torch.float64, requires_grad=x_grad)
    plain = gradients(layers, x, lambda: plain_backward(layers, x, loss_fn))

    def ours():
        loss = loss_fn(checkpoint_sequential(layers, x, k))
        loss.backward()
        return loss.detach()

    def torchs():
        y = torch_checkpoint.checkpoint_sequential(layers, k, x, use_reentrant=False)
        loss = loss_fn(y)
        loss.backward()
        return loss.detach()

    assert_identical(plain, gradients(layers, x, ours))
    assert_identical(plain, gradients(layers, x, torchs))


def test_checkpoint_sequential_keeps_the_random_stream_of_a_plain_run():
    layers = chain(6, dropout=0.5)
    x = torch.randn(BATCH, WIDTH, dtype=torch.float64)
    torch.manual_seed(0)
    plain_backward(layers, x, loss_fn)
    after_plain = torch.rand(3)
    torch.manual_seed(0)
    loss_fn(checkpoint_sequential(layers, x, 3)).backward()
    assert torch.equal(torch.rand(3), after_plain)


def test_meter_counts_each_saved_activation_once():
    # Linear saves its input and ReLU its output (the next Linear's input):
    # n + 1 distinct (BATCH, WIDTH) float64 tensors, weights excluded.
    n = 5
    layers = nn.Sequential(
        *[m for _ in range(n) for m in (nn.Linear(WIDTH, WIDTH), nn.ReLU())]
    )
    layers = layers.double()
    x = torch.randn(BATCH, WIDTH, dtype=torch.float64)
    with SavedTensorMeter(exclude=layers.parameters()) as meter:
        y = layers(x)
        assert meter.current_bytes == (n + 1) * BATCH * WIDTH * 8
        y.sum().backward()
        assert meter.current_bytes == 0  # freed by backward
    assert meter.peak_bytes == meter.total_bytes == (n + 1) * BATCH * WIDTH * 8
    assert meter.cuda_peak_bytes is None or meter.cuda_peak_bytes > 0


def test_meter_without_exclusion_counts_the_weights_too():
    # x requires grad, so its gradient needs the weight: both are saved.
    layer = nn.Linear(WIDTH, WIDTH, bias=False).double()
    x = torch.randn(BATCH, WIDTH, dtype=torch.float64, requires_grad=True)
    with SavedTensorMeter() as meter:
        layer(x).sum().backward()
    assert meter.total_bytes == (BATCH * WIDTH + WIDTH * WIDTH) * 8


def test_checkpointing_lowers_the_measured_peak_as_the_cost_model_says():
    n, k = 16, 4
    layers = nn.ModuleList(
        [nn.Sequential(nn.Linear(WIDTH, WIDTH), nn.ReLU()) for _ in range(n)]
    )
    x = torch.randn(BATCH, WIDTH)
    activation = BATCH * WIDTH * 4
    with SavedTensorMeter(exclude=layers.parameters()) as plain:
        plain_backward(layers, x, loss_fn)
    with SavedTensorMeter(exclude=layers.parameters()) as ours:
        loss_fn(checkpoint_sequential(layers, x, k)).backward()
    with SavedTensorMeter(exclude=layers.parameters()) as schedule:
        run_schedule(layers, x, recompute_all(n), loss_fn)
    assert plain.peak_bytes == (n + 1) * activation
    # k - 1 segment inputs plus one segment of n / k layers (its input and
    # n / k outputs; the loss saves the last output, already counted).
    assert ours.peak_bytes == (k - 1 + n // k + 1) * activation
    # x_0 stored, one layer's input and output, the loss's input.
    assert schedule.peak_bytes <= 3 * activation


@pytest.mark.parametrize("slots", range(1, 7))
def test_binomial_cost_is_the_brute_force_optimum(slots):
    for n in range(1, 40):
        assert binomial_cost(n, slots) == brute_force_cost(n, slots), (n, slots)


@pytest.mark.parametrize(
    "n,slots", [(1, 1), (5, 1), (12, 2), (30, 4), (100, 20), (64, 8)]
)
def test_binomial_schedule_meets_its_cost_and_slot_budget(n, slots):
    cost = schedule_cost(binomial(n, slots), n)
    assert cost.advances == binomial_cost(n, slots)
    assert cost.slots <= slots
    assert cost.layer_calls == cost.advances + n


def test_cost_of_the_named_schedules():
    n = 100
    assert schedule_cost(store_all(n), n).advances == n - 1
    assert schedule_cost(recompute_all(n), n).advances == n * (n - 1) // 2
    assert schedule_cost(recompute_all(n), n).slots == 1
    seg = schedule_cost(segment_schedule(n, 10), n)
    assert (seg.advances, seg.slots) == (2 * n - 10 - 10, 19)
    # At n = 100 the binomial schedule with 20 slots needs 178 forward steps.
    assert binomial_cost(100, 20) == 178


def test_layer_calls_counted_by_running_the_schedule():
    n, calls = 9, []
    layers = chain(n)
    for i, layer in enumerate(layers):
        layer.register_forward_hook(lambda *_, i=i: calls.append(i))
    x = torch.randn(BATCH, WIDTH, dtype=torch.float64)
    actions = binomial(n, 2)
    run_schedule(layers, x, actions, loss_fn)
    assert len(calls) == schedule_cost(actions, n).layer_calls


def test_segments_hold_ceil_n_over_k_layers():
    # 10 layers in 6 asked segments: 5 segments of 2, the last not recomputed.
    n, calls = 10, []
    layers = chain(n)
    for layer in layers:
        layer.register_forward_pre_hook(lambda *_: calls.append(1))
    x = torch.randn(BATCH, WIDTH, dtype=torch.float64)
    loss_fn(checkpoint_sequential(layers, x, 6)).backward()
    assert len(calls) == n + (n - 2)
    # the schedule cuts the same way: 100 steps in 11 pieces of 10
    assert segment_schedule(100, 11) == segment_schedule(100, 10)
    actions = segment_schedule(100, 11)
    first_reverse = actions.index(("reverse", 100))
    starts = [i for kind, i in actions[:first_reverse] if kind == "snapshot"]
    assert starts[:10] == list(range(0, 100, 10))


def test_illegal_schedules_are_refused_with_the_action_named():
    with pytest.raises(ValueError, match=r"actions\[1\].*current state is x_0"):
        schedule_cost([("snapshot", 0), ("advance", 2)], 3)
    with pytest.raises(ValueError, match="not stored"):
        schedule_cost([("restore", 1)], 3)
    with pytest.raises(ValueError, match="step 1 was not"):
        schedule_cost([("advance", 1), ("reverse", 2)], 2)
    with pytest.raises(ValueError, match="unknown action"):
        schedule_cost([("jump", 1)], 2)


def test_bad_input_names_the_parameter():
    layers = chain(4)
    x = torch.randn(BATCH, WIDTH, dtype=torch.float64)
    with pytest.raises(ValueError, match="segments"):
        checkpoint_sequential(layers, x, 0)
    with pytest.raises(ValueError, match="segments must be <= len"):
        checkpoint_sequential(layers, x, 5)
    with pytest.raises(ValueError, match="layers"):
        checkpoint_sequential([], x, 1)
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        checkpoint_sequential(layers, x.numpy(), 2)
    with pytest.raises(ValueError, match="slots"):
        binomial(10, 0)
    with pytest.raises(ValueError, match="n must"):
        binomial_cost(0, 3)
    with pytest.raises(ValueError, match="k must be <= n"):
        segment_schedule(3, 4)
    with pytest.raises(ValueError, match="layers"):
        run_schedule([], x, store_all(1), loss_fn)
