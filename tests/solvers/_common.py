"""Building solver inputs the way shrinkage.path does, for the solver tests."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from shrinkage._problem import Problem
from shrinkage.penalties.l1_l2 import PenaltyWeights

from .._reference import centred, penalty_weights, simulated


def problem(
    n=40, p=12, *, seed=0, sparse=False, sample_weight=None, fit_intercept=True, constant=()
):
    """(Problem, X, y); ``constant`` lists columns overwritten with a constant."""
    X, y = simulated(n, p, seed=seed)
    X = X * np.linspace(0.5, 2.0, p)
    for j in constant:
        X[:, j] = 2.5
    pb = Problem.build(
        sp.csc_matrix(X) if sparse else X,
        y,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
    )
    return pb, X, y


def weights(alpha, l1_ratio, p, factors=None, lower=-np.inf, upper=np.inf) -> PenaltyWeights:
    l1, l2 = penalty_weights(alpha, l1_ratio, p, factors)
    return PenaltyWeights(
        l1,
        l2,
        np.broadcast_to(lower, (p,)).astype(float),
        np.broadcast_to(upper, (p,)).astype(float),
    )


def reference(X, y, sample_weight=None, fit_intercept=True):
    Xc, yc, sw, _, _ = centred(X, y, sample_weight, fit_intercept)
    return Xc, yc, sw


def sparse_group_prox(
    W: np.ndarray, l1: float, group: float, n_groups: int = 5, size: int = 3
) -> np.ndarray:
    """argmin_X ||X - W||^2 / 2 + l1 ||X||_1 + group sum_g ||X_g||_F in plain numpy, groups of
    ``size`` consecutive rows of W: soft-threshold, then shrink each group."""
    X = np.sign(W) * np.maximum(np.abs(W) - l1, 0.0)
    for g in range(n_groups):
        block = X[size * g : size * g + size]
        norm = np.linalg.norm(block)
        block *= 0.0 if norm <= group else 1 - group / norm
    return X
