"""The pinball datafit and its certificate, checked against first principles (plain numpy)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage.datafits.quantile import Quantile, certify, objective, pinball, weighted_quantile
from shrinkage.penalties.l1_l2 import PenaltyWeights


def _pw(p, l1=0.05, l2=0.0, lower=-np.inf, upper=np.inf, free=()):
    l1v, l2v = np.full(p, l1), np.full(p, l2)
    l1v[list(free)] = 0.0
    l2v[list(free)] = 0.0
    return PenaltyWeights(l1v, l2v, np.full(p, float(lower)), np.full(p, float(upper)))


def _data(n=30, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_t(3, n)
    s = rng.uniform(0.2, 2.0, n)
    return X, y, s / s.sum()


def test_loss_derivative_curvature_and_conjugate():
    f = Quantile(0.3)
    y = np.array([1.0, 1.0, 1.0])
    eta = np.array([0.0, 2.0, 1.0])
    np.testing.assert_allclose(f.loss(y, eta), [0.3, 0.7, 0.0])
    np.testing.assert_allclose(f.derivative(y, eta), [-0.3, 0.7, 0.0])
    np.testing.assert_array_equal(f.curvature(y, eta), 0.0)
    assert f.smooth is False and f.curvature_bound is None and f.name == "quantile"
    # Fenchel-Young: l(y, eta) + l*(y, v) >= v eta, with equality for v in the subdifferential
    rng = np.random.default_rng(1)
    for _ in range(50):
        yi, e, v = rng.standard_normal(3)
        v = np.clip(v, -0.3, 0.7)
        assert (
            f.loss(np.array([yi]), np.array([e]))[0] + f.conjugate(np.array([yi]), np.array([v]))[0]
            >= v * e - 1e-12
        )
    d = f.derivative(y, eta)
    np.testing.assert_allclose(f.loss(y, eta) + f.conjugate(y, d), d * eta, atol=1e-15)
    assert np.isinf(f.conjugate(np.array([0.0]), np.array([0.71])))[0]


def test_pinball_is_the_check_function():
    r = np.linspace(-2, 2, 9)
    for tau in (0.1, 0.5, 0.9):
        np.testing.assert_allclose(pinball(r, tau), np.maximum(tau * r, (tau - 1) * r))
    np.testing.assert_allclose(pinball(r, 0.5), 0.5 * np.abs(r))


@pytest.mark.parametrize("tau", [0.1, 0.37, 0.5, 0.9])
def test_null_intercept_minimises_the_weighted_pinball_loss(tau):
    rng = np.random.default_rng(2)
    y = np.round(rng.standard_normal(21), 1)  # ties included
    sw = rng.uniform(0.1, 1.0, 21)
    b = Quantile(tau).null_intercept(y, sw, None)
    grid = np.concatenate([y, np.linspace(y.min() - 1, y.max() + 1, 401)])
    values = [sw @ pinball(y - c, tau) for c in grid]
    assert sw @ pinball(y - b, tau) <= min(values) + 1e-14
    offset = rng.standard_normal(21)
    assert Quantile(tau).null_intercept(y, sw, offset) == weighted_quantile(y - offset, sw, tau)


def test_median_of_an_odd_sample():
    y = np.array([5.0, 1.0, 3.0, 9.0, 2.0])
    assert weighted_quantile(y, np.ones(5), 0.5) == 3.0


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.2, 1.5, np.nan, "a", None])
def test_quantile_outside_the_open_interval_is_refused(bad):
    with pytest.raises(ValueError, match="quantile"):
        Quantile(bad)


def test_check_target_names_the_problem():
    with pytest.raises(ValueError, match="finite"):
        Quantile().check_target([1.0, np.nan])


def _assert_dual_feasible(X, theta, sw, tau, pw, intercept):
    assert np.all(theta >= (tau - 1) * sw - 1e-15) and np.all(theta <= tau * sw + 1e-15)
    if intercept:
        assert abs(theta.sum()) < 1e-12
    corr = X.T @ theta
    capped = (pw.l2 == 0) & (pw.l1 > 0)
    assert np.all(np.abs(corr[capped]) <= pw.l1[capped] * (1 + 1e-12))
    free = (pw.l1 == 0) & (pw.l2 == 0)
    assert np.all(np.abs(corr[free]) < 1e-12)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize(
    ("l2", "free", "intercept"),
    [(0.0, (), True), (0.0, (), False), (0.1, (), True), (0.0, (0, 3), True)],
)
def test_certificate_is_a_valid_lower_bound(sparse, l2, free, intercept):
    """Weak duality by brute force: D(theta) <= P(w, b) for many (w, b), theta feasible."""
    X, y, sw = _data()
    pw = _pw(X.shape[1], l2=l2, free=free)
    Xin = sp.csc_matrix(X) if sparse else X
    rng = np.random.default_rng(3)
    for _ in range(20):
        w, b = rng.standard_normal(X.shape[1]), float(rng.standard_normal()) * intercept
        cert = certify(Xin, y, sw, 0.3, pw, w, b, intercept)
        assert cert.gap >= 0 and np.isfinite(cert.dual)
        _assert_dual_feasible(X, cert.theta, sw, 0.3, pw, intercept)
        assert cert.dual == pytest.approx(
            cert.theta @ y
            - 0.5
            * np.sum(
                (
                    np.maximum(np.abs(X.T @ cert.theta) - pw.l1, 0.0) ** 2
                    / np.where(pw.l2 > 0, pw.l2, 1.0)
                )[pw.l2 > 0]
            ),
            abs=1e-12,
        )
        for _ in range(5):
            w2 = rng.standard_normal(X.shape[1])
            b2 = float(rng.standard_normal()) if intercept else 0.0
            assert cert.dual <= objective(X, y, sw, 0.3, pw, w2, b2) + 1e-12


def test_certificate_at_the_null_model_is_exact_above_alpha_max():
    """w = 0, b = the weighted median: theta from the residual signs certifies it for large l1."""
    X, y, sw = _data(n=31)
    b = weighted_quantile(y, sw, 0.5)
    cert = certify(X, y, sw, 0.5, _pw(X.shape[1], l1=10.0), np.zeros(X.shape[1]), b, True)
    assert cert.gap <= 1e-14
