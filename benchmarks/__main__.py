"""Run benchmarks and write book/benchmarks.md (``make bench``).

``python -m benchmarks`` runs every module; ``python -m benchmarks adaboost``
runs one. Each module's rows are kept in ``benchmarks/results/<module>.json``
and the page is rebuilt from all of them, so re-running one module keeps the
others' rows.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import subprocess
import sys
import time
from pathlib import Path

from .common import Row, machine
from .threads import TIMEOUT
from .threads import table as threads_table

# One module per chapter topic, in book order; each has run() -> list[Row].
MODULES = [
    "forest",
    "adaboost",
    "gbdt",
    "xgboost",
    "digits",
    "checkpoint",
    "word2vec",
    "word2vec_batch",
    "transformer",
]
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PAGE = HERE.parent / "book" / "benchmarks.md"

HEADER = """# Benchmarks

Every implementation in the book is timed against the library people use in
practice, in one process, on the same data, interleaved, on one thread
(`benchmarks/common.py`). Times are medians of at least three repeats, with
their range in brackets where the runs were kept. A ratio above 1
means the peer is faster; the book says so where it is. Regenerate this page
with `make bench` (or `python -m benchmarks forest` for one module).

"""


RUN_TIMES = """
## Chapter run times

How long each chapter took to execute on the last build of this site (from
the execution cache, on the machine that built it). Every chapter is meant to
stay under 60 seconds on a 2-core laptop.

```{nb-exec-table}
```
"""


def seconds(median: float, runs: list[float]) -> str:
    """A median time, with the range of its runs where they were kept."""
    if not runs:
        return f"{median:.3f}"
    return f"{median:.3f} [{min(runs):.3f}, {max(runs):.3f}]"


def table(rows: list[Row]) -> str:
    lines = [
        "| topic | task | peer | ours (s): median [range] | peer (s): median [range] "
        "| ratio ours/peer | quality: ours | quality: peer | target | met |",
        "|---|---|---|---:|---:|---:|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.topic} | {r.task} | {r.peer} | {seconds(r.ours_s, r.ours_times)} "
            f"| {seconds(r.peer_s, r.peer_times)} "
            f"| {r.ratio:.2f} | {r.metric} {r.ours_quality:.4f} "
            f"| {r.metric} {r.peer_quality:.4f} | {r.target} | "
            f"{'yes' if r.met else 'no'} |"
        )
    return "\n".join(lines)


def run_module(name: str) -> None:
    start = time.perf_counter()
    rows = importlib.import_module(f"benchmarks.{name}").run()
    for r in rows:
        print(f"{r.topic:>16} | {r.task[:48]:48} | ratio {r.ratio:5.2f} | met: {r.met}")
    print(f"  ({name}: {time.perf_counter() - start:.0f} s)")
    record = {
        "measured": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "rows": [dataclasses.asdict(r) for r in rows],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=1) + "\n")


THREADS = """
## Threads on a busy laptop

Seconds each chapter takes under nbval (kernel start included), on an idle
machine and while a plain Python busy loop holds one of its cores, for three
thread policies of PyTorch (`python -m benchmarks.threads`; measured {when},
{machine}; a chapter still running after {timeout:.0f} s was stopped). The book runs
torch on one thread (`groundup.utils.set_threads`, see
{{doc}}`how_to_use`); `make robust` checks every chapter under that load with
two other seeds. The targets: every chapter under 60 s with one core busy,
and on an idle machine at most 10% slower than under torch's default.

"""


def threads_section() -> str:
    path = RESULTS / "threads.json"
    if not path.exists():
        return ""
    record = json.loads(path.read_text())
    intro = THREADS.format(
        when=record["measured"], machine=record["machine"], timeout=TIMEOUT
    )
    return intro + threads_table(record) + "\n"


def write_page() -> None:
    rows, notes = [], []
    for name in MODULES:
        path = RESULTS / f"{name}.json"
        if not path.exists():
            continue
        record = json.loads(path.read_text())
        rows += [Row(**r) for r in record["rows"]]
        notes.append(f"`{name}`: {record['measured']}, {record['machine']}")
    PAGE.write_text(
        HEADER
        + "Measured: "
        + "; ".join(notes)
        + ".\n\n"
        + table(rows)
        + "\n"
        + threads_section()
        + RUN_TIMES
    )
    print(f"wrote {PAGE}")


def main(names: list[str]) -> None:
    unknown = set(names) - set(MODULES)
    if unknown:
        raise SystemExit(
            f"unknown benchmark(s) {sorted(unknown)}; choose from {MODULES}"
        )
    if len(names) == 1:
        run_module(names[0])
    else:
        # A fresh process per module: one module's allocations (numpy's large
        # temporaries move glibc's mmap threshold) must not speed up the next.
        for name in names or MODULES:
            subprocess.run(
                [sys.executable, "-m", "benchmarks", name, "--no-page"], check=True
            )
    write_page()


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--no-page" in args:  # a child of a full run: measure only
        run_module(args[0])
    else:
        main(args)
