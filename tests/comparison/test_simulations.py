"""The simulations behind the figures, against numpy: the constraint geometry (the diamond's
corner, the circle, the contours) and the bias-variance Monte Carlo (the decomposition, and
ridge's closed form on a fixed design)."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from shrinkage.comparison.figure_data import BiasVarianceCurve
from shrinkage.comparison.simulations import bias_variance_curve, geometry_data, synthetic_pair


@pytest.fixture(scope="module")
def small_data():
    """60 x 6 correlated design with a sparse truth, as (ndarray, DataFrame, y, coef)."""
    rng = np.random.default_rng(0)
    n, p = 60, 6
    z = rng.standard_normal((n, p))
    X = z.copy()
    X[:, 1] = 0.7 * z[:, 0] + np.sqrt(1 - 0.49) * z[:, 1]
    coef = np.array([2.0, 0.0, -1.5, 0.0, 0.5, 0.0])
    y = X @ coef + 0.5 * rng.standard_normal(n)
    df = pd.DataFrame(X, columns=["age", "dose", "bmi", "noise1", "bp", "noise2"])
    return X, df, y, coef


def _standardized(X, y, pair):
    Z = X[:, list(pair)]
    Z = (Z - Z.mean(axis=0)) / Z.std(axis=0)
    return Z, y - y.mean()


def _loss(Z, y, w):
    r = y - Z @ w
    return r @ r / (2 * len(y))


def _brute_force(Z, y, points):
    losses = np.array([_loss(Z, y, w) for w in points])
    return points[np.argmin(losses)], losses.min()


@pytest.mark.parametrize("as_frame", [False, True])
def test_sparse_truth_puts_the_l1_solution_on_a_corner(small_data, as_frame):
    X, df, y, _ = small_data
    # the truth: age 2.0, dose 0.0 (dose correlated 0.7 with age)
    data = geometry_data(df if as_frame else X, y, features=("age", "dose") if as_frame else (0, 1))
    assert data.feature_names == (("age", "dose") if as_frame else ("x0", "x1"))
    w1, w2 = data.l1_solution
    assert w2 == 0.0 and w1 > 0  # exactly on the corner (t, 0)
    np.testing.assert_allclose(w1, data.budget, rtol=1e-8)
    assert np.all(data.l2_solution != 0) and abs(data.l2_solution[1]) > 1e-3
    np.testing.assert_allclose(np.linalg.norm(data.l2_solution), data.budget, rtol=1e-8)


def test_synthetic_pair_corner_and_solutions_match_brute_force():
    data = geometry_data(random_state=1)
    assert data.others == "synthetic" and data.features == (0, 1)
    assert data.l1_solution[1] == 0.0 and np.all(data.l2_solution != 0)
    X, y = synthetic_pair(random_state=1)
    Z, yc = _standardized(X, y, (0, 1))
    t = data.budget
    # the diamond's and the circle's boundaries, finely sampled
    s = np.linspace(0, 1, 4001)
    diamond = np.concatenate(
        [
            np.column_stack([t * (1 - s), t * s]) * sign
            for sign in ([1, 1], [-1, 1], [-1, -1], [1, -1])
        ]
    )
    theta = np.linspace(0, 2 * np.pi, 20001)
    circle = t * np.column_stack([np.cos(theta), np.sin(theta)])
    w, loss = _brute_force(Z, yc, diamond)
    np.testing.assert_allclose(data.l1_solution, w, atol=2e-3 * t)
    assert data.l1_loss <= loss + 1e-12
    w, loss = _brute_force(Z, yc, circle)
    np.testing.assert_allclose(data.l2_solution, w, atol=2e-3 * t)
    assert data.l2_loss <= loss + 1e-12


def test_shapes_and_loss_grid_against_numpy(small_data):
    X, _, y, _ = small_data
    data = geometry_data(X, y, features=(0, 2), budget=1.0, grid_size=31)
    t = data.budget
    assert t == 1.0
    np.testing.assert_array_equal(data.diamond, [[t, 0], [0, t], [-t, 0], [0, -t], [t, 0]])
    np.testing.assert_allclose(np.abs(data.l1_solution).sum(), t, rtol=1e-8)
    np.testing.assert_allclose(np.linalg.norm(data.l2_solution), t, rtol=1e-8)
    Z, yc = _standardized(X, y, (0, 2))
    np.testing.assert_allclose(
        data.least_squares, np.linalg.lstsq(Z, yc, rcond=None)[0], rtol=1e-10
    )
    for i, j in [(0, 0), (5, 17), (30, 12)]:
        w = np.array([data.w1[j], data.w2[i]])
        np.testing.assert_allclose(data.loss[i, j], _loss(Z, yc, w), rtol=1e-10)
    np.testing.assert_allclose(data.l1_loss, _loss(Z, yc, data.l1_solution), rtol=1e-10)
    # the traces run from 0 (large alpha) to least squares (small alpha)
    for trace in (data.l1_trace, data.l2_trace):
        assert np.linalg.norm(trace[0]) < 1e-2 * np.linalg.norm(data.least_squares)
        np.testing.assert_allclose(trace[-1], data.least_squares, rtol=1e-2, atol=1e-3)
    assert data.alpha_l1 > 0 and data.alpha_l2 > 0


def test_default_features_are_the_two_largest_standardized_coefficients(small_data):
    X, df, y, _ = small_data
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    ols = np.linalg.lstsq(Xs, y - y.mean(), rcond=None)[0]
    expected = tuple(np.argsort(-np.abs(ols))[:2])
    assert geometry_data(X, y).features == expected
    assert geometry_data(df, y).feature_names == tuple(df.columns[list(expected)])


def test_profiled_pair_has_the_full_least_squares_coefficients(small_data):
    X, _, y, _ = small_data
    data = geometry_data(X, y, features=(0, 4), others="profile")
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    full = np.linalg.lstsq(Xs, y - y.mean(), rcond=None)[0]
    np.testing.assert_allclose(data.least_squares, full[[0, 4]], rtol=1e-8)


def test_a_budget_that_does_not_bind_gives_least_squares(small_data):
    X, _, y, _ = small_data
    data = geometry_data(X, y, features=(0, 2), budget=1e3)
    np.testing.assert_allclose(data.l1_solution, data.least_squares)
    assert data.alpha_l1 == 0.0 and data.alpha_l2 == 0.0


def test_geometry_bad_input(small_data):
    X, df, y, _ = small_data
    with pytest.raises(ValueError, match="two different columns"):
        geometry_data(X, y, features=(1, 1))
    with pytest.raises(ValueError, match="no column named"):
        geometry_data(df, y, features=("age", "nope"))
    with pytest.raises(ValueError, match="others must be"):
        geometry_data(X, y, others="mean")
    with pytest.raises(ValueError, match="needs y"):
        geometry_data(X)
    with pytest.raises(ValueError, match="more rows than columns"):
        geometry_data(X[:5], y[:5], features=(0, 1), others="profile")


def test_sparse_input_is_used_densely(small_data):
    X, _, y, _ = small_data
    dense = geometry_data(X, y, features=(0, 1))
    sparse = geometry_data(sp.csr_matrix(X), y, features=(0, 1))
    np.testing.assert_allclose(sparse.l1_solution, dense.l1_solution)


@pytest.mark.parametrize("as_frame", [False, True])
def test_curves_from_the_users_data(small_data, as_frame):
    X, df, y, _ = small_data
    c = bias_variance_curve(
        df if as_frame else X, y, penalty="l1", n_alphas=8, n_repeats=8, n_test=100, random_state=0
    )
    assert isinstance(c, BiasVarianceCurve)
    assert c.feature_names == (list(df.columns) if as_frame else None)
    assert np.all(np.diff(c.alphas) < 0) and c.bias2.shape == c.alphas.shape
    assert np.count_nonzero(c.coef) < X.shape[1] + 1  # a lasso truth
    # large alpha: all bias; small alpha: little bias (the lasso's variance need not be
    # monotone: which features enter near alpha_max varies between training sets)
    assert c.bias2[0] > 10 * c.bias2[-1]
    assert np.all(c.variance >= 0)


def test_test_mse_is_bias2_plus_variance_plus_noise(small_data):
    X, _, _, coef = small_data
    c = bias_variance_curve(
        X,
        penalty="elasticnet",
        coef=coef,
        noise=0.5,
        n_alphas=6,
        n_repeats=20,
        n_test=2000,
        design="gaussian",
        random_state=1,
    )
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
    c = bias_variance_curve(
        X,
        penalty="l2",
        coef=coef,
        noise=sigma,
        alphas=alphas,
        design="fixed",
        n_repeats=R,
        random_state=0,
    )
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


def test_synthetic_truth_without_y():
    X = np.random.default_rng(0).standard_normal((50, 10))
    curves = {
        pen: bias_variance_curve(X, penalty=pen, n_alphas=5, n_repeats=4, n_test=50, random_state=0)
        for pen in ("l1", "l2")
    }
    assert np.count_nonzero(curves["l1"].coef) == 2  # a fifth of the features
    np.testing.assert_array_equal(curves["l1"].coef, curves["l2"].coef)  # same seed, same truth


def test_bias_variance_bad_input(small_data):
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
