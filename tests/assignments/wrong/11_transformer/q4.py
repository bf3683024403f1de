"""Splits the heads with view(B, h, L, d_k): each head mixes positions."""


def mha_by_hand(x, mha):
    B, L, d = x.shape
    h = mha.num_heads
    qkv = F.linear(x, mha.in_proj_weight, mha.in_proj_bias)
    q, k, v = (t.reshape(B, h, L, d // h) for t in qkv.split(d, -1))
    out, weights = scaled_dot_product_attention(q, k, v)
    out = out.reshape(B, L, d)
    return mha.out_proj(out), weights.mean(dim=1)
