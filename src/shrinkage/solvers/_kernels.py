"""Numba loops for penalized least squares, and nothing else.

Conventions shared by every kernel (see ``shrinkage.datafits.quadratic`` for the objective):

* The datafit is ``0.5 * sum_i sw_i r_i**2`` with ``sw`` summing to one and ``r`` the residual.
* A *dense* design is pre-scaled (``sqrt(sw) * (X - x_offset)``), so its kernels see plain
  least squares and ``sw`` is unused.  A *sparse* design (CSC triplet) is never densified: its
  residual ``r`` is ``y_c - X w`` on the raw columns, ``rsum = sum_i sw_i r_i``, and the true
  residual is ``r + x_offset @ w``.
* The penalty of coordinate j is ``l1[j] |w_j| + l2[j] / 2 w_j**2`` on
  ``lower[j] <= w_j <= upper[j]``; its math (prox, KKT score, value, conjugate) is the penalty's
  own, in ``shrinkage.penalties._l1_l2_kernels``.  ``cd_working_set`` takes any separable
  penalty (``shrinkage.penalties._separable``: the elastic net, MCP, SCAD, ...) as one tuple.
* The certificate's math (the gap, the projection of free columns) is
  ``shrinkage._certificate_kernels``'.  The kernels here that certify (``_gram_certificate``,
  ``optimality_checks``, ...) say ``fastmath=False`` explicitly: numba otherwise compiles a
  kernel first called from a fastmath one with that caller's flags (and caches it so), and a
  reassociated ``l2 / 2 * w * w`` overflowed to a gap of -inf, reported as 0.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._certificate_kernels import dual_gap, off_support_columns, project_free_columns
from ..penalties._l1_l2_kernels import kkt_violations, prox_coordinate
from ..penalties._separable import kkt, prox, value
from ._constants import FAST_MATH

ANDERSON_K = 5
# A zero coordinate violates its optimality condition when its KKT violation exceeds this
# fraction of ||x_j|| ||y_c|| (plus a few ulps of its L1 weight): far above the rounding of the
# correlation x_j' r, far below any violation that moves the objective (v^2 / 2 ||x_j||^2).
KKT_ROUNDING = 1e-10
# Below this relative KKT violation the iterate is optimal to working precision: if the gap at the
# residual is still above tol there (the penalty is lost in the rounding of x_j' r), the gap is
# computed at the residual projected off the support instead (``_gram_certificate`` here,
# ``cd._gap_off_support``, ``certificates.best_gap``).
KKT_STALLED = 1e-9


# ----------------------------------------------------------------------------------------------
# column operations: the one place where dense and sparse designs differ


@njit(cache=True, inline="always")
def column_dot(j, Xd, data, indices, indptr, sw, x_offset, r, rsum, is_sparse):
    """X_c[:, j]' S r_true for the current residual representation."""
    if is_sparse:
        acc = 0.0
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            acc += sw[i] * data[k] * r[i]
        return acc - x_offset[j] * rsum
    acc = 0.0
    for i in range(Xd.shape[0]):
        acc += Xd[i, j] * r[i]
    return acc


@njit(cache=True, inline="always")
def column_axpy(j, delta, Xd, data, indices, indptr, x_offset, r, rsum, is_sparse):
    """r -= delta * X[:, j]; returns the updated rsum."""
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            r[indices[k]] -= delta * data[k]
        return rsum - delta * x_offset[j]
    for i in range(Xd.shape[0]):
        r[i] -= delta * Xd[i, j]
    return rsum


@njit(cache=True, fastmath=FAST_MATH)
def correlations(Xd, data, indices, indptr, sw, x_offset, r, rsum, is_sparse, ws, out):
    """out[j] = X_c[:, j]' S r_true for j in ws."""
    if is_sparse:
        return _sparse_correlations(data, indices, indptr, sw, x_offset, r, rsum, ws, out)
    for k in range(ws.shape[0]):
        j = ws[k]
        out[j] = column_dot(j, Xd, data, indices, indptr, sw, x_offset, r, rsum, is_sparse)
    return out


@njit(cache=True, fastmath=FAST_MATH)
def _sparse_correlations(data, indices, indptr, sw, x_offset, r, rsum, ws, out):
    """``correlations`` on a CSC design: where the columns hold more stored values than there
    are rows, S r is formed once (O(n)), so that each stored value costs one gather (of S r)
    instead of two (of s and r); the centring is x_offset[j] rsum."""
    stored = 0
    for k in range(ws.shape[0]):
        stored += indptr[ws[k] + 1] - indptr[ws[k]]
    if stored <= r.shape[0]:
        for k in range(ws.shape[0]):
            j = ws[k]
            acc = 0.0
            for t in range(indptr[j], indptr[j + 1]):
                i = indices[t]
                acc += sw[i] * data[t] * r[i]
            out[j] = acc - x_offset[j] * rsum
        return out
    u = np.empty(r.shape[0])
    for i in range(r.shape[0]):
        u[i] = sw[i] * r[i]
    for k in range(ws.shape[0]):
        j = ws[k]
        acc = 0.0
        for t in range(indptr[j], indptr[j + 1]):
            acc += data[t] * u[indices[t]]
        out[j] = acc - x_offset[j] * rsum
    return out


@njit(cache=True)
def _working_set_objective(w, ws, design, r, rsum, penalty):
    """Datafit (from the residual) plus the penalty on the working set."""
    Xd, _, _, _, sw, x_offset, is_sparse = design
    kind, l1, l2, _, _, gamma = penalty
    pen = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        pen += value(kind, w[j], l1[j], l2[j], gamma)
    return datafit_value(w, Xd, sw, x_offset, r, rsum, is_sparse) + pen


@njit(cache=True)
def datafit_value(w, Xd, sw, x_offset, r, rsum, is_sparse):
    """0.5 sum_i sw_i r_true_i^2 from the residual representation."""
    rr = 0.0
    if is_sparse:
        c = 0.0
        for j in range(w.shape[0]):
            c += x_offset[j] * w[j]
        for i in range(r.shape[0]):
            rr += sw[i] * r[i] * r[i]
        rr += 2.0 * c * rsum + c * c
    else:
        for i in range(r.shape[0]):
            rr += r[i] * r[i]
    return 0.5 * rr


@njit(cache=True)
def anderson_weights(history):
    """Weights c (summing to one) minimising ||sum_k c_k (w_{k+1} - w_k)||; empty if degenerate."""
    K = history.shape[0] - 1
    U = history[1:] - history[:-1]
    C = U @ U.T
    ones = np.ones(K)
    # a tiny ridge keeps the solve defined when the iterates are nearly collinear
    reg = 1e-10 * max(np.trace(C), 1e-300)
    for k in range(K):
        C[k, k] += reg
    try:
        z = np.linalg.solve(C, ones)
    except Exception:  # singular system: skip this extrapolation
        return np.empty(0)
    total = z.sum()
    if not np.isfinite(total) or total == 0.0:
        return np.empty(0)
    return z / total


@njit(cache=True)
def anderson_point(history):
    """The extrapolated iterate sum_k c_k w_{k+1}, c the ``anderson_weights``; empty if
    degenerate."""
    c = anderson_weights(history)
    if c.shape[0] == 0:
        return c
    return c @ history[1:]


@njit(cache=True, fastmath=FAST_MATH)
def cd_working_set(design, penalty, r, rsum, w, ws, lipschitz, max_epochs, tol_inner, use_anderson):
    """Coordinate descent on the working set ``ws`` with Anderson extrapolation.

    ``design`` = ``WeightedDesign.kernel_args()``, ``penalty`` = the tuple of
    ``penalties._separable.penalty_arrays`` (any separable penalty).  Stops when the largest
    KKT violation seen during an epoch is below ``tol_inner``.  Returns (rsum, n_epochs).  ``r``
    and ``w`` are updated in place.
    """
    Xd, data, indices, indptr, sw, x_offset, is_sparse = design
    kind, l1, l2, lower, upper, gamma = penalty
    n_ws = ws.shape[0]
    history = np.empty((ANDERSON_K + 1, n_ws))
    n_hist = 0
    epoch = 0
    while epoch < max_epochs:
        epoch += 1
        worst = 0.0
        for k in range(n_ws):
            j = ws[k]
            L = lipschitz[j]
            if L == 0.0:
                continue
            corr = column_dot(j, Xd, data, indices, indptr, sw, x_offset, r, rsum, is_sparse)
            worst = max(worst, kkt(kind, corr, w[j], l1[j], l2[j], lower[j], upper[j], gamma))
            old = w[j]
            new = prox(kind, L * old + corr, L, l1[j], l2[j], lower[j], upper[j], gamma)
            if new != old:
                w[j] = new
                rsum = column_axpy(
                    j, new - old, Xd, data, indices, indptr, x_offset, r, rsum, is_sparse
                )
        if worst <= tol_inner:
            break
        if not use_anderson:
            continue
        for k in range(n_ws):
            history[n_hist, k] = w[ws[k]]
        n_hist += 1
        if n_hist == ANDERSON_K + 1:
            n_hist = 0
            w_acc = anderson_point(history)
            if w_acc.shape[0] == 0:
                continue
            for k in range(n_ws):
                j = ws[k]
                w_acc[k] = min(max(w_acc[k], lower[j]), upper[j])
            before = _working_set_objective(w, ws, design, r, rsum, penalty)
            r_acc = r.copy()
            rsum_acc = rsum
            w_try = w.copy()
            for k in range(n_ws):
                j = ws[k]
                delta = w_acc[k] - w[j]
                if delta != 0.0:
                    w_try[j] = w_acc[k]
                    rsum_acc = column_axpy(
                        j, delta, Xd, data, indices, indptr, x_offset, r_acc, rsum_acc, is_sparse
                    )
            after = _working_set_objective(w_try, ws, design, r_acc, rsum_acc, penalty)
            if after < before:
                w[:] = w_try
                r[:] = r_acc
                rsum = rsum_acc
    return rsum, epoch


# ----------------------------------------------------------------------------------------------
# Gram (covariance) mode: everything on the p x p matrix G = X_c' S X_c and q = X_c' S y_c


@njit(cache=True, fastmath=FAST_MATH)
def gram_cd(
    G,
    q,
    yty,
    w,
    l1,
    l2,
    lower,
    upper,
    free,
    tol_gap,
    max_epochs,
    gap_every,
    screen,
):
    """Cyclic CD on the Gram matrix with gap-safe screening; the full gradient is kept exact.

    ``free`` lists the unpenalized columns (see ``project_free_columns``).  Stops when the gap
    is <= ``tol_gap`` and no zero coordinate violates its optimality condition
    (``optimality_checks``).  Returns (gap, n_epochs, support_closed); ``w`` is updated in place.
    """
    p = w.shape[0]
    H = G @ w - q  # gradient of the datafit
    diag = np.empty(p)
    for j in range(p):
        diag[j] = G[j, j]
    active = np.ones(p, dtype=np.bool_)
    for j in range(p):
        if diag[j] <= 0.0:
            active[j] = False
    cross = np.empty((p, free.shape[0]))
    q_free = np.empty(free.shape[0])
    for b in range(free.shape[0]):
        cross[:, b] = G[:, free[b]]
        q_free[b] = q[free[b]]
    epoch = 0
    while True:
        if epoch % gap_every == 0 or epoch >= max_epochs:
            gap, theta_corr, closed = _gram_certificate(
                G, q, yty, w, H, diag, active, l1, l2, lower, upper, free, cross, q_free, tol_gap
            )
            if (gap <= tol_gap and closed) or epoch >= max_epochs:
                break
            if screen:
                radius = np.sqrt(2.0 * gap)
                n_dropped = screen_gap_safe(theta_corr, diag, radius, l1, lower, upper, active)
                if n_dropped > 0:
                    for j in range(p):
                        if not active[j] and w[j] != 0.0:
                            delta = -w[j]
                            w[j] = 0.0
                            for i in range(p):
                                H[i] += delta * G[j, i]  # G is symmetric: read the contiguous row
        epoch += 1
        for j in range(p):
            if not active[j]:
                continue
            L = diag[j]
            old = w[j]
            new = prox_coordinate(L * old - H[j], L, l1[j], l2[j], lower[j], upper[j])
            if new != old:
                w[j] = new
                delta = new - old
                for i in range(p):
                    H[i] += delta * G[j, i]  # G is symmetric: read the contiguous row
    return gap, epoch, closed


@njit(cache=True, fastmath=False)
def _gram_certificate(
    G, q, yty, w, H, diag, active, l1, l2, lower, upper, free, cross, q_free, tol_gap
):
    """(gap, X_c' theta, support_closed) at w: the gap at the residual; where it stays above
    ``tol_gap`` at a point optimal to working precision, the smaller gap at the residual
    projected off the support as well (``off_support_columns``)."""
    gap, theta_corr = _gram_gap(q, yty, w, H, l1, l2, lower, upper, free, cross, q_free)
    corr = -H
    viol = kkt_violations(corr, w, l1, l2, lower, upper, np.empty(w.shape[0]))
    closed, stalled = optimality_checks(viol, w, l1, diag, yty, active)
    if gap > tol_gap and stalled:
        cols = off_support_columns(w, free)
        if cols.shape[0] > free.shape[0]:
            cross_u = np.empty((w.shape[0], cols.shape[0]))
            q_u = np.empty(cols.shape[0])
            for b in range(cols.shape[0]):
                cross_u[:, b] = G[:, cols[b]]
                q_u[b] = q[cols[b]]
            gap_u, theta_u = _gram_gap(q, yty, w, H, l1, l2, lower, upper, cols, cross_u, q_u)
            if gap_u < gap:
                gap, theta_corr = gap_u, theta_u
    return gap, theta_corr, closed


@njit(cache=True, fastmath=False)
def _gram_gap(q, yty, w, H, l1, l2, lower, upper, free, cross, q_free):
    """(gap, X_c' theta) from the statistics: sum sw r y = y'Sy - q.w, sum sw r^2 = that + w.H."""
    r_dot_y = yty - q @ w
    residual_sq = max(r_dot_y + w @ H, 0.0)
    corr, r_dot_y, r_dot_r = project_free_columns(
        free, w, -H, r_dot_y, residual_sq, cross, q_free, lower, upper
    )
    gap, _, _, scale = dual_gap(w, residual_sq, corr, r_dot_y, r_dot_r, l1, l2, lower, upper)
    return gap, scale * corr


@njit(cache=True, fastmath=False)
def optimality_checks(viol, w, l1, col_norm_sq, yty, active):
    """(support_closed, stalled) from the KKT violations ``viol`` of the ``active`` columns.

    support_closed: no zero coordinate violates its optimality condition by more than rounding
    (``KKT_ROUNDING`` ||x_j|| ||y_c|| + 8 ulps of l1_j); otherwise moving it lowers the
    objective by >= viol^2 / (2 ||x_j||^2), whatever the gap says.  stalled: every violation is
    below ``KKT_STALLED`` ||x_j|| ||y_c||, the point is optimal to working precision.
    """
    eps = np.finfo(np.float64).eps
    closed = True
    stalled = True
    for j in range(w.shape[0]):
        if not active[j]:
            continue
        unit = np.sqrt(col_norm_sq[j]) * np.sqrt(yty)
        if w[j] == 0.0 and viol[j] > KKT_ROUNDING * unit + 8.0 * eps * l1[j]:
            closed = False
        if viol[j] > KKT_STALLED * unit:
            stalled = False
    return closed, stalled


@njit(cache=True, fastmath=False)
def screen_gap_safe(theta_corr, col_norm_sq, radius, l1, lower, upper, active):
    """Gap-safe rule: w_j* = 0 when |x_j' theta| + ||x_j|| radius < l1_j; clears active[j].

    ``theta_corr`` = X_c' theta for a feasible dual point theta and ``radius`` = sqrt(2 gap).
    Returns how many columns were newly dropped.
    """
    dropped = 0
    for j in range(theta_corr.shape[0]):
        if not active[j] or l1[j] == 0.0 or lower[j] > 0.0 or upper[j] < 0.0:
            continue
        if lower[j] >= 0.0:
            score = theta_corr[j]
        elif upper[j] <= 0.0:
            score = -theta_corr[j]
        else:
            score = abs(theta_corr[j])
        if score + np.sqrt(col_norm_sq[j]) * radius < l1[j]:
            active[j] = False
            dropped += 1
    return dropped
