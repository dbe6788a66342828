"""Multiplicity adjustments of p-values: Holm (familywise error) and Benjamini-Hochberg (FDR).

NaN p-values (undefined ones) are left out of the family and stay NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

METHODS = ("holm", "bh")


def adjust_p_values(p_values: ArrayLike, method: str) -> np.ndarray:
    """Adjusted p-values over the finite entries of ``p_values``; NaN stays NaN.

    Holm: p_(i) (m - i + 1), made non-decreasing and capped at 1.  Benjamini-Hochberg:
    p_(i) m / i, made non-increasing from the largest down, capped at 1.

    Parameters
    ----------
    p_values : array-like of shape (m,)
        Raw p-values in [0, 1]; NaN marks an undefined one (left out of the count m).
    method : {"holm", "bh"}
        "holm" controls the familywise error, "bh" (Benjamini-Hochberg) the false discovery
        rate.

    Returns
    -------
    numpy.ndarray of shape (m,)
        The adjusted p-values, in the input order (NaN where the input is NaN).

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, 0.03], "holm")
    array([0.03, 0.06, 0.06])
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}.")
    p = np.asarray(p_values, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError(f"p_values must be one-dimensional; got shape {p.shape}.")
    finite = np.isfinite(p)
    if np.any((p[finite] < 0) | (p[finite] > 1)):
        raise ValueError("p_values must lie in [0, 1] (NaN for undefined ones).")
    out = np.full_like(p, np.nan)
    idx = np.flatnonzero(finite)
    m = idx.size
    if m == 0:
        return out
    order = np.argsort(p[idx], kind="stable")
    sorted_p = p[idx][order]
    rank = np.arange(1, m + 1)
    if method == "holm":
        adjusted = np.maximum.accumulate(sorted_p * (m - rank + 1))
    else:
        adjusted = np.minimum.accumulate((sorted_p * m / rank)[::-1])[::-1]
    out[idx[order]] = np.minimum(adjusted, 1.0)
    return out
