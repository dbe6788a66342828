"""Quantile regression (median regression at quantile=0.5) with L1, L2 and Elastic-Net penalties.

Minimises (1/sum s) sum_i s_i rho_tau(y_i - x_i.w - b) + alpha sum_j f_j (l1_ratio |w_j|
+ (1 - l1_ratio)/2 w_j^2) on lower <= w <= upper (``shrinkage.datafits.quantile``).  With
l1_ratio = 1 it is scikit-learn's QuantileRegressor objective, same alpha.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .. import _validation as v
from ..datafits.quantile import check_quantile
from ..paths.quantile import solve_quantile_path
from .linear import _LinearModel


class QuantileRegressor(_LinearModel):
    """Linear model of the conditional tau-quantile; robust to outliers in y (an L1 *loss*).

    Parameters
    ----------
    quantile : float, default=0.5
        tau in (0, 1); 0.5 is least absolute deviation (median regression).
    alpha : float, default=1.0
        The penalty strength (>= 0; 0 is unpenalized quantile regression).
    l1_ratio : float, default=1.0
        The mix between L1 (1.0) and L2 (0.0).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers f_j >= 0 of the penalty (0 leaves a feature unpenalized);
        None is all ones.
    lower : float or array-like of shape (n_features,), default=None
        Lower bounds on the coefficients (None: no bound).
    upper : float or array-like of shape (n_features,), default=None
        Upper bounds on the coefficients (None: no bound).
    positive : bool, default=False
        Shorthand for ``lower=0``.
    standardize : bool, default=False
        glmnet-style: penalize the coefficients of columns scaled to unit weighted standard
        deviation, report coefficients on the original scale.
    tol : float, default=1e-6
        Stop when the duality gap <= tol * (objective of the intercept-only model).
    max_iter : int, default=100
        The most interior-point iterations (typically 10 to 30 are used).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The coefficients, on the original scale of X.
    intercept_ : float
        The intercept (0 without ``fit_intercept``).
    dual_gap_ : float
        The duality gap at the solution, in objective units: the certificate.
    n_iter_ : int
        The interior-point iterations run.
    converged_ : bool
        Whether ``dual_gap_`` met the tolerance.
    n_features_in_ : int
        The number of columns of X seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        X's column names (only when X has column names).

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

    def __init__(
        self,
        quantile: float = 0.5,
        alpha: float = 1.0,
        *,
        l1_ratio: float = 1.0,
        fit_intercept: bool = True,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        standardize: bool = False,
        tol: float = 1e-6,
        max_iter: int = 100,
    ) -> None:
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

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> QuantileRegressor:
        """Fit on X (dense or sparse) and y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features (dense or sparse).
        y : array-like of shape (n_samples,)
            The target.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights s_i >= 0; None is all ones.

        Returns
        -------
        QuantileRegressor
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> model = shrinkage.QuantileRegressor(quantile=0.5, alpha=0.0).fit(X, y)
        >>> bool(model.converged_), int(np.sum(y > model.predict(X)))  # half the rows above
        (True, 30)
        """
        quantile = check_quantile(self.quantile)
        alpha = v.check_alpha(self.alpha)
        l1_ratio = v.check_l1_ratio(self.l1_ratio)
        tol = v.check_tol(self.tol)
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        problem, design = self._problem(X, y, sample_weight, multi_output=False)
        result = solve_quantile_path(
            problem,
            quantile,
            np.array([alpha]),
            l1_ratio,
            tol=tol,
            max_iter=max_iter,
            model=type(self).__name__,
        )
        self.coef_ = result.coefs[0].astype(design.dtype)
        self.intercept_ = design.dtype.type(result.intercepts[0])
        self.dual_gap_ = float(result.gaps[0])
        self.n_iter_ = int(result.n_iter[0])
        self.converged_ = bool(result.converged[0])
        return self
