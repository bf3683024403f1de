"""Split criteria: the proxy ranks splits exactly as the weighted child impurity
does."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groundup.trees import criteria


def child_impurity(left, right, criterion):
    w = criteria.weight
    return w(left, criterion) * criteria.impurity(left, criterion) + w(
        right, criterion
    ) * criteria.impurity(right, criterion)


counts = st.lists(st.integers(1, 40), min_size=3, max_size=3)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(counts, min_size=2, max_size=2), st.lists(counts, min_size=2, max_size=2)
)
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_proxy_orders_splits_like_impurity(criterion, split_a, split_b):
    """Two splits of the same parent: the better proxy has the lower child impurity."""
    parent = np.array(split_a).sum(axis=0)
    la = np.array(split_a[0], dtype=float)
    lb = np.minimum(np.array(split_b[0], dtype=float), parent - 1)
    lb = np.maximum(lb, 1)
    ra, rb = parent - la, parent - lb
    pa, pb = criteria.proxy(la, ra, criterion), criteria.proxy(lb, rb, criterion)
    ia, ib = child_impurity(la, ra, criterion), child_impurity(lb, rb, criterion)
    scale = criterion == "entropy" and np.log(2) or 1.0
    # proxy = constant(parent) - impurity (in nats for entropy)
    np.testing.assert_allclose(pa - pb, -(ia - ib) * scale, atol=1e-9)


def test_gini_and_entropy_of_known_nodes():
    pure, even = np.array([5.0, 0.0]), np.array([3.0, 3.0])
    assert criteria.impurity(pure, "gini") == 0
    assert np.isclose(criteria.impurity(even, "gini"), 0.5)
    assert np.isclose(criteria.impurity(even, "entropy"), 1.0)


def test_variance_from_regression_stats():
    y = np.array([1.0, 2.0, 6.0])
    stats = criteria.regression_stats(y, np.ones(3)).sum(axis=1)
    assert np.isclose(criteria.impurity(stats, "squared_error"), y.var())
