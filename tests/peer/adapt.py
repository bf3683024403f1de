"""Copy the peers' own test files and rebind their estimator names to ours.

scikit-learn ships its tests inside the installed package and gensim ships
``test_word2vec.py``; this script finds each one through ``importlib`` (so it
always reads the installed version, never a hard-coded path), replaces a few
import statements so that the peer's estimator names refer to groundup's, and
writes the result into a generated, git-ignored folder (``_build/peer``).

Only import statements change. Each rewrite is an exact piece of text that must
occur exactly once in the peer's file: when a new peer release moves or renames
an import, the script fails loudly instead of quietly testing the peer against
itself. ``body_unchanged`` then checks that every line outside an import
statement is byte-identical to the peer's.

Run ``python -m tests.peer.adapt [OUTDIR]``; the pytest plugin in
``tests/peer/plugin.py`` applies ``tests/peer/out_of_scope.toml``.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "_build" / "peer"


@dataclass(frozen=True)
class Suite:
    """One peer test file: its module, and the import rewrites applied to it."""

    name: str  # the file name written into the output folder
    module: str  # the peer's test module, found through importlib
    rewrites: tuple[tuple[str, str], ...]  # (exact import text, replacement)


# The declarative table. Names the peer has and we do not (ExtraTrees,
# RandomTreesEmbedding, ...) stay bound to the peer's classes, so their tests
# still collect and are listed out of scope by name.
SUITES = (
    Suite(
        "test_tree.py",
        "sklearn.tree.tests.test_tree",
        (
            (
                "from sklearn.tree import (\n"
                "    DecisionTreeClassifier,\n"
                "    DecisionTreeRegressor,\n"
                "    ExtraTreeClassifier,\n"
                "    ExtraTreeRegressor,\n"
                ")\n",
                "from sklearn.tree import ExtraTreeClassifier, ExtraTreeRegressor\n"
                "from groundup.trees import DecisionTreeClassifier, "
                "DecisionTreeRegressor\n",
            ),
        ),
    ),
    Suite(
        "test_forest.py",
        "sklearn.ensemble.tests.test_forest",
        (
            (
                "from sklearn.ensemble import (\n"
                "    ExtraTreesClassifier,\n"
                "    ExtraTreesRegressor,\n"
                "    RandomForestClassifier,\n"
                "    RandomForestRegressor,\n"
                "    RandomTreesEmbedding,\n"
                ")\n",
                "from sklearn.ensemble import (\n"
                "    ExtraTreesClassifier,\n"
                "    ExtraTreesRegressor,\n"
                "    RandomTreesEmbedding,\n"
                ")\n"
                "from groundup.ensemble import RandomForestClassifier, "
                "RandomForestRegressor\n",
            ),
        ),
    ),
    Suite(
        "test_weight_boosting.py",
        "sklearn.ensemble.tests.test_weight_boosting",
        (
            (
                "from sklearn.ensemble import AdaBoostClassifier, AdaBoostRegressor\n",
                "from groundup.boosting import AdaBoostClassifier, AdaBoostRegressor\n",
            ),
            (
                "from sklearn.tree import DecisionTreeClassifier, "
                "DecisionTreeRegressor\n",
                "from groundup.trees import DecisionTreeClassifier, "
                "DecisionTreeRegressor\n",
            ),
            # test_estimator imports the forests inside its body: ours too.
            (
                "    from sklearn.ensemble import RandomForestClassifier\n",
                "    from groundup.ensemble import RandomForestClassifier\n",
            ),
            (
                "    from sklearn.ensemble import RandomForestRegressor\n",
                "    from groundup.ensemble import RandomForestRegressor\n",
            ),
        ),
    ),
    Suite(
        "test_gradient_boosting.py",
        "sklearn.ensemble.tests.test_gradient_boosting",
        (
            (
                "from sklearn.ensemble import GradientBoostingClassifier, "
                "GradientBoostingRegressor\n",
                "from groundup.boosting import GradientBoostingClassifier, "
                "GradientBoostingRegressor\n",
            ),
        ),
    ),
    Suite(
        "test_word2vec.py",
        "gensim.test.test_word2vec",
        (
            # The shims are gensim's modules with Word2Vec / KeyedVectors ours.
            (
                "from gensim.models import word2vec, keyedvectors\n",
                "from tests.peer.shim import word2vec, keyedvectors\n",
            ),
        ),
    ),
)


def peer_source(suite: Suite) -> tuple[Path, str]:
    """The installed peer test file of ``suite`` and its text."""
    spec = importlib.util.find_spec(suite.module)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"peer test module {suite.module} is not installed")
    path = Path(spec.origin)
    return path, path.read_text(encoding="utf-8")


def rewrite(suite: Suite, text: str) -> str:
    """Apply the suite's rewrites; each pattern must occur exactly once."""
    for old, new in suite.rewrites:
        count = text.count(old)
        if count != 1:
            # Peer version drift: the import moved or changed; fix the table.
            raise ValueError(
                f"{suite.name}: rewrite pattern found {count} times, expected 1:\n{old}"
            )
        text = text.replace(old, new)
    return text


def import_lines(text: str) -> set[int]:
    """1-based numbers of the lines that belong to an import statement."""
    lines = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def body_lines(text: str) -> list[str]:
    """Every line of ``text`` outside an import statement, in order."""
    skip = import_lines(text)
    return [ln for i, ln in enumerate(text.splitlines(), 1) if i not in skip]


def body_unchanged(original: str, adapted: str) -> bool:
    """True when the adaptation touched import statements only."""
    return body_lines(original) == body_lines(adapted)


def adapt(suite: Suite) -> str:
    """The adapted text of one suite, checked to differ only in imports."""
    path, original = peer_source(suite)
    adapted = rewrite(suite, original)
    if not body_unchanged(original, adapted):
        raise ValueError(f"{suite.name}: a rewrite changed a line outside imports")
    header = f"# Generated by tests/peer/adapt.py from {path.name} of {suite.module}.\n"
    return header + adapted


CONFTEST = '''"""Generated by tests/peer/adapt.py: loads groundup's peer plugin."""

import sys

# The repository root, so that tests.peer.plugin and tests.peer.shim import.
sys.path.insert(0, {root!r})

from tests.peer.plugin import *  # noqa: E402,F401,F403
'''


def generate(out: Path = DEFAULT_OUT) -> list[Path]:
    """Write every adapted suite and the conftest into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for suite in SUITES:
        target = out / suite.name
        target.write_text(adapt(suite), encoding="utf-8")
        written.append(target)
    (out / "conftest.py").write_text(CONFTEST.format(root=str(ROOT)))
    return written


def main(argv: list[str]) -> int:
    """Command line: ``python -m tests.peer.adapt [OUTDIR]``."""
    out = Path(argv[0]) if argv else DEFAULT_OUT
    for path in generate(out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
