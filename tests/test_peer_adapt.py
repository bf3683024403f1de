"""The peer-suite adapter: it changes import statements only, and every rewrite
still matches the installed peers' files (tests/peer/adapt.py)."""

import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = ["pytester"]  # runs the plugin on a tiny suite of its own


def _load(name: str):
    """tests/peer/<name>.py as a module (tests/ is not on sys.path)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # adapt imports as tests.peer.adapt
    return importlib.import_module(f"tests.peer.{name}")


adapt = _load("adapt")
plugin = _load("plugin")


@pytest.mark.parametrize("suite", adapt.SUITES, ids=lambda s: s.name)
def test_every_rewrite_matches_once_and_bodies_are_unchanged(suite):
    path, original = adapt.peer_source(suite)
    adapted = adapt.rewrite(suite, original)  # raises if a pattern drifted
    assert adapted != original
    assert adapt.body_unchanged(original, adapted)
    for old, new in suite.rewrites:
        assert old not in adapted or old in new


@pytest.mark.parametrize("suite", adapt.SUITES, ids=lambda s: s.name)
def test_our_names_are_bound_in_the_adapted_module(suite):
    """The rewritten imports name groundup (or the gensim shim), not the peer."""
    adapted = adapt.adapt(suite)
    assert "from groundup." in adapted or "from tests.peer.shim" in adapted


def test_a_changed_body_line_is_caught():
    original = "import numpy as np\n\nx = 1\n"
    assert adapt.body_unchanged(original, "import scipy as np\n\nx = 1\n")
    assert not adapt.body_unchanged(original, "import numpy as np\n\nx = 2\n")
    # a replacement that smuggles in a statement is a body change too
    assert not adapt.body_unchanged(original, "import numpy as np\ny = 0\n\nx = 1\n")


def test_a_drifted_pattern_fails_loudly():
    suite = adapt.Suite("x.py", "m", (("from a import b\n", "from c import b\n"),))
    with pytest.raises(ValueError, match="found 0 times"):
        adapt.rewrite(suite, "from a import (b)\n")


def test_glob_patterns_take_brackets_literally():
    regex = plugin.glob_regex("test_tree.py::test_x[Extra*]")
    assert regex.match("test_tree.py::test_x[ExtraTreeClassifier-gini]")
    assert not regex.match("test_tree.py::test_x[DecisionTreeClassifier]")
    assert not plugin.glob_regex("f.py::t[a]").match("f.py::ta")


def test_out_of_scope_list_is_well_formed():
    """Every group has a reason and patterns that name one of the suites."""
    groups = plugin.load_groups(plugin.LIST)
    names = {s.name for s in adapt.SUITES}
    assert groups
    for group in groups:
        for pattern in group["patterns"]:
            assert pattern.split("::", 1)[0] in names, (group["name"], pattern)
    data = tomllib.loads(plugin.LIST.read_text())
    for kind in plugin.MODES:
        for name, group in data.get(kind, {}).items():
            assert group["reason"].strip() and group["tests"], (kind, name)


DEMO = """
def test_fast():
    pass

def test_slow():
    pass

def test_known_gap():
    assert False
"""

DEMO_LIST = """
[slow.demo_slow]
reason = "trains for minutes"
tests = ["test_demo.py::test_slow"]

[xfail.demo_gap]
reason = "a feature we do not provide"
tests = ["test_demo.py::test_known_gap"]
"""


def test_slow_groups_run_only_with_peer_slow(pytester):
    """A slow group is in scope: skipped in the default run, and the only
    thing that runs (and must pass) under --peer-slow."""
    pytester.makepyfile(test_demo=DEMO)
    listing = pytester.makefile(".toml", demo_list=DEMO_LIST)
    options = ("-p", "tests.peer.plugin", "--peer-list", str(listing))
    default = pytester.runpytest(*options)
    default.assert_outcomes(passed=1, skipped=1, xfailed=1)
    slow = pytester.runpytest(*options, "--peer-slow", "-v")
    slow.assert_outcomes(passed=1, deselected=2)
    slow.stdout.fnmatch_lines(["*test_slow PASSED*"])
