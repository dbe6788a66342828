"""Shrinkage behaviour: the closed forms against the library's own fits."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import shrinkage
from shrinkage.plots import plot_shrinkage, shrinkage_curves


def _orthonormal_fit(z, estimator):
    """Fit on a design with X'X / n = I and least-squares coefficients z."""
    n, p = 50, z.size
    Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((n, p)))
    X = np.sqrt(n) * Q
    return estimator.fit(X, X @ z).coef_


@pytest.mark.parametrize("alpha", [0.3, 1.0])
def test_closed_forms_equal_the_fits(alpha):
    c = shrinkage_curves(alpha, l1_ratio=0.4, z_max=2.0, n_points=21)
    idx = np.array([0, 3, 8, 10, 11, 14, 20])
    z = c.z[idx]
    opts = {"fit_intercept": False, "tol": 1e-12}
    np.testing.assert_allclose(
        c.l1[idx], _orthonormal_fit(z, shrinkage.Lasso(alpha, **opts)), atol=1e-8
    )
    np.testing.assert_allclose(
        c.elasticnet[idx],
        _orthonormal_fit(z, shrinkage.ElasticNet(alpha, l1_ratio=0.4, **opts)),
        atol=1e-8,
    )
    ridge_alpha = alpha * 50  # scikit-learn's Ridge scaling: alpha * n
    np.testing.assert_allclose(
        c.l2[idx], _orthonormal_fit(z, shrinkage.Ridge(ridge_alpha, **opts)), atol=1e-8
    )


def test_pulls_are_the_penalty_gradients():
    c = shrinkage_curves(2.0, l1_ratio=0.25)
    nz = c.w != 0
    np.testing.assert_allclose(c.pull_l1[nz], 2.0 * np.sign(c.w[nz]))
    np.testing.assert_allclose(c.pull_l2, 2.0 * c.w)
    # numerical derivative of alpha (r |w| + (1 - r) / 2 w^2) away from 0
    pen = 2.0 * (0.25 * np.abs(c.w) + 0.75 / 2 * c.w**2)
    grad = np.gradient(pen, c.w)
    inner = nz & (np.abs(c.w) > 0.1)
    inner[[0, -1]] = False  # np.gradient is one-sided at the ends
    np.testing.assert_allclose(c.pull_elasticnet[inner], grad[inner], atol=1e-2)
    # L1 is constant in magnitude, L2 grows with |w|
    assert np.ptp(np.abs(c.pull_l1[nz])) == 0 and np.ptp(np.abs(c.pull_l2)) > 0


def test_figure_and_axes():
    fig = plot_shrinkage(0.5)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    fig, axes = plt.subplots(1, 2)
    assert plot_shrinkage(1.0, l1_ratio=0.7, axes=axes) is fig
    assert axes[0].get_xlabel().startswith("least-squares")
    assert any("sign" in t.get_text() for t in axes[1].get_legend().get_texts())


def test_bad_input():
    with pytest.raises(ValueError, match="alpha must be a positive"):
        shrinkage_curves(0.0)
    with pytest.raises(ValueError, match="l1_ratio"):
        shrinkage_curves(1.0, l1_ratio=1.5)
    with pytest.raises(ValueError, match="axes must hold 2"):
        plot_shrinkage(axes=[plt.subplots()[1]])
