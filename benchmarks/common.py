"""Timing helpers shared by the benchmarks: interleaved runs, one thread, medians."""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from threadpoolctl import threadpool_limits


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

    @property
    def ratio(self) -> float:
        return self.ours_s / self.peer_s


def interleaved(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Time each callable ``repeats`` times, alternating between them.

    Alternating spreads any slow-down of the machine over both sides. Both
    run on one thread (BLAS/OpenMP pools limited to 1).
    """
    times: dict[str, list[float]] = {name: [] for name in runs}
    with threadpool_limits(limits=1):
        for _ in range(repeats):
            for name, fn in runs.items():
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def fit_medians(models: dict, X, y, repeats: int) -> dict[str, float]:
    """Median fit time of each model, fitted in turns on the same data."""
    runs = {name: (lambda m=m: m.fit(X, y)) for name, m in models.items()}
    return {name: median(t) for name, t in interleaved(runs, repeats).items()}


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"
