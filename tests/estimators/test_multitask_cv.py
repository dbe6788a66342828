"""MultiTaskLassoCV / MultiTaskElasticNetCV: scikit-learn's contract, its grids, fold errors and
choice, sample weights and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.model_selection import KFold
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import MultiTaskElasticNet
from shrinkage.estimators.multitask_cv import MultiTaskElasticNetCV, MultiTaskLassoCV
from shrinkage.exceptions import ShrinkageConvergenceWarning


def _data(n=60, p=8, T=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    B = np.zeros((p, T))
    B[:3] = rng.standard_normal((3, T))
    return X, X @ B + 0.5 * rng.standard_normal((n, T))


_WEIGHTS_ARE_NOT_FOLDS = (
    "an integer weight is not a repeated row for cross-validation: the "
    "repeated rows change the folds (as scikit-learn's CV estimators)"
)


@parametrize_with_checks(
    [MultiTaskLassoCV(alphas=5, cv=3), MultiTaskElasticNetCV(alphas=5, l1_ratio=[0.5, 1.0], cv=3)],
    expected_failed_checks=lambda est: {
        "check_sample_weight_equivalence_on_dense_data": _WEIGHTS_ARE_NOT_FOLDS,
        "check_sample_weight_equivalence_on_sparse_data": _WEIGHTS_ARE_NOT_FOLDS,
    },
)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    ("ours", "theirs", "kw"),
    [
        (MultiTaskLassoCV, sk.MultiTaskLassoCV, {}),
        (MultiTaskElasticNetCV, sk.MultiTaskElasticNetCV, {"l1_ratio": [0.5, 1.0]}),
    ],
)
def test_matches_scikit_learn(ours, theirs, kw):
    X, Y = _data()
    a = ours(alphas=15, cv=4, tol=1e-12, **kw).fit(X, Y)
    b = theirs(alphas=15, cv=4, tol=1e-12, max_iter=100_000, **kw).fit(X, Y)
    np.testing.assert_allclose(a.alphas_, b.alphas_, rtol=1e-12)
    np.testing.assert_allclose(a.mse_path_, b.mse_path_, rtol=1e-6)
    assert a.alpha_ == pytest.approx(b.alpha_, rel=1e-12)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-6)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-6)
    assert a.converged_ and a.certificate_ == "duality_gap"


def test_final_model_is_the_fit_at_the_chosen_point():
    X, Y = _data(seed=1)
    cv = MultiTaskElasticNetCV(l1_ratio=[0.3, 0.9], alphas=10, cv=KFold(3), tol=1e-12).fit(X, Y)
    assert cv.mse_path_.shape == (2, 10, 3) and cv.alphas_.shape == (2, 10)
    r, i = np.unravel_index(np.argmin(cv.mse_path_.mean(axis=2)), (2, 10))
    assert cv.l1_ratio_ == [0.3, 0.9][r] and cv.alpha_ == cv.alphas_[r, i]
    single = MultiTaskElasticNet(alpha=cv.alpha_, l1_ratio=cv.l1_ratio_, tol=1e-12).fit(X, Y)
    np.testing.assert_allclose(cv.coef_, single.coef_, atol=1e-5)
    assert cv.dual_gap_ <= 1e-12 * np.sum((Y - Y.mean(0)) ** 2) / len(Y)


def test_given_grid_sparse_input_and_weights():
    X, Y = _data(seed=2)
    X[np.abs(X) < 0.5] = 0.0
    sw = np.random.default_rng(3).uniform(0.5, 2.0, len(Y))
    grid = [0.3, 0.1, 0.03, 0.01]
    dense = MultiTaskLassoCV(alphas=grid, cv=3, tol=1e-10).fit(X, Y, sample_weight=sw)
    sparse = MultiTaskLassoCV(alphas=grid, cv=3, tol=1e-10).fit(
        sp.csc_matrix(X), Y, sample_weight=sw
    )
    np.testing.assert_allclose(dense.alphas_, grid)
    np.testing.assert_allclose(sparse.mse_path_, dense.mse_path_, rtol=1e-7)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-7)
    # weights enter the test errors: a fold's error is the weighted mean over its rows
    unweighted = MultiTaskLassoCV(alphas=grid, cv=3, tol=1e-10).fit(X, Y)
    assert not np.allclose(unweighted.mse_path_, dense.mse_path_)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"l1_ratio": 0.0}, "l1_ratio must be in \\(0, 1\\]"),
        ({"l1_ratio": [0.5, 1.5]}, "l1_ratio must be in \\[0, 1\\]"),
        ({"eps": 2.0}, "eps must be a number in \\(0, 1\\)"),
        ({"alphas": 0}, "alphas must be a positive integer"),
        ({"alphas": [0.1, -1.0]}, "alphas must be finite and >= 0"),
        ({"cv": 1}, "cv"),
    ],
)
def test_bad_parameters(params, match):
    X, Y = _data()
    with pytest.raises(ValueError, match=match):
        MultiTaskElasticNetCV(**params).fit(X, Y)


def test_one_dimensional_y_is_refused():
    X, Y = _data()
    with pytest.raises(ValueError, match="two-dimensional"):
        MultiTaskLassoCV().fit(X, Y[:, 0])


def test_not_converged_final_fit_warns_once_at_the_callers_line():
    """The folds' paths warn nothing; the final fit at the chosen alpha warns once, pointing
    at the line that called fit."""
    X, Y = _data(seed=4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = MultiTaskLassoCV(alphas=5, cv=3, tol=1e-14, max_iter=1).fit(X, Y)
    [warning] = [w for w in caught if issubclass(w.category, ShrinkageConvergenceWarning)]
    assert f"MultiTaskLassoCV did not converge at alpha={model.alpha_:.4g}" in str(warning.message)
    assert warning.filename == __file__
    assert not model.converged_
