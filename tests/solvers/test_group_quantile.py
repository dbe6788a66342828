"""Group / sparse-group lasso with the quantile loss: reductions to the quantile lasso (the exact
interior point), agreement with a plain-numpy primal-dual solver, the exact certificate, group
sparsity, alpha_max, weights, offsets, unpenalized groups and the estimator."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage import GroupLasso, group_path
from shrinkage.datafits.quantile import Quantile, pinball
from shrinkage.group_path import GroupProblem
from shrinkage.paths.quantile import quantile_path
from shrinkage.solvers.group_quantile import quantile_certificate

from ._common import sparse_group_prox

GROUPS = np.repeat(np.arange(5), 3)  # 15 columns, 5 groups of 3
SQRT3 = np.sqrt(3.0)


def _data(n=80, p=15, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, :3] @ [1.5, -1.0, 1.0] + X[:, 6] + rng.standard_t(2, size=n) + 1.0
    return X, y


def _objective(X, y, w, b, alpha, l1_ratio, tau, sw=None):
    """P(w, b) in plain numpy (GROUPS, factors sqrt(3))."""
    sw = np.ones(len(y)) if sw is None else sw
    group_part = sum(SQRT3 * np.linalg.norm(w[3 * g : 3 * g + 3]) for g in range(5))
    return sw @ pinball(y - X @ w - b, tau) / sw.sum() + alpha * (
        l1_ratio * np.abs(w).sum() + (1 - l1_ratio) * group_part
    )


def _primal_dual(X, y, alpha, l1_ratio, tau, n_iter=40_000):
    """Chambolle-Pock in plain numpy on min_w,b max_theta theta'(y - Xw - b) + Omega(w),
    theta in the box (tau - 1)/n <= theta_i <= tau/n (GROUPS, factors sqrt(3))."""
    n, p = X.shape
    A = np.column_stack([X, np.ones(n)])
    step = 0.99 / np.linalg.norm(A, 2)

    def prox(z):
        return np.r_[
            sparse_group_prox(
                z[:p], step * alpha * l1_ratio, step * alpha * (1 - l1_ratio) * SQRT3
            ),
            z[p:],
        ]

    x = x_bar = np.zeros(p + 1)
    theta = np.zeros(n)
    for _ in range(n_iter):
        theta = np.clip(theta + step * (y - A @ x_bar), (tau - 1) / n, tau / n)
        x_new = prox(x + step * A.T @ theta)
        x_bar, x = 2 * x_new - x, x_new
    return x[:p], x[p]


@pytest.mark.parametrize("tau", [0.5, 0.8])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_groups_of_one_column_are_the_quantile_lasso(tau, sparse, fit_intercept):
    X, y = _data()
    ref = quantile_path(X, y, quantile=tau, n_alphas=6, fit_intercept=fit_intercept, tol=1e-12)
    ours = group_path(
        sp.csc_matrix(X) if sparse else X,
        y,
        None,
        datafit=Quantile(tau),
        alphas=ref.alphas,
        fit_intercept=fit_intercept,
        tol=1e-10,
    )
    assert ours.converged.all() and ours.datafit == "quantile"
    assert ours.certificate == "duality_gap"
    np.testing.assert_allclose(ours.coefs, ref.coefs, atol=1e-8)
    np.testing.assert_allclose(ours.intercepts, ref.intercepts, atol=1e-8)


def test_standardize_matches_the_quantile_lasso():
    X, y = _data(seed=7)
    X = X * np.linspace(0.1, 10.0, 15)
    ref = quantile_path(X, y, quantile=0.5, n_alphas=5, standardize=True, tol=1e-12)
    ours = group_path(
        X, y, None, datafit=Quantile(0.5), alphas=ref.alphas, standardize=True, tol=1e-10
    )
    np.testing.assert_allclose(ours.coefs, ref.coefs, atol=1e-8)


def test_l1_ratio_one_is_the_quantile_lasso_whatever_the_groups():
    X, y = _data(seed=1)
    ref = quantile_path(X, y, quantile=0.3, n_alphas=5, tol=1e-12)
    ours = group_path(
        X, y, GROUPS, datafit=Quantile(0.3), l1_ratio=1.0, alphas=ref.alphas, tol=1e-10
    )
    np.testing.assert_allclose(ours.coefs, ref.coefs, atol=1e-8)


@pytest.mark.parametrize(
    ("l1_ratio", "tau", "alpha"), [(0.0, 0.5, 0.05), (0.5, 0.5, 0.02), (0.0, 0.8, 0.01)]
)
def test_matches_a_plain_primal_dual_solver(l1_ratio, tau, alpha):
    X, y = _data()
    ours = group_path(
        X, y, GROUPS, datafit=Quantile(tau), l1_ratio=l1_ratio, alphas=[alpha], tol=1e-10
    )
    assert ours.converged[0]
    w, b = _primal_dual(X, y, alpha, l1_ratio, tau)
    p_ours = _objective(X, y, ours.coefs[0], ours.intercepts[0], alpha, l1_ratio, tau)
    p_ref = _objective(X, y, w, b, alpha, l1_ratio, tau)
    assert p_ours <= p_ref + 1e-12
    assert p_ref - p_ours <= 1e-5 * p_ours
    np.testing.assert_allclose(ours.coefs[0], w, atol=1e-3)


def test_gap_bounds_the_suboptimality_and_groups_move_together():
    X, y = _data(seed=2)
    tau = 0.7
    fits = group_path(X, y, GROUPS, datafit=Quantile(tau), n_alphas=8, tol=1e-8)
    assert fits.converged.all()
    problem = GroupProblem.build(X, y, GROUPS, datafit=Quantile(tau))
    data = problem.glm_data()
    rng = np.random.default_rng(0)
    for k, alpha in enumerate(fits.alphas):
        penalty = problem.penalty(alpha, 0.0)
        w, b = fits.coefs[k], fits.intercepts[k]
        primal = _objective(X, y, w, b, alpha, 0.0, tau)
        # any point's exact gap is an upper bound on its suboptimality: perturbed points are no
        # better than the solution by more than its own gap
        for _ in range(5):
            dw = rng.standard_normal(15) * 1e-3
            other = _objective(X, y, w + dw, b + 1e-3 * rng.standard_normal(), alpha, 0.0, tau)
            assert other >= primal - fits.gaps[k] - 1e-14
        cert = quantile_certificate(
            data, tau, penalty, w, b, np.where(y - X @ w - b > 0, tau, tau - 1) / len(y)
        )
        assert cert.primal == pytest.approx(primal, rel=1e-12)
        rows = np.abs(w).reshape(5, 3)
        assert np.all((rows > 0).all(axis=1) == (rows > 0).any(axis=1))
    assert np.count_nonzero(fits.coefs[0]) == 0
    assert np.count_nonzero(np.abs(fits.coefs[-1]).reshape(5, 3).any(axis=1)) > 0


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5])
def test_alpha_max(l1_ratio):
    X, y = _data(seed=3)
    grid = group_path(
        X,
        y,
        GROUPS,
        datafit=Quantile(0.5),
        l1_ratio=l1_ratio,
        n_alphas=2,
        alpha_min_ratio=0.999,
        tol=1e-10,
    )
    assert np.count_nonzero(grid.coefs[0]) == 0
    assert np.count_nonzero(grid.coefs[1]) > 0  # just below alpha_max a group enters


def test_sample_weights_equal_repeated_rows_and_offset_shifts_the_target():
    X, y = _data(n=40, seed=4)
    counts = np.random.default_rng(1).integers(1, 4, size=40)
    weighted = group_path(
        X,
        y,
        GROUPS,
        datafit=Quantile(0.6),
        alphas=[0.05],
        sample_weight=counts.astype(float),
        tol=1e-10,
    )
    repeated = group_path(
        np.repeat(X, counts, axis=0),
        np.repeat(y, counts),
        GROUPS,
        datafit=Quantile(0.6),
        alphas=[0.05],
        tol=1e-10,
    )
    np.testing.assert_allclose(weighted.coefs, repeated.coefs, atol=1e-8)
    zero = np.where(np.arange(40) % 4 == 0, 0.0, 1.0)  # a weight of 0 drops the row
    dropped = group_path(
        X, y, GROUPS, datafit=Quantile(0.6), alphas=[0.05], sample_weight=zero, tol=1e-10
    )
    kept = group_path(
        X[zero > 0], y[zero > 0], GROUPS, datafit=Quantile(0.6), alphas=[0.05], tol=1e-10
    )
    np.testing.assert_allclose(dropped.coefs, kept.coefs, atol=1e-8)
    offset = np.linspace(-1.0, 1.0, 40)
    shifted = group_path(
        X, y, GROUPS, datafit=Quantile(0.6), alphas=[0.05], offset=offset, tol=1e-10
    )
    moved = group_path(X, y - offset, GROUPS, datafit=Quantile(0.6), alphas=[0.05], tol=1e-10)
    np.testing.assert_allclose(shifted.coefs, moved.coefs, atol=1e-8)


def test_unpenalized_group():
    X, y = _data(seed=5)
    fit = group_path(
        X, y, GROUPS, datafit=Quantile(0.5), alphas=[10.0], group_factor={4: 0.0}, tol=1e-10
    )
    assert fit.converged[0]
    w = fit.coefs[0]
    assert np.all(w[:12] == 0) and np.all(w[12:] != 0)
    # the unpenalized group alone: an unpenalized quantile regression on its columns
    ref = quantile_path(X[:, 12:], y, quantile=0.5, alphas=[0.0], tol=1e-12)
    np.testing.assert_allclose(w[12:], ref.coefs[0], atol=1e-8)


def test_estimator():
    X, y = _data(seed=6)
    model = GroupLasso(GROUPS, alpha=0.05, datafit=Quantile(0.9), tol=1e-8).fit(X, y)
    assert model.converged_ and model.certificate_ == "duality_gap"
    assert model.dual_gap_ <= 1e-8 * np.mean(np.abs(y - np.quantile(y, 0.9))) * 2
    fitted = np.mean(y <= model.predict(X))
    assert 0.8 <= fitted <= 1.0  # about 90% of the targets lie below the 0.9-quantile fit
    median = GroupLasso(GROUPS, alpha=0.05, datafit="quantile").fit(X, y)  # default tol
    assert np.mean(y <= median.predict(X)) == pytest.approx(0.5, abs=0.1)
    rows = median.coef_.reshape(5, 3)
    zero = ~rows.any(axis=1)
    assert zero.any() and np.all(rows[~zero] != 0)  # exact zeros, whole groups
    assert list(median.active_groups_) == list(np.flatnonzero(~zero))
