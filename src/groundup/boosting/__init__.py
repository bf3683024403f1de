"""Gradient boosting (chapter 3): losses, pseudo-residuals, line-searched leaves."""

from .gbdt import GradientBoostingClassifier, GradientBoostingRegressor
from .losses import grouped_quantile, make_loss

__all__ = [
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "grouped_quantile",
    "make_loss",
]
