"""Ridge in closed form: Cholesky for one alpha, one eigendecomposition for many.

Solves (G + diag(l2)) w = q with G = X_c' S X_c (primal, n >= p) or, for p > n, the dual/kernel
form w = X~' (X~ X~' + a I)^-1 y~ with X~ = sqrt(S) X_c D^-1 (D the per-feature penalty scale).
Targets may be several (columns of q / y).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp

from ..datafits.quadratic import SufficientStatistics, WeightedDesign


def ridge_cholesky(G: np.ndarray, q: np.ndarray, l2: np.ndarray) -> np.ndarray:
    """(G + diag(l2))^-1 q; least squares where the system is singular (unpenalized duplicates)."""
    A = G + np.diag(l2)
    try:
        return la.cho_solve(la.cho_factor(A, lower=True, check_finite=False), q, check_finite=False)
    except la.LinAlgError:
        return la.lstsq(A, q, check_finite=False)[0]


def ridge_path_primal(
    stats: SufficientStatistics, multipliers: np.ndarray, d: np.ndarray
) -> np.ndarray:
    """Coefficients for l2 = a d^2, every a in ``multipliers``, from one eigendecomposition.

    Returns an array (n_alphas, p) or (n_alphas, p, n_targets).
    """
    Gs = stats.G / np.outer(d, d)
    qs = (stats.q.T / d).T
    evals, V = la.eigh(Gs, check_finite=False)
    evals = np.maximum(evals, 0.0)
    Vq = V.T @ qs
    filt = 1.0 / (evals[None, :] + multipliers[:, None])  # (k, p)
    if Vq.ndim == 1:
        coefs = (filt * Vq[None, :]) @ V.T
        return coefs / d[None, :]
    coefs = np.einsum("ij,kj,jt->kit", V, filt, Vq)
    return coefs / d[None, :, None]


def ridge_path_dual(
    design: WeightedDesign, y: np.ndarray, multipliers: np.ndarray, d: np.ndarray
) -> np.ndarray:
    """Same as ``ridge_path_primal`` through the n x n kernel: for p > n.

    ``y`` is the centred target scaled by sqrt(sw) (one or several columns).  Sparse X is never
    densified: the kernel and X~' v are formed with the centring applied algebraically.  A dense
    X~ is factored by its SVD instead of the eigendecomposition of X~ X~': the squared singular
    values then carry rounding relative to themselves, not to the largest (with columns on
    scales 1e8 apart and alpha = 1e-7 the kernel's rounding was the answer's).
    """
    if not design.is_sparse:
        U, s, Vt = la.svd(design.Xd / d[None, :], full_matrices=False, check_finite=False)
        Uy = U.T @ y
        filt = s[None, :] / (s[None, :] ** 2 + multipliers[:, None])
        if Uy.ndim == 1:
            return (filt * Uy[None, :]) @ Vt / d[None, :]
        return np.einsum("jp,kj,jt->kpt", Vt, filt, Uy) / d[None, :, None]
    K, adjoint = _kernel_and_adjoint(design, d)
    evals, U = la.eigh(K, check_finite=False)
    evals = np.maximum(evals, 0.0)
    Uy = U.T @ y
    filt = 1.0 / (evals[None, :] + multipliers[:, None])
    XtU = adjoint(U)  # (p, n)
    if Uy.ndim == 1:
        return (filt * Uy[None, :]) @ XtU.T / d[None, :]
    return np.einsum("pj,kj,jt->kpt", XtU, filt, Uy) / d[None, :, None]


def _kernel_and_adjoint(design: WeightedDesign, d: np.ndarray):
    """K = X~ X~' and v -> X~' v for X~ = sqrt(S) X_c D^-1."""
    if not design.is_sparse:
        Xs = design.Xd / d[None, :]
        return Xs @ Xs.T, lambda M: Xs.T @ M
    Xs = design._csc() @ sp.diags(1.0 / d)
    m = design.x_offset / d
    root = np.sqrt(design.sw)
    Xm = np.asarray(Xs @ m).ravel()
    K = np.asarray((Xs @ Xs.T).todense())
    K -= Xm[:, None] + Xm[None, :] - m @ m
    K *= root[:, None] * root[None, :]

    def adjoint(M):
        RM = root[:, None] * M
        return np.asarray(Xs.T @ RM) - np.outer(m, root @ M)

    return K, adjoint
