"""Duality gaps and KKT violations: the certificate every fit carries.

For P(w) = F(X_c w) + Omega(w) with F the weighted least-squares datafit, the dual point is
theta = scale * S r (r the residual with the unpenalized columns projected out, scale <= 1 making
|x_j' theta| <= l1_j where Omega_j* would be infinite), and the gap is P(w) - D(theta) >= P(w) - P*.
"""

from __future__ import annotations

import numpy as np

from .datafits.quadratic import SufficientStatistics, WeightedDesign
from .penalties.l1_l2 import PenaltyWeights
from .solvers import _kernels
from .solvers._projection import project_unpenalized


def dual_point_from_design(design: WeightedDesign, pw: PenaltyWeights, w: np.ndarray,
                           r: np.ndarray, rsum: float, unpen_products=None):
    """(gap, X_c' theta, correlations X_c' S r) at w with residual representation (r, rsum)."""
    corr = design.correlations(r, rsum)
    r_dot_y, r_dot_r = design.residual_products(r, rsum, w)
    cols = pw.unpenalized_columns()
    if unpen_products is None and cols.size:
        unpen_products = design.cross_gram(cols)
    cross, q_cols = unpen_products if cols.size else (None, None)
    theta_corr, r_dot_y, r_dot_r = project_unpenalized(corr, r_dot_y, r_dot_r, cross, q_cols,
                                                       cols)
    gap, _, _, scale = _kernels.dual_gap(w, theta_corr, r_dot_y, r_dot_r, pw.l1, pw.l2,
                                         pw.lower, pw.upper)
    return max(gap, 0.0), scale * theta_corr, corr


def duality_gap_design(design: WeightedDesign, pw: PenaltyWeights, w: np.ndarray) -> float:
    r, rsum = design.residual(w)
    return dual_point_from_design(design, pw, w, r, rsum)[0]


def duality_gap_statistics(stats: SufficientStatistics, pw: PenaltyWeights, w: np.ndarray
                           ) -> float:
    """The same gap computed from G, q and y'Sy alone."""
    corr = stats.q - stats.G @ w
    r_dot_y = float(stats.yty - stats.q @ w)
    r_dot_r = max(r_dot_y - float(w @ corr), 0.0)
    cols = pw.unpenalized_columns()
    theta_corr, r_dot_y, r_dot_r = project_unpenalized(
        corr, r_dot_y, r_dot_r, stats.G[:, cols], stats.q[cols], cols)
    gap = _kernels.dual_gap(w, theta_corr, r_dot_y, r_dot_r, pw.l1, pw.l2, pw.lower, pw.upper)[0]
    return max(gap, 0.0)


def kkt_violation(corr: np.ndarray, w: np.ndarray, pw: PenaltyWeights) -> np.ndarray:
    """Per-coordinate distance of the gradient to the subdifferential (0 at the optimum)."""
    out = np.empty_like(w, dtype=np.float64)
    return _kernels.kkt_violations(corr, w, pw.l1, pw.l2, pw.lower, pw.upper, out)
