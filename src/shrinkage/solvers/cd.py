"""Coordinate descent with working sets, gap-safe screening and Anderson extrapolation.

Outer loop (``engine.working_set``; ``LeastSquaresCD`` here is its model): correlations X' S r
of the columns screening kept, the duality gap of that restricted problem at a feasible dual
point (valid for the full problem, as the screened columns are provably zero), gap-safe
screening, and a working set of the largest KKT violations (always including the support).
Inner loop (numba): CD epochs on the working set until its KKT violations drop below a
fraction of the outer ones.  Where the point is optimal to
working precision but the gap at the residual is not small (a penalty lost in the rounding of
X' r), the gap at the residual projected off the support certifies it instead.
"""

from __future__ import annotations

import functools

import numpy as np

from .._certificate_kernels import off_support_columns
from ..certificates import certify
from ..datafits.quadratic import WeightedDesign
from ..engine.working_set import Certificate, Progress, Ranking, Step, solve_working_set
from ..penalties._l1_l2_kernels import kkt_violations
from ..penalties._separable import CONVEX_KINDS, ELASTIC_NET, kkt_scores, penalty_arrays
from ..penalties.l1_l2 import PenaltyWeights
from . import _kernels
from ._constants import WS_START
from ._threads import blas_threads_for
from .column_cache import ColumnCache, needs_cache
from .columns import ColumnsInPlay
from .orthant_newton import OrthantNewton
from .result import Fit

#: the first working set of a coordinate-descent fit: an epoch on it costs n * 100, a tenth or
#: less of the full correlations (n * p) that each further outer iteration pays on a wide
#: problem; from 10, single fits from 0 took 3 to 4 more outer iterations to reach their support
#: (measured on 500 x 5000 and 1000 x 10000 at alpha_max / 10 and / 100: 10 to 25% less time).
#: Convex penalties only: a non-convex one (MCP, SCAD) keeps the engine's 10, since the first
#: working set steers which stationary point a fit from 0 reaches (grown from the strongest
#: few coordinates, as skglm's, its objective is no worse than skglm's from the same start)
WS_START_CD = 100
#: a sparse design's working set grows 4-fold (not 2-fold) while its support fills it
#: (``engine.working_set.FILLED``): a Lasso fit from 0 on 20000 x 50000 CSC (density 1e-3) at
#: alpha_max / 100 (support 10049) took 12 certificates instead of 16, 46 CD epochs instead
#: of 59, and 18% less CPU time.  Convex penalties only, as ``WS_START_CD``
SPARSE_FILLED_GROWTH = 4

#: with an L2 term a Newton step needs an inner solve of at least this many epochs
#: (``_newton_pays``): below, coordinate descent converges fast and the step costs more than
#: the epochs it saves
_NEWTON_MIN_EPOCHS_L2 = 8


def solve_cd(
    design: WeightedDesign,
    pw: PenaltyWeights,
    w0: np.ndarray,
    *,
    tol: float,
    max_iter: int,
    screen: bool = True,
    anderson: bool = True,
    state=None,
    kind: int = ELASTIC_NET,
    gamma: float = 0.0,
    newton: bool = True,
    cache: ColumnCache | None = None,
) -> Fit:
    """Minimise 0.5 sum sw r^2 + sum_j l1_j |w_j| + l2_j/2 w_j^2 on the box; ``tol`` is relative
    to sum sw y_c^2 (the null model's doubled objective), as in scikit-learn.

    Converged: gap <= tol * sum sw y_c^2 and no zero coordinate violates its optimality
    condition beyond rounding (``_kernels.optimality_checks``): a gap within tolerance does not
    stop the solver at a support that is certifiably too small (w = 0 just below alpha_max).

    ``state`` is the previous fit's ``Fit.state`` (its residual) when ``w0`` is that fit's ``w``.
    ``kind`` and ``gamma`` choose another separable penalty of ``penalties._separable`` (its
    weights ``pw.l1``, ``pw.l2``, bounds ``pw.lower``, ``pw.upper``); a non-convex one is
    certified by its KKT violation (``LeastSquaresCD``), with ``tol`` relative to
    sqrt(sum sw y_c^2).  ``newton``: after an inner solve that left the support nearly
    unchanged, a Newton step on it (``orthant_newton``; elastic net on a dense design).
    A dense design without contiguous columns (``column_cache.dense_design``) is read
    column-wise through ``cache`` (its ``ColumnCache``, kept by the caller across the fits of a
    path).
    """
    w = np.clip(np.where(design.col_norm_sq > 0, w0, 0.0), pw.lower, pw.upper).astype(np.float64)
    first_corr = None
    if state is not None and np.array_equal(w, w0):
        r, rsum = state[0].copy(), state[1]
    elif not design.is_sparse and not w.any():
        r, rsum = design.y.copy(), 0.0
        first_corr = getattr(design, "y_correlations", None)
    else:
        r, rsum = design.residual(w)
    yty = float(design.yty)  # one target
    scale = yty if kind in CONVEX_KINDS else np.sqrt(max(yty, 0.0))
    tol_abs = tol * scale if yty > 0 else tol * np.finfo(float).tiny
    model = LeastSquaresCD(
        design,
        pw,
        w,
        r,
        rsum,
        tol_abs,
        screen=screen,
        anderson=anderson,
        penalty=penalty_arrays(kind, pw.l1, pw.l2, pw.lower, pw.upper, gamma),
        newton=newton,
        cache=cache,
        first_corr=first_corr,
    )
    with blas_threads_for(design.Xd.size if not design.is_sparse else design.data.size):
        ws_start = WS_START_CD if kind in CONVEX_KINDS else WS_START
        sparse_convex = design.is_sparse and kind in CONVEX_KINDS
        growth = SPARSE_FILLED_GROWTH if sparse_convex else 2
        out = solve_working_set(model, max_iter=max_iter, ws_start=ws_start, filled_growth=growth)
    return Fit(
        model.w,
        float(out.cert.gap),
        out.epochs,
        out.cert.converged,
        float(tol_abs),
        state=(model.r, model.rsum),
    )


class LeastSquaresCD:
    """Penalized least squares in residual form as a ``engine.working_set`` model: blocks are
    coordinates, the inner solve is ``_kernels.cd_working_set``.

    Certificate: for a convex penalty (``CONVEX_KINDS``) the duality gap of the columns still in
    play (valid for the full problem, as the screened columns are provably zero), at the
    residual or, where the point is optimal to working precision but that gap is not small,
    at the residual projected off the support; gap-safe screening when ``screen``.  For a
    non-convex one, the largest KKT violation per unit column norm,
    max_j kkt_j / ||x_j||, and no screening.  ``w``, ``r`` and ``rsum`` are updated in place.
    ``first_corr``: the correlations X' S r at the starting residual where the design computed
    them already (``RawDesign.y_correlations``), used by the first certificate.
    """

    def __init__(
        self,
        design: WeightedDesign,
        pw: PenaltyWeights,
        w: np.ndarray,
        r: np.ndarray,
        rsum: float,
        tol_abs: float,
        *,
        screen: bool,
        anderson: bool,
        penalty: tuple,
        newton: bool = False,
        cache: ColumnCache | None = None,
        first_corr: np.ndarray | None = None,
    ):
        p = design.n_features
        self.design, self.pw, self.penalty = design, pw, penalty
        self.w, self.r, self.rsum = w, r, rsum
        self.tol_abs = tol_abs
        self.convex = int(penalty[0]) in CONVEX_KINDS
        self.use_screen, self.anderson = screen and self.convex, anderson
        self.free = pw.unpenalized_columns()
        self.free_products = (
            design.cross_gram(self.free) if self.free.size else (np.empty((p, 0)), np.empty(0))
        )
        self.active = design.col_norm_sq > 0
        self.cols = ColumnsInPlay(self.active, pw, self.free, *self.free_products)
        self.corr = np.zeros(p)
        self.first_corr = first_corr
        self.buffer = np.empty(p)
        self.args = _kernel_args(design)
        self.cd_args = _kernels.dense_design(self.args)
        self.scores = self.buffer[:0]
        self.gap, self.theta_corr = np.inf, np.zeros(0)
        self.cache = None
        if needs_cache(design):
            self.cache = ColumnCache.of(design) if cache is None else cache
            # a design read through the cache correlates every column at each certificate
            # whatever screening keeps, so gap-safe screening would save nothing (wide-10,
            # wide-100, wider-10 and a 30-alpha path: 0.98-1.00 of the time without it) and
            # cost a first fit its compile (about 0.3 s)
            self.use_screen = False
        use_newton = newton and int(penalty[0]) == ELASTIC_NET and not design.is_sparse
        columns = functools.partial(_write_columns, design, self.cache)  # no cycle via self
        self.newton = OrthantNewton(columns) if use_newton else None

    def certify(self, budget: int) -> Certificate:
        design, cols, w = self.design, self.cols, self.w
        idx = cols.idx
        lipschitz = design.col_norm_sq
        if self.first_corr is not None:
            self.corr, self.first_corr = self.first_corr.copy(), None
        elif (idx.size == w.size or self.cache is not None) and not design.is_sparse:
            self.corr = design.correlations(self.r, self.rsum)
        else:
            _kernels.correlations(
                *self.args[:6], self.r, self.rsum, design.is_sparse, idx, self.corr
            )
        if self.convex and not cols.free.size:
            return self._certify_at_residual()
        self.scores = self._violations()
        w_in, lipschitz_in = cols.restrict(w), cols.restrict(lipschitz)
        closed, stalled = _kernels.optimality_checks(
            self.scores, w_in, cols.pw.l1, lipschitz_in, design.yty, cols.everywhere
        )
        if not self.convex:
            unit = np.sqrt(lipschitz_in)
            gap = float(np.max(self.scores / unit, initial=0.0))
            return Certificate(gap, closed, self.tol_abs)
        r_dot_y, residual_sq = design.residual_products(self.r, self.rsum, w)
        gap, self.theta_corr = certify(
            cols.pw,
            w_in,
            cols.restrict(self.corr),
            r_dot_y,
            residual_sq,
            cols.free,
            cols.cross,
            cols.q_free,
        )
        return self._certified(gap, closed, stalled, r_dot_y, residual_sq)

    def _certify_at_residual(self) -> Certificate:
        """``certify`` of a convex penalty without free columns: the scores, the checks and
        the gap from one kernel (``_kernels.residual_certificate``)."""
        design, cols, w = self.design, self.cols, self.w
        idx, pw = cols.idx, cols.pw
        r_dot_y, residual_sq = design.residual_products(self.r, self.rsum, w)
        corr, w_in = cols.restrict(self.corr), cols.restrict(w)
        self.scores = self.buffer[: idx.size]
        gap, scale, closed, stalled = _kernels.residual_certificate(
            corr,
            w_in,
            pw.l1,
            pw.l2,
            pw.lower,
            pw.upper,
            cols.restrict(design.col_norm_sq),
            design.yty,
            r_dot_y,
            residual_sq,
            self.scores,
        )
        self.theta_corr = scale * corr
        return self._certified(gap, closed, stalled, r_dot_y, residual_sq)

    def _certified(
        self, gap: float, closed: bool, stalled: bool, r_dot_y: float, residual_sq: float
    ) -> Certificate:
        """The certificate of ``gap`` (its dual point's correlations in ``theta_corr``), or of
        the gap at the residual projected off the support where the solver stalled above tol
        and that one is smaller (module docstring)."""
        if gap > self.tol_abs and stalled:
            gap, self.theta_corr = min(
                (gap, self.theta_corr),
                _gap_off_support(self.design, self.cols, self.w, self.corr, r_dot_y, residual_sq),
                key=lambda c: c[0],
            )
        self.gap = gap
        return Certificate(float(gap), closed, self.tol_abs)

    def screen(self, cert: Certificate) -> bool:
        if not self.use_screen:
            return False
        design, w, idx = self.design, self.w, self.cols.idx
        out = self.cols.screened_out(
            self.theta_corr, self.cols.restrict(design.col_norm_sq), self.gap
        )
        if not out.any():
            return False
        self.active[idx[out]] = False
        dropped = idx[out & (self.cols.restrict(w) != 0)]
        if self.cache is not None and dropped.size:
            self.r += self._columns(dropped) @ w[dropped]
        for j in dropped if self.cache is None else ():
            self.rsum = _kernels.column_axpy(
                j, -w[j], *self.args[:4], design.x_offset, self.r, self.rsum, design.is_sparse
            )
        w[dropped] = 0.0
        self.cols = ColumnsInPlay(self.active, self.pw, self.free, *self.free_products)
        if dropped.size:
            return True  # the residual changed: recompute the correlations first
        # the point is the one certified: the columns left keep their scores (and no kernel
        # compiles for them in a first fit)
        self.scores = self.scores[~out]
        return False

    def ranking(self) -> Ranking:
        idx = self.cols.idx
        return Ranking(self.scores, self.cols.restrict(self.w) != 0, blocks=idx)

    def inner(self, ws: np.ndarray, tol_inner: float, budget: int) -> Step:
        if self.gap <= self.tol_abs:
            ws = self._closing(ws)
        before = self.w[ws] != 0
        if self.cache is None:
            self.rsum, n_epochs = _kernels.cd_working_set(
                self.cd_args,
                self.penalty,
                self.r,
                self.rsum,
                self.w,
                ws,
                self.design.col_norm_sq,
                budget,
                tol_inner,
                self.anderson,
            )
        else:
            n_epochs = self._inner_cached(self.cache, ws, tol_inner, budget)
        if (
            self.newton is not None
            and n_epochs < budget
            and _settled(before, self.w[ws] != 0)
            and _newton_pays(n_epochs, self.r.size, ws, self.w, self.penalty[2])
        ):
            n_epochs += 1
            self.newton.step(self.penalty, self.w, self.r, ws)
        return Step(n_epochs, Progress.GROW if n_epochs <= 1 else Progress.MOVED)

    def _closing(self, ws: np.ndarray) -> np.ndarray:
        """The working set once the gap is within tol and only zero coordinates that violate
        their optimality condition keep the solver going: the support and those violators
        (the other zero coordinates of ``ws`` would only be visited, at an epoch's cost each)."""
        pos = np.searchsorted(self.cols.idx, ws)
        keep = (self.w[ws] != 0) | (self.scores[pos] > 0)
        return ws[keep] if keep.any() else ws

    def _inner_cached(
        self, cache: ColumnCache, ws: np.ndarray, tol_inner: float, budget: int
    ) -> int:
        """``cd_working_set`` on the cached columns of ``ws``: the kernel indexes the block, the
        coefficients, the curvatures and the penalty arrays by slot."""
        slots = cache.slots(ws)
        m = cache.count

        def by_slot(values: np.ndarray) -> np.ndarray:
            out = np.zeros(m)
            out[slots] = values[ws]
            return out

        kind, l1, l2, lower, upper, gamma = self.penalty
        penalty = (kind, by_slot(l1), by_slot(l2), by_slot(lower), by_slot(upper), gamma)
        w_slot = by_slot(self.w)
        args = (cache.block, *self.cd_args[1:])
        self.rsum, n_epochs = _kernels.cd_working_set(
            args,
            penalty,
            self.r,
            self.rsum,
            w_slot,
            slots,
            by_slot(self.design.col_norm_sq),
            budget,
            tol_inner,
            self.anderson,
        )
        self.w[ws] = w_slot[slots]
        return n_epochs

    def _columns(self, cols: np.ndarray) -> np.ndarray:
        """The design's columns ``cols`` (n, len(cols)), Fortran order."""
        out = np.empty((self.r.size, cols.size), order="F")
        _write_columns(self.design, self.cache, cols, out)
        return out

    def _violations(self) -> np.ndarray:
        """KKT violations of the columns in play (a view of a buffer)."""
        idx, cols = self.cols.idx, self.cols
        out = self.buffer[: idx.size]
        if self.convex:
            return kkt_violations(
                cols.restrict(self.corr),
                cols.restrict(self.w),
                cols.pw.l1,
                cols.pw.l2,
                cols.pw.lower,
                cols.pw.upper,
                out,
            )
        kind, _, _, _, _, gamma = self.penalty
        return kkt_scores(
            (kind, cols.pw.l1, cols.pw.l2, cols.pw.lower, cols.pw.upper, gamma),
            cols.restrict(self.corr),
            cols.restrict(self.w),
            out,
        )


def _write_columns(
    design: WeightedDesign, cache: ColumnCache | None, cols: np.ndarray, out: np.ndarray
) -> None:
    """Write the columns ``cols`` of ``design`` into ``out`` ((n, len(cols)), Fortran order),
    from ``cache`` where it reads the design, else from the design's ``Xd``: from a
    Fortran-ordered source, rows of its transpose copied whole."""
    if cache is None:
        source, places = design.Xd, cols
    else:
        source, places = cache.block, cache.slots(cols)
    if source.flags.f_contiguous and source.dtype == out.dtype:
        np.take(source.T, places, axis=0, out=out.T, mode="clip")  # "clip": not buffered
    else:  # a float32 design, or one whose columns are not contiguous
        out[...] = source[:, places]


def _kernel_args(
    design: WeightedDesign,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """``design.kernel_args()``; a sparse design whose rows all weigh the same passes its weights
    as one entry (``_kernels``' module docstring: one gather fewer per stored value).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csc_matrix(np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0]]))
    >>> y = np.array([1.0, 2.0, 3.0])
    >>> _kernel_args(WeightedDesign.build(X, y, np.ones(3), True))[4]
    array([0.33333333])
    >>> _kernel_args(WeightedDesign.build(X, y, np.array([1.0, 2.0, 1.0]), True))[4]
    array([0.25, 0.5 , 0.25])
    """
    Xd, data, indices, indptr, sw, x_offset, is_sparse = design.kernel_args()
    if is_sparse and sw.size > 1 and np.all(sw == sw[0]):
        sw = sw[:1].copy()
    return Xd, data, indices, indptr, sw, x_offset, is_sparse


def _newton_pays(
    n_epochs: int, n_samples: int, ws: np.ndarray, w: np.ndarray, l2: np.ndarray
) -> bool:
    """Whether a Newton step is worth its Cholesky factorization (support^3 / 3 flops), judged
    by the inner solve it would shorten (n_epochs epochs of n_samples x |ws|).

    A lasso's gap at the rescaled residual lags the primal error by a square root, so its
    coordinate descent spends most epochs on a support already right, and the step pays from a
    tenth of that work.  With an L2 term the conjugate is smooth, the gap falls with the primal
    error, and coordinate descent converges in 2 or 3 epochs per inner solve along a path,
    where a step (Gram matrix, factorization, Python overhead) saves about one: there it is
    taken only after an inner solve of ``_NEWTON_MIN_EPOCHS_L2`` epochs or more (CD crawling
    on a large support, or a very tight tol), and when its Cholesky and Gram matrix
    (n_samples x support^2) cost at most three times the work just spent.  Gated by the
    Cholesky's flops alone, elastic-net paths (500 x 2000 at l1_ratio 0.5 and 0.9, 300 x 1000
    at 0.9) and ElasticNetCV took 1.06 to 1.14 times as long as without steps; ElasticNetCV
    1.14 with the epochs' floor alone (steps on supports of 200-290 of 240 rows).

    Examples
    --------
    >>> ws, w = np.arange(3), np.array([1.0, 0.0, 2.0])
    >>> _newton_pays(5, 100, ws, w, np.zeros(3)), _newton_pays(5, 100, ws, w, np.ones(3))
    (True, False)
    """
    support = int(np.count_nonzero(w[ws]))
    if np.any(l2[ws] > 0):
        step = support**3 / 3 + n_samples * support**2  # with its Gram matrix X_S' X_S
        return n_epochs >= _NEWTON_MIN_EPOCHS_L2 and 3.0 * n_epochs * n_samples * ws.size >= step
    return 10.0 * n_epochs * n_samples * ws.size >= support**3 / 3


def _settled(before: np.ndarray, after: np.ndarray) -> bool:
    """Whether an inner solve left the support nearly as it found it: at most a tenth of it
    (at least one coordinate) entered or left, worth a Newton step on it."""
    size = int(after.sum())
    return size > 0 and int((before != after).sum()) <= max(1, size // 10)


def _gap_off_support(
    design: WeightedDesign,
    cols: ColumnsInPlay,
    w: np.ndarray,
    corr: np.ndarray,
    r_dot_y: float,
    residual_sq: float,
) -> tuple[float, np.ndarray]:
    """The certificate at the residual projected off the support (and the free columns).

    When the penalty is below the rounding of X' r (alpha near 0, or data in units that make it
    so), the residual is a useless dual point: its correlations miss l1 + l2 w by rounding
    errors that the conjugate of a tiny L2 part divides by l2, or that scale the whole point
    down to 0 for a tiny L1 part.  Projected off the support the correlations are exactly 0
    there, and the gap is that of least squares on the support plus the penalty.
    """
    idx = cols.idx
    local = off_support_columns(w[idx], cols.free)
    if local.size == cols.free.size:
        return np.inf, np.zeros(idx.size)
    cross, q_u = design.cross_gram(idx[local])
    return certify(
        cols.pw,
        w[idx],
        corr[idx],
        r_dot_y,
        residual_sq,
        local,
        np.ascontiguousarray(cross[idx]),
        q_u,
    )
