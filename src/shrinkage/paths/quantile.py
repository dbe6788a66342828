"""The quantile family of the path engine: penalized quantile regression along a grid.

The problem and its exact interior-point solver are ``shrinkage.solvers.quantile`` (one alpha,
certified by the exact duality gap); ``shrinkage.paths.engine`` runs the grid, the loop and the
warnings.  Each alpha below alpha_max is solved from a cold start (interior-point methods gain
little from warm starts); those at or above it are the null fit, certified there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _validation as v
from .._problem import Problem
from .._typing import DesignMatrix
from ..datafits.quantile import check_quantile
from ..penalties.l1_l2 import ElasticNetPenalty
from ..solvers.quantile import (
    NullFit,
    QuantileData,
    column_variance,
    null_objective,
    quantile_alpha_max,
    quantile_data,
    solve_quantile,
)
from ..solvers.result import Fit
from .engine import assemble, grid, run
from .grid import default_alpha_min_ratio
from .result import Path


def quantile_path(
    X: DesignMatrix,
    y: ArrayLike,
    *,
    quantile: float = 0.5,
    l1_ratio: float = 1.0,
    alphas: ArrayLike | None = None,
    n_alphas: int = 100,
    alpha_min_ratio: float | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    sample_weight: ArrayLike | None = None,
    penalty_factor: ArrayLike | None = None,
    lower: ArrayLike | None = None,
    upper: ArrayLike | None = None,
    positive: bool = False,
    offset: ArrayLike | None = None,
    tol: float = 1e-6,
    max_iter: int = 100,
    feature_names: ArrayLike | None = None,
) -> Path:
    """Penalized quantile regression along a decreasing grid of alphas -> ``shrinkage.Path``.

    Minimizes, at each alpha, on lower <= w <= upper (sw the sample weights normalised to sum
    to one, rho_tau the pinball loss of ``shrinkage.datafits.quantile``, r = y - o - Xw - b),

        sum_i sw_i rho_tau(r_i) + alpha sum_j f_j (l1_ratio |w_j| + (1 - l1_ratio)/2 w_j^2).

    The default grid runs from alpha_max (``quantile_alpha_max``) down to
    alpha_max * alpha_min_ratio.  Each alpha below alpha_max is solved from a cold start
    (interior-point methods gain little from warm starts); those at or above it are the null
    fit.  Each fit is certified by its exact duality gap.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        The design (a DataFrame's columns name the features).
    y : array-like of shape (n_samples,)
        The target.
    quantile : float, default=0.5
        tau in (0, 1); 0.5 is least absolute deviation (median regression).
    l1_ratio : float, default=1.0
        The mix between L1 (1.0) and L2 (0.0).
    alphas : array-like of shape (n_alphas,) or None, default=None
        The grid, largest first; None for the default grid from alpha_max.
    n_alphas : int, default=100
        The default grid's length.
    alpha_min_ratio : float or None, default=None
        The default grid's last alpha over its first, in (0, 1); None for glmnet's rule (1e-4
        when n_samples >= n_features, else 1e-2).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept b.
    standardize : bool, default=False
        Penalize the coefficients of the columns scaled to unit weighted standard deviation
        (glmnet's rule); coefficients are reported on the original scale.
    sample_weight : array-like of shape (n_samples,) or None, default=None
        The sample weights (None: all ones).
    penalty_factor : array-like of shape (n_features,) or None, default=None
        Per-feature multipliers f_j >= 0 of the penalty (0 leaves a feature unpenalized);
        None is all ones.
    lower : float, array-like of shape (n_features,) or None, default=None
        Lower bounds on the coefficients (None: no bound).
    upper : float, array-like of shape (n_features,) or None, default=None
        Upper bounds on the coefficients (None: no bound).
    positive : bool, default=False
        Shorthand for ``lower=0``.
    offset : array-like of shape (n_samples,) or None, default=None
        The offsets o added to the linear predictor (the fit is that of y - offset).
    tol : float, default=1e-6
        Each fit stops when its duality gap <= tol * (objective of the null model).
    max_iter : int, default=100
        The most interior-point steps per alpha.
    feature_names : array-like of shape (n_features,) or None, default=None
        The columns' names (default: a DataFrame's columns).

    Returns
    -------
    Path
        The solutions with their duality gaps (``datafit="quantile"``).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> p = shrinkage.quantile_path(X, y, quantile=0.5, n_alphas=5)
    >>> p.coefs.shape, int(p.nnz[0])
    ((5, 4), 0)
    """
    l1_ratio = v.check_l1_ratio(l1_ratio)
    quantile = check_quantile(quantile)
    if feature_names is None and hasattr(X, "columns"):
        feature_names = np.asarray([str(c) for c in X.columns], dtype=object)
    problem = Problem.build(
        X,
        y,
        sample_weight=sample_weight,
        penalty_factor=penalty_factor,
        lower=lower,
        upper=upper,
        positive=positive,
        fit_intercept=fit_intercept,
        standardize=standardize,
        feature_names=feature_names,
    )
    if offset is not None:
        offset = v.check_target(offset, problem.n_samples, name="offset")
    alphas = v.check_grid(alphas, n_alphas, alpha_min_ratio)
    if alpha_min_ratio is None:  # used by the default grid only
        alpha_min_ratio = default_alpha_min_ratio(problem.n_samples, problem.n_features)
    return solve_quantile_path(
        problem,
        quantile,
        alphas,
        l1_ratio,
        n_alphas=n_alphas,
        alpha_min_ratio=alpha_min_ratio,
        tol=v.check_tol(tol),
        max_iter=v.check_positive_int(max_iter, "max_iter"),
        offset=offset,
    )


class QuantileFamily:
    """The quantile ``Family``: the null fit (with its dual point) at and above alpha_max, the
    interior point from a cold start below it.

    Parameters
    ----------
    data : QuantileData
        The solver's view of the problem (weights summing to one, offset moved into y).
    factors : numpy.ndarray of shape (n_features,)
        The penalty factors.
    lower : numpy.ndarray of shape (n_features,)
        Lower bounds on the coefficients.
    upper : numpy.ndarray of shape (n_features,)
        Upper bounds on the coefficients.
    l1_ratio : float
        The L1 part of the penalty's mix.
    scale : numpy.ndarray of shape (n_features,) or None
        The columns' scales when standardizing (None: not standardized).
    tol_abs : float
        Each fit's tolerance on the duality gap, in objective units.
    max_iter : int
        The interior-point steps allowed per alpha.
    null : NullFit or None
        The null fit and alpha_max (None when no alpha is positive).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((30, 3))
    >>> data = QuantileData(X, X[:, 0], np.full(30, 1 / 30), 0.5, True)
    >>> inf = np.full(3, np.inf)
    >>> null = quantile_alpha_max(data, np.ones(3), -inf, inf, tol=1e-10, max_iter=100)
    >>> family = QuantileFamily(data, np.ones(3), -inf, inf, 1.0, None, tol_abs=1e-10,
    ...                         max_iter=100, null=null)
    >>> alpha_max, w, _ = family.null()
    >>> bool(np.all(family.solve(alpha_max, w, None, None).w == 0))
    True
    """

    def __init__(
        self,
        data: QuantileData,
        factors: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
        l1_ratio: float,
        scale: np.ndarray | None,
        *,
        tol_abs: float,
        max_iter: int,
        null: NullFit | None,
    ):
        self.data, self.factors, self.lower, self.upper = data, factors, lower, upper
        self.l1_ratio, self.scale = l1_ratio, scale
        self.tol_abs, self.max_iter, self.null_fit = tol_abs, max_iter, null

    def null(self) -> tuple[float, np.ndarray, float]:
        """alpha_max, with the null fit there."""
        if self.null_fit is None:
            raise ValueError("the null fit is computed when some alpha is positive.")
        return self.null_fit.alpha_max, self.null_fit.w, self.null_fit.intercept

    def solve(self, alpha: float, w: np.ndarray, b: Any, state: Any) -> Fit:
        """The fit at ``alpha``: the null fit certified at or above alpha_max, else a cold
        start (the warm start is not used)."""
        pw = ElasticNetPenalty(
            alpha, self.l1_ratio, self.factors, self.lower, self.upper, self.scale
        ).weights()
        null = self.null_fit
        if null is not None and alpha >= null.alpha_max and self.l1_ratio >= 1e-3:
            cert = self.data.certify(pw, null.w, null.intercept, null.theta)
            return Fit(
                null.w,
                cert.gap,
                1,
                cert.gap <= self.tol_abs,
                self.tol_abs,
                intercept=null.intercept,
                dual=cert.theta,
            )
        return solve_quantile(self.data, pw, tol=self.tol_abs, max_iter=self.max_iter)


def solve_quantile_path(
    problem: Problem,
    quantile: float,
    alphas: np.ndarray | None,
    l1_ratio: float,
    *,
    n_alphas: int = 100,
    alpha_min_ratio: float = 1e-4,
    tol: float = 1e-6,
    max_iter: int = 100,
    model: str = "the quantile path",
    offset: np.ndarray | None = None,
) -> Path:
    """The engine behind ``quantile_path``, ``shrinkage.path(datafit="quantile")`` and
    ``QuantileRegressor`` (inputs validated).

    Parameters
    ----------
    problem : shrinkage._problem.Problem
        The validated problem, read only through X, y, offset, sample_weight, factors, lower,
        upper, fit_intercept, standardize and feature_names.
    quantile : float
        tau in (0, 1).
    alphas : numpy.ndarray or None
        The grid, or None for n_alphas from alpha_max down to alpha_max * alpha_min_ratio.
    l1_ratio : float
        The L1 part of the penalty's mix.
    n_alphas : int, default=100
        The default grid's length.
    alpha_min_ratio : float, default=1e-4
        The default grid's last alpha over its first.
    tol : float, default=1e-6
        Each fit's tolerance, relative to the null model's objective.
    max_iter : int, default=100
        The interior-point steps allowed per alpha.
    model : str, default="the quantile path"
        What a convergence warning calls the computation.
    offset : numpy.ndarray of shape (n_samples,) or None, default=None
        Overrides the problem's offset (validated).

    Returns
    -------
    Path
        The solutions with their duality gaps.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((30, 3))
    >>> p = solve_quantile_path(Problem.build(X, X[:, 0]), 0.5, None, 1.0, n_alphas=3)
    >>> p.nnz, p.datafit
    (array([0, 1, 1]), 'quantile')
    """
    data = quantile_data(problem, quantile, offset)
    p = problem.X.shape[1]
    scale = None
    if problem.standardize:  # glmnet's: the weighted sd (RMS without intercept), 1 if constant
        sd = np.sqrt(column_variance(data.X, data.sw, problem.fit_intercept))
        scale = np.where(sd > 0, sd, 1.0)
    c = np.ones(p) if scale is None else scale
    tol_abs = tol * null_objective(data)
    weight = problem.factors * c * max(l1_ratio, 1e-3)
    null = None
    if alphas is None or np.any(alphas > 0):
        null = quantile_alpha_max(
            data, weight, problem.lower, problem.upper, tol=tol_abs, max_iter=max_iter
        )
    family = QuantileFamily(
        data,
        problem.factors,
        problem.lower,
        problem.upper,
        l1_ratio,
        scale,
        tol_abs=tol_abs,
        max_iter=max_iter,
        null=null,
    )
    alphas, _ = grid(family, alphas, n_alphas, alpha_min_ratio)
    fits = run(family, alphas, np.zeros(p))
    return assemble(
        alphas,
        fits,
        np.array([f.w for f in fits]),
        np.array([f.intercept for f in fits], dtype=np.float64),
        l1_ratio,
        problem.feature_names,
        max_iter=max_iter,
        model=model,
        datafit="quantile",
    )
