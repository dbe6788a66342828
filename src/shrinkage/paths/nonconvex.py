"""Least squares with the MCP or SCAD penalty: warm-started paths from alpha_max down.

The objective (sample weights s, penalty factors f)::

    1/(2 sum s) sum_i s_i (y_i - x_i.w - b)^2 + sum_j pen(w_j; alpha f_j, gamma)

with ``pen`` the MCP (``shrinkage.penalties.mcp``) or the SCAD (``shrinkage.penalties.scad``);
with s = 1 and f = 1 it is skglm's ``MCPRegression`` objective.  The penalty is not convex, so a
fit is a stationary point and a coordinate-wise minimum reached from its start: from 0 at
alpha_max, then from the previous alpha's solution, as ncvreg and skglm do.  Its certificate is
the largest KKT violation, the distance of minus the gradient to the Clarke subdifferential,
per unit column norm (``max_j kkt_j / ||x_j||``, in the units of y), and a fit converges when
it is at most ``tol`` times the weighted standard deviation of y.

``standardize=True`` is ncvreg's (and glmnet's) standardization: the penalty acts on the
coefficients of the columns divided by their weighted standard deviations (``c_j``, the RMS
without an intercept, 1 for a constant column), ``pen(c_j w_j; alpha f_j, gamma)``, and the
coefficients come back on the original scale.  The fit runs on the scaled columns, where every
coordinate problem is convex.  The certificate does not depend on the scale: scaling column j
by 1 / c_j divides both its KKT violation and its norm by c_j, so ``max_j kkt_j / ||x_j||`` is
the same number for the scaled problem and for the original-scale one with the penalty above.

The solver is the working-set coordinate descent of ``solvers.cd`` (``kind`` and ``gamma`` of
``penalties._separable``); the path engine (``shrinkage.paths.engine``) runs the grid and the
warm starts of the ``Nonconvex`` family.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _validation as v
from .._problem import Problem
from .._typing import DesignMatrix
from ..datafits.quadratic import WeightedDesign
from ..penalties import _separable, mcp, scad
from ..penalties.l1_l2 import PenaltyWeights
from ..solvers.cd import solve_cd
from ..solvers.result import Fit
from .engine import grid, run, warn_not_converged
from .grid import default_alpha_min_ratio
from .result import Path

#: penalty name -> (its kind in ``penalties._separable``, default gamma, gamma must exceed)
PENALTIES = {"mcp": (_separable.MCP, 3.0, 1.0), "scad": (_separable.SCAD, 3.7, 2.0)}
#: a coordinate move must lower the objective by more than this times sum s (y - ybar)^2 / sum s
#: (the null model's doubled objective) to count: far above the rounding of the objective
_ROUNDING = 1e-12


def check_penalty(penalty: object) -> str:
    """The penalty's name, "mcp" or "scad" (a ValueError naming ``penalty`` otherwise).

    Parameters
    ----------
    penalty : str
        "mcp" or "scad".

    Returns
    -------
    str
        ``penalty``.

    Examples
    --------
    >>> check_penalty("scad")
    'scad'
    """
    return v.check_choice(penalty, "penalty", tuple(PENALTIES))


def check_gamma(gamma: object, penalty: str) -> float:
    """``gamma`` as a float, or the penalty's default when None: > 1 for MCP, > 2 for SCAD.

    Parameters
    ----------
    gamma : float or None
        The concavity parameter.
    penalty : str
        "mcp" or "scad".

    Returns
    -------
    float
        The checked gamma.

    Examples
    --------
    >>> check_gamma(None, "mcp"), check_gamma(4, "scad")
    (3.0, 4.0)
    >>> check_gamma(1.0, "mcp")
    Traceback (most recent call last):
    ...
    ValueError: gamma must be > 1 for MCP (a finite number); got 1.0.
    """
    _, default, low = PENALTIES[penalty]
    if gamma is None:
        return default
    value = v.real_number(gamma)
    if value is None:
        raise TypeError(f"gamma must be a real number; got {gamma!r}.")
    if not (np.isfinite(value) and value > low):
        raise ValueError(
            f"gamma must be > {low:g} for {penalty.upper()} (a finite number); got {gamma!r}."
        )
    return value


def nonconvex_path(
    X: DesignMatrix,
    y: ArrayLike,
    *,
    penalty: str = "mcp",
    gamma: float | None = None,
    alphas: ArrayLike | None = None,
    n_alphas: int = 100,
    alpha_min_ratio: float | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    sample_weight: ArrayLike | None = None,
    penalty_factor: ArrayLike | None = None,
    tol: float = 1e-4,
    max_iter: int = 1000,
    feature_names: ArrayLike | None = None,
) -> Path:
    """MCP or SCAD least squares along a decreasing grid of alphas, each fit warm-started from
    the previous one.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        The design.
    y : array-like of shape (n_samples,)
        The target.
    penalty : str
        "mcp" (the minimax concave penalty) or "scad".
    gamma : float or None
        The concavity: > 1 for MCP (default 3), > 2 for SCAD (default 3.7).  Small values are
        closer to best-subset selection, large ones to the lasso.
    alphas : array-like or None
        The grid (sorted in decreasing order); None: ``n_alphas`` values from alpha_max (the
        smallest alpha whose solution is all zeros, the lasso's) down to alpha_max times
        ``alpha_min_ratio``.
    n_alphas : int
        The length of the default grid.
    alpha_min_ratio : float or None
        The last alpha of the default grid over the first (None: 1e-4 when n >= p, else 1e-2).
    fit_intercept : bool
        Fit an unpenalized intercept.
    standardize : bool
        ncvreg's (and glmnet's) standardization: penalize the coefficients of the columns
        scaled to unit weighted standard deviation (a constant column keeps scale 1), return
        the coefficients on the original scale; alpha_max and the grid are then those of the
        scaled columns.
    sample_weight : array-like of shape (n_samples,) or None
        Weights of the squared residuals (and of the standardization's means and variances).
    penalty_factor : array-like of shape (n_features,) or None
        Per-feature multipliers of alpha, f_j >= 0 (0 leaves a feature unpenalized); gamma is
        the same for every feature.
    tol : float
        Stop when the largest KKT violation per unit column norm is at most ``tol`` times the
        weighted standard deviation of y.
    max_iter : int
        The most coordinate-descent epochs per alpha.
    feature_names : array-like of str or None
        Column names (taken from a DataFrame's columns when None).

    Returns
    -------
    Path
        The solutions (largest alpha first); ``gaps`` holds each fit's KKT violation per unit
        column norm (the same on either scale with ``standardize``) and ``certificate`` is
        "kkt".

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.paths.nonconvex import nonconvex_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 6))
    >>> y = X @ np.array([2.0, 0.0, 0.0, -1.5, 0.0, 0.0]) + 0.1 * rng.standard_normal(60)
    >>> p = nonconvex_path(X, y, penalty="mcp", n_alphas=20)
    >>> int(p.nnz[0]), p.certificate, bool(np.all(p.converged))
    (0, 'kkt', True)
    >>> np.flatnonzero(p.coefs[10])  # the two true features, unshrunk
    array([0, 3])
    """
    penalty = check_penalty(penalty)
    gamma = check_gamma(gamma, penalty)
    if feature_names is None and hasattr(X, "columns"):
        feature_names = np.asarray([str(c) for c in X.columns], dtype=object)
    checked = v.check_grid(alphas, n_alphas, alpha_min_ratio)
    problem = Problem.build(
        X,
        y,
        sample_weight=sample_weight,
        penalty_factor=penalty_factor,
        fit_intercept=fit_intercept,
        standardize=standardize,
        feature_names=feature_names,
    )
    if alpha_min_ratio is None:  # only the default grid reads it
        alpha_min_ratio = default_alpha_min_ratio(problem.n_samples, problem.n_features)
    return solve_nonconvex_path(
        problem,
        penalty,
        gamma,
        checked,
        n_alphas=n_alphas,
        alpha_min_ratio=alpha_min_ratio,
        tol=v.check_tol(tol),
        max_iter=v.check_positive_int(max_iter, "max_iter"),
    )


def solve_nonconvex_path(
    problem: Problem,
    penalty: str,
    gamma: float,
    alphas: np.ndarray | None,
    *,
    n_alphas: int = 100,
    alpha_min_ratio: float = 1e-4,
    tol: float = 1e-4,
    max_iter: int = 1000,
    w0: np.ndarray | None = None,
    model: str = "the path",
) -> Path:
    """The engine behind ``nonconvex_path`` and the estimators (inputs already validated).

    Parameters
    ----------
    problem : Problem
        The validated least-squares problem (its bounds are ignored); with ``standardize``
        the penalty acts on the coefficients of its scaled columns (``standardized``).
    penalty : str
        "mcp" or "scad".
    gamma : float
        The checked concavity.
    alphas : numpy.ndarray or None
        The grid, or None for the default one (which starts from the null fit).
    n_alphas : int
        The length of the default grid.
    alpha_min_ratio : float
        The last alpha of the default grid over the first.
    tol : float
        The relative tolerance of the KKT certificate.
    max_iter : int
        The most epochs per alpha.
    w0 : numpy.ndarray or None
        The start of the first fit, on the original scale (None: the null fit).
    model : str
        The name the convergence warning uses.

    Returns
    -------
    Path
        As ``nonconvex_path``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage._problem import Problem
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((40, 3))
    >>> problem = Problem.build(X, X[:, 0] + 0.1 * rng.standard_normal(40))
    >>> p = solve_nonconvex_path(problem, "scad", 3.7, np.array([0.5, 0.1]))
    >>> np.flatnonzero(p.coefs[1])
    array([0])
    """
    problem, scale = standardized(problem)
    family = Nonconvex(problem, penalty, gamma, tol=tol, max_iter=max_iter)
    alphas, null = grid(family, alphas, n_alphas, alpha_min_ratio)
    if w0 is None:
        w0 = family.null()[1] if null is None else null[0]
    elif scale is not None:
        w0 = np.asarray(w0, dtype=np.float64) * scale
    fits = run(family, [float(a) for a in alphas], np.asarray(w0, dtype=np.float64))
    # certified by the KKT violation: the shared warning names it so
    warn_not_converged([replace(f, certificate="kkt") for f in fits], alphas, max_iter, model)
    design, p = problem.design, problem.n_features
    coefs = np.array([f.w for f in fits]).reshape(len(alphas), p)
    intercepts = (
        design.y_offset - coefs @ design.x_offset
        if problem.fit_intercept
        else np.zeros(len(alphas))
    )  # the same on either scale
    if scale is not None:
        coefs = coefs / scale
    return Path(
        np.asarray(alphas, dtype=np.float64),
        coefs,
        np.asarray(intercepts, float),
        np.array([f.gap for f in fits]),
        np.array([f.n_iter for f in fits]),
        np.array([f.converged for f in fits]),
        1.0,
        problem.feature_names,
        certificate="kkt",
        penalty=penalty,
        gamma=gamma,
    )  # the model, for coef_at


def standardized(problem: Problem) -> tuple[Problem, np.ndarray | None]:
    """The problem on its columns divided by their scales, with the scales, when it asks for
    ``standardize``; else (``problem``, None).

    The scales are ``Problem.column_scale`` (glmnet's and ncvreg's: the weighted standard
    deviation, the RMS without an intercept, 1 for a constant column).  Only the returned
    problem's ``design`` is scaled (a fresh one: the caller's problem is left as it was), and
    its ``X`` is the caller's, read for its shape only.

    Parameters
    ----------
    problem : Problem
        The validated problem.

    Returns
    -------
    tuple of (Problem, numpy.ndarray or None)
        The problem to solve, and the scales c (coefficients on the original scale are the
        scaled ones over c), or None without ``standardize``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage._problem import Problem
    >>> X = np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0], [6.0, 1.0]])
    >>> scaled, s = standardized(Problem.build(X, [1.0, 2.0, 3.0, 5.0], standardize=True))
    >>> s.round(4), scaled.design.col_norm_sq.round(12)  # the constant column keeps scale 1
    (array([2.2361, 1.    ]), array([1., 0.]))
    """
    if not problem.standardize:
        return problem, None
    design = WeightedDesign.build(
        problem.X, problem.y, problem.sample_weight, problem.fit_intercept
    )
    scale = problem.column_scale(design.col_norm_sq)
    assert scale is not None  # problem.standardize
    inverse = 1.0 / scale
    if design.is_sparse:  # the CSC values are the caller's: scaled into a new array
        data = design.data * np.repeat(inverse, np.diff(design.indptr)).astype(design.data.dtype)
        design = replace(design, data=data)
    else:  # Xd is the fresh design's own copy
        np.multiply(design.Xd, inverse.astype(design.Xd.dtype), out=design.Xd)
    design = replace(
        design, x_offset=design.x_offset * inverse, col_norm_sq=design.col_norm_sq * inverse**2
    )
    return replace(problem, standardize=False).with_design(design), scale


class Nonconvex:
    """The MCP / SCAD least-squares ``Family`` of the path engine.

    Parameters
    ----------
    problem : shrinkage._problem.Problem
        The validated problem (its bounds are ignored).
    penalty : str
        "mcp" or "scad".
    gamma : float
        The checked concavity.
    tol : float
        The relative tolerance of the KKT certificate (of the weighted sd of y).
    max_iter : int
        The epochs allowed per alpha.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage._problem import Problem
    >>> X = np.random.default_rng(0).standard_normal((30, 3))
    >>> family = Nonconvex(Problem.build(X, X[:, 0]), "mcp", 3.0, tol=1e-8, max_iter=100)
    >>> alpha_max, w, _ = family.null()
    >>> bool(np.all(family.solve(alpha_max, w, None, None).w == 0))
    True
    >>> np.flatnonzero(family.solve(0.1 * alpha_max, w, None, None).w)
    array([0])
    """

    def __init__(self, problem: Problem, penalty: str, gamma: float, *, tol: float, max_iter: int):
        self.problem, self.kind, self.gamma = problem, PENALTIES[penalty][0], gamma
        self.tol, self.max_iter = tol, max_iter

    def solve(self, alpha: float, w: np.ndarray, b: Any, state: Any) -> Fit:
        """The fit at ``alpha`` from ``w`` (the intercept comes from the centring, not ``b``)."""
        p = self.problem.n_features
        unbounded = np.full(p, np.inf)
        pw = PenaltyWeights(alpha * self.problem.factors, np.zeros(p), -unbounded, unbounded)
        return _solve(
            self.problem.design, pw, w, self.kind, self.gamma, self.tol, self.max_iter, state
        )

    def null(self) -> tuple[float, np.ndarray, None]:
        """alpha_max (the lasso's, the same for MCP and SCAD: ``scad.alpha_max`` is
        ``mcp.alpha_max``) at the least-squares fit of the unpenalized columns alone, with that
        fit, which is the solution at alpha_max."""
        problem, design = self.problem, self.problem.design
        w = np.zeros(problem.n_features)
        free = np.flatnonzero((problem.factors == 0) & (design.col_norm_sq > 0))
        if free.size:
            cross, q = design.cross_gram(free)
            w[free] = np.linalg.lstsq(cross[free], q, rcond=None)[0]
        corr = design.correlations(*design.residual(w))
        return float(mcp.alpha_max(corr, problem.factors)), w, None


def _solve(
    design: WeightedDesign,
    pw: PenaltyWeights,
    w: np.ndarray,
    kind: int,
    gamma: float,
    tol: float,
    max_iter: int,
    state: Any,
) -> Fit:
    """A stationary point from ``w``, and a coordinate-wise minimum.

    Where a column's coordinate problem is not convex (MCP: gamma ||x_j||^2 <= 1, SCAD:
    (gamma - 1) ||x_j||^2 <= 1, ||x_j||^2 = sum_i s_i (x_ij - xbar_j)^2 / sum s) a zero
    coordinate can be stationary (its KKT score 0, so the working sets never visit it) while
    the exact coordinate minimum, a hard threshold, lies elsewhere.  After each certified fit,
    the coordinate whose exact minimisation lowers the objective most is moved there and the
    fit resumes, until no coordinate move helps: the objective decreases at each step, so this
    stops, at a point both KKT-certified and coordinate-wise minimal.
    """
    fit = solve_cd(design, pw, w, tol=tol, max_iter=max_iter, state=state, kind=kind, gamma=gamma)
    L = design.col_norm_sq
    module, curvature = (mcp, gamma) if kind == _separable.MCP else (scad, gamma - 1.0)
    cols = np.flatnonzero((L > 0) & (pw.l1 > 0) & (curvature * L <= 1.0))
    epochs = fit.n_iter
    while cols.size and epochs < max_iter:
        r, rsum = design.residual(fit.w)
        corr = design.correlations(r, rsum)[cols]
        w_c, L_c, a_c = fit.w[cols], L[cols], pw.l1[cols]
        z = w_c + corr / L_c
        best = np.array([module.prox(z[k], 1.0 / L_c[k], a_c[k], gamma) for k in range(cols.size)])
        change = 0.5 * L_c * ((best - z) ** 2 - (w_c - z) ** 2) + np.array(
            [
                module.penalty_scalar(best[k], a_c[k], gamma)
                - module.penalty_scalar(w_c[k], a_c[k], gamma)
                for k in range(cols.size)
            ]
        )
        k = int(np.argmin(change))
        if not change[k] < -_ROUNDING * max(float(design.yty), np.finfo(float).tiny):
            break
        w = fit.w.copy()
        w[cols[k]] = best[k]
        fit = solve_cd(
            design, pw, w, tol=tol, max_iter=max(max_iter - epochs, 1), kind=kind, gamma=gamma
        )
        epochs += fit.n_iter + 1
    return replace(fit, n_iter=epochs)
