"""Working-set coordinate descent (solve_cd) on its own, against the independent reference."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage._problem import Problem
from shrinkage.solvers.cd import solve_cd

from .._reference import duality_gap, kkt_violations, null_deviance, primal
from ._common import problem, reference, weights

CASES = {
    "lasso": {"l1_ratio": 1.0},
    "enet": {"l1_ratio": 0.5},
    "positive": {"l1_ratio": 1.0, "lower": 0.0},
    "box-enet": {"l1_ratio": 0.7, "lower": -0.3, "upper": 0.6},
    "negative": {"l1_ratio": 1.0, "upper": 0.0},
    "factors": {"l1_ratio": 0.8, "factors": np.linspace(0.1, 3.0, 12)},
}


def _pw(case, alpha=0.05):
    c = dict(CASES[case])
    return weights(alpha, c.pop("l1_ratio"), 12, **c)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("case", list(CASES))
def test_solution_is_certified_by_the_reference(case, sparse, fit_intercept):
    sw = np.linspace(0.5, 1.5, 40)
    pb, X, y = problem(sparse=sparse, sample_weight=sw, fit_intercept=fit_intercept)
    Xc, yc, s = reference(X, y, sw, fit_intercept)
    pw = _pw(case)
    tol = 1e-10
    fit = solve_cd(pb.design, pw, np.zeros(12), tol=tol, max_iter=10_000)
    assert fit.converged and fit.tol == pytest.approx(tol * null_deviance(yc, s))
    assert 0 <= fit.gap <= fit.tol
    assert np.all(fit.w >= pw.lower) and np.all(fit.w <= pw.upper)
    gap = duality_gap(Xc, yc, s, fit.w, pw.l1, pw.l2, pw.lower, pw.upper)
    assert gap <= fit.tol * (1 + 1e-6) + 1e-15
    assert abs(gap - fit.gap) <= 1e-13 * null_deviance(yc, s) + 1e-6 * gap
    assert kkt_violations(Xc, yc, s, fit.w, pw.l1, pw.l2, pw.lower, pw.upper).max() <= 1e-4


@pytest.mark.parametrize("case", list(CASES))
def test_dense_and_sparse_designs_agree(case):
    pw = _pw(case)
    fits = [
        solve_cd(problem(sparse=s)[0].design, pw, np.zeros(12), tol=1e-14, max_iter=100_000)
        for s in (False, True)
    ]
    np.testing.assert_allclose(fits[0].w, fits[1].w, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
@pytest.mark.parametrize("case", list(CASES))
def test_screening_and_extrapolation_do_not_change_the_solution(case, sparse):
    pb, _, _ = problem(sparse=sparse, p=12)
    pw = _pw(case, alpha=0.02)
    base = solve_cd(
        pb.design, pw, np.zeros(12), tol=1e-14, max_iter=100_000, screen=False, anderson=False
    )
    for screen in (False, True):
        for anderson in (False, True):
            fit = solve_cd(
                pb.design,
                pw,
                np.zeros(12),
                tol=1e-14,
                max_iter=100_000,
                screen=screen,
                anderson=anderson,
            )
            assert fit.converged
            np.testing.assert_allclose(fit.w, base.w, rtol=1e-6, atol=1e-9)


def test_many_features_working_sets():
    pb, X, y = problem(n=25, p=400, seed=3)
    Xc, yc, sw = reference(X, y)
    pw = weights(0.05, 1.0, 400)
    fit = solve_cd(pb.design, pw, np.zeros(400), tol=1e-12, max_iter=10_000)
    assert fit.converged and np.count_nonzero(fit.w) <= 25
    assert duality_gap(Xc, yc, sw, fit.w, pw.l1, pw.l2) <= 1e-12 * null_deviance(yc, sw) * 1.01


def test_warm_start_at_the_solution_stops_at_once():
    pb, _, _ = problem()
    pw = _pw("enet")
    first = solve_cd(pb.design, pw, np.zeros(12), tol=1e-10, max_iter=10_000)
    again = solve_cd(pb.design, pw, first.w, tol=1e-10, max_iter=10_000)
    assert again.converged and again.n_iter == 0
    np.testing.assert_array_equal(again.w, first.w)


def test_start_outside_the_box_and_input_not_modified():
    pb, X, y = problem()
    Xc, yc, sw = reference(X, y)
    pw = _pw("box-enet")
    w0 = np.full(12, 10.0)
    fit = solve_cd(pb.design, pw, w0, tol=1e-12, max_iter=10_000)
    np.testing.assert_array_equal(w0, 10.0)
    assert fit.converged and np.all(fit.w <= 0.6) and np.all(fit.w >= -0.3)
    assert kkt_violations(Xc, yc, sw, fit.w, pw.l1, pw.l2, pw.lower, pw.upper).max() <= 1e-5


def test_fixed_coordinates_stay_fixed():
    pb, X, y = problem()
    Xc, yc, sw = reference(X, y)
    lower = np.full(12, -np.inf)
    upper = np.full(12, np.inf)
    lower[[1, 4]] = upper[[1, 4]] = [0.7, -0.2]
    pw = weights(0.05, 0.9, 12, lower=lower, upper=upper)
    fit = solve_cd(pb.design, pw, np.zeros(12), tol=1e-12, max_iter=10_000)
    assert fit.converged
    np.testing.assert_array_equal(fit.w[[1, 4]], [0.7, -0.2])
    assert duality_gap(Xc, yc, sw, fit.w, pw.l1, pw.l2, lower, upper) <= 1e-11


def test_constant_column_stays_zero_even_from_a_non_zero_start():
    pb, _, _ = problem(constant=(3,))
    pw = _pw("lasso")
    fit = solve_cd(pb.design, pw, np.ones(12), tol=1e-12, max_iter=10_000)
    assert fit.converged and fit.w[3] == 0.0


def test_max_iter_reached_is_reported():
    pb, X, y = problem(n=30, p=60, seed=4)
    Xc, yc, sw = reference(X, y)
    pw = weights(0.001, 1.0, 60)
    fit = solve_cd(pb.design, pw, np.zeros(60), tol=1e-14, max_iter=2)
    assert not fit.converged and fit.n_iter <= 2 and fit.gap > fit.tol
    # the reported gap is still a true certificate for the returned point
    assert fit.gap == pytest.approx(duality_gap(Xc, yc, sw, fit.w, pw.l1, pw.l2), rel=1e-8)


def test_each_call_decreases_the_objective_from_its_start():
    pb, X, y = problem(seed=5)
    Xc, yc, sw = reference(X, y)
    pw = _pw("enet", alpha=0.01)
    w = np.zeros(12)
    values = [primal(Xc, yc, sw, w, pw.l1, pw.l2)]
    for _ in range(4):
        w = solve_cd(pb.design, pw, w, tol=1e-14, max_iter=1).w
        values.append(primal(Xc, yc, sw, w, pw.l1, pw.l2))
    assert np.all(np.diff(values) <= 1e-14)


def test_float32_design():
    pb64, X, y = problem(seed=6)
    pb32 = Problem.build(X.astype(np.float32), y)
    pw = _pw("enet")
    a = solve_cd(pb64.design, pw, np.zeros(12), tol=1e-12, max_iter=10_000)
    b = solve_cd(pb32.design, pw, np.zeros(12), tol=1e-8, max_iter=10_000)
    assert b.w.dtype == np.float64 and b.converged
    np.testing.assert_allclose(b.w, a.w, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
@pytest.mark.parametrize("case", ["lasso", "box-enet"])
def test_kkt_certificate_of_a_non_convex_kind(case, sparse, monkeypatch):
    """The certificate that MCP and SCAD get (no gap, no screening), tried on the elastic net
    read as non-convex: it stops at the gap-certified solution, and its certificate is the
    largest KKT violation per unit column norm of the reference."""
    import shrinkage.solvers.cd as cd

    sw = np.linspace(0.5, 1.5, 40)
    pb, X, y = problem(sparse=sparse, sample_weight=sw, fit_intercept=True)
    Xc, yc, s = reference(X, y, sw, True)
    pw = _pw(case)
    convex = solve_cd(pb.design, pw, np.zeros(12), tol=1e-14, max_iter=100_000)
    monkeypatch.setattr(cd, "CONVEX_KINDS", ())
    fit = cd.solve_cd(pb.design, pw, np.zeros(12), tol=1e-12, max_iter=100_000)
    assert fit.converged and fit.tol == pytest.approx(1e-12 * np.sqrt(null_deviance(yc, s)))
    viol = kkt_violations(Xc, yc, s, fit.w, pw.l1, pw.l2, pw.lower, pw.upper)
    norms = np.sqrt(np.einsum("ij,ij,i->j", Xc, Xc, s / s.sum()))
    assert fit.gap == pytest.approx(np.max(viol / norms), rel=1e-3, abs=1e-13)
    np.testing.assert_allclose(fit.w, convex.w, atol=1e-9)


@pytest.mark.parametrize(
    "seed, l1_ratio, sparse",
    [(3, 0.5, False), (3, 0.5, True), (2, 1.0, False), (0, 1.0, True)],
    ids=["enet-dense", "enet-csc", "lasso-dense", "lasso-csc"],
)
def test_a_loose_tol_still_closes_the_support(seed, l1_ratio, sparse, monkeypatch):
    """At tol 1e-3 the gap alone accepts a point where zero coordinates still violate their
    optimality condition (by 1e-4 to 1e-3 of ||x_j|| ||y_c|| here); the solver goes on until
    none does beyond ``KKT_ROUNDING`` (``_kernels.optimality_checks``), and its gap still
    bounds the suboptimality against scikit-learn's tight solution."""
    from sklearn.linear_model import ElasticNet

    import shrinkage.solvers._kernels as kernels

    pb, X, y = problem(n=60, p=300, seed=seed, sparse=sparse)
    Xc, yc, s = reference(X, y)
    alpha = np.abs(Xc.T @ (s * yc)).max() / 30 / l1_ratio
    pw = weights(alpha, l1_ratio, 300)
    unit = np.sqrt(s @ Xc**2 * null_deviance(yc, s))

    def zero_violations(w):
        return (kkt_violations(Xc, yc, s, w, pw.l1, pw.l2) / unit)[w == 0]

    fit = solve_cd(pb.design, pw, np.zeros(300), tol=1e-3, max_iter=10_000)
    assert fit.converged and fit.gap <= fit.tol
    assert zero_violations(fit.w).max() <= kernels.KKT_ROUNDING
    exact = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=1_000_000).fit(X, y)
    best = primal(Xc, yc, s, exact.coef_, pw.l1, pw.l2)
    floor = 1e-13 * null_deviance(yc, s)
    assert primal(Xc, yc, s, fit.w, pw.l1, pw.l2) - best <= fit.gap + floor

    checks, fused = kernels.optimality_checks, kernels.residual_certificate
    monkeypatch.setattr(kernels, "optimality_checks", lambda *a: (True, checks(*a)[1]))
    monkeypatch.setattr(
        kernels, "residual_certificate", lambda *a: (*fused(*a)[:2], True, fused(*a)[3])
    )
    gap_only = solve_cd(pb.design, pw, np.zeros(300), tol=1e-3, max_iter=10_000)
    assert gap_only.n_iter < fit.n_iter and zero_violations(gap_only.w).max() > 1e-5


def test_once_the_gap_is_within_tol_the_inner_solves_keep_the_support_and_its_violators(
    monkeypatch,
):
    """While zero coordinates alone keep the solver going (gap <= tol, support not closed), an
    inner solve runs on the support and the violating zero coordinates of its working set, no
    other: the rest would only be visited."""
    import shrinkage.solvers.cd as cd

    pb, X, y = problem(n=60, p=300, seed=3)
    Xc, yc, s = reference(X, y)
    pw = weights(np.abs(Xc.T @ (s * yc)).max() / 15, 0.5, 300)
    calls = []
    closing = cd.LeastSquaresCD._closing

    def recorded(model, ws):
        out = closing(model, ws)
        scores = model.scores[np.searchsorted(model.cols.idx, ws)]
        calls.append((ws, out, model.w[ws] != 0, scores > 0, model.gap, model.tol_abs))
        return out

    monkeypatch.setattr(cd.LeastSquaresCD, "_closing", recorded)
    fit = cd.solve_cd(pb.design, pw, np.zeros(300), tol=1e-3, max_iter=10_000)
    assert fit.converged and calls
    for ws, out, nonzero, violating, gap, tol_abs in calls:
        assert gap <= tol_abs
        np.testing.assert_array_equal(out, ws[nonzero | violating])
        assert out.size < ws.size
