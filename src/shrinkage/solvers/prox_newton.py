"""Proximal Newton (IRLS) with working sets for GLMs with Elastic-Net penalties and bounds.

Outer loop: fit the unpenalized block (intercept, free columns) by Newton's method on its
centred, Jacobi-scaled system (so that columns in any units converge alike), take the full
gradient X' (sw l'(eta)), certify, and pick a working set of the largest KKT violations (always
with the support and the free columns).  Middle loop: Newton steps on the working set, each
minimising the quadratic model of the datafit plus the penalty by coordinate descent (numba,
``_glm_kernels.newton_cd``; the intercept is profiled out exactly) and then a backtracking line
search on the true objective (Armijo on the composite objective), until the working set's KKT
violations drop below a fraction of the outer ones.

The certificate (``certify``) is the duality gap of ``shrinkage.glm_certificates`` plus the
Newton decrement of the unpenalized block, which the gap's dual point takes as fitted: with no
penalty (alpha = 0) it is the decrement alone, lambda^2 = g' H^+ g, which bounds F - F* near the
optimum for self-concordant losses (F - F* <= lambda^2 for lambda <= 0.68) and does not depend
on the columns' units.  Where a tiny penalty makes the gap meaningless, the bound
``near_unpenalized_bound`` takes over.

A datafit that is not convex in eta (``convex`` False: Tweedie with the log link and a power
outside [1, 2]) has no duality gap to offer: its Newton models use the Fisher weight
(``fisher_curvature``, > 0) instead of l'', so that each is strictly convex and its step a
descent direction, the line search runs on the true objective as always, and the certificate
is the largest KKT violation per unit column norm (``glm_certificates.glm_kkt_violation``):
a local minimum, found from the start the caller gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .._design import GLMDesign
from ..engine.working_set import Certificate, Progress, Ranking, Step, solve_working_set
from ..glm_certificates import flat_weights, glm_duality_gap, glm_kkt_violation
from ..penalties._l1_l2_kernels import kkt_violations, penalty_value
from ..penalties._separable import ELASTIC_NET, penalty_arrays
from ..penalties.l1_l2 import PenaltyWeights
from . import _glm_kernels, _kernels
from ._constants import ARMIJO, INNER_FRACTION, MAX_NEWTON, NEWTON_ROUNDING
from .result import Fit

# where l'' = 0 the Newton model gets this fraction of the curvature bound: enough to keep it
# strictly convex, small enough not to damp the step (1e-2 made a squared-hinge fit on iris take
# 2351 epochs instead of 115, the floor acting as a proximal term)
_CURVATURE_FLOOR = 1e-4
# the near-unpenalized bound forms a dense (n, m) block and an m x m system: up to these sizes
_MAX_BOUND_COLUMNS = 1000
_MAX_BOUND_ENTRIES = 20_000_000
# a centred column norm is known to the rounding of sum sw x^2 - (sum sw x)^2 / sum sw
_CENTRING_ROUNDING = 64 * np.finfo(float).eps


class DivergenceError(ValueError):
    """The unpenalized part of the model has no finite optimum."""


def diverged_message(datafit) -> str:
    return (
        f"The {datafit.name} model has no finite optimum: its unpenalized part (the "
        "intercept, columns with penalty_factor=0, or every column when alpha=0) drives the "
        "loss to its infimum, e.g. the classes are perfectly separable by it, so the "
        "coefficients diverge; use an L2 or L1 penalty (alpha > 0, penalty_factor > 0)."
    )


@dataclass
class _Data:
    """What every step reads: the design, the target and the fixed parts of the predictor."""

    design: GLMDesign
    datafit: Any  # a Datafit of shrinkage.datafits.base (some add convex, fisher_curvature)
    y: np.ndarray
    sw: np.ndarray
    offset: np.ndarray
    fit_intercept: bool

    def objective(self, eta: np.ndarray) -> float:
        return float(self.sw @ self.datafit.loss(self.y, eta))

    @property
    def convex(self) -> bool:
        """Whether the datafit is convex in eta: certified by the duality gap, else by KKT."""
        return bool(getattr(self.datafit, "convex", True))

    @cached_property
    def unit_norm_sq(self) -> np.ndarray:
        """||x_j||^2 of the KKT certificate: sum_i sw_i x_ij^2, centred with an intercept (the
        certificate does not change when a constant is added to a column), floored at the
        rounding of the centring."""
        raw = self.column_norm_sq
        total = float(self.sw.sum())
        if not self.fit_intercept or not total > 0:
            return raw
        mean = np.asarray(self.design.rmatvec(self.sw), dtype=np.float64).ravel() / total
        return np.maximum(raw - total * mean**2, _CENTRING_ROUNDING * raw)

    @cached_property
    def column_norm_sq(self) -> np.ndarray:
        """sum_i sw_i x_ij^2 per column (not centred: the rounding of x_j' u is on this scale)."""
        return np.asarray(self.design.rmatvec_squared(self.sw), dtype=np.float64).ravel()

    def model_curvature(self, eta: np.ndarray) -> np.ndarray:
        """sw l''(eta), where l'' = 0 (Huber's linear zone, a met hinge margin) replaced by a
        fraction of the curvature bound so that every Newton model is strictly convex; for a
        non-convex datafit sw times its Fisher weight (``fisher_curvature``, > 0)."""
        if not self.convex:
            return self.sw * self.datafit.fisher_curvature(self.y, eta)
        curv = self.datafit.curvature(self.y, eta)
        bound = self.datafit.curvature_bound
        if bound is not None:
            curv = np.where(curv > 0, curv, _CURVATURE_FLOOR * bound)
        return self.sw * curv


def solve_prox_newton(
    data: _Data,
    pw: PenaltyWeights,
    w0: np.ndarray,
    b0: float,
    *,
    tol_abs: float,
    max_iter: int,
    eta0: np.ndarray | None = None,
) -> Fit:
    """Minimise sum sw l(y, Xw + b + offset) + sum_j l1_j |w_j| + l2_j/2 w_j^2 on the box.

    Stops when the certificate (``certify``) is below ``tol_abs`` and no zero coefficient
    violates its optimality condition beyond rounding (``support_closed``), or after ``max_iter``
    iterations in all (coordinate-descent epochs and Newton steps of the unpenalized block).
    ``eta0`` is the linear predictor at (w0, b0) when the caller has it.  The certificate is the
    duality gap, or for a non-convex datafit the KKT violation (``Fit.certificate`` "kkt"; then
    ``tol_abs`` is in its units, e.g. tol times ``glm_certificates.kkt_scale``).
    """
    w = np.clip(np.asarray(w0, dtype=np.float64), pw.lower, pw.upper)
    b = float(b0) if data.fit_intercept else 0.0
    eta = (
        eta0.copy()
        if eta0 is not None and np.array_equal(w, w0)
        else data.design.matvec(w) + b + data.offset
    )
    model = ProxNewton(data, pw, w, b, eta, tol_abs)
    out = solve_working_set(model, max_iter=max_iter, reset=True)
    gap = out.cert.gap
    if (
        data.convex and gap > tol_abs and not model.stalled.tried_at(out.epochs)
    ):  # the gap may be meaningless
        gap = min(
            gap, near_unpenalized_bound(data, pw, model.w, model.b, model.eta, polish_unpenalized)
        )
    return Fit(
        model.w,
        float(gap),
        out.epochs,
        bool(gap <= tol_abs and out.cert.closed),
        float(tol_abs),
        intercept=model.b,
        state=model.eta,
        certificate="duality_gap" if data.convex else "kkt",
    )


class ProxNewton:
    """Proximal Newton for a GLM as an ``engine.working_set`` model (blocks: coordinates).

    certify: Newton's method on the unpenalized block (``polish_unpenalized``), the full
    gradient, ``certify`` (with ``near_unpenalized_bound`` when the objective stalls) and the KKT
    scores; for a non-convex datafit the KKT certificate ``glm_kkt_violation`` instead.
    inner: Newton steps on the working set (``_newton_step``: CD on the quadratic model, then a
    line search), until its KKT violations drop below the engine's tolerance.
    The movable support and the free columns are forced in; fixed coordinates never enter.
    """

    def __init__(
        self,
        data: _Data,
        pw: PenaltyWeights,
        w: np.ndarray,
        b: float,
        eta: np.ndarray,
        tol_abs: float,
    ):
        p = data.design.shape[1]
        self.data, self.pw, self.w, self.b, self.eta, self.tol_abs = data, pw, w, b, eta, tol_abs
        self.free = free_columns(pw)
        self.args = data.design.kernel_args()
        self.grad, self.hx, self.hxx = np.zeros(p), np.zeros(p), np.zeros(p)
        self.movable = pw.lower < pw.upper
        self.n_movable = int(np.sum(self.movable))
        self.stalled = Stall()
        self.epochs = 0
        if not data.convex:  # fixed coordinates have no KKT condition to violate
            self.unit_sq = np.where(self.movable, data.unit_norm_sq, 0.0)

    def certify(self, budget: int) -> Certificate:
        data, pw = self.data, self.pw
        polished = polish_unpenalized(
            data, pw, self.free, self.w, self.b, self.eta, max_steps=min(MAX_NEWTON, max(budget, 0))
        )
        self.w, self.b, self.eta = polished.w, float(polished.b), polished.eta  # one intercept
        self.epochs += polished.n_steps
        self.g = data.sw * data.datafit.derivative(data.y, self.eta)
        self.grad = data.design.rmatvec(self.g)
        if data.convex:
            gap, objective = certify(data, pw, self.w, self.eta, self.grad, polished)
            if gap > self.tol_abs and self.stalled.check(objective, self.epochs):
                gap = min(
                    gap,
                    near_unpenalized_bound(data, pw, self.w, self.b, self.eta, polish_unpenalized),
                )
        self.scores = kkt_violations(
            -self.grad, self.w, pw.l1, pw.l2, pw.lower, pw.upper, np.empty(self.w.size)
        )
        if not data.convex:
            gap = glm_kkt_violation(self.scores, self.unit_sq, self.g, data.sw, data.fit_intercept)
        closed = support_closed(data, pw, self.w, self.scores, self.g)
        return Certificate(gap, closed, self.tol_abs, polished.n_steps)

    def screen(self, cert: Certificate) -> bool:
        return False

    def ranking(self) -> Ranking:
        return forced_ranking(self.scores, self.w != 0, self.movable, self.free, self.n_movable)

    def inner(self, ws: np.ndarray, tol_inner: float, budget: int) -> Step:
        data, pw = self.data, self.pw
        n_steps = spent = 0
        tol = tol_inner
        while n_steps < MAX_NEWTON and spent < budget:
            step = _newton_step(
                data,
                pw,
                ws,
                self.w,
                self.b,
                self.eta,
                self.g,
                tol,
                budget - spent,
                self.hx,
                self.hxx,
                self.args,
            )
            if step is None:
                break
            n_steps += 1
            self.w, self.b, self.eta, n_epochs = step
            spent += n_epochs
            self.g = data.sw * data.datafit.derivative(data.y, self.eta)
            _glm_kernels.gradient_on(*self.args, ws, self.g, self.grad)
            ws_worst = float(
                kkt_violations(
                    -self.grad[ws],
                    self.w[ws],
                    pw.l1[ws],
                    pw.l2[ws],
                    pw.lower[ws],
                    pw.upper[ws],
                    np.empty(ws.size),
                ).max()
            )
            if ws_worst <= tol_inner:
                break
            tol = INNER_FRACTION * ws_worst
        self.epochs += spent
        return newton_progress(spent, n_steps, ws.size, self.n_movable)


def forced_ranking(
    scores: np.ndarray, nonzero: np.ndarray, movable: np.ndarray, free: np.ndarray, n_movable: int
) -> Ranking:
    """The ranking of the Newton solvers: the movable support and the free columns forced in,
    the fixed coordinates (lower == upper) below every score, at most ``n_movable`` columns."""
    forced = nonzero & movable
    forced[free] = True
    return Ranking(np.where(movable, scores, -1.0), forced, limit=n_movable)


def newton_progress(epochs: int, n_steps: int, ws_size: int, n_movable: int) -> Step:
    """The inner solve of the Newton solvers: moved if a step was taken; else grow the working
    set, or stop when it already holds every movable column (no descent left: the gap is at
    rounding level)."""
    if n_steps:
        return Step(epochs, Progress.MOVED)
    return Step(epochs, Progress.STOP if ws_size == n_movable else Progress.GROW)


def support_closed(
    data: _Data, pw: PenaltyWeights, w: np.ndarray, violations: np.ndarray, u: np.ndarray
) -> bool:
    """Whether no zero coefficient violates its optimality condition beyond rounding.

    ``violations`` are the KKT violations of w's entries (raveled), ``u`` = sw l'(eta).  A zero
    coefficient whose violation exceeds ``_kernels.KKT_ROUNDING`` sqrt(sum sw x_j^2)
    sqrt(sum u^2 / sw) (Cauchy-Schwarz on x_j' u) plus a few ulps of l1_j would lower the
    objective if it moved, however small the gap: w = 0 just below alpha_max is not an optimum.
    """
    l1 = flat_weights(pw, w.shape)[0]
    norms = data.column_norm_sq
    if w.ndim == 2:
        norms = np.repeat(norms, w.shape[1])
    positive = data.sw > 0
    u_sq = u[positive] ** 2
    scale = float(np.sum((u_sq if u.ndim == 1 else u_sq.sum(axis=1)) / data.sw[positive]))
    closed, _ = _kernels.optimality_checks(
        np.ravel(violations), np.ravel(w), l1, norms, scale, np.ones(w.size, dtype=np.bool_)
    )
    return bool(closed)


class Stall:
    """When to try ``near_unpenalized_bound`` while the gap stays above the tolerance: when the
    objective no longer decreases beyond rounding from one certificate to the next (the gap is
    then stuck, e.g. meaningless under a tiny penalty), at most once per doubling of the work."""

    def __init__(self):
        self.last = np.inf
        self.next_try = 0
        self.tried = -1

    def check(self, objective: float, epochs: int) -> bool:
        stuck = self.last - objective <= NEWTON_ROUNDING * abs(objective)
        self.last = objective
        if not stuck or epochs < self.next_try:
            return False
        self.next_try, self.tried = 2 * max(epochs, 1), epochs
        return True

    def tried_at(self, epochs: int) -> bool:
        return self.tried == epochs


def certify(
    data: _Data,
    pw: PenaltyWeights,
    w: np.ndarray,
    eta: np.ndarray,
    grad: np.ndarray,
    polished: Polished,
) -> tuple[float, float]:
    """(certificate, objective) at a polished point: the certificate is the duality gap, whose
    dual point takes the unpenalized block as fitted, plus that block's Newton decrement (how
    far it is from being fitted: ``glm_certificates``)."""
    gap, primal = glm_duality_gap(
        data.datafit,
        data.y,
        data.sw,
        eta,
        data.offset,
        w,
        pw,
        grad,
        _exact_entries(polished.exact, w.shape),
    )
    return gap + polished.decrement, primal


def _exact_entries(exact: np.ndarray, shape: tuple) -> np.ndarray:
    """The raveled entries of the exactly fitted columns (all K of them for (p, K) w)."""
    if len(shape) == 1:
        return exact
    K = shape[1]
    return (exact[:, None] * K + np.arange(K)).ravel()


def free_columns(pw: PenaltyWeights) -> np.ndarray:
    """The unpenalized coordinates that can move."""
    return np.flatnonzero((pw.l1 == 0) & (pw.l2 == 0) & (pw.lower < pw.upper))


def _newton_step(
    data: _Data,
    pw: PenaltyWeights,
    ws,
    w,
    b,
    eta,
    g,
    tol,
    max_epochs,
    hx,
    hxx,
    args: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool],
):
    """One proximal Newton step on ``ws`` with its line search; None if it cannot descend."""
    h = data.model_curvature(eta)
    H = float(h.sum())
    _glm_kernels.column_stats(*args, ws, h, hx, hxx)
    intercept = data.fit_intercept and H > 0
    mean = hx / H if intercept else np.zeros_like(hx)
    curv = hxx - mean * hx if intercept else hxx.copy()
    z = w.copy()
    a = g.copy()
    d = np.zeros_like(eta)
    c = -float(g.sum()) / H if intercept else 0.0
    penalty = penalty_arrays(ELASTIC_NET, pw.l1, pw.l2, pw.lower, pw.upper)
    c, n_epochs = _glm_kernels.newton_cd(
        args, penalty, ws, z, g, a, d, c, h, mean, curv, H, max_epochs, tol
    )
    direction = d + c
    w_ws, z_ws, l1, l2 = w[ws], z[ws], pw.l1[ws], pw.l2[ws]
    dw = z_ws - w_ws
    pen_old = penalty_value(w_ws, l1, l2)
    # the change of the penalty term by term: its sign must survive rounding near the optimum
    pen_change = float(l1 @ (np.abs(z_ws) - np.abs(w_ws)) + 0.5 * l2 @ (dw * (z_ws + w_ws)))
    decrease = float(g @ direction) + pen_change
    if not decrease < 0:
        return None
    w_t = w.copy()

    def trial(t: float):
        w_t[ws] = w_ws + t * dw
        eta_t = eta + t * direction
        return data.objective(eta_t) + penalty_value(w_t[ws], l1, l2), eta_t

    accepted = backtrack(trial, data.objective(eta) + pen_old, decrease)
    if accepted is None:
        return None
    t, eta_t = accepted
    return np.clip(w_t, pw.lower, pw.upper), b + t * c, eta_t, n_epochs


def backtrack(trial, f0: float, decrease: float):
    """Armijo backtracking: the first t in 1, 1/2, 1/4, ... (down to 1e-10) whose
    ``trial(t) = (objective, payload)`` has objective <= f0 + 1e-4 t decrease; (t, payload), or
    None.  Below rounding Armijo cannot tell, so a step is then accepted unless the objective
    visibly rises."""
    slack = NEWTON_ROUNDING * abs(f0) if -decrease < NEWTON_ROUNDING * abs(f0) else 0.0
    t = 1.0
    while t >= 1e-10:
        f_t, payload = trial(t)
        if f_t <= f0 + ARMIJO * t * decrease + slack:
            return t, payload
        t *= 0.5
    return None


def objective_along(data: _Data, eta: np.ndarray, direction: np.ndarray):
    """The ``backtrack`` trial of the datafit alone on eta + t direction: t -> (f, (eta_t, f))."""

    def trial(t: float):
        eta_t = eta + t * direction
        f_t = data.objective(eta_t)
        return f_t, (eta_t, f_t)

    return trial


@dataclass(frozen=True)
class Polished:
    """The unpenalized block after Newton's method: the point, the columns fitted (``exact``),
    the Newton decrement there (lambda^2 = g' H^+ g of the block, an estimate of how far its
    objective is above the block's optimum) and the Newton steps taken."""

    w: np.ndarray
    b: float | np.ndarray
    eta: np.ndarray
    exact: np.ndarray
    decrement: float
    n_steps: int


def centre_block(B: np.ndarray, weights: np.ndarray, fit_intercept: bool):
    """(C, mean): B with its columns after the first (the intercept's) centred by their
    ``weights``-weighted means; mean is None without an intercept.  Newton systems in C are
    free of the near-collinearity of the intercept with columns of large mean."""
    total = float(weights.sum())
    if not fit_intercept or B.shape[1] == 1 or not total > 0:
        return B, None
    mean = (weights @ B[:, 1:]) / total
    C = B.copy()
    C[:, 1:] -= mean
    return C, mean


def uncentre(step: np.ndarray, mean: np.ndarray | None) -> np.ndarray:
    """A step in the centred coordinates of ``centre_block`` in B's own (rows: the block's
    coefficients, the intercept first)."""
    if mean is None:
        return step
    out = step.copy()
    out[0] -= mean @ step[1:]
    return out


def scaled_solve(hess: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """The least-norm solution of hess s = grad in the Jacobi-scaled coordinates (unit diagonal),
    so that columns whose scales differ by many decades are solved as accurately as on
    standardized data."""
    d = np.sqrt(np.abs(np.diag(hess)))
    d = np.where(d > 0, d, 1.0)
    return np.linalg.lstsq(hess / np.outer(d, d), grad / d, rcond=None)[0] / d


def newton_direction(B: np.ndarray, h: np.ndarray, g: np.ndarray, fit_intercept: bool):
    """(step, decrement): the Newton step of sum sw l(eta + B theta) in theta (B's first column
    the intercept's ones when ``fit_intercept``), h = sw l'', g = sw l' at eta, and the Newton
    decrement lambda^2 = g'B (B'hB)^+ B'g, both invariant to the scales of B's columns."""
    C, mean = centre_block(B, h, fit_intercept)
    grad = C.T @ g
    s = scaled_solve((C * h[:, None]).T @ C, grad)
    return -uncentre(s, mean), max(float(grad @ s), 0.0)


def polish_unpenalized(
    data: _Data,
    pw: PenaltyWeights,
    free: np.ndarray,
    w: np.ndarray,
    b: float,
    eta: np.ndarray,
    *,
    max_steps: int = 50,
) -> Polished:
    """Newton's method on the unpenalized block (intercept, free columns inside their bounds),
    the penalized coefficients held fixed, until its gradient vanishes to rounding or its
    Newton decrement stops shrinking below the objective's rounding (at most ``max_steps``
    steps).  A column that a step takes to a bound stays there, out of the block.

    The step and the decrement are computed on the centred, Jacobi-scaled block: the stop does
    not depend on the columns' units.
    """
    inside = free[
        (w[free] > pw.lower[free]) & (w[free] < pw.upper[free])
        | np.isinf(pw.lower[free]) & np.isinf(pw.upper[free])
    ]
    if not data.fit_intercept and not inside.size:
        return Polished(w, b, eta, inside, 0.0, 0)
    w = w.copy()
    f = data.objective(eta)
    last = np.inf
    n_steps = 0
    B = unpenalized_block(data, inside)
    while True:
        g = data.sw * data.datafit.derivative(data.y, eta)
        # rounding level of each gradient entry: the block is exact there
        size = float(np.max(np.abs(B.T @ g) / (np.abs(B.T) @ np.abs(g) + 1e-300)))
        step, decrement = newton_direction(B, data.model_curvature(eta), g, data.fit_intercept)
        if (
            size <= NEWTON_ROUNDING
            or n_steps >= max_steps
            or not decrement > 0
            or (decrement <= NEWTON_ROUNDING * abs(f) and decrement >= last)
        ):
            break
        last = decrement
        accepted = backtrack(objective_along(data, eta, B @ step), f, -decrement)
        if accepted is None:
            break
        t, (eta, f) = accepted
        n_steps += 1
        if data.fit_intercept:
            b += t * step[0]
        w[inside] += t * step[int(data.fit_intercept) :]
        clipped = np.clip(w[inside], pw.lower[inside], pw.upper[inside])
        if not np.array_equal(clipped, w[inside]):  # a bound reached: it leaves the block
            eta = eta + B[:, int(data.fit_intercept) :] @ (clipped - w[inside])
            f = data.objective(eta)
            w[inside] = clipped
            inside = inside[(clipped > pw.lower[inside]) & (clipped < pw.upper[inside])]
            B = unpenalized_block(data, inside)
            if not B.shape[1]:
                return Polished(w, b, eta, inside, 0.0, n_steps)
            last = np.inf
    return Polished(w, b, eta, inside, decrement, n_steps)


def unpenalized_block(data: _Data, cols: np.ndarray) -> np.ndarray:
    """[1, X[:, cols]] (without the ones when no intercept is fitted), dense (n, m)."""
    blocks = [np.ones((data.y.shape[0], 1))] if data.fit_intercept else []
    if cols.size:
        blocks.append(data.design.columns(cols))
    return np.hstack(blocks) if blocks else np.empty((data.y.shape[0], 0))


def near_unpenalized_bound(
    data: _Data, pw: PenaltyWeights, w: np.ndarray, b, eta: np.ndarray, polish
) -> float:
    """A bound on P(w) - P* for tiny penalties, where the duality gap is meaningless:
    P(w) - P* <= (F(w) - min F) + Omega(w), F the datafit alone minimised over every movable
    coefficient without bounds (Omega >= 0, and the box only raises min F), with F(w) - min F
    estimated by the Newton decrement lambda^2 of that unpenalized fit (``polish`` with no step).
    inf when the dense block would be too large."""
    movable = np.flatnonzero(pw.lower < pw.upper)
    n = data.y.shape[0]
    if movable.size + 1 > _MAX_BOUND_COLUMNS or n * (movable.size + 1) > _MAX_BOUND_ENTRIES:
        return np.inf
    zeros = np.zeros_like(pw.l1)
    unbounded = PenaltyWeights(
        zeros, zeros, np.full_like(zeros, -np.inf), np.full_like(zeros, np.inf)
    )
    decrement = polish(data, unbounded, movable, w, b, eta, max_steps=0).decrement
    l1, l2, _, _ = flat_weights(pw, w.shape)
    return decrement + float(penalty_value(np.ravel(w), l1, l2))
