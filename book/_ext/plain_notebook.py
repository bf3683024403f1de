"""Turn a chapter's MyST markdown into plain Jupyter markdown.

The book's chapters use MyST: labelled equations, ``{cite}`` and ``{eq}``
roles, ``{exercise}``/``{solution}`` and ``{literalinclude}`` directives. A
notebook downloaded from the site, or the student edition, must read well in
a plain JupyterLab, so each of those becomes ordinary Markdown or HTML:

* ``$$ ... $$ (label)`` gets ``\\tag{6.n}``, and ``{eq}`label``` becomes
  ``(6.n)``; ``{numref}`` becomes ``Fig. 6.n`` (in chapter 6: numbered per
  chapter, as on the page, see ``chapter_numbers.py``);
* citations become "Author (Year)" text from ``book/references.bib``;
* ``{literalinclude}`` becomes the included code itself;
* ``{glue:text}`name:.3f``` becomes the value the cell glued, formatted as
  myst-nb formats it (the student edition takes the values from the book's
  executed notebook when there is one);
* exercises become numbered bold headings; solutions and dropdowns become
  ``<details>`` blocks (or disappear, in the student edition, with the
  hidden ``remove-cell`` cells that check them).

Usage: ``python book/_ext/plain_notebook.py --student OUT notebooks/*.md``
writes the student edition (sources, no outputs, no solutions) and a zip.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
DIRECTIVE = re.compile(r"^(`{3,})\{(\w[\w-]*)\}[ \t]*(.*)$")
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`]+)`")
EXECUTED = ROOT / "_build" / "jupyter_execute" / "notebooks"


def glued_values(nb) -> dict[str, str]:
    """The text/plain of every value a cell glued (myst-nb's scrapbook outputs)."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            scrap = output.get("metadata", {}).get("scrapbook", {})
            text = output.get("data", {}).get(
                scrap.get("mime_prefix", "") + "text/plain"
            )
            if "name" in scrap and text is not None:
                values[scrap["name"]] = text
    return values


def _bib_labels(bib_path: Path) -> dict[str, tuple[str, str]]:
    """Citation key -> (authors as cited, year)."""
    from pybtex.database import parse_file

    labels = {}
    for key, entry in parse_file(str(bib_path)).entries.items():
        people = entry.persons.get("author", [])
        last = [
            " ".join(p.last_names).replace("{", "").replace("}", "") for p in people
        ]
        if len(last) == 1:
            who = last[0]
        elif len(last) == 2:
            who = f"{last[0]} and {last[1]}"
        else:
            who = f"{last[0]} et al."
        labels[key] = (who or key, entry.fields.get("year", "n.d."))
    return labels


def _pyobject(path: Path, name: str) -> str:
    """Source of a function, class or ``Class.method`` in a Python file."""
    source = path.read_text()
    node: ast.AST = ast.parse(source)
    for part in name.split("."):
        node = next(
            n
            for n in ast.iter_child_nodes(node)
            if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
            and n.name == part
        )
    lines = source.splitlines()
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return textwrap.dedent("\n".join(lines[start - 1 : node.end_lineno]))


class Converter:
    """Converts the markdown cells of one chapter, keeping numbering across cells."""

    def __init__(
        self,
        chapter_dir: Path,
        student: bool = False,
        glued: dict | None = None,
        prefix: str = "",
    ):
        self.dir = chapter_dir
        self.prefix = prefix  # "6." in chapter 6
        self.student = student
        self.glued = glued or {}
        self.cites = _bib_labels(ROOT / "book" / "references.bib")
        self.equations: dict[str, int] = {}
        self.figures: dict[str, int] = {}
        self.exercises: dict[str, int] = {}

    # -- roles -----------------------------------------------------------------
    def _cite(self, match: re.Match) -> str:
        kind, keys = (
            match.group(1) or "",
            [k.strip() for k in match.group(2).split(",")],
        )
        parts = [self.cites.get(k, (k, "")) for k in keys]
        if kind == ":t":
            return "; ".join(f"{who} ({year})" for who, year in parts)
        return "(" + "; ".join(f"{who}, {year}" for who, year in parts) + ")"

    def _glue(self, match: re.Match) -> str:
        from myst_nb.core.variables import format_plain_text

        key, _, spec = match.group(1).partition(":")
        if key not in self.glued:
            return f"*{key}*"  # never computed here: name the value instead
        return format_plain_text(self.glued[key], spec)

    def _roles(self, text: str) -> str:
        text = GLUE_ROLE.sub(self._glue, text)
        text = re.sub(r"\{cite(:t|:p)?\}`([^`]+)`", self._cite, text)
        text = re.sub(
            r"\{eq\}`([^`]+)`",
            lambda m: f"({self._number(self.equations, m.group(1))})",
            text,
        )
        text = re.sub(r"\{doc\}`([^`<]+?)\s*<[^>]+>`", r"\1", text)
        text = re.sub(r"\{doc\}`([^`]+)`", lambda m: Path(m.group(1)).name, text)
        text = re.sub(r"\{ref\}`([^`<]+?)\s*<[^>]+>`", r"\1", text)
        text = re.sub(r"\{ref\}`([^`]+)`", r"\1", text)
        text = re.sub(r"\{numref\}`([^`<]+?)\s*<([^>]+)>`", self._numref, text)
        text = re.sub(r"\{numref\}`([^`]+)`", self._numref, text)
        return text

    def _number(self, numbers: dict[str, int], label: str) -> str:
        return f"{self.prefix}{numbers[label]}" if label in numbers else label

    def _numref(self, match: re.Match) -> str:
        label = match.group(match.lastindex)
        text = match.group(1) if match.lastindex == 2 else "Fig. %s"
        if label not in self.figures:
            return (
                "the figure" if match.lastindex == 1 else text.replace("%s", "").strip()
            )
        return text.replace("%s", self._number(self.figures, label))

    # -- blocks ----------------------------------------------------------------
    def _number_equations(self, text: str) -> str:
        def tag(match: re.Match) -> str:
            label = match.group(2)
            self.equations.setdefault(label, len(self.equations) + 1)
            number = self._number(self.equations, label)
            return f"$$\n{match.group(1).strip()}\n\\tag{{{number}}}\n$$"

        return re.sub(r"\$\$(.*?)\$\$[ \t]*\(([\w-]+)\)", tag, text, flags=re.S)

    def _directive(self, name: str, argument: str, options: dict, body: str) -> str:
        if name == "literalinclude":
            path = (self.dir / argument).resolve()
            code = (
                _pyobject(path, options["pyobject"])
                if "pyobject" in options
                else path.read_text()
            )
            rel = path.relative_to(ROOT)
            return f"```python\n# from {rel}\n{code}\n```"
        if name == "exercise":
            label = options.get("label", f"exercise-{len(self.exercises) + 1}")
            self.exercises[label] = len(self.exercises) + 1
            title = f"**Exercise {self.exercises[label]}: {argument}**"
            return f"{title}\n\n{self.convert(body)}"
        if name == "solution":
            if self.student:
                return ""
            return (
                "<details><summary>Solution to exercise "
                f"{self.exercises.get(argument, '')}"
                f"</summary>\n\n{self.convert(body)}\n\n</details>"
            )
        if name == "admonition":
            inner = self.convert(body)
            if "dropdown" in options.get("class", ""):
                return (
                    f"<details><summary>{argument}</summary>\n\n{inner}\n\n</details>"
                )
            return f"> **{argument}**\n>\n" + "\n".join(
                f"> {line}" for line in inner.splitlines()
            )
        if name == "figure":
            return f"![{options.get('alt', '')}]({argument})\n\n{self.convert(body)}"
        return self.convert(body)  # unknown directive: keep its content

    def convert(self, text: str) -> str:
        """Plain Markdown for one markdown cell (or directive body)."""
        text = re.sub(r"^\([\w-]+\)=[ \t]*\n", "", text, flags=re.M)  # targets
        text = self._number_equations(text)
        out, lines, i = [], text.split("\n"), 0
        while i < len(lines):
            match = DIRECTIVE.match(lines[i])
            if not match:
                out.append(self._roles(lines[i]))
                i += 1
                continue
            fence, name, argument = match.groups()
            i += 1
            options, body = {}, []
            while i < len(lines) and re.match(r"^:(\w[\w-]*):\s*(.*)$", lines[i]):
                key, value = re.match(r"^:(\w[\w-]*):\s*(.*)$", lines[i]).groups()
                options[key] = value
                i += 1
            while i < len(lines) and lines[i].rstrip() != fence:
                body.append(lines[i])
                i += 1
            i += 1  # the closing fence
            out.append(
                self._directive(
                    name, argument.strip(), options, "\n".join(body).strip()
                )
            )
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def chapter_prefix(name: str) -> str:
    """``"6."`` for ``06_receptive_field`` (or its path); ``""`` for other pages."""
    match = re.match(r"(\d\d)_", Path(name).name)
    return f"{int(match.group(1))}." if match else ""


def figure_names(nb) -> list[str]:
    """The names of the figures code cells draw (``mystnb.figure.name``), in order."""
    names = [
        c.metadata.get("mystnb", {}).get("figure", {}).get("name")
        for c in nb.cells
        if c.cell_type == "code"
    ]
    return [n for n in names if n]


def plain_notebook(
    nb,
    chapter_dir: Path,
    student: bool = False,
    glued: dict | None = None,
    prefix: str = "",
):
    """A copy of ``nb`` whose markdown cells are plain Markdown (see the module doc).

    Glued values come from ``nb``'s own outputs, else from ``glued``; equations
    and figures are numbered ``prefix`` + 1, 2, ...
    """
    nb = nbformat.from_dict(nb)
    glued = {**(glued or {}), **glued_values(nb)}
    converter = Converter(chapter_dir, student, glued, prefix)
    converter.figures = {name: k for k, name in enumerate(figure_names(nb), start=1)}
    # Number the equations first, so a reference may come before its equation.
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            converter._number_equations(cell.source)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = converter.convert(cell.source)
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown" or c.source.strip()]
    if student:  # cells hidden from the page check exercise solutions: leave them out
        nb.cells = [
            c for c in nb.cells if "remove-cell" not in c.metadata.get("tags", [])
        ]
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("jupytext", None)
    nb.metadata["groundup"] = {"plain": True, "student": student}
    return nb


def write_student_edition(chapters: list[Path], out: Path) -> list[Path]:
    """Student notebooks (no outputs, no solutions) of ``chapters``, and a zip of
    them."""
    import jupytext

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in chapters:
        executed = EXECUTED / f"{source.stem}.ipynb"
        glued = glued_values(nbformat.read(executed, 4)) if executed.exists() else {}
        nb = plain_notebook(
            jupytext.read(source),
            source.parent.resolve(),
            True,
            glued,
            chapter_prefix(source.stem),
        )
        nbformat.validate(nb)
        target = out / f"{source.stem}.ipynb"
        nbformat.write(nb, target)
        written.append(target)
    with zipfile.ZipFile(
        out / "groundup-student-notebooks.zip", "w", zipfile.ZIP_DEFLATED
    ) as z:
        for path in written:
            z.write(path, path.name)
    return written


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--student", required=True, help="output folder")
    parser.add_argument("chapters", nargs="+")
    args = parser.parse_args(argv)
    written = write_student_edition(
        [Path(c) for c in args.chapters], Path(args.student)
    )
    print(f"{len(written)} student notebooks and a zip in {args.student}")


if __name__ == "__main__":
    main(sys.argv[1:])
