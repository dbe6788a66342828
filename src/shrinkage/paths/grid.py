"""The alpha grid of a path: from alpha_max down, evenly on a log scale (glmnet's)."""

from __future__ import annotations

import numpy as np


def alpha_grid(alpha_max: float, n_alphas: int, alpha_min_ratio: float) -> np.ndarray:
    """n_alphas values from alpha_max down to alpha_max * alpha_min_ratio, evenly on a log scale.

    Parameters
    ----------
    alpha_max : float
        The first (largest) alpha; at or below 0 (every coefficient unpenalized or the gradient
        at the null model zero) the grid is machine epsilon, repeated.
    n_alphas : int
        The number of alphas.
    alpha_min_ratio : float
        The last alpha over the first.

    Examples
    --------
    >>> alpha_grid(1.0, 3, 1e-2)
    array([1.  , 0.1 , 0.01])
    """
    if alpha_max <= 0:
        return np.full(n_alphas, np.finfo(float).eps)
    return np.geomspace(alpha_max, alpha_max * alpha_min_ratio, n_alphas)


def default_alpha_min_ratio(n_samples: int, n_features: int) -> float:
    """glmnet's lambda.min.ratio: 1e-4 when n >= p, else 1e-2.

    Parameters
    ----------
    n_samples : int
        Rows of the design.
    n_features : int
        Columns of the design.

    Examples
    --------
    >>> default_alpha_min_ratio(100, 10), default_alpha_min_ratio(10, 100)
    (0.0001, 0.01)
    """
    return 1e-4 if n_samples >= n_features else 1e-2
