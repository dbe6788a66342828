"""Random small problems for the property tests and the independent references they are judged by.

A problem is drawn as a seed plus a few knobs (size, the spread of the column scales, sample
weights, intercept), so hypothesis explores the knobs and a failure prints a reproducible draw.
References are any feasible points: for a valid certificate, P(ours) - P(reference) <= gap
whatever the reference, so a reference only has to be good to make the test strong.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from scipy.optimize import minimize


@dataclass(repr=False)
class Data:
    X: np.ndarray
    Z: np.ndarray  # X before the column scales: well conditioned, for drawing targets
    sw: np.ndarray | None
    fit_intercept: bool
    rng: np.random.Generator
    knobs: str  # how it was drawn, for the failure report

    def __repr__(self) -> str:
        return f"Data({self.knobs})"

    def _repr_pretty_(self, printer, cycle) -> None:  # hypothesis prints failing examples so
        printer.text(repr(self))

    @property
    def s(self) -> np.ndarray:
        """Sample weights normalized to sum to one."""
        n = self.X.shape[0]
        s = np.ones(n) if self.sw is None else self.sw
        return s / s.sum()

    def centred(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(X, y) weighted-centred when there is an intercept."""
        if not self.fit_intercept:
            return self.X, np.asarray(y, dtype=np.float64)
        return self.X - self.s @ self.X, y - self.s @ y

    def alpha_max(self, y: np.ndarray, residual=None) -> float:
        """max_j |x_j' S r| at the null model: the smallest L1 alpha with w = 0 (least squares,
        or a GLM when ``residual`` is y minus the null model's mean)."""
        Xc, yc = self.centred(y)
        r = yc if residual is None else residual
        return float(np.max(np.abs(Xc.T @ (self.s * r))))


@st.composite
def designs(draw, n_min: int = 5, n_max: int = 40, p_max: int = 12) -> Data:
    """X with n in [n_min, n_max], p in [1, p_max] and column scales 10^[-spread, spread]."""
    n = draw(st.integers(n_min, n_max))
    p = draw(st.integers(1, p_max))
    spread = draw(st.sampled_from([0.0, 1.0, 3.0]))
    weighted = draw(st.booleans())
    fit_intercept = draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = Z * 10.0 ** rng.uniform(-spread, spread, p) + rng.normal(0, 1, p) * fit_intercept
    sw = rng.uniform(0.5, 2.0, n) if weighted else None
    knobs = f"{n=}, {p=}, {spread=}, {weighted=}, {fit_intercept=}, {seed=}"
    return Data(X, Z, sw, fit_intercept, rng, knobs)


def regression_target(data: Data, y_scale: float) -> np.ndarray:
    """A sparse linear signal of the unscaled columns plus noise, times ``y_scale``."""
    n, p = data.Z.shape
    w = data.rng.choice([-1.0, 0.0, 1.0], p) * data.rng.uniform(0.5, 2.0, p)
    return y_scale * (data.Z @ w + 0.5 * data.rng.standard_normal(n) + 1.0)


def quiet(fn, *args, **kwargs):
    """fn(*args, **kwargs) with convergence warnings silenced (a reference's tight tol)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def refine(
    loss_grad, X, w, b, alpha: float, l1_ratio: float, fit_intercept: bool
) -> tuple[np.ndarray, float]:
    """A better point than (w, b), if there is one, for a smooth loss plus the elastic net.

    L-BFGS-B on w = (u - v) / c, u, v >= 0 (an exact smooth reformulation of the L1 norm), with
    c the column norms so that the badly scaled columns do not stall it.  ``loss_grad(eta)``
    returns the mean loss and its gradient in eta.
    """
    p = X.shape[1]
    c = np.sqrt(np.mean(X**2, axis=0))
    c = np.where(c > 0, c, 1.0)
    Xs = X / c

    def f(theta):
        u, v, b_ = theta[:p], theta[p : 2 * p], theta[2 * p] if fit_intercept else 0.0
        z = u - v
        value, g_eta = loss_grad(Xs @ z + b_)
        wz = z / c
        value += alpha * (l1_ratio * np.sum((u + v) / c) + 0.5 * (1 - l1_ratio) * wz @ wz)
        g_z = Xs.T @ g_eta + alpha * (1 - l1_ratio) * wz / c
        g_l1 = alpha * l1_ratio / c
        grad = np.concatenate([g_z + g_l1, -g_z + g_l1, [g_eta.sum()] if fit_intercept else []])
        return value, grad

    z0 = np.asarray(w, dtype=np.float64) * c
    theta0 = np.concatenate([np.maximum(z0, 0), np.maximum(-z0, 0), [b] if fit_intercept else []])
    bounds = [(0, None)] * (2 * p) + ([(None, None)] if fit_intercept else [])
    out = quiet(
        minimize,
        f,
        theta0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 5000, "ftol": 1e-16, "gtol": 1e-14},
    )
    theta = out.x if out.fun <= f(theta0)[0] else theta0
    z = theta[:p] - theta[p : 2 * p]
    return z / c, float(theta[2 * p]) if fit_intercept else 0.0


def rounding(*values: float) -> float:
    """Slack for rounding in objective differences: 1e-9 of the largest magnitude involved."""
    return 1e-9 * max(max(abs(v) for v in values), np.finfo(float).tiny)
