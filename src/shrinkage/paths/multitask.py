"""The multi-task family of the path engine: the L2,1 (+ L2) penalty over the rows of W (p, T),
scikit-learn's ``MultiTaskElasticNet`` objective (glmnet's "mgaussian"), solved at each alpha by
the block coordinate descent of ``shrinkage.solvers.multitask``; ``shrinkage.path(...,
multi_task=True)`` is its entry point.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _validation as v
from .._problem import Problem
from .._typing import DesignMatrix
from ..datafits.quadratic import WeightedDesign
from ..solvers.multitask import check_multitask_target, multitask_alpha_max, solve_multitask
from ..solvers.result import Fit
from .engine import assemble, grid, run
from .grid import default_alpha_min_ratio
from .result import Path


class MultiTaskFamily:
    """The multi-task ``Family``: alpha_max = max_j ||X_c[:, j]' S Y_c||_2 / l1_ratio, W = 0 there.

    Parameters
    ----------
    design : WeightedDesign
        The centred, weighted data with a 2-D target.
    l1_ratio : float
        The share of the L2,1 norm.
    tol : float
        Each fit's relative tolerance (of sum_t sum_i s_i (y_it - ybar_t)^2 / sum s).
    max_iter : int
        The epochs allowed per alpha.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((30, 4))
    >>> family = MultiTaskFamily(WeightedDesign.build(X, X[:, :2], np.ones(30), True), 1.0,
    ...                          tol=1e-8, max_iter=100)
    >>> alpha_max, W, _ = family.null()
    >>> bool(np.all(family.solve(alpha_max, W, None, None).w == 0))
    True
    """

    def __init__(self, design: WeightedDesign, l1_ratio: float, *, tol: float, max_iter: int):
        self.design, self.l1_ratio, self.tol, self.max_iter = design, l1_ratio, tol, max_iter

    def null(self) -> tuple[float, np.ndarray, None]:
        """alpha_max and W = 0."""
        if self.l1_ratio == 0:
            raise ValueError("l1_ratio=0 (pure L2) has no alpha_max: give alphas explicitly.")
        W = np.zeros((self.design.n_features, self.design.y.shape[1]))
        return multitask_alpha_max(self.design, self.l1_ratio), W, None

    def solve(self, alpha: float, w: np.ndarray, b: Any, state: Any) -> Fit:
        """The fit at ``alpha`` from W and the previous residual ``state``."""
        return solve_multitask(
            self.design,
            alpha * self.l1_ratio,
            alpha * (1.0 - self.l1_ratio),
            w,
            tol=self.tol,
            max_iter=self.max_iter,
            state=state,
        )


def multi_task_path(
    X: DesignMatrix,
    Y: ArrayLike,
    *,
    l1_ratio: float,
    alphas: np.ndarray | None,
    n_alphas: int,
    alpha_min_ratio: float | None,
    fit_intercept: bool,
    sample_weight: ArrayLike | None,
    tol: float,
    max_iter: int,
    feature_names: ArrayLike | None,
    w0: np.ndarray | None = None,
    model: str = "the multi-task path",
) -> Path:
    """Warm-started multi-task fits along a decreasing grid (options validated but X, Y).

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        The design.
    Y : array-like of shape (n_samples, n_tasks)
        The targets, one column per task.
    l1_ratio : float
        The share of the L2,1 norm (0 needs ``alphas``).
    alphas : numpy.ndarray or None
        The grid, or None for n_alphas from alpha_max down to alpha_max * alpha_min_ratio.
    n_alphas : int
        The default grid's length.
    alpha_min_ratio : float or None
        Its last alpha over its first; None: glmnet's default for the shape of X.
    fit_intercept : bool
        One unpenalized intercept per task.
    sample_weight : array-like or None
        One non-negative weight per sample.
    tol : float
        Each fit's relative tolerance.
    max_iter : int
        The epochs allowed per alpha.
    feature_names : array-like or None
        The columns' names.
    w0 : numpy.ndarray, optional
        The first fit's W (p, T) (default: 0 at alpha_max, or zeros).
    model : str
        What a convergence warning calls the computation.

    Returns
    -------
    Path
        coefs (n_alphas, p, T), intercepts (n_alphas, T), duality gaps.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((30, 4))
    >>> p = multi_task_path(X, X[:, :2], l1_ratio=1.0, alphas=None, n_alphas=3,
    ...                     alpha_min_ratio=1e-2, fit_intercept=True, sample_weight=None,
    ...                     tol=1e-6, max_iter=100, feature_names=None)
    >>> p.coefs.shape, p.nnz
    ((3, 4, 2), array([0, 2, 2]))
    """
    X = v.check_design(X)
    problem = Problem.build(
        X,
        check_multitask_target(Y, X.shape[0], X.dtype),
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        feature_names=feature_names,
        multi_output=True,
        validated=True,
    )
    Y, names = problem.y, problem.feature_names
    if alpha_min_ratio is None:  # used by the default grid only
        alpha_min_ratio = default_alpha_min_ratio(*X.shape)
    design = problem.design
    family = MultiTaskFamily(design, l1_ratio, tol=tol, max_iter=max_iter)
    alphas, null = grid(family, alphas, n_alphas, alpha_min_ratio)
    p, T = X.shape[1], Y.shape[1]
    if w0 is None:
        w0 = np.zeros((p, T)) if null is None else null[0]
    fits = run(family, alphas, np.asarray(w0, dtype=np.float64))
    coefs = np.array([f.w for f in fits]).reshape(len(alphas), p, T)
    intercepts = (
        design.y_offset - coefs.transpose(0, 2, 1) @ design.x_offset
        if problem.fit_intercept
        else np.zeros((len(alphas), T))
    )
    return assemble(
        alphas,
        fits,
        coefs,
        intercepts,
        l1_ratio,
        names,
        max_iter=max_iter,
        model=model,
        penalty="multitask",
    )
