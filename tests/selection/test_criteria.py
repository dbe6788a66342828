"""Information criteria: scikit-learn's LassoLarsIC, degrees of freedom, noise variance."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LassoLarsIC

from shrinkage import information_criterion
from shrinkage._problem import Problem
from shrinkage.selection.criteria import (
    criterion_path,
    criterion_values,
    least_squares,
    ols_noise_variance,
)
from shrinkage.selection.cv import PathOptions

from .._reference import centred, simulated


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_selection_equals_lasso_lars_ic_on_diabetes(criterion):
    X, y = load_diabetes(return_X_y=True)
    ref = LassoLarsIC(criterion=criterion).fit(X, y)
    res = information_criterion(
        X, y, criterion=criterion, n_alphas=400, alpha_min_ratio=1e-3, tol=1e-10
    )
    step = res.alphas[0] / res.alphas[1]
    # LARS scores the knots; on a grid the minimum is the grid point just above that knot
    assert ref.alpha_ <= res.alpha * (1 + 1e-9)
    assert res.alpha <= ref.alpha_ * step * (1 + 1e-9)
    coef = res.path.coefs[res.index]
    assert np.array_equal(coef != 0, ref.coef_ != 0)
    assert res.noise_variance == pytest.approx(ref.noise_variance_, rel=1e-10)
    assert res.criterion.min() == pytest.approx(ref.criterion_.min(), rel=1e-4)


def test_lasso_degrees_of_freedom_are_the_nonzeros_and_criteria_are_ordered():
    X, y = simulated(60, 10, seed=0, noise=1.0)
    res = {c: information_criterion(X, y, criterion=c, n_alphas=20) for c in ("aic", "bic", "ebic")}
    assert np.array_equal(res["bic"].df, res["bic"].path.nnz)
    assert np.all(res["ebic"].criterion >= res["bic"].criterion - 1e-9)
    ebic0 = information_criterion(X, y, criterion="ebic", ebic_gamma=0.0, n_alphas=20)
    assert np.allclose(ebic0.criterion, res["bic"].criterion)
    n, sigma2 = 60, res["aic"].noise_variance
    fit = n * np.log(2 * np.pi * sigma2) + res["aic"].rss / sigma2
    assert np.allclose(res["aic"].criterion, fit + 2 * res["aic"].df)


def test_elastic_net_degrees_of_freedom_are_the_hat_matrix_trace():
    X, y = simulated(50, 8, seed=1, noise=1.0)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, 50)
    res = information_criterion(
        X, y, l1_ratio=0.4, n_alphas=12, sample_weight=sw, noise_variance=1.0, tol=1e-12
    )
    Xc, _, s, _, _ = centred(X, y, sw)
    for alpha, coef, df in zip(res.alphas, res.path.coefs, res.df, strict=True):
        A = np.flatnonzero(coef)
        XA = Xc[:, A]
        hat = XA @ np.linalg.solve(
            XA.T @ (s[:, None] * XA) + alpha * 0.6 * np.eye(A.size), XA.T * s
        )
        assert df == pytest.approx(np.trace(hat), abs=1e-9)


def test_noise_variance_from_least_squares_or_given():
    X, y = simulated(40, 5, seed=2, noise=0.7)
    res = information_criterion(X, y, n_alphas=10)
    Xc, yc, _, _, _ = centred(X, y)
    w = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    assert res.noise_variance == pytest.approx(np.sum((yc - Xc @ w) ** 2) / (40 - 5 - 1))
    given = information_criterion(X, y, n_alphas=10, noise_variance=2.0)
    assert given.noise_variance == 2.0
    assert np.allclose(given.criterion, criterion_values(given.rss, given.df, 40, 2.0, "bic", 5))


def test_bad_input_names_the_argument():
    X, y = simulated(20, 30, seed=3)
    with pytest.raises(ValueError, match="give noise_variance"):
        information_criterion(X, y)
    with pytest.raises(ValueError, match="noise_variance must be a positive number"):
        information_criterion(X, y, noise_variance=-1.0)
    with pytest.raises(ValueError, match="criterion must be one of"):
        information_criterion(X, y, criterion="cp", noise_variance=1.0)
    with pytest.raises(ValueError, match="alphas must be finite and > 0"):
        information_criterion(X, y, alphas=[0.0, 1.0], noise_variance=1.0)
    with pytest.raises(ValueError, match="ebic_gamma"):
        information_criterion(X, y, criterion="ebic", ebic_gamma=-1, noise_variance=1.0)


# --------------------------------------------------------------------------------------------
# never a hang, a LAPACK crash or a NaN alpha


def _past_the_door(X, y) -> Problem:
    """A problem built without the checks at the door (as a caller of the internals could)."""
    p = X.shape[1]
    return Problem(
        X, y, np.ones(X.shape[0]), np.ones(p), np.full(p, -np.inf), np.full(p, np.inf), True, False
    )


def test_least_squares_is_the_minimum_norm_solution():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((20, 6))
    A[:, 5] = A[:, 0] - A[:, 1]  # rank 5
    G, q = A.T @ A, A.T @ rng.standard_normal(20)
    np.testing.assert_allclose(least_squares(G, q), np.linalg.pinv(G) @ q, rtol=1e-8, atol=1e-10)


def test_overflowing_statistics_are_an_error_not_a_hang():
    X, y = simulated(30, 5, seed=1)
    X[3, 2] = 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the overflow itself, and the unconverged path
        with pytest.raises(ValueError, match="Gram matrix X'X is not finite"):
            ols_noise_variance(_past_the_door(X, y))
        with pytest.raises(ValueError, match="not finite"):
            criterion_path(
                _past_the_door(X, y),
                PathOptions(),
                criterion="bic",
                l1_ratio=1.0,
                alphas=None,
                n_alphas=10,
                noise_variance=1.0,
                ebic_gamma=0.5,
            )


@pytest.mark.parametrize("sparse", [False, True])
def test_the_door_refuses_what_the_criteria_cannot_sum(sparse):
    X, y = simulated(30, 5, seed=2)
    X[3, 2] = 1e300
    with pytest.raises(ValueError, match="column 2 of X holds values up to 1e\\+300"):
        information_criterion(sp.csc_matrix(X) if sparse else X, y)
