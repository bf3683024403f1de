"""Decision trees (chapter 1): CART with exact thresholds, grown level by level."""

from . import criteria, segments
from .cart import DecisionTreeClassifier, DecisionTreeRegressor, PresortedGrower
from .grow import CartSettings, Tree, grow_tree

__all__ = [
    "criteria",
    "segments",
    "CartSettings",
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "PresortedGrower",
    "Tree",
    "grow_tree",
]
