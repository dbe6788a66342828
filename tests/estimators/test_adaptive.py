"""AdaptiveLasso / AdaptiveLassoCV: contract, equivalence with a rescaled lasso, recovery."""

import numpy as np
import pytest
from sklearn import linear_model as sk
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import AdaptiveLasso, AdaptiveLassoCV
from shrinkage.datasets import make_correlated_regression

_CV_WEIGHTS = "cross-validation folds of repeated rows differ from those of weighted rows"


def _expected_failures(estimator):
    if isinstance(estimator, AdaptiveLassoCV):  # as scikit-learn's own LassoCV
        return {
            "check_sample_weight_equivalence_on_dense_data": _CV_WEIGHTS,
            "check_sample_weight_equivalence_on_sparse_data": _CV_WEIGHTS,
        }
    return {}


# alpha=0.01: at alpha=1 the adaptive weights zero everything on the checks' data, and the core
# then reports n_iter_ = 0 (like Lasso(standardize=True)), which one check rejects
@parametrize_with_checks(
    [
        AdaptiveLasso(0.01),
        AdaptiveLasso(0.01, init="ols", gamma=0.5),
        AdaptiveLasso(0.01, init_alpha=0.1, standardize=True),
        AdaptiveLassoCV(n_alphas=10),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def _data(n=100, p=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p)
    w = np.zeros(p)
    w[:3] = [2.0, -1.0, 0.3]
    return X, X @ w + 0.8 * rng.standard_normal(n) + 2.0


@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0])
def test_equals_a_lasso_on_rescaled_columns(gamma):
    """min 1/2n |y - Xw|^2 + alpha sum f_j |w_j|  <=>  lasso on X_j / f_j with w_j = v_j / f_j."""
    X, y = _data()
    model = AdaptiveLasso(0.05, gamma=gamma, init="ols", tol=1e-12).fit(X, y)
    ols = sk.LinearRegression().fit(X, y).coef_
    f = 1.0 / np.abs(ols) ** gamma
    np.testing.assert_allclose(model.penalty_factor_, f, rtol=1e-10)
    ref = sk.Lasso(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X / f, y)
    np.testing.assert_allclose(model.coef_, ref.coef_ / f, rtol=1e-6, atol=1e-10)
    assert model.intercept_ == pytest.approx(ref.intercept_, rel=1e-6)
    assert model.converged_ and model.init_alpha_ is None


def test_recovers_the_support_where_the_plain_lasso_adds_noise():
    d = make_correlated_regression(150, 20, rho=0.5, n_informative=4, snr=5.0, random_state=4)
    true = np.flatnonzero(d.coef)
    adaptive = AdaptiveLassoCV(alpha_rule="1se", n_alphas=50).fit(d.X, d.y)
    np.testing.assert_array_equal(np.flatnonzero(adaptive.coef_), true)
    # gamma = 0 is the plain lasso, cross-validated on the same folds with the same rule
    plain = AdaptiveLassoCV(gamma=0.0, alpha_rule="1se", n_alphas=50).fit(d.X, d.y)
    assert set(true) < set(np.flatnonzero(plain.coef_))
    sk_lasso = sk.LassoCV(cv=5).fit(d.X, d.y)
    assert set(true) < set(np.flatnonzero(sk_lasso.coef_))


def test_cv_over_a_gamma_grid_on_the_same_folds():
    X, y = _data(seed=3)
    model = AdaptiveLassoCV(gamma=[0.5, 1.0, 2.0], n_alphas=20, random_state=0).fit(X, y)
    assert len(model.cv_results_) == 3 and model.gamma_ in (0.5, 1.0, 2.0)
    best = [r.cv_mean[r.index_min] for r in model.cv_results_]
    assert model.gamma_ == model.gammas_[int(np.argmin(best))]
    splits = [r.splits for r in model.cv_results_]
    for other in splits[1:]:
        for (a, b), (c, e) in zip(splits[0], other, strict=True):
            np.testing.assert_array_equal(a, c)
            np.testing.assert_array_equal(b, e)
    chosen = model.cv_results_[int(np.argmin(best))]
    assert model.alpha_ == chosen.alpha_min
    np.testing.assert_array_equal(model.alphas_, chosen.alphas)
    refit = AdaptiveLasso(
        model.alpha_, gamma=model.gamma_, init_alpha=model.init_alpha_, tol=1e-4
    ).fit(X, y)
    np.testing.assert_allclose(model.coef_, refit.coef_, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    ("Est", "kwargs", "match"),
    [
        (AdaptiveLasso, {"gamma": -0.1}, "gamma"),
        (AdaptiveLassoCV, {"gamma": [1.0, -2.0]}, "gamma"),
        (AdaptiveLassoCV, {"gamma": []}, "gamma"),
        (AdaptiveLasso, {"init": "pca"}, "init"),
        (AdaptiveLassoCV, {"alpha_rule": "2se"}, "alpha_rule"),
    ],
)
def test_bad_input_names_the_argument(Est, kwargs, match):
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        Est(**kwargs).fit(X, y)


def test_n_iter_counts_the_certifying_pass_where_zero_is_optimal():
    """At the default alpha the start w = 0 is certified at once: n_iter_ was 0, which
    scikit-learn's n_iter check rejects (ElasticNet counts that pass as one)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 5))
    y = X @ rng.standard_normal(5) + rng.standard_normal(30)
    model = AdaptiveLasso().fit(X, y)
    assert np.all(model.coef_ == 0) and model.converged_
    assert model.n_iter_ >= 1
