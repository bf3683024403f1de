"""AdaBoost: discrete SAMME for classification, AdaBoost.R2 for regression (chapter 2).

Each round fits a weak learner to the current sample weights, measures its
weighted error, gives it a vote that grows as the error shrinks, and
re-weights the rows so that the next learner focuses on the mistakes.

The classifier is SAMME (Zhu et al. 2009): for K = 2 classes it is the
discrete AdaBoost of Freund and Schapire, with every vote doubled (eq.
``ada-samme``), which changes no prediction. The regressor is Drucker's
AdaBoost.R2 with the learners fitted on the weights directly.

When the learner is a ``groundup`` tree (the default: a stump for the
classifier, a depth-3 tree for the regressor), the data are sorted once and
every round grows its tree on that sort, so a stump costs a few array passes.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    clone,
    is_classifier,
)
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils.extmath import softmax
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from .._validation import (
    Interval,
    Predicate,
    check_sample_weight,
    generator,
    validate_params,
)
from ..trees import criteria
from ..trees.cart import (
    BaseDecisionTree,
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    PresortedGrower,
)


class RoundFitter:
    """Fits one learner per round on the current weights, and predicts the training
    rows.

    ``groundup`` trees take a fast path: the features are sorted once, here,
    and each round's tree grows on that sort with the new weights.
    """

    def __init__(self, learner, X, y, stats_of, rng, fitted_attrs):
        self.learner, self.X, self.y, self.rng = learner, X, y, rng
        self.stats_of, self.fitted_attrs = stats_of, fitted_attrs
        self.grower = None
        if isinstance(learner, BaseDecisionTree):
            XT = np.ascontiguousarray(X.T, dtype=np.float32)
            self.grower = PresortedGrower(learner, XT)

    def __call__(self, weight: np.ndarray):
        """The learner fitted with ``weight``, and its training-row predictions."""
        if self.grower is not None:
            stats = self.stats_of(self.y, weight)
            tree = self.grower.grow(stats, weight > 0, self.rng, **self.fitted_attrs)
            out = tree.leaf_output(self.grower.XT)
            return tree, out.argmax(axis=1) if out.ndim == 2 else out  # class codes
        learner = clone(self.learner)
        if "random_state" in learner.get_params():
            learner.set_params(random_state=int(self.rng.integers(2**31)))
        learner.fit(self.X, self.y, sample_weight=weight)
        return learner, learner.predict(self.X)


def _takes_sample_weight(learner) -> bool:
    return hasattr(learner, "fit") and has_fit_parameter(learner, "sample_weight")


ADABOOST_CONSTRAINTS = {
    "estimator": [  # AdaBoost re-weights the rows, so the learner must take weights
        Predicate(_takes_sample_weight, "an estimator whose fit takes sample_weight"),
        None,
    ],
    "n_estimators": [Interval(int, 1)],
    "learning_rate": [Interval(float, 0, closed="neither")],
    "random_state": ["random_state"],
}


class BaseAdaBoost(BaseEstimator):
    """Parameter checks and the learner set-up shared by both estimators."""

    _default_learner: BaseEstimator
    _parameter_constraints = ADABOOST_CONSTRAINTS

    def __init__(
        self, estimator=None, *, n_estimators=50, learning_rate=1.0, random_state=None
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _check_params(self) -> BaseEstimator:
        validate_params(self)
        return self._default_learner if self.estimator is None else self.estimator

    @staticmethod
    def _dtype(learner):
        """float32 for ``groundup`` trees, which split in float32: too large a value
        is refused at fit, as the trees refuse it; any numeric type otherwise."""
        return np.float32 if isinstance(learner, BaseDecisionTree) else "numeric"

    def _start(self, X, sample_weight):
        weight = check_sample_weight(sample_weight, X)
        return weight / weight.sum(), generator(self.random_state)

    def _boost(self, fit_round: RoundFitter, weight: np.ndarray):
        """Up to ``n_estimators`` rounds; ``self._round`` does a round's arithmetic."""
        self.estimators_, votes, errors = [], [], []
        self.stop_reason_ = "n_estimators"
        given = weight > 0
        for _ in range(self.n_estimators):
            # No given row's weight falls below float64's eps (scikit-learn's
            # floor, its issue 20320): a tiny weight would make a tiny error and
            # a vote that drowns every other.
            weight = np.where(given, np.maximum(weight, EPS), 0.0)
            learner, pred = fit_round(weight)
            error, vote, weight = self._round(pred, fit_round.y, weight)
            if error <= 0:  # a perfect learner: it gets vote 1 and boosting ends
                vote, self.stop_reason_ = 1.0, "perfect"
            elif vote is None:  # no better than chance: boosting ends
                self.stop_reason_ = "chance"
                if self.estimators_ or not self._keep_first_at_chance(error):
                    break
                vote = 1.0
            self.estimators_.append(learner)
            votes.append(vote)
            errors.append(max(error, 0.0))
            if self.stop_reason_ == "n_estimators" and self._overflows(vote):
                self.stop_reason_ = "overflow"
            if self.stop_reason_ != "n_estimators":
                break
        self.estimator_weights_ = np.array(votes)
        self.estimator_errors_ = np.array(errors)
        return self

    def staged_score(self, X, y, sample_weight=None):
        """The score (accuracy, or R^2 for the regressor) after each round."""
        for pred in self.staged_predict(X):
            yield self._score_of(y, pred, sample_weight)

    def _score_of(self, y, pred, sample_weight) -> float:
        if is_classifier(self):
            return float(accuracy_score(y, pred, sample_weight=sample_weight))
        return float(r2_score(y, pred, sample_weight=sample_weight))

    def _overflows(self, vote: float) -> bool:
        return False  # AdaBoost.R2 shrinks weights: they underflow, in logarithms

    @property
    def feature_importances_(self) -> np.ndarray:
        """Learners' importances averaged with their votes as weights."""
        check_is_fitted(self, "estimators_")
        imp = [e.feature_importances_ for e in self.estimators_]
        return np.average(imp, axis=0, weights=self.estimator_weights_)


class AdaBoostClassifier(ClassifierMixin, BaseAdaBoost):
    """Discrete AdaBoost with the SAMME multi-class extension.

    Parameters
    ----------
    estimator : classifier accepting ``sample_weight``, default: a depth-1
        ``groundup`` decision tree (a stump).
    n_estimators : int >= 1, the most rounds to run.
    learning_rate : float > 0, shrinks every vote (eq. ``ada-shrink``).
    random_state : int, RandomState or None, passed on to the learners.

    Attributes
    ----------
    estimators_ : the fitted learners.
    estimator_weights_ : their votes alpha_m (SAMME: twice the binary AdaBoost
        alpha for K = 2).
    estimator_errors_ : their weighted training errors e_m.
    stop_reason_ : why boosting stopped: "n_estimators" (all rounds ran),
        "perfect" (a learner made no weighted error; it gets vote 1 and
        boosting ends), "chance" (a learner did no better than chance,
        e_m >= 1 - 1/K; it is dropped and boosting ends) or "overflow" (a
        vote so large that e^vote exceeds float64; it is kept, a warning
        says so, and boosting ends, as in scikit-learn). As in scikit-learn,
        no positive sample weight falls below float64's eps.
    """

    _default_learner = DecisionTreeClassifier(max_depth=1)

    def fit(self, X, y, sample_weight=None):
        """Run up to ``n_estimators`` rounds on ``X`` and class labels ``y``."""
        learner = self._check_params()
        X, y = validate_data(self, X, y, dtype=self._dtype(learner))
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.n_classes_ = n_classes = len(self.classes_)
        weight, rng = self._start(X, sample_weight)
        fit_round = RoundFitter(
            learner,
            X,
            codes,
            lambda c, w: criteria.class_stats(c, w, n_classes),
            rng,
            {"classes_": np.arange(n_classes), "n_classes_": n_classes},
        )
        return self._boost(fit_round, weight)

    def _round(self, pred, codes, weight):
        return samme_round(pred != codes, weight, self.n_classes_, self.learning_rate)

    def _overflows(self, vote: float) -> bool:
        """Whether e^vote, the factor on the mistakes' weights, exceeds float64.

        Our weights are re-normalised in logarithms and stay finite, but from
        here on each vote drowns all earlier ones and the learners chase a
        handful of rows; scikit-learn stops at the same point, with a warning.
        """
        if vote < np.log(np.finfo(np.float64).max):
            return False
        warnings.warn(
            f"Sample weights have reached infinite values at round "
            f"{len(self.estimators_)}: the mistakes' factor e^{vote:.0f} "
            "overflows float64. Boosting stopped; try a lower learning_rate.",
            UserWarning,
            stacklevel=4,
        )
        return True

    def _keep_first_at_chance(self, error: float) -> bool:
        k = self.n_classes_
        raise ValueError(
            f"the first learner's weighted error {error:.3f} is no better than "
            f"chance (1 - 1/K = {1 - 1 / k:.3f}); AdaBoost cannot start."
        )

    def _learner_codes(self, X) -> np.ndarray:
        """Class codes predicted by every learner: shape (n_learners, n_samples)."""
        check_is_fitted(self, "estimators_")
        X = validate_data(self, X, reset=False)
        return np.array([e.predict(X) for e in self.estimators_]).astype(np.intp)

    def staged_decision_function(self, X):
        """The decision function after each round (see ``decision_function``)."""
        codes = self._learner_codes(X)
        k = self.n_classes_
        score = np.zeros((codes.shape[1], k))
        total = 0.0
        for vote, code in zip(self.estimator_weights_, codes, strict=True):
            # Each learner votes +alpha for its class and -alpha/(K-1) for the others.
            score -= vote / max(k - 1, 1)
            score[np.arange(code.shape[0]), code] += vote * k / max(k - 1, 1)
            total += vote
            yield self._format(score / total)

    def _format(self, score: np.ndarray) -> np.ndarray:
        if self.n_classes_ == 2:  # one column: f(x) > 0 means classes_[1]
            return score[:, 1] - score[:, 0] if score.shape[1] == 2 else score[:, 0]
        return score.copy()

    def decision_function(self, X) -> np.ndarray:
        """Vote-weighted score per class, divided by the sum of the votes.

        For two classes a single column: positive means ``classes_[1]``.
        """
        *_, last = self.staged_decision_function(X)
        return last

    def _predict_from(self, score: np.ndarray) -> np.ndarray:
        if score.ndim == 1:
            return self.classes_[(score > 0).astype(np.intp)]
        return self.classes_[score.argmax(axis=1)]

    def staged_predict(self, X):
        """Predictions after each round: the test-error curve in one pass."""
        for score in self.staged_decision_function(X):
            yield self._predict_from(score)

    def predict(self, X) -> np.ndarray:
        """The class with the largest sum of votes for each row of ``X``."""
        return self._predict_from(self.decision_function(X))

    def predict_proba(self, X) -> np.ndarray:
        """softmax(f(x) / (K - 1)), eq. (15) of Zhu et al. 2009, as in scikit-learn."""
        return self._proba(self.decision_function(X))

    def staged_predict_proba(self, X):
        """Class probabilities after each round (see ``predict_proba``)."""
        for score in self.staged_decision_function(X):
            yield self._proba(score)

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`."""
        return np.log(self.predict_proba(X))

    def _proba(self, score: np.ndarray) -> np.ndarray:
        if self.n_classes_ == 1:
            return np.ones_like(score)
        if score.ndim == 1:
            score = np.column_stack([-score, score]) / 2
        else:
            score = score / (self.n_classes_ - 1)
        return softmax(score)


class AdaBoostRegressor(RegressorMixin, BaseAdaBoost):
    """AdaBoost.R2 (Drucker 1997): relative errors, beta-votes, a weighted median.

    Parameters
    ----------
    estimator : regressor accepting ``sample_weight``, default: a depth-3
        ``groundup`` regression tree.
    n_estimators, learning_rate, random_state : as in the classifier.
    loss : {"linear", "square", "exponential"}, how a row's error |y - G(x)|,
        scaled by the round's largest error, becomes its relative error e_mi.

    Unlike scikit-learn, which follows Drucker and fits each learner on a
    weighted bootstrap resample, the learners here are fitted on the weights
    directly, so the fit is deterministic.

    Attributes
    ----------
    estimators_, estimator_weights_ (ln(1/beta_m), shrunk), estimator_errors_
    (e_m), stop_reason_: "n_estimators", "perfect" or "chance" (e_m >= 1/2).
    """

    _default_learner = DecisionTreeRegressor(max_depth=3)
    _parameter_constraints = {
        **ADABOOST_CONSTRAINTS,
        "loss": [{"linear", "square", "exponential"}],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        loss="linear",
        random_state=None,
    ):
        super().__init__(
            estimator,
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            random_state=random_state,
        )
        self.loss = loss

    def fit(self, X, y, sample_weight=None):
        """Up to ``n_estimators`` rounds of AdaBoost.R2 on ``X`` and targets ``y``."""
        learner = self._check_params()
        X, y = validate_data(self, X, y, dtype=self._dtype(learner), y_numeric=True)
        y = y.astype(np.float64)
        weight, rng = self._start(X, sample_weight)
        fit_round = RoundFitter(learner, X, y, criteria.regression_stats, rng, {})
        return self._boost(fit_round, weight)

    def _round(self, pred, y, weight):
        rel = self._relative_error(np.abs(pred - y))
        return r2_round(rel, weight, self.learning_rate)

    def _keep_first_at_chance(self, error: float) -> bool:
        return True  # keep one learner, as scikit-learn does

    def _relative_error(self, abs_error: np.ndarray) -> np.ndarray:
        largest = abs_error.max()
        rel = abs_error / largest if largest > 0 else abs_error
        if self.loss == "square":
            return rel**2
        if self.loss == "exponential":
            return 1 - np.exp(-rel)
        return rel

    def _learner_predictions(self, X) -> np.ndarray:
        check_is_fitted(self, "estimators_")
        X = validate_data(self, X, reset=False)
        return np.array([e.predict(X) for e in self.estimators_])

    def staged_predict(self, X):
        """Weighted-median predictions using the first 1, 2, ... learners."""
        preds = self._learner_predictions(X)
        for m in range(1, preds.shape[0] + 1):
            yield weighted_median(preds[:m], self.estimator_weights_[:m])

    def predict(self, X) -> np.ndarray:
        """Weighted median of the learners' predictions, weights ln(1/beta_m)."""
        return weighted_median(self._learner_predictions(X), self.estimator_weights_)


EPS = np.finfo(np.float64).eps


def samme_round(
    wrong: np.ndarray, weight: np.ndarray, n_classes: int, learning_rate: float
):
    """One round of SAMME: the error e_m, the vote alpha_m and the new weights.

    ``wrong`` flags the rows the learner got wrong, ``weight`` sums to 1. The
    vote is None when the learner is no better than chance (e_m >= 1 - 1/K).
    """
    error = float(np.sum(weight[wrong]))  # e_m: a sum of weights (eq. ada-error)
    if error <= 0 or error >= 1.0 - 1.0 / n_classes:
        return error, None, weight
    # The SAMME vote (eq. ada-samme), shrunk by the learning rate (eq. ada-shrink);
    # log1p(-e) - log(e), not log((1 - e) / e), whose ratio overflows for a tiny e.
    vote = learning_rate * (np.log1p(-error) - np.log(error) + np.log(n_classes - 1))
    # Up-weight the mistakes, then renormalise: the division by Z_m (eq.
    # ada-update), in logarithms so that a large vote cannot overflow.
    return (
        error,
        vote,
        _renormalised(weight, lambda: np.exp(vote * wrong), vote * wrong),
    )


def r2_round(rel: np.ndarray, weight: np.ndarray, learning_rate: float):
    """One round of AdaBoost.R2 from the relative errors e_mi of the rows.

    Returns e_m, the vote ln(1/beta_m) (None when e_m >= 1/2) and the new weights.
    """
    error = float(np.sum(weight * rel))  # e_m (eq. ada-r2-error)
    if error <= 0 or error >= 0.5:
        return error, None, weight
    beta = error / (1 - error)
    # Rows with small relative error are down-weighted by beta^(1 - e_mi), in
    # logarithms so that a large learning rate cannot underflow every weight.
    power = (1 - rel) * learning_rate
    weight = _renormalised(weight, lambda: beta**power, power * np.log(beta))
    return error, learning_rate * np.log(1 / beta), weight


def _renormalised(weight, factor, log_factor) -> np.ndarray:
    """``weight * factor()``, divided by its sum, never inf or NaN.

    ``log_factor`` is the logarithm of ``factor()``, used when the factors
    overflow or underflow.
    """
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        w = weight * factor()
        total = w.sum()
    if np.isfinite(total) and total > 0:
        return w / total
    # The factors overflow (a large vote) or underflow (a large learning rate):
    # shift the logarithms so the largest weight is 1.
    with np.errstate(divide="ignore"):  # a weight of 0 stays 0
        log_w = np.log(weight) + log_factor
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


def weighted_median(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per column of ``values`` (learners x samples), the smallest value whose
    cumulative weight reaches half the total (eq. ``ada-r2-median``)."""
    order = np.argsort(values, axis=0, kind="stable")
    cdf = np.cumsum(weights[order], axis=0)
    pick = (cdf >= 0.5 * cdf[-1]).argmax(axis=0)[None, :]
    return np.take_along_axis(values, np.take_along_axis(order, pick, axis=0), axis=0)[
        0
    ]
