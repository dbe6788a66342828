"""Warm-started group and sparse-group lasso paths: ``group_path``, the public entry point.

The problem (``GroupProblem``) and its solvers are the group family of the path engine,
``shrinkage.paths.group``; ``GroupProblem``, ``class_groups`` and ``solve_group_path`` are
named here too.  The objective is documented in ``shrinkage.solvers.group_cd``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from numpy.typing import ArrayLike

from . import _validation as v
from ._typing import DesignMatrix
from .datafits.base import Datafit
from .paths.grid import default_alpha_min_ratio
from .paths.group import GroupProblem, class_groups, solve_group_path
from .paths.result import Path

__all__ = ["GroupProblem", "class_groups", "group_path", "solve_group_path"]


def group_path(
    X: DesignMatrix,
    y: ArrayLike,
    groups: ArrayLike | None = None,
    *,
    datafit: str | Datafit = "quadratic",
    l1_ratio: float = 0.0,
    alphas: ArrayLike | None = None,
    n_alphas: int = 100,
    alpha_min_ratio: float | None = None,
    group_factor: ArrayLike | Mapping[Any, float] | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    sample_weight: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    tol: float = 1e-4,
    max_iter: int = 1000,
    feature_names: ArrayLike | None = None,
) -> Path:
    """Warm-started group / sparse-group lasso solutions along a decreasing grid of alphas.

    Minimizes, at each alpha (the objective of ``shrinkage.solvers.group_cd``),

        1/(sum s) sum_i s_i l(y_i, x_i.w + b + o_i)
        + alpha [l1_ratio sum_j |w_j| + (1 - l1_ratio) sum_g f_g ||w_g||_2],

    l the squared error / 2 for ``datafit="quadratic"``, or the datafit's loss.  The default
    grid runs from alpha_max (all penalized groups zero) down to alpha_max * alpha_min_ratio.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        The design (a DataFrame's columns name the features).
    y : array-like of shape (n_samples,)
        The target (class labels for "logistic" and "multinomial").
    groups : array-like of shape (n_features,) or None, default=None
        One integer label per column (-1 or None: in no group, a group of its own); None puts
        every column in its own group (the lasso).
    datafit : str or Datafit, default="quadratic"
        "quadratic" or a GLM datafit name or instance (see ``shrinkage.datafits``), "quantile"
        included (``shrinkage.datafits.Quantile(tau)`` for the tau-quantile).
    l1_ratio : float, default=0.0
        The L1 part of the penalty, in [0, 1] (0: group lasso; 1: lasso).
    alphas : array-like of shape (n_alphas,) or None, default=None
        The grid, largest first; None for the default grid from alpha_max.
    n_alphas : int, default=100
        The default grid's length.
    alpha_min_ratio : float or None, default=None
        The default grid's last alpha over its first, in (0, 1); None for glmnet's rule (1e-4
        when n_samples >= n_features, else 1e-2).
    group_factor : float, dict, array-like or None, default=None
        The factors f_g: None for sqrt(|g|) (Yuan and Lin's); one number for every group; a
        dict {label: f} (the other groups keep sqrt(|g|)); or one value per group.  f_g = 0
        leaves a group unpenalized (under ``l1_ratio=0``).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept b.
    standardize : bool, default=False
        Penalize the coefficients of the columns divided by their weighted standard deviations
        (glmnet's rule); coefficients are reported on the original scale.
    sample_weight : array-like of shape (n_samples,) or None, default=None
        The weights s (None: all ones).
    offset : array-like of shape (n_samples,) or None, default=None
        The offsets o added to the linear predictor ((n_samples, K) for K classes).
    tol : float, default=1e-4
        Each fit's relative tolerance on its certificate.
    max_iter : int, default=1000
        The iterations allowed per alpha.
    feature_names : array-like of shape (n_features,) or None, default=None
        The columns' names (default: a DataFrame's columns).

    Returns
    -------
    Path
        The solutions with their certificates (``penalty="group"``).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> p = shrinkage.group_path(X, y, groups=[0, 0, 1, 1], n_alphas=10)
    >>> p.coefs.shape
    (10, 4)
    >>> sorted({int(np.count_nonzero(c[:2])) for c in p.coefs})  # a group enters whole
    [0, 2]
    """
    l1_ratio = v.check_l1_ratio(l1_ratio)
    problem = GroupProblem.build(
        X,
        y,
        groups,
        datafit=datafit,
        group_factor=group_factor,
        fit_intercept=fit_intercept,
        standardize=standardize,
        sample_weight=sample_weight,
        offset=offset,
        feature_names=feature_names,
    )
    alphas = v.check_grid(alphas, n_alphas, alpha_min_ratio)
    if alpha_min_ratio is None:  # used by the default grid only
        alpha_min_ratio = default_alpha_min_ratio(problem.problem.n_samples, problem.n_features)
    return solve_group_path(
        problem,
        alphas,
        l1_ratio,
        n_alphas=n_alphas,
        alpha_min_ratio=alpha_min_ratio,
        tol=v.check_tol(tol),
        max_iter=v.check_positive_int(max_iter, "max_iter"),
    )
