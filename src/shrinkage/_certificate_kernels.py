"""The least-squares certificate's math, as numba functions over arrays (no solver imports).

The gap of ``shrinkage.certificates`` at w with the dual point theta = scale * S r (r the
residual, free columns projected out, scale <= 1 keeping theta in the domain of the penalty's
conjugate), built from the penalty's math (``shrinkage.penalties._l1_l2_kernels``), and
``trusted_gap``, which turns any gap into a certificate (``shrinkage.glm_certificates`` too).
Gram-mode solvers call these from numba.

Every kernel says ``fastmath=False`` explicitly: numba otherwise compiles a kernel first called
from a fastmath one with that caller's flags (and caches it so), and a reassociated
``l2 / 2 * w * w`` overflowed to a gap of -inf, reported as 0.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit
from ._lapack import lstsq
from .penalties._l1_l2_kernels import conjugate_coordinate, penalty_sum, scale_into_domain


@njit(cache=True, inline="always")
def trusted_gap(gap, size):
    """The gap as a certificate: 0 for a negative rounding error (up to 1e-12 of ``size``, the
    sum of the magnitudes it was computed from), inf for NaN or anything more negative (an
    overflow or a broken dual point certifies nothing)."""
    if gap >= 0.0:
        return gap
    if gap >= -1e-12 * size:
        return 0.0
    return np.inf


@njit(cache=True, fastmath=False)
def dual_gap(w, residual_sq, corr, r_dot_y, r_dot_r, l1, l2, lower, upper):
    """Duality gap at w with the dual point theta = scale * sw * r (scaled to be feasible).

    ``residual_sq`` = sum sw r^2 at w (the primal).  ``corr`` = X_c' S r, ``r_dot_y`` =
    sum sw r y_c and ``r_dot_r`` = sum sw r^2 describe the dual residual, from which the free
    columns were projected out (``project_free_columns``).  Returns (gap, primal, dual, scale);
    the gap is a ``trusted_gap`` (>= 0; inf where it could not be computed).
    """
    primal = 0.5 * residual_sq + penalty_sum(w, l1, l2)
    scale = scale_into_domain(corr, l1, l2, lower, upper)
    dual = scale * r_dot_y - 0.5 * scale * scale * r_dot_r
    size = abs(primal) + abs(scale * r_dot_y) + 0.5 * scale * scale * r_dot_r
    for j in range(w.shape[0]):
        conj = conjugate_coordinate(scale * corr[j], l1[j], l2[j], lower[j], upper[j])
        dual -= conj
        size += abs(conj)
    return trusted_gap(primal - dual, size), primal, dual, scale


@njit(cache=True, fastmath=False)
def project_free_columns(free, w, corr, r_dot_y, r_dot_r, cross, q_free, lower, upper):
    """Project the residual onto the orthogonal complement of some free (unpenalized) columns.

    ``cross`` = X_c' S X_c[:, free] and ``q_free`` = X_c[:, free]' S y_c.  The projected set U
    holds the free columns that are unbounded, strictly inside their bounds, or at a bound with a
    correlation of the wrong sign; their dual correlations become exactly 0, and the others keep
    a sign for which their conjugate is finite.  Returns (corr, r_dot_y, r_dot_r) projected.
    """
    m = free.shape[0]
    if m == 0:
        return corr, r_dot_y, r_dot_r
    in_u = np.zeros(m, dtype=np.bool_)
    for a in range(m):
        j = free[a]
        in_u[a] = w[j] != lower[j] and w[j] != upper[j]
    out, ry, rr = corr, r_dot_y, r_dot_r
    for _ in range(m + 1):
        idx = true_indices(in_u)
        k = idx.shape[0]
        out, ry, rr = corr.copy(), r_dot_y, r_dot_r
        if k > 0:
            G_uu = np.empty((k, k))
            v_u = np.empty(k)
            for a in range(k):
                v_u[a] = corr[free[idx[a]]]
                for b in range(k):
                    G_uu[a, b] = cross[free[idx[a]], idx[b]]
            delta = lstsq(G_uu, v_u)
            for b in range(k):
                for i in range(out.shape[0]):  # a loop compiles faster than the array expression
                    out[i] -= delta[b] * cross[i, idx[b]]
                ry -= delta[b] * q_free[idx[b]]
            rr = max(rr - delta @ v_u, 0.0)
            for a in range(k):
                out[free[idx[a]]] = 0.0
        grown = False
        for a in range(m):
            j = free[a]
            if in_u[a]:
                continue
            if (upper[j] == np.inf and out[j] > 0.0) or (lower[j] == -np.inf and out[j] < 0.0):
                in_u[a] = True
                grown = True
        if not grown:
            break
    return out, ry, rr


@njit(cache=True, fastmath=False)
def off_support_columns(w, free):
    """The columns projected out of the residual for the gap off the support: the free ones and
    every non-zero coordinate (sorted)."""
    keep = w != 0.0
    for b in range(free.shape[0]):
        keep[free[b]] = True
    return true_indices(keep)


@njit(cache=True, fastmath=False)
def true_indices(mask):
    """``np.flatnonzero(mask)`` (int64) of a boolean vector; numba's generic one took longer to
    compile than the two certificate kernels that call it."""
    count = 0
    for i in range(mask.shape[0]):
        if mask[i]:
            count += 1
    out = np.empty(count, dtype=np.int64)
    k = 0
    for i in range(mask.shape[0]):
        if mask[i]:
            out[k] = i
            k += 1
    return out
