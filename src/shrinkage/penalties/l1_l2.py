"""L1, L2 and Elastic-Net penalties with penalty factors, column scales and bounds.

Omega(w) = alpha sum_j f_j (l1_ratio |c_j w_j| + (1 - l1_ratio)/2 (c_j w_j)^2), lower <= w <= upper,

where c_j is the column scale used by ``standardize=True`` (the penalty then acts on the
coefficients of standardized columns while the solver keeps the original scale).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._l1_l2_kernels import kkt_violation, penalty_value, prox_coordinate


@dataclass(frozen=True)
class PenaltyWeights:
    """What the kernels read: l1[j] |w_j| + l2[j]/2 w_j^2 on [lower[j], upper[j]]."""

    l1: np.ndarray
    l2: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    def unpenalized_columns(self) -> np.ndarray:
        """Free columns: no penalty and not boxed on both sides (their conjugate can be infinite,
        so the certificate may project them out of the dual residual)."""
        free = (self.l1 == 0) & (self.l2 == 0)
        boxed = np.isfinite(self.lower) & np.isfinite(self.upper)
        return np.flatnonzero(free & ~boxed)


@dataclass(frozen=True)
class ElasticNetPenalty:
    """Immutable along a path: build one per alpha."""

    alpha: float
    l1_ratio: float
    factors: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    scale: np.ndarray | None = None

    def weights(self) -> PenaltyWeights:
        c = np.ones_like(self.factors) if self.scale is None else self.scale
        base = self.alpha * self.factors
        return PenaltyWeights(
            base * self.l1_ratio * c, base * (1.0 - self.l1_ratio) * c**2, self.lower, self.upper
        )

    def value(self, w: np.ndarray) -> float:
        pw = self.weights()
        return float(penalty_value(np.asarray(w, dtype=np.float64), pw.l1, pw.l2))

    def prox(self, w_j: float, step: float, j: int) -> float:
        """argmin_x (x - w_j)^2 / (2 step) + Omega_j(x): soft-threshold, shrink, clip."""
        pw = self.weights()
        return prox_coordinate(
            w_j / step, 1.0 / step, pw.l1[j], pw.l2[j], pw.lower[j], pw.upper[j]
        )

    def subdiff_distance(self, grad_j: float, w_j: float, j: int) -> float:
        """Distance from -grad_j to the subdifferential of Omega_j at w_j (the KKT score)."""
        pw = self.weights()
        return kkt_violation(-grad_j, w_j, pw.l1[j], pw.l2[j], pw.lower[j], pw.upper[j])

    def alpha_max(self, grad0: np.ndarray) -> float:
        """Smallest alpha at which w = 0 is optimal, given the datafit gradient at w = 0.

        For l1_ratio = 0 there is no such alpha; as glmnet does, l1_ratio is floored at 1e-3.
        """
        c = np.ones_like(self.factors) if self.scale is None else self.scale
        weight = self.factors * c * max(self.l1_ratio, 1e-3)
        corr = -np.asarray(grad0, dtype=np.float64)
        # a bound that excludes a sign makes that side of the correlation irrelevant
        corr = np.where(self.upper <= 0, np.minimum(corr, 0), corr)
        corr = np.where(self.lower >= 0, np.maximum(corr, 0), corr)
        zero_feasible = (self.lower <= 0) & (self.upper >= 0) & (self.lower < self.upper)
        penalized = (weight > 0) & zero_feasible
        if not np.any(penalized):
            return 0.0
        return float(np.max(np.abs(corr[penalized]) / weight[penalized]))


def L1(alpha: float, n_features: int) -> ElasticNetPenalty:
    """alpha ||w||_1."""
    return _plain(alpha, 1.0, n_features)


def L2(alpha: float, n_features: int) -> ElasticNetPenalty:
    """alpha/2 ||w||_2^2."""
    return _plain(alpha, 0.0, n_features)


def _plain(alpha: float, l1_ratio: float, p: int) -> ElasticNetPenalty:
    return ElasticNetPenalty(alpha, l1_ratio, np.ones(p), np.full(p, -np.inf), np.full(p, np.inf))
