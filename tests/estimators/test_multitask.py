"""MultiTaskLasso / MultiTaskElasticNet: scikit-learn's contract and answers, the path, bad
input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import MultiTaskElasticNet, MultiTaskLasso, Path
from shrinkage.estimators.multitask import multitask_path
from shrinkage.exceptions import ShrinkageConvergenceWarning


def _data(n=50, p=12, T=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    B = np.zeros((p, T))
    B[[0, 4, 7]] = rng.standard_normal((3, T))
    return X, X @ B + 0.3 * rng.standard_normal((n, T)) + 1.0


def _objective(X, Y, coef, intercept, alpha, l1_ratio):
    W = coef.T
    R = Y - X @ W - intercept
    return (
        0.5 / len(Y) * np.sum(R**2)
        + alpha * l1_ratio * np.linalg.norm(W, axis=1).sum()
        + 0.5 * alpha * (1 - l1_ratio) * np.sum(W**2)
    )


@parametrize_with_checks([MultiTaskLasso(), MultiTaskElasticNet(l1_ratio=0.3)])
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    ("ours", "theirs", "l1_ratio"),
    [
        (MultiTaskLasso, sk.MultiTaskLasso, 1.0),
        (MultiTaskElasticNet, sk.MultiTaskElasticNet, 0.5),
    ],
)
@pytest.mark.parametrize("alpha", [0.3, 0.03])
def test_matches_scikit_learn(ours, theirs, l1_ratio, alpha):
    X, Y = _data()
    kw = {} if l1_ratio == 1.0 else {"l1_ratio": l1_ratio}
    a = ours(alpha=alpha, tol=1e-12, max_iter=100_000, **kw).fit(X, Y)
    b = theirs(alpha=alpha, tol=1e-14, max_iter=100_000, **kw).fit(X, Y)
    assert a.coef_.shape == b.coef_.shape == (3, 12)
    assert a.intercept_.shape == (3,)
    assert a.converged_ and a.certificate_ == "duality_gap" and a.dual_gap_ <= 1e-11
    oa = _objective(X, Y, a.coef_, a.intercept_, alpha, l1_ratio)
    ob = _objective(X, Y, b.coef_, b.intercept_, alpha, l1_ratio)
    assert abs(oa - ob) <= 1e-10 * ob
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-6)
    np.testing.assert_allclose(a.predict(X), b.predict(X), atol=1e-6)
    # the certificate bounds the gap to scikit-learn's optimum
    assert oa - ob <= a.dual_gap_ + 1e-14


def test_sparse_input_and_default_tolerance():
    X, Y = _data(seed=1)
    X[np.abs(X) < 0.8] = 0.0
    dense = MultiTaskElasticNet(alpha=0.05, tol=1e-10).fit(X, Y)
    sparse = MultiTaskElasticNet(alpha=0.05, tol=1e-10).fit(sp.csc_matrix(X), Y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-7)
    np.testing.assert_allclose(sparse.predict(sp.csr_matrix(X)), dense.predict(X), atol=1e-7)
    default = MultiTaskLasso(alpha=0.05).fit(X, Y)
    assert default.converged_
    assert default.dual_gap_ <= 1e-4 * np.sum((Y - Y.mean(0)) ** 2) / len(Y)


def test_sample_weight_matches_scikit_learn():
    X, Y = _data(seed=2)
    sw = np.random.default_rng(3).uniform(0.1, 2.0, len(Y))
    a = MultiTaskLasso(alpha=0.05, tol=1e-12).fit(X, Y, sample_weight=sw)
    b = sk.MultiTaskLasso(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X, Y, sample_weight=sw)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-6)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-6)


def test_warm_start_and_feature_names():
    pd = pytest.importorskip("pandas")
    X, Y = _data(seed=4)
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    model = MultiTaskLasso(alpha=0.05, tol=1e-10, warm_start=True).fit(frame, Y)
    first = model.n_iter_
    model.fit(frame, Y)
    assert model.n_iter_ < first
    assert list(model.feature_names_in_) == list(frame.columns)
    assert model.predict(frame).shape == Y.shape


def test_float32_keeps_its_dtype():
    X, Y = _data(seed=5)
    model = MultiTaskElasticNet(alpha=0.05).fit(X.astype(np.float32), Y)
    assert model.coef_.dtype == np.float32 and model.intercept_.dtype == np.float32


def test_not_converged_warns():
    X, Y = _data(seed=6)
    with pytest.warns(ShrinkageConvergenceWarning, match="did not converge"):
        model = MultiTaskLasso(alpha=0.001, tol=1e-14, max_iter=1).fit(X, Y)
    assert not model.converged_


@pytest.mark.parametrize("cls", [MultiTaskLasso, MultiTaskElasticNet])
def test_not_converged_warning_points_at_the_callers_line(cls):
    X, Y = _data(seed=6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cls(alpha=0.001, tol=1e-14, max_iter=1).fit(X, Y)
    [warning] = [w for w in caught if issubclass(w.category, ShrinkageConvergenceWarning)]
    assert f"{cls.__name__} did not converge at alpha=0.001" in str(warning.message)
    assert warning.filename == __file__


@pytest.mark.parametrize(
    ("cls", "single"), [(MultiTaskLasso, "Lasso"), (MultiTaskElasticNet, "ElasticNet")]
)
def test_one_dimensional_y_points_to_the_single_task_model(cls, single):
    X, Y = _data()
    with pytest.raises(ValueError, match=f"two-dimensional.*For a single task use {single}\\."):
        cls().fit(X, Y[:, 0])


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"alpha": -1.0}, ValueError, "alpha must be a finite number >= 0"),
        ({"alpha": "big"}, TypeError, "alpha must be a real number"),
        ({"l1_ratio": 2.0}, ValueError, "l1_ratio must be in \\[0, 1\\]"),
        ({"tol": 0.0}, ValueError, "tol must be a positive number"),
        ({"max_iter": 0}, ValueError, "max_iter must be a positive integer"),
    ],
)
def test_bad_parameters(params, error, match):
    X, Y = _data()
    with pytest.raises(error, match=match):
        MultiTaskElasticNet(**params).fit(X, Y)


def test_bad_data():
    X, Y = _data()
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MultiTaskLasso().fit(X, Y)
    X, Y = _data()
    Y[0, 1] = np.inf
    with pytest.raises(ValueError, match=r"infinity|inf"):
        MultiTaskLasso().fit(X, Y)
    X, Y = _data()
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples|rows"):
        MultiTaskLasso().fit(X, Y[:-1])
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        MultiTaskLasso().fit(X, Y, sample_weight=-np.ones(len(Y)))


def test_path_matches_scikit_learn_at_grid_points():
    X, Y = _data(seed=7)
    p = multitask_path(X, Y, l1_ratio=0.7, n_alphas=15, tol=1e-12)
    assert isinstance(p, Path)
    assert p.coefs.shape == (15, 12, 3) and p.intercepts.shape == (15, 3)
    assert np.all(p.converged) and p.nnz[0] == 0 and p.nnz[-1] > 0
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    alpha_max = np.max(np.linalg.norm(Xc.T @ Yc, axis=1)) / len(Y) / 0.7
    np.testing.assert_allclose(p.alphas[[0, -1]], [alpha_max, 1e-3 * alpha_max], rtol=1e-12)
    for k in (3, 8, 14):
        ref = sk.MultiTaskElasticNet(
            alpha=p.alphas[k], l1_ratio=0.7, tol=1e-14, max_iter=100_000
        ).fit(X, Y)
        np.testing.assert_allclose(p.coefs[k], ref.coef_.T, atol=1e-6)
        np.testing.assert_allclose(p.intercepts[k], ref.intercept_, atol=1e-6)
    coef, _ = p.coef_at(p.alphas[8])
    np.testing.assert_allclose(coef, p.coefs[8])
    np.testing.assert_allclose(p.predict(X, p.alphas[8]), X @ p.coefs[8] + p.intercepts[8])


def test_path_sparse_equals_dense_and_warns():
    X, Y = _data(seed=8)
    X[np.abs(X) < 0.5] = 0.0
    dense = multitask_path(X, Y, n_alphas=6, tol=1e-10)
    sparse = multitask_path(sp.csc_matrix(X), Y, n_alphas=6, tol=1e-10)
    np.testing.assert_allclose(sparse.coefs, dense.coefs, atol=1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShrinkageConvergenceWarning)
        with pytest.raises(ShrinkageConvergenceWarning, match="multitask_path did not converge"):
            multitask_path(X, Y, n_alphas=6, tol=1e-14, max_iter=1)
