"""Duality gaps and KKT conditions, checked against an independent numpy implementation.

The reference (tests/_reference.py) builds the rescaled-residual dual point itself, so the
certificates that shrinkage reports are compared with numbers computed without its code.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage
from shrinkage._problem import Problem
from shrinkage.certificates import duality_gap_design, duality_gap_statistics, kkt_violation
from shrinkage.penalties.l1_l2 import PenaltyWeights

from ._reference import (
    centred,
    column_scale,
    duality_gap,
    kkt_violations,
    null_deviance,
    penalty_weights,
    primal,
    simulated,
)

CONFIGS = {
    "lasso": {},
    "enet": {"l1_ratio": 0.5},
    "ridge-ish": {"l1_ratio": 0.05},
    "positive": {"positive": True},
    "positive-enet": {"positive": True, "l1_ratio": 0.5},
    "box": {"lower": -0.5, "upper": [0.4, 1.0, np.inf, 0.0, 2.0, np.inf, 0.3, 1.0, 1.0, 1.0]},
    "box-enet": {"lower": -0.5, "upper": 0.8, "l1_ratio": 0.7},
    "fixed-coordinate": {"lower": [0.5] + [-np.inf] * 9, "upper": [0.5] + [np.inf] * 9},
    "factors": {"penalty_factor": np.linspace(0.2, 3.0, 10)},
    "factors-enet": {"penalty_factor": np.linspace(0.2, 3.0, 10), "l1_ratio": 0.3},
    "standardize": {"standardize": True, "l1_ratio": 0.8},
    "weights": {"sample_weight": np.linspace(0.2, 2.0, 30)},
    "no-intercept": {"fit_intercept": False},
}


def reference_problem(X, y, opts):
    """Centred data and the per-coordinate (l1, l2, lower, upper) for alpha = 1."""
    p = X.shape[1]
    Xc, yc, sw, _, _ = centred(X, y, opts.get("sample_weight"), opts.get("fit_intercept", True))
    scale = column_scale(Xc, sw) if opts.get("standardize") else None
    lower = np.broadcast_to(opts.get("lower", -np.inf), (p,)).astype(float)
    upper = np.broadcast_to(opts.get("upper", np.inf), (p,)).astype(float)
    if opts.get("positive"):
        lower = np.maximum(lower, 0.0)

    def weights(alpha):
        return penalty_weights(
            alpha, opts.get("l1_ratio", 1.0), p, opts.get("penalty_factor"), scale
        )

    return Xc, yc, sw, weights, lower, upper


def _data(n=30, p=10, seed=21):
    X, y = simulated(n, p, seed=seed)
    return X * np.linspace(0.5, 2.0, p), y


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
@pytest.mark.parametrize("config", list(CONFIGS))
def test_reported_gaps_are_independent_certificates(config, sparse, solver):
    opts = CONFIGS[config]
    X, y = _data()
    Xc, yc, sw, weights, lower, upper = reference_problem(X, y, opts)
    tol = 1e-9
    P = shrinkage.path(
        sp.csc_matrix(X) if sparse else X,
        y,
        n_alphas=6,
        alpha_min_ratio=1e-2,
        tol=tol,
        max_iter=100_000,
        solver=solver,
        **opts,
    )
    target = tol * null_deviance(yc, sw)
    floor = 1e-13 * null_deviance(yc, sw)  # rounding in P - D
    assert P.converged.all()
    assert np.all(P.gaps >= 0) and np.all(P.gaps <= target)
    for a, w, b, reported in zip(P.alphas, P.coefs, P.intercepts, P.gaps, strict=True):
        l1, l2 = weights(a)
        assert np.all(w >= lower) and np.all(w <= upper)
        gap = duality_gap(Xc, yc, sw, w, l1, l2, lower, upper)
        assert -floor <= gap <= target + floor
        assert abs(gap - reported) <= floor + 1e-6 * gap
        # KKT: how far x_j' S r - l2 w_j is from l1 d|w_j| + the box's normal cone
        assert kkt_violations(Xc, yc, sw, w, l1, l2, lower, upper).max() <= 1e-4 * np.sqrt(
            null_deviance(yc, sw)
        )
        # the intercept is profiled: b = ybar - xbar.w (zero without an intercept)
        _, _, _, xm, ym = centred(X, y, opts.get("sample_weight"), opts.get("fit_intercept", True))
        assert b == pytest.approx(ym - xm @ w, abs=1e-10 * (1 + abs(ym)))


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("solver", ["cd", "gram"])
def test_lasso_kkt_at_tight_tolerance(l1_ratio, solver):
    """|x_j' S r| <= alpha where w_j = 0 and x_j' S r - l2 w_j = alpha sign(w_j) elsewhere."""
    X, y = _data(40, 15, seed=3)
    Xc, yc, sw, _, _ = centred(X, y)
    P = shrinkage.path(
        X, y, l1_ratio=l1_ratio, n_alphas=10, tol=1e-14, max_iter=100_000, solver=solver
    )
    for a, w in zip(P.alphas, P.coefs, strict=True):
        l1, l2 = penalty_weights(a, l1_ratio, 15)
        g = Xc.T @ (sw * (yc - Xc @ w)) - l2 * w
        zero = w == 0
        assert np.all(np.abs(g[zero]) <= l1[zero] * (1 + 1e-8))
        np.testing.assert_allclose(g[~zero], l1[~zero] * np.sign(w[~zero]), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
def test_unpenalized_features_have_zero_correlation_with_the_residual(solver, l1_ratio, sparse):
    # f_j = 0: no penalty, so at the optimum x_j' S r = 0 exactly like least squares
    X, y = _data(40, 10, seed=8)
    f = np.ones(10)
    f[[2, 5]] = 0.0
    Xc, yc, sw, _, _ = centred(X, y)
    alphas = [0.5, 0.1, 0.02]
    tol = 1e-12
    P = shrinkage.path(
        sp.csc_matrix(X) if sparse else X,
        y,
        l1_ratio=l1_ratio,
        alphas=alphas,
        penalty_factor=f,
        tol=tol,
        max_iter=100_000,
        solver=solver,
    )
    lipschitz = sw @ Xc**2
    for a, w in zip(P.alphas, P.coefs, strict=True):
        l1, l2 = penalty_weights(a, l1_ratio, 10, f)
        gap = duality_gap(Xc, yc, sw, w, l1, l2)
        assert gap <= 1.01 * tol * null_deviance(yc, sw)
        # moving an unpenalized w_j alone lowers P by exactly corr_j^2 / (2 L_j) <= gap
        corr = Xc.T @ (sw * (yc - Xc @ w))
        assert np.all(corr[[2, 5]] ** 2 / (2 * lipschitz[[2, 5]]) <= max(gap, 0.0) + 1e-14)
        assert kkt_violations(Xc, yc, sw, w, l1, l2).max() <= 1e-5


# --------------------------------------------------------------------------------------------
# the certificate functions at arbitrary (non-optimal) points


def _random_points(p, rng, lower, upper, k=6):
    """Feasible points with exact zeros and points on the bounds."""
    pts = [np.zeros(p)]
    for _ in range(k):
        w = rng.standard_normal(p) * rng.uniform(0.1, 2.0)
        w[rng.random(p) < 0.4] = 0.0
        pts.append(np.clip(w, lower, upper))
    return pts


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
@pytest.mark.parametrize("config", list(CONFIGS))
def test_gap_formulas_match_the_reference_at_any_point(config, sparse):
    opts = CONFIGS[config]
    X, y = _data()
    Xc, yc, sw, weights, lower, upper = reference_problem(X, y, opts)
    problem = Problem.build(
        sp.csc_matrix(X) if sparse else X,
        y,
        sample_weight=opts.get("sample_weight"),
        penalty_factor=opts.get("penalty_factor"),
        lower=opts.get("lower"),
        upper=opts.get("upper"),
        positive=opts.get("positive", False),
        fit_intercept=opts.get("fit_intercept", True),
        standardize=opts.get("standardize", False),
    )
    rng = np.random.default_rng(0)
    for alpha in (0.05, 0.5):
        l1, l2 = weights(alpha)
        pw = PenaltyWeights(l1, l2, lower, upper)
        for w in _random_points(10, rng, lower, upper):
            ref = duality_gap(Xc, yc, sw, w, l1, l2, lower, upper)
            atol = 1e-10 * (1 + abs(ref))
            assert duality_gap_design(problem.design, pw, w) == pytest.approx(ref, abs=atol)
            assert duality_gap_statistics(problem.statistics, pw, w) == pytest.approx(ref, abs=atol)


@pytest.mark.parametrize("config", ["lasso", "enet", "positive", "box", "weights"])
def test_gap_bounds_the_suboptimality(config):
    """Weak duality: gap(w) >= P(w) - P* at every feasible w (P* from a tight solve)."""
    opts = CONFIGS[config]
    X, y = _data()
    Xc, yc, sw, weights, lower, upper = reference_problem(X, y, opts)
    problem = Problem.build(
        X,
        y,
        sample_weight=opts.get("sample_weight"),
        lower=opts.get("lower"),
        upper=opts.get("upper"),
        positive=opts.get("positive", False),
    )
    alpha = 0.1
    l1, l2 = weights(alpha)
    best = shrinkage.path(X, y, alphas=[alpha], tol=1e-15, max_iter=100_000, **opts).coefs[0]
    p_star = primal(Xc, yc, sw, best, l1, l2)
    pw = PenaltyWeights(l1, l2, lower, upper)
    for w in _random_points(10, np.random.default_rng(1), lower, upper):
        sub = primal(Xc, yc, sw, w, l1, l2) - p_star
        assert duality_gap_design(problem.design, pw, w) >= sub - 1e-12
        assert duality_gap_statistics(problem.statistics, pw, w) >= sub - 1e-12


@pytest.mark.parametrize("form", ["design", "statistics"])
def test_gap_with_unpenalized_columns_bounds_the_suboptimality(form):
    X, y = _data()
    f = np.ones(10)
    f[[0, 3]] = 0.0
    Xc, yc, sw, _, _ = centred(X, y)
    problem = Problem.build(X, y, penalty_factor=f)
    l1, l2 = penalty_weights(0.1, 1.0, 10, f)
    pw = PenaltyWeights(l1, l2, np.full(10, -np.inf), np.full(10, np.inf))
    best = shrinkage.path(X, y, alphas=[0.1], penalty_factor=f, tol=1e-14, max_iter=100_000).coefs[
        0
    ]
    assert duality_gap(Xc, yc, sw, best, l1, l2) <= 1e-12  # P* is known (reference gap)
    w = np.zeros(10)  # the unpenalized columns are far from their least-squares values here
    gap = (
        duality_gap_design(problem.design, pw, w)
        if form == "design"
        else duality_gap_statistics(problem.statistics, pw, w)
    )
    assert gap >= primal(Xc, yc, sw, w, l1, l2) - primal(Xc, yc, sw, best, l1, l2)


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("how", ["alpha=0", "factors=0"])
def test_no_penalty_gives_least_squares(solver, how):
    X, y = _data(40, 8, seed=2)
    kw = {"alphas": [0.0]} if how == "alpha=0" else {"penalty_factor": np.zeros(8), "n_alphas": 2}
    P = shrinkage.path(X, y, tol=1e-12, solver=solver, **kw)
    ols = np.linalg.lstsq(np.c_[X, np.ones(40)], y, rcond=None)[0]
    assert np.linalg.norm(P.coefs[0] - ols[:8]) <= 1e-6 * np.linalg.norm(ols[:8])
    assert P.converged[0]


@pytest.mark.parametrize("solver", ["cd", "gram"])
def test_unpenalized_feature_at_its_bound_converges(solver):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 6))
    y = X @ np.array([-3.0, 2.0, 0.0, 1.0, 0.0, 0.0]) + 0.5 * rng.standard_normal(50)
    f = np.array([0.0, 1, 1, 1, 1, 1])  # feature 0 is unpenalized, wants to be < 0
    Xc, yc, sw, _, _ = centred(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P = shrinkage.path(
            X,
            y,
            alphas=[0.1],
            penalty_factor=f,
            positive=True,
            tol=1e-10,
            max_iter=2000,
            solver=solver,
        )
    w = P.coefs[0]
    l1, l2 = penalty_weights(0.1, 1.0, 6, f)
    assert w[0] == 0.0
    assert kkt_violations(Xc, yc, sw, w, l1, l2, np.zeros(6)).max() <= 1e-6
    assert P.converged[0]


def test_kkt_violation_matches_the_reference():
    X, y = _data()
    Xc, yc, sw, _, _ = centred(X, y)
    rng = np.random.default_rng(3)
    lower = np.array([-np.inf, 0.0, -1.0, -0.5, -np.inf, 0.2, -np.inf, 0.0, -1.0, 0.3])
    upper = np.array([np.inf, np.inf, 0.0, 0.5, 1.0, 0.9, 0.0, 0.0, 1.0, 0.3])
    l1 = rng.uniform(0.0, 0.5, 10)
    l2 = rng.uniform(0.0, 0.5, 10) * (rng.random(10) < 0.5)
    for w in _random_points(10, rng, lower, upper, k=20):
        # put some coordinates exactly on their bounds
        w = np.where(rng.random(10) < 0.3, np.where(np.isfinite(lower), lower, w), w)
        corr = Xc.T @ (sw * (yc - Xc @ w))
        pw = PenaltyWeights(l1, l2, lower, upper)
        np.testing.assert_allclose(
            kkt_violation(corr, w, pw),
            kkt_violations(Xc, yc, sw, w, l1, l2, lower, upper),
            atol=1e-12,
        )


def _scaled_problem_objective(Xc, yc, sw, v, alpha, l1_ratio, s):
    """P of the fit on X * s at w = v / s, evaluated on the unit-scale columns (exact algebra:
    the penalty weights become alpha l1_ratio / s and alpha (1 - l1_ratio) / s^2)."""
    l1 = np.full(v.shape, alpha * l1_ratio / s)
    l2 = np.full(v.shape, alpha * (1.0 - l1_ratio) / s**2)
    return primal(Xc, yc, sw, v, l1, l2)


def _best_known_point(X, y, Xc, yc, sw, alpha, l1_ratio, s):
    """Upper bounds on P*: zero, least squares and a tight scikit-learn fit of the same problem
    on the unit-scale columns."""
    from sklearn.linear_model import ElasticNet as SkElasticNet

    l1 = alpha * l1_ratio / s
    l2 = alpha * (1.0 - l1_ratio) / s**2
    root = np.sqrt(sw)
    ols = np.linalg.lstsq(Xc * root[:, None], yc * root, rcond=None)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = (
            SkElasticNet(alpha=l1 + l2, l1_ratio=l1 / (l1 + l2), tol=1e-14, max_iter=100_000)
            .fit(X, y)
            .coef_
        )
    return min(
        _scaled_problem_objective(Xc, yc, sw, v, alpha, l1_ratio, s)
        for v in (np.zeros(X.shape[1]), ols, sk)
    )


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("s", [1e-80, 1e-8, 1.0, 1e8])
def test_reported_gap_bounds_the_true_suboptimality_at_any_scale(solver, l1_ratio, s):
    """dual_gap_ >= P(w) - P* for data in tiny or huge units and alphas from 1e-160 up to
    alpha_max, and every fit certified at the default tol (alpha = 1e-160 with all zeros was
    reported with a gap of 0 and converged)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 5))
    y = X @ rng.standard_normal(5) + rng.standard_normal(30)
    Xc, yc, sw, _, _ = centred(X, y)
    alpha_max = s * np.abs(Xc.T @ (sw * yc)).max() / l1_ratio
    for alpha in [
        1e-160,
        1e-13 * alpha_max,
        1e-3 * alpha_max,
        0.3 * alpha_max,
        0.97 * alpha_max,
        alpha_max,
    ]:
        fit = shrinkage.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, solver=solver).fit(X * s, y)
        v = fit.coef_ * s
        sub = _scaled_problem_objective(Xc, yc, sw, v, alpha, l1_ratio, s) - _best_known_point(
            X, y, Xc, yc, sw, alpha, l1_ratio, s
        )
        assert fit.converged_
        assert sub <= fit.dual_gap_ + 1e-12 * null_deviance(yc, sw), (alpha, sub, fit.dual_gap_)


def test_gap_is_a_certificate_even_where_its_terms_overflow():
    """At w = 0 the gap is sum_j (|v_j| - l1_j)^2 / (2 l2_j): with a tiny l2 its maximiser
    |v| / l2 overflows, which gave inf - inf = NaN (or, reassociated, -inf reported as 0)."""
    from shrinkage._certificate_kernels import dual_gap

    one, inf = np.ones(1), np.full(1, np.inf)
    for v in [1e-10, 1.0, 1e10, 1e150]:
        for l2 in [1e-300, 1e-160, 1.0]:
            gap = dual_gap(
                np.zeros(1), 1.0, np.array([v]), 1.0, 1.0, 0.0 * one, l2 * one, -inf, inf
            )[0]
            exact = (v * v) / (2.0 * l2)  # P(0) - D(r); inf where it overflows
            assert gap == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize(
    "module, name",
    [
        ("shrinkage.penalties._l1_l2_kernels", "kkt_violations"),
        ("shrinkage.penalties._l1_l2_kernels", "penalty_value"),
        ("shrinkage._certificate_kernels", "dual_gap"),
        ("shrinkage._certificate_kernels", "project_free_columns"),
        ("shrinkage.solvers._kernels", "optimality_checks"),
        ("shrinkage.solvers._kernels", "screen_gap_safe"),
    ],
)
def test_certificate_kernels_never_take_a_fastmath_callers_flags(module, name):
    """numba compiles a kernel first called from a fastmath one with the caller's flags (and
    caches it so): the certificate kernels must say fastmath=False themselves."""
    import importlib

    from shrinkage.penalties import _group_kernels

    assert getattr(importlib.import_module(module), name).targetoptions.get("fastmath") is False
    for group_name in ["group_kkt", "dual_norm", "dual_norms", "kkt_scores", "penalty_value"]:
        assert getattr(_group_kernels, group_name).targetoptions.get("fastmath") is False
