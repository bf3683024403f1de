"""A/B timing of the tree code of two checkouts, in alternating fresh processes.

For a refactor that must not slow the package down (issue 20 allowed 5%):

    git worktree add /tmp/before HEAD~1
    python -m benchmarks.ab /tmp/before/src src 3

runs the same fits (forest, AdaBoost, GBDT, XGBoost exact and hist, small
and multi-class data) with each ``src`` in turn, one thread, and prints the
median time of each and their ratio. The order alternates between repeats
so that a machine growing slower or faster does not favour one side.
"""

import json
import statistics
import subprocess
import sys

SNIP = r"""
import sys, time, json
sys.path.insert(0, SRC)
from sklearn.datasets import make_classification, load_digits
from groundup.ensemble import RandomForestClassifier as RF
from groundup.boosting import GradientBoostingClassifier as GB
from groundup.boosting import XGBoostClassifier as XGB, AdaBoostClassifier as Ada
X, y = make_classification(20000, 20, n_informative=10, random_state=0)
Xd, yd = load_digits(return_X_y=True)
tasks = {
    "forest fit 20k x 20, 30 trees": (lambda: RF(30, random_state=0), X, y),
    "gbdt 20k, 30 rounds": (lambda: GB(n_estimators=30, random_state=0), X, y),
    "xgb hist 20k, 30 rounds": (lambda: XGB(n_estimators=30, random_state=0), X, y),
    "xgb exact 20k, 10 rounds": (
        lambda: XGB(n_estimators=10, tree_method="exact", random_state=0), X, y),
    "adaboost digits, 100": (lambda: Ada(n_estimators=100, random_state=0), Xd, yd),
    "xgb hist digits, 10 rounds": (
        lambda: XGB(n_estimators=10, random_state=0), Xd, yd),
}
out = {}
for name, (make, X_, y_) in tasks.items():
    t = time.perf_counter(); model = make().fit(X_, y_)
    out[name] = time.perf_counter() - t
forest = RF(30, random_state=0).fit(X, y)
t = time.perf_counter(); forest.predict(X[:10000])
out["forest predict 10k"] = time.perf_counter() - t
print(json.dumps(out))
"""


def times(src: str) -> dict:
    """One fresh process with ``src`` first on the path: seconds per task."""
    env = {"OMP_NUM_THREADS": "1", "PATH": "/usr/bin"}
    code = f"SRC = {src!r}\n" + SNIP
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(before: str, after: str, repeats: int) -> None:
    runs = {"before": [], "after": []}
    for r in range(repeats):
        order = [("before", before), ("after", after)]
        for side, src in order if r % 2 == 0 else order[::-1]:
            runs[side].append(times(src))
    for task in runs["before"][0]:
        b = statistics.median(run[task] for run in runs["before"])
        a = statistics.median(run[task] for run in runs["after"])
        print(f"{task:30s} before {b:7.3f} s  after {a:7.3f} s  ratio {a / b:5.3f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
