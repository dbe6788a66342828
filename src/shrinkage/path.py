"""Regularization paths: the alpha grid, warm-started solves, and the Path result."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np

from . import _validation as v
from ._problem import Problem
from .certificates import best_gap
from .exceptions import ShrinkageConvergenceWarning
from .penalties.l1_l2 import PenaltyWeights
from .solvers.cd import solve_cd
from .solvers.choice import choose_solver
from .solvers.gram import solve_gram
from .solvers.result import Fit
from .solvers.ridge import ridge_cholesky, ridge_path_dual, ridge_path_primal

_CHOLESKY_MAX_FEATURES = 4000  # a ridge refit forms the p x p Gram matrix: not beyond this


@dataclass(frozen=True)
class Path:
    """Solutions along a decreasing alpha grid, each with its certificate (``gaps``).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> p = shrinkage.path(X, y, n_alphas=10)
    >>> isinstance(p, shrinkage.Path), bool(np.all(p.converged))
    (True, True)
    >>> coef, intercept = p.coef_at(p.alphas[3])  # any alpha: interpolated between grid points
    >>> bool(np.allclose(coef, p.coefs[3]))
    True
    """

    alphas: np.ndarray
    coefs: np.ndarray  # (n_alphas, n_features); (n_alphas, n_features, K) for the multinomial
    intercepts: np.ndarray  # (n_alphas,); (n_alphas, K) for the multinomial
    gaps: np.ndarray  # the certificate in objective units: a duality gap or a KKT violation
    n_iter: np.ndarray
    converged: np.ndarray
    l1_ratio: float
    feature_names: np.ndarray | None = None
    datafit: str = "quadratic"
    certificate: str = "duality_gap"  # or "kkt"

    @property
    def nnz(self) -> np.ndarray:
        """Number of features in the model at each alpha (non-zero for some class)."""
        coefs = self.coefs if self.coefs.ndim == 2 else np.any(self.coefs != 0, axis=2)
        return np.count_nonzero(coefs, axis=1)

    def __len__(self) -> int:
        return len(self.alphas)

    def coef_at(self, alpha: float, *, exact: bool = False, X=None, y=None, **options
                ) -> tuple[np.ndarray, float | np.ndarray]:
        """(coefficients, intercept) at any ``alpha``, as glmnet's ``coef(fit, s = alpha)``.

        ``exact=False`` interpolates linearly in alpha between the grid points around it
        (glmnet's ``exact = FALSE``; exact for the lasso between kinks); above the first alpha
        it gives the null model when the path starts at alpha_max, below the last it refuses.
        ``exact=True`` refits at alpha warm-started from the nearest grid point: it needs the
        training ``X``, ``y`` and the ``shrinkage.path`` options the path was computed with
        (``sample_weight``, ``standardize``, ``penalty_factor``, ... ; ``datafit`` for Huber
        and quantile paths).  See ``shrinkage._any_alpha``.

        Examples
        --------
        >>> fit = shrinkage.path(X, y)                                    # doctest: +SKIP
        >>> coef, intercept = fit.coef_at(0.05)                           # doctest: +SKIP
        >>> coef, intercept = fit.coef_at(1e-6, exact=True, X=X, y=y)     # doctest: +SKIP
        """
        from . import _any_alpha

        alpha = v.check_alpha(alpha)
        if not isinstance(exact, bool | np.bool_):
            raise ValueError(f"exact must be True or False; got {exact!r}.")
        if exact:
            return _any_alpha.refit(self, alpha, X, y, options)
        if X is not None or y is not None or options:
            raise ValueError("X, y and fit options are for exact=True (a refit); interpolation "
                             "(exact=False) uses the path alone.")
        return _any_alpha.interpolate(self, alpha)

    def predict(self, X, alpha: float, *, exact: bool = False, train: tuple | None = None,
                **options) -> np.ndarray:
        """The linear predictor X w + b at ``alpha`` (the prediction for least squares; apply
        the inverse link for a GLM's mean).  ``train=(X_train, y_train)`` and ``options`` are
        ``coef_at``'s data and options for ``exact=True``."""
        X_train, y_train = (None, None) if train is None else train
        coef, intercept = self.coef_at(alpha, exact=exact, X=X_train, y=y_train, **options)
        return np.asarray(X @ coef + intercept)


def alpha_grid(alpha_max: float, n_alphas: int, alpha_min_ratio: float) -> np.ndarray:
    """n_alphas values from alpha_max down to alpha_max * alpha_min_ratio, evenly on a log scale."""
    if alpha_max <= 0:
        return np.full(n_alphas, np.finfo(float).eps)
    return np.geomspace(alpha_max, alpha_max * alpha_min_ratio, n_alphas)


def default_alpha_min_ratio(n_samples: int, n_features: int) -> float:
    """glmnet's lambda.min.ratio: 1e-4 when n >= p, else 1e-2."""
    return 1e-4 if n_samples >= n_features else 1e-2


def path(X, y, *, datafit="quadratic", l1_ratio: float = 1.0, alphas=None, n_alphas: int = 100,
         alpha_min_ratio: float | None = None, fit_intercept: bool = True,
         standardize: bool = False, sample_weight=None, offset=None, penalty_factor=None,
         lower=None, upper=None, positive: bool = False, tol: float = 1e-4, max_iter: int = 1000,
         solver: str = "auto", screen: bool = True, feature_names=None) -> Path:
    """Warm-started solutions of the documented objective along a grid of alphas.

    The default grid runs from alpha_max (the smallest alpha whose solution is all zeros) down to
    alpha_max * alpha_min_ratio.  See ``shrinkage.datafits.quadratic`` for the least-squares
    objective; any other ``datafit`` (a name such as "logistic" or a Datafit instance, see
    ``shrinkage.datafits.base``) is solved by proximal Newton (``shrinkage.glm``), whose default
    path may stop early when the deviance explained saturates; "quantile" (the pinball loss, not
    smooth) by the interior point of ``shrinkage.solvers.quantile``.  ``offset`` is added to the
    linear predictor (for least squares it is subtracted from y).

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
    if not (isinstance(datafit, str) and datafit == "quadratic"):
        from .glm import GLMProblem, solve_glm_path

        glm_problem = GLMProblem.build(
            X, y, sample_weight=sample_weight, offset=offset, penalty_factor=penalty_factor,
            lower=lower, upper=upper, positive=positive, fit_intercept=fit_intercept,
            standardize=standardize, feature_names=feature_names)
        if getattr(datafit, "name", datafit) == "quantile":  # not smooth: the interior point
            from .datafits import get_datafit
            from .solvers.quantile import solve_quantile_path

            if alphas is None and alpha_min_ratio is None:
                alpha_min_ratio = default_alpha_min_ratio(*glm_problem.X.shape)
            return solve_quantile_path(
                glm_problem, get_datafit(datafit).quantile, checked_alphas, l1_ratio,
                n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio, tol=v.check_tol(tol),
                max_iter=v.check_positive_int(max_iter, "max_iter"))
        return solve_glm_path(glm_problem, datafit, checked_alphas, l1_ratio, n_alphas=n_alphas,
                              alpha_min_ratio=alpha_min_ratio, tol=v.check_tol(tol),
                              max_iter=v.check_positive_int(max_iter, "max_iter"))
    problem = Problem.build(X, y, sample_weight=sample_weight, penalty_factor=penalty_factor,
                            lower=lower, upper=upper, positive=positive,
                            fit_intercept=fit_intercept, standardize=standardize,
                            feature_names=feature_names)
    if offset is not None:
        problem.y = problem.y - v.check_target(offset, problem.n_samples, name="offset")
    if alphas is None and alpha_min_ratio is None:
        alpha_min_ratio = default_alpha_min_ratio(problem.n_samples, problem.n_features)
    return solve_path(problem, checked_alphas, l1_ratio,
                      n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio,
                      tol=v.check_tol(tol), max_iter=v.check_positive_int(max_iter, "max_iter"),
                      solver=solver, screen=screen)


def solve_path(problem: Problem, alphas: np.ndarray | None, l1_ratio: float, *,
               n_alphas: int = 100, alpha_min_ratio: float = 1e-4, tol: float = 1e-4,
               max_iter: int = 1000, solver: str = "auto", screen: bool = True,
               w0: np.ndarray | None = None, model: str = "the path") -> Path:
    """The engine behind ``path`` and the estimators (inputs already validated)."""
    kind = choose_solver(solver, problem.n_samples, problem.n_features)
    data = problem.statistics if kind == "gram" else problem.design
    scale = problem.column_scale(data.col_norm_sq)

    def solve(pw: PenaltyWeights, w_start: np.ndarray, state=None) -> Fit:
        if kind == "gram":
            return solve_gram(data, pw, w_start, tol=tol, max_iter=max_iter, screen=screen)
        return solve_cd(data, pw, w_start, tol=tol, max_iter=max_iter, screen=screen,
                        state=state)

    if alphas is None:
        alpha_max, w_null = _alpha_max(problem, kind, l1_ratio, scale, solve)
        alphas = alpha_grid(alpha_max, n_alphas, alpha_min_ratio)
        w0 = w_null if w0 is None else w0
    p = problem.n_features
    if _ridge_closed_form_applies(problem, l1_ratio, alphas):
        tol_abs = tol * float(data.yty)
        fits = []
        for a, w in zip(alphas, _ridge_closed_form(problem, kind, alphas, scale), strict=True):
            pw = problem.penalty(float(a), 0.0, scale).weights()
            gap = _gap(problem, pw, w, tol_abs)
            if gap > tol_abs and p <= _CHOLESKY_MAX_FEATURES:  # one eigendecomposition for all
                w, gap = _ridge_refit(problem, pw, w, gap, tol_abs)  # alphas: not accurate
            fits.append(Fit(w, gap, 1, bool(gap <= tol_abs), tol_abs))
    else:
        w = np.zeros(p) if w0 is None else np.asarray(w0, dtype=np.float64)
        fits = []
        state = None
        for a in alphas:
            fit = solve(problem.penalty(float(a), l1_ratio, scale).weights(), w, state)
            w, state = fit.w, fit.state
            fits.append(replace(fit, state=None))  # keep one residual alive, not one per alpha
    warn_not_converged(fits, alphas, max_iter, model)
    coefs = np.array([f.w for f in fits]).reshape(len(alphas), p)
    intercepts = data.y_offset - coefs @ data.x_offset if problem.fit_intercept else np.zeros(
        len(alphas))
    return Path(np.asarray(alphas, dtype=np.float64), coefs, np.asarray(intercepts, float),
                np.array([f.gap for f in fits]), np.array([f.n_iter for f in fits]),
                np.array([f.converged for f in fits]), l1_ratio, problem.feature_names)


def warn_not_converged(fits: list[Fit], alphas, max_iter: int, model: str) -> None:
    """One warning for all the alphas that stopped at max_iter, with what to try."""
    bad = [i for i, f in enumerate(fits) if not f.converged]
    if not bad:
        return
    worst = max(bad, key=lambda i: fits[i].gap / max(fits[i].tol, 1e-300))
    where = (f"at {len(bad)} of {len(fits)} alphas (smallest alpha={alphas[bad[-1]]:.4g})"
             if len(fits) > 1 else f"at alpha={alphas[0]:.4g}")
    warnings.warn(
        f"{model} did not converge {where}: the duality gap reached {fits[worst].gap:.3g}, above "
        f"the tolerance {fits[worst].tol:.3g}, after max_iter={max_iter} iterations. Try a larger "
        "max_iter, standardize=True for columns on very different scales, or a larger alpha "
        "(the smallest alphas are the hardest).",
        ShrinkageConvergenceWarning, stacklevel=3)


def _alpha_max(problem: Problem, kind: str, l1_ratio: float, scale, solve
               ) -> tuple[float, np.ndarray]:
    """alpha_max from the datafit gradient at the fit of the unpenalized columns alone.

    Returns it with that fit, which is the solution at alpha_max (the path's warm start).
    """
    penalty = problem.penalty(1.0, l1_ratio, scale)
    pw = penalty.weights()
    p = problem.n_features
    w = np.zeros(p)
    free = (pw.l1 == 0) & (pw.l2 == 0)
    if np.any(free):
        cols = np.flatnonzero(free)
        if np.all(np.isinf(pw.lower[cols])) and np.all(np.isinf(pw.upper[cols])):
            # unbounded free columns: their least-squares fit, exactly
            if kind == "gram":
                G_uu, q_u = problem.statistics.G[np.ix_(cols, cols)], problem.statistics.q[cols]
            else:
                cross, q_u = problem.design.cross_gram(cols)
                G_uu = cross[cols]
            w[cols] = np.linalg.lstsq(G_uu, q_u, rcond=None)[0]
        else:
            fixed = np.clip(0.0, pw.lower, pw.upper)
            lo = np.where(free, pw.lower, fixed)
            up = np.where(free, pw.upper, fixed)
            w = solve(PenaltyWeights(np.zeros(p), np.zeros(p), lo, up), fixed).w
    if kind == "gram":
        stats = problem.statistics
        corr = stats.q - stats.G @ w
    else:
        design = problem.design
        corr = design.correlations(*design.residual(w))
    return penalty.alpha_max(-corr), w


def _ridge_closed_form_applies(problem: Problem, l1_ratio: float, alphas) -> bool:
    unbounded = np.all(np.isinf(problem.lower)) and np.all(np.isinf(problem.upper))
    return l1_ratio == 0.0 and unbounded and np.all(problem.factors > 0) and np.all(
        np.asarray(alphas) > 0)


def _ridge_closed_form(problem: Problem, kind: str, alphas, scale) -> np.ndarray:
    d = np.sqrt(problem.factors) * (1.0 if scale is None else scale)
    alphas = np.asarray(alphas, dtype=np.float64)
    if problem.n_samples >= problem.n_features:
        return ridge_path_primal(problem.statistics, alphas, d)
    design = problem.design
    y = design.y if not design.is_sparse else design.y * np.sqrt(design.sw)
    return ridge_path_dual(design, y, alphas, d)


def _ridge_refit(problem: Problem, pw: PenaltyWeights, w: np.ndarray, gap: float,
                 tol_abs: float) -> tuple[np.ndarray, float]:
    """The Cholesky solve of (G + diag(l2)) w = q (insensitive to column scales) where it
    certifies a smaller gap than ``w``; else ``w`` and its gap."""
    stats = problem.statistics
    G = stats.solver_gram
    w_new = ridge_cholesky(G + np.diag((stats.col_norm_sq == 0).astype(float)), stats.q, pw.l2)
    w_new[stats.col_norm_sq == 0] = 0.0
    gap_new = _gap(problem, pw, w_new, tol_abs)
    return (w_new, gap_new) if gap_new < gap else (w, gap)


def _gap(problem: Problem, pw: PenaltyWeights, w: np.ndarray, tol_abs: float) -> float:
    data = problem.statistics if "statistics" in problem.__dict__ else problem.design
    return best_gap(data, pw, w, tol_abs, _CHOLESKY_MAX_FEATURES)
