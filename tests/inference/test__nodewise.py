"""The nodewise lasso's tuning by Zhang and Zhang's rule: the variance proxy from the Gram
matrix against the residuals computed directly, and the chosen alpha against its definition."""

import numpy as np

from shrinkage.inference import nodewise_inverse
from shrinkage.inference._inputs import standardize
from shrinkage.inference._nodewise import INFLATION, NodeData, variance_proxy


def _design(n=50, p=15, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 1:] += 0.6 * X[:, :-1]  # neighbours correlated, as a Toeplitz design
    names = np.array([f"x{j}" for j in range(p)], dtype=object)
    return standardize(X, np.full(n, 1.0 / n), names)[0]


def test_variance_proxy_is_n_var_over_sigma_squared():
    Xs = _design()
    n = Xs.shape[0]
    data = NodeData.build(Xs, np.full(n, 1.0 / n), True)
    j = 3
    coefs, _ = data.fit_node(j, np.array([0.3, 0.1, 0.03]), 1e-10, 10000)
    z = Xs[:, [j]] - Xs @ coefs.T  # (n, 3): the node's residuals, column j boxed at 0
    direct = n * np.sum(z**2, axis=0) / (z.T @ Xs[:, j]) ** 2
    np.testing.assert_allclose(variance_proxy(data.G, j, coefs), direct, rtol=1e-10)


def test_znz_alpha_is_the_smallest_within_the_inflation_cap():
    Xs = _design()
    n, p = Xs.shape
    fit = nodewise_inverse(Xs, alpha="znz", cv=3, random_state=0)
    assert fit.alphas[0] < fit.cv_alpha == fit.cv_alphas[np.argmin(fit.cv_error)]
    assert 1.0 < fit.inflation <= INFLATION
    data = NodeData.build(Xs, np.full(n, 1.0 / n), True)

    def mean_proxy(alpha):
        return np.mean(
            [
                variance_proxy(data.G, j, data.fit_node(j, np.array([alpha]), 1e-10, 10000)[0])[0]
                for j in range(p)
            ]
        )

    at_cv = mean_proxy(fit.cv_alpha)
    np.testing.assert_allclose(mean_proxy(fit.alphas[0]) / at_cv, fit.inflation, rtol=1e-4)
    step = (fit.cv_alpha / 20.0 / fit.cv_alpha) ** (1 / 39)  # the next alpha of the search
    assert mean_proxy(fit.alphas[0] * step) / at_cv > INFLATION
    # smaller nodewise alpha: Theta Sigma_hat is closer to the identity
    G = Xs.T @ Xs / n
    cv = nodewise_inverse(Xs, alpha=fit.cv_alpha)
    off = [np.abs(f.theta @ G - np.eye(p)).max() for f in (cv, fit)]
    assert off[1] < off[0]
