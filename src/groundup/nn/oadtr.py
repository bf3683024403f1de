"""OadTR: online action detection with Transformers (chapter 12).

The model of Wang et al. (2021), built from ``groundup.nn.transformer``'s
blocks. Input: the features of the last ``history`` chunks of a stream,
``(B, T, n_features)``, the last row being the current chunk. Output: logits
for the current chunk ``(B, K)`` and for the next ``n_future`` chunks
``(B, n_future, K)`` (None without the decoder).

- encoder (section "oadtr-encoder"): project the chunks to ``d_model``,
  append a learnable task token, add learned positions, run a pre-norm
  Transformer encoder; the task token's output summarises the history;
- decoder (section "oadtr-decoder"): ``n_future`` learnable queries attend to
  each other (causally, as in the official code) and to the encoder's output
  through post-norm layers; each predicts one future chunk;
- feed-forward blocks use GELU, as the official code does;
- classifier: the task-token output concatenated with the mean of the
  decoder outputs (eq. ``oadtr-head``); loss: eq. ``oadtr-loss``.

:class:`GRUDetector` is a recurrent baseline in the spirit of TRN (Xu et al.
2019) with the same inputs and outputs.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .._validation import check_counts, check_int
from ..utils import progress
from .frame_metrics import calibrated_frame_map, frame_map
from .transformer import Decoder, Encoder, causal_mask


def _check_window(x: torch.Tensor, history: int, n_features: int) -> None:
    if x.ndim != 3:
        raise ValueError(
            f"x must have shape (batch, history, n_features), got {tuple(x.shape)}."
        )
    if x.shape[1] != history:
        raise ValueError(f"x must hold history={history} chunks, got {x.shape[1]}.")
    if x.shape[2] != n_features:
        raise ValueError(
            f"x must have n_features={n_features} features, got {x.shape[2]}."
        )


class OadTR(nn.Module):
    """Encoder with a task token, decoder with learnable future queries, joint
    classifier.

    ``task_token=False`` replaces the token by mean pooling over the encoder
    outputs; ``decoder=False`` drops the decoder (the classifier then sees the
    history summary alone). These are the ablations of the paper. The
    feed-forward width ``d_ff`` defaults to ``d_model``, as in the official
    configuration (1,024 and 1,024).
    """

    def __init__(
        self,
        n_features: int,
        n_classes: int,
        history: int = 16,
        d_model: int = 64,
        encoder_layers: int = 2,
        encoder_heads: int = 4,
        decoder_layers: int = 2,
        decoder_heads: int = 4,
        n_future: int = 4,
        d_ff: int | None = None,
        decoder_d_ff: int | None = None,
        dropout: float = 0.1,
        task_token: bool = True,
        decoder: bool = True,
        activation: str = "gelu",
    ):
        super().__init__()
        check_counts(
            n_features=n_features,
            n_classes=n_classes,
            history=history,
            d_model=d_model,
            encoder_layers=encoder_layers,
            n_future=n_future,
        )
        check_int("decoder_layers", decoder_layers, low=1 if decoder else 0)
        self.n_features, self.n_classes, self.history = n_features, n_classes, history
        self.n_future = n_future if decoder else 0
        self.use_task_token, self.use_decoder = task_token, decoder
        d_ff = d_ff or d_model  # the official configuration: feed-forward width = D
        self.embed = nn.Linear(n_features, d_model)
        self.task_token = (
            nn.Parameter(torch.zeros(1, 1, d_model)) if task_token else None
        )
        self.positions = nn.Parameter(
            torch.zeros(1, history + int(task_token), d_model)
        )
        nn.init.trunc_normal_(self.positions, std=0.02)
        self.dropout = nn.Dropout(dropout)
        # pre-norm encoder; its final LayerNorm is the official "pre_head_ln"
        self.encoder = Encoder(
            encoder_layers, d_model, encoder_heads, d_ff, dropout, True, activation
        )
        head_in = d_model
        if decoder:
            self.queries = nn.Parameter(torch.zeros(1, n_future, d_model))
            # post-norm, as the official (Informer-style) decoder
            self.decoder = Decoder(
                decoder_layers, d_model, decoder_heads, decoder_d_ff or d_ff, dropout,
                False, activation,
            )  # fmt: skip
            self.decoder_norm = nn.LayerNorm(d_model)
            self.future_head = nn.Linear(d_model, n_classes)
            head_in += d_model
        self.head = nn.Linear(head_in, n_classes)

    def features(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The classifier's input (B, head_in), decoder outputs (B, l_d, d) or None."""
        _check_window(x, self.history, self.n_features)
        h = self.embed(x)  # (B, T, d)
        if self.use_task_token:  # appended last, as in the official code
            h = torch.cat([h, self.task_token.expand(len(h), -1, -1)], dim=1)
        memory = self.encoder(self.dropout(h + self.positions))  # (B, T(+1), d)
        summary = memory[:, -1] if self.use_task_token else memory.mean(dim=1)
        if not self.use_decoder:
            return summary, None
        queries = self.queries.expand(len(x), -1, -1)
        mask = causal_mask(self.n_future, device=x.device)
        future = self.decoder_norm(self.decoder(queries, memory, tgt_mask=mask))
        return torch.cat(
            [summary, future.mean(dim=1)], dim=-1
        ), future  # eq. oadtr-head

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits of the current chunk (B, K), of the next ``n_future`` or None."""
        joint, future = self.features(x)
        return self.head(joint), None if future is None else self.future_head(future)


class GRUDetector(nn.Module):
    """A TRN-style recurrent baseline: a GRU reads the history; a second GRU cell
    rolls the last state forward ``n_future`` steps to anticipate the future; the
    current chunk is classified from the last state and the mean anticipated state.
    """

    def __init__(
        self,
        n_features: int,
        n_classes: int,
        history: int = 16,
        hidden: int = 64,
        n_future: int = 4,
        dropout: float = 0.1,
    ):
        super().__init__()
        check_counts(
            n_features=n_features,
            n_classes=n_classes,
            history=history,
            hidden=hidden,
            n_future=n_future,
        )
        self.n_features, self.n_classes, self.history = n_features, n_classes, history
        self.n_future = n_future
        self.embed = nn.Linear(n_features, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.future_cell = nn.GRUCell(n_classes, hidden)
        self.future_head = nn.Linear(hidden, n_classes)
        self.head = nn.Linear(2 * hidden, n_classes)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits of the current chunk (B, K) and anticipated ones (B, n_future, K)."""
        _check_window(x, self.history, self.n_features)
        _, h = self.gru(self.dropout(torch.relu(self.embed(x))))
        h = h[0]  # (B, hidden)
        state, guess, futures, logits = (
            h,
            torch.zeros(len(x), self.n_classes, device=x.device),
            [],
            [],
        )
        for _ in range(self.n_future):  # TRN feeds its own prediction back in
            state = self.future_cell(guess, state)
            logit = self.future_head(state)
            guess = torch.softmax(logit, dim=-1).detach()
            futures.append(state)
            logits.append(logit)
        joint = torch.cat([h, torch.stack(futures, 1).mean(dim=1)], dim=-1)
        return self.head(self.dropout(joint)), torch.stack(logits, dim=1)


def oadtr_loss(current, future, y_now, y_future, weight: float = 0.5) -> torch.Tensor:
    """Cross-entropy on the current chunk plus ``weight`` times the cross-entropy
    of the anticipated chunks, averaged over batch and steps alike (eq. ``oadtr-loss``).

    The official code does the same: it flattens the decoder's scores to
    (batch * steps, classes) before its mean (and drops the rows labelled
    "ambiguous", a class our data does not have).
    """
    loss = F.cross_entropy(current, y_now)
    if future is not None:
        loss = loss + weight * F.cross_entropy(future.flatten(0, 1), y_future.flatten())
    return loss


def windows(features: torch.Tensor, history: int) -> torch.Tensor:
    """Every causal window of a stream: (L, F) -> (L, history, F).

    Window t holds chunks t - history + 1 .. t; chunks before the start of
    the stream are zeros. Nothing after t is ever included.
    """
    check_int("history", history, low=1)
    if features.ndim != 2:
        raise ValueError(
            "features must have shape (length, n_features), got "
            f"{tuple(features.shape)}."
        )
    padded = F.pad(features, (0, 0, history - 1, 0))
    return padded.unfold(0, history, 1).transpose(1, 2)  # (L, history, F)


def future_labels(labels: torch.Tensor, n_future: int) -> torch.Tensor:
    """(L,) -> (L, n_future): labels of chunks t+1 .. t+n_future (0 past the end)."""
    padded = F.pad(labels, (0, n_future))
    return padded.unfold(0, n_future + 1, 1)[:, 1:]


@torch.no_grad()
def predict_stream(
    model: nn.Module, features: torch.Tensor, batch_size: int = 512
) -> torch.Tensor:
    """Class probabilities (L, K) of every chunk of a stream, from its causal window."""
    model.eval()
    w = windows(features, model.history)
    out = [
        torch.softmax(model(w[i : i + batch_size])[0], dim=-1)
        for i in range(0, len(w), batch_size)
    ]
    return torch.cat(out)


def stream_dataset(streams, history: int, n_future: int):
    """Stack the causal windows of many streams.

    Returns X (N, history, F), y (N,) and y_future (N, n_future).
    """
    if not streams:
        raise ValueError("streams must hold at least one stream.")
    xs, ys, fs = [], [], []
    for s in streams:
        labels = torch.as_tensor(s.labels)
        xs.append(windows(torch.as_tensor(s.features), history))
        ys.append(labels)
        fs.append(future_labels(labels, max(n_future, 1)))
    return torch.cat(xs), torch.cat(ys), torch.cat(fs)


def train_detector(
    model: nn.Module,
    streams,
    steps: int = 300,
    batch_size: int = 128,
    lr: float = 1e-3,
    weight: float = 0.5,
    seed: int = 0,
) -> list[float]:
    """Train on random mini-batches of windows; returns the loss of every step.

    The official recipe's optimiser and clipping: Adam with an L2 penalty
    (``weight_decay=1e-4``, added to the gradient after clipping) and gradient
    clipping at norm 1; its learning rate (1e-4, divided by 10 after every
    epoch) suits its much longer training, not ours.
    """
    check_int("steps", steps, low=1)
    check_int("batch_size", batch_size, low=1)
    X, y, y_future = stream_dataset(streams, model.history, model.n_future)
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(
        model.parameters(), lr=lr, weight_decay=1e-4, fused=True
    )
    model.train()
    losses = []
    for _ in progress(range(steps), desc=type(model).__name__):
        idx = torch.randint(len(X), (batch_size,), generator=generator)
        now, future = model(X[idx])
        loss = oadtr_loss(now, future, y[idx], y_future[idx, : model.n_future], weight)
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        losses.append(loss.item())
    return losses


def evaluate(model: nn.Module, streams) -> dict[str, float]:
    """Per-frame mAP and mcAP over the action classes, on every chunk of ``streams``."""
    scores = torch.cat(
        [predict_stream(model, torch.as_tensor(s.features)) for s in streams]
    )
    labels = np.concatenate([s.labels for s in streams])
    return {
        "mAP": frame_map(scores.numpy(), labels),
        "mcAP": calibrated_frame_map(scores.numpy(), labels),
    }
