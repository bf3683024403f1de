"""Small helpers every chapter uses: seeding, the device, progress bars, the plot style."""

from __future__ import annotations

import os
import random

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


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, numpy and (if installed) torch; return a numpy Generator.

    Chapters call this once at the top so that every number they print is
    reproducible.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}.")
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - readers may still use the legacy global RNG
    os.environ["PYTHONHASHSEED"] = str(seed)
    try:
        import torch
    except ImportError:  # the tree chapters do not need torch
        pass
    else:
        torch.manual_seed(seed)
    return np.random.default_rng(seed)


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
