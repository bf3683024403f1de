"""Gradient checkpointing: sqrt(n) segments against store-all and against torch (chapter
8).

Task (issue "Chapter 8"): a chain of n = 64 blocks Linear(256, 256) + ReLU on
a batch of 256 rows, forward plus backward, one thread. ``checkpoint_sequential``
with 8 segments against plain autograd (store-all) and against
``torch.utils.checkpoint.checkpoint_sequential``. Memory is the peak of the
bytes saved for backward (``SavedTensorMeter``, weights excluded).
Targets: at least 3x less peak saved memory than store-all at no more than 1.4x
its time, and within 10% of torch's checkpoint on both.

torch's recommended non-reentrant variant recomputes under saved-tensor hooks
of its own, which hide the recomputed tensors from any outer meter; its memory
is therefore read from the reentrant variant (same split, same tensors kept,
input requiring grad), and its time from the non-reentrant one.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils import checkpoint as torch_checkpoint

from groundup.nn.checkpoint import (
    SavedTensorMeter,
    checkpoint_sequential,
    plain_backward,
)

from .common import Row, interleaved, median

REPEATS = 7
WIDTH, BATCH = 256, 256
MiB = 2**20


def chain(n: int) -> nn.ModuleList:
    torch.manual_seed(0)
    return nn.ModuleList(
        [nn.Sequential(nn.Linear(WIDTH, WIDTH), nn.ReLU()) for _ in range(n)]
    )


def loss_fn(y: torch.Tensor) -> torch.Tensor:
    return (y**2).mean()


def runs(layers: nn.ModuleList, x: torch.Tensor, k: int) -> dict:
    def ours():
        loss_fn(checkpoint_sequential(layers, x, k)).backward()

    def torch_plain():
        y = torch_checkpoint.checkpoint_sequential(layers, k, x, use_reentrant=False)
        loss_fn(y).backward()

    def torch_reentrant():
        y = torch_checkpoint.checkpoint_sequential(layers, k, x, use_reentrant=True)
        loss_fn(y).backward()

    return {
        "store_all": lambda: plain_backward(layers, x, loss_fn),
        "ours": ours,
        "torch": torch_plain,
        "torch_reentrant": torch_reentrant,
    }


def measure(n: int, k: int, repeats: int) -> tuple[dict, dict]:
    layers = chain(n)
    x = torch.randn(BATCH, WIDTH, requires_grad=True)
    fns = runs(layers, x, k)
    peak = {}
    for name, fn in fns.items():
        with SavedTensorMeter(exclude=layers.parameters()) as meter:
            fn()
        peak[name] = meter.peak_bytes / MiB
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        timed = {name: fns[name] for name in ("store_all", "ours", "torch")}
        for fn in timed.values():  # warm up
            fn()
        raw = interleaved(timed, repeats)
        times = {name: median(t) for name, t in raw.items()}
    finally:
        torch.set_num_threads(threads)
    return times, peak, raw


def run(repeats: int = REPEATS) -> list[Row]:
    rows = []
    for n, k in ((64, 8), (256, 16)):
        times, peak, raw = measure(n, k, repeats)
        saving = peak["store_all"] / peak["ours"]
        overhead = times["ours"] / times["store_all"]
        rows.append(
            Row(
                "Checkpointing",
                f"{k} segments vs store-all: {n} x Linear({WIDTH})+ReLU, batch {BATCH}",
                "store-all (plain autograd)",
                times["ours"],
                times["store_all"],
                "peak saved MiB",
                peak["ours"],
                peak["store_all"],
                ">= 3x less memory at <= 1.4x time" if n == 64 else "(reference)",
                saving >= 3 and overhead <= 1.4,
                ours_times=raw["ours"],
                peer_times=raw["store_all"],
            )
        )
        memory_gap = abs(peak["ours"] / peak["torch_reentrant"] - 1)
        time_gap = abs(times["ours"] / times["torch"] - 1)
        rows.append(
            Row(
                "Checkpointing",
                f"{k} segments, n {n}: ours vs torch checkpoint_sequential "
                "(time: non-reentrant; memory: reentrant)",
                "torch.utils.checkpoint",
                times["ours"],
                times["torch"],
                "peak saved MiB",
                peak["ours"],
                peak["torch_reentrant"],
                "within 10% of torch (time and memory)",
                memory_gap <= 0.1 and time_gap <= 0.1,
                ours_times=raw["ours"],
                peer_times=raw["torch"],
            )
        )
    return rows
