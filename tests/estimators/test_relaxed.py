"""RelaxedLasso: scikit-learn contract, gamma = 1 is Lasso, gamma = 0 the OLS refit."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import Lasso, RelaxedLasso


def _data(n=60, p=12, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)).astype(dtype)
    w = np.zeros(p)
    w[:4] = [3.0, -2.0, 1.5, 1.0]
    return X, (X @ w + 0.5 * rng.standard_normal(n) + 4.0).astype(dtype)


@parametrize_with_checks(
    [
        RelaxedLasso(),
        RelaxedLasso(gamma=0.5, solver="cd"),
        RelaxedLasso(0.05, gamma=1.0, standardize=True, tol=1e-10),
    ]
)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def test_gamma_one_is_the_lasso_and_gamma_zero_the_refit():
    X, y = _data()
    lasso = Lasso(0.3, tol=1e-10).fit(X, y)
    one = RelaxedLasso(0.3, gamma=1.0, tol=1e-10).fit(X, y)
    np.testing.assert_array_equal(one.coef_, lasso.coef_)
    assert one.intercept_ == lasso.intercept_
    zero = RelaxedLasso(0.3, gamma=0.0, tol=1e-10).fit(X, y)
    active = np.flatnonzero(lasso.coef_)
    np.testing.assert_array_equal(zero.active_, active)
    M = np.column_stack([np.ones(len(y)), X[:, active]])
    ref = np.linalg.lstsq(M, y, rcond=None)[0]
    np.testing.assert_allclose(zero.coef_[active], ref[1:], atol=1e-9)
    assert zero.intercept_ == pytest.approx(ref[0])
    np.testing.assert_array_equal(np.flatnonzero(zero.coef_), active)
    np.testing.assert_array_equal(zero.lasso_coef_, lasso.coef_)
    # the relaxed fit undoes the shrinkage: larger coefficients, smaller training error
    assert np.all(np.abs(zero.coef_[active]) > np.abs(lasso.coef_[active]))
    assert np.mean((zero.predict(X) - y) ** 2) < np.mean((lasso.predict(X) - y) ** 2)
    half = RelaxedLasso(0.3, gamma=0.5, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(half.coef_, 0.5 * (one.coef_ + zero.coef_), atol=1e-12)


def test_float32_is_preserved():
    X, y = _data(dtype=np.float32)
    model = RelaxedLasso(0.3).fit(X, y)
    assert model.coef_.dtype == np.float32 and model.predict(X).dtype == np.float32


@pytest.mark.parametrize("gamma", [-0.5, 1.5, "a", np.nan])
def test_bad_gamma_names_the_argument(gamma):
    X, y = _data()
    with pytest.raises(ValueError, match="gamma"):
        RelaxedLasso(gamma=gamma).fit(X, y)
