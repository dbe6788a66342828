"""Relaxed lasso: gamma = 1 is the path, gamma = 0 an independent least-squares refit."""

from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage
from shrinkage.selection import relaxed
from shrinkage.selection.relaxed import relaxed_coefs


def _data(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:3] = [2.0, -1.5, 1.0]
    return X, X @ w + 0.7 * rng.standard_normal(n) + 3.0


def _ols_on(X, y, cols, sw=None, fit_intercept=True):
    """Weighted least squares on columns ``cols`` (+ intercept) with numpy lstsq (min-norm)."""
    n = X.shape[0]
    sw = np.ones(n) if sw is None else sw
    M = X[:, cols]
    if fit_intercept:  # centring is exact for the intercept and keeps the min-norm on w only
        xm, ym = sw @ M / sw.sum(), sw @ y / sw.sum()
        M, yc = M - xm, y - ym
    else:
        xm, ym, yc = np.zeros(len(cols)), 0.0, y
    root = np.sqrt(sw)
    w = np.linalg.lstsq(root[:, None] * M, root * yc, rcond=None)[0]
    return w, ym - xm @ w


@pytest.mark.parametrize("shape", [(80, 10), (30, 60)])  # Gram mode and the lstsq mode
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_gamma_one_is_the_path_and_gamma_zero_the_ols_refit(shape, sparse, weighted):
    X, y = _data(*shape)
    sw = np.random.default_rng(1).uniform(0.3, 2.0, len(y)) if weighted else None
    Xin = sp.csc_matrix(X) if sparse else X
    p = shrinkage.path(Xin, y, n_alphas=15, sample_weight=sw, tol=1e-10)
    coefs, intercepts = relaxed_coefs(Xin, y, p, [1.0, 0.0, 0.25], sample_weight=sw)
    assert coefs.shape == (3, 15, shape[1]) and intercepts.shape == (3, 15)
    np.testing.assert_array_equal(coefs[0], p.coefs)
    np.testing.assert_array_equal(intercepts[0], p.intercepts)
    for i, w in enumerate(p.coefs):
        cols = np.flatnonzero(w)
        ref_w, ref_b = _ols_on(X, y, cols, sw)
        expected = np.zeros(shape[1])
        expected[cols] = ref_w
        np.testing.assert_allclose(coefs[1, i], expected, atol=1e-9)
        assert coefs[1, i][w == 0].tolist() == [0.0] * int(np.sum(w == 0))
        np.testing.assert_allclose(intercepts[1, i], ref_b, atol=1e-9)
    np.testing.assert_allclose(coefs[2], 0.25 * coefs[0] + 0.75 * coefs[1], atol=1e-12)
    np.testing.assert_allclose(intercepts[2], 0.25 * intercepts[0] + 0.75 * intercepts[1])


def test_empty_active_set_is_the_weighted_mean_and_no_intercept_gives_zero():
    X, y = _data(40, 5)
    sw = np.linspace(0.5, 2.0, 40)
    p = shrinkage.path(X, y, n_alphas=3, sample_weight=sw)
    assert p.nnz[0] == 0
    coefs, intercepts = relaxed_coefs(X, y, p, 0.0, sample_weight=sw)
    np.testing.assert_array_equal(coefs[0, 0], 0.0)
    assert intercepts[0, 0] == pytest.approx(sw @ y / sw.sum())
    p0 = shrinkage.path(X, y, n_alphas=3, fit_intercept=False)
    _, b0 = relaxed_coefs(X, y, p0, [0.0, 1.0], fit_intercept=False)
    np.testing.assert_array_equal(b0, 0.0)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("standardize", [False, True])
def test_active_set_larger_than_n_gives_the_minimum_norm_refit(fit_intercept, standardize):
    rng = np.random.default_rng(4)
    X, y = _data(12, 30)
    X = X * rng.uniform(0.5, 3.0, 30)  # unequal scales: standardize changes the min-norm point
    fake = SimpleNamespace(coefs=np.zeros((2, 30)), intercepts=np.zeros(2))
    fake.coefs[0, :20] = 1.0  # 20 active columns, 12 samples
    fake.coefs[1, 3] = -1.0
    coefs, intercepts = relaxed_coefs(
        X, y, fake, [0.0], fit_intercept=fit_intercept, standardize=standardize
    )
    cols = np.arange(20)
    Xc = X - X.mean(axis=0) if fit_intercept else X
    yc = y - y.mean() if fit_intercept else y
    c = (
        Xc[:, cols].std(axis=0)
        if standardize and fit_intercept
        else (np.sqrt(np.mean(Xc[:, cols] ** 2, axis=0)) if standardize else np.ones(20))
    )
    z = np.linalg.lstsq(Xc[:, cols] / c, yc, rcond=None)[0]  # numpy: the minimum-norm solution
    np.testing.assert_allclose(coefs[0, 0, :20], z / c, atol=1e-9)
    np.testing.assert_array_equal(coefs[0, 0, 20:], 0.0)
    # an exact fit: the refit interpolates the data
    resid = y - X @ coefs[0, 0] - intercepts[0, 0]
    assert np.max(np.abs(resid)) < 1e-8
    ref_w, ref_b = _ols_on(X, y, [3], fit_intercept=fit_intercept)
    assert coefs[0, 1, 3] == pytest.approx(ref_w[0])
    assert intercepts[0, 1] == pytest.approx(ref_b)


def test_collinear_active_columns_fall_back_to_minimum_norm_in_gram_mode():
    X, y = _data(100, 4)
    X = np.column_stack([X, X[:, 0]])  # column 4 duplicates column 0
    fake = SimpleNamespace(coefs=np.array([[1.0, 1.0, 0.0, 0.0, 1.0]]), intercepts=np.zeros(1))
    coefs, _ = relaxed_coefs(X, y, fake, [0.0])
    ref_w, _ = _ols_on(X, y, [0, 1, 4])
    np.testing.assert_allclose(coefs[0, 0, [0, 1, 4]], ref_w, atol=1e-8)
    assert coefs[0, 0, 0] == pytest.approx(coefs[0, 0, 4])  # min-norm splits the weight


def test_each_distinct_active_set_is_solved_once(monkeypatch):
    X, y = _data(60, 8)
    p = shrinkage.path(X, y, n_alphas=30)
    calls = []
    original = relaxed.ActiveSetLeastSquares.solve

    def counting(self, cols):
        calls.append(tuple(cols))
        return original(self, cols)

    monkeypatch.setattr(relaxed.ActiveSetLeastSquares, "solve", counting)
    relaxed_coefs(X, y, p, [0.0])
    distinct = {tuple(np.flatnonzero(w)) for w in p.coefs}
    assert len(calls) == len(set(calls)) == len(distinct) < len(p)


def test_float32_and_feature_names_path_inputs():
    X, y = _data(50, 6)
    p = shrinkage.path(X.astype(np.float32), y.astype(np.float32), n_alphas=5)
    coefs, _ = relaxed_coefs(X.astype(np.float32), y, p, [0.0])
    p64 = shrinkage.path(X, y, n_alphas=5)
    ref, _ = relaxed_coefs(X, y, p64, [0.0])
    np.testing.assert_allclose(coefs, ref, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("gammas", [-0.1, [0.5, 1.5], [], [[0.5]], np.nan])
def test_bad_gammas_name_the_argument(gammas):
    X, y = _data(20, 4)
    p = shrinkage.path(X, y, n_alphas=3)
    with pytest.raises(ValueError, match="gammas"):
        relaxed_coefs(X, y, p, gammas)


def test_path_from_other_data_is_rejected():
    X, y = _data(20, 4)
    p = shrinkage.path(X[:, :3], y, n_alphas=3)
    with pytest.raises(ValueError, match="path"):
        relaxed_coefs(X, y, p, [0.0])
