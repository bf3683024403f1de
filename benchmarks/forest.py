"""Random forest: groundup against scikit-learn (chapter 1).

Task (the Foundation issue): make_classification(n_samples=60000,
n_features=20, n_informative=10, random_state=0), the last 10,000 rows held
out; 100 fully grown trees, max_features="sqrt", one thread each.
Targets: fit time at most 2x scikit-learn's; accuracy within 0.5 points.
"""

from __future__ import annotations

from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier as SkForest

from groundup.ensemble import RandomForestClassifier

from .common import Row, fit_medians, interleaved, median

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
    fit = fit_medians(models, X_tr, y_tr, repeats)
    pred = interleaved(
        {k: (lambda m=m: m.predict(X_te)) for k, m in models.items()}, repeats
    )
    acc = {k: m.score(X_te, y_te) for k, m in models.items()}
    fit_ratio = fit["ours"] / fit["peer"]
    task = "make_classification 50k x 20, 100 trees, sqrt features"
    return [
        Row(
            "random forest",
            f"fit: {task}",
            "scikit-learn",
            fit["ours"],
            fit["peer"],
            "accuracy",
            acc["ours"],
            acc["peer"],
            "fit <= 2x, accuracy within 0.5 points",
            fit_ratio <= 2.0 and abs(acc["ours"] - acc["peer"]) <= 0.005,
        ),
        Row(
            "random forest",
            "predict: 10,000 held-out rows",
            "scikit-learn",
            median(pred["ours"]),
            median(pred["peer"]),
            "accuracy",
            acc["ours"],
            acc["peer"],
            "(reported)",
            True,
        ),
    ]
