"""Block coordinate descent for multi-task least squares with the L2,1 + L2 penalty.

Objective (scikit-learn's MultiTaskElasticNet, glmnet's "mgaussian"; sample weights s):

    P(W, b) = 1/(2 sum s) sum_i s_i ||y_i - W' x_i - b||^2
              + alpha l1_ratio sum_j ||W_j||_2 + alpha (1 - l1_ratio)/2 ||W||_F^2

for W of shape (p, T) (row W_j: feature j in every task).  The intercepts are profiled out by
weighted centring (b = ybar - W' xbar).  Outer loop (here): the correlations X_c' S R, the
duality gap at the residual scaled into the dual ball (``shrinkage.penalties.multitask``), the
rows' KKT scores and a working set of the largest (always holding the non-zero rows), run by
the one working-set engine (``shrinkage.engine.working_set``, this module's ``MultiTaskBCD`` its
adapter).  Inner loop (numba, ``_multitask_kernels.bcd_epochs``): exact row updates with
Anderson extrapolation until the working set's KKT violations drop below a fraction of the
outer ones.  Converged when
gap <= tol * sum_t sum_i s_i (y_it - ybar_t)^2 / sum s (scikit-learn's tol * ||Y_c||_F^2 in
its n-scaled units) and no zero row violates its optimality condition beyond rounding, so that
W = 0 is never returned just below alpha_max.  With alpha = 0 (no penalty) the certificate is
the gap to the least-squares optimum, computed once by a dense least-squares solve.
"""

from __future__ import annotations

import numpy as np

from .. import _validation as v
from .._certificate_kernels import trusted_gap
from ..datafits.quadratic import WeightedDesign
from ..engine.working_set import Certificate, Progress, Ranking, Step, solve_working_set
from ..penalties import multitask as mt
from . import _multitask_kernels as mk
from ._kernels import KKT_ROUNDING
from .result import Fit

# ----------------------------------------------------------------------------------------------
# the residual matrix R (T, n) and the products the certificate needs


def residual(design: WeightedDesign, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The kernels' residual representation at W: (R of shape (T, n), rsum of shape (T,))."""
    if design.is_sparse:
        R = np.ascontiguousarray((design.y - design._csc() @ W).T)
        return R, R @ design.sw
    return np.ascontiguousarray((design.y - design.Xd @ W).T, dtype=np.float64), np.zeros(
        W.shape[1]
    )


def correlations(design: WeightedDesign, R: np.ndarray, rsum: np.ndarray) -> np.ndarray:
    """C = X_c' S R_true of shape (p, T): minus the datafit's gradient in W."""
    if design.is_sparse:
        C = design._csc().T @ (R * design.sw).T
        return np.ascontiguousarray(np.asarray(C) - np.outer(design.x_offset, rsum))
    return np.ascontiguousarray((R @ design.Xd).T, dtype=np.float64)


def residual_products(
    design: WeightedDesign, R: np.ndarray, rsum: np.ndarray, W: np.ndarray
) -> tuple[float, float]:
    """(<R, Y_c>_S, <R, R>_S) for the true residual."""
    if design.is_sparse:
        Rt = R + (design.x_offset @ W)[:, None]
        weighted = Rt * design.sw
        return float(np.sum(weighted * design.y.T)), float(np.sum(weighted * Rt))
    return float(np.sum(R * design.y.T)), float(np.sum(R * R))


def total_sum_of_squares(design: WeightedDesign) -> float:
    """sum_t sum_i s_i (y_it - ybar_t)^2 with s summing to one: the null model's doubled
    objective, the unit of ``tol``."""
    return float(np.sum(design.yty))


def least_squares_optimum(design: WeightedDesign) -> float:
    """min_W 0.5 sum_i s_i ||r_i||^2 (no penalty), by a dense least-squares solve."""
    if design.is_sparse:
        root = np.sqrt(design.sw)
        Xd = (design._csc().toarray() - design.x_offset) * root[:, None]
        Yd = design.y * root[:, None]
    else:
        Xd, Yd = design.Xd.astype(np.float64), design.y
    Z = np.linalg.lstsq(Xd, Yd, rcond=None)[0]
    return 0.5 * float(np.sum((Yd - Xd @ Z) ** 2))


def multitask_gap(
    design: WeightedDesign,
    W: np.ndarray,
    R: np.ndarray,
    rsum: np.ndarray,
    C: np.ndarray,
    l1: float,
    l2: float,
    optimum: float | None = None,
) -> float:
    """The duality gap at W in objective units (``optimum``: the least-squares optimum, used
    when l1 = l2 = 0, where the penalty gives no dual ball to scale the residual into)."""
    r_dot_y, r_dot_r = residual_products(design, R, rsum, W)
    if l1 == 0.0 and l2 == 0.0 and optimum is not None:
        primal = 0.5 * r_dot_r
        return float(trusted_gap(primal - optimum, primal + optimum))
    gap, _, _, _ = mt.dual_gap(W, r_dot_r, C, r_dot_y, r_dot_r, l1, l2)
    return float(gap)


# ----------------------------------------------------------------------------------------------
# one alpha


def solve_multitask(
    design: WeightedDesign,
    l1: float,
    l2: float,
    W0: np.ndarray,
    *,
    tol: float,
    max_iter: int,
    anderson: bool = True,
    state=None,
) -> Fit:
    """Minimise 0.5 sum_i s_i ||r_i||^2 + l1 sum_j ||W_j|| + l2/2 ||W||_F^2 over W (p, T).

    Parameters
    ----------
    design : WeightedDesign
        The centred, weighted data (``WeightedDesign.build`` with a 2-D target).
    l1 : float
        Weight of the L2,1 norm (alpha * l1_ratio).
    l2 : float
        Weight of half the squared Frobenius norm (alpha * (1 - l1_ratio)).
    W0 : ndarray of shape (n_features, n_tasks)
        The starting point.
    tol : float
        Relative tolerance: stop at gap <= tol * ``total_sum_of_squares(design)``.
    max_iter : int
        Maximum number of epochs over the working sets.
    anderson : bool
        Use Anderson extrapolation in the inner loop.
    state : tuple or None
        The previous fit's ``Fit.state`` (its residual) when ``W0`` is that fit's ``w``.

    Returns
    -------
    Fit
        ``w`` of shape (p, T), the duality gap in objective units, the epochs, whether it
        converged, the absolute tolerance and the residual as ``state``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits.quadratic import WeightedDesign
    >>> from shrinkage.solvers.multitask import solve_multitask
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 5))
    >>> Y = X[:, :2] @ np.array([[1.0, -1.0], [2.0, 0.5]]) + 0.1 * rng.standard_normal((50, 2))
    >>> design = WeightedDesign.build(X, Y, np.ones(50), True)
    >>> fit = solve_multitask(design, 0.1, 0.0, np.zeros((5, 2)), tol=1e-8, max_iter=1000)
    >>> bool(fit.converged), np.flatnonzero(np.linalg.norm(fit.w, axis=1))
    (True, array([0, 1]))
    """
    lipschitz = np.asarray(design.col_norm_sq, dtype=np.float64)
    W = np.ascontiguousarray(np.where((lipschitz > 0)[:, None], W0, 0.0), dtype=np.float64)
    if state is not None and np.array_equal(W, W0):
        R, rsum = state[0].copy(), state[1].copy()
    else:
        R, rsum = residual(design, W)
    yty = total_sum_of_squares(design)
    tol_abs = tol * yty if yty > 0 else tol * np.finfo(float).tiny
    model = MultiTaskBCD(design, l1, l2, W, R, rsum, tol_abs, anderson=anderson)
    out = solve_working_set(model, max_iter=max_iter)
    return Fit(
        W, float(out.cert.gap), out.epochs, out.cert.converged, float(tol_abs), state=(R, rsum)
    )


class MultiTaskBCD:
    """The multi-task problem as an ``engine.working_set`` model: blocks are the rows W_j, the
    inner solve is ``_multitask_kernels.bcd_epochs``.

    Certificate: the duality gap at the residual scaled into the dual ball (the gap to the
    least-squares optimum when l1 = l2 = 0); ``closed`` when no zero row's KKT score exceeds
    the rounding of X_j' R.  No screening.  ``W``, ``R`` and ``rsum`` are updated in place.
    """

    def __init__(
        self,
        design: WeightedDesign,
        l1: float,
        l2: float,
        W: np.ndarray,
        R: np.ndarray,
        rsum: np.ndarray,
        tol_abs: float,
        *,
        anderson: bool,
    ):
        self.design, self.l1, self.l2 = design, l1, l2
        self.W, self.R, self.rsum = W, R, rsum
        self.tol_abs, self.anderson = tol_abs, anderson
        self.lipschitz = np.asarray(design.col_norm_sq, dtype=np.float64)
        self.optimum = least_squares_optimum(design) if l1 == 0.0 and l2 == 0.0 else None
        yty = max(total_sum_of_squares(design), 0.0)
        self.slack = KKT_ROUNDING * np.sqrt(self.lipschitz * yty) + 8.0 * np.finfo(float).eps * l1
        self.scores = np.empty(W.shape[0])
        self.args = design.kernel_args()

    def certify(self, budget: int) -> Certificate:
        C = correlations(self.design, self.R, self.rsum)
        gap = multitask_gap(
            self.design, self.W, self.R, self.rsum, C, self.l1, self.l2, self.optimum
        )
        mt.kkt_scores(C, self.W, self.l1, self.l2, self.scores)
        self.scores[self.lipschitz == 0] = -1.0  # constant columns cannot move
        closed = not np.any((self.scores > self.slack) & ~self._nonzero())
        return Certificate(gap, closed, self.tol_abs)

    def screen(self, cert: Certificate) -> bool:
        return False

    def ranking(self) -> Ranking:
        return Ranking(self.scores, self._nonzero())

    def inner(self, ws: np.ndarray, tol_inner: float, budget: int) -> Step:
        epochs = mk.bcd_epochs(
            self.args,
            self.R,
            self.rsum,
            self.W,
            ws,
            self.lipschitz,
            self.l1,
            self.l2,
            budget,
            tol_inner,
            self.anderson,
        )
        stuck = epochs <= 1 and ws.size < self.W.shape[0]
        return Step(epochs, Progress.GROW if stuck else Progress.MOVED)

    def _nonzero(self) -> np.ndarray:
        return np.any(self.W != 0, axis=1)


# ----------------------------------------------------------------------------------------------
# the target and alpha_max


def check_multitask_target(Y, n_samples: int, dtype=np.float64, *, model: str = "") -> np.ndarray:
    """Y as a finite float64 array of shape (n, T); a 1-D target is refused (one task: use
    ``Lasso`` / ``ElasticNet``)."""
    if np.ndim(Y) == 1:
        single = {"MultiTaskLasso": "Lasso", "MultiTaskElasticNet": "ElasticNet"}.get(
            model, "Lasso or ElasticNet (or shrinkage.path)"
        )
        raise ValueError(
            f"y must be two-dimensional, one column per task (n_samples, n_tasks); "
            f"got shape {np.shape(Y)}. For a single task use {single}."
        )
    return v.check_target(Y, n_samples, multi_output=True, dtype=dtype)


def multitask_alpha_max(design: WeightedDesign, l1_ratio: float) -> float:
    """The smallest alpha whose solution is W = 0: max_j ||X_c[:, j]' S Y_c||_2 / l1_ratio."""
    R, rsum = residual(design, np.zeros((design.n_features, design.y.shape[1])))
    C = correlations(design, R, rsum)
    C[design.col_norm_sq == 0] = 0.0
    return mt.alpha_max(C, l1_ratio)
