"""Multi-task block coordinate descent: scikit-learn's optimum, a certificate that bounds the true
suboptimality, sample weights, alpha_max and the unpenalized case (the paths along a grid:
tests/paths/test_multitask.py)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import MultiTaskElasticNet

from shrinkage.datafits.quadratic import WeightedDesign
from shrinkage.paths.multitask import multi_task_fits, multi_task_problem
from shrinkage.solvers.multitask import multitask_alpha_max, solve_multitask


def _data(n=60, p=25, T=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.linspace(0.5, 2.0, p) + 1.0
    B = np.zeros((p, T))
    B[:4] = rng.standard_normal((4, T))
    Y = X @ B + 0.5 * rng.standard_normal((n, T)) + 2.0
    return X, Y


def objective(X, Y, W, b, alpha, l1_ratio, sw=None):
    """scikit-learn's objective, weighted by sw (normalised to sum 1)."""
    sw = np.full(len(Y), 1.0 / len(Y)) if sw is None else sw / sw.sum()
    R = Y - X @ W - b
    return (
        0.5 * np.sum(sw[:, None] * R**2)
        + alpha * l1_ratio * np.linalg.norm(W, axis=1).sum()
        + 0.5 * alpha * (1 - l1_ratio) * np.sum(W**2)
    )


def _fit(X, Y, alpha, l1_ratio, *, sample_weight=None, tol=1e-12, max_iter=100_000):
    """(W, b, Fit) at one alpha, through the path engine's multi-task family."""
    problem = multi_task_problem(X, Y, sample_weight=sample_weight, fit_intercept=True)
    out = multi_task_fits(problem, l1_ratio, np.array([alpha]), tol=tol, max_iter=max_iter)
    return out.coefs[0], out.intercepts[0], out.fits[0]


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.1])
@pytest.mark.parametrize("ratio", [0.5, 0.1, 0.01])
def test_matches_scikit_learn(l1_ratio, ratio):
    X, Y = _data()
    design = WeightedDesign.build(X, Y, np.ones(len(Y)), True)
    alpha = ratio * multitask_alpha_max(design, l1_ratio)
    W, b, fit = _fit(X, Y, alpha, l1_ratio)
    sk = MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000).fit(X, Y)
    ours = objective(X, Y, W, b, alpha, l1_ratio)
    theirs = objective(X, Y, sk.coef_.T, sk.intercept_, alpha, l1_ratio)
    assert fit.converged
    assert ours <= theirs * (1 + 1e-10)
    assert theirs <= ours * (1 + 1e-10)
    np.testing.assert_allclose(W, sk.coef_.T, atol=1e-5)
    np.testing.assert_allclose(b, sk.intercept_, atol=1e-5)
    # the same rows in the model
    np.testing.assert_array_equal(
        np.linalg.norm(W, axis=1) > 1e-8, np.linalg.norm(sk.coef_, axis=0) > 1e-8
    )


@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
@pytest.mark.parametrize("tol", [1e-2, 1e-4, 1e-6])
def test_certificate_bounds_the_true_suboptimality(l1_ratio, tol):
    X, Y = _data(n=40, p=60, seed=1)
    design = WeightedDesign.build(X, Y, np.ones(len(Y)), True)
    alpha = 0.05 * multitask_alpha_max(design, l1_ratio)
    W_star, b_star, _ = _fit(X, Y, alpha, l1_ratio, tol=1e-14)
    best = objective(X, Y, W_star, b_star, alpha, l1_ratio)
    W, b, fit = _fit(X, Y, alpha, l1_ratio, tol=tol)
    subopt = objective(X, Y, W, b, alpha, l1_ratio) - best
    assert fit.converged and fit.gap <= fit.tol
    assert subopt <= fit.gap + 1e-13 * best
    # scikit-learn's stopping rule: tol * ||Y_c||_F^2 in its objective scaled by n
    assert fit.tol == pytest.approx(tol * np.sum((Y - Y.mean(0)) ** 2) / len(Y))


def test_certificate_of_an_unfinished_fit():
    X, Y = _data(n=40, p=60, seed=1)
    design = WeightedDesign.build(X, Y, np.ones(len(Y)), True)
    alpha = 0.01 * multitask_alpha_max(design, 1.0)
    W_star, b_star, _ = _fit(X, Y, alpha, 1.0, tol=1e-14)
    best = objective(X, Y, W_star, b_star, alpha, 1.0)
    fit = solve_multitask(design, alpha, 0.0, np.zeros((60, 3)), tol=1e-12, max_iter=2)
    W = fit.w
    b = design.y_offset - design.x_offset @ W
    assert not fit.converged and fit.gap > fit.tol
    assert objective(X, Y, W, b, alpha, 1.0) - best <= fit.gap


def test_sample_weights_match_scikit_learn_and_repeated_rows():
    X, Y = _data(n=30, p=10, seed=3)
    sw = np.random.default_rng(6).integers(1, 4, len(Y)).astype(float)
    alpha, l1_ratio = 0.05, 0.8
    W, b, fit = _fit(X, Y, alpha, l1_ratio, sample_weight=sw)
    assert fit.converged
    rows = np.repeat(np.arange(len(Y)), sw.astype(int))
    W_rep, b_rep, _ = _fit(X[rows], Y[rows], alpha, l1_ratio)
    np.testing.assert_allclose(W, W_rep, atol=1e-7)
    np.testing.assert_allclose(b, b_rep, atol=1e-7)
    sk = MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000).fit(
        X, Y, sample_weight=sw
    )
    ours = objective(X, Y, W, b, alpha, l1_ratio, sw)
    theirs = objective(X, Y, sk.coef_.T, sk.intercept_, alpha, l1_ratio, sw)
    assert ours <= theirs * (1 + 1e-10)


@pytest.mark.parametrize("sparse", [False, True])
def test_alpha_max(sparse):
    X, Y = _data(seed=4)
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    expected = np.max(np.linalg.norm(Xc.T @ Yc, axis=1)) / len(Y) / 0.5
    design = WeightedDesign.build(sp.csc_matrix(X) if sparse else X, Y, np.ones(len(Y)), True)
    top = multitask_alpha_max(design, 0.5)
    assert top == pytest.approx(expected, rel=1e-12)
    W, _, fit = _fit(X, Y, top, 0.5)
    assert fit.converged and not np.any(W)
    W, _, fit = _fit(X, Y, top * (1 - 1e-6), 0.5)
    assert fit.converged and np.count_nonzero(np.linalg.norm(W, axis=1)) == 1


def test_unpenalized_is_least_squares():
    X, Y = _data(n=50, p=5, seed=7)
    W, b, fit = _fit(X, Y, 0.0, 1.0, tol=1e-10)
    A = np.column_stack([X, np.ones(len(Y))])
    ols = np.linalg.lstsq(A, Y, rcond=None)[0]
    assert fit.converged
    np.testing.assert_allclose(W, ols[:-1], atol=1e-6)
    np.testing.assert_allclose(b, ols[-1], atol=1e-6)


def test_constant_column_stays_out_and_anderson_agrees():
    X, Y = _data(seed=8)
    X[:, 3] = 2.5
    design = WeightedDesign.build(X, Y, np.ones(len(Y)), True)
    alpha = 0.01 * multitask_alpha_max(design, 1.0)
    W0 = np.ones((X.shape[1], Y.shape[1]))
    with_anderson = solve_multitask(design, alpha, 0.0, W0, tol=1e-12, max_iter=10_000)
    without = solve_multitask(design, alpha, 0.0, W0, tol=1e-12, max_iter=10_000, anderson=False)
    assert with_anderson.converged and without.converged
    assert not np.any(with_anderson.w[3])
    np.testing.assert_allclose(with_anderson.w, without.w, atol=1e-6)


def test_float32_design():
    X, Y = _data(seed=9)
    W32, _, fit = _fit(X.astype(np.float32), Y, 0.1, 1.0, tol=1e-8)
    W64, _, _ = _fit(X.astype(np.float32).astype(np.float64), Y, 0.1, 1.0, tol=1e-8)
    assert fit.converged
    np.testing.assert_allclose(W32, W64, atol=1e-4)
