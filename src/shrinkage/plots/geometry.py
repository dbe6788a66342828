"""Constraint geometry: least-squares contours, the L1 diamond and the L2 circle, in two dimensions.

The penalized problems have constrained twins: the lasso minimises the loss subject to
|w_1| + |w_2| <= t (a diamond), ridge subject to w_1^2 + w_2^2 <= t^2 (a circle).  The solution is
where the smallest reachable loss contour touches the region; a diamond is touched first at a
corner, where one coefficient is exactly zero, a circle almost never on an axis.

``geometry_data`` computes what the figure shows on two features of the user's data (or on a
simulated pair) and ``plot_geometry`` draws it.  Both features are standardized (mean 0, standard
deviation 1) and y is centred, so the coefficients are in standard-deviation units and the two
budgets are comparable.  The other features are, by choice:

- ``others="zero"`` (default): held at zero, i.e. the two-feature regression of y on the pair;
- ``others="profile"``: profiled out, i.e. left unpenalized and re-optimised for every value of
  the pair (y and the pair are residualised on them, Frisch-Waugh), so the contours are the full
  least-squares loss minimised over the other coefficients.  Needs n > p + 1.

The constrained solutions are found with the library (``shrinkage.path`` at single alphas, by
bisection on alpha until the solution's norm equals the budget), and the traces are the lasso
(l1_ratio=1) and ridge (l1_ratio=0) paths of the pair, from w = 0 (large alpha) to least squares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ._common import names_of, new_axes

L1_COLOR = "tab:blue"
L2_COLOR = "tab:orange"


@dataclass(frozen=True)
class GeometryData:
    """Everything ``plot_geometry`` draws, in standardized coefficient units.

    Attributes
    ----------
    features : the two column indices of X (``(0, 1)`` for the synthetic pair).
    feature_names : their names.
    others : "zero", "profile" or "synthetic" (how the other features were handled).
    w1, w2 : (grid_size,) grids of the two coefficients.
    loss : (grid_size, grid_size) least-squares loss 1/(2n) ||y - Z w||^2 with
        ``loss[i, j]`` at ``(w1[j], w2[i])`` (matplotlib's ``contour(w1, w2, loss)`` order).
    least_squares : (2,) the unconstrained minimiser; ``least_squares_loss`` its loss.
    budget : t, the half-diagonal of the diamond |w1| + |w2| <= t and the circle's radius.
    l1_solution, l2_solution : (2,) minimisers of the loss on the diamond and on the circle.
    alpha_l1, alpha_l2 : the penalized alphas (shrinkage's Elastic-Net scaling, l1_ratio 1 and
        0) whose solutions these are (0 when the budget does not bind).
    l1_loss, l2_loss : the loss at each solution (the contours that touch the regions).
    l1_trace, l2_trace : (n_alphas, 2) the lasso and ridge paths of the pair;
        ``l1_trace_alphas``, ``l2_trace_alphas`` their alphas (decreasing).
    n_samples : rows used.
    """

    features: tuple[int, int]
    feature_names: tuple[str, str]
    others: str
    w1: np.ndarray
    w2: np.ndarray
    loss: np.ndarray
    least_squares: np.ndarray
    least_squares_loss: float
    budget: float
    l1_solution: np.ndarray
    l2_solution: np.ndarray
    alpha_l1: float
    alpha_l2: float
    l1_loss: float
    l2_loss: float
    l1_trace: np.ndarray
    l2_trace: np.ndarray
    l1_trace_alphas: np.ndarray
    l2_trace_alphas: np.ndarray
    n_samples: int

    @property
    def diamond(self) -> np.ndarray:
        """(5, 2) the diamond's corners, closed: (t, 0), (0, t), (-t, 0), (0, -t), (t, 0)."""
        t = self.budget
        return np.array([[t, 0.0], [0.0, t], [-t, 0.0], [0.0, -t], [t, 0.0]])


def synthetic_pair(n_samples: int = 200, *, coef=(2.0, 0.0), rho: float = 0.5,
                   noise: float = 1.0, random_state=None) -> tuple[np.ndarray, np.ndarray]:
    """Two standard Gaussian features with correlation rho and y = X coef + noise * N(0, 1)."""
    if not -1 < rho < 1:
        raise ValueError(f"rho must be in (-1, 1); got {rho!r}.")
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 3:
        raise ValueError(f"n_samples must be an integer >= 3; got {n_samples!r}.")
    coef = np.asarray(coef, dtype=np.float64)
    if coef.shape != (2,):
        raise ValueError(f"coef must hold two numbers; got shape {coef.shape}.")
    rng = np.random.default_rng(random_state)
    z = rng.standard_normal((n_samples, 2))
    X = np.column_stack([z[:, 0], rho * z[:, 0] + math.sqrt(1 - rho**2) * z[:, 1]])
    y = X @ coef + noise * rng.standard_normal(n_samples)
    return X, y


def geometry_data(X=None, y=None, features=None, *, others: str = "zero", budget=None,
                  grid_size: int = 121, feature_names=None, random_state=None) -> GeometryData:
    """The data of the constraint-geometry figure (see the module docstring).

    Parameters
    ----------
    X, y : the user's data (array or DataFrame), or both None for a simulated correlated pair
        with a sparse truth (``synthetic_pair(random_state=random_state)``).
    features : two column indices or names; None picks the two most important features: the
        largest |coefficient| of a ridge fit on standardized columns (``shrinkage.Ridge`` with a
        tiny alpha, nearly least squares, when n > p; alpha = n when p >= n).
    others : "zero" (the other features held at 0) or "profile" (profiled out).
    budget : t > 0, the size of the diamond and the circle; default half the length of the
        least-squares solution, so both constraints bind.
    grid_size : points per axis of the loss grid.
    feature_names : names of X's columns (taken from a DataFrame when not given).

    Returns
    -------
    GeometryData
    """
    import shrinkage

    if others not in ("zero", "profile"):
        raise ValueError(f"others must be 'zero' or 'profile'; got {others!r}.")
    if isinstance(grid_size, bool) or not isinstance(grid_size, int) or grid_size < 5:
        raise ValueError(f"grid_size must be an integer >= 5; got {grid_size!r}.")
    if X is None:
        if y is not None:
            raise ValueError("y was given without X; pass both, or neither for a synthetic pair.")
        X, y = synthetic_pair(random_state=random_state)
        names, others_used = ["x0", "x1"], "synthetic"
        features = (0, 1)
    else:
        if y is None:
            raise ValueError("geometry_data needs y with X (or neither, for a synthetic pair).")
        names = feature_names if feature_names is not None else names_of(X)
        others_used = others
    Xa = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64).ravel()
    if Xa.ndim != 2 or Xa.shape[1] < 2:
        raise ValueError(f"X must be 2-D with at least two columns; got shape {Xa.shape}.")
    n, p = Xa.shape
    if ya.shape[0] != n:
        raise ValueError(f"X has {n} rows but y has {ya.shape[0]} entries.")
    if not (np.all(np.isfinite(Xa)) and np.all(np.isfinite(ya))):
        raise ValueError("X and y must be finite (no NaN or infinity).")
    names = [f"x{j}" for j in range(p)] if names is None else [str(s) for s in names]
    if len(names) != p:
        raise ValueError(f"feature_names must have one name per column of X ({p}); got "
                         f"{len(names)}.")
    sd = Xa.std(axis=0)
    Xs = (Xa - Xa.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    yc = ya - ya.mean()
    pair = _pick(features, names, sd) if features is not None else _most_important(Xs, yc, sd)
    Z = Xs[:, list(pair)]
    if others_used == "profile":
        Z, yc = _profile(Xs, yc, pair)

    ls = np.linalg.lstsq(Z, yc, rcond=None)[0]
    if not np.any(ls):
        raise ValueError("the least-squares solution of the pair is zero; pick other features.")
    t = 0.5 * float(np.linalg.norm(ls)) if budget is None else float(budget)
    if not (np.isfinite(t) and t > 0):
        raise ValueError(f"budget must be a positive number; got {budget!r}.")

    l1_trace = shrinkage.path(Z, yc, l1_ratio=1.0, n_alphas=100, alpha_min_ratio=1e-5,
                              fit_intercept=False, tol=1e-10)
    top = float(np.linalg.eigvalsh(Z.T @ Z / n)[-1])
    l2_trace = shrinkage.path(Z, yc, l1_ratio=0.0, alphas=np.geomspace(1e3, 1e-5, 100) * top,
                              fit_intercept=False)
    alpha_l1, w_l1 = _on_budget(Z, yc, t, 1.0, l1_trace, lambda w: np.abs(w).sum(), ls)
    alpha_l2, w_l2 = _on_budget(Z, yc, t, 0.0, l2_trace, np.linalg.norm, ls)

    extent = _extent(ls, t)
    w1 = np.linspace(*extent[0], grid_size)
    w2 = np.linspace(*extent[1], grid_size)
    G, q, yy = Z.T @ Z / n, Z.T @ yc / n, yc @ yc / n
    W1, W2 = np.meshgrid(w1, w2)
    loss = 0.5 * (yy - 2 * (q[0] * W1 + q[1] * W2)
                  + G[0, 0] * W1**2 + 2 * G[0, 1] * W1 * W2 + G[1, 1] * W2**2)

    def at(w):
        return float(0.5 * (yy - 2 * q @ w + w @ G @ w))

    return GeometryData((int(pair[0]), int(pair[1])), (names[pair[0]], names[pair[1]]),
                        others_used, w1, w2, loss, ls, at(ls), t, w_l1, w_l2, alpha_l1,
                        alpha_l2, at(w_l1), at(w_l2), l1_trace.coefs, l2_trace.coefs,
                        l1_trace.alphas, l2_trace.alphas, n)


def _pick(features, names: list[str], sd: np.ndarray) -> tuple[int, int]:
    items = list(features)
    if len(items) != 2:
        raise ValueError(f"features must name two columns; got {features!r}.")
    out = []
    for f in items:
        if isinstance(f, str):
            if f not in names:
                raise ValueError(f"features: no column named {f!r}.")
            out.append(names.index(f))
        elif isinstance(f, (int, np.integer)) and not isinstance(f, bool):
            if not -len(names) <= f < len(names):
                raise ValueError(f"features: column index {f} is out of range for "
                                 f"{len(names)} columns.")
            out.append(int(f) % len(names))
        else:
            raise ValueError(f"features must be column indices or names; got {f!r}.")
    if out[0] == out[1]:
        raise ValueError(f"features must be two different columns; got {features!r}.")
    constant = [names[j] for j in out if sd[j] == 0]
    if constant:
        raise ValueError(f"features: column {constant[0]!r} is constant.")
    return out[0], out[1]


def _most_important(Xs: np.ndarray, yc: np.ndarray, sd: np.ndarray) -> tuple[int, int]:
    """The two largest |standardized ridge coefficients| (nearly OLS when n > p)."""
    import shrinkage

    n = Xs.shape[0]
    usable = np.flatnonzero(sd > 0)
    if usable.size < 2:
        raise ValueError("X needs at least two non-constant columns.")
    alpha = n * (1e-3 if n > usable.size else 1.0)
    coef = shrinkage.Ridge(alpha=alpha).fit(Xs[:, usable], yc).coef_
    top = usable[np.argsort(-np.abs(coef), kind="stable")[:2]]
    return int(top[0]), int(top[1])


def _profile(Xs: np.ndarray, yc: np.ndarray, pair) -> tuple[np.ndarray, np.ndarray]:
    """Residualise the pair and y on the other columns (Frisch-Waugh)."""
    n, p = Xs.shape
    if n <= p + 1:
        raise ValueError(f"others='profile' needs more rows than columns + 1 (n={n}, p={p}); use "
                         "others='zero'.")
    rest = np.delete(Xs, list(pair), axis=1)
    Z = Xs[:, list(pair)]
    beta = np.linalg.lstsq(rest, np.column_stack([Z, yc]), rcond=None)[0]
    resid = np.column_stack([Z, yc]) - rest @ beta
    return resid[:, :2], resid[:, 2]


def _on_budget(Z, y, t: float, l1_ratio: float, trace, norm, ls) -> tuple[float, np.ndarray]:
    """(alpha, w): the penalized solution whose norm equals t, by bisection on log(alpha)."""
    import shrinkage

    if norm(ls) <= t:  # the constraint does not bind
        return 0.0, ls.copy()
    norms = np.array([norm(w) for w in trace.coefs])
    alphas = trace.alphas
    above = np.flatnonzero(norms >= t)  # the path grows from 0 as alpha decreases
    below = np.flatnonzero(norms < t)
    lo = alphas[above[0]] if above.size else alphas[-1] * 1e-3
    hi = alphas[below[-1]] if below.size else alphas[0] * 1e3
    w = None

    def solve(a):
        return shrinkage.path(Z, y, l1_ratio=l1_ratio, alphas=[a], fit_intercept=False,
                              tol=1e-12, max_iter=10_000).coefs[0]

    for _ in range(200):
        mid = math.sqrt(lo * hi)
        w = solve(mid)
        if norm(w) > t:
            lo = mid
        else:
            hi = mid
        if hi / lo - 1 < 1e-13:
            break
    alpha = math.sqrt(lo * hi)
    return alpha, solve(alpha)


def _extent(ls: np.ndarray, t: float) -> list[tuple[float, float]]:
    """Axis ranges holding the origin, the budget region and the least-squares point."""
    out = []
    for c in ls:
        lo, hi = min(-t, c), max(t, c)
        pad = 0.25 * max(hi - lo, 1e-12)
        out.append((lo - pad, hi + pad))
    return out


def plot_geometry(data: GeometryData, *, ax=None, n_levels: int = 10):
    """Loss contours, the L1 diamond and L2 circle, the constrained solutions and their traces.

    Parameters
    ----------
    data : from ``geometry_data``.
    ax : the Axes to draw into (a new figure otherwise).
    n_levels : number of background contour lines.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(data, GeometryData):
        raise TypeError(f"data must come from geometry_data(); got {type(data).__name__}.")
    fig, (ax,) = new_axes(1, ax=ax, panel_size=(8.4, 5.0))
    excess = data.loss - data.least_squares_loss
    top = float(np.quantile(excess, 0.6))
    levels = data.least_squares_loss + top * np.linspace(0.0, 1.0, n_levels + 1)[1:] ** 2
    ax.contour(data.w1, data.w2, data.loss, levels=levels, colors="0.65", linewidths=0.7,
               zorder=1)
    t = data.budget
    d = data.diamond
    ax.fill(d[:, 0], d[:, 1], color=L1_COLOR, alpha=0.18, zorder=2)
    ax.plot(d[:, 0], d[:, 1], color=L1_COLOR, lw=1.4, zorder=2,
            label=f"L1 region $|w_1|+|w_2| \\leq {t:.3g}$")
    theta = np.linspace(0, 2 * np.pi, 361)
    ax.fill(t * np.cos(theta), t * np.sin(theta), color=L2_COLOR, alpha=0.14, zorder=2)
    ax.plot(t * np.cos(theta), t * np.sin(theta), color=L2_COLOR, lw=1.4, zorder=2,
            label=f"L2 region $w_1^2+w_2^2 \\leq {t:.3g}^2$")
    for level, color, region in ((data.l1_loss, L1_COLOR, "diamond"),
                                 (data.l2_loss, L2_COLOR, "circle")):
        if level > data.least_squares_loss:
            ax.contour(data.w1, data.w2, data.loss, levels=[level], colors=[color],
                       linewidths=1.0, linestyles="--", zorder=3)
            ax.plot([], [], color=color, lw=1.0, ls="--",
                    label=f"loss contour touching the {region}")
    ax.plot(data.l1_trace[:, 0], data.l1_trace[:, 1], color=L1_COLOR, lw=1.0, ls=":",
            zorder=3, label="lasso path as $\\alpha$ decreases")
    ax.plot(data.l2_trace[:, 0], data.l2_trace[:, 1], color=L2_COLOR, lw=1.0, ls=":",
            zorder=3, label="ridge path as $\\alpha$ decreases")
    ax.plot(*data.least_squares, marker="X", color="black", ms=9, ls="none", zorder=5,
            label="least squares ({:.2f}, {:.2f})".format(*data.least_squares))
    ax.plot(*data.l1_solution, marker="o", color=L1_COLOR, mec="black", ms=9, ls="none",
            zorder=6, label="L1 solution ({:.2f}, {:.2f})".format(*data.l1_solution))
    ax.plot(*data.l2_solution, marker="s", color=L2_COLOR, mec="black", ms=8, ls="none",
            zorder=6, label="L2 solution ({:.2f}, {:.2f})".format(*data.l2_solution))
    ax.axhline(0, color="black", lw=0.6, zorder=1)
    ax.axvline(0, color="black", lw=0.6, zorder=1)
    ax.set_xlim(data.w1[0], data.w1[-1])
    ax.set_ylim(data.w2[0], data.w2[-1])
    ax.set_aspect("equal", adjustable="box")
    n1, n2 = data.feature_names
    ax.set_xlabel(f"coefficient of {n1} (per standard deviation)")
    ax.set_ylabel(f"coefficient of {n2} (per standard deviation)")
    note = {"zero": "other features held at 0", "profile": "other features profiled out",
            "synthetic": "simulated correlated pair"}[data.others]
    ax.set_title(f"L1 diamond vs L2 circle, budget t = {t:.3g}\n({note})", fontsize="medium")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small", frameon=False)
    return fig
