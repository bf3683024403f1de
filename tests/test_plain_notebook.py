"""book/_ext/plain_notebook.py: glued numbers become plain text in downloads."""

import sys
from pathlib import Path

import nbformat
from myst_nb.ext.glue import GLUE_PREFIX

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
from plain_notebook import chapter_prefix, glued_values, plain_notebook  # noqa: E402


def notebook_with_glue(value_text: str):
    nb = nbformat.v4.new_notebook()
    output = nbformat.v4.new_output(
        "display_data",
        data={GLUE_PREFIX + "text/plain": value_text},
        metadata={"scrapbook": {"name": "gap", "mime_prefix": GLUE_PREFIX}},
    )
    code = nbformat.v4.new_code_cell(
        "glue('gap', 0.12345, display=False)", outputs=[output]
    )
    text = nbformat.v4.new_markdown_cell(
        "The gap is {glue:text}`gap:.3f`, and {glue:text}`other`."
    )
    nb.cells = [code, text]
    return nb


def test_glued_values_are_read_from_outputs():
    assert glued_values(notebook_with_glue("0.12345")) == {"gap": "0.12345"}


def test_glue_roles_become_the_formatted_value():
    plain = plain_notebook(notebook_with_glue("0.12345"), Path("."))
    assert plain.cells[1].source == "The gap is 0.123, and *other*."


def test_student_edition_takes_values_from_elsewhere():
    nb = notebook_with_glue("0.5")
    nb.cells[0].outputs = []
    plain = plain_notebook(nb, Path("."), student=True, glued={"gap": "0.25"})
    assert plain.cells[1].source.startswith("The gap is 0.250,")


def test_cross_references_become_text():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "See {numref}`fig-a`, {numref}`Figure %s <fig-b>` and {ref}`an exercise "
            "<ex-c>`."
        )
    ]
    plain = plain_notebook(nb, Path("."))
    assert plain.cells[0].source == "See the figure, Figure and an exercise."


def test_figures_and_equations_are_numbered_as_on_the_page():
    nb = nbformat.v4.new_notebook()
    figure = nbformat.v4.new_code_cell("plt.show()")
    figure.metadata["mystnb"] = {"figure": {"name": "fig-a", "caption": "A."}}
    text = (
        "$$\nx = 1\n$$ (eq-x)\n\n"
        "See {eq}`eq-x`, {numref}`fig-a` and {numref}`Plot %s <fig-a>`."
    )
    nb.cells = [figure, nbformat.v4.new_markdown_cell(text)]
    plain = plain_notebook(nb, Path("."), prefix=chapter_prefix("notebooks/06_x.md"))
    source = plain.cells[1].source
    assert "\\tag{6.1}" in source
    assert source.endswith("See (6.1), Fig. 6.1 and Plot 6.1.")


def test_student_edition_leaves_out_hidden_solution_checks():
    nb = nbformat.v4.new_notebook()
    shown = nbformat.v4.new_code_cell("x = 1")
    hidden = nbformat.v4.new_code_cell(
        "assert answer == 3", metadata={"tags": ["remove-cell"]}
    )
    nb.cells = [shown, hidden]
    assert [c.source for c in plain_notebook(nb, Path("."), student=True).cells] == [
        "x = 1"
    ]
    assert len(plain_notebook(nb, Path(".")).cells) == 2


def test_directives_become_plain_markdown():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "```{exercise} Count\n:label: ex-a\n\nHow many?\n```\n\n"
            "```{solution} ex-a\n:class: dropdown\n\nThree.\n```\n\n"
            "```{admonition} Note\nKeep it.\n```\n\n"
            "```{figure} map.svg\n:alt: A map\n\nThe map.\n```"
        )
    ]
    text = plain_notebook(nb, Path(".")).cells[0].source
    assert "**Exercise 1: Count**\n\nHow many?" in text
    assert "<details><summary>Solution to exercise 1</summary>" in text
    assert "Three." in text and "> **Note**" in text and "![A map](map.svg)" in text
    student = plain_notebook(nb, Path("."), student=True).cells[0].source
    assert "Three." not in student and "How many?" in student
