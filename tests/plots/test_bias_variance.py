"""Bias-variance Monte Carlo: the decomposition, and ridge's closed form on a fixed design."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from shrinkage.plots import BiasVarianceCurve, bias_variance_curve, plot_bias_variance


@pytest.mark.parametrize("as_frame", [False, True])
def test_curves_from_the_users_data(small_data, as_frame):
    X, df, y, _ = small_data
    c = bias_variance_curve(df if as_frame else X, y, penalty="l1", n_alphas=8,
                            n_repeats=8, n_test=100, random_state=0)
    assert isinstance(c, BiasVarianceCurve)
    assert c.feature_names == (list(df.columns) if as_frame else None)
    assert np.all(np.diff(c.alphas) < 0) and c.bias2.shape == c.alphas.shape
    assert np.count_nonzero(c.coef) < X.shape[1] + 1  # a lasso truth
    # large alpha: all bias; small alpha: little bias (the lasso's variance need not be
    # monotone: which features enter near alpha_max varies between training sets)
    assert c.bias2[0] > 10 * c.bias2[-1]
    assert np.all(c.variance >= 0)
    fig = plot_bias_variance(c)
    assert isinstance(fig, Figure)


def test_test_mse_is_bias2_plus_variance_plus_noise(small_data):
    X, _, _, coef = small_data
    c = bias_variance_curve(X, penalty="elasticnet", coef=coef, noise=0.5, n_alphas=6,
                            n_repeats=20, n_test=2000, design="gaussian", random_state=1)
    assert c.noise_var == 0.25 and c.l1_ratio == 0.5
    np.testing.assert_array_equal(c.coef, coef)
    np.testing.assert_allclose(c.mse, c.bias2 + c.variance + c.noise_var, rtol=0.05)


def test_fixed_design_ridge_matches_its_closed_form():
    rng = np.random.default_rng(3)
    n, p, sigma = 40, 3, 1.0
    X = rng.standard_normal((n, p))
    coef = np.array([1.0, -2.0, 0.5])
    alphas = np.array([1.0, 0.1])
    R = 400
    c = bias_variance_curve(X, penalty="l2", coef=coef, noise=sigma, alphas=alphas,
                            design="fixed", n_repeats=R, random_state=0)
    f = X @ coef
    Xc = X - X.mean(axis=0)
    for k, a in enumerate(alphas):
        # hat matrix of ridge with an intercept, objective 1/(2n)||y - b - Xw||^2 + a/2 ||w||^2
        H = np.full((n, n), 1 / n) + Xc @ np.linalg.solve(Xc.T @ Xc + n * a * np.eye(p), Xc.T)
        bias2 = np.mean((H @ f - f) ** 2)
        var = sigma**2 * np.trace(H @ H.T) / n
        # Monte Carlo: E[variance estimate] = var (R-1)/R, E[bias2 estimate] = bias2 + var/R
        np.testing.assert_allclose(c.variance[k], var * (R - 1) / R, rtol=0.12)
        np.testing.assert_allclose(c.bias2[k], bias2 + var / R, rtol=0.12, atol=0.01)


def test_synthetic_truth_without_y_and_panels():
    X = np.random.default_rng(0).standard_normal((50, 10))
    curves = {pen: bias_variance_curve(X, penalty=pen, n_alphas=5, n_repeats=4, n_test=50,
                                       random_state=0) for pen in ("l1", "l2")}
    assert np.count_nonzero(curves["l1"].coef) == 2  # a fifth of the features
    np.testing.assert_array_equal(curves["l1"].coef, curves["l2"].coef)  # same seed, same truth
    fig, axes = plt.subplots(1, 2)
    assert plot_bias_variance(curves, axes=axes) is fig
    assert axes[1].get_title().startswith("l2")
    fig, ax = plt.subplots()
    assert plot_bias_variance(curves["l2"], ax=ax) is fig
    assert ax.get_title().startswith("L2 (ridge)")


def test_bad_input(small_data):
    X, _, y, _ = small_data
    with pytest.raises(ValueError, match="penalty must be"):
        bias_variance_curve(X, y, penalty="l3")
    with pytest.raises(ValueError, match="design must be"):
        bias_variance_curve(X, y, design="bootstrap")
    with pytest.raises(ValueError, match="n_samples must be 60"):
        bias_variance_curve(X, y, design="fixed", n_samples=30)
    with pytest.raises(ValueError, match="coef must hold 6"):
        bias_variance_curve(X, coef=[1.0, 2.0])
    with pytest.raises(ValueError, match="n_repeats must be at least 2"):
        bias_variance_curve(X, y, n_repeats=1)
    with pytest.raises(TypeError, match="bias_variance_curve"):
        plot_bias_variance({"a": 1})
