"""Generalized linear models with the scikit-learn API: logistic, Poisson, Huber, linear SVM.

Every model minimises the GLM objective of ``shrinkage.datafits.base``,

    1/(sum s) sum_i s_i l(y_i, x_i.w + b + offset_i) + alpha sum_j f_j (l1_ratio |w_j|
        + (1 - l1_ratio)/2 w_j^2)   on lower <= w <= upper,

with an unpenalized intercept b.  The classifiers also take scikit-learn's ``C``: the objective
C sum_i s_i l_i + penalty has the same minimiser at alpha = 1 / (C sum s) (``alpha_from_C``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _validation as v
from .._dispatch import fit_by_extra, handled_by_extra
from .._problem import Problem
from ..conventions import convert
from ..datafits import Datafit, get_datafit
from ..datafits.tweedie import Tweedie
from ..glm import solve_glm_path
from ..path import Path
from ..solvers.prox_newton import DivergenceError
from ._options import PENALTIES, TWEEDIE_LINKS, check_C
from ._serialize import SerializableMixin

if TYPE_CHECKING:
    from sklearn.utils import Tags

    from .._typing import DesignMatrix

_X_FIT = {"accept_sparse": "csc", "dtype": [np.float64, np.float32]}
_X_PREDICT = {"accept_sparse": ["csr", "csc"], "dtype": [np.float64, np.float32], "reset": False}
MULTI_CLASS = ("auto", "multinomial", "ovr")


def alpha_from_C(
    C: float, sample_weight: ArrayLike | None = None, n_samples: float | None = None
) -> float:
    """The alpha equal to scikit-learn's C: 1 / (C sum s) (0 for C = inf); the "sklearn_C"
    convention of ``shrinkage.conventions.convert``.  ``n_samples`` is the total weight when
    ``sample_weight`` is not given."""
    if sample_weight is not None:
        total = float(np.sum(sample_weight))
    elif n_samples is not None:
        total = float(n_samples)
    else:
        raise ValueError("alpha_from_C needs sample_weight or n_samples; got neither.")
    return float(convert(C, from_="sklearn_C", to="shrinkage", n=total, l1_ratio=0.0).value)


def _label(label: object) -> object:
    """A class label as the user wrote it (a Python scalar, not a numpy one)."""
    return label.item() if isinstance(label, np.generic) else label


class _GLM(SerializableMixin, BaseEstimator):
    """The shared fit machinery: one GLM problem, one alpha, warm starts, fitted attributes."""

    n_iter_: np.ndarray | int  # one entry per fit (per class); HuberRegressor: its scale updates

    def _glm_problem(
        self,
        X: DesignMatrix,
        y: ArrayLike,
        sample_weight: ArrayLike | None,
        offset: ArrayLike | None = None,
    ) -> Problem:
        return Problem.build(
            X,
            y,
            sample_weight=sample_weight,
            offset=offset,
            penalty_factor=self.penalty_factor,
            lower=self.lower,
            upper=self.upper,
            positive=getattr(self, "positive", False),
            fit_intercept=self.fit_intercept,
            standardize=self.standardize,
            feature_names=getattr(self, "feature_names_in_", None),
        )

    def _solve(
        self,
        problem: Problem,
        datafit: Datafit,
        alpha: float,
        l1_ratio: float,
        w0: np.ndarray | None = None,
        b0: float | np.ndarray | None = None,
    ) -> Path:
        return solve_glm_path(
            problem,
            datafit,
            np.array([alpha]),
            l1_ratio,
            tol=v.check_tol(self.tol),
            max_iter=v.check_positive_int(self.max_iter, "max_iter"),
            w0=w0,
            b0=b0,
            model=type(self).__name__,
        )

    def _previous(self, shape: tuple[int, ...]) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(coef_, intercept_) of the previous fit for a warm start, when they fit ``shape``."""
        coef = getattr(self, "coef_", None) if self.warm_start else None
        if coef is None or coef.shape != shape:
            return None, None
        return np.asarray(coef, dtype=np.float64), np.asarray(self.intercept_, dtype=np.float64)

    def _record(self, paths: list[Path]) -> None:
        """dual_gap_, n_iter_, converged_ and certificate_ of one fit or one per class."""
        gaps = np.array([float(p.gaps[0]) for p in paths])
        self.dual_gap_ = float(gaps[0]) if len(paths) == 1 else gaps
        self.n_iter_ = np.array([max(int(p.n_iter[0]), 1) for p in paths], dtype=np.int32)
        self.converged_ = bool(all(bool(p.converged[0]) for p in paths))
        self.certificate_ = paths[0].certificate

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


# --------------------------------------------------------------------------------------------
# classifiers


class _LinearClassifier(LinearClassifierMixin, _GLM):
    """Labels, class weights and the penalty (alpha or C) of LogisticRegression / LinearSVC."""

    _one_class_note = ""  # what a fit on one weighted class would do

    def _labels(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None
    ) -> tuple[DesignMatrix, np.ndarray, np.ndarray]:
        """Validated X, class indices of y (``classes_`` set) and s = sample weight x class
        weight."""
        X, y = validate_data(self, X, y, **_X_FIT)
        names = getattr(self, "feature_names_in_", None)
        design: DesignMatrix = v.check_design(X, feature_names=names)
        check_classification_targets(y)
        self.classes_, idx = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; y has "
                f"one class: {_label(self.classes_[0])!r}."
            )
        sw = v.check_sample_weight(sample_weight, design.shape[0])
        if self.class_weight is not None:
            if not (self.class_weight == "balanced" or isinstance(self.class_weight, dict)):
                raise ValueError(
                    "class_weight must be None, 'balanced' or a dict {label: weight}"
                    f"; got {self.class_weight!r}."
                )
            weights = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
            sw = sw * weights[idx]
        weighted = np.unique(idx[sw > 0])
        if weighted.size < 2:
            kept = (
                "no class keeps"
                if weighted.size == 0
                else f"only class {_label(self.classes_[weighted[0]])!r} keeps"
            )
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes with positive weight; "
                f"{kept} any after class_weight={self.class_weight!r} and sample_weight"
                f"{self._one_class_note}: give at least two classes a weight > 0."
            )
        return design, idx, sw

    def _alpha_l1_ratio(self, total_weight: float) -> tuple[float, float]:
        """(alpha, l1_ratio) from penalty, alpha / C and l1_ratio; alpha wins over C."""
        penalty = self.penalty
        if penalty not in self._penalties:
            raise ValueError(f"penalty must be one of {self._penalties}; got {penalty!r}.")
        if penalty == "elasticnet":
            if self.l1_ratio is None:
                raise ValueError(
                    "penalty='elasticnet' needs l1_ratio in [0, 1] (1 is 'l1', 0 "
                    "is 'l2'); got l1_ratio=None."
                )
            l1_ratio = v.check_l1_ratio(self.l1_ratio)
        elif self.l1_ratio is not None:
            raise ValueError(
                f"l1_ratio applies to penalty='elasticnet' only; got penalty="
                f"{penalty!r} with l1_ratio={self.l1_ratio!r}."
            )
        else:
            l1_ratio = 1.0 if penalty == "l1" else 0.0
        if penalty is None:
            if self.alpha not in (None, 0, 0.0):
                raise ValueError(
                    f"penalty=None fits without a penalty; alpha={self.alpha!r} "
                    "would be ignored: drop it or choose a penalty."
                )
            return 0.0, l1_ratio
        if self.alpha is not None:
            return v.check_alpha(self.alpha), l1_ratio
        return alpha_from_C(check_C(self.C), n_samples=total_weight), l1_ratio

    def _fit_one_vs_rest(
        self,
        X: DesignMatrix,
        idx: np.ndarray,
        sw: np.ndarray,
        datafit: Datafit,
        alpha: float,
        l1_ratio: float,
        encode: Callable[[np.ndarray], np.ndarray],
        offset: np.ndarray | None = None,
    ) -> list[Path]:
        """One binary fit per class (a single one for two classes), targets ``encode(y == k)``;
        ``offset`` (n,) enters every fit, (n, K) its column k the fit of class k."""
        K = len(self.classes_)
        positives = [1] if K == 2 else range(K)
        w_prev, b_prev = self._previous((len(positives), X.shape[1]))
        paths = []
        for row, k in enumerate(positives):
            o = offset if offset is None or offset.ndim == 1 else offset[:, k]
            problem = self._glm_problem(X, encode(idx == k), sw, o)
            w0 = None if w_prev is None else w_prev[row]
            b0 = None if b_prev is None else float(np.ravel(b_prev)[row])
            paths.append(self._solve(problem, datafit, alpha, l1_ratio, w0, b0))
        self.coef_ = np.array([p.coefs[0] for p in paths]).astype(X.dtype)
        self.intercept_ = np.array([float(p.intercepts[0]) for p in paths]).astype(X.dtype)
        return paths


class LogisticRegression(_LinearClassifier):
    """Logistic regression with L1, L2 or Elastic-Net penalties (binary, multinomial or OvR).

    Minimises 1/(sum s) sum_i s_i (log(1 + e^eta_i) - y_i eta_i) + alpha Omega(w) (the module's
    objective; softmax cross-entropy for the multinomial), s the sample weights times the class
    weights.  ``alpha`` and ``C`` are two spellings of the same strength, alpha = 1/(C sum s);
    ``alpha`` wins when given, so ``LogisticRegression(C=C)`` has scikit-learn's minimiser.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet"} or None, default="l2"
        The penalty ("elasticnet" mixed by ``l1_ratio``); None fits without one (the
        maximum-likelihood fit, which does not exist for perfectly separable classes).
    alpha : float or None, default=None
        Penalty strength >= 0 in the module's objective; None uses ``C``.
    C : float, default=1.0
        scikit-learn's inverse strength (> 0; np.inf is no penalty).
    l1_ratio : float or None, default=None
        The Elastic-Net mix in [0, 1], for penalty="elasticnet" only.
    multi_class : {"auto", "multinomial", "ovr"}, default="auto"
        "auto" (binary logistic for two classes, multinomial for more), "multinomial"
        (softmax; for two classes ``coef_`` is then the difference class 1 - class 0) or "ovr"
        (one binary fit per class, probabilities normalised to sum to one).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (one per class).
    standardize : bool, default=False
        Penalize coefficients of columns scaled to unit weighted standard deviation (glmnet),
        reported on the original scale.
    class_weight : dict, "balanced" or None, default=None
        None, "balanced" (n / (K n_k)) or a dict {label: weight}; multiplies the sample
        weights.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers (0: unpenalized).
    lower : float or array-like of shape (n_features,), default=None
        Lower bounds of the coefficients.
    upper : float or array-like of shape (n_features,), default=None
        Upper bounds of the coefficients.
    tol : float, default=1e-4
        Stop when the duality gap is below tol times the intercept-only model's objective.
    max_iter : int, default=1000
        The most coordinate-descent epochs in all (then warn).
    warm_start : bool, default=False
        Start from the previous ``coef_`` / ``intercept_``.

    Attributes
    ----------
    classes_ : numpy.ndarray of shape (n_classes,)
        The sorted labels, of any type.
    coef_ : numpy.ndarray of shape (1, n_features) or (n_classes, n_features)
        The coefficients: one row for two classes, else one per class.
    intercept_ : numpy.ndarray of shape (1,) or (n_classes,)
        The intercepts.
    dual_gap_ : float or numpy.ndarray of shape (n_classes,)
        The certificate (one per class for one-vs-rest).
    n_iter_ : numpy.ndarray of shape (1,) or (n_classes,)
        Epochs taken (one per class for one-vs-rest).
    converged_ : bool
        Whether every certificate is below the tolerance.
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
    >>> clf = shrinkage.LogisticRegression(penalty="l1", C=1.0).fit(X, labels)
    >>> clf.classes_.tolist(), clf.predict(X[:3]).tolist()
    (['no', 'yes'], ['no', 'no', 'no'])
    >>> clf.predict_proba(X[:1]).shape
    (1, 2)
    """

    _penalties = PENALTIES
    _one_class_note = ", so the fit has no finite solution (its intercept would diverge)"

    def __init__(
        self,
        penalty: str | None = "l2",
        *,
        alpha: float | None = None,
        C: float = 1.0,
        l1_ratio: float | None = None,
        multi_class: str = "auto",
        fit_intercept: bool = True,
        standardize: bool = False,
        class_weight: dict[Any, float] | str | None = None,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        tol: float = 1e-4,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
        self.penalty = penalty
        self.alpha = alpha
        self.C = C
        self.l1_ratio = l1_ratio
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.class_weight = class_weight
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        offset: ArrayLike | None = None,
    ) -> LogisticRegression:
        """Fit on X and labels y, with an optional offset; returns self.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The design (sparse matrices stay sparse).
        y : array-like of shape (n_samples,)
            The labels (any hashable values, at least two classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights (None: all 1), multiplied by the class weights.
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
            A known part of the decision function (coefficient fixed at 1): the log-odds of
            class ``classes_[1]`` gain offset_i for two classes; with more classes an
            (n_samples,) offset enters every class's linear predictor (a no-op for the
            multinomial, whose probabilities ignore a common shift) and an
            (n_samples, n_classes) one class k's through its column k.

        Returns
        -------
        self
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((100, 2))
        >>> prior = rng.normal(size=100)  # a known log-odds shift per sample
        >>> y = (X[:, 0] + prior + rng.logistic(size=100) > 0).astype(int)
        >>> clf = shrinkage.LogisticRegression(C=10.0).fit(X, y, offset=prior)
        >>> clf.predict_proba(X[:1], offset=prior[:1]).shape
        (1, 2)
        """
        if handled_by_extra(X):  # distributed proximal Newton, one pass per step
            if offset is None:
                return fit_by_extra(self, X, y, sample_weight)
            return fit_by_extra(self, X, y, sample_weight, offset=offset)
        multi_class = v.check_choice(self.multi_class, "multi_class", MULTI_CLASS)
        design, idx, sw = self._labels(X, y, sample_weight)
        alpha, l1_ratio = self._alpha_l1_ratio(float(sw.sum()))
        K = len(self.classes_)
        offset = None if offset is None else _check_offset(offset, design.shape[0], K)
        multinomial = multi_class == "multinomial" or (multi_class == "auto" and K > 2)
        try:
            if multinomial:
                paths = [self._fit_multinomial(design, idx, sw, alpha, l1_ratio, offset)]
            else:
                paths = self._fit_one_vs_rest(
                    design,
                    idx,
                    sw,
                    get_datafit("logistic"),
                    alpha,
                    l1_ratio,
                    lambda t: t.astype(np.float64),
                    offset,
                )
        except DivergenceError as error:
            if alpha > 0:
                raise
            raise ValueError(
                f"LogisticRegression(penalty={self.penalty!r}) has no finite "
                f"solution on these data. {error} For example penalty='l2' with "
                "C=1.0."
            ) from error
        self._multinomial = multinomial
        self._record(paths)
        return self

    def _fit_multinomial(
        self,
        X: DesignMatrix,
        idx: np.ndarray,
        sw: np.ndarray,
        alpha: float,
        l1_ratio: float,
        offset: np.ndarray | None = None,
    ) -> Path:
        K, p = len(self.classes_), X.shape[1]
        if offset is not None and K == 2:  # the log-odds of class 1: class 0's logit fixed
            offset = np.column_stack([np.zeros_like(offset), offset])
        problem = self._glm_problem(X, idx.astype(np.float64), sw, offset)
        w_prev, b_prev = self._previous((K, p)) if K > 2 else (None, None)
        path = self._solve(
            problem,
            get_datafit("multinomial"),
            alpha,
            l1_ratio,
            None if w_prev is None else w_prev.T,
            b_prev,
        )
        W, b = path.coefs[0].T, np.asarray(path.intercepts[0], dtype=np.float64)  # (K, p), (K,)
        if K == 2:  # one decision function: class 1 against class 0
            W, b = W[1:] - W[:1], b[1:] - b[:1]
        self.coef_, self.intercept_ = W.astype(X.dtype), b.astype(X.dtype)
        return path

    def decision_function(self, X: ArrayLike, offset: ArrayLike | None = None) -> np.ndarray:
        """The linear predictors X coef_' + intercept_ + offset.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
            The known part of the decision function (as in ``fit``).

        Returns
        -------
        numpy.ndarray of shape (n_samples,) or (n_samples, n_classes)
            The log-odds of ``classes_[1]`` for two classes, else one column per class.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> clf = shrinkage.LogisticRegression().fit(X, [0, 1, 0, 1])
        >>> bool(np.allclose(clf.decision_function(X, offset=np.ones(4)),
        ...                  clf.decision_function(X) + 1))
        True
        """
        d = super().decision_function(X)
        if offset is None:
            return d
        return d + _check_offset(offset, d.shape[0], len(self.classes_))

    def predict(self, X: ArrayLike, offset: ArrayLike | None = None) -> np.ndarray:
        """The most probable class of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
            The known part of the decision function (as in ``fit``).

        Returns
        -------
        numpy.ndarray of shape (n_samples,)
            Labels from ``classes_``.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> clf = shrinkage.LogisticRegression().fit(X, ["a", "a", "b", "b"])
        >>> clf.predict(X, offset=np.full(4, -100.0)).tolist()
        ['a', 'a', 'a', 'a']
        """
        d = LogisticRegression.decision_function(self, X, offset)  # not a subclass's override
        return self.classes_[(d > 0).astype(int) if d.ndim == 1 else d.argmax(axis=1)]

    def predict_proba(self, X: ArrayLike, offset: ArrayLike | None = None) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
            The known part of the decision function (as in ``fit``).

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)
            The probabilities (rows sum to one).

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> clf = shrinkage.LogisticRegression().fit(X, [0, 1, 0, 1])
        >>> clf.predict_proba(X).sum(axis=1)
        array([1., 1., 1., 1.])
        """
        d = LogisticRegression.decision_function(self, X, offset)
        if d.ndim == 1:
            p1 = expit(d)
            return np.column_stack([1.0 - p1, p1])
        if self._multinomial:
            return softmax(d, axis=1)
        p = expit(d)
        return p / p.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X: ArrayLike, offset: ArrayLike | None = None) -> np.ndarray:
        """log of ``predict_proba``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
            The known part of the decision function (as in ``fit``).

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)
            The log-probabilities.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> clf = shrinkage.LogisticRegression().fit(X, [0, 1, 0, 1])
        >>> clf.predict_log_proba(X).shape
        (4, 2)
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X, offset))


def _check_offset(offset: ArrayLike, n_samples: int, n_classes: int) -> np.ndarray:
    """A classifier's offset: (n,), or (n, K) for K > 2 classes (one column per class)."""
    offset = v.check_target(offset, n_samples, multi_output=n_classes > 2, name="offset")
    if offset.ndim == 2 and offset.shape[1] != n_classes:
        raise ValueError(
            f"offset must have shape ({n_samples},) or ({n_samples}, {n_classes}) "
            f"(one column per class); got shape {offset.shape}."
        )
    return offset


class LinearSVC(_LinearClassifier):
    """Linear support-vector classifier: the squared hinge loss with L1, L2 or EN penalties.

    Minimises 1/(sum s) sum_i s_i max(0, 1 - t_i eta_i)^2 + alpha Omega(w) with t_i = +-1 (one
    binary fit per class for K > 2, as scikit-learn's one-vs-rest).  alpha = 1/(C sum s) gives
    scikit-learn's C sum_i s_i max(0, 1 - t_i eta_i)^2 + penalty.  Unlike liblinear, the
    intercept is NOT penalized (liblinear penalizes it as a feature of value
    ``intercept_scaling``): the two agree with fit_intercept=False.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet"}, default="l2"
        The penalty ("elasticnet" mixed by ``l1_ratio``).
    loss : {"squared_hinge"}, default="squared_hinge"
        The loss; the hinge loss is not offered.
    alpha : float or None, default=None
        Penalty strength >= 0 in the module's objective; None uses ``C``.
    C : float, default=1.0
        scikit-learn's inverse strength (> 0).
    l1_ratio : float or None, default=None
        The Elastic-Net mix in [0, 1], for penalty="elasticnet" only.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (one per class).
    standardize : bool, default=False
        Penalize coefficients of columns scaled to unit weighted standard deviation (glmnet),
        reported on the original scale.
    class_weight : dict, "balanced" or None, default=None
        None, "balanced" (n / (K n_k)) or a dict {label: weight}; multiplies the sample
        weights.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers (0: unpenalized).
    lower : float or array-like of shape (n_features,), default=None
        Lower bounds of the coefficients.
    upper : float or array-like of shape (n_features,), default=None
        Upper bounds of the coefficients.
    tol : float, default=1e-4
        Stop when the duality gap is below tol times the intercept-only model's objective.
    max_iter : int, default=1000
        The most coordinate-descent epochs in all (then warn).
    warm_start : bool, default=False
        Start from the previous ``coef_`` / ``intercept_``.

    Attributes
    ----------
    classes_ : numpy.ndarray of shape (n_classes,)
        The sorted labels.
    coef_ : numpy.ndarray of shape (1, n_features) or (n_classes, n_features)
        The coefficients: one row for two classes, else one per class.
    intercept_ : numpy.ndarray of shape (1,) or (n_classes,)
        The intercepts.
    dual_gap_ : float or numpy.ndarray of shape (n_classes,)
        The certificate of each binary fit (one per class when there are more than two).
    n_iter_ : numpy.ndarray of shape (1,) or (n_classes,)
        Epochs taken.
    converged_ : bool
        Whether every certificate is below the tolerance.
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
    >>> svc = shrinkage.LinearSVC(C=1.0).fit(X, labels)
    >>> float(np.mean(svc.predict(X) == labels)) > 0.8
    True
    """

    _penalties = PENALTIES[:3]

    def __init__(
        self,
        penalty: str = "l2",
        loss: str = "squared_hinge",
        *,
        alpha: float | None = None,
        C: float = 1.0,
        l1_ratio: float | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        class_weight: dict[Any, float] | str | None = None,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        tol: float = 1e-4,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
        self.penalty = penalty
        self.loss = loss
        self.alpha = alpha
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.class_weight = class_weight
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> LinearSVC:
        """Fit on X and labels y; returns self.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The design (sparse matrices stay sparse).
        y : array-like of shape (n_samples,)
            The labels (at least two classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights (None: all 1), multiplied by the class weights.

        Returns
        -------
        self
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> shrinkage.LinearSVC().fit(X, [0, 0, 1, 1]).predict([[3.5]]).tolist()
        [1]
        """
        if self.loss != "squared_hinge":
            raise ValueError(
                f"loss must be 'squared_hinge' (the smooth SVM loss); got {self.loss!r}."
            )
        design, idx, sw = self._labels(X, y, sample_weight)
        alpha, l1_ratio = self._alpha_l1_ratio(float(sw.sum()))
        paths = self._fit_one_vs_rest(
            design,
            idx,
            sw,
            get_datafit("squared_hinge"),
            alpha,
            l1_ratio,
            lambda t: np.where(t, 1.0, -1.0),
        )
        self._record(paths)
        return self


# --------------------------------------------------------------------------------------------
# regressors


class _GLMRegressor(RegressorMixin, _GLM):
    def _regression_data(self, X: ArrayLike, y: ArrayLike) -> tuple[DesignMatrix, np.ndarray]:
        X_valid, y_valid = validate_data(self, X, y, y_numeric=True, **_X_FIT)
        names = getattr(self, "feature_names_in_", None)
        return v.check_design(X_valid, feature_names=names), y_valid

    def _predict_linear(self, X: ArrayLike, offset: ArrayLike | None = None) -> np.ndarray:
        check_is_fitted(self)
        data = validate_data(self, X, **_X_PREDICT)
        eta = np.asarray(data @ self.coef_) + self.intercept_
        if offset is not None:
            eta = eta + v.check_target(offset, data.shape[0], name="offset")
        return eta


def expected_counts(eta: np.ndarray, what: str = "the expected count") -> np.ndarray:
    """The mean exp(eta) of log-link models with linear predictors ``eta``.

    A mean above the largest float (eta above log(max float), 709.8 in float64, 88.7 in
    float32) is a ValueError naming the row, not inf with numpy's overflow warning (what
    scikit-learn returns): such a row lies far outside the data the model was fitted on.

    Parameters
    ----------
    eta : numpy.ndarray of shape (n,)
        The linear predictors x.coef_ + intercept_ (+ offset).
    what : str, default="the expected count"
        What exp(eta) is, for the error message.

    Returns
    -------
    numpy.ndarray
        exp(eta), of eta's dtype.

    Examples
    --------
    >>> expected_counts(np.array([0.0, 1.0]))
    array([1.        , 2.71828183])
    """
    eta = np.asarray(eta)
    limit = float(np.log(np.finfo(eta.dtype if eta.dtype.kind == "f" else np.float64).max))
    above = np.flatnonzero(~(eta <= limit))
    if above.size:
        i = int(above[0])
        raise ValueError(
            f"X row {i} gives the linear predictor x.coef_ + intercept_ = {float(eta[i]):.3g}: "
            f"its exponential, {what}, overflows {eta.dtype} (above "
            f"exp({limit:.4g})); this row lies far outside the data the model was fitted on."
        )
    return np.exp(eta)


class _LogLinkRegressor(_GLMRegressor):
    """fit and predict of the log-link regressors (Poisson, Gamma, Tweedie): a subclass says
    which datafit (``_datafit``) and what its mean is called (``_mean``)."""

    _mean = "the expected count"

    def _datafit(self) -> Datafit:
        raise NotImplementedError

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        offset: ArrayLike | None = None,
    ) -> _LogLinkRegressor:
        """Fit the model on X and y, with an optional offset; returns self.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The design (sparse matrices stay sparse).
        y : array-like of shape (n_samples,)
            The target: counts >= 0 (Poisson), amounts > 0 (Gamma, Tweedie with power 2) or
            amounts >= 0 (Tweedie with power < 2).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights s (None: all 1).
        offset : array-like of shape (n_samples,), default=None
            A known part of the linear predictor (coefficient fixed at 1), e.g. the log
            exposure: the mean is exp(x.coef_ + intercept_ + offset).

        Returns
        -------
        self
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 2))
        >>> exposure = rng.uniform(1, 3, 60)
        >>> counts = rng.poisson(exposure * np.exp(0.2 + 0.5 * X[:, 0]))
        >>> model = shrinkage.PoissonRegressor(alpha=0.01).fit(X, counts,
        ...                                                    offset=np.log(exposure))
        >>> model.coef_.shape
        (2,)
        """
        if handled_by_extra(X):  # distributed proximal Newton, one pass per step
            return fit_by_extra(self, X, y, sample_weight, offset=offset)
        alpha, l1_ratio = v.check_alpha(self.alpha), v.check_l1_ratio(self.l1_ratio)
        datafit = self._datafit()
        design, target = self._regression_data(X, y)
        target = datafit.check_target(target)
        problem = self._glm_problem(design, target, sample_weight, offset)
        w0, b0 = self._previous((design.shape[1],))
        path = self._solve(problem, datafit, alpha, l1_ratio, w0, b0)
        self.coef_ = path.coefs[0].astype(design.dtype)
        self.intercept_ = design.dtype.type(path.intercepts[0])
        self._record([path])
        return self

    def predict(self, X: ArrayLike, offset: ArrayLike | None = None) -> np.ndarray:
        """The mean exp(X coef_ + intercept_ + offset).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.
        offset : array-like of shape (n_samples,), default=None
            The known part of the linear predictor (as in ``fit``).

        Returns
        -------
        numpy.ndarray of shape (n_samples,)
            The predicted means; a ValueError names a row whose mean overflows a float (see
            ``expected_counts``).

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 2))
        >>> counts = rng.poisson(np.exp(0.2 + 0.5 * X[:, 0]))
        >>> model = shrinkage.PoissonRegressor(alpha=0.01).fit(X, counts)
        >>> bool(np.allclose(model.predict(X[:2], offset=np.log([2.0, 2.0])),
        ...                  2 * model.predict(X[:2])))
        True
        """
        return expected_counts(self._predict_linear(X, offset), self._mean)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags


class PoissonRegressor(_LogLinkRegressor):
    """Poisson regression (log link) with L1, L2 or EN penalties and an offset (log exposure).

    Minimises 1/(sum s) sum_i s_i (mu_i - y_i log mu_i) + alpha Omega(w), mu_i = exp(x_i.w + b +
    offset_i).  The mean deviance is twice that loss up to a constant in w, so with
    ``l1_ratio=0`` this is exactly scikit-learn's PoissonRegressor objective
    1/(2 sum s) sum_i s_i deviance_i + alpha/2 ||w||^2: ``PoissonRegressor(alpha)`` has the same
    minimiser in both libraries.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength >= 0.
    l1_ratio : float, default=0.0
        The Elastic-Net mix in [0, 1] (0: ridge, scikit-learn's; 1: lasso).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    standardize : bool, default=False
        Penalize coefficients of columns scaled to unit weighted standard deviation (glmnet),
        reported on the original scale.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers (0: unpenalized).
    lower : float or array-like of shape (n_features,), default=None
        Lower bounds of the coefficients.
    upper : float or array-like of shape (n_features,), default=None
        Upper bounds of the coefficients.
    positive : bool, default=False
        Coefficients >= 0 (lower=0).
    tol : float, default=1e-4
        Stop when the duality gap is below tol times the intercept-only model's objective.
    max_iter : int, default=1000
        The most coordinate-descent epochs and Newton steps in all (then warn).
    warm_start : bool, default=False
        Start from the previous ``coef_`` / ``intercept_``.

    Attributes
    ----------
    coef_ : numpy.ndarray of shape (n_features,)
        The coefficients.
    intercept_ : float
        The intercept.
    dual_gap_ : float
        The certificate: a bound on the objective's distance to its minimum.
    n_iter_ : numpy.ndarray of shape (1,)
        Epochs and Newton steps taken.
    converged_ : bool
        Whether the certificate is below the tolerance.
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
    >>> model = shrinkage.PoissonRegressor(alpha=0.01).fit(X, counts)
    >>> round(float(model.coef_[0]), 1)  # the true log-rate slope is 0.8
    0.7
    >>> bool(np.all(model.predict(X) > 0))  # expected counts: exp of the linear predictor
    True
    """

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        l1_ratio: float = 0.0,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
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

    def _datafit(self) -> Datafit:
        return get_datafit("poisson")


class GammaRegressor(_LogLinkRegressor):
    """Gamma regression (log link) with L1, L2 or Elastic-Net penalties, offsets and weights.

    Minimises 1/(sum s) sum_i s_i (y_i / mu_i + log mu_i) + alpha Omega(w) with
    mu_i = exp(x_i.w + b + offset_i), half the Gamma deviance up to a constant in w, so with
    ``l1_ratio=0`` this is scikit-learn's GammaRegressor objective
    1/(2 sum s) sum_i s_i deviance_i + alpha/2 ||w||^2 (the same minimiser at the same alpha),
    and with ``l1_ratio > 0`` glum's GeneralizedLinearRegressor(family="gamma").  The link is
    the log link.  The loss is convex with a closed-form conjugate: every fit is certified by
    the duality gap (``dual_gap_``).  y must be > 0.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength >= 0.
    l1_ratio : float, default=0.0
        The Elastic-Net mix in [0, 1] (0: ridge, scikit-learn's; 1: lasso).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    standardize : bool, default=False
        Penalize coefficients of columns scaled to unit weighted standard deviation (glmnet),
        reported on the original scale.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers (0: unpenalized).
    lower : float or array-like of shape (n_features,), default=None
        Lower bounds of the coefficients.
    upper : float or array-like of shape (n_features,), default=None
        Upper bounds of the coefficients.
    positive : bool, default=False
        Coefficients >= 0 (lower=0).
    tol : float, default=1e-4
        Stop when the duality gap is below tol times the intercept-only model's objective.
    max_iter : int, default=1000
        The most coordinate-descent epochs and Newton steps in all (then warn).
    warm_start : bool, default=False
        Start from the previous ``coef_`` / ``intercept_``.

    Attributes
    ----------
    coef_ : numpy.ndarray of shape (n_features,)
        The coefficients (log-mean scale).
    intercept_ : float
        The intercept.
    dual_gap_ : float
        The duality gap: a bound on the objective's distance to its minimum.
    n_iter_ : numpy.ndarray of shape (1,)
        Epochs and Newton steps taken.
    converged_ : bool
        Whether the gap is below the tolerance.
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
    >>> X = rng.standard_normal((200, 3))
    >>> claims = rng.gamma(2.0, np.exp(1.0 + 0.5 * X[:, 0]) / 2.0)
    >>> model = shrinkage.GammaRegressor(alpha=0.01, l1_ratio=1.0).fit(X, claims)
    >>> model.coef_.round(1)  # the true log-mean slopes are 0.5, 0, 0 (L1 shrinks them)
    array([ 0.4, -0. ,  0. ])
    >>> bool(model.converged_ and model.dual_gap_ < 1e-4)
    True
    """

    _mean = "the expected amount"

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        l1_ratio: float = 0.0,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
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

    def _datafit(self) -> Datafit:
        return get_datafit("gamma")


class TweedieRegressor(_LogLinkRegressor):
    """Tweedie regression (log link, power <= 0 or >= 1) with L1, L2 or Elastic-Net penalties.

    Minimises 1/(sum s) sum_i s_i l_p(y_i, eta_i) + alpha Omega(w), l_p half the Tweedie unit
    deviance of mean mu_i = exp(eta_i), eta_i = x_i.w + b + offset_i, so with ``l1_ratio=0``
    this is scikit-learn's TweedieRegressor(power, link="log") objective
    1/(2 sum s) sum_i s_i deviance_i + alpha/2 ||w||^2, and with ``l1_ratio > 0`` glum's
    GeneralizedLinearRegressor(family=TweedieDistribution(power)).  power=0 is the normal
    distribution (any y), 1 Poisson, 2 Gamma, 3 the inverse Gaussian (y > 0 from power 2 on),
    and 1 < power < 2 the compound Poisson-Gamma (y >= 0 with exact zeros, e.g. insurance
    losses).

    Only the log link is offered.  For 1 <= power <= 2 the loss is convex and every fit is
    certified by the duality gap (the conjugate is computed per sample by a safeguarded Newton
    method, as an upper bound: ``shrinkage.datafits.tweedie``).  For power <= 0 and power > 2
    the log link makes the loss non-convex in the coefficients: the fit is a local minimum
    reached from the intercept-only model (scikit-learn's start too), by Newton steps on the
    Fisher weights mu^(2-p) (IRLS) with a line search on the objective, and certified by its
    KKT violation (``certificate_`` is "kkt").  Powers in (0, 1) belong to no Tweedie
    distribution and are refused.

    Parameters
    ----------
    power : float, default=1.5
        The variance power p <= 0 or p >= 1 (Var y = phi mu^p).
    alpha : float, default=1.0
        Penalty strength >= 0.
    l1_ratio : float, default=0.0
        The Elastic-Net mix in [0, 1] (0: ridge, scikit-learn's; 1: lasso).
    link : {"log", "auto"}, default="log"
        The link function: the log link only ("auto" means "log", scikit-learn's choice for
        power > 0; for power <= 0 scikit-learn's "auto" is the identity link, so "auto" is
        refused there).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    standardize : bool, default=False
        Penalize coefficients of columns scaled to unit weighted standard deviation (glmnet),
        reported on the original scale.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers (0: unpenalized).
    lower : float or array-like of shape (n_features,), default=None
        Lower bounds of the coefficients.
    upper : float or array-like of shape (n_features,), default=None
        Upper bounds of the coefficients.
    positive : bool, default=False
        Coefficients >= 0 (lower=0).
    tol : float, default=1e-4
        Stop when the duality gap is below tol times the intercept-only model's objective
        (1 <= power <= 2), or when the KKT violation per unit column norm is below tol times
        sqrt(sum_i s_i l'(y_i, eta_i)^2 / sum_i s_i) at the intercept-only model (otherwise).
    max_iter : int, default=1000
        The most coordinate-descent epochs and Newton steps in all (then warn).
    warm_start : bool, default=False
        Start from the previous ``coef_`` / ``intercept_``.

    Attributes
    ----------
    coef_ : numpy.ndarray of shape (n_features,)
        The coefficients (log-mean scale).
    intercept_ : float
        The intercept.
    dual_gap_ : float
        The certificate: the duality gap, a bound on the objective's distance to its minimum
        (1 <= power <= 2), or the largest KKT violation per unit column norm (otherwise).
    n_iter_ : numpy.ndarray of shape (1,)
        Epochs and Newton steps taken.
    converged_ : bool
        Whether the certificate is below the tolerance.
    certificate_ : str
        "duality_gap" (1 <= power <= 2) or "kkt".
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : numpy.ndarray of shape (n_features,)
        The column names of a DataFrame X.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((300, 3))
    >>> mu = np.exp(0.5 + 0.6 * X[:, 0])
    >>> losses = rng.poisson(mu) * rng.gamma(2.0, 0.5, 300)  # compound Poisson-Gamma, zeros
    >>> model = shrinkage.TweedieRegressor(power=1.5, alpha=0.01, l1_ratio=1.0).fit(X, losses)
    >>> bool(model.coef_[0] > 0.4 and model.converged_)
    True
    >>> durations = rng.wald(mu, 4.0)  # inverse Gaussian: power 3, non-convex with the log link
    >>> model = shrinkage.TweedieRegressor(power=3, alpha=0.01, l1_ratio=1.0).fit(X, durations)
    >>> model.certificate_, model.converged_, model.coef_.round(1)
    ('kkt', True, array([ 0.6,  0. , -0.1]))
    """

    _mean = "the expected amount"

    def __init__(
        self,
        power: float = 1.5,
        alpha: float = 1.0,
        *,
        l1_ratio: float = 0.0,
        link: str = "log",
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
        self.power = power
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.link = link
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start

    def _datafit(self) -> Datafit:
        if not (isinstance(self.link, str) and self.link in TWEEDIE_LINKS):
            raise ValueError(
                f"link must be 'log' (or 'auto', which is the log link for "
                f"power > 0); got link={self.link!r}: other links are not "
                "offered."
            )
        datafit = Tweedie(self.power)  # get_datafit("tweedie", power=...), its class named
        if self.link == "auto" and datafit.power <= 0:
            raise ValueError(
                f"link='auto' is scikit-learn's identity link for power <= 0 "
                f"(got power={self.power!r}), which is not offered; pass "
                "link='log' for the log link."
            )
        return datafit
