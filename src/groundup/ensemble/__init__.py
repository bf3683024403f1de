"""Ensembles of trees (chapter 1: random forests)."""

from .forest import RandomForestClassifier, RandomForestRegressor, bootstrap_counts

__all__ = ["RandomForestClassifier", "RandomForestRegressor", "bootstrap_counts"]
