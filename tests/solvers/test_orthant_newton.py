"""The Newton step on the support (solvers/orthant_newton.py) against the reference objective."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage.penalties._separable import ELASTIC_NET, penalty_arrays
from shrinkage.solvers.orthant_newton import OrthantNewton

from .._reference import kkt_violations, primal


def _data(n=40, p=15, seed=0, rho=0.6):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    for j in range(1, p):  # Toeplitz-correlated columns
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * X[:, j]
    y = X[:, :4] @ np.array([2.0, -1.5, 1.0, 0.5]) + 0.3 * rng.standard_normal(n)
    return X / np.sqrt(n), y / np.sqrt(n)  # the weighted design's scaling (sw = 1 / n)


def _columns(X):
    """``OrthantNewton``'s column writer for X."""
    return lambda S, out: np.copyto(out, X[:, S])


def _penalty(p, l1, l2, lower=-np.inf, upper=np.inf):
    return penalty_arrays(
        ELASTIC_NET,
        np.full(p, l1),
        np.full(p, l2),
        np.full(p, float(lower)),
        np.full(p, float(upper)),
    )


def _exact(X, y, pen, iters=20_000):
    """The solution by plain cyclic coordinate descent to machine precision."""
    _, l1, l2, lo, up, _ = pen
    w = np.zeros(X.shape[1])
    L = (X * X).sum(axis=0)
    r = y.copy()
    for _ in range(iters):
        w_old = w.copy()
        for j in range(w.size):
            z = L[j] * w[j] + X[:, j] @ r
            new = np.sign(z) * max(abs(z) - l1[j], 0.0) / (L[j] + l2[j])
            new = min(max(new, lo[j]), up[j])
            r -= (new - w[j]) * X[:, j]
            w[j] = new
        if np.max(np.abs(w - w_old)) < 1e-15:
            break
    return w


def _objective(X, y, w, pen):
    _, l1, l2, _, _, _ = pen
    return primal(X, y, np.ones(len(y)), w, l1, l2)


@pytest.mark.parametrize(
    "l1, l2, lower, upper",
    [(0.05, 0.0, -np.inf, np.inf), (0.03, 0.02, -np.inf, np.inf), (0.02, 0.0, 0.0, np.inf)],
    ids=["lasso", "enet", "positive"],
)
def test_one_step_from_the_right_signs_lands_on_the_solution(l1, l2, lower, upper):
    X, y = _data()
    pen = _penalty(X.shape[1], l1, l2, lower, upper)
    w_star = _exact(X, y, pen)
    assert np.count_nonzero(w_star) >= 3
    # a point with the solution's signs but far from it
    w = np.where(w_star != 0, w_star * 0.3 + 0.1 * np.sign(w_star), 0.0)
    r = y - X @ w
    assert OrthantNewton(_columns(X)).step(pen, w, r, np.arange(X.shape[1]))
    np.testing.assert_allclose(w, w_star, atol=1e-10)
    np.testing.assert_allclose(r, y - X @ w, atol=1e-12)
    _, l1a, l2a, lo, up, _ = pen
    assert kkt_violations(X, y, np.ones(len(y)), w, l1a, l2a, lo, up).max() < 1e-10


@pytest.mark.parametrize("seed", range(6))
def test_a_step_never_raises_the_objective_and_keeps_the_box(seed):
    """From random points on random supports (wrong signs included): the objective does not
    go up, the box holds, and the residual stays the residual of the point."""
    X, y = _data(seed=seed)
    p = X.shape[1]
    rng = np.random.default_rng(seed)
    pen = _penalty(p, 0.02, 0.01 * (seed % 2), -0.8, 1.5)
    for _ in range(5):
        w = np.where(rng.random(p) < 0.5, rng.uniform(-0.8, 1.5, p), 0.0)
        r = y - X @ w
        before = _objective(X, y, w, pen)
        moved = OrthantNewton(_columns(X)).step(pen, w, r, np.arange(p))
        after = _objective(X, y, w, pen)
        assert after <= before + 1e-15 and (after < before or not moved)
        assert np.all(w >= -0.8) and np.all(w <= 1.5)
        np.testing.assert_allclose(r, y - X @ w, atol=1e-12)


def test_too_many_columns_for_the_samples_is_left_alone():
    X, y = _data(n=5, p=8)
    pen = _penalty(8, 0.01, 0.0)
    w = np.full(8, 0.1)
    r = y - X @ w
    assert not OrthantNewton(_columns(X)).step(pen, w, r, np.arange(8))
    assert np.all(w == 0.1)


def test_the_gram_matrix_kept_between_supports_gives_the_fresh_step():
    """One instance across steps on changing supports (its Gram entries reused) moves as a
    fresh instance does at every step."""
    X, y = _data(n=60, p=20, seed=3)
    pen = _penalty(20, 0.01, 0.0)
    rng = np.random.default_rng(0)
    kept = OrthantNewton(_columns(X))
    w = np.where(rng.random(20) < 0.6, rng.standard_normal(20), 0.0)
    for _ in range(6):
        w[rng.integers(20)] = rng.standard_normal()  # the support changes a little
        w_fresh, w_kept = w.copy(), w.copy()
        r_fresh, r_kept = y - X @ w, y - X @ w
        OrthantNewton(_columns(X)).step(pen, w_fresh, r_fresh, np.arange(20))
        kept.step(pen, w_kept, r_kept, np.arange(20))
        np.testing.assert_allclose(w_kept, w_fresh, rtol=1e-10, atol=1e-12)
        w = w_kept
