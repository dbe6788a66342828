"""Quantile regression (median regression at quantile=0.5) with L1, L2 and Elastic-Net penalties.

Minimises (1/sum s) sum_i s_i rho_tau(y_i - x_i.w - b) + alpha sum_j f_j (l1_ratio |w_j|
+ (1 - l1_ratio)/2 w_j^2) on lower <= w <= upper (``shrinkage.datafits.quantile``).  With
l1_ratio = 1 it is scikit-learn's QuantileRegressor objective, same alpha.
"""

from __future__ import annotations

import numpy as np

from .. import _validation as v
from ..datafits.quantile import check_quantile
from ..solvers.quantile import solve_quantile_path
from .linear import _LinearModel


class QuantileRegressor(_LinearModel):
    """Linear model of the conditional tau-quantile; robust to outliers in y (an L1 *loss*).

    Parameters
    ----------
    quantile : tau in (0, 1); 0.5 is least absolute deviation (median regression).
    alpha : penalty strength (>= 0; 0 is unpenalized quantile regression).
    l1_ratio : mix between L1 (1.0) and L2 (0.0).
    fit_intercept : fit an unpenalized intercept.
    penalty_factor : per-feature multipliers f_j >= 0 (0 leaves a feature unpenalized).
    lower, upper : bounds on the coefficients (scalars or one per feature).
    positive : shorthand for lower=0.
    standardize : glmnet-style; penalize the coefficients of columns scaled to unit weighted
        standard deviation, report coefficients on the original scale.
    tol : stop when the duality gap <= tol * (objective of the intercept-only model).
    max_iter : maximum interior-point iterations (typically 10 to 30 are used).

    Attributes
    ----------
    coef_, intercept_, dual_gap_ (in objective units), n_iter_, converged_, n_features_in_,
    feature_names_in_ (when X has column names).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> median = shrinkage.QuantileRegressor(quantile=0.5, alpha=0.1).fit(X, y)
    >>> np.flatnonzero(median.coef_)
    array([0, 3])
    >>> q90 = shrinkage.QuantileRegressor(quantile=0.9, alpha=0.01).fit(X, y)
    >>> bool(q90.intercept_ > median.intercept_)
    True
    """

    def __init__(self, quantile=0.5, alpha=1.0, *, l1_ratio=1.0, fit_intercept=True,
                 penalty_factor=None, lower=None, upper=None, positive=False, standardize=False,
                 tol=1e-6, max_iter=100):
        self.quantile = quantile
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.positive = positive
        self.standardize = standardize
        self.tol = tol
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit on X (dense or sparse) and y; returns self."""
        quantile = check_quantile(self.quantile)
        alpha = v.check_alpha(self.alpha)
        l1_ratio = v.check_l1_ratio(self.l1_ratio)
        tol = v.check_tol(self.tol)
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        problem, X = self._problem(X, y, sample_weight, multi_output=False)
        result = solve_quantile_path(problem, quantile, np.array([alpha]), l1_ratio, tol=tol,
                                     max_iter=max_iter, model=type(self).__name__)
        self.coef_ = result.coefs[0].astype(X.dtype)
        self.intercept_ = X.dtype.type(result.intercepts[0])
        self.dual_gap_ = float(result.gaps[0])
        self.n_iter_ = int(result.n_iter[0])
        self.converged_ = bool(result.converged[0])
        return self
