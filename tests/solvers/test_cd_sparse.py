"""Coordinate descent on a CSC design: never densified, the same answer as dense data and as
scikit-learn, and an honest certificate."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import ElasticNet

import shrinkage
from shrinkage._problem import Problem
from shrinkage.datafits.quadratic import WeightedDesign
from shrinkage.penalties._separable import ELASTIC_NET, penalty_arrays
from shrinkage.solvers import _kernels
from shrinkage.solvers.cd import _kernel_args

from .._reference import centred, duality_gap, null_deviance, penalty_weights, primal


def _csc(n, p, density, seed=0):
    """A random CSC design with positive values (non-zero column means) and its target."""
    rng = np.random.default_rng(seed)
    X = sp.random(
        n,
        p,
        density=density,
        format="csc",
        random_state=rng,
        data_rvs=lambda k: rng.uniform(0.5, 1.5, k),
    )
    w = np.zeros(p)
    w[rng.choice(p, 5, replace=False)] = rng.choice([-2.0, 2.0], 5)
    y = X @ w + 1.0 + 0.1 * rng.standard_normal(n)
    return X, y


@pytest.mark.parametrize("n_cols", [3, 200], ids=["few-stored-values", "many-stored-values"])
def test_correlations_equal_the_centred_products(n_cols):
    """Both branches of the sparse correlations (per stored value, or through S r formed once)
    give X_c' S r_true, r_true = r + x_offset.w."""
    X, y = _csc(300, 200, 0.01)
    sw = np.linspace(0.5, 1.5, 300)
    design = Problem.build(X, y, sample_weight=sw).design
    rng = np.random.default_rng(1)
    w = rng.standard_normal(200) * (rng.uniform(size=200) < 0.2)
    r, rsum = design.residual(w)
    ws = np.sort(rng.choice(200, n_cols, replace=False)).astype(np.int64)
    out = np.full(200, np.nan)
    _kernels.correlations(*design.kernel_args()[:6], r, rsum, True, ws, out)
    Xc, _, s, _, _ = centred(X, y, sw)
    r_true = r + design.x_offset @ w
    np.testing.assert_allclose(out[ws], (Xc.T @ (s * r_true))[ws], rtol=1e-10, atol=1e-13)
    assert np.isnan(np.delete(out, ws)).all()


def test_one_weight_for_every_row_is_the_uniform_weights():
    """The kernels read a sparse design's weights given as one entry (``cd._kernel_args``, all
    rows weigh the same) as that weight for every row: the correlations, the datafit and a CD
    solve equal those with the weights written out."""
    X, y = _csc(300, 200, 0.05)
    design = Problem.build(X, y).design
    full = design.kernel_args()
    one = _kernel_args(design)
    assert one[4].shape == (1,) and full[4].shape == (300,)
    rng = np.random.default_rng(2)
    w = rng.standard_normal(200) * (rng.uniform(size=200) < 0.2)
    r, rsum = design.residual(w)
    ws = np.arange(200, dtype=np.int64)
    corr = [_kernels.correlations(*a[:6], r, rsum, True, ws, np.zeros(200)) for a in (full, one)]
    np.testing.assert_allclose(corr[1], corr[0], rtol=1e-12, atol=1e-15)
    values = [_kernels.datafit_value(w, a[0], a[4], a[5], r, rsum, True) for a in (full, one)]
    assert values[1] == pytest.approx(values[0], rel=1e-12)
    alpha = 0.01 * np.max(np.abs(design.correlations(design.y, 0.0)))  # alpha_max / 100
    penalty = penalty_arrays(ELASTIC_NET, *penalty_weights(alpha, 1.0, 200), *_box(200), 0.0)
    fits = []
    for a in (full, one):
        w_k, r_k = np.zeros(200), design.y.copy()
        rsum_k, _ = _kernels.cd_working_set(
            a, penalty, r_k, 0.0, w_k, ws, design.col_norm_sq, 200, 1e-12, True
        )
        fits.append((w_k, r_k, rsum_k))
    np.testing.assert_allclose(fits[1][0], fits[0][0], rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(fits[1][1], fits[0][1], rtol=1e-8, atol=1e-12)
    assert np.count_nonzero(fits[0][0]) > 5


def _box(p):
    return np.full(p, -np.inf), np.full(p, np.inf)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_the_design_of_a_csc_matrix_with_duplicate_entries_is_that_of_their_sums(fit_intercept):
    """Duplicate entries of a CSC X are summed before squaring: the column norms and the
    offsets are those of the summed matrix (and of its dense copy)."""
    X, y = _csc(60, 30, 0.2, seed=5)
    doubled = sp.csc_matrix(  # every stored value split into two halves at the same place
        (np.repeat(0.5 * X.data, 2), np.repeat(X.indices, 2), 2 * X.indptr), shape=X.shape
    )
    assert not doubled.has_canonical_format
    sw = np.ones(60)
    got = WeightedDesign.build(doubled, y, sw, fit_intercept)
    want = WeightedDesign.build(X, y, sw, fit_intercept)
    dense = WeightedDesign.build(X.toarray(), y, sw, fit_intercept)
    for a in (want, dense):
        np.testing.assert_allclose(got.col_norm_sq, a.col_norm_sq, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(got.x_offset, a.x_offset, rtol=1e-12, atol=1e-15)
    assert doubled.nnz == 2 * X.nnz  # the caller's matrix is left as it was


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_sparse_dense_and_sklearn_agree_at_tight_tol(l1_ratio):
    """A wide CSC design: the same fit as on its dense copy, and scikit-learn's optimum up to
    the tolerance (objectives within tol, coefficients close)."""
    X, y = _csc(400, 800, 0.05, seed=2)
    Xc, yc, s, _, _ = centred(X, y)
    alpha = 0.01 * np.max(np.abs(Xc.T @ yc)) / (400 * l1_ratio)
    tol = 1e-12
    kw = dict(alpha=alpha, l1_ratio=l1_ratio, tol=tol, max_iter=100_000)
    sparse_fit = shrinkage.ElasticNet(**kw).fit(X, y)
    dense_fit = shrinkage.ElasticNet(**kw).fit(X.toarray(), y)
    ref = ElasticNet(**kw).fit(X.toarray(), y)
    l1, l2 = penalty_weights(alpha, l1_ratio, 800)
    if l1_ratio == 1.0:
        np.testing.assert_allclose(sparse_fit.coef_, dense_fit.coef_, rtol=1e-6, atol=1e-9)
        assert sparse_fit.intercept_ == pytest.approx(dense_fit.intercept_, rel=1e-10)
    else:  # strongly convex: ||w - w*||^2 <= 2 gap / l2 for each fit (the dense one lands on
        # the optimum through its Newton step, the sparse one stops within its gap)
        bound = sum(np.sqrt(2.0 * m.dual_gap_ / l2[0]) for m in (sparse_fit, dense_fit))
        assert np.linalg.norm(sparse_fit.coef_ - dense_fit.coef_) <= bound + 1e-12
    objective = [primal(Xc, yc, s, m.coef_, l1, l2) for m in (sparse_fit, ref)]
    assert abs(objective[0] - objective[1]) <= tol * null_deviance(yc, s)
    np.testing.assert_allclose(sparse_fit.coef_, ref.coef_, atol=1e-5)
    assert sparse_fit.intercept_ == pytest.approx(ref.intercept_, abs=1e-5)
    assert np.count_nonzero(sparse_fit.coef_) > 5  # more than the truth: a real support


@pytest.mark.parametrize("sample_weight", [None, "linspace"])
def test_certificate_of_a_sparse_path_is_honest(sample_weight):
    X, y = _csc(300, 600, 0.02, seed=3)
    sw = None if sample_weight is None else np.linspace(0.2, 2.0, 300)
    tol = 1e-8
    path = shrinkage.path(X, y, n_alphas=8, alpha_min_ratio=0.01, tol=tol, sample_weight=sw)
    Xc, yc, s, _, _ = centred(X, y, sw)
    for alpha, w, gap in zip(path.alphas, path.coefs, path.gaps, strict=True):
        l1, l2 = penalty_weights(alpha, 1.0, 600)
        true_gap = duality_gap(Xc, yc, s, w, l1, l2)
        assert 0 <= gap <= tol * null_deviance(yc, s)
        assert true_gap <= tol * null_deviance(yc, s) * (1 + 1e-6) + 1e-15


def test_a_sparse_fit_never_densifies():
    """20000 x 50000 at density 1e-4: dense it would take 8 GB; the fit allocates < 1% of it."""
    n, p = 20_000, 50_000
    X, y = _csc(n, p, 1e-4, seed=4)
    alpha_max = np.max(np.abs(X.T @ (y - y.mean()))) / n
    tracemalloc.start()
    model = shrinkage.Lasso(alpha=alpha_max / 10, tol=1e-6).fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 0.01 * n * p * 8
    assert np.count_nonzero(model.coef_) > 0
