"""The L1 / L2 / Elastic-Net penalty's math, as numba functions over arrays (no solver imports).

The penalty of coordinate j is ``l1[j] |w_j| + l2[j] / 2 w_j**2`` on ``lower[j] <= w_j <=
upper[j]`` (``PenaltyWeights`` in ``shrinkage.penalties.l1_l2`` builds these arrays): its value,
coordinate prox, KKT score (the distance of minus the datafit gradient to the subdifferential),
conjugate (for the duality gap) and the scaling that keeps a dual point inside the conjugate's
domain.  The solvers' loops call these; the certificates too.

The functions behind a certificate say ``fastmath=False`` explicitly: numba otherwise compiles a
kernel first called from a fastmath one with that caller's flags (and caches it so), and a
reassociated ``l2 / 2 * w * w`` overflowed to a gap of -inf, reported as 0.  The
``inline="always"`` ones take their caller's flags by design.

The functions that every first fit compiles (prox, KKT score, conjugate, dual scaling) write max
and min as conditional expressions: numba's builtins make the same comparison and choice
(``max(a, b)`` is ``b if b > a else a``, ``min(a, b)`` is ``b if b < a else a``) but compile a
function of their own per signature and flags.
"""

from __future__ import annotations

import numpy as np

from .._jit import njit


@njit(cache=True, inline="always")
def prox_coordinate(z, lipschitz, l1, l2, lower, upper):
    """argmin_w L/2 (w - z/L)^2 + l1 |w| + l2/2 w^2 on [lower, upper]; z = L w_old + c_j."""
    if z > l1:
        w = (z - l1) / (lipschitz + l2)
    elif z < -l1:
        w = (z + l1) / (lipschitz + l2)
    else:
        w = 0.0
    w = lower if lower > w else w
    return upper if upper < w else w


@njit(cache=True, inline="always")
def kkt_violation(corr, w, l1, l2, lower, upper):
    """Distance from 0 to the subdifferential at w_j, given corr = -d(datafit)/dw_j."""
    if lower == upper:
        return 0.0
    h = l2 * w - corr
    if w == lower:  # normal cone (-inf, 0]: need h + l1 s >= 0 for some s in the sign set
        v = -(h + l1 * (1.0 if w >= 0 else -1.0))
        return v if v > 0.0 else 0.0
    if w == upper:  # normal cone [0, inf): need h + l1 s <= 0 for some s in the sign set
        v = h + l1 * (1.0 if w > 0 else -1.0)
        return v if v > 0.0 else 0.0
    if w == 0.0:
        v = abs(h) - l1
        return 0.0 if v < 0.0 else v
    return abs(h + l1 * (1.0 if w > 0 else -1.0))


@njit(cache=True, fastmath=False)
def kkt_violations(corr, w, l1, l2, lower, upper, out):
    for j in range(w.shape[0]):
        out[j] = kkt_violation(corr[j], w[j], l1[j], l2[j], lower[j], upper[j])
    return out


@njit(cache=True, fastmath=False)
def penalty_value(w, l1, l2):
    """sum_j l1_j |w_j| + l2_j / 2 w_j^2 (``penalty_sum`` as a kernel of its own)."""
    return penalty_sum(w, l1, l2)


@njit(cache=True, inline="always")
def penalty_sum(w, l1, l2):
    """``penalty_value`` inlined in its caller (``dual_gap``: one function less to compile)."""
    total = 0.0
    for j in range(w.shape[0]):
        total += l1[j] * abs(w[j]) + 0.5 * l2[j] * w[j] * w[j]
    return total


@njit(cache=True, inline="always")
def conjugate_coordinate(v, l1, l2, lower, upper):
    """sup_{lower <= w <= upper} v w - l1 |w| - l2/2 w^2 (finite by construction of the caller).

    With an L2 part and the maximiser s / l2 inside the bounds (s = ST(v, l1)) the value is
    s^2 / (2 l2), a product of positive factors: an overflow gives +inf (no certificate), never
    the -inf of inf - inf that a difference of two huge terms could give.
    """
    if lower == upper:
        return v * lower - l1 * abs(lower) - 0.5 * l2 * lower * lower
    if l2 > 0.0:
        s = abs(v) - l1
        s = 0.0 if s < 0.0 else s
        t = s / l2 if v >= 0.0 else -(s / l2)  # the maximiser without the bounds
        if lower <= t <= upper:
            return (0.5 * s) * (s / l2)
        w = lower if lower > t else t
        w = upper if upper < w else w  # a finite bound
        return v * w - l1 * abs(w) - 0.5 * l2 * w * w
    if l1 == 0.0 and ((upper == np.inf and v > 0.0) or (lower == -np.inf and v < 0.0)):
        return np.inf  # a free column whose correlation points where w is unbounded
    best = 0.0 if lower <= 0.0 <= upper else -np.inf
    if np.isfinite(lower):  # not a loop over (lower, upper): a tuple compiles slower
        c = v * lower - l1 * abs(lower)
        best = c if c > best else best
    if np.isfinite(upper):
        c = v * upper - l1 * abs(upper)
        best = c if c > best else best
    return best


@njit(cache=True, fastmath=False)
def penalty_conjugate(v, l1, l2, lower, upper):
    """sum_j Omega_j*(v_j) (inf where a free coordinate's v_j points to its unbounded side)."""
    total = 0.0
    for j in range(v.shape[0]):
        total += conjugate_coordinate(v[j], l1[j], l2[j], lower[j], upper[j])
    return total


@njit(cache=True, fastmath=False)
def dual_scale(corr, l1, l2, lower, upper):
    """Largest s in [0, 1] with |s corr_j| <= l1_j wherever Omega_j* is otherwise infinite."""
    return scale_into_domain(corr, l1, l2, lower, upper)


@njit(cache=True, inline="always")
def scale_into_domain(corr, l1, l2, lower, upper):
    """``dual_scale`` inlined in its caller (``dual_gap``: one function less to compile)."""
    scale = 1.0
    for j in range(corr.shape[0]):
        if l2[j] > 0.0 or l1[j] == 0.0 or lower[j] == upper[j]:
            continue
        v = corr[j]
        if v > l1[j] and upper[j] == np.inf:
            c = l1[j] / v
            scale = c if c < scale else scale
        elif v < -l1[j] and lower[j] == -np.inf:
            c = -l1[j] / v
            scale = c if c < scale else scale
    return scale
