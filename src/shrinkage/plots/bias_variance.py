"""Bias-variance trade-off against alpha, by Monte Carlo on a design that mimics the user's X.

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

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ._common import as_panels, log_alpha_axis, names_of, new_axes

PENALTIES = {"l1": 1.0, "l2": 0.0, "elasticnet": None}
DESIGNS = ("resample", "gaussian", "fixed")
PENALTY_NAMES = {"l1": "L1 (lasso)", "l2": "L2 (ridge)", "elasticnet": "Elastic net"}


@dataclass(frozen=True)
class BiasVarianceCurve:
    """Monte Carlo bias^2, variance and test MSE per alpha (see the module docstring).

    alphas : (n_alphas,) decreasing grid (shrinkage's Elastic-Net scaling).
    bias2, variance, mse : (n_alphas,) the three curves; ``noise_var`` the noise variance.
    penalty, l1_ratio, design : as simulated.
    coef, intercept : the truth.  feature_names : X's names (or None).
    n_samples, n_test, n_repeats : training rows per repeat, test points, repeats.
    n_not_converged : path fits that stopped at max_iter (their solutions are used).
    """

    alphas: np.ndarray
    bias2: np.ndarray
    variance: np.ndarray
    mse: np.ndarray
    noise_var: float
    penalty: str
    l1_ratio: float
    design: str
    coef: np.ndarray
    intercept: float
    feature_names: list | None
    n_samples: int
    n_test: int
    n_repeats: int
    n_not_converged: int = 0

    @property
    def index_best(self) -> int:
        """Position of the smallest test MSE."""
        return int(np.argmin(self.mse))

    @property
    def alpha_best(self) -> float:
        return float(self.alphas[self.index_best])


def bias_variance_curve(X, y=None, *, penalty: str = "l1", alphas=None, n_alphas: int = 30,
                        l1_ratio: float = 0.5, coef=None, noise: float | None = None,
                        design: str = "resample", n_samples: int | None = None,
                        n_test: int = 500, n_repeats: int = 50, standardize: bool = False,
                        random_state=None) -> BiasVarianceCurve:
    """Monte Carlo bias^2, variance and test MSE of a penalty along alpha.

    Parameters
    ----------
    X : the design to mimic (array, DataFrame or sparse matrix, used densely).
    y : the user's target: with it (and no ``coef``) the truth is the CV lasso fit of y.
    penalty : "l1", "l2" or "elasticnet" (with ``l1_ratio``).
    alphas : the grid (decreasing); None: ``n_alphas`` values from the penalty's alpha_max
        (on a pilot draw; for "l2", 100 times the mean column variance, 1 with
        ``standardize``) down to 1e-3 of it (and, for the elastic net, low enough that its
        ridge part barely shrinks).
    coef : the true coefficients (one per column); the intercept then fits y's mean if y is
        given, else is 0.
    noise : the noise standard deviation (default: from the fit, see the module docstring).
    design : "resample", "gaussian" or "fixed" (module docstring).
    n_samples : training rows per repeat (default X's; must equal it for "fixed").
    n_test : test points (ignored for "fixed", whose test points are X's rows).
    n_repeats : simulated training sets.
    standardize : passed to every fit (``shrinkage.path``).
    random_state : seed or numpy Generator.

    Returns
    -------
    BiasVarianceCurve
    """
    import shrinkage
    from shrinkage.exceptions import ShrinkageConvergenceWarning

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
        raise ValueError(f"n_repeats must be at least 2 (the variance needs repeats); got "
                         f"{n_repeats}.")
    names = names_of(X)
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
    w_true, b_true, sigma = _truth(Xa, y, coef, rng, shrinkage)
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
        alphas = _default_grid(Xa, training_set(), ratio, n_alphas, standardize, shrinkage)
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
            fit = shrinkage.path(Xt, yt, l1_ratio=ratio, alphas=alphas, standardize=standardize)
        bad += int(not np.all(fit.converged))
        preds[r] = fit.coefs @ X_test.T + fit.intercepts[:, None]
        y_new = f_test + sigma * rng.standard_normal(f_test.size)
        sq_err += np.mean((y_new[None, :] - preds[r]) ** 2, axis=1)
    mean_pred = preds.mean(axis=0)
    bias2 = np.mean((mean_pred - f_test[None, :]) ** 2, axis=1)
    variance = np.mean(preds.var(axis=0), axis=1)
    if bad:
        warnings.warn(f"{bad} of {n_repeats} simulated fits did not converge at some alpha; "
                      "their solutions are used as they are.", ShrinkageConvergenceWarning,
                      stacklevel=2)
    return BiasVarianceCurve(alphas, bias2, variance, sq_err / n_repeats, sigma**2, penalty,
                             ratio, design, w_true, b_true, names, n_samples, X_test.shape[0],
                             n_repeats, bad)


def _truth(X: np.ndarray, y, coef, rng: np.random.Generator, shrinkage
           ) -> tuple[np.ndarray, float, float]:
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
            raise ValueError(f"coef must hold {p} finite numbers (one per column of X); got "
                             f"shape {w.shape}.")
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
    cv = shrinkage.cross_validate_path(X, ya, l1_ratio=1.0, n_alphas=50, cv=min(5, n),
                                       random_state=int(rng.integers(2**31)), progress=False)
    w, b = cv.coefs_at("min")
    resid = ya - X @ w - b
    df = np.count_nonzero(w) + 1
    sigma2 = resid @ resid / (n - df) if n > df else float(cv.cv_mean[cv.index_min])
    return np.array(w, dtype=np.float64), float(b), float(np.sqrt(sigma2))


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


def _default_grid(X: np.ndarray, pilot, ratio: float, n_alphas: int, standardize: bool,
                  shrinkage) -> np.ndarray:
    """alpha_max (pilot draw) down to where the penalty barely shrinks: 1e-3 alpha_max, and for
    a ridge part at most 1e-3 of the mean column variance (1 with ``standardize``)."""
    scale = 1.0 if standardize else float(np.mean(X.var(axis=0)))
    scale = scale if scale > 0 else 1.0
    if ratio == 0.0:
        return np.geomspace(100.0 * scale, 1e-3 * scale, n_alphas)
    Xp, yp = pilot
    top = shrinkage.path(Xp, yp, l1_ratio=ratio, n_alphas=1, standardize=standardize).alphas[0]
    low = 1e-3 * top if ratio == 1.0 else min(1e-3 * top, 1e-3 * scale / (1.0 - ratio))
    return np.geomspace(top, min(low, 0.5 * top), n_alphas)


def plot_bias_variance(curves, *, ax=None, axes=None, sharey: bool = True,
                       title: str | None = None):
    """Bias^2, variance, their sum and the test MSE against alpha (decreasing to the right).

    Parameters
    ----------
    curves : a ``BiasVarianceCurve``, a list of them or a mapping label -> curve (one panel
        each, e.g. ``{"L1": c1, "L2": c2}``).
    ax : one Axes, for a single curve.  axes : one Axes per curve.
    sharey : share the y axis between panels (new figures only).
    title : a title over the whole figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    panels = as_panels(curves, "curves", lambda c: _label(c))
    for label, c in panels.items():
        if not isinstance(c, BiasVarianceCurve):
            raise TypeError(f"curves[{label!r}] must come from bias_variance_curve(); got "
                            f"{type(c).__name__}.")
    fig, panel_axes = new_axes(len(panels), ax=ax, axes=axes, sharey=sharey,
                               panel_size=(4.8, 4.9))
    for (label, c), a in zip(panels.items(), panel_axes, strict=True):
        a.plot(c.alphas, c.bias2, color="tab:blue", lw=2.0, label="bias$^2$")
        a.plot(c.alphas, c.variance, color="tab:orange", lw=2.0, label="variance")
        a.plot(c.alphas, c.bias2 + c.variance, color="tab:purple", lw=1.2, ls="--",
               label="bias$^2$ + variance")
        a.plot(c.alphas, c.mse, color="black", lw=2.0, label="test MSE")
        a.axhline(c.noise_var, color="0.5", lw=1.0, ls=":",
                  label=f"noise variance ({c.noise_var:.3g})")
        a.axvline(c.alpha_best, color="black", lw=0.8, ls="-.",
                  label=f"smallest test MSE at $\\alpha$ = {c.alpha_best:.3g}")
        log_alpha_axis(a)
        a.set_ylabel("squared error")
        a.set_title(f"{label}\n{c.n_repeats} simulated training sets of {c.n_samples} "
                    f"({c.design} design)", fontsize="medium")
        a.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize="small",
                 frameon=False)
        a.set_ylim(bottom=0)
    if title:
        fig.suptitle(title)
    return fig


def _label(c) -> str:
    name = PENALTY_NAMES.get(getattr(c, "penalty", None), "curve")
    if getattr(c, "penalty", None) == "elasticnet":
        name += f" (l1_ratio={c.l1_ratio:g})"
    return name
