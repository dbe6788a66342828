"""GammaRegressor and TweedieRegressor: scikit-learn's objective (l1_ratio=0), glum's (L1), the
certificate against the true suboptimality, offsets, sample weights and bad input."""

import warnings

import numpy as np
import pytest
from sklearn import linear_model as sk
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import GammaRegressor, PoissonRegressor, TweedieRegressor
from shrinkage.datafits.gamma import Gamma
from shrinkage.datafits.tweedie import Tweedie


@parametrize_with_checks([GammaRegressor(alpha=0.01),
                          TweedieRegressor(power=1.2, alpha=0.01, l1_ratio=0.5)])
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def _data(kind, n=120, p=5, seed=0):
    """X, y and an offset: Gamma amounts (y > 0) or compound Poisson-Gamma ones (zeros)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.3, 1.0, p)
    offset = rng.normal(0.0, 0.3, n)
    mu = np.exp(0.4 + X @ np.array([0.8, -0.5, 0.0, 0.0, 0.3])[:p] + offset)
    if kind == "gamma":
        return X, rng.gamma(2.0, mu / 2.0), offset
    return X, rng.poisson(mu) * rng.gamma(2.0, 0.5, n), offset


def _rel(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def _objective(datafit, X, y, w, b, alpha, l1_ratio, sw=None, offset=None):
    sw = np.ones(len(y)) if sw is None else sw
    eta = X @ w + b + (0.0 if offset is None else offset)
    return (float(sw @ datafit.loss(y, eta)) / sw.sum()
            + alpha * (l1_ratio * np.abs(w).sum() + (1 - l1_ratio) / 2 * w @ w))


# --------------------------------------------------------------------------------------------
# scikit-learn (l1_ratio=0) and glum (L1)


@pytest.mark.parametrize("alpha", [1.0, 0.05, 1e-4])
def test_gamma_matches_sklearn(alpha):
    X, y, _ = _data("gamma")
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    ours = GammaRegressor(alpha=alpha, tol=1e-14).fit(X, y, sample_weight=sw)
    ref = sk.GammaRegressor(alpha=alpha, solver="newton-cholesky", tol=1e-14,
                            max_iter=1000).fit(X, y, sample_weight=sw)
    assert ours.converged_ and ours.certificate_ == "duality_gap"
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-6)


@pytest.mark.parametrize("power", [1.5, 1.2, 1.9])
@pytest.mark.parametrize("alpha", [0.5, 1e-3])
def test_tweedie_matches_sklearn_with_the_log_link(power, alpha):
    X, y, _ = _data("tweedie")
    ours = TweedieRegressor(power=power, alpha=alpha, tol=1e-14).fit(X, y)
    ref = sk.TweedieRegressor(power=power, link="log", alpha=alpha, solver="newton-cholesky",
                              tol=1e-14, max_iter=1000).fit(X, y)
    assert ours.converged_
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)


@pytest.mark.parametrize(("kind", "power"), [("gamma", 2), ("tweedie", 1.5), ("tweedie", 1.2)])
@pytest.mark.parametrize("alpha", [0.2, 0.1])
def test_lasso_matches_glum(kind, power, alpha):
    glum = pytest.importorskip("glum", reason="glum (the bench extra) is not installed")
    X, y, _ = _data(kind)
    family = "gamma" if kind == "gamma" else glum.TweedieDistribution(power)
    ref = glum.GeneralizedLinearRegressor(family=family, link="log", alpha=alpha, l1_ratio=1.0,
                                          gradient_tol=1e-10, max_iter=1000).fit(X, y)
    model = GammaRegressor if kind == "gamma" else (
        lambda **kw: TweedieRegressor(power=power, **kw))
    ours = model(alpha=alpha, l1_ratio=1.0, tol=1e-14).fit(X, y)
    assert ours.converged_
    np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)
    assert np.count_nonzero(ours.coef_) < X.shape[1]
    assert _rel(ours.coef_, ref.coef_) < 1e-5
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-6)


def test_powers_one_and_two_are_poisson_and_gamma():
    X, y, _ = _data("gamma")
    for power, same in ((1, PoissonRegressor), (2, GammaRegressor)):
        ours = TweedieRegressor(power=power, alpha=0.01, l1_ratio=0.5, tol=1e-10).fit(X, y)
        ref = same(alpha=0.01, l1_ratio=0.5, tol=1e-10).fit(X, y)
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------------------------
# the certificate


@pytest.mark.parametrize(("kind", "datafit", "model"), [
    ("gamma", Gamma(), GammaRegressor), ("tweedie", Tweedie(1.5), TweedieRegressor),
    ("tweedie", Tweedie(1.2), lambda **kw: TweedieRegressor(power=1.2, **kw))])
@pytest.mark.parametrize("tol", [1e-1, 1e-3])
def test_the_gap_bounds_the_true_suboptimality(kind, datafit, model, tol):
    """P(w) - P* <= dual_gap_ for a loose fit, P* from a fit certified to 1e-13; the gap is
    not vacuous either (below tol times the null objective, as promised)."""
    X, y, offset = _data(kind, seed=4)
    sw = np.random.default_rng(5).uniform(0.5, 2.0, len(y))
    alpha, l1_ratio = 0.01, 0.7
    fit = dict(sample_weight=sw, offset=offset)
    loose = model(alpha=alpha, l1_ratio=l1_ratio, tol=tol).fit(X, y, **fit)
    tight = model(alpha=alpha, l1_ratio=l1_ratio, tol=1e-13).fit(X, y, **fit)
    assert tight.converged_ and tight.dual_gap_ < 1e-12
    p_loose = _objective(datafit, X, y, loose.coef_, loose.intercept_, alpha, l1_ratio, sw, offset)
    p_star = _objective(datafit, X, y, tight.coef_, tight.intercept_, alpha, l1_ratio, sw, offset)
    assert p_loose - p_star <= loose.dual_gap_ + tight.dual_gap_ + 1e-14
    null = float(sw @ datafit.loss(y, datafit.null_intercept(y, sw / sw.sum(), offset)
                                   + offset)) / sw.sum()
    assert loose.converged_ and loose.dual_gap_ <= tol * null


# --------------------------------------------------------------------------------------------
# offsets and sample weights


@pytest.mark.parametrize(("kind", "model"), [
    ("gamma", GammaRegressor), ("tweedie", TweedieRegressor)])
@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
def test_offset_is_a_column_with_its_coefficient_fixed_at_one(kind, model, l1_ratio):
    X, y, offset = _data(kind, seed=2)
    ours = model(alpha=0.02, l1_ratio=l1_ratio, tol=1e-12).fit(X, y, offset=offset)
    p = X.shape[1]
    fixed = model(alpha=0.02, l1_ratio=l1_ratio, tol=1e-12,
                  penalty_factor=np.r_[np.ones(p), 0.0], lower=np.r_[np.full(p, -np.inf), 1.0],
                  upper=np.r_[np.full(p, np.inf), 1.0]).fit(np.column_stack([X, offset]), y)
    assert fixed.coef_[-1] == 1.0
    np.testing.assert_allclose(ours.coef_, fixed.coef_[:-1], rtol=1e-7, atol=1e-9)
    assert ours.intercept_ == pytest.approx(fixed.intercept_, abs=1e-8)
    np.testing.assert_allclose(ours.predict(X, offset=offset),
                               np.exp(offset) * ours.predict(X), rtol=1e-12)


def test_gamma_offset_is_the_target_rescaled():
    """l(y, eta + o) = l(y e^-o, eta) for the Gamma loss: an offset equals scikit-learn's fit
    on y / e^o (same weights and alpha)."""
    X, y, offset = _data("gamma", seed=3)
    ours = GammaRegressor(alpha=0.1, tol=1e-14).fit(X, y, offset=offset)
    ref = sk.GammaRegressor(alpha=0.1, solver="newton-cholesky", tol=1e-14).fit(
        X, y * np.exp(-offset))
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)


@pytest.mark.parametrize(("kind", "model"), [
    ("gamma", GammaRegressor), ("tweedie", TweedieRegressor)])
def test_integer_weights_are_repeated_rows(kind, model):
    X, y, offset = _data(kind, n=60, seed=6)
    counts = np.random.default_rng(7).integers(0, 4, len(y))
    weighted = model(alpha=0.01, l1_ratio=0.5, tol=1e-12).fit(X, y, sample_weight=counts,
                                                               offset=offset)
    rows = np.repeat(np.arange(len(y)), counts)
    repeated = model(alpha=0.01, l1_ratio=0.5, tol=1e-12).fit(X[rows], y[rows],
                                                               offset=offset[rows])
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-7, atol=1e-9)
    assert weighted.intercept_ == pytest.approx(repeated.intercept_, abs=1e-8)


# --------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize("bad", [0.0, -2.0])
def test_gamma_target_must_be_positive(bad):
    X, y, _ = _data("gamma")
    y[4] = bad
    with pytest.raises(ValueError, match=r"^y must be > 0 for the Gamma datafit"):
        GammaRegressor().fit(X, y)


@pytest.mark.parametrize(("power", "match"), [
    (0.5, r"^power must not lie in \(0, 1\)"),
    (0, r"^power=0 \(the normal distribution\) is not supported: .* not convex"),
    (3, r"^power=3 \(the inverse Gaussian\) is not supported: .* not convex"),
])
def test_tweedie_refuses_powers_it_cannot_certify(power, match):
    X, y, _ = _data("gamma")
    with pytest.raises(ValueError, match=match):
        TweedieRegressor(power=power).fit(X, y)


def test_tweedie_target_and_link_checks():
    X, y, _ = _data("tweedie")
    assert np.any(y == 0)
    TweedieRegressor(power=1.5).fit(X, y)  # zeros are fine below power 2
    with pytest.raises(ValueError, match=r"^y must be > 0 for the Gamma datafit"):
        TweedieRegressor(power=2).fit(X, y)
    y[0] = -1.0
    with pytest.raises(ValueError, match=r"^y must be >= 0 for the Tweedie datafit with power=1.5"):
        TweedieRegressor(power=1.5).fit(X, y)
    with pytest.raises(ValueError, match=r"^link must be 'log' .* got link='identity'"):
        TweedieRegressor(link="identity").fit(X, np.abs(y))
    assert TweedieRegressor(link="auto").fit(X, np.abs(y)).converged_


def test_predict_names_the_row_whose_mean_overflows():
    X, y, _ = _data("gamma")
    model = GammaRegressor(alpha=0.01).fit(X, y)
    X_new = X[:3].copy()
    X_new[1, 0] = 1e300
    with pytest.raises(ValueError, match=r"^X row 1 .* the expected amount, overflows"):
        model.predict(X_new)


def test_no_convergence_warning_at_defaults():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GammaRegressor().fit(*_data("gamma")[:2])
        TweedieRegressor().fit(*_data("tweedie")[:2])
