"""Pads only one end of each layer's input."""


def output_length(n, spec):
    for layer in spec:
        span = layer.dilation * (layer.kernel - 1) + 1
        n = (n + layer.padding - span) // layer.stride + 1
    return n
