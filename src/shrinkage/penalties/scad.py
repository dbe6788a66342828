"""The smoothly clipped absolute deviation penalty (SCAD, Fan and Li 2001), as numba functions
over numbers and arrays.

For one coordinate with strength ``a >= 0`` (``alpha`` times the feature's penalty factor) and
``gamma > 2`` (Fan and Li's ``a``; 3.7 by default), as in skglm's ``SCAD``::

    pen(w) = a |w|                                          if |w| <= a
           = (2 gamma a |w| - w^2 - a^2) / (2 (gamma - 1))  if a < |w| <= gamma a
           = a^2 (gamma + 1) / 2                            otherwise

The penalty factor scales ``a`` and leaves ``gamma`` alone (ncvreg's ``penalty.factor``); a
factor of 0 leaves the feature unpenalized.  The functions: ``value``, the coordinate ``prox``
for a step ``1 / L``, the KKT score (the distance of minus the gradient to the Clarke
subdifferential) and ``alpha_max``.  No solver is imported here.
"""

from __future__ import annotations

import numpy as np

from .._jit import njit
from .mcp import alpha_max  # the same as the lasso's and the MCP's: near 0 the SCAD is the lasso

__all__ = ["alpha_max", "kkt_score", "kkt_scores", "penalty_scalar", "prox", "value"]


@njit(cache=True)
def penalty_scalar(w, a, gamma):
    """The SCAD of one coordinate.

    Parameters
    ----------
    w : float
        The coefficient.
    a : float
        Its penalty strength (alpha times its penalty factor), >= 0.
    gamma : float
        Fan and Li's a, > 2.

    Returns
    -------
    float
        a |w| up to a, a quadratic up to gamma a, then the constant a^2 (gamma + 1) / 2.

    Examples
    --------
    >>> from shrinkage.penalties import scad
    >>> scad.penalty_scalar(0.5, 1.0, 3.0), scad.penalty_scalar(2.0, 1.0, 3.0)
    (0.5, 1.75)
    >>> scad.penalty_scalar(9.0, 1.0, 3.0)
    2.0
    """
    x = abs(w)
    if x <= a:
        return a * x
    if x <= gamma * a:
        return (2.0 * gamma * a * x - x * x - a * a) / (2.0 * (gamma - 1.0))
    return 0.5 * a * a * (gamma + 1.0)


@njit(cache=True, fastmath=False)
def value(w, alphas, gamma):
    """The SCAD of a coefficient vector: the sum of ``penalty_scalar`` over its coordinates.

    Parameters
    ----------
    w : ndarray of shape (n_features,)
        The coefficients.
    alphas : ndarray of shape (n_features,)
        The strength of each coordinate (alpha times its penalty factor).
    gamma : float
        Fan and Li's a, > 2.

    Returns
    -------
    float
        sum_j pen(w_j; alphas_j, gamma).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import scad
    >>> float(scad.value(np.array([0.5, -2.0, 9.0]), np.ones(3), 3.0))
    4.25
    """
    total = 0.0
    for j in range(w.shape[0]):
        total += penalty_scalar(w[j], alphas[j], gamma)
    return total


@njit(cache=True)
def _objective(x, z, step, a, gamma):
    """(x - z)^2 / (2 step) + pen(x)."""
    return (x - z) * (x - z) / (2.0 * step) + penalty_scalar(x, a, gamma)


@njit(cache=True)
def prox(z, step, a, gamma):
    """argmin_x (x - z)^2 / (2 step) + pen(x): the exact coordinate update for a step 1 / L.

    With step < gamma - 1 the problem is strongly convex and the answer is Fan and Li's
    thresholding rule (soft thresholding up to (1 + step) a, linear up to gamma a, then z).
    Otherwise (a column with ||x_j||^2 / n <= 1 / (gamma - 1), unstandardized) the middle piece
    is concave and the minimum is the better of the soft-thresholded point clipped to [0, a] and
    max(|z|, gamma a).

    Parameters
    ----------
    z : float
        The point to project (w_j + corr_j / L for coordinate descent).
    step : float
        The step 1 / L, > 0.
    a : float
        The coordinate's penalty strength, >= 0.
    gamma : float
        Fan and Li's a, > 2.

    Returns
    -------
    float
        The global minimiser (the smaller in magnitude on a tie).

    Examples
    --------
    >>> from shrinkage.penalties import scad
    >>> scad.prox(0.5, 1.0, 1.0, 3.7), scad.prox(1.5, 1.0, 1.0, 3.7), scad.prox(5.0, 1.0, 1.0, 3.7)
    (0.0, 0.5, 5.0)
    """
    x = abs(z)
    if a == 0.0:
        return z
    if step < gamma - 1.0:
        if x <= step * a:
            out = 0.0
        elif x <= (1.0 + step) * a:
            out = x - step * a
        elif x <= gamma * a:
            out = ((gamma - 1.0) * x - step * gamma * a) / (gamma - 1.0 - step)
        else:
            out = x
    else:
        low = min(max(x - step * a, 0.0), a)
        high = max(x, gamma * a)
        out = (
            low
            if _objective(low, x, step, a, gamma) <= _objective(high, x, step, a, gamma)
            else high
        )
    return out if z >= 0 else -out


@njit(cache=True)
def kkt_score(corr, w, a, gamma, lower=-np.inf, upper=np.inf):
    """The distance of ``corr`` (minus the datafit's gradient) to the Clarke subdifferential of
    pen at ``w`` plus the normal cone of [lower, upper]: 0 exactly at a stationary point.

    Parameters
    ----------
    corr : float
        Minus the datafit's derivative in w_j.
    w : float
        The coefficient.
    a : float
        The coordinate's penalty strength, >= 0.
    gamma : float
        Fan and Li's a, > 2.
    lower : float
        The coefficient's lower bound (-inf: none).
    upper : float
        The coefficient's upper bound (inf: none).

    Returns
    -------
    float
        Without bounds: max(|corr| - a, 0) at w = 0; |corr - sign(w) pen'(|w|)| elsewhere.  At a
        bound the normal cone opens the interval on its side.

    Examples
    --------
    >>> from shrinkage.penalties import scad
    >>> scad.kkt_score(0.5, 0.0, 1.0, 3.7), scad.kkt_score(1.0, 0.5, 1.0, 3.7)
    (0.0, 0.0)
    >>> scad.kkt_score(-2.0, 0.0, 1.0, 3.7), scad.kkt_score(-2.0, 0.0, 1.0, 3.7, 0.0, 1.0)
    (1.0, 0.0)
    """
    x = abs(w)
    if w == 0.0:
        lo, hi = -a, a
    else:
        if x <= a:
            slope = a
        elif x < gamma * a:
            slope = (gamma * a - x) / (gamma - 1.0)
        else:
            slope = 0.0
        lo = hi = slope if w > 0 else -slope
    if w <= lower:
        lo = -np.inf
    if w >= upper:
        hi = np.inf
    return max(lo - corr, corr - hi, 0.0)


@njit(cache=True, fastmath=False)
def kkt_scores(corr, w, alphas, gamma, out):
    """``kkt_score`` of every coordinate, written into ``out``.

    Parameters
    ----------
    corr : ndarray of shape (n_features,)
        Minus the datafit's gradient.
    w : ndarray of shape (n_features,)
        The coefficients.
    alphas : ndarray of shape (n_features,)
        The strength of each coordinate.
    gamma : float
        Fan and Li's a, > 2.
    out : ndarray of shape (n_features,)
        Where the scores go.

    Returns
    -------
    ndarray of shape (n_features,)
        ``out``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import scad
    >>> scad.kkt_scores(np.array([2.0, 0.5]), np.zeros(2), np.ones(2), 3.7, np.empty(2))
    array([1., 0.])
    """
    for j in range(w.shape[0]):
        out[j] = kkt_score(corr[j], w[j], alphas[j], gamma)
    return out
