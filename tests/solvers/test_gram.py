"""Gram (covariance) mode: solve_gram against solve_cd and the independent reference."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage.solvers.cd import solve_cd
from shrinkage.solvers.gram import solve_gram

from .._reference import duality_gap, kkt_violations, null_deviance
from ._common import problem, reference, weights

CASES = {
    "lasso": {"l1_ratio": 1.0},
    "enet": {"l1_ratio": 0.5},
    "positive": {"l1_ratio": 1.0, "lower": 0.0},
    "box-enet": {"l1_ratio": 0.7, "lower": -0.3, "upper": 0.6},
    "factors": {"l1_ratio": 0.8, "factors": np.linspace(0.1, 3.0, 12)},
    "unpenalized": {"l1_ratio": 1.0, "factors": np.r_[0.0, np.ones(10), 0.0]},
}


def _pw(case, alpha=0.05):
    c = dict(CASES[case])
    return weights(alpha, c.pop("l1_ratio"), 12, **c)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("case", list(CASES))
def test_gram_matches_cd_and_is_certified(case, sparse, weighted):
    sw = np.linspace(0.5, 1.5, 40) if weighted else None
    pb, X, y = problem(sparse=sparse, sample_weight=sw)
    Xc, yc, s = reference(X, y, sw)
    pw = _pw(case)
    w_cd = solve_cd(pb.design, pw, np.zeros(12), tol=1e-14, max_iter=100_000).w
    gram = solve_gram(pb.statistics, pw, np.zeros(12), tol=1e-14, max_iter=100_000)
    assert gram.converged and 0 <= gram.gap <= gram.tol
    np.testing.assert_allclose(gram.w, w_cd, rtol=1e-6, atol=1e-8)
    gap = duality_gap(Xc, yc, s, gram.w, pw.l1, pw.l2, pw.lower, pw.upper)
    assert gap <= 1e-13 * null_deviance(yc, s)
    assert kkt_violations(Xc, yc, s, gram.w, pw.l1, pw.l2, pw.lower, pw.upper).max() <= 1e-6


@pytest.mark.parametrize("case", list(CASES))
def test_screening_does_not_change_the_solution(case):
    pb, _, _ = problem(n=30, p=12, seed=2)
    pw = _pw(case, alpha=0.02)
    on = solve_gram(pb.statistics, pw, np.zeros(12), tol=1e-14, max_iter=100_000, screen=True)
    off = solve_gram(pb.statistics, pw, np.zeros(12), tol=1e-14, max_iter=100_000, screen=False)
    assert on.converged and off.converged
    np.testing.assert_allclose(on.w, off.w, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
def test_constant_columns_are_left_out_and_statistics_untouched(sparse):
    pb, X, y = problem(sparse=sparse, constant=(0, 7))
    Xc, yc, sw = reference(X, y)
    G_before = pb.statistics.G.copy()
    pw = _pw("enet", alpha=0.01)
    fit = solve_gram(pb.statistics, pw, np.ones(12), tol=1e-12, max_iter=10_000)
    assert fit.converged
    np.testing.assert_array_equal(fit.w[[0, 7]], 0.0)
    np.testing.assert_array_equal(pb.statistics.G, G_before)
    assert duality_gap(Xc, yc, sw, fit.w, pw.l1, pw.l2) <= 1e-11 * null_deviance(yc, sw)


def test_warm_start_at_the_solution_stops_at_once():
    pb, _, _ = problem()
    pw = _pw("box-enet")
    first = solve_gram(pb.statistics, pw, np.zeros(12), tol=1e-10, max_iter=10_000)
    again = solve_gram(pb.statistics, pw, first.w, tol=1e-10, max_iter=10_000)
    assert again.converged and again.n_iter == 0


def test_start_outside_the_box_and_input_not_modified():
    pb, X, y = problem()
    Xc, yc, sw = reference(X, y)
    pw = _pw("box-enet")
    w0 = np.full(12, -5.0)
    fit = solve_gram(pb.statistics, pw, w0, tol=1e-12, max_iter=10_000)
    np.testing.assert_array_equal(w0, -5.0)
    assert np.all(fit.w >= -0.3) and np.all(fit.w <= 0.6)
    assert kkt_violations(Xc, yc, sw, fit.w, pw.l1, pw.l2, pw.lower, pw.upper).max() <= 1e-5


def test_max_iter_reached_is_reported():
    pb, X, y = problem(n=30, p=25, seed=4)
    Xc, yc, sw = reference(X, y)
    pw = weights(1e-4, 1.0, 25)
    fit = solve_gram(pb.statistics, pw, np.zeros(25), tol=1e-15, max_iter=3)
    assert not fit.converged and fit.n_iter == 3 and fit.gap > fit.tol
    assert fit.gap == pytest.approx(duality_gap(Xc, yc, sw, fit.w, pw.l1, pw.l2), rel=1e-6)


def test_sparse_and_dense_statistics_agree():
    sw = np.linspace(0.2, 2.0, 40)
    dense, _, _ = problem(sample_weight=sw)
    sparse, _, _ = problem(sparse=True, sample_weight=sw)
    np.testing.assert_allclose(dense.statistics.G, sparse.statistics.G, atol=1e-12)
    np.testing.assert_allclose(dense.statistics.q, sparse.statistics.q, atol=1e-12)
    assert dense.statistics.yty == pytest.approx(sparse.statistics.yty, rel=1e-14)
