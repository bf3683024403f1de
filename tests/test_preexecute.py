"""book/preexecute.py: chapters read as myst-nb reads them, and its arguments."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "preexecute", ROOT / "book" / "preexecute.py"
)
preexecute = importlib.util.module_from_spec(spec)
spec.loader.exec_module(preexecute)


def test_read_gives_the_chapter_cells():
    nb = preexecute.read(ROOT / "notebooks" / "06_receptive_field.md")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and "seed_everything()" in "".join(c.source for c in code)
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_jobs_must_be_positive(capsys):
    with pytest.raises(SystemExit):
        preexecute.main(["--jobs", "0", "notebooks/06_receptive_field.md"])
    assert "--jobs must be at least 1" in capsys.readouterr().err
