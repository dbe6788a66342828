"""Logistic and Poisson paths on Dask input: distributed proximal Newton (IRLS), working sets.

The objective is the GLM objective of ``shrinkage.datafits.base`` and the method that of the
core's ``solve_prox_newton`` (the iterations: ``_glm_newton``); the rows are reached only
through passes over the partitions (``_glm_sums``).  A pass takes, at a point (w, b), summed
over the partitions in a tree: the loss, the full gradient X' (sw l'(eta)), and with
h = sw l''(eta) the curvature moments of a set S of columns (H = sum h, the h-weighted means m
and centred second moments, merged exactly by Chan's update) plus X' h and X' diag(h) X_free.
The quadratic model of the loss on a working set A, with the intercept profiled out, is a
weighted least-squares problem in Gram form,

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

from dataclasses import dataclass, field

import numpy as np

from .. import _validation as v
from .._problem import Problem
from ..datafits import get_datafit
from ..datafits.base import Datafit
from ..datafits.quadratic import drop_constant_columns
from ..glm.path import deviance_saturated
from ..path import Path, alpha_grid, default_alpha_min_ratio, warn_not_converged
from ..penalties.l1_l2 import ElasticNetPenalty, PenaltyWeights
from ..selection.cv import _NoRows
from ..solvers.prox_newton import free_columns
from ._glm_newton import Evaluation, Solver
from ._glm_sums import (
    Request,
    Setup,
    merge_setup,
    merge_sums,
    partition_setup,
    partition_sums,
)
from ._inputs import DaskData, as_dask_data
from ._partitions import SPLIT_EVERY, Spec, check_magnitudes, partition_tasks, run, tree_reduce
from .statistics import BUDGET_KEY
from .statistics import memory_budget as budget_bytes


@dataclass(frozen=True)
class DaskGLMPath(Path):
    """The core ``Path`` plus what the distributed fit cost, per alpha.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        The grid, largest first.
    coefs : ndarray of shape (n_alphas, n_features)
        The coefficients at each alpha.
    intercepts : ndarray of shape (n_alphas,)
        The intercepts.
    gaps : ndarray of shape (n_alphas,)
        The duality gaps, in objective units.
    n_iter : ndarray of shape (n_alphas,)
        The iterations at each alpha.
    converged : ndarray of shape (n_alphas,)
        Whether each gap met the tolerance.
    l1_ratio : float
        The L1 share of the penalty.
    feature_names : ndarray of str, default=None
        The names of the columns.
    datafit : str
        The datafit's name (``"logistic"``, ``"poisson"``).
    certificate : str
        ``"duality_gap"``.
    penalty : str
        ``"l1_l2"``: the L1/L2 mix of ``l1_ratio``.
    gamma : float or None
        None (the concavity of the nonconvex penalties, which Dask input does not fit).
    n_passes : ndarray of shape (n_alphas,)
        The passes over the data at each alpha.
    n_newton : ndarray of shape (n_alphas,)
        The Newton steps at each alpha.
    setup_passes : int
        The passes before the first alpha (column moments, null model), in all.

    Examples
    --------
    >>> import dask
    >>> import dask.array as da
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X_np = rng.standard_normal((40, 3))
    >>> y_np = (X_np[:, 0] + rng.standard_normal(40) > 0).astype(float)
    >>> X = da.from_array(X_np, chunks=(20, 3))
    >>> y = da.from_array(y_np, chunks=20)
    >>> from shrinkage.dask import glm_path
    >>> with dask.config.set(scheduler="synchronous"):
    ...     logistic_path = glm_path(X, y, datafit="logistic", n_alphas=3)
    >>> type(logistic_path).__name__, logistic_path.n_passes.shape
    ('DaskGLMPath', (3,))
    >>> bool((logistic_path.n_passes >= 1).all())  # passes over the data at each alpha
    True
    """

    n_passes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    n_newton: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    setup_passes: int = 0  # before the first alpha (column moments, null model), in all


@dataclass
class DaskGLM:
    """A GLM problem on Dask input: the data, a ``Problem`` that holds no rows (the alpha-free
    parts of the penalty, the standardization, the column norms of the first pass), the passes."""

    data: DaskData
    datafit: Datafit
    offset_col: int | None
    problem: Problem
    setup: Setup
    budget: int  # bytes for the curvature moments of one pass
    n_passes: int = 1

    @classmethod
    def build(
        cls,
        X,
        y,
        *,
        datafit,
        sample_weight=None,
        offset=None,
        penalty_factor=None,
        lower=None,
        upper=None,
        positive=False,
        fit_intercept=True,
        standardize=False,
        feature_names=None,
        memory_budget=None,
    ) -> DaskGLM:
        """Check and align the inputs and make the first pass (checks, column moments).

        ``memory_budget``: bytes (or "8GiB") for the |S| x |S| moments of a pass; default the
        dask config ``shrinkage.max-gram-memory``.
        """
        datafit = get_datafit(datafit)
        if not getattr(datafit, "convex", True):  # certified by the duality gap only
            raise ValueError(
                f"the Dask GLM solver certifies convex datafits only (by the duality gap); "
                f"{datafit.name} with power={getattr(datafit, 'power', None)} is not convex with "
                "the log link: fit it in memory "
                "(shrinkage.TweedieRegressor), where its KKT violation certifies it."
            )
        budget = budget_bytes(memory_budget)
        X, offset_name = _with_offset(X, offset)
        data = as_dask_data(X, y, sample_weight)
        names = data.feature_names
        offset_col = None
        if offset_name is not None:
            offset_col = (
                data.n_features - 1
                if names is None
                else int(np.flatnonzero(names == offset_name)[0])
            )
            names = None if names is None else np.delete(names, offset_col)
        p = data.n_features - (offset_col is not None)
        if p == 0:
            raise ValueError("X has no feature columns besides the offset.")
        lo, up = v.check_bounds(lower, upper, p, positive)
        factors = v.check_penalty_factor(penalty_factor, p)
        names = v.check_feature_names(names if feature_names is None else feature_names, p)
        tasks = partition_tasks(
            data, partition_setup, Spec.of(data, 1, 0), datafit=datafit, offset_col=offset_col
        )
        setup = run(data, tree_reduce(tasks, merge_setup))
        if setup.rows == 0:
            raise ValueError("X has no rows.")
        check_magnitudes(setup.peak[: p + 1], setup.rows, names, data.dtype)
        if offset_col is not None:
            v.check_column_maxima(setup.peak[p + 1 :], setup.rows, name="offset", vector=True)
        if setup.weight <= 0:
            raise ValueError(
                "sample_weight sums to zero: at least one sample needs a positive weight."
            )
        problem = Problem(
            _NoRows((setup.rows, p)),
            np.empty(0),
            np.empty(0),
            factors,
            lo,
            up,
            bool(fit_intercept),
            bool(standardize),
            names,
        )
        problem.with_column_norms(_column_norms(setup, problem.fit_intercept))
        return cls(data, datafit, offset_col, problem, setup, budget)

    @property
    def n_samples(self) -> int:
        return self.setup.rows

    @property
    def n_features(self) -> int:
        return self.problem.n_features

    @property
    def fit_intercept(self) -> bool:
        return self.problem.fit_intercept

    @property
    def lower(self) -> np.ndarray:
        return self.problem.lower

    @property
    def upper(self) -> np.ndarray:
        return self.problem.upper

    @property
    def feature_names(self) -> np.ndarray | None:
        return self.problem.feature_names

    @property
    def total_weight(self) -> float:
        return self.setup.weight

    @property
    def col_norm_sq(self) -> np.ndarray:
        """Weighted variance of each column (mean square without intercept); 0 when constant."""
        return self.problem.col_norm_sq

    def penalty(self, alpha: float, l1_ratio: float) -> ElasticNetPenalty:
        return self.problem.penalty(alpha, l1_ratio, self.problem.column_scale())

    def weights(self, alpha: float, l1_ratio: float) -> PenaltyWeights:
        """The kernels' weights at alpha; constant columns are pinned at 0."""
        pw = self.penalty(alpha, l1_ratio).weights()
        inactive = self.col_norm_sq == 0
        return PenaltyWeights(
            pw.l1, pw.l2, np.where(inactive, 0.0, pw.lower), np.where(inactive, 0.0, pw.upper)
        )

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
                "unpenalized columns (penalty_factor=0), or fewer features."
            )
        data = self.data
        tasks = partition_tasks(
            data,
            partition_sums,
            Spec.of(data, 1, 0),
            datafit=self.datafit,
            offset_col=self.offset_col,
            request=request,
        )
        sums = run(data, tree_reduce(tasks, merge_sums))
        self.n_passes += 1
        W = self.setup.weight
        c = sums.curvature
        weight = float(c.weight[0])
        cov = c.m2[0] / weight if weight > 0 else np.zeros_like(c.m2[0])
        return Evaluation(
            request.w,
            request.b,
            request.cols,
            request.free,
            sums.loss / W,
            sums.grad / W,
            sums.g0 / W,
            weight / W,
            c.mean[0],
            0.5 * (cov + cov.T),
            sums.hx / W,
            sums.cross / W,
            sums.g2h / W,
            sums.line_loss / W,
            sums.line_eta_max,
            sums.conj / W,
            sums.offset_dot / W,
            sums.polished_loss / W,
        )


def _column_norms(setup: Setup, fit_intercept: bool) -> np.ndarray:
    """Weighted variance of each column (mean square without intercept), from the moments of the
    first pass; 0 when constant."""
    W, mean, m2 = setup.weight, setup.mean, setup.m2
    raw = m2 / W + mean**2
    return drop_constant_columns(m2 / W, raw) if fit_intercept else raw


def _with_offset(X, offset):
    """X with the offset as one more column, and that column's name (None: no offset)."""
    if offset is None:
        return X, None
    import dask.array as da
    import dask.dataframe as dd

    if isinstance(X, dd.DataFrame):
        if isinstance(offset, str):
            if offset not in [str(c) for c in X.columns]:
                raise ValueError(
                    f"offset column {offset!r} is not in X; its columns are "
                    f"{v.listed([str(c) for c in X.columns])}."
                )
            return X, offset
        if not isinstance(offset, dd.Series):
            raise TypeError(
                "with a dask DataFrame X, offset must be a dask Series from the same "
                "source or the name of a column of X; got "
                f"{type(offset).__name__}."
            )
        if offset.npartitions != X.npartitions:
            raise ValueError(
                f"X has {X.npartitions} partitions but offset has "
                f"{offset.npartitions}; they must come from the same source."
            )
        return X.assign(__offset__=offset), "__offset__"
    if isinstance(X, da.Array) and X.ndim == 2:
        if isinstance(offset, dd.Series | dd.DataFrame):
            raise TypeError(
                "X is a dask array but offset is a dask DataFrame object: give both "
                "as dask arrays or both as dask DataFrames."
            )
        if not isinstance(offset, da.Array):
            offset = np.asarray(offset, dtype=np.float64)
            if np.isnan(X.shape[0]) or offset.shape != (X.shape[0],):
                raise ValueError(
                    f"offset must have one entry per row of X ({X.shape[0]}); got "
                    f"shape {offset.shape}."
                )
            offset = da.from_array(offset, chunks=(X.chunks[0],))
        if offset.ndim != 1:
            raise ValueError(f"offset must be one-dimensional; got shape {offset.shape}.")
        if offset.chunks[0] != X.chunks[0]:
            offset = offset.rechunk((X.chunks[0],))
        return da.concatenate(
            [X.rechunk({1: -1}).astype(np.float64), offset[:, None].astype(np.float64)], axis=1
        ), "offset"
    return X, None  # as_dask_data says what X should be


# --------------------------------------------------------------------------------------------
# the path


def glm_path(
    X,
    y,
    *,
    datafit,
    l1_ratio: float = 1.0,
    alphas=None,
    n_alphas: int = 100,
    alpha_min_ratio: float | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    sample_weight=None,
    offset=None,
    penalty_factor=None,
    lower=None,
    upper=None,
    positive: bool = False,
    tol: float = 1e-4,
    max_iter: int = 1000,
    feature_names=None,
    memory_budget=None,
) -> DaskGLMPath:
    """``shrinkage.path(X, y, datafit=...)`` on Dask input (``shrinkage.dask.path`` calls it).

    Parameters
    ----------
    X : dask array or dask DataFrame
        The features (or the X of ``read_parquet``); rows may be chunked.
    y : dask collection or str
        The target, with X's partitions, or a column name of a DataFrame X.
    datafit : str or Datafit
        ``"logistic"`` or ``"poisson"``.
    l1_ratio : float, default=1.0
        The mix between L1 (1.0, the lasso) and L2 (0.0).
    alphas : array-like of float, default=None
        The grid, sorted decreasing before use; None: ``n_alphas`` values from alpha_max down to
        alpha_max * alpha_min_ratio.
    n_alphas : int, default=100
        The length of the default grid.
    alpha_min_ratio : float, default=None
        The end of the default grid relative to alpha_max; None: 1e-4 when n > p, else 1e-2.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    standardize : bool, default=False
        Penalize the coefficients of columns scaled to unit standard deviation, report them on
        the original scale.
    sample_weight : dask collection or str, default=None
        Row weights with X's partitions, or a column name of a DataFrame X; None is all ones.
    offset : str or dask collection or ndarray, default=None
        Added to the linear predictor: a column name of a DataFrame X, a dask Series from X's
        source, or (dask array X) a dask or numpy array with one entry per row.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers of the penalty (0 leaves a feature unpenalized).
    lower : float or array-like of shape (n_features,), default=None
        Lower bounds on the coefficients.
    upper : float or array-like of shape (n_features,), default=None
        Upper bounds on the coefficients.
    positive : bool, default=False
        Shorthand for ``lower=0``.
    tol : float, default=1e-4
        The certificate's tolerance (duality gap, relative to the null model's objective).
    max_iter : int, default=1000
        The most iterations per alpha.
    feature_names : array-like of str, default=None
        The names of X's columns; None takes a DataFrame's columns.
    memory_budget : int or str, default=None
        Overrides the dask config ``shrinkage.max-gram-memory`` (bytes or "8GiB").

    Returns
    -------
    DaskGLMPath
        The core's ``Path`` with the passes it took.

    Examples
    --------
    >>> import dask
    >>> import dask.array as da
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X_np = rng.standard_normal((40, 3))
    >>> y_np = (X_np[:, 0] + rng.standard_normal(40) > 0).astype(float)
    >>> X = da.from_array(X_np, chunks=(20, 3))
    >>> y = da.from_array(y_np, chunks=20)
    >>> from shrinkage.dask import glm_path
    >>> with dask.config.set(scheduler="synchronous"):
    ...     logistic_path = glm_path(X, y, datafit="logistic", n_alphas=3)
    >>> logistic_path.coefs.shape
    (3, 3)
    """
    l1_ratio = v.check_l1_ratio(l1_ratio)
    alphas = v.check_grid(alphas, n_alphas, alpha_min_ratio)
    tol = v.check_tol(tol)
    max_iter = v.check_positive_int(max_iter, "max_iter")
    problem = DaskGLM.build(
        X,
        y,
        datafit=datafit,
        sample_weight=sample_weight,
        offset=offset,
        penalty_factor=penalty_factor,
        lower=lower,
        upper=upper,
        positive=positive,
        fit_intercept=fit_intercept,
        standardize=standardize,
        feature_names=feature_names,
        memory_budget=memory_budget,
    )
    return solve_dask_glm_path(
        problem,
        alphas,
        l1_ratio,
        n_alphas=n_alphas,
        alpha_min_ratio=alpha_min_ratio,
        tol=tol,
        max_iter=max_iter,
    )


def solve_dask_glm_path(
    problem: DaskGLM,
    alphas: np.ndarray | None,
    l1_ratio: float,
    *,
    n_alphas: int = 100,
    alpha_min_ratio: float | None = None,
    tol: float = 1e-4,
    max_iter: int = 1000,
    w0: np.ndarray | None = None,
    b0: float | None = None,
    model: str = "the path",
) -> DaskGLMPath:
    """``shrinkage.glm.solve_glm_path`` on Dask input (inputs validated): the same grid, early
    stop, tolerance (tol times the null model's objective) and certificate."""
    solver = Solver(problem)
    p = problem.n_features
    zero = np.zeros(p)
    none = np.empty(0, dtype=np.int64)
    b = 0.0
    if problem.fit_intercept:
        b = float(
            problem.datafit.null_intercept(
                np.array([problem.setup.y_sum / problem.total_weight]), np.ones(1), None
            )
        )
    ev = solver.evaluate(zero, b, none, none)
    if problem.fit_intercept:  # exact with the offset too, as the datafit's null_intercept
        _, b, ev = solver.polish(PenaltyWeights(zero, zero, zero, zero), none, zero, b, ev)
    f_null = ev.loss
    f_saturated = -problem.setup.saturated / problem.total_weight
    tol_abs = tol * f_null if f_null > 0 else tol * np.finfo(float).tiny
    default_grid = alphas is None
    if alphas is None:
        pw1 = problem.weights(1.0, l1_ratio)
        w = np.clip(zero, pw1.lower, pw1.upper)
        if not np.array_equal(w, zero):
            ev = solver.evaluate(w, b, none, free_columns(pw1))
        w, b, ev = solver.polish(pw1, free_columns(pw1), w, b, ev)
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

    def saturated(loss: float, gap: float) -> bool:
        if not default_grid or f_null <= f_saturated:
            return False
        span = f_null - f_saturated
        ratios.append(1.0 - (loss - f_saturated) / span)
        return deviance_saturated(ratios, (gap if np.isfinite(gap) and gap >= 0 else np.inf) / span)

    fits = solver.path(
        alphas, l1_ratio, w, b, ev, tol_abs=tol_abs, max_iter=max_iter, stop=saturated
    )
    alphas = np.asarray(alphas[: len(fits)], dtype=np.float64)
    warn_not_converged(fits, alphas, max_iter, model)
    return DaskGLMPath(
        alphas,
        np.array([f.w for f in fits]).reshape(len(fits), p),
        np.array([f.intercept for f in fits], dtype=np.float64),
        np.array([f.gap for f in fits]),
        np.array([f.n_iter for f in fits]),
        np.array([f.converged for f in fits]),
        l1_ratio,
        problem.feature_names,
        datafit=problem.datafit.name,
        certificate="duality_gap",
        n_passes=np.array([f.passes for f in fits]),
        n_newton=np.array([f.newton_steps for f in fits]),
        setup_passes=setup_passes,
    )
