"""Forgets that the task token has a learned position too: T, not T + 1."""


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
    total = linear(n_features, D) + task_token * D + history * D
    total += encoder_layers * (attention + ffn + 4 * D) + 2 * D
    if not decoder:
        return total + linear(D, K)
    total += n_future * D + decoder_layers * (2 * attention + ffn + 6 * D) + 2 * D
    return total + linear(D, K) + linear(2 * D, K)
