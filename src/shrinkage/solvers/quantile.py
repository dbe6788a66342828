"""Penalized quantile regression: an exact interior-point solver and alpha_max.

Problem (``shrinkage.datafits.quantile``; sw sums to one):

    min_{w, b} sum_i sw_i rho_tau(y_i - x_i.w - b) + sum_j l1_j |w_j| + l2_j/2 w_j^2

on lower <= w <= upper.

As Koenker's Frisch-Newton LP: y - Xw - b = u+ - u-, u+, u- >= 0 with costs tau sw, (1 - tau) sw.
A coefficient with an L1 part and 0 strictly inside its bounds is split, w = w+ - w- (both >= 0,
cost l1 and l2/2 (w+^2 + w-^2), which equals l2/2 w^2 at the optimum, where one half is 0); the
L2 part makes it a QP with a diagonal quadratic term.  ``_interior_point`` solves it; every
iterate is certified by the exact duality gap of the original problem (the row duals are the dual
point theta).  Near the end ``_polish`` guesses the active set (coefficients at 0 or a bound, rows
with zero residual) and solves the optimality conditions exactly, so the result has exact zeros
and, usually, a gap at rounding level; the fit stops when the gap <= tol.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from .._typing import DesignMatrix
from ..datafits.quadratic import drop_constant_columns
from ..datafits.quantile import (
    Certificate,
    certify,
    feasible_theta,
    pinball,
    weighted_quantile,
)
from ..penalties.l1_l2 import PenaltyWeights
from ._interior_point import BoundedQP, DenseDesign, Iterate, Residuals, interior_point
from .result import Fit

_STALL = 8  # iterations without a better certified gap before giving up
_SHARPEN = 1e-3  # the interior point runs to gap <= _SHARPEN * tol, sharp enough for _polish


@dataclass(frozen=True)
class QuantileData:
    """Validated inputs: X (dense or CSC), y, sw summing to one, tau, intercept or not."""

    X: DesignMatrix
    y: np.ndarray
    sw: np.ndarray
    quantile: float
    fit_intercept: bool

    def certify(self, pw: PenaltyWeights, w, b, theta0=None) -> Certificate:
        return certify(self.X, self.y, self.sw, self.quantile, pw, w, b, self.fit_intercept, theta0)


class QuantileDesign:
    """D = [X diag(1/c), 1] on the rows kept: the LP's columns, X never densified."""

    def __init__(self, X, scale: np.ndarray, intercept: bool):
        self.X, self.inv, self.intercept = X, 1.0 / scale, intercept
        self.p = X.shape[1]
        self.shape = (X.shape[0], self.p + int(intercept))

    def matvec(self, v):
        out = np.asarray(self.X @ (v[: self.p] * self.inv)).ravel()
        return out + v[self.p] if self.intercept else out

    def rmatvec(self, u):
        z = np.asarray(self.X.T @ u).ravel() * self.inv
        return np.append(z, u.sum()) if self.intercept else z

    def gram(self, e):
        X = self.X
        if sp.issparse(X):
            G = np.asarray((X.T @ (sp.diags(e) @ X)).todense())
        else:  # one symmetric rank-n update (BLAS syrk: half the flops of a general product)
            G = sla.blas.dsyrk(1.0, np.sqrt(e)[:, None] * X, trans=1, lower=1)
            G = G + np.tril(G, -1).T
        G *= np.outer(self.inv, self.inv)
        if not self.intercept:
            return G
        border = np.asarray(X.T @ e).ravel() * self.inv
        return np.block([[G, border[:, None]], [border[None, :], np.array([[e.sum()]])]])

    def outer(self, d):
        X, dd = self.X, d[: self.p] * self.inv**2
        M = np.asarray((X @ sp.diags(dd) @ X.T).todense()) if sp.issparse(X) else (X * dd) @ X.T
        return M + d[self.p] if self.intercept else M

    def columns(self, idx):
        out = np.empty((self.shape[0], len(idx)))
        for a, j in enumerate(idx):
            if j == self.p:
                out[:, a] = 1.0
            else:
                col = self.X[:, [j]]
                out[:, a] = np.asarray(col.todense() if sp.issparse(col) else col).ravel()
                out[:, a] *= self.inv[j]
        return out


def solve_quantile(data: QuantileData, pw: PenaltyWeights, *, tol: float, max_iter: int) -> Fit:
    """Minimise the penalized pinball objective; ``tol`` is the absolute duality gap wanted."""
    fixed = (pw.lower == pw.upper) | _surely_zero(data, pw)
    w_base = np.where(pw.lower == pw.upper, pw.lower, 0.0)
    act = np.flatnonzero(~fixed)
    if act.size == 0:
        b = _null_intercept(data, w_base)
        cert = data.certify(pw, w_base, b)
        return Fit(w_base, cert.gap, 0, cert.gap <= tol, tol, intercept=b, dual=cert.theta)
    lp = _LP(data, pw, w_base, act)
    best: dict = {}

    def stop(it: Iterate, res: Residuals) -> bool:
        w, b = lp.primal(it.x)
        theta0 = np.zeros(len(data.y))
        theta0[lp.rows] = it.y / lp.kappa
        cert = data.certify(pw, w, b, theta0)
        if not best or cert.gap < best["cert"].gap:
            best.update(cert=cert, w=w, b=b, theta=theta0, since=0)
        elif np.isfinite(best["cert"].gap):
            best["since"] += 1
        return best["cert"].gap <= _SHARPEN * tol or best["since"] >= _STALL

    _, n_iter = interior_point(lp.qp, lp.design, max_iter=max_iter, stop=stop)
    w, b, cert = best["w"], best["b"], best["cert"]
    for polished in _polish(data, pw, lp, w, b, best["theta"]):
        if polished[2].gap <= max(cert.gap, tol):
            w, b, cert = polished
            break
    return Fit(w, cert.gap, max(n_iter, 1), cert.gap <= tol, tol, intercept=b, dual=cert.theta)


def _surely_zero(data: QuantileData, pw: PenaltyWeights) -> np.ndarray:
    """The coefficients that are 0 at the optimum whatever the other ones: 0 is within their
    bounds and their L1 weight exceeds max |X_j'theta| over the dual box,
    max(tau, 1 - tau) sum_i s_i |x_ij| (the optimality condition X_j'theta in l1_j sign(w_j) +
    l2_j w_j then holds only at w_j = 0).  Left out of the interior point, they cannot pull its
    scaling apart: a column of 1e100 puts the path's alphas near 1e98, a penalty on the other
    columns far beyond anything their data can balance (their costs overflowed the iterates).
    """
    tau = data.quantile
    reach = max(tau, 1.0 - tau) * np.asarray(abs(data.X).T @ data.sw).ravel()
    return (pw.lower <= 0) & (pw.upper >= 0) & (pw.l1 > reach)


def _polish(
    data: QuantileData, pw: PenaltyWeights, lp: _LP, w: np.ndarray, b: float, theta_ipm: np.ndarray
):
    """Exact solutions guessed from an interior iterate: each yields (w, b, certificate).

    Coefficients within eps_w (in the LP's units) of 0 (with an L1 part) or of a bound are
    pinned there; the rows whose dual theta_i is more than eps_t (relative) inside its box are
    basic (B: zero residual), the others have theta_i at the nearer end; a row degenerate on both
    sides is thereby consistent with the exact solution either way.  The optimality conditions
    become one square linear system in (w_S, b, theta_B): X_BS w_S + b = y_B,
    X_S'theta = l1 sign(w_S) + l2 w_S, sum theta = 0, solved for the least change from the
    iterate (the solution need not be unique).  The thresholds are tried at the widest gap between
    consecutive magnitudes first, then at fixed values; the caller keeps the first guess whose
    gap is no worse.
    """
    X, y, sw, tau = data.X, data.y, data.sw, data.quantile
    act, scale = lp.act, lp.c / lp.sigma
    lo, hi = (tau - 1.0) * sw, tau * sw
    width = np.where(sw > 0, hi - lo, 1.0)
    room = np.where(sw > 0, np.minimum(theta_ipm - lo, hi - theta_ipm) / width, -np.inf)
    at_bound = np.where(theta_ipm - lo < hi - theta_ipm, lo, hi)
    targets = np.stack([np.where(pw.l1[act] > 0, 0.0, np.nan), pw.lower[act], pw.upper[act]])
    dist = np.abs(w[act] - targets) * scale
    dist[np.isnan(dist)] = np.inf
    nearest = np.argmin(dist, axis=0)
    dist = dist[nearest, np.arange(act.size)]
    pin_value = targets[nearest, np.arange(act.size)]
    fixed_eps = [(eps, eps) for eps in (1e-8, 1e-6, 1e-4)]
    for eps_w, eps_t in [(_widest_gap(dist), _widest_gap(room)), *fixed_eps]:
        pinned = dist <= eps_w
        value = w.copy()
        value[act[pinned]] = pin_value[pinned]
        S = act[~pinned]
        B = np.flatnonzero(room > eps_t)
        if B.size + S.size + 1 > 3000:
            return
        theta = at_bound.copy()
        theta[B] = 0.0
        value[S] = 0.0
        XB = _submatrix(X, B, S)
        XB = np.asarray(XB.todense() if sp.issparse(XB) else XB)
        nb, ns, ni = B.size, S.size, int(data.fit_intercept)
        K = np.zeros((nb + ns + ni, ns + ni + nb))
        K[:nb, :ns] = XB
        K[:nb, ns : ns + ni] = 1.0
        K[nb : nb + ns, :ns] = -np.diag(pw.l2[S])
        K[nb : nb + ns, ns + ni :] = XB.T
        K[nb + ns :, ns + ni :] = 1.0
        sign = np.sign(w[S])
        rhs = np.concatenate(
            [
                y[B] - np.asarray(X[B] @ value).ravel(),
                pw.l1[S] * sign - np.asarray(X[:, S].T @ theta).ravel(),
                [-theta.sum()] * ni,
            ]
        )
        z0 = np.concatenate([w[S], [b] * ni, theta_ipm[B]])
        z = z0 + np.linalg.lstsq(K, rhs - K @ z0, rcond=None)[0]
        value[S] = np.clip(z[:ns], pw.lower[S], pw.upper[S])
        theta[B] = z[ns + ni :]
        b_new = float(z[ns]) if ni else 0.0
        yield value, b_new, data.certify(pw, value, b_new, theta)


class _LP:
    """The scaled LP/QP of one fit and the map from its variables back to (w, b).

    Units: y / sigma, columns X_j / c_j (RMS), costs times kappa = number of rows kept, so the
    variables are O(1); then w_j = sigma x_j / c_j and theta = (row duals) / kappa.
    """

    def __init__(self, data: QuantileData, pw: PenaltyWeights, w_base: np.ndarray, act: np.ndarray):
        X, sw, tau = data.X, data.sw, data.quantile
        self.rows = np.flatnonzero(sw > 0)
        self.act, self.w_base, self.pw = act, w_base, pw
        Xa = _submatrix(X, self.rows, act)
        sw_r = sw[self.rows]
        y_adj = data.y - np.asarray(X @ w_base).ravel() if np.any(w_base) else data.y
        d = y_adj[self.rows]
        c = np.sqrt(_weighted_sq(Xa, sw_r))
        self.c = np.where(c > 0, c, 1.0)
        self.sigma = _spread(d, sw_r)
        self.kappa = float(len(self.rows))
        self.intercept = data.fit_intercept
        self.design = QuantileDesign(Xa, self.c, self.intercept)
        self.qp = self._variables(pw, act, d, sw_r, tau)

    def _variables(self, pw, act, d, sw_r, tau) -> BoundedQP:
        c, sigma, kappa = self.c, self.sigma, self.kappa
        l1, l2 = pw.l1[act], pw.l2[act]
        lo, hi = pw.lower[act] * c / sigma, pw.upper[act] * c / sigma
        cost, quad = kappa * l1 / c, kappa * l2 * sigma / c**2
        split = (l1 > 0) & (lo < 0) & (hi > 0)
        single = np.flatnonzero(~split)
        halves = np.flatnonzero(split)
        sign_l1 = np.where(lo[single] >= 0, 1.0, -1.0) * (l1[single] > 0)
        parts = [  # (cost, quad, lo, hi, column, sign)
            (cost[single] * sign_l1, quad[single], lo[single], hi[single], single, 1.0),
            (cost[halves], quad[halves], np.zeros(halves.size), hi[halves], halves, 1.0),
            (cost[halves], quad[halves], np.zeros(halves.size), -lo[halves], halves, -1.0),
        ]
        if self.intercept:
            parts.append(
                (
                    np.zeros(1),
                    np.zeros(1),
                    np.array([-np.inf]),
                    np.array([np.inf]),
                    np.array([len(act)]),
                    1.0,
                )
            )
        cols = [
            np.concatenate(
                [np.broadcast_to(np.asarray(part[i], float), part[4].shape) for part in parts]
            )
            for i in range(6)
        ]
        m = len(d)
        return BoundedQP(
            cols[0],
            cols[1],
            cols[2],
            cols[3],
            cols[4].astype(np.int64),
            cols[5],
            d / sigma,
            kappa * tau * sw_r,
            kappa * (1.0 - tau) * sw_r,
            np.ones(m, dtype=bool),
        )

    def primal(self, x: np.ndarray) -> tuple[np.ndarray, float]:
        delta = np.bincount(self.qp.col, self.qp.sign * x, minlength=self.design.shape[1])
        w = self.w_base.copy()
        w[self.act] = np.clip(
            self.sigma * delta[: len(self.act)] / self.c,
            self.pw.lower[self.act],
            self.pw.upper[self.act],
        )
        b = float(self.sigma * delta[-1]) if self.intercept else 0.0
        return w, b


def _widest_gap(values: np.ndarray) -> float:
    """A threshold in the widest gap (>= 2 decades, below 1e-3) between sorted magnitudes."""
    v = np.sort(values[np.isfinite(values)])
    v = np.maximum(v[v < 1e-3], 1e-300)
    if v.size == 0:
        return 0.0
    logs = np.log10(np.append(v, 1e-3))
    jumps = np.diff(logs)
    k = int(np.argmax(jumps))
    return float(np.sqrt(v[k] * 10 ** logs[k + 1])) if jumps[k] >= 2 else 0.0


def _null_intercept(data: QuantileData, w: np.ndarray) -> float:
    if not data.fit_intercept:
        return 0.0
    return weighted_quantile(data.y - np.asarray(data.X @ w).ravel(), data.sw, data.quantile)


def _submatrix(X, rows: np.ndarray, cols: np.ndarray):
    n, p = X.shape
    if rows.size < n:
        X = X[rows]
    if cols.size < p:
        X = X[:, cols]
    if sp.issparse(X):
        return sp.csc_matrix(X, dtype=np.float64)
    return np.asarray(X, dtype=np.float64)


def _weighted_sq(X, sw: np.ndarray) -> np.ndarray:
    if sp.issparse(X):
        return np.asarray(X.multiply(X).T @ sw).ravel()
    return np.einsum("ij,ij,i->j", X, X, sw)


def _spread(d: np.ndarray, sw: np.ndarray) -> float:
    """A scale for the target: mean absolute deviation from the median (or max |d|, or 1)."""
    mad = float(sw @ np.abs(d - weighted_quantile(d, sw, 0.5))) / float(sw.sum())
    if mad > 0:
        return mad
    top = float(np.max(np.abs(d)))
    return top if top > 0 else 1.0


# ------------------------------------------------------------------------------------------------
# alpha_max: the smallest alpha at which the penalized coefficients are all 0


@dataclass(frozen=True)
class NullFit:
    """The solution for every alpha >= alpha_max, with the dual point that certifies it."""

    alpha_max: float
    w: np.ndarray
    intercept: float
    theta: np.ndarray


def quantile_alpha_max(
    data: QuantileData,
    weight: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    tol: float,
    max_iter: int,
) -> NullFit:
    """alpha_max = min over the optimal dual set Theta of the null model of
    max_j |X_j'theta| / weight_j (one side only where a bound fixes the sign of w_j).

    The null model fits the intercept and the unpenalized columns (``weight`` 0) with the
    penalized ones at clip(0, lower, upper).  Theta fixes theta_i at tau s_i/S or
    (tau - 1) s_i/S where the null residual is positive or negative; the entries of the zero
    residuals Z (ties, and the basic observations of the null fit) are free in the box subject to
    the null model's own optimality (sum theta = 0, X_j'theta = 0 for the unpenalized columns),
    so alpha_max solves a small LP in theta_Z (exactly when |Z| is no more than these
    constraints, by the same interior-point method otherwise).  The returned value is
    max_j |X_j'theta| / weight_j at a feasible theta: an upper bound that w = 0 is optimal at
    (certified), equal to alpha_max up to the LP's tolerance.
    """
    penalized = (weight > 0) & (lower <= 0) & (upper >= 0) & (lower < upper)
    hold = np.clip(0.0, lower, upper)
    free = (weight == 0) & (lower < upper)
    null_lower = np.where(free, lower, hold)
    null_upper = np.where(free, upper, hold)
    zeros = np.zeros_like(weight)
    pw_null = PenaltyWeights(zeros, zeros, null_lower, null_upper)
    if np.any(free):
        fit = solve_quantile(data, pw_null, tol=tol, max_iter=max_iter)
        w, b = fit.w, float(fit.intercept)  # one intercept
    else:
        w = np.where(lower == upper, lower, hold)
        b = _null_intercept(data, w)
    X, y, sw, tau = data.X, data.y, data.sw, data.quantile
    r = y - np.asarray(X @ w).ravel() - b
    zero_tol = 0.0 if not np.any(free) else 1e-7 * float(sw @ np.abs(r)) / float(sw.sum())
    Z = np.flatnonzero((np.abs(r) <= zero_tol) & (sw > 0))
    theta = sw * np.where(r > 0, tau, tau - 1.0)
    theta[Z] = 0.0
    if Z.size and np.any(penalized):
        theta[Z] = _theta_on_ties(
            data, theta, Z, weight, penalized, lower, upper, w, pw_null, max_iter
        )
    else:
        theta[Z] = (tau - 0.5) * sw[Z]
    theta, corr = feasible_theta(X, theta, (tau - 1.0) * sw, tau * sw, pw_null, data.fit_intercept)
    up = penalized & (upper > 0)
    down = penalized & (lower < 0)
    ratio = np.concatenate([corr[up] / weight[up], -corr[down] / weight[down], [0.0]])
    return NullFit(float(max(np.max(ratio), 0.0)), w, b, theta)


def _theta_on_ties(
    data: QuantileData,
    theta: np.ndarray,
    Z: np.ndarray,
    weight,
    penalized,
    lower,
    upper,
    w,
    pw_null,
    max_iter,
) -> np.ndarray:
    """min t over theta_Z in the box: -t weight_j <= X_j'theta <= t weight_j (one side where a
    bound fixes the sign), with the null model's constraints; an LP in (kappa theta_Z, kappa t),
    each constraint scaled to unit largest coefficient."""
    X, sw, tau = data.X, data.sw, data.quantile
    kappa = float(np.count_nonzero(sw))
    XZ = _submatrix(X, Z, np.arange(X.shape[1]))
    XZ = np.asarray(XZ.todense() if sp.issparse(XZ) else XZ)
    base = kappa * np.asarray(X.T @ theta).ravel()  # theta is 0 on Z here
    free = (weight == 0) & (lower < upper)
    at_lower = free & (w <= pw_null.lower)
    at_upper = free & (w >= pw_null.upper) & ~at_lower
    inside = free & ~at_lower & ~at_upper
    rows, rhs = [], []
    for j, sign, use_t in _sides(penalized, lower, upper, at_lower, at_upper):
        rows.append(np.append(sign * XZ[:, j], -weight[j] if use_t else 0.0))
        rhs.append(-sign * base[j])
    eq, e = [], []
    if data.fit_intercept:
        eq.append(np.append(np.ones(Z.size), 0.0))
        e.append(-kappa * theta.sum())
    for j in np.flatnonzero(inside):
        eq.append(np.append(XZ[:, j], 0.0))
        e.append(-base[j])
    nz = Z.size
    A, d = _unit_rows(np.asarray(rows), np.asarray(rhs))
    N, e_unit = _unit_rows(np.asarray(eq), np.asarray(e)) if eq else (None, None)
    qp = BoundedQP(
        c=np.append(np.zeros(nz), 1.0),
        q=np.zeros(nz + 1),
        lo=np.append(kappa * (tau - 1.0) * sw[Z], 0.0),
        hi=np.append(kappa * tau * sw[Z], np.inf),
        col=np.arange(nz + 1),
        sign=np.ones(nz + 1),
        d=d,
        cp=np.zeros(len(d)),
        cm=np.zeros(len(d)),
        minus=np.zeros(len(d), dtype=bool),
        N=N,
        e=e_unit,
    )
    scale = max(1.0, float(np.max(np.abs(qp.d), initial=0.0)))

    def stop(it: Iterate, res: Residuals) -> bool:
        return res.mu <= 1e-13 * scale and res.primal() <= 1e-11 * scale and res.dual() <= 1e-11

    it, _ = interior_point(qp, DenseDesign(A), max_iter=max(max_iter, 60), stop=stop)
    return it.x[:nz] / kappa


def _unit_rows(A: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The constraints A x (<=, =) rhs with each row divided by its largest coefficient: the
    same set, in units where a column of 1e100 beside ordinary ones cannot overflow the
    interior point's products."""
    scale = np.max(np.abs(A), axis=1)
    scale = np.where(scale > 0, scale, 1.0)
    return A / scale[:, None], rhs / scale


def _sides(penalized, lower, upper, at_lower, at_upper):
    """(column, sign, involves t) for each inequality sign * X_j'theta <= t weight_j (or <= 0)."""
    for j in np.flatnonzero(penalized):
        if upper[j] > 0:
            yield j, 1.0, True
        if lower[j] < 0:
            yield j, -1.0, True
    for j in np.flatnonzero(at_lower):
        yield j, 1.0, False
    for j in np.flatnonzero(at_upper):
        yield j, -1.0, False


# ------------------------------------------------------------------------------------------------
# the path


def quantile_data(problem, quantile: float, offset: np.ndarray | None = None) -> QuantileData:
    """The solver's view of a validated problem: weights normalised to sum to one, the offset
    (``offset`` or the problem's own) moved into y: rho(y - (eta + o)) = rho((y - o) - eta)."""
    sw = problem.sample_weight / problem.sample_weight.sum()
    if offset is None:
        offset = getattr(problem, "offset", None)
    y = problem.y if offset is None else problem.y - offset
    return QuantileData(problem.X, y, sw, quantile, problem.fit_intercept)


def column_variance(X, sw: np.ndarray, fit_intercept: bool) -> np.ndarray:
    """Weighted variance of each column (mean square without an intercept), constant -> 0."""
    sq = _weighted_sq(X, sw)
    if not fit_intercept:
        return sq
    mean = np.asarray(X.T @ sw).ravel()
    return drop_constant_columns(np.maximum(sq - mean**2, 0.0), sq, cancellation=True)


def null_objective(data: QuantileData) -> float:
    """P(0, b_null): the reference the relative tolerance multiplies (max |y| or 1 if it is 0)."""
    r = data.y - _null_intercept(data, np.zeros(data.X.shape[1]))
    value = float(data.sw @ pinball(r, data.quantile))
    if value > 0:
        return value
    top = float(np.max(np.abs(data.y)))
    return top if top > 0 else 1.0
