"""HuberRegressor: scikit-learn contract, agreement with scikit-learn, the exact scale update."""

import warnings

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn import linear_model as sk
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import HuberRegressor
from shrinkage.estimators.huber import huber_scale

_HUBER_INTERPOLATES = (
    "the check's 15 x 30 data: with p > n the optimum is the limit scale -> 0 (the interpolant "
    "of least penalty), which the alternation reaches only at its scale floor (1e-12), where the "
    "fixed-scale fit has curvature 1e12 and stops at its tolerance: weighted and repeated fits "
    "agree to ~1e-6 (ridge) and ~1e-3 (elastic net), not the check's 1e-7; weights are checked "
    "on n > p data in test_huber_sample_weight_is_repetition")


def _expected_failures(estimator):
    if isinstance(estimator, HuberRegressor):
        return {"check_sample_weight_equivalence_on_dense_data": _HUBER_INTERPOLATES,
                "check_sample_weight_equivalence_on_sparse_data": _HUBER_INTERPOLATES}
    return {}


@parametrize_with_checks([HuberRegressor(), HuberRegressor(l1_ratio=0.5, alpha=0.01)],
                         expected_failed_checks=_expected_failures)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def _rel(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))



def _outliers(n=80, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ np.array([2.0, -1.0, 0.5, 0.0]) + 1.0 + 0.3 * rng.standard_normal(n)
    y[:6] += rng.choice([-1, 1], 6) * rng.uniform(5, 10, 6)
    return X, y


@pytest.mark.parametrize("alpha", [1e-4, 1.0])
def test_huber_matches_sklearn(alpha):
    X, y = _outliers()
    ours = HuberRegressor(alpha=alpha, tol=1e-12).fit(X, y)
    ref = sk.HuberRegressor(alpha=alpha, tol=1e-12, max_iter=10_000).fit(X, y)
    assert _rel(ours.coef_, ref.coef_) < 1e-5
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-5)
    assert ours.scale_ == pytest.approx(ref.scale_, rel=1e-5)
    assert np.array_equal(ours.outliers_, ref.outliers_)
    assert ours.outliers_[:6].all()


def _scale_objective(sigma, r, sw, eps):
    z = np.abs(r) / sigma
    return sw @ (sigma + sigma * np.where(z <= eps, z**2, 2 * eps * z - eps**2))


def test_huber_scale_is_the_exact_minimiser():
    rng = np.random.default_rng(1)
    r = rng.standard_normal(30) * rng.uniform(0.1, 5.0, 30)
    sw = rng.uniform(0.5, 2.0, 30)
    for eps in (1.0, 1.35, 3.0):
        best = minimize_scalar(_scale_objective, args=(r, sw, eps), bounds=(1e-6, 100),
                               method="bounded", options={"xatol": 1e-12}).x
        ours = huber_scale(r, sw, eps)
        # eps = 1: the objective is flat below the smallest |r| / eps (any such sigma is optimal)
        assert _scale_objective(ours, r, sw, eps) == pytest.approx(
            _scale_objective(best, r, sw, eps), rel=1e-12)
        if eps > 1:
            assert ours == pytest.approx(best, rel=1e-6)


def test_huber_elastic_net_is_optimal_in_each_block():
    """Jointly convex and smooth apart from the separable L1 term: optimal in sigma given w and
    in w given sigma (the fixed-scale KKT conditions) means optimal."""
    X, y = _outliers(seed=2)
    alpha, l1_ratio, eps = 10.0, 0.7, 1.35
    fit = HuberRegressor(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12).fit(X, y)
    assert np.any(fit.coef_ == 0) and fit.coef_[0] > 1.0
    r = y - X @ fit.coef_ - fit.intercept_
    sw = np.ones(len(y))
    assert fit.scale_ == pytest.approx(huber_scale(r, sw, eps), rel=1e-8)
    # d/dw of sum_i (sigma + sigma H(r_i / sigma)) is -2/sigma X' clip(r, eps sigma), and the
    # penalty 2 alpha (l1_ratio |w| + (1 - l1_ratio)/2 w^2)
    grad = -2 / fit.scale_ * X.T @ np.clip(r, -eps * fit.scale_, eps * fit.scale_)
    grad += 2 * alpha * (1 - l1_ratio) * fit.coef_
    l1 = 2 * alpha * l1_ratio
    on = fit.coef_ != 0
    np.testing.assert_allclose(grad[on] + l1 * np.sign(fit.coef_[on]), 0, atol=1e-4)
    assert np.all(np.abs(grad[~on]) <= l1 + 1e-4)
    with pytest.raises(ValueError, match=r"epsilon must be a number >= 1\.0"):
        HuberRegressor(epsilon=0.5).fit(X, y)


def test_huber_sample_weight_is_repetition():
    X, y = _outliers(n=40, seed=4)
    counts = np.random.default_rng(4).integers(0, 4, len(y))
    weighted = HuberRegressor(alpha=0.1, l1_ratio=0.3, tol=1e-12).fit(X, y, sample_weight=counts)
    repeated = HuberRegressor(alpha=0.1, l1_ratio=0.3, tol=1e-12).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-7)
    assert weighted.scale_ == pytest.approx(repeated.scale_, rel=1e-7)


def test_huber_on_data_it_fits_exactly_stops():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((15, 30))  # p > n: the residuals (and sigma) go to 0
    y = rng.standard_normal(15)
    fit = HuberRegressor(tol=1e-6).fit(X, y)
    assert fit.converged_ and fit.scale_ < 1e-4
    np.testing.assert_allclose(fit.predict(X), y, atol=1e-4)


def test_no_convergence_warning_at_defaults():
    X, y = _outliers()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        HuberRegressor().fit(X, y)


def test_no_penalty_on_unscaled_columns_is_scale_invariant_and_certified():
    """Columns whose scales differ by 1e5: the fit equals the fit on standardized columns mapped
    back, agrees with scikit-learn there, and its certificate is not a bare 0.0."""
    rng = np.random.default_rng(0)
    n = 300
    Z = np.column_stack([rng.normal(800, 400, n), rng.normal(3e4, 1e4, n),
                         rng.integers(0, 2, n), rng.normal(0.0, 0.1, n)])
    y = -5 + 0.004 * Z[:, 0] + 2e-5 * Z[:, 1] - 0.5 * Z[:, 2] + 3 * Z[:, 3]
    y = y + rng.standard_t(2, n)
    scaler = StandardScaler().fit(Z)
    ours = HuberRegressor(alpha=0.0, tol=1e-10).fit(Z, y)
    std = HuberRegressor(alpha=0.0, tol=1e-10).fit(scaler.transform(Z), y)
    ref = sk.HuberRegressor(alpha=0.0, tol=1e-12, max_iter=10_000).fit(scaler.transform(Z), y)
    assert ours.converged_ and ours.dual_gap_ > 0.0
    coef = np.abs(std.coef_ / scaler.scale_)
    np.testing.assert_allclose(ours.coef_, std.coef_ / scaler.scale_, rtol=1e-7)
    np.testing.assert_allclose(ours.coef_, ref.coef_ / scaler.scale_, atol=1e-4 * coef.max(),
                               rtol=1e-4)
