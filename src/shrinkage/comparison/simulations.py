"""The simulations behind two figures, returning data: the constraint geometry of L1 and L2 on
two features (``geometry_data`` -> ``GeometryData``) and the bias-variance trade-off along alpha
(``bias_variance_curve`` -> ``BiasVarianceCurve``).  ``shrinkage.plots`` draws what they return
and fits nothing itself.

**Constraint geometry**: least-squares contours, the L1 diamond and the L2 circle, in two
dimensions.

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

**Bias-variance** trade-off against alpha, by Monte Carlo on a design that mimics the user's X.

``bias_variance_curve`` simulates many training sets from a known truth, fits the penalty's path
on each (``shrinkage.path`` on one fixed alpha grid) and measures, on fixed test points x:

- bias^2(alpha)   = mean over x of (E_r[f_r(x)] - f(x))^2,
- variance(alpha) = mean over x of Var_r[f_r(x)],
- test MSE(alpha) = mean over x and r of (y_new(x) - f_r(x))^2, with fresh noise,

where f is the true mean, f_r the fit on training set r and E_r, Var_r are taken over the
repeats (so bias^2 + variance equals the mean squared estimation error exactly, and the test MSE
is about bias^2 + variance + the noise variance).  The simulated training sets:

- ``design="resample"`` (default): rows drawn with replacement from X (keeps each column's
  distribution, dummies stay 0/1);
- ``design="gaussian"``: rows from a Gaussian with X's mean and covariance;
- ``design="fixed"``: X itself every time, only the noise redrawn; the test points are X's rows
  (the fixed-design, in-sample decomposition of textbooks).

The truth: ``coef`` when given; otherwise, with y, the cross-validated lasso fit of y on X
(``shrinkage.cross_validate_path``, alpha_min: sparse, from the data) and the noise level from
its residuals (RSS / (n - nnz - 1)); with neither, a sparse truth on a fifth of the features
(+-1 per standard deviation of the feature) and noise for a signal-to-noise ratio of 2.  A truth
from the lasso favours sparse models; pass ``coef`` to study another.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import scipy.sparse as sp

from ..estimators.linear import Ridge
from ..exceptions import ShrinkageConvergenceWarning, user_stacklevel
from ..path import path
from ..selection.cv import cross_validate_path
from .figure_data import BiasVarianceCurve, GeometryData

PENALTIES = {"l1": 1.0, "l2": 0.0, "elasticnet": None}
DESIGNS = ("resample", "gaussian", "fixed")


def _column_names(X) -> list[str] | None:
    """A DataFrame's column names (None for arrays)."""
    return [str(c) for c in X.columns] if hasattr(X, "columns") else None


def synthetic_pair(
    n_samples: int = 200,
    *,
    coef=(2.0, 0.0),
    rho: float = 0.5,
    noise: float = 1.0,
    random_state=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Two standard Gaussian features with correlation rho and y = X coef + noise * N(0, 1).

    Parameters
    ----------
    n_samples : int, default=200
        The number of rows (at least 3).
    coef : sequence of two floats, default=(2.0, 0.0)
        The true coefficients of the two features.
    rho : float, default=0.5
        The correlation of the two features, in (-1, 1).
    noise : float, default=1.0
        The standard deviation of the Gaussian noise.
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the draws.

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, 2)
        The two features.
    y : numpy.ndarray of shape (n_samples,)
        The target.

    Examples
    --------
    >>> X, y = synthetic_pair(1000, rho=0.8, random_state=0)
    >>> X.shape, round(float(np.corrcoef(X.T)[0, 1]), 1)
    ((1000, 2), 0.8)
    """
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


def geometry_data(
    X=None,
    y=None,
    features=None,
    *,
    others: str = "zero",
    budget=None,
    grid_size: int = 121,
    feature_names=None,
    random_state=None,
) -> GeometryData:
    """The data of the constraint-geometry figure (see the module docstring).

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features), default=None
        The user's data, or None (with y None) for a simulated correlated pair with a sparse
        truth (``synthetic_pair(random_state=random_state)``).
    y : array-like of shape (n_samples,), default=None
        The user's target (None exactly when X is).
    features : tuple of (int or str), default=None
        Two column indices or names; None picks the two most important features: the largest
        |coefficient| of a ridge fit on standardized columns (``shrinkage.Ridge`` with a tiny
        alpha, nearly least squares, when n > p; alpha = n when p >= n).
    others : str, default="zero"
        "zero" (the other features held at 0) or "profile" (profiled out).
    budget : float, default=None
        t > 0, the size of the diamond and the circle; None: half the length of the
        least-squares solution, so both constraints bind.
    grid_size : int, default=121
        Points per axis of the loss grid (at least 5).
    feature_names : sequence of str, default=None
        Names of X's columns (taken from a DataFrame when not given).
    random_state : int, numpy Generator or None, default=None
        Seed of the simulated pair (used only when X is None).

    Returns
    -------
    GeometryData
        The grids, the loss, the two constrained solutions and the two paths.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.comparison import geometry_data
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 3))
    >>> y = X @ np.array([2.0, 0.3, 0.0]) + rng.standard_normal(50)
    >>> g = geometry_data(X, y, features=(0, 1), grid_size=21)
    >>> g.feature_names, g.w1.shape, g.loss.shape
    (('x0', 'x1'), (21,), (21, 21))
    >>> bool(g.l1_loss >= g.least_squares_loss), bool(g.l2_loss >= g.least_squares_loss)
    (True, True)
    """
    if others not in ("zero", "profile"):
        raise ValueError(f"others must be 'zero' or 'profile'; got {others!r}.")
    if isinstance(grid_size, bool) or not isinstance(grid_size, int) or grid_size < 5:
        raise ValueError(f"grid_size must be an integer >= 5; got {grid_size!r}.")
    names: list[str] | None
    if X is None:
        if y is not None:
            raise ValueError("y was given without X; pass both, or neither for a synthetic pair.")
        X, y = synthetic_pair(random_state=random_state)
        names, others_used = ["x0", "x1"], "synthetic"
        features = (0, 1)
    else:
        if y is None:
            raise ValueError("geometry_data needs y with X (or neither, for a synthetic pair).")
        names = feature_names if feature_names is not None else _column_names(X)
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
        raise ValueError(
            f"feature_names must have one name per column of X ({p}); got {len(names)}."
        )
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

    l1_trace = path(
        Z, yc, l1_ratio=1.0, n_alphas=100, alpha_min_ratio=1e-5, fit_intercept=False, tol=1e-10
    )
    top = float(np.linalg.eigvalsh(Z.T @ Z / n)[-1])
    l2_trace = path(
        Z, yc, l1_ratio=0.0, alphas=np.geomspace(1e3, 1e-5, 100) * top, fit_intercept=False
    )
    alpha_l1, w_l1 = _on_budget(Z, yc, t, 1.0, l1_trace, lambda w: np.abs(w).sum(), ls)
    alpha_l2, w_l2 = _on_budget(Z, yc, t, 0.0, l2_trace, np.linalg.norm, ls)

    extent = _extent(ls, t)
    w1 = np.linspace(*extent[0], grid_size)
    w2 = np.linspace(*extent[1], grid_size)
    G, q, yy = Z.T @ Z / n, Z.T @ yc / n, yc @ yc / n
    W1, W2 = np.meshgrid(w1, w2)
    loss = 0.5 * (
        yy - 2 * (q[0] * W1 + q[1] * W2) + G[0, 0] * W1**2 + 2 * G[0, 1] * W1 * W2 + G[1, 1] * W2**2
    )

    def at(w):
        return float(0.5 * (yy - 2 * q @ w + w @ G @ w))

    return GeometryData(
        (int(pair[0]), int(pair[1])),
        (names[pair[0]], names[pair[1]]),
        others_used,
        w1,
        w2,
        loss,
        ls,
        at(ls),
        t,
        w_l1,
        w_l2,
        alpha_l1,
        alpha_l2,
        at(w_l1),
        at(w_l2),
        l1_trace.coefs,
        l2_trace.coefs,
        l1_trace.alphas,
        l2_trace.alphas,
        n,
    )


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
                raise ValueError(
                    f"features: column index {f} is out of range for {len(names)} columns."
                )
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
    n = Xs.shape[0]
    usable = np.flatnonzero(sd > 0)
    if usable.size < 2:
        raise ValueError("X needs at least two non-constant columns.")
    alpha = n * (1e-3 if n > usable.size else 1.0)
    coef = Ridge(alpha=alpha).fit(Xs[:, usable], yc).coef_
    top = usable[np.argsort(-np.abs(coef), kind="stable")[:2]]
    return int(top[0]), int(top[1])


def _profile(Xs: np.ndarray, yc: np.ndarray, pair) -> tuple[np.ndarray, np.ndarray]:
    """Residualise the pair and y on the other columns (Frisch-Waugh)."""
    n, p = Xs.shape
    if n <= p + 1:
        raise ValueError(
            f"others='profile' needs more rows than columns + 1 (n={n}, p={p}); use others='zero'."
        )
    rest = np.delete(Xs, list(pair), axis=1)
    Z = Xs[:, list(pair)]
    beta = np.linalg.lstsq(rest, np.column_stack([Z, yc]), rcond=None)[0]
    resid = np.column_stack([Z, yc]) - rest @ beta
    return resid[:, :2], resid[:, 2]


def _on_budget(Z, y, t: float, l1_ratio: float, trace, norm, ls) -> tuple[float, np.ndarray]:
    """(alpha, w): the penalized solution whose norm equals t, by bisection on log(alpha)."""
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
        return path(
            Z, y, l1_ratio=l1_ratio, alphas=[a], fit_intercept=False, tol=1e-12, max_iter=10_000
        ).coefs[0]

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


def bias_variance_curve(
    X,
    y=None,
    *,
    penalty: str = "l1",
    alphas=None,
    n_alphas: int = 30,
    l1_ratio: float = 0.5,
    coef=None,
    noise: float | None = None,
    design: str = "resample",
    n_samples: int | None = None,
    n_test: int = 500,
    n_repeats: int = 50,
    standardize: bool = False,
    random_state=None,
) -> BiasVarianceCurve:
    """Monte Carlo bias^2, variance and test MSE of a penalty along alpha.

    Parameters
    ----------
    X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        The design to mimic (used densely).
    y : array-like of shape (n_samples,), default=None
        The user's target: with it (and no ``coef``) the truth is the CV lasso fit of y.
    penalty : str, default="l1"
        "l1", "l2" or "elasticnet" (with ``l1_ratio``).
    alphas : array-like, default=None
        The grid (decreasing); None: ``n_alphas`` values from the penalty's alpha_max (on a
        pilot draw; for "l2", 100 times the mean column variance, 1 with ``standardize``) down
        to 1e-3 of it (and, for the elastic net, low enough that its ridge part barely
        shrinks).
    n_alphas : int, default=30
        Size of the default grid.
    l1_ratio : float, default=0.5
        The Elastic-Net mix in (0, 1) (used only for ``penalty="elasticnet"``).
    coef : array-like of shape (n_features,), default=None
        The true coefficients; the intercept then fits y's mean if y is given, else is 0.
    noise : float, default=None
        The noise standard deviation (None: from the fit, see the module docstring).
    design : str, default="resample"
        "resample", "gaussian" or "fixed" (module docstring).
    n_samples : int, default=None
        Training rows per repeat (None: X's; must equal it for "fixed").
    n_test : int, default=500
        Test points (ignored for "fixed", whose test points are X's rows).
    n_repeats : int, default=50
        Simulated training sets (at least 2).
    standardize : bool, default=False
        Passed to every fit (``shrinkage.path``).
    random_state : int, numpy Generator or None, default=None
        Seed of the simulation.

    Returns
    -------
    BiasVarianceCurve
        bias^2, variance and test MSE per alpha, with the truth and the settings.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.comparison import bias_variance_curve
    >>> X = np.random.default_rng(0).standard_normal((40, 5))
    >>> curve = bias_variance_curve(X, coef=[1.0, -1.0, 0.0, 0.0, 0.0], noise=1.0,
    ...                             penalty="l2", n_alphas=5, n_test=50, n_repeats=10,
    ...                             random_state=0)
    >>> curve.penalty, curve.l1_ratio, curve.mse.shape
    ('l2', 0.0, (5,))
    >>> bool(np.all(curve.mse > curve.bias2 + curve.variance))  # the noise adds on top
    True
    """
    if penalty not in PENALTIES:
        raise ValueError(f"penalty must be one of {tuple(PENALTIES)}; got {penalty!r}.")
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}; got {design!r}.")
    ratio = PENALTIES[penalty]
    if ratio is None:
        if isinstance(l1_ratio, bool) or not 0 < float(l1_ratio) < 1:
            raise ValueError(f"l1_ratio must be in (0, 1) for the elastic net; got {l1_ratio!r}.")
        ratio = float(l1_ratio)
    for value, name in ((n_repeats, "n_repeats"), (n_test, "n_test"), (n_alphas, "n_alphas")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    if n_repeats < 2:
        raise ValueError(
            f"n_repeats must be at least 2 (the variance needs repeats); got {n_repeats}."
        )
    names = _column_names(X)
    Xa = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    if Xa.ndim != 2:
        raise ValueError(f"X must be 2-D; got shape {Xa.shape}.")
    if not np.all(np.isfinite(Xa)):
        raise ValueError("X must be finite (no NaN or infinity).")
    n = Xa.shape[0]
    n_samples = n if n_samples is None else n_samples
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 3:
        raise ValueError(f"n_samples must be an integer >= 3; got {n_samples!r}.")
    if design == "fixed" and n_samples != n:
        raise ValueError(f"design='fixed' reuses X, so n_samples must be {n}; got {n_samples}.")
    rng = np.random.default_rng(random_state)
    w_true, b_true, sigma = _truth(Xa, y, coef, rng)
    if noise is not None:
        if isinstance(noise, bool) or not np.isfinite(noise) or noise < 0:
            raise ValueError(f"noise must be a finite number >= 0; got {noise!r}.")
        sigma = float(noise)
    draw = _sampler(Xa, design, rng)
    X_test = Xa if design == "fixed" else draw(n_test)
    f_test = X_test @ w_true + b_true

    def training_set():
        Xt = Xa if design == "fixed" else draw(n_samples)
        return Xt, Xt @ w_true + b_true + sigma * rng.standard_normal(n_samples)

    if alphas is None:
        alphas = _default_grid(Xa, training_set(), ratio, n_alphas, standardize)
    else:
        alphas = np.sort(np.asarray(alphas, dtype=np.float64).ravel())[::-1]
        if alphas.size == 0 or not np.all(np.isfinite(alphas) & (alphas > 0)):
            raise ValueError("alphas must be a non-empty list of positive numbers.")
    preds = np.empty((n_repeats, alphas.size, X_test.shape[0]))
    sq_err = np.zeros(alphas.size)
    bad = 0
    for r in range(n_repeats):
        Xt, yt = training_set()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
            fit = path(Xt, yt, l1_ratio=ratio, alphas=alphas, standardize=standardize)
        bad += int(not np.all(fit.converged))
        preds[r] = fit.coefs @ X_test.T + fit.intercepts[:, None]
        y_new = f_test + sigma * rng.standard_normal(f_test.size)
        sq_err += np.mean((y_new[None, :] - preds[r]) ** 2, axis=1)
    mean_pred = preds.mean(axis=0)
    bias2 = np.mean((mean_pred - f_test[None, :]) ** 2, axis=1)
    variance = np.mean(preds.var(axis=0), axis=1)
    if bad:
        warnings.warn(
            f"{bad} of {n_repeats} simulated fits did not converge at some alpha; "
            "their solutions are used as they are.",
            ShrinkageConvergenceWarning,
            stacklevel=user_stacklevel(),
        )
    return BiasVarianceCurve(
        alphas,
        bias2,
        variance,
        sq_err / n_repeats,
        sigma**2,
        penalty,
        ratio,
        design,
        w_true,
        b_true,
        names,
        n_samples,
        X_test.shape[0],
        n_repeats,
        bad,
    )


def _truth(X: np.ndarray, y, coef, rng: np.random.Generator) -> tuple[np.ndarray, float, float]:
    """(coefficients, intercept, noise sd) of the simulation's truth (module docstring)."""
    n, p = X.shape
    ya = None
    if y is not None:
        ya = np.asarray(y, dtype=np.float64).ravel()
        if ya.shape[0] != n:
            raise ValueError(f"X has {n} rows but y has {ya.shape[0]} entries.")
        if not np.all(np.isfinite(ya)):
            raise ValueError("y must be finite (no NaN or infinity).")
    if coef is not None:
        w = np.asarray(coef, dtype=np.float64).ravel()
        if w.shape != (p,) or not np.all(np.isfinite(w)):
            raise ValueError(
                f"coef must hold {p} finite numbers (one per column of X); got shape {w.shape}."
            )
        if ya is None:
            signal = X @ w
            return w, 0.0, _snr_noise(signal)
        b = float(ya.mean() - X.mean(axis=0) @ w)
        resid = ya - X @ w - b
        return w, b, float(np.sqrt(resid @ resid / max(n - p - 1, 1)))
    if ya is None:
        sd = X.std(axis=0)
        k = max(1, round(0.2 * p))
        w = np.zeros(p)
        support = rng.choice(p, size=k, replace=False)
        w[support] = rng.choice([-1.0, 1.0], size=k) / np.where(sd[support] > 0, sd[support], 1.0)
        return w, 0.0, _snr_noise(X @ w)
    cv = cross_validate_path(
        X,
        ya,
        l1_ratio=1.0,
        n_alphas=50,
        cv=min(5, n),
        random_state=int(rng.integers(2**31)),
        progress=False,
    )
    w, intercept = cv.coefs_at("min")
    resid = ya - X @ w - intercept
    df = np.count_nonzero(w) + 1
    sigma2 = resid @ resid / (n - df) if n > df else float(cv.cv_mean[cv.index_min])
    return np.array(w, dtype=np.float64), float(intercept), float(np.sqrt(sigma2))


def _snr_noise(signal: np.ndarray) -> float:
    sd = float(signal.std())
    return sd / 2.0 if sd > 0 else 1.0


def _sampler(X: np.ndarray, design: str, rng: np.random.Generator):
    """A function m -> (m, p) rows of the simulated design."""
    if design == "gaussian":
        mean = X.mean(axis=0)
        cov = np.atleast_2d(np.cov(X, rowvar=False))
        vals, vecs = np.linalg.eigh(cov)
        root = vecs * np.sqrt(np.clip(vals, 0.0, None))
        return lambda m: mean + rng.standard_normal((m, X.shape[1])) @ root.T
    return lambda m: X[rng.integers(0, X.shape[0], size=m)]


def _default_grid(
    X: np.ndarray, pilot, ratio: float, n_alphas: int, standardize: bool
) -> np.ndarray:
    """alpha_max (pilot draw) down to where the penalty barely shrinks: 1e-3 alpha_max, and for
    a ridge part at most 1e-3 of the mean column variance (1 with ``standardize``)."""
    scale = 1.0 if standardize else float(np.mean(X.var(axis=0)))
    scale = scale if scale > 0 else 1.0
    if ratio == 0.0:
        return np.geomspace(100.0 * scale, 1e-3 * scale, n_alphas)
    Xp, yp = pilot
    top = path(Xp, yp, l1_ratio=ratio, n_alphas=1, standardize=standardize).alphas[0]
    low = 1e-3 * top if ratio == 1.0 else min(1e-3 * top, 1e-3 * scale / (1.0 - ratio))
    return np.geomspace(top, min(low, 0.5 * top), n_alphas)
