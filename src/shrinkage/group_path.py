"""Warm-started group and sparse-group lasso paths: ``group_path``, the public entry point.

The problem (``GroupProblem``) and its solvers are the group family of the path engine,
``shrinkage.paths.group``; ``GroupProblem``, ``class_groups`` and ``solve_group_path`` are
named here too.  The objective is documented in ``shrinkage.solvers.group_cd``.
"""

from __future__ import annotations

from . import _validation as v
from .paths.grid import default_alpha_min_ratio
from .paths.group import GroupProblem, class_groups, solve_group_path
from .paths.result import Path

__all__ = ["GroupProblem", "class_groups", "group_path", "solve_group_path"]


def group_path(X, y, groups=None, *, datafit="quadratic", l1_ratio: float = 0.0, alphas=None,
               n_alphas: int = 100, alpha_min_ratio: float | None = None, group_factor=None,
               fit_intercept: bool = True, standardize: bool = False, sample_weight=None,
               offset=None, tol: float = 1e-4, max_iter: int = 1000, feature_names=None) -> Path:
    """Warm-started group / sparse-group lasso solutions along a decreasing grid of alphas.

    ``groups``: one integer label per column (-1 or None: in no group); None puts every column
    in its own group (the lasso).  ``l1_ratio`` mixes in the L1 norm (0: group lasso).  The
    default grid runs from alpha_max (all groups zero) down to alpha_max * alpha_min_ratio.
    ``datafit``: "quadratic" or a GLM datafit name / instance (see ``shrinkage.datafits``),
    "quantile" included (``shrinkage.datafits.Quantile(tau)`` for the tau-quantile).

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
    problem = GroupProblem.build(X, y, groups, datafit=datafit, group_factor=group_factor,
                                 fit_intercept=fit_intercept, standardize=standardize,
                                 sample_weight=sample_weight, offset=offset,
                                 feature_names=feature_names)
    alphas = v.check_grid(alphas, n_alphas, alpha_min_ratio)
    if alphas is None and alpha_min_ratio is None:
        alpha_min_ratio = default_alpha_min_ratio(*problem.X.shape)
    return solve_group_path(problem, alphas, l1_ratio,
                            n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio,
                            tol=v.check_tol(tol),
                            max_iter=v.check_positive_int(max_iter, "max_iter"))
