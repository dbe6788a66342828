"""Gram (covariance) mode on the working-set engine: least squares from G = X_c' S X_c.

The statistics are either the whole G (``SufficientStatistics``: a path, or p small) or its
columns formed as working sets ask for them (``GramColumns``: one alpha, a small support).
``GramCD`` is the ``engine.working_set`` model: its inner solve is coordinate descent on the
working set's k x k block of G (``_kernels.gram_cd_working_set``, no pass over X), its
certificate the duality gap from G's columns on the support, q and y'Sy alone (exact: the
gradient X_c' S r = q - G w is recomputed at every certificate), with gap-safe screening.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .._certificate_kernels import off_support_columns
from ..certificates import certify
from ..datafits.quadratic import GramColumns, SufficientStatistics
from ..engine.working_set import Certificate, Progress, Ranking, Step, solve_working_set
from ..penalties._l1_l2_kernels import kkt_violations
from ..penalties._separable import ELASTIC_NET
from ..penalties.l1_l2 import PenaltyWeights
from . import _kernels
from .choice import (
    columns_budget,
    columns_pay,
    expected_entrants,
    noise_level,
    sketch_stride,
)
from .columns import ColumnsInPlay, in_play
from .result import Fit

#: a working set's new Gram columns are formed in batches of at least this many (the next best
#: candidates come along): one pass over X costs about as much as this many columns' products
_MIN_BATCH = 16
#: the row sketch's fit (``GramCD._sketch_columns``): its tolerance, epochs, and the fraction of a
#: column's L1 weight its correlation reaches for the column to be formed along with the support
_SKETCH_TOL = 1e-4
_SKETCH_ITER = 10_000
_SKETCH_MARGIN = 0.9
#: an inner solve costs O(k^2) per epoch and no pass over X: solve it further than the residual
#: CD does (``INNER_FRACTION``), so that fewer certificates (and column batches) are needed
_INNER_FRACTION = 1e-4
#: a whole G of at most this many columns is solved as one working set, every column in it,
#: without screening (an epoch's O(p) checks cost less than ranking and gathering blocks)
_WHOLE_SET = 256
#: ... whose inner solve may stop earlier: a second round (certificate, inner solve) costs less
#: than the epochs it saves
_INNER_FRACTION_WHOLE = 1e-3
#: ... except a lasso's (no L2 term): its gap lags the KKT scores by a square root, so an inner
#: solve stopped at 1e-3 left a second round on many alphas (path (b), 10000 x 200: 256
#: certificates and 1466 epochs for 100 alphas; 209 and 1205 at 1e-4, 0.84 of the solve time)
_INNER_FRACTION_WHOLE_LASSO = 1e-4
#: an inner solve stops at 8 ulps of its gradient's scale, whatever it was asked
_ROUNDING = 8 * np.finfo(float).eps
#: ... except once per solve, when that left every column stuck: CD to its fixed point, at most
#: this many epochs (a point oscillating by an ulp has none)
_POLISH_EPOCHS = 100


def solve_gram(
    stats: SufficientStatistics | GramColumns,
    pw: PenaltyWeights,
    w0: np.ndarray,
    *,
    tol: float,
    max_iter: int,
    screen: bool = True,
    anderson: bool = True,
    setup: GramSetup | None = None,
) -> Fit:
    """Same objective, tolerance and stopping rule as ``solve_cd``, from the statistics.

    Parameters
    ----------
    stats : SufficientStatistics or GramColumns
        G (whole, or formed column by column), q, y'Sy, the offsets.
    pw : PenaltyWeights
        The elastic net's weights and bounds.
    w0 : numpy.ndarray
        (p,) the starting point (clipped to the bounds; 0 on constant columns).
    tol : float
        Relative to y_c' S y_c: converged when the gap is at most tol y'Sy and no zero
        coordinate violates its optimality condition beyond rounding.
    max_iter : int
        The inner epochs (and certifications) in all.
    screen : bool, default=True
        Gap-safe screening.
    anderson : bool, default=True
        Anderson extrapolation in the inner solves.
    setup : GramSetup, optional
        What the solve needs from ``stats`` alone (a path makes it once for all its alphas);
        made here when not given.

    Returns
    -------
    Fit
        w, the gap, the epochs, converged and the absolute tolerance.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import sufficient_statistics
    >>> from shrinkage.penalties.l1_l2 import PenaltyWeights
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 5))
    >>> y = X @ np.array([2.0, 0, 0, -1.0, 0]) + 0.1 * rng.standard_normal(100)
    >>> pw = PenaltyWeights(np.full(5, 0.1), np.zeros(5), np.full(5, -np.inf), np.full(5, np.inf))
    >>> fit = solve_gram(sufficient_statistics(X, y, np.ones(100), True), pw, np.zeros(5),
    ...                  tol=1e-10, max_iter=1000)
    >>> fit.converged, np.flatnonzero(fit.w).tolist()
    (True, [0, 3])
    """
    setup = GramSetup(stats) if setup is None else setup
    w = np.minimum(np.maximum(np.where(setup.active, w0, 0.0), pw.lower), pw.upper)
    yty = setup.yty
    tol_abs = tol * yty if yty > 0 else tol * np.finfo(float).tiny
    model = GramCD(setup, pw, w, tol_abs, screen=screen, anderson=anderson)
    fraction = _INNER_FRACTION
    if model.whole_set:
        lasso = not np.any(pw.l2 > 0)
        fraction = _INNER_FRACTION_WHOLE_LASSO if lasso else _INNER_FRACTION_WHOLE
    out = solve_working_set(model, max_iter=max_iter, inner_fraction=fraction)
    return Fit(model.w, float(out.cert.gap), out.epochs, out.cert.converged, float(tol_abs))


class GramSetup:
    """What a Gram solve needs from the statistics alone, made once: a path's alphas share it.

    Parameters
    ----------
    stats : SufficientStatistics or GramColumns
        The statistics (their G, or its columns, q, y'Sy and the columns' squared norms).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import sufficient_statistics
    >>> X = np.column_stack([np.arange(4.0), np.ones(4)])  # the second column is constant
    >>> setup = GramSetup(sufficient_statistics(X, np.arange(4.0), np.ones(4), True))
    >>> setup.active.tolist(), setup.whole_set
    ([True, False], True)
    """

    def __init__(self, stats: SufficientStatistics | GramColumns):
        self.stats = stats
        self.q = np.asarray(stats.q, dtype=np.float64)
        self.yty = float(stats.yty)
        self.lipschitz = stats.col_norm_sq
        #: the columns in play before any screening (a constant column never is)
        self.active = self.lipschitz > 0
        self.in_play = in_play(self.active)
        self.full = isinstance(stats, SufficientStatistics)
        self.gram = (
            stats.solver_gram if isinstance(stats, SufficientStatistics) else np.empty((0, 0))
        )
        #: every column in play is in every working set (``_WHOLE_SET``)
        self.whole_set = self.full and self.q.size <= _WHOLE_SET


class GramCD:
    """Penalized least squares on the Gram statistics as an ``engine.working_set`` model.

    Blocks are coordinates; ``inner`` runs ``_kernels.gram_cd_working_set`` on the working
    set's block of G (forming its missing columns first, with the next best candidates, in
    one pass over X when the statistics are ``GramColumns``).  ``certify`` computes the
    gradient q - G w from the support's columns, then the duality gap of the columns in play
    (and, at a point optimal to working precision whose gap is not small, the gap off the
    support, as ``LeastSquaresCD``); ``screen`` drops columns by the gap-safe rule.  ``w`` is
    updated in place.
    """

    def __init__(
        self,
        setup: GramSetup,
        pw: PenaltyWeights,
        w: np.ndarray,
        tol_abs: float,
        *,
        screen: bool,
        anderson: bool,
    ):
        self.stats, self.pw, self.w, self.tol_abs = setup.stats, pw, w, tol_abs
        self.use_screen, self.anderson = screen, anderson
        self.q, self.yty, self.lipschitz = setup.q, setup.yty, setup.lipschitz
        # every l1 > 0 (the common case): no free column, without ``unpenalized_columns``' masks
        free = np.empty(0, dtype=np.int64) if pw.l1.all() else pw.unpenalized_columns()
        self.free = free.astype(np.int64)
        p = w.size
        self.free_cross = self.stats.columns(self.free) if self.free.size else np.empty((p, 0))
        self.active = setup.active.copy()  # screening clears entries
        self.cols = ColumnsInPlay(
            self.active, pw, self.free, self.free_cross, self.q[self.free], setup.in_play
        )
        self.corr = self.q.copy()
        self.scores = np.zeros(0)
        self.gap, self.theta_corr = np.inf, np.zeros(0)
        self.r_dot_y, self.residual_sq = self.yty, self.yty
        self.polished = False
        #: whether the first columns were formed (the row sketch is consulted once), and
        #: whether they were the ones a sketch predicted
        self.sketched = self.predicted = False
        #: the last inner solve left its working set where it was (every column may be needed)
        self.stalled = False
        #: a whole G and no free column: the certificate is one kernel (``gram_certificate``)
        self.gram = setup.gram
        self.fused = setup.full and self.free.size == 0
        self.whole_set = setup.whole_set

    def certify(self, budget: int) -> Certificate:
        stats, cols, w = self.stats, self.cols, self.w
        idx = cols.idx
        if self.fused:
            pw = cols.pw
            work = np.empty((3, idx.size))
            gap, self.r_dot_y, self.residual_sq, closed, stalled = _kernels.gram_certificate(
                self.gram,
                self.q,
                self.yty,
                w,
                idx,
                pw.l1,
                pw.l2,
                pw.lower,
                pw.upper,
                self.lipschitz,
                self.corr,
                work,
            )
            self.theta_corr, self.scores = work[1], work[2]
            if gap > self.tol_abs and stalled:
                gap, self.theta_corr = min(
                    (gap, self.theta_corr), self._gap_off_support(), key=lambda c: c[0]
                )
            self.gap = gap
            return Certificate(float(gap), closed, self.tol_abs)
        support = np.flatnonzero(w)
        self.corr = self.q - stats.product(support, w[support]) if support.size else self.q
        self.r_dot_y = self.yty - float(self.q @ w)
        self.residual_sq = max(self.r_dot_y - float(w @ self.corr), 0.0)
        self.scores = self._violations()
        closed, stalled = _kernels.optimality_checks(
            self.scores,
            w[idx],
            cols.pw.l1,
            self.lipschitz[idx],
            self.yty,
            cols.everywhere,
        )
        gap, self.theta_corr = certify(
            cols.pw,
            w[idx],
            self.corr[idx],
            self.r_dot_y,
            self.residual_sq,
            cols.free,
            cols.cross,
            cols.q_free,
        )
        if gap > self.tol_abs and stalled:
            gap, self.theta_corr = min(
                (gap, self.theta_corr), self._gap_off_support(), key=lambda c: c[0]
            )
        self.gap = gap
        return Certificate(float(gap), closed, self.tol_abs)

    def screen(self, cert: Certificate) -> bool:
        if not self.use_screen or self.whole_set:
            return False
        idx, w = self.cols.idx, self.w
        out = self.cols.screened_out(self.theta_corr, self.lipschitz[idx], self.gap)
        if not out.any():
            return False
        self.active[idx[out]] = False
        dropped = idx[out & (w[idx] != 0)]
        w[dropped] = 0.0
        self.cols = ColumnsInPlay(
            self.active, self.pw, self.free, self.free_cross, self.q[self.free]
        )
        if dropped.size:
            return True  # the point changed: certify again
        self.scores = self._violations()
        return False

    def ranking(self) -> Ranking:
        idx = self.cols.idx
        forced = self.cols.everywhere if self.whole_set else self.w[idx] != 0
        return Ranking(self.scores, forced, blocks=idx)

    def inner(self, ws: np.ndarray, tol_inner: float, budget: int) -> Step:
        stats = self.stats
        if self.predicted and not self.stalled:
            ws = self._worth_forming(ws)
        self._form(ws)
        if self.predicted and isinstance(stats, GramColumns) and stats.n_formed < self.w.size:
            # the sketch's columns cost O(k) more per epoch and no pass over X: solving on all
            # of them leaves fewer violators outside, so fewer batches (passes) follow
            # (200000 x 200: 1 and 2 passes at alpha_max / 10 and / 100 instead of 2 and 3;
            # without a sketch, on 20000 x 1000, the working sets alone were 10-15% faster)
            formed = stats.formed()
            ws = np.union1d(ws, formed[self.active[formed]])
        G = stats.block(ws)
        if ws.size == self.w.size:  # every column: the whole arrays, w solved in place
            v, q, pw = self.w, self.q, self.pw
        else:
            v, q = self.w[ws], self.q[ws]
            pw = PenaltyWeights(
                self.pw.l1[ws], self.pw.l2[ws], self.pw.lower[ws], self.pw.upper[ws]
            )
        penalty = (ELASTIC_NET, pw.l1, pw.l2, pw.lower, pw.upper, None)
        n_epochs, moved = _kernels.gram_cd_working_set(
            G, q, v, penalty, budget, tol_inner, _ROUNDING, self.anderson
        )
        stuck = n_epochs <= 1 or not moved
        self.stalled = stuck
        if stuck and ws.size >= self.cols.idx.size:
            if self.polished:
                self._store(ws, v)
                if self.whole_set and self.use_screen:
                    # the gap is still above tol (rounding): go on as on a larger G, screening
                    # (a gap over fewer columns carries less rounding) and polishing again
                    self.whole_set = self.polished = False
                    return Step(n_epochs, Progress.GROW)
                return Step(n_epochs, Progress.STOP)  # optimal to rounding on every column
            # once: CD down to its fixed point (or _POLISH_EPOCHS), below the rounding floor
            self.polished = True
            more, moved = _kernels.gram_cd_working_set(
                G, q, v, penalty, min(budget, _POLISH_EPOCHS), 0.0, 0.0, self.anderson
            )
            n_epochs += more
            stuck = not moved
        self._store(ws, v)
        return Step(n_epochs, Progress.GROW if stuck else Progress.MOVED)

    def _worth_forming(self, ws: np.ndarray) -> np.ndarray:
        """``ws`` less its columns not formed yet that satisfy their optimality condition: at
        zero with no KKT violation, they would stay there and cost a pass over X (the engine
        fills a working set with such columns, e.g. 44 for a support of 22 on 200000 x 200)."""
        missing = self.stats.missing(ws)
        if missing.size == 0:
            return ws
        idx = self.cols.idx
        pos = np.minimum(np.searchsorted(idx, missing), idx.size - 1)
        idle = missing[(idx[pos] == missing) & (self.scores[pos] <= 0)]
        return np.setdiff1d(ws, idle)

    def _store(self, ws: np.ndarray, v: np.ndarray) -> None:
        if v is not self.w:
            self.w[ws] = v

    def _form(self, ws: np.ndarray) -> None:
        """Form the working set's missing columns: the first time, with the columns a row
        sketch predicts (or the whole G where they are too many, ``choice.columns_pay``); later,
        topped up to ``_MIN_BATCH`` with the next best candidates (no-op on a whole G), or the
        whole G where the violators and the formed columns are more than ``GramColumns``' own
        ``full_fraction`` (a denser solution than predicted: one pass for them all)."""
        missing = self.stats.missing(ws)
        if missing.size == 0:
            return
        stats = self.stats
        if not self.sketched and isinstance(stats, GramColumns):
            self.sketched = True
            sketched = self._sketch_columns(stats)
            if sketched is not None:
                predicted, spare = sketched
                cols = np.union1d(missing, predicted)
                if columns_pay(cols.size, self.w.size):
                    # the pass costs more for being made than per column: fill it with the
                    # next candidates up to the budget
                    room = columns_budget(self.w.size) - cols.size
                    spare = spare[~np.isin(spare, cols)][: max(room, 0)]
                    stats.ensure(np.concatenate([cols, spare]))
                    self.predicted = True
                else:
                    stats.statistics  # noqa: B018 - forms the whole G
                return
        idx = self.cols.idx
        if self.predicted and isinstance(stats, GramColumns):
            violators = self.stats.missing(idx[self.scores > 0])
            if stats.n_formed + violators.size > stats.full_fraction * self.w.size:
                stats.statistics  # noqa: B018 - forms the whole G
                return
        spare = np.setdiff1d(idx[np.argsort(-self.scores)[: 2 * _MIN_BATCH]], ws)
        extra = self.stats.missing(spare)[: max(_MIN_BATCH - missing.size, 0)]
        self.stats.ensure(np.concatenate([missing, extra]))

    def _sketch_columns(self, stats: GramColumns) -> tuple[np.ndarray, np.ndarray] | None:
        """The columns a fit on every ``choice.sketch_stride``-th row reads: its support and
        the columns whose correlation there reaches ``_SKETCH_MARGIN`` of their L1 weight, and
        the other columns by that ratio, best first, where the L1 weights were raised (None
        where there is no sketch: sparse X, too few rows or too many features).

        The sketch has 1 / stride of the rows: below its noise level (``choice.noise_level``,
        sigma estimated from the sketch fit's residual) its fit selects noise columns the whole
        fit does not, so it is fitted again at L1 weights raised to that level, and selects the
        support the data carry.  Where the whole data's own noise would bring more columns
        into the whole fit (``choice.expected_entrants``) than ``choice.columns_pay`` allows,
        every column is predicted (the whole G is formed at once).
        """
        if sp.issparse(stats.X):
            return None
        n, p = stats.X.shape
        stride = sketch_stride(n, p)
        if stride is None:
            return None
        sketch = stats.sketch(stride)
        pw = self.pw
        fit = solve_gram(sketch, pw, np.zeros(p), tol=_SKETCH_TOL, max_iter=_SKETCH_ITER)
        corr = sketch.q - sketch.solver_gram @ fit.w
        # the rows' effective count 1 / sum s_i^2 (S sums to one; n when equal), 1 / stride of
        # it in the sketch: the noise's x_j' S e has variance sigma^2 G_jj sum s_i^2
        n_eff = 1.0 / float(stats.sw @ stats.sw)
        m = n_eff / stride
        support = fit.w != 0
        residual_sq = max(sketch.yty - float(sketch.q @ fit.w) - float(fit.w @ corr), 0.0)
        sigma = float(np.sqrt(residual_sq * m / max(m - np.count_nonzero(support) - 1, 1)))
        raised = np.where(
            pw.l1 > 0, np.maximum(pw.l1, noise_level(sketch.col_norm_sq, sigma, m, p)), 0.0
        )
        spare = np.empty(0, dtype=np.int64)
        if np.any(raised > pw.l1):
            pw = PenaltyWeights(raised, pw.l2, pw.lower, pw.upper)
            fit = solve_gram(sketch, pw, fit.w, tol=_SKETCH_TOL, max_iter=_SKETCH_ITER)
            corr = sketch.q - sketch.solver_gram @ fit.w
            support = fit.w != 0
            off = ~support & self.active
            dense = np.count_nonzero(support) + expected_entrants(
                self.pw.l1[off], self.lipschitz[off], sigma, n_eff
            )
            if not columns_pay(int(np.ceil(dense)), p):
                return np.flatnonzero(self.active), spare
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(raised > 0, np.abs(corr) / raised, np.inf)
            spare = np.argsort(-ratio)
            spare = spare[self.active[spare]]
        near = np.abs(corr) >= _SKETCH_MARGIN * pw.l1
        return np.flatnonzero((support | near) & self.active), spare

    def _violations(self) -> np.ndarray:
        idx, pw = self.cols.idx, self.cols.pw
        return kkt_violations(
            self.corr[idx], self.w[idx], pw.l1, pw.l2, pw.lower, pw.upper, np.empty(idx.size)
        )

    def _gap_off_support(self) -> tuple[float, np.ndarray]:
        """The certificate at the residual projected off the support and the free columns
        (see ``cd._gap_off_support``)."""
        cols, w = self.cols, self.w
        idx = cols.idx
        local = off_support_columns(w[idx], cols.free)
        if local.size == cols.free.size:
            return np.inf, np.zeros(idx.size)
        cross = self.stats.columns(idx[local])
        return certify(
            cols.pw,
            w[idx],
            self.corr[idx],
            self.r_dot_y,
            self.residual_sq,
            local,
            np.ascontiguousarray(cross[idx]),
            self.q[idx[local]],
        )
