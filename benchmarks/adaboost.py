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

from .common import Row, fit_times, timed

REPEATS = 5


def run(repeats: int = REPEATS) -> list[Row]:
    X, y = make_hastie_10_2(n_samples=12000, random_state=1)
    X_tr, y_tr, X_te, y_te = X[:2000], y[:2000], X[2000:], y[2000:]
    models = {
        "ours": AdaBoostClassifier(n_estimators=400),
        "peer": SkAdaBoost(SkTree(max_depth=1), n_estimators=400, random_state=0),
    }
    fit = timed(fit_times(models, X_tr, y_tr, repeats))
    err = {k: float(np.mean(m.predict(X_te) != y_te)) for k, m in models.items()}
    return [
        Row(
            topic="AdaBoost",
            task="fit: ESL 10.2 (2,000 x 10), 400 stumps",
            peer="scikit-learn",
            **fit,
            metric="test error",
            ours_quality=err["ours"],
            peer_quality=err["peer"],
            target="fit <= 1x; report the error difference",
            met=fit["ours_s"] <= fit["peer_s"],
        )
    ]
