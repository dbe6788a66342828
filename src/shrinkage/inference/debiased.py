"""The desparsified (debiased) lasso: Zhang and Zhang (2014); van de Geer, Buhlmann, Ritov and
Dezeure (2014), R's ``hdi::lasso.proj``.

Least squares: with the lasso w, a relaxed inverse Theta of Sigma_hat = X'X/n from the nodewise
lasso (``_nodewise``) and a noise level sigma,

    b = w + Theta X'(y - Xw) / n,      se(b_j) = sigma sqrt((Theta Sigma_hat Theta')_jj / n).

Logistic regression (van de Geer et al. 2014, Section 3): with the L1 logistic fit, its fitted
probabilities pi and W = diag(pi (1 - pi)), Theta from the nodewise lasso weighted by W,

    b = w + Theta X'(y - pi) / sum(W),   se(b_j) = sqrt((Theta Sigma_W Theta')_jj / sum(W)),

Sigma_W = X'WX / sum(W).  Columns are centred (the intercept is a nuisance) and standardized
for the fits, as hdi does; estimates and standard errors are reported on X's own scale.
b_j is asymptotically normal around the full model's coefficient beta_j whatever was selected.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit
from scipy.stats import norm

from .. import _validation as v
from ._bootstrap import (
    BOOTSTRAPS,
    OneStep,
    bootstrap_p_values,
    bootstrap_pivots,
    bootstrap_truth,
)
from ._inputs import check_data, collinear_features, refuse_unsupported, standardize
from ._nodewise import NodewiseFit, nodewise_lasso
from ._sigma import (
    LassoFit,
    given_sigma,
    lasso_at,
    lasso_cv,
    scaled_lasso,
    sigma_from_residuals,
    sigma_ols,
)
from .result import InferenceResult

DATAFITS = ("quadratic", "logistic")
SIGMAS = ("scaled", "cv", "ols")


def nodewise_inverse(
    X: ArrayLike,
    *,
    alpha: float | str = "znz",
    cv: int = 5,
    cv_nodes: int | None = None,
    random_state: int | np.random.Generator | None = None,
    n_jobs: int | None = None,
    progress: bool | None = None,
) -> NodewiseFit:
    """The nodewise lasso's Theta for the least-squares debiased lasso of this X (unweighted).

    It depends on X alone: compute it once and pass it as ``nodewise=`` to ``debiased_lasso``
    for every target on the same X (R's ``hdi`` spells this ``return.Z`` / ``Z``).

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features)
        The design (its columns are standardized inside).
    alpha : {"znz", "cv", "universal"} or float, default="znz"
        The nodewise lasso's penalty, as ``debiased_lasso``'s ``nodewise_alpha``.
    cv : int, default=5
        Folds of the cross-validated choice of ``alpha``.
    cv_nodes : int or None, default=None
        How many random nodes the cross-validation pools over (None: all of them).
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the folds and of the nodes drawn.
    n_jobs : int or None, default=None
        joblib workers for the nodewise fits.
    progress : bool or None, default=None
        A progress bar over the nodewise fits (None: when stderr is a terminal and the work
        is long).

    Returns
    -------
    NodewiseFit
        ``theta`` (p, p), the approximate inverse of X's standardized covariance, with each
        node's alpha and the nodes whose fit stopped at max_iter.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((40, 3))
    >>> nodewise_inverse(X, alpha=0.05).theta.shape
    (3, 3)
    """
    X, _, names = check_data(X, np.zeros(np.shape(X)[0]), None)
    n = X.shape[0]
    Xs, _ = standardize(X, np.full(n, 1.0 / n), names)
    return _nodewise(Xs, np.full(n, 1.0 / n), alpha, cv, cv_nodes, random_state, n_jobs, progress)


def debiased_lasso(
    X: ArrayLike,
    y: ArrayLike,
    *,
    datafit: str = "quadratic",
    alpha: float | str = "cv",
    sigma: float | str = "cv",
    nodewise_alpha: float | str = "znz",
    nodewise: NodewiseFit | None = None,
    strong_step: bool = True,
    bootstrap: str | None = None,
    n_boot: int = 1000,
    cv: int = 5,
    cv_nodes: int | None = None,
    feature_names: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    random_state: int | np.random.Generator | None = None,
    n_jobs: int | None = None,
    progress: bool | None = None,
) -> InferenceResult:
    """Confidence intervals and p-values for every coefficient of the full model.

    b = w + Theta X'(y - Xw)/n,  se_j = sigma sqrt((Theta Sigma_hat Theta')_jj / n).

    Parameters
    ----------
    X : array-like, sparse matrix or DataFrame of shape (n_samples, n_features)
        The design.
    y : array-like of shape (n_samples,)
        The target; 0/1 labels for ``datafit="logistic"``.
    datafit : {"quadratic", "logistic"}, default="quadratic"
        Least squares or two-class logistic regression.
    alpha : float or "cv", default="cv"
        The initial lasso's penalty on the standardized columns, or "cv" for the
        cross-validated choice (shrinkage.LassoCV / LogisticRegressionCV), hdi's default.
    sigma : float or {"cv", "scaled", "ols"}, default="cv"
        Least squares only: a number (known noise sd), "cv" (the residuals of the
        cross-validated lasso, RSS / (n - |S| - 1), Reid et al. 2016; nearly unbiased in
        docs/inference.md's study), "scaled" (Sun and Zhang's scaled lasso with their quantile
        lambda0, as R's scalreg in hdi; consistent when s log p / n -> 0, biased upwards in
        small samples) or "ols" (needs n > p + 1).
    nodewise_alpha : {"znz", "cv", "universal"} or float, default="znz"
        "znz" (the cross-validated alpha lowered by Zhang and Zhang's rule until the average
        variance grows by 25%, as hdi's ``do.ZnZ=TRUE``: less bias on large coefficients),
        "cv" (one alpha for every node, chosen by K-fold cross-validation pooled over
        ``cv_nodes`` random nodes, all by default, hdi's default), "universal"
        (sqrt(2 log p / n)) or a number; on the standardized scale.  Smaller values debias more
        but widen the intervals.
    nodewise : NodewiseFit or None, default=None
        A ``nodewise_inverse(X)`` result to reuse (least squares, same X).
    strong_step : bool, default=True
        Least squares: restart the one-step correction from the lasso with its strong
        coefficients (Bonferroni-significant at 5% after the first step) replaced by their
        debiased values (``strong_step_inverse``).  This removes, to first order, the bias the
        lasso's shrinkage of large coefficients leaves through Theta Sigma_hat != I (active
        coverage 0.89 -> 0.95 at n = 200, p = 500 in docs/inference.md); the standard errors
        come from the corrected Theta.
    bootstrap : {None, "residual", "wild"}, default=None
        Least squares: intervals and p-values from the bootstrap of the studentized pivots
        (b_j - beta_j) / se_j instead of the normal law (Dezeure, Buhlmann and Zhang 2017, as
        hdi's ``boot.lasso.proj(boot.shortcut=TRUE)``): y* = Xs beta~ + e* with beta~ the
        debiased estimates that pass the 5% Bonferroni level and 0 elsewhere (a thresholded
        centre, Chatterjee and Lahiri 2011; hdi centres at the lasso) and e* the lasso's centred
        residuals (rescaled to sd sigma) resampled ("residual") or times random signs ("wild");
        the lasso refitted at the same alpha, sigma re-estimated (unless given) and the
        one-step estimator recomputed give the pivots (b*_j - beta~_j) / se*_j, and the interval
        is [b_j - q_{1-a/2} se_j, b_j - q_{a/2} se_j] with q their quantiles.  The pivots carry
        the estimator's finite-sample bias and spread, which the normal interval ignores.
        Needs ``sigma="cv"`` or a number.
    n_boot : int, default=1000
        Bootstrap replicates (at least 100; hdi's default B = 1000).
    cv : int, default=5
        Folds for every cross-validated choice.
    cv_nodes : int or None, default=None
        How many random nodes the nodewise cross-validation pools over (None: all).
    feature_names : sequence of str or None, default=None
        Names of X's columns (a DataFrame's by default, else x0, x1, ...).
    sample_weight : None, default=None
        Not supported (a ValueError names it).
    offset : None, default=None
        Not supported (a ValueError names it).
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the folds and of the bootstrap.
    n_jobs : int or None, default=None
        joblib workers for the nodewise fits.
    progress : bool or None, default=None
        A progress bar over the nodewise fits (None: automatic).

    Returns
    -------
    InferenceResult
        Target "full": one row per feature.  A feature collinear with the others gets NaN
        with the reason.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 5))
    >>> y = X[:, 0] + rng.standard_normal(100)
    >>> res = debiased_lasso(X, y, alpha=0.01, sigma=1.0, nodewise_alpha=0.01)
    >>> bool(res.p_values[0] < 1e-6)
    True
    """
    refuse_unsupported("debiased_lasso", sample_weight=sample_weight, offset=offset)
    datafit = v.check_choice(datafit, "datafit", DATAFITS)
    X, y, names = check_data(X, y, feature_names)
    n, p = X.shape
    if bootstrap is not None:
        _check_bootstrap(bootstrap, n_boot, datafit, sigma)
    if datafit == "logistic":
        if nodewise is not None:
            raise ValueError(
                "nodewise= cannot be reused for datafit='logistic': its Theta is "
                "weighted by the fitted probabilities, which depend on y."
            )
        if not (isinstance(sigma, str) and sigma == "cv"):
            raise ValueError(
                f"sigma does not apply to datafit='logistic' (the variance comes "
                f"from the fitted probabilities); got sigma={sigma!r}."
            )
        return _logistic(
            X, y, names, alpha, nodewise_alpha, cv, cv_nodes, random_state, n_jobs, progress
        )
    uniform = np.full(n, 1.0 / n)
    Xs, sd = standardize(X, uniform, names)
    yc = y - y.mean()
    notes = []
    fit_cv = None
    if isinstance(alpha, str):
        v.check_choice(alpha, "alpha", ("cv",))
        fit = fit_cv = lasso_cv(Xs, yc, cv, random_state)
        notes.append(f"initial lasso: alpha={fit.alpha:.4g} by {cv}-fold cross-validation")
    else:
        fit = lasso_at(Xs, yc, v.check_alpha(alpha))
        notes.append(f"initial lasso: alpha={fit.alpha:.4g} (given)")
    sigma_value = _sigma(sigma, Xs, yc, fit_cv, cv, random_state, notes)
    if nodewise is None:
        nodewise = _nodewise(
            Xs, uniform, nodewise_alpha, cv, cv_nodes, random_state, n_jobs, progress
        )
    elif not isinstance(nodewise, NodewiseFit) or nodewise.theta.shape != (p, p):
        raise ValueError(
            f"nodewise must be the nodewise_inverse(X) of this X, with a ({p}, {p}) theta."
        )
    G = Xs.T @ Xs / n
    residuals = fit.residuals(Xs, yc)
    step = OneStep(nodewise.theta, G, n)
    b, se, n_strong = step.estimate(
        fit.w, Xs.T @ residuals / n, sigma_value, strong_step=strong_step
    )
    notes.extend(_nodewise_notes(nodewise))
    if n_strong:
        notes.append(
            f"strong step: {n_strong} strong coefficient"
            f"{'s' if n_strong != 1 else ''} re-debiased (Bonferroni 5%)"
        )
    pivots = None
    if bootstrap is not None:
        rng = np.random.default_rng(random_state)
        pivots = bootstrap_pivots(
            step,
            Xs,
            fit,
            residuals,
            sigma_value,
            not isinstance(sigma, str),
            kind=bootstrap,
            n_boot=n_boot,
            strong_step=strong_step,
            rng=rng,
            truth=bootstrap_truth(b, se),
        )
        notes.append(
            f"intervals and p-values from the {bootstrap} bootstrap of the pivots "
            f"(b - beta) / se, {n_boot} replicates at alpha={fit.alpha:.4g}, centred at "
            "the Bonferroni-significant estimates (Dezeure, Buhlmann and Zhang 2017; "
            "Chatterjee and Lahiri 2011)"
        )
    return _result(b / sd, se / sd, G, n, names, sigma_value, fit.alpha, notes, pivots)


def _check_bootstrap(bootstrap: str, n_boot: int, datafit: str, sigma: float | str) -> None:
    v.check_choice(bootstrap, "bootstrap", BOOTSTRAPS)
    v.check_positive_int(n_boot, "n_boot")
    if n_boot < 100:
        raise ValueError(
            f"n_boot must be at least 100 for the bootstrap's 2.5% and 97.5% "
            f"quantiles; got n_boot={n_boot!r}."
        )
    if datafit != "quadratic":
        raise ValueError(
            f"bootstrap={bootstrap!r} applies to datafit='quadratic' only (the "
            "residual bootstrap needs additive noise); use bootstrap=None."
        )
    if isinstance(sigma, str) and sigma != "cv":
        raise ValueError(
            f"bootstrap={bootstrap!r} needs sigma='cv' or a number (each replicate "
            f"re-estimates sigma from its lasso's residuals); got sigma={sigma!r}."
        )


def strong_step_inverse(theta: np.ndarray, G: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """Theta' = Theta - M_{:,K} Theta_K with M = Theta G - I and K = ``strong``.

    The one-step estimator started from w~ (the lasso w with w_K replaced by the debiased b_K)
    is b' = w~ + Theta X'(y - X w~)/n = w + Theta' X'(y - X w)/n.  Its remainder
    (Theta' G - I)(w - beta) has columns K equal to -M_{:,K} M_{K,K}: second order in M, where the
    plain estimator has M_{:,K}, the first-order bias the lasso's shrinkage of the large
    coefficients leaves.  With K fixed, b' is linear in y and its variance is
    sigma^2 (Theta' G Theta')_jj / n exactly.

    Examples
    --------
    >>> G = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> theta = 0.9 * np.linalg.inv(G)  # an inexact inverse: Theta G = 0.9 I
    >>> np.round(strong_step_inverse(theta, G, np.array([0, 1])) @ G, 3)  # 1 - 0.1**2
    array([[0.99, 0.  ],
           [0.  , 0.99]])
    """
    M_K = theta @ G[:, strong]
    M_K[strong, np.arange(strong.size)] -= 1.0
    return theta - M_K @ theta[strong]


def sandwich_diagonal(theta: np.ndarray, G: np.ndarray) -> np.ndarray:
    """diag(Theta G Theta') by one matrix product (BLAS) and a row-wise dot."""
    return np.einsum("jk,jk->j", theta @ G, theta)


def _sigma(
    sigma: float | str,
    Xs: np.ndarray,
    yc: np.ndarray,
    fit_cv: LassoFit | None,
    cv: int,
    random_state: int | np.random.Generator | None,
    notes: list[str],
) -> float:
    if not isinstance(sigma, str):
        value = given_sigma(sigma)
        notes.append(f"sigma={value:.4g} (given)")
        return value
    v.check_choice(sigma, "sigma", SIGMAS)
    if sigma == "scaled":
        value, fit = scaled_lasso(Xs, yc)
        notes.append(f"sigma={value:.4g} by the scaled lasso (Sun and Zhang's quantile lambda0)")
    elif sigma == "cv":
        fit = fit_cv or lasso_cv(Xs, yc, cv, random_state)
        value = sigma_from_residuals(fit, Xs, yc, "the cross-validated lasso")
        notes.append(
            f"sigma={value:.4g} from the cross-validated lasso's residuals "
            f"(alpha={fit.alpha:.4g}, RSS / (n - |S| - 1))"
        )
    else:
        value = sigma_ols(Xs, yc)
        notes.append(f"sigma={value:.4g} from the full least-squares fit")
    return value


def _nodewise(
    Xs: np.ndarray,
    sw: np.ndarray,
    alpha: float | str,
    cv: int,
    cv_nodes: int | None,
    random_state: int | np.random.Generator | None,
    n_jobs: int | None,
    progress: bool | None,
) -> NodewiseFit:
    if isinstance(alpha, str):
        v.check_choice(alpha, "nodewise_alpha", ("znz", "cv", "universal"))
    else:
        alpha = v.check_alpha(alpha, "nodewise_alpha")
        if alpha == 0:
            raise ValueError(
                "nodewise_alpha must be positive (0 is the exact inverse, which "
                "does not exist for p >= n); use a small number for n >> p."
            )
    if cv_nodes is not None:
        v.check_positive_int(cv_nodes, "cv_nodes")
    return nodewise_lasso(
        Xs,
        sw,
        alpha,
        cv=v.check_cv(cv, Xs.shape[0]),
        cv_nodes=cv_nodes,
        random_state=random_state,
        n_jobs=n_jobs,
        progress=progress,
    )


def _nodewise_notes(nodewise: NodewiseFit) -> list[str]:
    how = ""
    if nodewise.inflation is not None:
        how = (
            f" by Zhang and Zhang's rule (variance x{nodewise.inflation:.3g} of the pooled "
            f"cross-validation's alpha={nodewise.cv_alpha:.4g})"
        )
    elif nodewise.cv_alphas is not None:
        how = " by pooled cross-validation"
    notes = [f"nodewise lasso: alpha={nodewise.alphas[0]:.4g}{how}"]
    if nodewise.not_converged.size:
        notes.append(
            f"{nodewise.not_converged.size} nodewise fits stopped at max_iter "
            f"(features {nodewise.not_converged[:5].tolist()}...)"
        )
    return notes


def _logistic(
    X: np.ndarray,
    y: np.ndarray,
    names: np.ndarray,
    alpha: float | str,
    nodewise_alpha: float | str,
    cv: int,
    cv_nodes: int | None,
    random_state: int | np.random.Generator | None,
    n_jobs: int | None,
    progress: bool | None,
) -> InferenceResult:
    from ..estimators.glm import LogisticRegression
    from ..estimators.glm_cv import LogisticRegressionCV

    labels = np.unique(y)
    if labels.size != 2 or not np.all(np.isin(labels, (0.0, 1.0))):
        raise ValueError(
            f"datafit='logistic' needs y with the two labels 0 and 1; got {labels[:5].tolist()}."
        )
    n = X.shape[0]
    Xs, sd = standardize(X, np.full(n, 1.0 / n), names)
    if isinstance(alpha, str):
        v.check_choice(alpha, "alpha", ("cv",))
        model: LogisticRegression = LogisticRegressionCV(
            l1_ratios=1.0, cv=cv, random_state=random_state
        ).fit(Xs, y)
        alpha_value = float(model.alpha_)
        note = f"initial L1 logistic fit: alpha={alpha_value:.4g} by {cv}-fold cross-validation"
    else:
        alpha_value = v.check_alpha(alpha)
        model = LogisticRegression(penalty="l1", alpha=alpha_value, tol=1e-8, max_iter=10000).fit(
            Xs, y
        )
        note = f"initial L1 logistic fit: alpha={alpha_value:.4g} (given)"
    w = np.ravel(model.coef_).astype(float)
    prob = expit(Xs @ w + float(np.ravel(model.intercept_)[0]))
    weight = prob * (1.0 - prob)
    total = float(weight.sum())
    if not total > 1e-8 * n:
        raise ValueError(
            "the L1 logistic fit separates the classes (every fitted probability "
            "is 0 or 1): the Fisher information is zero and no standard error is "
            "defined. Use a larger alpha."
        )
    nodewise = _nodewise(Xs, weight, nodewise_alpha, cv, cv_nodes, random_state, n_jobs, progress)
    mean = weight @ Xs / total
    Xw = (Xs - mean) * np.sqrt(weight / total)[:, None]
    G = Xw.T @ Xw
    b = w + nodewise.theta @ (Xs.T @ (y - prob)) / total
    variance = sandwich_diagonal(nodewise.theta, G)
    se = np.sqrt(variance / total)
    notes = [note, *_nodewise_notes(nodewise)]
    return _result(
        b / sd,
        se / sd,
        G / np.sqrt(np.outer(np.diag(G), np.diag(G))),
        n,
        names,
        None,
        alpha_value,
        notes,
    )


def _result(
    coef: np.ndarray,
    se: np.ndarray,
    corr: np.ndarray,
    n: int,
    names: np.ndarray,
    sigma: float | None,
    alpha: float,
    notes: list[str],
    pivots: np.ndarray | None = None,
) -> InferenceResult:
    p = len(coef)
    reasons = np.full(p, "", dtype=object)
    collinear = collinear_features(corr, n)
    reasons[collinear] = (
        "collinear with other features: its full-model coefficient is not identifiable"
    )
    coef = np.where(collinear, np.nan, coef)
    se = np.where(collinear, np.nan, se)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = coef / se
    if pivots is None:
        p_values = 2.0 * norm.sf(np.abs(t))
    else:
        p_values = np.where(np.isfinite(t), bootstrap_p_values(np.nan_to_num(t), pivots), np.nan)
    return InferenceResult(
        "debiased lasso",
        "full",
        coef,
        se,
        p_values,
        np.arange(p),
        names,
        reasons,
        n,
        p,
        sigma,
        alpha,
        notes=tuple(notes),
        pivots=pivots,
    )
