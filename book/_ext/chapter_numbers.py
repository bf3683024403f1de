"""Number figures, tables and equations per chapter: Fig. 6.1, equation (11.3).

Sphinx numbers them by the section numbers of a numbered toctree, and our
toctree is not numbered (the chapter titles carry their numbers, and the
parts and appendix pages have none), so without this every figure and
equation is numbered across the whole book: chapter 6 would open at Fig. 18.

After Sphinx has assigned its book-wide numbers (``env-get-updated``), each
page's numbers are replaced, keeping their order: a chapter
``notebooks/NN_name`` numbers its items ``(NN, 1), (NN, 2), ...``, and every
other page counts from 1. Cross-references (``{numref}``, ``{eq}``) and the
equation labels read these numbers, so they all change together.
"""

from __future__ import annotations

import re

CHAPTER = re.compile(r"^notebooks/(\d\d)_")


def page_prefix(docname: str) -> tuple[int, ...]:
    """The chapter number of a chapter page, as a tuple; () for other pages."""
    match = CHAPTER.match(docname)
    return (int(match.group(1)),) if match else ()


def renumber(fignumbers: dict[str, dict[str, dict[str, tuple[int, ...]]]]) -> None:
    """Rewrite ``env.toc_fignumbers`` in place: per page, in the same order."""
    for docname, by_type in fignumbers.items():
        prefix = page_prefix(docname)
        for figtype, numbers in by_type.items():
            in_order = sorted(numbers, key=numbers.__getitem__)
            by_type[figtype] = {
                ident: (*prefix, k) for k, ident in enumerate(in_order, start=1)
            }


def number_per_chapter(app, env) -> list[str]:
    renumber(env.toc_fignumbers)
    return []


def setup(app):
    # after Sphinx's own toctree collector (priority 500) has numbered the book
    app.connect("env-get-updated", number_per_chapter, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
