"""The Transformer blocks against torch.nn, masks, causality, bad input."""

import pytest
import torch
from torch import nn

from groundup.nn.transformer import (
    DecoderLayer,
    EncoderLayer,
    MultiHeadAttention,
    Transformer,
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


@pytest.mark.parametrize(("dtype", "tol"), [(torch.float32, 1e-5), (torch.float64, 1e-10)])
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


@pytest.mark.parametrize(("dtype", "tol"), [(torch.float32, 1e-5), (torch.float64, 1e-10)])
def test_encoder_and_decoder_layers_match_torch(dtype, tol):
    torch.manual_seed(1)
    enc = EncoderLayer(D, H, F).to(dtype)
    torch_enc = nn.TransformerEncoderLayer(D, H, F, dropout=0.0, batch_first=True).to(dtype)
    copy_attention(enc.self_attn, torch_enc.self_attn)
    copy_ffn_and_norms(enc, torch_enc, [(enc.norm1, torch_enc.norm1), (enc.norm2, torch_enc.norm2)])
    x = torch.randn(2, 6, D, dtype=dtype)
    torch.testing.assert_close(enc(x), torch_enc(x), atol=tol, rtol=tol)

    dec = DecoderLayer(D, H, F).to(dtype)
    torch_dec = nn.TransformerDecoderLayer(D, H, F, dropout=0.0, batch_first=True).to(dtype)
    copy_attention(dec.self_attn, torch_dec.self_attn)
    copy_attention(dec.cross_attn, torch_dec.multihead_attn)
    copy_ffn_and_norms(
        dec, torch_dec,
        [(dec.norm1, torch_dec.norm1), (dec.norm2, torch_dec.norm2), (dec.norm3, torch_dec.norm3)],
    )  # fmt: skip
    y, memory = torch.randn(2, 5, D, dtype=dtype), torch.randn(2, 6, D, dtype=dtype)
    mask = causal_mask(5)
    expected = torch_dec(y, memory, tgt_mask=~mask)
    torch.testing.assert_close(dec(y, memory, tgt_mask=mask), expected, atol=tol, rtol=tol)


def test_causal_decoder_ignores_the_future():
    torch.manual_seed(2)
    model = Transformer(11, 11, d_model=D, n_heads=H, d_ff=F)
    src = torch.randint(0, 11, (2, 6))
    tgt = torch.randint(0, 11, (2, 6))
    changed = tgt.clone()
    changed[:, 4:] = (changed[:, 4:] + 1) % 11
    a, b = model(src, tgt), model(src, changed)
    torch.testing.assert_close(a[:, :4], b[:, :4])  # steps before the change are unaffected
    assert not torch.allclose(a[:, 4:], b[:, 4:])


def test_padding_mask_and_positional_encoding():
    tokens = torch.tensor([[5, 3, 0, 0]])
    assert padding_mask(tokens, pad=0).tolist() == [[[[True, True, False, False]]]]
    pe = sinusoidal_positional_encoding(50, 8)
    assert pe.shape == (50, 8) and torch.allclose(pe[0, 1::2], torch.ones(4))
    q = torch.randn(1, 2, 4)
    out, w = scaled_dot_product_attention(q, q, q, torch.tensor([[True, False], [True, True]]))
    assert w[0, 0, 1] == 0 and torch.allclose(w.sum(-1), torch.ones(1, 2))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: MultiHeadAttention(10, 3), "n_heads"),
        (lambda: sinusoidal_positional_encoding(5, 7), "d_model"),
    ],
)
def test_bad_input(make, match):
    with pytest.raises(ValueError, match=match):
        make()
