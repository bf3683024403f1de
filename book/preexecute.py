"""Execute the chapters into jupyter-book's cache, several at a time.

jupyter-book executes pages one after the other (its Sphinx read is serial,
since one of its bundled extensions does not declare itself parallel-safe).
This script reads each chapter exactly as myst-nb does, runs the chapters
that the cache does not already hold on ``--jobs`` processes, and stores
them in ``_build/.jupyter_cache``; the build that follows finds every page
there ("Using cached notebook") and executes nothing. A failing cell fails
the script, as it fails the build. Each process computes on one thread
(groundup's thread policy, and OPENBLAS_NUM_THREADS=1 set here for numpy).

    python book/preexecute.py --jobs 2 notebooks/*.md
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.config import NbParserConfig
from myst_nb.core.read import create_nb_reader
from myst_parser.config.main import MdParserConfig

ROOT = Path(__file__).resolve().parent.parent


def read(path: Path):
    """The notebook myst-nb builds from ``path`` (same cells, same metadata)."""
    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), MdParserConfig(), NbParserConfig(), text)
    return reader.read(text)


def execute(path: str, timeout: int):
    """Run one chapter in its own folder; returns (path, notebook, seconds, error)."""
    nb = read(Path(path))
    result = single_nb_execution(
        nb, cwd=str(Path(path).parent), timeout=timeout, allow_errors=False
    )
    return path, nb, result.time, result.exc_string if result.err else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]
    cache = get_cache(str(ROOT / config["cache"]))
    todo = []
    for path in args.chapters:
        with suppress(KeyError):
            cache.match_cache_notebook(read(path))
            continue  # already executed with this code
        todo.append(str(path.resolve()))
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    failed = 0
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        runs = [pool.submit(execute, p, config["timeout"]) for p in todo]
        for run in runs:
            path, nb, seconds, error = run.result()
            name = Path(path).stem
            if error:
                failed += 1
                print(f"{name}: failed\n{error}", file=sys.stderr)
                continue
            stage = cache.add_nb_to_project(path)
            bundle = CacheBundleIn(nb, stage.uri, data={"execution_seconds": seconds})
            cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
            print(f"{name}: executed in {seconds:.0f} s", flush=True)
    cached = len(args.chapters) - len(todo)
    print(f"{len(todo) - failed} executed, {cached} cached, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
