"""Timing helpers shared by the benchmarks: interleaved runs, one thread, medians."""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass, field

from threadpoolctl import threadpool_limits

from groundup import utils

median = utils.median


@dataclass
class Row:
    """One line of the benchmark table: ours against the peer on the same task."""

    topic: str
    task: str
    peer: str
    ours_s: float
    peer_s: float
    metric: str
    ours_quality: float
    peer_quality: float
    target: str
    met: bool
    # every repeat's seconds (ours_s and peer_s are their medians)
    ours_times: list[float] = field(default_factory=list)
    peer_times: list[float] = field(default_factory=list)
    # every seed's quality, where a row ran several (ours_quality and
    # peer_quality are their means)
    ours_qualities: list[float] = field(default_factory=list)
    peer_qualities: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.ours_s / self.peer_s


def timed(times: dict[str, list[float]]) -> dict:
    """A Row's time fields from each side's repeats: the medians and the runs."""
    return {
        "ours_s": median(times["ours"]),
        "peer_s": median(times["peer"]),
        "ours_times": [float(t) for t in times["ours"]],
        "peer_times": [float(t) for t in times["peer"]],
    }


def interleaved(
    runs: dict[str, Callable[[], object]], repeats: int
) -> dict[str, list[float]]:
    """Time each callable ``repeats`` times, alternating between them.

    The book's one timing loop (:func:`groundup.utils.interleaved`), with
    both sides on one thread (BLAS/OpenMP pools limited to 1).
    """
    with threadpool_limits(limits=1):
        return utils.interleaved(runs, repeats=repeats, warmup=0)


def fit_times(models: dict, X, y, repeats: int) -> dict[str, list[float]]:
    """Every fit time of each model, fitted in turns on the same data."""
    runs = {name: (lambda m=m: m.fit(X, y)) for name, m in models.items()}
    return interleaved(runs, repeats)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, Python {platform.python_version()}"
