"""Synthetic video streams with known structure (chapter 12).

:func:`streaming_actions` makes streaming "videos" for online action
detection: per chunk, a feature vector (standing in for the two-stream CNN
features of real videos) and a label, 0 for background.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_counts, check_positive


@dataclass(frozen=True)
class Stream:
    """A video: ``features`` (length, n_features) float32 and ``labels`` (length,)."""

    features: np.ndarray
    labels: np.ndarray


def streaming_actions(
    n_videos: int = 40,
    length: int = 300,
    n_actions: int = 6,
    n_features: int = 32,
    duration: tuple[int, int] = (12, 40),
    gap: tuple[int, int] = (10, 40),
    signal: float = 0.5,
    noise: float = 1.0,
    false_starts: float = 0.3,
    grammar: float = 0.8,
    seed: int = 0,
    pattern_seed: int = 0,
) -> list[Stream]:
    """Videos of background and action instances; labels 0 (background), 1..n_actions.

    Each instance lasts ``duration`` chunks (uniform) and is followed by
    ``gap`` chunks of background. Its features drift from an *onset* pattern,
    shared by pairs of actions (1 and 2, 3 and 4, ...), to the action's own
    pattern over the first half of the instance, plus Gaussian noise: the
    beginning of an action says which pair it belongs to, not which action.
    With probability ``false_starts`` a gap also shows an onset pattern that
    fades without any action following. With probability ``grammar`` an
    action is followed by its fixed successor (a random cycle through all
    actions), so the previous action, seen in the history, tells which of a
    pair is starting; otherwise the next action is drawn uniformly.

    ``pattern_seed`` draws the patterns (the "world"), ``seed`` the videos:
    a training and a test set share the first and differ in the second.
    Same seeds, same videos.
    """
    check_counts(
        n_videos=n_videos, length=length, n_actions=n_actions, n_features=n_features
    )
    for name, (low, high) in (("duration", duration), ("gap", gap)):
        if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high):
            raise ValueError(
                f"{name} must be a pair of integers 1 <= low <= high, got "
                f"{(low, high)}."
            )
    check_positive("signal", signal)
    check_positive("noise", noise)
    for name, value in (("false_starts", false_starts), ("grammar", grammar)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be in [0, 1], got {value!r}.")
    world = np.random.default_rng(pattern_seed)
    onset = world.normal(size=((n_actions + 1) // 2, n_features)) * signal
    body = world.normal(size=(n_actions, n_features)) * signal
    cycle = world.permutation(n_actions)
    successor = np.empty(n_actions, dtype=int)
    successor[cycle] = np.roll(cycle, -1)
    rng = np.random.default_rng(seed)
    return [
        _video(
            rng,
            length,
            onset,
            body,
            successor,
            duration,
            gap,
            noise,
            false_starts,
            grammar,
        )
        for _ in range(n_videos)
    ]


def _video(
    rng, length, onset, body, successor, duration, gap, noise, false_starts, grammar
):
    n_features = body.shape[1]
    mean = np.zeros((length, n_features))
    labels = np.zeros(length, dtype=np.int64)
    t = int(rng.integers(*gap, endpoint=True))
    action = int(rng.integers(len(body)))
    while t < length:
        d = int(rng.integers(*duration, endpoint=True))
        stop = min(t + d, length)
        progress = np.clip((np.arange(t, stop) - t) / (d / 2), 0, 1)[:, None]
        mean[t:stop] = (1 - progress) * onset[action // 2] + progress * body[action]
        labels[t:stop] = action + 1
        pause = int(rng.integers(*gap, endpoint=True))
        if rng.random() < false_starts:  # an onset in the gap that leads nowhere
            fade = min(int(rng.integers(*duration, endpoint=True)) // 2, pause // 2)
            start = min(stop + (pause - fade) // 2, length)
            end = min(start + fade, length)
            which = onset[int(rng.integers(len(onset)))]
            mean[start:end] = np.linspace(1, 0, fade)[: end - start, None] * which
        t = stop + pause
        follows = rng.random() < grammar
        action = int(successor[action]) if follows else int(rng.integers(len(body)))
    features = mean + rng.normal(scale=noise, size=mean.shape)
    return Stream(features.astype(np.float32), labels)
