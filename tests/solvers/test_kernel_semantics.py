"""The one-pass moment kernels (dense and CSC) and the Gram block gather, compiled and as plain
Python (``py_func``: the same source run by the interpreter, which coverage can trace), against
numpy's two-pass references."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage.datafits._quadratic_kernels import shifted_moments, sparse_moments, take_block
from shrinkage.solvers._column_kernels import moments
from shrinkage.solvers._kernels import (
    _dense_epoch,
    _sparse_column_dot,
    _sparse_correlations,
    _sparse_epoch,
    gather_sum,
    gather_sum_weighted,
)


def _reference(X, sw, v, centre):
    mean = sw @ X if centre else np.zeros(X.shape[1])
    centred = sw @ (X - mean) ** 2
    return mean, centred, X.T @ v


@pytest.mark.parametrize("centre", [True, False])
@pytest.mark.parametrize("n, rows", [(13, 4), (13, 5), (8, 8), (3, 2)])
def test_moments_are_the_two_pass_sums(centre, n, rows):
    rng = np.random.default_rng(n + rows)
    X = rng.standard_normal((n, 5)) + np.array([0.0, 1e6, -3.0, 0.0, 2.0])
    X[:, 3] = 7.0  # a constant column: centred sum exactly 0 (up to rounding of the mean)
    sw = rng.uniform(0.5, 2.0, n)
    sw /= sw.sum()
    v = rng.standard_normal(n)
    mean, centred, xv = _reference(X, sw, v, centre)
    for kernel in (moments, moments.py_func):
        got = kernel(X, sw, v, centre, rows, np.empty((5, X.shape[1])))
        np.testing.assert_allclose(got[0], mean, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(got[1], centred, rtol=1e-9, atol=1e-9 * (1 + mean**2).max())
        np.testing.assert_allclose(got[2], xv, rtol=1e-10, atol=1e-9)


@pytest.mark.parametrize("rows_first", [True, False])
def test_shifted_moments_are_the_two_pass_sums(rows_first):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((11, 4)) + np.array([0.0, 1e5, -3.0, 2.0])
    X[:, 2] = -3.0  # constant: its centred sum is exactly 0 after the shift by the first entry
    sw = rng.uniform(0.5, 2.0, 11)
    sw /= sw.sum()
    y = rng.standard_normal(11)
    mean, centred, _ = _reference(X, sw, y, True)
    for kernel in (shifted_moments, shifted_moments.py_func):
        xbar, got_centred, sy, s1 = kernel(np.ascontiguousarray(X), sw, y, rows_first)
        np.testing.assert_allclose(xbar, mean, rtol=1e-13)
        np.testing.assert_allclose(got_centred, centred, rtol=1e-9, atol=1e-12)
        assert got_centred[2] == 0.0
        np.testing.assert_allclose(sy, (X - X[0]).T @ (sw * y), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(s1, mean - X[0], rtol=1e-12, atol=1e-12)


def test_sparse_moments_are_the_weighted_sums_of_the_stored_values():
    rng = np.random.default_rng(2)
    dense = sp.random(12, 6, density=0.4, random_state=rng).toarray()
    dense[:, 4] = 0.0  # a column without stored values
    X = sp.csc_matrix(dense)
    sw = rng.uniform(0.5, 2.0, 12)
    sw /= sw.sum()
    for kernel in (sparse_moments, sparse_moments.py_func):
        s1, s2 = kernel(X.data, X.indices, X.indptr, sw)
        np.testing.assert_allclose(s1, sw @ dense, rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(s2, sw @ dense**2, rtol=1e-13, atol=1e-16)
        assert s1[4] == s2[4] == 0.0


def test_take_block_is_the_submatrix():
    G = np.arange(36.0).reshape(6, 6)
    cols = np.array([4, 0, 5], dtype=np.int64)
    for kernel in (take_block, take_block.py_func):
        np.testing.assert_array_equal(kernel(G, cols), G[np.ix_(cols, cols)])


@pytest.mark.parametrize("weights", ["one entry", "per row"])
@pytest.mark.parametrize("density", [0.05, 0.9])  # few stored values (S r never formed), many
def test_sparse_correlations_are_the_centred_weighted_products(weights, density):
    # out[j] = sum_i s_i x_ij r_i - x_offset_j rsum, where rsum = sum_i s_i r_i (the centring)
    rng = np.random.default_rng(int(density * 100))
    n, p = 30, 12
    X = sp.random(n, p, density=density, format="csc", random_state=rng)
    X.indices = X.indices.astype(np.int32)
    sw_full = np.full(n, 1.0 / n) if weights == "one entry" else rng.uniform(0.5, 2.0, n) / n
    sw = sw_full[:1] if weights == "one entry" else sw_full
    x_offset, r = rng.standard_normal(p), rng.standard_normal(n)
    rsum = float(sw_full @ r)
    expected = X.T @ (sw_full * r) - x_offset * rsum
    ws = np.array([0, 3, 4, 7, 11], dtype=np.int64)
    for kernel in (_sparse_correlations, _sparse_correlations.py_func):
        out = np.zeros(p)
        kernel(X.data, X.indices, X.indptr, sw, x_offset, r, rsum, ws, out)
        np.testing.assert_allclose(out[ws], expected[ws], rtol=1e-12, atol=1e-14)
        assert np.all(np.delete(out, ws) == 0.0)  # only the working set is written
    for kernel in (_sparse_column_dot, _sparse_column_dot.py_func):
        got = [kernel(j, X.data, X.indices, X.indptr, sw, x_offset, r, rsum) for j in range(p)]
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("length", range(10))
def test_gather_sum_is_the_dot_product_of_a_column_s_stored_values(length):
    # four partial sums, then the stored values past the last four one by one
    rng = np.random.default_rng(length)
    data, r = rng.standard_normal(length + 3), rng.standard_normal(20)
    indices = rng.integers(0, 20, length + 3).astype(np.int32)
    expected = data[2 : 2 + length] @ r[indices[2 : 2 + length]]
    for kernel in (gather_sum, gather_sum.py_func):
        got = kernel(2, 2 + length, data, indices, r)
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
    sw = rng.uniform(0.5, 2.0, 20)
    rows = indices[2 : 2 + length]
    weighted = (sw[rows] * data[2 : 2 + length]) @ r[rows]
    for kernel in (gather_sum_weighted, gather_sum_weighted.py_func):
        got = kernel(2, 2 + length, data, indices, sw, r)
        np.testing.assert_allclose(got, weighted, rtol=1e-13, atol=1e-15)


def _lasso_epoch(X, r, w, ws, l1, lipschitz):
    """One coordinate-descent epoch of 1/2 ||r||^2 + sum l1_j |w_j| in plain numpy, and the
    largest KKT violation met before each update."""
    r, w, worst = r.copy(), w.copy(), 0.0
    for j in ws:
        corr = X[:, j] @ r
        violation = abs(corr) - l1[j] if w[j] == 0.0 else abs(corr - l1[j] * np.sign(w[j]))
        worst = max(worst, violation)
        z = lipschitz[j] * w[j] + corr
        new = np.sign(z) * max(abs(z) - l1[j], 0.0) / lipschitz[j]
        r -= (new - w[j]) * X[:, j]
        w[j] = new
    return r, w, worst


def _epoch_case(seed):
    rng = np.random.default_rng(seed)
    X = sp.random(25, 9, density=0.4, format="csc", random_state=rng)
    X.indices = X.indices.astype(np.int32)
    y = rng.standard_normal(25)
    w = np.where(rng.random(9) < 0.4, rng.standard_normal(9), 0.0)
    lipschitz = np.asarray(X.multiply(X).sum(axis=0)).ravel()
    l1 = 0.2 * np.abs(X.T @ y).max() * np.ones(9)
    ws = np.array([0, 2, 3, 5, 8], dtype=np.int64)
    return X, y - X @ w, w, ws, l1, lipschitz


@pytest.mark.parametrize("seed", [0, 1])
def test_the_dense_and_sparse_epochs_are_one_lasso_epoch(seed):
    X, r0, w0, ws, l1, lipschitz = _epoch_case(seed)
    want_r, want_w, want_worst = _lasso_epoch(X.toarray(), r0, w0, ws, l1, lipschitz)
    p = w0.size
    pen = (0, l1, np.zeros(p), np.full(p, -np.inf), np.full(p, np.inf), None)
    dense = np.asfortranarray(X.toarray())
    for kernel in (_dense_epoch, _dense_epoch.py_func):
        r, w = r0.copy(), w0.copy()
        rsum, worst = kernel(dense, *pen, r, 0.0, w, ws, lipschitz)
        np.testing.assert_allclose(w, want_w, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(r, want_r, rtol=1e-12, atol=1e-14)
        assert worst == pytest.approx(want_worst, rel=1e-12) and rsum == 0.0
    for sw in (np.ones(1), np.ones(X.shape[0])):  # one weight for all rows, or one per row
        for kernel in (_sparse_epoch, _sparse_epoch.py_func):
            r, w = r0.copy(), w0.copy()
            x_offset = np.zeros(p)
            rsum, worst = kernel(
                X.data, X.indices, X.indptr, sw, x_offset, pen, r, 0.0, w, ws, lipschitz
            )
            np.testing.assert_allclose(w, want_w, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(r, want_r, rtol=1e-12, atol=1e-14)
            assert worst == pytest.approx(want_worst, rel=1e-12) and rsum == 0.0
