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


def kernel_tridiagonal(
    K: np.ndarray, null: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The n x n kernel K (overwritten) as Q T Q', T symmetric tridiagonal, Q (n, m) orthonormal.

    With ``null`` (a unit vector: sqrt of the normalised sample weights, the intercept's
    direction), the form of C K C on null's orthogonal complement, C = I - null null': Q Q' =
    I - null null'.  One Householder reflection P (P null = +-e_1) deflates it: P C = (I - e_1
    e_1') P, so the trailing block of P K P is that of P C K C P (K need not map null to 0: the
    kernel of uncentred rows is centred this way), it is reduced (LAPACK ``sytrd``) and
    Q = P [0; V], V the reduction's orthogonal factor (``orgqr`` on its reflectors).  Then
    1 - h_ii = a [Q (T + a I)^-1 Q']_ii for the centred fit's hat matrix and every multiplier
    a, from the L D L' factors of T + a I (``_tridiagonal_kernels``): no eigendecomposition
    (its tridiagonal divide and conquer and back-transformation took 16 of 23 ms at 499 x 499).
    Only K's lower triangle is read (``kernel`` forms no other).

    Parameters
    ----------
    K : numpy.ndarray
        (n, n) symmetric positive semi-definite, float64, its lower triangle read; its contents
        are destroyed where it is Fortran-ordered.
    null : numpy.ndarray, optional
        (n,) a unit vector, the direction projected out.

    Returns
    -------
    diag : numpy.ndarray
        (m,) T's diagonal, m = n or n - 1.
    off : numpy.ndarray
        (m - 1,) T's subdiagonal (0 for m = 0).
    Q : numpy.ndarray
        (n, m) C-ordered, orthonormal columns.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, -2.0]])  # centred rows: K 1 = 0
    >>> diag, off, Q = kernel_tridiagonal(X @ X.T, np.full(3, 3**-0.5))
    >>> T = np.diag(diag) + np.diag(off, 1) + np.diag(off, -1)
    >>> np.linalg.eigvalsh(T).round(6), bool(np.allclose(Q @ Q.T, np.eye(3) - 1 / 3))
    (array([1.394449, 8.605551]), True)
    """
    A = K if K.flags.f_contiguous else np.asfortranarray(K)
    n = A.shape[0]
    v = np.zeros(0)
    beta = 0.0
    if null is not None:
        v = null.astype(np.float64)  # P = I - beta v v' maps null to -sign(null_1) e_1
        v[0] += 1.0 if null[0] >= 0 else -1.0
        beta = 2.0 / float(v @ v)
        Kv = la.blas.dsymv(1.0, A, v, lower=1)
        w = beta * Kv - (0.5 * beta**2 * (v @ Kv)) * v  # P K P = K - v w' - w v'
        A = la.blas.dsyr2(-1.0, v, w, a=A, lower=1, overwrite_a=1)[1:, 1:]  # one triangle
    m = A.shape[0]
    Q = np.zeros((n, m))
    top = n - m  # the deflated block's first row
    if m == 0:
        return np.zeros(0), np.zeros(0), Q
    lwork = int(la.lapack.dsytrd_lwork(m, lower=1)[0])
    reflectors, diag, off, tau, _ = la.lapack.dsytrd(A, lower=1, lwork=lwork, overwrite_a=1)
    Q[top, 0] = 1.0
    if m > 1:  # V = 1 (+) orgqr of the reflectors shifted by one (LAPACK's orgtr, lower)
        V, _, _ = la.lapack.dorgqr(reflectors[1:, :-1], tau, lwork=64 * (m - 1), overwrite_a=1)
        Q[top + 1 :, 1:] = V
    if v.size and m:  # Q = P [0; V]: Q -= beta v (v' [0; V]), in place
        Q = la.blas.dger(-beta, Q[top:].T @ v[top:], v, a=Q.T, overwrite_a=1).T
    return diag, np.asarray(off), Q


def kernel(A: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """scale A A' for a dense (n, p) A, by a symmetric rank-p update (BLAS ``dsyrk``): half the
    flops of a general product; only the lower triangle is formed (Fortran order).

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
        return la.blas.dsyrk(scale, A.T, trans=1, lower=1)
    return la.blas.dsyrk(scale, np.asfortranarray(A), lower=1)


def _kernel_and_adjoint(design: WeightedDesign, d: np.ndarray):
    """K = X~ X~' (dense X: its lower triangle only, ``kernel``) and M -> X~' M for
    X~ = sqrt(S) X_c D^-1.

    A ``RawDesign`` keeps X uncentred: K is then the kernel of sqrt(S) X D^-1, equal to X~ X~'
    on the orthogonal complement of sqrt(sw), the intercept's direction (``kernel_tridiagonal``
    projects it out), and X~' M = D^-1 (X' S^1/2 M - x_offset sqrt(sw)' M).
    """
    if not design.is_sparse:
        Xs = design.Xd.astype(np.float64, copy=False)
        if np.any(d != 1.0):
            Xs = Xs / d[None, :]  # in Xd's memory order
        raw = isinstance(design, RawDesign)
        root = design.root if isinstance(design, RawDesign) else np.ones(0)
        uniform = root.size > 0 and bool(np.all(root == root[0]))  # scaled in dsyrk
        K = kernel(Xs, float(root[0]) ** 2 if uniform else 1.0)
        if not raw:
            return K, lambda M: Xs.T @ M
        offset = design.x_offset / d
        if not uniform:
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
