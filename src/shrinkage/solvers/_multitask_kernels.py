"""Numba loops for the multi-task (L2,1 + L2) least-squares problem, and nothing else.

The datafit is ``0.5 sum_i sw_i ||r_i||^2`` over the residual matrix, stored task by task as
``R`` of shape (T, n) (each task's residual contiguous); ``W`` has shape (p, T), one row per
feature.  The design is the tuple ``(Xd, data, indices, indptr, sw, x_offset, is_sparse)`` of
``shrinkage.datafits.quadratic.WeightedDesign.kernel_args``: a dense design pre-scaled and
centred (``sw`` unused), or a sparse CSC design whose centring is applied inside the column
operations (``rsum[t] = sum_i sw_i R[t, i]``, the true residual of task t is
``R[t] + x_offset @ W[:, t]``).  The penalty's math (row prox, KKT score, value) is
``shrinkage.penalties.multitask``'s.
"""

from __future__ import annotations

import numpy as np

from .._jit import njit
from ..penalties.multitask import penalty_value, row_kkt, row_prox
from ._constants import FAST_MATH
from ._kernels import ANDERSON_K, anderson_point


@njit(cache=True, inline="always")
def row_correlation(j, design, R, rsum, out):
    """out[t] = X_c[:, j]' S r_true[t] for every task t."""
    Xd, data, indices, indptr, sw, x_offset, is_sparse = design
    for t in range(R.shape[0]):
        acc = 0.0
        if is_sparse:
            for k in range(indptr[j], indptr[j + 1]):
                i = indices[k]
                acc += sw[i] * data[k] * R[t, i]
            acc -= x_offset[j] * rsum[t]
        else:
            for i in range(Xd.shape[0]):
                acc += Xd[i, j] * R[t, i]
        out[t] = acc


@njit(cache=True, inline="always")
def row_axpy(j, delta, design, R, rsum):
    """R[t] -= delta[t] X[:, j] for every task (rsum follows for a sparse design)."""
    Xd, data, indices, indptr, _, x_offset, is_sparse = design
    for t in range(R.shape[0]):
        d = delta[t]
        if d == 0.0:
            continue
        if is_sparse:
            for k in range(indptr[j], indptr[j + 1]):
                R[t, indices[k]] -= d * data[k]
            rsum[t] -= d * x_offset[j]
        else:
            for i in range(Xd.shape[0]):
                R[t, i] -= d * Xd[i, j]


@njit(cache=True)
def datafit_value(W, design, R, rsum):
    """0.5 sum_i sw_i ||r_true_i||^2 from the residual representation."""
    sw, x_offset, is_sparse = design[4], design[5], design[6]
    total = 0.0
    for t in range(R.shape[0]):
        rr = 0.0
        if is_sparse:
            c = 0.0
            for j in range(W.shape[0]):
                c += x_offset[j] * W[j, t]
            for i in range(R.shape[1]):
                rr += sw[i] * R[t, i] * R[t, i]
            rr += 2.0 * c * rsum[t] + c * c
        else:
            for i in range(R.shape[1]):
                rr += R[t, i] * R[t, i]
        total += rr
    return 0.5 * total


@njit(cache=True)
def _objective(W, ws, design, R, rsum, l1, l2):
    """The datafit plus the penalty of the rows ``ws`` (the others are zero)."""
    return datafit_value(W, design, R, rsum) + penalty_value(W[ws], l1, l2)


@njit(cache=True, fastmath=FAST_MATH)
def bcd_epochs(design, R, rsum, W, ws, lipschitz, l1, l2, max_epochs, tol_inner, use_anderson):
    """Block coordinate descent over the rows ``ws`` of W, with Anderson extrapolation.

    Each row's update is exact: the datafit's Hessian in W_j is ||x_j||^2 I (``lipschitz[j]``),
    so the minimizer is the penalty's prox at W_j + X_j' S r / ||x_j||^2.  Anderson's
    extrapolation of the last ``ANDERSON_K`` + 1 epochs is kept only if it lowers the objective.
    Stops when the largest KKT violation seen during an epoch is below ``tol_inner``.  Returns
    the number of epochs; ``R``, ``rsum`` and ``W`` are updated in place.
    """
    T = W.shape[1]
    n_ws = ws.shape[0]
    c = np.empty(T)
    delta = np.empty(T)
    history = np.empty((ANDERSON_K + 1, n_ws * T))
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
            row_correlation(j, design, R, rsum, c)
            worst = max(worst, row_kkt(c, W[j], l1, l2))
            for t in range(T):
                c[t] = W[j, t] + c[t] / L
            row_prox(c, 1.0 / L, l1, l2)
            moved = False
            for t in range(T):
                delta[t] = c[t] - W[j, t]
                moved = moved or delta[t] != 0.0
            if moved:
                row_axpy(j, delta, design, R, rsum)
                for t in range(T):
                    W[j, t] = c[t]
        if worst <= tol_inner:
            break
        if not use_anderson:
            continue
        for k in range(n_ws):
            for t in range(T):
                history[n_hist, k * T + t] = W[ws[k], t]
        n_hist += 1
        if n_hist < ANDERSON_K + 1:
            continue
        n_hist = 0
        point = anderson_point(history)
        if point.shape[0] == 0:
            continue
        W_try = W.copy()
        R_try = R.copy()
        rsum_try = rsum.copy()
        for k in range(n_ws):
            j = ws[k]
            for t in range(T):
                delta[t] = point[k * T + t] - W[j, t]
                W_try[j, t] = point[k * T + t]
            row_axpy(j, delta, design, R_try, rsum_try)
        if _objective(W_try, ws, design, R_try, rsum_try, l1, l2) < _objective(
            W, ws, design, R, rsum, l1, l2
        ):
            W[:] = W_try
            R[:] = R_try
            rsum[:] = rsum_try
    return epoch
