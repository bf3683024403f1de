"""Run chapters under nbval with other seeds while a core is kept busy.

``make robust`` calls this: every chapter, under ``GROUNDUP_SEED=1`` and
``GROUNDUP_SEED=2``, while a plain Python busy loop holds one core (a
student's laptop with a browser or a second notebook running). It prints
each chapter's time, names every chapter over its budget (60 s), and fails
if a chapter fails. Being over budget is reported, not failed: like every
speed goal of the book it is a measurement, and a check that reads a clock
would make CI depend on the machine's minute. The same driver measured the thread
policy of
``groundup.utils.set_threads`` (``--env GROUNDUP_THREADS=0`` restores
torch's default of one thread per core)::

    python -m benchmarks.robust --seeds 0 --load 0 --env GROUNDUP_THREADS=0
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUSY_LOOP = "while True:\n    pass\n"


@contextlib.contextmanager
def busy_cores(n: int):
    """Keep ``n`` cores busy with Python busy loops until the block ends."""
    procs = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(n)]
    try:
        yield procs
    finally:
        for p in procs:
            p.kill()
            p.wait()


def to_ipynb(chapter: Path, folder: Path) -> Path:
    # in this process: a jupytext command per chapter costs seconds each
    import jupytext

    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{chapter.stem}.ipynb"
    jupytext.write(jupytext.read(chapter), out)
    return out


def run_chapter(
    notebook: Path, env: dict[str, str], timeout: float
) -> tuple[str, float]:
    """Run one notebook under nbval; return ("passed" | "failed" | "timeout",
    seconds)."""
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval-lax",
        "--nbval-current-env",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",  # a plugin of the unit tests only: seconds a chapter
        str(notebook),
    ]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - start
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.stdout.write(done.stdout[-4000:])
        return "failed", seconds
    return "passed", seconds


def run(
    names: list[str], seeds: list[int], load: int, env: dict[str, str], timeout: float
) -> list[dict]:
    """Every chapter in ``names`` under each seed, with ``load`` cores kept busy."""
    folder = ROOT / "_build" / "robust"
    notebooks = [to_ipynb(ROOT / "notebooks" / f"{n}.md", folder) for n in names]
    env = dict(os.environ, GROUNDUP_PROGRESS="0", **env)
    results = []
    with busy_cores(load):
        for seed in seeds:
            for nb in notebooks:
                status, seconds = run_chapter(
                    nb, dict(env, GROUNDUP_SEED=str(seed)), timeout
                )
                print(
                    f"seed {seed}  {nb.stem:28} {status:8} {seconds:6.1f} s", flush=True
                )
                results.append(
                    {
                        "chapter": nb.stem,
                        "seed": seed,
                        "status": status,
                        "seconds": seconds,
                    }
                )
    return results


def chapter_names() -> list[str]:
    return sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.md"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--load", type=int, default=1, help="cores kept busy (default 1)"
    )
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds a chapter may take"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="seconds before a chapter is stopped",
    )
    parser.add_argument("--env", nargs="*", default=[], metavar="NAME=VALUE")
    parser.add_argument("--json", type=Path, help="also write the times here")
    parser.add_argument("chapters", nargs="*", help="chapter names (default: all)")
    args = parser.parse_args(argv)

    env = dict(kv.split("=", 1) for kv in args.env)
    results = run(
        args.chapters or chapter_names(), args.seeds, args.load, env, args.timeout
    )
    over = [
        r for r in results if r["status"] == "passed" and r["seconds"] > args.budget
    ]
    failed = [r for r in results if r["status"] != "passed"]
    for r in over:
        print(
            f"over the {args.budget:.0f} s budget: {r['chapter']} "
            f"(seed {r['seed']}, {r['seconds']:.1f} s)"
        )
    if args.json:
        record = {"load": args.load, "env": env, "results": results}
        args.json.write_text(json.dumps(record, indent=1) + "\n")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
