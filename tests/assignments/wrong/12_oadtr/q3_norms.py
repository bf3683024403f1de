"""Forgets the encoder's final LayerNorm and the decoder_norm."""


def oadtr_parameters(
    n_features,
    n_classes,
    history,
    d_model,
    encoder_layers,
    decoder_layers,
    n_future,
    d_ff,
    task_token=True,
    decoder=True,
):
    D, K = d_model, n_classes
    linear = lambda i, o: i * o + o  # noqa: E731
    attention = 4 * linear(D, D)
    ffn = linear(D, d_ff) + linear(d_ff, D)
    total = linear(n_features, D) + task_token * D + (history + task_token) * D
    total += encoder_layers * (attention + ffn + 4 * D)
    if not decoder:
        return total + linear(D, K)
    total += n_future * D + decoder_layers * (2 * attention + ffn + 6 * D)
    return total + linear(D, K) + linear(2 * D, K)
