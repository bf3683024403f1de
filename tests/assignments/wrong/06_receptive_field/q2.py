"""Forgets the padding: the region of unit i starts at i times the strides."""


def region_top_down(spec, i):
    start, end = i, i
    for layer in reversed(spec):
        span = layer.dilation * (layer.kernel - 1) + 1
        start = start * layer.stride
        end = end * layer.stride + span - 1
    return start, end
