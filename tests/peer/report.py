"""Write book/compatibility.md from a peer-suite run (``make compatibility``).

``python -m tests.peer.report [RESULTS.json [SLOW.json]]`` reads the JSON that
the plugin writes with ``--peer-results`` (``make peer`` leaves it in
``_build/peer/results.json``, ``make peer-slow`` the slow groups' outcomes in
``_build/peer/results-slow.json``) and rebuilds the page's tables, so every
number on the page comes from a run.
"""

from __future__ import annotations

import json
import platform
import sys
from collections import Counter
from datetime import date
from importlib.metadata import version
from pathlib import Path

from tests.peer.adapt import DEFAULT_OUT, ROOT, SUITES

PAGE = ROOT / "book" / "compatibility.md"
PEER_PACKAGE = {"sklearn": "scikit-learn", "gensim": "gensim"}

INTRO = """# Compatibility with the peers' own tests

Our estimators say they behave like scikit-learn's, and our `Word2Vec` like
gensim's. The strongest check of that claim is a test suite that nobody here
wrote: the peers' own. `tests/peer/adapt.py` copies scikit-learn's tests of
trees, forests, AdaBoost and gradient boosting, and gensim's tests of
Word2Vec, from the installed packages, and changes only their import
statements, so that the names `DecisionTreeClassifier`, `RandomForestRegressor`,
`GradientBoostingClassifier`, `Word2Vec` and the others refer to ours. Every
other line of the peers' files is checked to be unchanged.

A test is either *in scope*, and then it must pass, or listed in
`tests/peer/out_of_scope.toml` in a group with a reason: a feature we do not
provide (sparse input, ExtraTrees, warm start, multi-output, ...), a test that
reads a peer's private attribute or exact error wording, or a convention that
differs without a wrong answer. The triage found genuine bugs as well, most
of them silently wrong answers (NaN votes in AdaBoost at a large learning
rate, a constant tree for targets scaled by 1e200, NaN word vectors on
gensim's Lee corpus, forest importances that did not sum to one, ...); each
is fixed, with a regression test in `tests/test_peer_regressions.py`.
Listed tests still run and are expected to fail: one that starts passing fails
the run, so the list stays true. Tests listed under *skip* do not run: they
exercise only the peer's own code (scikit-learn's ExtraTrees,
RandomTreesEmbedding and Cython helpers, gensim's corpus readers and
scripts), so a pass would say nothing about ours.
Tests in a *slow* group are in scope and must pass too, but they train on
gensim's corpora for minutes, so they run in `make peer-slow` instead of in
every `make test`. Rerun with `make peer` (the suites), `make peer-slow` (the
slow groups) or `make compatibility` (both, then this page).

"""


def load(path: Path, slow: Path | None = None) -> dict:
    """The plugin's JSON: groups and one row per test; a slow run's rows
    replace the default run's (where the slow tests were skipped)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if slow is not None and slow.exists():
        rows = {t["test"]: t for t in data["tests"]}
        slow_rows = json.loads(slow.read_text(encoding="utf-8"))["tests"]
        rows.update({t["test"]: t for t in slow_rows})
        data["tests"] = list(rows.values())
    return data


def suite_of(test: str) -> str:
    """The file name part of a ``file.py::test`` id."""
    return test.split("::", 1)[0]


def suite_table(data: dict) -> str:
    """Per suite: collected, in scope, passing, listed, skipped by the peer."""
    lines = [
        "| suite (peer version) | collected | in scope | of which slow | passing "
        "| failing | skipped | listed: expected to fail | listed: skipped |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    modes = {name: g["mode"] for name, g in data["groups"].items()}
    for suite in SUITES:
        rows = [t for t in data["tests"] if suite_of(t["test"]) == suite.name]
        if not rows:
            lines.append(f"| `{suite.name}` | not in this run ||||||||")
            continue
        listed = [t for t in rows if t["group"] and modes[t["group"]] != "slow"]
        scope = [t for t in rows if t not in listed]
        slow = sum(bool(t["group"]) for t in scope)
        count = Counter(t["outcome"] for t in scope)
        mode = Counter(modes[t["group"]] for t in listed)
        package = PEER_PACKAGE[suite.module.split(".")[0]]
        lines.append(
            f"| `{suite.name}` ({package} {version(package)}) | {len(rows)} "
            f"| {len(scope)} | {slow} | {count['passed']} "
            f"| {count['failed'] + count['error']} | {count['skipped']} "
            f"| {mode['xfail']} | {mode['skip']} |"
        )
    return "\n".join(lines)


def group_table(data: dict) -> str:
    """Per out-of-scope group: its reason and how many tests of each suite."""
    names = [s.name for s in SUITES]
    head = " | ".join(f"`{n.removeprefix('test_').removesuffix('.py')}`" for n in names)
    lines = [
        f"| group | kind | reason | {head} |",
        "|---|---|---|" + "---:|" * len(names),
    ]
    count = Counter((t["group"], suite_of(t["test"])) for t in data["tests"])
    for name, group in data["groups"].items():
        kind = {"xfail": "expected to fail", "skip": "skipped"}.get(
            group["mode"], "in scope, slow"
        )
        cells = " | ".join(str(count[name, n]) for n in names)
        lines.append(f"| `{name}` | {kind} | {group['reason']} | {cells} |")
    return "\n".join(lines)


def page(data: dict, seconds: float | None) -> str:
    """The whole page."""
    when = f"Measured {date.today().isoformat()}, {platform.machine()}, "
    when += f"Python {platform.python_version()}"
    when += f", the default run took {seconds:.0f} s." if seconds else "."
    return (
        INTRO
        + when
        + "\n\n## Per suite\n\n"
        + suite_table(data)
        + "\n\n## Out of scope, by reason\n\n"
        + group_table(data)
        + "\n"
    )


def main(argv: list[str]) -> int:
    """``python -m tests.peer.report [RESULTS.json] [--seconds N]``."""
    seconds = None
    if "--seconds" in argv:
        i = argv.index("--seconds")
        seconds = float(argv[i + 1])
        argv = argv[:i] + argv[i + 2 :]
    path = Path(argv[0]) if argv else DEFAULT_OUT / "results.json"
    slow = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT / "results-slow.json"
    PAGE.write_text(page(load(path, slow), seconds), encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
