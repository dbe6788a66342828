"""A path's coefficients between its grid points: glmnet's ``exact = FALSE``.

Linear in alpha between the two grid points around it.  For the lasso the solution is piecewise
linear in alpha, so this is exact unless a variable enters or leaves between the two points.
Above the grid's first alpha the answer is the null model when the path starts there (its
penalized coefficients are all 0); below the grid's last alpha interpolation would extrapolate
and is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # result imports this module
    from .result import Path


def interpolate(path: Path, alpha: float) -> tuple[np.ndarray, np.ndarray | float]:
    """(coef, intercept) at ``alpha`` by linear interpolation in alpha between grid points.

    Parameters
    ----------
    path : shrinkage.Path
        The path (its alphas decrease).
    alpha : float
        Where to read it, between the path's last alpha and its first (or above the first when
        the path starts at alpha_max).

    Returns
    -------
    tuple
        The coefficients and the intercept (K of each for K classes).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((40, 3))
    >>> p = shrinkage.path(X, X[:, 0] + 0.1 * rng.standard_normal(40), n_alphas=5)
    >>> coef, _ = interpolate(p, 0.5 * (p.alphas[1] + p.alphas[2]))
    >>> bool(np.allclose(coef, 0.5 * (p.coefs[1] + p.coefs[2])))
    True
    """
    alphas = np.asarray(path.alphas, dtype=np.float64)
    if alpha >= alphas[0]:
        if alpha == alphas[0] or not np.any(path.coefs[0]):
            return point(path, 0)
        raise ValueError(
            f"alpha={alpha:.6g} is above the path's first alpha {alphas[0]:.6g}, whose "
            "solution is not all zeros: the path does not start at alpha_max, so the solution "
            "above it is unknown without the data. Use exact=True with the training data."
        )
    if alpha < alphas[-1]:
        raise ValueError(
            f"alpha={alpha:.6g} is below the path's smallest alpha {alphas[-1]:.6g}: "
            "interpolation would extrapolate. Use exact=True (a warm-started refit, it needs "
            "the training data), or a path whose grid goes further down."
        )
    right = int(np.searchsorted(-alphas, -alpha, side="left"))  # alphas decrease
    if alphas[right] == alpha:
        return point(path, right)
    left = right - 1
    frac = (alpha - alphas[right]) / (alphas[left] - alphas[right])  # weight of the left point
    coef = frac * path.coefs[left] + (1.0 - frac) * path.coefs[right]
    intercept = frac * np.asarray(path.intercepts[left]) + (1.0 - frac) * np.asarray(
        path.intercepts[right]
    )
    return coef, scalar(intercept)


def point(path: Path, i: int) -> tuple[np.ndarray, np.ndarray | float]:
    """(a copy of the coefficients, the intercept) at the path's ``i``-th alpha."""
    return np.array(path.coefs[i], copy=True), scalar(np.asarray(path.intercepts[i]))


def scalar(intercept: np.ndarray) -> np.ndarray | float:
    """One intercept as a float, K of them (the multinomial) as an array."""
    return float(intercept) if intercept.ndim == 0 else intercept
