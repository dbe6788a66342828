"""Adaptive lasso weights: 1/|w~|^gamma as documented, the cap for zeros, the initial fits."""

import numpy as np
import pytest
from sklearn import linear_model as sk

from shrinkage.selection.adaptive import (
    EXCLUDED_FACTOR_RATIO,
    adaptive_factors,
    adaptive_penalty_factor,
)


def _data(n=80, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 4.0, p)
    w = np.zeros(p)
    w[:3] = [2.0, -1.0, 0.5]
    return X, X @ w + 0.3 * rng.standard_normal(n) + 1.0


def test_factors_are_inverse_powers_with_zeros_capped():
    w = np.array([2.0, -0.5, 0.0, 0.25])
    f = adaptive_factors(w, 2.0)
    np.testing.assert_allclose(f[[0, 1, 3]], [1 / 4, 1 / 0.25, 1 / 0.0625])
    assert f[2] == pytest.approx(EXCLUDED_FACTOR_RATIO * 0.25)  # 1e8 x the smallest factor
    np.testing.assert_array_equal(adaptive_factors(w, 0.0), 1.0)  # gamma 0: the plain lasso
    scale = np.array([1.0, 4.0, 1.0, 2.0])
    np.testing.assert_allclose(adaptive_factors(w, 1.0, scale)[[0, 1, 3]], [0.5, 0.5, 2.0])
    tiny = adaptive_factors(np.array([1.0, 1e-300]), 3.0)  # would overflow: capped instead
    np.testing.assert_allclose(tiny, [1.0, EXCLUDED_FACTOR_RATIO])


def test_all_zero_initial_fit_and_negative_gamma_are_errors():
    with pytest.raises(ValueError, match="all zeros"):
        adaptive_factors(np.zeros(3), 1.0)
    with pytest.raises(ValueError, match="gamma"):
        adaptive_factors(np.ones(3), -0.5)


def test_ols_init_is_the_least_squares_fit():
    X, y = _data()
    f, w0 = adaptive_penalty_factor(X, y, init="ols", gamma=1.5)
    ols = sk.LinearRegression().fit(X, y).coef_
    np.testing.assert_allclose(w0, ols, rtol=1e-10)
    np.testing.assert_allclose(f, 1.0 / np.abs(ols) ** 1.5, rtol=1e-10)


@pytest.mark.parametrize("standardize", [False, True])
def test_ridge_init_in_elastic_net_units_and_standardized_weights(standardize):
    X, y = _data()
    sw = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    f, w0 = adaptive_penalty_factor(
        X, y, init="ridge", init_alpha=0.05, sample_weight=sw, standardize=standardize
    )
    if standardize:  # ridge on standardized columns (weighted sd), reported on the raw scale
        xm = sw @ X / sw.sum()
        c = np.sqrt(sw @ (X - xm) ** 2 / sw.sum())
        ref = sk.Ridge(alpha=0.05 * sw.sum()).fit(X / c, y, sample_weight=sw).coef_ / c
        np.testing.assert_allclose(f, 1.0 / np.abs(ref * c), rtol=1e-7)
    else:
        ref = sk.Ridge(alpha=0.05 * sw.sum()).fit(X, y, sample_weight=sw).coef_
        np.testing.assert_allclose(f, 1.0 / np.abs(ref), rtol=1e-7)
    np.testing.assert_allclose(w0, ref, rtol=1e-7)


def test_lasso_init_excludes_its_zeros():
    X, y = _data(p=10)
    f, w0 = adaptive_penalty_factor(X, y, init="lasso", init_alpha=0.3)
    zero = w0 == 0
    assert zero.any() and not zero.all()
    assert np.all(f[zero] == pytest.approx(EXCLUDED_FACTOR_RATIO * f[~zero].min()))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"init": "svd"}, "init"),
        ({"gamma": -1.0}, "gamma"),
        ({"gamma": "a"}, "gamma"),
        ({"init_alpha": -1.0, "init": "ridge"}, "init_alpha"),
    ],
)
def test_bad_input_names_the_argument(kwargs, match):
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        adaptive_penalty_factor(X, y, **kwargs)


def test_ols_init_needs_more_samples_than_features():
    X, y = _data(n=10, p=12)
    with pytest.raises(ValueError, match="init='ols' needs more samples than features"):
        adaptive_penalty_factor(X, y, init="ols")
