"""What a chapter imports is exported by its subpackage, and groundup.nn loads
torch only when a name that needs it is used."""

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import groundup.nn

CHAPTERS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.md"))
NN_MODULES = sorted(groundup.nn._MODULES)


def _chapter_imports():
    import jupytext

    for chapter in CHAPTERS:
        for cell in jupytext.read(chapter).cells:
            if cell.cell_type != "code":
                continue
            source = "\n".join(
                line
                for line in cell.source.splitlines()
                if not line.startswith(("%", "!"))
            )
            for node in ast.walk(ast.parse(source)):
                module = getattr(node, "module", None) or ""
                if isinstance(node, ast.ImportFrom) and module.startswith("groundup."):
                    if module.count(".") == 2:
                        for alias in node.names:
                            if alias.name != "receptive_field":  # its module's name too
                                yield chapter.stem, module, alias.name


@pytest.mark.parametrize("chapter, module, name", list(_chapter_imports()))
def test_what_a_chapter_imports_its_subpackage_exports(chapter, module, name):
    package = importlib.import_module(module.rsplit(".", 1)[0])
    assert getattr(package, name) is getattr(importlib.import_module(module), name)
    assert name in package.__all__


@pytest.mark.parametrize("module", NN_MODULES)
def test_the_nn_table_lists_every_public_name(module):
    mod = importlib.import_module(f"groundup.nn.{module}")
    public = {
        n
        for n, obj in vars(mod).items()
        if not n.startswith("_")
        and not inspect.ismodule(obj)
        and (getattr(obj, "__module__", None) == mod.__name__ or n.isupper())
    } - {"receptive_field"}
    assert set(groundup.nn._MODULES[module]) == public


def test_the_gradient_check_needs_no_torch():
    code = (
        "import sys; sys.modules['torch'] = None\n"  # any import of torch now fails
        "from groundup.nn import numerical_gradient, relative_error\n"
        "import numpy as np\n"
        "w = np.ones(3)\n"
        "g = numerical_gradient(lambda: float(np.sum(w ** 2)), w)\n"
        "assert relative_error(g, 2 * np.ones(3)) < 1e-6\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
