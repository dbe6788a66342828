"""The multi-task L2,1 + L2 penalty from first principles: value, row prox (against a numerical
minimisation), KKT score, conjugate (against a numerical supremum), dual norm, gap, alpha_max."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from shrinkage.penalties import multitask as mt


def _h(x, l1, l2):
    return l1 * np.linalg.norm(x) + 0.5 * l2 * x @ x


@pytest.mark.parametrize(("l1", "l2"), [(1.0, 0.0), (0.7, 0.4), (0.0, 1.5)])
def test_value(l1, l2):
    W = np.random.default_rng(0).standard_normal((5, 3))
    W[2] = 0.0
    expected = l1 * np.linalg.norm(W, axis=1).sum() + 0.5 * l2 * np.sum(W**2)
    assert mt.penalty_value(W, l1, l2) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize(
    ("l1", "l2", "step"), [(1.0, 0.0, 0.5), (0.7, 0.4, 2.0), (0.0, 1.5, 1.0), (5.0, 0.3, 1.0)]
)
def test_row_prox_is_the_minimiser(l1, l2, step):
    rng = np.random.default_rng(1)
    for _ in range(5):
        v = 2.0 * rng.standard_normal(4)
        x = v.copy()
        mt.row_prox(x, step, l1, l2)

        def f(z, v=v):
            return 0.5 * np.sum((z - v) ** 2) + step * _h(z, l1, l2)

        best = min(
            (
                minimize(
                    f,
                    start,
                    method="Nelder-Mead",
                    options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000},
                )
                for start in (v, np.zeros(4) + 1e-9)
            ),
            key=lambda r: r.fun,
        )
        assert f(x) <= best.fun + 1e-12
        if np.linalg.norm(v) <= step * l1:
            assert not np.any(x)


def test_row_kkt():
    rng = np.random.default_rng(2)
    l1, l2, step = 0.8, 0.3, 0.7
    for _ in range(5):
        v = rng.standard_normal(3)
        w = v.copy()
        mt.row_prox(w, step, l1, l2)
        # (v - w) / step is in the subdifferential at the prox: a zero score
        assert mt.row_kkt((v - w) / step, w, l1, l2) <= 1e-14
    c = np.array([3.0, 4.0])
    assert mt.row_kkt(c, np.zeros(2), 2.0, 0.3) == pytest.approx(3.0)
    assert mt.row_kkt(c, np.zeros(2), 6.0, 0.3) == 0.0
    w = np.array([1.0, 0.0])
    assert mt.row_kkt(c, w, 2.0, 0.5) == pytest.approx(np.linalg.norm(c - 2.0 * w - 0.5 * w))
    out = mt.kkt_scores(np.vstack([c, c]), np.vstack([np.zeros(2), w]), 2.0, 0.5, np.empty(2))
    np.testing.assert_allclose(out, [3.0, np.linalg.norm(c - 2.5 * w)])


@pytest.mark.parametrize(("l1", "l2"), [(0.7, 0.4), (1.0, 2.0), (0.0, 1.0)])
def test_conjugate_is_the_supremum(l1, l2):
    rng = np.random.default_rng(3)
    U = 1.5 * rng.standard_normal((4, 3))
    numerical = 0.0
    for u in U:
        res = minimize(
            lambda x, u=u: _h(x, l1, l2) - u @ x,
            u / max(l2, 1e-3),
            method="BFGS",
            options={"gtol": 1e-12},
        )
        numerical += -res.fun
    assert mt.conjugate(U, l1, l2) == pytest.approx(numerical, rel=1e-7, abs=1e-10)


def test_conjugate_without_l2_is_the_ball_indicator():
    U = np.array([[0.3, 0.4], [0.0, 0.1]])
    assert mt.conjugate(U, 0.5, 0.0) == 0.0
    assert mt.conjugate(U, 0.49, 0.0) == np.inf
    assert mt.dual_scale(U, 0.25, 0.0) == pytest.approx(0.5)
    assert mt.dual_scale(U, 0.25, 1.0) == 1.0
    assert mt.dual_scale(U, 0.6, 0.0) == 1.0


def test_fenchel_young_equality_on_the_subdifferential():
    l1, l2 = 0.6, 0.5
    x = np.array([1.0, -2.0, 0.5])
    u = l1 * x / np.linalg.norm(x) + l2 * x  # the gradient of h at x
    assert _h(x, l1, l2) + mt.conjugate(u[None], l1, l2) == pytest.approx(u @ x, rel=1e-14)


def test_dual_norm_and_alpha_max():
    C = np.array([[3.0, 4.0], [1.0, 1.0], [0.0, -6.0]])
    assert mt.dual_norm(C) == 6.0
    assert mt.dual_norm(np.empty((0, 2))) == 0.0
    assert mt.alpha_max(C, 1.0) == 6.0
    assert mt.alpha_max(C, 0.25) == 24.0
    assert mt.alpha_max(C, 0.0) == np.inf
    assert mt.alpha_max(np.zeros((2, 2)), 0.0) == 0.0


def test_norms_do_not_overflow():
    big = np.full((1, 4), 1e300)
    assert mt.dual_norm(big) == pytest.approx(2e300)
    assert mt.penalty_value(big, 1.0, 0.0) == pytest.approx(2e300)
    v = big[0].copy()
    mt.row_prox(v, 1.0, 1e300, 0.0)
    np.testing.assert_allclose(v, 0.5e300)


@pytest.mark.parametrize(("l1", "l2"), [(0.3, 0.0), (0.2, 0.5)])
def test_dual_gap_is_primal_minus_a_dual_value(l1, l2):
    rng = np.random.default_rng(4)
    n, p, T = 30, 6, 3
    X = rng.standard_normal((n, p)) / np.sqrt(n)
    Y = rng.standard_normal((n, T)) / np.sqrt(n)
    W = 0.1 * rng.standard_normal((p, T))
    R = Y - X @ W
    C = X.T @ R
    gap, primal, dual, s = mt.dual_gap(W, np.sum(R * R), C, np.sum(R * Y), np.sum(R * R), l1, l2)
    assert primal == pytest.approx(0.5 * np.sum(R * R) + mt.penalty_value(W, l1, l2))
    theta = s * R
    expected_dual = np.sum(theta * Y) - 0.5 * np.sum(theta**2) - mt.conjugate(X.T @ theta, l1, l2)
    assert dual == pytest.approx(expected_dual, rel=1e-12)
    assert np.isfinite(dual) and gap == pytest.approx(primal - dual)
    assert gap >= 0


def test_dual_gap_without_l2_survives_the_rounding_of_the_scaled_norm():
    # rows whose norm, scaled by s = l1 / max_j ||C_j||, rounds to just above l1: the
    # conjugate of that point is +inf, yet s puts it in the ball up to one ulp
    rng = np.random.default_rng(0)
    l1 = 0.7
    rows = [
        c
        for c in rng.standard_normal((200, 3))
        if mt.conjugate((l1 / mt.dual_norm(c[None])) * c[None], l1, 0.0) == np.inf
    ]
    assert rows  # the rounding happens
    C = np.array(rows[:1])
    W = np.zeros((1, 3))
    gap, primal, _, s = mt.dual_gap(W, 1.0, C, 1.0, 1.0, l1, 0.0)
    assert np.isfinite(gap) and s == pytest.approx(l1 / np.linalg.norm(C))
    assert gap == pytest.approx(primal - (s - 0.5 * s * s), abs=1e-15)
