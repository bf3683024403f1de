"""Small helpers every chapter uses: seeding, threads, timing, the device,
progress bars, the plot style.

Each helper is explained once, in "How to use this book"; chapters and
benchmarks import it from here instead of writing their own.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable

import numpy as np

#: The book's matplotlib style: readable on screen, light grid, no top/right spines.
STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.frameon": False,
    "font.size": 10,
}


def _env_int(name: str, default: int, minimum: int) -> int:
    """An integer environment variable, with an error that names it."""
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {raw!r}.")
    return value


def book_seed() -> int:
    """The book's base seed: ``GROUNDUP_SEED`` from the environment, 0 when unset."""
    return _env_int("GROUNDUP_SEED", 0, 0)


def seeds(n: int) -> list[int]:
    """``n`` distinct seeds derived from the base seed, for studies over seeds.

    Base seed ``s`` gives ``100 s, 100 s + 1, ..., 100 s + n - 1``, so the
    seeds of two base seeds never overlap (``n`` is at most 100).
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 100:
        raise ValueError(f"n must be an int in [1, 100], got {n!r}.")
    base = 100 * book_seed()
    return [base + i for i in range(n)]


def seed_everything(seed: int | None = None) -> np.random.Generator:
    """Seed Python, numpy and (if installed) torch; return a numpy Generator.

    ``seed=None`` (what chapters pass) takes the base seed from the
    environment variable ``GROUNDUP_SEED`` (0 when unset), so
    ``GROUNDUP_SEED=1 make chapters`` reruns the whole book with other
    random draws. It also applies the book's thread policy
    (:func:`set_threads`). Python's string hashing cannot be re-seeded from
    inside a running process, and nothing in the book depends on it.
    """
    if seed is None:
        seed = book_seed()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}.")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - readers may still use the legacy global RNG
    try:
        import torch
    except ImportError:  # the tree chapters do not need torch
        pass
    else:
        torch.manual_seed(seed)
        set_threads()
    return np.random.default_rng(seed)


def set_threads(n: int | None = None) -> int:
    """The book's thread policy: torch computes on ``n`` threads (default 1).

    The models of this book make many small tensor operations. With more
    than one thread, OpenMP's workers spin at every operation until the
    slowest one arrives, and when another program holds a core a chapter
    slows down tenfold or more; one thread keeps the idle-machine time and
    survives a busy laptop (measured on the Benchmarks page). ``n=None``
    reads ``GROUNDUP_THREADS`` (1 when unset); ``0`` leaves torch's own
    choice. Returns the number of threads torch now uses.
    """
    import torch

    if n is None:
        n = _env_int("GROUNDUP_THREADS", 1, 0)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative int, got {n!r}.")
    if n > 0 and torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return torch.get_num_threads()


def _synchronize(device) -> None:
    """Wait for queued GPU work, so a clock reading covers it."""
    if device is not None and getattr(device, "type", device) == "cuda":
        import torch

        torch.cuda.synchronize(device)


class Timer:
    """Wall-clock seconds of a block: ``with Timer() as t: ...; t.seconds``.

    Pass the torch ``device`` the block computes on: on a GPU the timer
    synchronises before it starts and before it stops, since CUDA calls
    return before their work is done.
    """

    def __init__(self, device=None):
        self.device = device
        self.seconds = float("nan")

    def __enter__(self) -> Timer:
        _synchronize(self.device)
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        _synchronize(self.device)
        self.seconds = time.perf_counter() - self._start


def interleaved(
    runs: dict[str, Callable[[], object]],
    repeats: int = 5,
    warmup: int = 1,
    device=None,
) -> dict[str, list[float]]:
    """Time each callable ``repeats`` times, taking turns between them.

    Taking turns spreads a slow-down of the machine (another program, a
    thermal limit) over every contender instead of one. ``warmup`` rounds
    run first and are not timed (first calls pay for caches and lazy
    initialisation). Returns the list of times per name; summarise them
    with :func:`median`.
    """
    if not runs:
        raise ValueError("runs must name at least one callable.")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be a positive int, got {repeats!r}.")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be a non-negative int, got {warmup!r}.")
    for _ in range(warmup):
        for fn in runs.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            with Timer(device) as t:
                fn()
            times[name].append(t.seconds)
    return times


def median(values) -> float:
    """The median: the book's one summary of repeated timings."""
    return float(statistics.median(values))


def timeit(
    fn: Callable[[], object], repeats: int = 5, warmup: int = 1, device=None
) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeats`` calls."""
    return median(interleaved({"fn": fn}, repeats, warmup, device)["fn"])


def device(prefer: str | None = None):
    """The torch device to compute on: CUDA when present, else the CPU.

    ``prefer`` ("cpu" or "cuda") forces a choice; asking for CUDA where there
    is none raises.
    """
    import torch

    if prefer not in (None, "cpu", "cuda"):
        raise ValueError(f"prefer must be None, 'cpu' or 'cuda', got {prefer!r}.")
    if prefer == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("prefer='cuda' but no CUDA device is available.")
    if prefer is None:
        prefer = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(prefer)


def progress(iterable, **kwargs):
    """A ``tqdm.auto`` progress bar that disappears when done.

    Set the environment variable ``GROUNDUP_PROGRESS=0`` to switch bars off:
    the book build and the notebook tests do, so no bar clutters a page.
    """
    from tqdm.auto import tqdm

    disable = os.environ.get("GROUNDUP_PROGRESS", "1") == "0"
    return tqdm(iterable, leave=False, disable=disable, **kwargs)


def use_book_style() -> None:
    """Apply the book's matplotlib style to every later figure."""
    import matplotlib as mpl

    mpl.rcParams.update(STYLE)


#: The mime prefix myst-nb's glue gives a value that is stored but not shown.
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value, display: bool = False) -> None:
    """Store ``value`` under ``name`` so the prose can show it (myst-nb's glue).

    The page writes ``{glue:text}`name:.3f``` where the number belongs, and
    the build fills in what this cell computed, so text and output cannot
    drift apart. It writes the same output as ``myst_nb.glue`` without
    importing myst-nb (which costs seconds per chapter). Glue plain Python
    numbers and strings: the role reads the value back with
    ``ast.literal_eval``.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}.")
    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def benchmark_record(name: str) -> dict:
    """What ``python -m benchmarks NAME`` last measured: the date, the machine
    and the rows it wrote to ``benchmarks/results/NAME.json``.

    A chapter shows a measurement too long to repeat every time it runs (say,
    minutes of training over five seeds) by reading this record, and says
    so; the benchmark is the cell that measured it. The records live in the
    book's repository, beside the package's source.
    """
    import json
    import re
    from pathlib import Path

    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"name must be a benchmark module's name, got {name!r}.")
    path = (
        Path(__file__).resolve().parents[2] / "benchmarks" / "results" / f"{name}.json"
    )
    if not path.is_file():
        raise FileNotFoundError(
            f"no record {path}: benchmark records come with the book's repository "
            f"(an editable install); `python -m benchmarks {name}` writes it."
        )
    return json.loads(path.read_text())
