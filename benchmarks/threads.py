"""The thread policy, measured: chapters on an idle machine and with one core busy.

The book's policy runs every chapter under nbval (``benchmarks.robust``),
the alternatives every chapter that uses torch; each first on the idle
machine, then while a Python busy loop holds one core.
The result goes to ``benchmarks/results/threads.json``, and ``make bench``
prints it as a table on the Benchmarks page. It takes about 40 minutes::

    .venv/bin/python -m benchmarks.threads
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from .common import machine
from .robust import chapter_names, run

RESULTS = Path(__file__).resolve().parent / "results"

TORCH_CHAPTERS = [
    "05_activations",
    "07_discrete_metrics",
    "08_gradient_checkpointing",
    "09_word2vec",
    "10_rnn",
    "11_transformer",
    "12_oadtr",
]
# name -> environment; GROUNDUP_THREADS=0 leaves torch's default (a thread per core).
POLICIES = {
    "one thread (the book's policy)": {},
    "torch's default (2 threads)": {"GROUNDUP_THREADS": "0"},
    "2 threads, OMP_WAIT_POLICY=PASSIVE": {
        "GROUNDUP_THREADS": "0",
        "OMP_WAIT_POLICY": "PASSIVE",
    },
}
TIMEOUT = 120.0  # a collapsed chapter is stopped here and reported as "> 120"


def main() -> None:
    rows = []
    for policy, env in POLICIES.items():
        chapters = TORCH_CHAPTERS if env else chapter_names()
        for load in (0, 1):
            print(f"{policy}, {load} core(s) busy", flush=True)
            for r in run(chapters, [0], load, env, TIMEOUT):
                rows.append({"policy": policy, "load": load, **r})
    record = {"measured": time.strftime("%Y-%m-%d"), "machine": machine(), "rows": rows}
    (RESULTS / "threads.json").write_text(json.dumps(record, indent=1) + "\n")
    from .__main__ import write_page  # the Benchmarks page shows the table

    write_page()


def table(record: dict) -> str:
    """Markdown table: one row per chapter, a column per (policy, load)."""
    rows = record["rows"]
    columns = list(dict.fromkeys((r["policy"], r["load"]) for r in rows))
    chapters = list(dict.fromkeys(r["chapter"] for r in rows))
    cell = {(r["chapter"], r["policy"], r["load"]): r for r in rows}
    head = [f"{p}, {'one core busy' if load else 'idle'}" for p, load in columns]
    lines = [
        "| chapter | " + " | ".join(head) + " |",
        "|---" + "|---:" * len(head) + "|",
    ]
    for ch in chapters:
        values = []
        for p, load in columns:
            r = cell.get((ch, p, load))
            if r is None:
                values.append("")
            elif r["status"] == "timeout":
                values.append(f"> {TIMEOUT:.0f}")
            else:
                values.append(
                    f"{r['seconds']:.0f}"
                    + ("" if r["status"] == "passed" else " (failed)")
                )
        lines.append(f"| {ch} | " + " | ".join(values) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
