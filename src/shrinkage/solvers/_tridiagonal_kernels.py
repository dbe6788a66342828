"""numba kernels of ``DualRidge``: a symmetric tridiagonal T shifted by each of many multipliers,
T + a I = L D L' (L unit lower bidiagonal), its solves and the diagonal of Q (T + a I)^-1 Q'.

Numba functions over arrays; no shrinkage imports.
"""

from __future__ import annotations

import numpy as np

from .._jit import njit
from ._constants import FAST_MATH

#: rows of Q swept together by ``inverse_diagonals``: their running columns of Q L^-T and sums,
#: (rows, multipliers) each, stay in the first-level cache (500 x 499, 100 multipliers: 3.6 ms
#: with 8 or 16 rows, 4.0 ms with 32)
ROWS = 16


@njit(cache=True, nogil=True, fastmath=FAST_MATH)
def pivots(diag, off, shifts):
    """L's subdiagonal and 1 / D, (m, k) each, of T + a I = L D L' for every shift a (a column
    each; row 0 of the subdiagonal is 0).  A pivot at or below 0 (T + a I not positive definite
    to working precision) leaves its 1 / D at or below 0, or not finite."""
    m, k = diag.size, shifts.size
    sub, inv_piv = np.empty((m, k)), np.empty((m, k))
    for c in range(k):
        piv = diag[0] + shifts[c] if m else 1.0
        if m:
            sub[0, c] = 0.0
            inv_piv[0, c] = 1.0 / piv
        for j in range(1, m):
            ell = off[j - 1] / piv
            sub[j, c] = ell
            piv = diag[j] + shifts[c] - ell * off[j - 1]
            inv_piv[j, c] = 1.0 / piv
    return sub, inv_piv


@njit(cache=True, nogil=True, fastmath=FAST_MATH)
def solves(sub, inv_piv, z):
    """(m, k, t): (T + a_c I)^-1 z for every shift c (``pivots``) and column of z (m, t)."""
    m, k = sub.shape
    t = z.shape[1]
    x = np.empty((m, k, t))
    for c in range(k):
        for s in range(t):
            prev = 0.0
            for j in range(m):  # L u = z
                prev = z[j, s] - sub[j, c] * prev
                x[j, c, s] = prev
            for j in range(m):  # D w = u
                x[j, c, s] *= inv_piv[j, c]
            for j in range(m - 2, -1, -1):  # L' x = w
                x[j, c, s] -= sub[j + 1, c] * x[j + 1, c, s]
    return x


@njit(cache=True, nogil=True, fastmath=FAST_MATH)
def inverse_diagonals(Q, sub, inv_piv):
    """(n, k): the diagonal of Q (T + a_c I)^-1 Q' for every shift c, Q (n, m) C-ordered.

    With M = Q L^-T (its columns by the recurrence M_j = Q_j - l_j M_(j-1)), the diagonal is
    sum_j M_ij^2 / D_j: a sum of positive terms, ``ROWS`` rows at a time, four columns j per
    pass over the running column and sums (5.1 ms with one at 500 x 499, 100 shifts; 3.6 ms).
    """
    n, m = Q.shape
    k = sub.shape[1]
    out = np.empty((n, k))
    run, acc = np.empty((ROWS, k)), np.empty((ROWS, k))
    for start in range(0, n, ROWS):
        b = min(ROWS, n - start)
        for r in range(b):
            for c in range(k):
                run[r, c] = 0.0
                acc[r, c] = 0.0
        j = 0
        while j + 4 <= m:
            l0, l1, l2, l3 = sub[j], sub[j + 1], sub[j + 2], sub[j + 3]
            d0, d1, d2, d3 = inv_piv[j], inv_piv[j + 1], inv_piv[j + 2], inv_piv[j + 3]
            for r in range(b):
                i = start + r
                q0, q1, q2, q3 = Q[i, j], Q[i, j + 1], Q[i, j + 2], Q[i, j + 3]
                run_r, acc_r = run[r], acc[r]
                for c in range(k):
                    v0 = q0 - l0[c] * run_r[c]
                    v1 = q1 - l1[c] * v0
                    v2 = q2 - l2[c] * v1
                    v3 = q3 - l3[c] * v2
                    run_r[c] = v3
                    acc_r[c] += (v0 * v0 * d0[c] + v1 * v1 * d1[c]) + (
                        v2 * v2 * d2[c] + v3 * v3 * d3[c]
                    )
            j += 4
        for jj in range(j, m):
            l0, d0 = sub[jj], inv_piv[jj]
            for r in range(b):
                q0 = Q[start + r, jj]
                run_r, acc_r = run[r], acc[r]
                for c in range(k):
                    v0 = q0 - l0[c] * run_r[c]
                    run_r[c] = v0
                    acc_r[c] += v0 * v0 * d0[c]
        for r in range(b):
            for c in range(k):
                out[start + r, c] = acc[r, c]
    return out
