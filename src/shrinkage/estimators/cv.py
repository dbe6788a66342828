"""Cross-validated estimators: LassoCV, ElasticNetCV (glmnet's cv.glmnet) and RidgeCV.

LassoCV / ElasticNetCV cross-validate warm-started paths on one alpha grid from the full data
(``shrinkage.selection.cv``), every l1_ratio (and every relaxed gamma) on the same folds, and take
the final model from the full-data path at the chosen alpha (``alpha_rule="min"``: the minimum CV
error; ``"1se"``: the largest alpha within one standard error of it, glmnet's lambda.1se).  The
CV errors are oriented so that lower is better: "mse", "mae", or "r2" as 1 - R^2.

RidgeCV selects among ``alphas`` (scikit-learn's Ridge scaling) by exact leave-one-out, GCV or
K-fold, every alpha from one decomposition (``shrinkage.selection.ridge_cv``).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils.validation import validate_data

from .. import _validation as v
from .._any_alpha import cv_coef_at
from .._dispatch import fit_by_extra, handled_by_extra
from .._problem import Problem
from ..selection import ridge_cv
from ..selection._folds import make_folds
from ..selection.cv import (
    CVData,
    PathOptions,
    check_r2_folds,
    cross_validate,
    fold_summary,
    fold_weights,
)
from .linear import _XY, Ridge, _LinearModel

if TYPE_CHECKING:
    from sklearn.utils import Tags

    from .._typing import DesignMatrix
    from ..selection.cv import CVResult

_GAMMAS = (0.0, 0.25, 0.5, 0.75, 1.0)
#: RidgeCV's certificate: the gap off the support too whenever the plain gap is above this
#: (relative to y'y) - an almost unpenalized ridge loses its penalty in the rounding of X'r.
_GAP_TOL = 1e-4

_CV = TypeVar("_CV", bound="ElasticNetCV")


def set_cv_attributes(
    est: _CV, results: list[CVResult], rule: str, is_list: bool, relaxed: bool, dtype: np.dtype[Any]
) -> _CV:
    """Fitted attributes of ElasticNetCV / LassoCV from the CV results (the chosen one has a
    full-data path); shared by in-memory and Dask fits.  Returns ``est``."""
    chosen = next(r for r in results if r.path is not None)
    assert chosen.path is not None  # chosen for it
    coef, intercept = chosen.coefs_at(rule)
    i = chosen.index_min if rule == "min" else chosen.index_1se
    est.alpha_ = chosen.alpha_min if rule == "min" else chosen.alpha_1se
    est.l1_ratio_ = chosen.l1_ratio
    est.gamma_ = (chosen.gamma_min if rule == "min" else chosen.gamma_1se) if relaxed else 1.0
    est.alpha_min_ = chosen.alpha_min
    est.alpha_1se_ = chosen.alpha_1se
    est.coef_ = coef.astype(dtype)
    est.intercept_ = np.dtype(dtype).type(intercept)
    est.dual_gap_ = float(chosen.path.gaps[i])
    est.n_iter_ = max(int(np.sum(chosen.path.n_iter[: i + 1])), 1)
    squeeze = (lambda a: a) if is_list else (lambda a: a[0])
    est.alphas_ = squeeze(np.array([r.alphas for r in results]))
    est.mse_path_ = squeeze(np.array([np.moveaxis(r.fold_errors, 0, -1) for r in results]))
    est.cv_mean_ = squeeze(np.array([r.cv_mean for r in results]))
    est.cv_se_ = squeeze(np.array([r.cv_se for r in results]))
    est.cv_result_ = chosen
    return est


class ElasticNetCV(_LinearModel):
    """Elastic Net with alpha (and l1_ratio, and the relaxed gamma) chosen by cross-validation.

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        A value or a list of values in [0, 1]; a list is searched on the same folds.
    alphas : array-like of float, default=None
        The grid (positive), or None for ``n_alphas`` values per l1_ratio from alpha_max down to
        ``alpha_min_ratio * alpha_max``.
    n_alphas : int, default=100
        The length of the default grid.
    alpha_min_ratio : float, default=None
        The end of the default grid relative to alpha_max; None: glmnet's default (1e-4 when
        n > p, else 1e-2).
    cv : int, splitter or iterable, default=5
        The folds: an int (K-fold, group K-fold when ``groups`` is passed to ``fit``), a
        scikit-learn splitter, or an iterable of (train, test) index arrays.
    scoring : {"mse", "mae", "r2"}, default="mse"
        The CV error, lower is better (``"r2"`` as 1 - R^2).
    alpha_rule : {"min", "1se"}, default="min"
        ``"min"``: the minimum CV error; ``"1se"``: the largest alpha within one standard error
        of the minimum, at the l1_ratio of the minimum.
    n_repeats : int, default=1
        Repeated K-fold (integer cv only).
    relax : bool, default=False
        Also cross-validate glmnet's relaxed fits gamma * lasso + (1 - gamma) * the unpenalized
        refit on the active set, over (gamma, alpha), for every gamma in ``gammas``.
    gammas : sequence of float, default=(0.0, 0.25, 0.5, 0.75, 1.0)
        The relaxed mixing weights in [0, 1] (``relax=True`` only).
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
    tol : float, default=1e-4
        Stop when the duality gap <= tol * sum s (y - ybar)^2 (scikit-learn's convention).
    max_iter : int, default=1000
        The most coordinate-descent epochs.
    solver : {"auto", "cd", "gram"}, default="auto"
        ``"cd"``: coordinate descent on working sets; ``"gram"``: covariance mode for n >> p.
    n_jobs : int, default=None
        joblib parallelism over the folds.
    random_state : int or numpy.random.Generator, default=None
        Seeds shuffled folds.
    progress : bool, default=None
        Show a progress bar; None decides automatically.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    l1_ratio_ : float
        The chosen l1_ratio.
    gamma_ : float
        The chosen relaxed gamma (1.0 unless ``relax``).
    coef_ : ndarray of shape (n_features,)
        The coefficients of the full-data fit at ``alpha_``.
    intercept_ : float
        Its intercept.
    dual_gap_ : float
        The duality gap of the full-data path at ``alpha_`` (of the lasso fit when relaxed).
    n_iter_ : int
        The epochs of the warm-started full-data path down to ``alpha_`` (at least 1).
    alphas_ : ndarray of shape (n_l1_ratio, n_alphas)
        The grid of each l1_ratio (the first axis squeezed for one l1_ratio, as
        scikit-learn).
    mse_path_ : ndarray of shape (n_l1_ratio, n_alphas, n_folds)
        The fold errors of ``scoring``, squeezed alike (named as in scikit-learn whatever
        the scoring).
    cv_mean_ : ndarray
        The mean CV error per alpha (a gamma axis before the alphas with ``relax``).
    cv_se_ : ndarray
        Its standard error, shaped alike.
    alpha_min_ : float
        The alpha of the minimum CV error.
    alpha_1se_ : float
        The largest alpha within one standard error of the minimum.
    cv_result_ : CVResult
        The result of the chosen l1_ratio, its full-data path stopped at ``alpha_min_``.
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
    >>> model = shrinkage.ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=20, cv=3,
    ...                                random_state=0).fit(X, y)
    >>> model.l1_ratio_, model.mse_path_.shape  # (l1_ratios, alphas, folds)
    (1.0, (2, 20, 3))
    >>> model.coef_.round(1)
    array([ 1.5,  0. ,  0. , -2. ])
    """

    def __init__(
        self,
        *,
        l1_ratio: float | Sequence[float] = 0.5,
        alphas: ArrayLike | None = None,
        n_alphas: int = 100,
        alpha_min_ratio: float | None = None,
        cv: object = 5,
        scoring: str = "mse",
        alpha_rule: str = "min",
        n_repeats: int = 1,
        relax: bool = False,
        gammas: Sequence[float] = _GAMMAS,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        solver: str = "auto",
        n_jobs: int | None = None,
        random_state: int | np.random.Generator | None = None,
        progress: bool | None = None,
    ) -> None:
        self.l1_ratio = l1_ratio
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.cv = cv
        self.scoring = scoring
        self.alpha_rule = alpha_rule
        self.n_repeats = n_repeats
        self.relax = relax
        self.gammas = gammas
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.progress = progress

    def _l1_ratios(self) -> tuple[np.ndarray, bool]:
        return v.check_l1_ratios(self.l1_ratio)

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        groups: ArrayLike | None = None,
    ) -> ElasticNetCV:
        """Cross-validate, then take the full-data fit at the chosen alpha.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features (dense or sparse).
        y : array-like of shape (n_samples,)
            The target.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights s_i >= 0; None is all ones.
        groups : array-like of shape (n_samples,), default=None
            Group labels: an integer ``cv`` becomes group K-fold.

        Returns
        -------
        ElasticNetCV
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> groups = np.repeat(np.arange(6), 10)  # six groups of ten rows
        >>> model = shrinkage.LassoCV(n_alphas=10, cv=3).fit(X, y, groups=groups)
        >>> model.mse_path_.shape
        (10, 3)
        """
        if handled_by_extra(X):  # one pass over the data, then Gram mode
            return fit_by_extra(self, X, y, sample_weight, groups)
        rule = v.check_choice(self.alpha_rule, "alpha_rule", v.ALPHA_RULES)
        v.check_choice(self.scoring, "scoring", v.SCORINGS)
        l1_ratios, is_list = self._l1_ratios()
        if not isinstance(self.relax, bool | np.bool_):
            raise ValueError(f"relax must be True or False; got {self.relax!r}.")
        gammas = v.check_gammas(self.gammas) if self.relax else None
        design: DesignMatrix
        design, y = validate_data(self, X, y, **_XY)
        design = v.check_design(design, feature_names=getattr(self, "feature_names_in_", None))
        options = PathOptions(
            fit_intercept=self.fit_intercept,
            standardize=self.standardize,
            penalty_factor=self.penalty_factor,
            lower=self.lower,
            upper=self.upper,
            positive=self.positive,
            tol=self.tol,
            max_iter=self.max_iter,
            solver=self.solver,
            alpha_min_ratio=self.alpha_min_ratio,
            feature_names=getattr(self, "feature_names_in_", None),
        ).checked()
        data = CVData.build(design, y, sample_weight, options, validated=True)
        splits, k = make_folds(
            self.cv,
            data.n_samples,
            X=design,
            y=data.y,
            groups=groups,
            n_repeats=self.n_repeats,
            random_state=self.random_state,
        )
        results = cross_validate(
            data,
            splits,
            k,
            l1_ratios,
            alphas=self.alphas,
            n_alphas=self.n_alphas,
            scoring=self.scoring,
            gammas=gammas,
            n_jobs=self.n_jobs,
            progress=self.progress,
            full_path="best",
            model=type(self).__name__,
        )
        return set_cv_attributes(self, results, rule, is_list, gammas is not None, design.dtype)

    def predict(
        self,
        X: ArrayLike,
        alpha: float | None = None,
        *,
        exact: bool = False,
        train: tuple[ArrayLike, ...] | None = None,
    ) -> np.ndarray:
        """X @ coef_ + intercept_, or the prediction of the full-data path at another ``alpha``.

        ``exact=False`` interpolates between the path's grid points (glmnet's ``exact=FALSE``;
        the path goes down to ``alpha_min_``, below it refuses); ``exact=True`` refits at alpha
        with this estimator's options and needs the training data, ``train=(X, y)`` or
        ``(X, y, sample_weight)``.  See ``shrinkage.Path.coef_at``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features.
        alpha : float, default=None
            Another alpha of the full-data path; None is ``alpha_``.
        exact : bool, default=False
            Refit at ``alpha`` instead of interpolating.
        train : tuple, default=None
            ``(X, y)`` or ``(X, y, sample_weight)``, the training data (``exact=True`` only).

        Returns
        -------
        ndarray of shape (n_samples,)
            The predictions.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> model = shrinkage.LassoCV(n_alphas=20, cv=3, random_state=0).fit(X, y)
        >>> at_1se = model.predict(X[:2], alpha=model.alpha_1se_)
        >>> refit = model.predict(X[:2], alpha=model.alpha_1se_, exact=True, train=(X, y))
        >>> bool(np.allclose(at_1se, refit, atol=1e-3))
        True
        """
        if alpha is None and train is None and exact is False:
            return super().predict(X)
        coef, intercept = cv_coef_at(self, alpha, exact, train)
        X = validate_data(
            self, X, reset=False, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32]
        )
        return np.asarray(X @ coef + intercept)


class LassoCV(ElasticNetCV):
    """The lasso with alpha chosen by cross-validation: ElasticNetCV with l1_ratio = 1.

    Parameters
    ----------
    alphas : array-like of float, default=None
        The grid (positive), or None for ``n_alphas`` values from alpha_max down to
        ``alpha_min_ratio * alpha_max``.
    n_alphas : int, default=100
        The length of the default grid.
    alpha_min_ratio : float, default=None
        The end of the default grid relative to alpha_max; None: glmnet's default (1e-4 when
        n > p, else 1e-2).
    cv : int, splitter or iterable, default=5
        The folds: an int (K-fold, group K-fold when ``groups`` is passed to ``fit``), a
        scikit-learn splitter, or an iterable of (train, test) index arrays.
    scoring : {"mse", "mae", "r2"}, default="mse"
        The CV error, lower is better (``"r2"`` as 1 - R^2).
    alpha_rule : {"min", "1se"}, default="min"
        ``"min"``: the minimum CV error; ``"1se"``: the largest alpha within one standard error
        of the minimum.
    n_repeats : int, default=1
        Repeated K-fold (integer cv only).
    relax : bool, default=False
        Also cross-validate glmnet's relaxed fits gamma * lasso + (1 - gamma) * the unpenalized
        refit on the active set, over (gamma, alpha), for every gamma in ``gammas``.
    gammas : sequence of float, default=(0.0, 0.25, 0.5, 0.75, 1.0)
        The relaxed mixing weights in [0, 1] (``relax=True`` only).
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
    tol : float, default=1e-4
        Stop when the duality gap <= tol * sum s (y - ybar)^2 (scikit-learn's convention).
    max_iter : int, default=1000
        The most coordinate-descent epochs.
    solver : {"auto", "cd", "gram"}, default="auto"
        ``"cd"``: coordinate descent on working sets; ``"gram"``: covariance mode for n >> p.
    n_jobs : int, default=None
        joblib parallelism over the folds.
    random_state : int or numpy.random.Generator, default=None
        Seeds shuffled folds.
    progress : bool, default=None
        Show a progress bar; None decides automatically.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    l1_ratio_ : float
        Always 1.0 (the lasso).
    gamma_ : float
        The chosen relaxed gamma (1.0 unless ``relax``).
    coef_ : ndarray of shape (n_features,)
        The coefficients of the full-data fit at ``alpha_``.
    intercept_ : float
        Its intercept.
    dual_gap_ : float
        The duality gap of the full-data path at ``alpha_`` (of the lasso fit when relaxed).
    n_iter_ : int
        The epochs of the warm-started full-data path down to ``alpha_`` (at least 1).
    alphas_ : ndarray of shape (n_alphas,)
        The grid.
    mse_path_ : ndarray of shape (n_alphas, n_folds)
        The fold errors of ``scoring`` (named as in scikit-learn whatever the scoring).
    cv_mean_ : ndarray
        The mean CV error per alpha (a gamma axis before the alphas with ``relax``).
    cv_se_ : ndarray
        Its standard error, shaped alike.
    alpha_min_ : float
        The alpha of the minimum CV error.
    alpha_1se_ : float
        The largest alpha within one standard error of the minimum.
    cv_result_ : CVResult
        The cross-validation, its full-data path stopped at ``alpha_min_``.
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
    >>> model = shrinkage.LassoCV(n_alphas=20, cv=3, alpha_rule="1se", random_state=0).fit(X, y)
    >>> np.flatnonzero(model.coef_), model.mse_path_.shape
    (array([0, 3]), (20, 3))
    >>> bool(model.alpha_ == model.alpha_1se_ >= model.alpha_min_)
    True
    """

    def __init__(
        self,
        *,
        alphas: ArrayLike | None = None,
        n_alphas: int = 100,
        alpha_min_ratio: float | None = None,
        cv: object = 5,
        scoring: str = "mse",
        alpha_rule: str = "min",
        n_repeats: int = 1,
        relax: bool = False,
        gammas: Sequence[float] = _GAMMAS,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        solver: str = "auto",
        n_jobs: int | None = None,
        random_state: int | np.random.Generator | None = None,
        progress: bool | None = None,
    ) -> None:
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.cv = cv
        self.scoring = scoring
        self.alpha_rule = alpha_rule
        self.n_repeats = n_repeats
        self.relax = relax
        self.gammas = gammas
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.progress = progress

    def _l1_ratios(self) -> tuple[np.ndarray, bool]:
        return np.array([1.0]), False


class RidgeCV(_LinearModel):
    """Ridge with alpha chosen by exact leave-one-out, GCV or K-fold, without refits per alpha.

    Scaling as scikit-learn's Ridge/RidgeCV: sum_i s_i (y_i - x_i.w - b)^2 + alpha ||D w||^2.

    Parameters
    ----------
    alphas : array-like of float, default=(0.1, 1.0, 10.0)
        Positive values to try (kept in the given order; ties go to the first).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (exact weighted centring).
    standardize : bool, default=False
        glmnet-style: penalize the coefficients of columns scaled to unit weighted standard
        deviation, report coefficients on the original scale.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers f_j >= 0 of the penalty (0 leaves a feature unpenalized);
        None is all ones.
    cv : {None, "loo", "gcv"}, int, splitter or iterable, default=None
        None or ``"loo"``: exact leave-one-out (scikit-learn's default); ``"gcv"``: generalized
        cross-validation; an int: K-fold (group K-fold with ``groups`` in ``fit``); a
        scikit-learn splitter or an iterable of (train, test) splits.
    scoring : {"mse", "mae", "r2"}, default="mse"
        The CV error, lower is better (``"r2"`` as 1 - R^2); GCV is a squared error ("mse").
    alpha_per_target : bool, default=False
        One alpha per column of a 2-D y.
    store_cv_results : bool, default=False
        Keep the squared leave-one-out errors in ``cv_results_`` (leave-one-out only).
    random_state : int or numpy.random.Generator, default=None
        Seeds shuffled K-fold.

    Attributes
    ----------
    alpha_ : float or ndarray of shape (n_targets,)
        The chosen alpha (an array with ``alpha_per_target``).
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The coefficients at ``alpha_``.
    intercept_ : float or ndarray of shape (n_targets,)
        The intercept(s).
    cv_mean_ : ndarray of shape (n_alphas,) or (n_targets, n_alphas)
        The CV error per alpha.
    cv_se_ : ndarray or None
        Its standard error (K-fold only, else None).
    best_score_ : float or ndarray of shape (n_targets,)
        scikit-learn's sign: minus the error for "mse"/"mae", R^2 for "r2".
    cv_results_ : ndarray of shape (n_samples, n_alphas) or (n_samples, n_targets, n_alphas)
        The squared leave-one-out errors (only with ``store_cv_results``).
    dual_gap_ : float or ndarray of shape (n_targets,)
        The duality gap(s) at ``alpha_``, in ElasticNet units (as ``Ridge``).
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
    >>> model = shrinkage.RidgeCV(alphas=[0.1, 1.0, 10.0]).fit(X, y)  # leave-one-out
    >>> float(model.alpha_), model.cv_mean_.shape
    (0.1, (3,))
    >>> model.coef_[[0, 3]].round(1)
    array([ 1.5, -2. ])
    """

    def __init__(
        self,
        alphas: ArrayLike = (0.1, 1.0, 10.0),
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        cv: object = None,
        scoring: str = "mse",
        alpha_per_target: bool = False,
        store_cv_results: bool = False,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.cv = cv
        self.scoring = scoring
        self.alpha_per_target = alpha_per_target
        self.store_cv_results = store_cv_results
        self.random_state = random_state

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        groups: ArrayLike | None = None,
    ) -> RidgeCV:
        """Score every alpha, then fit at the best.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features (dense or sparse).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            The target(s).
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights s_i >= 0; None is all ones.
        groups : array-like of shape (n_samples,), default=None
            Group labels: an integer ``cv`` becomes group K-fold.

        Returns
        -------
        RidgeCV
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> model = shrinkage.RidgeCV(alphas=[0.1, 1.0, 10.0], cv="gcv").fit(X, y)
        >>> float(model.alpha_), bool(model.best_score_ < 0)
        (0.1, True)
        """
        alphas = v.check_positive_alphas(self.alphas)
        scoring = v.check_choice(self.scoring, "scoring", v.SCORINGS)
        v.check_random_state(self.random_state)  # checked even where the folds are not shuffled
        mode = self._mode()
        if mode == "gcv" and scoring != "mse":
            raise ValueError(
                f"scoring={scoring!r} needs held-out predictions; cv='gcv' is a "
                "squared-error criterion: use scoring='mse' or cv=None (LOO)."
            )
        if self.store_cv_results and mode != "loo":
            raise ValueError(
                "store_cv_results=True keeps leave-one-out errors: it needs cv=None "
                f"(or 'loo'); got cv={self.cv!r}."
            )
        design: DesignMatrix
        design, y = validate_data(self, X, y, multi_output=True, **_XY)
        design = v.check_design(design, feature_names=getattr(self, "feature_names_in_", None))
        problem = Problem.build(
            design,
            y,
            sample_weight=sample_weight,
            penalty_factor=self.penalty_factor,
            fit_intercept=self.fit_intercept,
            standardize=self.standardize,
            multi_output=True,
            validated=True,
        )
        model, se, stored = None, None, None
        if mode in ("loo", "gcv"):
            loo = ridge_cv.leave_one_out(
                problem,
                alphas,
                gcv=mode == "gcv",
                scoring=scoring,
                store=bool(self.store_cv_results),
            )
            errors, model, stored = loo.errors, loo.model, loo.squared_errors
        else:
            splits, k = make_folds(
                self.cv,
                problem.n_samples,
                X=design,
                y=problem.y,
                groups=groups,
                random_state=self.random_state,
            )
            if scoring == "r2":
                check_r2_folds(problem.y, splits)
            weights = fold_weights(problem.sample_weight, splits, type(self).__name__)
            fold_errors = ridge_cv.kfold(problem, splits, alphas, scoring)  # (F, A, T)
            errors, se = fold_summary(fold_errors, weights, k)
        multi = problem.y.ndim == 2
        n_targets = errors.shape[1]
        if self.alpha_per_target and multi:
            best = np.argmin(errors, axis=0)
        else:
            best = np.full(n_targets, int(np.argmin(errors.mean(axis=1))))
        model = model or ridge_cv.decompose(problem)
        total = problem.sample_weight.sum()
        coef = np.empty((n_targets, problem.n_features))
        for b in np.unique(best):
            targets = best == b
            coef[targets] = model.coefs(np.array([alphas[b] / total]))[0][:, targets].T
        stats = model.stats if isinstance(model, ridge_cv.PrimalRidge) else model.design
        intercept = (
            np.reshape(stats.y_offset, -1) - coef @ stats.x_offset
            if problem.fit_intercept
            else np.zeros(n_targets)
        )
        gaps = np.array(
            [
                Ridge._gap(
                    problem,
                    stats,
                    problem.penalty(
                        alphas[b] / total, 0.0, problem.column_scale(stats.col_norm_sq)
                    ).weights(),
                    coef[t],
                    t,
                    _GAP_TOL,
                )
                for t, b in enumerate(best)
            ]
        )
        picked = errors[best, np.arange(n_targets)]
        score = -picked if scoring != "r2" else 1.0 - picked
        if multi:
            self.alpha_ = alphas[best] if self.alpha_per_target else float(alphas[best[0]])
            self.coef_, self.intercept_ = coef.astype(design.dtype), intercept.astype(design.dtype)
            self.cv_mean_ = errors.T
            self.cv_se_ = None if se is None else se.T
            self.best_score_ = score if self.alpha_per_target else float(score.mean())
            self.dual_gap_: float | np.ndarray = gaps
        else:
            self.alpha_ = float(alphas[best[0]])
            self.coef_ = coef[0].astype(design.dtype)
            self.intercept_ = design.dtype.type(intercept[0])
            self.cv_mean_ = errors[:, 0]
            self.cv_se_ = None if se is None else se[:, 0]
            self.best_score_ = float(score[0])
            self.dual_gap_ = float(gaps[0])
        if stored is not None:
            self.cv_results_ = stored if multi else stored[:, 0, :]
        return self

    def _mode(self) -> str:
        if self.cv is None:
            return "loo"
        if isinstance(self.cv, str):
            return v.check_choice(self.cv, "cv", ("loo", "gcv"))
        if (
            isinstance(self.cv, numbers.Integral)
            or hasattr(self.cv, "split")
            or hasattr(self.cv, "__iter__")
        ):
            return "kfold"
        raise ValueError(
            f"cv must be None, 'loo', 'gcv', an int, a scikit-learn splitter or an "
            f"iterable of splits; got {self.cv!r}."
        )

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
