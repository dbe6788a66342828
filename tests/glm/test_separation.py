"""The divergence check: a linear program over the unpenalized columns."""

import numpy as np
import pytest

from shrinkage._problem import Problem
from shrinkage.datafits import get_datafit
from shrinkage.glm.separation import check_finite_optimum

from ._data import classification

X, Y = classification(n=60, p=5, seed=4)


def _check(X, y, datafit, free, **kw):
    pb = Problem.build(X, y, **kw)
    check_finite_optimum(pb, get_datafit(datafit), y, np.asarray(free))


def test_logistic_separation_by_a_free_column():
    y = (X[:, 1] > 0.2).astype(float)
    with pytest.raises(ValueError, match="perfectly separable"):
        _check(X, y, "logistic", [1])
    _check(X, y, "logistic", [0])  # column 0 does not separate: no error
    # quasi-separation: one tie on the boundary still diverges
    Xt = X.copy()
    Xt[0, 1] = 0.2
    y_t = (Xt[:, 1] > 0.2).astype(float)
    y_t[0] = 1.0
    with pytest.raises(ValueError, match="no finite optimum"):
        _check(Xt, y_t, "logistic", [1])


def test_bounded_free_columns_only_move_towards_their_open_side():
    y = (X[:, 1] > 0).astype(float)  # separable with a positive coefficient, no intercept
    with pytest.raises(ValueError, match="no finite optimum"):
        _check(X, y, "logistic", [1], fit_intercept=False, lower=0.0)
    _check(X, y, "logistic", [1], fit_intercept=False, upper=0.0)


def test_poisson_zeros_isolated_by_a_free_column():
    y = np.where(X[:, 2] > 0, 0.0, 3.0)
    Xz = X.copy()
    Xz[:, 3] = np.where(y == 0, np.abs(X[:, 3]), 0.0)  # non-zero only where the count is 0
    with pytest.raises(ValueError, match="no finite optimum"):
        _check(Xz, y, "poisson", [3])
    _check(Xz, y, "poisson", [2])  # a sign change alone does not make the mean vanish


def test_multinomial_separation():
    labels = np.digitize(X[:, 0], [-0.5, 0.5]).astype(float)
    with pytest.raises(ValueError, match="perfectly separable"):
        _check(X, labels, "multinomial", [0])
    _check(X, labels, "multinomial", [3])


def test_losses_that_attain_their_minimum_are_never_flagged():
    _check(X, np.where(X[:, 1] > 0, 1.0, -1.0), "squared_hinge", [1])
    _check(X, X[:, 1] * 3, "huber", [1])
