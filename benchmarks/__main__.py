"""Run the benchmarks and write book/benchmarks.md (``make bench``)."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

from .common import Row, machine

# One module per chapter topic; each has run() -> list[Row].
MODULES = ["forest"]
PAGE = Path(__file__).resolve().parent.parent / "book" / "benchmarks.md"

HEADER = """# Benchmarks

Every implementation in the book is timed against the library people use in
practice, in one process, on the same data, interleaved, on one thread
(`benchmarks/common.py`). Times are medians of the repeats. A ratio above 1
means the peer is faster; the book says so where it is. Regenerate this page
with `make bench` (or `python -m benchmarks forest` for one module).

"""


def table(rows: list[Row]) -> str:
    lines = [
        "| topic | task | peer | ours (s) | peer (s) | ratio ours/peer "
        "| quality: ours | quality: peer | target | met |",
        "|---|---|---|---:|---:|---:|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.topic} | {r.task} | {r.peer} | {r.ours_s:.3f} | {r.peer_s:.3f} "
            f"| {r.ratio:.2f} | {r.metric} {r.ours_quality:.4f} "
            f"| {r.metric} {r.peer_quality:.4f} | {r.target} | {'yes' if r.met else 'no'} |"
        )
    return "\n".join(lines)


def main(names: list[str]) -> None:
    rows: list[Row] = []
    for name in names or MODULES:
        start = time.perf_counter()
        module_rows = importlib.import_module(f"benchmarks.{name}").run()
        for r in module_rows:
            print(f"{r.topic:>16} | {r.task[:48]:48} | ratio {r.ratio:5.2f} | met: {r.met}")
        print(f"  ({name}: {time.perf_counter() - start:.0f} s)")
        rows.extend(module_rows)
    if not names:  # only a full run rewrites the page
        stamp = time.strftime("%Y-%m-%d")
        note = f"Measured on {stamp}, {machine()}, with `make bench`.\n\n"
        PAGE.write_text(HEADER + note + table(rows) + "\n")
        print(f"wrote {PAGE}")


if __name__ == "__main__":
    main(sys.argv[1:])
