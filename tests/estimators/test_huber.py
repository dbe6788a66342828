"""HuberRegressor: scikit-learn contract, agreement with scikit-learn, the exact scale update."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn import linear_model as sk
from sklearn.base import clone
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import shrinkage.estimators.huber as huber_module
from shrinkage import HuberRegressor
from shrinkage.estimators.huber import huber_scale


@parametrize_with_checks([HuberRegressor(), HuberRegressor(l1_ratio=0.5, alpha=0.01)])
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
        best = minimize_scalar(
            _scale_objective,
            args=(r, sw, eps),
            bounds=(1e-6, 100),
            method="bounded",
            options={"xatol": 1e-12},
        ).x
        ours = huber_scale(r, sw, eps)
        # eps = 1: the objective is flat below the smallest |r| / eps (any such sigma is optimal)
        assert _scale_objective(ours, r, sw, eps) == pytest.approx(
            _scale_objective(best, r, sw, eps), rel=1e-12
        )
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
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-7)
    assert weighted.scale_ == pytest.approx(repeated.scale_, rel=1e-7)


def test_huber_on_data_it_fits_exactly_stops():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((15, 30))  # p > n: the residuals (and sigma) go to 0
    y = rng.standard_normal(15)
    fit = HuberRegressor(tol=1e-6).fit(X, y)
    assert fit.converged_ and fit.scale_ == 0.0 and not fit.outliers_.any()
    np.testing.assert_allclose(fit.predict(X), y, atol=1e-10)


def _objective(fit, X, y, alpha, l1_ratio, eps=1.35, sw=None):
    """scikit-learn's objective at (coef_, intercept_, scale_); its sigma -> 0 limit at 0."""
    sw = np.ones(len(y)) if sw is None else sw
    r, s, w = y - X @ fit.coef_ - fit.intercept_, fit.scale_, fit.coef_
    if s == 0:
        loss = 2 * eps * np.abs(r)
    else:
        z = np.abs(r) / s
        loss = s + s * np.where(z <= eps, z**2, 2 * eps * z - eps**2)
    return sw @ loss + 2 * alpha * (l1_ratio * np.abs(w).sum() + (1 - l1_ratio) / 2 * w @ w)


def _wide(seed=42, n=15, p=30):
    """scikit-learn's sample-weight check data: p > n, integer targets, weights 0 to 4."""
    rng = np.random.RandomState(seed)
    return rng.rand(n, p), rng.randint(0, 3, n).astype(float), rng.randint(0, 5, n)


_FACTORS = np.r_[np.zeros(3), np.ones(27)]


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize(
    "params",
    [
        {"alpha": 1e-4},
        {"alpha": 0.01, "l1_ratio": 0.5},
        {"alpha": 0.1, "l1_ratio": 1.0},
        {"alpha": 0.0},
        {"alpha": 0.01, "l1_ratio": 1.0, "positive": True},
        {"alpha": 0.01, "l1_ratio": 0.5, "standardize": True, "penalty_factor": _FACTORS},
        {"alpha": 0.01, "fit_intercept": False, "lower": -0.5, "upper": 0.5},
    ],
)
def test_huber_p_above_n_weights_are_repetitions(params, sparse):
    """p > n: the optimum is the scale -> 0 limit (the interpolant of least penalty), solved
    directly, so weighted and repeated rows give the same fit to rounding (was 1e-3 apart)."""
    X, y, counts = _wide()
    X_rep, y_rep = np.repeat(X, counts, axis=0), np.repeat(y, counts)
    order = np.random.default_rng(0).permutation(len(y))
    as_matrix = sp.csr_array if sparse else np.asarray
    model = HuberRegressor(**params)
    weighted = clone(model).fit(as_matrix(X[order]), y[order], sample_weight=counts[order])
    repeated = clone(model).fit(as_matrix(X_rep), y_rep)
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-9, atol=1e-10)
    for fit in (weighted, repeated):
        assert fit.scale_ == 0.0 and fit.converged_ and 0.0 <= fit.dual_gap_ < 1e-10
        np.testing.assert_allclose(fit.predict(X[counts > 0]), y[counts > 0], atol=1e-10)


@pytest.mark.parametrize(("alpha", "l1_ratio"), [(1e-4, 0.0), (0.3, 0.5), (0.3, 1.0)])
def test_huber_scale_free_fit_is_the_optimum(alpha, l1_ratio, monkeypatch):
    """The sigma = 0 fit beats the alternation run to its scale floor and scikit-learn (ridge),
    and its certificate bounds how far any of them is from it."""
    X, y, _ = _wide()
    ours = HuberRegressor(alpha=alpha, l1_ratio=l1_ratio, tol=1e-10).fit(X, y)
    assert ours.scale_ == 0.0
    best = _objective(ours, X, y, alpha, l1_ratio)
    others = []
    with monkeypatch.context() as patch, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        patch.setattr(huber_module, "_scale_free_fit", lambda *args: None)
        others.append(
            HuberRegressor(alpha=alpha, l1_ratio=l1_ratio, tol=1e-10, max_iter=3000).fit(X, y)
        )
        if l1_ratio == 0:
            others.append(sk.HuberRegressor(alpha=alpha, max_iter=10_000).fit(X, y))
    for other in others:
        value = _objective(other, X, y, alpha, l1_ratio)
        # the gap is in the module's units: 1/(2n) of scikit-learn's objective
        assert best - 2 * len(y) * ours.dual_gap_ <= value
        assert best <= value * (1 + 1e-12)


def test_huber_p_above_n_with_a_strong_penalty_keeps_a_scale():
    """A penalty strong enough that the interpolant is not optimal: the scale stays positive
    (the limit is refused by its certificate) and the fit is scikit-learn's."""
    X, y, _ = _wide()
    ours = HuberRegressor(alpha=1000.0, tol=1e-12).fit(X, y)
    ref = sk.HuberRegressor(alpha=1000.0, tol=1e-12, max_iter=10_000).fit(X, y)
    assert ours.scale_ > 0.1
    assert ours.scale_ == pytest.approx(ref.scale_, rel=1e-5)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-4, atol=1e-7)


def test_huber_warm_start_after_a_scale_free_fit():
    X, y, _ = _wide()
    model = HuberRegressor(warm_start=True).fit(X, y)
    assert model.scale_ == 0.0
    model.set_params(alpha=1000.0).fit(X, y)  # starts from scale 0: must not divide by it
    assert model.scale_ > 0.1


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
    Z = np.column_stack(
        [
            rng.normal(800, 400, n),
            rng.normal(3e4, 1e4, n),
            rng.integers(0, 2, n),
            rng.normal(0.0, 0.1, n),
        ]
    )
    y = -5 + 0.004 * Z[:, 0] + 2e-5 * Z[:, 1] - 0.5 * Z[:, 2] + 3 * Z[:, 3]
    y = y + rng.standard_t(2, n)
    scaler = StandardScaler().fit(Z)
    ours = HuberRegressor(alpha=0.0, tol=1e-10).fit(Z, y)
    std = HuberRegressor(alpha=0.0, tol=1e-10).fit(scaler.transform(Z), y)
    ref = sk.HuberRegressor(alpha=0.0, tol=1e-12, max_iter=10_000).fit(scaler.transform(Z), y)
    assert ours.converged_ and ours.dual_gap_ > 0.0
    coef = np.abs(std.coef_ / scaler.scale_)
    np.testing.assert_allclose(ours.coef_, std.coef_ / scaler.scale_, rtol=1e-7)
    np.testing.assert_allclose(
        ours.coef_, ref.coef_ / scaler.scale_, atol=1e-4 * coef.max(), rtol=1e-4
    )


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5])
def test_huber_noise_free_n_above_p_goes_to_the_limit(l1_ratio):
    """n > p rows that the model fits exactly: the scale collapses in the alternation and the
    sigma = 0 limit is solved and certified (it was left at the scale floor, sigma ~1e-10)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 5))
    y = X @ rng.standard_normal(5) + 1.0
    counts = rng.integers(0, 3, 40)
    model = HuberRegressor(l1_ratio=l1_ratio)
    weighted = clone(model).fit(X, y, sample_weight=counts)
    repeated = clone(model).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    for fit in (weighted, repeated):
        assert fit.scale_ == 0.0 and fit.converged_ and fit.dual_gap_ < 1e-10
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-10, atol=1e-12)


def test_huber_rows_that_cannot_be_fitted_keep_the_alternation():
    """Duplicate x with different y: no interpolant; the fit is the alternation's."""
    X, y, _ = _wide()
    X, y = np.vstack([X, X[:1]]), np.append(y, y[0] + 1.0)
    with warnings.catch_warnings():  # sigma -> 0 with non-zero residuals: the alternation's
        warnings.simplefilter("ignore")  # slow regime (a penalized L1 fit), reported by it
        fit = HuberRegressor(tol=1e-10, max_iter=5000).fit(X, y)
    assert fit.scale_ > 0.0
    assert abs(y[0] - fit.predict(X[:1])[0]) + abs(y[-1] - fit.predict(X[:1])[0]) >= 1.0 - 1e-9


@pytest.mark.parametrize("given, meant", [("yes", True), (None, False)])
def test_fit_intercept_is_read_as_every_estimator_reads_it(given, meant):
    # bool(fit_intercept), as Lasso and the GLMs read it (was int('yes'): a ValueError)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 3))
    y = X @ np.array([1.0, -1.0, 0.5]) + 2.0 + 0.3 * rng.standard_normal(30)
    ours = HuberRegressor(fit_intercept=given).fit(X, y)
    same = HuberRegressor(fit_intercept=meant).fit(X, y)
    np.testing.assert_array_equal(ours.coef_, same.coef_)
    assert ours.intercept_ == same.intercept_
