"""Regularization paths: ``shrinkage.path``, the entry point of every path.

The engine is ``shrinkage.paths`` (grids, warm starts, early stop, warnings, the ``Path``);
this module validates the options and sends least squares, the smooth GLM datafits and the
quantile loss to their families, chosen by what the datafit is (``shrinkage.solvers.choice``,
which logs the choice and its reasons at debug level), not by its name.  ``Path``,
``alpha_grid``, ``default_alpha_min_ratio``, ``solve_path`` and ``warn_not_converged`` are the
engine's, named here too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _validation as v
from ._problem import Problem
from ._typing import DesignMatrix
from .datafits.base import Datafit
from .paths.engine import warn_not_converged
from .paths.grid import alpha_grid, default_alpha_min_ratio
from .paths.least_squares import solve_path
from .paths.multitask import multi_task_path
from .paths.nonconvex import nonconvex_path
from .paths.result import Path
from .solvers.choice import Choice, capabilities, choose_engine, engine_datafit

__all__ = [
    "Path",
    "alpha_grid",
    "default_alpha_min_ratio",
    "path",
    "solve_path",
    "warn_not_converged",
]


def path(
    X: DesignMatrix,
    y: ArrayLike,
    *,
    datafit: str | Datafit = "quadratic",
    l1_ratio: float = 1.0,
    alphas: ArrayLike | None = None,
    n_alphas: int = 100,
    alpha_min_ratio: float | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    sample_weight: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    penalty_factor: ArrayLike | None = None,
    lower: ArrayLike | None = None,
    upper: ArrayLike | None = None,
    positive: bool = False,
    tol: float = 1e-4,
    max_iter: int = 1000,
    solver: str = "auto",
    screen: bool = True,
    feature_names: ArrayLike | None = None,
    penalty: str = "l1_l2",
    gamma: float | None = None,
    multi_task: bool = False,
) -> Path:
    """Warm-started solutions of the documented objective along a grid of alphas.

    The default grid runs from alpha_max (the smallest alpha whose solution is all zeros) down to
    alpha_max * alpha_min_ratio.  See ``shrinkage.datafits.quadratic`` for the least-squares
    objective; any other ``datafit`` (a name such as "logistic" or a Datafit instance, see
    ``shrinkage.datafits.base``) is solved by proximal Newton (``shrinkage.glm``), whose default
    path may stop early when the deviance explained saturates; "quantile" (the pinball loss, not
    smooth) by the interior point of ``shrinkage.solvers.quantile``.  ``offset`` is added to the
    linear predictor (for least squares it is subtracted from y).

    ``penalty`` is "l1_l2" (the L1/L2 mix of ``l1_ratio``), or "mcp" or "scad", the non-convex
    penalties of ``shrinkage.paths.nonconvex`` for least squares, with their concavity ``gamma``
    (default 3.0 for MCP, 3.7 for SCAD; certified by the KKT violation).  ``multi_task=True``
    takes a 2-D ``y`` (one column per task) and penalizes the rows of W (p, T) with
    alpha * (l1_ratio * sum_j ||W_j||_2 + (1 - l1_ratio) / 2 * ||W||_F^2): scikit-learn's
    ``MultiTaskElasticNet`` objective, glmnet's "mgaussian" (``shrinkage.paths.multitask``);
    coefs then have shape (n_alphas, p, T).  Neither takes another datafit, ``offset``, bounds
    or a choice of solver (nor ``penalty_factor`` or ``standardize`` for multi-task, nor
    ``l1_ratio`` for MCP and SCAD): a ValueError names the option.  MCP and SCAD take
    ``standardize`` (ncvreg's: the penalty acts on the coefficients of the scaled columns).

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        The design (a DataFrame's columns name the features).
    y : array-like of shape (n_samples,)
        The target; (n_samples, n_tasks) with ``multi_task=True``.
    datafit : str or Datafit, default="quadratic"
        "quadratic" (least squares), or a GLM datafit name or instance ("logistic",
        "poisson", "gamma", "tweedie", "huber", "quantile", ...; see ``shrinkage.datafits``).
    l1_ratio : float, default=1.0
        The mix between L1 (1.0, the lasso) and L2 (0.0, ridge), in [0, 1].
    alphas : array-like of shape (n_alphas,) or None, default=None
        The grid, largest first; None for the default grid from alpha_max.
    n_alphas : int, default=100
        The default grid's length.
    alpha_min_ratio : float or None, default=None
        The default grid's last alpha over its first, in (0, 1); None for glmnet's rule (1e-4
        when n_samples >= n_features, else 1e-2).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (exact weighted centring for least squares).
    standardize : bool, default=False
        glmnet-style: penalize the coefficients of columns scaled to unit weighted standard
        deviation, report coefficients on the original scale.
    sample_weight : array-like of shape (n_samples,) or None, default=None
        The sample weights s (None: all ones).
    offset : array-like of shape (n_samples,) or None, default=None
        Added to the linear predictor (for least squares, subtracted from y).
    penalty_factor : array-like of shape (n_features,) or None, default=None
        Per-feature multipliers f_j >= 0 of the penalty (0 leaves a feature unpenalized);
        None is all ones.
    lower : float, array-like of shape (n_features,) or None, default=None
        Lower bounds on the coefficients (None: no bound).
    upper : float, array-like of shape (n_features,) or None, default=None
        Upper bounds on the coefficients (None: no bound).
    positive : bool, default=False
        Shorthand for ``lower=0``.
    tol : float, default=1e-4
        Each fit's relative tolerance: for least squares the duality gap
        <= tol * sum s (y - ybar)^2 / sum s (scikit-learn's convention); the GLMs' and the
        quantile loss's are relative to the null model's objective.
    max_iter : int, default=1000
        The iterations allowed per alpha (epochs, Newton steps or interior-point steps).
    solver : {"auto", "cd", "gram"}, default="auto"
        Least squares only: ``"cd"`` coordinate descent on working sets, ``"gram"`` the
        covariance mode for n >> p, ``"auto"`` chosen by ``shrinkage.solvers.choice``.
    screen : bool, default=True
        Least squares only: gap safe screening of the coefficients certified to be zero.
    feature_names : array-like of shape (n_features,) or None, default=None
        The columns' names (default: a DataFrame's columns).
    penalty : {"l1_l2", "mcp", "scad"}, default="l1_l2"
        The penalty: the L1/L2 mix of ``l1_ratio``, or MCP or SCAD (least squares).
    gamma : float or None, default=None
        The concavity of MCP (> 1, default 3.0) or SCAD (> 2, default 3.7); None otherwise.
    multi_task : bool, default=False
        Fit the tasks of a 2-D ``y`` together with the row-wise L2,1 penalty.

    Returns
    -------
    Path
        The solutions along the grid with their certificates (``shrinkage.paths.result``).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> p = shrinkage.path(X, y, l1_ratio=1.0, n_alphas=20)
    >>> p.coefs.shape  # one row per alpha, largest alpha first
    (20, 4)
    >>> int(p.nnz[0]), int(p.nnz[-1])  # none at alpha_max; then they enter one by one
    (0, 4)
    """
    l1_ratio = v.check_l1_ratio(l1_ratio)
    if feature_names is None and hasattr(X, "columns"):
        feature_names = np.asarray([str(c) for c in X.columns], dtype=object)
    checked_alphas = v.check_grid(alphas, n_alphas, alpha_min_ratio)
    penalty = v.check_choice(penalty, "penalty", PENALTIES)
    if not isinstance(multi_task, bool | np.bool_):
        raise TypeError(f"multi_task must be True or False; got {multi_task!r}.")
    if penalty == "l1_l2" and gamma is not None:
        raise ValueError(
            f"gamma={gamma!r} is the concavity of penalty='mcp' or 'scad'; "
            "penalty='l1_l2' has none (leave gamma=None)."
        )
    if multi_task or penalty != "l1_l2":
        what = "multi_task=True" if multi_task else f"penalty={penalty!r}"
        check_not_taken(
            what,
            datafit=datafit,
            l1_ratio=l1_ratio,
            offset=offset,
            penalty_factor=penalty_factor,
            lower=lower,
            upper=upper,
            positive=positive,
            standardize=standardize,
            solver=solver,
            screen=screen,
            penalty=penalty,
            gamma=gamma,
        )
        common: dict[str, Any] = {
            "alphas": checked_alphas,
            "n_alphas": n_alphas,
            "fit_intercept": fit_intercept,
            "sample_weight": sample_weight,
            "tol": v.check_tol(tol),
            "max_iter": v.check_positive_int(max_iter, "max_iter"),
            "feature_names": feature_names,
        }
        if not multi_task:
            return nonconvex_path(  # its Path records penalty and gamma (for coef_at)
                X,
                y,
                penalty=penalty,
                gamma=gamma,
                alpha_min_ratio=alpha_min_ratio,
                standardize=standardize,
                penalty_factor=penalty_factor,
                **common,
            )
        return multi_task_path(X, y, l1_ratio=l1_ratio, alpha_min_ratio=alpha_min_ratio, **common)
    X = v.check_design(X)
    fit, choice = route(X, y, datafit)
    n, p = X.shape
    tol, max_iter = v.check_tol(tol), v.check_positive_int(max_iter, "max_iter")
    least_squares = choice.solver in ("gram", "cd")
    problem = Problem.build(
        X,
        y,
        sample_weight=sample_weight,
        offset=None if least_squares else offset,  # least squares: subtracted from y below
        penalty_factor=penalty_factor,
        lower=lower,
        upper=upper,
        positive=positive,
        fit_intercept=fit_intercept,
        standardize=standardize,
        feature_names=feature_names,
        validated=True,
    )
    if least_squares:
        if offset is not None:
            problem.y = problem.y - v.check_target(offset, n, name="offset")
        if alpha_min_ratio is None:  # used by the default grid only
            alpha_min_ratio = default_alpha_min_ratio(n, p)
        return solve_path(
            problem,
            checked_alphas,
            l1_ratio,
            n_alphas=n_alphas,
            alpha_min_ratio=alpha_min_ratio,
            tol=tol,
            max_iter=max_iter,
            solver=choice.solver if solver == "auto" else solver,
            screen=screen,
        )
    if choice.solver == "quantile":  # not smooth: the interior point
        from .paths.quantile import solve_quantile_path

        if alpha_min_ratio is None:  # used by the default grid only
            alpha_min_ratio = default_alpha_min_ratio(n, p)
        return solve_quantile_path(
            problem,
            fit.quantile,
            checked_alphas,
            l1_ratio,
            n_alphas=n_alphas,
            alpha_min_ratio=alpha_min_ratio,
            tol=tol,
            max_iter=max_iter,
        )
    from .glm import solve_glm_path

    return solve_glm_path(
        problem,
        fit,
        checked_alphas,
        l1_ratio,
        n_alphas=n_alphas,
        alpha_min_ratio=alpha_min_ratio,
        tol=tol,
        max_iter=max_iter,
    )


def route(X: DesignMatrix, y: ArrayLike, datafit: str | Datafit) -> tuple[Any, Choice]:
    """The datafit object behind ``datafit`` and the solver for it on the validated ``X``,
    chosen by capability (``solvers.choice``): least squares ("gram" or "cd"), the interior
    point ("quantile"), or proximal Newton ("prox_newton", "multinomial" for coupled classes,
    whose number K is read off ``y``).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.ones((10, 2))
    >>> [route(X, y, d)[1].solver for d, y in [("quadratic", np.arange(10.0)),
    ...                                          ("logistic", np.arange(10) % 2),
    ...                                          ("multinomial", np.arange(10) % 3)]]
    ['gram', 'prox_newton', 'multinomial']
    """
    fit = engine_datafit(datafit)
    n, p = X.shape
    n_classes = 1
    if callable(getattr(fit, "classes", None)):  # coupled classes: K from the target
        n_classes = fit.classes(fit.check_target(v.check_target(y, n, dtype=X.dtype)))
    return fit, choose_engine(capabilities(fit, n, p, n_classes=n_classes))


#: the penalties of ``path``
PENALTIES = ("l1_l2", "mcp", "scad")
#: the options of ``path`` with their defaults, and those a special path does not take
_DEFAULTS = {
    "datafit": "quadratic",
    "l1_ratio": 1.0,
    "offset": None,
    "penalty_factor": None,
    "lower": None,
    "upper": None,
    "positive": False,
    "standardize": False,
    "solver": "auto",
    "screen": True,
    "penalty": "l1_l2",
    "gamma": None,
}
_NOT_TAKEN = {
    "multi_task=True": (
        "datafit",
        "offset",
        "penalty_factor",
        "lower",
        "upper",
        "positive",
        "standardize",
        "solver",
        "screen",
        "penalty",
        "gamma",
    ),
    "nonconvex": (
        "datafit",
        "l1_ratio",
        "offset",
        "lower",
        "upper",
        "positive",
        "solver",
        "screen",
    ),
}


def check_not_taken(what: str, **options: object) -> None:
    """A ValueError naming the first option that ``what`` (``multi_task=True`` or an MCP / SCAD
    penalty) does not take, set away from its default.

    Parameters
    ----------
    what : str
        "multi_task=True", "penalty='mcp'" or "penalty='scad'".
    **options
        The options of ``path``, by name.

    Examples
    --------
    >>> check_not_taken("penalty='mcp'", l1_ratio=1.0, standardize=False)
    >>> check_not_taken("penalty='mcp'", l1_ratio=0.5)
    Traceback (most recent call last):
    ...
    ValueError: l1_ratio=0.5 is not available with penalty='mcp'; leave it at 1.0.
    """
    names = _NOT_TAKEN["multi_task=True" if what == "multi_task=True" else "nonconvex"]
    for name in names:
        if name not in options:
            continue
        value, default = options[name], _DEFAULTS[name]
        if not (
            value is None
            if default is None
            else not isinstance(value, np.ndarray) and value == default
        ):
            raise ValueError(
                f"{name}={value!r} is not available with {what}; leave it at {default!r}."
            )
