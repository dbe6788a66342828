"""Block coordinate descent for the group and sparse-group lasso.

Objective (sample weights s, offset o, penalty of ``shrinkage.penalties.group``):

    P(w, b) = 1/(sum s) sum_i s_i l(y_i, x_i.w + b + o_i) + Omega(w),

l the squared error / 2 (``datafit="quadratic"``) or a datafit of ``shrinkage.datafits.base``.

* Least squares: the intercept is profiled out by weighted centring; block CD in residual form
  on a working set of groups (ranked by their KKT violation, always holding the non-zero groups)
  with Anderson extrapolation, one proximal step of length 1 / ||X_g||_2^2 per block (the top
  eigenvalue of the centred weighted block, computed once).  Certificate: the duality gap at the
  residual rescaled into the dual ball (unpenalized groups projected out); stops at
  gap <= tol * sum_i sw_i (y_i - ybar)^2 with no zero group violating its optimality condition
  beyond rounding, as the core does.
* Other smooth datafits: proximal Newton (``shrinkage.solvers.group_newton``).  The loss is
  replaced by its second-order model at the current linear predictor (weights s_i l''_i, as
  IRLS), whose weighted least-squares problem on the working set is solved by the same block CD,
  then a backtracking line search on P.
  Certificate: the duality gap at the gradient rescaled into the dual ball and rebalanced to
  sum to zero (the intercept's constraint; ``shrinkage.datafits.base``), or the largest KKT
  violation when a group is unpenalized; stops at gap <= tol * (loss of the null model), or
  KKT <= tol * max_g ||X_g' grad|| at the null model.

``standardize=True`` divides the columns by their weighted standard deviations (glmnet's rule)
and penalizes the coefficients of the scaled columns; coefficients are reported on the original
scale (``shrinkage.group_path``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .._certificate_kernels import project_free_columns
from ..datafits.quadratic import WeightedDesign
from ..engine.working_set import Certificate, Progress, Ranking, Step, solve_working_set
from ..penalties._group_kernels import kkt_scores
from ..penalties.group import GroupPenalty, Groups
from . import _group_kernels as gk
from . import _kernels
from .result import Fit

_GRAM_MAX_SIZE = 256  # larger blocks get their top eigenvalue by Lanczos instead of a dense Gram


# ----------------------------------------------------------------------------------------------
# shared pieces


def scale_columns(X, scale: np.ndarray):
    """X with column j divided by scale[j] (a copy; sparse stays CSC)."""
    if sp.issparse(X):
        return sp.csc_matrix(X @ sp.diags(1.0 / scale))
    return np.asarray(X / scale.astype(X.dtype), dtype=X.dtype)


@dataclass(frozen=True)
class BlockCurvature:
    """Per group: the top eigenvalue of G = X_g' S X_g (centred), the block step's inverse, and
    for the groups of 2 to ``_GRAM_MAX_SIZE`` columns G itself and its eigendecomposition
    (evals[eoff[g]:eoff[g+1]]; grams and evecs at voff[g]:voff[g+1], row-major; empty for the
    others) for exact block solves."""

    lipschitz: np.ndarray
    evals: np.ndarray
    evecs: np.ndarray
    grams: np.ndarray
    eoff: np.ndarray
    voff: np.ndarray

    def kernel_args(
        self,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return self.lipschitz, self.evals, self.evecs, self.grams, self.eoff, self.voff


def block_curvature(design: WeightedDesign, groups: Groups) -> BlockCurvature:
    """The ``BlockCurvature`` of every group of ``design``."""
    out = np.zeros(groups.n_groups)
    sizes = groups.sizes
    single = sizes == 1
    out[single] = design.col_norm_sq[groups.order[groups.ptr[:-1][single]]]
    alive = (
        np.add.reduceat(design.col_norm_sq[groups.order], groups.ptr[:-1]) > 0
        if groups.n_groups
        else np.zeros(0, dtype=bool)
    )  # constant columns only: stays at 0
    small = np.flatnonzero(~single & alive & (sizes <= _GRAM_MAX_SIZE))
    m = np.zeros(groups.n_groups, dtype=np.int64)
    m[small] = sizes[small]
    eoff = np.concatenate([[0], np.cumsum(m)]).astype(np.int64)
    voff = np.concatenate([[0], np.cumsum(m * m)]).astype(np.int64)
    evals, evecs, grams = np.zeros(eoff[-1]), np.zeros(voff[-1]), np.zeros(voff[-1])
    if design.is_sparse:
        gk.block_eigen(
            *design.kernel_args(),
            groups.order,
            groups.ptr,
            small,
            eoff,
            voff,
            evals,
            evecs,
            grams,
            out,
        )
    else:  # dense Xd holds the weighted, centred columns: one BLAS product per block
        for g in small:
            block = design.Xd[:, groups.members(g)]
            gram = block.T @ block
            values, vectors = np.linalg.eigh(gram)
            evals[eoff[g] : eoff[g + 1]] = np.maximum(values, 0.0)
            evecs[voff[g] : voff[g + 1]] = vectors.ravel()
            grams[voff[g] : voff[g + 1]] = gram.ravel()
            out[g] = max(values[-1], 0.0)
    for g in np.flatnonzero(alive & (sizes > _GRAM_MAX_SIZE)):
        out[g] = _lanczos_top_eigenvalue(design, groups.members(g))
    return BlockCurvature(out, evals, evecs, grams, eoff, voff)


def _lanczos_top_eigenvalue(design: WeightedDesign, cols: np.ndarray) -> float:
    """Top eigenvalue of a large block's Gram from products with the block (never formed)."""
    B = design._csc()[:, cols] if design.is_sparse else design.Xd[:, cols]
    xo = design.x_offset[cols]

    def gram_vec(u):
        if design.is_sparse:
            return B.T @ (design.sw * (B @ u)) - xo * (xo @ u)
        return B.T @ (B @ u)

    op = spla.LinearOperator((cols.size, cols.size), matvec=gram_vec, dtype=np.float64)
    top = spla.eigsh(op, k=1, which="LA", tol=1e-10, return_eigenvectors=False)[0]
    return float(top) * (1.0 + 1e-8)  # a step never longer than 1 / L


# ----------------------------------------------------------------------------------------------
# least squares


def quadratic_gap(
    design: WeightedDesign,
    penalty: GroupPenalty,
    w: np.ndarray,
    r,
    rsum,
    corr: np.ndarray,
    free_products=None,
) -> float:
    """P(w) - D(theta) at theta = scale * S r, free groups projected out of r, scale <= 1 putting
    X_g' theta in the dual ball of every group."""
    r_dot_y, residual_sq = design.residual_products(r, rsum, w)
    free = penalty.groups.columns(penalty.free_groups())
    if free.size:
        cross, q_free = design.cross_gram(free) if free_products is None else free_products
        inf = np.full(w.shape[0], np.inf)
        corr, r_dot_y, r_dot_r = project_free_columns(
            free, w, corr, r_dot_y, residual_sq, cross, q_free, -inf, inf
        )
    else:
        r_dot_r = residual_sq
    t = penalty.dual_norms(corr)
    worst = float(t.max()) if t.size else 0.0
    scale = 1.0 if worst <= 1.0 else 1.0 / worst
    primal = 0.5 * residual_sq + penalty.value(w)
    dual = scale * r_dot_y - 0.5 * scale**2 * r_dot_r
    return max(primal - dual, 0.0)


def solve_group_quadratic(
    design: WeightedDesign,
    penalty: GroupPenalty,
    curvature: BlockCurvature,
    w0: np.ndarray,
    *,
    tol: float,
    max_iter: int,
    anderson: bool = True,
    state=None,
) -> Fit:
    """Minimise 0.5 sum sw r^2 + Omega(w); ``tol`` is relative to sum sw y_c^2.

    ``state`` is the previous fit's residual when ``w0`` is that fit's ``w``.
    """
    groups = penalty.groups
    w = np.asarray(w0, dtype=np.float64).copy()
    dead = np.repeat(curvature.lipschitz == 0, groups.sizes)
    w[groups.order[dead]] = 0.0
    if state is not None and np.array_equal(w, w0):
        r, rsum = state[0].copy(), state[1]
    else:
        r, rsum = design.residual(w)
    yty = float(design.yty)  # one target
    tol_abs = tol * yty if yty > 0 else tol * np.finfo(float).tiny
    model = GroupLeastSquares(design, penalty, curvature, w, r, rsum, tol_abs, anderson)
    out = solve_working_set(model, max_iter=max_iter)
    return Fit(
        w,
        float(out.cert.gap),
        out.epochs,
        out.cert.converged,
        float(tol_abs),
        state=(model.r, model.rsum),
    )


class GroupLeastSquares:
    """The group / sparse-group lasso in residual form as an ``engine.working_set`` model:
    blocks are groups, the inner solve is ``_group_kernels.bcd_working_set``, the certificate
    the duality gap (``quadratic_gap``).  ``w``, ``r`` and ``rsum`` are updated in place."""

    def __init__(
        self,
        design: WeightedDesign,
        penalty: GroupPenalty,
        curvature: BlockCurvature,
        w: np.ndarray,
        r: np.ndarray,
        rsum: float,
        tol_abs: float,
        anderson: bool,
    ):
        groups = penalty.groups
        self.design, self.penalty, self.curvature, self.groups = design, penalty, curvature, groups
        self.w, self.r, self.rsum, self.tol_abs, self.anderson = w, r, rsum, tol_abs, anderson
        self.l1, self.lg = penalty.l1_weights(), penalty.group_weights()
        free = groups.columns(penalty.free_groups())
        self.free_products = design.cross_gram(free) if free.size else None
        self.scores = np.empty(groups.n_groups)
        self.nonzero = np.zeros(groups.n_groups, dtype=bool)
        self.slack = _zero_group_slack(design, penalty, curvature)

    def certify(self, budget: int) -> Certificate:
        groups, w = self.groups, self.w
        corr = self.design.correlations(self.r, self.rsum)
        gap = quadratic_gap(
            self.design, self.penalty, w, self.r, self.rsum, corr, self.free_products
        )
        kkt_scores(corr, w, groups.order, groups.ptr, self.l1, self.lg, self.scores)
        self.nonzero = groups.norms(w) > 0
        closed = not np.any((self.scores > self.slack) & ~self.nonzero)
        return Certificate(gap, closed, self.tol_abs)

    def screen(self, cert: Certificate) -> bool:
        return False

    def ranking(self) -> Ranking:
        return Ranking(self.scores, self.nonzero)

    def inner(self, ws: np.ndarray, tol_inner: float, budget: int) -> Step:
        groups = self.groups
        self.rsum, n_epochs = gk.bcd_working_set(
            self.design.kernel_args(),
            (groups.order, groups.ptr, self.l1, self.lg),
            self.curvature.kernel_args(),
            self.r,
            self.rsum,
            self.w,
            ws,
            budget,
            tol_inner,
            self.anderson,
        )
        return Step(n_epochs, Progress.GROW if n_epochs <= 1 else Progress.MOVED)


def _zero_group_slack(
    design: WeightedDesign, penalty: GroupPenalty, curvature: BlockCurvature
) -> np.ndarray:
    """Per group, the KKT violation above which a zero group certifiably belongs in the model
    (the rounding of X_g' r, as ``_kernels.optimality_checks`` for a coordinate): the solver
    goes on however small the gap, so that w = 0 is never returned just below alpha_max."""
    groups = penalty.groups
    if not groups.n_groups:
        return np.empty(0)
    l1_sum = np.add.reduceat(penalty.l1_weights()[groups.order], groups.ptr[:-1])
    unit = np.sqrt(curvature.lipschitz) * np.sqrt(max(float(design.yty), 0.0))
    eps = np.finfo(np.float64).eps
    return _kernels.KKT_ROUNDING * unit + 8.0 * eps * (penalty.group_weights() + l1_sum)
