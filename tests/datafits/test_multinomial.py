import numpy as np
import pytest
from scipy.optimize import minimize

from shrinkage.datafits import get_datafit
from shrinkage.datafits.multinomial import Multinomial

RNG = np.random.default_rng(0)
K = 4
Y = RNG.integers(0, K, 30).astype(float)
ETA = RNG.normal(0, 2, (30, K))


def test_derivative_and_curvature_by_finite_differences():
    d, h = Multinomial(), 1e-6
    for k in range(K):
        e = np.zeros(K)
        e[k] = h
        num = (d.loss(Y, ETA + e) - d.loss(Y, ETA - e)) / (2 * h)
        np.testing.assert_allclose(d.derivative(Y, ETA)[:, k], num, rtol=1e-6, atol=1e-8)
        num2 = (d.derivative(Y, ETA + e) - d.derivative(Y, ETA - e))[:, k] / (2 * h)
        np.testing.assert_allclose(d.curvature(Y, ETA)[:, k], num2, rtol=1e-5, atol=1e-7)


def test_conjugate_fenchel_young_and_domain():
    d = Multinomial()
    v = d.derivative(Y, ETA)
    np.testing.assert_allclose(
        d.loss(Y, ETA) + d.conjugate(Y, v), np.sum(v * ETA, axis=1), atol=1e-10
    )
    assert np.isinf(d.conjugate(Y[:1], np.full((1, K), 0.1))[0])  # does not sum to zero


def test_null_intercept_with_offset_minimises_the_loss():
    d = Multinomial()
    sw = RNG.uniform(0.5, 2, 30)
    b = d.null_intercept(Y, sw, ETA)
    ref = minimize(
        lambda c: sw @ d.loss(Y, c + ETA), np.zeros(K), method="BFGS", options={"gtol": 1e-10}
    ).x
    np.testing.assert_allclose(b, ref - ref.mean(), atol=1e-5)
    freq = np.bincount(Y.astype(int), minlength=K) / 30
    np.testing.assert_allclose(
        d.null_intercept(Y, np.ones(30), None), np.log(freq) - np.log(freq).mean()
    )


def test_checks():
    with pytest.raises(ValueError, match="n_classes"):
        Multinomial(n_classes=1)
    with pytest.raises(ValueError, match="class indices"):
        Multinomial(n_classes=3).check_target(Y)
    assert get_datafit("multinomial", n_classes=5).classes(Y) == 5
