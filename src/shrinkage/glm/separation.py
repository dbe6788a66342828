"""Does the unpenalized part of a GLM have a finite optimum?  A linear program decides.

The fit diverges exactly when some direction d of the unpenalized coefficients (intercept, free
columns) moves every sample's linear predictor along a recession direction of its loss
(``Datafit.recession``: sigma_i (B d)_i >= 0, with (B d)_i = 0 where sigma_i = 0) and strictly for
at least one sample; for the logistic loss this is (quasi-)complete separation of the classes.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from .._problem import Problem
from ..solvers.prox_newton import DivergenceError, diverged_message

_MARGIN = 1e-6
# a dense copy of the unpenalized columns larger than this is not made (the check is skipped)
_MAX_ENTRIES = 20_000_000


def check_finite_optimum(problem: Problem, datafit, y: np.ndarray, free: np.ndarray) -> None:
    """Raise DivergenceError when the columns ``free`` (and the intercept) can drive the loss to
    an infimum it never reaches; bounded columns move only towards their open side."""
    multiclass = hasattr(datafit, "classes")
    recession = getattr(datafit, "recession", None)
    sigma = None if recession is None or multiclass else recession(y)
    if sigma is None and not multiclass:
        return
    lower, upper = problem.lower[free], problem.upper[free]
    movable = np.isinf(lower) | np.isinf(upper)
    cols = free[movable]
    blocks = [np.ones((problem.n_samples, 1))] if problem.fit_intercept else []
    if cols.size:
        X = problem.X[:, cols]
        blocks.append(X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64))
    if not blocks or problem.n_samples * (cols.size + 1) > _MAX_ENTRIES:
        return
    B = np.hstack(blocks)
    B = B / np.maximum(np.abs(B).max(axis=0), 1e-300)
    keep = problem.sample_weight > 0
    bounds = [(-1.0, 1.0)] * (B.shape[1] - cols.size)
    bounds += [
        (0.0 if np.isfinite(lo) else -1.0, 0.0 if np.isfinite(up) else 1.0)
        for lo, up in zip(problem.lower[cols], problem.upper[cols], strict=True)
    ]
    if multiclass:
        _check_classes(B[keep], y[keep].astype(np.int64), datafit.classes(y), bounds, datafit)
        return
    assert sigma is not None  # not multiclass: returned above when there is none
    B, sigma = B[keep], sigma[keep]
    signed = sigma != 0
    A = -(sigma[signed, None] * B[signed])  # -sigma_i (B d)_i <= 0
    res = linprog(
        A.sum(axis=0),
        A_ub=A,
        b_ub=np.zeros(A.shape[0]),
        A_eq=B[~signed] if np.any(~signed) else None,
        b_eq=np.zeros(int(np.sum(~signed))) if np.any(~signed) else None,
        bounds=bounds,
        method="highs",
    )
    if res.status == 0 and -res.fun > _MARGIN * A.shape[0]:
        raise DivergenceError(diverged_message(datafit))


def _check_classes(B: np.ndarray, labels: np.ndarray, K: int, bounds: list, datafit) -> None:
    """K-class version: a direction D (m, K) with (B D)_{i, y_i} >= (B D)_{i, k} for all k."""
    m = B.shape[1]
    rows = []
    for k in range(K):
        other = labels != k
        # -( (B D)_{i, y_i} - (B D)_{i, k} ) <= 0 for the samples not in class k
        A = np.zeros((int(other.sum()), m, K))
        A[np.arange(A.shape[0]), :, labels[other]] = -B[other]
        A[:, :, k] += B[other]
        rows.append(A.reshape(A.shape[0], m * K))
    A = np.vstack(rows)
    res = linprog(
        A.sum(axis=0),
        A_ub=A,
        b_ub=np.zeros(A.shape[0]),
        bounds=[bd for bd in bounds for _ in range(K)],
        method="highs",
    )
    if res.status == 0 and -res.fun > _MARGIN * A.shape[0]:
        raise DivergenceError(diverged_message(datafit))
