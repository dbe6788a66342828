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

from ._kernels import (
    ANDERSON_K,
    anderson_weights,
    conjugate_coordinate,
    kkt_violation,
    prox_coordinate,
)

_FAST = {"reassoc", "contract"}


# Sparse loops index with unsigned integers: numba then skips its negative-index wraparound
# on every access, which made these gathers 2-3x slower than scipy's own sparse products.


@njit(cache=True, inline="always")
def _dot(j, Xd, data, indices, indptr, is_sparse, a):
    acc = 0.0
    if is_sparse:
        k, stop = np.uint64(indptr[j]), np.uint64(indptr[j + 1])
        while k < stop:
            acc += data[k] * a[np.uint64(indices[k])]
            k += np.uint64(1)
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
            k, stop = np.uint64(indptr[j]), np.uint64(indptr[j + 1])
            while k < stop:
                hv = h[np.uint64(indices[k])] * data[k]
                s1 += hv
                s2 += hv * data[k]
                k += np.uint64(1)
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


@njit(cache=True, inline="always")
def _move(j, delta, Xd, data, indices, indptr, is_sparse, h, a, d):
    """a += delta h x_j and d += delta x_j."""
    if is_sparse:
        k, stop = np.uint64(indptr[j]), np.uint64(indptr[j + 1])
        while k < stop:
            i = np.uint64(indices[k])
            a[i] += delta * h[i] * data[k]
            d[i] += delta * data[k]
            k += np.uint64(1)
    else:
        for i in range(Xd.shape[0]):
            a[i] += delta * h[i] * Xd[i, j]
            d[i] += delta * Xd[i, j]


@njit(cache=True, fastmath=_FAST)
def _model_value(g, h, d, c, z, ws, l1, l2):
    """The quadratic model g.e + 1/2 sum h e^2 (e = d + c) plus the penalty on ``ws``."""
    total = 0.0
    for i in range(g.shape[0]):
        e = d[i] + c
        total += e * (g[i] + 0.5 * h[i] * e)
    for t in range(ws.shape[0]):
        j = ws[t]
        total += l1[j] * abs(z[j]) + 0.5 * l2[j] * z[j] * z[j]
    return total


@njit(cache=True)
def _nonzero(ws, z):
    count = 0
    for t in range(ws.shape[0]):
        if z[ws[t]] != 0.0:
            count += 1
    out = np.empty(count, dtype=ws.dtype)
    count = 0
    for t in range(ws.shape[0]):
        if z[ws[t]] != 0.0:
            out[count] = ws[t]
            count += 1
    return out


@njit(cache=True, fastmath=_FAST)
def newton_cd(Xd, data, indices, indptr, is_sparse, ws, z, g, a, d, c, h, mean, curv, H,
              l1, l2, lower, upper, max_epochs, tol):
    """Coordinate descent on the quadratic model over ``ws`` with Anderson extrapolation of the
    iterates (kept when it lowers the model).  After each pass over all of ``ws`` it cycles on the
    non-zero coordinates until they converge, as glmnet does.  z holds w + dw (updated in place,
    as are a and d); ``mean`` = m, ``curv`` = the centred curvatures.  Stops when the largest KKT
    violation of the model in a pass over all of ``ws`` is below ``tol``.  Returns
    (c, n_epochs)."""
    n_ws = ws.shape[0]
    history = np.empty((ANDERSON_K + 1, n_ws))
    n_hist = 0
    epoch = 0
    full = True  # a pass over all of ws; otherwise over its non-zero coordinates only
    coords = ws
    while epoch < max_epochs:
        epoch += 1
        worst = 0.0
        for t in range(coords.shape[0]):
            j = coords[t]
            L = curv[j]
            if L <= 0.0:
                continue
            grad = _dot(j, Xd, data, indices, indptr, is_sparse, a) + c * mean[j] * H
            worst = max(worst, kkt_violation(-grad, z[j], l1[j], l2[j], lower[j], upper[j]))
            old = z[j]
            new = prox_coordinate(L * old - grad, L, l1[j], l2[j], lower[j], upper[j])
            if new != old:
                z[j] = new
                c -= (new - old) * mean[j]
                _move(j, new - old, Xd, data, indices, indptr, is_sparse, h, a, d)
        if worst <= tol:
            if full:
                break
            full, coords = True, ws  # the active coordinates converged: check them all
        elif full:
            full, coords = False, _nonzero(ws, z)
        for t in range(n_ws):
            history[n_hist, t] = z[ws[t]]
        n_hist += 1
        if n_hist < ANDERSON_K + 1:
            continue
        n_hist = 0
        weights = anderson_weights(history)
        if weights.shape[0] == 0:
            continue
        z_acc = z.copy()
        a_acc = a.copy()
        d_acc = d.copy()
        c_acc = c
        for t in range(n_ws):
            j = ws[t]
            value = 0.0
            for m in range(ANDERSON_K):
                value += weights[m] * history[m + 1, t]
            value = min(max(value, lower[j]), upper[j])
            if value != z[j] and curv[j] > 0.0:
                z_acc[j] = value
                c_acc -= (value - z[j]) * mean[j]
                _move(j, value - z[j], Xd, data, indices, indptr, is_sparse, h, a_acc, d_acc)
        if (_model_value(g, h, d_acc, c_acc, z_acc, ws, l1, l2)
                < _model_value(g, h, d, c, z, ws, l1, l2)):
            z[:] = z_acc
            a[:] = a_acc
            d[:] = d_acc
            c = c_acc
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


# ----------------------------------------------------------------------------------------------
# the K-class model: the full softmax Hessian, coordinate by coordinate
#
# Around eta (probabilities P, weights sw) the quadratic model of the multinomial datafit in a
# step E (n, K) of the linear predictor is
#     sum_ik G_ik E_ik + 1/2 sum_i sw_i (sum_k P_ik E_ik^2 - (sum_k P_ik E_ik)^2),
# G = sw (P - Y).  With s_i = sum_k P_ik E_ik and A = G + sw P E, its derivative in E_ik is
# A_ik - sw_i P_ik s_i, and the curvature of coordinate (j, k) is sum_i sw_i P_ik (1 - P_ik) x_ij^2.
# Arrays indexed by class come transposed, (K, n), so each class is contiguous.


@njit(cache=True, inline="always")
def _class_dot(j, k, Xd, data, indices, indptr, is_sparse, A, SP, s):
    acc = 0.0
    if is_sparse:
        t, stop = np.uint64(indptr[j]), np.uint64(indptr[j + 1])
        while t < stop:
            i = np.uint64(indices[t])
            acc += data[t] * (A[k, i] - SP[k, i] * s[i])
            t += np.uint64(1)
    else:
        for i in range(Xd.shape[0]):
            acc += Xd[i, j] * (A[k, i] - SP[k, i] * s[i])
    return acc


@njit(cache=True, inline="always")
def _class_move(j, k, delta, Xd, data, indices, indptr, is_sparse, A, SP, P, s, E):
    if is_sparse:
        t, stop = np.uint64(indptr[j]), np.uint64(indptr[j + 1])
        while t < stop:
            i = np.uint64(indices[t])
            v = delta * data[t]
            A[k, i] += v * SP[k, i]
            s[i] += v * P[k, i]
            E[k, i] += v
            t += np.uint64(1)
    else:
        for i in range(Xd.shape[0]):
            v = delta * Xd[i, j]
            A[k, i] += v * SP[k, i]
            s[i] += v * P[k, i]
            E[k, i] += v


@njit(cache=True, fastmath=_FAST)
def multinomial_cd(Xd, data, indices, indptr, is_sparse, ws, Z, db, A, SP, P, s, E, curv,
                   hsum, fit_intercept, l1, l2, lower, upper, max_epochs, tol):
    """Coordinate descent on the K-class Newton model over the columns ``ws`` and the K
    intercepts: Z (p, K) holds W + dW, db the intercept steps (both updated in place, as are A,
    s and E); curv (p, K) the coordinate curvatures, hsum (K,) the intercepts' ones.  After a
    pass over all of ``ws`` it cycles on the non-zero coefficients until they converge.  Stops
    when the largest KKT violation of the model in a full pass is below ``tol``.  Returns the
    number of epochs."""
    K = Z.shape[1]
    n = E.shape[1]
    epoch = 0
    full = True
    while epoch < max_epochs:
        epoch += 1
        worst = 0.0
        for t in range(ws.shape[0]):
            j = ws[t]
            for k in range(K):
                L = curv[j, k]
                if L <= 0.0 or not (full or Z[j, k] != 0.0):
                    continue
                grad = _class_dot(j, k, Xd, data, indices, indptr, is_sparse, A, SP, s)
                worst = max(worst, kkt_violation(-grad, Z[j, k], l1[j], l2[j], lower[j],
                                                 upper[j]))
                old = Z[j, k]
                new = prox_coordinate(L * old - grad, L, l1[j], l2[j], lower[j], upper[j])
                if new != old:
                    Z[j, k] = new
                    _class_move(j, k, new - old, Xd, data, indices, indptr, is_sparse, A, SP,
                                P, s, E)
        if fit_intercept:
            for k in range(K):
                if hsum[k] <= 0.0:
                    continue
                grad = 0.0
                for i in range(n):
                    grad += A[k, i] - SP[k, i] * s[i]
                worst = max(worst, abs(grad))
                delta = -grad / hsum[k]
                db[k] += delta
                for i in range(n):
                    A[k, i] += delta * SP[k, i]
                    s[i] += delta * P[k, i]
                    E[k, i] += delta
        if worst <= tol:
            if full:
                break
            full = True
        else:
            full = False
    return epoch
