"""Exact post-selection inference for the lasso at a fixed alpha: Lee, Sun, Sun and Taylor
(2016), R's ``selectiveInference::fixedLassoInf``.

The lasso here is shrinkage's objective 1/(2n) ||y - b - Xw||^2 + alpha ||w||_1 (b profiled
out by centring), i.e. Lee et al.'s lambda = n alpha.  The event that it selects the set A with
signs s is a polyhedron {y : A y <= b} (their Proposition 4.2): with X_A's columns centred,
M = (X_A'X_A)^{-1} and P the projection off X_A,

    sign:      -diag(s) M X_A' y                       <= -lambda diag(s) M s
    inactive:   X_I' P y / lambda                      <=  1 - X_I' X_A M s
               -X_I' P y / lambda                      <=  1 + X_I' X_A M s.

For the partial coefficient eta'mu of feature j in the selected model (eta = X_A M e_j), the
polyhedral lemma gives eta'y | {A y <= b, the rest of y} ~ N(eta'mu, sigma^2 ||eta||^2)
truncated to [V-, V+]; its CDF at eta'y is the Uniform pivot, inverted for p-values and
intervals (``_truncnorm``).  Exact with Gaussian noise of known sigma; with an estimated sigma
it is a plug-in approximation.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .. import _validation as v
from ._inputs import check_data, refuse_unsupported
from ._inputs import standardize as standardized_columns
from ._sigma import (
    given_sigma,
    lasso_at,
    lasso_cv,
    scaled_lasso,
    sigma_from_residuals,
    sigma_ols,
)
from ._truncnorm import two_sided_p_value
from .result import InferenceResult, Truncation

SIGMAS = ("ols", "cv", "scaled")
#: relative slack allowed in the KKT conditions of the computed lasso solution
KKT_TOL = 1e-6


def selection_polyhedron(
    Xc: np.ndarray, active: np.ndarray, signs: np.ndarray, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """(A, b) with {y : A y <= b} the event that the lasso at alpha selects ``active`` with
    ``signs`` (Lee et al. 2016, Proposition 4.2, at lambda = n alpha; Xc centred).

    Examples
    --------
    >>> Xc = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    >>> A, b = selection_polyhedron(Xc, np.array([0]), np.array([1.0]), 0.1)
    >>> A.shape, b.shape
    ((3, 4), (3,))
    """
    n = Xc.shape[0]
    lam = n * alpha
    XA = Xc[:, active]
    XI = np.delete(Xc, active, axis=1)
    M = np.linalg.inv(XA.T @ XA)
    MXt = M @ XA.T  # (k, n)
    sign_rows = -signs[:, None] * MXt
    sign_bound = -lam * signs * (M @ signs)
    if XI.shape[1] == 0:
        return sign_rows, sign_bound
    XI_P = XI.T - (XI.T @ XA) @ MXt  # X_I' P without forming P
    tilt = XI.T @ (XA @ (M @ signs))
    return (
        np.vstack([sign_rows, XI_P / lam, -XI_P / lam]),
        np.concatenate([sign_bound, 1.0 - tilt, 1.0 + tilt]),
    )


def truncation_limits(
    A: np.ndarray, b: np.ndarray, y: np.ndarray, eta: np.ndarray
) -> tuple[float, float]:
    """[V-, V+]: the values of eta'y that keep y in {A y <= b} when only eta'y moves
    (Lee et al. 2016, Lemma 5.1)."""
    c = eta / (eta @ eta)
    Ac = A @ c
    slack = b - A @ y + Ac * (eta @ y)  # b - A z with z = y - c eta'y
    scale = np.abs(A).sum(axis=1) * np.abs(c).max()
    moving = np.abs(Ac) > 1e-12 * np.maximum(scale, 1e-300)
    ratio = slack[moving] / Ac[moving]
    down, up = Ac[moving] < 0, Ac[moving] > 0
    lower = ratio[down].max() if np.any(down) else -np.inf
    upper = ratio[up].min() if np.any(up) else np.inf
    return float(lower), float(upper)


def selective_inference(
    X: ArrayLike,
    y: ArrayLike,
    alpha: float,
    *,
    sigma: float | str | None = None,
    cv: int = 5,
    feature_names: ArrayLike | None = None,
    standardize: bool = False,
    sample_weight: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    random_state: int | np.random.Generator | None = None,
) -> InferenceResult:
    """p-values and confidence intervals for the lasso's selected features at a fixed alpha,
    conditional on the selection and its signs (the polyhedral lemma; Lee et al. 2016).

    Pivot: F^{[V-, V+]}_{eta'mu, sigma^2 ||eta||^2}(eta'y) ~ Uniform(0, 1).

    Parameters
    ----------
    X : array-like, sparse matrix or DataFrame of shape (n_samples, n_features)
        The design (least squares; the intercept is handled by centring).
    y : array-like of shape (n_samples,)
        The numeric target.
    alpha : float
        The lasso penalty in shrinkage's objective 1/(2n) ||y - b - Xw||^2 + alpha ||w||_1
        on X's own scale; it must be fixed before seeing y (e.g. from theory or another data
        set): a cross-validated alpha makes the conditioning incomplete.
    sigma : float, {"ols", "cv", "scaled"} or None, default=None
        The noise sd: a number (known: the inference is exact), or estimated: "ols" (the
        full least-squares fit, needs n > p + 1), "cv" (the cross-validated lasso's residuals,
        RSS / (n - |S| - 1)) or "scaled" (the scaled lasso); None is "ols" when n >= 2p and
        "cv" otherwise, as selectiveInference does.
    cv : int, default=5
        Folds of the cross-validated sigma.
    feature_names : sequence of str or None, default=None
        Names of X's columns (a DataFrame's by default, else x0, x1, ...).
    standardize : bool, default=False
        Select with the lasso on standardized columns (alpha on that scale, as
        ``debiased_lasso`` and the estimators' ``standardize=True``); the selected model's
        coefficients, intervals and pivots are still reported on X's own scale (they are
        scale-equivariant: the p-values do not change).
    sample_weight : None, default=None
        Not supported (a ValueError names it).
    offset : None, default=None
        Not supported (a ValueError names it).
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the folds of the cross-validated sigma.

    Returns
    -------
    InferenceResult
        Target "selected": one row per selected feature, ``coef`` the selected model's
        least-squares coefficient eta'y, ``std_err`` NaN (the intervals are not estimate +- z
        se), ``truncation`` the pivots.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 4))
    >>> y = 2 * X[:, 0] + rng.standard_normal(50)
    >>> res = selective_inference(X, y, alpha=0.3, sigma=1.0)
    >>> res.feature_names.tolist(), bool(res.p_values[0] < 1e-6)
    (['x0'], True)
    """
    refuse_unsupported("selective_inference", sample_weight=sample_weight, offset=offset)
    X, y, names = check_data(X, y, feature_names)
    alpha = v.check_alpha(alpha)
    if alpha == 0:
        raise ValueError(
            "alpha must be positive: at alpha=0 there is no selection to condition "
            "on (use ordinary least squares)."
        )
    n, p = X.shape
    Xs, sd = standardized_columns(X, np.full(n, 1.0 / n), names)  # constant columns refused
    scale = sd if standardize else np.ones(p)
    Xc = (X - X.mean(axis=0)) / scale
    yc = y - y.mean()
    fit = lasso_at(Xc, yc, alpha, tol=1e-12, max_iter=100000)
    active = np.flatnonzero(fit.w)
    where = " on standardized columns" if standardize else ""
    notes = [f"lasso at alpha={alpha:.4g}{where} (fixed) selected {active.size} of {p} features"]
    sigma_value = _sigma(sigma, Xs, yc, n, p, cv, random_state, notes)
    if active.size == 0:
        empty = np.empty(0)
        return InferenceResult(
            "selective inference",
            "selected",
            empty,
            empty,
            empty,
            np.empty(0, int),
            np.empty(0, object),
            np.empty(0, object),
            n,
            p,
            sigma_value,
            alpha,
            Truncation(empty, empty, empty, empty),
            notes=(*notes, "nothing selected: no selected-model coefficient"),
        )
    _check_selected(Xc, active, names)
    signs = np.sign(fit.w[active])
    A, b = selection_polyhedron(Xc, active, signs, alpha)
    violation = float(np.max(A @ y - b))
    if violation > KKT_TOL * max(1.0, float(np.abs(b).max())):
        raise ValueError(
            f"the lasso solution at alpha={alpha:.4g} is not accurate enough to "
            f"define its selection event (constraint violated by {violation:.3g}); "
            "a feature may sit at the edge of entering: try a slightly different "
            "alpha."
        )
    etas = Xc[:, active] @ np.linalg.inv(Xc[:, active].T @ Xc[:, active])  # (n, k)
    observed = etas.T @ y
    sd = sigma_value * np.sqrt(np.einsum("ij,ij->j", etas, etas))
    limits = np.array([truncation_limits(A, b, y, etas[:, i]) for i in range(active.size)])
    empty = limits[:, 0] > limits[:, 1] + 1e-9 * np.maximum(1.0, np.abs(limits).max(axis=1))
    if np.any(empty):
        raise ValueError(
            f"the selection event of {v.listed(names[active][empty])} is empty "
            f"numerically: the lasso's selection at alpha={alpha:.4g} is not unique, "
            "typically because a feature duplicates another (e.g. every one-hot "
            "column of one category next to the intercept); drop one of them."
        )
    p_values = two_sided_p_value(observed, sd, limits[:, 0], limits[:, 1])
    # back to X's own scale: every quantity of the pivot is linear in eta'y
    unit = scale[active]
    observed, sd, limits = observed / unit, sd / unit, limits / unit[:, None]
    return InferenceResult(
        "selective inference",
        "selected",
        observed,
        np.full(active.size, np.nan),
        p_values,
        active,
        names[active],
        np.full(active.size, "", dtype=object),
        n,
        p,
        sigma_value,
        alpha,
        Truncation(observed, sd, limits[:, 0], limits[:, 1]),
        notes=tuple(notes),
    )


def _sigma(
    sigma: float | str | None,
    Xs: np.ndarray,
    yc: np.ndarray,
    n: int,
    p: int,
    cv: int,
    random_state: int | np.random.Generator | None,
    notes: list[str],
) -> float:
    if sigma is None:
        sigma = "ols" if n >= 2 * p else "cv"
    if not isinstance(sigma, str):
        value = given_sigma(sigma)
        notes.append(f"sigma={value:.4g} (given): the inference is exact for Gaussian noise")
        return value
    v.check_choice(sigma, "sigma", SIGMAS)
    if sigma == "ols":
        value = sigma_ols(Xs, yc)
    elif sigma == "cv":
        value = sigma_from_residuals(
            lasso_cv(Xs, yc, cv, random_state), Xs, yc, "the cross-validated lasso"
        )
    else:
        value = scaled_lasso(Xs, yc)[0]
    notes.append(
        f"sigma={value:.4g} estimated ({sigma}): a plug-in, so the conditional "
        "coverage is approximate"
    )
    return value


def _check_selected(Xc: np.ndarray, active: np.ndarray, names: np.ndarray) -> None:
    """The selected model must be estimable: fewer features than n - 1, full column rank."""
    n = Xc.shape[0]
    if active.size >= n - 1:
        raise ValueError(
            f"the lasso selected {active.size} features with n_samples={n}: the "
            "selected model has no residual degrees of freedom, so its partial "
            "coefficients are not defined. Use a larger alpha."
        )
    XA = Xc[:, active] / np.linalg.norm(Xc[:, active], axis=0)
    singular = np.linalg.svd(XA, compute_uv=False)
    if singular[-1] <= 1e-8 * singular[0]:
        raise ValueError(
            f"the selected features {v.listed(names[active])} are collinear: their "
            "partial coefficients are not identifiable."
        )
