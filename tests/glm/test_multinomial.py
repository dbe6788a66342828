"""The K-class model: scikit-learn agreement (L2), independent gaps (L1, EN), warm starts."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage

from ._data import multiclass, multinomial_gap

X, Y = multiclass()
N, P = X.shape
K = 3


def _fit(alpha, **kw):
    kw.setdefault("tol", 1e-12)
    path = shrinkage.path(
        kw.pop("X", X), kw.pop("y", Y), datafit="multinomial", alphas=[alpha], **kw
    )
    assert path.converged.all()
    assert path.coefs.shape == (1, P, K) and path.intercepts.shape == (1, K)
    return path.coefs[0], path.intercepts[0]


def test_l2_matches_sklearn():
    from sklearn.linear_model import LogisticRegression

    alpha = 0.01
    W, b = _fit(alpha, l1_ratio=0.0)
    ref = LogisticRegression(C=1 / (alpha * N), tol=1e-12, max_iter=10_000).fit(X, Y)
    np.testing.assert_allclose(W, ref.coef_.T, atol=1e-5)
    np.testing.assert_allclose(b, ref.intercept_, atol=1e-5)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_l1_and_elastic_net_are_certified_by_an_independent_gap(l1_ratio):
    alpha = 0.02
    W, b = _fit(alpha, l1_ratio=l1_ratio)
    assert 0 < np.count_nonzero(W) < W.size
    np.testing.assert_allclose(b.sum(), 0.0, atol=1e-12)
    assert multinomial_gap(X, Y, W, b, alpha, l1_ratio) < 1e-11


def test_sparse_equals_dense_and_offset_is_used():
    offset = np.random.default_rng(1).normal(size=(N, K))
    W1, b1 = _fit(0.02, X=sp.csc_matrix(X), offset=offset)
    W2, b2 = _fit(0.02, offset=offset)
    np.testing.assert_allclose(W1, W2, atol=1e-8)
    np.testing.assert_allclose(b1, b2, atol=1e-8)
    assert multinomial_gap(X, Y, W2, b2, 0.02, offset=offset) < 1e-11


def test_warm_started_path_equals_cold_fits():
    path = shrinkage.path(X, Y, datafit="multinomial", n_alphas=6, alpha_min_ratio=0.05, tol=1e-10)
    assert not path.coefs[0].any()
    assert path.nnz[0] == 0 and path.nnz[-1] > 0
    for a, W, b in zip(path.alphas[::2], path.coefs[::2], path.intercepts[::2], strict=True):
        W_cold, b_cold = _fit(a, tol=1e-10)
        np.testing.assert_allclose(W, W_cold, atol=1e-6)
        np.testing.assert_allclose(b, b_cold, atol=1e-6)


def test_separable_classes_without_penalty_raise():
    labels = np.digitize(X[:, 0], [-0.5, 0.5]).astype(float)
    with pytest.raises(ValueError, match="perfectly separable"):
        shrinkage.path(X, labels, datafit="multinomial", alphas=[0.0])
    path = shrinkage.path(X, labels, datafit="multinomial", alphas=[1e-2], l1_ratio=0.0)
    assert np.all(np.isfinite(path.coefs))


def test_labels_and_absent_classes_are_checked():
    with pytest.raises(ValueError, match="class indices"):
        shrinkage.path(X, Y + 0.5, datafit="multinomial")
    from shrinkage.datafits.multinomial import Multinomial

    with pytest.raises(ValueError, match=r"class \[3\] has no sample"):
        shrinkage.path(X, Y, datafit=Multinomial(n_classes=4))


def test_nearly_separable_l1_path_converges_in_few_epochs():
    """Small classes shifted along one column each: the softmax Hessian is nearly flat along
    shifts of a column across classes, which one-coordinate steps crossed in hundreds of epochs
    (up to 911 on these folds)."""
    rng = np.random.default_rng(6)
    X6 = rng.standard_normal((120, 6))
    y = np.zeros(120)
    y[:12], y[12:18] = 1, 2
    X6[:12, 0] += 2.0
    X6[12:18, 1] += 2.0
    alphas = [0.15, 0.015, 1.5e-3, 1.5e-4, 1e-5]
    tol = 1e-4
    from sklearn.model_selection import StratifiedKFold

    for train, _ in StratifiedKFold(3).split(X6, y):
        Xf, yf = X6[train], y[train]
        path = shrinkage.path(Xf, yf, datafit="multinomial", alphas=alphas, tol=tol, max_iter=200)
        assert path.converged.all()
        freq = np.bincount(yf.astype(int)) / len(yf)
        f_null = -float(freq @ np.log(freq))
        for a, W, b in zip(alphas, path.coefs, path.intercepts, strict=True):
            assert multinomial_gap(Xf, yf, W, b, a) <= 1.01 * tol * f_null
