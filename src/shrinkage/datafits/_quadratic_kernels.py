"""Numba loops of the least-squares datafit's statistics (one pass over a dense X, or over the
stored values of a CSC one)."""

from __future__ import annotations

import numpy as np

from .._jit import njit


@njit(cache=True)
def shifted_moments(X, sw, y, rows_first):
    """(xbar, centred sum of squares, X' S y) of the columns of X in one pass, no copy of X.

    Each column is shifted by its first entry before the sums (exact zeros for a constant
    column; no cancellation unless the first row lies many standard deviations off the mean):
    with d = x - x_0, xbar = x_0 + sum sw d and sum sw (x - xbar)^2 = sum sw d^2 - (xbar - x_0)^2.
    ``sw`` sums to one; ``rows_first`` reads a C-ordered X row by row, else column by column.
    """
    n, p = X.shape
    shift = np.empty(p)
    for j in range(p):
        shift[j] = X[0, j]
    s1 = np.zeros(p)
    s2 = np.zeros(p)
    sy = np.zeros(p)
    if rows_first:
        for i in range(n):
            s = sw[i]
            sy_i = s * y[i]
            for j in range(p):
                d = X[i, j] - shift[j]
                s1[j] += s * d
                s2[j] += s * d * d
                sy[j] += sy_i * d
    else:
        for j in range(p):
            a1 = 0.0
            a2 = 0.0
            ay = 0.0
            c = shift[j]
            for i in range(n):
                d = X[i, j] - c
                s = sw[i]
                a1 += s * d
                a2 += s * d * d
                ay += s * y[i] * d
            s1[j], s2[j], sy[j] = a1, a2, ay
    centred = np.maximum(s2 - s1 * s1, 0.0)
    return shift + s1, centred, sy, s1


@njit(cache=True)
def sparse_moments(data, indices, indptr, sw):
    """(sum_i sw_i x_ij, sum_i sw_i x_ij^2) of the columns of a CSC X (no duplicate entries) in
    one pass over its stored values."""
    p = indptr.shape[0] - 1
    s1 = np.zeros(p)
    s2 = np.zeros(p)
    for j in range(p):
        a1 = 0.0
        a2 = 0.0
        for k in range(indptr[j], indptr[j + 1]):
            x = data[k]
            v = sw[indices[k]] * x
            a1 += v
            a2 += v * x
        s1[j], s2[j] = a1, a2
    return s1, s2


@njit(cache=True)
def take_block(G, cols):
    """(k, k) G[cols][:, cols] in one gather (``np.ix_`` costs ~5x more at k ~ 200)."""
    k = cols.shape[0]
    out = np.empty((k, k))
    for a in range(k):
        row = cols[a]
        for b in range(k):
            out[a, b] = G[row, cols[b]]
    return out
