"""Duality gaps and KKT violations: the certificate every fit carries.

For P(w) = F(X_c w) + Omega(w) with F the weighted least-squares datafit, the dual point is
theta = scale * S r (r the residual with the unpenalized columns projected out, scale <= 1 making
|x_j' theta| <= l1_j where Omega_j* would be infinite), and the gap is P(w) - D(theta) >= P(w) - P*.
"""

from __future__ import annotations

import numpy as np

from ._certificate_kernels import (
    dual_gap,
    off_support_columns,
    project_free_columns,
)
from .datafits.quadratic import SufficientStatistics, WeightedDesign
from .penalties._l1_l2_kernels import kkt_violations
from .penalties.l1_l2 import PenaltyWeights


def dual_point_from_design(
    design: WeightedDesign,
    pw: PenaltyWeights,
    w: np.ndarray,
    r: np.ndarray,
    rsum: float,
    free_products=None,
):
    """(gap, X_c' theta, correlations X_c' S r) at w with residual representation (r, rsum).

    ``free_products`` = ``design.cross_gram(free)`` for the free columns, computed once by callers
    that certify many points.
    """
    corr = design.correlations(r, rsum)
    r_dot_y, residual_sq = design.residual_products(r, rsum, w)
    free = pw.unpenalized_columns()
    if free_products is None:
        free_products = design.cross_gram(free) if free.size else _no_free(w.shape[0])
    return (*certify(pw, w, corr, r_dot_y, residual_sq, free, *free_products), corr)


def duality_gap_design(design: WeightedDesign, pw: PenaltyWeights, w: np.ndarray) -> float:
    r, rsum = design.residual(w)
    return dual_point_from_design(design, pw, w, r, rsum)[0]


def duality_gap_statistics(stats: SufficientStatistics, pw: PenaltyWeights, w: np.ndarray) -> float:
    """The same gap computed from G, q and y'Sy alone."""
    free = pw.unpenalized_columns()
    return certify(pw, w, *_statistics_products(stats, w), free, *_statistics_cross(stats, free))[0]


def _statistics_products(
    stats: SufficientStatistics, w: np.ndarray
) -> tuple[np.ndarray, float, float]:
    """(X_c' S r, r' S y_c, r' S r) at w from G, q and y'Sy."""
    corr = stats.q - stats.G @ w
    r_dot_y = float(stats.yty - stats.q @ w)
    return corr, r_dot_y, max(r_dot_y - float(w @ corr), 0.0)


def _statistics_cross(
    stats: SufficientStatistics, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``WeightedDesign.cross_gram`` from the statistics: (G[:, cols], q[cols])."""
    return np.ascontiguousarray(stats.G[:, cols]), stats.q[cols]


def best_gap(
    data: WeightedDesign | SufficientStatistics,
    pw: PenaltyWeights,
    w: np.ndarray,
    tol_abs: float,
    max_features: int = 4000,
) -> float:
    """The gap at the residual or, where that is above ``tol_abs`` (a penalty lost in the
    rounding of X' r), the smaller gap at the residual projected off the support too (it forms
    X' S X on the support: only up to ``max_features`` columns)."""
    if isinstance(data, SufficientStatistics):
        products = _statistics_products(data, w)

        def cross_gram(cols):
            return _statistics_cross(data, cols)
    else:
        r, rsum = data.residual(w)
        products = (data.correlations(r, rsum), *data.residual_products(r, rsum, w))
        cross_gram = data.cross_gram
    free = pw.unpenalized_columns()
    gap = certify(
        pw, w, *products, free, *(cross_gram(free) if free.size else _no_free(w.shape[0]))
    )[0]
    if gap <= tol_abs or w.shape[0] > max_features:
        return gap
    cols = off_support_columns(w, free.astype(np.int64))
    return min(gap, certify(pw, w, *products, cols, *cross_gram(cols))[0])


def certify(pw: PenaltyWeights, w, corr, r_dot_y, residual_sq, free, cross, q_free):
    """(gap, X_c' theta): project the free columns out of the dual residual, then scale it.

    Also valid on a subset of the columns (all arrays restricted alike) when the others were
    removed by a safe screening rule: the restricted problem has the same optimal value.
    """
    theta_corr, dual_ry, dual_rr = corr, r_dot_y, residual_sq
    if free.size:  # without free columns there is nothing to project (nor to compile)
        theta_corr, dual_ry, dual_rr = project_free_columns(
            free.astype(np.int64), w, corr, r_dot_y, residual_sq, cross, q_free, pw.lower, pw.upper
        )
    gap, _, _, scale = dual_gap(
        w, residual_sq, theta_corr, dual_ry, dual_rr, pw.l1, pw.l2, pw.lower, pw.upper
    )
    return gap, scale * theta_corr


def _no_free(p: int):
    return np.empty((p, 0)), np.empty(0)


def kkt_violation(corr: np.ndarray, w: np.ndarray, pw: PenaltyWeights) -> np.ndarray:
    """Per-coordinate distance of the gradient to the subdifferential (0 at the optimum)."""
    out = np.empty_like(w, dtype=np.float64)
    return kkt_violations(corr, w, pw.l1, pw.l2, pw.lower, pw.upper, out)
