"""Boosting: AdaBoost (chapter 2), gradient boosting (3) and XGBoost (4)."""

from .adaboost import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    RoundFitter,
    r2_round,
    samme_round,
    weighted_median,
)
from .gbdt import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    gradient_boosting_round,
)
from .losses import grouped_quantile, make_loss
from .xgb_exact import ExactGrower, SortedColumns, grow_exact
from .xgb_hist import BinnedData, HistGrower, grow_hist, quantile_cuts
from .xgb_tree import XGBSettings, XGBTree, leaf_weight
from .xgboost import (
    XGBoostClassifier,
    XGBoostRegressor,
    logistic_gh,
    squared_error_gh,
    xgboost_round,
)

__all__ = [
    "AdaBoostClassifier",
    "AdaBoostRegressor",
    "BinnedData",
    "ExactGrower",
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "HistGrower",
    "RoundFitter",
    "SortedColumns",
    "XGBSettings",
    "XGBTree",
    "XGBoostClassifier",
    "XGBoostRegressor",
    "gradient_boosting_round",
    "grouped_quantile",
    "grow_exact",
    "grow_hist",
    "leaf_weight",
    "logistic_gh",
    "make_loss",
    "quantile_cuts",
    "r2_round",
    "samme_round",
    "squared_error_gh",
    "weighted_median",
    "xgboost_round",
]
