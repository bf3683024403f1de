"""Boosting losses: gradients against finite differences, leaf values against
optimisers."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn.utils.stats import _weighted_percentile

from groundup.boosting import grouped_quantile, make_loss

RNG = np.random.default_rng(0)
Y = RNG.normal(size=40) * 3
RAW = RNG.normal(size=(40, 1))
W = RNG.uniform(0.5, 2.0, size=40)


def loss_of(name, y, f, w):
    loss = make_loss(name, alpha=0.8)
    loss.delta = 1.0  # Huber's threshold, fixed for the check
    return loss(y, f[:, None], w)


@pytest.mark.parametrize(
    "name", ["squared_error", "absolute_error", "huber", "quantile"]
)
def test_negative_gradient_is_minus_the_derivative(name):
    loss = make_loss(name, alpha=0.8)
    loss.delta = 1.0
    g = loss.negative_gradient(Y, RAW)[:, 0]
    h = 1e-6
    for i in range(10):
        up, down = RAW[:, 0].copy(), RAW[:, 0].copy()
        up[i] += h
        down[i] -= h
        w = np.zeros(40)
        w[i] = 1.0
        numeric = (loss_of(name, Y, up, w) - loss_of(name, Y, down, w)) / (2 * h)
        # train_score_ is (y - f)^2, L is half
        scale = 2.0 if name == "squared_error" else 1.0
        assert np.isclose(-numeric / scale, g[i], atol=1e-4)


@pytest.mark.parametrize("name", ["squared_error", "absolute_error", "quantile"])
def test_leaf_value_minimises_the_loss_in_each_leaf(name):
    loss = make_loss(name, alpha=0.8)
    leaf = RNG.integers(0, 3, size=40)
    neg = loss.negative_gradient(Y, RAW)[:, 0]
    out = loss.leaf_values(Y, RAW, neg, W, leaf, 3)
    for j in range(3):
        rows = leaf == j
        best = minimize_scalar(
            lambda c, rows=rows: loss_of(name, Y[rows], RAW[rows, 0] + c, W[rows]),
            bounds=(-20, 20),
            method="bounded",
            options={"xatol": 1e-10},
        ).x
        value = (
            np.average(Y[rows] - RAW[rows, 0], weights=W[rows])
            if out is None
            else out[1][j]
        )
        here = loss_of(name, Y[rows], RAW[rows, 0] + value, W[rows])
        assert here <= loss_of(name, Y[rows], RAW[rows, 0] + best, W[rows]) + 1e-8


def test_log_loss_leaf_is_one_newton_step():
    y = (RNG.random(40) < 0.4).astype(float)
    loss = make_loss("log_loss", n_classes=2)
    neg = loss.negative_gradient(y, RAW)[:, 0]
    leaves, values = loss.leaf_values(y, RAW, neg, W, np.zeros(40, np.intp), 1)
    p = 1 / (1 + np.exp(-RAW[:, 0]))
    grad, hess = np.sum(W * (p - y)), np.sum(W * p * (1 - p))
    assert np.isclose(values[0], -grad / hess)


def test_multinomial_gradient_is_onehot_minus_softmax():
    y = RNG.integers(0, 3, 40)
    raw = RNG.normal(size=(40, 3))
    g = make_loss("log_loss", n_classes=3).negative_gradient(y, raw)
    np.testing.assert_allclose(g.sum(axis=1), 0, atol=1e-12)
    assert np.all(g[np.arange(40), y] > 0)


@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
def test_grouped_quantile_matches_sklearn_weighted_percentile(q):
    groups = RNG.integers(0, 4, 40)
    keys, values = grouped_quantile(Y, W, groups, q)
    for g, v in zip(keys, values, strict=True):
        assert v == _weighted_percentile(Y[groups == g], W[groups == g], 100 * q)


def test_unit_weight_median_takes_the_lower_middle():
    keys, values = grouped_quantile(
        np.array([4.0, 1.0, 3.0, 2.0]), np.ones(4), np.zeros(4, int), 0.5
    )
    assert values[0] == 2.0
