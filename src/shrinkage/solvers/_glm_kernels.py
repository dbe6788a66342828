"""Numba loops for the proximal Newton solver of GLMs, and nothing else.

The inner problem at a Newton step is the quadratic model of the datafit around eta,

    Q(dw, db) = g.(X dw + db) + 1/2 sum_i h_i (X dw + db)_i^2 + Omega(w + dw),

with g = sw l'(eta) and h = sw l''(eta).  The intercept is profiled out exactly by centring the
columns with the h-weighted means m_j = sum_i h_i x_ij / H (H = sum h): in these coordinates its
direction is orthogonal to every column.  The kernels keep

    a = g + h * (X dw)      (n,)   the model's gradient in eta, without the intercept term
    d = X dw                (n,)   the step's change of the linear predictor
    c = db                         the intercept step (the profiled intercept),

so the centred partial derivative of coordinate j is x_j.a + c m_j H and its curvature
sum_i h_i x_ij^2 - H m_j^2.  Without an intercept m = 0 and c stays 0.  Dense designs are float64
in Fortran order; sparse ones are CSC triplets and are never densified.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._kernels import conjugate_coordinate, kkt_violation, prox_coordinate

_FAST = {"reassoc", "contract"}


@njit(cache=True, inline="always")
def _dot(j, Xd, data, indices, indptr, is_sparse, a):
    acc = 0.0
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            acc += data[k] * a[indices[k]]
    else:
        for i in range(Xd.shape[0]):
            acc += Xd[i, j] * a[i]
    return acc


@njit(cache=True, fastmath=_FAST)
def column_stats(Xd, data, indices, indptr, is_sparse, ws, h, hx, hxx):
    """hx[j] = sum_i h_i x_ij and hxx[j] = sum_i h_i x_ij^2 for j in ws."""
    for t in range(ws.shape[0]):
        j = ws[t]
        s1 = 0.0
        s2 = 0.0
        if is_sparse:
            for k in range(indptr[j], indptr[j + 1]):
                hv = h[indices[k]] * data[k]
                s1 += hv
                s2 += hv * data[k]
        else:
            for i in range(Xd.shape[0]):
                hv = h[i] * Xd[i, j]
                s1 += hv
                s2 += hv * Xd[i, j]
        hx[j] = s1
        hxx[j] = s2


@njit(cache=True, fastmath=_FAST)
def gradient_on(Xd, data, indices, indptr, is_sparse, ws, g, out):
    """out[j] = x_j.g for j in ws."""
    for t in range(ws.shape[0]):
        j = ws[t]
        out[j] = _dot(j, Xd, data, indices, indptr, is_sparse, g)


@njit(cache=True, fastmath=_FAST)
def newton_cd(Xd, data, indices, indptr, is_sparse, ws, z, a, d, c, h, mean, curv, H,
              l1, l2, lower, upper, max_epochs, tol):
    """Coordinate descent on the quadratic model over ``ws``: z holds w + dw (updated in place,
    as are a and d); ``mean`` = m, ``curv`` = the centred curvatures.  Stops when the largest
    KKT violation of the model in an epoch is below ``tol``.  Returns (c, n_epochs)."""
    epoch = 0
    while epoch < max_epochs:
        epoch += 1
        worst = 0.0
        for t in range(ws.shape[0]):
            j = ws[t]
            L = curv[j]
            if L <= 0.0:
                continue
            grad = _dot(j, Xd, data, indices, indptr, is_sparse, a) + c * mean[j] * H
            worst = max(worst, kkt_violation(-grad, z[j], l1[j], l2[j], lower[j], upper[j]))
            old = z[j]
            new = prox_coordinate(L * old - grad, L, l1[j], l2[j], lower[j], upper[j])
            if new == old:
                continue
            z[j] = new
            delta = new - old
            c -= delta * mean[j]
            if is_sparse:
                for k in range(indptr[j], indptr[j + 1]):
                    i = indices[k]
                    a[i] += delta * h[i] * data[k]
                    d[i] += delta * data[k]
            else:
                for i in range(Xd.shape[0]):
                    a[i] += delta * h[i] * Xd[i, j]
                    d[i] += delta * Xd[i, j]
        if worst <= tol:
            break
    return c, epoch


@njit(cache=True)
def dual_scale(corr, l1, l2, lower, upper):
    """Largest s in [0, 1] with |s corr_j| <= l1_j wherever Omega_j* is otherwise infinite."""
    scale = 1.0
    for j in range(corr.shape[0]):
        if l2[j] > 0.0 or l1[j] == 0.0 or lower[j] == upper[j]:
            continue
        v = corr[j]
        if v > l1[j] and upper[j] == np.inf:
            scale = min(scale, l1[j] / v)
        elif v < -l1[j] and lower[j] == -np.inf:
            scale = min(scale, -l1[j] / v)
    return scale


@njit(cache=True)
def penalty_conjugate(v, l1, l2, lower, upper):
    """sum_j Omega_j*(v_j) (inf where a free coordinate's v_j points to its unbounded side)."""
    total = 0.0
    for j in range(v.shape[0]):
        total += conjugate_coordinate(v[j], l1[j], l2[j], lower[j], upper[j])
    return total
