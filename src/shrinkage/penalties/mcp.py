"""The minimax concave penalty (MCP, Zhang 2010), as numba functions over numbers and arrays.

For one coordinate with strength ``a >= 0`` (``alpha`` times the feature's penalty factor) and
concavity ``gamma > 1``, as in skglm's ``MCPenalty``::

    pen(w) = a |w| - w^2 / (2 gamma)    if |w| <= gamma a
           = gamma a^2 / 2              otherwise

The penalty factor scales ``a`` and leaves ``gamma`` alone (ncvreg's ``penalty.factor``); a
factor of 0 leaves the feature unpenalized.  The functions: ``value``, the coordinate ``prox``
for a step ``1 / L``, the KKT score (the distance of minus the gradient to the Clarke
subdifferential) and ``alpha_max``.  No solver is imported here.
"""

from __future__ import annotations

import numpy as np

from .._jit import njit

__all__ = ["alpha_max", "kkt_score", "kkt_scores", "penalty_scalar", "prox", "value"]


@njit(cache=True)
def penalty_scalar(w, a, gamma):
    """The MCP of one coordinate.

    Parameters
    ----------
    w : float
        The coefficient.
    a : float
        Its penalty strength (alpha times its penalty factor), >= 0.
    gamma : float
        The concavity, > 1.

    Returns
    -------
    float
        a |w| - w^2 / (2 gamma) for |w| <= gamma a, else gamma a^2 / 2.

    Examples
    --------
    >>> from shrinkage.penalties import mcp
    >>> mcp.penalty_scalar(1.0, 1.0, 3.0), mcp.penalty_scalar(5.0, 1.0, 3.0)
    (0.8333333333333334, 1.5)
    """
    x = abs(w)
    if x <= gamma * a:
        return a * x - x * x / (2.0 * gamma)
    return 0.5 * gamma * a * a


@njit(cache=True, fastmath=False)
def value(w, alphas, gamma):
    """The MCP of a coefficient vector: the sum of ``penalty_scalar`` over its coordinates.

    Parameters
    ----------
    w : ndarray of shape (n_features,)
        The coefficients.
    alphas : ndarray of shape (n_features,)
        The strength of each coordinate (alpha times its penalty factor).
    gamma : float
        The concavity, > 1.

    Returns
    -------
    float
        sum_j pen(w_j; alphas_j, gamma).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import mcp
    >>> float(mcp.value(np.array([0.0, 1.0, -5.0]), np.ones(3), 3.0))
    2.3333333333333335
    """
    total = 0.0
    for j in range(w.shape[0]):
        total += penalty_scalar(w[j], alphas[j], gamma)
    return total


@njit(cache=True)
def prox(z, step, a, gamma):
    """argmin_x (x - z)^2 / (2 step) + pen(x): the exact coordinate update for a step 1 / L.

    With step < gamma the problem is strongly convex and the answer is firm thresholding
    (0 below step a, z above gamma a, linear in between).  With step >= gamma it is not convex
    (a column with ||x_j||^2 / n <= 1 / gamma, unstandardized): the minimum is then 0 or z,
    whichever is lower, which is hard thresholding at a sqrt(gamma step).

    Parameters
    ----------
    z : float
        The point to project (w_j + corr_j / L for coordinate descent).
    step : float
        The step 1 / L, > 0.
    a : float
        The coordinate's penalty strength, >= 0.
    gamma : float
        The concavity, > 1.

    Returns
    -------
    float
        The global minimiser (0 on a tie).

    Examples
    --------
    >>> from shrinkage.penalties import mcp
    >>> mcp.prox(0.5, 1.0, 1.0, 3.0), mcp.prox(2.0, 1.0, 1.0, 3.0), mcp.prox(4.0, 1.0, 1.0, 3.0)
    (0.0, 1.5, 4.0)
    """
    x = abs(z)
    if a == 0.0:
        return z
    if step < gamma:
        if x <= step * a:
            return 0.0
        if x >= gamma * a:
            return z
        out = gamma * (x - step * a) / (gamma - step)
        return out if z > 0 else -out
    return z if x > a * np.sqrt(gamma * step) else 0.0


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
        The concavity, > 1.
    lower : float
        The coefficient's lower bound (-inf: none).
    upper : float
        The coefficient's upper bound (inf: none).

    Returns
    -------
    float
        Without bounds: max(|corr| - a, 0) at w = 0; |corr - sign(w) (a - |w| / gamma)| for
        |w| < gamma a; |corr| beyond.  At a bound the normal cone opens the interval on its
        side.

    Examples
    --------
    >>> from shrinkage.penalties import mcp
    >>> mcp.kkt_score(0.5, 0.0, 1.0, 3.0), mcp.kkt_score(0.5, 1.5, 1.0, 3.0)
    (0.0, 0.0)
    >>> mcp.kkt_score(2.0, 0.0, 1.0, 3.0), mcp.kkt_score(2.0, 0.0, 1.0, 3.0, 0.0, 0.0)
    (1.0, 0.0)
    """
    x = abs(w)
    if w == 0.0:
        lo, hi = -a, a
    elif x < gamma * a:
        lo = hi = a - x / gamma if w > 0 else x / gamma - a
    else:
        lo = hi = 0.0
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
        The concavity, > 1.
    out : ndarray of shape (n_features,)
        Where the scores go.

    Returns
    -------
    ndarray of shape (n_features,)
        ``out``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import mcp
    >>> mcp.kkt_scores(np.array([2.0, 0.5]), np.zeros(2), np.ones(2), 3.0, np.empty(2))
    array([1., 0.])
    """
    for j in range(w.shape[0]):
        out[j] = kkt_score(corr[j], w[j], alphas[j], gamma)
    return out


@njit(cache=True, fastmath=False)
def alpha_max(corr0, factors):
    """The smallest alpha at which w = 0 is stationary: max_j |corr0_j| / f_j over f_j > 0.

    The same as the lasso's: near 0 the MCP has the lasso's subdifferential [-a, a].

    Parameters
    ----------
    corr0 : ndarray of shape (n_features,)
        Minus the datafit's gradient at w = 0 (at the fit of the unpenalized columns).
    factors : ndarray of shape (n_features,)
        The penalty factors (0: unpenalized).

    Returns
    -------
    float
        alpha_max (0 when no feature is penalized).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import mcp
    >>> float(mcp.alpha_max(np.array([0.3, -0.8, 5.0]), np.array([1.0, 2.0, 0.0])))
    0.4
    """
    out = 0.0
    for j in range(corr0.shape[0]):
        if factors[j] > 0.0:
            out = max(out, abs(corr0[j]) / factors[j])
    return out
