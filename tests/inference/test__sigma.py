import math

import numpy as np
from scipy.stats import norm

from shrinkage.inference._sigma import quantile_lambda0, scaled_lasso


def test_quantile_lambda0_solves_its_fixed_point_and_is_below_the_universal_level():
    for n, p in [(200, 100), (200, 500), (50, 3), (100, 10_000)]:
        lambda0 = quantile_lambda0(n, p)
        L = lambda0 * math.sqrt(n / 2.0)
        k = L**4 + 2.0 * L**2
        np.testing.assert_allclose(norm.isf(min(k / p, 0.99)), L, rtol=1e-9)
        assert lambda0 < math.sqrt(2.0 * math.log(p) / n)


def test_scaled_lasso_uses_the_quantile_level_by_default():
    rng = np.random.default_rng(4)
    n, p = 80, 200
    X = rng.standard_normal((n, p))
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    y = Xs[:, :3] @ np.array([1.0, -1.0, 0.5]) + rng.standard_normal(n)
    y = y - y.mean()
    sigma, _ = scaled_lasso(Xs, y)
    explicit, _ = scaled_lasso(Xs, y, lambda0=quantile_lambda0(n, p))
    universal, _ = scaled_lasso(Xs, y, lambda0=math.sqrt(2.0 * math.log(p) / n))
    assert sigma == explicit
    assert sigma < universal  # a smaller penalty leaves less shrinkage bias in the residuals
