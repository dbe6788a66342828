"""The least-squares one-step estimator and the bootstrap of its studentized pivots.

``OneStep`` holds what depends on X alone (Theta, G = Xs'Xs/n, Theta G) and maps a lasso
fit's coefficients, its score Xs'(y - Xs w)/n and a noise level to the debiased estimates and
their standard errors, with the strong step when asked.

``bootstrap_pivots`` is the residual (or wild) bootstrap of Dezeure, Buhlmann and Zhang
(2017, "High-dimensional simultaneous inference with the bootstrap", TEST), as R's
``hdi::boot.lasso.proj(boot.shortcut=TRUE)``: with the lasso w at alpha, its centred residuals
e rescaled to sd sigma, draw y* = Xs beta~ + e* (e* resampled from e with replacement, or e_i
times a random sign), refit the lasso at the same alpha (warm started, on the Gram matrix),
estimate sigma* the same way, recompute the one-step estimator b* and its se*, and keep the
pivots T*_j = (b*_j - beta~_j) / se*_j.  The bootstrap truth beta~ is thresholded
(``bootstrap_truth``, Chatterjee and Lahiri 2011): the debiased estimates that pass the 5%
Bonferroni level, 0 elsewhere; hdi centres at the lasso w instead, whose false positives then
count as true signals (0.929 active coverage at n = 200, p = 500 in docs/inference.md, against
0.941 centred at beta~).  T* carries the finite-sample bias of the one-step estimator (the
lasso's shrinkage of the large coefficients and its false positives, passed on through
Theta Sigma_hat != I) and the true spread of the pivots: the intervals
[b_j - q_{1-a/2} se_j, b_j - q_{a/2} se_j] from T*'s quantiles correct both where the normal
interval b_j +- z se_j cannot.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import norm

from .._problem import Problem
from ..datafits.quadratic import SufficientStatistics
from ..exceptions import ShrinkageConvergenceWarning
from ..path import solve_path
from ._sigma import LassoFit

#: the bootstrap schemes: resampled residuals, or residuals times random signs (Rademacher)
BOOTSTRAPS = ("residual", "wild")


@dataclass
class OneStep:
    """b = w + Theta' score and se_j = sigma sqrt((Theta' G Theta')_jj / n) for one design.

    Theta' is Theta, or with ``strong_step`` Theta - M_{:,K} Theta_K (M = Theta G - I, K the
    coefficients whose first-step |b_j| / se_j passes the 5% Bonferroni level), computed
    through Theta G alone: M_{:,K} = (Theta G)_{:,K} - I_{:,K}, and the variance
    diag(A) - 2 (M_{:,K} A_{K,:})_jj + (M_{:,K} A_{KK} M_{:,K}')_jj with A = Theta G Theta'.

    Parameters
    ----------
    theta : numpy.ndarray of shape (p, p)
        The nodewise lasso's relaxed inverse of G.
    G : numpy.ndarray of shape (p, p)
        Xs'Xs / n of the standardized, centred design.
    n : int
        The number of rows.

    Examples
    --------
    >>> G = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> step = OneStep(np.linalg.inv(G), G, 100)
    >>> b, se, k = step.estimate(np.zeros(2), np.array([0.5, 0.25]), 1.0, strong_step=False)
    >>> np.round(b, 3), np.round(se**2 * 100, 3)  # the OLS solution and diag(G^-1)
    (array([0.5, 0. ]), array([1.333, 1.333]))
    """

    theta: np.ndarray
    G: np.ndarray
    n: int
    theta_gram: np.ndarray = field(init=False, repr=False)
    variance: np.ndarray = field(init=False, repr=False)
    _cache: dict[bytes, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        self.theta_gram = self.theta @ self.G  # BLAS, once per design
        self.variance = np.einsum("jk,jk->j", self.theta_gram, self.theta)

    def estimate(
        self, w: np.ndarray, score: np.ndarray, sigma: float, *, strong_step: bool
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """(b, se, |K|) for the lasso coefficients ``w`` and ``score`` = Xs'(y - Xs w)/n
        (|K| = 0 without the strong step)."""
        u = self.theta @ score
        b = w + u
        variance = self.variance
        k = 0
        if strong_step:
            strong = strong_set(b, sigma * np.sqrt(variance / self.n))
            k = strong.size
            if k:
                M_K, correction = self._strong(strong)
                b = b - M_K @ u[strong]
                variance = variance + correction
        return b, sigma * np.sqrt(variance / self.n), k

    def _strong(self, strong: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """M_{:,K} and the change of the variance's diagonal, cached by K (the bootstrap
        replicates mostly share it)."""
        key = strong.tobytes()
        if key not in self._cache:
            M_K = self.theta_gram[:, strong].copy()
            M_K[strong, np.arange(strong.size)] -= 1.0
            A_K = self.theta_gram[strong] @ self.theta.T  # rows K of Theta G Theta'
            cross = np.einsum("jk,kj->j", M_K, A_K)
            quad = np.einsum("jk,jk->j", M_K @ A_K[:, strong], M_K)
            self._cache[key] = (M_K, quad - 2.0 * cross)
        return self._cache[key]


def strong_set(b: np.ndarray, se: np.ndarray) -> np.ndarray:
    """The coefficients whose |b_j| / se_j passes the two-sided 5% Bonferroni level."""
    return np.flatnonzero(np.abs(b) / se > norm.isf(0.025 / len(b)))


def bootstrap_truth(b: np.ndarray, se: np.ndarray) -> np.ndarray:
    """The bootstrap world's coefficients: b_j on ``strong_set(b, se)``, 0 elsewhere.

    A hard-thresholded estimate, as Chatterjee and Lahiri (2011, "Bootstrapping lasso
    estimators", JASA) need for a consistent residual bootstrap of the lasso: centred at the
    lasso itself, the bootstrap world keeps the lasso's false positives as true signals, so it
    cannot reproduce the bias they cause next to an active feature (the lasso selects them
    because their noise correlation is large).  Centred here, its false positives arise as the
    real ones do, and the strong coefficients sit at their debiased values, not shrunk.

    Examples
    --------
    >>> bootstrap_truth(np.array([5.0, 0.1, -4.0]), np.array([1.0, 1.0, 1.0]))
    array([ 5.,  0., -4.])
    """
    truth = np.zeros_like(b)
    strong = strong_set(b, se)
    truth[strong] = b[strong]
    return truth


def bootstrap_pivots(
    step: OneStep,
    Xs: np.ndarray,
    fit: LassoFit,
    residuals: np.ndarray,
    sigma: float,
    sigma_known: bool,
    *,
    kind: str,
    n_boot: int,
    strong_step: bool,
    rng: np.random.Generator,
    truth: np.ndarray,
    tol: float = 1e-6,
    max_iter: int = 10000,
) -> np.ndarray:
    """(p, n_boot) studentized pivots (b*_j - truth_j) / se*_j of the one-step estimator.

    Parameters
    ----------
    step : OneStep
        The design's one-step estimator.
    Xs : numpy.ndarray of shape (n, p)
        The standardized, centred design.
    fit : LassoFit
        The initial lasso on the centred y: its alpha (the replicates' penalty) and its
        coefficients (their warm start).
    residuals : numpy.ndarray of shape (n,)
        That fit's residuals on the original y.
    sigma : float
        The noise sd of the original fit; the centred residuals are rescaled to it.
    sigma_known : bool
        True: sigma* = sigma in every replicate (a given sigma); False: sigma* =
        sqrt(RSS* / (n - |S*| - 1)) from each replicate's lasso, as ``sigma="cv"``.
    kind : {"residual", "wild"}
        Resample the residuals with replacement, or multiply each by a random sign.
    n_boot : int
        The number of replicates.
    strong_step : bool
        Whether the one-step estimator takes the strong step (in each replicate, with its
        own strong set).
    rng : numpy.random.Generator
        The source of the resampling.
    truth : numpy.ndarray of shape (p,)
        The bootstrap world's coefficients (``bootstrap_truth``): y* = Xs truth + e*.
    tol : float, default=1e-6
        The replicates' lasso tolerance (duality gap).
    max_iter : int, default=10000
        The replicates' lasso iteration cap.

    Returns
    -------
    numpy.ndarray of shape (p, n_boot)
        One column of pivots per replicate.

    Examples
    --------
    >>> from shrinkage.inference._sigma import lasso_at
    >>> rng = np.random.default_rng(0)
    >>> Xs = rng.standard_normal((60, 3))
    >>> Xs = (Xs - Xs.mean(0)) / Xs.std(0)
    >>> y = Xs[:, 0] + rng.standard_normal(60)
    >>> y = y - y.mean()
    >>> G = Xs.T @ Xs / 60
    >>> fit = lasso_at(Xs, y, 0.01)
    >>> T = bootstrap_pivots(OneStep(np.linalg.inv(G), G, 60), Xs, fit, fit.residuals(Xs, y),
    ...                      1.0, True, kind="residual", n_boot=200, strong_step=False, rng=rng,
    ...                      truth=fit.w)
    >>> T.shape, bool(abs(T.mean()) < 0.3), bool(0.8 < T.std() < 1.2)
    ((3, 200), True, True)
    """
    n, p = Xs.shape
    centred = residuals - residuals.mean()
    rms = math.sqrt(float(centred @ centred) / n)
    errors = centred * (sigma / rms) if rms > 0 else centred
    signal = Xs @ truth
    weights, lower, upper = np.full(n, 1.0 / n), np.full(p, -np.inf), np.full(p, np.inf)
    alphas = np.array([fit.alpha])
    pivots = np.empty((p, n_boot))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
        for r in range(n_boot):
            if kind == "residual":
                noise = rng.choice(errors, n)
            else:
                noise = errors * rng.choice((-1.0, 1.0), n)
            y_star = signal + noise - noise.mean()
            stats = SufficientStatistics(
                step.G, Xs.T @ y_star / n, float(y_star @ y_star) / n, np.zeros(p), 0.0
            )
            problem = Problem(Xs, y_star, weights, np.ones(p), lower, upper, True, False)
            path = solve_path(
                problem.with_statistics(stats),
                alphas,
                1.0,
                tol=tol,
                max_iter=max_iter,
                w0=fit.w,
                solver="gram",
                model="the bootstrap lasso",
            )
            w_star = path.coefs[0]
            resid = y_star - Xs @ w_star
            sigma_star = sigma if sigma_known else _sigma_star(resid, w_star, sigma)
            b, se, _ = step.estimate(w_star, Xs.T @ resid / n, sigma_star, strong_step=strong_step)
            pivots[:, r] = (b - truth) / se
    return pivots


def _sigma_star(resid: np.ndarray, w: np.ndarray, fallback: float) -> float:
    """sqrt(RSS / (n - |S| - 1)), or ``fallback`` when a replicate exhausts the degrees of
    freedom or fits exactly (rare: the replicate keeps the original sigma)."""
    dof = resid.size - int(np.count_nonzero(w)) - 1
    rss = float(resid @ resid)
    return math.sqrt(rss / dof) if dof > 0 and rss > 0 else fallback


def bootstrap_intervals(
    coef: np.ndarray, se: np.ndarray, pivots: np.ndarray, level: float
) -> np.ndarray:
    """(k, 2) [b - q_{(1+level)/2} se, b - q_{(1-level)/2} se] from each row's pivots."""
    lower_q, upper_q = np.quantile(pivots, [(1.0 - level) / 2.0, (1.0 + level) / 2.0], axis=1)
    return np.column_stack([coef - upper_q * se, coef - lower_q * se])


def bootstrap_p_values(t: np.ndarray, pivots: np.ndarray) -> np.ndarray:
    """Two-sided p-values of t = b / se against each row's pivots, (2 min(#T* <= t, #T* >= t)
    + 1) / (B + 1) capped at 1, as hdi's ``boot.lasso.proj``."""
    below = np.sum(pivots <= t[:, None], axis=1)
    above = np.sum(pivots >= t[:, None], axis=1)
    B = pivots.shape[1]
    return np.minimum(1.0, (2.0 * np.minimum(below, above) + 1.0) / (B + 1.0))
