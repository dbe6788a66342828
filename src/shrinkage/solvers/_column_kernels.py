"""numba kernel of ``column_cache``: the one pass over a dense X that gives a design its column
offsets, centred norms and the target's correlations."""

from __future__ import annotations

import numpy as np

from .._jit import njit
from ._constants import FAST_MATH


@njit(cache=True, nogil=True, fastmath=FAST_MATH)
def moments(X, sw, v, centre, rows):
    """The weighted means of a C-ordered X's columns (zeros without ``centre``), their weighted
    centred sums of squares and X' v, in one pass (``sw`` sums to one).

    A block of ``rows`` rows at a time, each swept four rows at a time (a quarter of the
    accumulator traffic), the rows past the last four one by one; each block's means and centred
    sums (its second read is from cache) are merged into the running ones by Chan's update.
    """
    n, p = X.shape
    mean, sums, xv = np.empty(p), np.empty(p), np.empty(p)
    for j in range(p):  # not ``np.zeros``: one numba function less to compile
        mean[j], sums[j], xv[j] = 0.0, 0.0, 0.0
    block_mean, block_sums = np.empty(p), np.empty(p)
    total = 0.0
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        tail = stop - (stop - start) % 4
        for j in range(p):
            block_mean[j] = 0.0
        weight = 0.0
        for i in range(start, tail, 4):
            s0, s1, s2, s3 = sw[i], sw[i + 1], sw[i + 2], sw[i + 3]
            t0, t1, t2, t3 = v[i], v[i + 1], v[i + 2], v[i + 3]
            weight += s0 + s1 + s2 + s3
            for j in range(p):
                x0, x1, x2, x3 = X[i, j], X[i + 1, j], X[i + 2, j], X[i + 3, j]
                block_mean[j] += s0 * x0 + s1 * x1 + s2 * x2 + s3 * x3
                xv[j] += t0 * x0 + t1 * x1 + t2 * x2 + t3 * x3
        for i in range(tail, stop):
            s, t = sw[i], v[i]
            weight += s
            for j in range(p):
                block_mean[j] += s * X[i, j]
                xv[j] += t * X[i, j]
        if weight == 0.0:
            continue
        for j in range(p):
            block_mean[j] = block_mean[j] / weight if centre else 0.0
        for j in range(p):
            block_sums[j] = 0.0
        for i in range(start, tail, 4):
            s0, s1, s2, s3 = sw[i], sw[i + 1], sw[i + 2], sw[i + 3]
            for j in range(p):
                m = block_mean[j]
                d0, d1, d2, d3 = X[i, j] - m, X[i + 1, j] - m, X[i + 2, j] - m, X[i + 3, j] - m
                block_sums[j] += s0 * d0 * d0 + s1 * d1 * d1 + s2 * d2 * d2 + s3 * d3 * d3
        for i in range(tail, stop):
            s = sw[i]
            for j in range(p):
                d = X[i, j] - block_mean[j]
                block_sums[j] += s * d * d
        if total == 0.0:  # the first block with weight: no cross term (inf * 0 is no number)
            for j in range(p):
                mean[j] = block_mean[j]
                sums[j] = block_sums[j]
        else:
            merged = total + weight
            share, cross = weight / merged, total * weight / merged
            for j in range(p):
                delta = block_mean[j] - mean[j]
                mean[j] += delta * share
                sums[j] += block_sums[j] + delta * delta * cross
        total += weight
    return mean, sums, xv
