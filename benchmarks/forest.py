"""Random forest: groundup against scikit-learn (chapter 1).

Task (the Foundation issue): make_classification(n_samples=60000,
n_features=20, n_informative=10, random_state=0), the last 10,000 rows held
out; 100 fully grown trees, max_features="sqrt", one thread each.
Targets: fit time at most scikit-learn's (it was 2x), accuracy within 0.5
points; predict time at most 1.5x scikit-learn's (issue 21).
"""

from __future__ import annotations

from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier as SkForest

from groundup.ensemble import RandomForestClassifier

from .common import Row, fit_times, interleaved, timed

REPEATS = 3


def run(repeats: int = REPEATS) -> list[Row]:
    X, y = make_classification(
        n_samples=60000, n_features=20, n_informative=10, random_state=0
    )
    X_tr, y_tr, X_te, y_te = X[:50000], y[:50000], X[50000:], y[50000:]
    params = {
        "n_estimators": 100,
        "max_features": "sqrt",
        "n_jobs": 1,
        "random_state": 0,
    }
    models = {"ours": RandomForestClassifier(**params), "peer": SkForest(**params)}
    fit = timed(fit_times(models, X_tr, y_tr, repeats))
    pred = timed(
        interleaved(
            {k: (lambda m=m: m.predict(X_te)) for k, m in models.items()}, repeats
        )  # fmt: skip
    )
    acc = {k: m.score(X_te, y_te) for k, m in models.items()}
    task = "make_classification 50k x 20, 100 trees, sqrt features"
    quality = dict(
        metric="accuracy", ours_quality=acc["ours"], peer_quality=acc["peer"]
    )
    return [
        Row(
            topic="random forest",
            task=f"fit: {task}",
            peer="scikit-learn",
            **fit,
            **quality,
            target="fit <= 1x, accuracy within 0.5 points",
            met=fit["ours_s"] <= fit["peer_s"]
            and abs(acc["ours"] - acc["peer"]) <= 0.005,
        ),
        Row(
            topic="random forest",
            task="predict: 10,000 held-out rows",
            peer="scikit-learn",
            **pred,
            **quality,
            target="predict <= 1.5x",
            met=pred["ours_s"] <= 1.5 * pred["peer_s"],
        ),
    ]
