"""The K-class (softmax) model: block proximal Newton over the classes, as glmnet does.

For class k with the other classes fixed, the multinomial loss is the logistic loss of
z = eta_k - log sum_{l != k} e^{eta_l} against 1{y = k} (up to a constant), so each class step is
the binary proximal Newton step (``solvers.prox_newton``) on that offset problem.  The intercepts
and free columns (the unpenalized block) are fitted jointly by Newton's method before each
certificate and centred over the classes (which leaves the probabilities unchanged).
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp, softmax

from ..datafits.logistic import Logistic
from ..glm_certificates import glm_duality_gap
from ..penalties.l1_l2 import PenaltyWeights
from ..solvers import _glm_kernels, _kernels
from ..solvers.prox_newton import (
    _ARMIJO,
    _INNER_FRACTION,
    _MAX_NEWTON,
    _ROUNDING,
    _WS_START,
    GLMFit,
    _Data,
    _newton_step,
    free_columns,
)


def _others(eta: np.ndarray, k: int) -> np.ndarray:
    """log sum_{l != k} e^{eta_l}: the offset of class k's logistic subproblem."""
    return logsumexp(np.delete(eta, k, axis=1), axis=1)


def solve_multinomial(data: _Data, pw: PenaltyWeights, w0: np.ndarray, b0: np.ndarray, *,
                      tol_abs: float, max_iter: int, eta0: np.ndarray | None = None) -> GLMFit:
    """Minimise sum sw l(y, XW + b + offset) + sum_{j,k} l1_j |W_jk| + l2_j/2 W_jk^2 on the box,
    W of shape (p, K); stops when the duality gap is below ``tol_abs`` or after ``max_iter``
    coordinate-descent epochs in all."""
    design = data.design
    p, K = w0.shape
    W = np.clip(np.asarray(w0, dtype=np.float64), pw.lower[:, None], pw.upper[:, None])
    b = np.asarray(b0, dtype=np.float64).copy() if data.fit_intercept else np.zeros(K)
    eta = (eta0.copy() if eta0 is not None and np.array_equal(W, w0)
           else design.matvec(W) + b + data.offset)
    free = free_columns(pw)
    args = design.kernel_args()
    onehot = np.eye(K)[data.y.astype(np.int64)]
    class_data = [_Data(design, Logistic(), onehot[:, k], data.sw, data.offset[:, k],
                        data.fit_intercept) for k in range(K)]
    hx, hxx, grad_k = np.zeros(p), np.zeros(p), np.zeros(p)
    n_movable = int(np.sum(pw.lower < pw.upper))
    ws_size, grow = _WS_START, 0
    epochs = 0
    while True:
        W, b, eta, exact = polish_multinomial(data, pw, free, W, b, eta)
        grad = design.rmatvec(data.sw[:, None] * (softmax(eta, axis=1) - onehot))
        gap, _ = glm_duality_gap(data.datafit, data.y, data.sw, eta, data.offset, W, pw, grad,
                                 (exact[:, None] * K + np.arange(K)).ravel())
        if gap <= tol_abs or epochs >= max_iter or n_movable == 0:
            break
        scores = _scores(grad, W, pw)
        worst = float(scores.max())
        keep = np.any(W != 0, axis=1) & (pw.lower < pw.upper)
        keep[free] = True
        scores[keep] = np.inf
        scores[pw.lower == pw.upper] = -1.0
        ws_size = min(max(_WS_START, 2 * int(keep.sum()), grow), n_movable)
        ws = np.sort(np.argpartition(scores, -ws_size)[-ws_size:]).astype(np.int64)
        n_sweeps = 0
        ws_worst = worst
        while n_sweeps < _MAX_NEWTON and epochs < max_iter:
            moved = False
            for k in range(K):
                offset_k = _others(eta, k)
                z = eta[:, k] - offset_k
                cd = class_data[k]
                g = data.sw * cd.datafit.derivative(cd.y, z)
                step = _newton_step(cd, pw, ws, W[:, k], b[k], z, g,
                                    _INNER_FRACTION * ws_worst, max_iter - epochs, hx, hxx, args)
                if step is None:
                    continue
                moved = True
                W[:, k], b[k], z, n_epochs = step
                eta[:, k] = z + offset_k
                epochs += n_epochs
            if not moved:
                break
            n_sweeps += 1
            G = data.sw[:, None] * (softmax(eta, axis=1) - onehot)
            for k in range(K):
                _glm_kernels.gradient_on(*args, ws, np.ascontiguousarray(G[:, k]), grad_k)
                grad[ws, k] = grad_k[ws]
            ws_worst = float(_scores(grad[ws], W[ws], _restrict(pw, ws)).max())
            if ws_worst <= _INNER_FRACTION * worst:
                break
        if n_sweeps == 0 and ws_size == n_movable:
            break  # no descent left on the whole problem: the gap is at rounding level
        grow = 2 * ws_size if n_sweeps == 0 else 0  # stalled on this working set: widen it
    return GLMFit(W, b, float(gap), epochs, bool(gap <= tol_abs), float(tol_abs), eta)


def _restrict(pw: PenaltyWeights, ws: np.ndarray) -> PenaltyWeights:
    return PenaltyWeights(pw.l1[ws], pw.l2[ws], pw.lower[ws], pw.upper[ws])


def _scores(grad: np.ndarray, W: np.ndarray, pw: PenaltyWeights) -> np.ndarray:
    """The largest KKT violation over the classes, per column."""
    out = np.empty(W.shape[0])
    best = np.zeros(W.shape[0])
    for k in range(W.shape[1]):
        _kernels.kkt_violations(-grad[:, k], W[:, k], pw.l1, pw.l2, pw.lower, pw.upper, out)
        np.maximum(best, out, out=best)
    return best


def polish_multinomial(data: _Data, pw: PenaltyWeights, free: np.ndarray, W: np.ndarray,
                       b: np.ndarray, eta: np.ndarray, *, max_steps: int = 50):
    """Newton's method on the K intercepts and the free columns inside their bounds (jointly,
    the penalized coefficients fixed), then centring over the classes.

    Returns (W, b, eta, exact): ``exact`` lists the free columns now fitted exactly.
    """
    inside = free[((W[free] > pw.lower[free, None]) & (W[free] < pw.upper[free, None])).all(axis=1)
                  | np.isinf(pw.lower[free]) & np.isinf(pw.upper[free])]
    blocks = [np.ones((len(eta), 1))] if data.fit_intercept else []
    if inside.size:
        blocks.append(data.design.columns(inside))
    if not blocks:
        return W, b, eta, inside
    B = np.hstack(blocks)
    m, K = B.shape[1], eta.shape[1]
    theta = np.vstack(([b] if data.fit_intercept else []) + [W[inside]])
    onehot = np.eye(K)[data.y.astype(np.int64)]
    f = data.objective(eta)
    best = np.inf
    for _ in range(max_steps):
        P = softmax(eta, axis=1)
        G = data.sw[:, None] * (P - onehot)
        grad = B.T @ G  # (m, K)
        size = float(np.max(np.abs(grad) / (np.abs(B.T) @ np.abs(G) + 1e-300)))
        if size <= _ROUNDING or size >= best:
            break
        best = size
        hess = np.empty((m, K, m, K))
        SP = data.sw[:, None] * P
        for k in range(K):
            for ell in range(K):
                weight = -SP[:, k] * P[:, ell] + (SP[:, k] if k == ell else 0.0)
                hess[:, k, :, ell] = (B * weight[:, None]).T @ B
        step = -np.linalg.lstsq(hess.reshape(m * K, m * K), grad.ravel(), rcond=None)[0]
        step = step.reshape(m, K)
        decrease = float(np.sum(grad * step))
        if not decrease < 0:
            break
        slack = _ROUNDING * abs(f) if -decrease < _ROUNDING * abs(f) else 0.0
        t = 1.0
        while t > 1e-10:
            eta_t = eta + t * (B @ step)
            f_t = data.objective(eta_t)
            if f_t <= f + _ARMIJO * t * decrease + slack:
                break
            t *= 0.5
        else:
            break
        eta, f = eta_t, f_t
        theta = theta + t * step
    mu = theta.mean(axis=1)
    theta = theta - mu[:, None]  # the same shift for every class: probabilities unchanged
    eta = eta - (B @ mu)[:, None]
    W = W.copy()
    if data.fit_intercept:
        b = theta[0].copy()
    W[inside] = theta[int(data.fit_intercept):]
    clipped = np.clip(W, pw.lower[:, None], pw.upper[:, None])
    if not np.array_equal(clipped, W):
        eta = eta + data.design.matvec(clipped - W)
        W = clipped
    ok = ((W[inside] > pw.lower[inside, None]) & (W[inside] < pw.upper[inside, None])).all(axis=1)
    return W, b, eta, inside[ok]
