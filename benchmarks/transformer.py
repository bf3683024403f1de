"""Transformer encoder: groundup against torch.nn.TransformerEncoder (chapter 11).

Task (issue "Chapter 11"): forward plus backward of a 4-layer encoder, d_model
256, 4 heads, feed-forward 1024, dropout 0, post-norm, on a batch of 16
sequences of length 256, one thread each, interleaved.
Target: ours no more than 1.3x torch's time. The quality columns give the
parameter count of each side, to show that both do the same work.
"""

from __future__ import annotations

import torch
from torch import nn

from groundup.nn.transformer import Encoder

from .common import Row, interleaved, median

REPEATS = 5
D, HEADS, FF, LAYERS, BATCH, LENGTH = 256, 4, 1024, 4, 16, 256


def step(model: nn.Module, x: torch.Tensor) -> None:
    model.zero_grad()
    model(x).sum().backward()


def run(repeats: int = REPEATS) -> list[Row]:
    torch.manual_seed(0)
    ours = Encoder(LAYERS, D, HEADS, FF)
    layer = nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, batch_first=True)
    peer = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
    x = torch.randn(BATCH, LENGTH, D)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # torch's own pool; threadpoolctl covers BLAS
    try:
        runs = {"ours": lambda: step(ours, x), "peer": lambda: step(peer, x)}
        for warm_up in runs.values():  # allocator and kernels
            warm_up()
        raw = interleaved(runs, repeats)
        times = {k: median(v) for k, v in raw.items()}
    finally:
        torch.set_num_threads(threads)
    size = {
        k: sum(p.numel() for p in m.parameters())
        for k, m in [("ours", ours), ("peer", peer)]
    }
    ratio = times["ours"] / times["peer"]
    return [
        Row(
            "Transformer",
            f"encoder fwd+bwd: {LAYERS} layers, d {D}, {HEADS} heads, batch {BATCH} "
            f"x len {LENGTH}",
            "torch.nn",
            times["ours"],
            times["peer"],
            "parameters",
            float(size["ours"]),
            float(size["peer"]),
            "<= 1.3x torch",
            ratio <= 1.3,
            ours_times=raw["ours"],
            peer_times=raw["peer"],
        )
    ]
