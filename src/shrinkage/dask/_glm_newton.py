"""The proximal Newton iterations of ``shrinkage.dask.glm``, each step one pass.

``Solver.path`` fits a warm-started path from the statistics of the current point P (an
``Evaluation``, made by ``DaskGLM.evaluate``): it plans the certificates of P (the dual point of
``Certificate``) and the Newton step to try, makes the pass that does both, and moves.  See the
module docstring of ``shrinkage.dask.glm`` for the method and its pass count.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..datafits.quadratic import SufficientStatistics
from ..glm_certificates import trusted_glm_gap
from ..penalties._l1_l2_kernels import (
    dual_scale,
    kkt_violations,
    penalty_conjugate,
    penalty_value,
)
from ..penalties.l1_l2 import PenaltyWeights
from ..solvers._constants import ARMIJO, DASK_NEWTON_ROUNDING, WS_START
from ..solvers.gram import solve_gram
from ..solvers.prox_newton import DivergenceError, diverged_message, free_columns
from ._glm_sums import Certificate, Request

if TYPE_CHECKING:
    from .glm import DaskGLM

logger = logging.getLogger("shrinkage.dask")

# the core's proximal Newton constants (shrinkage.solvers.prox_newton)
_ETA_DIVERGED = 700.0
_STEPS = tuple(0.5**k for k in range(4))  # the step sizes one line-search pass evaluates
_MIN_STEP = 1e-10
_INNER_TOL = 1e-3  # the Newton subproblem's gap, a fraction of the path's tolerance ...
_INNER_FLOOR = 10 * np.finfo(float).eps  # ... and this relative to its own scale (rounding)
_LOOK_AHEAD = 0.5  # look ahead when P's predicted gap is below this fraction of the tolerance,
_MAX_AHEAD = 8  # certifying at most this many alphas in one pass
_MIN_RATIO = 0.1  # the calibration of the predicted gap never trusts it more than 10x,
_NEAR = 100.0  # and uses the gaps below this many tolerances (where Newton converges fast)


@dataclass(frozen=True)
class Evaluation:
    """A pass's result, normalized by the total weight (sw = s / sum s)."""

    w: np.ndarray  # the point of the statistics
    b: float
    cols: np.ndarray
    free: np.ndarray
    loss: float
    grad: np.ndarray
    g0: float
    H: float
    mean: np.ndarray  # h-weighted column means over cols
    cov: np.ndarray  # h-weighted centred second moments / H over cols
    hx: np.ndarray
    cross: np.ndarray
    g2h: float
    line_loss: np.ndarray
    line_eta_max: np.ndarray
    conj: np.ndarray
    offset_dot: np.ndarray
    polished_loss: np.ndarray

    def position(self, cols: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.cols, cols)


@dataclass(frozen=True)
class AlphaFit:
    """One alpha's solution, its certificate and its cost."""

    w: np.ndarray
    intercept: float
    loss: float
    gap: float
    n_iter: int
    converged: bool
    tol: float
    passes: int
    newton_steps: int
    certificate: str = "duality_gap"  # as Fit's: warn_not_converged names it


@dataclass(frozen=True)
class _Step:
    """A Newton direction from P and what its pass needs."""

    dw: np.ndarray
    db: float
    decrease: float  # the model's directional decrease (< 0)
    n_epochs: int
    ahead: np.ndarray  # the columns of the moments to take at P + d


class Solver:
    """The proximal Newton iterations; every pass goes through ``DaskGLM.evaluate``."""

    def __init__(self, problem: DaskGLM):
        self.problem = problem

    def evaluate(self, w, b, cols, free, **kwargs) -> Evaluation:
        cols = np.union1d(np.asarray(cols, dtype=np.int64), free).astype(np.int64)
        return self.problem.evaluate(
            Request(
                np.asarray(w, dtype=np.float64),
                float(b),
                cols,
                np.asarray(free, dtype=np.int64),
                **kwargs,
            )
        )

    def covering(self, ev: Evaluation, free: np.ndarray) -> Evaluation:
        """ev, or its point again with the moments and cross moments of ``free`` too."""
        if np.all(np.isin(free, ev.free)) and np.all(np.isin(free, ev.cols)):
            return ev
        return self.evaluate(ev.w, ev.b, ev.cols, np.union1d(ev.free, free))

    # ------------------------------------------------------------------- the setup

    def polish(
        self, pw: PenaltyWeights, free: np.ndarray, w, b, ev: Evaluation, max_steps: int = 50
    ):
        """Newton on the intercept and the free columns inside their bounds, to rounding (as
        ``prox_newton.polish_unpenalized``; used for the null model).  Returns (w, b, ev)."""
        inside = _inside(free, w, pw)
        ev = self.covering(ev, free)
        hint = np.argsort(-np.abs(ev.grad))[: 2 * WS_START]  # moments for the first steps
        for _ in range(max_steps):
            delta, grad, _ = self._unpenalized_step(ev, inside)
            decrease = -float(grad @ delta)
            if not decrease < -1e-15 * max(ev.loss, 1e-300):
                break
            dw = np.zeros_like(w)
            dw[inside] = -delta[int(self.problem.fit_intercept) :]
            db = -float(delta[0]) if self.problem.fit_intercept else 0.0
            f0 = ev.loss
            found = None
            first = 1.0
            while found is None and first >= _MIN_STEP:
                steps = tuple(first * s for s in _STEPS)
                trial = self.evaluate(
                    w + first * dw,
                    b + first * db,
                    hint,
                    free,
                    base=(w, b),
                    direction=(dw, db),
                    steps=steps,
                )
                found = _armijo(trial, steps, f0, decrease, lambda _: 0.0, self.problem)
                first *= 0.5 ** len(_STEPS)
            if found is None:
                break
            t, i = found
            w, b = w + t * dw, b + t * db
            ev = trial if i == 0 else self.evaluate(w, b, hint, free)
            hint = np.argsort(-np.abs(ev.grad))[: 2 * WS_START]
        clipped = np.clip(w, pw.lower, pw.upper)
        if not np.array_equal(clipped, w):
            w = clipped
            ev = self.evaluate(w, b, hint, free)
        return w, b, ev

    def _unpenalized_step(self, ev: Evaluation, inside: np.ndarray):
        """(delta, grad_B, cross_B): the Newton step -delta of the unpenalized block B =
        [intercept, inside columns] at ev, its gradient and X' diag(h) B for every column."""
        fit_intercept = self.problem.fit_intercept
        at = ev.position(inside)
        mean, cov = ev.mean[at], ev.cov[np.ix_(at, at)]
        raw = ev.H * (cov + np.outer(mean, mean))
        cross = ev.cross[:, np.searchsorted(ev.free, inside)]
        if fit_intercept:
            hm = ev.H * mean
            hess = np.block([[np.array([[ev.H]]), hm[None, :]], [hm[:, None], raw]])
            grad = np.concatenate([[ev.g0], ev.grad[inside]])
            cross = np.column_stack([ev.hx, cross])
        else:
            hess, grad = raw, ev.grad[inside]
        if grad.size == 0:
            return grad, grad, cross
        return np.linalg.lstsq(hess, grad, rcond=None)[0], grad, cross

    # ------------------------------------------------------------------- certificates

    def _dual(self, ev: Evaluation, w, pw: PenaltyWeights):
        """(certificate, -X'u, ev): P's dual point for the penalty pw (a pass sums its
        conjugate), its correlations, and ev (a new pass at P if it lacked the free columns)."""
        free = free_columns(pw)
        ev = self.covering(ev, free)
        inside = _inside(free, w, pw)
        delta, _, cross = self._unpenalized_step(ev, inside)
        corr = -(ev.grad - cross @ delta) if delta.size else -ev.grad.copy()
        corr[inside] = 0.0
        scale = float(dual_scale(corr, pw.l1, pw.l2, pw.lower, pw.upper))
        cw = np.zeros_like(w)
        fit_intercept = self.problem.fit_intercept
        cw[inside] = delta[int(fit_intercept) :]
        c0 = float(delta[0]) if fit_intercept else 0.0
        return Certificate(scale, c0, cw), corr, ev

    # ------------------------------------------------------------------- the path

    def path(
        self, alphas, l1_ratio: float, w, b, ev: Evaluation, *, tol_abs: float, max_iter: int, stop
    ) -> list[AlphaFit]:
        """Warm-started fits along ``alphas`` from (w, b) with statistics ev there."""
        problem = self.problem
        pws = [problem.weights(float(a), l1_ratio) for a in alphas]
        n = len(alphas)
        epochs = np.zeros(n, dtype=int)
        mark, newton = problem.n_passes, 0  # passes and Newton steps since the last fit
        fits: list[AlphaFit] = []
        w = np.clip(np.asarray(w, dtype=np.float64), pws[0].lower, pws[0].upper)
        if not (np.array_equal(w, ev.w) and b == ev.b):
            ev = self.evaluate(w, b, np.flatnonzero(w), free_columns(pws[0]))
        k, ws_size = 0, WS_START
        no_look_ahead = -1  # an alpha whose look-ahead failed: its step is taken
        ratio = 1.0  # the last certified gap over its prediction
        while k < n:
            plans, explore = [], None
            last = min(n, k + _MAX_AHEAD) - 1
            for i in range(k, last + 1):
                cert, corr, ev = self._dual(ev, w, pws[i])
                step, ev = (
                    (None, ev)
                    if epochs[i] >= max_iter
                    else self._direction(ev, w, b, pws[i], tol_abs, max_iter - epochs[i], ws_size)
                )
                predicted = _predicted_gap(step, cert.scale, w, pws[i], ev.g2h)
                plans.append((i, cert, corr, predicted))
                if epochs[i] >= max_iter:
                    break
                if step is None:  # no descent: P is optimal for alpha i up to rounding
                    if i in (last, no_look_ahead):
                        break
                    continue
                epochs[i] += max(step.n_epochs, 1)
                if ratio * predicted > _LOOK_AHEAD * tol_abs or i in (last, no_look_ahead):
                    explore = (i, step)
                    break
            free = free_columns(pws[plans[-1][0]])
            certs = tuple(plan[1] for plan in plans)
            if explore is None:
                trial = self.evaluate(w, b, ev.cols, free, base=(w, b), certificates=certs)
            else:
                step = explore[1]
                trial = self.evaluate(
                    w + step.dw,
                    b + step.db,
                    step.ahead,
                    free,
                    base=(w, b),
                    direction=(step.dw, step.db),
                    steps=_STEPS,
                    certificates=certs,
                )
            k_before = k
            # alone in its plan (its look-ahead failed) with no descent, or at max_iter
            stuck = explore is None and (
                plans[-1][0] == no_look_ahead or epochs[plans[-1][0]] >= max_iter
            )
            for j, (i, cert, corr, predicted) in enumerate(plans):
                conj, off = trial.conj[j], trial.offset_dot[j]
                gap = _gap(ev.loss, w, pws[i], corr, cert.scale, conj, off)
                if j == 0 and predicted > 0 and gap <= _NEAR * tol_abs:  # calibrate near P*
                    ratio = max(gap / predicted, _MIN_RATIO)
                stalled = stuck and i == plans[-1][0]
                if not (gap <= tol_abs or epochs[i] >= max_iter or stalled):
                    break
                fits.append(
                    AlphaFit(
                        *_finished(w, b, ev.loss, cert, trial.polished_loss[j], pws[i]),
                        gap,
                        int(epochs[i]),
                        bool(gap <= tol_abs),
                        float(tol_abs),
                        problem.n_passes - mark,
                        newton,
                    )
                )
                logger.info(
                    "alpha=%.4g: %d passes, %d Newton steps, gap %.3g",
                    alphas[i],
                    problem.n_passes - mark,
                    newton,
                    gap,
                )
                mark, newton, k = problem.n_passes, 0, i + 1
                if stop(fits[-1].loss, fits[-1].gap):
                    return fits
            if k != k_before:
                ws_size = WS_START
            if k == n:
                break
            if explore is None or explore[0] != k:  # a look-ahead failed: k alone next time
                no_look_ahead = k if explore is None or explore[0] > k else no_look_ahead
                continue
            newton += 1
            pen = pws[k]

            def penalty(t: float, w=w, dw=explore[1].dw, pen=pen) -> float:
                return penalty_value(w + t * dw, pen.l1, pen.l2)

            f0 = ev.loss + penalty(0.0)
            w, b, ev, accepted = self._accept(trial, explore[1], w, b, ev, f0, penalty, free, pen)
            if not accepted:
                ws_size = min(2 * ws_size, int(np.sum(pen.lower < pen.upper)))
        return fits

    def _accept(
        self,
        trial: Evaluation,
        step: _Step,
        w,
        b,
        ev: Evaluation,
        f0,
        penalty,
        free,
        pw: PenaltyWeights,
    ):
        """(w, b, ev, accepted): the Armijo step of a tried direction (more passes only if
        all its step sizes fail)."""
        found = _armijo(trial, _STEPS, f0, step.decrease, penalty, self.problem)
        first = _STEPS[-1] / 2
        while found is None and first >= _MIN_STEP:
            steps = tuple(first * s for s in _STEPS)
            trial = self.evaluate(
                w + first * step.dw,
                b + first * step.db,
                step.ahead,
                free,
                base=(w, b),
                direction=(step.dw, step.db),
                steps=steps,
            )
            found = _armijo(trial, steps, f0, step.decrease, penalty, self.problem)
            first *= 0.5 ** len(_STEPS)
        if found is None:
            return w, b, ev, False
        t, i = found
        w_t = np.clip(w + t * step.dw, pw.lower, pw.upper)
        b_t = b + t * step.db
        if i == 0 and np.array_equal(w_t, trial.w):  # the statistics were taken there
            return w_t, b_t, trial, True
        return w_t, b_t, self.evaluate(w_t, b_t, step.ahead, free), True

    def _direction(
        self,
        ev: Evaluation,
        w,
        b,
        pw: PenaltyWeights,
        tol_abs: float,
        max_epochs: int,
        ws_size: int,
    ):
        """The proximal Newton direction at ev's point on a working set: (step or None, ev).

        The working set is the core's (the support, the free columns and the largest KKT
        violations); a column outside ev's moments joins the next step instead, unless it is
        the worst violator (then one pass takes the moments here)."""
        p = self.problem.n_features
        free = free_columns(pw)
        scores = kkt_violations(-ev.grad, w, pw.l1, pw.l2, pw.lower, pw.upper, np.empty(p))
        worst = float(scores.max(initial=0.0))
        keep = (w != 0) & (pw.lower < pw.upper)
        keep[free] = True
        scores[keep] = np.inf
        scores[pw.lower == pw.upper] = -1.0
        n_movable = int(np.sum(pw.lower < pw.upper))
        size = min(max(ws_size, 2 * int(keep.sum())), n_movable)
        ws = np.sort(np.argpartition(scores, -size)[-size:]).astype(np.int64)
        ahead = _ahead(ws, scores, min(2 * size, n_movable))
        missing = ~np.isin(ws, ev.cols)
        if np.any(missing) and np.max(scores[ws[missing]]) > 0.5 * worst and worst > 0:
            ev = self.evaluate(ev.w, ev.b, ahead, free)
        ws = ws[np.isin(ws, ev.cols)]
        H = ev.H
        if not H > 0:
            return None, ev
        intercept = self.problem.fit_intercept
        at = ev.position(ws)
        mean, cov = ev.mean[at], ev.cov[np.ix_(at, at)]
        grad, wv = ev.grad[ws], w[ws]
        db = -ev.g0 / H if intercept else 0.0
        dv, n_epochs = np.zeros(ws.size), 0
        if ws.size:
            if intercept:
                G, centred = cov, (grad - mean * ev.g0) / H
                spread = ev.g2h / H - (ev.g0 / H) ** 2
            else:
                G, centred = cov + np.outer(mean, mean), grad / H
                spread = ev.g2h / H
            G = np.ascontiguousarray(G)
            q = G @ wv - centred
            yty = max(float(wv @ G @ wv - 2.0 * wv @ centred + spread), np.finfo(float).tiny)
            stats = SufficientStatistics(G, q, yty, mean if intercept else np.zeros(ws.size), 0.0)
            sub = PenaltyWeights(pw.l1[ws] / H, pw.l2[ws] / H, pw.lower[ws], pw.upper[ws])
            fit = solve_gram(
                stats,
                sub,
                wv,
                tol=max(_INNER_TOL * tol_abs / H / yty, _INNER_FLOOR),
                max_iter=max(max_epochs, 1),
            )
            dv, n_epochs = _refine(G, q, fit.w, sub) - wv, fit.n_iter
            if intercept:
                db -= float(mean @ dv)
        decrease = float(grad @ dv) + ev.g0 * db + _penalty_change(wv, dv, pw.l1[ws], pw.l2[ws])
        if not decrease < 0:
            return None, ev
        dw = np.zeros(p)
        dw[ws] = dv
        return _Step(dw, db, decrease, n_epochs, ahead), ev


def _predicted_gap(step: _Step | None, scale: float, w, pw: PenaltyWeights, g2h: float) -> float:
    """What P's gap should be, up to a factor (calibrated on the gaps met): the Newton step's
    decrease, plus what scaling the dual point by s costs, to second order in 1 - s: the
    penalty (1 - s) Omega(w) and the loss's conjugate (1 - s)^2 / 2 sum sw l'^2 / l''."""
    decrease = 0.0 if step is None else -step.decrease
    shrink = 1.0 - scale
    return decrease + shrink * float(penalty_value(w, pw.l1, pw.l2)) + 0.5 * shrink**2 * g2h


def _armijo(trial: Evaluation, steps, f0: float, decrease: float, penalty, problem):
    """(t, index) of the first step size with sufficient decrease, or None.  A decrease
    below the rounding of the objective cannot be checked: the step is taken if the objective
    does not grow beyond rounding (the certificate judges the result)."""
    rounding = DASK_NEWTON_ROUNDING * abs(f0)
    for i, t in enumerate(steps):
        if t < _MIN_STEP:
            return None
        slack = rounding if -decrease * t <= rounding else ARMIJO * t * decrease
        if trial.line_loss[i] + penalty(t) <= f0 + slack:
            if trial.line_eta_max[i] > _ETA_DIVERGED:
                raise DivergenceError(diverged_message(problem.datafit))
            return t, i
    return None


def _refine(G: np.ndarray, q: np.ndarray, z: np.ndarray, pw: PenaltyWeights) -> np.ndarray:
    """The subproblem's solution to rounding: on the coordinates of z strictly inside their
    bounds and non-zero, solve (G + diag l2) v = q - l1 sign(z) - G_fixed z_fixed; kept when
    its KKT violations are not larger than z's (the signs and the zeros were right)."""
    moving = (z != 0) & (z > pw.lower) & (z < pw.upper)
    if not moving.any():
        return z
    v = z.copy()
    fixed = ~moving
    rhs = q[moving] - pw.l1[moving] * np.sign(z[moving]) - G[np.ix_(moving, fixed)] @ z[fixed]
    try:
        v[moving] = np.linalg.solve(G[np.ix_(moving, moving)] + np.diag(pw.l2[moving]), rhs)
    except np.linalg.LinAlgError:
        return z
    inside = (v[moving] > pw.lower[moving]) & (v[moving] < pw.upper[moving])
    if not (np.all(np.sign(v[moving]) == np.sign(z[moving])) and np.all(inside)):
        return z

    def worst(u):
        return float(
            kkt_violations(q - G @ u, u, pw.l1, pw.l2, pw.lower, pw.upper, np.empty(u.size)).max()
        )

    return v if worst(v) <= worst(z) else z


def _penalty_change(w, dw, l1, l2) -> float:
    """Omega(w + dw) - Omega(w) without cancellation (|w + dw| - |w| = sign(w) dw on the
    coordinates that keep their sign), so that a decrease far below Omega is still seen."""
    new = w + dw
    same = (np.sign(new) == np.sign(w)) & (w != 0)
    d_abs = np.where(same, np.sign(w) * dw, np.abs(new) - np.abs(w))
    return float(l1 @ d_abs + l2 @ (dw * (w + 0.5 * dw)))


def _finished(
    w: np.ndarray,
    b: float,
    loss: float,
    cert: Certificate,
    polished_loss: float,
    pw: PenaltyWeights,
) -> tuple[np.ndarray, float, float]:
    """(w, b, loss) to report for a certified P: P with its unpenalized block finished by the
    certificate's Newton step when that does not increase the loss beyond rounding (the penalty
    is the same, so P's gap bounds it too)."""
    w_p = w - cert.cw
    if (
        polished_loss <= loss + DASK_NEWTON_ROUNDING * abs(loss)
        and np.all(w_p >= pw.lower)
        and np.all(w_p <= pw.upper)
    ):
        return w_p, b - cert.c0, polished_loss
    return w.copy(), b, loss


def _inside(free: np.ndarray, w, pw: PenaltyWeights) -> np.ndarray:
    """The free columns strictly inside their bounds (or unbounded)."""
    return free[
        (w[free] > pw.lower[free]) & (w[free] < pw.upper[free])
        | np.isinf(pw.lower[free]) & np.isinf(pw.upper[free])
    ]


def _ahead(ws: np.ndarray, scores: np.ndarray, size: int) -> np.ndarray:
    """The working set and the next largest KKT scores: the columns a pass takes moments of."""
    if size <= ws.size:
        return ws
    return np.union1d(ws, np.argpartition(scores, -size)[-size:]).astype(np.int64)


def _gap(
    loss: float, w, pw: PenaltyWeights, corr, scale: float, conj: float, offset_dot: float
) -> float:
    """``shrinkage.glm_certificates.glm_duality_gap`` from the pass's sums."""
    primal = loss + float(penalty_value(w, pw.l1, pw.l2))
    return trusted_glm_gap(
        primal,
        (
            -conj,
            offset_dot,
            -float(penalty_conjugate(scale * corr, pw.l1, pw.l2, pw.lower, pw.upper)),
        ),
    )
