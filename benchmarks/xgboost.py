"""XGBoost: groundup against the xgboost library (chapter 4).

Task (issue "Chapter 4"): make_classification(n_samples=60000, n_features=20,
n_informative=10, random_state=0), the last 10,000 rows held out; 100 rounds,
depth 6, eta 0.3, 256 bins, one thread each (``n_jobs=1``), interleaved.
Targets (issue 21): ``hist`` fit time at most 2x xgboost's (moonshot 1x),
test log loss within 1% (relative); ``exact`` against ``exact`` at most 3x.
"""

from __future__ import annotations

import xgboost as xgb
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss

from groundup.boosting import XGBoostClassifier

from .common import Row, fit_times, timed

REPEATS = 3


def _row(method, ours, theirs, X_tr, y_tr, X_te, y_te, repeats, target, ok):
    models = {"ours": ours, "peer": theirs}
    fit = timed(fit_times(models, X_tr, y_tr, repeats))
    loss = {k: log_loss(y_te, m.predict_proba(X_te)) for k, m in models.items()}
    ratio = fit["ours_s"] / fit["peer_s"]
    return Row(
        topic="XGBoost",
        task=f"fit, {method}: make_classification 50k x 20, 100 rounds, depth 6",
        peer="xgboost",
        **fit,
        metric="test log loss",
        ours_quality=loss["ours"],
        peer_quality=loss["peer"],
        target=target,
        met=ok(ratio, loss["ours"], loss["peer"]),
    )


def run(repeats: int = REPEATS) -> list[Row]:
    X, y = make_classification(
        n_samples=60000, n_features=20, n_informative=10, random_state=0
    )
    data = (X[:50000], y[:50000], X[50000:], y[50000:])
    common = dict(n_estimators=100, max_depth=6, learning_rate=0.3, base_score=0.5)
    hist = _row(
        "hist",
        XGBoostClassifier(tree_method="hist", max_bin=256, **common),
        xgb.XGBClassifier(tree_method="hist", max_bin=256, n_jobs=1, **common),
        *data,
        repeats,
        "fit <= 2x (moonshot 1x), log loss within 1%",
        lambda r, a, b: r <= 2.0 and abs(a - b) <= 0.01 * b,
    )
    exact = _row(
        "exact",
        XGBoostClassifier(tree_method="exact", **common),
        xgb.XGBClassifier(tree_method="exact", n_jobs=1, **common),
        *data,
        repeats,
        "fit <= 3x",
        lambda r, a, b: r <= 3.0,
    )
    return [hist, exact]
