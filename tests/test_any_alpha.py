"""predict(X, alpha=...) of the CV estimators: the full-data path at any alpha, interpolated or
refitted, against direct fits at that alpha (``Path.coef_at`` itself is tested in test_path)."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage import (
    Lasso,
    LassoCV,
    LogisticRegression,
    LogisticRegressionCV,
    PoissonRegressor,
    PoissonRegressorCV,
)

from ._reference import simulated

TIGHT = {"tol": 1e-10, "max_iter": 100_000}


def between(alphas, i: int) -> float:
    return float(np.sqrt(alphas[i] * alphas[i + 1]))


@pytest.fixture(scope="module")
def regression():
    return simulated(80, 6, seed=7, noise=2.0)


def test_lasso_cv_predicts_at_its_alpha_and_at_any_other(regression):
    X, y = regression
    model = LassoCV(cv=3, n_alphas=30, **TIGHT).fit(X, y)
    np.testing.assert_allclose(model.predict(X, alpha=model.alpha_), model.predict(X), rtol=1e-12)
    path = model.cv_result_.path
    alpha = between(path.alphas, len(path) // 2)
    coef, intercept = path.coef_at(alpha)
    np.testing.assert_allclose(model.predict(X, alpha=alpha), X @ coef + intercept, rtol=1e-12)
    low = model.alpha_ / 10
    with pytest.raises(ValueError, match=r"below the path's smallest alpha.*exact=True"):
        model.predict(X, alpha=low)
    direct = Lasso(alpha=low, **TIGHT).fit(X, y)
    np.testing.assert_allclose(
        model.predict(X, alpha=low, exact=True, train=(X, y)), direct.predict(X), rtol=1e-7
    )


def test_train_goes_with_exact_and_has_a_shape(regression):
    X, y = regression
    model = LassoCV(cv=3, n_alphas=10).fit(X, y)
    with pytest.raises(ValueError, match="goes with exact=True"):
        model.predict(X, alpha=model.alpha_, train=(X, y))
    with pytest.raises(ValueError, match=r"train must be \(X, y\)"):
        model.predict(X, alpha=model.alpha_, exact=True, train=X)
    with pytest.raises(ValueError, match="needs the training data"):
        model.predict(X, alpha=model.alpha_, exact=True)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_cv_probabilities_at_any_alpha(n_classes):
    X, y = simulated(120, 5, seed=8, noise=1.0)
    labels = np.digitize(y, np.quantile(y, np.linspace(0, 1, n_classes + 1)[1:-1]))
    names = np.array(["low", "mid", "high"])[labels]
    model = LogisticRegressionCV(cv=3, n_alphas=15, l1_ratios=1.0, **TIGHT).fit(X, names)
    np.testing.assert_allclose(
        model.predict_proba(X, alpha=model.alpha_), model.predict_proba(X), rtol=1e-10
    )
    alpha = between(model.cv_result_.path.alphas, 2)
    direct = LogisticRegression("l1", alpha=alpha, **TIGHT).fit(X, names)
    got = model.predict_proba(X, alpha=alpha, exact=True, train=(X, names))
    np.testing.assert_allclose(got, direct.predict_proba(X), rtol=1e-6, atol=1e-9)
    assert np.array_equal(
        model.predict(X, alpha=alpha, exact=True, train=(X, names)), direct.predict(X)
    )
    interpolated = model.predict_proba(X, alpha=alpha)
    assert np.max(np.abs(interpolated - direct.predict_proba(X))) < 0.05


def test_logistic_cv_exact_refuses_other_classes_and_one_vs_rest():
    X, y = simulated(90, 4, seed=9)
    labels = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
    model = LogisticRegressionCV(cv=3, n_alphas=8, multi_class="ovr").fit(X, labels)
    with pytest.raises(ValueError, match="one-vs-rest"):
        model.predict(X, alpha=model.alpha_, exact=True, train=(X, labels))
    binary = LogisticRegressionCV(cv=3, n_alphas=8).fit(X, labels > 0)
    with pytest.raises(ValueError, match="not the fitted classes_"):
        binary.predict(X, alpha=binary.alpha_, exact=True, train=(X, labels))


def test_poisson_cv_counts_at_any_alpha():
    rng = np.random.default_rng(10)
    X = rng.normal(size=(100, 4))
    y = rng.poisson(np.exp(0.5 + X @ np.array([0.6, -0.4, 0.0, 0.0])))
    model = PoissonRegressorCV(cv=3, n_alphas=12, **TIGHT).fit(X, y)
    alpha = model.alpha_ / 5
    direct = PoissonRegressor(alpha=alpha, l1_ratio=1.0, **TIGHT).fit(X, y)
    np.testing.assert_allclose(
        model.predict(X, alpha=alpha, exact=True, train=(X, y)), direct.predict(X), rtol=1e-6
    )
    np.testing.assert_allclose(model.predict(X, alpha=model.alpha_), model.predict(X), rtol=1e-12)


def test_tweedie_path_exact_refit_keeps_its_power():
    """A Path keeps the datafit's name only: a Tweedie refit without datafit= was silently done
    at the default power 1.5; it is refused, and with the instance it equals the path."""
    from shrinkage import path
    from shrinkage.datafits import get_datafit

    rng = np.random.default_rng(3)
    X = rng.standard_normal((100, 4))
    mu = np.exp(0.3 + X @ np.array([0.5, -0.3, 0.0, 0.2]))
    y = rng.poisson(mu) * rng.gamma(2.0, 0.5, 100)  # compound Poisson-Gamma, exact zeros
    tweedie = get_datafit("tweedie", power=1.2)
    p = path(X, y, datafit=tweedie, n_alphas=8, **TIGHT)
    with pytest.raises(
        ValueError,
        match=r"datafit 'tweedie' has parameters the Path does not "
        r"keep: pass the instance",
    ):
        p.coef_at(p.alphas[4], X=X, y=y, exact=True)
    coef, intercept = p.coef_at(p.alphas[4], X=X, y=y, exact=True, datafit=tweedie, **TIGHT)
    np.testing.assert_allclose(coef, p.coefs[4], atol=1e-7)
    np.testing.assert_allclose(intercept, p.intercepts[4], atol=1e-7)
    other, _ = p.coef_at(
        p.alphas[4], X=X, y=y, exact=True, datafit=get_datafit("tweedie", power=1.5), **TIGHT
    )
    assert np.max(np.abs(other - p.coefs[4])) > 1e-3  # the power matters at this alpha


def test_exact_refit_is_routed_by_what_the_datafit_is_not_its_name():
    """A check loss under another name is still not smooth: the refit goes to the interior
    point (once chosen by the name "quantile", it went to proximal Newton) and equals the path;
    a renamed logistic loss refits by proximal Newton, as the path did."""
    from shrinkage import path
    from shrinkage.datafits import Logistic, Quantile

    class Pinball(Quantile):
        name = "pinball"

    class Logit(Logistic):
        name = "logit"

    X, y = simulated(60, 4, seed=5, noise=1.0)
    for fit, target in ((Pinball(0.3), y), (Logit(), (y > np.median(y)).astype(float))):
        p = path(X, target, datafit=fit, n_alphas=5, tol=1e-8)
        coef, intercept = p.coef_at(p.alphas[3], X=X, y=target, exact=True, datafit=fit, tol=1e-8)
        np.testing.assert_allclose(coef, p.coefs[3], atol=1e-6)
        np.testing.assert_allclose(intercept, p.intercepts[3], atol=1e-6)


@pytest.mark.parametrize(("penalty", "gamma"), [("mcp", 1.5), ("scad", 2.5)])
def test_nonconvex_path_exact_refit_is_its_own_model(penalty, gamma):
    """nonconvex_path's Path says its penalty and gamma: exact=True refits MCP / SCAD, not the
    lasso (it did, 1e-2 away from the path's own stationary point)."""
    from shrinkage.paths.nonconvex import nonconvex_path

    rng = np.random.default_rng(4)
    X = rng.standard_normal((100, 6))
    y = X @ np.array([2.0, -1.0, 0.0, 0.0, 0.5, 0.0]) + rng.standard_normal(100)
    p = nonconvex_path(X, y, penalty=penalty, gamma=gamma, n_alphas=10, tol=1e-10)
    assert (p.penalty, p.gamma, p.certificate) == (penalty, gamma, "kkt")
    coef, _ = p.coef_at(p.alphas[5], X=X, y=y, exact=True, tol=1e-10)
    np.testing.assert_allclose(coef, p.coefs[5], atol=1e-7)
    lasso = Lasso(alpha=p.alphas[5], tol=1e-10).fit(X, y).coef_
    assert np.max(np.abs(lasso - p.coefs[5])) > 1e-3  # the refit would tell a lasso apart
