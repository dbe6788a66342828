"""Block coordinate descent for the group and sparse-group lasso, and its warm-started path.

Objective (sample weights s, offset o, penalty of ``shrinkage.penalties.group``):

    P(w, b) = 1/(sum s) sum_i s_i l(y_i, x_i.w + b + o_i) + Omega(w),

l the squared error / 2 (``datafit="quadratic"``) or a datafit of ``shrinkage.datafits.base``.

* Least squares: the intercept is profiled out by weighted centring; block CD in residual form
  on a working set of groups (ranked by their KKT violation, always holding the non-zero groups)
  with Anderson extrapolation, one proximal step of length 1 / ||X_g||_2^2 per block (the top
  eigenvalue of the centred weighted block, computed once).  Certificate: the duality gap at the
  residual rescaled into the dual ball (unpenalized groups projected out); stops at
  gap <= tol * sum_i sw_i (y_i - ybar)^2, as the core does.
* Other smooth datafits: proximal Newton.  The loss is replaced by its second-order model at the
  current linear predictor (weights s_i l''_i, as IRLS), whose weighted least-squares problem on
  the working set is solved by the same block CD, then a backtracking line search on P.
  Certificate: the duality gap at the gradient rescaled into the dual ball and rebalanced to
  sum to zero (the intercept's constraint; ``shrinkage.datafits.base``), or the largest KKT
  violation when a group is unpenalized; stops at gap <= tol * (loss of the null model), or
  KKT <= tol * max_g ||X_g' grad|| at the null model.

``standardize=True`` divides the columns by their weighted standard deviations (glmnet's rule)
and penalizes the coefficients of the scaled columns; coefficients are reported on the original
scale.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .. import _validation as v
from ..datafits.quadratic import WeightedDesign, drop_constant_columns
from ..path import Path, alpha_grid, default_alpha_min_ratio, warn_not_converged
from ..penalties.group import GroupPenalty, Groups, group_factors
from . import _group_kernels as gk
from . import _kernels

_WS_START = 10
_INNER_FRACTION = 0.3
_NEWTON_FRACTION = 0.1  # a tighter inner solve: Newton steps are worth more than CD epochs
_GRAM_MAX_SIZE = 256  # larger blocks get their top eigenvalue by Lanczos instead of a dense Gram
_CURVATURE_FLOOR = 1e-6  # relative floor of the Newton weights (keeps every block curved)
_ARMIJO = 1e-4


@dataclass(frozen=True)
class GroupFit:
    """Coefficients, intercept and certificate (``gap``: a duality gap, or a KKT violation)."""

    w: np.ndarray
    intercept: float
    gap: float
    n_iter: int
    converged: bool
    tol: float
    certificate: str = "duality_gap"
    state: object = None


# ----------------------------------------------------------------------------------------------
# shared pieces


def column_scale(X, sw: np.ndarray, fit_intercept: bool) -> np.ndarray:
    """glmnet's scales: weighted standard deviations (RMS without intercept); 1 when constant."""
    sw = sw / sw.sum()
    x_offset = np.asarray(X.T @ sw).ravel() if fit_intercept else np.zeros(X.shape[1])
    if sp.issparse(X):
        sq = np.asarray(X.multiply(X).T @ sw).ravel()
        var = drop_constant_columns(np.maximum(sq - x_offset**2, 0.0), sq, cancellation=True)
    else:
        Xc = X - x_offset
        var = drop_constant_columns(np.einsum("ij,ij,i->j", Xc, Xc, sw),
                                    np.einsum("ij,ij,i->j", X, X, sw))
    sd = np.sqrt(var)
    return np.where(sd > 0, sd, 1.0)


def scale_columns(X, scale: np.ndarray):
    """X with column j divided by scale[j] (a copy; sparse stays CSC)."""
    if sp.issparse(X):
        return sp.csc_matrix(X @ sp.diags(1.0 / scale))
    return np.asarray(X / scale.astype(X.dtype), dtype=X.dtype)


def block_lipschitz(design: WeightedDesign, groups: Groups) -> np.ndarray:
    """Top eigenvalue of X_g' S X_g (centred) for every group: the block CD step is its inverse."""
    out = np.zeros(groups.n_groups)
    sizes = groups.sizes
    single = sizes == 1
    out[single] = design.col_norm_sq[groups.order[groups.ptr[:-1][single]]]
    alive = np.add.reduceat(design.col_norm_sq[groups.order], groups.ptr[:-1]) > 0 \
        if groups.n_groups else np.zeros(0, dtype=bool)  # constant columns only: stays at 0
    small = np.flatnonzero(~single & alive & (sizes <= _GRAM_MAX_SIZE))
    gk.block_top_eigenvalues(*design.kernel_args(), groups.order, groups.ptr, small, out)
    for g in np.flatnonzero(alive & (sizes > _GRAM_MAX_SIZE)):
        out[g] = _lanczos_top_eigenvalue(design, groups.members(g))
    return out


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


def _working_set(scores: np.ndarray, nonzero: np.ndarray, ws_size: int) -> tuple[np.ndarray, int]:
    """The ws_size groups with the largest KKT scores, always holding the non-zero groups."""
    s = np.where(nonzero, np.inf, scores)
    ws_size = min(max(ws_size, 2 * int(nonzero.sum())), s.size)
    if ws_size >= s.size:
        return np.arange(s.size, dtype=np.int64), ws_size
    return np.sort(np.argpartition(s, -ws_size)[-ws_size:]).astype(np.int64), ws_size


# ----------------------------------------------------------------------------------------------
# least squares


def quadratic_gap(design: WeightedDesign, penalty: GroupPenalty, w: np.ndarray, r, rsum,
                  corr: np.ndarray, free_products=None) -> float:
    """P(w) - D(theta) at theta = scale * S r, free groups projected out of r, scale <= 1 putting
    X_g' theta in the dual ball of every group."""
    r_dot_y, residual_sq = design.residual_products(r, rsum, w)
    free = penalty.groups.columns(penalty.free_groups())
    if free.size:
        cross, q_free = design.cross_gram(free) if free_products is None else free_products
        inf = np.full(w.shape[0], np.inf)
        corr, r_dot_y, r_dot_r = _kernels.project_free_columns(
            free, w, corr, r_dot_y, residual_sq, cross, q_free, -inf, inf)
    else:
        r_dot_r = residual_sq
    t = penalty.dual_norms(corr)
    worst = float(t.max()) if t.size else 0.0
    scale = 1.0 if worst <= 1.0 else 1.0 / worst
    primal = 0.5 * residual_sq + penalty.value(w)
    dual = scale * r_dot_y - 0.5 * scale**2 * r_dot_r
    return max(primal - dual, 0.0)


def solve_group_quadratic(design: WeightedDesign, penalty: GroupPenalty, lipschitz: np.ndarray,
                          w0: np.ndarray, *, tol: float, max_iter: int, anderson: bool = True,
                          state=None) -> GroupFit:
    """Minimise 0.5 sum sw r^2 + Omega(w); ``tol`` is relative to sum sw y_c^2.

    ``state`` is the previous fit's residual when ``w0`` is that fit's ``w``.
    """
    groups = penalty.groups
    l1, lg = penalty.l1_weights(), penalty.group_weights()
    w = np.asarray(w0, dtype=np.float64).copy()
    dead = np.repeat(lipschitz == 0, groups.sizes)
    w[groups.order[dead]] = 0.0
    if state is not None and np.array_equal(w, w0):
        r, rsum = state[0].copy(), state[1]
    else:
        r, rsum = design.residual(w)
    tol_abs = tol * design.yty if design.yty > 0 else tol * np.finfo(float).tiny
    free = groups.columns(penalty.free_groups())
    free_products = design.cross_gram(free) if free.size else None
    scores = np.empty(groups.n_groups)
    args = design.kernel_args()
    ws_size, epochs = _WS_START, 0
    while True:
        corr = design.correlations(r, rsum)
        gap = quadratic_gap(design, penalty, w, r, rsum, corr, free_products)
        if gap <= tol_abs or epochs >= max_iter:
            break
        gk.kkt_scores(corr, w, groups.order, groups.ptr, l1, lg, scores)
        ws, ws_size = _working_set(scores, groups.norms(w) > 0, ws_size)
        rsum, n_epochs = gk.bcd_working_set(
            *args, r, rsum, w, groups.order, groups.ptr, ws, lipschitz, l1, lg,
            max_iter - epochs, _INNER_FRACTION * scores.max(), anderson)
        epochs += n_epochs
        if ws.size < groups.n_groups and n_epochs <= 1:
            ws_size *= 2
    return GroupFit(w, 0.0, float(gap), epochs, bool(gap <= tol_abs), float(tol_abs),
                    state=(r, rsum))


# ----------------------------------------------------------------------------------------------
# smooth GLM datafits: proximal Newton with the block CD as inner solver


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
    b = _intercept(b0, K) if data.fit_intercept else _intercept(0.0, K)
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


def _intercept(b, K: int):
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


# ----------------------------------------------------------------------------------------------
# the path


@dataclass
class GroupProblem:
    """Validated inputs of a group-lasso fit, and everything that does not depend on alpha."""

    X: object  # scaled by ``scale`` when standardizing
    y: np.ndarray
    sample_weight: np.ndarray
    offset: np.ndarray
    groups: Groups
    factors: np.ndarray
    datafit: object  # None: least squares
    fit_intercept: bool
    scale: np.ndarray | None
    feature_names: np.ndarray | None = None
    n_classes: int = 1  # K > 1: the multinomial, with the K coefficients of a feature in its group

    @classmethod
    def build(cls, X, y, groups=None, *, datafit="quadratic", group_factor=None,
              fit_intercept=True, standardize=False, sample_weight=None, offset=None,
              feature_names=None, validated=False) -> GroupProblem:
        if feature_names is None and hasattr(X, "columns"):
            feature_names = np.asarray([str(c) for c in X.columns], dtype=object)
        if not validated:
            X = v.check_design(X)
        n, p = X.shape
        fit = _datafit(datafit)
        y = v.check_target(y, n)
        if fit is not None:
            y = fit.check_target(y)
        K = fit.classes(y) if hasattr(fit, "classes") else 1
        sw = v.check_sample_weight(sample_weight, n)
        structure = Groups.from_labels(groups, p)
        scale = column_scale(X, sw, fit_intercept) if standardize else None
        return cls(X if scale is None else scale_columns(X, scale), y, sw,
                   _offset(offset, n, K), structure, group_factors(group_factor, structure), fit,
                   bool(fit_intercept), scale, v.check_feature_names(feature_names, p), K)

    @property
    def coef_groups(self) -> Groups:
        """The groups of the (flattened) coefficients: with K classes, group g holds the
        coefficients W[j, k] of its features j for every class k."""
        return class_groups(self.groups, self.n_classes)

    def penalty(self, alpha: float, l1_ratio: float) -> GroupPenalty:
        return GroupPenalty(alpha, l1_ratio, self.coef_groups, self.factors)

    def glm_data(self) -> GLMData:
        return GLMData(self.X, self.y, self.sample_weight / self.sample_weight.sum(), self.offset,
                       self.fit_intercept, self.n_classes)


def class_groups(groups: Groups, K: int) -> Groups:
    """The groups of W (p, K) flattened feature-major: feature group g, all K classes."""
    if K == 1:
        return groups
    flat = Groups.from_labels(np.repeat(groups.column_group(), K), groups.n_features * K)
    return replace(flat, labels=groups.labels)


def _datafit(datafit):
    """None for least squares, else a smooth datafit of the protocol."""
    if isinstance(datafit, str) and datafit == "quadratic":
        return None
    from ..datafits import get_datafit

    fit = get_datafit(datafit)
    if not getattr(fit, "smooth", False):
        raise ValueError(f"the group solver needs a smooth datafit (differentiable in eta); "
                         f"{getattr(fit, 'name', fit)!r} is not.")
    return fit


def _offset(offset, n: int, K: int = 1) -> np.ndarray:
    """(n,), or (n, K) for K classes (a 1-D offset is shared by the classes)."""
    shape = (n,) if K == 1 else (n, K)
    if offset is None:
        return np.zeros(shape)
    o = np.asarray(offset, dtype=np.float64)
    if o.ndim == 0 or (K > 1 and o.shape == (n,)):
        o = np.broadcast_to(o.T, shape[::-1]).T.copy()
    if o.shape != shape:
        raise ValueError(f"offset must have one entry per sample ({n}"
                         f"{'' if K == 1 else f', or one per sample and class ({n}, {K})'}); got "
                         f"shape {o.shape}.")
    if not np.all(np.isfinite(o)):
        raise ValueError("offset contains NaN or infinity.")
    return o


def group_path(X, y, groups=None, *, datafit="quadratic", l1_ratio: float = 0.0, alphas=None,
               n_alphas: int = 100, alpha_min_ratio: float | None = None, group_factor=None,
               fit_intercept: bool = True, standardize: bool = False, sample_weight=None,
               offset=None, tol: float = 1e-4, max_iter: int = 1000, feature_names=None) -> Path:
    """Warm-started group / sparse-group lasso solutions along a decreasing grid of alphas.

    ``groups``: one integer label per column (-1 or None: in no group); None puts every column
    in its own group (the lasso).  ``l1_ratio`` mixes in the L1 norm (0: group lasso).  The
    default grid runs from alpha_max (all groups zero) down to alpha_max * alpha_min_ratio.
    ``datafit``: "quadratic" or a GLM datafit name / instance (see ``shrinkage.datafits``).
    """
    l1_ratio = v.check_l1_ratio(l1_ratio)
    problem = GroupProblem.build(X, y, groups, datafit=datafit, group_factor=group_factor,
                                 fit_intercept=fit_intercept, standardize=standardize,
                                 sample_weight=sample_weight, offset=offset,
                                 feature_names=feature_names)
    if alphas is None:
        v.check_positive_int(n_alphas, "n_alphas")
        if alpha_min_ratio is None:
            alpha_min_ratio = default_alpha_min_ratio(*problem.X.shape)
        elif not 0 < alpha_min_ratio < 1:
            raise ValueError(f"alpha_min_ratio must be in (0, 1); got {alpha_min_ratio!r}.")
    return solve_group_path(problem, None if alphas is None else v.check_alphas(alphas), l1_ratio,
                            n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio,
                            tol=v.check_tol(tol),
                            max_iter=v.check_positive_int(max_iter, "max_iter"))


def solve_group_path(problem: GroupProblem, alphas: np.ndarray | None, l1_ratio: float, *,
                     n_alphas: int = 100, alpha_min_ratio: float = 1e-4, tol: float = 1e-4,
                     max_iter: int = 1000, w0: np.ndarray | None = None, b0: float | None = None,
                     model: str = "the group-lasso path") -> Path:
    """The engine behind ``group_path`` and the estimators (inputs validated; ``w0`` on the
    original scale)."""
    if problem.n_classes > 1 and l1_ratio != 0:
        raise ValueError(f"with {problem.n_classes} classes the group penalty holds each "
                         f"feature's coefficients of every class, and l1_ratio must be 0; got "
                         f"l1_ratio={l1_ratio!r} (for the element-wise lasso or elastic net use "
                         "shrinkage.path(datafit='multinomial')).")
    solver = _QuadraticPath(problem, tol, max_iter) if problem.datafit is None else \
        _GLMPath(problem, tol, max_iter)
    unit = problem.penalty(1.0, l1_ratio)
    if alphas is None:
        alpha_max, w_null, b_null = solver.null(unit)
        alphas = alpha_grid(alpha_max, n_alphas, alpha_min_ratio)
        if w0 is None:
            w0, b0 = w_null, b_null
    elif w0 is not None:  # (p,) or (p, K) on the original scale -> the solver's coordinates
        w0 = np.asarray(w0, dtype=np.float64).reshape(problem.X.shape[1], -1)
        w0 = (w0 if problem.scale is None else w0 * problem.scale[:, None]).ravel()
    w = np.zeros(problem.X.shape[1] * problem.n_classes) if w0 is None else w0
    fits, state = [], None
    for a in alphas:
        fit = solver.solve(problem.penalty(float(a), l1_ratio), w, b0, state)
        w, b0, state = fit.w, fit.intercept, fit.state
        fits.append(replace(fit, state=None))
    warn_not_converged(fits, alphas, max_iter, model)
    K = problem.n_classes
    coefs = np.array([f.w for f in fits]).reshape(len(alphas), -1, K)
    if problem.scale is not None:
        coefs = coefs / problem.scale[:, None]
    kkt = any(f.certificate == "kkt" for f in fits)
    return Path(np.asarray(alphas, dtype=np.float64), coefs if K > 1 else coefs[:, :, 0],
                np.array([f.intercept for f in fits], dtype=np.float64),
                np.array([f.gap for f in fits]), np.array([f.n_iter for f in fits]),
                np.array([f.converged for f in fits]), l1_ratio, problem.feature_names,
                datafit="quadratic" if problem.datafit is None else problem.datafit.name,
                certificate="kkt" if kkt else "duality_gap")


class _QuadraticPath:
    """Least squares: one centred design and the block step sizes, shared by all alphas."""

    def __init__(self, problem: GroupProblem, tol: float, max_iter: int):
        self.design = WeightedDesign.build(problem.X, problem.y - problem.offset,
                                           problem.sample_weight, problem.fit_intercept)
        self.lipschitz = block_lipschitz(self.design, problem.groups)
        self.tol, self.max_iter = tol, max_iter

    def null(self, unit: GroupPenalty) -> tuple[float, np.ndarray, None]:
        """alpha_max at the least-squares fit of the unpenalized groups alone, and that fit."""
        design = self.design
        w = np.zeros(design.n_features)
        cols = unit.groups.columns(unit.free_groups())
        if cols.size:
            cross, q = design.cross_gram(cols)
            w[cols] = np.linalg.lstsq(cross[cols], q, rcond=None)[0]
        return unit.alpha_max(-design.correlations(*design.residual(w))), w, None

    def solve(self, penalty: GroupPenalty, w, b, state) -> GroupFit:
        fit = solve_group_quadratic(self.design, penalty, self.lipschitz, w, tol=self.tol,
                                    max_iter=self.max_iter, state=state)
        d = self.design  # without intercept both offsets are 0
        return replace(fit, intercept=float(d.y_offset - d.x_offset @ fit.w))


class _GLMPath:
    """Smooth GLM datafits: the null model fixes alpha_max and the tolerances."""

    def __init__(self, problem: GroupProblem, tol: float, max_iter: int):
        self.data, self.datafit = problem.glm_data(), problem.datafit
        self.tol, self.max_iter = tol, max_iter
        self._null: dict = {}

    def _null_model(self, unit: GroupPenalty) -> tuple[np.ndarray, float, np.ndarray, float]:
        """(w, b, gradient, loss) of the fit of the intercept and the unpenalized groups alone."""
        key = tuple(unit.free_groups())
        if key in self._null:
            return self._null[key]
        data, fit = self.data, self.datafit
        K = data.n_classes
        w = np.zeros(data.X.shape[1] * K)
        b = fit.null_intercept(data.y, data.sw, data.offset) if data.fit_intercept else \
            _intercept(0.0, K)
        if key:  # fit the unpenalized groups with the others held at zero
            cols = unit.groups.columns(np.array(key, dtype=np.int64))
            feats = cols[::K] // K
            sub = replace(data, X=data.X[:, feats])
            only = class_groups(
                Groups.from_labels(unit.groups.column_group()[cols[::K]], feats.size), K)
            grad0 = np.abs(sub.gradient(data.weighted(fit.derivative(data.y,
                                                                      sub.eta(w[cols], b)))))
            inner = solve_group_glm(
                sub, fit, GroupPenalty(0.0, 0.0, only, np.zeros(only.n_groups)), w[cols], b,
                tol_gap=0.0, tol_kkt=self.tol * max(float(grad0.max()), np.finfo(float).tiny),
                max_iter=self.max_iter)
            w[cols], b = inner.w, inner.intercept
        eta = data.eta(w, b)
        self._null[key] = (w, b, data.gradient(data.weighted(fit.derivative(data.y, eta))),
                           float(data.sw @ fit.loss(data.y, eta)))
        return self._null[key]

    def null(self, unit: GroupPenalty) -> tuple[float, np.ndarray, float]:
        """alpha_max at the null model, and that model."""
        w, b, grad, _ = self._null_model(unit)
        return unit.alpha_max(grad), w, b

    def solve(self, penalty: GroupPenalty, w, b, state) -> GroupFit:
        unit = replace(penalty, alpha=1.0)
        _, b_null, grad, loss = self._null_model(unit)
        tiny = np.finfo(float).tiny
        group_grad = float(np.max(unit.groups.norms(grad))) if grad.size else 0.0
        return solve_group_glm(
            self.data, self.datafit, penalty, w, b_null if b is None else b,
            tol_gap=self.tol * max(loss, tiny), tol_kkt=self.tol * max(group_grad, tiny),
            max_iter=self.max_iter)
