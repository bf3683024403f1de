"""A vanilla RNN and backpropagation through time (chapter 10).

Notation of the chapter (and of Liu Jianping's article): for t = 1..tau,

    h(t) = tanh(U x(t) + W h(t-1) + b)        (eq. rnn-hidden)
    o(t) = V h(t) + c,  yhat(t) = softmax(o(t))   (eq. rnn-output)
    L = sum_t -log yhat(t)[y(t)]              (eq. rnn-loss)

``RNN.backward`` implements BPTT (eqs. ``rnn-delta`` and ``rnn-grads``),
optionally truncated; :class:`TorchRNN` is the same model on top of
``torch.nn.RNN`` for training at speed.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .._validation import check_counts, check_int


def _softmax(o: np.ndarray) -> np.ndarray:
    z = np.exp(o - o.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


class RNN:
    """Parameters U (H x D), W (H x H), V (K x H), b (H,), c (K,) as float64 arrays."""

    def __init__(
        self, n_in: int, n_hidden: int, n_out: int, seed: int = 0, scale: float = 0.3
    ):
        check_counts(n_in=n_in, n_hidden=n_hidden, n_out=n_out)
        rng = np.random.default_rng(seed)
        self.params = {
            "U": rng.normal(0, scale, (n_hidden, n_in)),
            "W": rng.normal(0, scale, (n_hidden, n_hidden)),
            "V": rng.normal(0, scale, (n_out, n_hidden)),
            "b": np.zeros(n_hidden),
            "c": np.zeros(n_out),
        }

    def _check(self, X: np.ndarray, y: np.ndarray) -> None:
        H, D = self.params["U"].shape
        K = self.params["V"].shape[0]
        if X.ndim != 2 or X.shape[1] != D:
            raise ValueError(f"X must have shape (tau, {D}), got {X.shape}.")
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}.")
        if y.min() < 0 or y.max() >= K:
            raise ValueError(
                f"y must hold class ids in 0..{K - 1}, got {y.min()}..{y.max()}."
            )

    def forward(self, X: np.ndarray, y: np.ndarray, h0: np.ndarray | None = None):
        """Loss and the cache of every h(t) and yhat(t); X is (tau, D), y is (tau,)."""
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        self._check(X, y)
        p = self.params
        h = np.zeros(p["W"].shape[0]) if h0 is None else h0
        hs, yhats = [h], []
        for x in X:
            h = np.tanh(p["U"] @ x + p["W"] @ h + p["b"])  # eq. (rnn-hidden)
            hs.append(h)
            yhats.append(_softmax(p["V"] @ h + p["c"]))  # eq. (rnn-output)
        yhats = np.array(yhats)
        loss = -np.log(yhats[np.arange(len(y)), y]).sum()  # eq. (rnn-loss)
        return loss, {"X": X, "y": y, "h": np.array(hs), "yhat": yhats}

    def backward(self, cache: dict, truncate: int | None = None) -> dict:
        """BPTT: the gradient of the loss for every parameter.

        ``truncate=None`` is full BPTT: one backward sweep of eq. ``rnn-delta``.
        ``truncate=k`` sends each loss term's gradient back through at most k
        steps (truncated BPTT): the term L(s) reaches the parameters through
        steps s, s-1, ..., s-k+1 only, as if h(s-k) were a constant. This runs
        one short sweep per loss term (O(tau k) work) even when k >= tau, where
        it must agree with the full sweep up to rounding.
        """
        check_int("truncate", truncate, low=1, allow_none=True)
        p, X, y, h, yhat = (
            self.params,
            cache["X"],
            cache["y"],
            cache["h"],
            cache["yhat"],
        )
        tau = len(y)
        err = yhat.copy()
        err[np.arange(tau), y] -= 1  # yhat(t) - y(t), the gradient of L(t) at o(t)
        grads = {"V": err.T @ h[1:], "c": err.sum(axis=0)}
        grads.update({k: np.zeros_like(p[k]) for k in ("U", "W", "b")})
        if truncate is None:
            # diag(1 - h(t+1)^2) delta(t+1); 0 after tau
            carry = np.zeros(p["W"].shape[0])
            for t in range(tau - 1, -1, -1):
                # delta(t) = V^T (yhat(t) - y(t)) + W^T diag(1 - h(t+1)^2) delta(t+1)
                delta = p["V"].T @ err[t] + p["W"].T @ carry
                carry = (1 - h[t + 1] ** 2) * delta  # diag(1 - h(t)^2) delta(t)
                self._accumulate(grads, carry, X[t], h[t])
            return grads
        for s in range(tau):  # each loss term, sent back at most ``truncate`` steps
            carry = (1 - h[s + 1] ** 2) * (p["V"].T @ err[s])
            for t in range(s, max(s - truncate, -1), -1):
                self._accumulate(grads, carry, X[t], h[t])
                carry = (1 - h[t] ** 2) * (p["W"].T @ carry)
        return grads

    @staticmethod
    def _accumulate(grads, carry, x, h_prev):
        """eq. (rnn-grads): dW += carry h(t-1)^T, dU += carry x(t)^T, db += carry."""
        grads["W"] += np.outer(carry, h_prev)
        grads["U"] += np.outer(carry, x)
        grads["b"] += carry


def one_hot(ids: np.ndarray, n: int) -> np.ndarray:
    """Rows of the identity: token ids as input vectors."""
    ids = np.asarray(ids)
    if ids.min() < 0 or ids.max() >= n:
        raise ValueError(
            f"token ids must lie in 0..{n - 1}, got {ids.min()}..{ids.max()}."
        )
    return np.eye(n)[ids]


class TorchRNN(nn.Module):
    """The same model for training: an ``nn.RNN`` (tanh) and a linear output layer.

    ``nn.RNN`` has two biases; their sum is the chapter's b.
    """

    def __init__(self, n_in: int, n_hidden: int, n_out: int):
        super().__init__()
        self.rnn = nn.RNN(n_in, n_hidden, nonlinearity="tanh", batch_first=True)
        self.out = nn.Linear(n_hidden, n_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits o(t) for a batch: x is (batch, tau, n_in)."""
        hidden, _ = self.rnn(x)
        return self.out(hidden)

    @classmethod
    def from_numpy(cls, model: RNN) -> TorchRNN:
        """A TorchRNN with the numpy model's weights (b in bias_ih, bias_hh = 0)."""
        p = model.params
        torch_model = cls(p["U"].shape[1], p["W"].shape[0], p["V"].shape[0]).double()
        with torch.no_grad():
            torch_model.rnn.weight_ih_l0.copy_(torch.from_numpy(p["U"]))
            torch_model.rnn.weight_hh_l0.copy_(torch.from_numpy(p["W"]))
            torch_model.rnn.bias_ih_l0.copy_(torch.from_numpy(p["b"]))
            torch_model.rnn.bias_hh_l0.zero_()
            torch_model.out.weight.copy_(torch.from_numpy(p["V"]))
            torch_model.out.bias.copy_(torch.from_numpy(p["c"]))
        return torch_model
