"""Multi sample-splitting p-values: Meinshausen, Meier and Buhlmann (2009), R's
``hdi::multi.split``.

Each of B random splits selects features by the lasso on one half of the rows and tests them by
ordinary least squares on the other half (t-tests; a feature not selected gets p = 1).  Per
split the p-values are adjusted for the |S| features tested: Bonferroni (min(|S| p, 1)) for
familywise error, Benjamini-Hochberg over S for the false discovery rate.  The B values of a
feature are aggregated by the quantile rule (their Theorem 3.2):

    P_j = min(1, (1 - log gamma_min) inf_{gamma_min < gamma < 1} min(1, q_gamma(P_j^(b) / gamma))),

which keeps the error control of a single split while removing its dependence on the random
split.  Valid when the lasso on half of the rows keeps every relevant feature with high
probability (screening) and the selected set is smaller than half of n.
"""

from __future__ import annotations

import math

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import ArrayLike
from scipy.stats import t as student_t

from .. import _validation as v
from .._progress import track
from ._inputs import check_data, refuse_unsupported, standardize
from ._sigma import lasso_at, lasso_cv
from .adjust import adjust_p_values
from .result import InferenceResult


def aggregate_quantiles(p_values: np.ndarray, gamma_min: float) -> np.ndarray:
    """The quantile aggregation over gamma of (n_splits, p) p-values, one per feature.

    Math: min(1, (1 - log gamma_min) min_gamma min(1, q_gamma(P / gamma))), gamma on the grid
    k / B from gamma_min to 1.

    Examples
    --------
    >>> float(aggregate_quantiles(np.full((10, 1), 0.01), 0.5)[0])
    0.016931471805599455
    """
    n_splits = p_values.shape[0]
    gammas = np.arange(math.ceil(gamma_min * n_splits), n_splits + 1) / n_splits
    gammas = gammas[gammas >= gamma_min] if np.any(gammas >= gamma_min) else np.array([1.0])
    quantiles = np.quantile(p_values, gammas, axis=0) / gammas[:, None]  # (n_gammas, p)
    best = np.minimum(quantiles, 1.0).min(axis=0)
    return np.minimum(1.0, (1.0 - math.log(gamma_min)) * best)


def multi_split(
    X: ArrayLike,
    y: ArrayLike,
    *,
    n_splits: int = 50,
    gamma_min: float = 0.05,
    alpha: float | str = "cv",
    cv: int = 5,
    max_selected: int | None = None,
    feature_names: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    random_state: int | np.random.Generator | None = None,
    n_jobs: int | None = None,
    progress: bool | None = None,
) -> InferenceResult:
    """p-values for every feature of the full linear model by multi sample-splitting.

    P_j = min(1, (1 - log gamma_min) inf_gamma q_gamma(P_j^(b) / gamma)) over B splits.

    Parameters
    ----------
    X : array-like, sparse matrix or DataFrame of shape (n_samples, n_features)
        The design (least squares).
    y : array-like of shape (n_samples,)
        The numeric target.
    n_splits : int, default=50
        B, the number of random half splits (hdi's default is 100).
    gamma_min : float, default=0.05
        The smallest quantile level of the aggregation, in (0, 1).
    alpha : float or "cv", default="cv"
        The selecting lasso's penalty on the standardized columns, or "cv" (cross-validated
        on each first half, hdi's default).
    cv : int, default=5
        Folds of that cross-validation.
    max_selected : int or None, default=None
        At most this many features are kept per split (the largest |coefficients|); default
        and upper limit: half of the rows minus 2, so the second half's fit keeps residual
        degrees of freedom.
    feature_names : sequence of str or None, default=None
        Names of X's columns (a DataFrame's by default, else x0, x1, ...).
    sample_weight : None, default=None
        Not supported (a ValueError names it).
    offset : None, default=None
        Not supported (a ValueError names it).
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the splits.
    n_jobs : int or None, default=None
        joblib workers.
    progress : bool or None, default=None
        A progress bar over the splits (None: automatic).

    Returns
    -------
    InferenceResult
        Target "full_screening": ``p_values`` aggregate the raw per-split p-values (each a
        valid p-value for H0: beta_j = 0); ``extra_p_values["fwer"]`` (Bonferroni within
        splits: familywise error control) and ``["fdr"]`` (Benjamini-Hochberg within splits);
        coefficients and intervals are NaN.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 10))
    >>> y = 2 * X[:, 0] + rng.standard_normal(60)
    >>> res = multi_split(X, y, n_splits=10, alpha=0.2, random_state=0)
    >>> bool(res.p_adjusted("fwer")[0] < 0.01)
    True
    """
    refuse_unsupported("multi_split", sample_weight=sample_weight, offset=offset)
    X, y, names = check_data(X, y, feature_names)
    n, p = X.shape
    v.check_min_samples(n, 8, "multi sample-splitting (two halves, each with a fit)")
    n_splits = v.check_positive_int(n_splits, "n_splits")
    gamma_min = v.check_fraction(gamma_min, "gamma_min")
    if isinstance(alpha, str):
        v.check_choice(alpha, "alpha", ("cv",))
        cv = v.check_cv(cv, n // 2)
    else:
        alpha = v.check_alpha(alpha)
    limit = n - n // 2 - 2
    max_selected = (
        limit
        if max_selected is None
        else min(v.check_positive_int(max_selected, "max_selected"), limit)
    )
    Xs, _ = standardize(X, np.full(n, 1.0 / n), names)
    rng = np.random.default_rng(random_state)
    splits = [rng.permutation(n) for _ in range(n_splits)]
    seeds = rng.integers(2**31, size=n_splits)
    tasks = (
        delayed(_one_split)(Xs, y, order, alpha, cv, max_selected, int(seed))
        for order, seed in zip(splits, seeds, strict=True)
    )
    outs = Parallel(n_jobs=n_jobs, return_as="generator")(tasks)
    raw = np.ones((n_splits, p))
    fwer = np.ones((n_splits, p))
    fdr = np.ones((n_splits, p))
    capped = sizes = 0
    for b, (selected, p_sel, was_capped) in enumerate(
        track(outs, n_splits, "multi sample-splitting", progress)
    ):
        if selected.size:
            raw[b, selected] = p_sel
            fwer[b, selected] = np.minimum(1.0, p_sel * selected.size)
            fdr[b, selected] = adjust_p_values(p_sel, "bh")
        capped += was_capped
        sizes += selected.size
    notes = [
        f"{n_splits} random half splits, lasso "
        + ("alpha by cross-validation" if isinstance(alpha, str) else f"alpha={alpha:.4g}")
        + f" on the first half, OLS t-tests on the second; {sizes / n_splits:.1f} features "
        f"selected per split on average; gamma_min={gamma_min:g}"
    ]
    if capped:
        notes.append(
            f"{capped} splits selected more than {max_selected} features: the largest "
            "coefficients were kept"
        )
    nan = np.full(p, np.nan)
    return InferenceResult(
        "multi sample-splitting",
        "full_screening",
        nan,
        nan.copy(),
        aggregate_quantiles(raw, gamma_min),
        np.arange(p),
        names,
        np.full(p, "", dtype=object),
        n,
        p,
        None,
        None if isinstance(alpha, str) else alpha,
        extra_p_values={
            "fwer": aggregate_quantiles(fwer, gamma_min),
            "fdr": aggregate_quantiles(fdr, gamma_min),
        },
        notes=tuple(notes),
    )


def _one_split(
    Xs: np.ndarray,
    y: np.ndarray,
    order: np.ndarray,
    alpha: float | str,
    cv: int,
    max_selected: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """(selected features, their OLS p-values on the second half, whether the set was capped).

    A selected set that is collinear on the second half gets p = 1 (no test is possible)."""
    half = len(order) // 2
    first, second = order[:half], order[half:]
    X1, y1 = Xs[first], y[first] - y[first].mean()
    X1 = X1 - X1.mean(axis=0)
    fit = lasso_cv(X1, y1, cv, seed) if isinstance(alpha, str) else lasso_at(X1, y1, alpha)
    selected = np.flatnonzero(fit.w)
    capped = selected.size > max_selected
    if capped:
        keep = np.argsort(-np.abs(fit.w[selected]), kind="stable")[:max_selected]
        selected = np.sort(selected[keep])
    if selected.size == 0:
        return selected, np.empty(0), capped
    return selected, _ols_p_values(Xs[np.ix_(second, selected)], y[second]), capped


def _ols_p_values(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Two-sided t-test p-values of each coefficient of y ~ 1 + X (1 where rank-deficient)."""
    m, k = X.shape
    design = np.column_stack([np.ones(m), X])
    q, r = np.linalg.qr(design)
    diag = np.abs(np.diag(r))
    if diag.min() <= 1e-10 * diag.max():
        return np.ones(k)
    coef = np.linalg.solve(r, q.T @ y)
    residual = y - design @ coef
    dof = m - k - 1
    sigma_sq = float(residual @ residual) / dof
    if not sigma_sq > 0:
        return np.ones(k)
    r_inv = np.linalg.inv(r)
    se = np.sqrt(sigma_sq * np.einsum("ij,ij->i", r_inv, r_inv))[1:]
    return 2.0 * student_t.sf(np.abs(coef[1:] / se), dof)
