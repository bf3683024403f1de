"""Book build fixes: plain executed downloads, the student edition, no repeated scripts.

myst-nb writes every executed page to ``_build/jupyter_execute/``, and the
book theme copies that file into the page's download menu. Two fixes happen
here, just before the theme copies it:

* outputs: when a page is re-read but its code is unchanged
  (``execute_notebooks: cache``), myst-nb writes the notebook *before*
  merging the cached outputs into it, so the download would have none; they
  are merged from the execution cache;
* plain Markdown: MyST directives and roles become ordinary Markdown and HTML
  (see ``plain_notebook.py``), so the file reads well in any JupyterLab.

At the end of the build the student edition of every chapter (no outputs, no
solutions) and a zip of them are written to ``student/`` in the site.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from jupyter_cache import get_cache

sys.path.insert(0, str(Path(__file__).parent))
from plain_notebook import (  # noqa: E402
    chapter_prefix,
    plain_notebook,
    write_student_edition,
)


def _has_outputs(nb) -> bool:
    return any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def fix_download(app, pagename, templatename, context, doctree) -> None:
    path = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not path.exists():
        return
    nb = nbformat.read(path, as_version=4)
    if nb.metadata.get("groundup", {}).get("plain"):
        return  # already done on an earlier write
    if not _has_outputs(nb):
        cache = get_cache(app.env.mystnb_config.execution_cache_path)
        try:
            _, nb = cache.merge_match_into_notebook(nb)
        except KeyError:  # not in the cache: nothing to merge
            pass
    chapter_dir = (Path(app.srcdir) / pagename).parent
    plain = plain_notebook(nb, chapter_dir, prefix=chapter_prefix(pagename))
    nbformat.write(plain, path)


def drop_repeated_scripts(app, exception) -> None:
    """Remove repeated inline <script> lines from every page.

    sphinx-thebe and sphinx-togglebutton (which jupyter-book always loads)
    get their inline configuration written twice into each page, and the
    second ``const THEBE_JS_URL`` is a JavaScript error on every page; the
    browser tests caught it. Identical inline scripts are kept once.
    """
    if exception is not None or app.builder.name != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        lines, seen, kept = page.read_text().split("\n"), set(), []
        for line in lines:
            inline = line.strip()
            if inline.startswith("<script>") and inline.endswith("</script>"):
                if inline in seen:
                    continue
                seen.add(inline)
            kept.append(line)
        if len(kept) != len(lines):
            page.write_text("\n".join(kept))


def student_edition(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    chapters = sorted(
        Path(app.srcdir, f"{doc}.md")
        for doc in app.env.found_docs
        if doc.startswith("notebooks/") and Path(app.srcdir, f"{doc}.md").exists()
    )
    write_student_edition(chapters, Path(app.outdir) / "student")


def setup(app):
    # Before sphinx-book-theme's handler (default priority 500) copies the file.
    app.connect("html-page-context", fix_download, priority=100)
    app.connect("build-finished", student_edition)
    app.connect("build-finished", drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
