"""The multi-task family of the path engine: the L2,1 (+ L2) penalty over the rows of W (p, T),
scikit-learn's ``MultiTaskElasticNet`` objective (glmnet's "mgaussian"), solved at each alpha by
the block coordinate descent of ``shrinkage.solvers.multitask``.

Every multi-task path runs here: ``shrinkage.path(..., multi_task=True)`` through
``multi_task_path``; the estimators (``MultiTaskLasso``, ``MultiTaskElasticNet``, their CV
and ``multitask_path``) build the ``Problem`` with ``multi_task_problem``, run
``multi_task_fits`` (the grid and the warm-started fits, no warning) and warn or assemble
themselves, so that a warning points at their caller's line and a CV fold warns nothing.
"""

from __future__ import annotations

from typing import Any, NamedTuple

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


class MultiTaskFits(NamedTuple):
    """A multi-task path before ``engine.assemble``: its alphas, fits (certificates),
    coefficients (n_alphas, p, T) and intercepts (n_alphas, T), in ``assemble``'s order."""

    alphas: np.ndarray
    fits: list[Fit]
    coefs: np.ndarray
    intercepts: np.ndarray


def multi_task_problem(
    X: DesignMatrix,
    Y: ArrayLike,
    *,
    sample_weight: ArrayLike | None,
    fit_intercept: bool,
    feature_names: ArrayLike | None = None,
    model: str = "",
    validated: bool = False,
) -> Problem:
    """The one ``Problem`` of a multi-task fit: X checked, Y two-dimensional (one column per task).

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        The design.
    Y : array-like of shape (n_samples, n_tasks)
        The targets; a one-dimensional Y is refused, naming the single-task model.
    sample_weight : array-like or None
        One non-negative weight per sample.
    fit_intercept : bool
        One unpenalized intercept per task.
    feature_names : array-like or None
        The columns' names.
    model : str
        The caller's class name ("MultiTaskLasso"), for the message about a 1-D Y.
    validated : bool
        X and Y were checked already (by an estimator, or a fold's rows of checked data).

    Returns
    -------
    Problem
        Its ``design`` (the centred, weighted X and Y) is what the family solves.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((30, 4))
    >>> multi_task_problem(X, X[:, :2], sample_weight=None, fit_intercept=True).y.shape
    (30, 2)
    """
    if not validated:
        X = v.check_design(X)
        Y = check_multitask_target(Y, X.shape[0], X.dtype, model=model)
    return Problem.build(
        X,
        Y,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        feature_names=feature_names,
        multi_output=True,
        validated=True,
    )


def multi_task_fits(
    problem: Problem,
    l1_ratio: float,
    alphas: np.ndarray | None,
    *,
    n_alphas: int = 100,
    alpha_min_ratio: float | None = None,
    tol: float,
    max_iter: int,
    w0: np.ndarray | None = None,
) -> MultiTaskFits:
    """The path engine's grid and warm-started fits on ``problem`` (options validated); no
    warning: the caller warns (``engine.warn_not_converged``) or assembles (``engine.assemble``).

    Parameters
    ----------
    problem : Problem
        From ``multi_task_problem``.
    l1_ratio : float
        The share of the L2,1 norm (0 needs ``alphas``).
    alphas : numpy.ndarray or None
        The grid, largest first, or None for n_alphas from alpha_max down to
        alpha_max * alpha_min_ratio.
    n_alphas : int
        The default grid's length.
    alpha_min_ratio : float or None
        Its last alpha over its first; None: glmnet's default for the shape of X.
    tol : float
        Each fit's relative tolerance.
    max_iter : int
        The epochs allowed per alpha.
    w0 : numpy.ndarray, optional
        The first fit's W (p, T) (default: 0 at alpha_max, or zeros).

    Returns
    -------
    MultiTaskFits
        The alphas, the fits, coefs (n_alphas, p, T) and intercepts (n_alphas, T).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((30, 4))
    >>> problem = multi_task_problem(X, X[:, :2], sample_weight=None, fit_intercept=True)
    >>> out = multi_task_fits(problem, 1.0, np.array([0.1]), tol=1e-8, max_iter=100)
    >>> out.coefs.shape, bool(out.fits[0].converged)
    ((1, 4, 2), True)
    """
    if alpha_min_ratio is None:  # used by the default grid only
        alpha_min_ratio = default_alpha_min_ratio(problem.n_samples, problem.n_features)
    design = problem.design
    family = MultiTaskFamily(design, l1_ratio, tol=tol, max_iter=max_iter)
    alphas, null = grid(family, alphas, n_alphas, alpha_min_ratio)
    p, T = problem.n_features, problem.y.shape[1]
    if w0 is None:
        w0 = np.zeros((p, T)) if null is None else null[0]
    fits = run(family, alphas, np.asarray(w0, dtype=np.float64))
    coefs = np.array([f.w for f in fits]).reshape(len(alphas), p, T)
    intercepts = (
        design.y_offset - coefs.transpose(0, 2, 1) @ design.x_offset
        if problem.fit_intercept
        else np.zeros((len(alphas), T))
    )
    return MultiTaskFits(alphas, fits, coefs, intercepts)


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
    problem = multi_task_problem(
        X, Y, sample_weight=sample_weight, fit_intercept=fit_intercept, feature_names=feature_names
    )
    out = multi_task_fits(
        problem,
        l1_ratio,
        alphas,
        n_alphas=n_alphas,
        alpha_min_ratio=alpha_min_ratio,
        tol=tol,
        max_iter=max_iter,
        w0=w0,
    )
    return assemble(
        *out,
        l1_ratio,
        problem.feature_names,
        max_iter=max_iter,
        model=model,
        penalty="multitask",
    )
