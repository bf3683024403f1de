"""Ensembles of independent trees: random forests (chapter 1)."""

from .forest import RandomForestClassifier, RandomForestRegressor, bootstrap_counts

__all__ = [
    "RandomForestClassifier",
    "RandomForestRegressor",
    "bootstrap_counts",
]
