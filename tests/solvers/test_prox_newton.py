"""The proximal Newton solver on its own: descent, exact unpenalized block, stopping rules."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage
from shrinkage._problem import Problem
from shrinkage.datafits import get_datafit
from shrinkage.exceptions import ShrinkageConvergenceWarning
from shrinkage.glm.path import _weights
from shrinkage.penalties._l1_l2_kernels import kkt_violations, penalty_value
from shrinkage.solvers.prox_newton import (
    _Data,
    near_unpenalized_bound,
    polish_unpenalized,
    solve_prox_newton,
)

from ..glm._data import classification, counts

X, Y = classification(n=100, p=30, seed=1)


def _setup(datafit="logistic", X=X, y=Y, alpha=0.01, l1_ratio=1.0, **kw):
    problem = Problem.build(X, y, **kw)
    d = get_datafit(datafit)
    data = _Data(
        problem.raw_design,
        d,
        d.check_target(problem.y),
        problem.sw,
        problem.offset_or_zero(),
        problem.fit_intercept,
    )
    return data, _weights(problem, alpha, l1_ratio, problem.col_norm_sq == 0)


@pytest.mark.parametrize("sparse", [False, True])
def test_solution_satisfies_the_kkt_conditions(sparse):
    data, pw = _setup(X=sp.csc_matrix(X) if sparse else X)
    fit = solve_prox_newton(data, pw, np.zeros(30), 0.0, tol_abs=1e-13, max_iter=10_000)
    assert fit.converged and fit.gap <= 1e-13
    g = data.sw * data.datafit.derivative(data.y, fit.state)
    corr = -(X.T @ g)
    kkt = kkt_violations(corr, fit.w, pw.l1, pw.l2, pw.lower, pw.upper, np.empty(30))
    assert kkt.max() < 1e-7
    assert abs(g.sum()) < 1e-14  # the intercept is fitted exactly
    np.testing.assert_allclose(fit.state, X @ fit.w + fit.intercept, atol=1e-12)


def test_polish_fits_the_intercept_and_free_columns_exactly():
    factors = np.ones(30)
    factors[[2, 7]] = 0.0
    data, pw = _setup(penalty_factor=factors)
    w = np.zeros(30)
    w[[0, 2]] = [0.5, -0.3]
    eta = X @ w + 1.0
    free = np.flatnonzero((pw.l1 == 0) & (pw.l2 == 0))
    polished = polish_unpenalized(data, pw, free, w, 1.0, eta)
    w2, b2, eta2 = polished.w, polished.b, polished.eta
    np.testing.assert_array_equal(polished.exact, [2, 7])
    assert 0 <= polished.decrement < 1e-25  # Newton's decrement at the exact fit
    assert w2[0] == w[0]  # penalized coefficients are left alone
    g = data.sw * data.datafit.derivative(data.y, eta2)
    assert abs(g.sum()) < 1e-15 and np.abs(X[:, [2, 7]].T @ g).max() < 1e-15
    np.testing.assert_allclose(eta2, X @ w2 + b2, atol=1e-12)


def test_max_iter_stops_and_the_path_warns():
    data, pw = _setup(alpha=1e-3)
    fit = solve_prox_newton(data, pw, np.zeros(30), 0.0, tol_abs=1e-12, max_iter=2)
    assert not fit.converged and fit.n_iter >= 2 and fit.gap > fit.tol
    with pytest.warns(ShrinkageConvergenceWarning, match="duality gap"):
        shrinkage.path(X, Y, datafit="logistic", alphas=[1e-3], tol=1e-12, max_iter=2)


def test_warm_start_from_the_solution_needs_no_work():
    data, pw = _setup()
    fit = solve_prox_newton(data, pw, np.zeros(30), 0.0, tol_abs=1e-10, max_iter=10_000)
    again = solve_prox_newton(
        data, pw, fit.w, fit.intercept, tol_abs=1e-10, max_iter=10_000, eta0=fit.state
    )
    assert again.n_iter == 0 and again.converged
    np.testing.assert_array_equal(again.w, fit.w)


@pytest.mark.parametrize(
    ("datafit", "target"), [("poisson", "counts"), ("huber", "counts"), ("squared_hinge", "signs")]
)
def test_other_datafits_reach_tight_gaps(datafit, target):
    Xc, yc = counts(n=100, p=30, seed=2)
    y = yc if target == "counts" else np.where(Y > 0, 1.0, -1.0)
    Xd = Xc if target == "counts" else X
    data, pw = _setup(datafit, X=Xd, y=y, alpha=0.05, l1_ratio=0.7)
    fit = solve_prox_newton(data, pw, np.zeros(30), 0.0, tol_abs=1e-12, max_iter=10_000)
    assert fit.converged and 0 < np.count_nonzero(fit.w) < 30


def test_fixed_coordinates_stay_put():
    lower = np.full(30, -np.inf)
    upper = np.full(30, np.inf)
    lower[:3] = upper[:3] = [0.2, 0.0, -0.1]
    data, pw = _setup(lower=lower, upper=upper)
    fit = solve_prox_newton(data, pw, np.zeros(30), 0.0, tol_abs=1e-12, max_iter=10_000)
    np.testing.assert_array_equal(fit.w[:3], [0.2, 0.0, -0.1])
    assert fit.converged


def test_squared_hinge_newton_steps_are_not_damped_where_the_margin_is_met():
    """Samples past the margin have l'' = 0; a large curvature floor there acts as a proximal
    term and made this fit take ~2400 epochs (regression test: it needs ~115)."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    fit = shrinkage.path(
        X - X.min(),
        np.where(y == 2, 1.0, -1.0),
        datafit="squared_hinge",
        alphas=[1 / 1500],
        tol=1e-8,
        max_iter=400,
    )
    assert fit.converged[0]  # gap <= tol x the null objective, within 400 epochs


def _unscaled_logistic(n=300, seed=0):
    rng = np.random.default_rng(seed)
    Z = np.column_stack(
        [
            rng.normal(800, 400, n),
            rng.normal(3e4, 1e4, n),
            rng.integers(0, 2, n),
            rng.normal(0.0, 0.1, n),
        ]
    )
    eta = -5 + 0.004 * Z[:, 0] + 2e-5 * Z[:, 1] - 0.5 * Z[:, 2] + 3 * Z[:, 3]
    return Z, (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)


def test_polish_fits_columns_whose_scales_differ_by_1e5():
    """Regression: the unpenalized block's Newton stopped after one step on these columns
    (its relative gradient grew on the way), and the gap then took the block as fitted."""
    Z, y = _unscaled_logistic()
    data, pw = _setup(X=Z, y=y, alpha=0.0)
    free = np.arange(Z.shape[1])
    b0 = data.datafit.null_intercept(data.y, data.sw, None)
    polished = polish_unpenalized(data, pw, free, np.zeros(4), b0, np.full(len(y), b0))
    g = data.sw * data.datafit.derivative(data.y, polished.eta)
    B = np.column_stack([np.ones(len(y)), Z])
    assert np.max(np.abs(B.T @ g) / (np.abs(B.T) @ np.abs(g))) < 1e-12  # each in its own units
    assert 0.0 < polished.decrement < 1e-20  # far below the objective's rounding
    one = polish_unpenalized(data, pw, free, np.zeros(4), b0, np.full(len(y), b0), max_steps=1)
    assert one.n_steps == 1 and one.decrement > 1e-6  # stopped early: the decrement says so


def test_near_unpenalized_bound_bounds_the_suboptimality():
    """P(w) - P* <= (F(w) - min F) + Omega(w), F - min F estimated by the Newton decrement."""
    Z, y = _unscaled_logistic()
    alpha = 1e-8
    data, pw = _setup(X=Z, y=y, alpha=alpha, l1_ratio=0.5)
    fit = solve_prox_newton(data, pw, np.zeros(4), 0.0, tol_abs=1e-14, max_iter=10_000)

    def objective(w, b):
        return data.objective(Z @ w + b) + penalty_value(w, pw.l1, pw.l2)

    rng = np.random.default_rng(0)
    for scale in (1e-6, 1e-4):
        w = fit.w * (1 + scale * rng.normal(size=4))
        eta = Z @ w + fit.intercept
        bound = near_unpenalized_bound(data, pw, w, fit.intercept, eta, polish_unpenalized)
        assert objective(fit.w, fit.intercept) - 1e-15 <= objective(w, fit.intercept)
        assert objective(w, fit.intercept) - objective(fit.w, fit.intercept) <= bound
        assert bound > 1e-12
