"""The Transformer of Vaswani et al. (2017), written for reading (chapter 11).

Shapes use B (batch), L (length; Lq for queries, Lk for keys), d (d_model),
h (heads) and d_k = d / h. Boolean masks are True where attention is
*allowed*; additive masks are added to the scores (use -inf to forbid).
"""

from __future__ import annotations

import math

import torch
from torch import nn


def scaled_dot_product_attention(q, k, v, mask=None):
    """softmax(q k^T / sqrt(d_k) + mask) v, eq. ``tf-attention``; returns (output,
    weights).

    q: (..., Lq, d_k), k: (..., Lk, d_k), v: (..., Lk, d_v); mask broadcastable
    to (..., Lq, Lk).
    """
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (..., Lq, Lk)
    if mask is not None:
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, float("-inf"))
        else:
            scores = scores + mask
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights  # (..., Lq, d_v), (..., Lq, Lk)


def autograd_depth(output: torch.Tensor) -> int:
    """The number of operations on the longest chain of autograd's graph behind
    ``output``.

    Operations on one chain depend on each other and must run one after
    another, whatever the hardware: this counts the "sequential operations"
    of the paper's Table 1 (a recurrence over L steps gives a chain that
    grows with L; attention's chain does not). Leaves count as one node.
    """
    if not isinstance(output, torch.Tensor) or output.grad_fn is None:
        raise ValueError(
            "output must be a tensor computed by operations recorded by autograd."
        )
    depth: dict = {}
    stack = [(output.grad_fn, False)]
    while stack:  # iterative post-order: graphs of long recurrences are deep
        node, expanded = stack.pop()
        parents = [n for n, _ in node.next_functions if n is not None]
        if expanded:
            depth[node] = 1 + max((depth[n] for n in parents), default=0)
        elif node not in depth:
            stack.append((node, True))
            stack.extend((n, False) for n in parents if n not in depth)
    return depth[output.grad_fn]


def causal_mask(length: int, device=None) -> torch.Tensor:
    """(L, L) boolean: position i may attend to positions 0..i only."""
    return torch.ones(length, length, dtype=torch.bool, device=device).tril()


def padding_mask(tokens: torch.Tensor, pad: int) -> torch.Tensor:
    """(B, 1, 1, L) boolean: False at padding keys, for every head and query."""
    return (tokens != pad)[:, None, None, :]


class MultiHeadAttention(nn.Module):
    """h heads on d/h-dimensional projections, concatenated (eq. ``tf-multihead``)."""

    def __init__(self, d_model: int, n_heads: int, bias: bool = True):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(
                f"n_heads must divide d_model={d_model}, got n_heads={n_heads}."
            )
        self.n_heads, self.d_k = n_heads, d_model // n_heads
        self.w_q = nn.Linear(d_model, d_model, bias=bias)
        self.w_k = nn.Linear(d_model, d_model, bias=bias)
        self.w_v = nn.Linear(d_model, d_model, bias=bias)
        self.w_o = nn.Linear(d_model, d_model, bias=bias)
        self.attention = None  # the last attention weights, (B, h, Lq, Lk), for plots

    def _split(self, x):  # (B, L, d) -> (B, h, L, d_k)
        return x.view(x.shape[0], x.shape[1], self.n_heads, self.d_k).transpose(1, 2)

    def forward(self, query, key, value, mask=None):
        """``query`` (B, Lq, d) attends to ``key``, ``value`` (B, Lk, d): (B, Lq, d)."""
        q, k, v = (
            self._split(self.w_q(query)),
            self._split(self.w_k(key)),
            self._split(self.w_v(value)),
        )
        # (B, h, Lq, d_k)
        out, self.attention = scaled_dot_product_attention(q, k, v, mask)
        # (B, Lq, d)
        out = out.transpose(1, 2).reshape(query.shape[0], query.shape[1], -1)
        return self.w_o(out)


def sinusoidal_positional_encoding(length: int, d_model: int) -> torch.Tensor:
    """(L, d): PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...).

    Eq. ``tf-pe``.
    """
    if d_model % 2:
        raise ValueError(f"d_model must be even, got {d_model}.")
    pos = torch.arange(length, dtype=torch.float64)[:, None]
    freq = torch.exp(
        -math.log(10000.0) * torch.arange(0, d_model, 2, dtype=torch.float64) / d_model
    )
    pe = torch.zeros(length, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * freq)
    pe[:, 1::2] = torch.cos(pos * freq)
    return pe.float()


FF_ACTIVATIONS = {"relu": torch.relu, "gelu": nn.functional.gelu}


class PositionwiseFeedForward(nn.Module):
    """max(0, x W1 + b1) W2 + b2, applied to every position alike (eq. tf-ffn).

    ``activation="gelu"`` replaces the max(0, .) by GELU, as BERT, ViT and
    OadTR (chapter 12) do.
    """

    def __init__(
        self, d_model: int, d_ff: int, dropout: float = 0.0, activation: str = "relu"
    ):
        super().__init__()
        if activation not in FF_ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {sorted(FF_ACTIVATIONS)}, got "
                f"{activation!r}."
            )
        self.w1, self.w2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)
        self.activation = FF_ACTIVATIONS[activation]

    def forward(self, x):
        """The same two-layer network at every position: (B, L, d) -> (B, L, d)."""
        return self.w2(self.dropout(self.activation(self.w1(x))))


class EncoderLayer(nn.Module):
    """Self-attention and a feed-forward network, each wrapped in add & norm.

    Post-norm (the paper): x = norm(x + sublayer(x)). Pre-norm
    (``norm_first=True``): x = x + sublayer(norm(x)).
    """

    def __init__(
        self, d_model, n_heads, d_ff, dropout=0.0, norm_first=False, activation="relu"
    ):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, n_heads)
        self.ff = PositionwiseFeedForward(d_model, d_ff, dropout, activation)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)
        self.norm_first = norm_first

    def forward(self, x, mask=None):  # x: (B, L, d)
        """Self-attention, then the feed-forward network, each a residual block."""
        attend = lambda y: self.self_attn(y, y, y, mask)  # noqa: E731
        if self.norm_first:
            x = x + self.dropout(attend(self.norm1(x)))
            return x + self.dropout(self.ff(self.norm2(x)))
        x = self.norm1(x + self.dropout(attend(x)))
        return self.norm2(x + self.dropout(self.ff(x)))


class DecoderLayer(nn.Module):
    """Masked self-attention, attention over the encoder's output, feed-forward."""

    def __init__(
        self, d_model, n_heads, d_ff, dropout=0.0, norm_first=False, activation="relu"
    ):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, n_heads)
        self.cross_attn = MultiHeadAttention(d_model, n_heads)
        self.ff = PositionwiseFeedForward(d_model, d_ff, dropout, activation)
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(d_model) for _ in range(3))
        self.dropout = nn.Dropout(dropout)
        self.norm_first = norm_first

    def forward(self, x, memory, tgt_mask=None, memory_mask=None):
        """Masked self-attention, cross-attention to ``memory``, feed-forward."""
        blocks = [
            (self.norm1, lambda y: self.self_attn(y, y, y, tgt_mask)),
            (self.norm2, lambda y: self.cross_attn(y, memory, memory, memory_mask)),
            (self.norm3, self.ff),
        ]
        for norm, sublayer in blocks:
            if self.norm_first:
                x = x + self.dropout(sublayer(norm(x)))
            else:
                x = norm(x + self.dropout(sublayer(x)))
        return x


class LayerStack(nn.Module):
    """``n_layers`` copies of a layer; pre-norm stacks end with a LayerNorm."""

    layer_class: type[nn.Module]

    def __init__(self, n_layers, d_model, n_heads, d_ff, dropout=0.0, norm_first=False,
                 activation="relu"):  # fmt: skip
        super().__init__()
        self.layers = nn.ModuleList(
            self.layer_class(d_model, n_heads, d_ff, dropout, norm_first, activation)
            for _ in range(n_layers)
        )
        self.norm = nn.LayerNorm(d_model) if norm_first else nn.Identity()

    def forward(self, x, *args, **kwargs):
        """The layers in turn on ``x`` (B, L, d), then the norm; each gets the rest."""
        for layer in self.layers:
            x = layer(x, *args, **kwargs)
        return self.norm(x)


class Encoder(LayerStack):
    """A stack of EncoderLayers: ``forward(x, mask=None)``."""

    layer_class = EncoderLayer


class Decoder(LayerStack):
    """A stack of DecoderLayers: ``forward(x, memory, tgt_mask, memory_mask)``."""

    layer_class = DecoderLayer


class Transformer(nn.Module):
    """Encoder-decoder: token embeddings (scaled by sqrt(d)), positions, greedy
    decoding.

    ``norm_first=True`` makes every layer pre-norm; the encoder and decoder
    then end with a final LayerNorm.
    """

    def __init__(self, src_vocab, tgt_vocab, d_model=64, n_heads=4, d_ff=128,
                 n_layers=2, dropout=0.0, max_len=512, norm_first=False):  # fmt: skip
        super().__init__()
        self.d_model = d_model
        self.src_embed = nn.Embedding(src_vocab, d_model)
        self.tgt_embed = nn.Embedding(tgt_vocab, d_model)
        self.register_buffer("pe", sinusoidal_positional_encoding(max_len, d_model))
        self.encoder = Encoder(n_layers, d_model, n_heads, d_ff, dropout, norm_first)
        self.decoder = Decoder(n_layers, d_model, n_heads, d_ff, dropout, norm_first)
        self.generator = nn.Linear(d_model, tgt_vocab)
        for p in self.parameters():  # Glorot, as in the Annotated Transformer: small
            if (
                p.dim() > 1
            ):  # embeddings, so sqrt(d) scaling does not drown the positions
                nn.init.xavier_uniform_(p)

    def _embed(self, table, tokens):  # (B, L) -> (B, L, d)
        return table(tokens) * math.sqrt(self.d_model) + self.pe[: tokens.shape[1]]

    def encode(self, src, src_mask=None):
        """Encoder states (B, Ls, d) of source tokens ``src`` (B, Ls)."""
        return self.encoder(self._embed(self.src_embed, src), src_mask)

    def decode(self, memory, tgt, src_mask=None):
        """Decoder states (B, Lt, d) of target tokens ``tgt`` (B, Lt), causal mask."""
        mask = causal_mask(tgt.shape[1], tgt.device)
        return self.decoder(self._embed(self.tgt_embed, tgt), memory, mask, src_mask)

    def forward(self, src, tgt, src_mask=None):
        """Logits for the next token at every target position: (B, Lt, tgt_vocab)."""
        return self.generator(self.decode(self.encode(src, src_mask), tgt, src_mask))

    @torch.no_grad()
    def greedy_decode(self, src, max_len: int, start: int) -> torch.Tensor:
        """Feed back the most likely token, one step at a time."""
        memory = self.encode(src)
        out = torch.full((src.shape[0], 1), start, dtype=torch.long, device=src.device)
        for _ in range(max_len - 1):
            logits = self.generator(self.decode(memory, out))[:, -1]
            out = torch.cat([out, logits.argmax(-1, keepdim=True)], dim=1)
        return out
