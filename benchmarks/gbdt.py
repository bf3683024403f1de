"""Gradient boosting: groundup against scikit-learn's GradientBoostingClassifier
(chapter 3).

Task (issue "Chapter 3"): make_classification(n_samples=60000, n_features=20,
n_informative=10, random_state=0), the last 10,000 rows held out; 100 rounds
of depth-3 trees, learning rate 0.1, one thread each, interleaved.
Targets: ours no slower, the same accuracy within 0.3 points.
"""

from __future__ import annotations

from sklearn.datasets import make_classification
from sklearn.ensemble import GradientBoostingClassifier as SkBoosting

from groundup.boosting import GradientBoostingClassifier

from .common import Row, fit_times, timed

REPEATS = 3


def run(repeats: int = REPEATS) -> list[Row]:
    X, y = make_classification(
        n_samples=60000, n_features=20, n_informative=10, random_state=0
    )
    X_tr, y_tr, X_te, y_te = X[:50000], y[:50000], X[50000:], y[50000:]
    params = {
        "n_estimators": 100,
        "max_depth": 3,
        "learning_rate": 0.1,
        "random_state": 0,
    }
    models = {
        "ours": GradientBoostingClassifier(**params),
        "peer": SkBoosting(**params),
    }
    fit = timed(fit_times(models, X_tr, y_tr, repeats))
    acc = {k: m.score(X_te, y_te) for k, m in models.items()}
    return [
        Row(
            topic="gradient boosting",
            task="fit: make_classification 50k x 20, 100 rounds, depth 3",
            peer="scikit-learn",
            **fit,
            metric="accuracy",
            ours_quality=acc["ours"],
            peer_quality=acc["peer"],
            target="fit <= 1x, accuracy within 0.3 points",
            met=fit["ours_s"] <= fit["peer_s"]
            and abs(acc["ours"] - acc["peer"]) <= 0.003,
        )
    ]
