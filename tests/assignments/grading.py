"""Grade the built assignments (``make assignments``) the ways a teacher would.

``otter_run`` is the teacher's command, ``otter run``, on one notebook.
``answers_in_turn`` executes a solution notebook in this process, cell by
cell, and stops at each question's ``grader.check`` cell so that a test can
swap one answer for a wrong one and run that question's tests alone
(otter's own test runner, on the zip's test files, hidden tests included).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import nbformat
from otter.test_files import OKTestFile

ROOT = Path(__file__).resolve().parents[2]
BUILT = ROOT / "_build" / "assignments"
SOURCES = ROOT / "assignments"
WRONG = Path(__file__).resolve().parent / "wrong"
NAMES = sorted(p.stem for p in SOURCES.glob("[0-9][0-9]_*.md"))


def autograder(name: str) -> Path:
    return BUILT / name / f"{name}-autograder.zip"


def student(name: str) -> Path:
    return BUILT / name / "student" / f"{name}.ipynb"


def solution(name: str) -> Path:
    return BUILT / name / "autograder" / f"{name}.ipynb"


def graded(name: str) -> Path:
    """Where `make assignments` wrote its `otter run` of the solution."""
    return BUILT / name / "graded"


def otter_run(name: str, notebook: Path, out: Path) -> dict[str, float]:
    """``otter run`` with the chapter's autograder: each question's score."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "otter",
            "run",
            "-a",
            str(autograder(name)),
            "-o",
            str(out),
            str(notebook),
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    results = json.loads((out / "results.json").read_text())
    return {t["name"]: t["score"] for t in results["tests"] if "score" in t}


def question_tests(name: str, folder: Path) -> dict[str, OKTestFile]:
    """Every question's tests, hidden ones included, from the autograder zip."""
    with zipfile.ZipFile(autograder(name)) as z:
        members = [m for m in z.namelist() if m.startswith("tests/")]
        z.extractall(folder, members)
    paths = (folder / "tests").glob("*.py")
    return {p.stem: OKTestFile.from_file(str(p)) for p in paths}


def passes(tests: OKTestFile, namespace: dict) -> bool:
    """Do all of a question's test cases pass on (a copy of) this namespace?"""
    tests.run(dict(namespace))
    return tests.passed_all


def answers_in_turn(name: str) -> Iterator[tuple[str, dict]]:
    """Execute the solution notebook; yield (question, namespace) at each check."""
    matplotlib.use("Agg")
    namespace: dict = {"__name__": "__main__"}
    notebook = nbformat.read(solution(name), as_version=4)
    for i, cell in enumerate(notebook.cells):
        source = cell.source.strip()
        if cell.cell_type != "code" or "otter.Notebook(" in source:
            continue
        if source.startswith("grader.check("):
            yield source.split('"')[1], namespace
            continue
        exec(compile(source, f"<{name}, cell {i}>", "exec"), namespace)


def wrong_answers(name: str, question: str) -> list[Path]:
    """The wrong answers kept for one question: wrong/NN_name/qK*.py."""
    folder = WRONG / name
    return sorted(
        p for p in folder.glob(f"{question}*.py") if p.stem.split("_")[0] == question
    )
