"""Masks the padded queries (rows) instead of the padded keys (columns)."""


def decoder_mask(tokens, pad):
    length = tokens.shape[1]
    causal = torch.ones(length, length, dtype=torch.bool).tril()
    return causal & (tokens != pad)[:, None, :, None]
