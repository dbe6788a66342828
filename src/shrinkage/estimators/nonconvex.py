"""MCPRegressor and SCADRegressor: least squares with a non-convex sparse penalty, scikit-learn
API.

They minimise 1/(2 sum s) sum_i s_i (y_i - x_i.w - b)^2 + sum_j pen(w_j; alpha f_j, gamma)
(``shrinkage.paths.nonconvex`` documents the objective, the solver and the certificate).  Both
penalties act as the lasso near 0 and leave large coefficients unshrunk, so they select
variables with less bias than the lasso; being non-convex, a fit is a stationary point reached
from its start, certified by its KKT violation (``certificate_`` is "kkt").  With
``standardize=True`` the penalty acts on the coefficients of the columns scaled to unit
weighted standard deviation, as ncvreg always does, and ``coef_`` is on the original scale.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils.validation import validate_data

from .. import _validation as v
from .._problem import Problem
from .._typing import DesignMatrix
from ..paths.nonconvex import check_gamma, solve_nonconvex_path
from .linear import _XY, _LinearModel


class _NonconvexRegressor(_LinearModel):
    """Fit and attributes shared by the MCP and SCAD estimators (``_penalty`` names which)."""

    _penalty = "mcp"

    def __init__(
        self,
        alpha: float = 1.0,
        gamma: float | None = 3.0,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        tol: float = 1e-4,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
        self.alpha = alpha
        self.gamma = gamma
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> _NonconvexRegressor:
        """Fit on X (dense or sparse) and y.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The design.
        y : array-like of shape (n_samples,)
            The target.
        sample_weight : array-like of shape (n_samples,) or None
            Weights of the squared residuals.

        Returns
        -------
        self
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
        >>> model = shrinkage.MCPRegressor(alpha=0.1).fit(X, [0.0, 1.0, 2.0, 3.0])
        >>> model.coef_.round(6)
        array([1., 0.])
        """
        alpha = v.check_alpha(self.alpha)
        gamma = check_gamma(self.gamma, self._penalty)
        tol = v.check_tol(self.tol)
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        X, y = validate_data(self, X, y, **_XY)
        names = getattr(self, "feature_names_in_", None)
        design: DesignMatrix = v.check_design(X, feature_names=names)
        problem = Problem.build(
            design,
            y,
            sample_weight=sample_weight,
            penalty_factor=self.penalty_factor,
            fit_intercept=self.fit_intercept,
            standardize=self.standardize,
            feature_names=names,
            validated=True,
        )
        w0 = None
        previous = getattr(self, "coef_", None) if self.warm_start else None
        if previous is not None and previous.shape == (problem.n_features,):
            w0 = previous.astype(np.float64)
        result = solve_nonconvex_path(
            problem,
            self._penalty,
            gamma,
            np.array([alpha]),
            tol=tol,
            max_iter=max_iter,
            w0=w0,
            model=type(self).__name__,
        )
        self.coef_ = result.coefs[0].astype(design.dtype)
        self.intercept_ = design.dtype.type(result.intercepts[0])
        self.dual_gap_ = float(result.gaps[0])
        self.certificate_ = "kkt"
        self.n_iter_ = max(int(result.n_iter[0]), 1)  # the certifying pass counts as one
        self.converged_ = bool(result.converged[0])
        return self


class MCPRegressor(_NonconvexRegressor):
    """Least squares with the minimax concave penalty (MCP, Zhang 2010).

    Minimises 1/(2 sum s) sum_i s_i (y_i - x_i.w - b)^2 + sum_j pen(w_j; alpha f_j), with
    pen(w; a) = a |w| - w^2 / (2 gamma) for |w| <= gamma a and gamma a^2 / 2 beyond: skglm's
    ``MCPRegression`` objective (with s = 1 and f = 1).  The penalty is the lasso's near 0 and
    flat beyond gamma a, so large coefficients are not shrunk.

    Parameters
    ----------
    alpha : float
        The penalty strength, >= 0.
    gamma : float or None
        The concavity, > 1 (None: 3): small values are close to best-subset selection (hard
        thresholding), large ones to the lasso.  For a column with ||x_j||^2 / n <= 1 / gamma
        (without ``standardize``) the coordinate problem is not convex; it is still solved
        exactly (hard thresholding).
    fit_intercept : bool
        Fit an unpenalized intercept (exact weighted centring).
    standardize : bool
        ncvreg's (and glmnet's) standardization: the penalty acts on c_j w_j, the
        coefficients of the columns scaled to unit weighted standard deviation c_j (the RMS
        without an intercept; a constant column keeps c_j = 1); ``coef_`` is on the original
        scale.  ``alpha`` and ``gamma`` then mean what they mean in ncvreg.
    penalty_factor : array-like of shape (n_features,) or None
        Per-feature multipliers f_j >= 0 of alpha (gamma is shared); 0 leaves a feature
        unpenalized.
    tol : float
        Stop when the largest KKT violation per unit column norm is at most ``tol`` times the
        weighted standard deviation of y.
    max_iter : int
        The most coordinate-descent epochs.
    warm_start : bool
        Start from the previous ``coef_`` (else from 0).  The penalty is not convex: the
        solution found depends on the start.

    Attributes
    ----------
    coef_ : numpy.ndarray of shape (n_features,)
        The coefficients.
    intercept_ : float
        The intercept.
    dual_gap_ : float
        The certificate: the largest KKT violation per unit column norm (the distance of
        minus the gradient to the Clarke subdifferential of the penalty over ||x_j||), in the
        units of y; with ``standardize`` it is computed on the scaled columns, and it is the
        same number on the original scale (both distance and norm scale by c_j).
    certificate_ : str
        "kkt".
    n_iter_ : int
        The epochs run.
    converged_ : bool
        Whether ``dual_gap_`` reached the tolerance.
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : numpy.ndarray of shape (n_features_in_,)
        The column names, when X had them.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 6))
    >>> y = X @ np.array([2.0, 0.0, 0.0, -1.5, 0.0, 0.0]) + 0.1 * rng.standard_normal(80)
    >>> mcp = shrinkage.MCPRegressor(alpha=0.2).fit(X, y)
    >>> np.flatnonzero(mcp.coef_)
    array([0, 3])
    >>> lasso = shrinkage.Lasso(alpha=0.2).fit(X, y)
    >>> bool(np.all(np.abs(mcp.coef_[[0, 3]]) > np.abs(lasso.coef_[[0, 3]])))  # less shrunk
    True
    >>> mcp.certificate_, mcp.converged_
    ('kkt', True)
    """

    _penalty = "mcp"


class SCADRegressor(_NonconvexRegressor):
    """Least squares with the smoothly clipped absolute deviation penalty (SCAD, Fan and Li
    2001).

    Minimises 1/(2 sum s) sum_i s_i (y_i - x_i.w - b)^2 + sum_j pen(w_j; alpha f_j), with
    pen(w; a) = a |w| for |w| <= a, (2 gamma a |w| - w^2 - a^2) / (2 (gamma - 1)) up to
    gamma a, and a^2 (gamma + 1) / 2 beyond: skglm's ``SCAD`` (with s = 1 and f = 1).

    Parameters
    ----------
    alpha : float
        The penalty strength, >= 0.
    gamma : float or None
        Fan and Li's a, > 2 (3.7 by default, their recommendation; None: 3.7).  For a column with
        ||x_j||^2 / n <= 1 / (gamma - 1) (without ``standardize``) the coordinate problem is
        not convex; it is still solved exactly.
    fit_intercept : bool
        Fit an unpenalized intercept (exact weighted centring).
    standardize : bool
        ncvreg's (and glmnet's) standardization: the penalty acts on c_j w_j, the
        coefficients of the columns scaled to unit weighted standard deviation c_j (the RMS
        without an intercept; a constant column keeps c_j = 1); ``coef_`` is on the original
        scale.  ``alpha`` and ``gamma`` then mean what they mean in ncvreg.
    penalty_factor : array-like of shape (n_features,) or None
        Per-feature multipliers f_j >= 0 of alpha (gamma is shared); 0 leaves a feature
        unpenalized.
    tol : float
        Stop when the largest KKT violation per unit column norm is at most ``tol`` times the
        weighted standard deviation of y.
    max_iter : int
        The most coordinate-descent epochs.
    warm_start : bool
        Start from the previous ``coef_`` (else from 0).  The penalty is not convex: the
        solution found depends on the start.

    Attributes
    ----------
    coef_ : numpy.ndarray of shape (n_features,)
        The coefficients.
    intercept_ : float
        The intercept.
    dual_gap_ : float
        The certificate: the largest KKT violation per unit column norm (the distance of
        minus the gradient to the Clarke subdifferential of the penalty over ||x_j||), in the
        units of y; with ``standardize`` it is computed on the scaled columns, and it is the
        same number on the original scale (both distance and norm scale by c_j).
    certificate_ : str
        "kkt".
    n_iter_ : int
        The epochs run.
    converged_ : bool
        Whether ``dual_gap_`` reached the tolerance.
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : numpy.ndarray of shape (n_features_in_,)
        The column names, when X had them.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 6))
    >>> y = X @ np.array([2.0, 0.0, 0.0, -1.5, 0.0, 0.0]) + 0.1 * rng.standard_normal(80)
    >>> scad = shrinkage.SCADRegressor(alpha=0.2).fit(X, y)
    >>> np.flatnonzero(scad.coef_)
    array([0, 3])
    >>> scad.certificate_, scad.converged_
    ('kkt', True)
    """

    _penalty = "scad"

    def __init__(
        self,
        alpha: float = 1.0,
        gamma: float | None = 3.7,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        tol: float = 1e-4,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
        super().__init__(
            alpha,
            gamma,
            fit_intercept=fit_intercept,
            standardize=standardize,
            penalty_factor=penalty_factor,
            tol=tol,
            max_iter=max_iter,
            warm_start=warm_start,
        )
