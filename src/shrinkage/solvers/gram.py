"""Gram (covariance) mode: every alpha runs on the p x p matrix X_c' S X_c.

Chosen when n >> p: one BLAS-3 pass forms the statistics, after which an epoch costs O(p * nnz)
instead of O(n * p), and the duality gap is exact from G, q and y'Sy alone.
"""

from __future__ import annotations

import numpy as np

from ..datafits.quadratic import SufficientStatistics
from ..penalties.l1_l2 import PenaltyWeights
from . import _kernels
from .result import Fit

_GAP_EVERY = 5


def solve_gram(
    stats: SufficientStatistics,
    pw: PenaltyWeights,
    w0: np.ndarray,
    *,
    tol: float,
    max_iter: int,
    screen: bool = True,
) -> Fit:
    """Same objective, tolerance and stopping rule as ``solve_cd``."""
    col_norm_sq = stats.col_norm_sq
    w = np.clip(np.where(col_norm_sq > 0, w0, 0.0), pw.lower, pw.upper).astype(np.float64)
    yty = float(stats.yty)
    tol_abs = tol * yty if yty > 0 else tol * np.finfo(float).tiny
    free = pw.unpenalized_columns().astype(np.int64)
    gap, epochs, closed = _kernels.gram_cd(
        stats.solver_gram,
        stats.q,
        yty,
        w,
        pw.l1,
        pw.l2,
        pw.lower,
        pw.upper,
        free,
        tol_abs,
        max_iter,
        _GAP_EVERY,
        screen,
    )
    return Fit(w, float(gap), int(epochs), bool(gap <= tol_abs and closed), float(tol_abs))
