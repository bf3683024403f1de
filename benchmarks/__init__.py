"""Benchmarks: each module times groundup against its peer library in one process.

``python -m benchmarks`` (or ``make bench``) runs them all and writes
``book/benchmarks.md``; ``python -m benchmarks forest`` runs one.
"""
