"""Multiplies the offset by 10000^(2i/d) instead of dividing by it."""


def pe_dot(k, d_model):
    i = torch.arange(d_model // 2, dtype=torch.float64)
    omega = 10000.0 ** (2 * i / d_model)
    return float(torch.cos(k * omega).sum())
