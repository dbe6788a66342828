"""Numba loops for the group and sparse-group lasso, and nothing else.

Group g holds the columns ``order[ptr[g]:ptr[g + 1]]``; its penalty is

    Omega_g(w_g) = sum_{j in g} l1[j] |w_j| + lg[g] ||w_g||_2,

whose math (value, prox, KKT score, dual norm) is the penalty's own, in
``shrinkage.penalties._group_kernels``.

Designs follow ``_kernels`` (a dense design pre-scaled and centred, or a sparse CSC design with the
centring applied inside the column operations); the datafit is ``0.5 sum_i sw_i r_i**2``.
"""

from __future__ import annotations

import numpy as np

from .._jit import njit
from ..penalties._group_kernels import (
    accumulate_norm,
    group_kkt,
    group_prox,
    penalty_value,
    vector_norm,
)
from ._constants import FAST_MATH
from ._kernels import ANDERSON_K, anderson_point, column_axpy, column_dot, datafit_value

_BLOCK_SWEEPS = 20  # coordinate sweeps within a sparse-group block per visit


@njit(cache=True)
def exact_group_step(c, w, order, start, lg, evals, evecs, e0, v0):
    """In place: c <- argmin_x 0.5 (x - w_g)' G (x - w_g) - c'(x - w_g) + lg ||x||, the exact
    minimization of a least-squares block, from G = V diag(evals) V' (``evecs`` row-major at v0).

    With beta = V'(G w_g + c): x = 0 if ||beta|| <= lg, else x = V beta / (evals + nu) with
    nu ||x|| = lg, the increasing secular equation (``_secular_root``)."""
    m = c.shape[0]
    w_t = np.zeros(m)  # V'w_g
    c_t = np.zeros(m)  # V'c
    beta = np.zeros(m)
    for a in range(m):
        for k in range(m):
            v = evecs[v0 + k * m + a]
            w_t[a] += v * w[order[start + k]]
            c_t[a] += v * c[k]
        beta[a] = evals[e0 + a] * w_t[a] + c_t[a]
    norm_b = vector_norm(beta)
    if norm_b <= lg:
        c[:] = 0.0
        return
    nu = 0.0
    if lg > 0.0:
        nu = _secular_root(beta, norm_b, lg, evals[e0 : e0 + m])
    # the move x - w_g = V (c_t - nu w_t) / (evals + nu), accurate where x is near w_g
    for a in range(m):
        d = evals[e0 + a] + nu
        beta[a] = (c_t[a] - nu * w_t[a]) / d if d > 0.0 else 0.0
    for k in range(m):
        acc = 0.0
        for a in range(m):
            acc += evecs[v0 + k * m + a] * beta[a]
        c[k] = w[order[start + k]] + acc


@njit(cache=True)
def _secular_root(beta, norm_b, lg, evals):
    """The root nu > 0 of nu ||beta / (evals + nu)|| = lg (0 < lg < ||beta|| = norm_b), by
    Newton's method safeguarded by bisection.

    Solved without units: with top = max(evals), mu = nu / top and e = evals / top in [0, 1],
    mu ||u / (e + mu)|| = rho for the unit vector u = beta / norm_b and rho = lg / norm_b < 1,
    whose root lies in (0, rho / (1 - rho)].  Nothing multiplies two scaled quantities (lg top
    and the cubes of evals overflow for columns near the door's limit), whatever order a
    fastmath caller evaluates the products in."""
    m = beta.shape[0]
    top = 0.0
    for a in range(m):
        top = max(top, evals[a])
    rho = lg / norm_b
    e = np.empty(m)
    u = np.empty(m)
    q = np.empty(m)
    for a in range(m):
        e[a] = evals[a] / top
        u[a] = beta[a] / norm_b
    lo, hi = 0.0, rho / (1.0 - rho) * (1.0 + 1e-12)
    mu = hi
    for _ in range(100):
        # ||q|| for q = u / (e + mu) and its slope, from q scaled by its largest entry
        biggest = 0.0
        for a in range(m):
            q[a] = u[a] / (e[a] + mu)
            biggest = max(biggest, abs(q[a]))
        s2 = 0.0
        s3 = 0.0  # sum (q / biggest)^2 mu / (e + mu), at most s2
        for a in range(m):
            t = q[a] / biggest
            s2 += t * t
            s3 += t * t * (mu / (e[a] + mu))
        root = np.sqrt(s2)
        h = mu * (biggest * root) - rho  # increasing in mu
        if abs(h) <= 1e-14 * rho:
            break
        mu, lo, hi = _bracketed_newton(mu, h, biggest * (root - s3 / root), lo, hi)
        if hi - lo <= 1e-15 * hi:
            break
    return top * mu


@njit(cache=True)
def _bracketed_newton(t, value, slope, lo, hi):
    """One step to the root of an increasing function with ``value`` and ``slope`` at t: the
    bracket [lo, hi] shrinks to t's side, then Newton's step, or bisection where it would leave
    the bracket.  Returns (next t, lo, hi)."""
    if value > 0.0:
        hi = t
    else:
        lo = t
    step = t - value / slope if slope > 0.0 else 0.5 * (lo + hi)
    return (step if lo < step < hi else 0.5 * (lo + hi)), lo, hi


@njit(cache=True)
def _coordinate_with_group(a, u, lam1, lg, R):
    """argmin_t 0.5 a t^2 - u t + lam1 |t| + lg sqrt(t^2 + R), a > 0: soft-thresholding when
    R = 0, else the root of the increasing derivative by Newton's method safeguarded by
    bisection."""
    if R <= 0.0:
        z = abs(u) - lam1 - lg
        return 0.0 if z <= 0.0 else (z / a if u > 0 else -z / a)
    v = abs(u) - lam1
    if v <= 0.0:
        return 0.0
    lo, hi = 0.0, v / a
    t = hi
    for _ in range(100):
        root = np.sqrt(t * t + R)
        psi = a * t - v + lg * t / root  # increasing in t
        if abs(psi) <= 1e-15 * v:
            break
        # the slope a + lg R / root^3, whose cube underflows for tiny coefficients
        t, lo, hi = _bracketed_newton(t, psi, a + lg * (R / (t * t + R)) / root, lo, hi)
        if hi - lo <= 1e-16 * hi:
            break
    return t if u > 0 else -t


@njit(cache=True)
def sparse_group_block_step(c, w, order, start, l1, lg, L, gram, g0, max_sweeps):
    """In place: c <- argmin_x 0.5 (x - w_g)' G (x - w_g) - c'(x - w_g) + sum_j l1_j |x_j|
    + lg ||x|| for a block with an L1 part (G row-major at g0, its top eigenvalue L).

    x = 0 exactly when ||S(G w_g + c, l1)|| <= lg (S: soft-thresholding); otherwise coordinate
    descent within the block, each coordinate's problem solved exactly (insensitive to columns of
    different scales), from w_g, or from the proximal-gradient step at 0 (non-zero then) when
    w_g = 0."""
    m = c.shape[0]
    b = np.empty(m)
    for k in range(m):
        acc = c[k]
        for q in range(m):
            acc += gram[g0 + k * m + q] * w[order[start + q]]
        b[k] = acc
    scale, ssq = 0.0, 1.0
    for k in range(m):
        scale, ssq = accumulate_norm(scale, ssq, max(abs(b[k]) - l1[order[start + k]], 0.0))
    norm_s = scale * np.sqrt(ssq)
    if norm_s <= lg:
        c[:] = 0.0
        return
    x = np.empty(m)
    at_zero = True
    for k in range(m):
        x[k] = w[order[start + k]]
        at_zero = at_zero and x[k] == 0.0
    if at_zero:  # coordinate descent cannot leave 0: start from the prox-gradient step at 0
        for k in range(m):
            z = abs(b[k]) - l1[order[start + k]]
            x[k] = 0.0 if z <= 0.0 else (1.0 - lg / norm_s) * (z if b[k] > 0 else -z) / L
    grad = np.empty(m)  # of the smooth part: G (x - w_g) - c = G x - b
    norm2 = 0.0
    for k in range(m):
        acc = -b[k]
        for q in range(m):
            acc += gram[g0 + k * m + q] * x[q]
        grad[k] = acc
        norm2 += x[k] * x[k]
    for _ in range(max_sweeps):
        biggest = 0.0
        for k in range(m):
            a = gram[g0 + k * m + k]
            if a <= 0.0:
                continue
            xk = x[k]
            t = _coordinate_with_group(
                a, a * xk - grad[k], l1[order[start + k]], lg, max(norm2 - xk * xk, 0.0)
            )
            d = t - xk
            if d != 0.0:
                for q in range(m):
                    grad[q] += gram[g0 + q * m + k] * d
                norm2 += t * t - xk * xk
                x[k] = t
                biggest = max(biggest, a * d * d)
        if biggest <= 1e-28 * max(norm2 * L, 1e-300):
            break
    if norm2 > 0.0:
        for k in range(m):
            c[k] = x[k]
    else:  # coordinate descent cannot leave 0: the proximal-gradient step at w_g instead
        for k in range(m):
            c[k] = w[order[start + k]] + c[k] / L
        group_prox(c, 1.0 / L, order, start, l1, lg)


@njit(cache=True, fastmath=FAST_MATH)
def bcd_working_set(
    design, penalty, curvature, r, rsum, w, ws, max_epochs, tol_inner, use_anderson
):
    """Block coordinate descent on the groups ``ws`` with Anderson extrapolation.

    ``design`` = ``WeightedDesign.kernel_args()``, ``penalty`` = (order, ptr, l1, lg) (the
    groups and their weights), ``curvature`` = ``group_cd.BlockCurvature.kernel_args()``
    (lipschitz, evals, evecs, grams, eoff, voff).

    A block with the Gram G = X_g' S X_g and its eigendecomposition (``grams``, ``evals``,
    ``evecs`` from eoff[g]/voff[g]; none where eoff[g] == eoff[g + 1]) is minimized exactly
    without an L1 part (``exact_group_step``), else by coordinate descent within the block
    (``sparse_group_block_step``), both insensitive to columns of different scales; any other
    takes one proximal-gradient step of length 1 / lipschitz[g] (the top eigenvalue of G).
    Stops when the largest group KKT violation seen during an epoch is below
    ``tol_inner``.  Returns (rsum, n_epochs); ``r`` and ``w`` are updated in place.
    """
    Xd, data, indices, indptr, sw, x_offset, is_sparse = design
    order, ptr, l1, lg = penalty
    lipschitz, evals, evecs, grams, eoff, voff = curvature
    n_cols = 0
    biggest = 0
    for g in ws:
        m = ptr[g + 1] - ptr[g]
        n_cols += m
        biggest = max(biggest, m)
    cols = np.empty(n_cols, dtype=np.int64)
    pos = 0
    for g in ws:
        for k in range(ptr[g], ptr[g + 1]):
            cols[pos] = order[k]
            pos += 1
    corr = np.empty(biggest)
    history = np.empty((ANDERSON_K + 1, n_cols))
    n_hist = 0
    epoch = 0
    while epoch < max_epochs:
        epoch += 1
        worst = 0.0
        for g in ws:
            L = lipschitz[g]
            if L == 0.0:
                continue
            start, m = ptr[g], ptr[g + 1] - ptr[g]
            c = corr[:m]
            for k in range(m):
                c[k] = column_dot(
                    order[start + k], Xd, data, indices, indptr, sw, x_offset, r, rsum, is_sparse
                )
            worst = max(worst, group_kkt(c, w, order, start, l1, lg[g]))
            has_gram = eoff[g + 1] > eoff[g]
            pure = True
            for k in range(m):
                pure = pure and l1[order[start + k]] == 0.0
            if has_gram and pure:
                exact_group_step(c, w, order, start, lg[g], evals, evecs, eoff[g], voff[g])
            elif has_gram:
                sparse_group_block_step(
                    c, w, order, start, l1, lg[g], L, grams, voff[g], _BLOCK_SWEEPS
                )
            else:
                for k in range(m):
                    c[k] = w[order[start + k]] + c[k] / L
                group_prox(c, 1.0 / L, order, start, l1, lg[g])
            for k in range(m):
                j = order[start + k]
                if c[k] != w[j]:
                    rsum = column_axpy(
                        j, c[k] - w[j], Xd, data, indices, indptr, x_offset, r, rsum, is_sparse
                    )
                    w[j] = c[k]
        if worst <= tol_inner:
            break
        if not use_anderson:
            continue
        for k in range(n_cols):
            history[n_hist, k] = w[cols[k]]
        n_hist += 1
        if n_hist < ANDERSON_K + 1:
            continue
        n_hist = 0
        point = anderson_point(history)
        if point.shape[0] == 0:
            continue
        w_try = w.copy()
        r_try = r.copy()
        rsum_try = rsum
        for k in range(n_cols):
            acc = point[k]
            j = cols[k]
            if acc != w[j]:
                rsum_try = column_axpy(
                    j, acc - w[j], Xd, data, indices, indptr, x_offset, r_try, rsum_try, is_sparse
                )
                w_try[j] = acc
        before = datafit_value(w, Xd, sw, x_offset, r, rsum, is_sparse) + penalty_value(
            w, order, ptr, l1, lg, ws
        )
        after = datafit_value(w_try, Xd, sw, x_offset, r_try, rsum_try, is_sparse) + penalty_value(
            w_try, order, ptr, l1, lg, ws
        )
        if after < before:
            w[:] = w_try
            r[:] = r_try
            rsum = rsum_try
    return rsum, epoch


@njit(cache=True)
def _column_pair(a, b, Xd, data, indices, indptr, sw, x_offset, is_sparse):
    """X_c[:, a]' S X_c[:, b] (centred, weighted)."""
    if not is_sparse:
        acc = 0.0
        for i in range(Xd.shape[0]):
            acc += Xd[i, a] * Xd[i, b]
        return acc
    acc = 0.0
    p, q = indptr[a], indptr[b]
    while p < indptr[a + 1] and q < indptr[b + 1]:  # merge of the two sorted index lists
        if indices[p] == indices[q]:
            acc += sw[indices[p]] * data[p] * data[q]
            p += 1
            q += 1
        elif indices[p] < indices[q]:
            p += 1
        else:
            q += 1
    return acc - x_offset[a] * x_offset[b]


@njit(cache=True)
def block_eigen(
    Xd,
    data,
    indices,
    indptr,
    sw,
    x_offset,
    is_sparse,
    order,
    ptr,
    groups,
    eoff,
    voff,
    evals,
    evecs,
    grams,
    out,
):
    """For g in ``groups``: X_g' S X_g (centred) into grams[voff[g]:] and its
    eigendecomposition into evals[eoff[g]:] and evecs[voff[g]:] (row-major), and its largest
    eigenvalue in out[g]."""
    for g in groups:
        start, m = ptr[g], ptr[g + 1] - ptr[g]
        G = np.empty((m, m))
        for a in range(m):
            for b in range(a + 1):
                G[a, b] = _column_pair(
                    order[start + a],
                    order[start + b],
                    Xd,
                    data,
                    indices,
                    indptr,
                    sw,
                    x_offset,
                    is_sparse,
                )
                G[b, a] = G[a, b]
        values, vectors = np.linalg.eigh(G)
        for a in range(m):
            evals[eoff[g] + a] = max(values[a], 0.0)
            for k in range(m):
                evecs[voff[g] + k * m + a] = vectors[k, a]
                grams[voff[g] + k * m + a] = G[k, a]
        out[g] = max(values[m - 1], 0.0)
    return out
