"""Independent reference math for the tests: plain numpy, nothing imported from shrinkage.

Everything here works on the profiled problem (the intercept removed by weighted centring):

    P(w) = 1/2 sum_i sw_i (yc_i - xc_i.w)^2 + sum_j l1_j |w_j| + l2_j / 2 w_j^2

on lower <= w <= upper, with sw = s / sum(s).  ``penalty_weights`` turns
(alpha, l1_ratio, factors, scale) into (l1, l2).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def simulated(
    n: int, p: int, *, seed: int = 0, n_true: int = 5, noise: float = 0.5, intercept: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """Well-conditioned Gaussian design with a sparse truth."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    k = min(n_true, p)
    w[:k] = rng.choice([-1.0, 1.0], k) * rng.uniform(1.0, 3.0, k)
    return X, X @ w + noise * rng.standard_normal(n) + intercept


def dense(X) -> np.ndarray:
    return np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)


def centred(X, y, sample_weight=None, fit_intercept: bool = True):
    """(Xc, yc, sw, x_mean, y_mean) with sw summing to one."""
    X = dense(X)
    y = np.asarray(y, dtype=np.float64)
    s = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    sw = s / s.sum()
    if fit_intercept:
        xm, ym = sw @ X, float(sw @ y)
    else:
        xm, ym = np.zeros(X.shape[1]), 0.0
    return X - xm, y - ym, sw, xm, ym


def column_scale(Xc: np.ndarray, sw: np.ndarray) -> np.ndarray:
    """glmnet's standardization scale: the weighted sd of the centred column (1 if constant)."""
    sd = np.sqrt(sw @ Xc**2)
    return np.where(sd > 1e-12, sd, 1.0)


def penalty_weights(alpha: float, l1_ratio: float, p: int, factors=None, scale=None):
    f = np.ones(p) if factors is None else np.asarray(factors, float)
    c = np.ones(p) if scale is None else np.asarray(scale, float)
    return alpha * f * l1_ratio * c, alpha * f * (1.0 - l1_ratio) * c**2


def null_deviance(yc: np.ndarray, sw: np.ndarray) -> float:
    """sum sw yc^2: the scale of the relative tolerance."""
    return float(sw @ yc**2)


def primal(Xc, yc, sw, w, l1, l2) -> float:
    r = yc - Xc @ w
    return float(0.5 * sw @ r**2 + l1 @ np.abs(w) + 0.5 * l2 @ w**2)


def _box(p, lower, upper):
    lo = np.full(p, -np.inf) if lower is None else np.broadcast_to(lower, (p,)).astype(float)
    up = np.full(p, np.inf) if upper is None else np.broadcast_to(upper, (p,)).astype(float)
    return lo, up


def kkt_violations(Xc, yc, sw, w, l1, l2, lower=None, upper=None) -> np.ndarray:
    """Per coordinate: how far g_j = x_j' S r - l2_j w_j is from l1_j d|w_j| + N_box(w_j)."""
    lo, up = _box(len(w), lower, upper)
    g = Xc.T @ (sw * (yc - Xc @ w)) - l2 * w
    s = np.sign(w)
    out = np.where(w == 0, np.maximum(np.abs(g) - l1, 0.0), np.abs(g - l1 * s))
    at_lo = (w == lo) & (lo < up)
    at_up = (w == up) & (lo < up)
    lo_viol = np.where(w == 0, np.maximum(g - l1, 0.0), np.maximum(g - l1 * s, 0.0))
    up_viol = np.where(w == 0, np.maximum(-l1 - g, 0.0), np.maximum(l1 * s - g, 0.0))
    out = np.where(at_lo, lo_viol, out)
    out = np.where(at_up, up_viol, out)
    return np.where(lo == up, 0.0, out)


def _conjugate(v, l1, l2, lo, up, zero_tol) -> float:
    """sup over lo <= w <= up of v w - l1 |w| - l2/2 w^2 (may be +inf)."""
    if lo == up:
        return v * lo - l1 * abs(lo) - 0.5 * l2 * lo * lo
    if l2 > 0:
        w = np.clip(np.sign(v) * max(abs(v) - l1, 0.0) / l2, lo, up)
        return v * w - l1 * abs(w) - 0.5 * l2 * w * w
    if l1 == 0 and abs(v) <= zero_tol:
        v = 0.0  # a projected-out direction: exactly zero up to rounding
    slack = 1e-12 * max(l1, abs(v))  # the rescaling puts |v| on l1 up to rounding
    if (up == np.inf and v - l1 > slack) or (lo == -np.inf and v + l1 < -slack):
        return np.inf
    cands = [b * v - l1 * abs(b) for b in (lo, up) if np.isfinite(b)]
    if lo <= 0 <= up:
        cands.append(0.0)
    return max(cands)


def duality_gap(Xc, yc, sw, w, l1, l2, lower=None, upper=None) -> float:
    """P(w) - D(theta) at the rescaled residual dual point.

    D(u) = 1/2 ||y~||^2 - 1/2 ||y~ - u||^2 - sum_j Omega_j*(x~_j' u) in the sqrt(sw)-scaled space.
    The residual is first projected off the unpenalized columns that are not held at a bound
    (their conjugate is the indicator of {0}), then scaled down so that the conjugates of the
    pure-L1 unbounded coordinates are finite.  Any u gives a lower bound D(u) <= P*, so the
    result is a valid certificate P(w) - P* <= gap whatever w is.
    """
    p = len(w)
    lo, up = _box(p, lower, upper)
    root = np.sqrt(sw)
    Xt = root[:, None] * Xc
    yt = root * yc
    r = yt - Xt @ w
    free = (l1 == 0) & (l2 == 0) & (lo < w) & (w < up)
    if np.any(free):
        XU = Xt[:, free]
        r = r - XU @ np.linalg.lstsq(XU, r, rcond=None)[0]
    v = Xt.T @ r
    scale = 1.0
    for j in range(p):
        if l2[j] == 0 and l1[j] > 0:
            if v[j] > l1[j] and up[j] == np.inf:
                scale = min(scale, l1[j] / v[j])
            elif v[j] < -l1[j] and lo[j] == -np.inf:
                scale = min(scale, -l1[j] / v[j])
    u = scale * r
    v = scale * v
    zero_tol = 1e-9 * (np.linalg.norm(Xt, axis=0).max() * np.linalg.norm(u) + 1e-300)
    conj = sum(_conjugate(v[j], l1[j], l2[j], lo[j], up[j], zero_tol) for j in range(p))
    dual = 0.5 * yt @ yt - 0.5 * (yt - u) @ (yt - u) - conj
    return primal(Xc, yc, sw, w, l1, l2) - dual
