"""Proximal Newton for the group and sparse-group lasso with a smooth GLM datafit.

The loss is replaced by its second-order model at the current linear predictor (weights
s_i l''_i, as IRLS), whose weighted least-squares problem on the working set of groups is solved by
the block CD of ``shrinkage.solvers.group_cd``, then a backtracking line search on P.  With K
classes the model holds the full softmax Hessian (``_stacked_newton_model``), and after each step
every row of W takes the shift the penalty prefers (the loss ignores it; ``_shift_rows``).
Certificate: the duality gap at the gradient rescaled into the dual ball and rebalanced to sum to
zero (the intercept's constraint; ``shrinkage.datafits.base``), or the largest KKT violation when
a group is unpenalized; a fit is converged when it is within tolerance and no zero group violates
its optimality condition beyond rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg import blas

from .._typing import DesignMatrix
from ..datafits.quadratic import WeightedDesign
from ..engine.working_set import Certificate, Progress, Ranking, Step, solve_working_set
from ..glm_certificates import trusted_glm_gap
from ..penalties._group_kernels import kkt_scores
from ..penalties.group import GroupPenalty, Groups
from . import _group_kernels as gk
from . import _kernels
from ._constants import ARMIJO
from .group_cd import block_curvature
from .result import Fit

_NEWTON_FRACTION = 0.1  # a tighter inner solve: Newton steps are worth more than CD epochs
_CURVATURE_FLOOR = 1e-6  # relative floor of the Newton weights (keeps every block curved)


@dataclass(frozen=True)
class GLMData:
    """Validated GLM inputs: X (scaled when standardizing), y, sw (sums to 1), offset ((n, K)
    for K > 1 classes, whose coefficients are flattened feature-major: w[j K + k] = W[j, k])."""

    X: DesignMatrix
    y: np.ndarray
    sw: np.ndarray
    offset: np.ndarray
    fit_intercept: bool
    n_classes: int = 1

    def eta(self, w: np.ndarray, b) -> np.ndarray:
        if self.n_classes > 1:
            return np.asarray(self.X @ w.reshape(-1, self.n_classes)) + b + self.offset
        return np.asarray(self.X @ w).ravel() + b + self.offset

    def gradient(self, u: np.ndarray) -> np.ndarray:
        """X' u, flattened."""
        return np.asarray(self.X.T @ u).ravel()

    def weighted(self, deriv: np.ndarray) -> np.ndarray:
        """sw * deriv (per sample, every class)."""
        return (self.sw[:, None] if deriv.ndim == 2 else self.sw) * deriv


def glm_objective(data: GLMData, datafit, penalty: GroupPenalty, eta, w) -> float:
    return float(data.sw @ datafit.loss(data.y, eta)) + penalty.value(w)


def glm_certificate(
    data: GLMData, datafit, penalty: GroupPenalty, w, b, eta, deriv
) -> tuple[float, str]:
    """(duality gap, "duality_gap") at u = scale * sw * l'(eta), or (max KKT violation, "kkt")
    when a group is unpenalized (no rescaling makes X_g' u = 0).  With K classes the intercepts
    are fitted exactly by the caller, so that sum_i u_i = 0 holds to rounding."""
    u = data.weighted(deriv)
    grad = data.gradient(u)
    if penalty.free_groups().size:
        scores = penalty.kkt_scores(grad, w)
        kkt = float(scores.max()) if scores.size else 0.0
        return max(kkt, float(np.max(np.abs(u.sum(axis=0))))) if data.fit_intercept else kkt, "kkt"
    if data.fit_intercept and data.n_classes == 1:
        deriv, grad = _balance(data, deriv, grad)
    t = penalty.dual_norms(grad)
    scale = min(1.0, 1.0 / float(t.max())) if t.size and t.max() > 0 else 1.0
    v = scale * deriv
    terms = (
        -float(data.sw @ datafit.conjugate(data.y, v)),
        float(np.sum(data.weighted(v) * data.offset)),
    )
    return trusted_glm_gap(glm_objective(data, datafit, penalty, eta, w), terms), "duality_gap"


def _balance(data: GLMData, deriv: np.ndarray, grad: np.ndarray):
    """(v, X' sw v) with sum_i sw_i v_i = 0 exactly (the intercept's dual constraint).

    The imbalance is sum_i sw_i l'_i, the intercept's gradient, which vanishes as b converges;
    it is removed by shrinking the positive or the negative entries towards 0, which keeps every
    v_i on the segment [0, l'_i] and so inside the conjugate's domain."""
    u = data.sw * deriv
    pos = np.maximum(u, 0.0)
    total_pos, total = float(pos.sum()), float(u.sum())
    if total == 0.0 or total_pos == 0.0 or total_pos == total:
        return deriv, grad
    grad_pos = data.gradient(pos)
    if total > 0:  # shrink the positive part
        f = 1.0 - total / total_pos
        return np.where(deriv > 0, f * deriv, deriv), grad - (1.0 - f) * grad_pos
    f = total_pos / (total_pos - total)  # shrink the negative part
    return np.where(deriv < 0, f * deriv, deriv), f * grad + (1.0 - f) * grad_pos


def _newton_model(
    data: GLMData, datafit, eta: np.ndarray, deriv: np.ndarray, cols
) -> tuple[WeightedDesign, float]:
    """The weighted least-squares model of the loss at eta on the columns ``cols``:
    0.5 sum_i sw_i h_i (z_i - x_i.w - b)^2, h = l'' (floored), z = eta - o - l' / h."""
    curv = datafit.curvature(data.y, eta)
    top = float(curv.max()) if curv.size else 0.0
    h = np.maximum(curv, _CURVATURE_FLOOR * (datafit.curvature_bound or top or 1.0))
    hw = data.sw * h
    design = WeightedDesign.build(
        data.X[:, cols], eta - data.offset - deriv / h, hw, data.fit_intercept
    )
    return design, float(hw.sum())


def _stacked_newton_model(
    data: GLMData, eta: np.ndarray, deriv: np.ndarray, b: np.ndarray, feats
) -> tuple[WeightedDesign, float, tuple]:
    """The K-class Newton model on the features ``feats`` as one least-squares problem.

    The multinomial Hessian of sample i is H = diag(p) - p p', and e' H e = min_s sum_k p_k
    (e_k - s)^2 = sum_k p_k ((P e)_k)^2 with P = I - 1 p' (s profiled out), so the second-order
    model of the loss is 0.5 sum_ik sw_i q_ik ((P_i (z_i - x_i W - b))_k)^2 with q = p (floored,
    P = I - 1 q' / sum q) and z = eta - o - l' / q (exact where q = p; as sum_k l'_ik = 0 the
    gradient is exact for any q).  Rows (i, l) are stacked class after class, column (j, k) holds
    x_ij (delta_lk - q_ik / sum q_i), and the intercepts are profiled out (each column projected
    off their span).  A row shift of W is a null direction, as for the loss.  Dense: n K^2
    values per feature of the working set.  Returns (design, sum of the weights, (R, v)) with
    b = v - R w.
    """
    n, K = eta.shape
    q = np.maximum(deriv + np.eye(K)[data.y.astype(np.int64)], _CURVATURE_FLOOR)
    a = data.sw[:, None] * q
    total = float(a.sum())
    sw = (a / total).T.ravel()
    ratio = q / q.sum(axis=1, keepdims=True)
    D = np.eye(K)[:, None, :] - ratio[None, :, :]  # (l, i, k): P_i e_k on row (i, l)
    Xf = data.X[:, feats]
    Xf = Xf.toarray() if sp.issparse(Xf) else np.asarray(Xf, dtype=np.float64)
    m = Xf.shape[1]
    root = np.sqrt(sw)
    # sqrt(sw) X, filled in the kernels' (Fortran) layout: column (j, k), row (l, i)
    Xd = (
        np.einsum("ij,lik,li->jkli", Xf, D, root.reshape(K, n), out=np.empty((m, K, K, n)))
        .reshape(m * K, K * n)
        .T
    )
    z = eta - data.offset - deriv / q - (0.0 if data.fit_intercept else b)
    y = root * (z - np.sum(ratio * z, axis=1, keepdims=True)).T.ravel()  # sqrt(sw) P_i z_i
    if data.fit_intercept:
        B = D.reshape(K * n, K) * root[:, None]
        proj = np.linalg.pinv(B.T @ B) @ B.T
        R, v = blas.dgemm(1.0, proj, Xd), proj @ y  # b = v - R w: least-squares intercepts
        Xd = blas.dgemm(-1.0, B, R, 1.0, Xd, overwrite_c=True)  # in place
        y = y - B @ v
    else:
        R, v = np.zeros((K, m * K)), b
    col_norm_sq = np.einsum("ij,ij->j", Xd, Xd)
    design = WeightedDesign(
        Xd,
        np.empty(0),
        np.empty(0, dtype=np.int64),
        np.empty(0, dtype=np.int64),
        False,
        sw,
        np.zeros(m * K),
        y,
        0.0,
        float(y @ y),
        col_norm_sq,
    )
    return design, total, (R, v)


def solve_group_glm(
    data: GLMData,
    datafit,
    penalty: GroupPenalty,
    w0: np.ndarray,
    b0: float,
    *,
    tol_gap: float,
    tol_kkt: float,
    max_iter: int,
    anderson: bool = True,
) -> Fit:
    """Proximal Newton on P(w, b); ``max_iter`` bounds the inner block-CD epochs in all."""
    model = GroupNewton(data, datafit, penalty, w0, b0, tol_gap, tol_kkt, anderson)
    out = solve_working_set(model, max_iter=max_iter, inner_fraction=_NEWTON_FRACTION)
    return Fit(
        model.w,
        float(out.cert.gap),
        out.epochs,
        out.cert.converged,
        float(out.cert.tol),
        intercept=model.b,
        certificate=model.kind,
    )


class GroupNewton:
    """Proximal Newton over groups as an ``engine.working_set`` model: each inner solve is one
    Newton step on the working set (``_newton_step``: block CD on the weighted least-squares
    model, then a line search on P); the certificate is ``glm_certificate`` (a duality gap, or
    the largest KKT violation when a group is unpenalized), ``kind`` says which."""

    def __init__(
        self,
        data: GLMData,
        datafit,
        penalty: GroupPenalty,
        w0: np.ndarray,
        b0,
        tol_gap: float,
        tol_kkt: float,
        anderson: bool,
    ):
        self.data, self.datafit, self.penalty, self.groups = data, datafit, penalty, penalty.groups
        self.tol_gap, self.tol_kkt, self.anderson = tol_gap, tol_kkt, anderson
        self.l1, self.lg = penalty.l1_weights(), penalty.group_weights()
        self.w = np.asarray(w0, dtype=np.float64).copy()
        K = data.n_classes
        self.b = class_intercepts(b0, K) if data.fit_intercept else class_intercepts(0.0, K)
        self.scores = np.empty(self.groups.n_groups)
        self.slack = _zero_group_slack(data, penalty)
        self.kind = "duality_gap"

    def certify(self, budget: int) -> Certificate:
        data, w = self.data, self.w
        if data.n_classes > 1 and data.fit_intercept:  # the K intercepts, exactly
            self.b = _multinomial_intercepts(data, self.datafit, data.eta(w, 0.0), self.b)
        self.eta = data.eta(w, self.b)
        self.deriv = self.datafit.derivative(data.y, self.eta)
        value, self.kind = glm_certificate(
            data, self.datafit, self.penalty, w, self.b, self.eta, self.deriv
        )
        self.grad = data.gradient(data.weighted(self.deriv))
        groups = self.groups
        kkt_scores(-self.grad, w, groups.order, groups.ptr, self.l1, self.lg, self.scores)
        self.nonzero = groups.norms(w) > 0
        closed = not np.any((self.scores > self.slack(self.deriv)) & ~self.nonzero)
        return Certificate(
            value, closed, self.tol_gap if self.kind == "duality_gap" else self.tol_kkt
        )

    def screen(self, cert: Certificate) -> bool:
        return False

    def ranking(self) -> Ranking:
        return Ranking(self.scores, self.nonzero)

    def inner(self, ws: np.ndarray, tol_inner: float, budget: int) -> Step:
        n_epochs, self.w, self.b, moved = _newton_step(
            self.data,
            self.datafit,
            self.penalty,
            ws,
            self.w,
            self.b,
            self.eta,
            self.deriv,
            self.grad,
            tol_inner,
            budget,
            self.anderson,
        )
        K = self.data.n_classes
        if K > 1:  # the loss ignores a shift of W's rows: take the one the penalty prefers
            self.w = _shift_rows(self.penalty, self.w, K)
        if not moved:  # no descent along the Newton direction: rounding level, stop here
            return Step(n_epochs, Progress.STOP)
        return Step(n_epochs, Progress.GROW if n_epochs <= 1 else Progress.MOVED)


def _zero_group_slack(data: GLMData, penalty: GroupPenalty):
    """slack(deriv): per group, the KKT violation above which a zero group certifiably belongs
    in the model: ``_kernels.KKT_ROUNDING`` ||X_g||_F ||l'||, in the sw-weighted norms that bound
    X_g' (sw l') (Cauchy-Schwarz), plus a few ulps of its weights, as ``group_cd`` does for least
    squares.  The solver goes on however small the gap: w = 0 is never returned just below
    alpha_max.  The column norms and weights are the fit's, computed here once."""
    groups = penalty.groups
    if not groups.n_groups:
        return lambda deriv: np.empty(0)
    X, sw = data.X, data.sw
    col_sq = (
        np.asarray(X.multiply(X).T @ sw).ravel()
        if sp.issparse(X)
        else np.einsum("ij,ij,i->j", X, X, sw)
    )
    col_sq = np.repeat(col_sq, data.n_classes)  # w[j K + k] reads feature j
    group_norm = np.sqrt(np.bincount(groups.column_group(), col_sq, groups.n_groups))
    l1_sum = np.bincount(groups.column_group(), penalty.l1_weights(), groups.n_groups)
    eps = np.finfo(np.float64).eps
    floor = 8.0 * eps * (penalty.group_weights() + l1_sum)

    def slack(deriv: np.ndarray) -> np.ndarray:
        deriv_sq = deriv * deriv if deriv.ndim == 1 else np.sum(deriv * deriv, axis=1)
        return _kernels.KKT_ROUNDING * (group_norm * np.sqrt(float(sw @ deriv_sq))) + floor

    return slack


def _multinomial_intercepts(data: GLMData, datafit, base: np.ndarray, b: np.ndarray) -> np.ndarray:
    """argmin_b sum_i sw_i l(y_i, base_i + b) for the multinomial (p = l' + onehot(y)), by
    Newton's method from b, to rounding: the certificate needs sum_i sw_i l'_i = 0 per class."""
    onehot = np.eye(base.shape[1])[data.y.astype(np.int64)]
    value = float(data.sw @ datafit.loss(data.y, base + b))
    for _ in range(50):
        deriv = datafit.derivative(data.y, base + b)
        grad = data.sw @ deriv
        if np.max(np.abs(grad)) <= 1e-15:
            break
        prob = deriv + onehot
        hess = np.diag(data.sw @ prob) - (prob * data.sw[:, None]).T @ prob
        step = -np.linalg.lstsq(hess, grad, rcond=None)[0]
        noise = 16 * np.finfo(float).eps * abs(value)
        for t in 0.5 ** np.arange(30):
            trial = float(data.sw @ datafit.loss(data.y, base + b + t * step))
            if trial <= value + ARMIJO * t * float(grad @ step) + noise:
                break
        else:
            break
        b, value = b + t * step, trial
    return b - b.mean()


def class_intercepts(b, K: int):
    """b as a float (one class) or as K per-class intercepts."""
    return float(b) if K == 1 else np.broadcast_to(np.asarray(b, dtype=np.float64), (K,)).copy()


def _newton_step(
    data, datafit, penalty, ws, w, b, eta, deriv, grad, tol_inner, max_epochs, anderson
):
    """Solve the Newton model on the working set, then backtrack on P.

    Returns (epochs, w, b, whether the point moved)."""
    groups = penalty.groups
    cols = groups.columns(ws)
    local = Groups(
        np.arange(cols.size, dtype=np.int64),
        np.concatenate([[0], np.cumsum(groups.sizes[ws])]).astype(np.int64),
        groups.labels[ws],
    )
    K = data.n_classes
    feats = cols[::K] // K  # K > 1: a group holds all K coefficients of its features
    if K == 1:
        design, total = _newton_model(data, datafit, eta, deriv, cols)
    else:
        design, total, (R, v) = _stacked_newton_model(data, eta, deriv, b, feats)
    curvature = block_curvature(design, local)
    l1 = penalty.l1_weights()[cols] / total
    lg = penalty.group_weights()[ws] / total
    w_local = w[cols].copy()
    r, rsum = design.residual(w_local)
    _, n_epochs = gk.bcd_working_set(
        design.kernel_args(),
        (local.order, local.ptr, l1, lg),
        curvature.kernel_args(),
        r,
        rsum,
        w_local,
        np.arange(ws.size, dtype=np.int64),
        max_epochs,
        tol_inner / total,
        anderson,
    )
    if not data.fit_intercept:
        b_new = b
    elif K == 1:
        b_new = float(design.y_offset - design.x_offset @ w_local)
    else:
        b_new = v - R @ w_local
    dw = w_local - w[cols]
    db = b_new - b
    if not np.any(dw) and not np.any(db):
        return n_epochs, w, b, False
    d_eta = data.X[:, feats] @ dw.reshape(-1, K) if K > 1 else data.X[:, cols] @ dw
    d_eta = np.asarray(d_eta).reshape(eta.shape) + db
    before = glm_objective(data, datafit, penalty, eta, w)
    w_full = w.copy()
    w_full[cols] = w_local
    decrease = float(
        grad[cols] @ dw
        + np.sum(data.weighted(deriv).sum(axis=0) * db)
        + penalty.value(w_full)
        - penalty.value(w)
    )
    # near the optimum the decrease is below the rounding of P itself: allow for that noise
    noise = 16 * np.finfo(float).eps * abs(before)
    t = 1.0
    for _ in range(40):
        trial = w.copy()
        trial[cols] = w[cols] + t * dw
        after = glm_objective(data, datafit, penalty, eta + t * d_eta, trial)
        if after <= before + ARMIJO * t * min(decrease, 0.0) + noise:
            return n_epochs, trial, b + t * db, True
        t *= 0.5
    return n_epochs, w, b, False


_SHIFT_SWEEPS = 10  # Gauss-Seidel sweeps at most (one is exact for l1_ratio 0 or 1)


def _shift_rows(penalty: GroupPenalty, w: np.ndarray, K: int) -> np.ndarray:
    """w with each row of W = w.reshape(p, K) shifted, W_j. - c_j, to lower the penalty.

    The multinomial loss ignores these shifts, so P does not increase: per group, c minimizes
    sum_jk l1_jk |W_jk - c_j| + lg ||W_g - c 1'||_F, by Gauss-Seidel sweeps of exact 1-D
    minimizations (the j-th row of every group at once).  The group norm alone is least for the
    row means; the L1 part has no closed form.  Rows without any weight are left as they are.
    """
    W = w.reshape(-1, K).copy()
    feature_group = penalty.groups.column_group()[::K]
    l1 = penalty.l1_weights().reshape(-1, K)
    lg = penalty.group_weights()
    rows = np.flatnonzero(np.any(W != 0, axis=1) & ((l1.sum(axis=1) > 0) | (lg[feature_group] > 0)))
    if not rows.size:
        return w
    rows = rows[np.argsort(feature_group[rows], kind="stable")]
    g = feature_group[rows]
    rank = np.arange(rows.size) - np.searchsorted(g, g)  # position of the row in its group
    layers = [rows[rank == k] for k in range(int(rank.max()) + 1)]
    scale = float(np.max(np.abs(W[rows])))
    for _ in range(_SHIFT_SWEEPS):
        group_sq = np.bincount(feature_group, np.einsum("jk,jk->j", W, W), lg.size)
        moved = 0.0
        for layer in layers:
            g = feature_group[layer]
            row = W[layer]
            mean = row.mean(axis=1)
            row_sq = np.einsum("jk,jk->j", row, row)
            spread = np.einsum("jk,jk->j", row - mean[:, None], row - mean[:, None])
            c = _best_shift(
                row, l1[layer], lg[g], mean, np.maximum(group_sq[g] - row_sq, 0.0) + spread
            )
            W[layer] = row - c[:, None]
            group_sq[g] += np.einsum("jk,jk->j", W[layer], W[layer]) - row_sq
            moved = max(moved, float(np.max(np.abs(c))))
        if moved <= 1e-9 * scale:  # settled (the gap, not this, certifies the fit)
            break
    shifted = W.ravel()
    before = penalty.value(w)  # exact 1-D minimizations: any increase is rounding (or a bug)
    return shifted if penalty.value(shifted) <= before + 16 * np.finfo(float).eps * before else w


def _best_shift(
    row: np.ndarray, l1: np.ndarray, lg: np.ndarray, mean: np.ndarray, rest: np.ndarray
) -> np.ndarray:
    """Per row: argmin_c sum_k l1_k |row_k - c| + lg sqrt(rest + K (c - mean)^2), where rest is
    ||W_g||_F^2 with this row centred.

    The objective is convex: its slope on the interval between the q-th and (q+1)-th smallest
    entries is the L1 slope A_q plus lg K u / sqrt(rest + K u^2) (u = c - mean); the minimum is
    the breakpoint whose subdifferential holds 0, else the root inside the interval where the slope
    changes sign, u = -A_q sqrt(rest / (K (lg^2 K - A_q^2)))."""
    n, K = row.shape
    order = np.argsort(row, axis=1)
    points = np.take_along_axis(row, order, axis=1)
    weights = np.take_along_axis(l1, order, axis=1)
    below = np.concatenate([np.zeros((n, 1)), np.cumsum(weights, axis=1)], axis=1)
    slope = 2.0 * below - below[:, -1:]  # (n, K + 1): the L1 slope on each interval
    u = points - mean[:, None]
    curved = rest[:, None] > 0
    norm = np.sqrt(np.where(curved, rest[:, None] + K * u * u, 1.0))
    group = lg[:, None] * np.where(curved, K * u / norm, np.sqrt(K) * np.sign(u))
    left, right = slope[:, :-1] + group, slope[:, 1:] + group
    q = np.sum(right < 0, axis=1)  # the breakpoints left of the minimum
    A = slope[np.arange(n), q]
    room = lg**2 * K - A * A
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = np.where(room > 0, mean - A * np.sqrt(rest / (K * room)), mean)
    ends = np.concatenate([np.full((n, 1), -np.inf), points, np.full((n, 1), np.inf)], axis=1)
    c = np.clip(inner, ends[np.arange(n), q], ends[np.arange(n), q + 1])
    at = (left <= 0) & (right >= 0)  # several breakpoints only where the minimum is flat
    hit = np.flatnonzero(at.any(axis=1))
    first = np.argmax(at[hit], axis=1)
    last = K - 1 - np.argmax(at[hit, ::-1], axis=1)
    c[hit] = np.clip(0.0, points[hit, first], points[hit, last])  # of the minima, the least move
    return c
