"""Uses the exponent i/d instead of 2i/d for the frequencies."""


def pe_dot(k, d_model):
    i = torch.arange(d_model // 2, dtype=torch.float64)
    omega = 10000.0 ** (-i / d_model)
    return float(torch.cos(k * omega).sum())
