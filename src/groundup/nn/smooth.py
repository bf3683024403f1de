"""Smooth stand-ins for discrete operations and metrics (chapter 7).

Every operator has a temperature tau > 0 and tends to its hard counterpart as
tau -> 0: logsumexp to max (eq. ``sm-lse``), softmax to the one-hot of the
argmax (eq. ``sm-softmax``), the expected index to the argmax, the recursive
soft-k-max to the top-k indicator (eq. ``sm-topk``). The metrics replace
hard predictions by probabilities, so accuracy and F1 become differentiable
(eqs. ``sm-accuracy``, ``sm-f1``). For the other route, optimising the hard
metric itself, :func:`reinforce_loss` is the score-function estimator.
"""

from __future__ import annotations

from collections.abc import Callable

import torch


def _check_temperature(temperature: float) -> None:
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}.")


def logsumexp(x: torch.Tensor, dim: int = -1, temperature: float = 1.0) -> torch.Tensor:
    """tau * log sum exp(x / tau), computed after subtracting the max (eq. sm-lse)."""
    _check_temperature(temperature)
    top = x.max(dim=dim, keepdim=True).values.detach()
    shifted = torch.exp((x - top) / temperature).sum(dim=dim, keepdim=True)
    return (top + temperature * torch.log(shifted)).squeeze(dim)


smooth_max = logsumexp


def soft_onehot_argmax(
    x: torch.Tensor, dim: int = -1, temperature: float = 1.0
) -> torch.Tensor:
    """softmax(x / tau): the smooth one-hot of the argmax (eq. sm-softmax)."""
    _check_temperature(temperature)
    return torch.exp((x - logsumexp(x, dim, temperature).unsqueeze(dim)) / temperature)


def soft_argmax(
    x: torch.Tensor, dim: int = -1, temperature: float = 1.0
) -> torch.Tensor:
    """Expected index under softmax(x / tau), indices counted from 0 (eq. sm-argmax)."""
    p = soft_onehot_argmax(x, dim, temperature)
    index = torch.arange(x.shape[dim], dtype=x.dtype, device=x.device)
    shape = [1] * x.dim()
    shape[dim] = -1
    return (p * index.view(shape)).sum(dim=dim)


def soft_topk(x: torch.Tensor, k: int, temperature: float = 1.0) -> torch.Tensor:
    """Smooth k-hot of the k largest entries of the last axis (eq. sm-topk).

    The recursion of Su (2019): shift x to be positive, then k times add the
    softmax of x with the mass already given away masked out. Su shifts x to
    start at 0; we start at 1, because an entry at 0 is indistinguishable from
    the masked ones and the smallest entry could never be picked (k = n fails).
    """
    _check_temperature(temperature)
    n = x.shape[-1]
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= n:
        raise ValueError(f"k must be an integer in 1..{n} (the last axis), got {k!r}.")
    x = x - x.min(dim=-1, keepdim=True).values + 1
    p = torch.zeros_like(x)
    for _ in range(k):
        p = p + soft_onehot_argmax((1 - p) * x, temperature=temperature)
    return p


def _check_probs(probs: torch.Tensor, targets: torch.Tensor) -> None:
    if probs.shape[0] != targets.shape[0]:
        raise ValueError(
            "probs and targets must have the same number of rows, got "
            f"{probs.shape[0]} "
            f"and {targets.shape[0]}."
        )
    if probs.dim() not in (1, 2):
        raise ValueError(
            f"probs must be (n,) or (n, n_classes), got shape {tuple(probs.shape)}."
        )
    if torch.any(probs < 0) or torch.any(probs > 1):
        raise ValueError("probs must lie in [0, 1].")


def soft_accuracy(probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean probability given to the true class (eq. sm-accuracy).

    ``probs`` is (n,) for the positive class of a binary task, or (n, K).
    On one-hot ``probs`` it equals the accuracy.
    """
    _check_probs(probs, targets)
    if probs.dim() == 1:
        t = targets.to(probs.dtype)
        return (t * probs + (1 - t) * (1 - probs)).mean()
    return probs.gather(1, targets.long()[:, None]).mean()


def soft_f1(
    probs: torch.Tensor, targets: torch.Tensor, average: str = "binary"
) -> torch.Tensor:
    """2 sum(t p) / sum(t + p) (eq. sm-f1); ``average="macro"`` averages over classes.

    On hard 0/1 ``probs`` it equals the F1 score.
    """
    _check_probs(probs, targets)
    if average not in ("binary", "macro"):
        raise ValueError(f"average must be 'binary' or 'macro', got {average!r}.")
    if probs.dim() == 1:
        probs = torch.stack([1 - probs, probs], dim=1)
    onehot = torch.nn.functional.one_hot(targets.long(), probs.shape[1]).to(probs.dtype)
    f1 = 2 * (onehot * probs).sum(0) / (onehot + probs).sum(0).clamp_min(1e-12)
    return f1[1] if average == "binary" else f1.mean()


def soft_f1_loss(probs: torch.Tensor, targets: torch.Tensor, average: str = "binary"):
    """1 - soft F1: minimise it to maximise the surrogate."""
    return 1 - soft_f1(probs, targets, average)


def soft_accuracy_loss(probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """1 - soft accuracy (for one example: 1 - p_t)."""
    return 1 - soft_accuracy(probs, targets)


def reinforce_loss(
    logits: torch.Tensor,
    reward: Callable[[torch.Tensor], torch.Tensor],
    samples: int = 16,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Score-function (REINFORCE) surrogate for a non-differentiable reward.

    ``logits`` (n,) define independent Bernoulli predictions. Each of
    ``samples`` draws a whole prediction vector a_s; ``reward(a_s)`` scores
    it (any metric, e.g. the accuracy of the batch). The baseline of sample s
    is the mean reward of the *other* samples (leave-one-out), which does not
    depend on a_s, so the returned loss has as gradient an unbiased estimate
    of minus the gradient of the expected reward (eq. ``sm-reinforce``). With
    the plain mean of all samples as baseline, sample s would sit in its own
    baseline and the estimate would shrink by (S - 1) / S.
    """
    if logits.dim() != 1:
        raise ValueError(
            f"logits must be one-dimensional, got shape {tuple(logits.shape)}."
        )
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2:
        raise ValueError(f"samples must be an integer >= 2, got {samples!r}.")
    p = torch.sigmoid(logits.detach()).expand(samples, -1)
    actions = torch.bernoulli(p, generator=generator)
    rewards = torch.stack(
        [torch.as_tensor(reward(a), dtype=logits.dtype) for a in actions]
    )
    # leave-one-out baseline: R_s - mean_{j != s} R_j = S / (S - 1) (R_s - mean R)
    advantage = (rewards - rewards.mean()) * samples / (samples - 1)
    log_p = -torch.nn.functional.binary_cross_entropy_with_logits(
        logits.expand(samples, -1), actions, reduction="none"
    ).sum(dim=1)
    return -(advantage * log_p).mean()
