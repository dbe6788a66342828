"""Numba loops for penalized least squares, and nothing else.

Conventions shared by every kernel (see ``shrinkage.datafits.quadratic`` for the objective):

* The datafit is ``0.5 * sum_i sw_i r_i**2`` with ``sw`` summing to one and ``r`` the residual.
* A *dense* design is pre-scaled (``sqrt(sw) * (X - x_offset)``), so its kernels see plain
  least squares and ``sw`` is unused.  A *sparse* design (CSC triplet) is never densified: its
  residual ``r`` is ``y_c - X w`` on the raw columns, ``rsum = sum_i sw_i r_i``, and the true
  residual is ``r + x_offset @ w``.  Its ``sw`` may hold one entry for n rows: every row weighs
  ``sw[0]`` (``cd._kernel_args``), which spares a gather of ``sw`` per stored value (a CD
  epoch on a CSC design about 15% faster).
* The penalty of coordinate j is ``l1[j] |w_j| + l2[j] / 2 w_j**2`` on
  ``lower[j] <= w_j <= upper[j]``; its math (prox, KKT score, value, conjugate) is the penalty's
  own, in ``shrinkage.penalties._l1_l2_kernels``.  ``cd_working_set`` takes any separable
  penalty (``shrinkage.penalties._separable``: the elastic net, MCP, SCAD, ...) as one tuple.
* The certificate's math (the gap, the projection of free columns) is
  ``shrinkage._certificate_kernels``'.  The kernels here that certify (``optimality_checks``,
  ``screen_gap_safe``) say ``fastmath=False`` explicitly: numba otherwise compiles a
  kernel first called from a fastmath one with that caller's flags (and caches it so), and a
  reassociated ``l2 / 2 * w * w`` overflowed to a gap of -inf, reported as 0.
* First-run compile time: arrays are copied element by element, not by slice assignment
  (``a[:] = b`` compiles numba's shape-mismatch message, which formats shapes at run time: about
  3 s in a fresh cache), and linear systems and matrix products go through ``shrinkage._lapack``
  (numba's ``np.linalg`` and ``@`` compile generic checks: about 4 s per function).  Same
  results.
"""

from __future__ import annotations

import numpy as np

from .._certificate_kernels import dual_gap
from .._jit import njit, njit_internal, specialize_when_none, stub_when_none
from .._lapack import combine_rows, outer_gram, solve_or_empty
from ..penalties._l1_l2_kernels import kkt_violation
from ..penalties._separable import kkt, prox, value
from ._constants import FAST_MATH, GATHER_MATH

ANDERSON_K = 5
# A zero coordinate violates its optimality condition when its KKT violation exceeds this
# fraction of ||x_j|| ||y_c|| (plus a few ulps of its L1 weight): far above the rounding of the
# correlation x_j' r, far below any violation that moves the objective (v^2 / 2 ||x_j||^2).
# What it costs is not its size: on a 500 x 5000 elastic net at alpha_max / 100 and tol 1e-4 a
# third of the fit follows the first gap below tol, closing zero coordinates that violated by
# 1e-5 to 1e-4 of that unit (so any threshold below 1e-5 costs the same).  Without the rule the
# answer had an independent gap at the residual of 5e-4 of the objective and 635 non-zeros
# (631 at the optimum); 1e-6 took a tol below 1e-6, longer than the closed fit at 1e-4.  What
# is cheaper is the way there: those inner solves run on the support and its violators alone
# (``cd.LeastSquaresCD._closing``).
KKT_ROUNDING = 1e-10
# Below this relative KKT violation the iterate is optimal to working precision: if the gap at the
# residual is still above tol there (the penalty is lost in the rounding of x_j' r), the gap is
# computed at the residual projected off the support instead (``cd._gap_off_support``,
# ``gram.GramCD._gap_off_support``, ``certificates.best_gap``).
KKT_STALLED = 1e-9
# float64's machine epsilon, a constant to numba (``np.finfo`` in a kernel compiles for ~0.3 s)
_EPS = float(np.finfo(np.float64).eps)


# ----------------------------------------------------------------------------------------------
# column operations: where dense and sparse designs differ (with the epochs, ``epoch_typed``)


@njit(cache=True, inline="always")
def column_dot(j, Xd, data, indices, indptr, sw, x_offset, r, rsum, is_sparse):
    """X_c[:, j]' S r_true for the current residual representation."""
    if is_sparse:
        return _sparse_column_dot(j, data, indices, indptr, sw, x_offset, r, rsum)
    acc = 0.0
    for i in range(Xd.shape[0]):
        acc += Xd[i, j] * r[i]
    return acc


@njit(cache=True, inline="always")
def _sparse_column_dot(j, data, indices, indptr, sw, x_offset, r, rsum):
    """``column_dot`` of a CSC column.  Its gather loop is a function of its own, so that it
    keeps ``GATHER_MATH`` inside a ``FAST_MATH`` caller, and it takes the column's range and
    the three arrays it reads, nothing else: numba passes each array as seven arguments, and
    a call with the six arrays of the design cost a CD epoch on 21100 CSC columns of ~20
    stored values 15 to 25% more (in-process A/B on 20000 x 50000, density 1e-3)."""
    start, stop = indptr[j], indptr[j + 1]
    if sw.shape[0] == 1:  # every row weighs sw[0] (module docstring)
        return sw[0] * _gather_dot(start, stop, data, indices, r) - x_offset[j] * rsum
    return _gather_dot_weighted(start, stop, data, indices, sw, r) - x_offset[j] * rsum


@njit(cache=True, fastmath=GATHER_MATH)
def _gather_dot(start, stop, data, indices, r):
    """sum_k data[k] r[indices[k]] over the stored values start..stop - 1 of a CSC column."""
    return gather_sum(start, stop, data, indices, r)


@njit(cache=True, inline="always")
def gather_sum(start, stop, data, indices, r):
    """``_gather_dot`` inline in its caller (a ``GATHER_MATH`` kernel): four partial sums (of
    the stored values k = start + 4m + c, c = 0..3), so that a column's additions are four
    chains of dependent additions instead of one, and the row indices read as unsigned (numba
    then skips its negative-index wraparound per gather).  One pass over the 1e6 stored values
    of a 20000 x 50000 CSC design (density 1e-3): 1.3 ms instead of 1.6 to 1.8 ms (two partial
    sums: 1.7 to 1.8 ms)."""
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    k = start
    while k + 3 < stop:
        s0 += data[k] * r[np.uintp(indices[k])]
        s1 += data[k + 1] * r[np.uintp(indices[k + 1])]
        s2 += data[k + 2] * r[np.uintp(indices[k + 2])]
        s3 += data[k + 3] * r[np.uintp(indices[k + 3])]
        k += 4
    while k < stop:
        s0 += data[k] * r[np.uintp(indices[k])]
        k += 1
    return (s0 + s1) + (s2 + s3)


@njit(cache=True, fastmath=GATHER_MATH)
def _gather_dot_weighted(start, stop, data, indices, sw, r):
    """sum_k sw[i] data[k] r[i], i = indices[k], over the stored values start..stop - 1."""
    return gather_sum_weighted(start, stop, data, indices, sw, r)


@njit(cache=True, inline="always")
def gather_sum_weighted(start, stop, data, indices, sw, r):
    """``_gather_dot_weighted`` inline in its caller (a ``GATHER_MATH`` kernel), the row
    indices read as unsigned (``gather_sum``)."""
    acc = 0.0
    for t in range(start, stop):
        i = np.uintp(indices[t])
        acc += sw[i] * data[t] * r[i]
    return acc


@njit(cache=True, inline="always")
def column_axpy(j, delta, Xd, data, indices, indptr, x_offset, r, rsum, is_sparse):
    """r -= delta * X[:, j]; returns the updated rsum."""
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            r[np.uintp(indices[k])] -= delta * data[k]  # unsigned: no wraparound (gather_sum)
        return rsum - delta * x_offset[j]
    for i in range(Xd.shape[0]):
        r[i] -= delta * Xd[i, j]
    return rsum


@njit(cache=True, inline="always")
def column_axpy_typed(j, delta, Xd, data, indices, indptr, x_offset, r, rsum, is_sparse):
    """``column_axpy``; numba compiles it for a dense design alone where ``data`` is None."""
    if data is None:  # ``dense_design``
        for i in range(Xd.shape[0]):
            r[i] -= delta * Xd[i, j]
        return rsum
    return _column_axpy_any(j, delta, Xd, data, indices, indptr, x_offset, r, rsum, is_sparse)


def _column_axpy_any(j, delta, Xd, data, indices, indptr, x_offset, r, rsum, is_sparse):
    return column_axpy(j, delta, Xd, data, indices, indptr, x_offset, r, rsum, is_sparse)


# a dense design (``dense_design``: its CSC values, argument 3, are None) compiles without
# the sparse branches (about 1 s in a fresh cache)
stub_when_none(_column_axpy_any, 3)


def dense_design(design: tuple) -> tuple:
    """``design`` (``WeightedDesign.kernel_args()``) with the CSC arrays None where it is dense,
    for ``cd_working_set``, which then compiles without the sparse branches.

    Examples
    --------
    >>> import numpy as np
    >>> args = (np.ones((2, 1)), np.empty(0), np.empty(0, np.int64), np.zeros(1, np.int64),
    ...         np.ones(2), np.zeros(1), False)
    >>> dense_design(args)[1:4]
    (None, None, None)
    """
    if design[6]:  # is_sparse
        return design
    return design[0], None, None, None, *design[4:]


@njit(cache=True, fastmath=FAST_MATH)
def correlations(Xd, data, indices, indptr, sw, x_offset, r, rsum, is_sparse, ws, out):
    """out[j] = X_c[:, j]' S r_true for j in ws."""
    if is_sparse:
        return _sparse_correlations(data, indices, indptr, sw, x_offset, r, rsum, ws, out)
    for k in range(ws.shape[0]):
        j = ws[k]
        out[j] = column_dot(j, Xd, data, indices, indptr, sw, x_offset, r, rsum, is_sparse)
    return out


@njit(cache=True, fastmath=GATHER_MATH)
def _sparse_correlations(data, indices, indptr, sw, x_offset, r, rsum, ws, out):
    """``correlations`` on a CSC design: with one weight for every row, or where the columns
    hold more stored values than there are rows (S r formed once, O(n)), each stored value
    costs one gather (of r or S r) instead of two (of s and r); the centring is
    x_offset[j] rsum."""
    if sw.shape[0] == 1:  # every row weighs sw[0] (module docstring)
        for k in range(ws.shape[0]):
            j = ws[k]
            acc = gather_sum(indptr[j], indptr[j + 1], data, indices, r)
            out[j] = sw[0] * acc - x_offset[j] * rsum
        return out
    stored = 0
    for k in range(ws.shape[0]):
        stored += indptr[ws[k] + 1] - indptr[ws[k]]
    if stored <= r.shape[0]:
        for k in range(ws.shape[0]):
            j = ws[k]
            acc = gather_sum_weighted(indptr[j], indptr[j + 1], data, indices, sw, r)
            out[j] = acc - x_offset[j] * rsum
        return out
    u = np.empty(r.shape[0])
    for i in range(r.shape[0]):
        u[i] = sw[i] * r[i]
    for k in range(ws.shape[0]):
        j = ws[k]
        out[j] = gather_sum(indptr[j], indptr[j + 1], data, indices, u) - x_offset[j] * rsum
    return out


@njit_internal()
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
        if sw.shape[0] == 1:  # every row weighs sw[0] (module docstring)
            for i in range(r.shape[0]):
                rr += r[i] * r[i]
            rr *= sw[0]
        else:
            for i in range(r.shape[0]):
                rr += sw[i] * r[i] * r[i]
        rr += 2.0 * c * rsum + c * c
    else:
        for i in range(r.shape[0]):
            rr += r[i] * r[i]
    return 0.5 * rr


@njit_internal()
def anderson_weights(history):
    """Weights c (summing to one) minimising ||sum_k c_k (w_{k+1} - w_k)||; empty if degenerate.

    numba's ``U @ U.T``, ``c @ H``, ``np.trace``, array expressions and a try/except around the
    solve compiled for about 3.5 s in a fresh cache; loops and ``shrinkage._lapack``'s calls of
    the same BLAS routines (the same bits) compile in about 2.2 s.
    """
    K = history.shape[0] - 1
    n = history.shape[1]
    U = np.empty((K, n))
    for k in range(K):
        for i in range(n):
            U[k, i] = history[k + 1, i] - history[k, i]
    C = outer_gram(U)
    trace = 0.0
    for k in range(K):
        trace += C[k, k]
    # a tiny ridge keeps the solve defined when the iterates are nearly collinear
    reg = 1e-10 * max(trace, 1e-300)
    ones = np.empty(K)
    for k in range(K):
        C[k, k] += reg
        ones[k] = 1.0
    z = solve_or_empty(C, ones)
    if z.shape[0] == 0:  # singular system: skip this extrapolation
        return z
    total = 0.0
    for k in range(K):
        total += z[k]
    if not np.isfinite(total) or total == 0.0:
        return np.empty(0)
    for k in range(K):
        z[k] /= total
    return z


@njit_internal()
def anderson_point(history):
    """The extrapolated iterate sum_k c_k w_{k+1}, c the ``anderson_weights``; empty if
    degenerate."""
    c = anderson_weights(history)
    if c.shape[0] == 0:
        return c
    return combine_rows(c, history[1:])


def cd_working_set(design, penalty, r, rsum, w, ws, lipschitz, max_epochs, tol_inner, use_anderson):
    """Coordinate descent on the working set ``ws`` with Anderson extrapolation.

    ``design`` = ``dense_design(WeightedDesign.kernel_args())``, ``penalty`` = the tuple of
    ``penalties._separable.penalty_arrays`` (any separable penalty).  Stops when the largest
    KKT violation seen during an epoch is below ``tol_inner``.  Returns (rsum, n_epochs).  ``r``
    and ``w`` are updated in place.

    The epochs (``_cd_epochs``) and the extrapolation (``_cd_extrapolate``) are two kernels: a
    fit whose working sets converge within ``ANDERSON_K + 1`` epochs (a first Lasso on
    500 x 5000: 2 to 4) never compiles the extrapolation.
    """
    history = np.empty((ANDERSON_K + 1, ws.shape[0]))
    epoch, extrapolate = 0, True
    while extrapolate:
        rsum, epoch, extrapolate = _cd_epochs(
            design,
            penalty,
            r,
            rsum,
            w,
            ws,
            lipschitz,
            history,
            epoch,
            max_epochs,
            tol_inner,
            use_anderson,
        )
        if extrapolate:
            rsum = _cd_extrapolate(design, penalty, r, rsum, w, ws, history)
    return rsum, epoch


@njit(cache=True, fastmath=FAST_MATH)
def _cd_epochs(
    design, penalty, r, rsum, w, ws, lipschitz, history, epoch, max_epochs, tol_inner, use_anderson
):
    """``cd_working_set``'s epochs from ``epoch`` on, until it stops or ``history`` holds
    ``ANDERSON_K + 1`` iterates.  Returns (rsum, epoch, whether to extrapolate)."""
    Xd, data, indices, indptr, sw, x_offset, _ = design
    n_ws = ws.shape[0]
    n_hist = 0
    while epoch < max_epochs:
        epoch += 1
        rsum, worst = epoch_typed(
            Xd, data, indices, indptr, sw, x_offset, penalty, r, rsum, w, ws, lipschitz
        )
        if worst <= tol_inner:
            break
        if not use_anderson:
            continue
        for k in range(n_ws):
            history[n_hist, k] = w[ws[k]]
        n_hist += 1
        if n_hist == ANDERSON_K + 1:
            return rsum, epoch, True
    return rsum, epoch, False


def epoch_typed(Xd, data, indices, indptr, sw, x_offset, penalty, r, rsum, w, ws, lipschitz):
    """One coordinate-descent epoch over ``ws``: returns (rsum, the largest KKT violation seen).
    A call of ``_sparse_epoch``, or of ``_dense_epoch`` where ``data`` is None: each epoch is a
    kernel of its own, so that numba compiles a design's alone (``_cd_epochs`` with both
    loops inline compiled the dense one for a CSC design too: about 2 s in a fresh cache; the
    dense loop inline as this overload's special case, about 1.5 s more than now)."""
    return _sparse_epoch(data, indices, indptr, sw, x_offset, penalty, r, rsum, w, ws, lipschitz)


def _call_dense_epoch(Xd, data, indices, indptr, sw, x_offset, penalty, r, rsum, w, ws, lipschitz):
    kind, l1, l2, lower, upper, gamma = penalty
    return _dense_epoch(Xd, kind, l1, l2, lower, upper, gamma, r, rsum, w, ws, lipschitz)


specialize_when_none(epoch_typed, _call_dense_epoch, 1)


@njit(cache=True, fastmath=FAST_MATH)
def _dense_epoch(Xd, kind, l1, l2, lower, upper, gamma, r, rsum, w, ws, lipschitz):
    """``epoch_typed`` on a dense (pre-scaled) design.  The penalty's items (``kind`` ..
    ``gamma``) are arguments of their own: numba compiled the kernel that took them as a tuple
    of arrays about 0.3 s slower (a first fit on 500 x 5000)."""
    worst = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        L = lipschitz[j]
        if L == 0.0:
            continue
        corr = 0.0
        for i in range(Xd.shape[0]):
            corr += Xd[i, j] * r[i]
        v = kkt(kind, corr, w[j], l1[j], l2[j], lower[j], upper[j], gamma)
        worst = v if v > worst else worst
        old = w[j]
        new = prox(kind, L * old + corr, L, l1[j], l2[j], lower[j], upper[j], gamma)
        if new != old:
            w[j] = new
            delta = new - old
            for i in range(Xd.shape[0]):
                r[i] -= delta * Xd[i, j]
    return rsum, worst


@njit(cache=True, fastmath=GATHER_MATH)
def _sparse_epoch(data, indices, indptr, sw, x_offset, penalty, r, rsum, w, ws, lipschitz):
    """One coordinate-descent epoch over ``ws`` on a CSC design: returns (rsum, the largest KKT
    violation seen).  ``GATHER_MATH`` (the gathers stay scalar), its column loops inline:
    ``_cd_epochs`` called a function per column (its dot product) and took 1.3 to 1.9 times as
    long on 21100 columns of ~20 stored values (20000 x 50000, density 1e-3).  Its coordinate
    update (KKT score, prox, the residual's update) is written here and in ``_dense_epoch``,
    not shared through an inline helper: that helper added about 0.4 s to a sparse first fit's
    compile (2000 x 5000 CSC, 4 fresh caches each: 5.1 -> 5.5 s)."""
    kind, l1, l2, lower, upper, gamma = penalty
    one_weight = sw.shape[0] == 1  # every row weighs sw[0] (module docstring)
    worst = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        L = lipschitz[j]
        if L == 0.0:
            continue
        start, stop = indptr[j], indptr[j + 1]
        if one_weight:
            acc = sw[0] * gather_sum(start, stop, data, indices, r)
        else:
            acc = gather_sum_weighted(start, stop, data, indices, sw, r)
        corr = acc - x_offset[j] * rsum
        worst = max(worst, kkt(kind, corr, w[j], l1[j], l2[j], lower[j], upper[j], gamma))
        old = w[j]
        new = prox(kind, L * old + corr, L, l1[j], l2[j], lower[j], upper[j], gamma)
        if new != old:
            w[j] = new
            delta = new - old
            for t in range(start, stop):
                r[np.uintp(indices[t])] -= delta * data[t]
            rsum -= delta * x_offset[j]
    return rsum, worst


@njit(cache=True, fastmath=FAST_MATH)
def _cd_extrapolate(design, penalty, r, rsum, w, ws, history):
    """Anderson's point of ``history``, clipped to the bounds, replaces w (and ``r``) if it
    lowers the working set's objective.  Returns rsum."""
    Xd, data, indices, indptr, _, x_offset, is_sparse = design
    _, _, _, lower, upper, _ = penalty
    n_ws = ws.shape[0]
    w_acc = anderson_point(history)
    if w_acc.shape[0] == 0:
        return rsum
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
            rsum_acc = column_axpy_typed(
                j, delta, Xd, data, indices, indptr, x_offset, r_acc, rsum_acc, is_sparse
            )
    after = _working_set_objective(w_try, ws, design, r_acc, rsum_acc, penalty)
    if after < before:
        for j in range(w.shape[0]):  # element by element (module docstring)
            w[j] = w_try[j]
        for i in range(r.shape[0]):
            r[i] = r_acc[i]
        rsum = rsum_acc
    return rsum


# ----------------------------------------------------------------------------------------------
# optimality and screening tests shared by the residual and the Gram solvers


@njit(cache=True, fastmath=False)
def optimality_checks(viol, w, l1, col_norm_sq, yty, active):
    """(support_closed, stalled) from the KKT violations ``viol`` of the ``active`` columns.

    support_closed: no zero coordinate violates its optimality condition by more than rounding
    (``KKT_ROUNDING`` ||x_j|| ||y_c|| + 8 ulps of l1_j); otherwise moving it lowers the
    objective by >= viol^2 / (2 ||x_j||^2), whatever the gap says.  stalled: every violation is
    below ``KKT_STALLED`` ||x_j|| ||y_c||, the point is optimal to working precision.
    """
    eps = _EPS
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
def residual_certificate(corr, w, l1, l2, lower, upper, col_norm_sq, yty, r_dot_y, r_dot_r, scores):
    """The certificate at the residual without free columns, in one kernel: the KKT scores
    (``kkt_violations``, written to ``scores``), ``optimality_checks`` on every column and the
    duality gap at theta = scale * S r (``certificates.certify``).

    ``corr`` = X_c' S r over the columns in play, ``w`` .. ``col_norm_sq`` theirs, ``r_dot_y``
    = r' S y_c and ``r_dot_r`` = r' S r.  Three kernels in one: a first fit compiles one.
    Returns (gap, scale, closed, stalled); X_c' theta is scale * corr.
    """
    for a in range(w.shape[0]):
        scores[a] = kkt_violation(corr[a], w[a], l1[a], l2[a], lower[a], upper[a])
    eps = _EPS
    closed = True
    stalled = True
    for j in range(w.shape[0]):  # ``optimality_checks``, every column active
        unit = np.sqrt(col_norm_sq[j]) * np.sqrt(yty)
        if w[j] == 0.0 and scores[j] > KKT_ROUNDING * unit + 8.0 * eps * l1[j]:
            closed = False
        if scores[j] > KKT_STALLED * unit:
            stalled = False
    gap, _, _, scale = dual_gap(w, r_dot_r, corr, r_dot_y, r_dot_r, l1, l2, lower, upper)
    return gap, scale, closed, stalled


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


# ----------------------------------------------------------------------------------------------
# Gram (covariance) mode: a working set's block of G = X_c' S X_c and q = X_c' S y_c


def gram_cd_working_set(G, q, w, penalty, max_epochs, tol_inner, rounding, use_anderson):
    """Coordinate descent on 0.5 w'Gw - q'w + sum_j Omega_j(w_j), a working set's Gram block.

    ``G`` (k x k, symmetric) and ``q`` (k,) are the working set's rows and columns of X_c' S X_c
    and X_c' S y_c, ``penalty`` the ``penalties._separable`` tuple restricted to it.  The
    gradient G w - q is kept exact (O(k) per move); Anderson extrapolation every
    ``ANDERSON_K + 1`` epochs is kept only if it lowers the objective.  Stops when the largest
    KKT violation seen during an epoch is below max(``tol_inner``, ``rounding`` x the gradient's
    scale max(|q|_inf, | |G| |w| |_inf) at the start: KKT violations are exact only to its
    rounding), or when an epoch moves no
    coordinate (a fixed point: every later epoch would repeat it, whatever ``tol_inner`` asks
    below rounding).  Returns (epochs spent, whether any coordinate moved); ``w`` is updated in
    place.

    The epochs (``_gram_cd_epochs``) and the extrapolation (``_gram_extrapolate``) are two
    kernels: a fit whose working sets converge within ``ANDERSON_K + 1`` epochs (a first Lasso
    on 10000 x 200: 4) never compiles the extrapolation, about 1.9 s of its 5 s compile.
    """
    H = np.empty(w.shape[0])
    history = np.empty((ANDERSON_K + 1, w.shape[0]))
    epoch, moved, extrapolate = 0, False, True
    while extrapolate:
        epoch, moved, tol_inner, extrapolate = _gram_cd_epochs(
            G,
            q,
            w,
            H,
            history,
            *penalty,
            epoch,
            max_epochs,
            tol_inner,
            rounding,
            moved,
            use_anderson,
        )
        if extrapolate:
            _gram_extrapolate(G, q, w, H, history, penalty)
    return epoch, moved


@njit(cache=True, fastmath=FAST_MATH)
def _gram_cd_epochs(
    G,
    q,
    w,
    H,
    history,
    kind,
    l1,
    l2,
    lower,
    upper,
    gamma,
    epoch,
    max_epochs,
    tol_inner,
    rounding,
    moved,
    use_anderson,
):
    """``gram_cd_working_set``'s epochs from ``epoch`` on (0: a start, which fills the gradient
    ``H`` and raises ``tol_inner`` to the rounding floor), until it stops or ``history`` holds
    ``ANDERSON_K + 1`` iterates.  Returns (epoch, moved, tol_inner, whether to extrapolate).

    It allocates nothing (the start's scratch is ``history``'s first row, written again before
    it is read as an iterate): a first fit compiles no ``np.empty``.  The penalty's items
    (``kind`` .. ``gamma``) are arguments of their own: numba compiled the kernel that took
    them as a tuple about 0.2 s slower (a first fit on 10000 x 200)."""
    k = w.shape[0]
    if epoch == 0:
        _gram_gradient_into(G, w, q, H)
        size = history[0]
        for i in range(k):
            size[i] = 0.0
        for j in range(k):  # the gradient's scale: | |G| |w| |_inf, by rows like the gradient
            if w[j] != 0.0:
                wj = abs(w[j])
                for i in range(k):
                    size[i] += abs(G[j, i]) * wj
        scale = 0.0
        for i in range(k):
            scale = abs(q[i]) if abs(q[i]) > scale else scale
            scale = size[i] if size[i] > scale else scale
        floor = rounding * scale
        tol_inner = floor if floor > tol_inner else tol_inner
    n_hist = 0
    while epoch < max_epochs:
        epoch += 1
        worst = 0.0
        changed = False
        for j in range(k):
            L = G[j, j]
            if L <= 0.0:
                continue
            corr = -H[j]
            v = kkt(kind, corr, w[j], l1[j], l2[j], lower[j], upper[j], gamma)
            worst = v if v > worst else worst
            old = w[j]
            new = prox(kind, L * old + corr, L, l1[j], l2[j], lower[j], upper[j], gamma)
            if new != old:
                w[j] = new
                changed = True
                delta = new - old
                for i in range(k):
                    H[i] += delta * G[j, i]  # G is symmetric: read the contiguous row
        moved = moved or changed
        if worst <= tol_inner or not changed:
            break
        if not use_anderson:
            continue
        for j in range(k):  # element by element (module docstring)
            history[n_hist, j] = w[j]
        n_hist += 1
        if n_hist == ANDERSON_K + 1:
            return epoch, moved, tol_inner, True
    return epoch, moved, tol_inner, False


@njit(cache=True, fastmath=FAST_MATH)
def _gram_extrapolate(G, q, w, H, history, penalty):
    """Anderson's point of ``history``, clipped to the bounds, replaces w (and its gradient
    ``H``) if it lowers the objective."""
    _, _, _, lower, upper, _ = penalty
    k = w.shape[0]
    w_acc = anderson_point(history)
    if w_acc.shape[0] == 0:
        return
    for j in range(k):
        w_acc[j] = min(max(w_acc[j], lower[j]), upper[j])
    H_acc = _gram_gradient(G, w_acc, q)
    if _gram_objective(w_acc, H_acc, q, penalty) < _gram_objective(w, H, q, penalty):
        for j in range(k):
            w[j] = w_acc[j]
            H[j] = H_acc[j]


@njit(cache=True, inline="always")
def _gram_gradient(G, w, q):
    """G w - q (``_gram_gradient_into`` a new array)."""
    return _gram_gradient_into(G, w, q, np.empty(w.shape[0]))


@njit(cache=True, inline="always")
def _gram_gradient_into(G, w, q, out):
    """out = G w - q, as axpys of the symmetric G's contiguous rows over the non-zeros of w
    (loops: no BLAS binding to compile; a dot per row would be one serial chain of additions);
    returns out."""
    k = w.shape[0]
    for i in range(k):  # not ``-q``: an array expression compiles for about 0.3 s
        out[i] = -q[i]
    for j in range(k):
        if w[j] != 0.0:
            wj = w[j]
            for i in range(k):
                out[i] += G[j, i] * wj
    return out


@njit_internal()
def _gram_objective(w, H, q, penalty):
    """0.5 w'Gw - q'w + the penalty, from the gradient H = G w - q."""
    kind, l1, l2, _, _, gamma = penalty
    acc = 0.0
    for j in range(w.shape[0]):
        acc += 0.5 * w[j] * (H[j] - q[j]) + value(kind, w[j], l1[j], l2[j], gamma)
    return acc


@njit(cache=True, fastmath=False)
def gram_certificate(G, q, yty, w, idx, l1, l2, lower, upper, col_norm_sq, corr, work):
    """The Gram certificate without free columns in one pass: ``GramCD.certify`` on a whole G.

    ``idx`` are the columns in play (the support among them), ``l1`` .. ``upper`` their penalty
    arrays, ``col_norm_sq`` over all columns.  Writes corr[j] = q_j - G[j] w for j in ``idx``
    (from the support's entries of G's rows, exact at every call).  Returns (gap, r' S y_c,
    r' S r, closed, stalled) and writes X_c' theta and the KKT scores over ``idx`` to rows 1 and
    2 of ``work`` (3 x len(idx), row 0 scratch), as ``certificates.certify`` and
    ``optimality_checks`` compute them.  The kernel allocates nothing (a first fit compiles no
    ``np.empty``) and returns scalars alone (numba compiles a tuple of arrays slower).
    """
    k = idx.shape[0]
    w_in = work[0]
    corr_in = work[1]
    for a in range(k):
        corr_in[a] = q[idx[a]]
        w_in[a] = w[idx[a]]
    whole = k == G.shape[0]
    for t in range(k):  # axpys of G's (symmetric) rows over the support: no serial chain
        s = idx[t]
        ws = w[s]
        if ws == 0.0:
            continue
        if whole:
            for a in range(k):
                corr_in[a] -= G[s, a] * ws
        else:
            for a in range(k):
                corr_in[a] -= G[s, idx[a]] * ws
    r_dot_y = yty
    w_dot_corr = 0.0
    for a in range(k):
        corr[idx[a]] = corr_in[a]
        r_dot_y -= q[idx[a]] * w_in[a]
        w_dot_corr += w_in[a] * corr_in[a]
    residual_sq = r_dot_y - w_dot_corr
    residual_sq = 0.0 if residual_sq < 0.0 else residual_sq
    scores = work[2]
    for a in range(k):
        scores[a] = kkt_violation(corr_in[a], w_in[a], l1[a], l2[a], lower[a], upper[a])
    eps = _EPS
    closed = True
    stalled = True
    root_yty = np.sqrt(yty)
    for a in range(k):  # ``optimality_checks``, without its temporaries
        unit = np.sqrt(col_norm_sq[idx[a]]) * root_yty
        if w_in[a] == 0.0 and scores[a] > KKT_ROUNDING * unit + 8.0 * eps * l1[a]:
            closed = False
        if scores[a] > KKT_STALLED * unit:
            stalled = False
    gap, _, _, scale = dual_gap(
        w_in, residual_sq, corr_in, r_dot_y, residual_sq, l1, l2, lower, upper
    )
    for a in range(k):
        corr_in[a] *= scale
    return gap, r_dot_y, residual_sq, closed, stalled
