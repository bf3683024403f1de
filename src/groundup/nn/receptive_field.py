"""Receptive fields of convolutional networks (chapter 6).

A network is described along one spatial axis as a list of :class:`Layer`
(kernel, stride, padding, dilation; pooling is a layer too) and
:class:`Parallel` blocks (paths that are added or concatenated, as in a
residual unit). For such a description:

* the receptive field r, the effective stride S and the effective padding P
  (eqs. ``rf-bottomup`` and ``rf-stride``), computed top-down
  (eq. ``rf-topdown``, the source article's formula one) and bottom-up
  (formula two), which always agree;
* the region of the input seen by output unit i: from -P + i S, r wide.

``from_torch`` reads a ``torch.nn.Sequential``; ``empirical_receptive_field``
measures the region by back-propagation, also through residual blocks.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import torch
from torch import nn

from .._validation import check_counts, check_int

#: Modules that act on each position alone (or, like batch normalisation at
#: inference, as a per-channel affine map): they do not change the geometry.
POINTWISE = (
    nn.Identity, nn.BatchNorm2d, nn.Dropout, nn.Dropout2d,
    nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.PReLU, nn.ELU, nn.SELU, nn.CELU, nn.GELU,
    nn.SiLU, nn.Mish, nn.Sigmoid, nn.Tanh, nn.Hardswish, nn.Hardsigmoid, nn.Hardtanh,
    nn.Softplus,
)  # fmt: skip


@dataclass(frozen=True)
class Layer:
    """One convolution or pooling along one axis; ``padding`` is the left padding."""

    kernel: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    name: str = ""

    def __post_init__(self):
        check_counts(kernel=self.kernel, stride=self.stride, dilation=self.dilation)
        check_int("padding", self.padding, low=0)

    @property
    def effective_kernel(self) -> int:
        """A dilated kernel spans d (k - 1) + 1 inputs (eq. rf-dilation)."""
        return self.dilation * (self.kernel - 1) + 1


@dataclass(frozen=True)
class Parallel:
    """Paths applied to the same input and merged (added or concatenated)."""

    paths: tuple
    name: str = ""


@dataclass(frozen=True)
class ReceptiveField:
    size: int  # r: inputs seen by one output unit
    stride: int  # S: input step between neighbouring output units
    padding: int  # P: how far the first region starts before the input

    def region(self, i: int) -> tuple[int, int]:
        """First and last input index (inclusive) seen by output unit ``i``."""
        start = -self.padding + i * self.stride
        return start, start + self.size - 1

    def centre(self, i: int) -> float:
        """Centre of the input region seen by output unit ``i`` (index or half)."""
        start, end = self.region(i)
        return (start + end) / 2


def _flatten(spec) -> list[Layer]:
    """Layers of a description, each parallel block replaced by one equivalent layer."""
    flat = []
    for item in spec:
        if isinstance(item, Layer):
            flat.append(item)
        elif isinstance(item, Parallel):
            flat.append(_merge(item))
        else:
            raise TypeError(f"expected Layer or Parallel, got {type(item).__name__}.")
    return flat


def _merge(block: Parallel) -> Layer:
    """The largest receptive field over the paths, if the paths are aligned.

    Paths can be merged only if they step alike (same effective stride) and
    their regions share a centre, i.e. (r - 1)/2 - P is the same on each path
    (the alignment condition of Araujo et al. 2019).
    """
    fields = [bottom_up(list(path)) for path in block.paths]
    if len({f.stride for f in fields}) > 1:
        raise ValueError(
            f"misaligned paths in {block.name or 'a parallel block'}: effective "
            "strides "
            f"{[f.stride for f in fields]} differ."
        )
    offsets = {(f.size - 1) / 2 - f.padding for f in fields}
    if len(offsets) > 1:
        raise ValueError(
            f"misaligned paths in {block.name or 'a parallel block'}: region centres "
            "differ "
            f"(offsets {sorted(offsets)})."
        )
    widest = max(fields, key=lambda f: f.size)
    return Layer(widest.size, widest.stride, widest.padding, name=block.name)


def top_down(spec) -> int:
    """Formula one: start from 1 at the top, RF = (RF - 1) s + k down each layer."""
    rf = 1
    for layer in reversed(_flatten(spec)):
        rf = (rf - 1) * layer.stride + layer.effective_kernel
    return rf


def bottom_up(spec) -> ReceptiveField:
    """Formula two: RF_l = RF_(l-1) + (k_l - 1) prod_(i<l) s_i; S and P alongside."""
    size, jump, padding = 1, 1, 0
    for layer in _flatten(spec):
        size += (layer.effective_kernel - 1) * jump
        padding += layer.padding * jump
        jump *= layer.stride
    return ReceptiveField(size, jump, padding)


def receptive_field(spec) -> ReceptiveField:
    """Receptive field, effective stride and padding; checks both formulas agree."""
    field, size = bottom_up(spec), top_down(spec)
    if field.size != size:  # the two recursions of the chapter: a bug if they differ
        raise RuntimeError(f"the two formulas disagree: {field.size} against {size}.")
    return field


# --- torch models ------------------------------------------------------------


def _pair(value) -> int:
    if isinstance(value, tuple):
        if len(set(value)) != 1:
            raise ValueError(
                f"only square kernels, strides and paddings are supported, got {value}."
            )
        return value[0]
    return value


def from_torch(module: nn.Sequential, input_size: int) -> tuple[list[Layer], int]:
    """Layers of a Sequential of Conv2d / MaxPool2d / AvgPool2d and pointwise layers.

    Pointwise layers are those in :data:`POINTWISE`; any other module (an
    adaptive pooling, an upsampling, a residual block) raises a ``TypeError``
    instead of being read as pointwise. Returns the description and the
    output size for an input of ``input_size``.
    """
    layers, size = [], input_size
    for child in module:
        if isinstance(child, nn.Conv2d | nn.MaxPool2d | nn.AvgPool2d):
            k = _pair(child.kernel_size)
            s = _pair(child.stride if child.stride is not None else k)
            p = _pair(child.padding)
            d = _pair(getattr(child, "dilation", 1))
            layer = Layer(k, s, p, d, name=type(child).__name__)
            layers.append(layer)
            size = (size + 2 * p - layer.effective_kernel) // s + 1
        elif isinstance(child, nn.Sequential):
            inner, size = from_torch(child, size)
            layers.extend(inner)
        elif not isinstance(child, POINTWISE):
            raise TypeError(f"cannot read the geometry of {type(child).__name__}.")
    return layers, size


def _linearised(model: nn.Module) -> nn.Module:
    """A copy whose gradient is positive exactly on the receptive field.

    Max pooling passes the gradient to one input only, ReLU can zero it, and
    batch normalisation in training mode mixes all positions through its
    batch statistics, so the measured region could come out smaller or larger
    than the true one. In the copy, max pooling becomes average pooling of
    the same geometry, pointwise modules (:data:`POINTWISE`, batch
    normalisation included) become the identity, and every convolution
    weight is 1 and bias 0; then every input path to the output unit carries
    a positive gradient. Blocks with children (a ``Sequential``, a residual
    unit) are linearised inside; their ``forward`` must call these modules,
    not functional forms such as ``torch.relu``.
    """
    model = copy.deepcopy(model)
    for name, child in model.named_children():
        if isinstance(child, nn.MaxPool2d):
            if _pair(child.dilation) != 1:
                raise ValueError("dilated max pooling is not supported.")
            pool = nn.AvgPool2d(
                child.kernel_size, child.stride, child.padding, child.ceil_mode
            )
            setattr(model, name, pool)
        elif isinstance(child, nn.Conv2d):
            nn.init.ones_(child.weight)
            if child.bias is not None:
                nn.init.zeros_(child.bias)
        elif isinstance(child, POINTWISE):
            setattr(model, name, nn.Identity())
        elif isinstance(child, nn.AvgPool2d):
            pass
        elif list(child.children()):
            setattr(model, name, _linearised(child))
        elif list(child.parameters()):
            raise TypeError(f"cannot linearise {type(child).__name__}.")
    return model


def empirical_receptive_field(
    model: nn.Module, input_size: int, channels: int = 1
) -> int:
    """Width of the input region with non-zero gradient for the centre output unit."""
    probe = _linearised(model).double()
    x = torch.ones(
        1, channels, input_size, input_size, dtype=torch.float64, requires_grad=True
    )
    out = probe(x)
    h, w = out.shape[-2:]
    out[0, :, h // 2, w // 2].sum().backward()
    cols = torch.nonzero(x.grad[0].abs().sum(dim=(0, 1)) > 0).flatten()
    return int(cols.max() - cols.min() + 1)


# --- published architectures (Araujo et al. 2019, TF-slim layouts) -----------


def _conv(k, s=1, p=None, name=""):
    return Layer(k, s, (k - 1) // 2 if p is None else p, name=name)


def alexnet_v2() -> list:
    """TF-slim alexnet_v2 up to pool5."""
    return [
        _conv(11, 4, 0, "conv1"), Layer(3, 2, 0, name="pool1"),
        _conv(5, name="conv2"), Layer(3, 2, 0, name="pool2"),
        _conv(3, name="conv3"), _conv(3, name="conv4"), _conv(3, name="conv5"),
        Layer(3, 2, 0, name="pool5"),
    ]  # fmt: skip


def vgg_16() -> list:
    """TF-slim vgg_16 up to pool5: 13 3x3 convolutions, five 2x2 poolings."""
    spec = []
    for block, convs in enumerate([2, 2, 3, 3, 3], start=1):
        spec += [_conv(3, name=f"conv{block}_{i}") for i in range(1, convs + 1)]
        spec.append(Layer(2, 2, 0, name=f"pool{block}"))
    return spec


def _bottleneck(stride: int, name: str) -> Parallel:
    main = (_conv(1), _conv(3, stride), _conv(1))
    shortcut = (Layer(1, stride),)
    return Parallel((main, shortcut), name=name)


def resnet_v1_50(stride_in_first_unit: bool = False) -> list:
    """TF-slim resnet_v1_50: strides in the *last* unit of blocks 1-3.

    ``stride_in_first_unit=True`` gives torchvision's placement instead (the
    first unit of stages 2-4), which changes the receptive field.
    """
    spec = [_conv(7, 2, 3, "conv1"), Layer(3, 2, 0, name="pool1")]
    for block, (units, stride) in enumerate([(3, 2), (4, 2), (6, 2), (3, 1)], start=1):
        for unit in range(1, units + 1):
            if stride_in_first_unit:
                s = 2 if unit == 1 and block > 1 else 1
            else:
                s = stride if unit == units else 1
            spec.append(_bottleneck(s, f"block{block}/unit{unit}"))
    return spec


def gaussian_width(weights: torch.Tensor) -> float:
    """Standard deviation of a 1-D weight profile treated as a distribution."""
    w = weights / weights.sum()
    pos = torch.arange(len(w), dtype=w.dtype)
    mean = (w * pos).sum()
    return math.sqrt(float((w * (pos - mean) ** 2).sum()))
