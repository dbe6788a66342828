"""Generalized linear models with the scikit-learn API: logistic, Poisson, Huber, linear SVM.

Every model minimises the GLM objective of ``shrinkage.datafits.base``,

    1/(sum s) sum_i s_i l(y_i, x_i.w + b + offset_i) + alpha sum_j f_j (l1_ratio |w_j|
        + (1 - l1_ratio)/2 w_j^2)   on lower <= w <= upper,

with an unpenalized intercept b.  The classifiers also take scikit-learn's ``C``: the objective
C sum_i s_i l_i + penalty has the same minimiser at alpha = 1 / (C sum s) (``alpha_from_C``).
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _validation as v
from .._dispatch import fit_by_extra, handled_by_extra
from ..conventions import convert
from ..datafits import get_datafit
from ..glm import GLMProblem, solve_glm_path
from ..path import Path
from ..solvers.prox_newton import DivergenceError
from ._serialize import SerializableMixin

_X_FIT = {"accept_sparse": "csc", "dtype": [np.float64, np.float32]}
_X_PREDICT = {"accept_sparse": ["csr", "csc"], "dtype": [np.float64, np.float32], "reset": False}
PENALTIES = ("l1", "l2", "elasticnet", None)
MULTI_CLASS = ("auto", "multinomial", "ovr")


def alpha_from_C(C: float, sample_weight=None, n_samples: int | None = None) -> float:
    """The alpha equal to scikit-learn's C: 1 / (C sum s) (0 for C = inf); the "sklearn_C"
    convention of ``shrinkage.conventions.convert``."""
    total = float(np.sum(sample_weight)) if sample_weight is not None else float(n_samples)
    return convert(C, from_="sklearn_C", to="shrinkage", n=total, l1_ratio=0.0).value


def check_C(C) -> float:
    if isinstance(C, bool) or not isinstance(C, numbers.Real) or not C > 0 or np.isnan(C):
        raise ValueError(f"C must be a positive number (np.inf for no penalty); got {C!r}.")
    return float(C)


def _label(label):
    """A class label as the user wrote it (a Python scalar, not a numpy one)."""
    return label.item() if isinstance(label, np.generic) else label


class _GLM(SerializableMixin, BaseEstimator):
    """The shared fit machinery: one GLM problem, one alpha, warm starts, fitted attributes."""

    def _glm_problem(self, X, y, sample_weight, offset=None) -> GLMProblem:
        return GLMProblem.build(
            X, y, sample_weight=sample_weight, offset=offset,
            penalty_factor=self.penalty_factor, lower=self.lower, upper=self.upper,
            positive=getattr(self, "positive", False), fit_intercept=self.fit_intercept,
            standardize=self.standardize, feature_names=getattr(self, "feature_names_in_", None))

    def _solve(self, problem: GLMProblem, datafit, alpha: float, l1_ratio: float, w0=None,
               b0=None) -> Path:
        return solve_glm_path(problem, datafit, np.array([alpha]), l1_ratio,
                              tol=v.check_tol(self.tol),
                              max_iter=v.check_positive_int(self.max_iter, "max_iter"),
                              w0=w0, b0=b0, model=type(self).__name__)

    def _previous(self, shape: tuple) -> tuple[np.ndarray | None, np.ndarray | None]:
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


# --------------------------------------------------------------------------------------------
# classifiers


class _LinearClassifier(LinearClassifierMixin, _GLM):
    """Labels, class weights and the penalty (alpha or C) of LogisticRegression / LinearSVC."""

    _one_class_note = ""  # what a fit on one weighted class would do

    def _labels(self, X, y, sample_weight):
        """Validated X, class indices of y (``classes_`` set) and s = sample weight x class
        weight."""
        X, y = validate_data(self, X, y, **_X_FIT)
        X = v.check_design(X, feature_names=getattr(self, "feature_names_in_", None))
        check_classification_targets(y)
        self.classes_, idx = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes; y has "
                             f"one class: {_label(self.classes_[0])!r}.")
        sw = v.check_sample_weight(sample_weight, X.shape[0])
        if self.class_weight is not None:
            if not (self.class_weight == "balanced" or isinstance(self.class_weight, dict)):
                raise ValueError("class_weight must be None, 'balanced' or a dict {label: weight}"
                                 f"; got {self.class_weight!r}.")
            weights = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
            sw = sw * weights[idx]
        weighted = np.unique(idx[sw > 0])
        if weighted.size < 2:
            kept = ("no class keeps" if weighted.size == 0 else
                    f"only class {_label(self.classes_[weighted[0]])!r} keeps")
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes with positive weight; "
                f"{kept} any after class_weight={self.class_weight!r} and sample_weight"
                f"{self._one_class_note}: give at least two classes a weight > 0.")
        return X, idx, sw

    def _alpha_l1_ratio(self, total_weight: float) -> tuple[float, float]:
        """(alpha, l1_ratio) from penalty, alpha / C and l1_ratio; alpha wins over C."""
        penalty = self.penalty
        if penalty not in self._penalties:
            raise ValueError(f"penalty must be one of {self._penalties}; got {penalty!r}.")
        if penalty == "elasticnet":
            if self.l1_ratio is None:
                raise ValueError("penalty='elasticnet' needs l1_ratio in [0, 1] (1 is 'l1', 0 "
                                 "is 'l2'); got l1_ratio=None.")
            l1_ratio = v.check_l1_ratio(self.l1_ratio)
        elif self.l1_ratio is not None:
            raise ValueError(f"l1_ratio applies to penalty='elasticnet' only; got penalty="
                             f"{penalty!r} with l1_ratio={self.l1_ratio!r}.")
        else:
            l1_ratio = 1.0 if penalty == "l1" else 0.0
        if penalty is None:
            if self.alpha not in (None, 0, 0.0):
                raise ValueError(f"penalty=None fits without a penalty; alpha={self.alpha!r} "
                                 "would be ignored: drop it or choose a penalty.")
            return 0.0, l1_ratio
        if self.alpha is not None:
            return v.check_alpha(self.alpha), l1_ratio
        return alpha_from_C(check_C(self.C), n_samples=total_weight), l1_ratio

    def _fit_one_vs_rest(self, X, idx, sw, datafit, alpha, l1_ratio, encode) -> list[Path]:
        """One binary fit per class (a single one for two classes), targets ``encode(y == k)``."""
        K = len(self.classes_)
        positives = [1] if K == 2 else range(K)
        w_prev, b_prev = self._previous((len(positives), X.shape[1]))
        paths = []
        for row, k in enumerate(positives):
            problem = self._glm_problem(X, encode(idx == k), sw)
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
    penalty : "l2", "l1", "elasticnet" (mixed by ``l1_ratio``) or None (no penalty: the
        maximum-likelihood fit, which does not exist for perfectly separable classes).
    alpha : penalty strength >= 0 in the module's objective; None uses ``C``.
    C : scikit-learn's inverse strength (> 0; np.inf is no penalty).
    l1_ratio : the Elastic-Net mix, for penalty="elasticnet" only.
    multi_class : "auto" (binary logistic for two classes, multinomial for more), "multinomial"
        (softmax; for two classes ``coef_`` is then the difference class 1 - class 0) or "ovr"
        (one binary fit per class, probabilities normalised to sum to one).
    fit_intercept : fit an unpenalized intercept (one per class).
    standardize : penalize coefficients of columns scaled to unit weighted standard deviation
        (glmnet), reported on the original scale.
    class_weight : None, "balanced" (n / (K n_k)) or a dict {label: weight}; multiplies the
        sample weights.
    penalty_factor, lower, upper : per-feature penalty multipliers and coefficient bounds.
    tol, max_iter : stop when the duality gap is below tol times the intercept-only model's
        objective, or after max_iter coordinate-descent epochs in all (then warn).
    warm_start : start from the previous ``coef_`` / ``intercept_``.

    Attributes
    ----------
    classes_ (sorted labels of any type), coef_ ((1, p) binary, else (K, p)), intercept_,
    dual_gap_ (one per class for OvR), n_iter_ ((1,) or (K,) for OvR), converged_,
    certificate_, n_features_in_, feature_names_in_.

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

    def __init__(self, penalty="l2", *, alpha=None, C=1.0, l1_ratio=None, multi_class="auto",
                 fit_intercept=True, standardize=False, class_weight=None, penalty_factor=None,
                 lower=None, upper=None, tol=1e-4, max_iter=1000, warm_start=False):
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

    def fit(self, X, y, sample_weight=None):
        """Fit on X (dense or sparse) and labels y (any hashable values); returns self."""
        if handled_by_extra(X):  # distributed proximal Newton, one pass per step
            return fit_by_extra(self, X, y, sample_weight)
        multi_class = v.check_choice(self.multi_class, "multi_class", MULTI_CLASS)
        X, idx, sw = self._labels(X, y, sample_weight)
        alpha, l1_ratio = self._alpha_l1_ratio(float(sw.sum()))
        K = len(self.classes_)
        multinomial = multi_class == "multinomial" or (multi_class == "auto" and K > 2)
        try:
            if multinomial:
                paths = [self._fit_multinomial(X, idx, sw, alpha, l1_ratio)]
            else:
                paths = self._fit_one_vs_rest(X, idx, sw, get_datafit("logistic"), alpha,
                                              l1_ratio, lambda t: t.astype(np.float64))
        except DivergenceError as error:
            if alpha > 0:
                raise
            raise ValueError(f"LogisticRegression(penalty={self.penalty!r}) has no finite "
                             f"solution on these data. {error} For example penalty='l2' with "
                             "C=1.0.") from error
        self._multinomial = multinomial
        self._record(paths)
        return self

    def _fit_multinomial(self, X, idx, sw, alpha, l1_ratio) -> Path:
        K, p = len(self.classes_), X.shape[1]
        problem = self._glm_problem(X, idx.astype(np.float64), sw)
        w_prev, b_prev = self._previous((K, p)) if K > 2 else (None, None)
        path = self._solve(problem, get_datafit("multinomial"), alpha, l1_ratio,
                           None if w_prev is None else w_prev.T, b_prev)
        W, b = path.coefs[0].T, np.asarray(path.intercepts[0], dtype=np.float64)  # (K, p), (K,)
        if K == 2:  # one decision function: class 1 against class 0
            W, b = W[1:] - W[:1], b[1:] - b[:1]
        self.coef_, self.intercept_ = W.astype(X.dtype), b.astype(X.dtype)
        return path

    def predict_proba(self, X):
        """Class probabilities (n, K), columns in the order of ``classes_``."""
        d = self.decision_function(X)
        if d.ndim == 1:
            p1 = expit(d)
            return np.column_stack([1.0 - p1, p1])
        if self._multinomial:
            return softmax(d, axis=1)
        p = expit(d)
        return p / p.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        """log of ``predict_proba``."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))


class LinearSVC(_LinearClassifier):
    """Linear support-vector classifier: the squared hinge loss with L1, L2 or EN penalties.

    Minimises 1/(sum s) sum_i s_i max(0, 1 - t_i eta_i)^2 + alpha Omega(w) with t_i = +-1 (one
    binary fit per class for K > 2, as scikit-learn's one-vs-rest).  alpha = 1/(C sum s) gives
    scikit-learn's C sum_i s_i max(0, 1 - t_i eta_i)^2 + penalty.  Unlike liblinear, the
    intercept is NOT penalized (liblinear penalizes it as a feature of value
    ``intercept_scaling``): the two agree with fit_intercept=False.

    Parameters as ``LogisticRegression`` (``penalty`` "l2", "l1" or "elasticnet", no
    ``multi_class``); ``loss`` must be "squared_hinge" (the hinge loss is not offered).

    Attributes
    ----------
    classes_, coef_ ((1, p) or (K, p)), intercept_, dual_gap_ (the certificate of each binary
    fit, one per class when K > 2), n_iter_, converged_, certificate_, n_features_in_,
    feature_names_in_.

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

    def __init__(self, penalty="l2", loss="squared_hinge", *, alpha=None, C=1.0, l1_ratio=None,
                 fit_intercept=True, standardize=False, class_weight=None, penalty_factor=None,
                 lower=None, upper=None, tol=1e-4, max_iter=1000, warm_start=False):
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

    def fit(self, X, y, sample_weight=None):
        """Fit on X (dense or sparse) and labels y; returns self."""
        if self.loss != "squared_hinge":
            raise ValueError(f"loss must be 'squared_hinge' (the smooth SVM loss); got "
                             f"{self.loss!r}.")
        X, idx, sw = self._labels(X, y, sample_weight)
        alpha, l1_ratio = self._alpha_l1_ratio(float(sw.sum()))
        paths = self._fit_one_vs_rest(X, idx, sw, get_datafit("squared_hinge"), alpha, l1_ratio,
                                      lambda t: np.where(t, 1.0, -1.0))
        self._record(paths)
        return self


# --------------------------------------------------------------------------------------------
# regressors


class _GLMRegressor(RegressorMixin, _GLM):
    def _regression_data(self, X, y):
        X, y = validate_data(self, X, y, y_numeric=True, **_X_FIT)
        return v.check_design(X, feature_names=getattr(self, "feature_names_in_", None)), y

    def _predict_linear(self, X, offset=None):
        check_is_fitted(self)
        X = validate_data(self, X, **_X_PREDICT)
        eta = np.asarray(X @ self.coef_) + self.intercept_
        if offset is not None:
            eta = eta + v.check_target(offset, X.shape[0], name="offset")
        return eta


def expected_counts(eta: np.ndarray) -> np.ndarray:
    """The Poisson mean exp(eta) of linear predictors ``eta``.

    A count above the largest float (eta above log(max float), 709.8 in float64, 88.7 in
    float32) is a ValueError naming the row, not inf with numpy's overflow warning (what
    scikit-learn returns): such a row lies far outside the data the model was fitted on.

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
            f"its exponential, the expected count, overflows {eta.dtype} (above "
            f"exp({limit:.4g})); this row lies far outside the data the model was fitted on.")
    return np.exp(eta)


class PoissonRegressor(_GLMRegressor):
    """Poisson regression (log link) with L1, L2 or EN penalties and an offset (log exposure).

    Minimises 1/(sum s) sum_i s_i (mu_i - y_i log mu_i) + alpha Omega(w), mu_i = exp(x_i.w + b +
    offset_i).  The mean deviance is twice that loss up to a constant in w, so with
    ``l1_ratio=0`` this is exactly scikit-learn's PoissonRegressor objective
    1/(2 sum s) sum_i s_i deviance_i + alpha/2 ||w||^2: ``PoissonRegressor(alpha)`` has the same
    minimiser in both libraries.

    Parameters
    ----------
    alpha : penalty strength >= 0; l1_ratio : the EN mix (0: ridge, scikit-learn's).
    fit_intercept, standardize, penalty_factor, lower, upper, positive, tol, max_iter,
    warm_start : as in ``LogisticRegression`` (``positive`` is lower=0).

    Attributes
    ----------
    coef_, intercept_, dual_gap_, n_iter_, converged_, certificate_, n_features_in_,
    feature_names_in_.

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

    def __init__(self, alpha=1.0, *, l1_ratio=0.0, fit_intercept=True, standardize=False,
                 penalty_factor=None, lower=None, upper=None, positive=False, tol=1e-4,
                 max_iter=1000, warm_start=False):
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

    def fit(self, X, y, sample_weight=None, offset=None):
        """Fit counts y >= 0 (``offset``: known log exposure per sample); returns self."""
        if handled_by_extra(X):  # distributed proximal Newton, one pass per step
            return fit_by_extra(self, X, y, sample_weight, offset=offset)
        alpha, l1_ratio = v.check_alpha(self.alpha), v.check_l1_ratio(self.l1_ratio)
        X, y = self._regression_data(X, y)
        datafit = get_datafit("poisson")
        y = datafit.check_target(y)
        problem = self._glm_problem(X, y, sample_weight, offset)
        w0, b0 = self._previous((X.shape[1],))
        path = self._solve(problem, datafit, alpha, l1_ratio, w0, b0)
        self.coef_ = path.coefs[0].astype(X.dtype)
        self.intercept_ = X.dtype.type(path.intercepts[0])
        self._record([path])
        return self

    def predict(self, X, offset=None):
        """The expected counts exp(X coef_ + intercept_ + offset); a ValueError naming the row
        where one overflows a float (see ``expected_counts``)."""
        return expected_counts(self._predict_linear(X, offset))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags
