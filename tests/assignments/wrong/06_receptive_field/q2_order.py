"""Walks the layers from the first up to the last instead of top-down."""


def region_top_down(spec, i):
    start, end = i, i
    for layer in spec:
        span = layer.dilation * (layer.kernel - 1) + 1
        start = start * layer.stride - layer.padding
        end = end * layer.stride - layer.padding + span - 1
    return start, end
