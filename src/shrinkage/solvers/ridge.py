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
from .column_cache import RawDesign


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


def kernel_eigh(K: np.ndarray, null: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (clipped at 0) and eigenvectors U of the n x n kernel K (overwritten).

    With ``null`` (a unit vector: sqrt of the normalised sample weights, the intercept's
    direction), the eigendecomposition of C K C on null's orthogonal complement, C = I - null
    null': U (n, n - 1) with U U' = I - null null'.  One Householder reflection P (P null =
    +-e_1) deflates it: P C = (I - e_1 e_1') P, so the trailing block of P K P is that of
    P C K C P (K need not map null to 0: the kernel of uncentred rows is centred this way), it
    is decomposed and U = P [0; W].  Then 1 - h_ii = sum_j U_ij^2 a / (l_j + a) for the centred
    fit's hat matrix, without the cancellation of 1 - null_i^2 - sum_j U_ij^2 l_j / (l_j + a);
    and no computed eigenvector is taken for the intercept's (in a repeated null space they are
    any basis of it).  Only K's lower triangle is read (``kernel`` forms no other), and LAPACK's
    divide and conquer (``syevd``) computes all the eigenpairs.

    Parameters
    ----------
    K : numpy.ndarray
        (n, n) symmetric positive semi-definite, float64, its lower triangle read; its contents
        are destroyed.
    null : numpy.ndarray, optional
        (n,) a unit vector, the direction projected out.

    Returns
    -------
    evals : numpy.ndarray
        (m,) the eigenvalues, ascending, m = n or n - 1.
    U : numpy.ndarray
        (n, m) orthonormal eigenvectors.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, -2.0]])  # centred rows: K 1 = 0
    >>> evals, U = kernel_eigh(X @ X.T, np.full(3, 3**-0.5))
    >>> evals.round(6), U.shape, bool(np.allclose(U @ U.T, np.eye(3) - 1 / 3))
    (array([1.394449, 8.605551]), (3, 2), True)
    """
    # LAPACK reads Fortran order: K's lower triangle is the upper one of its transpose
    if K.flags.f_contiguous:
        A, lower = K, 1
    elif K.flags.c_contiguous:
        A, lower = K.T, 0
    else:
        A, lower = np.asfortranarray(K), 1
    if null is None:
        evals, U = la.eigh(A, lower=bool(lower), driver="evd", overwrite_a=True, check_finite=False)
        return np.maximum(evals, 0.0), U
    v = null.astype(np.float64)  # P = I - beta v v' maps null to -sign(null_1) e_1
    v[0] += 1.0 if null[0] >= 0 else -1.0
    beta = 2.0 / (v @ v)
    Kv = la.blas.dsymv(1.0, A, v, lower=lower)
    w = beta * Kv - (0.5 * beta**2 * (v @ Kv)) * v  # P K P = K - v w' - w v'
    A = la.blas.dsyr2(-1.0, v, w, a=A, lower=lower, overwrite_a=1)  # in place, one triangle
    evals, W = la.eigh(
        A[1:, 1:], lower=bool(lower), driver="evd", overwrite_a=True, check_finite=False
    )
    U = np.empty((A.shape[0], W.shape[1]), order="F")
    U[0] = 0.0
    U[1:] = W
    if U.size:  # U -= beta v (v' [0; W]), in place
        U = la.blas.dger(-beta, v, v[1:] @ W, a=U, overwrite_a=1)
    return np.maximum(evals, 0.0), U


def kernel(A: np.ndarray) -> np.ndarray:
    """A A' for a dense (n, p) A, by a symmetric rank-p update (BLAS ``dsyrk``): half the flops
    of a general product; only the lower triangle is formed (Fortran order).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> kernel(A)  # the upper triangle is not formed
    array([[ 5.,  0.],
           [11., 25.]])
    """
    A = np.asarray(A, dtype=np.float64)
    if A.flags.c_contiguous:  # A' is Fortran-ordered (p, n): K = (A')' A'
        return la.blas.dsyrk(1.0, A.T, trans=1, lower=1)
    return la.blas.dsyrk(1.0, np.asfortranarray(A), lower=1)


def _kernel_and_adjoint(design: WeightedDesign, d: np.ndarray):
    """K = X~ X~' (dense X: its lower triangle only, ``kernel``) and M -> X~' M for
    X~ = sqrt(S) X_c D^-1.

    A ``RawDesign`` keeps X uncentred: K is then the kernel of sqrt(S) X D^-1, equal to X~ X~'
    on the orthogonal complement of sqrt(sw), the intercept's direction (``kernel_eigh``
    projects it out), and X~' M = D^-1 (X' S^1/2 M - x_offset sqrt(sw)' M).
    """
    if not design.is_sparse:
        Xs = design.Xd.astype(np.float64, copy=False)
        if np.any(d != 1.0):
            Xs = Xs / d[None, :]  # in Xd's memory order
        K = kernel(Xs)
        if not isinstance(design, RawDesign):
            return K, lambda M: Xs.T @ M
        root, offset = design.root, design.x_offset / d
        K *= root[:, None]
        K *= root[None, :]

        def raw_adjoint(M):
            RM = root[:, None] * M
            return Xs.T @ RM - np.outer(offset, root @ M)

        return K, raw_adjoint
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
