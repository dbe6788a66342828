"""Proximal Newton for the group and sparse-group lasso with a smooth GLM datafit.

The loss is replaced by its second-order model at the current linear predictor (weights
s_i l''_i, as IRLS), whose weighted least-squares problem on the working set of groups is solved by
the block CD of ``shrinkage.solvers.group_cd``, then a backtracking line search on P.
Certificate: the duality gap at the gradient rescaled into the dual ball and rebalanced to sum to
zero (the intercept's constraint; ``shrinkage.datafits.base``), or the largest KKT violation when
a group is unpenalized.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..datafits.quadratic import WeightedDesign
from ..penalties.group import GroupPenalty, Groups
from . import _group_kernels as gk
from .group_cd import _WS_START, GroupFit, _working_set, block_lipschitz

_NEWTON_FRACTION = 0.1  # a tighter inner solve: Newton steps are worth more than CD epochs
_CURVATURE_FLOOR = 1e-6  # relative floor of the Newton weights (keeps every block curved)
_ARMIJO = 1e-4


@dataclass(frozen=True)
class GLMData:
    """Validated GLM inputs: X (scaled when standardizing), y, sw (sums to 1), offset ((n, K)
    for K > 1 classes, whose coefficients are flattened feature-major: w[j K + k] = W[j, k])."""

    X: object
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


def glm_certificate(data: GLMData, datafit, penalty: GroupPenalty, w, b, eta, deriv
                    ) -> tuple[float, str]:
    """(duality gap, "duality_gap") at u = scale * sw * l'(eta), or (max KKT violation, "kkt")
    when a group is unpenalized (no rescaling makes X_g' u = 0).  With K classes the intercepts
    are fitted exactly by the caller, so that sum_i u_i = 0 holds to rounding."""
    u = data.weighted(deriv)
    grad = data.gradient(u)
    if penalty.free_groups().size:
        scores = penalty.kkt_scores(grad, w)
        kkt = float(scores.max()) if scores.size else 0.0
        return max(kkt, float(np.max(np.abs(u.sum(axis=0))))) if data.fit_intercept else kkt, \
            "kkt"
    if data.fit_intercept and data.n_classes == 1:
        deriv, grad = _balance(data, deriv, grad)
    t = penalty.dual_norms(grad)
    scale = min(1.0, 1.0 / float(t.max())) if t.size and t.max() > 0 else 1.0
    v = scale * deriv
    dual = float(-(data.sw @ datafit.conjugate(data.y, v)) + np.sum(data.weighted(v) * data.offset))
    return max(glm_objective(data, datafit, penalty, eta, w) - dual, 0.0), "duality_gap"


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


def _newton_model(data: GLMData, datafit, eta: np.ndarray, deriv: np.ndarray, cols
                  ) -> tuple[WeightedDesign, float]:
    """The weighted least-squares model of the loss at eta on the columns ``cols``:
    0.5 sum_i sw_i h_i (z_i - x_i.w - b)^2, h = l'' (floored), z = eta - o - l' / h."""
    curv = datafit.curvature(data.y, eta)
    top = float(curv.max()) if curv.size else 0.0
    h = np.maximum(curv, _CURVATURE_FLOOR * (datafit.curvature_bound or top or 1.0))
    hw = data.sw * h
    design = WeightedDesign.build(data.X[:, cols], eta - data.offset - deriv / h, hw,
                                  data.fit_intercept)
    return design, float(hw.sum())


def _stacked_newton_model(data: GLMData, datafit, eta: np.ndarray, deriv: np.ndarray, feats
                          ) -> tuple[WeightedDesign, float, tuple]:
    """The K-class Newton model on the features ``feats`` as one least-squares problem.

    The multinomial Hessian of sample i, diag(p_i) - p_i p_i', is below 2 diag(p_i (1 - p_i))
    (twice the diagonal curvature), so the model
    sum_k 0.5 sum_i sw_i h_ik (z_ik - x_i.w_k - b_k)^2 with h = 2 l'' majorizes the loss to second
    order (exact for two classes in the direction that matters).  Rows (i, k) are stacked class
    after class, column (j, k) holding x_ij - xbar_jk on the rows of class k (each class centred
    with its own weights, which profiles out b_k); stored sparse, it takes n K values per feature
    of the working set.  Returns (design, sum of the weights, (xbar (K, m), zbar (K,))).
    """
    n, K = eta.shape
    h = 2.0 * datafit.curvature(data.y, eta)
    h = np.maximum(h, _CURVATURE_FLOOR * (datafit.curvature_bound or float(h.max()) or 1.0))
    z = eta - data.offset - deriv / h
    a = data.sw[:, None] * h
    total = float(a.sum())
    Xf = data.X[:, feats]
    Xf = Xf.toarray() if sp.issparse(Xf) else np.asarray(Xf, dtype=np.float64)
    m = Xf.shape[1]
    if data.fit_intercept:
        xbar = (a.T @ Xf) / a.sum(axis=0)[:, None]
        zbar = np.einsum("ik,ik->k", a, z) / a.sum(axis=0)
    else:
        xbar, zbar = np.zeros((K, m)), np.zeros(K)
    values = Xf.T[:, None, :] - xbar.T[:, :, None]  # (m, K, n): column (j, k), class-k rows
    rows = np.arange(K)[:, None] * n + np.arange(n)[None, :]
    sw = (a / total).T.ravel()
    y = (z - zbar).T.ravel()
    col_norm_sq = np.einsum("jkn,kn->jk", values**2, (a / total).T).ravel()
    design = WeightedDesign(
        np.empty((0, 0)), values.ravel(), np.broadcast_to(rows, (m, K, n)).ravel(),
        np.arange(0, m * K * n + 1, n, dtype=np.int64), True, sw, np.zeros(m * K), y, 0.0,
        float(sw @ y**2), col_norm_sq)
    return design, total, (xbar, zbar)


def solve_group_glm(data: GLMData, datafit, penalty: GroupPenalty, w0: np.ndarray, b0: float,
                    *, tol_gap: float, tol_kkt: float, max_iter: int, anderson: bool = True
                    ) -> GroupFit:
    """Proximal Newton on P(w, b); ``max_iter`` bounds the inner block-CD epochs in all."""
    groups = penalty.groups
    l1, lg = penalty.l1_weights(), penalty.group_weights()
    w = np.asarray(w0, dtype=np.float64).copy()
    K = data.n_classes
    b = class_intercepts(b0, K) if data.fit_intercept else class_intercepts(0.0, K)
    scores = np.empty(groups.n_groups)
    ws_size, epochs = _WS_START, 0
    while True:
        if K > 1 and data.fit_intercept:  # the K intercepts, exactly
            b = _multinomial_intercepts(data, datafit, data.eta(w, 0.0), b)
        eta = data.eta(w, b)
        deriv = datafit.derivative(data.y, eta)
        value, kind = glm_certificate(data, datafit, penalty, w, b, eta, deriv)
        tol_abs = tol_gap if kind == "duality_gap" else tol_kkt
        if value <= tol_abs or epochs >= max_iter:
            break
        grad = data.gradient(data.weighted(deriv))
        gk.kkt_scores(-grad, w, groups.order, groups.ptr, l1, lg, scores)
        ws, ws_size = _working_set(scores, groups.norms(w) > 0, ws_size)
        n_epochs, w, b, moved = _newton_step(
            data, datafit, penalty, ws, w, b, eta, deriv, grad,
            _NEWTON_FRACTION * float(scores.max()), max_iter - epochs, anderson)
        if K > 1:  # the loss ignores a shift of W's rows; their group norm is least centred
            W = w.reshape(-1, K)
            w = (W - W.mean(axis=1, keepdims=True)).ravel()
        epochs += n_epochs
        if not moved:  # no descent along the Newton direction: rounding level, stop here
            break
        if ws.size < groups.n_groups and n_epochs <= 1:
            ws_size *= 2
    return GroupFit(w, b, float(value), epochs, bool(value <= tol_abs), float(tol_abs),
                    certificate=kind)


def _multinomial_intercepts(data: GLMData, datafit, base: np.ndarray, b: np.ndarray
                            ) -> np.ndarray:
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
            if trial <= value + _ARMIJO * t * float(grad @ step) + noise:
                break
        else:
            break
        b, value = b + t * step, trial
    return b - b.mean()


def class_intercepts(b, K: int):
    """b as a float (one class) or as K per-class intercepts."""
    return float(b) if K == 1 else np.broadcast_to(np.asarray(b, dtype=np.float64), (K,)).copy()


def _newton_step(data, datafit, penalty, ws, w, b, eta, deriv, grad, tol_inner, max_epochs,
                 anderson):
    """Solve the Newton model on the working set, then backtrack on P.

    Returns (epochs, w, b, whether the point moved)."""
    groups = penalty.groups
    cols = groups.columns(ws)
    local = Groups(np.arange(cols.size, dtype=np.int64),
                   np.concatenate([[0], np.cumsum(groups.sizes[ws])]).astype(np.int64),
                   groups.labels[ws])
    K = data.n_classes
    feats = cols[::K] // K  # K > 1: a group holds all K coefficients of its features
    if K == 1:
        design, total = _newton_model(data, datafit, eta, deriv, cols)
    else:
        design, total, (xbar, zbar) = _stacked_newton_model(data, datafit, eta, deriv, feats)
    lipschitz = block_lipschitz(design, local)
    l1 = penalty.l1_weights()[cols] / total
    lg = penalty.group_weights()[ws] / total
    w_local = w[cols].copy()
    r, rsum = design.residual(w_local)
    _, n_epochs = gk.bcd_working_set(
        *design.kernel_args(), r, rsum, w_local, local.order, local.ptr,
        np.arange(ws.size, dtype=np.int64), lipschitz, l1, lg, max_epochs, tol_inner / total,
        anderson)
    if not data.fit_intercept:
        b_new = b
    elif K == 1:
        b_new = float(design.y_offset - design.x_offset @ w_local)
    else:  # per class: zbar_k - xbar_k . w_k
        b_new = zbar - np.einsum("kj,jk->k", xbar, w_local.reshape(-1, K))
    dw = w_local - w[cols]
    db = b_new - b
    if not np.any(dw) and not np.any(db):
        return n_epochs, w, b, False
    d_eta = data.X[:, feats] @ dw.reshape(-1, K) if K > 1 else data.X[:, cols] @ dw
    d_eta = np.asarray(d_eta).reshape(eta.shape) + db
    before = glm_objective(data, datafit, penalty, eta, w)
    w_full = w.copy()
    w_full[cols] = w_local
    decrease = float(grad[cols] @ dw + np.sum(data.weighted(deriv).sum(axis=0) * db)
                     + penalty.value(w_full) - penalty.value(w))
    # near the optimum the decrease is below the rounding of P itself: allow for that noise
    noise = 16 * np.finfo(float).eps * abs(before)
    t = 1.0
    for _ in range(40):
        trial = w.copy()
        trial[cols] = w[cols] + t * dw
        after = glm_objective(data, datafit, penalty, eta + t * d_eta, trial)
        if after <= before + _ARMIJO * t * min(decrease, 0.0) + noise:
            return n_epochs, trial, b + t * db, True
        t *= 0.5
    return n_epochs, w, b, False


