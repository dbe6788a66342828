"""Ridge cross-validation for every alpha from one decomposition: exact LOO, GCV and K-fold.

Ridge with scikit-learn's scaling, sum_i s_i (y_i - x_i.w - b)^2 + alpha ||D w||^2 (D: penalty
factors, times the column standard deviations when ``standardize``), is a linear smoother
y_hat = H y.  Its hat matrix, written on the weighted, centred data, is

    H = (intercept) + (unpenalized columns) + X~ (X~' X~ + a I)^-1 X~'       a = alpha / sum(s)

where X~ = sqrt(S) X_c D^-1 (normalised weights, the unpenalized columns projected out) and the
first two terms are the projections on the intercept and on the columns with penalty factor 0.

- **Exact leave-one-out** (no refits): the held-out residual of sample i is
  e_i = r_i / (1 - h_ii), with r the full-fit residual.  Leaving a sample out keeps alpha (the
  penalty is not divided by the number of samples), which is what refitting ``Ridge(alpha)``
  without that sample does.  One decomposition gives h_ii and r_i for every alpha: the
  eigendecomposition of the p x p matrix X~' X~ (then h_ii = s_i/sum(s) (1 + sum_j
  R_ij^2 / (l_j + a)) with R = X_c D^-1 V), or the tridiagonal reduction of the n x n kernel
  X~ X~' = Q T Q' taken on the complement of the intercept's direction sqrt(s / sum(s)), so
  that 1 - h_ii = a [Q (T + a I)^-1 Q']_ii and r~ = a Q (T + a I)^-1 Q' y~, from the L D L'
  factors of T + a I (O(n) flops per alpha; scikit-learn's _RidgeGCV eigendecomposes the
  kernel and removes the intercept through the eigenvector nearest that direction).  Every
  alpha's residuals are one GEMM, their leverages one sweep over Q.  The kernel is one
  symmetric rank-p update (``dsyrk``), of X itself where its columns' offsets are small (that
  deflation centres it: no centred copy, ``kernel_design``).  The kernel serves p > n, and
  n >= p where it costs fewer flops (``kernel_is_cheaper``) and the columns' scales are
  comparable; the primal form serves the rest and every problem with unpenalized columns.
- **GCV**: mean weighted squared residual / (1 - tr(H) / n)^2, with tr(H) from the eigenvalues
  (of T in the kernel form).
- **K-fold**: the training statistics of every fold come from one pass over X by subtraction
  (``FoldStatistics``), then one p x p eigendecomposition per fold serves every alpha; with
  p > n each fold's kernel is decomposed once.  Each fold's fit is ``Ridge(alpha)`` on its
  training samples, so the normalised multiplier is alpha / (training sum of weights).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp

from .._problem import Problem
from ..datafits.quadratic import SufficientStatistics, WeightedDesign, drop_constant_columns
from ..solvers._tridiagonal_kernels import inverse_diagonals, pivots, solves
from ..solvers.column_cache import RawDesign, row_major_design
from ..solvers.ridge import _kernel_and_adjoint, kernel_tridiagonal, ridge_path_dual
from ._folds import FoldStatistics
from .cv import prediction_errors

_BLOCK_ELEMENTS = 2**22


def penalty_scale(problem: Problem, col_norm_sq: np.ndarray) -> np.ndarray:
    """D: sqrt(penalty factor) times the standardization scale (0 for unpenalized columns)."""
    scale = problem.column_scale(col_norm_sq)
    return np.sqrt(problem.factors) * (1.0 if scale is None else scale)


def equilibrated_pencil(A: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """theta, phi >= 0 and N with N' A N = diag(theta), N' N = diag(phi), theta + phi = 1, for
    a positive semi-definite A: then (A + a I)^-1 = N diag(1 / (theta + a phi)) N' for every a.

    A = C A^ C with C the columns' norms (sqrt of A's diagonal) and A^ of unit diagonal:
    N = C^-1 U from the pencil (A^, A^ + C^-2), whose matrix B = A^ + C^-2 is as well conditioned
    as the columns are independent, whatever their scales.  The eigendecomposition of A itself
    would carry an error of eps max(C)^2 into every eigenvalue: columns 1e8 times the others
    left the smallest without a correct digit (and the leave-one-out leverages with them).
    phi (the pencil's 1 - theta, which would cancel) is u' C^-2 u, a sum of positive terms.
    """
    if not A.size:
        return np.zeros(0), np.zeros(0), np.zeros((0, 0))
    c = np.sqrt(np.maximum(np.diag(A), 0.0))
    c = np.where(c > 0, c, 1.0)
    inv_c2 = 1.0 / c**2
    unit = A / np.outer(c, c)
    theta, U = la.eigh(unit, unit + np.diag(inv_c2), check_finite=False)
    return np.maximum(theta, 0.0), inv_c2 @ U**2, U / c[:, None]


class PrimalRidge:
    """Ridge on sufficient statistics for many multipliers: one p x p (equilibrated)
    eigendecomposition."""

    def __init__(self, stats: SufficientStatistics, d: np.ndarray):
        self.stats = stats
        const = stats.col_norm_sq == 0
        self.free = np.flatnonzero((d == 0) & ~const)
        self.pen = np.flatnonzero((d > 0) & ~const)
        G, q = stats.G, stats.q.reshape(stats.G.shape[0], -1)
        self.multi = np.ndim(stats.q) == 2
        p, f = G.shape[0], self.free
        dp = d[self.pen]
        Gp, qp = G[np.ix_(self.pen, self.pen)], q[self.pen]
        self.B = np.zeros((f.size, self.pen.size))
        self.bq = np.zeros((f.size, q.shape[1]))
        self.Gff_pinv = np.zeros((0, 0))
        if f.size:  # project the unpenalized columns out (Frisch-Waugh), on the Gram matrix
            self.Gff_pinv = la.pinvh(G[np.ix_(f, f)], check_finite=False)
            Gfp = G[np.ix_(f, self.pen)]
            self.B = self.Gff_pinv @ Gfp
            self.bq = self.Gff_pinv @ q[f]
            Gp = Gp - Gfp.T @ self.B
            qp = qp - Gfp.T @ self.bq
        theta, phi, N = equilibrated_pencil(Gp / np.outer(dp, dp))
        self.theta, self.phi = theta, phi
        self.z = N.T @ (qp / dp[:, None])  # (m, t)
        M = np.zeros((p, self.pen.size))  # X_c M = the residualized, scaled rows times N
        M[self.pen] = N / dp[:, None]
        if f.size:
            M[f] = -self.B @ M[self.pen]
        self.M = M
        self.rank_free = int(np.linalg.matrix_rank(G[np.ix_(f, f)])) if f.size else 0

    def filters(self, multipliers: np.ndarray) -> np.ndarray:
        """(k, m): 1 / (theta + a phi), (A + a I)^-1 = N diag(filters) N' for each a."""
        return 1.0 / (self.theta[None, :] + np.asarray(multipliers)[:, None] * self.phi[None, :])

    def coefs(self, multipliers: np.ndarray) -> np.ndarray:
        """(k, p, t) coefficients for each multiplier a (l2 = a D^2)."""
        filt = self.filters(multipliers)  # (k, m)
        zs = filt[:, :, None] * self.z[None]  # (k, m, t)
        w = np.zeros((len(filt), self.M.shape[0], self.z.shape[1]))
        w_pen = np.einsum("pm,kmt->kpt", self.M[self.pen], zs)
        w[:, self.pen] = w_pen
        if self.free.size:
            w[:, self.free] = self.bq[None] - np.einsum("fp,kpt->kft", self.B, w_pen)
        return w

    def hat_trace(self, multipliers: np.ndarray) -> np.ndarray:
        """tr of the penalized and unpenalized-column parts of H, per multiplier."""
        return self.rank_free + self.filters(multipliers) @ self.theta

    def residuals(
        self,
        X,
        y: np.ndarray,
        sw: np.ndarray,
        multipliers: np.ndarray,
        intercept: bool,
        leverage: bool,
    ):
        """Yield (rows, residuals (b, k, t), 1 - leverages (b, k) or None) in row blocks."""
        n = X.shape[0]
        x_off = self.stats.x_offset
        Y = y.reshape(n, -1) - np.reshape(self.stats.y_offset, (1, -1))
        filt = self.filters(multipliers)  # (k, m)
        coef_rows = filt[:, :, None] * self.z[None]  # (k, m, t)
        k, m = filt.shape
        t = Y.shape[1]
        block = max(64, _BLOCK_ELEMENTS // max(m + k * t, 1))
        Xr = X.tocsr() if sp.issparse(X) else X
        shift = x_off @ self.M
        for start in range(0, n, block):
            rows = np.arange(start, min(start + block, n))
            Xb = Xr[rows]
            R = np.asarray(Xb @ self.M) - shift  # (b, m)
            fitted = (R @ coef_rows.transpose(1, 0, 2).reshape(m, k * t)).reshape(-1, k, t)
            lev = None
            if self.free.size:
                Xf = _dense(Xb[:, self.free]) - x_off[self.free]
                fitted += (Xf @ self.bq)[:, None, :]
            if leverage:
                lev = (R**2) @ filt.T  # (b, k)
                if self.free.size:
                    lev += np.einsum("bf,fg,bg->b", Xf, self.Gff_pinv, Xf)[:, None]
                lev *= (sw[rows] / sw.sum())[:, None]
                if intercept:
                    lev += (sw[rows] / sw.sum())[:, None]
                lev = 1.0 - lev
            yield rows, Y[rows][:, None, :] - fitted, lev


class DualRidge:
    """Ridge through the n x n kernel K = X~ X~' (every column penalized): one tridiagonal
    reduction K = Q T Q', on the complement of the intercept's direction sqrt(omega) when there
    is one (``kernel_tridiagonal``).  For each multiplier a, T + a I = L D L' (O(m) flops); the
    scaled residuals a Q (T + a I)^-1 Q' y~ are one GEMM for all the multipliers and
    1 - h_ii = a [Q (T + a I)^-1 Q']_ii one sweep over Q (``inverse_diagonals``)."""

    def __init__(self, design: WeightedDesign, d: np.ndarray, intercept: bool):
        self.design, self.d = design, d
        K, self.adjoint = _kernel_and_adjoint(design, d)
        self.root = np.sqrt(design.sw)
        self.diag, self.off, self.Q = kernel_tridiagonal(K, self.root if intercept else None)
        y = design.y.reshape(design.y.shape[0], -1)
        y_scaled = y * self.root[:, None] if design.is_sparse else y  # sqrt(omega) y_c
        self.z = self.Q.T @ y_scaled  # (m, t)
        self.multi = design.y.ndim == 2

    def _factors(self, multipliers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """L's subdiagonal and 1 / D of T + a I, (m, k), for each multiplier a.  Where one is
        not positive definite to working precision (a below the rounding of K's null space),
        T is diagonalized first, once: Q <- Q Z, T <- diag(eigenvalues clipped at 0)."""
        a = np.ascontiguousarray(multipliers, dtype=np.float64)
        sub, inv_piv = pivots(self.diag, self.off, a)
        if not np.all(inv_piv > 0) or not np.all(np.isfinite(inv_piv)):
            evals, Z = la.eigh_tridiagonal(self.diag, self.off, check_finite=False)
            self.diag, self.off = np.maximum(evals, 0.0), np.zeros(self.off.size)
            self.Q, self.z = self.Q @ Z, Z.T @ self.z
            sub, inv_piv = pivots(self.diag, self.off, a)
        return sub, inv_piv

    def _solutions(self, multipliers: np.ndarray) -> np.ndarray:
        """(m, k t): (T + a I)^-1 Q' y~ for each multiplier; Q times it is (K + a I)^-1 y~."""
        sub, inv_piv = self._factors(multipliers)
        return solves(sub, inv_piv, self.z).reshape(self.z.shape[0], -1)

    def coefs(self, multipliers: np.ndarray) -> np.ndarray:
        """(k, p, t) coefficients for each multiplier a (l2 = a D^2)."""
        k, t, p = len(multipliers), self.z.shape[1], self.d.size
        W = self.adjoint(self.Q @ self._solutions(multipliers)) / self.d[:, None]  # (p, k t)
        return W.reshape(p, k, t).transpose(1, 0, 2)

    def hat_trace(self, multipliers: np.ndarray) -> np.ndarray:
        a = np.asarray(multipliers)
        evals = np.zeros(0)
        if self.diag.size:
            evals = la.eigvalsh_tridiagonal(self.diag, self.off, check_finite=False)
        evals = np.maximum(evals, 0.0)
        return np.sum(evals[None, :] / (evals[None, :] + a[:, None]), axis=1)

    def residuals(self, X, y, sw, multipliers: np.ndarray, intercept: bool, leverage: bool):
        """Yield (rows, residuals (b, k, t), 1 - leverages (b, k) or None) in row blocks."""
        a = np.asarray(multipliers, dtype=np.float64)
        sub, inv_piv = self._factors(a)
        k, t = a.size, self.z.shape[1]
        scaled = solves(sub, inv_piv, self.z)  # (m, k, t): (T + a I)^-1 Q' y~
        scaled *= a[None, :, None]
        scaled = scaled.reshape(scaled.shape[0], k * t)
        complement = None
        if leverage:  # 1 - h_ii = a [Q (T + a I)^-1 Q']_ii
            complement = inverse_diagonals(np.ascontiguousarray(self.Q), sub, inv_piv)
            complement *= a[None, :]
        n, m = self.Q.shape
        unscale = np.zeros(n)  # 1 / sqrt(omega); a sample of weight 0 gets residual 0
        np.divide(1.0, self.root, out=unscale, where=self.root > 0)
        block = max(64, _BLOCK_ELEMENTS // max(m + k * t, 1))
        for start in range(0, n, block):
            stop = min(start + block, n)
            resid = (self.Q[start:stop] @ scaled).reshape(stop - start, k, t)  # a (K+aI)^-1 y~
            resid *= unscale[start:stop, None, None]  # r = a (K + a I)^-1 y~ / sqrt(omega)
            lev = None if complement is None else complement[start:stop]
            yield np.arange(start, stop), resid, lev


#: The kernel form serves n >= p only where the columns' squared norms (over their penalty scale)
#: are within this factor of each other: the eigenvalues of X~ X~' carry rounding relative to
#: the largest column, which the primal form's equilibrated pencil does not.
KERNEL_SCALE_SPREAD = 1e2


def kernel_is_cheaper(n: int, p: int, n_alphas: int, n_targets: int) -> bool:
    """Whether the n x n kernel costs fewer flops than the p x p primal form: forming X~ X~'
    (n^2 p), its tridiagonal reduction and orthogonal factor (about 5 n^3 at GEMM speed), the
    residuals' GEMM (2 n^2 k t) and the leverages' sweep (about 10 n^2 k, k alphas, t targets)
    against the Gram (n p^2), the pencil (about 14 p^3), X M (2 n p^2) and 2 n p k (t + 1)."""
    k = n_alphas * (n_targets + 1)
    return (
        n * n * (p + 5 * n + 2 * n_alphas * (n_targets + 5))
        < p * p * (3 * n + 14 * p) + 2 * n * p * k
    )


def decompose(problem: Problem, n_alphas: int = 1) -> PrimalRidge | DualRidge:
    """The kernel form where every column is penalized and it is the cheaper (always when
    p > n; for n >= p only with columns on comparable scales), else the primal form."""
    n, p = problem.n_samples, problem.n_features
    n_targets = 1 if problem.y.ndim == 1 else problem.y.shape[1]
    kernel = not np.any(problem.factors == 0) and (
        n < p or kernel_is_cheaper(n, p, n_alphas, n_targets)
    )
    if kernel:
        design = kernel_design(problem)
        d = penalty_scale(problem, design.col_norm_sq)
        scales = design.col_norm_sq[design.col_norm_sq > 0] / d[design.col_norm_sq > 0] ** 2
        if n < p or scales.size == 0 or scales.max() <= KERNEL_SCALE_SPREAD * scales.min():
            return DualRidge(design, d, problem.fit_intercept)
    stats = problem.statistics
    return PrimalRidge(stats, penalty_scale(problem, stats.col_norm_sq))


#: A dense X's kernel is formed from X itself, not centred (``kernel_eigh`` projects the
#: intercept's direction out of it), where every column's weighted mean is at most this many
#: of its standard deviations and a constant column is zero: the rounding of X X' is then at most
#: 1 + ratio^2 = 2 times that of the centred kernel.
KERNEL_OFFSET_RATIO = 1.0


def kernel_design(problem: Problem) -> WeightedDesign:
    """The data the kernel is formed from: a dense X as it is (``RawDesign``, no copy) where its
    columns' offsets are small (``KERNEL_OFFSET_RATIO``), else centred and weighted in its own
    row order (``row_major_design``: one streaming pass, where the Fortran-ordered
    ``problem.design`` of a C-ordered X is a transposing copy); a sparse X as it is."""
    X, y, sw = problem.X, problem.y, problem.sw
    if "design" in problem.__dict__ or not isinstance(X, np.ndarray):  # built already, sparse
        return problem.design
    raw = np.einsum("ij,ij,i->j", X, X, sw, dtype=np.float64)
    if problem.fit_intercept:
        x_offset, y_offset = np.asarray(X.T @ sw, dtype=np.float64), sw @ y
    else:
        x_offset, y_offset = np.zeros(X.shape[1]), np.zeros(y.shape[1:])[()]
    centred = raw - x_offset**2  # to a few ulps where the offsets are small
    if np.any(x_offset**2 > KERNEL_OFFSET_RATIO**2 * centred):
        return row_major_design(X, y, problem.sample_weight, problem.fit_intercept)
    root = np.sqrt(sw)
    y_c = y - y_offset
    empty = np.empty(0, dtype=np.int64)
    return RawDesign(
        X,
        np.empty(0),
        empty,
        empty,
        False,
        sw,
        x_offset,
        y_c * (root if y.ndim == 1 else root[:, None]),
        y_offset,
        sw @ y_c**2,
        drop_constant_columns(centred, raw),
        root,
    )


@dataclass(frozen=True)
class LeaveOneOut:
    errors: np.ndarray  # (n_alphas, n_targets)
    squared_errors: np.ndarray | None  # (n, n_targets, n_alphas) when stored
    model: PrimalRidge | DualRidge


def leave_one_out(
    problem: Problem,
    alphas: np.ndarray,
    *,
    gcv: bool = False,
    scoring: str = "mse",
    store: bool = False,
) -> LeaveOneOut:
    """Exact LOO (or GCV) errors of Ridge(alpha) for every alpha, from one decomposition."""
    model = decompose(problem, len(alphas))
    s = problem.sample_weight
    total = s.sum()
    omega = s / total
    a = np.asarray(alphas, dtype=np.float64) / total
    n = problem.n_samples
    y = problem.y.reshape(n, -1)
    k, t = a.size, y.shape[1]
    acc = np.zeros((k, t))
    stored = np.zeros((n, t, k)) if store else None
    blocks = model.residuals(problem.X, problem.y, s, a, problem.fit_intercept, leverage=not gcv)
    for rows, resid, complement in blocks:
        if complement is None:  # GCV
            acc += (omega[rows] @ np.square(resid).reshape(rows.size, -1)).reshape(k, t)
            continue
        check_leverage(complement, rows, omega)
        e = resid / complement[:, :, None]
        loss = np.abs(e) if scoring == "mae" else np.square(e)
        acc += (omega[rows] @ loss.reshape(rows.size, -1)).reshape(k, t)
        if stored is not None:
            stored[rows] = (e**2).transpose(0, 2, 1)
    if gcv:
        n_eff = np.count_nonzero(s > 0)
        df = model.hat_trace(a) + (1.0 if problem.fit_intercept else 0.0)
        with np.errstate(divide="ignore"):
            acc = acc / ((1.0 - df / n_eff) ** 2)[:, None]
        acc[df >= n_eff] = np.inf
    elif scoring == "r2":
        y_mean = omega @ y
        acc = acc / (omega @ (y - y_mean) ** 2)[None, :]
    return LeaveOneOut(acc, stored, model)


#: 1 - h_ii at or below this (1e4 machine epsilons) leaves the held-out residual r_i / (1 - h_ii)
#: to rounding: h_ii carries an error of a few epsilons per eigenvalue summed.
LEVERAGE_ROUNDING = 1e4 * np.finfo(np.float64).eps


def check_leverage(complement: np.ndarray, rows: np.ndarray, omega: np.ndarray) -> None:
    """Refuse leave-one-out when a weighted sample's leverage is 1 up to rounding (its
    ``complement`` 1 - h_ii, (b, k), at most ``LEVERAGE_ROUNDING``).

    Such a sample holds (nearly) all the sample weight, or is alone on a direction of the fit
    (one row, one positive weight): leaving it out leaves nothing that predicts it, and its
    held-out residual r / (1 - h) is 0 / 0.
    """
    bad = np.flatnonzero((omega[rows] > 0) & np.any(complement <= LEVERAGE_ROUNDING, axis=1))
    if bad.size:
        i = int(rows[bad[0]])
        raise ValueError(
            f"leave-one-out cross-validation is undefined here: sample {i} has leverage 1 "
            f"(its share of the sample_weight is {omega[i]:.3g}; {np.count_nonzero(omega)} of "
            f"{omega.size} samples have a positive weight), so no fit without it predicts it; "
            "use K-fold (e.g. cv=5) or cv='gcv', or give more samples a comparable weight."
        )


def kfold(problem: Problem, splits: list, alphas: np.ndarray, scoring: str) -> np.ndarray:
    """Fold errors (n_folds, n_alphas, n_targets) of Ridge(alpha) refitted on each training set."""
    X: Any = problem.X  # Problem.X is typed object: a dense array or a sparse matrix
    y, s = problem.y, problem.sample_weight
    p = problem.n_features
    alphas = np.asarray(alphas, dtype=np.float64)
    n_train = min(train.size for train, _ in splits)
    primal = n_train >= p or np.any(problem.factors == 0)
    stats: FoldStatistics | None = None  # the primal solves' fold statistics
    if primal:
        stats = FoldStatistics(X, y, s, problem.fit_intercept, splits)
        if "statistics" not in problem.__dict__:
            problem.with_statistics(stats.full())  # the final fit reuses the total
    Xr = X.tocsr() if sp.issparse(X) else X
    out = []
    for f, (train, test) in enumerate(splits):
        a = alphas / s[train].sum()
        if stats is not None:
            fold = stats.fold(f)
            coefs = PrimalRidge(fold, penalty_scale(problem, fold.col_norm_sq)).coefs(a)
            x_off, y_off = fold.x_offset, np.reshape(fold.y_offset, -1)
        else:
            Xt = Xr[train].tocsc() if sp.issparse(Xr) else Xr[train]
            sub = Problem(
                Xt,
                y[train],
                s[train],
                problem.factors,
                problem.lower,
                problem.upper,
                problem.fit_intercept,
                problem.standardize,
            )
            design = sub.design
            d = penalty_scale(sub, design.col_norm_sq)
            yd = design.y.reshape(design.y.shape[0], -1)
            y_scaled = yd * np.sqrt(design.sw)[:, None] if design.is_sparse else yd
            coefs = ridge_path_dual(design, y_scaled, a, d)  # (k, p, t)
            x_off, y_off = design.x_offset, np.reshape(design.y_offset, -1)
        intercepts = y_off[None, :] - np.einsum("p,kpt->kt", x_off, coefs)
        k, t = intercepts.shape
        pred = np.asarray(Xr[test] @ coefs.transpose(1, 0, 2).reshape(p, k * t))
        pred = pred.reshape(test.size, k, t) + intercepts[None]
        out.append(prediction_errors(y[test].reshape(test.size, -1), pred, s[test], scoring))
    return np.array(out)


def _dense(A) -> np.ndarray:
    return np.asarray(A.toarray() if sp.issparse(A) else A, dtype=np.float64)
