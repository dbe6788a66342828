"""The one-kernel certificates (``residual_certificate`` of coordinate descent,
``gram_certificate`` of the Gram solver) against the kernels they fuse: ``kkt_violations``,
``optimality_checks`` and ``dual_gap``, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage._certificate_kernels import dual_gap
from shrinkage.penalties._l1_l2_kernels import kkt_violations
from shrinkage.solvers._kernels import gram_certificate, optimality_checks, residual_certificate


def _case(seed, p=40):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((60, p))
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(60)
    w = np.where(rng.random(p) < 0.2, rng.standard_normal(p), 0.0)
    w[0] = 0.0 if seed % 2 else 1e-3
    l1 = rng.uniform(0.0, 1.0, p) * np.abs(X.T @ y).max() / 60
    l2 = np.where(rng.random(p) < 0.5, rng.uniform(0.0, 1.0, p), 0.0)
    lower = np.where(rng.random(p) < 0.2, 0.0, -np.inf)
    upper = np.full(p, np.inf)
    w = np.clip(w, lower, upper)
    return X / np.sqrt(60), y / np.sqrt(60), w, l1, l2, lower, upper


def _separate(corr, w, l1, l2, lower, upper, col_norm_sq, yty, r_dot_y, r_dot_r):
    scores = kkt_violations(corr, w, l1, l2, lower, upper, np.empty(w.size))
    closed, stalled = optimality_checks(
        scores, w, l1, col_norm_sq, yty, np.ones(w.size, dtype=bool)
    )
    gap, _, _, scale = dual_gap(w, r_dot_r, corr, r_dot_y, r_dot_r, l1, l2, lower, upper)
    return gap, scale, closed, stalled, scores


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_residual_certificate_is_the_three_kernels(seed):
    X, y, w, l1, l2, lower, upper = _case(seed)
    r = y - X @ w
    corr, col_norm_sq = X.T @ r, (X**2).sum(0)
    args = (corr, w, l1, l2, lower, upper, col_norm_sq, float(y @ y), float(r @ y), float(r @ r))
    want = _separate(*args)
    for kernel in (residual_certificate, residual_certificate.py_func):  # py_func: traced
        scores = np.empty(w.size)
        gap, scale, closed, stalled = kernel(*args, scores)
        assert (gap, scale, closed, stalled) == want[:4]
        assert scores.tobytes() == want[4].tobytes()
        assert gap > 0.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gram_certificate_is_the_three_kernels(seed):
    X, y, w, l1, l2, lower, upper = _case(seed)
    G, q, yty = X.T @ X, X.T @ y, float(y @ y)
    idx = np.arange(w.size, dtype=np.int64)
    col_norm_sq = np.diag(G).copy()
    for kernel in (gram_certificate, gram_certificate.py_func):  # py_func: traced
        corr = np.zeros(w.size)
        work = np.empty((3, w.size))
        gap, r_dot_y, r_dot_r, closed, stalled = kernel(
            G, q, yty, w, idx, l1, l2, lower, upper, col_norm_sq, corr, work
        )
        theta_corr, scores = work[1], work[2]
        want = _separate(corr, w, l1, l2, lower, upper, col_norm_sq, yty, r_dot_y, r_dot_r)
        assert (gap, closed, stalled) == (want[0], want[2], want[3])
        assert scores.tobytes() == want[4].tobytes()
        np.testing.assert_array_equal(theta_corr, want[1] * corr)
        np.testing.assert_allclose(corr, q - G @ w, rtol=1e-12, atol=1e-12)
