"""groundup.utils: seeding, device choice and the plot style."""

import matplotlib as mpl
import numpy as np
import pytest
import torch

from groundup.utils import STYLE, device, seed_everything, use_book_style


def test_seed_everything_makes_draws_repeat():
    a = seed_everything(3).random(4), np.random.rand(2), torch.rand(2)
    b = seed_everything(3).random(4), np.random.rand(2), torch.rand(2)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert torch.equal(a[2], b[2])


@pytest.mark.parametrize("seed", [-1, 1.5, "1", True])
def test_seed_must_be_a_natural_number(seed):
    with pytest.raises(ValueError, match="seed"):
        seed_everything(seed)


def test_device_is_cuda_exactly_when_available():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert device().type == expected
    assert device("cpu").type == "cpu"
    with pytest.raises(ValueError, match="prefer"):
        device("tpu")


def test_book_style_is_applied():
    use_book_style()
    assert mpl.rcParams["axes.grid"] is STYLE["axes.grid"]
    assert mpl.rcParams["axes.spines.top"] is False


def test_progress_passes_items_through_and_can_be_silenced(monkeypatch, capsys):
    from groundup.utils import progress

    monkeypatch.setenv("GROUNDUP_PROGRESS", "0")
    assert list(progress(range(3), desc="x")) == [0, 1, 2]
    assert capsys.readouterr().err == ""
