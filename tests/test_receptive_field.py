"""Receptive fields: the two recursions, torch models, published architectures, bad
input."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from groundup.nn.receptive_field import (
    Layer,
    Parallel,
    alexnet_v2,
    bottom_up,
    empirical_receptive_field,
    from_torch,
    receptive_field,
    resnet_v1_50,
    top_down,
    vgg_16,
)

layers = st.builds(
    Layer,
    kernel=st.integers(1, 7),
    stride=st.integers(1, 3),
    padding=st.integers(0, 3),
    dilation=st.integers(1, 3),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(layers, min_size=1, max_size=8))
def test_top_down_equals_bottom_up(stack):
    assert top_down(stack) == bottom_up(stack).size


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (alexnet_v2, (195, 32, 64)),
        (vgg_16, (212, 32, 90)),
        (resnet_v1_50, (483, 32, 239)),
    ],
)
def test_published_architectures(spec, expected):
    field = receptive_field(spec())
    assert (field.size, field.stride, field.padding) == expected


def test_torchvision_stride_placement_shrinks_resnet():
    assert receptive_field(resnet_v1_50(stride_in_first_unit=True)).size == 427


def random_torch_stack(seed):
    gen = torch.Generator().manual_seed(seed)
    pick = lambda lo, hi: int(torch.randint(lo, hi + 1, (1,), generator=gen))  # noqa: E731
    modules = []
    for _ in range(pick(2, 5)):
        kind = pick(0, 2)
        k, s = pick(1, 5), pick(1, 2)
        if kind == 0:
            d = pick(1, 2)
            modules += [
                nn.Conv2d(1, 1, k, s, padding=pick(0, (k - 1) // 2), dilation=d),
                nn.ReLU(),
            ]
        elif kind == 1:
            modules.append(nn.MaxPool2d(max(k, 2), s, padding=pick(0, max(k, 2) // 2)))
        else:
            modules.append(nn.AvgPool2d(max(k, 2), s))
    return nn.Sequential(*modules)


@pytest.mark.parametrize("seed", range(12))
def test_analytic_equals_empirical_on_random_torch_stacks(seed):
    model = random_torch_stack(seed)
    spec, _ = from_torch(model, 128)
    assert empirical_receptive_field(model, 128) == receptive_field(spec).size


def test_batch_norm_in_training_mode_does_not_widen_the_measured_field():
    # in training mode batch statistics couple every position; at inference
    # (what a receptive field describes) batch normalisation is pointwise
    model = nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2), nn.ReLU(),
        nn.Conv2d(2, 2, 3, padding=1), nn.BatchNorm2d(2),
    )  # fmt: skip
    spec, _ = from_torch(model, 32)
    assert model.training and empirical_receptive_field(model, 32, channels=1) == 5
    assert receptive_field(spec).size == 5


class _Bottleneck(nn.Module):
    """A residual unit (1x1, 3x3 with the stride, 1x1) with a 1x1 shortcut."""

    def __init__(self, stride):
        super().__init__()
        self.conv1, self.conv3 = nn.Conv2d(1, 1, 1), nn.Conv2d(1, 1, 1)
        self.conv2 = nn.Conv2d(1, 1, 3, stride, 1)
        self.shortcut = nn.Conv2d(1, 1, 1, stride)
        self.bn, self.relu = nn.BatchNorm2d(1), nn.ReLU()

    def forward(self, x):
        main = self.conv3(self.relu(self.conv2(self.relu(self.conv1(x)))))
        return self.relu(self.bn(main) + self.shortcut(x))


def test_empirical_field_through_residual_units():
    strides = (1, 2, 1, 2)
    model = nn.Sequential(
        nn.Conv2d(1, 1, 7, 2, 3),
        nn.MaxPool2d(3, 2, 1),
        *[_Bottleneck(s) for s in strides],
    )
    unit = lambda s: Parallel(((Layer(1), Layer(3, s, 1), Layer(1)), (Layer(1, s),)))  # noqa: E731
    spec = [Layer(7, 2, 3), Layer(3, 2, 1)] + [unit(s) for s in strides]
    assert receptive_field(spec).size == 59
    assert empirical_receptive_field(model, 96) == 59


def test_region_and_centre_of_output_units():
    # the article's 5x5 picture
    field = receptive_field([Layer(3, 2, 1), Layer(3, 2, 1)])
    assert field.size == 7 and field.region(0) == (-3, 3) and field.centre(1) == 4.0


def test_residual_paths_merge_and_misaligned_paths_fail():
    unit = Parallel(((Layer(1), Layer(3, 1, 1), Layer(1)), (Layer(1),)))
    assert receptive_field([unit, unit]).size == 5
    with pytest.raises(ValueError, match="misaligned"):
        receptive_field([Parallel(((Layer(3, 1, 0),), (Layer(1),)))])  # centres differ
    with pytest.raises(ValueError, match="misaligned"):
        receptive_field([Parallel(((Layer(3, 2, 1),), (Layer(1),)))])  # strides differ


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Layer(0), "kernel"),
        (lambda: Layer(3, stride=0), "stride"),
        (lambda: Layer(3, padding=-1), "padding"),
        (lambda: receptive_field([3]), "Layer"),
        (lambda: from_torch(nn.Sequential(nn.Conv2d(1, 1, (3, 5))), 32), "square"),
        (lambda: from_torch(nn.Sequential(nn.Linear(4, 4)), 32), "geometry"),
        (
            lambda: from_torch(nn.Sequential(nn.AdaptiveAvgPool2d(1)), 32),
            "AdaptiveAvgPool2d",
        ),
        (
            lambda: empirical_receptive_field(
                nn.Sequential(nn.Conv2d(1, 1, 3), nn.Flatten(), nn.Linear(900, 4)), 32
            ),
            "Linear",
        ),
    ],
)
def test_bad_input(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()
