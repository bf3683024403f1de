"""pytest plugin for the adapted peer suites (loaded by the generated conftest).

It gives the peers' tests what their own conftest would (scikit-learn's
``global_random_seed``), applies ``tests/peer/out_of_scope.toml`` and can
write every test's outcome and group to a JSON file for the report.

The list is kept true in both directions: a listed test that starts passing
fails the run (``xfail(strict=True)``), and a pattern that matches no
collected test fails it too (a stale entry). Tests in a ``slow`` group are in
scope but too slow for every run: they are skipped unless ``--peer-slow`` is
given, which runs them alone (``make peer-slow``).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

# scikit-learn's own conftest pieces the tests rely on: global_random_seed
# (42 unless SKLEARN_TESTS_GLOBAL_RANDOM_SEED says otherwise) and the dataset
# fixture that skips unless downloads are allowed, as in scikit-learn's runs.
from sklearn.conftest import (  # noqa: F401
    fetch_california_housing_fxt,
    pytest_generate_tests,
)

LIST = Path(__file__).with_name("out_of_scope.toml")
# The kinds of group, in the order a test is matched against them.
MODES = ("skip", "slow", "xfail")
# Markers the peers' tests use that their own conftest registers.
PEER_MARKERS = ("thread_unsafe", "network", "skipif_32bit")


def pytest_addoption(parser):
    """--peer-results PATH writes each test's outcome and group as JSON."""
    parser.addoption("--peer-results", default=None, help="write outcomes as JSON")
    parser.addoption("--peer-list", default=str(LIST), help="out-of-scope list")
    parser.addoption(
        "--peer-slow", action="store_true", help="run only the slow groups' tests"
    )


def pytest_configure(config):
    """Register the peers' markers; quiet pytest's notes on the peers' style."""
    for name in PEER_MARKERS:
        config.addinivalue_line("markers", f"{name}: used by the peers' tests")
    # scikit-learn parametrises with zip(...), which pytest 9 warns about.
    config.addinivalue_line("filterwarnings", "ignore::pytest.PytestRemovedIn10Warning")


@pytest.fixture(autouse=True)
def peer_in_a_temporary_folder(request, tmp_path, monkeypatch):
    """gensim's script test writes vec.txt to the working folder: not ours."""
    if request.path.name == "test_word2vec.py":
        monkeypatch.chdir(tmp_path)


def load_groups(path: str | Path) -> list[dict]:
    """The list's groups, skip groups first, each with its compiled patterns."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    unknown = set(data) - set(MODES)
    if unknown:
        raise pytest.UsageError(f"{path}: unknown sections {sorted(unknown)}")
    groups = []
    for mode in MODES:
        for name, body in data.get(mode, {}).items():
            if not body.get("reason") or not body.get("tests"):
                raise pytest.UsageError(f"{path}: group {name} needs reason and tests")
            groups.append(
                {
                    "name": name,
                    "mode": mode,
                    "reason": body["reason"],
                    "patterns": list(body["tests"]),
                    "regexes": [glob_regex(p) for p in body["tests"]],
                }
            )
    return groups


def glob_regex(pattern: str) -> re.Pattern:
    """``*`` and ``?`` as wildcards, every other character literal.

    fnmatch would read the brackets of parametrised ids as character classes.
    """
    wild = {"*": ".*", "?": "."}
    parts = (wild.get(c, re.escape(c)) for c in pattern)
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


def node_key(item) -> str:
    """``file.py::test[params]``: the node id without the folder."""
    return item.path.name + "::" + item.nodeid.split("::", 1)[1]


def whole_files_collected(config) -> bool:
    """True unless the run names single tests (then few patterns can match)."""
    return not any("::" in str(arg) for arg in config.args)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """Mark listed tests; fail on patterns that match no collected test.

    tryfirst: we see every collected test before ``-k``/``-m`` deselect some.
    """
    groups = load_groups(config.getoption("peer_list"))
    hits = {(g["name"], p): 0 for g in groups for p in g["patterns"]}
    slow_run, others = config.getoption("peer_slow"), []
    for item in items:
        group = first_match(groups, node_key(item), hits)
        if group is not None:
            item.user_properties.append(("peer_group", group["name"]))
        if slow_run and (group is None or group["mode"] != "slow"):
            others.append(item)
        elif group is not None:
            mark(item, group, slow_run)
    check_stale(config, items, hits)
    if others:  # --peer-slow: the slow groups' tests alone
        config.hook.pytest_deselected(items=others)
        drop = set(others)
        items[:] = [item for item in items if item not in drop]


def mark(item, group: dict, slow_run: bool) -> None:
    """Skip, expect to fail, or (slow, outside --peer-slow) skip for time."""
    reason = f"{group['name']}: {group['reason']}"
    if group["mode"] == "skip":
        item.add_marker(pytest.mark.skip(reason=reason))
    elif group["mode"] == "xfail":
        item.add_marker(pytest.mark.xfail(strict=True, reason=reason))
    elif not slow_run:
        item.add_marker(pytest.mark.skip(reason=f"{reason} (make peer-slow)"))


def first_match(groups, key, hits):
    """The first group with a pattern matching ``key``; counts every hit."""
    found = None
    for group in groups:
        for pattern, regex in zip(group["patterns"], group["regexes"], strict=True):
            if regex.match(key):
                hits[group["name"], pattern] += 1
                found = found or group
    return found


def check_stale(config, items, hits):
    """A pattern for a collected file that matches nothing is an error."""
    if not whole_files_collected(config):
        return
    files = {item.path.name for item in items}
    stale = [
        f"{name}: {pattern}"
        for (name, pattern), n in hits.items()
        if n == 0 and pattern.split("::", 1)[0] in files
    ]
    if stale:
        raise pytest.UsageError(
            "out_of_scope.toml has patterns that match no test:\n  "
            + "\n  ".join(stale)
        )


# Every phase report of every test, by node id (for --peer-results).
_REPORTS: dict = {}


def pytest_runtest_logreport(report):
    """Keep the phases of each test, for the JSON of --peer-results."""
    _REPORTS.setdefault(report.nodeid, []).append(report)


def outcome(reports) -> tuple[str, float]:
    """One word for a test from its phases, and its call time in seconds."""
    word, seconds = "passed", 0.0
    for rep in reports:
        if rep.when == "call":
            seconds = rep.duration
        if hasattr(rep, "wasxfail"):
            word = "xfailed" if rep.skipped else "xpassed"
        elif rep.failed:
            word = "failed" if rep.when == "call" else "error"
        elif rep.skipped:
            word = "skipped"
        if word != "passed":
            break
    return word, seconds


def crash(reports) -> str:
    """The first line of the first failure's message ('' when none failed)."""
    for rep in reports:
        if rep.failed and getattr(rep.longrepr, "reprcrash", None) is not None:
            return rep.longrepr.reprcrash.message.splitlines()[0][:300]
    return ""


def group_of(reports) -> str | None:
    """The out-of-scope group the plugin put the test in, if any."""
    for rep in reports:
        for key, value in rep.user_properties:
            if key == "peer_group":
                return value
    return None


def pytest_sessionfinish(session, exitstatus):
    """Write --peer-results on the controller (not on xdist workers)."""
    path = session.config.getoption("peer_results")
    if not path or hasattr(session.config, "workerinput"):
        return
    rows = []
    for nodeid, reports in _REPORTS.items():
        word, seconds = outcome(reports)
        rows.append(
            {
                "test": nodeid.rsplit("/", 1)[-1],
                "outcome": word,
                "group": group_of(reports),
                "seconds": round(seconds, 3),
                "error": crash(reports),
            }
        )
    groups = load_groups(session.config.getoption("peer_list"))
    meta = {g["name"]: {"mode": g["mode"], "reason": g["reason"]} for g in groups}
    payload = {"groups": meta, "tests": rows, "exitstatus": int(exitstatus)}
    Path(path).write_text(json.dumps(payload, indent=1), encoding="utf-8")
