import numpy as np
import pytest
from joblib import parallel_config
from scipy.stats import kstest
from sklearn.linear_model import Lasso as SklearnLasso

from shrinkage.inference import debiased_lasso, nodewise_inverse
from shrinkage.inference._inputs import standardize
from shrinkage.inference._nodewise import nodewise_lasso
from shrinkage.inference.debiased import strong_step_inverse


@pytest.fixture(scope="module")
def low_dim():
    rng = np.random.default_rng(1)
    n, p = 80, 4
    X = rng.standard_normal((n, p)) * [1.0, 3.0, 0.5, 1.0]
    X[:, 1] += X[:, 0]
    y = 2.0 + X @ np.array([1.0, 0.0, -0.5, 0.0]) + rng.standard_normal(n)
    return X, y


def _ols(X, y):
    Xi = np.column_stack([np.ones(len(y)), X])
    inv = np.linalg.inv(Xi.T @ Xi)
    coef = inv @ Xi.T @ y
    r = y - Xi @ coef
    sigma = np.sqrt(r @ r / (len(y) - Xi.shape[1]))
    return coef[1:], np.sqrt(np.diag(inv))[1:], sigma


def test_tiny_alpha_is_ols_with_ols_standard_errors(low_dim):
    X, y = low_dim
    coef, unit_se, sigma = _ols(X, y)
    res = debiased_lasso(X, y, alpha=1e-10, sigma="ols", nodewise_alpha=1e-10)
    assert res.sigma == pytest.approx(sigma, rel=1e-10)
    np.testing.assert_allclose(res.coef, coef, rtol=1e-7)
    np.testing.assert_allclose(res.std_err, sigma * unit_se, rtol=1e-7)
    known = debiased_lasso(X, y, alpha=1e-10, sigma=2.0, nodewise_alpha=1e-10)
    np.testing.assert_allclose(known.std_err, 2.0 * unit_se, rtol=1e-7)


def test_logistic_tiny_alpha_is_the_mle_with_wald_errors():
    rng = np.random.default_rng(2)
    n = 300
    X = rng.standard_normal((n, 3))
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.3 + X @ [1.0, -0.5, 0.0])))).astype(float)
    Xi = np.column_stack([np.ones(n), X])
    beta = np.zeros(4)
    for _ in range(50):  # Newton on the unpenalized log-likelihood
        prob = 1 / (1 + np.exp(-Xi @ beta))
        info = Xi.T @ (Xi * (prob * (1 - prob))[:, None])
        beta += np.linalg.solve(info, Xi.T @ (y - prob))
    res = debiased_lasso(X, y, datafit="logistic", alpha=1e-9, nodewise_alpha=1e-9)
    np.testing.assert_allclose(res.coef, beta[1:], rtol=1e-5)
    np.testing.assert_allclose(res.std_err, np.sqrt(np.diag(np.linalg.inv(info)))[1:], rtol=1e-5)
    assert res.sigma is None


@pytest.mark.parametrize("solver", ["gram", "cd"])
@pytest.mark.parametrize(("n", "p"), [(120, 10), (30, 60)])
def test_nodewise_rows_match_sklearn_lasso(n, p, solver):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((n, p)) + 0.5 * rng.standard_normal((n, 1))
    Xs, _ = standardize(X, np.full(n, 1 / n), np.arange(p))
    alpha = 0.05
    fit = nodewise_lasso(Xs, np.full(n, 1 / n), alpha, solver=solver)
    for j in (0, p // 2, p - 1):
        others = np.delete(np.arange(p), j)
        ref = (
            SklearnLasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=100000)
            .fit(Xs[:, others], Xs[:, j])
            .coef_
        )
        g = np.zeros(p)
        g[others] = ref
        r = Xs[:, j] - Xs @ g
        tau_sq = r @ r / n + alpha * np.abs(g).sum()
        expected = -g / tau_sq
        expected[j] = 1 / tau_sq
        np.testing.assert_allclose(fit.theta[j], expected, atol=1e-4 * np.abs(expected).max())


def test_strong_signal_small_p_value_and_reused_nodewise():
    rng = np.random.default_rng(4)
    n, p = 60, 80
    X = rng.standard_normal((n, p))
    y = 3 * X[:, 0] + rng.standard_normal(n)
    nodewise = nodewise_inverse(X, alpha=0.3)
    res = debiased_lasso(X, y, alpha=0.1, nodewise=nodewise, sigma="cv", random_state=0)
    again = debiased_lasso(X, y, alpha=0.1, nodewise_alpha=0.3, sigma="cv", random_state=0)
    np.testing.assert_allclose(res.coef, again.coef)
    assert res.p_values[0] < 1e-8
    assert np.median(res.p_values[1:]) > 0.2
    lo, hi = res.conf_int(0.95)[0]
    assert 0 < lo < hi


def test_collinear_feature_gets_nan_with_reason(low_dim):
    X, y = low_dim
    X = np.column_stack([X, X[:, 0] - 2 * X[:, 2]])
    res = debiased_lasso(X, y, alpha=0.01, sigma=1.0, nodewise_alpha=0.01)
    collinear = [0, 2, 4]
    assert np.all(np.isnan(res.p_values[collinear]))
    assert all("collinear" in res.reasons[j] for j in collinear)
    assert np.all(np.isfinite(res.p_values[[1, 3]]))
    assert res.reasons[1] == ""


def test_bad_input(low_dim):
    X, y = low_dim
    for name in ("sample_weight", "offset"):
        with pytest.raises(ValueError, match=f"does not support {name}"):
            debiased_lasso(X, y, **{name: np.ones(len(y))})
    with pytest.raises(ValueError, match="constant"):
        debiased_lasso(np.column_stack([X, np.ones(len(y))]), y, alpha=0.1)
    with pytest.raises(ValueError, match="sigma is not estimable"):
        debiased_lasso(X[:5], y[:5], alpha=1e-6, sigma="cv", nodewise_alpha=0.1)
    with pytest.raises(ValueError, match="sigma must be positive"):
        debiased_lasso(X, y, alpha=0.1, sigma=0.0, nodewise_alpha=0.1)
    with pytest.raises(ValueError, match="sigma='ols' needs"):
        debiased_lasso(X[:5], y[:5], alpha=0.1, sigma="ols", nodewise_alpha=0.1)
    with pytest.raises(ValueError, match="datafit must be one of"):
        debiased_lasso(X, y, datafit="poisson")
    with pytest.raises(ValueError, match="two labels 0 and 1"):
        debiased_lasso(X, y, datafit="logistic")
    with pytest.raises(ValueError, match="nodewise_alpha must be positive"):
        debiased_lasso(X, y, alpha=0.1, nodewise_alpha=0.0)
    with pytest.raises(ValueError, match="nodewise must be"):
        debiased_lasso(X, y, alpha=0.1, nodewise=nodewise_inverse(X[:, :2], alpha=0.1))


def test_parallel_nodes_give_the_same_theta():
    rng = np.random.default_rng(13)
    X = rng.standard_normal((30, 8))
    serial = nodewise_inverse(X, alpha=0.1, progress=False)
    with parallel_config(backend="threading"):  # the batching and merging, without spawning
        parallel = nodewise_inverse(X, alpha=0.1, n_jobs=2, progress=True)
    np.testing.assert_allclose(parallel.theta, serial.theta)


def test_strong_step_is_the_restarted_one_step_and_cancels_first_order_bias():
    rng = np.random.default_rng(4)
    n, p = 60, 80
    X = _toeplitz(n, p, 0.5, rng)
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    G = Xs.T @ Xs / n
    theta = nodewise_inverse(Xs, alpha=0.3).theta
    M = theta @ G - np.eye(p)
    K = np.array([3, 10, 41])
    corrected = strong_step_inverse(theta, G, K)
    np.testing.assert_allclose(
        (corrected @ G - np.eye(p))[:, K], -M[:, K] @ M[np.ix_(K, K)], atol=1e-12
    )
    w = np.zeros(p)
    w[[3, 10, 41, 60]] = [1.0, -0.5, 0.8, 0.1]
    y = Xs @ np.where(w != 0, 1.2 * w, 0) + rng.standard_normal(n)
    y -= y.mean()
    score = Xs.T @ (y - Xs @ w) / n
    restart = w.copy()
    restart[K] = (w + theta @ score)[K]
    expected = restart + theta @ (Xs.T @ (y - Xs @ restart)) / n
    np.testing.assert_allclose(w + corrected @ score, expected, atol=1e-12)


def _toeplitz(n, p, rho, rng):
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):  # AR(1) columns: corr(x_j, x_k) = rho^|j - k|
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    return X


def _coverage_study(n, p, n_active, n_datasets, seed, cv_nodes=None, **options):
    """Debiased-lasso 95% intervals with the defaults (and ``options``) on a fixed Toeplitz
    design, y redrawn: (active coverage indicators, one null p-value per data set, its
    coverage indicators)."""
    rng = np.random.default_rng(seed)
    X = _toeplitz(n, p, 0.5, rng)
    beta = np.zeros(p)
    active = np.linspace(0, p - 1, n_active + 2).astype(int)[1:-1]
    beta[active] = 1.0
    nodewise = nodewise_inverse(X, cv_nodes=cv_nodes, random_state=seed)
    nulls = np.setdiff1d(np.arange(p), active)
    inside_active, null_p, inside_null = [], [], []
    for k in range(n_datasets):
        y = X @ beta + rng.standard_normal(n)
        res = debiased_lasso(X, y, nodewise=nodewise, random_state=k, **options)
        ci = res.conf_int(0.95)
        inside = (ci[:, 0] <= beta) & (beta <= ci[:, 1])
        inside_active.extend(inside[active])
        j = nulls[k % nulls.size]  # one null per data set: independent draws
        null_p.append(res.p_values[j])
        inside_null.append(inside[j])
    return np.array(inside_active), np.array(null_p), np.array(inside_null)


def _binomial_bound(k: int) -> float:
    """3.5 standard deviations of a coverage fraction over k independent 95% intervals (a
    false alarm about 5e-4 of the time, two-sided, by the normal approximation)."""
    return 3.5 * np.sqrt(0.95 * 0.05 / k)


def _check_coverage(inside_active, null_p, inside_null):
    assert abs(inside_active.mean() - 0.95) <= _binomial_bound(inside_active.size)
    assert abs(inside_null.mean() - 0.95) <= _binomial_bound(inside_null.size)
    assert kstest(null_p, "uniform").pvalue > 1e-3


def test_coverage_and_null_p_values_small_design():
    """n = 100, p = 25, 3 coefficients of 1, 80 data sets: active coverage (240 intervals)
    and one null feature's coverage per data set (80) within the binomial bound of 0.95,
    and those null p-values uniform (KS)."""
    _check_coverage(*_coverage_study(100, 25, 3, 80, seed=11))


def test_bootstrap_coverage_and_null_p_values_small_design():
    """The residual bootstrap's intervals (200 replicates) on the same small design: active
    coverage (240 intervals) and one null's per data set (80) within the binomial bound of
    0.95 (3.5 sd: 0.049 and 0.085), the bootstrap p-values of those nulls uniform (KS)."""
    _check_coverage(*_coverage_study(100, 25, 3, 80, seed=11, bootstrap="residual", n_boot=200))


@pytest.mark.slow
def test_coverage_and_null_p_values_issue_design():
    """Issue 15's setting (n = 200, p = 500, 5 coefficients of 1), 40 data sets: the bias of the
    large coefficients, once 0.89 coverage, is within the binomial bound of 0.95."""
    _check_coverage(*_coverage_study(200, 500, 5, 40, seed=0, cv_nodes=30))
