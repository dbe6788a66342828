"""Group and sparse-group lasso with the quantile (pinball) loss, certified by the exact gap.

    P(w, b) = sum_i sw_i rho_tau(y_i - o_i - x_i.w - b) + Omega(w)     (sw sums to one)

with Omega the group penalty of ``shrinkage.penalties.group``: a second-order cone program
(an LP once the group norms are gone).  Solved by a barrier method (Boyd & Vandenberghe, ch. 11):
with rho_tau(r) = min {tau v + (1 - tau)(v - r): v >= 0, v >= r}, |w_j| = min {s >= |w_j|} and
||w_g|| = min {t >= ||w_g||}, the log-barrier problem
T P + barriers is minimized over (v, s, t) in closed form, which leaves a smooth, strictly convex
function G_T(w, b) of the coefficients alone, minimized by Newton's method; T grows 30-fold per
stage.  At a minimizer of G_T, theta = psi'(r) / T (psi the reduced per-sample barrier) is
feasible for the dual with gap m / T; the exact duality gap of P at a feasible point made from it
(``group_theta``) certifies every stage, and ``_polish`` solves the optimality conditions on the
guessed support and zero residuals exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..datafits.quantile import feasible_theta, pinball
from ..glm_certificates import trusted_glm_gap
from ..penalties.group import GroupPenalty
from ..penalties.l1_l2 import PenaltyWeights
from .group_newton import GLMData
from .quantile import (
    QuantileData,
    QuantileDesign,
    _widest_gap,
    null_objective,
    quantile_alpha_max,
)
from .result import Fit

_GROWTH = 30.0  # T is multiplied by this between stages
_CENTERING = 1e-14  # a stage ends at Newton decrement^2 / 2 below this (affine invariant)


@dataclass(frozen=True)
class QuantileCertificate:
    """P(w, b) - D(theta) >= P(w, b) - P*, at the feasible dual point theta."""

    gap: float
    primal: float
    theta: np.ndarray


def group_theta(
    data: GLMData, quantile: float, penalty: GroupPenalty, theta0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(theta, X'theta) feasible for the dual of P, near theta0: in the box
    (tau - 1) sw <= theta <= tau sw, sum theta = 0 with an intercept and X_g'theta = 0 on the
    unpenalized groups (``feasible_theta``), then scaled into the dual ball of Omega
    (max_g dual norm <= 1; the box holds 0, so scaling keeps theta feasible)."""
    p = data.X.shape[1]
    free = np.zeros(p, dtype=bool)
    free[penalty.groups.columns(penalty.free_groups())] = True
    inf = np.full(p, np.inf)
    pw = PenaltyWeights(np.where(free, 0.0, np.inf), np.zeros(p), -inf, inf)
    theta, corr = feasible_theta(
        data.X, theta0, (quantile - 1.0) * data.sw, quantile * data.sw, pw, data.fit_intercept
    )
    norms = penalty.dual_norms(corr)
    top = float(norms.max()) if norms.size else 0.0
    scale = 1.0 / top if top > 1.0 else 1.0
    return theta * scale, corr * scale


def quantile_certificate(
    data: GLMData,
    quantile: float,
    penalty: GroupPenalty,
    w: np.ndarray,
    b: float,
    theta0: np.ndarray,
) -> QuantileCertificate:
    """The exact gap at (w, b): D(theta) = theta'(y - o), Omega* being 0 on its ball."""
    target = data.y - data.offset
    primal = float(
        data.sw @ pinball(target - np.asarray(data.X @ w).ravel() - b, quantile)
    ) + penalty.value(w)
    theta, _ = group_theta(data, quantile, penalty, theta0)
    return QuantileCertificate(trusted_glm_gap(primal, (float(theta @ target),)), primal, theta)


def solve_group_quantile(
    data: GLMData,
    quantile: float,
    penalty: GroupPenalty,
    w0: np.ndarray,
    b0: float,
    *,
    tol_abs: float,
    max_iter: int,
    theta0: np.ndarray | None = None,
) -> Fit:
    """The barrier method from (w0, b0), stopped when a polished point's exact gap is below
    ``tol_abs`` (else the best barrier point is returned); ``max_iter`` bounds the Newton steps
    of all stages."""
    barrier = _Barrier(data, quantile, penalty)
    w, b = np.asarray(w0, dtype=np.float64).copy(), float(b0) if data.fit_intercept else 0.0
    r = data.y - data.offset - np.asarray(data.X @ w).ravel() - b
    start = quantile_certificate(
        data,
        quantile,
        penalty,
        w,
        b,
        data.sw * np.where(r > 0, quantile, quantile - 1.0) if theta0 is None else theta0,
    )
    T = barrier.m / max(start.gap, tol_abs)  # the barrier's gap m / T: the start's own
    best: tuple[np.ndarray, float, QuantileCertificate] | None = None
    steps = 0
    while steps < max_iter:
        w, b, n_steps = barrier.center(T, w, b, max_iter - steps)
        steps += n_steps
        theta = barrier.dual(T, w, b)
        cert = quantile_certificate(data, quantile, penalty, w, b, theta)
        if best is None or cert.gap < best[2].gap:
            best = (w, b, cert)
        if cert.gap <= tol_abs or barrier.m / T <= 1e3 * tol_abs:
            # near: the exact solution on the guessed support has exact zeros; interior points
            # have none, so the barrier goes on until a guess is certified
            for guess in _polish(data, quantile, penalty, w, b, theta):
                polished = quantile_certificate(data, quantile, penalty, *guess)
                if polished.gap <= tol_abs:
                    return Fit(
                        guess[0],
                        polished.gap,
                        max(steps, 1),
                        True,
                        tol_abs,
                        intercept=guess[1],
                        dual=polished.theta,
                        state=polished.theta,
                    )
        if barrier.m / T <= 1e-4 * tol_abs:
            break
        T *= _GROWTH
    if best is None:  # no Newton step was allowed
        raise ValueError(f"max_iter must be >= 1; got {max_iter}.")
    w, b, cert = best
    return Fit(
        w,
        cert.gap,
        max(steps, 1),
        cert.gap <= tol_abs,
        tol_abs,
        intercept=b,
        dual=cert.theta,
        state=cert.theta,
    )


class _Barrier:
    """G_T(w, b) = sum_i psi_i(r_i) + sum_j chi_j(w_j) + sum_g omega_g(w_g), r = y - o - Xw - b:

    psi_i(r) = min_v k v - (1 - tau) k r - log v - log(v - r),  k = T sw_i,
    chi_j(w) = min_s T a s - log(s^2 - w^2),  a = alpha l1_ratio,
    omega_g(w) = min_t T c_g t - log(t^2 - ||w||^2),  c_g = alpha (1 - l1_ratio) f_g,

    each minimum in closed form (a quadratic's root), with derivatives by the envelope theorem:
    psi' = 1/(v - r) - (1 - tau) k, psi'' = 1/(v^2 + (v - r)^2); chi' = T a w / s,
    grad omega = T c w / t, Hessian T c / t I - T^2 c^2 / (q t^2) w w', q = sqrt(1 + T^2 c^2 |w|^2).
    """

    def __init__(self, data: GLMData, quantile: float, penalty: GroupPenalty):
        keep = data.sw > 0
        self.X = data.X[keep] if not np.all(keep) else data.X
        self.sw = data.sw[keep]
        self.target = (data.y - data.offset)[keep] if not np.all(keep) else data.y - data.offset
        self.keep, self.quantile, self.intercept = keep, quantile, data.fit_intercept
        groups = penalty.groups
        self.a = penalty.l1_weights()
        self.c = penalty.group_weights()
        self.penalized_groups = np.flatnonzero(self.c > 0)
        self.cols = [groups.members(g) for g in self.penalized_groups]
        self.group_cols = groups.columns(self.penalized_groups)  # group after group
        self.group_of = np.repeat(
            np.arange(self.penalized_groups.size), groups.sizes[self.penalized_groups]
        )
        self.tc_unit = self.c[self.penalized_groups]
        p = self.X.shape[1]
        self.design = QuantileDesign(self.X, np.ones(p), data.fit_intercept)
        self.m = (
            2 * self.sw.size + 2 * int(np.count_nonzero(self.a)) + 2 * self.penalized_groups.size
        )  # the barrier's degree: gap m / T at the centre

    def _rows(self, T: float, r: np.ndarray):
        """(v, v - r) of every row, by the stable root of k v^2 - (k r + 2) v + r = 0."""
        k = T * self.sw
        A = k * r
        D = np.sqrt(A * A + 4.0) + np.abs(A)  # d + |A|, and d - |A| = 4 / D without cancelling
        v = (2.0 + np.where(A >= 0, D, 4.0 / D)) / (2.0 * k)
        vr = (2.0 + np.where(A <= 0, D, 4.0 / D)) / (2.0 * k)
        return k, v, vr

    def _norms2(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(
            self.group_of, w[self.group_cols] ** 2, minlength=self.penalized_groups.size
        )

    def gradient(self, T: float, w: np.ndarray, b: float) -> np.ndarray:
        """grad G_T in (w, b) (b last, with an intercept)."""
        r = self.target - np.asarray(self.X @ w).ravel() - b
        k, _, vr = self._rows(T, r)
        grad = -self.design.rmatvec(1.0 / vr - (1.0 - self.quantile) * k)
        on = np.flatnonzero(self.a > 0)
        if on.size:
            ta = T * self.a[on]
            grad[on] += ta * w[on] / ((1.0 + np.sqrt(1.0 + (ta * w[on]) ** 2)) / ta)
        if self.penalized_groups.size:
            tc = T * self.tc_unit
            t = (1.0 + np.sqrt(1.0 + tc * tc * self._norms2(w))) / tc
            grad[self.group_cols] += (tc / t)[self.group_of] * w[self.group_cols]
        return grad

    def hessian(self, T: float, w: np.ndarray, b: float) -> np.ndarray:
        """The Hessian of G_T in (w, b)."""
        r = self.target - np.asarray(self.X @ w).ravel() - b
        _, v, vr = self._rows(T, r)
        H = self.design.gram(1.0 / (v * v + vr * vr))
        on = np.flatnonzero(self.a > 0)
        if on.size:
            ta, x = T * self.a[on], w[on]
            q = np.sqrt(1.0 + (ta * x) ** 2)
            s = (1.0 + q) / ta
            H[on, on] += ta / s - ta * ta * x * x / (q * s * s)
        if self.penalized_groups.size:
            tc = T * self.tc_unit
            q = np.sqrt(1.0 + tc * tc * self._norms2(w))
            t = (1.0 + q) / tc
            H[self.group_cols, self.group_cols] += (tc / t)[self.group_of]
            rank_one = tc * tc / (q * t * t)
            for g, members in enumerate(self.cols):
                x = w[members]
                if np.any(x):
                    H[np.ix_(members, members)] -= rank_one[g] * np.outer(x, x)
        return H

    def center(self, T: float, w: np.ndarray, b: float, max_steps: int):
        """Newton's method on G_T; the step is halved until the slope along the direction is
        below half the decrement lambda^2 (Hager & Zhang's approximate Wolfe condition: Armijo's
        on the quadratic model), a test on gradients, whose rounding does not grow with T as that
        of G_T's values does.  Returns (w, b, steps)."""
        p = w.shape[0]
        grad = self.gradient(T, w, b)
        previous = np.inf
        for step in range(1, max_steps + 1):
            H = self.hessian(T, w, b)
            try:
                direction = -np.linalg.solve(H, grad)
            except np.linalg.LinAlgError:
                direction = -np.linalg.lstsq(H, grad, rcond=None)[0]
            decrement = -float(grad @ direction)
            if not decrement / 2 > _CENTERING or (decrement < 1e-4 and decrement >= previous):
                return w, b, step  # centred, or at the rounding floor
            previous = decrement
            t = 1.0
            for _ in range(50):
                trial_w = w + t * direction[:p]
                trial_b = b + t * float(direction[p]) if self.intercept else b
                trial_grad = self.gradient(T, trial_w, trial_b)
                if trial_grad @ direction <= 0.5 * decrement:
                    break
                t *= 0.5
            else:
                return w, b, step
            w, b, grad = trial_w, trial_b, trial_grad
        return w, b, max_steps

    def dual(self, T: float, w: np.ndarray, b: float) -> np.ndarray:
        """theta = psi'(r) / T on every row (0 on rows of weight 0), inside the dual box."""
        r = self.target - np.asarray(self.X @ w).ravel() - b
        k, _v, vr = self._rows(T, r)
        theta = np.zeros(self.keep.shape[0])
        theta[self.keep] = (1.0 / vr - (1.0 - self.quantile) * k) / T
        return theta


def _polish(
    data: GLMData,
    quantile: float,
    penalty: GroupPenalty,
    w: np.ndarray,
    b: float,
    theta: np.ndarray,
):
    """Exact solutions guessed from a barrier iterate: each yields (w, b, theta).

    The support: the groups whose dual norm at theta is 1 up to a threshold (with an L1 part,
    less the coefficients small against their group's norm), or the coefficients above a
    threshold relative to the largest; the coefficients off it are set to 0 and the others keep
    their signs; the rows E whose theta_i is well inside its box (relative room above a threshold)
    are guessed to have zero residual, the others keep theta_i at the nearer end.  The optimality
    conditions grad Omega_N(w) = X_N'theta, sum theta = 0, r_E = 0 are then solved for
    (w_N, b, theta_E) by Newton's method (Omega is smooth on its support).  Thresholds: at the
    widest gap between magnitudes first, then fixed values."""
    sw = data.sw
    lo, hi = (quantile - 1.0) * sw, quantile * sw
    width = np.where(sw > 0, hi - lo, 1.0)
    room = np.where(sw > 0, np.minimum(theta - lo, hi - theta) / width, -np.inf)
    at_bound = np.where(theta - lo < hi - theta, lo, hi)
    target = data.y - data.offset
    groups = penalty.groups
    col_group = groups.column_group()
    # a group is active where its dual norm at theta is 1 (an O(1) margin from the others);
    # within it, a coefficient is 0 when small against its group's norm
    _, corr = group_theta(data, quantile, penalty, theta)
    slack = 1.0 - penalty.dual_norms(corr)
    slack[penalty.free_groups()] = 0.0
    norms = groups.norms(w)[col_group]
    within = np.where(norms > 0, np.abs(w) / np.where(norms > 0, norms, 1.0), 0.0)
    size = np.abs(w) / max(float(np.max(np.abs(w), initial=0.0)), np.finfo(float).tiny)
    zero_within = _widest_split(within) if penalty.l1_ratio > 0 else -1.0
    supports = [
        (slack[col_group] <= eps) & (within > zero_within)
        for eps in (_widest_split(np.abs(slack)), 1e-3)
    ]
    supports.append(size > _widest_gap(size))
    splits = [_widest_split(room), _widest_gap(room)]
    guesses = [(support, eps_t) for support in supports for eps_t in splits]
    guesses += [(size > eps, eps) for eps in (1e-8, 1e-6, 1e-4)]
    tried = set()
    for support, eps_t in guesses:
        N = np.flatnonzero(support & (w != 0))
        E = np.flatnonzero(room > eps_t)
        key = (N.tobytes(), E.tobytes())
        if key in tried:
            continue
        tried.add(key)
        if E.size + N.size + 1 > 3000:
            return
        XN = data.X[:, N]
        XN = np.asarray(XN.toarray() if hasattr(XN, "toarray") else XN, dtype=np.float64)
        distinct = np.unique(np.column_stack([XN[E], target[E]]), axis=0).shape[0]
        if distinct > N.size + int(data.fit_intercept):
            continue  # more distinct zero residuals than unknowns: not a solution's pattern
        solved = _newton_kkt(
            XN,
            target,
            at_bound,
            E,
            w[N],
            b,
            theta[E],
            penalty.l1_weights()[N],
            penalty.group_weights()[col_group[N]],
            col_group[N],
            data.fit_intercept,
        )
        if solved is not None and np.array_equal(np.sign(solved[0]), np.sign(w[N])):
            w_new = np.zeros_like(w)
            w_new[N] = solved[0]
            out = at_bound.copy()
            out[E] = solved[2]
            yield w_new, solved[1], out


def _widest_split(values: np.ndarray) -> float:
    """A threshold in the widest gap (>= 1 decade) between sorted positive magnitudes, else 0."""
    v = np.sort(values[np.isfinite(values) & (values > 0)])
    if v.size < 2:
        return 0.0
    jumps = np.diff(np.log10(v))
    k = int(np.argmax(jumps))
    return float(np.sqrt(v[k] * v[k + 1])) if jumps[k] >= 1 else 0.0


def _newton_kkt(
    XN, target, outside, E, wN, b, lam, l1, lg, col_group, fit_intercept, n_steps: int = 30
):
    """Newton's method on F(w_N, b, theta_E) = (l1 sign(w) + lg w / ||w_g|| - X_N'theta,
    -sum theta, r_E); None when ||F|| does not fall to its rounding floor."""
    with np.errstate(all="ignore"):  # a wrong guess may diverge: caught as non-finite
        return _newton_kkt_steps(
            XN, target, outside, E, wN, b, lam, l1, lg, col_group, fit_intercept, n_steps
        )


def _newton_kkt_steps(
    XN, target, outside, E, wN, b, lam, l1, lg, col_group, fit_intercept, n_steps
):
    m, e, ni = wN.size, E.size, int(fit_intercept)
    XE = XN[E]
    sign = np.sign(wN)
    base = outside.copy()
    base[E] = 0.0
    corr_out = XN.T @ base
    total_out = float(base.sum())
    scale = max(
        float(np.max(np.abs(XN.T @ outside), initial=0.0)),
        float(np.max(l1 + lg, initial=0.0)),
        np.finfo(float).tiny,
    )
    previous = np.inf
    for _ in range(n_steps):
        norms = np.sqrt(np.bincount(col_group, wN**2))[col_group]
        if not np.all(norms > 1e-12 * np.max(norms, initial=0.0)) or not np.all(np.isfinite(norms)):
            return None  # a group collapsed or diverged: the guess was wrong
        F = np.concatenate(
            [
                l1 * sign + lg * wN / norms - corr_out - XE.T @ lam,
                [-(total_out + lam.sum())] * ni,
                target[E] - XE @ wN - b * ni,
            ]
        )
        if not np.all(np.isfinite(F)):
            return None
        size = np.max(np.abs(F), initial=0.0) / scale
        if size <= 1e-13 or (size <= 1e-8 and size >= 0.5 * previous):
            return wN, b, lam  # solved, to the rounding floor of the system
        previous = size
        H = np.diag(lg / norms)
        same = col_group[:, None] == col_group[None, :]
        unit = wN / norms
        H -= same * np.outer(lg * unit / norms, unit)
        J = np.zeros((m + ni + e, m + ni + e))
        J[:m, :m] = H
        J[:m, m + ni :] = -XE.T
        J[m : m + ni, m + ni :] = -1.0
        J[m + ni :, :m] = -XE
        J[m + ni :, m : m + ni] = -1.0
        try:
            step = np.linalg.solve(J, -F)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(J, -F, rcond=None)[0]
        wN, lam = wN + step[:m], lam + step[m + ni :]
        if ni:
            b = b + float(step[m])
    return None


class QuantileGroupPath:
    """The path solver of ``shrinkage.group_path`` for the quantile datafit."""

    def __init__(self, problem, tol: float, max_iter: int):
        data = self.data = problem.glm_data()
        self.quantile = problem.datafit.quantile
        self.max_iter = max_iter
        self.lp_data = QuantileData(
            data.X, data.y - data.offset, data.sw, self.quantile, data.fit_intercept
        )
        self.tol_abs = tol * null_objective(self.lp_data)
        self._null: dict = {}

    def _null_fit(self, unit: GroupPenalty):
        """The fit with the penalized groups at 0, and the dual point minimizing
        max_j |X_j'theta| over its optimal dual set (``quantile_alpha_max``)."""
        key = tuple(unit.free_groups())
        if key not in self._null:
            p = self.data.X.shape[1]
            weight = np.ones(p)
            weight[unit.groups.columns(unit.free_groups())] = 0.0
            inf = np.full(p, np.inf)
            self._null[key] = quantile_alpha_max(
                self.lp_data, weight, -inf, inf, tol=self.tol_abs, max_iter=100
            )
        return self._null[key]

    def null(self, unit: GroupPenalty) -> tuple[float, np.ndarray, float]:
        """alpha_max, exact when the null fit's optimal dual point is unique (no ties among the
        residuals); otherwise an upper bound at which w = 0 is certified optimal."""
        null = self._null_fit(unit)
        corr = np.asarray(self.data.X.T @ null.theta).ravel()
        return unit.alpha_max(corr), null.w, null.intercept

    def solve(self, penalty: GroupPenalty, w, b, state) -> Fit:
        unit = replace(penalty, alpha=1.0)
        null = self._null_fit(unit)
        if b is None:
            b = null.intercept
        cert = quantile_certificate(self.data, self.quantile, penalty, w, b, null.theta)
        if cert.gap <= self.tol_abs:  # at or above alpha_max
            return Fit(
                w,
                cert.gap,
                0,
                True,
                self.tol_abs,
                intercept=float(b),
                dual=cert.theta,
                state=cert.theta,
            )
        # the previous alpha's dual point: a small gap at a nearby alpha, so a late first stage
        return solve_group_quantile(
            self.data,
            self.quantile,
            penalty,
            w,
            b,
            tol_abs=self.tol_abs,
            max_iter=self.max_iter,
            theta0=null.theta if state is None else state,
        )
