"""The group and sparse-group lasso penalty's math, as numba functions over arrays (no solver
imports).

Group g holds the columns ``order[ptr[g]:ptr[g + 1]]``; its penalty is

    Omega_g(w_g) = sum_{j in g} l1[j] |w_j| + lg[g] ||w_g||_2

(``GroupPenalty`` in ``shrinkage.penalties.group`` builds these arrays): its value, block prox,
KKT score (the distance of minus the datafit gradient to the subdifferential) and dual norm (the
gauge behind the gap's scaling and alpha_max).  Norms accumulate as LAPACK's nrm2 does (a
running scale and a sum of scaled squares), so that a group of gradients near the door's limit
(whose squares overflow) or of coefficients near underflow has its norm.  The kernels behind a
certificate say
``fastmath=False`` so that a fastmath caller (the solvers' ``bcd_working_set``) cannot pass its
flags on to them.
"""

from __future__ import annotations

import numpy as np

from .._jit import njit


@njit(cache=True, fastmath=False)
def accumulate_norm(scale, ssq, x):
    """One step of ||.||_2 without overflow or underflow: the norm so far is scale sqrt(ssq)
    (start from scale = 0, ssq = 1); returns (scale, ssq) with x added."""
    a = abs(x)
    if a == 0.0:
        return scale, ssq
    if a > scale:
        return a, 1.0 + ssq * (scale / a) * (scale / a)
    return scale, ssq + (a / scale) * (a / scale)


@njit(cache=True, fastmath=False)
def vector_norm(v):
    """||v||_2, the squares scaled by the largest entry (no overflow near the door's limit)."""
    scale, ssq = 0.0, 1.0
    for k in range(v.shape[0]):
        scale, ssq = accumulate_norm(scale, ssq, v[k])
    return scale * np.sqrt(ssq)


@njit(cache=True, fastmath=False)
def _group_norm(w, order, start, stop):
    """||w[order[start:stop]]||_2 (as ``vector_norm``)."""
    scale, ssq = 0.0, 1.0
    for k in range(start, stop):
        scale, ssq = accumulate_norm(scale, ssq, w[order[k]])
    return scale * np.sqrt(ssq)


@njit(cache=True, fastmath=False)
def penalty_value(w, order, ptr, l1, lg, groups):
    """Sum of Omega_g over the groups listed in ``groups``."""
    total = 0.0
    for g in groups:
        for k in range(ptr[g], ptr[g + 1]):
            total += l1[order[k]] * abs(w[order[k]])
        total += lg[g] * _group_norm(w, order, ptr[g], ptr[g + 1])
    return total


@njit(cache=True)
def group_prox(v, step, order, start, l1, lg):
    """In place: v <- argmin_x ||x - v||^2 / 2 + step Omega_g(x) (the prox of step Omega_g).

    Exact for the sparse-group penalty: soft-threshold each coordinate by step l1[j], then shrink
    the group towards 0 by step lg in Euclidean norm.
    """
    m = v.shape[0]
    for k in range(m):
        t = step * l1[order[start + k]]
        x = v[k]
        v[k] = x - t if x > t else (x + t if x < -t else 0.0)
    norm = vector_norm(v)
    shrink = 0.0 if norm <= step * lg else 1.0 - step * lg / norm
    for k in range(m):
        v[k] *= shrink


@njit(cache=True, fastmath=False)
def group_kkt(corr, w, order, start, l1, lg):
    """Distance from corr (= minus the datafit gradient on the group) to the subdifferential."""
    m = corr.shape[0]
    norm = _group_norm(w, order, start, start + m)
    scale, ssq = 0.0, 1.0
    if norm == 0.0:  # subdifferential at 0: the box of radius l1 plus the ball of radius lg
        for k in range(m):
            scale, ssq = accumulate_norm(scale, ssq, max(abs(corr[k]) - l1[order[start + k]], 0.0))
        return max(scale * np.sqrt(ssq) - lg, 0.0)
    for k in range(m):
        j = order[start + k]
        x = w[j]
        if x == 0.0:
            a = max(abs(corr[k]) - l1[j], 0.0)
        else:
            a = corr[k] - l1[j] * (1.0 if x > 0 else -1.0) - lg * (x / norm)
        scale, ssq = accumulate_norm(scale, ssq, a)
    return scale * np.sqrt(ssq)


@njit(cache=True, fastmath=False)
def kkt_scores(corr, w, order, ptr, l1, lg, out):
    """out[g] = distance of corr_g to the subdifferential of Omega_g at w_g."""
    for g in range(ptr.shape[0] - 1):
        start, stop = ptr[g], ptr[g + 1]
        v = np.empty(stop - start)
        for k in range(stop - start):
            v[k] = corr[order[start + k]]
        out[g] = group_kkt(v, w, order, start, l1, lg[g])
    return out


@njit(cache=True, fastmath=False)
def dual_norm(v, a, c):
    """Smallest t >= 0 with ||ST(v, t a)||_2 <= t c: the gauge of the set {box(a) + ball(c)}.

    Homogeneous (t(k v, a, c) = k t(v, a, c), t(v, k a, k c) = t(v, a, c) / k): computed on v
    and the weights divided by their largest entries, so that no sum of squares overflows.
    """
    v_max = 0.0
    for k in range(v.shape[0]):
        v_max = max(v_max, abs(v[k]))
    if v_max == 0.0:
        return 0.0
    w_max = c
    for k in range(a.shape[0]):
        w_max = max(w_max, a[k])
    if w_max == 0.0:
        return np.inf
    return (v_max / w_max) * _unit_dual_norm(v / v_max, a / w_max, c / w_max)


@njit(cache=True, fastmath=False)
def _unit_dual_norm(v, a, c):
    """``dual_norm`` of v and weights of moderate size (their squares are summed).

    h(t) = ||ST(v, t a)||_2 - t c is convex and decreasing; ||ST(v, t a)||^2 is a quadratic in t
    between consecutive breakpoints |v_j| / a_j, so scanning them brackets the root and the
    quadratic gives it; two Newton steps on h then remove the rounding of the quadratic formula
    (its two roots nearly coincide when c << a).  inf when a coordinate with a_j = 0 has v_j != 0
    and c = 0 (that coordinate is not penalized).
    """
    m = v.shape[0]
    c0 = 0.0  # sum of v_j^2 over the coordinates without an L1 weight (always above threshold)
    n_b = 0
    brk = np.empty(m)
    av = np.empty(m)
    aa = np.empty(m)
    for k in range(m):
        if a[k] > 0.0:
            brk[n_b] = abs(v[k]) / a[k]
            av[n_b] = abs(v[k])
            aa[n_b] = a[k]
            n_b += 1
        else:
            c0 += v[k] * v[k]
    if n_b == 0:
        if c0 == 0.0:
            return 0.0
        return np.sqrt(c0) / c if c > 0.0 else np.inf
    perm = np.argsort(brk[:n_b])
    if c == 0.0:
        return brk[perm[n_b - 1]] if c0 == 0.0 else np.inf
    # suffix sums over the coordinates above threshold (breakpoint >= the current one)
    sa = np.empty(n_b + 1)
    sb = np.empty(n_b + 1)
    sc = np.empty(n_b + 1)
    sa[n_b], sb[n_b], sc[n_b] = 0.0, 0.0, c0
    for q in range(n_b - 1, -1, -1):
        i = perm[q]
        sa[q] = sa[q + 1] + aa[i] * aa[i]
        sb[q] = sb[q + 1] + aa[i] * av[i]
        sc[q] = sc[q + 1] + av[i] * av[i]
    t_left = 0.0
    for q in range(n_b + 1):
        t_right = brk[perm[q]] if q < n_b else np.inf
        quad_a = sa[q] - c * c
        if q < n_b and (quad_a * t_right - 2.0 * sb[q]) * t_right + sc[q] > 0.0:
            t_left = t_right
            continue
        if sc[q] == 0.0:
            return t_left
        t = sc[q] / (sb[q] + np.sqrt(max(sb[q] * sb[q] - quad_a * sc[q], 0.0)))
        t = min(max(t, t_left), t_right)
        for _ in range(2):  # Newton on h (convex, decreasing): polishes the last digits
            norm2, slope = c0, 0.0
            for k in range(n_b):
                x = av[k] - t * aa[k]
                if x > 0.0:
                    norm2 += x * x
                    slope += aa[k] * x
            if norm2 == 0.0:
                break
            norm = np.sqrt(norm2)
            t_new = t + (norm - t * c) / (slope / norm + c)
            if not t_left <= t_new <= t_right:
                break
            t = t_new
        return t
    return t_left


@njit(cache=True, fastmath=False)
def dual_norms(corr, order, ptr, l1, lg, out):
    """out[g] = dual_norm of corr on group g with the weights l1 (per column) and lg[g]."""
    for g in range(ptr.shape[0] - 1):
        start, stop = ptr[g], ptr[g + 1]
        m = stop - start
        v = np.empty(m)
        a = np.empty(m)
        for k in range(m):
            j = order[start + k]
            v[k] = corr[j]
            a[k] = l1[j]
        out[g] = dual_norm(v, a, lg[g])
    return out
