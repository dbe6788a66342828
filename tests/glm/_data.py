"""Small GLM problems and an independent numpy objective for the GLM tests."""

from __future__ import annotations

import numpy as np


def classification(n=120, p=15, *, seed=0, separable=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.linspace(0.5, 2.0, p)
    w = np.zeros(p)
    w[:4] = [1.5, -1.0, 0.8, 0.5]
    eta = X @ w + 0.3
    y = (eta > 0) if separable else rng.random(n) < 1 / (1 + np.exp(-eta))
    return X, y.astype(float)


def counts(n=120, p=15, *, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * 0.5
    w = np.zeros(p)
    w[:4] = [0.6, -0.4, 0.3, 0.2]
    return X, rng.poisson(np.exp(X @ w + 0.5)).astype(float)


def penalty(w, alpha, l1_ratio=1.0, factors=None):
    f = np.ones(w.shape[0]) if factors is None else np.asarray(factors, float)
    f = f.reshape((-1,) + (1,) * (w.ndim - 1))
    return alpha * float(np.sum(f * (l1_ratio * np.abs(w) + (1 - l1_ratio) / 2 * w**2)))


def logistic_objective(X, y, w, b, alpha, l1_ratio=1.0, *, sw=None, offset=0.0, factors=None):
    s = np.ones(len(y)) if sw is None else np.asarray(sw, float)
    eta = X @ w + b + offset
    return float(s @ (np.logaddexp(0, eta) - y * eta) / s.sum()) + penalty(
        w, alpha, l1_ratio, factors
    )


def _xlogx(t):
    t = np.asarray(t, float)
    return np.where(t > 0, t * np.log(np.where(t > 0, t, 1.0)), 0.0)


def logistic_gap(
    X, y, w, b, alpha, l1_ratio=1.0, *, sw=None, offset=0.0, factors=None, fit_intercept=True
):
    """Duality gap at (w, b) from scratch: u = scale sw (p - y), unbounded coefficients only.

    Coordinates with factor 0 must already satisfy x_j.u = 0 (to rounding), as must sum u when
    the intercept is fitted; the function checks that and returns inf otherwise.
    """
    s = np.ones(len(y)) if sw is None else np.asarray(sw, float)
    s = s / s.sum()
    f = np.ones(X.shape[1]) if factors is None else np.asarray(factors, float)
    l1, l2 = alpha * l1_ratio * f, alpha * (1 - l1_ratio) * f
    eta = X @ w + b + offset
    primal = float(s @ (np.logaddexp(0, eta) - y * eta)) + float(l1 @ np.abs(w) + l2 @ w**2 / 2)
    resid = 1 / (1 + np.exp(-eta)) - y
    corr = -X.T @ (s * resid)
    free = (l1 == 0) & (l2 == 0)
    if np.any(np.abs(corr[free]) > 1e-12) or (fit_intercept and abs(s @ resid) > 1e-12):
        return np.inf
    lasso = (l2 == 0) & (l1 > 0)
    scale = float(np.min(l1[lasso] / np.maximum(np.abs(corr[lasso]), 1e-300), initial=1.0))
    t = y + scale * resid
    v = scale * corr
    with np.errstate(divide="ignore", invalid="ignore"):
        conj = np.where(l2 > 0, np.maximum(np.abs(v) - l1, 0) ** 2 / (2 * l2), 0.0)
    dual = (
        -float(s @ (_xlogx(t) + _xlogx(1 - t)))
        + float(np.sum(scale * s * resid * offset))
        - float(conj[~free].sum())
    )
    return primal - dual


def multiclass(n=150, p=12, K=3, *, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    W = rng.normal(0, 1, (p, K)) * (rng.random((p, 1)) < 0.5)
    eta = X @ W
    prob = np.exp(eta - eta.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    y = np.array([rng.choice(K, p=q) for q in prob])
    return X, y.astype(float)


def multinomial_gap(X, y, W, b, alpha, l1_ratio=1.0, *, offset=0.0):
    """Duality gap of the K-class model at (W, b) from scratch (unit weights, no bounds)."""
    n, K = len(y), W.shape[1]
    Y = np.eye(K)[y.astype(int)]
    eta = X @ W + b + offset
    m = eta.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(eta - m).sum(axis=1, keepdims=True)))[:, 0]
    prob = np.exp(eta - lse[:, None])
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    primal = (
        float(np.mean(lse - (eta * Y).sum(axis=1))) + l1 * np.abs(W).sum() + l2 / 2 * (W**2).sum()
    )
    resid = (prob - Y) / n
    if np.abs(resid.sum(axis=0)).max() > 1e-12:
        return np.inf
    corr = -X.T @ resid
    scale = 1.0 if l2 > 0 else min(1.0, l1 / max(np.abs(corr).max(), 1e-300))
    t = Y + scale * (prob - Y)
    v = scale * corr
    conj = (np.maximum(np.abs(v) - l1, 0) ** 2 / (2 * l2)).sum() if l2 > 0 else 0.0
    dual = -float(_xlogx(t).sum() / n) + float(np.sum(scale * resid * offset)) - conj
    return primal - dual
