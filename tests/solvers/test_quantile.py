"""The quantile interior-point solver, alpha_max and the path: against scikit-learn's HiGHS LP,
against an independent LP (scipy's linprog) and against the KKT conditions written out in numpy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog
from sklearn.linear_model import QuantileRegressor as SkQuantile

from shrinkage._problem import Problem
from shrinkage.datafits.quantile import objective, pinball
from shrinkage.exceptions import ShrinkageConvergenceWarning
from shrinkage.paths.quantile import quantile_path
from shrinkage.penalties.l1_l2 import ElasticNetPenalty, PenaltyWeights
from shrinkage.solvers._interior_point import BoundedQP, DenseDesign, interior_point
from shrinkage.solvers.quantile import QuantileData, quantile_alpha_max, solve_quantile


def _data(n=60, p=8, seed=0, ties=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.linspace(0.5, 3.0, p)
    y = X[:, :3] @ np.array([1.5, -1.0, 0.5]) + rng.standard_t(2, n) + 2.0
    return X, (np.round(y) if ties else y)


def _weights(p, alpha, l1_ratio=1.0, factors=None, lower=-np.inf, upper=np.inf):
    f = np.ones(p) if factors is None else np.asarray(factors, float)
    return ElasticNetPenalty(
        alpha,
        l1_ratio,
        f,
        np.broadcast_to(float(lower), (p,)).copy(),
        np.broadcast_to(float(upper), (p,)).copy(),
    ).weights()


def _solve(X, y, tau, pw, s=None, intercept=True, tol=1e-12):
    s = np.ones(len(y)) if s is None else s
    data = QuantileData(X, y, s / s.sum(), tau, intercept)
    return solve_quantile(data, pw, tol=tol, max_iter=100), s / s.sum()


def assert_kkt(X, y, sw, tau, pw, w, b, theta, intercept, atol=1e-9):
    """The optimality conditions at (w, b) with the dual point theta, in plain numpy."""
    X = X.toarray() if sp.issparse(X) else X
    r = y - X @ w - b
    lo, hi = (tau - 1) * sw, tau * sw
    assert np.all(theta >= lo - atol * sw) and np.all(theta <= hi + atol * sw)
    if intercept:
        assert abs(theta.sum()) <= atol
    pos, neg = r > 1e-9, r < -1e-9
    np.testing.assert_allclose(theta[pos], hi[pos], atol=atol)
    np.testing.assert_allclose(theta[neg], lo[neg], atol=atol)
    g = X.T @ theta - pw.l2 * w  # must lie in l1 * d|w_j| + normal cone of the bounds
    for j in range(len(w)):
        if pw.lower[j] < w[j] < pw.upper[j]:
            if w[j] != 0:
                assert g[j] == pytest.approx(pw.l1[j] * np.sign(w[j]), abs=atol)
            else:
                assert abs(g[j]) <= pw.l1[j] + atol
        elif w[j] == pw.upper[j] and pw.lower[j] < pw.upper[j]:
            assert g[j] >= pw.l1[j] * np.sign(w[j]) - atol if w[j] != 0 else g[j] >= -pw.l1[j]


@pytest.mark.parametrize("tau", [0.2, 0.5, 0.8])
@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.1])
@pytest.mark.parametrize("intercept", [True, False])
def test_matches_sklearn_highs(tau, alpha, intercept):
    X, y = _data()
    pw = _weights(X.shape[1], alpha)
    fit, sw = _solve(X, y, tau, pw, intercept=intercept)
    ref = SkQuantile(quantile=tau, alpha=alpha, fit_intercept=intercept, solver="highs").fit(X, y)
    ours = objective(X, y, sw, tau, pw, fit.w, fit.intercept)
    theirs = objective(X, y, sw, tau, pw, ref.coef_, ref.intercept_)
    assert ours <= theirs * (1 + 1e-8)
    assert theirs <= ours * (1 + 1e-8)
    assert fit.converged and fit.gap <= 1e-12
    # continuous data, n > p: the LP solution is unique, so the coefficients agree too
    np.testing.assert_allclose(fit.w, ref.coef_, atol=1e-7)
    assert_kkt(X, y, sw, tau, pw, fit.w, fit.intercept, fit.dual, intercept)


@pytest.mark.parametrize("sparse", [False, True])
def test_sample_weights_and_sparse_x_match_sklearn(sparse):
    X, y = _data(n=70, p=10, seed=1)
    X[np.random.default_rng(1).random(X.shape) < 0.6] = 0.0
    s = np.random.default_rng(2).uniform(0.0, 3.0, len(y))
    s[:4] = 0.0
    pw = _weights(X.shape[1], 0.02)
    Xin = sp.csc_matrix(X) if sparse else X
    fit, sw = _solve(Xin, y, 0.3, pw, s)
    ref = SkQuantile(quantile=0.3, alpha=0.02, solver="highs").fit(Xin, y, sample_weight=s)
    ours = objective(X, y, sw, 0.3, pw, fit.w, fit.intercept)
    theirs = objective(X, y, sw, 0.3, pw, ref.coef_, ref.intercept_)
    assert abs(ours - theirs) <= 1e-8 * theirs
    assert_kkt(X, y, sw, 0.3, pw, fit.w, fit.intercept, fit.dual, True)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5])
@pytest.mark.parametrize("sparse", [False, True])
def test_l2_and_elastic_net_by_gap_and_kkt(l1_ratio, sparse):
    X, y = _data(seed=3)
    pw = _weights(X.shape[1], 0.2, l1_ratio)
    fit, sw = _solve(sp.csc_matrix(X) if sparse else X, y, 0.7, pw)
    assert fit.converged and fit.gap <= 1e-10
    assert_kkt(X, y, sw, 0.7, pw, fit.w, fit.intercept, fit.dual, True)
    if l1_ratio > 0:
        assert np.count_nonzero(fit.w) < X.shape[1]  # exact zeros, not tiny interior values


@pytest.mark.parametrize(
    ("options", "check"),
    [
        ({"lower": 0.0}, lambda w: np.all(w >= 0)),
        ({"lower": -0.4, "upper": 0.6}, lambda w: np.all((w >= -0.4) & (w <= 0.6))),
        ({"factors": [0, 0, 1, 1, 1, 1, 1, 1]}, lambda w: w[0] != 0 and w[1] != 0),
    ],
)
def test_bounds_and_penalty_factors(options, check):
    X, y = _data(seed=4)
    pw = _weights(X.shape[1], 0.05, 0.8, **options)
    fit, sw = _solve(X, y, 0.4, pw)
    assert fit.gap <= 1e-10 and check(fit.w)
    assert_kkt(X, y, sw, 0.4, pw, fit.w, fit.intercept, fit.dual, True)


def test_a_fixed_coefficient_stays_at_its_value():
    X, y = _data(seed=5)
    p = X.shape[1]
    lower = np.full(p, -np.inf)
    upper = np.full(p, np.inf)
    lower[2] = upper[2] = 0.25
    pw = PenaltyWeights(np.full(p, 0.02), np.zeros(p), lower, upper)
    fit, _ = _solve(X, y, 0.5, pw)
    assert fit.w[2] == 0.25 and fit.gap <= 1e-10


@pytest.mark.parametrize("alpha", [0.0, 0.01])
def test_more_features_than_samples(alpha):
    X, y = _data(n=25, p=60, seed=6)
    pw = _weights(60, alpha)
    fit, sw = _solve(X, y, 0.5, pw, tol=1e-10)
    assert fit.converged
    ref = SkQuantile(quantile=0.5, alpha=alpha, solver="highs").fit(X, y)
    theirs = objective(X, y, sw, 0.5, pw, ref.coef_, ref.intercept_)
    assert objective(X, y, sw, 0.5, pw, fit.w, fit.intercept) <= theirs + 1e-9


def test_median_regression_is_least_absolute_deviation():
    """tau = 0.5, alpha = 0 minimises sum |r|: an independent LP (linprog) gives the same value."""
    X, y = _data(n=40, p=4, seed=7)
    fit, _ = _solve(X, y, 0.5, _weights(4, 0.0))
    n, p = X.shape
    # variables (w, b, u+, u-): min sum u+ + u-  s.t. Xw + b + u+ - u- = y
    c = np.concatenate([np.zeros(p + 1), np.ones(2 * n)])
    A = np.hstack([X, np.ones((n, 1)), np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * (p + 1) + [(0, None)] * (2 * n)
    lad = linprog(c, A_eq=A, b_eq=y, bounds=bounds, method="highs").fun
    assert np.sum(np.abs(y - X @ fit.w - fit.intercept)) == pytest.approx(lad, rel=1e-10)
    intercept_only, _ = _solve(np.zeros((41, 1)), np.arange(41.0) ** 2, 0.5, _weights(1, 0.0))
    assert intercept_only.intercept == np.median(np.arange(41.0) ** 2)


@pytest.mark.parametrize(
    "case", ["plain", "ties", "binary", "unpenalized", "no_intercept", "positive"]
)
def test_alpha_max_is_the_threshold(case):
    X, y = _data(n=50, p=6, seed=8, ties=case == "ties")
    if case == "binary":
        y = (y > np.median(y)).astype(float)
    p = X.shape[1]
    factors = np.ones(p)
    if case == "unpenalized":
        factors[0] = 0.0
    lower = np.zeros(p) if case == "positive" else np.full(p, -np.inf)
    upper = np.full(p, np.inf)
    sw = np.ones(len(y)) / len(y)
    data = QuantileData(X, y, sw, 0.3, case != "no_intercept")
    null = quantile_alpha_max(data, factors, lower, upper, tol=1e-12, max_iter=100)
    penalized = factors > 0

    def fit(alpha):
        pw = ElasticNetPenalty(alpha, 1.0, factors, lower, upper).weights()
        return solve_quantile(data, pw, tol=1e-13, max_iter=100), pw

    pw = ElasticNetPenalty(null.alpha_max * (1 + 1e-12), 1.0, factors, lower, upper).weights()
    cert = data.certify(pw, null.w, null.intercept, null.theta)
    assert cert.gap <= 1e-14  # the null fit is certified optimal at alpha_max
    above, _ = fit(null.alpha_max * (1 + 1e-3))  # (just above, the LP is nearly flat in w)
    assert np.all(above.w[penalized] == 0)
    below, pw = fit(null.alpha_max * (1 - 1e-4))
    assert np.any(np.abs(below.w[penalized]) > 1e-6)
    assert below.gap + objective(X, y, sw, 0.3, pw, below.w, below.intercept) < objective(
        X, y, sw, 0.3, pw, null.w, null.intercept
    )  # the null fit is no longer optimal


def test_path_is_certified_and_starts_at_zero():
    X, y = _data(n=40, p=6, seed=9)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShrinkageConvergenceWarning)
        result = quantile_path(X, y, quantile=0.25, n_alphas=8, alpha_min_ratio=1e-3, tol=1e-8)
    assert result.nnz[0] == 0 and result.nnz[-1] > 0
    assert np.all(np.diff(result.alphas) < 0) and np.all(result.converged)
    sw = np.ones(40) / 40
    ref = float(sw @ pinball(y - np.quantile(y, 0.25, method="inverted_cdf"), 0.25))
    assert np.all(result.gaps <= 1e-8 * ref)
    assert result.datafit == "quantile" and result.certificate == "duality_gap"
    problem = Problem.build(X, y)
    for a, w, b in zip(result.alphas, result.coefs, result.intercepts, strict=True):
        pw = problem.penalty(a, 1.0, None).weights()
        fit, _ = _solve(X, y, 0.25, pw)
        assert (
            objective(X, y, sw, 0.25, pw, w, b)
            <= fit.gap + objective(X, y, sw, 0.25, pw, fit.w, fit.intercept) + 1e-8 * ref
        )


def test_path_with_given_alphas_and_standardize():
    X, y = _data(n=40, p=5, seed=10)
    result = quantile_path(X, y, alphas=[0.1, 0.01], standardize=True, l1_ratio=0.5)
    assert result.coefs.shape == (2, 5) and np.all(result.converged)


def test_max_iter_reached_warns():
    X, y = _data(seed=11)
    with pytest.warns(ShrinkageConvergenceWarning, match="max_iter"):
        quantile_path(X, y, alphas=[0.001], max_iter=2, tol=1e-12)


def test_interior_point_solves_a_bordered_lp():
    """The generic core on a small LP with equality rows, against linprog."""
    rng = np.random.default_rng(12)
    m, k = 12, 5
    D = rng.standard_normal((m, k))
    x_feas = rng.uniform(-0.5, 0.5, k)
    d = D @ x_feas + rng.uniform(0.1, 1.0, m)  # D x + s = d with s >= 0 at x_feas
    N = rng.standard_normal((2, k))
    e = N @ x_feas
    c = rng.standard_normal(k)
    qp = BoundedQP(
        c=c,
        q=np.zeros(k),
        lo=np.full(k, -1.0),
        hi=np.full(k, 1.0),
        col=np.arange(k),
        sign=np.ones(k),
        d=d,
        cp=np.zeros(m),
        cm=np.zeros(m),
        minus=np.zeros(m, dtype=bool),
        N=N,
        e=e,
    )

    def stop(it, res):
        return res.mu < 1e-12 and res.primal() < 1e-10 and res.dual() < 1e-10

    it, _ = interior_point(qp, DenseDesign(D), max_iter=60, stop=stop)
    ref = linprog(c, A_ub=D, b_ub=d, A_eq=N, b_eq=e, bounds=[(-1, 1)] * k, method="highs")
    assert c @ it.x == pytest.approx(ref.fun, abs=1e-8)


def test_offset_given_or_held_by_the_problem():
    """An offset shifts the linear predictor: the fit of y with offset o is that of y - o; a
    Problem that holds the offset (as shrinkage.path builds it) is solved alike."""
    from shrinkage.paths.quantile import solve_quantile_path

    X, y = _data(n=40, p=5, seed=13)
    o = np.random.default_rng(13).standard_normal(40)
    with_offset = quantile_path(X, y, alphas=[0.05, 0.01], offset=o, quantile=0.4, tol=1e-10)
    shifted = quantile_path(X, y - o, alphas=[0.05, 0.01], quantile=0.4, tol=1e-10)
    np.testing.assert_allclose(with_offset.coefs, shifted.coefs, atol=1e-9)
    held = Problem.build(X, y, offset=o, standardize=True)
    via_problem = solve_quantile_path(held, 0.4, np.array([0.05, 0.01]), 1.0, tol=1e-10)
    direct = quantile_path(
        X, y, alphas=[0.05, 0.01], offset=o, quantile=0.4, tol=1e-10, standardize=True
    )
    np.testing.assert_allclose(via_problem.coefs, direct.coefs, atol=1e-9)


def test_collinear_columns_on_very_different_scales_stay_finite():
    """Breast-cancer radius, perimeter and area (r ~ 0.99, scales 1 to 1000): the tie LP of
    alpha_max once took an unbounded affine step (inf x 0 = NaN); RuntimeWarnings are errors."""
    from sklearn.datasets import load_breast_cancer

    from shrinkage import QuantileRegressor

    X = load_breast_cancer().data
    Z, y = X[:, :5], X[:, 5]
    ours = QuantileRegressor(quantile=0.9, alpha=0.01).fit(Z, y)
    ref = SkQuantile(quantile=0.9, alpha=0.01, solver="highs").fit(Z, y)

    def penalized(w, b):
        r = y - Z @ w - b
        return np.mean(r * (0.9 - (r < 0))) + 0.01 * np.abs(w).sum()

    assert penalized(ours.coef_, ours.intercept_) <= penalized(ref.coef_, ref.intercept_) + 1e-12


@pytest.mark.parametrize("tau", [0.3, 0.5])
def test_coefficients_whose_l1_weight_exceeds_the_dual_reach_are_zero_and_certified(tau):
    # alpha = 0.4 is above max(tau, 1 - tau) mean|x_j| for the narrow columns only: they leave
    # the interior point, the wide ones are solved; the answer is scikit-learn's
    X, y = _data()
    reach = max(tau, 1 - tau) * np.abs(X).mean(axis=0)
    alpha = 0.4
    assert np.any(reach < alpha) and np.any(reach > alpha)
    pw = _weights(X.shape[1], alpha)
    fit, sw = _solve(X, y, tau, pw)
    ref = SkQuantile(quantile=tau, alpha=alpha, solver="highs").fit(X, y)
    assert np.all(fit.w[reach < alpha] == 0)
    np.testing.assert_allclose(fit.w, ref.coef_, atol=1e-7)
    assert fit.converged and fit.gap <= 1e-12
    assert_kkt(X, y, sw, tau, pw, fit.w, fit.intercept, fit.dual, True)


def test_a_column_of_1e100_is_solved_as_the_same_column_in_ordinary_units():
    # the column's alpha_max is near 1e98, far beyond the other columns' reach (they are 0);
    # in its own units (divided by 1e100, alpha alike) it is the same problem
    X, y = _data(n=30, p=5)
    big = X.copy()
    big[:, 1] *= 1e100
    alphas = np.array([1e99, 1e97, 1e95])
    path = quantile_path(big, y, alphas=alphas)
    alone = quantile_path(X[:, [1]], y, alphas=alphas * 1e-100)
    assert np.all(path.converged)
    np.testing.assert_allclose(np.delete(path.coefs, 1, axis=1), 0.0)
    np.testing.assert_allclose(path.coefs[:, 1] * 1e100, alone.coefs[:, 0], rtol=1e-6)
    np.testing.assert_allclose(path.intercepts, alone.intercepts, rtol=1e-6)
