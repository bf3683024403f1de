"""Ignores the dilation: takes the kernel's span to be its number of taps."""


def output_length(n, spec):
    for layer in spec:
        n = (n + 2 * layer.padding - layer.kernel) // layer.stride + 1
    return n
