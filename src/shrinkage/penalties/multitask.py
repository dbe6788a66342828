"""The multi-task (L2,1 + L2) penalty's math, as numba functions over arrays (no solver imports).

For a coefficient matrix W of shape (p, T) (one row W_j per feature, one column per task)

    Omega(W) = l1 sum_j ||W_j||_2 + l2 / 2 ||W||_F^2

with l1 = alpha l1_ratio and l2 = alpha (1 - l1_ratio)
(scikit-learn's MultiTaskElasticNet, glmnet's "mgaussian").  A row enters or leaves the model for
every task at once.  Here: its value, the block prox of a row, the KKT score of a row (the
distance of minus the datafit gradient to the subdifferential), the dual norm max_j ||C_j||_2,
the conjugate sum_j h*(C_j) of the row penalty h(x) = l1 ||x|| + l2/2 ||x||^2, and the duality
gap of the least-squares datafit 0.5 sum_i s_i ||r_i||^2 (s summing to one) built from them.
Row norms accumulate as LAPACK's nrm2 does (``_group_kernels.vector_norm``), so a row near the
door's limit has its norm.  Every kernel behind a certificate says ``fastmath=False`` so that a
fastmath caller cannot pass its flags on to it.
"""

from __future__ import annotations

import numpy as np

from .._certificate_kernels import trusted_gap
from .._jit import njit
from ._group_kernels import vector_norm


@njit(cache=True, fastmath=False)
def penalty_value(W, l1, l2):
    """Omega(W) = l1 sum_j ||W_j||_2 + l2/2 ||W||_F^2 for W of shape (p, T).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties.multitask import penalty_value
    >>> float(penalty_value(np.array([[3.0, 4.0], [0.0, 0.0]]), 1.0, 2.0))  # 5 + 25
    30.0
    """
    total = 0.0
    for j in range(W.shape[0]):
        norm = vector_norm(W[j])
        total += l1 * norm + 0.5 * l2 * norm * norm
    return total


@njit(cache=True)
def row_prox(v, step, l1, l2):
    """In place: v <- argmin_x ||x - v||^2 / 2 + step (l1 ||x|| + l2/2 ||x||^2).

    Exact: v shrunk towards 0 by step l1 in Euclidean norm, then divided by 1 + step l2.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties.multitask import row_prox
    >>> v = np.array([3.0, 4.0])
    >>> row_prox(v, 1.0, 1.0, 1.0)
    >>> v  # (1 - 1/5) (3, 4) / 2
    array([1.2, 1.6])
    """
    norm = vector_norm(v)
    threshold = step * l1
    shrink = 0.0 if norm <= threshold else (1.0 - threshold / norm) / (1.0 + step * l2)
    for t in range(v.shape[0]):
        v[t] *= shrink


@njit(cache=True, fastmath=False)
def row_kkt(c, w, l1, l2):
    """Distance from c (minus the datafit gradient on row j) to the subdifferential at w = W_j.

    At w = 0 the subdifferential is the ball of radius l1: max(||c|| - l1, 0); elsewhere it is
    the point l1 w/||w|| + l2 w.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties.multitask import row_kkt
    >>> float(row_kkt(np.array([3.0, 4.0]), np.zeros(2), 2.0, 0.0))
    3.0
    """
    norm = vector_norm(w)
    if norm == 0.0:
        return max(vector_norm(c) - l1, 0.0)
    d = np.empty(c.shape[0])
    for t in range(c.shape[0]):
        d[t] = c[t] - l1 * (w[t] / norm) - l2 * w[t]
    return vector_norm(d)


@njit(cache=True, fastmath=False)
def kkt_scores(C, W, l1, l2, out):
    """out[j] = ``row_kkt(C[j], W[j], l1, l2)`` for every row; returns out.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties.multitask import kkt_scores
    >>> C = np.array([[3.0, 4.0], [0.5, 0.0]])
    >>> kkt_scores(C, np.zeros((2, 2)), 1.0, 0.0, np.empty(2))
    array([4., 0.])
    """
    for j in range(W.shape[0]):
        out[j] = row_kkt(C[j], W[j], l1, l2)
    return out


@njit(cache=True, fastmath=False)
def dual_norm(C):
    """max_j ||C_j||_2: the dual norm of sum_j ||W_j||_2 (0 for no rows).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties.multitask import dual_norm
    >>> float(dual_norm(np.array([[3.0, 4.0], [1.0, 1.0]])))
    5.0
    """
    top = 0.0
    for j in range(C.shape[0]):
        top = max(top, vector_norm(C[j]))
    return top


@njit(cache=True, fastmath=False)
def dual_scale(C, l1, l2):
    """Largest s in [0, 1] keeping the conjugate finite at s C: 1 with an L2 part, else
    min(1, l1 / max_j ||C_j||).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties.multitask import dual_scale
    >>> float(dual_scale(np.array([[3.0, 4.0]]), 1.0, 0.0))
    0.2
    """
    if l2 > 0.0:
        return 1.0
    top = dual_norm(C)
    return 1.0 if top <= l1 else l1 / top


@njit(cache=True, fastmath=False)
def conjugate(C, l1, l2):
    """sum_j h*(C_j) with h*(u) = (||u|| - l1)_+^2 / (2 l2), or the indicator of ||u|| <= l1
    when l2 = 0 (inf outside).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties.multitask import conjugate
    >>> float(conjugate(np.array([[3.0, 4.0]]), 1.0, 2.0))  # (5 - 1)^2 / 4
    4.0
    """
    total = 0.0
    for j in range(C.shape[0]):
        excess = max(vector_norm(C[j]) - l1, 0.0)
        if excess == 0.0:
            continue
        if l2 == 0.0:
            return np.inf
        total += (0.5 * excess) * (excess / l2)
    return total


@njit(cache=True, fastmath=False)
def dual_gap(W, residual_sq, C, r_dot_y, r_dot_r, l1, l2):
    """Duality gap of 0.5 sum_i s_i ||r_i||^2 + Omega(W) at the dual point theta = s S R.

    ``residual_sq`` = sum_i s_i ||r_i||^2 at W (the primal), ``C`` = X_c' S R (p, T),
    ``r_dot_y`` = <R, Y_c>_S and ``r_dot_r`` = <R, R>_S; the scale s is ``dual_scale``.  The dual
    is s <R, Y_c>_S - s^2/2 <R, R>_S - sum_j h*(s C_j) (0 without an L2 part, where s keeps
    every row in the ball).  Returns (gap, primal, dual, s); the gap
    is 0 for a negative rounding error and inf where it could not be computed.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties.multitask import dual_gap
    >>> W = np.zeros((1, 2))  # at W = 0 with ||C_0|| <= l1 the gap is 0
    >>> gap, primal, dual, s = dual_gap(W, 2.0, np.array([[0.3, 0.4]]), 2.0, 2.0, 1.0, 0.0)
    >>> float(gap), float(primal), float(s)
    (0.0, 1.0, 1.0)
    """
    primal = 0.5 * residual_sq + penalty_value(W, l1, l2)
    s = dual_scale(C, l1, l2)
    # without an L2 part s puts every row in the ball: h* is 0 there (evaluating it would turn
    # the rounding of ||s C_j|| = l1 (1 + eps) into an infinite conjugate)
    conj = conjugate(s * C, l1, l2) if l2 > 0.0 else 0.0
    dual = s * r_dot_y - 0.5 * s * s * r_dot_r - conj
    size = abs(primal) + abs(s * r_dot_y) + 0.5 * s * s * r_dot_r + abs(conj)
    return trusted_gap(primal - dual, size), primal, dual, s


def alpha_max(C0: np.ndarray, l1_ratio: float) -> float:
    """Smallest alpha at which W = 0 is optimal: max_j ||C0_j||_2 / l1_ratio, where
    C0 = X_c' S Y_c is minus the datafit gradient at W = 0 (with s = 1/n: max_j ||X_j' Y_c|| / n).

    Parameters
    ----------
    C0 : ndarray of shape (n_features, n_tasks)
        Minus the gradient of the datafit at W = 0.
    l1_ratio : float
        The share of the L2,1 norm in the penalty, in (0, 1].

    Returns
    -------
    float
        alpha_max (inf when l1_ratio = 0 and C0 is not zero: no alpha zeroes every row).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties.multitask import alpha_max
    >>> alpha_max(np.array([[3.0, 4.0], [1.0, 0.0]]), 0.5)
    10.0
    """
    top = float(dual_norm(np.ascontiguousarray(C0, dtype=np.float64)))
    if top == 0.0:
        return 0.0
    return top / l1_ratio if l1_ratio > 0 else np.inf
