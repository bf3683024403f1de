"""Gradient boosted decision trees (chapter 3): Friedman's algorithm with CART trees.

Each round computes the negative gradient of the loss at the current model
(the "pseudo-residuals", eq. ``gb-residual``), fits a ``groundup`` regression
tree to it, replaces each leaf's value by the loss's own line search (eq.
``gb-leaf``), and adds the tree shrunk by the learning rate (eq.
``gb-shrink``). The split search is chapter 1's, on data sorted once for all
rounds; only the targets of the tree change.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_classifier
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import Interval, check_sample_weight, generator, validate_params
from ..trees import criteria
from ..trees.cart import TREE_CONSTRAINTS, DecisionTreeRegressor, PresortedGrower
from .losses import REGRESSION_LOSSES, make_loss

# The parameters each round's regression tree takes (their table is the tree's).
TREE_PARAMETERS = (
    "max_depth",
    "min_samples_split",
    "min_samples_leaf",
    "min_weight_fraction_leaf",
    "max_features",
    "max_leaf_nodes",
    "min_impurity_decrease",
)
GBDT_CONSTRAINTS = {  # shared by the regressor and the classifier
    "learning_rate": [Interval(float, 0, closed="neither")],
    "n_estimators": [Interval(int, 1)],
    "subsample": [Interval(float, 0, 1, closed="right")],
    **{name: TREE_CONSTRAINTS[name] for name in TREE_PARAMETERS},
    "validation_fraction": [Interval(float, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(int, 1), None],
    "tol": [Interval(float, 0)],
    "random_state": ["random_state"],
}


def gradient_boosting_round(
    grower, loss, y, raw, weight, inbag, learning_rate, rng
) -> list:
    """One round of gradient boosting: a tree per output, added to ``raw`` in place.

    ``grower`` holds the presorted features; the trees fit the rows of
    ``inbag`` with their ``weight``; ``y`` holds targets or class codes.
    """
    w = weight * inbag
    loss.before_round(y, raw, weight)  # Huber re-estimates its threshold here
    neg_grad = loss.negative_gradient(y, raw)  # eq. (gb-residual)
    targets = np.eye(raw.shape[1])[y] if raw.shape[1] > 1 else y[:, None]
    fitted, trees = w > 0, []
    for k in range(raw.shape[1]):
        stats = criteria.regression_stats(neg_grad[:, k], w)
        tree = grower.grow(stats, fitted, rng)
        leaf = tree.tree_.apply(grower.XT)
        searched = loss.leaf_values(  # the line search of every leaf, eq. (gb-leaf)
            targets[fitted, k], raw[fitted], neg_grad[fitted, k], w[fitted],
            leaf[fitted], tree.tree_.node_count,
        )  # fmt: skip
        if searched is not None:
            tree.tree_.set_leaf_values(*searched)
        raw[:, k] += learning_rate * tree.tree_.leaf_value()[leaf]  # eq. (gb-shrink)
        trees.append(tree)
    return trees


class EarlyStopping:
    """Stops boosting when the held-out loss has stalled (scikit-learn's rule).

    A round passes when its validation loss beats, by ``tol``, at least one of
    the last ``n_iter_no_change`` validation losses; the first round that
    does not is the last one kept.
    """

    def __init__(self, X_val, y_val, w_val, estimator):
        self.XT = np.ascontiguousarray(X_val.T, dtype=np.float32)
        self.y, self.w = y_val, w_val
        self.tol, self.learning_rate = estimator.tol, estimator.learning_rate
        n_iter_no_change = estimator.n_iter_no_change
        self.history = np.full(n_iter_no_change, np.inf)
        self.raw, self.rounds = None, 0

    def after_round(self, trees, loss, init) -> bool:
        """Add this round's trees to the held-out scores; True to stop here."""
        if self.raw is None:
            self.raw = np.tile(init, (self.XT.shape[1], 1))
        for k, tree in enumerate(trees):
            self.raw[:, k] += self.learning_rate * tree.leaf_output(self.XT)
        current = loss(self.y, self.raw, self.w)
        if not np.any(current + self.tol < self.history):
            return True
        self.history[self.rounds % self.history.shape[0]] = current
        self.rounds += 1
        return False


class BaseGradientBoosting(BaseEstimator):
    """The boosting loop shared by the regressor and the classifier."""

    _parameter_constraints: dict = {}

    def _boost(self, X, y, sample_weight, n_classes: int = 2):
        """Fit up to ``n_estimators`` rounds; y holds targets or class codes."""
        template = DecisionTreeRegressor(
            **{k: getattr(self, k) for k in TREE_PARAMETERS}
        )
        weight = check_sample_weight(sample_weight, X)
        rng = generator(self.random_state)
        X, y, weight, stop = self._hold_out(X, y, weight, n_classes, rng)
        grower = PresortedGrower(template, np.ascontiguousarray(X.T, dtype=np.float32))
        self.max_features_ = grower.settings.max_features
        loss = self._loss = self._make_loss(n_classes)
        # eq. (gb-init)
        self.init_ = loss.init(y, weight, weighted=sample_weight is not None)
        raw = np.tile(self.init_, (X.shape[0], 1))
        self.estimators_ = np.empty((self.n_estimators, loss.n_trees), dtype=object)
        self.train_score_ = np.empty(self.n_estimators)
        self.oob_scores_ = np.empty(self.n_estimators) if self.subsample < 1 else None
        for m in range(self.n_estimators):
            inbag = self._draw_bag(X.shape[0], rng)
            trees = gradient_boosting_round(
                grower, loss, y, raw, weight, inbag, self.learning_rate, rng
            )
            self.estimators_[m] = trees
            self.train_score_[m] = loss(y[inbag], raw[inbag], weight[inbag])
            if self.oob_scores_ is not None:  # NaN when every row is in the bag
                out = ~inbag & (weight > 0)
                self.oob_scores_[m] = (
                    loss(y[out], raw[out], weight[out]) if out.any() else np.nan
                )
            if stop is not None and stop.after_round(trees, loss, self.init_):
                break
        self._keep_rounds(m + 1)
        return self

    def _hold_out(self, X, y, weight, n_classes: int, rng):
        """Set ``validation_fraction`` of the rows aside when stopping early."""
        if self.n_iter_no_change is None:
            return X, y, weight, None
        strata = y if is_classifier(self) else None  # a stratified hold-out
        seed = int(rng.integers(2**31))
        X, X_val, y, y_val, weight, w_val = train_test_split(
            X, y, weight, test_size=self.validation_fraction, stratify=strata,
            random_state=seed,
        )  # fmt: skip
        if strata is not None and np.unique(y[weight > 0]).shape[0] < n_classes:
            raise ValueError(
                "The training data after the early stopping split is missing some "
                "classes (too few rows of a class for validation_fraction="
                f"{self.validation_fraction}); lower it or add rows."
            )
        stop = EarlyStopping(X_val, y_val, w_val, self)
        return X, y, weight, stop

    def apply(self, X) -> np.ndarray:
        """Leaf of every sample in every tree, as in scikit-learn.

        Shape (n_samples, n_estimators_, n_trees) for a classifier (one tree
        per round for two classes, K for K classes), (n_samples,
        n_estimators_) for a regressor.
        """
        check_is_fitted(self, "estimators_")
        X = validate_data(self, X, dtype=np.float32, reset=False)
        XT = np.ascontiguousarray(X.T)
        stages = [[tree.tree_.apply(XT) for tree in st] for st in self.estimators_]
        leaves = np.array(stages).transpose(2, 0, 1)  # (sample, stage, tree)
        return leaves if is_classifier(self) else leaves[:, :, 0]

    def _keep_rounds(self, n_rounds: int) -> None:
        """Keep the first ``n_rounds`` rounds (all of them without early stopping)."""
        self.n_estimators_ = n_rounds
        self.estimators_ = self.estimators_[:n_rounds]
        self.train_score_ = self.train_score_[:n_rounds]
        if self.oob_scores_ is not None:
            self.oob_scores_ = self.oob_scores_[:n_rounds]

    def _draw_bag(self, n: int, rng) -> np.ndarray:
        """Rows in this round's bag: all, or a fresh subsample (stochastic boosting)."""
        inbag = np.ones(n, dtype=bool)
        if self.subsample < 1:
            inbag[:] = False
            inbag[rng.permutation(n)[: max(1, int(self.subsample * n))]] = True
        return inbag

    def _staged_raw(self, X):
        check_is_fitted(self, "estimators_")
        X = validate_data(self, X, dtype=np.float32, reset=False)
        XT = np.ascontiguousarray(X.T)
        raw = np.tile(self.init_, (X.shape[0], 1))
        for stage in self.estimators_:
            for k, tree in enumerate(stage):
                raw[:, k] += (
                    self.learning_rate * tree.tree_.leaf_value()[tree.tree_.apply(XT)]
                )
            yield raw.copy()

    def _raw(self, X):
        *_, last = self._staged_raw(X)
        return last

    @property
    def feature_importances_(self) -> np.ndarray:
        """Impurity decrease of every tree (as a share of its root weight), averaged."""
        check_is_fitted(self, "estimators_")
        per_tree = [
            t.tree_.improvements(self.n_features_in_) / t.tree_.weight[0]
            for t in self.estimators_.ravel()
            if t.tree_.node_count > 1
        ]
        if not per_tree:
            return np.zeros(self.n_features_in_)
        mean = np.mean(per_tree, axis=0)
        return mean / mean.sum()


class GradientBoostingRegressor(RegressorMixin, BaseGradientBoosting):
    """Gradient boosting for regression.

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "huber", "quantile"}
    learning_rate : float > 0, the shrinkage nu (eq. ``gb-shrink``).
    n_estimators : int >= 1, boosting rounds.
    subsample : float in (0, 1], the fraction of rows each round's tree sees.
    max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf,
    max_features, max_leaf_nodes, min_impurity_decrease : of each regression
        tree, as in :class:`~groundup.trees.DecisionTreeRegressor`.
    alpha : float in (0, 1): the quantile for ``"quantile"``, and for
        ``"huber"`` the quantile of |residual| used as the threshold delta.
    random_state : int, RandomState or None
    n_iter_no_change : int or None, default=None
        Stop early: set ``validation_fraction`` of the rows aside and stop
        once a round's loss on them fails to beat, by ``tol``, any of the
        last ``n_iter_no_change`` rounds (scikit-learn's rule).
    validation_fraction : float in (0, 1), default=0.1; tol : float >= 0.

    Attributes
    ----------
    init_ : the constant f_0; estimators_ : (n_estimators_, 1) array of trees
    whose leaves hold the line-searched values; train_score_ : the loss on the
    in-bag rows after each round; oob_scores_ : the loss on the out-of-bag
    rows (``subsample < 1`` only).
    """

    _parameter_constraints = {
        "loss": [set(REGRESSION_LOSSES)],
        **GBDT_CONSTRAINTS,
        "alpha": [Interval(float, 0, 1, closed="neither")],
    }

    def __init__(
        self,
        *,
        loss="squared_error",
        learning_rate=0.1,
        n_estimators=100,
        subsample=1.0,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_depth=3,
        min_impurity_decrease=0.0,
        random_state=None,
        max_features=None,
        alpha=0.9,
        max_leaf_nodes=None,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=1e-4,
    ):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_depth = max_depth
        self.min_impurity_decrease = min_impurity_decrease
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.alpha = alpha
        self.random_state = random_state

    def _make_loss(self, n_classes: int):
        return make_loss(self.loss, self.alpha)

    def fit(self, X, y, sample_weight=None):
        """Fit ``n_estimators`` rounds to ``X`` (n_samples, n_features) and ``y``."""
        X, y = validate_data(self, X, y, dtype=np.float32, y_numeric=True)
        validate_params(self)
        return self._boost(X, y.astype(np.float64), sample_weight)

    def staged_predict(self, X):
        """Predictions after each round."""
        for raw in self._staged_raw(X):
            yield raw[:, 0]

    def predict(self, X) -> np.ndarray:
        """The model's prediction, f_0 plus the shrunk trees, for each row of ``X``."""
        return self._raw(X)[:, 0]


class GradientBoostingClassifier(ClassifierMixin, BaseGradientBoosting):
    """Gradient boosting for classification with the log loss.

    Two classes: one tree per round on the log odds. K > 2 classes: K trees
    per round, one per class, on a softmax. ``loss="exponential"`` (two
    classes only) boosts AdaBoost's loss instead. Parameters are otherwise
    those of :class:`GradientBoostingRegressor`.
    """

    _parameter_constraints = {
        "loss": [{"log_loss", "exponential"}],
        **GBDT_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        loss="log_loss",
        learning_rate=0.1,
        n_estimators=100,
        subsample=1.0,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_depth=3,
        min_impurity_decrease=0.0,
        random_state=None,
        max_features=None,
        max_leaf_nodes=None,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=1e-4,
    ):
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_depth = max_depth
        self.min_impurity_decrease = min_impurity_decrease
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state

    def _make_loss(self, n_classes: int):
        return make_loss(self.loss, n_classes=n_classes)

    def fit(self, X, y, sample_weight=None):
        """Fit ``n_estimators`` rounds to ``X`` and class labels ``y`` (two or more)."""
        X, y = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(y)
        validate_params(self)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None and self.n_classes_ >= 2:
            weighted = codes[check_sample_weight(sample_weight, X) > 0]
            if np.unique(weighted).shape[0] < 2:
                raise ValueError(
                    "only one class has a positive sample_weight; a classifier "
                    "needs two or more."
                )
        if self.n_classes_ < 2:
            raise ValueError(
                f"y has only one class ({self.classes_[0]!r}); a classifier needs "
                "two or more."
            )
        target = codes.astype(np.float64) if self.n_classes_ == 2 else codes
        return self._boost(X, target, sample_weight, n_classes=self.n_classes_)

    def decision_function(self, X) -> np.ndarray:
        """Raw scores: the log odds (two classes) or one score per class."""
        raw = self._raw(X)
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def staged_predict_proba(self, X):
        """Class probabilities after each round, one array per round."""
        for raw in self._staged_raw(X):
            yield self._loss.proba(raw)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (n_samples, n_classes) from the raw scores."""
        raw = self._raw(X)  # checks fitting before the loss is read
        return self._loss.proba(raw)

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def staged_predict(self, X):
        """Predicted labels after each round, one array per round."""
        for proba in self.staged_predict_proba(X):
            yield self.classes_[proba.argmax(axis=1)]

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row of ``X``."""
        proba = self.predict_proba(X)  # checks fitting before classes_ is read
        return self.classes_[proba.argmax(axis=1)]
