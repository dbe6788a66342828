"""The K-class (softmax) model: proximal Newton with the full softmax Hessian.

Each Newton step minimises the quadratic model of the multinomial datafit (its Hessian couples
the classes of a sample) plus the penalty by block coordinate descent over the columns of the
working set and the K intercepts, each block's K x K subproblem solved exactly, with Anderson
extrapolation (``_glm_kernels.multinomial_cd``), then searches along the step on the true
objective.  The intercepts and free columns (the unpenalized block) are fitted
jointly by Newton's method before each certificate and centred over the classes, which leaves
the probabilities unchanged.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .._design import GLMDesign
from ..datafits.multinomial import softmax_rows
from ..engine.working_set import Certificate, Ranking, Step, solve_working_set
from ..penalties._l1_l2_kernels import kkt_violations
from ..penalties._separable import ELASTIC_NET, penalty_arrays
from ..penalties.l1_l2 import PenaltyWeights
from ..solvers import _glm_kernels
from ..solvers._constants import INNER_FRACTION, MAX_NEWTON, NEWTON_ROUNDING
from ..solvers.prox_newton import (
    Polished,
    Stall,
    _Data,
    backtrack,
    centre_block,
    certify,
    forced_ranking,
    free_columns,
    near_unpenalized_bound,
    newton_progress,
    objective_along,
    scaled_solve,
    support_closed,
    uncentre,
    unpenalized_block,
)
from ..solvers.result import Fit


def solve_multinomial(
    data: _Data,
    pw: PenaltyWeights,
    w0: np.ndarray,
    b0: np.ndarray,
    *,
    tol_abs: float,
    max_iter: int,
    eta0: np.ndarray | None = None,
    centring: tuple[_Data, np.ndarray] | None = None,
) -> Fit:
    """Minimise sum sw l(y, XW + b + offset) + sum_{j,k} l1_j |W_jk| + l2_j/2 W_jk^2 on the box,
    W of shape (p, K), on the ``centred`` design; stops when the certificate
    (``prox_newton.certify``) is below ``tol_abs`` and no zero entry of W violates its optimality
    condition beyond rounding (``prox_newton.support_closed``), or after ``max_iter`` iterations
    in all.  ``centring`` = ``centred(data)``, computed once by callers that solve many alphas."""
    data, shift = centred(data) if centring is None else centring
    K = w0.shape[1]
    W = np.clip(np.asarray(w0, dtype=np.float64), pw.lower[:, None], pw.upper[:, None])
    b = np.asarray(b0, dtype=np.float64) + shift @ W if data.fit_intercept else np.zeros(K)
    eta = (
        eta0.copy()
        if eta0 is not None and np.array_equal(W, w0)
        else data.design.matvec(W) + b + data.offset
    )
    model = MultinomialNewton(data, pw, W, b, eta, tol_abs)
    out = solve_working_set(model, max_iter=max_iter, reset=True)
    gap, W = out.cert.gap, model.w
    if gap > tol_abs and not model.stalled.tried_at(out.epochs):  # the gap may be meaningless
        gap = min(gap, near_unpenalized_bound(data, pw, W, model.b, model.eta, polish_multinomial))
    b = model.b - shift @ W
    b = b - b.mean()  # the classes' common shift changes nothing
    return Fit(
        W,
        float(gap),
        out.epochs,
        bool(gap <= tol_abs and out.cert.closed),
        float(tol_abs),
        intercept=b,
        state=model.eta,
    )


class MultinomialNewton:
    """The K-class proximal Newton solver as an ``engine.working_set`` model: a block is a
    column of W (its K classes), scored by its largest KKT violation; certify as
    ``prox_newton.ProxNewton`` with ``polish_multinomial``; inner: Newton steps on the working
    set (``_newton_step``, the full softmax Hessian)."""

    def __init__(
        self,
        data: _Data,
        pw: PenaltyWeights,
        W: np.ndarray,
        b: np.ndarray,
        eta: np.ndarray,
        tol_abs: float,
    ):
        self.data, self.pw, self.w, self.b, self.eta, self.tol_abs = data, pw, W, b, eta, tol_abs
        self.free = free_columns(pw)
        self.args = data.design.kernel_args()
        self.onehot = np.eye(W.shape[1])[data.y.astype(np.int64)]
        self.movable = pw.lower < pw.upper
        self.n_movable = int(np.sum(self.movable))
        self.stalled = Stall()
        self.epochs = 0

    def certify(self, budget: int) -> Certificate:
        data, pw = self.data, self.pw
        polished = polish_multinomial(
            data, pw, self.free, self.w, self.b, self.eta, max_steps=min(MAX_NEWTON, max(budget, 0))
        )
        self.w, self.b, self.eta = polished.w, np.asarray(polished.b), polished.eta
        self.epochs += polished.n_steps
        G = data.sw[:, None] * (softmax_rows(self.eta) - self.onehot)
        grad = data.design.rmatvec(G)
        gap, objective = certify(data, pw, self.w, self.eta, grad, polished)
        if gap > self.tol_abs and self.stalled.check(objective, self.epochs):
            gap = min(
                gap, near_unpenalized_bound(data, pw, self.w, self.b, self.eta, polish_multinomial)
            )
        violations = _violations(grad, self.w, pw)
        closed = support_closed(data, pw, self.w, violations, G)
        self.scores = violations.max(axis=1)
        return Certificate(gap, closed, self.tol_abs, polished.n_steps)

    def screen(self, cert: Certificate) -> bool:
        return False

    def ranking(self) -> Ranking:
        return forced_ranking(
            self.scores, np.any(self.w != 0, axis=1), self.movable, self.free, self.n_movable
        )

    def inner(self, ws: np.ndarray, tol_inner: float, budget: int) -> Step:
        data, pw = self.data, self.pw
        n_steps = spent = 0
        tol = tol_inner
        while n_steps < MAX_NEWTON and spent < budget:
            step = _newton_step(
                data, pw, ws, self.w, self.b, self.eta, self.onehot, tol, budget - spent, self.args
            )
            if step is None:
                break
            n_steps += 1
            self.w, self.b, self.eta, n_epochs = step
            spent += n_epochs
            G = data.sw[:, None] * (softmax_rows(self.eta) - self.onehot)
            grad_ws = data.design.columns(ws).T @ G
            ws_worst = float(_scores(grad_ws, self.w[ws], _restrict(pw, ws)).max())
            if ws_worst <= tol_inner:
                break
            tol = INNER_FRACTION * ws_worst
        self.epochs += spent
        return newton_progress(spent, n_steps, ws.size, self.n_movable)


def centred(data: _Data) -> tuple[_Data, np.ndarray]:
    """(data, m): a dense design with an intercept centred by its sw-weighted column means m
    (X w + b = (X - m) w + b + m.w: the same model, the intercepts b + m.W), else data and 0.

    The block coordinate descent does not profile the intercepts out: on columns whose mean is
    large against their spread it zig-zags between them and the intercepts (a fit on columns in
    the thousands took 10x the epochs of the same columns centred)."""
    p = data.design.shape[1]
    if not data.fit_intercept or data.design.is_sparse:
        return data, np.zeros(p)
    shift = data.sw @ data.design.Xd
    return replace(data, design=GLMDesign.build(data.design.Xd - shift)), shift


def _newton_step(data: _Data, pw: PenaltyWeights, ws, W, b, eta, onehot, tol, max_epochs, args):
    """One proximal Newton step on the coefficients of ``ws`` and the intercepts, with its line
    search; None if it cannot descend."""
    K = W.shape[1]
    P = softmax_rows(eta)
    G = data.sw[:, None] * (P - onehot)
    Pt = np.ascontiguousarray(P.T)
    SP = Pt * data.sw
    Z = W.copy()
    db = np.zeros(K)
    A = np.ascontiguousarray(G.T)
    s = np.zeros(len(eta))
    E = np.zeros_like(A)
    penalty = penalty_arrays(ELASTIC_NET, pw.l1, pw.l2, pw.lower, pw.upper)
    n_epochs = _glm_kernels.multinomial_cd(
        args, penalty, ws, Z, db, A, SP, Pt, s, E, data.sw, data.fit_intercept, max_epochs, tol
    )
    direction = E.T
    W_ws, Z_ws = W[ws], Z[ws]
    dW = Z_ws - W_ws
    l1, l2 = pw.l1[ws, None], pw.l2[ws, None]
    pen_old = float(np.sum(l1 * np.abs(W_ws) + 0.5 * l2 * W_ws**2))
    pen_change = float(np.sum(l1 * (np.abs(Z_ws) - np.abs(W_ws)) + 0.5 * l2 * dW * (Z_ws + W_ws)))
    decrease = float(np.sum(G * direction)) + pen_change
    if not decrease < 0:
        return None

    def trial(t: float):
        W_t = W_ws + t * dW
        eta_t = eta + t * direction
        return (
            data.objective(eta_t) + float(np.sum(l1 * np.abs(W_t) + 0.5 * l2 * W_t**2)),
            (W_t, eta_t),
        )

    accepted = backtrack(trial, data.objective(eta) + pen_old, decrease)
    if accepted is None:
        return None
    t, (W_t, eta_t) = accepted
    W_new = W.copy()
    W_new[ws] = np.clip(W_t, pw.lower[ws, None], pw.upper[ws, None])
    return W_new, b + t * db, eta_t, n_epochs


def _restrict(pw: PenaltyWeights, ws: np.ndarray) -> PenaltyWeights:
    return PenaltyWeights(pw.l1[ws], pw.l2[ws], pw.lower[ws], pw.upper[ws])


def _violations(grad: np.ndarray, W: np.ndarray, pw: PenaltyWeights) -> np.ndarray:
    """The KKT violation of every entry of W (p, K)."""
    out = np.empty(W.shape)
    for k in range(W.shape[1]):
        out[:, k] = kkt_violations(
            -grad[:, k], W[:, k], pw.l1, pw.l2, pw.lower, pw.upper, np.empty(W.shape[0])
        )
    return out


def _scores(grad: np.ndarray, W: np.ndarray, pw: PenaltyWeights) -> np.ndarray:
    """The largest KKT violation over the classes, per column."""
    return _violations(grad, W, pw).max(axis=1, initial=0.0)


def polish_multinomial(
    data: _Data,
    pw: PenaltyWeights,
    free: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    eta: np.ndarray,
    *,
    max_steps: int = 50,
) -> Polished:
    """Newton's method on the K intercepts and the free columns inside their bounds (jointly,
    the penalized coefficients fixed; centred and Jacobi-scaled as ``polish_unpenalized``, with
    the same stop), then centring over the classes.  Columns a step takes past a bound are
    clipped there at the end and leave the block.
    """
    inside = free[
        ((W[free] > pw.lower[free, None]) & (W[free] < pw.upper[free, None])).all(axis=1)
        | np.isinf(pw.lower[free]) & np.isinf(pw.upper[free])
    ]
    if not data.fit_intercept and not inside.size:
        return Polished(W, b, eta, inside, 0.0, 0)
    B = unpenalized_block(data, inside)
    m, K = B.shape[1], eta.shape[1]
    theta = np.vstack(([b] if data.fit_intercept else []) + [W[inside]])
    onehot = np.eye(K)[data.y.astype(np.int64)]
    f = data.objective(eta)
    last = np.inf
    n_steps = 0
    C, mean = centre_block(B, data.sw, data.fit_intercept)
    while True:
        P = softmax_rows(eta)
        G = data.sw[:, None] * (P - onehot)
        size = float(np.max(np.abs(B.T @ G) / (np.abs(B.T) @ np.abs(G) + 1e-300)))
        grad = C.T @ G  # (m, K), in the centred coordinates
        hess = np.empty((m, K, m, K))
        SP = data.sw[:, None] * P
        for k in range(K):
            for ell in range(K):
                weight = -SP[:, k] * P[:, ell] + (SP[:, k] if k == ell else 0.0)
                hess[:, k, :, ell] = (C * weight[:, None]).T @ C
        s = scaled_solve(hess.reshape(m * K, m * K), grad.ravel())
        decrement = max(float(grad.ravel() @ s), 0.0)
        if (
            size <= NEWTON_ROUNDING
            or n_steps >= max_steps
            or not decrement > 0
            or (decrement <= NEWTON_ROUNDING * abs(f) and decrement >= last)
        ):
            break
        last = decrement
        step = -uncentre(s.reshape(m, K), mean)
        accepted = backtrack(objective_along(data, eta, B @ step), f, -decrement)
        if accepted is None:
            break
        t, (eta, f) = accepted
        theta = theta + t * step
        n_steps += 1
    mu = theta.mean(axis=1)
    theta = theta - mu[:, None]  # the same shift for every class: probabilities unchanged
    eta = eta - (B @ mu)[:, None]
    W = W.copy()
    if data.fit_intercept:
        b = theta[0].copy()
    W[inside] = theta[int(data.fit_intercept) :]
    clipped = np.clip(W, pw.lower[:, None], pw.upper[:, None])
    if not np.array_equal(clipped, W):  # measure the block left inside at the clipped point
        eta = eta + data.design.matvec(clipped - W)
        again = polish_multinomial(data, pw, free, clipped, b, eta, max_steps=0)
        return replace(again, n_steps=n_steps)
    return Polished(W, b, eta, inside, decrement, n_steps)
