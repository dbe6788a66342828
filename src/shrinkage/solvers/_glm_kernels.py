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
in Fortran order; sparse ones are CSC triplets and are never densified.  The penalty is any
separable one, dispatched by ``shrinkage.penalties._separable`` (prox, KKT score, value).
"""

from __future__ import annotations

import numpy as np

from .._jit import njit
from ..penalties._separable import ELASTIC_NET, kkt, prox, value
from ._constants import FAST_MATH
from ._kernels import ANDERSON_K, anderson_point

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


@njit(cache=True, fastmath=FAST_MATH)
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


@njit(cache=True, fastmath=FAST_MATH)
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


@njit(cache=True, fastmath=FAST_MATH)
def _model_value(g, h, d, c, z, ws, penalty):
    """The quadratic model g.e + 1/2 sum h e^2 (e = d + c) plus the penalty on ``ws``."""
    kind, l1, l2, _, _, gamma = penalty
    total = 0.0
    for i in range(g.shape[0]):
        e = d[i] + c
        total += e * (g[i] + 0.5 * h[i] * e)
    for t in range(ws.shape[0]):
        j = ws[t]
        total += value(kind, z[j], l1[j], l2[j], gamma)
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


@njit(cache=True, fastmath=FAST_MATH)
def newton_cd(design, penalty, ws, z, g, a, d, c, h, mean, curv, H, max_epochs, tol):
    """Coordinate descent on the quadratic model over ``ws`` with Anderson extrapolation of the
    iterates (kept when it lowers the model).  After each pass over all of ``ws`` it cycles on the
    non-zero coordinates until they converge, as glmnet does.  ``design`` =
    ``GLMDesign.kernel_args()``, ``penalty`` = the tuple of ``penalties._separable.penalty_arrays``
    (any separable penalty).  z holds w + dw (updated in place, as are a and d); ``mean`` = m,
    ``curv`` = the centred curvatures.  Stops when the largest KKT violation of the model in a
    pass over all of ``ws`` is below ``tol``.  Returns (c, n_epochs)."""
    Xd, data, indices, indptr, is_sparse = design
    kind, l1, l2, lower, upper, gamma = penalty
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
            worst = max(worst, kkt(kind, -grad, z[j], l1[j], l2[j], lower[j], upper[j], gamma))
            old = z[j]
            new = prox(kind, L * old - grad, L, l1[j], l2[j], lower[j], upper[j], gamma)
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
        point = anderson_point(history)
        if point.shape[0] == 0:
            continue
        z_acc = z.copy()
        a_acc = a.copy()
        d_acc = d.copy()
        c_acc = c
        for t in range(n_ws):
            j = ws[t]
            value = min(max(point[t], lower[j]), upper[j])
            if value != z[j] and curv[j] > 0.0:
                z_acc[j] = value
                c_acc -= (value - z[j]) * mean[j]
                _move(j, value - z[j], Xd, data, indices, indptr, is_sparse, h, a_acc, d_acc)
        if _model_value(g, h, d_acc, c_acc, z_acc, ws, penalty) < _model_value(
            g, h, d, c, z, ws, penalty
        ):
            z[:] = z_acc
            a[:] = a_acc
            d[:] = d_acc
            c = c_acc
    return c, epoch


# ----------------------------------------------------------------------------------------------
# the K-class model: the full softmax Hessian, column by column (a K x K block each)
#
# Around eta (probabilities P, weights sw) the quadratic model of the multinomial datafit in a
# step E (n, K) of the linear predictor is
#     sum_ik G_ik E_ik + 1/2 sum_i sw_i (sum_k P_ik E_ik^2 - (sum_k P_ik E_ik)^2),
# G = sw (P - Y).  With s_i = sum_k P_ik E_ik and A = G + sw P E, its derivative in E_ik is
# A_ik - sw_i P_ik s_i, and the curvature of coordinate (j, k) is sum_i sw_i P_ik (1 - P_ik) x_ij^2.
# Arrays indexed by class come transposed, (K, n), so each class is contiguous.  The model is
# invariant to shifting a column's K coefficients together, and nearly so to shifting all but the
# classes of large curvature: one-coordinate steps zig-zag along such directions for hundreds of
# epochs on nearly separable data, so each column moves as a block (its K x K subproblem solved
# exactly) and the iterates are extrapolated (Anderson).

_ROW_SWEEPS = 200  # coordinate sweeps over one K x K block (no pass over the data)


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


@njit(cache=True)
def _gather(j, Xd, data, indices, indptr, is_sparse, rows, x2):
    """The rows of column j's entries and their squares (every row, x = 1, for j < 0, the
    intercepts); returns their count."""
    if j >= 0 and is_sparse:
        start = indptr[j]
        for q in range(indptr[j + 1] - start):
            rows[q] = indices[start + q]
            x2[q] = data[start + q] * data[start + q]
        return indptr[j + 1] - start
    for i in range(Xd.shape[0] if j >= 0 else x2.shape[0]):
        rows[i] = i
        x2[i] = Xd[i, j] * Xd[i, j] if j >= 0 else 1.0
    return x2.shape[0]


@njit(cache=True, fastmath=FAST_MATH)
def _block(count, rows, x2, SP, P, B):
    """B = sum_i x_i^2 (diag(SP_i) - SP_i P_i'), the K x K Hessian block of one column."""
    K = B.shape[0]
    for k in range(K):
        for m in range(k, K):
            acc = 0.0
            for q in range(count):
                i = rows[q]
                acc += x2[q] * SP[k, i] * P[m, i]
            B[k, m] = -acc
            B[m, k] = -acc
        diag = 0.0
        for q in range(count):
            diag += x2[q] * SP[k, rows[q]]
        B[k, k] += diag


@njit(cache=True, fastmath=FAST_MATH)
def _solve_row(B, grad, z, step, kind, l1, l2, lower, upper, gamma, tol):
    """argmin_d grad.d + 1/2 d'Bd + sum_k l1 |z_k + d_k| + l2/2 (z_k + d_k)^2 on the box, by
    coordinate descent on the K x K block (no pass over the data); ``step`` receives d.  The
    block is singular along the classes' common shift: solving it exactly is what removes the
    slow zig-zag of one-coordinate steps there."""
    K = z.shape[0]
    step[:] = 0.0
    for _ in range(_ROW_SWEEPS):
        largest = 0.0
        for k in range(K):
            L = B[k, k]
            if L <= 0.0:
                continue
            g = grad[k]
            for m in range(K):
                g += B[k, m] * step[m]
            old = z[k] + step[k]
            new = prox(kind, L * old - g, L, l1, l2, lower, upper, gamma)
            if new != old:
                step[k] = new - z[k]
                largest = max(largest, L * abs(new - old))
        if largest <= tol:
            break


@njit(cache=True, fastmath=FAST_MATH)
def _model_value_k(G, SP, P, sw, E, Z, ws, penalty):
    """The K-class Newton model at the step E plus the penalty of Z on ``ws``."""
    kind, l1, l2, _, _, gamma = penalty
    K, n = E.shape
    total = 0.0
    for i in range(n):
        s = 0.0
        quad = 0.0
        for k in range(K):
            s += P[k, i] * E[k, i]
            quad += SP[k, i] * E[k, i] * E[k, i]
            total += G[k, i] * E[k, i]
        total += 0.5 * (quad - sw[i] * s * s)
    for t in range(ws.shape[0]):
        j = ws[t]
        for k in range(Z.shape[1]):
            total += value(kind, Z[j, k], l1[j], l2[j], gamma)
    return total


@njit(cache=True, fastmath=FAST_MATH)
def multinomial_cd(design, penalty, ws, Z, db, A, SP, P, s, E, sw, fit_intercept, max_epochs, tol):
    """Block coordinate descent on the K-class Newton model: each column of ``ws`` (and the K
    intercepts) moves in all its classes at once, its K x K subproblem solved exactly
    (``_solve_row``); Anderson extrapolation of the iterates, kept when it lowers the model.
    Z (p, K) holds W + dW, db the intercept steps (both updated in place, as are A, s and E).
    After a pass over all of ``ws`` it cycles on the non-zero columns until they converge.
    Stops when the largest KKT violation of the model in a full pass is below ``tol``.
    ``design`` = ``GLMDesign.kernel_args()``, ``penalty`` = the tuple of
    ``penalties._separable.penalty_arrays``.  Returns the number of epochs."""
    Xd, data, indices, indptr, is_sparse = design
    kind, l1, l2, lower, upper, gamma = penalty
    K = Z.shape[1]
    n = E.shape[1]
    n_ws = ws.shape[0]
    G = A.copy()  # the model's gradient at E = 0
    rows = np.empty(n, dtype=np.uint64)
    x2 = np.empty(n)
    curv = np.zeros((n_ws + 1, K))  # the blocks' diagonals; a block is built when first needed
    for t in range(n_ws + 1):
        if t < n_ws or fit_intercept:
            count = _gather(
                ws[t] if t < n_ws else -1, Xd, data, indices, indptr, is_sparse, rows, x2
            )
            for k in range(K):
                for q in range(count):
                    i = rows[q]
                    curv[t, k] += x2[q] * SP[k, i] * (1.0 - P[k, i])
    blocks = np.empty((n_ws + 1, K, K))
    built = np.zeros(n_ws + 1, dtype=np.bool_)
    grad = np.empty(K)
    step = np.empty(K)
    free_z = np.zeros(K)
    n_vars = n_ws * K + K
    history = np.empty((ANDERSON_K + 1, n_vars))
    n_hist = 0
    epoch = 0
    full = True
    while epoch < max_epochs:
        epoch += 1
        worst = 0.0
        for t in range(n_ws):
            j = ws[t]
            if not full:
                active = False
                for k in range(K):
                    active = active or Z[j, k] != 0.0
                if not active:
                    continue
            row_worst = 0.0
            for k in range(K):
                grad[k] = _class_dot(j, k, Xd, data, indices, indptr, is_sparse, A, SP, s)
                if curv[t, k] > 0.0:
                    row_worst = max(
                        row_worst,
                        kkt(kind, -grad[k], Z[j, k], l1[j], l2[j], lower[j], upper[j], gamma),
                    )
            worst = max(worst, row_worst)
            if row_worst == 0.0:
                continue  # no move lowers this block's model
            if not built[t]:
                count = _gather(j, Xd, data, indices, indptr, is_sparse, rows, x2)
                _block(count, rows, x2, SP, P, blocks[t])
                built[t] = True
            _solve_row(
                blocks[t],
                grad,
                Z[j],
                step,
                kind,
                l1[j],
                l2[j],
                lower[j],
                upper[j],
                gamma,
                1e-3 * tol,
            )
            for k in range(K):
                if step[k] != 0.0:
                    Z[j, k] += step[k]
                    _class_move(j, k, step[k], Xd, data, indices, indptr, is_sparse, A, SP, P, s, E)
        if fit_intercept:
            for k in range(K):
                grad[k] = 0.0
                for i in range(n):
                    grad[k] += A[k, i] - SP[k, i] * s[i]
                worst = max(worst, abs(grad[k]))
            if not built[n_ws]:
                _block(
                    _gather(-1, Xd, data, indices, indptr, is_sparse, rows, x2),
                    rows,
                    x2,
                    SP,
                    P,
                    blocks[n_ws],
                )
                built[n_ws] = True
            _solve_row(
                blocks[n_ws],
                grad,
                free_z,
                step,
                ELASTIC_NET,
                0.0,
                0.0,
                -np.inf,
                np.inf,
                None,
                1e-3 * tol,
            )
            for k in range(K):
                delta = step[k]
                if delta == 0.0:
                    continue
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
        for t in range(n_ws):
            for k in range(K):
                history[n_hist, t * K + k] = Z[ws[t], k]
        for k in range(K):
            history[n_hist, n_ws * K + k] = db[k]
        n_hist += 1
        if n_hist < ANDERSON_K + 1:
            continue
        n_hist = 0
        point = anderson_point(history)
        if point.shape[0] == 0:
            continue
        Z_acc = Z.copy()
        A_acc = A.copy()
        s_acc = s.copy()
        E_acc = E.copy()
        db_acc = db.copy()
        for v in range(n_vars):
            value = point[v]
            t, k = v // K, v % K
            if t < n_ws:
                j = ws[t]
                value = min(max(value, lower[j]), upper[j])
                delta = value - Z[j, k]
                if delta != 0.0 and curv[t, k] > 0.0:
                    Z_acc[j, k] = value
                    _class_move(
                        j,
                        k,
                        delta,
                        Xd,
                        data,
                        indices,
                        indptr,
                        is_sparse,
                        A_acc,
                        SP,
                        P,
                        s_acc,
                        E_acc,
                    )
            elif fit_intercept:
                delta = value - db[k]
                db_acc[k] = value
                for i in range(n):
                    A_acc[k, i] += delta * SP[k, i]
                    s_acc[i] += delta * P[k, i]
                    E_acc[k, i] += delta
        if _model_value_k(G, SP, P, sw, E_acc, Z_acc, ws, penalty) < _model_value_k(
            G, SP, P, sw, E, Z, ws, penalty
        ):
            Z[:, :] = Z_acc
            A[:, :] = A_acc
            s[:] = s_acc
            E[:, :] = E_acc
            db[:] = db_acc
    return epoch
