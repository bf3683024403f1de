"""Uses the upper triangle: every query sees the future instead of the past."""


def decoder_mask(tokens, pad):
    length = tokens.shape[1]
    causal = torch.ones(length, length, dtype=torch.bool).triu()
    return causal & (tokens != pad)[:, None, None, :]
