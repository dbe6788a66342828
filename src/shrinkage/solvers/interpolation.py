"""The interpolant of least penalty: min_w sum_j l1_j |w_j| + l2_j / 2 w_j^2 subject to
X w + Z beta = y and lower <= w <= upper, Z = [1, the unpenalized columns] (beta free).

Where the rows can be fitted exactly, this is the limit of robust fits whose scale goes to 0
(``HuberRegressor`` on p > n data).  Elastic Net (every l2_j > 0 off the free columns): a
semismooth Newton method on the dual, max_lam lam'y - sum_j phi_j(x_j'lam) subject to
Z'lam = 0, whose gradient y - X w(X'lam) is piecewise linear: once the active set is found the
Newton step is exact.  Pure L1 (l2 = 0): a linear program solved by HiGHS.  Both return the
multipliers lam, so that the caller can certify optimality.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp
from scipy.optimize import linprog

from .._typing import DesignMatrix
from ._constants import ARMIJO

_MAX_NEWTON = 50
RESIDUAL_RTOL = 1e-12  # the constraint holds to this, relative to the size of y and X w


@dataclass(frozen=True)
class Interpolant:
    """coef (p,), intercept, multipliers lam (one per row of the constraint), n_iter."""

    coef: np.ndarray
    intercept: float
    multipliers: np.ndarray
    n_iter: int


def unique_rows(X: DesignMatrix, y: np.ndarray) -> tuple[DesignMatrix, np.ndarray, np.ndarray]:
    """The distinct rows of [X, y], sorted, and the index of each row's distinct row.

    Rows repeated or weighted give the same sorted result, so problems built from it agree
    exactly.  Returns (X_unique (dense, or CSR where X is sparse), y_unique, inverse).

    >>> unique_rows(np.array([[1.0], [0.0], [1.0]]), np.array([2.0, 0.0, 2.0]))[2]
    array([1, 0, 1])
    """
    if not sp.issparse(X):
        rows, inverse = np.unique(np.column_stack([X, y]), axis=0, return_inverse=True)
        return rows[:, :-1], rows[:, -1].copy(), inverse.ravel()
    X = sp.csr_matrix(X, dtype=np.float64, copy=True)
    X.sum_duplicates()
    X.eliminate_zeros()
    X.sort_indices()
    keys = [
        (
            float(y[i]),
            tuple(X.indices[X.indptr[i] : X.indptr[i + 1]].tolist()),
            tuple(X.data[X.indptr[i] : X.indptr[i + 1]].tolist()),
        )
        for i in range(X.shape[0])
    ]
    distinct = sorted(set(keys))
    position = {key: k for k, key in enumerate(distinct)}
    inverse = np.array([position[key] for key in keys], dtype=np.int64)
    first = np.zeros(len(distinct), dtype=np.int64)
    first[inverse[::-1]] = np.arange(X.shape[0])[::-1]
    return X[first], np.array([key[0] for key in distinct]), inverse


def least_penalty_interpolant(
    X: DesignMatrix,
    y: np.ndarray,
    l1: np.ndarray,
    l2: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    fit_intercept: bool,
) -> Interpolant | None:
    """argmin sum_j l1_j |w_j| + l2_j/2 w_j^2 s.t. X w + b = y, lower <= w <= upper.

    Columns with l1_j = l2_j = 0 are free (and then must be unbounded unless l2 = 0
    everywhere).  Returns None where no interpolant exists (y outside the range) or the
    method does not apply.

    >>> fit = least_penalty_interpolant(np.array([[1.0, 1.0]]), np.array([2.0]), np.zeros(2),
    ...                                 np.ones(2), np.full(2, -np.inf), np.full(2, np.inf), False)
    >>> fit.coef
    array([1., 1.])
    """
    free = (l1 == 0) & (l2 == 0)
    if X.shape[0] > X.shape[1] + int(fit_intercept) and not _in_range(X, y, fit_intercept):
        return None  # more rows than unknowns: one least-squares fit says whether y fits
    if np.all(l2[~free] == 0):
        return _linear_program(X, y, l1, lower, upper, fit_intercept)
    if np.any(l2[~free] == 0) or np.any(np.isfinite(lower[free]) | np.isfinite(upper[free])):
        return None
    return _dual_newton(X, y, l1, l2, lower, upper, free, fit_intercept)


def constraint_scale(X: DesignMatrix, y: np.ndarray, coef: np.ndarray, intercept: float) -> float:
    """|y| + |X w| + |b| at their largest: the size rounding errors of the residual scale with."""
    fitted = np.abs(np.asarray(X @ coef).ravel())
    return float(max(np.max(np.abs(y)), np.max(fitted, initial=0.0), abs(intercept), 1e-300))


def _in_range(X: DesignMatrix, y: np.ndarray, fit_intercept: bool) -> bool:
    """Whether X w + b = y has a solution (to rounding), by least squares on the tall [X, 1]."""
    design = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    if fit_intercept:
        design = np.column_stack([design, np.ones(len(y))])
    solution = la.lstsq(design, y, check_finite=False)[0]
    residual = y - design @ solution
    scale = max(float(np.max(np.abs(y))), float(np.max(np.abs(design @ solution))), 1e-300)
    return float(np.max(np.abs(residual))) <= 1e3 * RESIDUAL_RTOL * scale


def penalty_conjugate(
    u: np.ndarray, l1: np.ndarray, l2: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(phi_j(u_j), its maximiser w_j(u_j)) with phi_j(u) = sup_{lower<=w<=upper} u w - l1|w|
    - l2/2 w^2 (inf where unbounded)."""
    soft = np.sign(u) * np.maximum(np.abs(u) - l1, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(l2 > 0, soft / np.where(l2 > 0, l2, 1.0), np.sign(soft) * np.inf)
    w = np.clip(np.nan_to_num(w, nan=0.0, posinf=np.inf, neginf=-np.inf), lower, upper)
    with np.errstate(invalid="ignore"):
        value = np.where(np.isfinite(w), u * w - l1 * np.abs(w) - 0.5 * l2 * w * w, np.inf)
    return value, w


def free_design(X: DesignMatrix, free: np.ndarray, fit_intercept: bool) -> np.ndarray:
    """Z = [1 (with an intercept), the free columns of X], dense (m, k)."""
    cols = [np.ones((X.shape[0], 1))] if fit_intercept else []
    if np.any(free):
        Xf = X[:, np.flatnonzero(free)]
        cols.append(Xf.toarray() if sp.issparse(Xf) else np.asarray(Xf))
    return np.hstack(cols) if cols else np.zeros((X.shape[0], 0))


def _dual_newton(
    X: DesignMatrix, y, l1, l2, lower, upper, free, fit_intercept
) -> Interpolant | None:
    penalized = np.flatnonzero(~free)
    Xp: DesignMatrix = X[:, penalized]
    Xp = Xp.tocsc() if sp.issparse(Xp) else np.asarray(Xp)
    l1p, l2p, lop, upp = l1[penalized], l2[penalized], lower[penalized], upper[penalized]
    Z = free_design(X, free, fit_intercept)
    m, k = Z.shape
    Z_pinv = la.pinv(Z) if k else np.zeros((0, m))
    y_size = max(float(np.max(np.abs(y))), 1e-300)

    def state(lam: np.ndarray) -> tuple:
        """(u, w, dual value, residual r = projection of the gradient y - X w on Z', beta)."""
        u = np.asarray(Xp.T @ lam).ravel()
        phi, w = penalty_conjugate(u, l1p, l2p, lop, upp)
        g = y - np.asarray(Xp @ w).ravel()  # the dual gradient
        beta = Z_pinv @ g
        return u, w, float(lam @ y - phi.sum()), g - Z @ beta, beta

    def size(r: np.ndarray) -> float:
        return float(np.max(np.abs(r)))

    col_sq = (
        np.asarray(Xp.multiply(Xp).sum(axis=0)).ravel()
        if sp.issparse(Xp)
        else np.einsum("ij,ij->j", Xp, Xp)
    )
    curvature = max(float(np.sum(col_sq / l2p)) / m, 1e-300)  # mean diagonal of X D^-1 X'
    lam = np.zeros(m)
    u, w, dual, r, beta = state(lam)
    for n_iter in range(1, _MAX_NEWTON + 1):
        if size(r) <= RESIDUAL_RTOL * max(y_size, size(np.asarray(Xp @ w))):
            coef = np.zeros(X.shape[1])
            coef[penalized] = w
            coef[np.flatnonzero(free)] = beta[int(fit_intercept) :]
            return Interpolant(coef, float(beta[0]) if fit_intercept else 0.0, lam, n_iter)
        active = np.flatnonzero((np.abs(u) > l1p) & (w > lop) & (w < upp))
        Xa = Xp[:, active]
        Xa = Xa.toarray() if sp.issparse(Xa) else Xa
        M = (Xa / l2p[active]) @ Xa.T
        rhs = np.concatenate([r, np.zeros(k)])
        # the exact Newton step: the answer in one step once the active set is the optimum's
        exact = _solve_saddle(M, Z, rhs)
        trial = state(lam + exact)
        if size(trial[3]) <= 0.5 * size(r):
            lam, (u, w, dual, r, beta) = lam + exact, trial
            continue
        # else a Levenberg step (its term vanishes with the residual) and a line search
        mu = curvature * (1e-3 * min(1.0, float(np.linalg.norm(r)) / y_size) + 1e-14)
        step = _solve_saddle(M + mu * np.eye(m), Z, rhs)
        slope = float(r @ step)
        t = 1.0
        while slope > 0 and t >= 1e-12:
            trial = state(lam + t * step)
            if trial[2] >= dual + ARMIJO * t * slope:
                break
            t *= 0.5
        if not slope > 0 or t < 1e-12:
            return None  # no ascent left: no interpolant (or rounding stops the search)
        lam, (u, w, dual, r, beta) = lam + t * step, trial
    return None


def _solve_saddle(M: np.ndarray, Z: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """The first block of the solution of [M Z; Z' 0] x = rhs (symmetric), by LU; the least
    squares solution of least norm where it is singular (more rows than the rank)."""
    m, k = Z.shape
    K = np.block([[M, Z], [Z.T, np.zeros((k, k))]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", la.LinAlgWarning)
        try:
            return la.solve(K, rhs, assume_a="sym", check_finite=False)[:m]
        except (la.LinAlgError, la.LinAlgWarning):
            pass
    return la.lstsq(K, rhs, check_finite=False)[0][:m]


def _linear_program(X: DesignMatrix, y, l1, lower, upper, fit_intercept) -> Interpolant | None:
    """min sum l1 (w+ + w-) s.t. X (w+ - w-) + b = y, by HiGHS, polished on the support."""
    m, p = X.shape
    A = sp.hstack(
        [sp.csr_matrix(X), -sp.csr_matrix(X)]
        + ([sp.csr_matrix(np.ones((m, 1)))] if fit_intercept else []),
        format="csr",
    )
    plus = (np.maximum(lower, 0.0), np.maximum(upper, 0.0))
    minus = (np.maximum(-upper, 0.0), np.maximum(-lower, 0.0))
    bounds = np.column_stack(
        [
            np.concatenate([plus[0], minus[0]] + ([[-np.inf]] * fit_intercept)),
            np.concatenate([plus[1], minus[1]] + ([[np.inf]] * fit_intercept)),
        ]
    )
    cost = np.concatenate([l1, l1, np.zeros(int(fit_intercept))])
    res = linprog(
        cost,
        A_eq=A,
        b_eq=y,
        bounds=bounds,
        method="highs",
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    if res.status != 0:
        return None
    coef = res.x[:p] - res.x[p : 2 * p]
    intercept = float(res.x[-1]) if fit_intercept else 0.0
    coef, intercept = _polish_on_support(X, y, coef, intercept, lower, upper, fit_intercept)
    return Interpolant(
        coef, intercept, np.asarray(res.eqlin.marginals, dtype=float), max(int(res.nit), 1)
    )


def _polish_on_support(X: DesignMatrix, y, coef, intercept, lower, upper, fit_intercept):
    """Re-solve X_S w_S + b = y exactly on the LP's support S (a vertex: S determines w);
    kept only where it keeps the signs and bounds and fits better."""
    support = np.flatnonzero((coef != 0) & (coef > lower) & (coef < upper))
    at_bound = np.flatnonzero((coef != 0) & ~((coef > lower) & (coef < upper)))
    target = y - np.asarray(X[:, at_bound] @ coef[at_bound]).ravel()
    XS = X[:, support]
    XS = XS.toarray() if sp.issparse(XS) else np.asarray(XS)
    design = np.hstack([XS, np.ones((len(y), 1))]) if fit_intercept else XS
    if design.shape[1] == 0:
        return coef, intercept
    solution = la.lstsq(design, target)[0]
    new = coef.copy()
    new[support] = solution[: len(support)]
    new_b = float(solution[-1]) if fit_intercept else 0.0
    keeps = (
        np.all(np.sign(new[support]) == np.sign(coef[support]))
        and np.all(new >= lower)
        and np.all(new <= upper)
    )
    old_r = np.max(np.abs(y - np.asarray(X @ coef).ravel() - intercept))
    new_r = np.max(np.abs(y - np.asarray(X @ new).ravel() - new_b))
    return (new, new_b) if keeps and new_r < old_r else (coef, intercept)
