"""Group lasso and sparse-group lasso with the scikit-learn estimator API.

Both estimators minimise (``shrinkage.solvers.group_cd``)

    1/(sum s) sum_i s_i l(y_i, x_i.w + b)
        + alpha [l1_ratio ||w||_1 + (1 - l1_ratio) sum_g f_g ||w_g||_2]

with the groups of columns given as one integer label per column (``groups``; -1 or None: in no
group; the default None puts every column in its own group, which is the lasso) and group factors
f_g (default sqrt(|g|)).  Whole groups, e.g. the one-hot columns of a categorical feature, enter
or leave the model together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.utils._available_if import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _validation as v
from ..group_path import GroupProblem, solve_group_path
from ._options import CLASSIFICATION_DATAFITS, REGRESSION_DATAFITS
from ._serialize import SerializableMixin
from .glm import expected_counts

if TYPE_CHECKING:
    from sklearn.utils import Tags

    from .._typing import DesignMatrix
    from ..datafits.base import Datafit

_X_FIT = {"accept_sparse": "csc", "dtype": [np.float64, np.float32]}
_X_PREDICT = {"accept_sparse": ["csr", "csc"], "dtype": [np.float64, np.float32], "reset": False}
_INVERSE_LINK = {"poisson": expected_counts}


class _GroupModel(SerializableMixin, BaseEstimator):
    """One fit at one alpha, warm starts and the fitted attributes."""

    def _fit(
        self,
        X: DesignMatrix,
        y: ArrayLike,
        sample_weight: ArrayLike | None,
        offset: ArrayLike | None,
        datafit: str | Datafit,
    ) -> tuple[np.ndarray, float | np.ndarray]:
        """(coef, intercept) in the solver's shapes: (p,) and a number, or (p, K) and (K,)."""
        alpha = v.check_alpha(self.alpha)
        l1_ratio = v.check_l1_ratio(self.l1_ratio)
        problem = GroupProblem.build(
            X,
            y,
            self.groups,
            datafit=datafit,
            group_factor=self.group_factor,
            fit_intercept=self.fit_intercept,
            standardize=self.standardize,
            sample_weight=sample_weight,
            offset=offset,
            validated=True,
        )
        w0 = b0 = None
        previous = getattr(self, "_solution", None) if self.warm_start else None
        if previous is not None and previous[0].size == problem.n_features * problem.n_classes:
            w0, b0 = previous
        result = solve_group_path(
            problem,
            np.array([alpha]),
            l1_ratio,
            tol=v.check_tol(self.tol),
            max_iter=v.check_positive_int(self.max_iter, "max_iter"),
            w0=w0,
            b0=b0,
            model=type(self).__name__,
        )
        groups = problem.groups
        coef, intercept = result.coefs[0], result.intercepts[0]
        self._solution = (coef, intercept)
        self.groups_ = [groups.members(g) for g in range(groups.n_groups)]
        self.group_labels_ = groups.labels.copy()
        rows = np.sqrt(np.sum(coef**2, axis=1)) if coef.ndim == 2 else coef
        self.active_groups_ = np.flatnonzero(groups.norms(rows) > 0)
        self.dual_gap_ = float(result.gaps[0])
        self.certificate_ = result.certificate
        self.n_iter_ = max(int(result.n_iter[0]), 1)  # the certifying pass counts as one
        self.converged_ = bool(result.converged[0])
        return coef.astype(X.dtype), np.asarray(intercept, dtype=X.dtype)[()]

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class GroupLasso(RegressorMixin, _GroupModel):
    """Group lasso / sparse-group lasso regression.

    ``datafit`` is "quadratic" (least squares, 1/2 (y - eta)^2), "poisson" (log link;
    ``predict`` returns exp(eta)), "huber" or "quantile" (the pinball loss, median regression;
    ``shrinkage.datafits.Quantile(tau)`` for the tau-quantile), or a datafit instance of
    ``shrinkage.datafits``; for classification use ``GroupLassoClassifier``.

    Parameters
    ----------
    groups : array-like of shape (n_features,), default=None
        One integer label per column (-1 or None: the column is in no group and forms a group
        of its own); None puts every column in its own group: the lasso.
    alpha : float, default=1.0
        The penalty strength (>= 0).
    datafit : str or Datafit, default="quadratic"
        The loss, as described above (a name or a datafit instance).
    l1_ratio : float, default=0.0
        The weight of the L1 norm (0: group lasso, in (0, 1): sparse-group lasso, 1: lasso).
    group_factor : float, dict or array-like, default=None
        f_g >= 0: None (sqrt of the group size), a number, a dict {label: factor} or one value
        per group in the order of ``groups_``; 0 leaves a group unpenalized.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    standardize : bool, default=False
        Penalize the coefficients of columns scaled to unit weighted standard deviation
        (glmnet), reported on the original scale.
    tol : float, default=1e-4
        Stop when the certificate (duality gap, or KKT violation with an unpenalized group) is
        below tol times that of the null model.
    max_iter : int, default=1000
        The most block coordinate-descent epochs (Newton steps for the quantile loss).
    warm_start : bool, default=False
        Start from the previous ``coef_`` / ``intercept_``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The coefficients.
    intercept_ : float
        The intercept.
    groups_ : list of ndarray
        The columns of each group (groups ordered by label, then the ungrouped columns).
    group_labels_ : ndarray of int
        The label of each group (-1 for an ungrouped column).
    active_groups_ : ndarray of int
        Indices into ``groups_`` of the groups with non-zero coefficients.
    dual_gap_ : float
        The certificate at the solution, in objective units.
    certificate_ : {"duality_gap", "kkt"}
        What ``dual_gap_`` is.
    n_iter_ : int
        The epochs run (the certifying pass counts as one).
    converged_ : bool
        Whether the certificate met the tolerance.
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
    >>> model = shrinkage.GroupLasso(groups=[0, 0, 1, 1], alpha=0.05).fit(X, y)
    >>> [int(np.count_nonzero(model.coef_[g])) for g in (slice(0, 2), slice(2, 4))]
    [2, 2]
    >>> model = shrinkage.GroupLasso(groups=[0, 1, 1, 2], alpha=0.1).fit(X, y)
    >>> np.flatnonzero(model.coef_)  # the group of columns 1 and 2 is out as a whole
    array([0, 3])
    """

    def __init__(
        self,
        groups: ArrayLike | None = None,
        alpha: float = 1.0,
        *,
        datafit: str | Datafit = "quadratic",
        l1_ratio: float = 0.0,
        group_factor: ArrayLike | Mapping[Any, float] | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
        self.groups = groups
        self.alpha = alpha
        self.datafit = datafit
        self.l1_ratio = l1_ratio
        self.group_factor = group_factor
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        offset: ArrayLike | None = None,
    ) -> GroupLasso:
        """Fit on X (dense or sparse) and y, with an optional offset in the linear predictor.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features (dense or sparse).
        y : array-like of shape (n_samples,)
            The target.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights s_i >= 0; None is all ones.
        offset : array-like of shape (n_samples,), default=None
            Added to the linear predictor (e.g. log exposure for the Poisson datafit).

        Returns
        -------
        GroupLasso
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((80, 3))
        >>> exposure = rng.uniform(1.0, 3.0, 80)
        >>> counts = rng.poisson(exposure * np.exp(0.5 * X[:, 0]))
        >>> model = shrinkage.GroupLasso(alpha=0.05, datafit="poisson")
        >>> np.flatnonzero(model.fit(X, counts, offset=np.log(exposure)).coef_)
        array([0])
        """
        if isinstance(self.datafit, str) and self.datafit not in REGRESSION_DATAFITS:
            hint = (
                " (a classification loss: use GroupLassoClassifier)"
                if self.datafit in CLASSIFICATION_DATAFITS
                else ""
            )
            raise ValueError(
                f"datafit must be one of {REGRESSION_DATAFITS} or a datafit "
                f"instance; got {self.datafit!r}{hint}."
            )
        design: DesignMatrix
        design, y = validate_data(self, X, y, y_numeric=True, **_X_FIT)
        design = v.check_design(design, feature_names=getattr(self, "feature_names_in_", None))
        self.coef_, self.intercept_ = self._fit(design, y, sample_weight, offset, self.datafit)
        return self

    def predict(self, X: ArrayLike) -> np.ndarray:
        """x.w + b (its exponential for the Poisson datafit).

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
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> model = shrinkage.GroupLasso(groups=[0, 0, 1, 1], alpha=0.05).fit(X, y)
        >>> model.predict(X[:3]).shape
        (3,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, **_X_PREDICT)
        eta = np.asarray(X @ self.coef_ + self.intercept_)
        link = _INVERSE_LINK.get(self.datafit) if isinstance(self.datafit, str) else None
        return eta if link is None else link(eta)


class GroupLassoClassifier(LinearClassifierMixin, _GroupModel):
    """Classification with a group / sparse-group lasso penalty.

    ``datafit`` is "logistic" (log(1 + e^eta) - t eta, t in {0, 1}) or "squared_hinge" (a
    linear SVM, max(0, 1 - t eta)^2, t = +-1), both for two classes, or "multinomial" (softmax
    cross-entropy, any number of classes; each group then holds its features' coefficients of
    every class, and l1_ratio > 0 also zeroes single coefficients).  Labels may be of any type.
    The default alpha is 0.01 (these losses have slopes of order 1, so alpha = 1 leaves every
    coefficient at 0).

    Parameters
    ----------
    groups : array-like of shape (n_features,), default=None
        One integer label per column (-1 or None: the column is in no group and forms a group
        of its own); None puts every column in its own group: the lasso.
    alpha : float, default=0.01
        The penalty strength (>= 0).
    datafit : {"logistic", "squared_hinge", "multinomial"}, default="logistic"
        The loss, as described above.
    l1_ratio : float, default=0.0
        The weight of the L1 norm (0: group lasso, in (0, 1): sparse-group lasso, 1: lasso).
    group_factor : float, dict or array-like, default=None
        f_g >= 0: None (sqrt of the group size), a number, a dict {label: factor} or one value
        per group in the order of ``groups_``; 0 leaves a group unpenalized.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    standardize : bool, default=False
        Penalize the coefficients of columns scaled to unit weighted standard deviation
        (glmnet), reported on the original scale.
    tol : float, default=1e-4
        Stop when the certificate (duality gap, or KKT violation with an unpenalized group) is
        below tol times that of the null model.
    max_iter : int, default=1000
        The most block coordinate-descent epochs.
    warm_start : bool, default=False
        Start from the previous ``coef_`` / ``intercept_``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        (1, p) for two classes, (K, p) for the multinomial with K > 2 (with two classes the
        multinomial reports class 1 - class 0).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        The intercept(s).
    groups_ : list of ndarray
        The columns of each group (groups ordered by label, then the ungrouped columns).
    group_labels_ : ndarray of int
        The label of each group (-1 for an ungrouped column).
    active_groups_ : ndarray of int
        Indices into ``groups_`` of the groups with non-zero coefficients.
    dual_gap_ : float
        The certificate at the solution, in objective units.
    certificate_ : {"duality_gap", "kkt"}
        What ``dual_gap_`` is.
    n_iter_ : int
        The epochs run (the certifying pass counts as one).
    converged_ : bool
        Whether the certificate met the tolerance.
    n_features_in_ : int
        The number of columns of X seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        X's column names (only when X has column names).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 4))
    >>> labels = np.where(X[:, 0] - X[:, 3] + 0.5 * rng.standard_normal(80) > 0, "yes", "no")
    >>> clf = shrinkage.GroupLassoClassifier(groups=[0, 1, 1, 2], alpha=0.05).fit(X, labels)
    >>> clf.classes_.tolist(), np.flatnonzero(clf.coef_.ravel()).tolist()
    (['no', 'yes'], [0, 3])
    """

    def __init__(
        self,
        groups: ArrayLike | None = None,
        alpha: float = 0.01,
        *,
        datafit: str = "logistic",
        l1_ratio: float = 0.0,
        group_factor: ArrayLike | Mapping[Any, float] | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
        self.groups = groups
        self.alpha = alpha
        self.datafit = datafit
        self.l1_ratio = l1_ratio
        self.group_factor = group_factor
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> GroupLassoClassifier:
        """Fit on X (dense or sparse) and labels y (any values).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features (dense or sparse).
        y : array-like of shape (n_samples,)
            The class labels (any values).
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights s_i >= 0; None is all ones.

        Returns
        -------
        GroupLassoClassifier
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((90, 3))
        >>> y = np.argmax(X + 0.3 * rng.standard_normal((90, 3)), axis=1)  # three classes
        >>> clf = shrinkage.GroupLassoClassifier(alpha=0.01, datafit="multinomial").fit(X, y)
        >>> clf.coef_.shape, clf.classes_.tolist()
        ((3, 3), [0, 1, 2])
        """
        datafit = v.check_choice(self.datafit, "datafit", CLASSIFICATION_DATAFITS)
        design: DesignMatrix
        design, y = validate_data(self, X, y, **_X_FIT)
        design = v.check_design(design, feature_names=getattr(self, "feature_names_in_", None))
        check_classification_targets(y)
        self.classes_, idx = np.unique(y, return_inverse=True)
        K = len(self.classes_)
        shown = ", ".join(repr(str(c)) for c in self.classes_[:5])
        if K < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of 2 classes; y has 1 class ({shown})."
            )
        if K > 2 and datafit != "multinomial":
            raise ValueError(
                f"Only binary classification is supported with datafit={datafit!r}: "
                f"{type(self).__name__} got {K} classes ({shown}{', ...' if K > 5 else ''}); "
                "use datafit='multinomial' for more."
            )
        target = np.where(idx, 1.0, -1.0) if datafit == "squared_hinge" else idx.astype(float)
        coef, intercept = self._fit(design, target, sample_weight, None, datafit)
        if datafit != "multinomial":
            coef, intercept = coef[:, None], np.atleast_1d(intercept)
        elif K == 2:  # one decision function: class 1 against class 0
            assert isinstance(intercept, np.ndarray)  # multinomial: one intercept per class
            coef, intercept = coef[:, 1:] - coef[:, :1], intercept[1:] - intercept[:1]
        self.coef_, self.intercept_ = np.ascontiguousarray(coef.T), intercept
        return self

    @available_if(lambda self: self.datafit in ("logistic", "multinomial"))
    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            The probabilities (rows sum to 1).

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((80, 4))
        >>> labels = np.where(X[:, 0] - X[:, 3] + 0.5 * rng.standard_normal(80) > 0, "yes", "no")
        >>> clf = shrinkage.GroupLassoClassifier(groups=[0, 1, 1, 2], alpha=0.05).fit(X, labels)
        >>> clf.predict_proba(X[:2]).sum(axis=1).round(6)
        array([1., 1.])
        """
        d = self.decision_function(X)
        if d.ndim == 1:
            p1 = expit(d)
            return np.column_stack([1.0 - p1, p1])
        return softmax(d, axis=1)

    @available_if(lambda self: self.datafit in ("logistic", "multinomial"))
    def predict_log_proba(self, X: ArrayLike) -> np.ndarray:
        """log of ``predict_proba``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The features.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            The log-probabilities.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((80, 4))
        >>> labels = np.where(X[:, 0] - X[:, 3] + 0.5 * rng.standard_normal(80) > 0, "yes", "no")
        >>> clf = shrinkage.GroupLassoClassifier(groups=[0, 1, 1, 2], alpha=0.05).fit(X, labels)
        >>> bool(np.allclose(np.exp(clf.predict_log_proba(X[:2])), clf.predict_proba(X[:2])))
        True
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = self.datafit == "multinomial"
        return tags
