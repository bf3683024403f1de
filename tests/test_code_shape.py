"""The shape of the package's code: short functions, public code on the page.

These are the rules of CONTRIBUTING.md ("Code a reader can follow") that a
machine can check: no function in ``src/`` runs longer than 40 lines of code
(30 in the tree engine, whose kernels the chapters print), a chapter prints
only public code with ``literalinclude``, and no module outside
``groundup.trees`` touches a private member defined there.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "groundup"
MODULES = sorted(SRC.rglob("*.py"))
TREE_ENGINE = ("trees/", "boosting/xgb_")  # the level-wise kernels (chapters 1 and 4)


def code_lines(node: ast.FunctionDef) -> int:
    """Lines of a function after its signature and docstring."""
    body = node.body
    if ast.get_docstring(node) is not None:
        body = body[1:] or body
    return node.end_lineno - body[0].lineno + 1


def functions(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_functions_are_short(path):
    limit = 30 if any(part in path.as_posix() for part in TREE_ENGINE) else 40
    long = {f.name: code_lines(f) for f in functions(path) if code_lines(f) > limit}
    assert long == {}, f"functions over {limit} lines of code: {long}"


def test_the_length_rule_can_fail():
    tree = ast.parse("def f():\n    '''Doc.'''\n" + "    x = 1\n" * 41)
    assert code_lines(tree.body[0]) == 41


INCLUDE = re.compile(
    r"```\{literalinclude\}\s+(\S+)\n(?::[^\n]*\n)*?:pyobject:\s*(\S+)"
)


def included_objects() -> list[tuple[str, str, str]]:
    found = []
    for chapter in sorted((ROOT / "notebooks").glob("*.md")):
        for path, obj in INCLUDE.findall(chapter.read_text()):
            found.append((chapter.stem, path, obj))
    return found


def test_every_include_is_found():
    assert len(included_objects()) >= 20


@pytest.mark.parametrize(("chapter", "path", "obj"), included_objects())
def test_chapters_print_only_public_code(chapter, path, obj):
    private = [p for p in obj.split(".") if p.startswith("_") and not p.endswith("__")]
    assert private == [], f"{chapter} prints the private {obj} of {path}"


def private_names_of_trees() -> set[str]:
    """Private attributes and methods that ``groundup.trees`` defines."""
    names = set()
    for path in (SRC / "trees").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            name = None
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                name = node.name
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                name = node.attr
            elif isinstance(node, ast.AnnAssign | ast.Assign):
                targets = (
                    node.targets if isinstance(node, ast.Assign) else [node.target]
                )
                name = next((t.id for t in targets if isinstance(t, ast.Name)), None)
            if name and name.startswith("_") and not name.endswith("__"):
                names.add(name)
    return names


def test_no_module_outside_trees_touches_their_private_members():
    # scikit-learn's declared table, read by the shared validator (its protocol)
    private = private_names_of_trees() - {"_parameter_constraints"}
    assert "_transposed" in private  # the scan sees what it should
    touched = []
    for path in MODULES:
        if path.parent.name == "trees":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in private:
                base = ast.unparse(node.value)
                if base not in ("self", "cls"):  # its own member of the same name
                    touched.append(
                        f"{path.relative_to(SRC)}:{node.lineno} {base}.{node.attr}"
                    )
    assert touched == [], touched
