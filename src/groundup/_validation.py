"""Parameter checks shared by the estimators: each error names the parameter."""

from __future__ import annotations

import numbers

import numpy as np


def check_int(name: str, value, *, low: int, allow_none: bool = False) -> None:
    """Raise unless ``value`` is an integer >= ``low`` (or None when allowed)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        extra = " or None" if allow_none else ""
        raise ValueError(f"{name} must be an integer >= {low}{extra}, got {value!r}.")


def check_counts(**values) -> None:
    """Raise unless every keyword value is an integer >= 1, naming the first that is not."""
    for name, value in values.items():
        check_int(name, value, low=1)


def check_positive(name: str, value) -> None:
    """Raise unless ``value`` is a real number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{name} must be a number > 0, got {value!r}.")


def check_option(name: str, value, options) -> None:
    """Raise unless ``value`` is one of ``options``."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}.")


def resolve_max_features(value, n_features: int) -> int:
    """Turn ``max_features`` (int, float, 'sqrt', 'log2' or None) into a count."""
    if value is None:
        return n_features
    if isinstance(value, str):
        check_option("max_features", value, ("sqrt", "log2"))
        root = np.sqrt if value == "sqrt" else np.log2
        return max(1, int(root(n_features)))
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if not 1 <= value <= n_features:
            raise ValueError(
                f"max_features must be in [1, n_features={n_features}] when an int, got {value!r}."
            )
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not 0.0 < value <= 1.0:
            raise ValueError(f"max_features must be in (0, 1] when a float, got {value!r}.")
        return max(1, int(value * n_features))
    raise ValueError(
        f"max_features must be an int, a float in (0, 1], 'sqrt', 'log2' or None, got {value!r}."
    )
