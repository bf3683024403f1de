"""The Transformer blocks against torch.nn, masks, causality, bad input."""

import pytest
import torch
from torch import nn

from groundup.nn.transformer import (
    DecoderLayer,
    Encoder,
    EncoderLayer,
    MultiHeadAttention,
    Transformer,
    autograd_depth,
    causal_mask,
    padding_mask,
    scaled_dot_product_attention,
    sinusoidal_positional_encoding,
)

D, H, F = 16, 4, 32


def copy_attention(ours: MultiHeadAttention, theirs: nn.MultiheadAttention):
    with torch.no_grad():
        w, b = theirs.in_proj_weight, theirs.in_proj_bias
        for i, lin in enumerate([ours.w_q, ours.w_k, ours.w_v]):
            lin.weight.copy_(w[i * D : (i + 1) * D])
            lin.bias.copy_(b[i * D : (i + 1) * D])
        ours.w_o.weight.copy_(theirs.out_proj.weight)
        ours.w_o.bias.copy_(theirs.out_proj.bias)


def copy_ffn_and_norms(ours, theirs, norms):
    with torch.no_grad():
        ours.ff.w1.weight.copy_(theirs.linear1.weight)
        ours.ff.w1.bias.copy_(theirs.linear1.bias)
        ours.ff.w2.weight.copy_(theirs.linear2.weight)
        ours.ff.w2.bias.copy_(theirs.linear2.bias)
        for mine, other in norms:
            mine.load_state_dict(other.state_dict())


@pytest.mark.parametrize(
    ("dtype", "tol"), [(torch.float32, 1e-5), (torch.float64, 1e-10)]
)
@pytest.mark.parametrize("masked", [False, True])
def test_attention_matches_torch(dtype, tol, masked):
    torch.manual_seed(0)
    ours, theirs = (
        MultiHeadAttention(D, H).to(dtype),
        nn.MultiheadAttention(D, H, batch_first=True).to(dtype),
    )
    copy_attention(ours, theirs)
    q, kv = torch.randn(3, 5, D, dtype=dtype), torch.randn(3, 7, D, dtype=dtype)
    allowed = torch.rand(5, 7) > 0.3
    allowed[:, 0] = True  # every query keeps at least one key
    expected, _ = theirs(q, kv, kv, attn_mask=~allowed if masked else None)
    got = ours(q, kv, kv, allowed if masked else None)
    torch.testing.assert_close(got, expected, atol=tol, rtol=tol)
    if masked:
        assert torch.all(ours.attention[..., ~allowed] == 0)  # exactly zero weight


@pytest.mark.parametrize(
    ("dtype", "tol"), [(torch.float32, 1e-5), (torch.float64, 1e-10)]
)
def test_encoder_and_decoder_layers_match_torch(dtype, tol):
    torch.manual_seed(1)
    enc = EncoderLayer(D, H, F).to(dtype)
    torch_enc = nn.TransformerEncoderLayer(D, H, F, dropout=0.0, batch_first=True).to(
        dtype
    )
    copy_attention(enc.self_attn, torch_enc.self_attn)
    copy_ffn_and_norms(
        enc, torch_enc, [(enc.norm1, torch_enc.norm1), (enc.norm2, torch_enc.norm2)]
    )
    x = torch.randn(2, 6, D, dtype=dtype)
    torch.testing.assert_close(enc(x), torch_enc(x), atol=tol, rtol=tol)

    dec = DecoderLayer(D, H, F).to(dtype)
    torch_dec = nn.TransformerDecoderLayer(D, H, F, dropout=0.0, batch_first=True).to(
        dtype
    )
    copy_attention(dec.self_attn, torch_dec.self_attn)
    copy_attention(dec.cross_attn, torch_dec.multihead_attn)
    copy_ffn_and_norms(
        dec, torch_dec,
        [(dec.norm1, torch_dec.norm1), (dec.norm2, torch_dec.norm2),
         (dec.norm3, torch_dec.norm3)],
    )  # fmt: skip
    y, memory = torch.randn(2, 5, D, dtype=dtype), torch.randn(2, 6, D, dtype=dtype)
    mask = causal_mask(5)
    expected = torch_dec(y, memory, tgt_mask=~mask)
    torch.testing.assert_close(
        dec(y, memory, tgt_mask=mask), expected, atol=tol, rtol=tol
    )


@pytest.mark.parametrize(
    ("dtype", "tol"), [(torch.float32, 1e-5), (torch.float64, 1e-10)]
)
def test_pre_norm_layers_match_torch(dtype, tol):
    torch.manual_seed(4)
    enc = EncoderLayer(D, H, F, norm_first=True).to(dtype)
    torch_enc = nn.TransformerEncoderLayer(
        D, H, F, dropout=0.0, batch_first=True, norm_first=True
    ).to(dtype)
    copy_attention(enc.self_attn, torch_enc.self_attn)
    copy_ffn_and_norms(
        enc, torch_enc, [(enc.norm1, torch_enc.norm1), (enc.norm2, torch_enc.norm2)]
    )
    x = torch.randn(2, 6, D, dtype=dtype)
    torch.testing.assert_close(enc(x), torch_enc(x), atol=tol, rtol=tol)

    dec = DecoderLayer(D, H, F, norm_first=True).to(dtype)
    torch_dec = nn.TransformerDecoderLayer(
        D, H, F, dropout=0.0, batch_first=True, norm_first=True
    ).to(dtype)
    copy_attention(dec.self_attn, torch_dec.self_attn)
    copy_attention(dec.cross_attn, torch_dec.multihead_attn)
    copy_ffn_and_norms(
        dec, torch_dec,
        [(dec.norm1, torch_dec.norm1), (dec.norm2, torch_dec.norm2),
         (dec.norm3, torch_dec.norm3)],
    )  # fmt: skip
    y, memory = torch.randn(2, 5, D, dtype=dtype), torch.randn(2, 6, D, dtype=dtype)
    expected = torch_dec(y, memory, tgt_mask=~causal_mask(5))
    torch.testing.assert_close(
        dec(y, memory, causal_mask(5)), expected, atol=tol, rtol=tol
    )


def test_gelu_layers_match_torch():
    torch.manual_seed(9)
    for norm_first in (False, True):
        enc = EncoderLayer(D, H, F, norm_first=norm_first, activation="gelu")
        torch_enc = nn.TransformerEncoderLayer(
            D,
            H,
            F,
            dropout=0.0,
            batch_first=True,
            norm_first=norm_first,
            activation="gelu",
        )
        copy_attention(enc.self_attn, torch_enc.self_attn)
        copy_ffn_and_norms(
            enc, torch_enc, [(enc.norm1, torch_enc.norm1), (enc.norm2, torch_enc.norm2)]
        )
        x = torch.randn(2, 6, D)
        torch.testing.assert_close(enc(x), torch_enc(x), atol=1e-5, rtol=1e-5)
    stack = Encoder(2, D, H, F, activation="gelu")
    assert all(layer.ff.activation is nn.functional.gelu for layer in stack.layers)


def test_transformer_norm_first_reaches_every_layer_and_adds_final_norms():
    post, pre = (
        Transformer(11, 11, D, H, F),
        Transformer(11, 11, D, H, F, norm_first=True),
    )
    layers = [*pre.encoder.layers, *pre.decoder.layers]
    assert all(layer.norm_first for layer in layers)
    assert not any(
        layer.norm_first for layer in [*post.encoder.layers, *post.decoder.layers]
    )
    assert isinstance(pre.encoder.norm, nn.LayerNorm) and isinstance(
        pre.decoder.norm, nn.LayerNorm
    )
    assert isinstance(post.encoder.norm, nn.Identity)


def test_autograd_depth_counts_the_longest_chain():
    x = torch.randn(3, requires_grad=True)

    def chain(k):
        y = x
        for _ in range(k):
            y = y * 1.5
        return y

    assert autograd_depth(chain(10)) - autograd_depth(chain(4)) == 6
    assert autograd_depth(chain(1)) == 2  # the multiplication and the leaf
    wide = [torch.stack([x * i for i in range(k)]).sum() for k in (2, 50)]
    assert autograd_depth(wide[0]) == autograd_depth(wide[1])  # side by side: no longer
    # two branches of different lengths: the longer one counts
    assert autograd_depth(chain(7) + chain(3)) == autograd_depth(chain(7)) + 1
    with pytest.raises(ValueError, match="output"):
        autograd_depth(torch.randn(3))


def test_causal_decoder_ignores_the_future():
    torch.manual_seed(2)
    model = Transformer(11, 11, d_model=D, n_heads=H, d_ff=F)
    src = torch.randint(0, 11, (2, 6))
    tgt = torch.randint(0, 11, (2, 6))
    changed = tgt.clone()
    changed[:, 4:] = (changed[:, 4:] + 1) % 11
    a, b = model(src, tgt), model(src, changed)
    # steps before the change are unaffected
    torch.testing.assert_close(a[:, :4], b[:, :4])
    assert not torch.allclose(a[:, 4:], b[:, 4:])


def test_padding_mask_and_positional_encoding():
    tokens = torch.tensor([[5, 3, 0, 0]])
    assert padding_mask(tokens, pad=0).tolist() == [[[[True, True, False, False]]]]
    pe = sinusoidal_positional_encoding(50, 8)
    assert pe.shape == (50, 8) and torch.allclose(pe[0, 1::2], torch.ones(4))
    q = torch.randn(1, 2, 4)
    out, w = scaled_dot_product_attention(
        q, q, q, torch.tensor([[True, False], [True, True]])
    )
    assert w[0, 0, 1] == 0 and torch.allclose(w.sum(-1), torch.ones(1, 2))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: MultiHeadAttention(10, 3), "n_heads"),
        (lambda: sinusoidal_positional_encoding(5, 7), "d_model"),
        (lambda: EncoderLayer(D, H, F, activation="tanh"), "activation"),
    ],
)
def test_bad_input(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# Checks of the chapter's exercise solutions (chapter 11).


def test_exercise_dot_product_variance():
    torch.manual_seed(5)
    sigma = 2.0
    for d_k in (4, 64):
        q, k = sigma * torch.randn(20000, d_k), sigma * torch.randn(20000, d_k)
        raw = (q * k).sum(-1)
        assert raw.var().item() == pytest.approx(d_k * sigma**4, rel=0.1)
        assert (raw / (sigma**2 * d_k**0.5)).var().item() == pytest.approx(1, abs=0.1)


def test_exercise_attention_is_permutation_equivariant():
    torch.manual_seed(6)
    attn = MultiHeadAttention(D, H)
    x, perm = torch.randn(2, 7, D), torch.randperm(7)
    xp = x[:, perm]
    torch.testing.assert_close(attn(xp, xp, xp), attn(x, x, x)[:, perm])


def test_exercise_pre_norm_stream_grows():
    torch.manual_seed(7)
    stack = Encoder(8, 32, 4, 64, norm_first=True)
    x = torch.randn(4, 10, 32)
    spread = []
    with torch.no_grad():
        for layer in stack.layers:
            x = layer(x)
            spread.append(x.std(-1).mean().item())
        after_norm = stack.norm(x).std(-1).mean().item()
    # grows every layer
    assert all(b > a for a, b in zip(spread, spread[1:], strict=False))
    assert spread[-1] > 1.15 * spread[0]
    assert after_norm == pytest.approx(1, abs=0.05)


@pytest.mark.parametrize(("d", "d_ff"), [(32, 64), (64, 128)])
def test_exercise_attention_crossover(d, d_ff):
    from torch.utils.flop_counter import FlopCounterMode

    n = 2 * d + d_ff
    layer = EncoderLayer(d, 4, d_ff)
    with FlopCounterMode(display=False) as counter:
        layer(torch.randn(1, n, d))
    flops = {
        str(op).split(".")[-1]: f
        for op, f in counter.get_flop_counts()["Global"].items()
    }
    # 2 flops per multiply-add
    assert flops["addmm"] == flops["bmm"] == 2 * 2 * n * n * d
    with FlopCounterMode(display=False) as counter:
        layer(torch.randn(1, n // 2, d))
    flops = {
        str(op).split(".")[-1]: f
        for op, f in counter.get_flop_counts()["Global"].items()
    }
    assert flops["bmm"] < flops["addmm"]  # shorter: the linear layers dominate


def test_exercise_padding_mask_hides_padding():
    torch.manual_seed(8)
    net = Transformer(11, 11, d_model=32, n_heads=4, d_ff=64)
    src = torch.randint(1, 11, (2, 8))
    src[:, 6:] = 0  # the last two tokens are padding
    other = src.clone()
    other[:, 6:] = 5  # other padding tokens, the same mask
    mask = padding_mask(src, pad=0)
    assert torch.equal(net.encode(src, mask)[:, :6], net.encode(other, mask)[:, :6])
    assert not torch.allclose(net.encode(src)[:, :6], net.encode(other)[:, :6])
