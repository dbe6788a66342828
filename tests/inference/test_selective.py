import numpy as np
import pytest
from scipy.stats import kstest, truncnorm
from sklearn.linear_model import Lasso as SklearnLasso

from shrinkage.inference import selective_inference
from shrinkage.inference._truncnorm import pivot
from shrinkage.inference.selective import selection_polyhedron, truncation_limits


def test_orthogonal_two_feature_polyhedron_by_hand():
    # centred orthogonal columns with x'x = n: the lasso soft-thresholds z = X'y/n at alpha
    x0 = np.array([1, -1, 1, -1, 1, -1, 1, -1], float)
    x1 = np.array([1, 1, -1, -1, 1, 1, -1, -1], float)
    X = np.column_stack([x0, x1])
    n, alpha, sigma = 8, 1.0, 0.7
    y = 1.5 * x0 + 0.1 * x1 + np.array([0.2, -0.1, 0.0, 0.3, -0.2, 0.1, 0.0, -0.3])
    z = X.T @ y / n
    assert z[0] > alpha > abs(z[1])  # the event: feature 0 with sign +, feature 1 out
    res = selective_inference(X, y, alpha, sigma=sigma)
    np.testing.assert_array_equal(res.feature_index, [0])
    t = res.truncation
    np.testing.assert_allclose(t.observed, z[0])  # eta = x0 / n
    np.testing.assert_allclose(t.sd, sigma / np.sqrt(n))
    np.testing.assert_allclose(t.lower, alpha)  # z0 > alpha keeps the selection
    assert t.upper[0] == np.inf
    s = sigma / np.sqrt(n)
    tail = truncnorm.sf(z[0] / s, alpha / s, np.inf)
    np.testing.assert_allclose(res.p_values[0], min(1.0, 2 * min(tail, 1 - tail)), rtol=1e-8)


def _selection(X, y, alpha):
    w = SklearnLasso(alpha=alpha, tol=1e-12, max_iter=100000).fit(X, y).coef_
    return tuple(np.flatnonzero(w)), tuple(np.sign(w[w != 0]))


def test_truncation_limits_are_where_the_selection_changes():
    rng = np.random.default_rng(5)
    n, p, alpha = 30, 4, 0.2
    X = rng.standard_normal((n, p))
    X[:, 1] += 0.6 * X[:, 0]
    y = X @ [1.0, 0.5, 0.0, 0.0] + rng.standard_normal(n)
    Xc = X - X.mean(axis=0)
    event = _selection(X, y, alpha)
    active, signs = np.array(event[0]), np.array(event[1])
    A, b = selection_polyhedron(Xc, active, signs, alpha)
    assert np.all(A @ y <= b)
    checked = 0
    for i in range(active.size):
        eta = Xc[:, active] @ np.linalg.inv(Xc[:, active].T @ Xc[:, active])[:, i]
        lo, hi = truncation_limits(A, b, y, eta)
        c = eta / (eta @ eta)
        z = y - c * (eta @ y)
        for end, outward in ((lo, -1), (hi, 1)):
            if np.isfinite(end):
                width = 1e-4 * max(1.0, abs(end))
                assert _selection(X, z + c * (end - outward * width), alpha) == event
                assert _selection(X, z + c * (end + outward * width), alpha) != event
                checked += 1
    assert checked >= 2


def test_pivot_is_uniform_under_the_selection():
    rng = np.random.default_rng(6)
    n, p, alpha = 40, 5, 0.15
    X = rng.standard_normal((n, p))
    X[:, 1] += 0.5 * X[:, 0]
    mu = X @ [1.0, 0.0, 0.5, 0.0, 0.0]
    Xc, mu_c = X - X.mean(axis=0), mu - mu.mean()
    pivots = []
    for _ in range(200):
        res = selective_inference(X, mu + rng.standard_normal(n), alpha, sigma=1.0)
        target = np.linalg.lstsq(Xc[:, res.feature_index], mu_c, rcond=None)[0]
        t = res.truncation
        pivots.extend(pivot(t.observed, target, t.sd, t.lower, t.upper)[0])
    assert len(pivots) > 300
    assert kstest(pivots, "uniform").pvalue > 1e-3


def test_strong_signal_is_significant_and_interval_covers_it():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((60, 6))
    y = 2 * X[:, 0] + rng.standard_normal(60)
    res = selective_inference(X, y, 0.3)  # sigma estimated by OLS (n >= 2p)
    assert res.feature_names[0] == "x0" and res.p_values[0] < 1e-8
    lo, hi = res.conf_int(0.95)[0]
    assert lo < 2 < hi and lo > 0
    assert "estimated (ols)" in " ".join(res.notes)


def test_nothing_selected_gives_an_empty_result():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((30, 3))
    res = selective_inference(X, rng.standard_normal(30), alpha=10.0, sigma=1.0)
    assert len(res) == 0 and res.to_frame().shape[0] == 0
    assert "nothing selected" in res.notes[-1]


def test_bad_input():
    rng = np.random.default_rng(9)
    X = rng.standard_normal((20, 3))
    y = X[:, 0] + rng.standard_normal(20)
    for name in ("sample_weight", "offset"):
        with pytest.raises(ValueError, match=f"selective_inference does not support {name}"):
            selective_inference(X, y, 0.1, **{name: np.ones(20)})
    with pytest.raises(ValueError, match="alpha must be positive"):
        selective_inference(X, y, 0.0, sigma=1.0)
    with pytest.raises(ValueError, match="sigma must be positive"):
        selective_inference(X, y, 0.1, sigma=0.0)
    wide = rng.standard_normal((6, 12))
    with pytest.raises(ValueError, match="no residual degrees of freedom"):
        selective_inference(wide, wide @ np.ones(12), 1e-4, sigma=1.0)
    with pytest.raises(ValueError, match="sigma='ols' needs"):
        selective_inference(wide, wide[:, 0], 0.5, sigma="ols")


def test_standardize_selects_on_standardized_columns_and_reports_on_x_scale():
    rng = np.random.default_rng(11)
    n, alpha = 60, 0.25
    X = rng.standard_normal((n, 4)) * np.array([0.1, 1.0, 10.0, 3.0])
    y = X @ np.array([20.0, 0.0, 0.2, 0.0]) + rng.standard_normal(n)
    sd = X.std(axis=0)
    scaled = selective_inference(X / sd, y, alpha, sigma=1.0)
    res = selective_inference(X, y, alpha, sigma=1.0, standardize=True)
    np.testing.assert_array_equal(res.feature_index, scaled.feature_index)
    unit = sd[res.feature_index]
    np.testing.assert_allclose(res.coef, scaled.coef / unit)
    np.testing.assert_allclose(res.p_values, scaled.p_values)
    np.testing.assert_allclose(res.conf_int(0.9), scaled.conf_int(0.9) / unit[:, None], rtol=1e-6)
    assert "standardized" in res.notes[0]


def test_a_duplicated_feature_makes_the_selection_event_degenerate_and_is_refused():
    rng = np.random.default_rng(2)
    n = 60
    X = rng.standard_normal((n, 5))
    y = 2 * X[:, 0] - X[:, 2] + rng.standard_normal(n)
    group = rng.integers(0, 2, n).astype(float)
    y = y + 0.5 * group
    X = np.column_stack([X, group, 1.0 - group])  # one-hot pair: collinear with the intercept
    with pytest.raises(ValueError, match="not unique"):
        selective_inference(X, y, 0.1, sigma=1.0, standardize=True)
