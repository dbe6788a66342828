"""The quantile (pinball) datafit and its duality-gap certificate.

Objective (sample weights s, S = sum s, tau the quantile; tau = 0.5 is least absolute deviation):

    P(w, b) = (1/S) sum_i s_i rho_tau(y_i - x_i.w - b) + Omega(w),  rho_tau(r) = r (tau - 1{r < 0}),

with Omega the Elastic-Net penalty of ``shrinkage.penalties.l1_l2`` on lower <= w <= upper.
Since rho_tau(r) = max_{a in [tau - 1, tau]} a r, its dual is

    D(theta) = theta'y - sum_j Omega_j*(X_j'theta),  (tau - 1) s_i/S <= theta_i <= tau s_i/S,
    sum_i theta_i = 0 (with an intercept),

and P(w, b) - D(theta) >= P(w, b) - P* for every feasible theta: the certificate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .. import _validation as v
from ..penalties._l1_l2_kernels import dual_scale, penalty_conjugate, penalty_value
from ..penalties.l1_l2 import PenaltyWeights


def pinball(r: np.ndarray, quantile: float) -> np.ndarray:
    """rho_tau(r) = r (tau - 1{r < 0}), elementwise."""
    return np.where(r >= 0, quantile * r, (quantile - 1.0) * r)


def weighted_quantile(y: np.ndarray, sw: np.ndarray, quantile: float) -> float:
    """argmin_b sum_i sw_i rho_tau(y_i - b): the smallest y_(k) with weight below it >= tau."""
    order = np.argsort(y, kind="stable")
    cum = np.cumsum(sw[order])
    k = int(np.searchsorted(cum, quantile * cum[-1] * (1 - 4 * np.finfo(float).eps)))
    return float(y[order][min(k, len(y) - 1)])


class Quantile:
    """l(y, eta) = rho_tau(y - eta); not smooth, so its curvature is 0 almost everywhere.

    Parameters
    ----------
    quantile : float, default=0.5
        tau, the quantile level in (0, 1); 0.5 is half the absolute error.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import Quantile
    >>> Quantile(0.9).loss(np.array([1.0, -1.0]), np.zeros(2))  # tau r, or (tau - 1) r below
    array([0.9, 0.1])
    """

    name = "quantile"
    smooth = False
    curvature_bound = None

    def __init__(self, quantile: float = 0.5):
        self.quantile = check_quantile(quantile)

    def __repr__(self) -> str:
        return f"Quantile(quantile={self.quantile!r})"

    def check_target(self, y) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        if y.ndim != 1 or not np.all(np.isfinite(y)):
            raise ValueError(
                "y must be a one-dimensional array of finite numbers for the "
                f"quantile datafit; got shape {y.shape}."
            )
        return y

    def loss(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        return pinball(y - eta, self.quantile)

    def derivative(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """dl/deta = 1{y < eta} - tau; at y = eta the minimal-norm subgradient, 0."""
        d = np.where(y < eta, 1.0 - self.quantile, -self.quantile)
        return np.where(y == eta, 0.0, d)

    def curvature(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        return np.zeros_like(np.asarray(eta, dtype=np.float64))

    def conjugate(self, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """l*(y, v) = sup_eta v eta - rho_tau(y - eta) = v y on -tau <= v <= 1 - tau, else inf."""
        inside = (v >= -self.quantile) & (v <= 1.0 - self.quantile)
        return np.where(inside, v * y, np.inf)

    def null_intercept(self, y: np.ndarray, sw: np.ndarray, offset: np.ndarray | None) -> float:
        """The weighted tau-quantile of y - offset."""
        z = y if offset is None else y - offset
        return weighted_quantile(z, sw, self.quantile)

    def dual_box(self, sw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Bounds of the dual variable: (tau - 1) s_i/S <= theta_i <= tau s_i/S."""
        s = sw / sw.sum()
        return (self.quantile - 1.0) * s, self.quantile * s


def check_quantile(quantile) -> float:
    return v.check_fraction(quantile, "quantile", hint=" (0.5 is the median)")


@dataclass(frozen=True)
class Certificate:
    """A feasible dual point theta and the gap P(w, b) - D(theta) >= P(w, b) - P*."""

    gap: float
    primal: float
    dual: float
    theta: np.ndarray


def objective(X, y, sw, quantile: float, pw: PenaltyWeights, w: np.ndarray, b: float) -> float:
    """P(w, b) with sw summing to one."""
    r = y - X @ w - b
    return float(sw @ pinball(r, quantile)) + float(penalty_value(w, pw.l1, pw.l2))


def certify(
    X,
    y,
    sw,
    quantile: float,
    pw: PenaltyWeights,
    w: np.ndarray,
    b: float,
    fit_intercept: bool,
    theta0: np.ndarray | None = None,
) -> Certificate:
    """The gap at (w, b), with theta made feasible from ``theta0`` (default: the loss
    subgradient at the residuals, 0-centred where a residual is 0).

    theta0 is clipped to the box, the linear constraints (sum theta = 0 with an intercept,
    X_j'theta = 0 for free columns) are restored by a projection that moves the entries in
    proportion to their room inside the box, any entry left outside is fixed by shrinking theta
    towards 0 (feasible, as the box contains 0), and so is |X_j'theta| > l1_j where Omega_j* is
    infinite.  Both scalings keep the linear constraints.
    """
    lo, hi = (quantile - 1.0) * sw, quantile * sw
    primal = objective(X, y, sw, quantile, pw, w, b)
    if theta0 is None:
        r = y - X @ w - b
        theta0 = sw * np.where(r > 0, quantile, np.where(r < 0, quantile - 1.0, quantile - 0.5))
    theta, corr = feasible_theta(X, theta0, lo, hi, pw, fit_intercept)
    dual = float(theta @ y) - penalty_conjugate(corr, pw.l1, pw.l2, pw.lower, pw.upper)
    return Certificate(max(primal - dual, 0.0), primal, dual, theta)


def feasible_theta(
    X, theta, lo, hi, pw: PenaltyWeights, fit_intercept: bool
) -> tuple[np.ndarray, np.ndarray]:
    """A dual-feasible point near ``theta`` and X'theta (the steps are listed in ``certify``).

    X_j'theta is set to exactly 0 on the columns projected out, whose residue is rounding.
    """
    theta = np.clip(theta, lo, hi)
    free = (pw.l1 == 0) & (pw.l2 == 0) & (pw.lower < pw.upper)
    zero = free & np.isinf(pw.lower) & np.isinf(pw.upper)  # X_j'theta = 0 is needed
    for _ in range(int(free.sum()) + 1):
        theta = _project(X, theta, lo, hi, np.flatnonzero(zero), fit_intercept)
        corr = np.asarray(X.T @ theta, dtype=np.float64).ravel()
        corr[zero] = 0.0
        wrong = (
            free
            & ~zero
            & (((pw.upper == np.inf) & (corr > 0)) | ((pw.lower == -np.inf) & (corr < 0)))
        )
        if not np.any(wrong):
            break
        zero |= wrong
    scale = dual_scale(corr, pw.l1, pw.l2, pw.lower, pw.upper)
    return theta * scale, corr * scale


def _project(X, theta, lo, hi, cols: np.ndarray, fit_intercept: bool) -> np.ndarray:
    """theta moved onto {A'theta = 0}, A = [1, X_cols], in the metric of the room in the box,
    then shrunk towards 0 until it is inside the box."""
    if cols.size == 0 and not fit_intercept:
        return theta
    A = _columns(X, cols)
    if fit_intercept:
        A = np.column_stack([np.ones(theta.shape[0]), A])
    room = np.minimum(theta - lo, hi - theta)
    for weight in (room, hi - lo):
        M = A.T @ (weight[:, None] * A)
        violation = A.T @ theta
        try:
            step = np.linalg.solve(M, violation)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(M, violation, rcond=None)[0]
        candidate = theta - weight * (A @ step)
        size = np.abs(A).T @ np.abs(candidate)
        if np.all(np.abs(A.T @ candidate) <= 1e-10 * size + 1e-300):
            return candidate * _box_scale(candidate, lo, hi)
    return np.zeros_like(theta)  # always feasible: the box holds 0


def _box_scale(theta, lo, hi) -> float:
    """The largest t <= 1 with lo <= t theta <= hi (lo <= 0 <= hi)."""
    t = 1.0
    over, under = theta > hi, theta < lo
    if np.any(over):
        t = min(t, float(np.min(hi[over] / theta[over])))
    if np.any(under):
        t = min(t, float(np.min(lo[under] / theta[under])))
    return max(t, 0.0)


def _columns(X, cols: np.ndarray) -> np.ndarray:
    if cols.size == 0:
        return np.empty((X.shape[0], 0))
    sub = X[:, cols]
    return np.asarray(sub.toarray() if sp.issparse(sub) else sub, dtype=np.float64)
