"""Make each chapter's downloadable .ipynb carry its outputs.

myst-nb writes every executed page to ``_build/jupyter_execute/``, and the
book theme copies that file into the page's download menu. When a page is
re-read but its code is unchanged (``execute_notebooks: cache``), myst-nb
writes the notebook *before* merging the cached outputs into it, so the
download has none. This extension merges them from the execution cache just
before the theme copies the file.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from jupyter_cache import get_cache


def _has_outputs(nb) -> bool:
    return any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def fill_outputs(app, pagename, templatename, context, doctree) -> None:
    path = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not path.exists():
        return
    nb = nbformat.read(path, as_version=4)
    if _has_outputs(nb):
        return
    cache = get_cache(app.env.mystnb_config.execution_cache_path)
    try:
        _, merged = cache.merge_match_into_notebook(nb)
    except KeyError:  # not in the cache: nothing to merge
        return
    nbformat.write(merged, path)


def setup(app):
    # Before sphinx-book-theme's handler (default priority 500) copies the file.
    app.connect("html-page-context", fill_outputs, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
