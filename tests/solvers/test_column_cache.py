"""The row-major design and its column cache (solvers/column_cache.py): the same data as the
Fortran design, and the same fits through the coordinate-descent solver."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from shrinkage._problem import Problem
from shrinkage.datafits.quadratic import WeightedDesign
from shrinkage.solvers.cd import solve_cd
from shrinkage.solvers.column_cache import (
    ColumnCache,
    RawDesign,
    _moments,
    dense_design,
    needs_cache,
    row_major_design,
)

from .._reference import duality_gap, null_deviance
from ._common import reference, weights


def _wide(n=30, p=80, seed=0, offset=3.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    for j in range(1, p):
        X[:, j] = 0.6 * X[:, j - 1] + 0.8 * X[:, j]
    X += offset
    y = X[:, [2, 7, 40]] @ np.array([1.5, -2.0, 1.0]) + 0.5 * rng.standard_normal(n)
    return X, y


def _columns(design, cols):
    return design.columns(cols) if isinstance(design, RawDesign) else design.Xd[:, cols]


@pytest.mark.parametrize("offset", [3.0, 1e3], ids=["raw", "copy"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_data_as_the_fortran_design(offset, fit_intercept, weighted):
    """Small offsets: X used as is (``RawDesign``); large ones: a centred row-major copy."""
    X, y = _wide(offset=offset)
    X[:, 5] = 2.5  # a constant column is dropped alike
    sw = np.linspace(0.5, 2.0, X.shape[0]) if weighted else np.ones(X.shape[0])
    d = dense_design(X, y, sw, fit_intercept)
    f = WeightedDesign.build(X, y, sw, fit_intercept)
    assert isinstance(d, RawDesign) == (offset == 3.0 or not fit_intercept)
    assert needs_cache(d) and not needs_cache(f)
    if not isinstance(d, RawDesign):
        assert d.Xd.flags.c_contiguous
    cols = np.arange(X.shape[1])
    np.testing.assert_allclose(_columns(d, cols), f.Xd, rtol=1e-12, atol=1e-12)
    if isinstance(d, RawDesign):  # from X in either order: the same bits
        F = dataclasses.replace(d, Xd=np.asfortranarray(X))
        np.testing.assert_array_equal(F.columns(cols[::-3]), d.columns(cols[::-3]))
    np.testing.assert_allclose(d.col_norm_sq, f.col_norm_sq, rtol=1e-12)
    assert d.col_norm_sq[5] == 0.0 == f.col_norm_sq[5] or not fit_intercept
    np.testing.assert_allclose(d.y, f.y, rtol=1e-14)
    np.testing.assert_allclose([d.yty, d.y_offset], [f.yty, f.y_offset], rtol=1e-14)
    np.testing.assert_allclose(d.x_offset, f.x_offset, rtol=1e-14)
    w = np.random.default_rng(1).standard_normal(X.shape[1])
    r, rsum = d.residual(w)
    np.testing.assert_allclose(r, f.residual(w)[0], atol=1e-10)
    scale = np.sqrt(f.col_norm_sq.max() * float(r @ r))
    np.testing.assert_allclose(d.correlations(r, rsum), f.correlations(r, 0.0), atol=1e-12 * scale)
    sub = np.array([0, 7, 40])
    for a, b in zip(d.cross_gram(sub), f.cross_gram(sub), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10 * np.abs(b).max())


def test_row_major_copy_matches_the_fortran_build():
    X, y = _wide(offset=1e3)
    d, f = row_major_design(X, y, np.ones(30), True), WeightedDesign.build(X, y, np.ones(30), True)
    np.testing.assert_allclose(d.Xd, f.Xd, rtol=1e-14, atol=1e-14)


def test_cache_copies_each_column_once_and_grows(monkeypatch):
    """Each column written once, in its place; the store grows (a small first room here)
    with the columns it held kept."""
    monkeypatch.setattr(ColumnCache, "FIRST_ROOM", 2)
    X, _ = _wide(n=6, p=50)
    written = []

    def source(cols, out):
        written.extend(cols.tolist())
        out[:] = X[:, cols]

    cache = ColumnCache(source, X.shape)
    first = cache.slots(np.array([4, 9, 30]))
    assert cache.count == 3 and cache._store.shape[1] == 4 * 3
    again = cache.slots(np.array([9, 30, 4, 45]))
    assert cache.count == 4 and again[:3].tolist() == first[[1, 2, 0]].tolist()
    cols = np.arange(0, 50, 2)
    s = cache.slots(cols)
    assert cache.block.flags.f_contiguous
    np.testing.assert_array_equal(cache.block[:, s], X[:, cols])
    assert cache._store.shape[1] == 50 and sorted(written) == sorted(set(written))


@pytest.mark.parametrize(
    "case",
    [
        {"l1_ratio": 1.0},
        {"l1_ratio": 0.5},
        {"l1_ratio": 1.0, "lower": 0.0},
        {"l1_ratio": 0.8, "lower": -0.3, "upper": 0.6},
    ],
    ids=["lasso", "enet", "positive", "box"],
)
@pytest.mark.parametrize("offset", [3.0, 1e3], ids=["raw", "copy"])
def test_cached_fits_equal_fortran_fits_along_a_path(case, offset):
    """Warm-started fits with one cache for the path: the same solutions as on the Fortran
    design, each certified by the reference gap."""
    X, y = _wide(offset=offset)
    case = dict(case)
    l1_ratio = case.pop("l1_ratio")
    sw = np.ones(X.shape[0])
    d = dense_design(X, y, sw, True)
    f = Problem.build(np.asfortranarray(X), y).design
    Xc, yc, s = reference(X, y)
    cache = ColumnCache.of(d)
    w_d = w_f = np.zeros(X.shape[1])
    state = None
    alpha_max = np.abs(Xc.T @ (s * yc)).max()
    for alpha in alpha_max * np.array([0.5, 0.1, 0.02]):
        pw = weights(alpha, l1_ratio, X.shape[1], **case)
        fit = solve_cd(d, pw, w_d, tol=1e-12, max_iter=100_000, state=state, cache=cache)
        ref = solve_cd(f, pw, w_f, tol=1e-12, max_iter=100_000)
        assert fit.converged
        gap = duality_gap(Xc, yc, s, fit.w, pw.l1, pw.l2, pw.lower, pw.upper)
        assert gap <= fit.tol * (1 + 1e-6) + 1e-15
        np.testing.assert_allclose(fit.w, ref.w, atol=1e-6 * np.abs(ref.w).max())
        w_d, w_f, state = fit.w, ref.w, fit.state
    assert 0 < cache.count <= X.shape[1]
    assert fit.tol == pytest.approx(1e-12 * null_deviance(yc, s))


@pytest.mark.parametrize("n", [1, 3, 5, 13, 200])
@pytest.mark.parametrize("shift", [0.0, 1e6])
@pytest.mark.parametrize("centre", [True, False])
def test_one_pass_moments_equal_the_centred_sums(n, shift, centre):
    """Means, centred sums of squares and X'v from ``_moments``'s one pass (blocks merged by
    Chan's update, four rows a sweep, a ragged last group) equal the two-pass formulas, to a few
    ulps of the centred sums even where the means are 1e6 spreads away."""
    rng = np.random.default_rng(n)
    X = rng.standard_normal((n, 9)) + shift
    sw = rng.random(n)
    sw /= sw.sum()
    v = rng.standard_normal(n)
    mean, sums, xv = _moments(X, sw, v, centre)
    expected = X.T @ sw if centre else np.zeros(9)
    np.testing.assert_allclose(mean, expected, rtol=1e-14, atol=1e-15 * (1.0 + shift))
    np.testing.assert_allclose(sums, sw @ (X - expected) ** 2, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(xv, X.T @ v, rtol=1e-12, atol=1e-12 * (1.0 + shift))
    F = np.asfortranarray(X)  # not C-ordered: the numpy passes
    for got, want in zip(_moments(F, sw, v, centre), (mean, sums, xv), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12 * (1.0 + shift))


def test_the_target_correlations_serve_the_first_certificate_of_their_own_target_only():
    """``y_correlations`` are the correlations of the residual at w = 0 (what the first
    certificate of a fit from 0 needs); a copy of the design with another target has none."""
    X, y = _wide()
    d = dense_design(X, y, np.ones(X.shape[0]), True)
    assert isinstance(d, RawDesign)
    np.testing.assert_allclose(d.y_correlations, d.correlations(d.y, 0.0), rtol=1e-12, atol=1e-14)
    other = dataclasses.replace(d, y=d.y[::-1].copy())
    assert other.y_correlations is None
