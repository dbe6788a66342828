"""The interpolant of least penalty: closed form (ridge), KKT conditions with its multipliers
(Elastic Net, L1, bounds, free columns), infeasible targets, distinct rows."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage.penalties._l1_l2_kernels import kkt_violations
from shrinkage.solvers.interpolation import least_penalty_interpolant, unique_rows

INF = np.inf


def _wide(n=12, p=25, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, p)), rng.standard_normal(n)


def _kkt(X, y, fit, l1, l2, lower, upper, fit_intercept):
    """Largest violation of: X w + b = y, X'lam in the subdifferential, sum lam = 0."""
    residual = np.max(np.abs(y - X @ fit.coef - fit.intercept))
    corr = X.T @ fit.multipliers
    stationarity = kkt_violations(corr, fit.coef, l1, l2, lower, upper, np.empty(len(l1))).max()
    balance = abs(fit.multipliers.sum()) if fit_intercept else 0.0
    return max(residual, stationarity, balance)


def test_ridge_is_the_closed_form():
    """min sum l2_j / 2 w_j^2 s.t. X w + b = y: w = D^-1 X' lam with [X D^-1 X' 1; 1' 0]."""
    X, y = _wide()
    p = X.shape[1]
    l2 = np.random.default_rng(1).uniform(0.5, 2.0, p)
    fit = least_penalty_interpolant(X, y, np.zeros(p), l2, np.full(p, -INF), np.full(p, INF), True)
    K = np.block([[(X / l2) @ X.T, np.ones((len(y), 1))], [np.ones((1, len(y))), 0.0]])
    solution = np.linalg.solve(K, np.append(y, 0.0))
    np.testing.assert_allclose(fit.coef, (X.T @ solution[:-1]) / l2, rtol=1e-9, atol=1e-12)
    assert fit.intercept == pytest.approx(solution[-1], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize(
    ("l1_value", "l2_value", "positive"),
    [(0.5, 0.5, False), (1.0, 0.0, False), (0.7, 0.3, True), (1.0, 0.0, True)],
)
def test_elastic_net_and_l1_meet_their_kkt_conditions(l1_value, l2_value, positive, sparse):
    X, y = _wide(seed=2)
    p = X.shape[1]
    l1, l2 = np.full(p, l1_value), np.full(p, l2_value)
    l1[0] = l2[0] = 0.0  # an unpenalized column
    lower = np.where(np.arange(p) > 0, 0.0, -INF) if positive else np.full(p, -INF)
    upper = np.full(p, INF)
    design = sp.csr_matrix(X) if sparse else X
    fit = least_penalty_interpolant(design, y, l1, l2, lower, upper, True)
    assert _kkt(X, y, fit, l1, l2, lower, upper, True) < 1e-9
    assert np.all(fit.coef >= lower) and np.any(fit.coef[1:] == 0)


def test_no_intercept():
    X, y = _wide(seed=3)
    p = X.shape[1]
    lower, upper = np.full(p, -INF), np.full(p, INF)
    fit = least_penalty_interpolant(X, y, np.full(p, 0.3), np.full(p, 0.7), lower, upper, False)
    assert fit.intercept == 0.0
    assert _kkt(X, y, fit, np.full(p, 0.3), np.full(p, 0.7), lower, upper, False) < 1e-9


@pytest.mark.parametrize("l2_value", [1.0, 0.0])
def test_targets_outside_the_range_have_no_interpolant(l2_value):
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((30, 5)), rng.standard_normal(30)
    assert (
        least_penalty_interpolant(
            X,
            y,
            np.full(5, 1.0 - l2_value),
            np.full(5, l2_value),
            np.full(5, -INF),
            np.full(5, INF),
            True,
        )
        is None
    )


def test_unique_rows_ignores_order_and_repetition():
    X, y = _wide(n=6, p=4, seed=5)
    X[:, 1] = 0.0
    counts = np.array([1, 3, 2, 1, 4, 2])
    order = np.random.default_rng(0).permutation(counts.sum())
    X_rep, y_rep = np.repeat(X, counts, axis=0)[order], np.repeat(y, counts)[order]
    for make in (np.asarray, sp.csr_matrix):
        once, y_once, _ = unique_rows(make(X), y)
        many, y_many, inverse = unique_rows(make(X_rep), y_rep)
        dense = [m.toarray() if sp.issparse(m) else m for m in (once, many)]
        np.testing.assert_array_equal(dense[0], dense[1])
        np.testing.assert_array_equal(y_once, y_many)
        np.testing.assert_array_equal(y_many[inverse], y_rep)
        where = [int(np.flatnonzero(y_many == value)[0]) for value in y]
        np.testing.assert_array_equal(np.bincount(inverse)[where], counts)
