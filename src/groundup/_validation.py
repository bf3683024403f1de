"""Parameter checks shared by the package: each error names the parameter.

Every estimator declares its parameters once, in the class attribute
``_parameter_constraints`` (the name scikit-learn's own estimators use): each
parameter maps to the constraints it may satisfy, and ``validate_params``
checks them all when ``fit`` starts. A constraint is an ``Interval``, a set
of allowed strings, ``None``, ``"boolean"``, ``"random_state"`` or a
``Predicate``. The table is ours rather than scikit-learn's because its
``Interval(Integral, ...)`` accepts ``True`` as the number 1; here a bool is
never a number.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_sample_weight


@dataclass(frozen=True)
class Interval:
    """A number of type ``kind`` (int; or float, which takes ints too) from ``low`` to
    ``high``.

    ``closed`` names the ends that belong to it ("both", "left", "right" or
    "neither"); a bound of None means no bound.
    """

    kind: type
    low: float | None = None
    high: float | None = None
    closed: str = "both"

    def __call__(self, value) -> bool:
        wanted = numbers.Integral if self.kind is int else numbers.Real
        if (
            isinstance(value, bool | np.bool_)
            or not isinstance(value, wanted)
            or value != value
        ):
            return False  # bools are not numbers here; value != value catches NaN
        low_in, high_in = (
            self.closed in ("both", "left"),
            self.closed in ("both", "right"),
        )
        above = self.low is None or value > self.low or (low_in and value == self.low)
        below = (
            self.high is None or value < self.high or (high_in and value == self.high)
        )
        return above and below

    def __str__(self) -> str:
        name = "an int" if self.kind is int else "a number"
        low_in, high_in = (
            self.closed in ("both", "left"),
            self.closed in ("both", "right"),
        )
        if self.high is None:
            return f"{name} {'>=' if low_in else '>'} {self.low}"
        if self.low is None:
            return f"{name} {'<=' if high_in else '<'} {self.high}"
        left, right = "[" if low_in else "(", "]" if high_in else ")"
        return f"{name} in {left}{self.low}, {self.high}{right}"


@dataclass(frozen=True)
class Predicate:
    """Any value for which ``test(value)`` is true, described as ``description``."""

    test: Callable[[object], bool]
    description: str

    def __call__(self, value) -> bool:
        return bool(self.test(value))

    def __str__(self) -> str:
        return self.description


def _satisfies(value, constraint) -> bool:
    if constraint is None:
        return value is None
    if constraint == "boolean":
        return isinstance(value, bool | np.bool_)
    if constraint == "random_state":
        return (
            value is None
            or Interval(int, 0)(value)
            or isinstance(value, np.random.RandomState)
        )
    if isinstance(constraint, set | frozenset):
        return isinstance(value, str) and value in constraint
    return constraint(value)


def _describe(constraint) -> str:
    if constraint is None:
        return "None"
    if constraint == "boolean":
        return "True or False"
    if constraint == "random_state":
        return "an int >= 0, a RandomState or None"
    if isinstance(constraint, set | frozenset):
        return f"one of {sorted(constraint)}"
    return str(constraint)


def validate_params(estimator) -> None:
    """Check every parameter of ``estimator`` against its ``_parameter_constraints``."""
    for name, constraints in estimator._parameter_constraints.items():
        value = getattr(estimator, name)
        if not any(_satisfies(value, c) for c in constraints):
            allowed = " or ".join(_describe(c) for c in constraints)
            raise ValueError(f"{name} must be {allowed}, got {value!r}.")


def check_sample_weight(sample_weight, X, dtype=np.float64) -> np.ndarray:
    """``sample_weight`` as an array (ones when None): finite, non-negative, positive
    sum.

    scikit-learn's helper checks the shape, finiteness and an all-zero weight
    (with the message its check suite expects); the sign rule is ours.
    """
    weight = _check_sample_weight(sample_weight, X, dtype=dtype, copy=True)
    if np.any(weight < 0) or not weight.sum() > 0:
        raise ValueError("sample_weight must be non-negative with a positive sum.")
    return weight


def generator(random_state) -> np.random.Generator:
    """A Generator from a scikit-learn ``random_state`` (None, int, RandomState)."""
    return np.random.default_rng(check_random_state(random_state).randint(2**31))


def check_int(name: str, value, *, low: int, allow_none: bool = False) -> None:
    """Raise unless ``value`` is an integer >= ``low`` (or None when allowed)."""
    if value is None and allow_none:
        return
    if not Interval(int, low)(value):
        extra = " or None" if allow_none else ""
        raise ValueError(f"{name} must be an integer >= {low}{extra}, got {value!r}.")


def check_counts(**values) -> None:
    """Raise unless all keyword value is an integer >= 1; name the first failing."""
    for name, value in values.items():
        check_int(name, value, low=1)


def check_path(path, name: str = "path") -> Path:
    """``path`` as a Path, refusing what is not a str or os.PathLike."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"{name} must be a str or os.PathLike, got {type(path).__name__}."
        )
    return Path(path)


def check_positive(name: str, value) -> None:
    """Raise unless ``value`` is a real number > 0."""
    if not Interval(float, 0, closed="neither")(value):
        raise ValueError(f"{name} must be a number > 0, got {value!r}.")


def resolve_max_features(value, n_features: int) -> int:
    """``max_features`` (int, float in (0, 1], 'sqrt', 'log2', None) as a count."""
    if value is None:
        return n_features
    if isinstance(value, str):
        root = np.sqrt if value == "sqrt" else np.log2
        return max(1, int(root(n_features)))
    if isinstance(value, numbers.Integral):
        if value > n_features:
            raise ValueError(
                f"max_features must be in [1, n_features={n_features}] when an int, "
                f"got {value!r}."
            )
        return int(value)
    return max(1, int(value * n_features))


def _is_float(value) -> bool:
    return isinstance(value, float | np.floating)


# A float fraction of the samples (``min_samples_split``, ``min_samples_leaf``);
# an int there is a count, so 1 is not 1.0.
FRACTION = Predicate(lambda v: _is_float(v) and 0 < v <= 1, "a float in (0, 1]")
OPEN_FRACTION = Predicate(lambda v: _is_float(v) and 0 < v < 1, "a float in (0, 1)")

MAX_FEATURES = [  # the constraints of ``max_features``, for the trees and the forests
    Interval(int, 1),
    Interval(float, 0, 1, closed="right"),
    {"sqrt", "log2"},
    None,
]
