"""The built book in a real browser: headless Chromium against the site on 127.0.0.1.

Run with ``make e2e`` after ``make book``; needs Debian's ``chromium`` and
``chromium-driver`` (``.ci/run`` installs them). Screenshots go to
``_build/e2e/``.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import tempfile
import threading
import time
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import pytest
import yaml
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "e2e"


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [
        c["file"] for part in toc["parts"] for c in part["chapters"]
    ]


PAGES = toc_pages()
CHAPTERS = [p for p in PAGES if p.startswith("notebooks/")]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="session")
def server():
    assert (HTML / "index.html").exists(), "build the book first: make book"
    handler = functools.partial(QuietHandler, directory=str(HTML))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    assert chromium and driver_path, "install Debian's chromium and chromium-driver"
    options = Options()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="groundup-chromium-")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(arg)
    options.set_capability(
        "goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"}
    )
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    driver.get("about:blank")  # let the browser's start-up traffic pass first
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, script: str, timeout: float = 20.0):
    """Poll a JavaScript expression until it is truthy; return its value."""
    end = time.time() + timeout
    while time.time() < end:
        value = driver.execute_script(f"return {script}")
        if value:
            return value
        time.sleep(0.2)
    return driver.execute_script(f"return {script}")


def open_page(driver, url: str):
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get_log("performance")
    driver.get(url)
    wait_for(driver, "document.readyState === 'complete'")
    # MathJax typesets after load; wait until it has finished (or is absent).
    wait_for(
        driver,
        "!window.MathJax || !MathJax.startup || !MathJax.startup.promise ? true : "
        "(MathJax.startup.promise.then(() => window.__mj_done = true), "
        "window.__mj_done)",
    )


def requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_offline_without_errors(browser, server, page):
    open_page(browser, urljoin(server, f"{page}.html"))
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
    # chrome:// and the like are the browser's own pages, not network requests
    foreign = [
        u
        for u in requested_urls(browser)
        if u.startswith(("http:", "https:", "ws:", "wss:", "//"))
        and not u.startswith(server)
    ]
    assert foreign == [], f"requests to other hosts: {foreign}"
    # every image loads
    broken = browser.execute_script(
        "return [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.src)"
    )
    assert broken == [], broken
    # math is typeset: no raw TeX delimiters left, MathJax output present where math is
    text = browser.execute_script("return document.querySelector('main').innerText")
    assert "$$" not in text and "\\begin{" not in text
    if browser.execute_script("return document.querySelectorAll('.math').length") > 0:
        assert browser.execute_script(
            "return document.querySelectorAll('mjx-container').length"
        )


SHOW_ALL = """
document.querySelectorAll('main details').forEach(d => d.open = true);
document.querySelectorAll('main .toggle-button-hidden').forEach(b => b.click());
"""

WIDE_CODE = """
return [...document.querySelectorAll('main div.highlight pre')]
  .filter(p => !p.closest('.cell_output, .output'))  // code shown, not what it prints
  .filter(p => p.offsetParent !== null && p.scrollWidth > p.clientWidth + 1)
  .map(p => p.innerText.split('\\n').reduce((a, l) => l.length > a.length ? l : a, ''))
"""


@pytest.mark.parametrize("page", PAGES)
def test_code_fits_the_column_at_1280_pixels(browser, server, page):
    """No code block (cells, included package code, solutions) scrolls sideways."""
    open_page(browser, urljoin(server, f"{page}.html"))
    assert browser.get_window_size()["width"] == 1280
    browser.execute_script(SHOW_ALL)
    time.sleep(0.3)  # let the toggles open
    hidden = browser.execute_script(
        "return [...document.querySelectorAll('main div.highlight pre')]"
        ".filter(p => p.offsetParent === null).length"
    )
    assert hidden == 0, f"{hidden} code blocks stayed hidden: the test cannot see them"
    wide = browser.execute_script(WIDE_CODE)
    assert wide == [], f"code blocks scroll sideways; their longest lines: {wide}"


def test_internal_links_resolve(browser, server):
    targets = set()
    for page in PAGES:
        open_page(browser, urljoin(server, f"{page}.html"))
        hrefs = browser.execute_script(
            "return [...document.querySelectorAll('a[href]')].map(a => a.href)"
        )
        for href in hrefs:
            if href.startswith(server):
                targets.add(href.split("#")[0].split("?")[0])
    assert len(targets) > len(PAGES)
    missing = []
    for url in sorted(targets):
        try:
            with urllib.request.urlopen(url) as response:
                assert response.status == 200
        except Exception as err:  # noqa: BLE001 - report every broken link at once
            missing.append(f"{url}: {err}")
    assert missing == [], missing


def test_search_finds_a_chapter_term(browser, server):
    open_page(browser, urljoin(server, "search.html?q=out-of-bag"))
    count = wait_for(
        browser, "document.querySelectorAll('#search-results ul.search li').length", 30
    )
    assert count and count > 0
    hits = browser.execute_script(
        "return [...document.querySelectorAll('#search-results ul.search li "
        "a')].map(a => a.href)"
    )
    assert any("01_random_forest" in h for h in hits)


@pytest.mark.parametrize("page", CHAPTERS)
def test_notebook_download_is_a_plain_executed_notebook(browser, server, page):
    open_page(browser, urljoin(server, f"{page}.html"))
    links = browser.execute_script(
        "return [...document.querySelectorAll('a[href$=\".ipynb\"]')].map(a => a.href)"
    )
    assert links, "the page offers no .ipynb download"
    with urllib.request.urlopen(links[0]) as response:
        nb = nbformat.reads(response.read().decode(), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert sum(bool(c.outputs) for c in code) >= len(code) // 3
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for myst in ("```{", "{cite", "{eq}", "{doc}", "{glue", ":label:"):
        assert myst not in markdown, f"MyST syntax {myst!r} left in the download"


def test_student_editions_are_linked_and_plain(browser, server):
    open_page(browser, urljoin(server, "book/how_to_use.html"))
    links = browser.execute_script(
        "return [...document.querySelectorAll('a[href*=\"student/\"]')]"
        ".map(a => a.href)"
    )
    notebooks = [u for u in links if u.endswith(".ipynb")]
    assert len(notebooks) == len(CHAPTERS) and any(u.endswith(".zip") for u in links)
    for url in notebooks:
        with urllib.request.urlopen(url) as response:
            nb = nbformat.reads(response.read().decode(), as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "Exercise 1" in text and "Solution" not in text
        assert all(not c.outputs for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("page", [PAGES[0], CHAPTERS[0]])
@pytest.mark.parametrize(
    ("label", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_layout_holds_and_screenshots(browser, server, page, label, width, height):
    browser.set_window_size(width, height)
    try:
        open_page(browser, urljoin(server, f"{page}.html"))
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 1, f"the page scrolls sideways by {overflow}px at {width}px"
        name = urlsplit(page).path.replace("/", "_")
        browser.save_screenshot(str(SHOTS / f"{name}-{label}.png"))
    finally:
        browser.set_window_size(1280, 900)


CHROME = """
const visible = e => {
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
};
const searches = [...document.querySelectorAll(
  '.search-button-field, .search-button, #searchbox input, input[type=search]'
)].filter(visible).length;
const logo = document.querySelector('.navbar-brand img');
const r = logo.getBoundingClientRect();
const covered = [r.top + 2, r.top + r.height / 2, r.bottom - 2].some(y => {
  const hit = document.elementFromPoint(r.left + r.width / 2, y);
  return !hit || !(hit === logo || logo.contains(hit) || hit.contains(logo));
});
return {searches, top: r.top, bottom: r.bottom, height: window.innerHeight, covered};
"""


@pytest.mark.parametrize("page", [PAGES[0], CHAPTERS[0]])
def test_one_search_box_and_the_whole_logo_at_1280_by_800(browser, server, page):
    browser.set_window_size(1280, 800)
    try:
        open_page(browser, urljoin(server, f"{page}.html"))
        chrome = browser.execute_script(CHROME)
    finally:
        browser.set_window_size(1280, 900)
    assert chrome["searches"] == 1, f"{chrome['searches']} search boxes are shown"
    assert 0 <= chrome["top"] and chrome["bottom"] <= chrome["height"], chrome
    assert not chrome["covered"], "something covers the logo"


NUMBERS = """
const main = document.querySelector('main');
const text = sel => [...main.querySelectorAll(sel)].map(e => e.innerText.trim());
return {figures: text('figure .caption-number'), equations: text('span.eqno')};
"""


@pytest.mark.parametrize("page", CHAPTERS)
def test_figures_and_equations_are_numbered_per_chapter(browser, server, page):
    """Chapter 6's figures are Fig. 6.1, 6.2, ... and its equations (6.1), (6.2), ..."""
    chapter = int(Path(page).name[:2])
    open_page(browser, urljoin(server, f"{page}.html"))
    numbers = browser.execute_script(NUMBERS)
    figures = [re.match(r"Fig\. (\d+)\.(\d+)", f) for f in numbers["figures"]]
    equations = [re.match(r"\((\d+)\.(\d+)\)", e) for e in numbers["equations"]]
    assert figures, "the chapter shows no numbered figure"
    for kind, found, raw in (
        ("figure", figures, numbers["figures"]),
        ("equation", equations, numbers["equations"]),
    ):
        assert all(found), f"{kind} numbers not of the form {chapter}.k: {raw}"
        pairs = [(int(m.group(1)), int(m.group(2))) for m in found]
        assert pairs == [(chapter, k) for k in range(1, len(pairs) + 1)], raw
