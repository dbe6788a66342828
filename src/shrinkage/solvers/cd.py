"""Coordinate descent with working sets, gap-safe screening and Anderson extrapolation.

Outer loop (here, vectorized numpy): full correlations X' S r, the duality gap at a feasible
dual point, gap-safe screening, and a working set of the largest KKT violations (always
including the support).  Inner loop (numba): CD epochs on the working set until its KKT
violations drop below a fraction of the outer ones.
"""

from __future__ import annotations

import numpy as np

from ..certificates import dual_point_from_design
from ..datafits.quadratic import WeightedDesign
from ..penalties.l1_l2 import PenaltyWeights
from . import _kernels
from .result import Fit

_WS_START = 10
_INNER_FRACTION = 0.3


def solve_cd(design: WeightedDesign, pw: PenaltyWeights, w0: np.ndarray, *, tol: float,
             max_iter: int, screen: bool = True, anderson: bool = True) -> Fit:
    """Minimise 0.5 sum sw r^2 + sum_j l1_j |w_j| + l2_j/2 w_j^2 on the box; ``tol`` is relative
    to sum sw y_c^2 (the null model's doubled objective), as in scikit-learn."""
    p = design.n_features
    lipschitz = design.col_norm_sq
    w = np.clip(np.where(lipschitz > 0, w0, 0.0), pw.lower, pw.upper).astype(np.float64)
    r, rsum = design.residual(w)
    tol_abs = tol * design.yty if design.yty > 0 else tol * np.finfo(float).tiny
    free = pw.unpenalized_columns()
    free_products = design.cross_gram(free) if free.size else None
    active = lipschitz > 0
    scores = np.empty(p)
    ws_size = _WS_START
    epochs = 0
    gap = np.inf
    args = design.kernel_args()
    while True:
        gap, theta_corr, corr = dual_point_from_design(design, pw, w, r, rsum, free_products)
        if gap <= tol_abs or epochs >= max_iter:
            break
        if screen:
            _kernels.screen_gap_safe(theta_corr, lipschitz, np.sqrt(2.0 * gap), pw.l1,
                                     pw.lower, pw.upper, active)
            dropped = np.flatnonzero(~active & (w != 0))
            if dropped.size:
                for j in dropped:
                    rsum = _kernels.column_axpy(j, -w[j], args[0], args[1], args[2], args[3],
                                                design.x_offset, r, rsum, design.is_sparse)
                w[dropped] = 0.0
                continue  # correlations changed: recompute them before choosing the working set
        _kernels.kkt_violations(corr, w, pw.l1, pw.l2, pw.lower, pw.upper, scores)
        scores[~active] = -1.0
        worst = scores.max()
        support = (w != 0) & active
        scores[support] = np.inf
        n_active = int(active.sum())
        ws_size = min(max(ws_size, 2 * int(support.sum())), n_active)
        if ws_size < n_active:
            ws = np.sort(np.argpartition(scores, -ws_size)[-ws_size:])
        else:
            ws = np.flatnonzero(active)
        rsum, n_epochs = _kernels.cd_working_set(
            *args, r, rsum, w, ws.astype(np.int64), lipschitz, pw.l1, pw.l2, pw.lower, pw.upper,
            max_iter - epochs, _INNER_FRACTION * worst, anderson)
        epochs += n_epochs
        if ws_size < n_active:
            ws_size *= 2 if n_epochs <= 1 else 1
    return Fit(w, float(gap), epochs, bool(gap <= tol_abs), float(tol_abs))
