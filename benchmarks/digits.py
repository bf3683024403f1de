"""Small, multi-class data: every tree ensemble of part 1 on scikit-learn's digits.

Task (issue 21): ``load_digits`` (1,797 x 64, 10 classes), the time to fit the
five folds of a 5-fold cross-validation, the same settings for ours and the
peer, one thread each, interleaved. On data this small the per-node,
per-tree and per-class overheads dominate, which the 50k-row benchmarks
hide. Quality: mean accuracy over the five held-out folds.
Target: each fit at most 2x the peer's.
"""

from __future__ import annotations

import numpy as np
import xgboost as xgb
from sklearn.datasets import load_digits
from sklearn.ensemble import AdaBoostClassifier as SkAdaBoost
from sklearn.ensemble import GradientBoostingClassifier as SkBoosting
from sklearn.ensemble import RandomForestClassifier as SkForest
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeClassifier as SkTree

from groundup.boosting import (
    AdaBoostClassifier,
    GradientBoostingClassifier,
    XGBoostClassifier,
)
from groundup.ensemble import RandomForestClassifier
from groundup.trees import DecisionTreeClassifier

from .common import Row, interleaved, timed

REPEATS = 3


def pairs() -> list[tuple[str, object, object]]:
    """(task, ours, the peer's) with the same settings."""
    forest = dict(n_estimators=100, n_jobs=1, random_state=0)
    boost = dict(n_estimators=100, max_depth=3, learning_rate=0.1, random_state=0)
    xgbp = dict(n_estimators=100, max_depth=6, learning_rate=0.3, base_score=0.5)
    return [
        ("tree", DecisionTreeClassifier(), SkTree(random_state=0)),
        (
            "forest, 100 trees",
            RandomForestClassifier(**forest),
            SkForest(**forest),
        ),
        (
            "AdaBoost, 50 stumps",
            AdaBoostClassifier(n_estimators=50),
            SkAdaBoost(SkTree(max_depth=1), n_estimators=50, random_state=0),
        ),
        (
            "GBDT, 100 rounds, depth 3",
            GradientBoostingClassifier(**boost),
            SkBoosting(**boost),
        ),
        (
            "XGBoost hist, 100 rounds, depth 6",
            XGBoostClassifier(tree_method="hist", **xgbp),
            xgb.XGBClassifier(tree_method="hist", n_jobs=1, **xgbp),
        ),
    ]


def cross_validate(model, X, y, folds) -> float:
    """Fit on each training fold; the mean held-out accuracy."""
    scores = [model.fit(X[tr], y[tr]).score(X[te], y[te]) for tr, te in folds]
    return float(np.mean(scores))


def cv_runner(model, X, y, folds, scores: dict, name: str):
    """A callable that cross-validates ``model``, keeping its accuracy in
    ``scores[name]``."""

    def run():
        scores[name] = cross_validate(model, X, y, folds)

    return run


def run(repeats: int = REPEATS) -> list[Row]:
    X, y = load_digits(return_X_y=True)
    folds = list(StratifiedKFold(n_splits=5).split(X, y))
    rows = []
    for task, ours, peer in pairs():
        models = {"ours": ours, "peer": peer}
        accuracy = {}  # the last run's, of each side
        runs = {k: cv_runner(m, X, y, folds, accuracy, k) for k, m in models.items()}
        fit = timed(interleaved(runs, repeats))
        rows.append(
            Row(
                topic="digits (small, 10 classes)",
                task=f"5-fold CV fit: {task}",
                peer="xgboost" if task.startswith("XGBoost") else "scikit-learn",
                **fit,
                metric="CV accuracy",
                ours_quality=accuracy["ours"],
                peer_quality=accuracy["peer"],
                target="fit <= 2x",
                met=fit["ours_s"] <= 2 * fit["peer_s"],
            )
        )
    return rows
