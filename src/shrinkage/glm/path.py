"""Warm-started GLM paths: alpha_max at the null model, glmnet's grid and early stop."""

from __future__ import annotations

from functools import partial

import numpy as np

from ..datafits import get_datafit
from ..path import Path, alpha_grid, default_alpha_min_ratio, warn_not_converged
from ..penalties.l1_l2 import PenaltyWeights
from ..solvers.prox_newton import _Data, free_columns, polish_unpenalized, solve_prox_newton
from .multinomial import centred, polish_multinomial, solve_multinomial
from .problem import GLMProblem
from .separation import check_finite_optimum

# glmnet's early stop of a default path: deviance explained above this, or growing by less than
# this fraction of itself from one alpha to the next (after the first few alphas)
_DEV_RATIO_MAX = 0.999
_DEV_RATIO_STALL = 1e-5
_MIN_ALPHAS_BEFORE_STOP = 5


def solve_glm_path(problem: GLMProblem, datafit, alphas: np.ndarray | None, l1_ratio: float, *,
                   n_alphas: int = 100, alpha_min_ratio: float | None = None, tol: float = 1e-4,
                   max_iter: int = 1000, w0: np.ndarray | None = None, b0: float | None = None,
                   model: str = "the path") -> Path:
    """Warm-started proximal Newton fits along a decreasing alpha grid (inputs validated).

    Each fit stops when its duality gap is below tol times the null model's objective (the
    intercept-only fit with the offset), or after max_iter coordinate-descent epochs in all, and
    then warns.  The default grid (``alphas=None``) runs from alpha_max, the smallest alpha whose
    solution has every penalized coefficient at zero, down to alpha_max * alpha_min_ratio, and
    stops early, as glmnet does, once the fraction of deviance explained exceeds 0.999 or grows
    by less than 1e-5 of itself: the returned path is then shorter than n_alphas.
    """
    datafit = get_datafit(datafit)
    if not datafit.smooth:
        raise ValueError(f"The {datafit.name} datafit is not smooth: proximal Newton needs a "
                         "gradient that is Lipschitz in eta; use its own solver.")
    y = datafit.check_target(problem.y)
    K = datafit.classes(y) if hasattr(datafit, "classes") else 1
    solve, polish = ((solve_multinomial, polish_multinomial) if K > 1
                     else (solve_prox_newton, polish_unpenalized))
    data = _Data(problem.design, datafit, y, problem.sw, problem.offset_or_zero(K),
                 problem.fit_intercept)
    if K > 1:  # the centred design (a copy of X) built once for every alpha
        solve = partial(solve_multinomial, centring=centred(data))
    b_null = (datafit.null_intercept(y, data.sw, None if problem.offset is None else data.offset)
              if problem.fit_intercept else np.zeros(K) if K > 1 else 0.0)
    f_null = data.objective(b_null + data.offset)
    f_saturated = -float(data.sw @ datafit.conjugate(y, np.zeros_like(data.offset)))
    tol_abs = tol * f_null if f_null > 0 else tol * np.finfo(float).tiny
    inactive = problem.col_norm_sq == 0
    p = problem.n_features
    shape = (p, K) if K > 1 else (p,)
    default_grid = alphas is None
    if default_grid:
        alpha_max, w_null, b_null = _alpha_max(problem, data, l1_ratio, inactive, b_null, polish)
        if alpha_min_ratio is None:
            alpha_min_ratio = default_alpha_min_ratio(problem.n_samples, p)
        alphas = alpha_grid(alpha_max, n_alphas, alpha_min_ratio)
        w = w_null if w0 is None else np.asarray(w0, dtype=np.float64)
    else:
        w = np.zeros(shape) if w0 is None else np.asarray(w0, dtype=np.float64)
    if w.shape != shape:
        raise ValueError(f"w0 must have shape {shape}; got {w.shape}.")
    b = b_null if b0 is None else (float(b0) if K == 1 else np.asarray(b0, dtype=np.float64))
    _check_unpenalized_part(problem, datafit, y, alphas, l1_ratio, inactive)
    eta = None
    fits, ratios = [], []
    for a in alphas:
        pw = _weights(problem, float(a), l1_ratio, inactive)
        fit = solve(data, pw, w, b, tol_abs=tol_abs, max_iter=max_iter, eta0=eta)
        w, b, eta = fit.w, fit.intercept, fit.state
        fits.append(fit)
        if default_grid and f_null > f_saturated:
            span = f_null - f_saturated
            ratios.append(1.0 - (data.objective(eta) - f_saturated) / span)
            if deviance_saturated(ratios, _gap_bound(fit.gap) / span):
                break
    alphas = np.asarray(alphas[: len(fits)], dtype=np.float64)
    warn_not_converged(fits, alphas, max_iter, model)
    return Path(alphas, np.array([f.w for f in fits]).reshape(len(fits), *shape),
                np.array([f.intercept for f in fits], dtype=np.float64),
                np.array([f.gap for f in fits]), np.array([f.n_iter for f in fits]),
                np.array([f.converged for f in fits]), l1_ratio, problem.feature_names,
                datafit=datafit.name, certificate="duality_gap")


def _gap_bound(gap: float) -> float:
    """A fit's gap as a bound on its suboptimality (an uncertified fit bounds nothing)."""
    return float(gap) if np.isfinite(gap) and gap >= 0 else np.inf


def _check_unpenalized_part(problem: GLMProblem, datafit, y: np.ndarray, alphas, l1_ratio: float,
                            inactive: np.ndarray) -> None:
    """Raise before fitting when the unpenalized columns (all of them at alpha = 0) diverge."""
    pw = _weights(problem, 1.0, l1_ratio, inactive)
    free = (pw.l1 == 0) & (pw.l2 == 0)
    if np.any(np.asarray(alphas) == 0):
        free[:] = True
    free &= pw.lower < pw.upper
    if np.any(free):
        check_finite_optimum(problem, datafit, y, np.flatnonzero(free))


def deviance_saturated(ratios: list[float], uncertainty: float = 0.0) -> bool:
    """glmnet's stop: the deviance explained (one ratio per alpha so far) passed 0.999, or grew
    by less than 1e-5 of itself (after the first few alphas).

    ``uncertainty`` bounds how much the last ratio may understate the exact fit's (its duality
    gap over the null-to-saturated deviance span): growth is a stall only when its upper bound
    ``ratios[-1] + uncertainty - ratios[-2]`` is that small. A fit the warm start already
    certifies (no step taken, the same ratio) is not a stall: early in a ridge path the gap
    tolerance exceeds the whole change, and stopping there returned five null-like fits.

    Examples
    --------
    >>> deviance_saturated([0.1, 0.2, 0.3, 0.4, 0.4])
    True
    >>> deviance_saturated([0.1, 0.2, 0.3, 0.4, 0.4], uncertainty=1e-3)
    False
    """
    if ratios[-1] > _DEV_RATIO_MAX:
        return True
    if len(ratios) < _MIN_ALPHAS_BEFORE_STOP:
        return False
    growth_bound = ratios[-1] + uncertainty - ratios[-2]
    return growth_bound < _DEV_RATIO_STALL * abs(ratios[-1])


def _weights(problem: GLMProblem, alpha: float, l1_ratio: float, inactive: np.ndarray
             ) -> PenaltyWeights:
    """The kernels' weights at alpha; constant columns are pinned at 0 (the intercept has them)."""
    pw = problem.penalty(alpha, l1_ratio).weights()
    if not inactive.any():
        return pw
    return PenaltyWeights(pw.l1, pw.l2, np.where(inactive, 0.0, pw.lower),
                          np.where(inactive, 0.0, pw.upper))


def _alpha_max(problem: GLMProblem, data: _Data, l1_ratio: float, inactive: np.ndarray,
               b_null, polish) -> tuple[float, np.ndarray, float | np.ndarray]:
    """alpha_max from the datafit gradient at the null model (intercept and free columns fitted,
    penalized columns at 0), returned with that model's w and b (the path's warm start)."""
    penalty = problem.penalty(1.0, l1_ratio)
    pw = _weights(problem, 1.0, l1_ratio, inactive)
    shape = (problem.n_features, *data.offset.shape[1:])
    bounds = (pw.lower, pw.upper) if len(shape) == 1 else (pw.lower[:, None], pw.upper[:, None])
    w = np.clip(np.zeros(shape), *bounds)
    eta = problem.design.matvec(w) + b_null + data.offset
    polished = polish(data, pw, free_columns(pw), w, b_null, eta)
    w, b, eta = polished.w, polished.b, polished.eta
    grad = problem.design.rmatvec(data.sw[:, None] * data.datafit.derivative(data.y, eta)
                                  if eta.ndim == 2 else
                                  data.sw * data.datafit.derivative(data.y, eta))
    grad = grad.reshape(shape[0], -1)
    return max(penalty.alpha_max(grad[:, k]) for k in range(grad.shape[1])), w, b
