"""Noise level estimates for the linear model: the scaled lasso, the residuals of a
cross-validated lasso, and the full least-squares fit.

All take a standardized, centred design Xs and a target y; the intercept is profiled out.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

from .. import _validation as v
from .._problem import Problem
from ..exceptions import ShrinkageConvergenceWarning, user_stacklevel
from ..path import solve_path


def given_sigma(sigma: float) -> float:
    """A noise sd given as a number, checked: positive and finite (the error names sigma)."""
    value = v.check_alpha(sigma, "sigma")
    if value <= 0:
        raise ValueError(f"sigma must be positive (the noise sd); got {sigma!r}.")
    return value


@dataclass(frozen=True)
class LassoFit:
    """A lasso fit on the standardized design: coefficients, intercept and its alpha."""

    w: np.ndarray
    intercept: float
    alpha: float

    def residuals(self, Xs: np.ndarray, y: np.ndarray) -> np.ndarray:
        return y - self.intercept - Xs @ self.w


def lasso_at(
    Xs: np.ndarray,
    y: np.ndarray,
    alpha: float,
    *,
    w0: np.ndarray | None = None,
    tol: float = 1e-8,
    max_iter: int = 10000,
    problem: Problem | None = None,
) -> LassoFit:
    """The lasso 1/(2n) ||y - b - Xs w||^2 + alpha ||w||_1 by the path engine (certified)."""
    problem = problem or Problem.build(Xs, y, validated=True)
    fit = solve_path(
        problem,
        np.array([alpha]),
        1.0,
        tol=tol,
        max_iter=max_iter,
        w0=w0,
        model="the lasso for inference",
    )
    return LassoFit(fit.coefs[0], float(fit.intercepts[0]), float(alpha))


def lasso_cv(
    Xs: np.ndarray, y: np.ndarray, cv: int, random_state: int | np.random.Generator | None
) -> LassoFit:
    """The lasso at the alpha minimizing K-fold cross-validated error (shrinkage.LassoCV)."""
    from ..estimators.cv import LassoCV

    model = LassoCV(cv=cv, random_state=random_state, tol=1e-6, max_iter=10000).fit(Xs, y)
    return LassoFit(np.asarray(model.coef_, float), float(model.intercept_), float(model.alpha_))


def sigma_from_residuals(fit: LassoFit, Xs: np.ndarray, y: np.ndarray, what: str) -> float:
    """sqrt(RSS / (n - |support| - 1)) (Reid, Tibshirani and Friedman 2016); ValueError when
    the degrees of freedom or the residuals are exhausted."""
    n = Xs.shape[0]
    k = int(np.count_nonzero(fit.w))
    dof = n - k - 1
    if dof <= 0:
        raise ValueError(
            f"sigma is not estimable from {what}: it uses {k} features and an "
            f"intercept with n_samples={n}, leaving no residual degrees of freedom. "
            "Give sigma as a number or use sigma='scaled'."
        )
    r = fit.residuals(Xs, y)
    return _positive(math.sqrt(float(r @ r) / dof), what, float(np.std(y)))


def sigma_ols(Xs: np.ndarray, y: np.ndarray) -> float:
    """The full least-squares fit's residual sd, RSS / (n - p - 1); needs n > p + 1."""
    n, p = Xs.shape
    if n <= p + 1:
        raise ValueError(
            f"sigma='ols' needs n_samples > n_features + 1; got n_samples={n}, "
            f"n_features={p}. Use sigma='scaled' or 'cv', or give sigma."
        )
    coef, *_ = np.linalg.lstsq(np.column_stack([np.ones(n), Xs]), y, rcond=None)
    residual = y - coef[0] - Xs @ coef[1:]
    return _positive(
        math.sqrt(float(residual @ residual) / (n - p - 1)), "the OLS fit", float(np.std(y))
    )


def scaled_lasso(
    Xs: np.ndarray,
    y: np.ndarray,
    *,
    lambda0: float | None = None,
    tol: float = 1e-4,
    max_iter: int = 100,
) -> tuple[float, LassoFit]:
    """Sun and Zhang (2012): the joint minimizer of

        ||y - b - Xs w||^2 / (2 n sigma) + sigma / 2 + lambda0 ||w||_1,

    by alternating sigma = ||y - b - Xs w|| / sqrt(n) and the lasso at alpha = lambda0 sigma
    (each step lowers the objective), until sigma changes by less than ``tol`` relatively.
    lambda0 defaults to Sun and Zhang's (2013) quantile choice (``quantile_lambda0``), smaller
    than the universal sqrt(2 log p / n), which overestimates sigma when p is large (by 23% at
    n = 200, p = 500 in docs/inference.md's study).  Returns (sigma, the last lasso fit).
    """
    n, p = Xs.shape
    lambda0 = quantile_lambda0(n, p) if lambda0 is None else lambda0
    problem = Problem.build(Xs, y, validated=True)
    sigma = float(np.std(y))
    _positive(sigma, "the scaled lasso (y is constant)")
    fit = lasso_at(Xs, y, lambda0 * sigma, w0=None, problem=problem)
    for i in range(max_iter):
        if i > 0:
            fit = lasso_at(Xs, y, lambda0 * sigma, w0=fit.w, problem=problem)
        r = fit.residuals(Xs, y)
        new = math.sqrt(float(r @ r) / n)
        _positive(new, "the scaled lasso", float(np.std(y)))
        done = abs(new - sigma) <= tol * sigma
        sigma = new
        if done:
            return sigma, fit
    warnings.warn(
        f"the scaled lasso's sigma did not settle in {max_iter} iterations; using {sigma:.4g}.",
        ShrinkageConvergenceWarning,
        stacklevel=user_stacklevel(),
    )
    return sigma, fit


def quantile_lambda0(n: int, p: int) -> float:
    """Sun and Zhang's (2013) quantile penalty level of the scaled lasso.

    lambda0 = sqrt(2 / n) L with L = Phi^{-1}(1 - k / p) and k = L^4 + 2 L^2.

    The universal sqrt(2 log p / n) bounds every one of the p noise correlations at once; Sun
    and Zhang ("Sparse matrix inversion with scaled lasso", JMLR 2013, Section 3) show that
    the (k/p)-quantile of one of them suffices, with k solving k = L^4 + 2 L^2.  L - Phi^{-1}(1
    - k(L) / p) increases in L from -inf, so the fixed point is one root (k / p capped at 0.99).

    Examples
    --------
    >>> round(quantile_lambda0(200, 500), 4) < round(math.sqrt(2 * math.log(500) / 200), 4)
    True
    """

    def gap(L: float) -> float:
        return L - norm.isf(min((L**4 + 2.0 * L**2) / p, 0.99))

    upper = 1.0 + float(norm.isf(min(0.5, 1.0 / p)))  # gap > 0 there: k / p > 1 / p
    return math.sqrt(2.0 / n) * brentq(gap, 1e-8, upper, xtol=1e-12)


def _positive(sigma: float, what: str, scale: float = 0.0) -> float:
    """sigma when it is above 1e-10 ``scale`` (the sd of y), else the ValueError."""
    if not sigma > 1e-10 * scale:
        raise ValueError(
            f"sigma is not estimable from {what}: the residuals are all zero (y is "
            "fitted exactly). Give sigma as a number."
        )
    return sigma
