"""Uses the number of taps instead of the span of a dilated kernel."""


def region_top_down(spec, i):
    start, end = i, i
    for layer in reversed(spec):
        start = start * layer.stride - layer.padding
        end = end * layer.stride - layer.padding + layer.kernel - 1
    return start, end
