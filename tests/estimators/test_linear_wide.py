"""Single Lasso / Elastic-Net fits on wide, correlated designs (p >> n), the regime of the
working-set solver's Newton step and column cache: agreement with scikit-learn at a tight
tolerance, and a certificate that bounds the true suboptimality at a loose one."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import linear_model as sk

from shrinkage import ElasticNet, Lasso

from .._reference import centred, duality_gap, penalty_weights, primal


def _toeplitz(n=60, p=300, rho=0.6, seed=0):
    """C-ordered X with corr(x_i, x_j) = rho^|i-j| and column means 0.5; 10 true non-zeros."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * X[:, j]
    X += 0.5
    w = np.zeros(p)
    w[rng.choice(p, 10, replace=False)] = rng.choice([-1.0, 1.0], 10) * rng.uniform(1, 2, 10)
    signal = X @ w
    y = signal + 3.0 + np.sqrt(np.var(signal) / 4.0) * rng.standard_normal(n)
    return X, y


def _alpha_max(X, y, l1_ratio):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    return np.abs(Xc.T @ yc).max() / (len(y) * l1_ratio)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
@pytest.mark.parametrize("ratio", [10, 100])
def test_matches_sklearn_at_a_tight_tolerance(l1_ratio, ratio):
    X, y = _toeplitz()
    alpha = _alpha_max(X, y, l1_ratio) / ratio
    Est = Lasso if l1_ratio == 1.0 else ElasticNet
    kw = {} if l1_ratio == 1.0 else {"l1_ratio": l1_ratio}
    ours = Est(alpha, tol=1e-12, max_iter=100_000, **kw).fit(X, y)
    ref = sk.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=1_000_000).fit(X, y)
    assert ours.converged_
    Xc, yc, sw, _, _ = centred(X, y)
    l1, l2 = penalty_weights(alpha, l1_ratio, X.shape[1])
    p_ours = primal(Xc, yc, sw, ours.coef_, l1, l2)
    p_ref = primal(Xc, yc, sw, ref.coef_, l1, l2)
    assert p_ours <= p_ref + 1e-12 * float(sw @ yc**2)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5 * np.abs(ref.coef_).max())
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-5 * abs(ref.intercept_))


@pytest.mark.parametrize("tol", [1e-2, 1e-4, 1e-6])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_gap_bounds_the_true_suboptimality(tol, l1_ratio):
    """dual_gap_ >= P(w) - P* (P* from a fit at tol 1e-13), and matches the reference gap."""
    X, y = _toeplitz(seed=1)
    alpha = _alpha_max(X, y, l1_ratio) / 30
    Est = Lasso if l1_ratio == 1.0 else ElasticNet
    kw = {} if l1_ratio == 1.0 else {"l1_ratio": l1_ratio}
    fit = Est(alpha, tol=tol, **kw).fit(X, y)
    best = Est(alpha, tol=1e-13, max_iter=100_000, **kw).fit(X, y)
    Xc, yc, sw, _, _ = centred(X, y)
    l1, l2 = penalty_weights(alpha, l1_ratio, X.shape[1])
    p_star = primal(Xc, yc, sw, best.coef_, l1, l2)
    subopt = primal(Xc, yc, sw, fit.coef_, l1, l2) - p_star
    null = float(sw @ yc**2)
    assert fit.converged_ and fit.dual_gap_ <= tol * null
    assert subopt <= fit.dual_gap_ + 1e-13 * null
    reference = duality_gap(Xc, yc, sw, fit.coef_, l1, l2)
    assert subopt <= reference + 1e-13 * null
    assert fit.dual_gap_ == pytest.approx(reference, rel=1e-6, abs=1e-12 * null)
