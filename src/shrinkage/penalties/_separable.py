"""Separable penalties dispatched by an integer kind, as numba functions (no solver imports).

A separable penalty is sum_j Omega_j(w_j) on lower_j <= w_j <= upper_j, described to the numba
loops by the tuple ``(kind, l1, l2, lower, upper, gamma)`` (``penalty_arrays``): arrays of
per-coordinate weights and bounds, and one shape parameter ``gamma`` (MCP's and SCAD's; None
for the elastic net).  Each function below branches on ``kind`` to the penalty's own module,
so that the solvers' loops (``solvers._kernels.cd_working_set``) run any of them at the speed
of a single one (an integer comparison per coordinate).  Where ``gamma`` is None, numba
compiles ``prox``, ``kkt`` and ``value`` as the elastic net's alone (the other kinds' math is a
stub there, ``_jit.stub_when_none``): a Lasso's first fit does not compile MCP's and SCAD's
math (about 1 s in a fresh cache).  Adding a penalty = its own module with ``prox``, ``kkt``
and ``value`` over scalars, one constant here and one branch in each ``_*_shaped`` function.

Kinds:

* ``ELASTIC_NET`` (0): l1_j |w_j| + l2_j / 2 w_j^2 (``_l1_l2_kernels``); convex, certified by
  the duality gap.
* ``MCP`` (1) and ``SCAD`` (2): the penalty of ``mcp`` / ``scad`` with strength l1_j and shape
  ``gamma`` (l2 unused); not convex, certified by the KKT violation.  Their prox is clipped to
  the bounds (exact where the coordinate problem is convex).

``prox``, ``kkt`` and ``value`` are inlined in their callers and take their fastmath flags; the
array functions, behind certificates, say ``fastmath=False``.  numba's cache of a caller is
keyed by the caller's own file: after editing this module, delete the caches (``find src -name
'*.nbi' -delete; find src -name '*.nbc' -delete``).
"""

from __future__ import annotations

import numpy as np

from .._jit import njit, stub_when_none
from . import mcp, scad
from ._l1_l2_kernels import kkt_violation, prox_coordinate

ELASTIC_NET = 0
MCP = 1
SCAD = 2
#: the kinds whose certificate is a duality gap (the others: the largest KKT violation)
CONVEX_KINDS = (ELASTIC_NET,)
#: every kind this module dispatches
KINDS = (ELASTIC_NET, MCP, SCAD)


@njit(cache=True, inline="always")
def prox(kind, z, lipschitz, l1, l2, lower, upper, gamma):
    """argmin_w L/2 (w - z/L)^2 + Omega_j(w) on [lower, upper]; z = L w_old + c_j (c_j = minus
    the datafit's derivative)."""
    if gamma is None or kind == ELASTIC_NET:  # gamma is None for the elastic net alone
        return prox_coordinate(z, lipschitz, l1, l2, lower, upper)
    return _prox_shaped(kind, z, lipschitz, l1, lower, upper, gamma)


def _prox_shaped(kind, z, lipschitz, l1, lower, upper, gamma):
    """``prox`` of MCP and SCAD."""
    if kind == MCP:
        return min(max(mcp.prox(z / lipschitz, 1.0 / lipschitz, l1, gamma), lower), upper)
    if kind == SCAD:
        return min(max(scad.prox(z / lipschitz, 1.0 / lipschitz, l1, gamma), lower), upper)
    raise ValueError("unknown penalty kind")


@njit(cache=True, inline="always")
def kkt(kind, corr, w, l1, l2, lower, upper, gamma):
    """Distance from 0 to the (Frechet) subdifferential of datafit + Omega_j at w_j, given
    corr = -d(datafit)/dw_j."""
    if gamma is None or kind == ELASTIC_NET:  # gamma is None for the elastic net alone
        return kkt_violation(corr, w, l1, l2, lower, upper)
    return _kkt_shaped(kind, corr, w, l1, lower, upper, gamma)


def _kkt_shaped(kind, corr, w, l1, lower, upper, gamma):
    """``kkt`` of MCP and SCAD."""
    if kind == MCP:
        return mcp.kkt_score(corr, w, l1, gamma, lower, upper)
    if kind == SCAD:
        return scad.kkt_score(corr, w, l1, gamma, lower, upper)
    raise ValueError("unknown penalty kind")


@njit(cache=True, inline="always")
def value(kind, w, l1, l2, gamma):
    """Omega_j(w_j)."""
    if gamma is None or kind == ELASTIC_NET:  # gamma is None for the elastic net alone
        return l1 * abs(w) + 0.5 * l2 * w * w
    return _value_shaped(kind, w, l1, gamma)


def _value_shaped(kind, w, l1, gamma):
    """``value`` of MCP and SCAD."""
    if kind == MCP:
        return mcp.penalty_scalar(w, l1, gamma)
    if kind == SCAD:
        return scad.penalty_scalar(w, l1, gamma)
    raise ValueError("unknown penalty kind")


# where gamma is None (the elastic net) the other kinds' math compiles as a stub
stub_when_none(_prox_shaped, -1)
stub_when_none(_kkt_shaped, -1)
stub_when_none(_value_shaped, -1)


@njit(cache=True, fastmath=False)
def kkt_scores(penalty, corr, w, out):
    """out[j] = ``kkt`` of coordinate j for the ``penalty`` tuple; returns out."""
    kind, l1, l2, lower, upper, gamma = penalty
    for j in range(w.shape[0]):
        out[j] = kkt(kind, corr[j], w[j], l1[j], l2[j], lower[j], upper[j], gamma)
    return out


@njit(cache=True, fastmath=False)
def total_value(penalty, w):
    """sum_j Omega_j(w_j) for the ``penalty`` tuple."""
    kind, l1, l2, _, _, gamma = penalty
    total = 0.0
    for j in range(w.shape[0]):
        total += value(kind, w[j], l1[j], l2[j], gamma)
    return total


def penalty_arrays(
    kind: int,
    l1: np.ndarray,
    l2: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    gamma: float = 0.0,
) -> tuple:
    """The penalty tuple the numba loops take: (kind, l1, l2, lower, upper, gamma), gamma None
    for the elastic net (its kernels then compile without the other kinds).

    Examples
    --------
    >>> import numpy as np
    >>> pen = penalty_arrays(ELASTIC_NET, np.ones(2), np.zeros(2), np.full(2, -np.inf),
    ...                      np.full(2, np.inf))
    >>> float(total_value(pen, np.array([1.0, -2.0])))
    3.0
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return (
        np.int64(kind),
        np.ascontiguousarray(l1, dtype=np.float64),
        np.ascontiguousarray(l2, dtype=np.float64),
        np.ascontiguousarray(lower, dtype=np.float64),
        np.ascontiguousarray(upper, dtype=np.float64),
        None if kind == ELASTIC_NET else float(gamma),
    )
