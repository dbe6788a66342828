"""Lasso, ElasticNet and Ridge with the scikit-learn estimator API.

Lasso and ElasticNet minimise the objective documented in ``shrinkage.datafits.quadratic``.
Ridge keeps scikit-learn's scaling, sum_i s_i (y_i - x_i.w - b)^2 + alpha ||w||^2, so it is a
drop-in replacement; ``Ridge(alpha)`` equals ``ElasticNet(alpha / sum(s), l1_ratio=0)``
(see ``ridge_alpha_to_elastic_net``).
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _validation as v
from .._dispatch import fit_by_extra, handled_by_extra
from .._problem import Problem
from ..certificates import best_gap
from ..conventions import convert
from ..exceptions import ShrinkageConvergenceWarning
from ..path import solve_path
from ..solvers.ridge import ridge_cholesky, ridge_path_dual
from ._serialize import SerializableMixin

if TYPE_CHECKING:
    from sklearn.utils import Tags

    from .._typing import DesignMatrix
    from ..datafits.quadratic import SufficientStatistics, WeightedDesign
    from ..penalties.l1_l2 import PenaltyWeights

_XY = {"accept_sparse": "csc", "dtype": [np.float64, np.float32], "y_numeric": True}


def ridge_alpha_to_elastic_net(
    alpha: float, sample_weight: ArrayLike | None = None, n_samples: int | None = None
) -> float:
    """The ElasticNet(l1_ratio=0) alpha equal to scikit-learn Ridge's alpha: alpha / sum(s);
    the "ridge" convention of ``shrinkage.conventions.convert``."""
    if sample_weight is not None:
        total = float(np.sum(sample_weight))
    elif n_samples is not None:
        total = float(n_samples)
    else:
        raise TypeError("ridge_alpha_to_elastic_net needs sample_weight or n_samples; got neither.")
    return float(convert(alpha, from_="ridge", to="shrinkage", n=total).value)


class _LinearModel(SerializableMixin, RegressorMixin, BaseEstimator):
    """Shared prediction and the fit bookkeeping of the three estimators."""

    def _problem(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None,
        multi_output: bool,
        defer_scan: bool = False,
    ) -> tuple[Problem, DesignMatrix]:
        """The validated problem and X.  X's finiteness is checked once, by check_design's scan
        (with validate_data's messages); ``defer_scan``: by the first data form the fit makes
        from X where it can (``Problem.formed``; the caller's errors come after X's then:
        ``Problem.scan``)."""
        checks = {**_XY, "ensure_all_finite": False}
        X, y = validate_data(self, X, y, multi_output=multi_output, **checks)
        names = getattr(self, "feature_names_in_", None)
        scan = None
        if defer_scan:
            X, scan = v.defer_scan(X, feature_names=names, estimator=self)
        else:
            X = v.check_design(X, feature_names=names, estimator=self)
        problem = Problem.build(
            X,
            y,
            sample_weight=sample_weight,
            penalty_factor=self.penalty_factor,
            lower=self.lower,
            upper=self.upper,
            positive=self.positive,
            fit_intercept=self.fit_intercept,
            standardize=self.standardize,
            feature_names=names,
            multi_output=multi_output,
            validated=True,
            pending_scan=scan,
        )
        return problem, X

    def predict(self, X: ArrayLike) -> np.ndarray:
        """X @ coef_ + intercept_.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
            The predictions.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> X = np.array([[0.0], [1.0], [2.0]])
        >>> shrinkage.Ridge(alpha=1e-12).fit(X, [1.0, 3.0, 5.0]).predict([[3.0]]).round(6)
        array([7.])
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, reset=False, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32]
        )
        out = X @ self.coef_.T + self.intercept_
        return np.asarray(out)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class ElasticNet(_LinearModel):
    """Elastic-Net regression: L1 and L2 penalties mixed by ``l1_ratio``.

    Minimises 1/(2 sum s) sum s_i (y_i - x_i.w - b)^2
    + alpha sum_j f_j (l1_ratio |w_j| + (1 - l1_ratio)/2 w_j^2) on lower <= w <= upper.

    Parameters
    ----------
    alpha : float, default=1.0
        The penalty strength (>= 0).
    l1_ratio : float, default=0.5
        The mix between L1 (1.0, the lasso) and L2 (0.0).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (exact weighted centring).
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
    warm_start : bool, default=False
        Start from the previous ``coef_``.
    tol : float, default=1e-4
        Stop when the duality gap <= tol * sum s (y - ybar)^2 (scikit-learn's convention).
    max_iter : int, default=1000
        The most coordinate-descent epochs.
    solver : {"auto", "cd", "gram"}, default="auto"
        ``"cd"``: coordinate descent on working sets; ``"gram"``: covariance mode for n >> p.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The coefficients, on the original scale of X.
    intercept_ : float
        The intercept (0 without ``fit_intercept``).
    dual_gap_ : float
        The duality gap at the solution, in objective units: the certificate.
    n_iter_ : int
        The coordinate-descent epochs run (the certifying pass counts as one).
    converged_ : bool
        Whether ``dual_gap_`` met the tolerance.
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
    >>> model = shrinkage.ElasticNet(alpha=0.1, l1_ratio=0.5).fit(X, y)
    >>> np.flatnonzero(model.coef_)  # the two true features; the others are exactly zero
    array([0, 3])
    >>> bool(model.converged_)  # its duality gap, dual_gap_, is below the tolerance
    True
    """

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        l1_ratio: float = 0.5,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        warm_start: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        solver: str = "auto",
    ) -> None:
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.positive = positive
        self.warm_start = warm_start
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver

    def _mixing(self) -> float:
        return v.check_l1_ratio(self.l1_ratio)

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> ElasticNet:
        """Fit on X (dense or sparse) and y.

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
        ElasticNet
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> model = shrinkage.Lasso(alpha=0.1).fit(X, y)
        >>> model.n_iter_ >= 1, bool(model.converged_)
        (True, True)
        """
        if handled_by_extra(X):  # one pass over the data, then Gram mode
            return fit_by_extra(self, X, y, sample_weight)
        alpha = v.check_alpha(self.alpha)
        l1_ratio = self._mixing()
        tol = v.check_tol(self.tol)
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        problem, Xc = self._problem(X, y, sample_weight, multi_output=False, defer_scan=True)
        w0 = None
        previous = getattr(self, "coef_", None) if self.warm_start else None
        if previous is not None and previous.shape == (problem.n_features,):
            w0 = previous.astype(np.float64)
        try:  # X's scan settles in the solver's first pass over X; any error here comes after it
            result = solve_path(
                problem,
                np.array([alpha]),
                l1_ratio,
                tol=tol,
                max_iter=max_iter,
                solver=self.solver,
                w0=w0,
                model=type(self).__name__,
            )
        finally:
            problem.scan()
        self.coef_ = result.coefs[0].astype(Xc.dtype)
        self.intercept_ = Xc.dtype.type(result.intercepts[0])
        self.dual_gap_ = float(result.gaps[0])
        self.n_iter_ = max(int(result.n_iter[0]), 1)  # the certifying pass counts as one
        self.converged_ = bool(result.converged[0])
        return self


class Lasso(ElasticNet):
    """The lasso: ElasticNet with l1_ratio = 1.

    Minimises 1/(2 sum s) sum s_i (y_i - x_i.w - b)^2 + alpha sum_j f_j |w_j| on
    lower <= w <= upper.

    Parameters
    ----------
    alpha : float, default=1.0
        The penalty strength (>= 0).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (exact weighted centring).
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
    warm_start : bool, default=False
        Start from the previous ``coef_``.
    tol : float, default=1e-4
        Stop when the duality gap <= tol * sum s (y - ybar)^2 (scikit-learn's convention).
    max_iter : int, default=1000
        The most coordinate-descent epochs.
    solver : {"auto", "cd", "gram"}, default="auto"
        ``"cd"``: coordinate descent on working sets; ``"gram"``: covariance mode for n >> p.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The coefficients, on the original scale of X.
    intercept_ : float
        The intercept (0 without ``fit_intercept``).
    dual_gap_ : float
        The duality gap at the solution, in objective units: the certificate.
    n_iter_ : int
        The coordinate-descent epochs run (the certifying pass counts as one).
    converged_ : bool
        Whether ``dual_gap_`` met the tolerance.
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
    >>> lasso = shrinkage.Lasso(alpha=0.1).fit(X, y)
    >>> np.flatnonzero(lasso.coef_)
    array([0, 3])
    >>> lasso.coef_.round(2)
    array([ 1.39,  0.  ,  0.  , -1.95])
    """

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        warm_start: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        solver: str = "auto",
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.positive = positive
        self.warm_start = warm_start
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver

    def _mixing(self) -> float:
        return 1.0


RIDGE_SOLVERS = ("auto", "cholesky", "eigen", "cd")
_CHOLESKY_MAX_P = 4000  # the refit of an uncertified kernel form forms the p x p Gram matrix


class _ClosedForm(NamedTuple):
    """A closed-form Ridge fit: coef (n_targets, p), intercepts, gaps (ElasticNet units) and
    the tolerance of each gap, tol * y'y."""

    coef: np.ndarray
    intercept: np.ndarray
    gaps: np.ndarray
    tol_abs: np.ndarray


class Ridge(_LinearModel):
    """Ridge regression with scikit-learn's scaling: sum s_i (y_i - x_i.w - b)^2 + alpha ||D w||^2.

    D holds the penalty factors (and column scales when ``standardize``).  Closed forms: Cholesky
    of the p x p system (n >= p) or the n x n kernel (p > n); bounds use coordinate descent.
    Several targets (2-D y) are solved at once.

    Parameters
    ----------
    alpha : float, default=1.0
        The penalty strength (>= 0), scikit-learn's Ridge scaling.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (exact weighted centring).
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
    warm_start : bool, default=False
        Start coordinate descent from the previous ``coef_``.
    tol : float, default=1e-4
        The tolerance of the duality gap (relative to y'y).
    max_iter : int, default=1000
        The most coordinate-descent epochs (``solver="cd"`` or bounds).
    solver : {"auto", "cholesky", "eigen", "cd"}, default="auto"
        ``"cholesky"``: the primal p x p system; ``"eigen"``: the kernel form; ``"cd"``:
        coordinate descent (always used with bounds).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The coefficients, on the original scale of X.
    intercept_ : float or ndarray of shape (n_targets,)
        The intercept(s).
    dual_gap_ : float or ndarray of shape (n_targets,)
        The duality gap(s), in ElasticNet units (multiply by 2 sum s for Ridge's).
    n_iter_ : int or ndarray of shape (n_targets,)
        1 for the closed forms; the coordinate-descent epochs otherwise.
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
    >>> ridge = shrinkage.Ridge(alpha=1.0).fit(X, y)
    >>> int(np.count_nonzero(ridge.coef_))  # ridge shrinks every coefficient, zeroes none
    4
    >>> round(ridge.score(X, y), 3)
    0.998
    """

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        warm_start: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        solver: str = "auto",
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.positive = positive
        self.warm_start = warm_start
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Ridge:
        """Fit on X (dense or sparse) and y (one or several targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features (dense or sparse).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            The target(s).
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights s_i >= 0; None is all ones.

        Returns
        -------
        Ridge
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> Y = np.column_stack([y, -y])  # two targets at once
        >>> shrinkage.Ridge(alpha=1.0).fit(X, Y).coef_.shape
        (2, 4)
        """
        if handled_by_extra(X):  # one pass over the data, then Gram mode
            return fit_by_extra(self, X, y, sample_weight)
        alpha = v.check_alpha(self.alpha)
        tol = v.check_tol(self.tol)
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        if self.solver not in RIDGE_SOLVERS:
            raise ValueError(f"solver must be one of {RIDGE_SOLVERS}; got {self.solver!r}.")
        problem, Xc = self._problem(X, y, sample_weight, multi_output=True)
        en_alpha = ridge_alpha_to_elastic_net(alpha, problem.sample_weight)
        bounded = np.any(np.isfinite(problem.lower)) or np.any(np.isfinite(problem.upper))
        targets = problem.y.T if problem.y.ndim == 2 else problem.y[None, :]
        n_iter: int | np.ndarray
        if self.solver == "cd" or bounded:
            coef, intercept, gaps, n_iter = self._fit_cd(problem, en_alpha, targets, tol, max_iter)
        else:
            coef, intercept, gaps = self._fit_closed_form(problem, en_alpha, tol)
            n_iter = 1  # one direct solve
        if problem.y.ndim == 1:
            coef, intercept, gaps = coef[0], intercept[0], gaps[0]
        self.coef_ = np.asarray(coef, dtype=Xc.dtype)
        self.intercept_ = np.asarray(intercept, dtype=Xc.dtype)[()]
        self.dual_gap_ = gaps
        self.n_iter_ = n_iter
        return self

    def _fit_cd(
        self, problem: Problem, en_alpha: float, targets: np.ndarray, tol: float, max_iter: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        coefs, intercepts, gaps, n_iter = [], [], [], []
        for t, y_t in enumerate(targets):
            sub = Problem(
                problem.X,
                y_t,
                problem.sample_weight,
                problem.factors,
                problem.lower,
                problem.upper,
                problem.fit_intercept,
                problem.standardize,
            )
            w0 = None
            if self.warm_start and getattr(self, "coef_", None) is not None:
                prev = np.atleast_2d(self.coef_)
                if prev.shape == (len(targets), problem.n_features):
                    w0 = prev[t].astype(np.float64)
            result = solve_path(
                sub,
                np.array([en_alpha]),
                0.0,
                tol=tol,
                max_iter=max_iter,
                solver="auto",
                w0=w0,
                model="Ridge",
            )
            coefs.append(result.coefs[0])
            intercepts.append(result.intercepts[0])
            gaps.append(result.gaps[0])
            n_iter.append(int(result.n_iter[0]))
        return np.array(coefs), np.array(intercepts), np.array(gaps), np.array(n_iter)

    def _fit_closed_form(
        self, problem: Problem, en_alpha: float, tol: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The kernel form (SVD) or Cholesky; where the kernel form's gap is above tol, Cholesky
        (insensitive to column scales) if p is affordable; a warning if still above."""
        use_kernel = self.solver == "eigen" or (
            self.solver == "auto" and problem.n_features > problem.n_samples
        )
        use_kernel = use_kernel and bool(np.all(problem.factors > 0))
        fit = (
            self._kernel_form(problem, en_alpha, tol)
            if use_kernel
            else self._cholesky(problem, en_alpha, tol)
        )
        tol_abs = fit.tol_abs
        if use_kernel and np.any(fit.gaps > tol_abs) and problem.n_features <= _CHOLESKY_MAX_P:
            refit = self._cholesky(problem, en_alpha, tol)
            fit = refit if np.sum(refit.gaps) < np.sum(fit.gaps) else fit
        coef, intercept, gaps, _ = fit
        if np.any(gaps > tol_abs):
            worst = int(np.argmax(gaps / tol_abs))
            warnings.warn(
                f"Ridge's closed form is not certified at alpha={self.alpha!r}: its duality gap "
                f"{gaps[worst]:.3g} is above the tolerance {tol_abs[worst]:.3g} (rounding in a "
                "badly conditioned system). Try standardize=True for columns on very different "
                "scales, a larger alpha, or solver='cd'.",
                ShrinkageConvergenceWarning,
                stacklevel=3,
            )
        return coef, intercept, gaps

    def _kernel_form(self, problem: Problem, en_alpha: float, tol: float) -> _ClosedForm:
        data = problem.design
        scale = problem.column_scale(data.col_norm_sq)
        d = np.sqrt(problem.factors) * (1.0 if scale is None else scale)
        y = (
            data.y
            if not data.is_sparse
            else (data.y * (np.sqrt(data.sw) if data.y.ndim == 1 else np.sqrt(data.sw)[:, None]))
        )
        coef = ridge_path_dual(data, y, np.array([en_alpha]), d)[0]
        return self._finish(problem, data, scale, en_alpha, coef, tol)

    def _cholesky(self, problem: Problem, en_alpha: float, tol: float) -> _ClosedForm:
        data = problem.statistics
        scale = problem.column_scale(data.col_norm_sq)
        c = 1.0 if scale is None else scale
        l2 = en_alpha * problem.factors * c**2
        G = data.G
        const = data.col_norm_sq == 0
        if np.any(const):  # constant columns carry no information: keep their weight at 0
            G = G.copy()
            G[const, :] = 0.0
            G[:, const] = 0.0
            G[const, const] = 1.0
        coef = ridge_cholesky(G, data.q, l2)
        coef[const] = 0.0
        return self._finish(problem, data, scale, en_alpha, coef, tol)

    def _finish(
        self,
        problem: Problem,
        data: WeightedDesign | SufficientStatistics,
        scale: np.ndarray | None,
        en_alpha: float,
        coef: np.ndarray,
        tol: float,
    ) -> _ClosedForm:
        coef = coef.T if coef.ndim == 2 else coef[None, :]
        intercept = (
            np.atleast_1d(data.y_offset - coef @ data.x_offset)
            if problem.fit_intercept
            else np.zeros(coef.shape[0])
        )
        pw = problem.penalty(en_alpha, 0.0, scale).weights()
        gaps = np.array([self._gap(problem, data, pw, w, t, tol) for t, w in enumerate(coef)])
        return _ClosedForm(coef, intercept, gaps, tol * np.atleast_1d(data.yty))

    @staticmethod
    def _gap(
        problem: Problem,
        data: WeightedDesign | SufficientStatistics,
        pw: PenaltyWeights,
        w: np.ndarray,
        t: int,
        tol: float | None = None,
    ) -> float:
        """Certificate of target t, in ElasticNet units (multiply by 2 sum s for Ridge's); with
        ``tol``, also the gap off the support where the gap at the residual is above it."""
        if problem.y.ndim == 2:
            target = {"q": data.q[:, t]} if hasattr(data, "q") else {"y": data.y[:, t]}
            data = replace(
                data, yty=np.asarray(data.yty)[t], y_offset=np.asarray(data.y_offset)[t], **target
            )
        tol_abs = np.inf if tol is None else tol * float(data.yty)
        return best_gap(data, pw, w, tol_abs, _CHOLESKY_MAX_P)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
