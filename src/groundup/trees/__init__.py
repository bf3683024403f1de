"""Decision trees (chapter 1): CART with exact thresholds, grown level by level."""

from . import criteria
from .cart import DecisionTreeClassifier, DecisionTreeRegressor
from .grow import Tree, grow_tree

__all__ = ["criteria", "DecisionTreeClassifier", "DecisionTreeRegressor", "Tree", "grow_tree"]
