"""Checks of the built book in _build/html (``make test`` runs them after the build).

They read the HTML files; the browser tests of the rendered pages live apart.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


CHAPTERS = [f for f in toc_files() if f.startswith("notebooks/")]


class Assets(HTMLParser):
    """Collects the URLs a page loads by itself (scripts, styles, images)."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img") and attrs.get("src"):
            self.loaded.append(attrs["src"])
        if (
            tag == "link"
            and attrs.get("rel") in ("stylesheet", "preload")
            and attrs.get("href")
        ):
            self.loaded.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs)


def parse(page: str) -> Assets:
    path = HTML / f"{page}.html"
    assert path.exists(), f"{path} missing: run `make book` first"
    parser = Assets()
    parser.feed(path.read_text())
    return parser


@pytest.mark.parametrize("page", toc_files())
def test_page_loads_nothing_from_other_hosts(page):
    external = [u for u in parse(page).loaded if re.match(r"^(https?:)?//", u)]
    assert external == []


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_images_have_alt_text(page):
    figures = [img for img in parse(page).images if "_images" in img.get("src", "")]
    assert figures, "a chapter has at least one figure"
    assert all(img.get("alt", "").strip() for img in figures)


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_offers_its_executed_notebook(page):
    html = (HTML / f"{page}.html").read_text()
    name = Path(page).name
    assert f"_sources/{page}.ipynb" in html
    nb = json.loads((HTML / "_sources" / f"{page}.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    with_output = [c for c in code if c.get("outputs")]
    assert len(with_output) >= len(code) // 3, f"{name}: the download lost its outputs"
    assert any(
        "image/png" in o.get("data", {}) for c in code for o in c.get("outputs", [])
    )


def test_math_is_served_by_the_book():
    assert (HTML / "_static" / "mathjax" / "tex-chtml.js").exists()


def test_coursework_page_links_every_assignment():
    """The teachers' page links each student notebook and autograder zip, and
    the site holds them; no solution notebook is published."""
    html = (HTML / "book" / "coursework.html").read_text()
    links = set(re.findall(r'href="\.\./(assignments/[^"]+)"', html))
    sources = sorted((ROOT / "assignments").glob("[0-9][0-9]_*.md"))
    expected = {f"assignments/{p.stem}{end}" for p in sources
                for end in (".ipynb", "-autograder.zip")}  # fmt: skip
    assert sources and links == expected
    for link in links:
        assert (HTML / link).is_file(), link
    for notebook in (HTML / "assignments").glob("*.ipynb"):
        text = notebook.read_text()
        assert "# BEGIN SOLUTION" not in text and "otter" in text, notebook.name
