"""The multi-task family (shrinkage.paths.multitask): one implementation behind
``shrinkage.path(..., multi_task=True)`` and ``estimators.multitask.multitask_path``, whose
``Path`` refits the multi-task model exactly (checked against scikit-learn)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import MultiTaskElasticNet

import shrinkage
from shrinkage.estimators.multitask import multitask_path
from shrinkage.paths.multitask import multi_task_path


def _data(seed=0, n=40, p=7, T=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    Y = X[:, :2] @ rng.standard_normal((2, T)) + 0.2 * rng.standard_normal((n, T))
    return X, Y


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"l1_ratio": 0.6, "n_alphas": 9, "eps": 1e-2},
        {"fit_intercept": False, "sample_weight": np.linspace(0.5, 2.0, 40)},
        {"l1_ratio": 0.0, "alphas": [1.0, 0.2, 0.05]},
    ],
)
def test_multitask_path_is_the_engine_path(kwargs):
    """The estimators' name (eps) and the engine's (alpha_min_ratio) give one Path, field by
    field, bit for bit."""
    X, Y = _data()
    eps = kwargs.pop("eps", 1e-3)
    ours = multitask_path(X, Y, eps=eps, **kwargs)
    engine = multi_task_path(
        X,
        Y,
        l1_ratio=kwargs.get("l1_ratio", 1.0),
        alphas=kwargs.get("alphas"),
        n_alphas=kwargs.get("n_alphas", 100),
        alpha_min_ratio=eps,
        fit_intercept=kwargs.get("fit_intercept", True),
        sample_weight=kwargs.get("sample_weight"),
        tol=1e-4,
        max_iter=1000,
        feature_names=None,
    )
    for field in ("alphas", "coefs", "intercepts", "gaps", "n_iter", "converged"):
        np.testing.assert_array_equal(getattr(ours, field), getattr(engine, field))
    assert (ours.penalty, ours.gamma, ours.datafit, ours.certificate) == (
        "multitask",
        None,
        "quadratic",
        "duality_gap",
    )


def test_multitask_path_refits_the_multitask_model_exactly():
    """coef_at(exact=True) solves the same L2,1 model: scikit-learn's MultiTaskElasticNet at an
    alpha between grid points, not a lasso per task."""
    X, Y = _data(seed=3)
    P = multitask_path(X, Y, l1_ratio=0.8, n_alphas=8, eps=1e-2, tol=1e-12, max_iter=100_000)
    a = float(np.sqrt(P.alphas[4] * P.alphas[5]))
    W, b = P.coef_at(a, exact=True, X=X, y=Y, tol=1e-12, max_iter=100_000)
    ref = MultiTaskElasticNet(alpha=a, l1_ratio=0.8, tol=1e-14, max_iter=100_000).fit(X, Y)

    def objective(W, b):  # scikit-learn's, with Y's rows as samples
        R = Y - X @ W - b
        return (
            0.5 * np.sum(R**2) / len(Y)
            + a * 0.8 * np.sum(np.linalg.norm(W, axis=1))
            + a * 0.2 / 2 * np.sum(W**2)
        )

    assert objective(W, b) == pytest.approx(objective(ref.coef_.T, ref.intercept_), abs=1e-11)
    np.testing.assert_allclose(W, ref.coef_.T, atol=1e-6)
    np.testing.assert_allclose(b, ref.intercept_, atol=1e-6)
    rows = np.linalg.norm(W, axis=1)
    assert np.all((rows == 0) | np.all(W != 0, axis=1))  # a feature is in every task or none


def test_multitask_path_sparse_and_data_frame_names():
    pd = pytest.importorskip("pandas")
    X, Y = _data(seed=4)
    X[np.abs(X) < 0.5] = 0.0
    frame = pd.DataFrame(X, columns=[f"c{j}" for j in range(X.shape[1])])
    dense = multitask_path(frame, Y, n_alphas=5, tol=1e-10)
    sparse = multitask_path(sp.csc_matrix(X), Y, n_alphas=5, tol=1e-10)
    np.testing.assert_allclose(sparse.coefs, dense.coefs, atol=1e-8)
    assert list(dense.feature_names) == list(frame.columns)
    np.testing.assert_array_equal(
        dense.coefs,
        shrinkage.path(
            frame, Y, multi_task=True, n_alphas=5, tol=1e-10, alpha_min_ratio=1e-3
        ).coefs,
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"eps": 1.5}, r"eps must be a number in \(0, 1\)"),
        ({"n_alphas": 0}, "n_alphas"),
        ({"alphas": [-1.0]}, "alphas"),
        ({"l1_ratio": 2.0}, "l1_ratio"),
        ({"l1_ratio": 0.0}, r"l1_ratio=0 .* give alphas"),
        ({"tol": -1.0}, "tol"),
        ({"max_iter": 0}, "max_iter"),
    ],
)
def test_multitask_path_bad_input_names_the_argument(kwargs, match):
    X, Y = _data()
    with pytest.raises(ValueError, match=match):
        multitask_path(X, Y, **kwargs)
    with pytest.raises(ValueError, match="y must be two-dimensional"):
        multitask_path(X, Y[:, 0])
