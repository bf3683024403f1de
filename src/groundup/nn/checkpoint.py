"""Gradient checkpointing: trading recomputation for memory (chapter 8).

Three tools, in the order the chapter builds them:

- :class:`SavedTensorMeter` measures what a backward pass costs in memory: the
  bytes autograd saves for backward (through
  ``torch.autograd.graph.saved_tensors_hooks``), their peak, and on CUDA the
  allocator's peak.
- :func:`checkpoint_sequential` is the practical tool: split a chain of layers
  into segments, keep only each segment's input, and recompute the segment
  inside the backward pass (section "ckpt-segments").
- Schedules (:func:`store_all`, :func:`recompute_all`, :func:`segment_schedule`,
  :func:`binomial`) spell out, action by action, when a chain of ``n`` layers
  stores, recomputes and reverses each step, in the model of Griewank and
  Walther's *revolve*; :func:`schedule_cost` counts what a schedule costs and
  :func:`run_schedule` executes it on real torch layers (section
  "ckpt-binomial").
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import torch
from torch import nn

from .._validation import check_int

# ----------------------------------------------------------------------------
# Measuring: bytes saved for backward
# ----------------------------------------------------------------------------


class SavedTensorMeter:
    """Count the bytes autograd keeps for backward while the block runs.

    A tensor saved twice (a ReLU output is saved by the ReLU and by the next
    Linear) is one block of memory, so bytes are counted per storage. Storages
    of ``exclude`` (typically ``model.parameters()``) are left out: weights are
    in memory whether or not we checkpoint. ``current_bytes`` falls again when
    autograd frees a saved tensor, which is how the peak is found.

    ``run_schedule`` also reports the snapshots it keeps through :meth:`hold`
    and :meth:`release`, since those live outside autograd.

    Attributes after (and during) the block: ``total_bytes`` (every distinct
    storage ever saved), ``current_bytes``, ``peak_bytes``, ``count`` (saved
    tensors, with repeats) and, on CUDA, ``cuda_peak_bytes``.
    """

    _active: list[SavedTensorMeter] = []

    def __init__(self, exclude=(), cuda: bool | None = None):
        self._excluded = {_storage_key(t) for t in exclude}
        self._cuda = torch.cuda.is_available() if cuda is None else cuda
        self._live: dict[tuple, int] = {}  # storage -> how many packed handles hold it
        self._seen: set[tuple] = set()
        self.total_bytes = self.current_bytes = self.peak_bytes = self.count = 0
        self.cuda_peak_bytes: int | None = None

    @classmethod
    def current(cls) -> SavedTensorMeter | None:
        """The innermost active meter, or None."""
        return cls._active[-1] if cls._active else None

    def __enter__(self) -> SavedTensorMeter:
        if self._cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self._cuda_start = torch.cuda.max_memory_allocated()
        self._hooks = torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack)
        self._hooks.__enter__()
        SavedTensorMeter._active.append(self)
        return self

    def __exit__(self, *exc) -> None:
        SavedTensorMeter._active.remove(self)
        self._hooks.__exit__(*exc)
        if self._cuda:
            torch.cuda.synchronize()
            self.cuda_peak_bytes = torch.cuda.max_memory_allocated()

    def hold(self, tensor: torch.Tensor) -> None:
        """Count a tensor kept alive outside autograd (a checkpointed state)."""
        self._add(tensor)

    def release(self, tensor: torch.Tensor) -> None:
        """Stop counting a tensor passed to :meth:`hold`."""
        self._drop(_storage_key(tensor), tensor.untyped_storage().nbytes())

    # The packed object is a small holder; when autograd frees it (after the
    # backward that used it), its finaliser lowers the current count.
    def _pack(self, tensor: torch.Tensor):
        self.count += 1
        holder = _Packed(tensor)
        if self._add(tensor):
            key, size = _storage_key(tensor), tensor.untyped_storage().nbytes()
            weakref.finalize(holder, self._drop, key, size)
        return holder

    @staticmethod
    def _unpack(holder: _Packed) -> torch.Tensor:
        return holder.tensor

    def _add(self, tensor: torch.Tensor) -> bool:
        key = _storage_key(tensor)
        if key in self._excluded:
            return False
        if key not in self._seen:
            self._seen.add(key)
            self.total_bytes += tensor.untyped_storage().nbytes()
        if self._live.get(key, 0) == 0:
            self.current_bytes += tensor.untyped_storage().nbytes()
            self.peak_bytes = max(self.peak_bytes, self.current_bytes)
        self._live[key] = self._live.get(key, 0) + 1
        return True

    def _drop(self, key: tuple, size: int) -> None:
        self._live[key] -= 1
        if self._live[key] == 0:
            del self._live[key]
            self.current_bytes -= size


class _Packed:
    __slots__ = ("tensor", "__weakref__")

    def __init__(self, tensor: torch.Tensor):
        self.tensor = tensor


def _storage_key(tensor: torch.Tensor) -> tuple:
    return (
        tensor.device.type,
        tensor.device.index,
        tensor.untyped_storage().data_ptr(),
    )


# ----------------------------------------------------------------------------
# The practical tool: segments recomputed in the backward pass
# ----------------------------------------------------------------------------


def _rng_state(x: torch.Tensor) -> tuple:
    cuda = torch.cuda.get_rng_state(x.device) if x.is_cuda else None
    return torch.get_rng_state(), cuda


@contextmanager
def _replaying(x: torch.Tensor, state: tuple):
    """Run with ``state`` as the random state, then put the previous one back.

    Dropout in a recomputed segment must draw the same mask as the first time.
    """
    with torch.random.fork_rng(devices=[x.device] if x.is_cuda else []):
        torch.set_rng_state(state[0])
        if state[1] is not None:
            torch.cuda.set_rng_state(state[1], x.device)
        yield


def _run(layers: Sequence[nn.Module], x: torch.Tensor) -> torch.Tensor:
    for layer in layers:
        x = layer(x)
    return x


class CheckpointedSegment(torch.autograd.Function):
    """Run ``layers`` without keeping anything but their input; redo it on backward.

    The segment's parameters are passed as inputs, so their gradients are
    returned like any other, even when ``x`` does not require grad.
    """

    @staticmethod
    def forward(ctx, layers, x, *params):
        """Run the layers with no graph; save ``x``, the parameters, the RNG state."""
        ctx.layers, ctx.rng = layers, _rng_state(x)
        ctx.x_requires_grad = x.requires_grad
        ctx.save_for_backward(x, *params)
        with torch.no_grad():
            return _run(layers, x)

    @staticmethod
    def backward(ctx, grad_out):
        """Run the layers again with the graph on, and backpropagate ``grad_out``."""
        x, *params = ctx.saved_tensors
        x = x.detach().requires_grad_(ctx.x_requires_grad)
        with torch.enable_grad(), _replaying(x, ctx.rng):
            out = _run(ctx.layers, x)
        wrt = ([x] if ctx.x_requires_grad else []) + [
            p for p in params if p.requires_grad
        ]
        grads = iter(torch.autograd.grad(out, wrt, grad_out, allow_unused=True))
        grad_x = next(grads) if ctx.x_requires_grad else None
        grad_params = [next(grads) if p.requires_grad else None for p in params]
        return (None, grad_x, *grad_params)


def checkpoint_sequential(
    layers: Sequence[nn.Module], x: torch.Tensor, segments: int
) -> torch.Tensor:
    """Run the chain ``layers`` on ``x`` keeping only the inputs of ``segments``
    segments.

    The segments hold ``ceil(len(layers) / segments)`` layers each, the last
    one possibly fewer, so when ``segments`` does not divide ``len(layers)``
    there may be fewer segments than asked (10 layers in 6 make 5 of 2). All
    segments but the last run without recording a graph and are
    recomputed, one at a time, when the backward pass reaches them; the last
    segment runs normally, since its backward comes first and recomputing it
    would save nothing (``torch.utils.checkpoint.checkpoint_sequential`` does
    the same). Peak memory for ``n`` equal layers: about ``segments + n /
    segments`` activations instead of ``n``.
    """
    layers = list(layers)
    check_int("segments", segments, low=1)
    if not layers:
        raise ValueError("layers must hold at least one module.")
    if segments > len(layers):
        raise ValueError(
            f"segments must be <= len(layers)={len(layers)}, got {segments}."
        )
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}.")
    size = math.ceil(len(layers) / segments)
    bounds = [(i, min(i + size, len(layers))) for i in range(0, len(layers), size)]
    if not torch.is_grad_enabled():
        return _run(layers, x)
    for start, stop in bounds[:-1]:
        params = [p for layer in layers[start:stop] for p in layer.parameters()]
        x = CheckpointedSegment.apply(layers[start:stop], x, *params)
    start, stop = bounds[-1]
    return _run(layers[start:stop], x)


# ----------------------------------------------------------------------------
# Schedules for an n-layer chain, in the model of revolve
# ----------------------------------------------------------------------------
# State x_0 is the input, x_i = layer_i(x_{i-1}). One "current" state is being
# worked on; up to `slots` states are stored. Actions:
#   ("advance", i)   current x_{i-1} -> x_i, one forward step (no graph kept)
#   ("snapshot", i)  store the current state x_i in a slot
#   ("restore", i)   current <- stored x_i
#   ("free", i)      empty the slot of x_i
#   ("reverse", i)   current must be x_{i-1}: run layer i with a graph and
#                    backpropagate through it (the first reverse, i = n,
#                    also evaluates the loss)
# Every schedule does exactly n reverse steps, so schedules are compared by
# their advances (forward steps) and the slots they need.


@dataclass(frozen=True)
class ScheduleCost:
    """A schedule's cost: forward steps beyond the reverse ones, and peak slots."""

    advances: int
    slots: int
    layer_calls: int  # advances + n reverse steps: every evaluation of a layer


def _reverse_from_current(actions: list, start: int, n: int) -> None:
    """Reverse steps start+n .. start+1, each recomputed from the stored x_start."""
    for i in range(n, 0, -1):
        if i < n:
            actions.append(("restore", start))
        actions.extend(("advance", start + k) for k in range(1, i))
        actions.append(("reverse", start + i))


def store_all(n: int) -> list[tuple[str, int]]:
    """Keep every state x_0..x_{n-1}: n - 1 forward steps, n slots."""
    check_int("n", n, low=1)
    actions = [("snapshot", 0)]
    for i in range(1, n):
        actions += [("advance", i), ("snapshot", i)]
    for i in range(n, 0, -1):
        actions += [("restore", i - 1), ("reverse", i), ("free", i - 1)]
    return actions


def recompute_all(n: int) -> list[tuple[str, int]]:
    """Keep only x_0, recompute from it for every step: n(n-1)/2 steps, 1 slot."""
    check_int("n", n, low=1)
    actions = [("snapshot", 0)]
    _reverse_from_current(actions, 0, n)
    return actions + [("free", 0)]


def segment_schedule(n: int, k: int) -> list[tuple[str, int]]:
    """``k`` segments: keep each segment's first state, then reverse the segments
    last to first, storing every state of the one being reversed (Chen et al.).

    Segments hold ``ceil(n / k)`` steps (the last may be shorter), so when ``k``
    does not divide ``n`` there may be fewer than ``k`` of them:
    ``segment_schedule(100, 11)`` is the same schedule as
    ``segment_schedule(100, 10)``."""
    check_int("n", n, low=1)
    check_int("k", k, low=1)
    if k > n:
        raise ValueError(f"k must be <= n={n}, got {k}.")
    size = math.ceil(n / k)
    starts = list(range(0, n, size))
    actions = []
    for j, start in enumerate(starts):
        if j:
            actions.extend(("advance", i) for i in range(starts[j - 1] + 1, start + 1))
        actions.append(("snapshot", start))
    for start in reversed(starts):
        stop = min(start + size, n)
        actions.append(("restore", start))
        for i in range(start + 1, stop):  # store the segment's states ...
            actions += [("advance", i), ("snapshot", i)]
        for i in range(stop, start, -1):  # ... and reverse it
            actions += [("restore", i - 1), ("reverse", i)]
            if i - 1 > start:
                actions.append(("free", i - 1))
        actions.append(("free", start))
    return actions


def binomial_cost(n: int, slots: int) -> int:
    """Fewest forward steps to reverse ``n`` steps with ``slots`` stored states.

    Griewank's closed form: with ``beta(s, r) = C(s + r, s)``, take the
    repetition number ``r`` with ``beta(slots, r - 1) < n <= beta(slots, r)``;
    then the cost is ``r n - beta(slots + 1, r - 1)`` (eq. ``ckpt-binomial``).
    """
    check_int("n", n, low=1)
    check_int("slots", slots, low=1)
    r = 0
    while math.comb(slots + r, slots) < n:
        r += 1
    return 0 if r == 0 else r * n - math.comb(slots + r, slots + 1)


def brute_force_cost(n: int, slots: int) -> int:
    """The same optimum by dynamic programming over the first snapshot (small n only).

    Reversing n steps from a stored x_0: advance m steps and store x_m, reverse
    the last n - m steps with one slot fewer, then the first m with all slots.
    """
    check_int("n", n, low=1)
    check_int("slots", slots, low=1)

    @cache
    def cost(n: int, s: int) -> int:
        if n == 1:
            return 0
        if s == 1:
            return n * (n - 1) // 2
        return min(m + cost(n - m, s - 1) + cost(m, s) for m in range(1, n))

    return cost(n, slots)


def binomial(n: int, slots: int) -> list[tuple[str, int]]:
    """The optimal (revolve) schedule for ``n`` steps and ``slots`` stored states.

    Same recursion as :func:`brute_force_cost`, with each split chosen by the
    closed-form cost, so the schedule costs exactly ``binomial_cost(n, slots)``.
    """
    check_int("n", n, low=1)
    check_int("slots", slots, low=1)
    actions = [("snapshot", 0)]
    _binomial(actions, 0, n, slots)
    return actions + [("free", 0)]


def _binomial(actions: list, start: int, n: int, s: int) -> None:
    # x_start is stored; afterwards steps start+1 .. start+n are reversed.
    if n == 1 or s == 1:
        _reverse_from_current(actions, start, n)
        return
    m = min(
        range(1, n), key=lambda m: m + binomial_cost(n - m, s - 1) + binomial_cost(m, s)
    )
    actions.extend(("advance", start + k) for k in range(1, m + 1))
    actions.append(("snapshot", start + m))
    _binomial(actions, start + m, n - m, s - 1)
    actions += [("free", start + m), ("restore", start)]
    _binomial(actions, start, m, s)


def schedule_cost(actions: Sequence[tuple[str, int]], n: int) -> ScheduleCost:
    """Check that ``actions`` reverse an ``n``-step chain and count their cost.

    Raises ValueError naming the first illegal action (advancing from the wrong
    state, restoring an empty slot, reversing out of order, ...).
    """
    check_int("n", n, low=1)
    current, stored, advances, peak = 0, set(), 0, 0
    next_reverse = n
    for position, (kind, i) in enumerate(actions):
        fail = _complaint(position, kind, i)
        if kind == "advance":
            if current != i - 1 or i > n:
                fail(f"the current state is x_{current}")
            current, advances = i, advances + 1
        elif kind == "snapshot":
            if current != i:
                fail(f"the current state is x_{current}")
            stored.add(i)
            peak = max(peak, len(stored))
        elif kind == "restore":
            if i not in stored:
                fail("that state is not stored")
            current = i
        elif kind == "free":
            if i not in stored:
                fail("that state is not stored")
            stored.discard(i)
        elif kind == "reverse":
            if i != next_reverse or current != i - 1:
                fail(
                    f"expected to reverse step {next_reverse} from x_{next_reverse - 1}"
                )
            next_reverse -= 1
        else:
            fail("unknown action")
    if next_reverse != 0:
        raise ValueError(
            f"actions must reverse all {n} steps; step {next_reverse} was not."
        )
    return ScheduleCost(advances, peak, advances + n)


def _complaint(position: int, kind: str, i: int) -> Callable[[str], None]:
    def fail(why: str) -> None:
        raise ValueError(f"actions[{position}] = ({kind!r}, {i}): {why}.")

    return fail


def run_schedule(
    layers: Sequence[nn.Module],
    x: torch.Tensor,
    actions: Sequence[tuple[str, int]],
    loss_fn: Callable[[torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    """Execute a schedule: accumulate gradients into the layers' parameters (and
    ``x.grad`` if ``x`` requires grad) and return the loss, detached.

    Each layer's random state is recorded the first time it runs and replayed
    whenever it is recomputed, so dropout masks match a plain forward pass.
    Stored states are reported to an active :class:`SavedTensorMeter`.
    """
    layers = list(layers)
    if not layers:
        raise ValueError("layers must hold at least one module.")
    schedule_cost(actions, len(layers))  # refuse an illegal schedule up front
    run = _ScheduleRun(layers, x, loss_fn)
    for kind, i in actions:
        getattr(run, kind)(i)  # advance, snapshot, restore, free or reverse
    if x.requires_grad:  # hand the gradient on to whatever produced x
        torch.autograd.backward(x, run.grad)
    return run.loss.detach()


class _ScheduleRun:
    """A schedule being executed: one method per action, on the state it needs."""

    def __init__(self, layers, x, loss_fn):
        self.layers, self.x, self.loss_fn = layers, x, loss_fn
        self.meter = SavedTensorMeter.current()
        self.rng: dict[int, tuple] = {}  # each layer's random state, from its first run
        self.stored: dict[int, torch.Tensor] = {}
        self.current, self.grad, self.loss = x.detach(), None, None

    def evaluate(self, i: int, state: torch.Tensor) -> torch.Tensor:
        """Layer ``i`` on ``state``, replaying its random state after the first run."""
        if i in self.rng:
            with _replaying(state, self.rng[i]):
                return self.layers[i - 1](state)
        self.rng[i] = _rng_state(state)
        return self.layers[i - 1](state)

    def advance(self, i: int) -> None:
        """Forward through layer ``i`` with no graph."""
        with torch.no_grad():
            self.current = self.evaluate(i, self.current)

    def snapshot(self, i: int) -> None:
        """Keep the current state as checkpoint ``i``."""
        self.stored[i] = self.current
        if self.meter:
            self.meter.hold(self.current)

    def restore(self, i: int) -> None:
        """Go back to checkpoint ``i``."""
        self.current = self.stored[i]

    def free(self, i: int) -> None:
        """Drop checkpoint ``i``."""
        if self.meter:
            self.meter.release(self.stored[i])
        del self.stored[i]

    def reverse(self, i: int) -> None:
        """Backpropagate through layer ``i``, recomputed from the current state."""
        needs_grad = i > 1 or self.x.requires_grad
        state = self.current.detach().requires_grad_(needs_grad)
        with torch.enable_grad():
            out = self.evaluate(i, state)
            if self.grad is None:  # the last layer: start from the loss
                self.loss = self.loss_fn(out)
                out, self.grad = self.loss, torch.ones_like(self.loss)
        torch.autograd.backward(out, self.grad)
        self.grad = state.grad if needs_grad else None


def plain_backward(layers, x, loss_fn) -> torch.Tensor:
    """Store everything (ordinary autograd): the reference every schedule must match."""
    loss = loss_fn(_run(list(layers), x))
    loss.backward()
    return loss.detach()
