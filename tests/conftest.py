"""Shared fixtures: small datasets that ship with scikit-learn."""

import pytest
from hypothesis import settings
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris

from groundup.utils import set_threads

# The book's thread policy holds in the tests too: torch on one thread
# (GROUNDUP_THREADS overrides it), so two test processes share two cores.
set_threads()

# Property tests draw the same examples on every run, so CI cannot pass or
# fail by the luck of a draw; `--hypothesis-profile=explore` draws anew.
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("ci")


@pytest.fixture(scope="session")
def cancer():
    return load_breast_cancer(return_X_y=True)


@pytest.fixture(scope="session")
def diabetes():
    return load_diabetes(return_X_y=True)


@pytest.fixture(scope="session")
def iris():
    return load_iris(return_X_y=True)
