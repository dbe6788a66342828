"""HuberRegressor: scikit-learn's robust regression with a jointly estimated scale, and any
L1 / L2 / Elastic-Net penalty of the core.

min over (w, b, sigma > 0) of  1/(sum s) sum_i s_i (sigma + H_eps((y_i - x_i.w - b) / sigma) sigma)
+ penalty(w): alternating the engine's fixed-scale Huber fit with the exact 1-D scale update.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp
from numpy.typing import ArrayLike

from .. import _validation as v
from .._typing import DesignMatrix
from ..datafits import get_datafit
from ..exceptions import ShrinkageConvergenceWarning, user_stacklevel
from ..penalties._l1_l2_kernels import penalty_value
from ..penalties.l1_l2 import PenaltyWeights
from ..solvers.interpolation import (
    RESIDUAL_RTOL,
    constraint_scale,
    free_design,
    least_penalty_interpolant,
    penalty_conjugate,
    unique_rows,
)
from .glm import _GLMRegressor

_COLLAPSED = 1e-6  # a scale below this fraction of the data's has collapsed: try sigma = 0
_DISTINCT_ROWS_CHECKED = 4  # look for duplicate rows only where n <= this x (p + 1)


class HuberRegressor(_GLMRegressor):
    """Robust regression: Huber's loss with a jointly estimated scale (scikit-learn's model).

    Minimises over (w, b, sigma > 0), as scikit-learn's HuberRegressor,

        sum_i s_i (sigma + H_eps((y_i - x_i.w - b) / sigma) sigma) + 2 alpha Omega(w),

    H_eps(z) = z^2 for |z| <= eps, 2 eps |z| - eps^2 beyond; 2 alpha Omega(w) = alpha ||w||^2 for
    l1_ratio=0 (scikit-learn's penalty).  Jointly convex: we alternate the fixed-scale Huber fit
    (the GLM objective with the "huber" datafit at this scale and alpha / sum s) with the exact 1-D
    minimisation over sigma until the coefficients stop moving (relative change below ``tol``)
    and sigma too (relative to the larger of sigma and the data's scale).

    Where the rows of positive weight can be fitted exactly (p > n, or a scale that collapses)
    the optimum may be the limit sigma -> 0: the interpolant of least penalty, min Omega(w)
    subject to x_i.w + b = y_i for s_i > 0.  It is solved directly (``solvers.interpolation``,
    on the distinct rows, so weights and repeated rows agree) and kept only where its duality
    gap for the joint problem is below ``tol`` (the multipliers fit: |lam_i| <= eps s_i / S
    and sum lam_i^2 S / s_i <= 1); then ``scale_`` is 0.0 and ``outliers_`` marks the rows it
    does not fit (those of zero weight).

    Parameters
    ----------
    epsilon : float, default=1.35
        The threshold eps >= 1 (in units of the scale); smaller is more robust.
    alpha : float, default=0.0001
        The penalty strength >= 0 (scikit-learn's scaling).
    l1_ratio : float, default=0.0
        The Elastic-Net mix in [0, 1] (0: ridge, scikit-learn's; 1: lasso).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    standardize : bool, default=False
        glmnet-style: penalize the coefficients of columns scaled to unit weighted standard
        deviation, report coefficients on the original scale.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers f_j >= 0 of the penalty (0 leaves a feature unpenalized);
        None is all ones.
    lower : float or array-like of shape (n_features,), default=None
        Lower bounds on the coefficients (None: no bound).
    upper : float or array-like of shape (n_features,), default=None
        Upper bounds on the coefficients (None: no bound).
    positive : bool, default=False
        Shorthand for ``lower=0``.
    tol : float, default=1e-5
        The relative change of the coefficients and of sigma that stops the alternation (and
        the inner fits' tolerance).
    max_iter : int, default=1000
        The most scale updates (and the bound of each inner fit).
    warm_start : bool, default=False
        Start from the previous ``coef_`` / ``intercept_``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The coefficients.
    intercept_ : float
        The intercept.
    scale_ : float
        sigma; 0.0 for the interpolating limit.
    outliers_ : ndarray of bool of shape (n_samples,)
        The rows with |residual| > eps sigma.
    n_iter_ : int
        The scale updates (Newton or simplex iterations for the limit).
    dual_gap_ : float
        The certificate of the last fixed-scale fit (the joint problem's duality gap for the
        limit).
    converged_ : bool
        Whether the alternation (and its certificate) met the tolerance.
    n_features_in_ : int
        The number of columns of X seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        X's column names (only when X has column names).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> y[0] = 100.0  # one gross outlier
    >>> huber = shrinkage.HuberRegressor(alpha=1e-4).fit(X, y)
    >>> huber.coef_[[0, 3]].round(1)  # the truth, 1.5 and -2, despite the outlier
    array([ 1.5, -2. ])
    """

    def __init__(
        self,
        *,
        epsilon: float = 1.35,
        alpha: float = 0.0001,
        l1_ratio: float = 0.0,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        tol: float = 1e-5,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
        self.epsilon = epsilon
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> HuberRegressor:
        """Fit (w, b, sigma) by alternating minimisation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features (dense or sparse).
        y : array-like of shape (n_samples,)
            The target.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights s_i >= 0; None is all ones.

        Returns
        -------
        HuberRegressor
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> y[:3] += 50.0  # three gross outliers
        >>> huber = shrinkage.HuberRegressor().fit(X, y)
        >>> np.flatnonzero(huber.outliers_)[:3], bool(huber.scale_ > 0)
        (array([0, 1, 2]), True)
        """
        eps = self.epsilon
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not 1.0 <= eps < np.inf:
            raise ValueError(f"epsilon must be a number >= 1.0; got {eps!r}.")
        alpha, l1_ratio = v.check_alpha(self.alpha), v.check_l1_ratio(self.l1_ratio)
        tol = v.check_tol(self.tol)
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        design: DesignMatrix
        target: np.ndarray
        design, target = self._regression_data(X, y)
        problem = self._glm_problem(design, target, sample_weight)
        sw = problem.sample_weight
        total = float(sw.sum())
        weights = problem.penalty(alpha / total, l1_ratio, problem.column_scale()).weights()
        rows = _DistinctRows(design, target, sw)
        intercept = problem.fit_intercept  # as every estimator reads it: bool(fit_intercept)
        if rows.few_enough_to_interpolate(design.shape[1] + int(intercept)):
            limit = _scale_free_fit(rows, weights, design, target, sw, eps, alpha, tol, intercept)
            if limit is not None:
                return self._record_scale_free(limit, design, target)
        w: np.ndarray | None
        b: np.ndarray | float | None
        w, b = self._previous((design.shape[1],))
        reference = _initial_scale(target, sw)  # the data's scale: sigma moves are measured in it
        sigma = reference
        previous_scale: float = getattr(self, "scale_", 0.0)
        if w is not None and previous_scale > 0:
            sigma = previous_scale
        converged, n_updates = False, 0
        while n_updates < max_iter:
            n_updates += 1
            with warnings.catch_warnings():  # only the last fixed-scale fit counts: see below
                warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
                path = self._solve(
                    problem,
                    get_datafit("huber", epsilon=eps, scale=sigma),
                    alpha / total,
                    l1_ratio,
                    w,
                    b,
                )
            w_new, b_new = path.coefs[0], float(path.intercepts[0])
            sigma_new = huber_scale(target - _matvec(design, w_new) - b_new, sw, eps)
            moved = max(
                abs(sigma_new - sigma) / max(sigma_new, reference),
                _relative_change(
                    np.append(w_new, b_new), None if w is None or b is None else np.append(w, b)
                ),
            )
            w, b, sigma = w_new, b_new, sigma_new
            if moved <= tol:
                converged = True
                break
        if sigma < _COLLAPSED * reference:  # the scale collapses: try its limit, sigma = 0
            limit = _scale_free_fit(rows, weights, design, target, sw, eps, alpha, tol, intercept)
            if limit is not None:
                return self._record_scale_free(limit, design, target)
        if not converged:
            warnings.warn(
                f"HuberRegressor: the scale and the coefficients still moved by {moved:.2g} "
                f"(relative) after max_iter={max_iter} alternations, above tol={tol:g}. Try a "
                "larger max_iter or tol.",
                ShrinkageConvergenceWarning,
                stacklevel=user_stacklevel(),
            )
        elif not path.converged[0]:
            warnings.warn(
                f"HuberRegressor: the last fixed-scale fit stopped at max_iter={max_iter} with "
                f"its certificate {path.gaps[0]:.3g} above the tolerance. Try a larger max_iter "
                "or alpha, or standardize=True.",
                ShrinkageConvergenceWarning,
                stacklevel=user_stacklevel(),
            )
        assert w is not None  # max_iter >= 1: the loop ran
        self.coef_: np.ndarray = w.astype(design.dtype)
        self.intercept_: float = design.dtype.type(b)
        self.scale_: float = float(sigma)
        self.outliers_: np.ndarray = np.abs(target - _matvec(design, w) - b) > eps * sigma
        self._record([path])
        self.n_iter_ = n_updates
        self.converged_ = converged and self.converged_
        return self

    def _record_scale_free(
        self, limit: _ScaleFreeFit, X: DesignMatrix, y: np.ndarray
    ) -> HuberRegressor:
        """Fitted attributes of the sigma = 0 optimum (the interpolant of least penalty)."""
        self.coef_ = limit.coef.astype(X.dtype)
        self.intercept_ = X.dtype.type(limit.intercept)
        self.scale_ = 0.0
        residual = np.abs(y - _matvec(X, limit.coef) - limit.intercept)
        self.outliers_ = residual > limit.residual_tolerance
        self.dual_gap_ = limit.gap
        self.certificate_ = "duality_gap"
        self.n_iter_ = limit.n_iter
        self.converged_ = True
        return self

    def predict(self, X: ArrayLike) -> np.ndarray:
        """X @ coef_ + intercept_.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features.

        Returns
        -------
        ndarray of shape (n_samples,)
            The predictions.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> huber = shrinkage.HuberRegressor(alpha=0.0).fit(X, [1.0, 3.0, 5.0, 7.0])
        >>> huber.predict([[4.0]]).round(3)
        array([9.])
        """
        return self._predict_linear(X)


@dataclass(frozen=True)
class _ScaleFreeFit:
    coef: np.ndarray
    intercept: float
    gap: float
    residual_tolerance: float
    n_iter: int


class _DistinctRows:
    """The distinct rows (x_i, y_i) of positive weight, with their summed normalized weights;
    computed only where there are few rows (then the data may be fitted exactly)."""

    def __init__(self, X: DesignMatrix, y: np.ndarray, sw: np.ndarray):
        self._X, self._y, self._sw = X, y, sw
        self._rows: tuple[DesignMatrix, np.ndarray, np.ndarray] | None = None

    def few_enough_to_interpolate(self, rank_bound: int) -> bool:
        if np.count_nonzero(self._sw) > _DISTINCT_ROWS_CHECKED * rank_bound:
            return False
        return len(self.get()[1]) <= rank_bound

    def get(self) -> tuple[DesignMatrix, np.ndarray, np.ndarray]:
        """(X_distinct, y_distinct, weight of each: sum of its rows' sw / sum sw)."""
        if self._rows is None:
            positive = np.flatnonzero(self._sw > 0)
            X = self._X.tocsr()[positive] if sp.issparse(self._X) else self._X[positive]
            Xu, yu, inverse = unique_rows(X, self._y[positive])
            share = np.bincount(
                inverse, weights=self._sw[positive] / self._sw.sum(), minlength=len(yu)
            )
            self._rows = (Xu, yu, share)
        return self._rows


def _scale_free_fit(
    rows: _DistinctRows,
    weights: PenaltyWeights,
    X: DesignMatrix,
    y: np.ndarray,
    sw: np.ndarray,
    eps: float,
    alpha: float,
    tol: float,
    fit_intercept: bool,
) -> _ScaleFreeFit | None:
    """The sigma -> 0 limit where it is the optimum, with its duality gap; None elsewhere.

    At sigma = 0 the objective (module units, over 1/(2 sum s)) is eps sum_i sw_i |r_i|
    + Omega(w).  Any lam with Z'lam = 0, |lam_i| <= eps sw_i and sum lam_i^2 / sw_i <= 1 (one
    entry per distinct row) gives the lower bound lam'y - sum_j Omega_j^*(x_j'lam) for every
    (w, b, sigma), since sum s (sigma + sigma H(r / sigma)) = max over such 2 (sum s) lam of
    2 (sum s) lam'r.  So the interpolant of least Omega is optimal when its multipliers fit in
    that set, and the bound at the multipliers (scaled into the set) certifies it.
    """
    Xu, yu, share = rows.get()
    l1, l2 = weights.l1, weights.l2
    if alpha == 0:  # every interpolant is optimal: the least-norm one
        l1, l2 = np.zeros_like(l1), np.ones_like(l2)
    fit = least_penalty_interpolant(Xu, yu, l1, l2, weights.lower, weights.upper, fit_intercept)
    if fit is None:
        return None
    lam = np.zeros(len(yu)) if alpha == 0 else fit.multipliers
    free = (weights.l1 == 0) & (weights.l2 == 0)
    Z = free_design(Xu, free, fit_intercept)
    if Z.shape[1]:
        lam = lam - Z @ la.lstsq(Z, lam)[0]
    u = np.asarray(Xu.T @ lam).ravel()[~free]
    limits = [1.0, 1.0 / max(np.sqrt(np.sum(lam**2 / share)), 1e-300)]
    limits.append(float(np.min(eps * share / np.maximum(np.abs(lam), 1e-300))))
    l1p, lower, upper = weights.l1[~free], weights.lower[~free], weights.upper[~free]
    unbounded = (weights.l2[~free] == 0) & (
        ((u > l1p) & (upper == np.inf)) | ((u < -l1p) & (lower == -np.inf))
    )
    if np.any(unbounded):  # Omega^*(x_j'lam) = inf: scale lam until |x_j'lam| <= l1_j
        limits.append(float(np.min(l1p[unbounded] / np.abs(u[unbounded]))))
    t = min(limits)
    phi, _ = penalty_conjugate(t * u, l1p, weights.l2[~free], lower, upper)
    dual = t * float(lam @ yu) - float(phi.sum())
    residual = np.abs(y - _matvec(X, fit.coef) - fit.intercept)
    primal = eps * float(sw @ residual) / float(sw.sum()) + float(
        penalty_value(fit.coef, weights.l1, weights.l2)
    )
    gap = max(primal - dual, 0.0)
    median = _weighted_median(y, sw)
    reference = max(primal, eps * float(sw @ np.abs(y - median)) / float(sw.sum()))
    if not gap <= tol * reference:
        return None
    tolerance = 1e3 * RESIDUAL_RTOL * constraint_scale(Xu, yu, fit.coef, fit.intercept)
    return _ScaleFreeFit(fit.coef, fit.intercept, gap, tolerance, fit.n_iter)


def huber_scale(r: np.ndarray, sw: np.ndarray, eps: float) -> float:
    """argmin_{sigma > 0} sum_i s_i (sigma + sigma H_eps(r_i / sigma)), exactly.

    The derivative S - sum_{|r_i| <= eps sigma} s_i r_i^2 / sigma^2 - eps^2 sum_{|r_i| > eps sigma}
    s_i increases with sigma; between consecutive breakpoints |r_i| / eps the set of inliers is
    fixed and its zero is sigma^2 = sum_in s r^2 / (S - eps^2 sum_out s).
    """
    order = np.argsort(np.abs(r))
    a = np.abs(r[order]) / eps  # breakpoints, increasing
    s = sw[order]
    S = float(s.sum())
    inlier_w = np.cumsum(s)  # weight of the inliers at sigma = a_k (samples 0..k)
    inlier_q = np.cumsum(s * r[order] ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = S - np.where(a > 0, inlier_q / a**2, 0.0) - eps**2 * (S - inlier_w)
    k = int(np.searchsorted(slope >= 0, True))  # first breakpoint with a non-negative slope
    q = inlier_q[k - 1] if k > 0 else 0.0
    out_w = S - (inlier_w[k - 1] if k > 0 else 0.0)
    denom = S - eps**2 * out_w
    if k == len(a):
        sigma = np.sqrt(q / S)
    elif denom > 0 and q > 0:
        sigma = min(np.sqrt(q / denom), a[k])
    else:
        sigma = a[k]
    floor = 1e-12 * max(float(np.max(np.abs(r))), 1.0)
    return float(max(sigma, floor))


def _initial_scale(y: np.ndarray, sw: np.ndarray) -> float:
    """Weighted median absolute deviation of y about its weighted median (1 if it vanishes)."""
    mad = _weighted_median(np.abs(y - _weighted_median(y, sw)), sw) / 0.6745
    return mad if mad > 0 else 1.0


def _weighted_median(x: np.ndarray, sw: np.ndarray) -> float:
    order = np.argsort(x)
    cum = np.cumsum(sw[order])
    return float(x[order][np.searchsorted(cum, 0.5 * cum[-1])])


def _matvec(X: DesignMatrix, w: np.ndarray) -> np.ndarray:
    return np.asarray(X @ w, dtype=np.float64).ravel()


def _relative_change(new: np.ndarray, old: np.ndarray | None) -> float:
    if old is None:
        return np.inf
    return float(np.max(np.abs(new - old)) / max(float(np.max(np.abs(new))), 1.0))
