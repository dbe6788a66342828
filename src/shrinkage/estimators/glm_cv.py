"""Cross-validated GLM estimators: LogisticRegressionCV and PoissonRegressorCV.

Both cross-validate warm-started paths on one alpha grid from the full data, every l1_ratio on
the same folds (stratified for the classifier when ``cv`` is an integer), with the machinery and
the errors of ``shrinkage.selection.glm_cv``; the final model is the full-data path at the chosen
alpha (``alpha_rule="min"``: the smallest CV error; ``"1se"``: the largest alpha within one
standard error of it, glmnet's lambda.1se).
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _validation as v
from .._any_alpha import cv_coef_at
from ..datafits import get_datafit
from ..paths.result import Path
from ..selection._folds import make_folds
from ..selection.cv import CVResult, PathOptions
from ..selection.glm_cv import CLASS_SCORINGS, COUNT_SCORINGS, GLMCVData, cross_validate_glms
from .glm import MULTI_CLASS, LogisticRegression, PoissonRegressor


def _set_cv_attributes(
    est: LogisticRegressionCV | PoissonRegressorCV,
    results: list[CVResult],
    rule: str,
    is_list: bool,
) -> tuple[CVResult, Path]:
    """alpha_, l1_ratio_, alphas_, cv_mean_, cv_se_, ... shared by the two estimators; returns
    the chosen CVResult (the one with a full-data path) and that path."""
    chosen, path = next((r, r.path) for r in results if r.path is not None)
    i = chosen.index_min if rule == "min" else chosen.index_1se
    est.alpha_ = chosen.alpha_min if rule == "min" else chosen.alpha_1se
    est.l1_ratio_ = chosen.l1_ratio
    est.alpha_min_ = chosen.alpha_min
    est.alpha_1se_ = chosen.alpha_1se
    squeeze = (lambda a: a) if is_list else (lambda a: a[0])
    est.alphas_ = squeeze(np.array([r.alphas for r in results]))
    est.cv_mean_ = squeeze(np.array([r.cv_mean for r in results]))
    est.cv_se_ = squeeze(np.array([r.cv_se for r in results]))
    est.cv_result_ = chosen
    est.cv_results_ = results
    est.dual_gap_ = float(path.gaps[i])
    est.n_iter_ = np.array([max(int(np.sum(path.n_iter[: i + 1])), 1)], dtype=np.int32)
    est.converged_ = bool(path.converged[i])
    est.certificate_ = path.certificate
    return chosen, path


def _options(
    est: LogisticRegressionCV | PoissonRegressorCV, names: ArrayLike | None
) -> PathOptions:
    return PathOptions(
        fit_intercept=est.fit_intercept,
        standardize=est.standardize,
        penalty_factor=est.penalty_factor,
        lower=est.lower,
        upper=est.upper,
        positive=getattr(est, "positive", False),
        tol=est.tol,
        max_iter=est.max_iter,
        alpha_min_ratio=est.alpha_min_ratio,
        feature_names=names,
    ).checked()


class LogisticRegressionCV(LogisticRegression):
    """Logistic regression with alpha (and l1_ratio) chosen by cross-validation.

    Parameters
    ----------
    alphas : array-like of float, default=None
        The grid (positive), or None for ``n_alphas`` values from the full data's alpha_max
        down to ``alpha_min_ratio * alpha_max``.
    n_alphas : int, default=100
        The length of the default grid.
    Cs : int or array-like of float, default=None
        scikit-learn's spelling of the grid: a list of C values (alpha = 1/(C sum s)) or an int
        (that many values on np.logspace(-4, 4), scikit-learn's default); not with ``alphas``.
    alpha_min_ratio : float, default=None
        The end of the default grid relative to alpha_max; None: glmnet's default (1e-4 when
        n > p, else 1e-2).
    l1_ratios : float or list of float, default=1.0
        One value or a list in [0, 1] (1 is the lasso, 0 ridge), searched on the same folds;
        the default 1.0 is glmnet's.
    multi_class : {"auto", "multinomial", "ovr"}, default="auto"
        As in ``LogisticRegression``.
    cv : int, splitter or iterable, default=5
        An int (stratified K-fold; stratified group K-fold with ``groups`` in ``fit``), a
        scikit-learn splitter or an iterable of (train, test) index arrays.
    scoring : {"deviance", "accuracy", "roc_auc", "brier"}, default="deviance"
        "deviance" (-2 mean log-likelihood), "accuracy" (as the misclassification rate),
        "roc_auc" (as 1 - AUC) or "brier"; lower is better (``shrinkage.selection.glm_cv``).
    alpha_rule : {"min", "1se"}, default="min"
        "min": the smallest CV error; "1se": the largest alpha within one standard error of it.
    n_repeats : int, default=1
        Repeated stratified K-fold (integer cv only).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (one per class).
    standardize : bool, default=False
        Penalize coefficients of columns scaled to unit weighted standard deviation (glmnet).
    class_weight : dict, "balanced" or None, default=None
        As in ``LogisticRegression``; the class weights come from the full data and weight the
        held-out errors too.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers (0: unpenalized).
    lower : float or array-like of shape (n_features,), default=None
        Lower bounds of the coefficients.
    upper : float or array-like of shape (n_features,), default=None
        Upper bounds of the coefficients.
    tol : float, default=1e-4
        Stop each fit when its duality gap is below tol times the null model's objective.
    max_iter : int, default=1000
        The most coordinate-descent epochs per fit.
    n_jobs : int, default=None
        joblib parallelism over the folds.
    random_state : int or numpy.random.Generator, default=None
        Seeds shuffled folds.
    progress : bool, default=None
        Show a progress bar; None decides automatically.

    Notes
    -----
    A training fold without one of the classes (or with it only at zero weight) is a
    ValueError naming the split and the class (``shrinkage.selection.glm_cv``).

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    l1_ratio_ : float
        The chosen l1_ratio.
    alpha_min_ : float
        The alpha of the smallest CV error.
    alpha_1se_ : float
        The largest alpha within one standard error of it.
    alphas_ : numpy.ndarray of shape (n_l1_ratios, n_alphas)
        The grid of each l1_ratio (squeezed for one l1_ratio).
    cv_mean_ : numpy.ndarray of shape (n_l1_ratios, n_alphas)
        The mean CV error per alpha (squeezed alike).
    cv_se_ : numpy.ndarray of shape (n_l1_ratios, n_alphas)
        Its standard error.
    cv_result_ : CVResult
        The result of the chosen l1_ratio, with its full-data path down to ``alpha_min_``.
    cv_results_ : list of CVResult
        One per l1_ratio.
    C_ : float
        The chosen alpha as scikit-learn's C, 1/(alpha_ sum s).
    Cs_ : numpy.ndarray of shape (n_l1_ratios, n_alphas)
        The grid as C values (squeezed alike).
    classes_ : numpy.ndarray of shape (n_classes,)
        The sorted labels.
    coef_ : numpy.ndarray of shape (1, n_features) or (n_classes, n_features)
        The coefficients of the full-data fit at ``alpha_``.
    intercept_ : numpy.ndarray of shape (1,) or (n_classes,)
        Its intercepts.
    dual_gap_ : float
        The duality gap of the full-data fit at ``alpha_``.
    n_iter_ : numpy.ndarray of shape (1,)
        The epochs of the warm-started full-data path down to ``alpha_`` (at least 1).
    converged_ : bool
        Whether that gap is below the tolerance.
    certificate_ : str
        "duality_gap".
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : numpy.ndarray of shape (n_features,)
        The column names of a DataFrame X.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 4))
    >>> labels = np.where(X[:, 0] - X[:, 3] + 0.5 * rng.standard_normal(80) > 0, "yes", "no")
    >>> clf = shrinkage.LogisticRegressionCV(n_alphas=10, cv=3, random_state=0).fit(X, labels)
    >>> bool(clf.alpha_ in clf.alphas_), clf.predict(X[:2]).tolist()
    (True, ['no', 'no'])
    """

    def __init__(
        self,
        *,
        alphas: ArrayLike | None = None,
        n_alphas: int = 100,
        Cs: int | ArrayLike | None = None,
        alpha_min_ratio: float | None = None,
        l1_ratios: float | Sequence[float] = 1.0,
        multi_class: str = "auto",
        cv: object = 5,
        scoring: str = "deviance",
        alpha_rule: str = "min",
        n_repeats: int = 1,
        fit_intercept: bool = True,
        standardize: bool = False,
        class_weight: dict[Any, float] | str | None = None,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        tol: float = 1e-4,
        max_iter: int = 1000,
        n_jobs: int | None = None,
        random_state: int | np.random.Generator | None = None,
        progress: bool | None = None,
    ) -> None:
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.Cs = Cs
        self.alpha_min_ratio = alpha_min_ratio
        self.l1_ratios = l1_ratios
        self.multi_class = multi_class
        self.cv = cv
        self.scoring = scoring
        self.alpha_rule = alpha_rule
        self.n_repeats = n_repeats
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.class_weight = class_weight
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.progress = progress

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        groups: ArrayLike | None = None,
    ) -> LogisticRegressionCV:
        """Cross-validate, then take the full-data fit at the chosen alpha; returns self.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The design.
        y : array-like of shape (n_samples,)
            The labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights (None: all 1).
        groups : array-like of shape (n_samples,), default=None
            Group labels for group-stratified folds (integer ``cv`` only).

        Returns
        -------
        self
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((80, 3))
        >>> y = (X[:, 0] + rng.logistic(size=80) > 0).astype(int)
        >>> clf = shrinkage.LogisticRegressionCV(n_alphas=5, cv=3).fit(X, y)
        >>> clf.coef_.shape
        (1, 3)
        """
        rule = v.check_choice(self.alpha_rule, "alpha_rule", v.ALPHA_RULES)
        scoring = v.check_choice(self.scoring, "scoring", CLASS_SCORINGS)
        multi_class = v.check_choice(self.multi_class, "multi_class", MULTI_CLASS)
        l1_ratios, is_list = v.check_l1_ratios(self.l1_ratios)
        design, idx, sw = self._labels(X, y, sample_weight)
        total = float(sw.sum())
        alphas = self._grid(total)
        K = len(self.classes_)
        kind = (
            ("ovr" if multi_class == "ovr" else "multinomial")
            if (K > 2 or multi_class == "multinomial")
            else "logistic"
        )
        names = getattr(self, "feature_names_in_", None)
        data = GLMCVData(
            design,
            idx.astype(np.float64),
            sw,
            None,
            _options(self, names),
            kind,
            K,
            None if names is None else np.asarray(names, dtype=object),
            self.classes_,
        )
        splits, k = make_folds(
            self.cv,
            design.shape[0],
            X=design,
            y=idx,
            groups=groups,
            n_repeats=self.n_repeats,
            random_state=self.random_state,
            stratify=True,
        )
        results = cross_validate_glms(
            data,
            splits,
            k,
            l1_ratios,
            alphas=alphas,
            n_alphas=self.n_alphas,
            scoring=scoring,
            n_jobs=self.n_jobs,
            progress=self.progress,
            full_path="best",
            model=type(self).__name__,
        )
        chosen, path = _set_cv_attributes(self, results, rule, is_list)
        self.C_ = 1.0 / (self.alpha_ * total)
        self.Cs_ = 1.0 / (self.alphas_ * total)
        i = chosen.index_min if rule == "min" else chosen.index_1se
        W = np.atleast_2d(path.coefs[i].T)  # (1, p) or (K, p)
        b = np.atleast_1d(np.asarray(path.intercepts[i], dtype=np.float64))
        if kind == "multinomial" and K == 2:  # one decision function: class 1 against class 0
            W, b = W[1:] - W[:1], b[1:] - b[:1]
        self.coef_, self.intercept_ = W.astype(design.dtype), b.astype(design.dtype)
        self._multinomial = kind == "multinomial"
        return self

    def decision_function(  # type: ignore[override]  # alpha, no offset
        self,
        X: ArrayLike,
        alpha: float | None = None,
        *,
        exact: bool = False,
        train: tuple[ArrayLike, ...] | None = None,
    ) -> np.ndarray:
        """The decision function, at ``alpha`` from the full-data path when given.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.
        alpha : float, default=None
            Another alpha on the full-data path (None: ``alpha_``).
        exact : bool, default=False
            False: interpolate between the path's grid points (glmnet's ``exact=FALSE``; down
            to ``alpha_min_``); True: refit at alpha with this estimator's options.
        train : tuple, default=None
            The training data for ``exact=True``: ``(X, y)`` or ``(X, y, sample_weight)``.

        Returns
        -------
        numpy.ndarray of shape (n_samples,) or (n_samples, n_classes)
            The log-odds of ``classes_[1]`` for two classes, else one column per class.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((80, 3))
        >>> y = (X[:, 0] + rng.logistic(size=80) > 0).astype(int)
        >>> clf = shrinkage.LogisticRegressionCV(n_alphas=5, cv=3).fit(X, y)
        >>> clf.decision_function(X[:2], alpha=clf.alpha_).shape
        (2,)
        """
        return LogisticRegression.decision_function(self._at(alpha, exact, train), X)

    def predict(  # type: ignore[override]  # alpha, no offset
        self,
        X: ArrayLike,
        alpha: float | None = None,
        *,
        exact: bool = False,
        train: tuple[ArrayLike, ...] | None = None,
    ) -> np.ndarray:
        """Class labels, at ``alpha`` from the full-data path when given (see
        ``shrinkage.Path.coef_at``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.
        alpha : float, default=None
            Another alpha on the full-data path (None: ``alpha_``).
        exact : bool, default=False
            False: interpolate between the path's grid points (glmnet's ``exact=FALSE``; down
            to ``alpha_min_``); True: refit at alpha with this estimator's options.
        train : tuple, default=None
            The training data for ``exact=True``: ``(X, y)`` or ``(X, y, sample_weight)``.

        Returns
        -------
        numpy.ndarray of shape (n_samples,)
            Labels from ``classes_``.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((80, 3))
        >>> y = (X[:, 0] + rng.logistic(size=80) > 0).astype(int)
        >>> clf = shrinkage.LogisticRegressionCV(n_alphas=5, cv=3).fit(X, y)
        >>> clf.predict(X[:3], alpha=2 * clf.alpha_).shape
        (3,)
        """
        return LogisticRegression.predict(self._at(alpha, exact, train), X)

    def predict_proba(  # type: ignore[override]  # alpha, no offset
        self,
        X: ArrayLike,
        alpha: float | None = None,
        *,
        exact: bool = False,
        train: tuple[ArrayLike, ...] | None = None,
    ) -> np.ndarray:
        """Class probabilities, at ``alpha`` from the full-data path when given.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.
        alpha : float, default=None
            Another alpha on the full-data path (None: ``alpha_``).
        exact : bool, default=False
            False: interpolate between the path's grid points (glmnet's ``exact=FALSE``; down
            to ``alpha_min_``); True: refit at alpha with this estimator's options.
        train : tuple, default=None
            The training data for ``exact=True``: ``(X, y)`` or ``(X, y, sample_weight)``.

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)
            The probabilities, columns in the order of ``classes_``.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((80, 3))
        >>> y = (X[:, 0] + rng.logistic(size=80) > 0).astype(int)
        >>> clf = shrinkage.LogisticRegressionCV(n_alphas=5, cv=3).fit(X, y)
        >>> clf.predict_proba(X[:2], alpha=clf.alpha_, exact=True, train=(X, y)).shape
        (2, 2)
        """
        return LogisticRegression.predict_proba(self._at(alpha, exact, train), X)

    def predict_log_proba(  # type: ignore[override]  # alpha, no offset
        self,
        X: ArrayLike,
        alpha: float | None = None,
        *,
        exact: bool = False,
        train: tuple[ArrayLike, ...] | None = None,
    ) -> np.ndarray:
        """log of ``predict_proba``, at ``alpha`` from the full-data path when given.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.
        alpha : float, default=None
            Another alpha on the full-data path (None: ``alpha_``).
        exact : bool, default=False
            False: interpolate between the path's grid points; True: refit at alpha.
        train : tuple, default=None
            The training data for ``exact=True``: ``(X, y)`` or ``(X, y, sample_weight)``.

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)
            The log-probabilities, columns in the order of ``classes_``.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((80, 3))
        >>> y = (X[:, 0] + rng.logistic(size=80) > 0).astype(int)
        >>> clf = shrinkage.LogisticRegressionCV(n_alphas=5, cv=3).fit(X, y)
        >>> bool(np.allclose(np.exp(clf.predict_log_proba(X[:2], alpha=clf.alphas_[0])),
        ...                  clf.predict_proba(X[:2], alpha=clf.alphas_[0])))
        True
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X, alpha, exact=exact, train=train))

    def _at(
        self, alpha: float | None, exact: bool, train: tuple[ArrayLike, ...] | None
    ) -> LogisticRegressionCV:
        """This model, or a shallow copy holding the full-data path's coefficients at alpha."""
        if alpha is None and train is None and exact is False:
            return self
        if exact is True and isinstance(train, tuple | list) and 2 <= len(train) <= 3:
            if not self._multinomial and len(self.classes_) > 2:
                raise ValueError(
                    "exact=True refits one path: it is not available for a "
                    "one-vs-rest model; use exact=False or multi_class="
                    "'multinomial'."
                )
            labels = copy.copy(self)  # _labels sets classes_: on a copy
            X_train, idx, sw = labels._labels(train[0], train[1], (*train[2:], None)[0])
            if not np.array_equal(labels.classes_, self.classes_):
                raise ValueError(
                    f"train's classes {labels.classes_.tolist()} are not the fitted "
                    f"classes_ {self.classes_.tolist()}."
                )
            train = (X_train, idx.astype(np.float64), sw)
        coef, intercept = cv_coef_at(self, alpha, exact, train)
        W = np.atleast_2d(np.asarray(coef).T)
        b = np.atleast_1d(np.asarray(intercept, dtype=np.float64))
        if self._multinomial and len(self.classes_) == 2:
            W, b = W[1:] - W[:1], b[1:] - b[:1]
        at = copy.copy(self)
        at.coef_, at.intercept_ = W, b
        return at

    def _grid(self, total_weight: float) -> ArrayLike | None:
        """The alphas given by ``alphas`` or ``Cs`` (None: the default grid)."""
        if self.Cs is None:
            return self.alphas
        if self.alphas is not None:
            raise ValueError(
                "give the grid as alphas or as Cs, not both; got alphas="
                f"{self.alphas!r} and Cs={self.Cs!r}."
            )
        Cs = self.Cs
        if isinstance(Cs, numbers.Integral) and not isinstance(Cs, bool):
            Cs = np.logspace(-4, 4, v.check_positive_int(Cs, "Cs"))
        Cs = v.check_positive_alphas(Cs, "Cs")
        return 1.0 / (Cs * total_weight)


class PoissonRegressorCV(PoissonRegressor):
    """Poisson regression with alpha (and l1_ratio) chosen by cross-validation.

    ``fit`` takes ``offset`` (log exposure) and ``groups``.

    Parameters
    ----------
    l1_ratio : float or list of float, default=1.0
        One value or a list in [0, 1], searched on the same folds; 1.0 (the lasso) is glmnet's
        default.
    alphas : array-like of float, default=None
        The grid (positive), or None for ``n_alphas`` values from the full data's alpha_max
        down to ``alpha_min_ratio * alpha_max``.
    n_alphas : int, default=100
        The length of the default grid.
    alpha_min_ratio : float, default=None
        The end of the default grid relative to alpha_max; None: glmnet's default (1e-4 when
        n > p, else 1e-2).
    cv : int, splitter or iterable, default=5
        An int (K-fold; group K-fold with ``groups`` in ``fit``), a scikit-learn splitter or
        an iterable of (train, test) index arrays.
    scoring : {"deviance", "mse", "mae"}, default="deviance"
        The mean Poisson deviance, or the mean squared or absolute error of the expected
        counts; lower is better.
    alpha_rule : {"min", "1se"}, default="min"
        "min": the smallest CV error; "1se": the largest alpha within one standard error of it.
    n_repeats : int, default=1
        Repeated K-fold (integer cv only).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    standardize : bool, default=False
        Penalize coefficients of columns scaled to unit weighted standard deviation (glmnet).
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers (0: unpenalized).
    lower : float or array-like of shape (n_features,), default=None
        Lower bounds of the coefficients.
    upper : float or array-like of shape (n_features,), default=None
        Upper bounds of the coefficients.
    positive : bool, default=False
        Coefficients >= 0 (lower=0).
    tol : float, default=1e-4
        Stop each fit when its duality gap is below tol times the null model's objective.
    max_iter : int, default=1000
        The most coordinate-descent epochs and Newton steps per fit.
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
    alpha_min_ : float
        The alpha of the smallest CV error.
    alpha_1se_ : float
        The largest alpha within one standard error of it.
    alphas_ : numpy.ndarray of shape (n_l1_ratios, n_alphas)
        The grid of each l1_ratio (squeezed for one l1_ratio).
    cv_mean_ : numpy.ndarray of shape (n_l1_ratios, n_alphas)
        The mean CV error per alpha (squeezed alike).
    cv_se_ : numpy.ndarray of shape (n_l1_ratios, n_alphas)
        Its standard error.
    cv_result_ : CVResult
        The result of the chosen l1_ratio, with its full-data path down to ``alpha_min_``.
    cv_results_ : list of CVResult
        One per l1_ratio.
    coef_ : numpy.ndarray of shape (n_features,)
        The coefficients of the full-data fit at ``alpha_``.
    intercept_ : float
        Its intercept.
    dual_gap_ : float
        The duality gap of the full-data fit at ``alpha_``.
    n_iter_ : numpy.ndarray of shape (1,)
        The epochs of the warm-started full-data path down to ``alpha_`` (at least 1).
    converged_ : bool
        Whether that gap is below the tolerance.
    certificate_ : str
        "duality_gap".
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : numpy.ndarray of shape (n_features,)
        The column names of a DataFrame X.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 3))
    >>> counts = rng.poisson(np.exp(0.5 + 0.8 * X[:, 0]))
    >>> model = shrinkage.PoissonRegressorCV(n_alphas=10, cv=3, random_state=0).fit(X, counts)
    >>> bool(model.alpha_ > 0), model.coef_.shape
    (True, (3,))
    """

    def __init__(
        self,
        *,
        l1_ratio: float | Sequence[float] = 1.0,
        alphas: ArrayLike | None = None,
        n_alphas: int = 100,
        alpha_min_ratio: float | None = None,
        cv: object = 5,
        scoring: str = "deviance",
        alpha_rule: str = "min",
        n_repeats: int = 1,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        n_jobs: int | None = None,
        random_state: int | np.random.Generator | None = None,
        progress: bool | None = None,
    ) -> None:
        self.l1_ratio = l1_ratio  # type: ignore[assignment]  # a list: a grid of l1_ratios
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.cv = cv
        self.scoring = scoring
        self.alpha_rule = alpha_rule
        self.n_repeats = n_repeats
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.progress = progress

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        offset: ArrayLike | None = None,
        groups: ArrayLike | None = None,
    ) -> PoissonRegressorCV:
        """Cross-validate, then take the full-data fit at the chosen alpha; returns self.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The design.
        y : array-like of shape (n_samples,)
            The counts (>= 0).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights (None: all 1).
        offset : array-like of shape (n_samples,), default=None
            A known part of the linear predictor, e.g. the log exposure.
        groups : array-like of shape (n_samples,), default=None
            Group labels for group K-fold (integer ``cv`` only).

        Returns
        -------
        self
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((80, 3))
        >>> counts = rng.poisson(np.exp(0.5 + 0.8 * X[:, 0]))
        >>> model = shrinkage.PoissonRegressorCV(n_alphas=5, cv=3).fit(X, counts)
        >>> model.coef_.shape
        (3,)
        """
        rule = v.check_choice(self.alpha_rule, "alpha_rule", v.ALPHA_RULES)
        scoring = v.check_choice(self.scoring, "scoring", COUNT_SCORINGS)
        l1_ratios, is_list = v.check_l1_ratios(self.l1_ratio)
        design, target = self._regression_data(X, y)
        target = get_datafit("poisson").check_target(target)
        n = design.shape[0]
        if offset is not None:
            offset = v.check_target(offset, n, name="offset")
        names = getattr(self, "feature_names_in_", None)
        data = GLMCVData(
            design,
            target,
            v.check_sample_weight(sample_weight, n),
            offset,
            _options(self, names),
            "poisson",
            0,
            None if names is None else np.asarray(names, dtype=object),
        )
        splits, k = make_folds(
            self.cv,
            n,
            X=design,
            y=target,
            groups=groups,
            n_repeats=self.n_repeats,
            random_state=self.random_state,
        )
        results = cross_validate_glms(
            data,
            splits,
            k,
            l1_ratios,
            alphas=self.alphas,
            n_alphas=self.n_alphas,
            scoring=scoring,
            n_jobs=self.n_jobs,
            progress=self.progress,
            full_path="best",
            model=type(self).__name__,
        )
        chosen, path = _set_cv_attributes(self, results, rule, is_list)
        i = chosen.index_min if rule == "min" else chosen.index_1se
        self.coef_ = path.coefs[i].astype(design.dtype)
        self.intercept_ = design.dtype.type(path.intercepts[i])
        return self

    def predict(
        self,
        X: ArrayLike,
        offset: ArrayLike | None = None,
        alpha: float | None = None,
        *,
        exact: bool = False,
        train: tuple[ArrayLike, ...] | None = None,
    ) -> np.ndarray:
        """The expected counts exp(X coef_ + intercept_ + offset), at ``alpha`` from the
        full-data path when given (see ``shrinkage.Path.coef_at``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.
        offset : array-like of shape (n_samples,), default=None
            The known part of the linear predictor (as in ``fit``).
        alpha : float, default=None
            Another alpha on the full-data path (None: ``alpha_``).
        exact : bool, default=False
            False: interpolate between the path's grid points (glmnet's ``exact=FALSE``; down
            to ``alpha_min_``); True: refit at alpha with this estimator's options.
        train : tuple, default=None
            The training data for ``exact=True``: ``(X, y)``, ``(X, y, sample_weight)`` or
            ``(X, y, sample_weight, offset)``.

        Returns
        -------
        numpy.ndarray of shape (n_samples,)
            The expected counts.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((80, 3))
        >>> counts = rng.poisson(np.exp(0.5 + 0.8 * X[:, 0]))
        >>> model = shrinkage.PoissonRegressorCV(n_alphas=5, cv=3).fit(X, counts)
        >>> model.predict(X[:2], alpha=2 * model.alpha_).shape
        (2,)
        """
        if alpha is None and train is None and exact is False:
            return super().predict(X, offset)
        coef, intercept = cv_coef_at(self, alpha, exact, train)
        at = copy.copy(self)
        at.coef_, at.intercept_ = coef, intercept
        return PoissonRegressor.predict(at, X, offset)
