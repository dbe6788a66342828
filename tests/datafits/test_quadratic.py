"""The least-squares datafit and the two data forms (weighted design, sufficient statistics)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage
from shrinkage._problem import Problem
from shrinkage.datafits import quadratic
from shrinkage.datafits.quadratic import Quadratic, sufficient_statistics

from .._reference import centred, simulated


def _data(n=25, p=6, seed=0):
    X, y = simulated(n, p, seed=seed)
    X[np.random.default_rng(seed).random((n, p)) < 0.3] = 0.0
    return X, y


def test_value_gradient_and_lipschitz():
    rng = np.random.default_rng(0)
    X, y = _data()
    s = rng.uniform(0.2, 2.0, 25)
    sw = s / s.sum()
    f = Quadratic(s)
    z = rng.standard_normal(25)
    assert f.value(y, z) == pytest.approx(0.5 * np.sum(s * (y - z) ** 2) / s.sum(), rel=1e-14)
    # the gradient by central differences (f is quadratic: they are exact up to rounding)
    eps = 1e-6
    fd = np.array(
        [(f.value(y, z + eps * e) - f.value(y, z - eps * e)) / (2 * eps) for e in np.eye(25)]
    )
    np.testing.assert_allclose(f.gradient(y, z), fd, atol=1e-9)
    # curvature of w -> f(Xw) along coordinate j: d2/dt2 f(X(w + t e_j)) = sum sw x_ij^2
    np.testing.assert_allclose(f.lipschitz(X), sw @ X**2, rtol=1e-14)
    np.testing.assert_allclose(f.lipschitz(sp.csc_matrix(X)), sw @ X**2, rtol=1e-14)
    assert Quadratic().value(y, z) == pytest.approx(0.5 * np.mean((y - z) ** 2))


def test_conjugate_is_the_fenchel_conjugate():
    rng = np.random.default_rng(1)
    y = rng.standard_normal(10)
    s = rng.uniform(0.5, 2.0, 10)
    f = Quadratic(s)
    for _ in range(5):
        z = rng.standard_normal(10)
        u = f.gradient(y, z)
        # Fenchel-Young with equality at u = grad f(z) ...
        assert f.value(y, z) + f.conjugate(y, u) == pytest.approx(u @ z, rel=1e-12, abs=1e-14)
        # ... and inequality everywhere else
        v = rng.standard_normal(10)
        assert f.value(y, z) + f.conjugate(y, v) >= v @ z - 1e-12


def test_conjugate_with_zero_weights_is_infinite_off_their_support():
    y = np.arange(4.0)
    f = Quadratic(np.array([1.0, 0.0, 1.0, 1.0]))
    assert f.conjugate(y, np.array([0.1, 0.2, 0.0, 0.0])) == np.inf
    assert np.isfinite(f.conjugate(y, np.array([0.1, 0.0, 0.0, 0.0])))


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_weighted_design_matches_numpy(fit_intercept, weighted):
    X, y = _data()
    rng = np.random.default_rng(2)
    s = rng.uniform(0.2, 2.0, 25) if weighted else None
    Xc, yc, sw, xm, ym = centred(X, y, s, fit_intercept)
    w = rng.standard_normal(6)
    r_true = yc - Xc @ w
    for X_in in (X, sp.csc_matrix(X)):
        design = Problem.build(X_in, y, sample_weight=s, fit_intercept=fit_intercept).design
        assert design.is_sparse == sp.issparse(X_in)
        np.testing.assert_allclose(design.x_offset, xm, atol=1e-14)
        assert design.y_offset == pytest.approx(ym, abs=1e-14)
        assert design.yty == pytest.approx(sw @ yc**2, rel=1e-13)
        np.testing.assert_allclose(design.col_norm_sq, sw @ Xc**2, rtol=1e-12)
        r, rsum = design.residual(w)
        np.testing.assert_allclose(design.correlations(r, rsum), Xc.T @ (sw * r_true), atol=1e-13)
        r_dot_y, r_dot_r = design.residual_products(r, rsum, w)
        assert r_dot_y == pytest.approx(sw @ (r_true * yc), rel=1e-12)
        assert r_dot_r == pytest.approx(sw @ r_true**2, rel=1e-12)
        cols = np.array([1, 4])
        G, q = design.cross_gram(cols)
        np.testing.assert_allclose(G, Xc.T @ (sw[:, None] * Xc[:, cols]), atol=1e-13)
        np.testing.assert_allclose(q, Xc[:, cols].T @ (sw * yc), atol=1e-13)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
@pytest.mark.parametrize("targets", [1, 2])
def test_sufficient_statistics_match_numpy(fit_intercept, sparse, targets, monkeypatch):
    # tiny blocks: the one-pass accumulation over row blocks must equal the direct products
    monkeypatch.setattr(quadratic, "_GRAM_BLOCK_BYTES", 8)
    X, _ = _data(700, 5, seed=3)
    rng = np.random.default_rng(3)
    Y = rng.standard_normal((700, targets)) if targets > 1 else rng.standard_normal(700)
    s = rng.uniform(0.2, 2.0, 700)
    sw = s / s.sum()
    xm = sw @ X if fit_intercept else np.zeros(5)
    ym = sw @ Y if fit_intercept else 0.0 * Y[0]
    Xc, Yc = X - xm, Y - ym
    stats = sufficient_statistics(sp.csc_matrix(X) if sparse else X, Y, s, fit_intercept)
    np.testing.assert_allclose(stats.G, Xc.T @ (sw[:, None] * Xc), atol=1e-13)
    np.testing.assert_allclose(
        stats.q, Xc.T @ (sw[:, None] * Yc if targets > 1 else sw * Yc), atol=1e-13
    )
    np.testing.assert_allclose(stats.yty, sw @ Yc**2, rtol=1e-12)
    np.testing.assert_allclose(stats.x_offset, xm, atol=1e-14)
    np.testing.assert_allclose(stats.y_offset, ym, atol=1e-14)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_statistics_of_raw_rows_match_centred_data(fit_intercept, monkeypatch):
    # equal weights and a C-ordered X: G from X's own rows, centred afterwards; the columns far
    # from zero mean (and the constant ones) formed again from centred data
    monkeypatch.setattr(quadratic, "_GRAM_BLOCK_BYTES", 8)
    rng = np.random.default_rng(5)
    X = rng.standard_normal((700, 6)) + np.array([0.5, -3.0, 0.0, 0.0, 2.0, 0.0])
    X[:, 2] = 7.0  # constant
    X[:, 3] = 1e6 + 1e-2 * rng.standard_normal(700)  # far from zero mean
    X[:, 5] = 0.0
    y = X[:, 0] - X[:, 4] + rng.standard_normal(700)
    assert X.flags.c_contiguous
    stats = sufficient_statistics(X, y, np.full(700, 3.0), fit_intercept)
    centred = sufficient_statistics(np.asfortranarray(X), y, np.full(700, 3.0), fit_intercept)
    xm = X.mean(axis=0) if fit_intercept else np.zeros(6)
    Xc, yc = X - xm, y - (y.mean() if fit_intercept else 0.0)
    scale = np.sqrt(np.outer(np.diag(Xc.T @ Xc), np.diag(Xc.T @ Xc))) / 700 + 1e-300
    assert np.all(np.abs(stats.G - Xc.T @ Xc / 700) <= 1e-12 * scale + 1e-300)
    np.testing.assert_allclose(stats.q, Xc.T @ yc / 700, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(stats.G, stats.G.T, rtol=0, atol=0)
    np.testing.assert_array_equal(stats.col_norm_sq == 0, centred.col_norm_sq == 0)
    np.testing.assert_allclose(stats.x_offset, xm, rtol=1e-14)
    assert stats.yty == pytest.approx(yc @ yc / 700, rel=1e-12)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
def test_constant_columns_have_zero_norm(sparse):
    X, y = _data()
    X[:, 2] = 7.0
    X[:, 4] = 0.0
    pb = Problem.build(sp.csc_matrix(X) if sparse else X, y)
    for norms in (pb.design.col_norm_sq, pb.statistics.col_norm_sq):
        assert norms[2] == 0.0 and norms[4] == 0.0
        assert np.all(norms[[0, 1, 3, 5]] > 0)
    # without an intercept a constant non-zero column is an ordinary feature
    no_b = Problem.build(sp.csc_matrix(X) if sparse else X, y, fit_intercept=False)
    assert no_b.design.col_norm_sq[2] == pytest.approx(49.0)
    assert no_b.design.col_norm_sq[4] == 0.0


def test_float32_design_keeps_its_dtype_and_accumulates_in_float64():
    X, y = _data()
    pb = Problem.build(X.astype(np.float32), y)
    assert pb.design.Xd.dtype == np.float32 and pb.design.Xd.flags.f_contiguous
    assert pb.design.col_norm_sq.dtype == np.float64
    assert pb.statistics.G.dtype == np.float64
    ref = Problem.build(X.astype(np.float32).astype(np.float64), y)
    np.testing.assert_allclose(pb.statistics.G, ref.statistics.G, rtol=1e-6, atol=1e-7)


def test_large_offset_with_real_spread_is_not_constant():
    # a unit-variance column shifted by 1e6 carries information; a constant one does not
    rng = np.random.default_rng(0)
    X = np.column_stack([1e6 + rng.standard_normal(50), np.full(50, 1e6 + 0.1)])
    y = 2.0 * (X[:, 0] - 1e6) + 0.1 * rng.standard_normal(50)
    for data in (X, sp.csc_matrix(X)):
        P = shrinkage.path(data, y, alphas=[1e-3], tol=1e-12)
        assert P.coefs[0, 0] == pytest.approx(2.0, abs=0.1)
        assert P.coefs[0, 1] == 0.0
