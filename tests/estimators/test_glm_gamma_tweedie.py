"""GammaRegressor and TweedieRegressor: scikit-learn's objective (l1_ratio=0), glum's (L1), the
certificate against the true suboptimality (the KKT violation for the non-convex powers),
offsets, sample weights and bad input."""

import warnings

import numpy as np
import pytest
from sklearn import linear_model as sk
from sklearn.utils.estimator_checks import parametrize_with_checks

import shrinkage
from shrinkage import GammaRegressor, PoissonRegressor, TweedieRegressor
from shrinkage.datafits.gamma import Gamma
from shrinkage.datafits.tweedie import Tweedie


@parametrize_with_checks(
    [
        GammaRegressor(alpha=0.01),
        TweedieRegressor(power=1.2, alpha=0.01, l1_ratio=0.5),
        TweedieRegressor(power=0, alpha=0.01, l1_ratio=0.5),
        TweedieRegressor(power=3, alpha=0.01, l1_ratio=0.5),
    ]
)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def _data(kind, n=120, p=5, seed=0):
    """X, y and an offset: Gamma amounts (y > 0), compound Poisson-Gamma ones (zeros), normal
    ones around the mean (some < 0) or inverse Gaussian ones ("wald", y > 0)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.3, 1.0, p)
    offset = rng.normal(0.0, 0.3, n)
    mu = np.exp(0.4 + X @ np.array([0.8, -0.5, 0.0, 0.0, 0.3])[:p] + offset)
    if kind == "gamma":
        return X, rng.gamma(2.0, mu / 2.0), offset
    if kind == "normal":
        return X, mu + rng.normal(0.0, 0.5, n), offset
    if kind == "wald":
        return X, rng.wald(mu, 4.0), offset
    return X, rng.poisson(mu) * rng.gamma(2.0, 0.5, n), offset


def _kind(power) -> str:
    """The data of a Tweedie power: normal (power <= 0), compound (1, 2), inverse Gaussian."""
    return "normal" if power <= 0 else "tweedie" if power < 2 else "wald"


def _rel(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def _objective(datafit, X, y, w, b, alpha, l1_ratio, sw=None, offset=None):
    sw = np.ones(len(y)) if sw is None else sw
    eta = X @ w + b + (0.0 if offset is None else offset)
    return float(sw @ datafit.loss(y, eta)) / sw.sum() + alpha * (
        l1_ratio * np.abs(w).sum() + (1 - l1_ratio) / 2 * w @ w
    )


# --------------------------------------------------------------------------------------------
# scikit-learn (l1_ratio=0) and glum (L1)


@pytest.mark.parametrize("alpha", [1.0, 0.05, 1e-4])
def test_gamma_matches_sklearn(alpha):
    X, y, _ = _data("gamma")
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    ours = GammaRegressor(alpha=alpha, tol=1e-14).fit(X, y, sample_weight=sw)
    ref = sk.GammaRegressor(alpha=alpha, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(
        X, y, sample_weight=sw
    )
    assert ours.converged_ and ours.certificate_ == "duality_gap"
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-6)


@pytest.mark.parametrize("power", [1.5, 1.2, 1.9])
@pytest.mark.parametrize("alpha", [0.5, 1e-3])
def test_tweedie_matches_sklearn_with_the_log_link(power, alpha):
    X, y, _ = _data("tweedie")
    ours = TweedieRegressor(power=power, alpha=alpha, tol=1e-14).fit(X, y)
    ref = sk.TweedieRegressor(
        power=power, link="log", alpha=alpha, solver="newton-cholesky", tol=1e-14, max_iter=1000
    ).fit(X, y)
    assert ours.converged_
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)


@pytest.mark.parametrize(("kind", "power"), [("gamma", 2), ("tweedie", 1.5), ("tweedie", 1.2)])
@pytest.mark.parametrize("alpha", [0.2, 0.1])
def test_lasso_matches_glum(kind, power, alpha):
    glum = pytest.importorskip("glum", reason="glum (the bench extra) is not installed")
    X, y, _ = _data(kind)
    family = "gamma" if kind == "gamma" else glum.TweedieDistribution(power)
    ref = glum.GeneralizedLinearRegressor(
        family=family, link="log", alpha=alpha, l1_ratio=1.0, gradient_tol=1e-10, max_iter=1000
    ).fit(X, y)
    model = (
        GammaRegressor if kind == "gamma" else (lambda **kw: TweedieRegressor(power=power, **kw))
    )
    ours = model(alpha=alpha, l1_ratio=1.0, tol=1e-14).fit(X, y)
    assert ours.converged_
    np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)
    assert np.count_nonzero(ours.coef_) < X.shape[1]
    assert _rel(ours.coef_, ref.coef_) < 1e-5
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-6)


@pytest.mark.filterwarnings("ignore:.*(hessian|Line search):UserWarning")
@pytest.mark.parametrize("power", [0, 3, -1.0, 2.5])
@pytest.mark.parametrize("alpha", [0.5, 1e-3])
def test_nonconvex_powers_match_sklearn_with_the_log_link(power, alpha):
    """Both start from the intercept-only model and reach the same local minimum."""
    X, y, _ = _data(_kind(power))
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    ours = TweedieRegressor(power=power, alpha=alpha, tol=1e-10).fit(X, y, sample_weight=sw)
    ref = sk.TweedieRegressor(
        power=power, link="log", alpha=alpha, solver="newton-cholesky", tol=1e-14, max_iter=1000
    ).fit(X, y, sample_weight=sw)
    assert ours.converged_ and ours.certificate_ == "kkt"
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)


@pytest.mark.filterwarnings("ignore:.*(hessian|Line search):UserWarning")
@pytest.mark.parametrize(
    ("power", "family"), [(3, "tweedie"), (3, "inverse.gaussian"), (0, "normal")]
)
@pytest.mark.parametrize("alpha", [0.05, 0.01])
def test_nonconvex_lasso_matches_glum(power, family, alpha):
    glum = pytest.importorskip("glum", reason="glum (the bench extra) is not installed")
    X, y, _ = _data(_kind(power))
    family = glum.TweedieDistribution(power) if family == "tweedie" else family
    ref = glum.GeneralizedLinearRegressor(
        family=family, link="log", alpha=alpha, l1_ratio=1.0, gradient_tol=1e-10, max_iter=1000
    ).fit(X, y)
    ours = TweedieRegressor(power=power, alpha=alpha, l1_ratio=1.0, tol=1e-10).fit(X, y)
    assert ours.converged_ and ours.certificate_ == "kkt"
    np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)


def test_powers_one_and_two_are_poisson_and_gamma():
    X, y, _ = _data("gamma")
    for power, same in ((1, PoissonRegressor), (2, GammaRegressor)):
        ours = TweedieRegressor(power=power, alpha=0.01, l1_ratio=0.5, tol=1e-10).fit(X, y)
        ref = same(alpha=0.01, l1_ratio=0.5, tol=1e-10).fit(X, y)
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------------------------
# the certificate


@pytest.mark.parametrize(
    ("kind", "datafit", "model"),
    [
        ("gamma", Gamma(), GammaRegressor),
        ("tweedie", Tweedie(1.5), TweedieRegressor),
        ("tweedie", Tweedie(1.2), lambda **kw: TweedieRegressor(power=1.2, **kw)),
    ],
)
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
    null = (
        float(sw @ datafit.loss(y, datafit.null_intercept(y, sw / sw.sum(), offset) + offset))
        / sw.sum()
    )
    assert loose.converged_ and loose.dual_gap_ <= tol * null


def _kkt(power, X, y, w, b, alpha, l1_ratio, sw, offset, factor):
    """The KKT violation per unit (centred) column norm and the intercept's, from scratch."""
    s = sw / sw.sum()
    mu = np.exp(X @ w + b + offset)
    u = s * mu ** (1 - power) * (mu - y)
    grad = X.T @ u
    l1, l2 = alpha * l1_ratio * factor, alpha * (1 - l1_ratio) * factor
    at_zero = np.maximum(np.abs(grad) - l1, 0.0)
    violation = np.where(w != 0, np.abs(grad + l1 * np.sign(w) + l2 * w), at_zero)
    norms = np.sqrt(s @ (X - s @ X) ** 2)
    return max(float(np.max(violation / norms)), abs(float(u.sum())))


@pytest.mark.parametrize("power", [0, 3])
@pytest.mark.parametrize("tol", [1e-2, 1e-4, 1e-10])
def test_the_kkt_certificate_is_the_true_violation(power, tol):
    """dual_gap_ of a non-convex power is the KKT violation recomputed independently (sample
    weights, an offset, an unpenalized column), within tol times the stated scale (the norm
    of the null model's sw l'); a looser fit's objective is not below the tight one's."""
    X, y, offset = _data(_kind(power), seed=4)
    sw = np.random.default_rng(5).uniform(0.5, 2.0, len(y))
    alpha, l1_ratio = 0.01, 0.7
    factor = np.array([1.0, 1.0, 0.0, 1.0, 1.0])
    fit = dict(sample_weight=sw, offset=offset)
    model = TweedieRegressor(
        power=power, alpha=alpha, l1_ratio=l1_ratio, tol=tol, penalty_factor=factor
    ).fit(X, y, **fit)
    assert model.converged_ and model.certificate_ == "kkt"
    ours = _kkt(power, X, y, model.coef_, model.intercept_, alpha, l1_ratio, sw, offset, factor)
    assert ours <= model.dual_gap_ * (1 + 1e-6) + 1e-14
    assert ours == pytest.approx(model.dual_gap_, rel=1e-6, abs=1e-13)
    datafit, s = Tweedie(power), sw / sw.sum()
    null = datafit.null_intercept(y, s, offset) + offset
    assert model.dual_gap_ <= tol * np.sqrt(s @ datafit.derivative(y, null) ** 2)
    tight = TweedieRegressor(
        power=power, alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, penalty_factor=factor
    ).fit(X, y, **fit)
    assert tight.converged_
    objective = [
        _objective(
            datafit,
            X,
            y,
            m.coef_ * factor,
            m.intercept_,
            alpha,
            l1_ratio,
            sw,
            offset + m.coef_[2] * X[:, 2],
        )
        for m in (model, tight)
    ]
    assert objective[0] >= objective[1] - 1e-14


def test_nonconvex_path_is_kkt_certified():
    X, y, _ = _data("wald")
    path = shrinkage.path(X, y, datafit=Tweedie(3), n_alphas=8)
    assert path.certificate == "kkt" and np.all(path.converged)
    assert int(path.nnz[0]) == 0 and int(path.nnz[-1]) > 0


def test_nonconvex_fit_round_trips(tmp_path):
    X, y, _ = _data("wald")
    model = TweedieRegressor(power=3, alpha=0.01, l1_ratio=0.5).fit(X, y)
    loaded = shrinkage.load(shrinkage.save(model, tmp_path / "m.json"))
    assert loaded.power == 3 and loaded.certificate_ == "kkt"
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


# --------------------------------------------------------------------------------------------
# offsets and sample weights


@pytest.mark.parametrize(
    ("kind", "model"), [("gamma", GammaRegressor), ("tweedie", TweedieRegressor)]
)
@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
def test_offset_is_a_column_with_its_coefficient_fixed_at_one(kind, model, l1_ratio):
    X, y, offset = _data(kind, seed=2)
    ours = model(alpha=0.02, l1_ratio=l1_ratio, tol=1e-12).fit(X, y, offset=offset)
    p = X.shape[1]
    fixed = model(
        alpha=0.02,
        l1_ratio=l1_ratio,
        tol=1e-12,
        penalty_factor=np.r_[np.ones(p), 0.0],
        lower=np.r_[np.full(p, -np.inf), 1.0],
        upper=np.r_[np.full(p, np.inf), 1.0],
    ).fit(np.column_stack([X, offset]), y)
    assert fixed.coef_[-1] == 1.0
    np.testing.assert_allclose(ours.coef_, fixed.coef_[:-1], rtol=1e-7, atol=1e-9)
    assert ours.intercept_ == pytest.approx(fixed.intercept_, abs=1e-8)
    np.testing.assert_allclose(
        ours.predict(X, offset=offset), np.exp(offset) * ours.predict(X), rtol=1e-12
    )


def test_gamma_offset_is_the_target_rescaled():
    """l(y, eta + o) = l(y e^-o, eta) for the Gamma loss: an offset equals scikit-learn's fit
    on y / e^o (same weights and alpha)."""
    X, y, offset = _data("gamma", seed=3)
    ours = GammaRegressor(alpha=0.1, tol=1e-14).fit(X, y, offset=offset)
    ref = sk.GammaRegressor(alpha=0.1, solver="newton-cholesky", tol=1e-14).fit(
        X, y * np.exp(-offset)
    )
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)


@pytest.mark.parametrize(
    ("kind", "model"), [("gamma", GammaRegressor), ("tweedie", TweedieRegressor)]
)
def test_integer_weights_are_repeated_rows(kind, model):
    X, y, offset = _data(kind, n=60, seed=6)
    counts = np.random.default_rng(7).integers(0, 4, len(y))
    weighted = model(alpha=0.01, l1_ratio=0.5, tol=1e-12).fit(
        X, y, sample_weight=counts, offset=offset
    )
    rows = np.repeat(np.arange(len(y)), counts)
    repeated = model(alpha=0.01, l1_ratio=0.5, tol=1e-12).fit(X[rows], y[rows], offset=offset[rows])
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


@pytest.mark.parametrize("power", [0.5, 1e-3])
def test_tweedie_refuses_powers_of_no_distribution(power):
    X, y, _ = _data("gamma")
    with pytest.raises(ValueError, match=r"^power must not lie in \(0, 1\)"):
        TweedieRegressor(power=power).fit(X, y)


def test_nonconvex_target_and_link_checks():
    """power <= 0 takes any y (a positive weighted mean for a finite intercept), power > 2
    needs y > 0; link='auto' is scikit-learn's identity link for power <= 0: refused."""
    X, y, _ = _data("normal")
    assert np.any(y < 0)
    for power in (0, -1.0):
        assert TweedieRegressor(power=power, alpha=0.01).fit(X, y).converged_
    with pytest.raises(ValueError, match=r"^sum_i s_i y_i .* is <= 0 .* power=0: .* no finite"):
        TweedieRegressor(power=0).fit(X, y - y.mean() - 1.0)
    with pytest.raises(
        ValueError,
        match=r"^link='auto' is scikit-learn's identity link for "
        r"power <= 0 \(got power=0\)",
    ):
        TweedieRegressor(power=0, link="auto").fit(X, y)
    X, y, _ = _data("wald")
    assert TweedieRegressor(power=3, link="auto").fit(X, y).converged_
    for bad in (0.0, -1.0):
        y[3] = bad
        with pytest.raises(
            ValueError,
            match=r"^y must be > 0 for the Tweedie datafit with "
            r"power=3",
        ):
            TweedieRegressor(power=3).fit(X, y)


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
        TweedieRegressor(power=0).fit(*_data("normal")[:2])
        TweedieRegressor(power=3).fit(*_data("wald")[:2])
