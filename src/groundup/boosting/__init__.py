"""Boosting: AdaBoost (chapter 2), gradient boosting (chapter 3) and XGBoost (chapter 4)."""

from .adaboost import AdaBoostClassifier, AdaBoostRegressor, weighted_median
from .gbdt import GradientBoostingClassifier, GradientBoostingRegressor
from .losses import grouped_quantile, make_loss
from .xgb_tree import (
    XGBTree,
    bin_features,
    build_histograms,
    grow_exact,
    grow_hist,
    quantile_cuts,
)
from .xgboost import XGBoostClassifier, XGBoostRegressor, logistic_gh, squared_error_gh

__all__ = [
    "AdaBoostClassifier",
    "AdaBoostRegressor",
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "XGBTree",
    "XGBoostClassifier",
    "XGBoostRegressor",
    "bin_features",
    "build_histograms",
    "grouped_quantile",
    "grow_exact",
    "grow_hist",
    "logistic_gh",
    "make_loss",
    "quantile_cuts",
    "squared_error_gh",
    "weighted_median",
]
