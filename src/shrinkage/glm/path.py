"""The GLM family of the path engine: proximal Newton at each alpha, alpha_max at the null model.

``shrinkage.paths.engine`` runs the grid, the warm starts, glmnet's early stop of a default path
(``deviance_saturated``, named here too) and the warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from .._problem import Problem
from ..datafits import get_datafit
from ..glm_certificates import kkt_scale
from ..paths.engine import DevianceStop, assemble, deviance_saturated, grid, run
from ..paths.grid import default_alpha_min_ratio
from ..paths.result import Path
from ..penalties.l1_l2 import PenaltyWeights
from ..solvers.prox_newton import (
    Polished,
    _Data,
    free_columns,
    polish_unpenalized,
    solve_prox_newton,
)
from ..solvers.result import Fit
from .multinomial import centred, polish_multinomial, solve_multinomial
from .separation import check_finite_optimum

__all__ = ["GLMFamily", "deviance_saturated", "solve_glm_path"]


class GLMFamily:
    """The smooth GLM datafits' ``Family``: proximal Newton (its multinomial form for K > 1
    classes) at each alpha, the null model (intercept and unpenalized columns) at alpha_max.

    Parameters
    ----------
    problem : shrinkage._problem.Problem
        The validated problem.
    datafit : Datafit
        A smooth datafit (``shrinkage.datafits``).
    l1_ratio : float
        The penalty's mix.
    tol : float
        Each fit's tolerance, relative to the null model's objective.
    max_iter : int
        Coordinate-descent epochs allowed per alpha, in all.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import get_datafit
    >>> X = np.random.default_rng(0).standard_normal((40, 3))
    >>> family = GLMFamily(Problem.build(X, (X[:, 0] > 0).astype(float)),
    ...                    get_datafit("logistic"), 1.0, tol=1e-6, max_iter=100)
    >>> alpha_max, w, b = family.null()
    >>> bool(np.all(family.solve(alpha_max, w, b, None).w == 0))
    True
    """

    def __init__(self, problem: Problem, datafit, l1_ratio: float, *, tol: float, max_iter: int):
        self.problem, self.datafit, self.l1_ratio, self.max_iter = (
            problem,
            datafit,
            l1_ratio,
            max_iter,
        )
        self.y = y = datafit.check_target(problem.y)
        self.K = K = datafit.classes(y) if hasattr(datafit, "classes") else 1
        # binary or multinomial: the intercept b a float or K floats
        self._solve: Callable[..., Fit]
        self.polish: Callable[..., Polished]
        self._solve, self.polish = (
            (solve_multinomial, polish_multinomial)
            if K > 1
            else (solve_prox_newton, polish_unpenalized)
        )
        data = self.data = _Data(
            problem.raw_design,
            datafit,
            y,
            problem.sw,
            problem.offset_or_zero(K),
            problem.fit_intercept,
        )
        if K > 1:  # the centred design (a copy of X) built once for every alpha
            self._solve = partial(solve_multinomial, centring=centred(data))
        self.b_null = (
            datafit.null_intercept(y, data.sw, None if problem.offset is None else data.offset)
            if problem.fit_intercept
            else np.zeros(K)
            if K > 1
            else 0.0
        )
        self.f_null = data.objective(self.b_null + data.offset)
        self.f_saturated = -float(data.sw @ datafit.conjugate(y, np.zeros_like(data.offset)))
        # a KKT certificate (non-convex datafit) is in gradient units: tol relative to the
        # null model's gradient norm, as least squares' to ||y_c|| (``kkt_scale``)
        scale = (
            self.f_null
            if data.convex
            else kkt_scale(datafit, y, data.sw, self.b_null + data.offset)
        )
        self.tol_abs = tol * scale if scale > 0 else tol * np.finfo(float).tiny
        self.inactive = problem.col_norm_sq == 0
        self.shape = (problem.n_features, K) if K > 1 else (problem.n_features,)

    def null(self) -> tuple[float, np.ndarray, float | np.ndarray]:
        """alpha_max from the datafit gradient at the null model (intercept and free columns
        fitted, penalized columns at 0), with that model's w and b (the path's warm start)."""
        problem, data = self.problem, self.data
        penalty = problem.penalty(1.0, self.l1_ratio, problem.column_scale())
        pw = _weights(problem, 1.0, self.l1_ratio, self.inactive)
        shape = self.shape
        bounds = (pw.lower, pw.upper) if len(shape) == 1 else (pw.lower[:, None], pw.upper[:, None])
        w = np.clip(np.zeros(shape), *bounds)
        eta = problem.raw_design.matvec(w) + self.b_null + data.offset
        polished = self.polish(data, pw, free_columns(pw), w, self.b_null, eta)
        w, b, eta = polished.w, polished.b, polished.eta
        grad = problem.raw_design.rmatvec(
            data.sw[:, None] * data.datafit.derivative(data.y, eta)
            if eta.ndim == 2
            else data.sw * data.datafit.derivative(data.y, eta)
        )
        grad = grad.reshape(shape[0], -1)
        return max(penalty.alpha_max(grad[:, k]) for k in range(grad.shape[1])), w, b

    def solve(self, alpha: float, w: np.ndarray, b, state) -> Fit:
        """The fit at ``alpha`` from (w, b) and the previous linear predictor ``state``."""
        pw = _weights(self.problem, alpha, self.l1_ratio, self.inactive)
        return self._solve(
            self.data, pw, w, b, tol_abs=self.tol_abs, max_iter=self.max_iter, eta0=state
        )

    def deviance_stop(self) -> DevianceStop | None:
        """glmnet's early stop, where the null model does not already fit as well as the
        saturated one."""
        if self.f_null > self.f_saturated:
            return DevianceStop(self.data.objective, self.f_null, self.f_saturated)
        return None


def solve_glm_path(
    problem: Problem,
    datafit,
    alphas: np.ndarray | None,
    l1_ratio: float,
    *,
    n_alphas: int = 100,
    alpha_min_ratio: float | None = None,
    tol: float = 1e-4,
    max_iter: int = 1000,
    w0: np.ndarray | None = None,
    b0: float | np.ndarray | None = None,
    model: str = "the path",
) -> Path:
    """Warm-started proximal Newton fits along a decreasing alpha grid (inputs validated).

    Each fit stops when its duality gap is below tol times the null model's objective (the
    intercept-only fit with the offset), or after max_iter coordinate-descent epochs in all, and
    then warns.  The default grid (``alphas=None``) runs from alpha_max, the smallest alpha whose
    solution has every penalized coefficient at zero, down to alpha_max * alpha_min_ratio, and
    stops early, as glmnet does, once the fraction of deviance explained exceeds 0.999 or grows
    by less than 1e-5 of itself: the returned path is then shorter than n_alphas.

    Parameters
    ----------
    problem : shrinkage._problem.Problem
        The validated problem.
    datafit : str or Datafit
        A smooth datafit, by name or instance.
    alphas : numpy.ndarray or None
        The grid, or None for the default one (with glmnet's early stop).
    l1_ratio : float
        The penalty's mix.
    n_alphas : int
        The default grid's length.
    alpha_min_ratio : float, optional
        Its last alpha over its first (None: glmnet's default).
    tol : float
        Relative tolerance of each fit.
    max_iter : int
        Epochs allowed per alpha.
    w0 : numpy.ndarray, optional
        The first fit's coefficients ((p,) or (p, K)).
    b0 : float or numpy.ndarray, optional
        Its intercept.
    model : str
        What a convergence warning calls the computation.

    Returns
    -------
    Path
        The solutions with their duality gaps.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((40, 3))
    >>> p = solve_glm_path(Problem.build(X, (X[:, 0] > 0).astype(float)), "logistic", None,
    ...                    1.0, n_alphas=5)
    >>> p.datafit, int(p.nnz[0])
    ('logistic', 0)
    """
    datafit = get_datafit(datafit)
    if not datafit.smooth:
        raise ValueError(
            f"The {datafit.name} datafit is not smooth: proximal Newton needs a "
            "gradient that is Lipschitz in eta; use its own solver."
        )
    family = GLMFamily(problem, datafit, l1_ratio, tol=tol, max_iter=max_iter)
    default_grid = alphas is None
    if alpha_min_ratio is None:  # used by the default grid only
        alpha_min_ratio = default_alpha_min_ratio(problem.n_samples, problem.n_features)
    alphas, null = grid(family, alphas, n_alphas, alpha_min_ratio)
    w_start, b_null = (np.zeros(family.shape), family.b_null) if null is None else null
    w = w_start if w0 is None else np.asarray(w0, dtype=np.float64)
    if w.shape != family.shape:
        raise ValueError(f"w0 must have shape {family.shape}; got {w.shape}.")
    b = b_null if b0 is None else (float(b0) if family.K == 1 else np.asarray(b0, dtype=np.float64))
    _check_unpenalized_part(problem, datafit, family.y, alphas, l1_ratio, family.inactive)
    fits = run(family, alphas, w, b, stop=family.deviance_stop() if default_grid else None)
    return assemble(
        alphas[: len(fits)],
        fits,
        np.array([f.w for f in fits]).reshape(len(fits), *family.shape),
        np.array([f.intercept for f in fits], dtype=np.float64),
        l1_ratio,
        problem.feature_names,
        max_iter=max_iter,
        model=model,
        datafit=datafit.name,
        certificate="duality_gap" if family.data.convex else "kkt",
    )


def _check_unpenalized_part(
    problem: Problem, datafit, y: np.ndarray, alphas, l1_ratio: float, inactive: np.ndarray
) -> None:
    """Raise before fitting when the unpenalized columns (all of them at alpha = 0) diverge."""
    pw = _weights(problem, 1.0, l1_ratio, inactive)
    free = (pw.l1 == 0) & (pw.l2 == 0)
    if np.any(np.asarray(alphas) == 0):
        free[:] = True
    free &= pw.lower < pw.upper
    if np.any(free):
        check_finite_optimum(problem, datafit, y, np.flatnonzero(free))


def _weights(
    problem: Problem, alpha: float, l1_ratio: float, inactive: np.ndarray
) -> PenaltyWeights:
    """The kernels' weights at alpha; constant columns are pinned at 0 (the intercept has them)."""
    pw = problem.penalty(alpha, l1_ratio, problem.column_scale()).weights()
    if not inactive.any():
        return pw
    return PenaltyWeights(
        pw.l1, pw.l2, np.where(inactive, 0.0, pw.lower), np.where(inactive, 0.0, pw.upper)
    )
