"""AdaBoost: groundup against scikit-learn's SAMME (chapter 2).

Task (issue "Chapter 2"): ESL Example 10.2, make_hastie_10_2 with 2,000
training and 10,000 test rows; 400 stumps, learning rate 1, one thread each.
Target: ours no slower than scikit-learn's fit; report the test-error
difference.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_hastie_10_2
from sklearn.ensemble import AdaBoostClassifier as SkAdaBoost
from sklearn.tree import DecisionTreeClassifier as SkTree

from groundup.boosting import AdaBoostClassifier

from .common import Row, fit_medians

REPEATS = 5


def run(repeats: int = REPEATS) -> list[Row]:
    X, y = make_hastie_10_2(n_samples=12000, random_state=1)
    X_tr, y_tr, X_te, y_te = X[:2000], y[:2000], X[2000:], y[2000:]
    models = {
        "ours": AdaBoostClassifier(n_estimators=400),
        "peer": SkAdaBoost(SkTree(max_depth=1), n_estimators=400, random_state=0),
    }
    fit = fit_medians(models, X_tr, y_tr, repeats)
    err = {k: float(np.mean(m.predict(X_te) != y_te)) for k, m in models.items()}
    ratio = fit["ours"] / fit["peer"]
    return [
        Row(
            "AdaBoost",
            "fit: ESL 10.2 (2,000 x 10), 400 stumps",
            "scikit-learn",
            fit["ours"],
            fit["peer"],
            "test error",
            err["ours"],
            err["peer"],
            "fit <= 1x; report the error difference",
            ratio <= 1.0,
        )
    ]
