"""groundup.utils: seeding, device choice and the plot style."""

import matplotlib as mpl
import numpy as np
import pytest
import torch

from groundup import utils
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


def test_seed_defaults_to_the_environment(monkeypatch):
    from groundup.utils import book_seed, seeds

    monkeypatch.delenv("GROUNDUP_SEED", raising=False)
    assert book_seed() == 0
    a = seed_everything().random(3)
    np.testing.assert_array_equal(a, seed_everything(0).random(3))
    monkeypatch.setenv("GROUNDUP_SEED", "2")
    assert book_seed() == 2
    np.testing.assert_array_equal(
        seed_everything().random(3), seed_everything(2).random(3)
    )
    assert seeds(5) == [200, 201, 202, 203, 204]
    monkeypatch.setenv("GROUNDUP_SEED", "x")
    with pytest.raises(ValueError, match="GROUNDUP_SEED"):
        book_seed()


@pytest.mark.parametrize("n", [0, 101, 2.0, True])
def test_seeds_rejects_bad_counts(n):
    from groundup.utils import seeds

    with pytest.raises(ValueError, match="n must"):
        seeds(n)


def test_thread_policy_defaults_to_one_thread(monkeypatch):
    from groundup.utils import set_threads

    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("GROUNDUP_THREADS", raising=False)
        assert set_threads() == 1
        monkeypatch.setenv("GROUNDUP_THREADS", "2")
        assert set_threads() == 2
        with pytest.raises(ValueError, match="GROUNDUP_THREADS"):
            monkeypatch.setenv("GROUNDUP_THREADS", "-1")
            set_threads()
        with pytest.raises(ValueError, match="n must"):
            set_threads(1.5)
    finally:
        torch.set_num_threads(before)


def test_interleaved_takes_turns_and_times_every_call():
    from groundup.utils import interleaved, median, timeit

    calls = []
    recorded = interleaved(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
        repeats=3,
        warmup=1,
    )
    # one warm-up round, then three timed rounds in turns
    assert calls == ["a", "b"] * 4
    assert list(recorded) == ["a", "b"] and len(recorded["b"]) == 3
    assert median([3.0, 1.0, 2.0]) == 2.0
    counted = []
    timeit(lambda: counted.append(1), repeats=2, warmup=1)
    assert len(counted) == 3
    with pytest.raises(ValueError, match="repeats"):
        interleaved({"a": lambda: None}, repeats=0)
    with pytest.raises(ValueError, match="runs"):
        interleaved({})


def test_glue_writes_what_myst_nb_writes(monkeypatch):
    import IPython.display
    from myst_nb import glue as myst_glue

    from groundup.utils import glue

    shown = []
    monkeypatch.setattr(
        IPython.display, "display", lambda *a, **k: shown.append((a, k))
    )
    import myst_nb.ext.glue as ext

    monkeypatch.setattr(ext, "ipy_display", lambda *a, **k: shown.append((a, k)))
    glue("gap", 0.25)
    myst_glue("gap", 0.25, display=False)
    assert shown[0] == shown[1]
    assert shown[0][0][0] == {"application/papermill.record/text/plain": "0.25"}
    with pytest.raises(ValueError, match="name"):
        glue("", 1)


def test_benchmark_record_reads_what_the_benchmark_wrote():
    record = utils.benchmark_record("word2vec")
    assert {"measured", "machine", "rows"} <= set(record)
    with pytest.raises(ValueError, match="name"):
        utils.benchmark_record("../word2vec")
    with pytest.raises(FileNotFoundError, match="python -m benchmarks nothing_here"):
        utils.benchmark_record("nothing_here")
