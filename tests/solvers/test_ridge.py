"""Ridge in closed form (l1_ratio = 0) against least squares on the augmented system."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import lsq_linear

import shrinkage
from shrinkage._problem import Problem
from shrinkage.solvers.ridge import (
    kernel_tridiagonal,
    ridge_cholesky,
    ridge_path_dual,
    ridge_path_primal,
)

from .._reference import centred, column_scale, simulated

ALPHAS = np.geomspace(10.0, 1e-3, 6)


def augmented_ridge(
    X, y, alpha, *, sample_weight=None, fit_intercept=True, factors=None, scale=None, bounds=None
):
    """argmin 1/2 ||sqrt(sw)(yc - Xc w)||^2 + alpha/2 sum f_j c_j^2 w_j^2 as one lstsq.

    [sqrt(sw) Xc; sqrt(alpha f) c I] w ~ [sqrt(sw) yc; 0]; returns (w, b).
    """
    Xc, yc, sw, xm, ym = centred(X, y, sample_weight, fit_intercept)
    p = X.shape[1]
    f = np.ones(p) if factors is None else factors
    c = np.ones(p) if scale is None else scale
    A = np.r_[np.sqrt(sw)[:, None] * Xc, np.diag(np.sqrt(alpha * f) * c)]
    b = np.r_[np.sqrt(sw) * yc, np.zeros(p)]
    if bounds is None:
        w = np.linalg.lstsq(A, b, rcond=None)[0]
    else:
        w = lsq_linear(A, b, bounds=bounds, tol=1e-14, lsmr_tol="auto").x
    return w, ym - xm @ w


@pytest.mark.parametrize("shape", [(40, 10), (15, 40)], ids=["n>p", "p>n"])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("options", ["plain", "weights+factors", "standardize"])
def test_ridge_path_is_least_squares_on_the_augmented_system(shape, sparse, fit_intercept, options):
    n, p = shape
    X, y = simulated(n, p, seed=n)
    rng = np.random.default_rng(n)
    X[rng.random((n, p)) < 0.4] = 0.0
    X = X * np.linspace(0.3, 3.0, p)
    sw = rng.uniform(0.5, 2.0, n) if options == "weights+factors" else None
    f = rng.uniform(0.5, 2.0, p) if options == "weights+factors" else None
    standardize = options == "standardize"
    Xc, _, s, _, _ = centred(X, y, sw, fit_intercept)
    c = column_scale(Xc, s) if standardize else None
    Xin = sp.csc_matrix(X) if sparse else X
    kw = {
        "l1_ratio": 0.0,
        "fit_intercept": fit_intercept,
        "sample_weight": sw,
        "penalty_factor": f,
        "standardize": standardize,
    }
    P = shrinkage.path(Xin, y, alphas=ALPHAS, **kw)
    assert P.converged.all() and np.all(P.gaps >= 0)
    for k, a in enumerate(ALPHAS):
        w, b = augmented_ridge(
            X, y, a, sample_weight=sw, fit_intercept=fit_intercept, factors=f, scale=c
        )
        np.testing.assert_allclose(P.coefs[k], w, rtol=1e-9, atol=1e-11 * np.abs(w).max())
        assert P.intercepts[k] == pytest.approx(b, rel=1e-9, abs=1e-9)
        # many alphas at once (one eigendecomposition) == one alpha at a time (Cholesky/dual)
        one = shrinkage.path(Xin, y, alphas=[a], **kw)
        np.testing.assert_allclose(
            one.coefs[0], P.coefs[k], rtol=1e-9, atol=1e-11 * np.abs(w).max()
        )
        assert P.gaps[k] <= 1e-12 * (1 + np.abs(y).max() ** 2)


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("shape", [(40, 10), (15, 40)], ids=["n>p", "p>n"])
def test_iterative_ridge_agrees_with_the_closed_form(solver, shape):
    # finite but inactive bounds switch the closed form off: the solvers must agree with it
    X, y = simulated(*shape, seed=3)
    closed = shrinkage.path(X, y, l1_ratio=0.0, alphas=ALPHAS[:4])
    iterative = shrinkage.path(
        X, y, l1_ratio=0.0, alphas=ALPHAS[:4], upper=1e6, solver=solver, tol=1e-15, max_iter=100_000
    )
    assert iterative.converged.all() and iterative.n_iter.max() > 1
    # the ridge objective is alpha-strongly convex: ||w - w*||^2 <= 2 gap / alpha
    _, yc, sw, _, _ = centred(X, y)
    gap = np.maximum(iterative.gaps, 16 * np.finfo(float).eps * float(sw @ yc**2))
    err = np.linalg.norm(iterative.coefs - closed.coefs, axis=1)
    assert np.all(err <= np.sqrt(2 * gap / iterative.alphas) + 1e-12)
    assert np.all(err <= 1e-5 * np.linalg.norm(closed.coefs, axis=1))


@pytest.mark.parametrize("solver", ["cd", "gram"])
def test_bounded_ridge_is_bounded_least_squares(solver):
    X, y = simulated(40, 10, seed=4)
    lower, upper = np.zeros(10), np.full(10, 1.5)
    P = shrinkage.path(
        X,
        y,
        l1_ratio=0.0,
        alphas=[1.0, 0.1, 0.01],
        lower=lower,
        upper=upper,
        solver=solver,
        tol=1e-15,
        max_iter=100_000,
    )
    for k, a in enumerate(P.alphas):
        w, b = augmented_ridge(X, y, a, bounds=(lower, upper))
        np.testing.assert_allclose(P.coefs[k], w, atol=1e-7)
        assert P.intercepts[k] == pytest.approx(b, abs=1e-6)


@pytest.mark.parametrize("solver", ["cd", "gram"])
def test_ridge_with_unpenalized_features(solver):
    # f_j = 0 leaves the closed form too; the augmented system has a zero row for those
    X, y = simulated(40, 10, seed=5)
    f = np.ones(10)
    f[[1, 6]] = 0.0
    P = shrinkage.path(
        X,
        y,
        l1_ratio=0.0,
        alphas=[1.0, 0.1, 0.01],
        penalty_factor=f,
        solver=solver,
        tol=1e-15,
        max_iter=100_000,
    )
    for k, a in enumerate(P.alphas):
        w, _ = augmented_ridge(X, y, a, factors=f)
        np.testing.assert_allclose(P.coefs[k], w, rtol=1e-6, atol=1e-8)


# --------------------------------------------------------------------------------------------
# the closed-form kernels themselves


def _stats(X, y, sw=None, sparse=False):
    pb = Problem.build(
        sp.csc_matrix(X) if sparse else X, y, sample_weight=sw, multi_output=y.ndim == 2
    )
    return pb


def test_ridge_cholesky_solves_the_normal_equations():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 8))
    G, q, l2 = A.T @ A / 30, rng.standard_normal(8), rng.uniform(0.1, 1.0, 8)
    np.testing.assert_allclose(
        ridge_cholesky(G, q, l2), np.linalg.solve(G + np.diag(l2), q), rtol=1e-10
    )
    Q = rng.standard_normal((8, 3))
    np.testing.assert_allclose(
        ridge_cholesky(G, Q, l2), np.linalg.solve(G + np.diag(l2), Q), rtol=1e-10
    )


def test_ridge_cholesky_falls_back_to_least_squares_when_singular():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((30, 5))
    A = np.c_[A, A[:, 0]]  # a duplicated column with no penalty: singular system
    G = A.T @ A / 30
    q = A.T @ rng.standard_normal(30) / 30
    l2 = np.r_[np.full(5, 0.1), 0.0]
    l2[0] = 0.0
    w = ridge_cholesky(G, q, l2)
    np.testing.assert_allclose((G + np.diag(l2)) @ w, q, atol=1e-10)


@pytest.mark.parametrize("targets", [1, 3])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
def test_primal_and_dual_closed_forms_agree_with_lstsq(targets, sparse):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((20, 7))
    Y = rng.standard_normal((20, targets)) if targets > 1 else rng.standard_normal(20)
    sw = rng.uniform(0.5, 2.0, 20)
    pb = _stats(X, Y, sw, sparse)
    d = rng.uniform(0.5, 2.0, 7)  # per-feature penalty scale: l2_j = a d_j^2
    mult = np.array([3.0, 0.3, 0.03])
    primal = ridge_path_primal(pb.statistics, mult, d)
    s = sw / sw.sum()
    Xc = X - s @ X
    Yc = Y - s @ Y
    root = np.sqrt(s) if Y.ndim == 1 else np.sqrt(s)[:, None]
    dual = ridge_path_dual(pb.design, Yc * root, mult, d)  # y~ = sqrt(S) y_c
    for k, a in enumerate(mult):
        A = np.r_[np.sqrt(s)[:, None] * Xc, np.diag(np.sqrt(a) * d)]
        rhs = np.r_[np.sqrt(s)[:, None] * Yc.reshape(20, -1), np.zeros((7, targets))]
        w = np.linalg.lstsq(A, rhs, rcond=None)[0].reshape(primal[k].shape)
        np.testing.assert_allclose(primal[k], w, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dual[k], w, rtol=1e-10, atol=1e-12)


def _tridiagonal(diag, off):
    return np.diag(diag) + np.diag(off, 1) + np.diag(off, -1)


@pytest.mark.parametrize("rank", [3, 14])
def test_kernel_tridiagonal_spans_the_complement_of_the_intercept_direction(rank):
    """Centred weighted rows: K u = 0 for u = sqrt(s / sum(s)).  The deflated reduction spans
    exactly u's complement, also where K has a repeated null space (rank 3 of 15), and keeps
    K's other eigenvalues."""
    rng = np.random.default_rng(3)
    n = 15
    s = rng.uniform(0.5, 2.0, n)
    s /= s.sum()
    X = rng.standard_normal((n, rank)) @ rng.standard_normal((rank, 40))
    Xs = np.sqrt(s)[:, None] * (X - s @ X)
    K = Xs @ Xs.T
    u = np.sqrt(s)
    diag, off, Q = kernel_tridiagonal(np.asfortranarray(K), u)
    T = _tridiagonal(diag, off)
    assert Q.shape == (n, n - 1)
    np.testing.assert_allclose(Q.T @ Q, np.eye(n - 1), atol=1e-13)
    np.testing.assert_allclose(Q @ Q.T, np.eye(n) - np.outer(u, u), atol=1e-13)
    np.testing.assert_allclose(Q @ T @ Q.T, K, atol=1e-12 * np.abs(K).max())
    full = np.linalg.eigvalsh(K)
    evals = np.linalg.eigvalsh(T)
    np.testing.assert_allclose(evals, np.sort(full)[1:], atol=1e-12 * evals.max())
    diag0, off0, Q0 = kernel_tridiagonal(K.copy())  # without an intercept: the whole space
    np.testing.assert_allclose(Q0 @ Q0.T, np.eye(n), atol=1e-13)
    np.testing.assert_allclose(Q0 @ _tridiagonal(diag0, off0) @ Q0.T, K, atol=1e-12 * full.max())


@pytest.mark.parametrize("n", [1, 2, 3])
def test_kernel_tridiagonal_of_the_smallest_kernels(n):
    """1 to 3 samples, with and without the intercept's direction: Q Q' is the projection."""
    rng = np.random.default_rng(n)
    X = rng.standard_normal((n, 4))
    u = np.full(n, n**-0.5)
    for null, m in ((None, n), (u, max(n - 1, 0))):
        K = X @ X.T
        diag, off, Q = kernel_tridiagonal(np.asfortranarray(K), null)
        assert Q.shape == (n, m) and diag.shape == (m,) and off.shape == (max(m - 1, 0),)
        C = np.eye(n) - (0.0 if null is None else np.outer(u, u))
        np.testing.assert_allclose(Q @ Q.T, C, atol=1e-13)
        np.testing.assert_allclose(Q @ _tridiagonal(diag, off) @ Q.T, C @ K @ C, atol=1e-12)
