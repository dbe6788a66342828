"""Logistic and Poisson paths on Dask input: distributed proximal Newton (IRLS), working sets.

The objective is the GLM objective of ``shrinkage.datafits.base`` and the method that of the
core's ``solve_prox_newton``; the rows are reached only through passes over the partitions
(``_glm_sums``).  A pass takes, at a point (w, b), summed over the partitions in a tree: the
loss, the full gradient X' (sw l'(eta)), and with h = sw l''(eta) the curvature moments of a set
S of columns (H = sum h, the h-weighted means m and centred second moments, merged exactly by
Chan's update) plus X' h and X' diag(h) X_free.  The quadratic model of the loss on a working
set A, with the intercept profiled out, is a weighted least-squares problem in Gram form,

    G = C_AA,   q = G w_A - (X_A' g - m sum g) / H,   weights h / H,

so the Newton direction is the core's ``solve_gram`` on those statistics, run locally (then
finished on its support by one linear solve, so that Newton converges quadratically).

One pass per Newton step.  The pass that tries a step from P evaluates the objective at the step
sizes t = 1, 1/2, 1/4, 1/8 at once (Armijo), takes the statistics at the full step (the usual
outcome: they serve the next step and its working set) and certifies P itself: the dual point
v = s (l'(eta) - l''(eta) B delta), with B delta the Newton step of the unpenalized block
(intercept, free columns) from P's statistics, is feasible without polishing P, and its scale s
is known from P's gradient, so P's duality gap costs no pass of its own.  A certified P is
reported with that block step applied when the pass saw it lower the loss (so the gap holds).
When P's gap is predicted below the tolerance (Newton decrease plus the dual scale's cost,
calibrated on the gaps met), the pass also certifies P for the next alphas and tries the step of
the first one that needs it.  Extra passes: a step size below 1 (the statistics where it lands),
a working set whose worst violator fell outside S (S looks ahead: the working set and the next
largest KKT violations), a failed look-ahead, and the setup (column moments, then the null
model to rounding, so that alpha_max and the grid are those of ``shrinkage.glm.solve_glm_path``).
Memory: one |S| x |S| matrix per task.  ``DaskGLMPath`` counts the passes and Newton steps.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from .. import _validation as v
from ..datafits import get_datafit
from ..datafits.quadratic import SufficientStatistics, drop_constant_columns
from ..path import Path, alpha_grid, default_alpha_min_ratio, warn_not_converged
from ..penalties.l1_l2 import ElasticNetPenalty, PenaltyWeights
from ..solvers import _glm_kernels, _kernels
from ..solvers.gram import solve_gram
from ..solvers.prox_newton import DivergenceError, diverged_message
from ._glm_sums import (
    Certificate,
    Request,
    Setup,
    merge_setup,
    merge_sums,
    partition_setup,
    partition_sums,
)
from ._inputs import DaskData, as_dask_data
from ._partitions import SPLIT_EVERY, Spec, partition_tasks, run, tree_reduce
from .statistics import BUDGET_KEY
from .statistics import memory_budget as budget_bytes

logger = logging.getLogger("shrinkage.dask")

# the core's proximal Newton constants (shrinkage.solvers.prox_newton)
_WS_START = 10
_ARMIJO = 1e-4
_ETA_DIVERGED = 700.0
_STEPS = tuple(0.5**k for k in range(4))  # the step sizes one line-search pass evaluates
_MIN_STEP = 1e-10
_ROUNDING = 64 * np.finfo(float).eps  # relative rounding of an objective value
_INNER_TOL = 1e-3  # the Newton subproblem's gap, a fraction of the path's tolerance ...
_INNER_FLOOR = 10 * np.finfo(float).eps  # ... and this relative to its own scale (rounding)
_LOOK_AHEAD = 0.5  # look ahead when P's predicted gap is below this fraction of the tolerance,
_MAX_AHEAD = 8  # certifying at most this many alphas in one pass
_MIN_RATIO = 0.1  # the calibration of the predicted gap never trusts it more than 10x,
_NEAR = 100.0  # and uses the gaps below this many tolerances (where Newton converges fast)
# glmnet's early stop of a default path (as shrinkage.glm.path)
_DEV_RATIO_MAX = 0.999
_DEV_RATIO_STALL = 1e-5
_MIN_ALPHAS_BEFORE_STOP = 5


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


@dataclass(frozen=True)
class DaskGLMPath(Path):
    """The core ``Path`` plus what the distributed fit cost, per alpha."""

    n_passes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    n_newton: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    setup_passes: int = 0  # before the first alpha (column moments, null model), in all


@dataclass
class DaskGLM:
    """A GLM problem on Dask input: the data, the alpha-free parts of the penalty, the passes."""

    data: DaskData
    datafit: object
    offset_col: int | None
    factors: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    fit_intercept: bool
    standardize: bool
    feature_names: np.ndarray | None
    setup: Setup
    budget: int  # bytes for the curvature moments of one pass
    n_passes: int = 1

    @classmethod
    def build(cls, X, y, *, datafit, sample_weight=None, offset=None, penalty_factor=None,
              lower=None, upper=None, positive=False, fit_intercept=True, standardize=False,
              feature_names=None, memory_budget=None) -> DaskGLM:
        """Check and align the inputs and make the first pass (checks, column moments).

        ``memory_budget``: bytes (or "8GiB") for the |S| x |S| moments of a pass; default the
        dask config ``shrinkage.max-gram-memory``.
        """
        datafit = get_datafit(datafit)
        budget = budget_bytes(memory_budget)
        X, offset_name = _with_offset(X, offset)
        data = as_dask_data(X, y, sample_weight)
        names = data.feature_names
        offset_col = None
        if offset_name is not None:
            offset_col = (data.n_features - 1 if names is None
                          else int(np.flatnonzero(names == offset_name)[0]))
            names = None if names is None else np.delete(names, offset_col)
        p = data.n_features - (offset_col is not None)
        if p == 0:
            raise ValueError("X has no feature columns besides the offset.")
        lo, up = v.check_bounds(lower, upper, p, positive)
        factors = v.check_penalty_factor(penalty_factor, p)
        names = v.check_feature_names(names if feature_names is None else feature_names, p)
        tasks = partition_tasks(data, partition_setup, Spec.of(data, 1, 0), datafit=datafit,
                                offset_col=offset_col)
        setup = run(data, tree_reduce(tasks, merge_setup))
        if setup.rows == 0:
            raise ValueError("X has no rows.")
        if setup.weight <= 0:
            raise ValueError("sample_weight sums to zero: at least one sample needs a positive "
                             "weight.")
        return cls(data, datafit, offset_col, factors, lo, up, bool(fit_intercept),
                   bool(standardize), names, setup, budget)

    @property
    def n_samples(self) -> int:
        return self.setup.rows

    @property
    def n_features(self) -> int:
        return self.factors.shape[0]

    @property
    def total_weight(self) -> float:
        return self.setup.weight

    @property
    def col_norm_sq(self) -> np.ndarray:
        """Weighted variance of each column (mean square without intercept); 0 when constant."""
        W, mean, m2 = self.setup.weight, self.setup.mean, self.setup.m2
        raw = m2 / W + mean**2
        return drop_constant_columns(m2 / W, raw) if self.fit_intercept else raw

    def penalty(self, alpha: float, l1_ratio: float) -> ElasticNetPenalty:
        scale = None
        if self.standardize:
            sd = np.sqrt(self.col_norm_sq)
            scale = np.where(sd > 0, sd, 1.0)
        return ElasticNetPenalty(alpha, l1_ratio, self.factors, self.lower, self.upper, scale)

    def weights(self, alpha: float, l1_ratio: float) -> PenaltyWeights:
        """The kernels' weights at alpha; constant columns are pinned at 0."""
        pw = self.penalty(alpha, l1_ratio).weights()
        inactive = self.col_norm_sq == 0
        return PenaltyWeights(pw.l1, pw.l2, np.where(inactive, 0.0, pw.lower),
                              np.where(inactive, 0.0, pw.upper))

    def evaluate(self, request: Request) -> Evaluation:
        """One pass over the data."""
        k = request.cols.size
        need = 8 * (k * k + self.n_features * request.free.size) * (SPLIT_EVERY + 1)
        if need > self.budget:
            raise ValueError(
                f"the working set grew to {k} columns: a pass needs their {k} x {k} curvature "
                f"moments, about {need / 2**20:.0f} MiB per task, above the memory budget of "
                f"{self.budget / 2**20:.0f} MiB. Raise it if the workers have the memory "
                f"(memory_budget=... or dask.config.set({{'{BUDGET_KEY}': '32GiB'}})), or keep "
                "the working set small: larger alphas (a larger alpha_min_ratio), fewer "
                "unpenalized columns (penalty_factor=0), or fewer features.")
        data = self.data
        tasks = partition_tasks(data, partition_sums, Spec.of(data, 1, 0), datafit=self.datafit,
                                offset_col=self.offset_col, request=request)
        sums = run(data, tree_reduce(tasks, merge_sums))
        self.n_passes += 1
        W = self.setup.weight
        c = sums.curvature
        weight = float(c.weight[0])
        cov = c.m2[0] / weight if weight > 0 else np.zeros_like(c.m2[0])
        return Evaluation(request.w, request.b, request.cols, request.free, sums.loss / W,
                          sums.grad / W, sums.g0 / W, weight / W, c.mean[0], 0.5 * (cov + cov.T),
                          sums.hx / W, sums.cross / W, sums.g2h / W,
                          sums.line_loss / W, sums.line_eta_max, sums.conj / W,
                          sums.offset_dot / W, sums.polished_loss / W)


def _with_offset(X, offset):
    """X with the offset as one more column, and that column's name (None: no offset)."""
    if offset is None:
        return X, None
    import dask.array as da
    import dask.dataframe as dd

    if isinstance(X, dd.DataFrame):
        if isinstance(offset, str):
            if offset not in [str(c) for c in X.columns]:
                raise ValueError(f"offset column {offset!r} is not in X; its columns are "
                                 f"{v.listed([str(c) for c in X.columns])}.")
            return X, offset
        if not isinstance(offset, dd.Series):
            raise TypeError("with a dask DataFrame X, offset must be a dask Series from the same "
                            "source or the name of a column of X; got "
                            f"{type(offset).__name__}.")
        if offset.npartitions != X.npartitions:
            raise ValueError(f"X has {X.npartitions} partitions but offset has "
                             f"{offset.npartitions}; they must come from the same source.")
        return X.assign(__offset__=offset), "__offset__"
    if isinstance(X, da.Array) and X.ndim == 2:
        if isinstance(offset, dd.Series | dd.DataFrame):
            raise TypeError("X is a dask array but offset is a dask DataFrame object: give both "
                            "as dask arrays or both as dask DataFrames.")
        if not isinstance(offset, da.Array):
            offset = np.asarray(offset, dtype=np.float64)
            if np.isnan(X.shape[0]) or offset.shape != (X.shape[0],):
                raise ValueError(f"offset must have one entry per row of X ({X.shape[0]}); got "
                                 f"shape {offset.shape}.")
            offset = da.from_array(offset, chunks=(X.chunks[0],))
        if offset.ndim != 1:
            raise ValueError(f"offset must be one-dimensional; got shape {offset.shape}.")
        if offset.chunks[0] != X.chunks[0]:
            offset = offset.rechunk((X.chunks[0],))
        return da.concatenate([X.rechunk({1: -1}).astype(np.float64),
                               offset[:, None].astype(np.float64)], axis=1), "offset"
    return X, None  # as_dask_data says what X should be


# --------------------------------------------------------------------------------------------
# the path


def glm_path(X, y, *, datafit, l1_ratio: float = 1.0, alphas=None, n_alphas: int = 100,
             alpha_min_ratio: float | None = None, fit_intercept: bool = True,
             standardize: bool = False, sample_weight=None, offset=None, penalty_factor=None,
             lower=None, upper=None, positive: bool = False, tol: float = 1e-4,
             max_iter: int = 1000, feature_names=None, memory_budget=None) -> DaskGLMPath:
    """``shrinkage.path(X, y, datafit=...)`` on Dask input (``shrinkage.dask.path`` calls it).

    ``offset``: a column name of a DataFrame X, a dask Series from X's source, or (dask array X)
    a dask or numpy array with one entry per row.  Returns the core's ``Path`` with the passes
    it took (``DaskGLMPath``).
    """
    l1_ratio = v.check_l1_ratio(l1_ratio)
    if alphas is not None:
        alphas = v.check_alphas(alphas)
    else:
        v.check_positive_int(n_alphas, "n_alphas")
        if alpha_min_ratio is not None and not 0 < alpha_min_ratio < 1:
            raise ValueError(f"alpha_min_ratio must be in (0, 1); got {alpha_min_ratio!r}.")
    tol = v.check_tol(tol)
    max_iter = v.check_positive_int(max_iter, "max_iter")
    problem = DaskGLM.build(X, y, datafit=datafit, sample_weight=sample_weight, offset=offset,
                            penalty_factor=penalty_factor, lower=lower, upper=upper,
                            positive=positive, fit_intercept=fit_intercept,
                            standardize=standardize, feature_names=feature_names,
                            memory_budget=memory_budget)
    return solve_dask_glm_path(problem, alphas, l1_ratio, n_alphas=n_alphas,
                               alpha_min_ratio=alpha_min_ratio, tol=tol, max_iter=max_iter)


def solve_dask_glm_path(problem: DaskGLM, alphas: np.ndarray | None, l1_ratio: float, *,
                        n_alphas: int = 100, alpha_min_ratio: float | None = None,
                        tol: float = 1e-4, max_iter: int = 1000, w0: np.ndarray | None = None,
                        b0: float | None = None, model: str = "the path") -> DaskGLMPath:
    """``shrinkage.glm.solve_glm_path`` on Dask input (inputs validated): the same grid, early
    stop, tolerance (tol times the null model's objective) and certificate."""
    solver = _Solver(problem)
    p = problem.n_features
    zero = np.zeros(p)
    none = np.empty(0, dtype=np.int64)
    b = 0.0
    if problem.fit_intercept:
        b = float(problem.datafit.null_intercept(
            np.array([problem.setup.y_sum / problem.total_weight]), np.ones(1), None))
    ev = solver.evaluate(zero, b, none, none)
    if problem.fit_intercept:  # exact with the offset too, as the datafit's null_intercept
        _, b, ev = solver.polish(PenaltyWeights(zero, zero, zero, zero), none, zero, b, ev)
    f_null = ev.loss
    f_saturated = -problem.setup.saturated / problem.total_weight
    tol_abs = tol * f_null if f_null > 0 else tol * np.finfo(float).tiny
    default_grid = alphas is None
    if default_grid:
        pw1 = problem.weights(1.0, l1_ratio)
        w = np.clip(zero, pw1.lower, pw1.upper)
        if not np.array_equal(w, zero):
            ev = solver.evaluate(w, b, none, _free(pw1))
        w, b, ev = solver.polish(pw1, _free(pw1), w, b, ev)
        alpha_max = problem.penalty(1.0, l1_ratio).alpha_max(ev.grad)
        if alpha_min_ratio is None:
            alpha_min_ratio = default_alpha_min_ratio(problem.n_samples, p)
        alphas = alpha_grid(alpha_max, n_alphas, alpha_min_ratio)
    else:
        w = zero
    if w0 is not None or b0 is not None:
        w = w if w0 is None else np.asarray(w0, dtype=np.float64)
        b = b if b0 is None else float(b0)
    setup_passes = problem.n_passes
    ratios = []

    def saturated(loss: float) -> bool:
        if not default_grid or f_null <= f_saturated:
            return False
        ratios.append(1.0 - (loss - f_saturated) / (f_null - f_saturated))
        return _saturated(ratios)

    fits = solver.path(alphas, l1_ratio, w, b, ev, tol_abs=tol_abs, max_iter=max_iter,
                       stop=saturated)
    alphas = np.asarray(alphas[: len(fits)], dtype=np.float64)
    warn_not_converged(fits, alphas, max_iter, model)
    return DaskGLMPath(alphas, np.array([f.w for f in fits]).reshape(len(fits), p),
                       np.array([f.intercept for f in fits], dtype=np.float64),
                       np.array([f.gap for f in fits]), np.array([f.n_iter for f in fits]),
                       np.array([f.converged for f in fits]), l1_ratio, problem.feature_names,
                       datafit=problem.datafit.name, certificate="duality_gap",
                       n_passes=np.array([f.passes for f in fits]),
                       n_newton=np.array([f.newton_steps for f in fits]),
                       setup_passes=setup_passes)


def _saturated(ratios: list[float]) -> bool:
    if ratios[-1] > _DEV_RATIO_MAX:
        return True
    if len(ratios) < _MIN_ALPHAS_BEFORE_STOP:
        return False
    return ratios[-1] - ratios[-2] < _DEV_RATIO_STALL * abs(ratios[-1])


@dataclass(frozen=True)
class _Step:
    """A Newton direction from P and what its pass needs."""

    dw: np.ndarray
    db: float
    decrease: float  # the model's directional decrease (< 0)
    n_epochs: int
    ahead: np.ndarray  # the columns of the moments to take at P + d


class _Solver:
    """The proximal Newton iterations; every pass goes through ``DaskGLM.evaluate``."""

    def __init__(self, problem: DaskGLM):
        self.problem = problem

    def evaluate(self, w, b, cols, free, **kwargs) -> Evaluation:
        cols = np.union1d(np.asarray(cols, dtype=np.int64), free).astype(np.int64)
        return self.problem.evaluate(Request(np.asarray(w, dtype=np.float64), float(b), cols,
                                             np.asarray(free, dtype=np.int64), **kwargs))

    def covering(self, ev: Evaluation, free: np.ndarray) -> Evaluation:
        """ev, or its point again with the moments and cross moments of ``free`` too."""
        if np.all(np.isin(free, ev.free)) and np.all(np.isin(free, ev.cols)):
            return ev
        return self.evaluate(ev.w, ev.b, ev.cols, np.union1d(ev.free, free))

    # ------------------------------------------------------------------- the setup

    def polish(self, pw: PenaltyWeights, free: np.ndarray, w, b, ev: Evaluation,
               max_steps: int = 50):
        """Newton on the intercept and the free columns inside their bounds, to rounding (as
        ``prox_newton.polish_unpenalized``; used for the null model).  Returns (w, b, ev)."""
        inside = _inside(free, w, pw)
        ev = self.covering(ev, free)
        hint = np.argsort(-np.abs(ev.grad))[:2 * _WS_START]  # moments for the first steps
        for _ in range(max_steps):
            delta, grad, _ = self._unpenalized_step(ev, inside)
            decrease = -float(grad @ delta)
            if not decrease < -1e-15 * max(ev.loss, 1e-300):
                break
            dw = np.zeros_like(w)
            dw[inside] = -delta[int(self.problem.fit_intercept):]
            db = -float(delta[0]) if self.problem.fit_intercept else 0.0
            f0 = ev.loss
            found = None
            first = 1.0
            while found is None and first >= _MIN_STEP:
                steps = tuple(first * s for s in _STEPS)
                trial = self.evaluate(w + first * dw, b + first * db, hint, free, base=(w, b),
                                      direction=(dw, db), steps=steps)
                found = _armijo(trial, steps, f0, decrease, lambda _: 0.0, self.problem)
                first *= 0.5 ** len(_STEPS)
            if found is None:
                break
            t, i = found
            w, b = w + t * dw, b + t * db
            ev = trial if i == 0 else self.evaluate(w, b, hint, free)
            hint = np.argsort(-np.abs(ev.grad))[:2 * _WS_START]
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
        free = _free(pw)
        ev = self.covering(ev, free)
        inside = _inside(free, w, pw)
        delta, _, cross = self._unpenalized_step(ev, inside)
        corr = -(ev.grad - cross @ delta) if delta.size else -ev.grad.copy()
        corr[inside] = 0.0
        scale = float(_glm_kernels.dual_scale(corr, pw.l1, pw.l2, pw.lower, pw.upper))
        cw = np.zeros_like(w)
        fit_intercept = self.problem.fit_intercept
        cw[inside] = delta[int(fit_intercept):]
        c0 = float(delta[0]) if fit_intercept else 0.0
        return Certificate(scale, c0, cw), corr, ev

    # ------------------------------------------------------------------- the path

    def path(self, alphas, l1_ratio: float, w, b, ev: Evaluation, *, tol_abs: float,
             max_iter: int, stop) -> list[AlphaFit]:
        """Warm-started fits along ``alphas`` from (w, b) with statistics ev there."""
        problem = self.problem
        pws = [problem.weights(float(a), l1_ratio) for a in alphas]
        n = len(alphas)
        epochs = np.zeros(n, dtype=int)
        mark, newton = problem.n_passes, 0  # passes and Newton steps since the last fit
        fits: list[AlphaFit] = []
        w = np.clip(np.asarray(w, dtype=np.float64), pws[0].lower, pws[0].upper)
        if not (np.array_equal(w, ev.w) and b == ev.b):
            ev = self.evaluate(w, b, np.flatnonzero(w), _free(pws[0]))
        k, ws_size = 0, _WS_START
        no_look_ahead = -1  # an alpha whose look-ahead failed: its step is taken
        ratio = 1.0  # the last certified gap over its prediction
        while k < n:
            plans, explore = [], None
            last = min(n, k + _MAX_AHEAD) - 1
            for i in range(k, last + 1):
                cert, corr, ev = self._dual(ev, w, pws[i])
                step, ev = (None, ev) if epochs[i] >= max_iter else self._direction(
                    ev, w, b, pws[i], tol_abs, max_iter - epochs[i], ws_size)
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
            free = _free(pws[plans[-1][0]])
            certs = tuple(plan[1] for plan in plans)
            if explore is None:
                trial = self.evaluate(w, b, ev.cols, free, base=(w, b), certificates=certs)
            else:
                step = explore[1]
                trial = self.evaluate(w + step.dw, b + step.db, step.ahead, free, base=(w, b),
                                      direction=(step.dw, step.db), steps=_STEPS,
                                      certificates=certs)
            k_before = k
            # alone in its plan (its look-ahead failed) with no descent, or at max_iter
            stuck = explore is None and (plans[-1][0] == no_look_ahead
                                         or epochs[plans[-1][0]] >= max_iter)
            for j, (i, cert, corr, predicted) in enumerate(plans):
                conj, off = trial.conj[j], trial.offset_dot[j]
                gap = _gap(ev.loss, w, pws[i], corr, cert.scale, conj, off)
                if j == 0 and predicted > 0 and gap <= _NEAR * tol_abs:  # calibrate near P*
                    ratio = max(gap / predicted, _MIN_RATIO)
                stalled = stuck and i == plans[-1][0]
                if not (gap <= tol_abs or epochs[i] >= max_iter or stalled):
                    break
                fits.append(AlphaFit(*_finished(w, b, ev.loss, cert, trial.polished_loss[j],
                                                pws[i]),
                                     gap, int(epochs[i]), bool(gap <= tol_abs), float(tol_abs),
                                     problem.n_passes - mark, newton))
                logger.info("alpha=%.4g: %d passes, %d Newton steps, gap %.3g", alphas[i],
                            problem.n_passes - mark, newton, gap)
                mark, newton, k = problem.n_passes, 0, i + 1
                if stop(fits[-1].loss):
                    return fits
            if k != k_before:
                ws_size = _WS_START
            if k == n:
                break
            if explore is None or explore[0] != k:  # a look-ahead failed: k alone next time
                no_look_ahead = k if explore is None or explore[0] > k else no_look_ahead
                continue
            newton += 1
            pen = pws[k]

            def penalty(t: float, w=w, dw=explore[1].dw, pen=pen) -> float:
                return _kernels.penalty_value(w + t * dw, pen.l1, pen.l2)

            f0 = ev.loss + penalty(0.0)
            w, b, ev, accepted = self._accept(trial, explore[1], w, b, ev, f0, penalty, free,
                                              pen)
            if not accepted:
                ws_size = min(2 * ws_size, int(np.sum(pen.lower < pen.upper)))
        return fits

    def _accept(self, trial: Evaluation, step: _Step, w, b, ev: Evaluation, f0, penalty,
                free, pw: PenaltyWeights):
        """(w, b, ev, accepted): the Armijo step of a tried direction (more passes only if
        all its step sizes fail)."""
        found = _armijo(trial, _STEPS, f0, step.decrease, penalty, self.problem)
        first = _STEPS[-1] / 2
        while found is None and first >= _MIN_STEP:
            steps = tuple(first * s for s in _STEPS)
            trial = self.evaluate(w + first * step.dw, b + first * step.db, step.ahead, free,
                                  base=(w, b), direction=(step.dw, step.db), steps=steps)
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

    def _direction(self, ev: Evaluation, w, b, pw: PenaltyWeights, tol_abs: float,
                   max_epochs: int, ws_size: int):
        """The proximal Newton direction at ev's point on a working set: (step or None, ev).

        The working set is the core's (the support, the free columns and the largest KKT
        violations); a column outside ev's moments joins the next step instead, unless it is
        the worst violator (then one pass takes the moments here)."""
        p = self.problem.n_features
        free = _free(pw)
        scores = _kernels.kkt_violations(-ev.grad, w, pw.l1, pw.l2, pw.lower, pw.upper,
                                         np.empty(p))
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
            stats = SufficientStatistics(G, q, yty, mean if intercept else np.zeros(ws.size),
                                         0.0)
            sub = PenaltyWeights(pw.l1[ws] / H, pw.l2[ws] / H, pw.lower[ws], pw.upper[ws])
            fit = solve_gram(stats, sub, wv, tol=max(_INNER_TOL * tol_abs / H / yty,
                                                     _INNER_FLOOR), max_iter=max(max_epochs, 1))
            dv, n_epochs = _refine(G, q, fit.w, sub) - wv, fit.n_iter
            if intercept:
                db -= float(mean @ dv)
        decrease = (float(grad @ dv) + ev.g0 * db
                    + _penalty_change(wv, dv, pw.l1[ws], pw.l2[ws]))
        if not decrease < 0:
            return None, ev
        dw = np.zeros(p)
        dw[ws] = dv
        return _Step(dw, db, decrease, n_epochs, ahead), ev


def _predicted_gap(step: _Step | None, scale: float, w, pw: PenaltyWeights, g2h: float
                   ) -> float:
    """What P's gap should be, up to a factor (calibrated on the gaps met): the Newton step's
    decrease, plus what scaling the dual point by s costs, to second order in 1 - s: the
    penalty (1 - s) Omega(w) and the loss's conjugate (1 - s)^2 / 2 sum sw l'^2 / l''."""
    decrease = 0.0 if step is None else -step.decrease
    shrink = 1.0 - scale
    return (decrease + shrink * float(_kernels.penalty_value(w, pw.l1, pw.l2))
            + 0.5 * shrink**2 * g2h)


def _armijo(trial: Evaluation, steps, f0: float, decrease: float, penalty, problem):
    """(t, index) of the first step size with sufficient decrease, or None.  A decrease
    below the rounding of the objective cannot be checked: the step is taken if the objective
    does not grow beyond rounding (the certificate judges the result)."""
    rounding = _ROUNDING * abs(f0)
    for i, t in enumerate(steps):
        if t < _MIN_STEP:
            return None
        slack = rounding if -decrease * t <= rounding else _ARMIJO * t * decrease
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
        return float(_kernels.kkt_violations(q - G @ u, u, pw.l1, pw.l2, pw.lower, pw.upper,
                                             np.empty(u.size)).max())

    return v if worst(v) <= worst(z) else z


def _penalty_change(w, dw, l1, l2) -> float:
    """Omega(w + dw) - Omega(w) without cancellation (|w + dw| - |w| = sign(w) dw on the
    coordinates that keep their sign), so that a decrease far below Omega is still seen."""
    new = w + dw
    same = (np.sign(new) == np.sign(w)) & (w != 0)
    d_abs = np.where(same, np.sign(w) * dw, np.abs(new) - np.abs(w))
    return float(l1 @ d_abs + l2 @ (dw * (w + 0.5 * dw)))


def _finished(w, b, loss: float, cert: Certificate, polished_loss: float, pw: PenaltyWeights):
    """(w, b, loss) to report for a certified P: P with its unpenalized block finished by the
    certificate's Newton step when that does not increase the loss beyond rounding (the penalty
    is the same, so P's gap bounds it too)."""
    w_p = w - cert.cw
    if (polished_loss <= loss + _ROUNDING * abs(loss) and np.all(w_p >= pw.lower)
            and np.all(w_p <= pw.upper)):
        return w_p, b - cert.c0, polished_loss
    return w.copy(), b, loss


def _free(pw: PenaltyWeights) -> np.ndarray:
    return np.flatnonzero((pw.l1 == 0) & (pw.l2 == 0) & (pw.lower < pw.upper))


def _inside(free: np.ndarray, w, pw: PenaltyWeights) -> np.ndarray:
    """The free columns strictly inside their bounds (or unbounded)."""
    return free[(w[free] > pw.lower[free]) & (w[free] < pw.upper[free])
                | np.isinf(pw.lower[free]) & np.isinf(pw.upper[free])]


def _ahead(ws: np.ndarray, scores: np.ndarray, size: int) -> np.ndarray:
    """The working set and the next largest KKT scores: the columns a pass takes moments of."""
    if size <= ws.size:
        return ws
    return np.union1d(ws, np.argpartition(scores, -size)[-size:]).astype(np.int64)


def _gap(loss: float, w, pw: PenaltyWeights, corr, scale: float, conj: float,
         offset_dot: float) -> float:
    """``shrinkage.glm_certificates.glm_duality_gap`` from the pass's sums."""
    primal = loss + float(_kernels.penalty_value(w, pw.l1, pw.l2))
    dual = (-conj + offset_dot
            - _glm_kernels.penalty_conjugate(scale * corr, pw.l1, pw.l2, pw.lower, pw.upper))
    gap = primal - dual
    return max(float(gap), 0.0) if np.isfinite(gap) else np.inf
