"""Scales the scores by sqrt(d_model) instead of sqrt(d_k) of one head."""


def mha_by_hand(x, mha):
    B, L, d = x.shape
    h = mha.num_heads
    qkv = F.linear(x, mha.in_proj_weight, mha.in_proj_bias)
    q, k, v = (t.reshape(B, L, h, d // h).transpose(1, 2) for t in qkv.split(d, -1))
    weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d), dim=-1)
    out = (weights @ v).transpose(1, 2).reshape(B, L, d)
    return mha.out_proj(out), weights.mean(dim=1)
