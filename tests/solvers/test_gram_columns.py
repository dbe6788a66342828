"""Gram mode with the columns formed on demand (``GramColumns``): the statistics against the
whole ones, the solve against the whole Gram, CD, scikit-learn and the certificate."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Lasso as SkLasso

import shrinkage
from shrinkage.datafits.quadratic import GramColumns, sufficient_statistics
from shrinkage.solvers.choice import (
    columns_budget,
    columns_pay,
    expected_entrants,
    gram_form,
    noise_level,
    sketch_stride,
)
from shrinkage.solvers.gram import solve_gram

from .._reference import primal
from ._common import reference, weights
from .test_gram import CASES


def _data(n=300, p=40, seed=0, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + offset
    w = np.zeros(p)
    w[:4] = [2.0, -1.5, 1.0, 0.5]
    return X, X @ w + 3.0 + rng.standard_normal(n)


@pytest.mark.parametrize("order", ["C", "F", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_statistics_match_the_whole_ones(order, fit_intercept, weighted):
    X, y = _data(offset=np.r_[np.full(20, 1e3), np.full(20, 0.5)])
    X[:, 7] = 2.5  # a constant column
    X = sp.csc_matrix(X) if order == "csc" else np.asarray(X, order=order)
    sw = np.random.default_rng(1).uniform(0.2, 2.0, 300) if weighted else np.ones(300)
    lazy, full = (
        GramColumns(X, y, sw, fit_intercept),
        sufficient_statistics(X, y, sw, fit_intercept),
    )
    scale = np.abs(full.G).max()
    np.testing.assert_allclose(lazy.q, full.q, rtol=0, atol=1e-12 * np.abs(full.q).max())
    np.testing.assert_allclose(lazy.x_offset, full.x_offset, rtol=1e-14)
    assert lazy.yty == pytest.approx(full.yty, rel=1e-14)
    # sparse: both are X'SX - xbar^2, each with its own rounding of order eps xbar^2
    rtol = 1e-8 if order == "csc" else 1e-10
    np.testing.assert_allclose(lazy.col_norm_sq, full.col_norm_sq, rtol=rtol, atol=1e-12)
    assert (lazy.col_norm_sq[7] == 0) == fit_intercept
    cols = np.array([0, 7, 21, 39])
    np.testing.assert_allclose(lazy.columns(cols), full.columns(cols), rtol=0, atol=1e-11 * scale)
    assert lazy.n_formed == 4


def test_the_whole_gram_is_formed_past_half_of_the_columns():
    X, y = _data()
    lazy, full = (
        GramColumns(X, y, np.ones(300), True),
        sufficient_statistics(X, y, np.ones(300), True),
    )
    lazy.columns(np.arange(15))
    assert lazy.n_formed == 15
    lazy.columns(np.arange(10, 30))  # 30 > 40 / 2: the whole G
    assert lazy.n_formed == 40
    np.testing.assert_allclose(lazy.columns(np.arange(40)), full.G, atol=1e-12)


def test_sufficient_statistics_keep_accuracy_far_from_zero_mean():
    """The rank-k update on centred blocks: no X'X - n xbar xbar' cancellation."""
    X, y = _data(offset=1e6)
    Xc = X - X.mean(axis=0)
    stats = sufficient_statistics(X, y, np.ones(300), True)
    np.testing.assert_allclose(stats.G, Xc.T @ Xc / 300, rtol=0, atol=1e-9)
    np.testing.assert_allclose(stats.G, stats.G.T, rtol=0, atol=0)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("case", list(CASES))
def test_columns_solve_matches_the_whole_gram_and_certifies(case, weighted):
    rng = np.random.default_rng(3)
    X = np.asfortranarray(rng.standard_normal((200, 12)) * np.linspace(0.5, 2.0, 12) + 1.0)
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(200)
    sw = np.linspace(0.5, 1.5, 200) if weighted else np.ones(200)
    c = dict(CASES[case])
    pw = weights(0.05, c.pop("l1_ratio"), 12, **c)
    full = solve_gram(
        sufficient_statistics(X, y, sw, True), pw, np.zeros(12), tol=1e-14, max_iter=10**5
    )
    lazy = solve_gram(GramColumns(X, y, sw, True), pw, np.zeros(12), tol=1e-14, max_iter=10**5)
    assert lazy.converged and 0 <= lazy.gap <= lazy.tol
    np.testing.assert_allclose(lazy.w, full.w, rtol=1e-6, atol=1e-8)
    # honest: the gap bounds the suboptimality against the tight reference optimum
    Xc, yc, s = reference(X, y, sw)
    loose = solve_gram(GramColumns(X, y, sw, True), pw, np.zeros(12), tol=1e-3, max_iter=10**5)
    best = primal(Xc, yc, s, full.w, pw.l1, pw.l2)
    assert primal(Xc, yc, s, loose.w, pw.l1, pw.l2) - best <= loose.gap * (1 + 1e-9) + 1e-15


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("divisor", [10, 100])
def test_single_fit_matches_cd_and_scikit_learn(order, divisor):
    X, y = _data(n=700, p=300, offset=0.5)  # n >= 2 p >= 512: Gram columns on demand
    assert gram_form(700, 300, 1, 1.0).solver == "columns"
    X = np.asarray(X, order=order)
    alpha = np.abs((X - X.mean(0)).T @ (y - y.mean())).max() / 700 / divisor
    auto = shrinkage.Lasso(alpha=alpha, tol=1e-12).fit(X, y)
    cd = shrinkage.Lasso(alpha=alpha, tol=1e-12, solver="cd").fit(X, y)
    sk = SkLasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
    assert auto.converged_
    np.testing.assert_allclose(auto.coef_, cd.coef_, atol=1e-8)
    np.testing.assert_allclose(auto.coef_, sk.coef_, atol=1e-6)
    assert auto.intercept_ == pytest.approx(sk.intercept_, abs=1e-6)


def test_gram_forced_on_n_below_p_matches_cd():
    X, y = _data(n=30, p=60)
    gram = shrinkage.Lasso(alpha=0.05, tol=1e-12, solver="gram").fit(X, y)
    cd = shrinkage.Lasso(alpha=0.05, tol=1e-12, solver="cd").fit(X, y)
    assert gram.converged_
    np.testing.assert_allclose(gram.coef_, cd.coef_, atol=1e-7)


def test_gram_form_reasons():
    assert gram_form(10**5, 2000, 1, 1.0).solver == "columns"
    assert gram_form(10**5, 2000, 100, 1.0).solver == "full"
    assert gram_form(10**5, 2000, 1, 0.0).solver == "full"
    assert gram_form(10**4, 200, 1, 1.0).solver == "full"  # too few rows for a sketch
    assert all(gram_form(10**5, 2000, 1, 1.0).reasons)
    # tall enough for a row sketch of n / 8 >= 20 p rows: the columns it predicts
    tall = gram_form(10**5, 200, 1, 1.0)
    assert tall.solver == "columns" and "sketch" in tall.reasons[0]
    assert gram_form(10**5, 200, 100, 1.0).solver == "full"
    assert gram_form(10**5, 200, 1, 0.0).solver == "full"


@pytest.mark.parametrize(
    ("n", "p", "stride"),
    [(3200, 20, 8), (3199, 20, None), (10**6, 50, 8), (10**7, 255, 8), (10**7, 256, None)],
)
def test_sketch_stride_needs_twenty_p_rows_and_p_below_the_columns_rule(n, p, stride):
    assert sketch_stride(n, p) == stride


def test_columns_pay_up_to_a_quarter_of_the_features():
    assert columns_pay(50, 200) and not columns_pay(51, 200)
    assert columns_pay(0, 1) and not columns_pay(2, 4)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sketch_is_the_whole_statistics_of_its_rows(order, weighted, fit_intercept):
    """C order, equal weights: blocks of 256 rows, one in 8, whose sums the whole G reuses;
    else every 8th row."""
    X, y = _data(n=5000, p=10, offset=0.5)
    X = np.asarray(X, order=order)
    sw = np.random.default_rng(2).uniform(0.5, 1.5, 5000) if weighted else np.ones(5000)
    lazy = GramColumns(X, y, sw, fit_intercept)
    sketch = lazy.sketch(8)
    blocks = order == "C" and not weighted
    rows = np.r_[0:256, 2048:2304, 4096:4352] if blocks else np.arange(0, 5000, 8)
    direct = sufficient_statistics(X[rows], y[rows], sw[rows], fit_intercept)
    for got, want in (
        (sketch.G, direct.G),
        (sketch.q, direct.q),
        (sketch.x_offset, direct.x_offset),
    ):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12 * max(np.abs(want).max(), 1.0))
    assert sketch.yty == pytest.approx(direct.yty, rel=1e-12)
    assert lazy.n_formed == 0 and lazy.formed().size == 0  # the sketch forms no column
    lazy.columns(np.array([6, 2]))
    assert lazy.formed().tolist() == [2, 6]
    whole = sufficient_statistics(X, y, sw, fit_intercept)
    np.testing.assert_allclose(lazy.G, whole.G, rtol=0, atol=1e-13 * np.abs(whole.G).max())
    np.testing.assert_allclose(
        lazy.statistics.q, whole.q, rtol=0, atol=1e-13 * np.abs(whole.q).max()
    )
    assert lazy.n_formed == 10


def _tall(n=16_000, p=80, rho=0.6, seed=0):
    """A Toeplitz-correlated tall design (n >= 160 p: a row sketch exists) with 5 non-zeros."""
    rng = np.random.default_rng(seed)
    cov = rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = rng.standard_normal((n, p)) @ np.linalg.cholesky(cov).T + 0.5
    w = np.zeros(p)
    w[[1, 5, 9, 14, 20]] = [2.0, -1.5, 1.0, -0.7, 0.4]
    return X, X @ w + 3.0 + 2.0 * rng.standard_normal(n)


def _lazy_and_whole(X, y, sw, pw):
    """The columns on demand (``GramColumns``, returned to count what it formed), their tight
    fit from 0, and the tight fit on the whole statistics."""
    p = X.shape[1]
    lazy = GramColumns(X, y, sw, True)
    fit = solve_gram(lazy, pw, np.zeros(p), tol=1e-12, max_iter=10**5)
    full = solve_gram(
        sufficient_statistics(X, y, sw, True), pw, np.zeros(p), tol=1e-12, max_iter=10**5
    )
    return lazy, fit, full


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(("divisor", "route"), [(10, "columns"), (300, "whole")])
def test_sketch_route_matches_the_whole_gram_and_scikit_learn(divisor, route, weighted):
    """One fit on a tall design: the sketch predicts the columns (one pass forms them, later
    passes any it missed), or predicts too many and the whole G is formed; the answer is the
    whole Gram's and scikit-learn's, and its gap bounds the true suboptimality."""
    X, y = _tall()
    n, p = X.shape
    assert sketch_stride(n, p) == 8
    sw = np.random.default_rng(4).uniform(0.5, 1.5, n) if weighted else np.ones(n)
    Xc, yc, s = reference(X, y, sw)
    alpha = np.abs(Xc.T @ (s * yc)).max() / divisor
    pw = weights(alpha, 1.0, p)
    lazy, fit, full = _lazy_and_whole(X, y, sw, pw)
    assert fit.converged and 0 <= fit.gap <= fit.tol
    assert (lazy.n_formed < p) == (route == "columns")
    if route == "columns":
        assert lazy.n_formed <= p // 4
    np.testing.assert_allclose(fit.w, full.w, rtol=0, atol=1e-7)
    sk = SkLasso(alpha=alpha, tol=1e-12, max_iter=10**6).fit(X, y, sample_weight=sw * n / sw.sum())
    np.testing.assert_allclose(fit.w, sk.coef_, rtol=0, atol=1e-6)
    loose_stats = GramColumns(X, y, sw, True)
    loose = solve_gram(loose_stats, pw, np.zeros(p), tol=1e-4, max_iter=10**5)
    best = primal(Xc, yc, s, full.w, pw.l1, pw.l2)
    assert primal(Xc, yc, s, loose.w, pw.l1, pw.l2) - best <= loose.gap * (1 + 1e-9) + 1e-15


def test_sketch_route_through_the_estimator_matches_cd():
    X, y = _tall(n=8000, p=40)
    alpha = np.abs((X - X.mean(0)).T @ (y - y.mean())).max() / 8000 / 10
    auto = shrinkage.Lasso(alpha=alpha, tol=1e-12).fit(X, y)
    cd = shrinkage.Lasso(alpha=alpha, tol=1e-12, solver="cd").fit(X, y)
    assert auto.converged_
    np.testing.assert_allclose(auto.coef_, cd.coef_, atol=1e-8)
    assert auto.intercept_ == pytest.approx(cd.intercept_, abs=1e-8)


@pytest.mark.parametrize(
    ("case", "fit_intercept"),
    [
        ({"l1_ratio": 0.5}, True),
        ({"l1_ratio": 1.0, "lower": 0.0}, False),
        ({"l1_ratio": 0.7, "lower": -0.3, "upper": 0.6}, True),
        ({"l1_ratio": 1.0, "factors": np.r_[0.0, np.ones(78), 0.0]}, True),
    ],
    ids=["enet", "positive-no-intercept", "box-enet", "unpenalized"],
)
def test_sketch_route_takes_every_elastic_net_penalty(case, fit_intercept):
    """The sketch fits the same penalty (L2 part, bounds, free columns): the answer is the whole
    Gram's and the gap is honest, with or without an intercept."""
    X, y = _tall()
    n, p = X.shape
    sw = np.ones(n)
    Xc, yc, s = reference(X, y, sw, fit_intercept)
    c = dict(case)
    l1_ratio = c.pop("l1_ratio")
    pw = weights(np.abs(Xc.T @ (s * yc)).max() / 10, l1_ratio, p, **c)
    lazy = GramColumns(X, y, sw, fit_intercept)
    fit = solve_gram(lazy, pw, np.zeros(p), tol=1e-12, max_iter=10**5)
    full = solve_gram(
        sufficient_statistics(X, y, sw, fit_intercept), pw, np.zeros(p), tol=1e-12, max_iter=10**5
    )
    assert fit.converged and 0 <= fit.gap <= fit.tol
    # both optimal to their gaps: equal objectives (w itself only to sqrt(gap / curvature))
    values = [primal(Xc, yc, s, f.w, pw.l1, pw.l2) for f in (fit, full)]
    assert abs(values[0] - values[1]) <= fit.gap + full.gap + 1e-15 * abs(values[1])
    np.testing.assert_allclose(fit.w, full.w, rtol=0, atol=1e-5)
    loose = solve_gram(
        GramColumns(X, y, sw, fit_intercept), pw, np.zeros(p), tol=1e-4, max_iter=10**5
    )
    best = primal(Xc, yc, s, full.w, pw.l1, pw.l2)
    assert primal(Xc, yc, s, loose.w, pw.l1, pw.l2) - best <= loose.gap * (1 + 1e-9) + 1e-15


def test_noise_level_and_expected_entrants_match_pure_noise():
    """x_j' S e over m rows is normal, of variance sigma^2 G_jj / m: the expected count of
    columns whose correlation exceeds an L1 weight is the Monte Carlo one, and at the universal
    threshold it is the union bound's 1 / sqrt(pi log p) at most."""
    rng = np.random.default_rng(0)
    m, p, sigma = 400, 50, 1.5
    X = rng.standard_normal((m, p)) * rng.uniform(0.5, 2.0, p)
    Xc = X - X.mean(0)
    col_norm_sq = (Xc**2).mean(0)
    l1 = np.r_[0.0, np.full(p - 1, 0.1)]  # the free column enters every time
    counts = []
    for _ in range(400):
        e = sigma * rng.standard_normal(m)
        counts.append(np.count_nonzero(np.abs(Xc.T @ (e - e.mean()) / m) > l1))
    want = expected_entrants(l1, col_norm_sq, sigma, m)
    assert np.mean(counts) == pytest.approx(want, abs=4 * np.std(counts) / np.sqrt(400))
    threshold = noise_level(col_norm_sq, sigma, m, p)
    assert threshold == pytest.approx(sigma * np.sqrt(2 * np.log(p) * col_norm_sq / m))
    at_threshold = expected_entrants(threshold, col_norm_sq, sigma, m)
    assert at_threshold <= 1 / np.sqrt(np.pi * np.log(p))


def _plain_sketch_prediction(X, y, alpha):
    """The columns the sketch fit at alpha itself predicts (support and 0.9 alpha near)."""
    p = X.shape[1]
    sketch = GramColumns(X, y, np.ones(X.shape[0]), True).sketch(8)
    fit = solve_gram(sketch, weights(alpha, 1.0, p), np.zeros(p), tol=1e-4, max_iter=10**4)
    corr = sketch.q - sketch.solver_gram @ fit.w
    return np.count_nonzero((fit.w != 0) | (np.abs(corr) >= 0.9 * alpha))


@pytest.mark.parametrize(("divisor", "route"), [(50, "columns"), (1000, "whole")])
def test_sketch_below_its_noise_level_is_raised(divisor, route):
    """Below the sketch's noise level its fit at alpha selects noise columns (more than the
    budget: before, the whole G); fitted at the raised weights it predicts the support, one pass
    forms it.  Below the whole data's noise level the solution is dense: the whole G at once.
    Both answers are the whole Gram's and scikit-learn's, with honest gaps."""
    X, y = _tall(n=32_000, p=100, seed=1)
    n, p = X.shape
    sw = np.ones(n)
    Xc, yc, s = reference(X, y, sw)
    alpha = np.abs(Xc.T @ (s * yc)).max() / divisor
    assert _plain_sketch_prediction(X, y, alpha) > columns_budget(p)
    pw = weights(alpha, 1.0, p)
    lazy, fit, full = _lazy_and_whole(X, y, sw, pw)
    assert fit.converged and 0 <= fit.gap <= fit.tol
    assert lazy.n_formed == (columns_budget(p) if route == "columns" else p)
    assert (np.count_nonzero(full.w) < 10) == (route == "columns")
    np.testing.assert_allclose(fit.w, full.w, rtol=0, atol=1e-7)
    sk = SkLasso(alpha=alpha, tol=1e-12, max_iter=10**6).fit(X, y)
    np.testing.assert_allclose(fit.w, sk.coef_, rtol=0, atol=1e-6)
    loose = solve_gram(GramColumns(X, y, sw, True), pw, np.zeros(p), tol=1e-4, max_iter=10**5)
    best = primal(Xc, yc, s, full.w, pw.l1, pw.l2)
    assert primal(Xc, yc, s, loose.w, pw.l1, pw.l2) - best <= loose.gap * (1 + 1e-9) + 1e-15


def test_a_sketch_that_misses_a_dense_solution_still_gets_the_whole_gram():
    """The rows the sketch reads (one block of 256 in every 8) carry a 3-column signal, the
    others a signal on every column: the sketch predicts few columns, the whole fit is dense.
    The violators its first certificate finds bring the formed columns past half of p, and
    the whole G is formed (``GramCD._form``); the answer is the whole Gram's, certified."""
    n, p, block = 32_000, 100, 256
    rng = np.random.default_rng(3)
    X = rng.standard_normal((n, p))
    in_sketch = (np.arange(n) // block) % 8 == 0
    sparse_w, dense_w = np.zeros(p), rng.uniform(0.5, 1.0, p)
    sparse_w[:3] = [2.0, -1.5, 1.0]
    y = np.where(in_sketch, X @ sparse_w, X @ dense_w) + 0.1 * rng.standard_normal(n)
    sw = np.ones(n)
    Xc, yc, s = reference(X, y, sw)
    alpha = np.abs(Xc.T @ (s * yc)).max() / 50
    assert _plain_sketch_prediction(X, y, alpha) <= columns_budget(p)
    pw = weights(alpha, 1.0, p)
    lazy, fit, full = _lazy_and_whole(X, y, sw, pw)
    assert np.count_nonzero(full.w) > p // 2
    assert lazy.n_formed == p
    assert fit.converged and 0 <= fit.gap <= fit.tol
    np.testing.assert_allclose(fit.w, full.w, rtol=0, atol=1e-7)
    best = primal(Xc, yc, s, full.w, pw.l1, pw.l2)
    assert primal(Xc, yc, s, fit.w, pw.l1, pw.l2) - best <= fit.gap * (1 + 1e-9) + 1e-15
