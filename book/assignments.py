"""Build the coursework: ``make assignments`` (the teachers' page explains it).

Each ``assignments/NN_name.md`` is a jupytext notebook in otter-assign's
format. For each, this script runs ``otter assign`` and lays out, under
``_build/assignments/``::

    NN_name/student/NN_name.ipynb     what students receive (public tests only)
    NN_name/autograder/NN_name.ipynb  the solution notebook (not published)
    NN_name/NN_name-autograder.zip    the teacher's autograder (all tests)
    site/assignments/                 student notebooks and zips, which the
                                      book build copies into the site
    questions.md                      the table of the teachers' page
    grade_seconds.json                how long otter run takes to grade
                                      each solution (which must score
                                      full marks)

``python book/assignments.py [NN_name ...]`` builds some of them.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "assignments"
OUT = ROOT / "_build" / "assignments"
SITE = OUT / "site" / "assignments"
# the first line of a question's prompt: **Question 3 (2 points): what it checks.**
TITLE = re.compile(r"\*\*Question \d+ \((\d+) points?(?:, written)?\): (.+?)\*\*", re.S)


def sources(names: list[str]) -> list[Path]:
    found = sorted(SOURCES.glob("[0-9][0-9]_*.md"))
    if names:
        found = [p for p in found if p.stem in names]
        missing = set(names) - {p.stem for p in found}
        if missing:
            raise SystemExit(f"no assignment source for {sorted(missing)}")
    return found


def build(source: Path) -> Path:
    """otter assign one source; return its folder under _build/assignments."""
    name = source.stem
    work = OUT / name
    shutil.rmtree(work, ignore_errors=True)
    master = work / "master" / f"{name}.ipynb"
    master.parent.mkdir(parents=True)
    nbformat.write(jupytext.read(source), master)
    subprocess.run(
        [sys.executable, "-m", "otter", "assign", master.name, str(work / "dist")],
        cwd=master.parent,
        check=True,
        capture_output=True,
    )
    dist = work / "dist"
    shutil.move(dist / "student", work / "student")
    shutil.move(dist / "autograder", work / "autograder")
    (zipped,) = (work / "autograder").glob(f"{name}-autograder_*.zip")
    shutil.move(zipped, work / f"{name}-autograder.zip")  # a name without a date
    shutil.rmtree(dist)
    SITE.mkdir(parents=True, exist_ok=True)
    shutil.copy(work / "student" / f"{name}.ipynb", SITE / f"{name}.ipynb")
    shutil.copy(work / f"{name}-autograder.zip", SITE / f"{name}-autograder.zip")
    return work


def questions(source: Path) -> list[dict]:
    """Each question of a source: its name, points, kind and title."""
    notebook = jupytext.read(source)
    found, current = [], None
    for cell in notebook.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and text.startswith("# BEGIN QUESTION"):
            config = yaml.safe_load(text.removeprefix("# BEGIN QUESTION"))
            current = {
                "name": config["name"],
                "points": config["points"],
                "kind": "written" if config.get("manual") else "autograded",
                "title": None,
            }
            found.append(current)
        elif cell.cell_type == "markdown" and current and current["title"] is None:
            match = TITLE.search(text)
            if not match or int(match[1]) != current["points"]:
                raise SystemExit(
                    f"{source.name}, {current['name']}: its prompt must open with "
                    f"'**Question N ({current['points']} points): title.**'"
                )
            current["title"] = " ".join(match[2].split()).rstrip(".")
    return found


def grade_seconds(work: Path) -> float:
    """Seconds ``otter run`` takes to grade the solution notebook: a teacher's
    time per submission. Fails the build unless the solution scores full marks."""
    name = work.name
    out = work / "graded"
    out.mkdir()
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "otter",
            "run",
            "-a",
            f"{name}-autograder.zip",
            "-o",
            str(out),
            f"autograder/{name}.ipynb",
        ],  # fmt: skip
        cwd=work,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    tests = json.loads((out / "results.json").read_text())["tests"]
    lost = [t["name"] for t in tests if "score" in t and t["score"] < t["max_score"]]
    if lost:
        raise SystemExit(f"{name}: the solution loses points on {lost}")
    return seconds


WRITTEN = {"written": ", written", "autograded": ""}
LINK = '<a href="../assignments/{0}">{0}</a>'


def page(paths: list[Path], seconds: dict[str, float]) -> str:
    """The teachers' page's table: each assignment's files, questions, points."""
    lines = [
        "| assignment | student notebook and autograder | questions (points) "
        "| graded in |",
        "|---|---|---|---:|",
    ]
    for path in paths:
        name = path.stem
        listed = "<br>".join(
            f"{q['name']} ({q['points']}{WRITTEN[q['kind']]}): {q['title']}"
            for q in questions(path)
        )
        files = (
            LINK.format(f"{name}.ipynb")
            + "<br>"
            + LINK.format(f"{name}-autograder.zip")
        )
        lines.append(f"| {name} | {files} | {listed} | {seconds[name]:.0f} s |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="NN_name of the sources to build")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    paths = sources(args.names)
    if not args.names:
        shutil.rmtree(OUT, ignore_errors=True)
    with ThreadPoolExecutor(args.jobs) as pool:
        built = list(pool.map(build, paths))
        seconds = list(pool.map(grade_seconds, built))
    timings = {w.name: t for w, t in zip(built, seconds, strict=True)}
    for work in built:
        print(f"built {work.relative_to(ROOT)}: graded in {timings[work.name]:.1f} s")
    record = OUT / "grade_seconds.json"
    known = json.loads(record.read_text()) if record.exists() else {}
    record.write_text(json.dumps(known | timings, indent=1))
    paths = [p for p in sources([]) if p.stem in known | timings]
    (OUT / "questions.md").write_text(page(paths, known | timings))


if __name__ == "__main__":
    main()
