import numpy as np
import pytest
from scipy.stats import norm

from shrinkage.inference import debiased_lasso, nodewise_inverse
from shrinkage.inference._bootstrap import (
    OneStep,
    bootstrap_intervals,
    bootstrap_p_values,
    bootstrap_pivots,
)
from shrinkage.inference._sigma import lasso_at
from shrinkage.inference.debiased import sandwich_diagonal, strong_step_inverse


def _toeplitz(n, p, rho, rng):
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    return (X - X.mean(axis=0)) / X.std(axis=0)


def test_one_step_strong_step_equals_the_corrected_theta():
    """OneStep's strong step through Theta G alone = b and se from strong_step_inverse."""
    rng = np.random.default_rng(4)
    n, p = 60, 80
    Xs = _toeplitz(n, p, 0.5, rng)
    G = Xs.T @ Xs / n
    theta = nodewise_inverse(Xs, alpha=0.3).theta
    beta = np.zeros(p)
    beta[[3, 10, 41]] = [2.0, -1.5, 1.8]
    y = Xs @ beta + 0.5 * rng.standard_normal(n)
    y -= y.mean()
    fit = lasso_at(Xs, y, 0.1)
    score = Xs.T @ fit.residuals(Xs, y) / n
    step = OneStep(theta, G, n)
    b, se, k = step.estimate(fit.w, score, 0.5, strong_step=True)
    first = fit.w + theta @ score
    z = np.abs(first) / (0.5 * np.sqrt(sandwich_diagonal(theta, G) / n))
    strong = np.flatnonzero(z > norm.isf(0.025 / p))
    assert k == strong.size >= 3
    corrected = strong_step_inverse(theta, G, strong)
    np.testing.assert_allclose(b, fit.w + corrected @ score, atol=1e-12)
    np.testing.assert_allclose(se, 0.5 * np.sqrt(sandwich_diagonal(corrected, G) / n), rtol=1e-10)
    b0, se0, k0 = step.estimate(fit.w, score, 0.5, strong_step=False)
    assert k0 == 0
    np.testing.assert_allclose(b0, first, atol=1e-12)
    np.testing.assert_allclose(se0, 0.5 * np.sqrt(sandwich_diagonal(theta, G) / n), rtol=1e-10)


@pytest.mark.parametrize("kind", ["residual", "wild"])
def test_pivots_are_standard_normal_for_ols(kind):
    """n >> p, tiny alpha, exact inverse, known sigma: b* - w = A e* with A = G^-1 Xs'/n, so
    the pivots have mean 0 and sd 1 for the residual bootstrap (e rescaled to sd sigma),
    sqrt(sum_i A_ji^2 e_i^2) / se_j for the wild one: over 2000 replicates, the means within
    4 s.e. (0.09) and the sds within 5% (the sd's s.e. is 1.6%)."""
    rng = np.random.default_rng(0)
    n, p = 200, 4
    Xs = _toeplitz(n, p, 0.5, rng)
    y = Xs @ np.array([1.0, 0.0, -0.5, 0.0]) + rng.standard_normal(n)
    y -= y.mean()
    G = Xs.T @ Xs / n
    fit = lasso_at(Xs, y, 1e-8)
    step = OneStep(np.linalg.inv(G), G, n)
    sigma = 1.3
    residuals = fit.residuals(Xs, y)
    T = bootstrap_pivots(
        step,
        Xs,
        fit,
        residuals,
        sigma,
        True,
        kind=kind,
        n_boot=2000,
        strong_step=False,
        rng=rng,
        truth=fit.w,
    )
    assert T.shape == (p, 2000)
    assert np.all(np.abs(T.mean(axis=1)) < 4 / np.sqrt(2000))
    expected = np.ones(p)
    if kind == "wild":
        e = (residuals - residuals.mean()) * sigma / residuals.std()
        A = step.theta @ Xs.T / n
        expected = np.sqrt((A**2) @ e**2) / (sigma * np.sqrt(step.variance / n))
    np.testing.assert_allclose(T.std(axis=1), expected, rtol=0.05)


def test_intervals_and_p_values_from_the_pivots():
    pivots = np.tile(np.linspace(-2.0, 2.0, 401), (2, 1))
    pivots[1] += 1.0  # a bias of one se: the interval moves down by one se
    ci = bootstrap_intervals(np.array([5.0, 5.0]), np.array([1.0, 1.0]), pivots, 0.9)
    np.testing.assert_allclose(ci[0], [5.0 - 1.8, 5.0 + 1.8])
    np.testing.assert_allclose(ci[1], [5.0 - 2.8, 5.0 + 0.8])
    p = bootstrap_p_values(np.array([0.0, 10.0]), pivots[:1].repeat(2, axis=0))
    np.testing.assert_allclose(p, [1.0, 1.0 / 402.0])


def test_debiased_lasso_bootstrap_option():
    rng = np.random.default_rng(3)
    n, p = 120, 6
    X = rng.standard_normal((n, p))
    X[:, 5] = X[:, 3] + X[:, 4]  # collinear: NaN with its reason
    y = X[:, 0] + rng.standard_normal(n)
    kw = dict(alpha=0.05, nodewise_alpha=0.05, n_boot=300, random_state=7)
    res = debiased_lasso(X, y, bootstrap="residual", **kw)
    again = debiased_lasso(X, y, bootstrap="residual", **kw)
    normal = debiased_lasso(X, y, **kw)
    assert res.pivots.shape == (p, 300)
    np.testing.assert_array_equal(res.conf_int(), again.conf_int())  # seeded
    np.testing.assert_allclose(res.coef, normal.coef)  # same estimate, other intervals
    assert np.all(np.isnan(res.conf_int()[5])) and np.isnan(res.p_values[5])
    assert res.reasons[5].startswith("collinear")
    assert res.p_values[0] == pytest.approx(1 / 301) and res.p_values[1] > 0.01
    assert any("residual bootstrap" in note for note in res.notes)
    ci, ci_normal = res.conf_int(0.9), normal.conf_int(0.9)
    width = ci[:3, 1] - ci[:3, 0]
    np.testing.assert_allclose(width, ci_normal[:3, 1] - ci_normal[:3, 0], rtol=0.3)


def test_bootstrap_bad_input():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 3))
    y = X[:, 0] + rng.standard_normal(50)
    with pytest.raises(ValueError, match="bootstrap must be one of"):
        debiased_lasso(X, y, alpha=0.1, bootstrap="pairs")
    with pytest.raises(ValueError, match="n_boot must be at least 100"):
        debiased_lasso(X, y, alpha=0.1, bootstrap="residual", n_boot=50)
    with pytest.raises(ValueError, match="n_boot"):
        debiased_lasso(X, y, alpha=0.1, bootstrap="residual", n_boot=0)
    with pytest.raises(ValueError, match="datafit='quadratic' only"):
        debiased_lasso(X, (y > 0).astype(float), datafit="logistic", bootstrap="wild")
    with pytest.raises(ValueError, match="needs sigma='cv' or a number"):
        debiased_lasso(X, y, alpha=0.1, sigma="scaled", bootstrap="residual")
