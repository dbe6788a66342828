"""The protocol every GLM datafit follows, and the helpers shared by all of them.

The objective of every GLM in shrinkage (documented once, here):

    P(w, b) = 1/(sum s) sum_i s_i l(y_i, x_i.w + b + offset_i) + alpha Omega(w),
    lower <= w <= upper,

with sample weights s, the Elastic-Net (or group) penalty Omega of ``shrinkage.penalties`` and an
unpenalized intercept b.  scikit-learn's C is alpha = 1 / (C sum s).

A datafit is per sample and vectorized: it maps the target y (n,) and the linear predictor
eta (n,) [(n, K) for the multinomial] to per-sample arrays.  Besides loss, derivative and
curvature (a generalized second derivative where l is only C^1), the duality-gap certificate reads
the per-sample convex conjugate

    conjugate(y, v) = l*(y_i, v_i) = sup_eta v_i eta - l(y_i, eta)     (inf outside its domain)

at v = scale * derivative(y, eta), scale in [0, 1]: every datafit here keeps that point inside the
domain (l*(y, 0) is finite because l(y, .) is bounded below).  With
F(eta) = sum_i sw_i l(y_i, eta_i) (sw = s / sum s) and u = sw * v, the dual of
min F(Xw + b + offset) + Omega(w) is

    D(u) = -sum_i sw_i l*(y_i, u_i / sw_i) + u.offset - Omega*(-X'u),   subject to sum_i u_i = 0
                                                                       (when b is fitted).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Datafit(Protocol):
    """What the GLM engine, the certificates and the penalties need from a loss.

    A structural type (``typing.Protocol``, checked with ``isinstance``): any object with these
    attributes and methods is a datafit; the module docstring states the objective and the dual
    they enter.  The per-sample loss l(y_i, eta_i) is convex in eta_i.

    Parameters
    ----------
    *args
        Not used: a protocol is never instantiated (the datafits are ``Logistic()``,
        ``Poisson()``, ... or ``get_datafit(name)``).
    **kwargs
        Not used either.

    Attributes
    ----------
    name : str
        The datafit's name, as ``get_datafit`` takes it (``"logistic"``, ``"poisson"``, ...).
    smooth : bool
        Whether the gradient in eta is Lipschitz (solved by proximal Newton).
    curvature_bound : float or None
        sup over eta of d2l/deta2 (None when unbounded, e.g. Poisson).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import Datafit, get_datafit
    >>> poisson = get_datafit("poisson")
    >>> isinstance(poisson, Datafit), poisson.smooth, poisson.curvature_bound
    (True, True, None)
    >>> poisson.loss(np.array([0.0, 2.0]), np.array([0.0, np.log(2.0)]))  # 0 where exp(eta) = y
    array([1., 0.])
    """

    name: str
    smooth: bool  # gradient Lipschitz in eta: solved by proximal Newton

    @property
    def curvature_bound(self) -> float | None:
        """sup over eta of d2l/deta2 (None: unbounded, e.g. Poisson); read-only, so that a
        datafit may declare it as a float constant, None or a property."""

    def check_target(self, y) -> np.ndarray:
        """float64 target, or a ValueError naming y and the offending values."""

    def loss(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """l(y_i, eta_i), shape (n,)."""

    def derivative(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """dl/deta, shape of eta."""

    def curvature(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """d2l/deta2 (the diagonal, for the multinomial), shape of eta."""

    def conjugate(self, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """l*(y_i, v_i), shape (n,); inf outside the domain."""

    def null_intercept(self, y: np.ndarray, sw: np.ndarray, offset: np.ndarray | None) -> float:
        """argmin_b sum_i s_i l(y_i, b + offset_i)."""

    def recession(self, y: np.ndarray) -> np.ndarray | None:
        """Directions along which l(y_i, .) decreases without reaching its infimum, per sample:
        +1 (eta_i -> +inf lowers it), -1 (eta_i -> -inf) or 0 (neither); None when every
        l(y_i, .) attains its infimum (no fit can diverge).  Used to detect divergent fits."""


def xlogx(t: np.ndarray) -> np.ndarray:
    """t log t with 0 log 0 = 0 (t >= 0)."""
    t = np.asarray(t, dtype=np.float64)
    out = np.zeros_like(t)
    pos = t > 0
    out[pos] = t[pos] * np.log(t[pos])
    return out


def newton_intercept(
    datafit: Datafit,
    y: np.ndarray,
    sw: np.ndarray,
    offset: np.ndarray,
    b0: float,
    *,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> float:
    """argmin_b sum_i sw_i l(y_i, b + offset_i) by Newton's method with backtracking (1-D).

    Raises ValueError when the minimum is not attained (the loss keeps decreasing as |b| grows).
    """
    b = float(b0)
    value = float(sw @ datafit.loss(y, b + offset))
    for _ in range(max_iter):
        eta = b + offset
        g = float(sw @ datafit.derivative(y, eta))
        h = float(sw @ datafit.curvature(y, eta))
        if abs(g) <= tol * max(1.0, abs(value)):
            return b
        step = -g / h if h > 1e-12 * abs(g) else -np.sign(g) * max(1.0, abs(b))
        t = 1.0
        while t > 1e-12:
            trial = float(sw @ datafit.loss(y, b + t * step + offset))
            if trial <= value - 1e-4 * t * abs(g * step) or trial < value:
                break
            t *= 0.5
        else:
            return b
        b += t * step
        value = trial
        if abs(b) > 1e6:
            raise ValueError(
                f"The intercept-only {datafit.name} model has no finite optimum (the intercept "
                f"diverges): check y, e.g. that it is not constant at a boundary of its range."
            )
    return b


def root_intercept(
    datafit: Datafit, y: np.ndarray, sw: np.ndarray, offset: np.ndarray | None, lo: float, hi: float
) -> float:
    """argmin_b sum_i sw_i l(y_i, b + offset_i) for a convex C^1 loss: the root of its
    (non-decreasing) derivative, bracketed by widening [lo, hi] and found by Brent's method."""
    from scipy.optimize import brentq

    o = np.zeros_like(y) if offset is None else offset

    def slope(b: float) -> float:
        return float(sw @ datafit.derivative(y, b + o))

    width = max(hi - lo, 1.0)
    while slope(lo) > 0:
        lo -= width
        width *= 2
    while slope(hi) < 0:
        hi += width
        width *= 2
    if slope(lo) == 0:
        return lo
    if slope(hi) == 0:
        return hi
    return float(brentq(slope, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps))
