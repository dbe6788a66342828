"""Numba loops for the quantile certificate, and nothing else (``fastmath=False``, as every
certificate kernel: a fastmath caller must not pass its flags on)."""

from __future__ import annotations

from numba import njit

from ._kernels import conjugate_coordinate


@njit(cache=True, fastmath=False)
def conjugate_sum(v, l1, l2, lower, upper):
    """sum_j Omega_j*(v_j): the penalty's conjugate at v = X'theta (inf where it is infinite)."""
    total = 0.0
    for j in range(v.shape[0]):
        total += conjugate_coordinate(v[j], l1[j], l2[j], lower[j], upper[j])
    return total
