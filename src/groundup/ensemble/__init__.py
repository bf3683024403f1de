"""Ensembles of trees: random forests (chapter 1) and AdaBoost (chapter 2)."""

from .adaboost import AdaBoostClassifier, AdaBoostRegressor, weighted_median
from .forest import RandomForestClassifier, RandomForestRegressor, bootstrap_counts

__all__ = [
    "AdaBoostClassifier",
    "AdaBoostRegressor",
    "RandomForestClassifier",
    "RandomForestRegressor",
    "bootstrap_counts",
    "weighted_median",
]
