"""Coordinate descent with working sets, gap-safe screening and Anderson extrapolation.

Outer loop (here, vectorized numpy): correlations X' S r of the columns screening kept, the
duality gap of that restricted problem at a feasible dual point (valid for the full problem, as
the screened columns are provably zero), gap-safe screening, and a working set of the largest
KKT violations (always including the support).  Inner loop (numba): CD epochs on the working set
until its KKT violations drop below a fraction of the outer ones.  Where the point is optimal to
working precision but the gap at the residual is not small (a penalty lost in the rounding of
X' r), the gap at the residual projected off the support certifies it instead.
"""

from __future__ import annotations

import numpy as np

from .._certificate_kernels import off_support_columns
from ..certificates import certify
from ..datafits.quadratic import WeightedDesign
from ..penalties._l1_l2_kernels import kkt_violations
from ..penalties.l1_l2 import PenaltyWeights
from . import _kernels
from ._constants import INNER_FRACTION, WS_START
from .result import Fit


class _Columns:
    """The columns still in play (not screened out) and the penalty arrays restricted to them."""

    def __init__(self, keep: np.ndarray, pw: PenaltyWeights, free: np.ndarray, free_products):
        self.idx = np.flatnonzero(keep).astype(np.int64)
        self.pw = PenaltyWeights(pw.l1[self.idx], pw.l2[self.idx], pw.lower[self.idx],
                                 pw.upper[self.idx])
        # free columns are never screened (no L1 part), so they are all in idx
        self.free = np.searchsorted(self.idx, free).astype(np.int64)
        cross, q_free = free_products
        self.cross = np.ascontiguousarray(cross[self.idx])
        self.q_free = q_free


def solve_cd(design: WeightedDesign, pw: PenaltyWeights, w0: np.ndarray, *, tol: float,
             max_iter: int, screen: bool = True, anderson: bool = True, state=None) -> Fit:
    """Minimise 0.5 sum sw r^2 + sum_j l1_j |w_j| + l2_j/2 w_j^2 on the box; ``tol`` is relative
    to sum sw y_c^2 (the null model's doubled objective), as in scikit-learn.

    Converged: gap <= tol * sum sw y_c^2 and no zero coordinate violates its optimality
    condition beyond rounding (``_kernels.optimality_checks``): a gap within tolerance does not
    stop the solver at a support that is certifiably too small (w = 0 just below alpha_max).

    ``state`` is the previous fit's ``Fit.state`` (its residual) when ``w0`` is that fit's ``w``.
    """
    p = design.n_features
    lipschitz = design.col_norm_sq
    w = np.clip(np.where(lipschitz > 0, w0, 0.0), pw.lower, pw.upper).astype(np.float64)
    if state is not None and np.array_equal(w, w0):
        r, rsum = state[0].copy(), state[1]
    else:
        r, rsum = design.residual(w)
    tol_abs = tol * design.yty if design.yty > 0 else tol * np.finfo(float).tiny
    free = pw.unpenalized_columns()
    free_products = design.cross_gram(free) if free.size else (np.empty((p, 0)), np.empty(0))
    active = lipschitz > 0
    cols = _Columns(active, pw, free, free_products)
    corr = np.zeros(p)
    scores = np.empty(p)
    ws_size = WS_START
    epochs = 0
    gap = np.inf
    args = design.kernel_args()
    while True:
        idx = cols.idx
        if idx.size == p and not design.is_sparse:
            corr = design.correlations(r, rsum)
        else:
            _kernels.correlations(args[0], args[1], args[2], args[3], args[4], args[5], r, rsum,
                                  design.is_sparse, idx, corr)
        r_dot_y, residual_sq = design.residual_products(r, rsum, w)
        gap, theta_corr = certify(cols.pw, w[idx], corr[idx], r_dot_y, residual_sq, cols.free,
                                  cols.cross, cols.q_free)
        s = _violations(corr, w, cols, scores)
        closed, stalled = _kernels.optimality_checks(s, w[idx], cols.pw.l1, lipschitz[idx],
                                                     design.yty, np.ones(idx.size, dtype=bool))
        if gap > tol_abs and stalled:
            gap, theta_corr = min((gap, theta_corr), _gap_off_support(
                design, cols, w, corr, r_dot_y, residual_sq), key=lambda c: c[0])
        if (gap <= tol_abs and closed) or epochs >= max_iter:
            break
        if screen:
            kept = active[idx].copy()
            _kernels.screen_gap_safe(theta_corr, lipschitz[idx], np.sqrt(2.0 * gap), cols.pw.l1,
                                     cols.pw.lower, cols.pw.upper, kept)
            if not kept.all():
                active[idx[~kept]] = False
                dropped = idx[~kept & (w[idx] != 0)]
                for j in dropped:
                    rsum = _kernels.column_axpy(j, -w[j], args[0], args[1], args[2], args[3],
                                                design.x_offset, r, rsum, design.is_sparse)
                w[dropped] = 0.0
                cols = _Columns(active, pw, free, free_products)
                if dropped.size:
                    continue  # the residual changed: recompute the correlations first
                idx = cols.idx
                s = _violations(corr, w, cols, scores)
        worst = s.max()
        support = w[idx] != 0
        s[support] = np.inf
        n_active = idx.size
        ws_size = min(max(ws_size, 2 * int(support.sum())), n_active)
        top = np.sort(np.argpartition(s, -ws_size)[-ws_size:]) if ws_size < n_active else None
        ws = idx if top is None else idx[top]
        rsum, n_epochs = _kernels.cd_working_set(
            *args, r, rsum, w, ws, lipschitz, pw.l1, pw.l2, pw.lower, pw.upper,
            max_iter - epochs, INNER_FRACTION * worst, anderson)
        epochs += n_epochs
        if ws_size < n_active and n_epochs <= 1:
            ws_size *= 2
    return Fit(w, float(gap), epochs, bool(gap <= tol_abs and closed), float(tol_abs),
               state=(r, rsum))


def _violations(corr: np.ndarray, w: np.ndarray, cols: _Columns, scores: np.ndarray
                ) -> np.ndarray:
    """KKT violations of the columns in play (a view of ``scores``)."""
    idx = cols.idx
    out = scores[: idx.size]
    return kkt_violations(corr[idx], w[idx], cols.pw.l1, cols.pw.l2, cols.pw.lower,
                          cols.pw.upper, out)


def _gap_off_support(design: WeightedDesign, cols: _Columns, w: np.ndarray, corr: np.ndarray,
                     r_dot_y: float, residual_sq: float) -> tuple[float, np.ndarray]:
    """The certificate at the residual projected off the support (and the free columns).

    When the penalty is below the rounding of X' r (alpha near 0, or data in units that make it
    so), the residual is a useless dual point: its correlations miss l1 + l2 w by rounding
    errors that the conjugate of a tiny L2 part divides by l2, or that scale the whole point
    down to 0 for a tiny L1 part.  Projected off the support the correlations are exactly 0
    there, and the gap is that of least squares on the support plus the penalty.
    """
    idx = cols.idx
    local = off_support_columns(w[idx], cols.free)
    if local.size == cols.free.size:
        return np.inf, np.zeros(idx.size)
    cross, q_u = design.cross_gram(idx[local])
    return certify(cols.pw, w[idx], corr[idx], r_dot_y, residual_sq, local,
                   np.ascontiguousarray(cross[idx]), q_u)
