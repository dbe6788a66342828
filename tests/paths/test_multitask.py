"""The multi-task family (shrinkage.paths.multitask): one implementation behind
``shrinkage.path(..., multi_task=True)``, ``estimators.multitask.multitask_path`` and the
multi-task estimators and their CV, whose ``Path`` refits the multi-task model exactly (checked
against scikit-learn); sparse == dense, warm starts == cold fits, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import MultiTaskElasticNet

import shrinkage
from shrinkage.estimators.multitask import multitask_path
from shrinkage.exceptions import ShrinkageConvergenceWarning
from shrinkage.paths.multitask import multi_task_fits, multi_task_path, multi_task_problem


def _data(seed=0, n=40, p=7, T=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    Y = X[:, :2] @ rng.standard_normal((2, T)) + 0.2 * rng.standard_normal((n, T))
    return X, Y


def _shifted_data(seed, n=60, p=25, T=3):
    """Columns on different scales and off-centre, four active rows, shifted targets."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.linspace(0.5, 2.0, p) + 1.0
    B = np.zeros((p, T))
    B[:4] = rng.standard_normal((4, T))
    Y = X @ B + 0.5 * rng.standard_normal((n, T)) + 2.0
    return X, Y


def _path(X, Y, **kw):
    """multi_task_path with the defaults of shrinkage.path spelled out."""
    options = {
        "l1_ratio": 1.0,
        "alphas": None,
        "n_alphas": 100,
        "alpha_min_ratio": 1e-3,
        "fit_intercept": True,
        "sample_weight": None,
        "tol": 1e-4,
        "max_iter": 1000,
        "feature_names": None,
    }
    return multi_task_path(X, Y, **{**options, **kw})


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
        ({"eps": 0.0}, r"eps must be a number in \(0, 1\)"),
        ({"n_alphas": 0}, "n_alphas must be a positive integer"),
        ({"alphas": [-1.0]}, "alphas must be finite and >= 0"),
        ({"l1_ratio": 2.0}, r"l1_ratio must be in \[0, 1\]"),
        ({"l1_ratio": 0.0}, r"l1_ratio=0 .* give alphas"),
        ({"tol": -1.0}, "tol"),
        ({"max_iter": 0}, "max_iter"),
    ],
)
def test_multitask_path_bad_input_names_the_argument(kwargs, match):
    X, Y = _data()
    with pytest.raises(ValueError, match=match):
        multitask_path(X, Y, **kwargs)
    with pytest.raises(ValueError, match=r"y must be two-dimensional.*use Lasso or ElasticNet"):
        multitask_path(X, Y[:, 0])


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_equals_dense(fit_intercept, weighted):
    X, Y = _shifted_data(seed=2)
    X[np.abs(X) < 1.0] = 0.0
    sw = np.random.default_rng(5).uniform(0.2, 3.0, len(Y)) if weighted else None
    kw = {"fit_intercept": fit_intercept, "sample_weight": sw, "n_alphas": 8}
    dense = _path(X, Y, alpha_min_ratio=1e-2, tol=1e-12, **kw)
    sparse = _path(sp.csc_matrix(X), Y, alpha_min_ratio=1e-2, tol=1e-12, **kw)
    np.testing.assert_allclose(sparse.alphas, dense.alphas, rtol=1e-12)
    np.testing.assert_allclose(sparse.coefs, dense.coefs, atol=1e-8)
    np.testing.assert_allclose(sparse.intercepts, dense.intercepts, atol=1e-8)
    assert np.all(sparse.converged) and np.all(dense.converged)


def test_warm_started_path_equals_cold_fits():
    """Each alpha of the path (warm start: the previous W and its residual) is the fit from
    zero at that alpha alone."""
    X, Y = _shifted_data(seed=10)
    path = _path(X, Y, n_alphas=20, tol=1e-10)
    assert np.all(path.converged)
    assert path.coefs.shape == (20, X.shape[1], Y.shape[1])
    assert not np.any(path.coefs[0])
    problem = multi_task_problem(X, Y, sample_weight=None, fit_intercept=True)
    for k in (5, 12, 19):
        cold = multi_task_fits(problem, 1.0, path.alphas[k : k + 1], tol=1e-12, max_iter=100_000)
        np.testing.assert_allclose(path.coefs[k], cold.coefs[0], atol=1e-6)
        np.testing.assert_allclose(path.intercepts[k], cold.intercepts[0], atol=1e-6)


def test_columns_on_very_different_scales():
    # a point where the scaled dual residual rounded one ulp out of the ball gave an infinite
    # gap (and max_iter epochs) before the conjugate was taken as 0 there
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 15)) * np.logspace(-4, 4, 15)
    Y = X[:, [0, 7, 14]] @ rng.standard_normal((3, 4)) / np.mean([1e-4, 1.0, 1e4])
    Y += rng.standard_normal((60, 4))
    path = _path(X, Y, n_alphas=10)
    assert np.all(path.converged) and np.all(np.isfinite(path.gaps))
    assert path.n_iter.sum() < 1000


def test_fits_warn_nothing_and_carry_the_certificates():
    """multi_task_fits is the raw output (a CV fold's): its fits carry gap and tolerance, and
    it leaves the warning to its caller."""
    X, Y = _data(seed=6)
    problem = multi_task_problem(X, Y, sample_weight=None, fit_intercept=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShrinkageConvergenceWarning)
        out = multi_task_fits(problem, 1.0, None, n_alphas=4, tol=1e-14, max_iter=1)
    assert len(out.fits) == 4 and not all(f.converged for f in out.fits)
    bad = [f for f in out.fits if not f.converged]
    assert all(f.gap > f.tol > 0 for f in bad)


def test_not_converged_warning_points_at_the_callers_line():
    X, Y = _data(seed=6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        multitask_path(X, Y, n_alphas=4, tol=1e-14, max_iter=1)
    [warning] = [w for w in caught if issubclass(w.category, ShrinkageConvergenceWarning)]
    assert "multitask_path did not converge" in str(warning.message)
    assert warning.filename == __file__
