"""Information criteria along a path: AIC, BIC and the extended BIC (EBIC).

For every alpha of a Lasso / Elastic-Net path (Gaussian likelihood with known noise variance
sigma^2, as scikit-learn's ``LassoLarsIC``):

    AIC  = n log(2 pi sigma^2) + RSS / sigma^2 + 2 df
    BIC  = n log(2 pi sigma^2) + RSS / sigma^2 + log(n) df
    EBIC = BIC + 2 gamma log C(p, df)          (Chen and Chen 2008; gamma = ``ebic_gamma``)

- RSS is the residual sum of squares of the full-data fit (with sample weights, n times the
  weighted mean squared residual, n the number of samples with a positive weight: weights are
  relative precisions, not frequencies);
- df, the degrees of freedom: the number of non-zero coefficients for the lasso (Zou, Hastie and
  Tibshirani 2007), and for the Elastic Net and ridge the trace of the hat matrix on the active
  set A, tr(X_A (X_A' S X_A + l2_A)^-1 X_A' S) (the weighted, centred columns; l2_A the L2 part
  of the penalty).  Coefficients held at a bound are not free and do not count.  The intercept is
  not counted (as scikit-learn): it shifts every criterion by the same amount.
- sigma^2 is ``noise_variance`` when given; otherwise the unbiased estimate from the ordinary
  least-squares fit on all the columns, RSS_OLS / (n - p - fit_intercept), as scikit-learn's
  ``LassoLarsIC`` documents it.  That needs n > p + fit_intercept; with fewer samples there is no
  such estimate and ``noise_variance`` must be given.

The selected alpha minimises the criterion over the grid (the largest alpha among ties).

Data that passed the door (``_validation.check_magnitude``) keeps every sum of squares finite;
should a least-squares solve or a criterion still come out NaN or infinite, that is a
ValueError saying what to rescale, never a NaN alpha or a hang in LAPACK.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from .. import _validation as v
from .._problem import Problem
from ..path import Path, default_alpha_min_ratio, solve_path
from .cv import PathOptions


@dataclass(frozen=True)
class ICResult:
    """An information criterion along a path, and the alpha it selects.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        The grid, decreasing.
    criterion : ndarray of shape (n_alphas,)
        The criterion's values per alpha.
    criterion_name : {"aic", "bic", "ebic"}
        Which criterion.
    df : ndarray of shape (n_alphas,)
        The degrees of freedom per alpha.
    rss : ndarray of shape (n_alphas,)
        The residual sum of squares per alpha.
    noise_variance : float
        The sigma^2 used (given or estimated).
    index : int
        The position of the selected alpha.
    alpha : float
        The selected alpha, ``alphas[index]``.
    path : Path
        The full-data path.
    n_samples : int
        The n of the criteria (the samples of positive weight).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> result = shrinkage.information_criterion(X, y, criterion="bic", n_alphas=20)
    >>> result.criterion.shape, float(result.df[result.index])
    ((20,), 2.0)
    >>> bool(result.alpha == result.alphas[result.index])
    True
    """

    alphas: np.ndarray
    criterion: np.ndarray  # the criterion's values per alpha
    criterion_name: str
    df: np.ndarray
    rss: np.ndarray
    noise_variance: float
    index: int
    alpha: float
    path: Path
    n_samples: int


def information_criterion(
    X,
    y,
    *,
    criterion: str = "bic",
    l1_ratio: float = 1.0,
    alphas=None,
    n_alphas: int = 100,
    sample_weight=None,
    noise_variance=None,
    ebic_gamma: float = 0.5,
    **path_kwargs,
) -> ICResult:
    """AIC, BIC or EBIC along a Lasso / Elastic-Net path (see the module docstring).

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The features (dense or sparse).
    y : array-like of shape (n_samples,)
        The target.
    criterion : {"aic", "bic", "ebic"}, default="bic"
        The criterion.
    l1_ratio : float, default=1.0
        The Elastic-Net mix (1 is the lasso).
    alphas : array-like of float, default=None
        The grid; None: ``n_alphas`` values from alpha_max down.
    n_alphas : int, default=100
        The length of the default grid.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights >= 0; None is all ones.
    noise_variance : float, default=None
        sigma^2; None estimates it by least squares (needs n > p + fit_intercept).
    ebic_gamma : float, default=0.5
        The extended BIC's gamma (``criterion="ebic"`` only).
    **path_kwargs
        The options of ``shrinkage.path`` (fit_intercept, standardize, penalty_factor, lower,
        upper, positive, tol, max_iter, solver, screen, alpha_min_ratio, feature_names).

    Returns
    -------
    ICResult
        The criterion along the path and the alpha it selects.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> result = shrinkage.information_criterion(X, y, criterion="bic", n_alphas=20)
    >>> np.flatnonzero(result.path.coefs[result.index])
    array([0, 3])
    """
    options = PathOptions.from_kwargs(path_kwargs, "information_criterion")
    names = options.feature_names
    if names is None and hasattr(X, "columns"):
        names = np.asarray([str(c) for c in X.columns], dtype=object)
    X = v.check_design(X)
    problem = options.problem(X, y, sample_weight, names)
    return criterion_path(
        problem,
        options,
        criterion=criterion,
        l1_ratio=l1_ratio,
        alphas=alphas,
        n_alphas=n_alphas,
        noise_variance=noise_variance,
        ebic_gamma=ebic_gamma,
    )


def criterion_path(
    problem: Problem,
    options: PathOptions,
    *,
    criterion: str,
    l1_ratio: float,
    alphas,
    n_alphas: int,
    noise_variance,
    ebic_gamma: float,
    model: str = "the information-criterion path",
) -> ICResult:
    """The engine behind ``information_criterion`` and the IC estimators."""
    criterion = v.check_choice(criterion, "criterion", v.CRITERIA)
    l1_ratio = v.check_l1_ratio(l1_ratio)
    noise_variance = v.check_noise_variance(noise_variance)
    ebic_gamma = v.check_nonnegative(ebic_gamma, "ebic_gamma")
    n, p = n_effective(problem), problem.n_features
    if noise_variance is None:
        noise_variance = ols_noise_variance(problem)
    if alphas is not None:
        alphas = np.sort(v.check_positive_alphas(alphas))[::-1].copy()
    else:
        v.check_positive_int(n_alphas, "n_alphas")
    ratio = options.alpha_min_ratio
    if ratio is None:
        ratio = default_alpha_min_ratio(problem.n_samples, p)
    path = solve_path(
        problem,
        alphas,
        l1_ratio,
        n_alphas=n_alphas,
        alpha_min_ratio=ratio,
        tol=options.tol,
        max_iter=options.max_iter,
        solver=options.solver,
        screen=options.screen,
        model=model,
    )
    if not (np.all(np.isfinite(path.alphas)) and np.all(np.isfinite(path.coefs))):
        raise ValueError(
            "the path's alphas or coefficients are not finite (X'y or X'X "
            "overflows at the scale of the data); rescale X and y."
        )
    rss = residual_sum_of_squares(problem, path)
    df = degrees_of_freedom(problem, path)
    values = criterion_values(rss, df, n, noise_variance, criterion, p, ebic_gamma)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise ValueError(
            f"the {criterion.upper()} is not finite at {bad.size} of {values.size} "
            f"alphas (e.g. alpha={path.alphas[bad[0]]:.3g}: RSS {rss[bad[0]]:.3g}, "
            f"noise variance {noise_variance:.3g}); rescale X and y."
        )
    index = int(np.argmin(values))
    return ICResult(
        path.alphas,
        values,
        criterion,
        df,
        rss,
        noise_variance,
        index,
        float(path.alphas[index]),
        path,
        n,
    )


def criterion_values(
    rss: np.ndarray,
    df: np.ndarray,
    n_samples: int,
    noise_variance: float,
    criterion: str,
    n_features: int,
    ebic_gamma: float = 0.5,
) -> np.ndarray:
    """The criterion for each (RSS, df) pair (module docstring)."""
    fit = n_samples * np.log(2 * np.pi * noise_variance) + rss / noise_variance
    if criterion == "aic":
        return fit + 2.0 * df
    bic = fit + np.log(n_samples) * df
    if criterion == "bic":
        return bic
    log_binom = gammaln(n_features + 1) - gammaln(df + 1) - gammaln(n_features - df + 1)
    return bic + 2.0 * ebic_gamma * log_binom


def residual_sum_of_squares(problem: Problem, path: Path) -> np.ndarray:
    """n * weighted mean squared residual of each fit of the path (plain RSS without weights)."""
    X, y = problem.X, problem.y
    s = problem.sample_weight
    pred = np.asarray(X @ path.coefs.T) + path.intercepts[None, :]
    return n_effective(problem) * ((s / s.sum()) @ (y[:, None] - pred) ** 2)


def degrees_of_freedom(problem: Problem, path: Path) -> np.ndarray:
    """nnz (free coefficients) for the lasso; the trace of the active-set hat matrix otherwise."""
    lo, up = problem.lower, problem.upper
    active = (path.coefs != 0) & (path.coefs > lo) & (path.coefs < up)
    if path.l1_ratio == 1.0:
        return active.sum(axis=1).astype(np.float64)
    df = np.zeros(len(path.alphas))
    scale = None
    for i, (alpha, row) in enumerate(zip(path.alphas, active, strict=True)):
        cols = np.flatnonzero(row)
        if cols.size == 0:
            continue
        G = _active_gram(problem, cols)
        if scale is None:
            data = problem.statistics if "statistics" in problem.__dict__ else problem.design
            scale = problem.column_scale(data.col_norm_sq)
        l2 = problem.penalty(float(alpha), path.l1_ratio, scale).weights().l2[cols]
        A = _finite(G + np.diag(l2), "the active set's Gram matrix")
        df[i] = np.trace(np.linalg.lstsq(A, G, rcond=None)[0])
    return df


def ols_noise_variance(problem: Problem) -> float:
    """RSS of the least-squares fit / (n - p - fit_intercept) (scikit-learn's LassoLarsIC).

    n counts the samples with a positive weight.  An exact fit (zero residuals) gives a
    variance floored at eps times the variance of y, with a warning.
    """
    n, p = n_effective(problem), problem.n_features
    dof = n - p - int(problem.fit_intercept)
    if dof <= 0:
        raise ValueError(
            f"noise_variance cannot be estimated by least squares with n_samples={n} <= "
            f"n_features + fit_intercept={p + int(problem.fit_intercept)}: give noise_variance "
            "(an estimate of the noise variance, e.g. from a cross-validated fit)."
        )
    stats = problem.statistics
    w = least_squares(stats.G, stats.q)
    b = stats.y_offset - stats.x_offset @ w if problem.fit_intercept else 0.0
    resid = problem.y - np.asarray(problem.X @ w).ravel() - b
    s = problem.sample_weight
    variance = n * float((s / s.sum()) @ resid**2) / dof
    if not np.isfinite(variance):
        raise ValueError(
            "the least-squares noise variance is not finite (its residuals "
            "overflow); rescale X and y, or give noise_variance."
        )
    floor = max(np.finfo(float).eps * float(stats.yty), np.finfo(float).tiny)
    if variance <= floor:
        warnings.warn(
            "the least-squares fit is exact (zero residuals), so the noise variance "
            "estimate is zero; it is floored at eps * var(y). Give noise_variance.",
            UserWarning,
            stacklevel=3,
        )
        variance = floor
    return variance


def least_squares(G: np.ndarray, q: np.ndarray) -> np.ndarray:
    """A minimiser of w'Gw/2 - q'w for a PSD Gram G: the pseudo-inverse solve from G's
    eigendecomposition (eigenvalues below p eps times the largest count as zero).

    A symmetric eigensolver finishes in a fixed number of sweeps on any finite input (an SVD
    least-squares driver fed overflowed statistics can iterate for minutes); non-finite G or q
    is a ValueError.
    """
    G = _finite(G, "the Gram matrix X'X")
    q = _finite(q, "X'y")
    lam, V = np.linalg.eigh(G)
    keep = lam > G.shape[0] * np.finfo(float).eps * lam.max(initial=0.0)
    return V[:, keep] @ ((V[:, keep].T @ q) / lam[keep])


def _finite(a: np.ndarray, what: str) -> np.ndarray:
    if not np.all(np.isfinite(a)):
        raise ValueError(
            f"{what} is not finite (it overflows at the scale of the data); rescale X and y."
        )
    return a


def n_effective(problem: Problem) -> int:
    """The n of the criteria: the number of samples with a positive weight."""
    return int(np.count_nonzero(problem.sample_weight > 0))


def _active_gram(problem: Problem, cols: np.ndarray) -> np.ndarray:
    """X_A' S X_A on the weighted, centred columns (normalised weights)."""
    if "statistics" in problem.__dict__:
        return problem.statistics.G[np.ix_(cols, cols)]
    design = problem.design
    if design.is_sparse:
        return design.cross_gram(cols)[0][cols]
    XA = np.asarray(design.Xd[:, cols], dtype=np.float64)
    return XA.T @ XA
