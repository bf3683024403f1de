"""The parameter tables: every estimator declares each parameter once, and each
bad value is rejected at fit with an error that names the parameter."""

import numpy as np
import pytest
from sklearn.base import clone
from test_estimator_checks import ESTIMATORS

from groundup._validation import (
    Interval,
    check_sample_weight,
    generator,
    validate_params,
)

CLASSES = list({type(e): e for e in ESTIMATORS}.values())  # one of each estimator


@pytest.mark.parametrize("estimator", CLASSES, ids=lambda e: type(e).__name__)
def test_every_parameter_is_declared_once(estimator):
    assert set(estimator._parameter_constraints) == set(
        estimator.get_params(deep=False)
    )
    validate_params(estimator)  # the defaults satisfy the table


@pytest.mark.parametrize("estimator", CLASSES, ids=lambda e: type(e).__name__)
def test_a_bool_or_a_string_is_never_a_number(estimator):
    X, y = np.random.default_rng(0).normal(size=(30, 3)), np.tile([0, 1, 2], 10)
    numeric = [
        name
        for name, constraints in estimator._parameter_constraints.items()
        if any(isinstance(c, Interval) for c in constraints)
    ]
    assert numeric
    for name in numeric:
        for bad in (True, "1", float("nan")):
            with pytest.raises(ValueError, match=f"^{name} must be"):
                clone(estimator).set_params(**{name: bad}).fit(X, y)


def test_interval_ends_and_descriptions():
    assert Interval(int, 1)(1) and not Interval(int, 1)(0) and not Interval(int, 1)(1.0)
    unit = Interval(float, 0, 1, closed="right")
    assert unit(1) and unit(0.5) and not unit(0) and not unit(np.nan)
    assert str(unit) == "a number in (0, 1]" and str(Interval(int, 2)) == "an int >= 2"


def test_sample_weight_rule_is_one_rule():
    X = np.zeros((3, 2))
    np.testing.assert_array_equal(check_sample_weight(None, X), np.ones(3))
    for bad in ([1, -1, 1], [0, 0, 0], [1, np.nan, 1]):
        with pytest.raises(ValueError, match="sample_weight|Sample weights|NaN"):
            check_sample_weight(bad, X)


def test_generator_is_seeded_by_random_state():
    assert generator(3).integers(10**9) == generator(3).integers(10**9)
    state = np.random.RandomState(5)
    assert generator(state).integers(10**9) != generator(state).integers(10**9)
