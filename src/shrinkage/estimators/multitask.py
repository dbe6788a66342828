"""MultiTaskLasso and MultiTaskElasticNet with the scikit-learn estimator API.

Both minimise scikit-learn's objective (glmnet's "mgaussian"; ``shrinkage.solvers.multitask``)

    1/(2 sum s) sum_i s_i ||y_i - W' x_i - b||^2
        + alpha l1_ratio sum_j ||W_j||_2 + alpha (1 - l1_ratio)/2 ||W||_F^2

over W of shape (n_features, n_tasks): a feature is in the model for every task or for none.
Each fit is certified by its duality gap (``dual_gap_``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _validation as v
from ..paths.engine import assemble, warn_not_converged
from ..paths.multitask import multi_task_fits, multi_task_problem
from ..paths.result import Path
from ..solvers.multitask import check_multitask_target
from ._serialize import SerializableMixin

if TYPE_CHECKING:
    from sklearn.utils import Tags

    from .._typing import DesignMatrix

_X_FIT = {"accept_sparse": "csc", "dtype": [np.float64, np.float32]}
_X_PREDICT = {"accept_sparse": ["csr", "csc"], "dtype": [np.float64, np.float32], "reset": False}


def multitask_path(
    X: DesignMatrix,
    Y: ArrayLike,
    *,
    l1_ratio: float = 1.0,
    n_alphas: int = 100,
    eps: float = 1e-3,
    alphas: ArrayLike | None = None,
    fit_intercept: bool = True,
    sample_weight: ArrayLike | None = None,
    tol: float = 1e-4,
    max_iter: int = 1000,
    feature_names: ArrayLike | None = None,
) -> Path:
    """Warm-started multi-task solutions along a decreasing grid of alphas.

    scikit-learn's naming (``eps``) for the path engine's multi-task family
    (``shrinkage.paths.multitask``), which ``shrinkage.path(..., multi_task=True)`` runs too:
    the same numbers, and a ``Path`` with ``penalty="multitask"``, so that
    ``coef_at(exact=True)`` refits this model.  The objective is ``MultiTaskElasticNet``'s;
    the default grid has ``n_alphas`` values from alpha_max (the smallest alpha whose solution
    is all zeros)

        alpha_max = max_j ||x_j' S Y_c||_2 / (sum s * l1_ratio)

    down to eps * alpha_max, evenly on a log scale, as scikit-learn's.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        The design (sparse input stays sparse).
    Y : array-like of shape (n_samples, n_tasks)
        The targets, one column per task.
    l1_ratio : float, default=1.0
        Share of the L2,1 norm in the penalty, in [0, 1] (1: MultiTaskLasso; 0 needs ``alphas``).
    n_alphas : int, default=100
        Size of the default grid.
    eps : float, default=1e-3
        alpha_min / alpha_max of the default grid, in (0, 1).
    alphas : array-like or None, default=None
        The grid, from largest to smallest; None for the default grid.
    fit_intercept : bool, default=True
        Fit one unpenalized intercept per task.
    sample_weight : array-like or None, default=None
        Non-negative weights, one per sample.
    tol : float, default=1e-4
        Stop each fit when its duality gap is below tol * ||Y_c||_F^2 / n (weighted).
    max_iter : int, default=1000
        Maximum number of epochs per alpha.
    feature_names : array-like or None, default=None
        Names of the columns (a DataFrame's columns by default).

    Returns
    -------
    Path
        ``coefs`` of shape (n_alphas, n_features, n_tasks), ``intercepts`` of shape
        (n_alphas, n_tasks), the duality gaps in objective units.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.estimators.multitask import multitask_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 6))
    >>> Y = X[:, :2] @ np.array([[1.0, -1.0, 0.5], [2.0, 0.5, 1.0]])
    >>> p = multitask_path(X, Y, n_alphas=10)
    >>> p.coefs.shape, int(p.nnz[0]), bool(np.all(p.converged)), p.penalty
    ((10, 6, 3), 0, True, 'multitask')
    """
    l1_ratio = v.check_l1_ratio(l1_ratio)
    if alphas is None:
        v.check_positive_int(n_alphas, "n_alphas")
        if not (isinstance(eps, int | float) and 0 < eps < 1):
            raise ValueError(
                f"eps must be a number in (0, 1) (alpha_min / alpha_max); got {eps!r}."
            )
    else:
        alphas = v.check_alphas(alphas)
    tol = v.check_tol(tol)
    max_iter = v.check_positive_int(max_iter, "max_iter")
    if feature_names is None and hasattr(X, "columns"):
        feature_names = [str(c) for c in X.columns]
    problem = multi_task_problem(
        X, Y, sample_weight=sample_weight, fit_intercept=fit_intercept, feature_names=feature_names
    )
    out = multi_task_fits(
        problem,
        l1_ratio,
        alphas,
        n_alphas=n_alphas,
        alpha_min_ratio=eps,
        tol=tol,
        max_iter=max_iter,
    )
    # assembled here, not in paths.multitask.multi_task_path: its warning then points at the
    # line that called multitask_path
    return assemble(
        *out,
        l1_ratio,
        problem.feature_names,
        max_iter=max_iter,
        model="multitask_path",
        penalty="multitask",
    )


class _MultiTaskModel(SerializableMixin, RegressorMixin, BaseEstimator):
    """One fit at one alpha, warm starts, prediction and the fitted attributes."""

    def _mixing(self) -> float:
        return v.check_l1_ratio(self.l1_ratio)

    def _fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None) -> _MultiTaskModel:
        model = type(self).__name__
        alpha = v.check_alpha(self.alpha)
        l1_ratio = self._mixing()
        tol = v.check_tol(self.tol)
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, **_X_FIT)
        names = getattr(self, "feature_names_in_", None)
        design: DesignMatrix = v.check_design(X, feature_names=names)
        Y = check_multitask_target(y, design.shape[0], design.dtype, model=model)
        W0 = None
        previous = getattr(self, "coef_", None) if self.warm_start else None
        if previous is not None and previous.shape == (Y.shape[1], design.shape[1]):
            W0 = previous.T.astype(np.float64)
        problem = multi_task_problem(
            design, Y, sample_weight=sample_weight, fit_intercept=self.fit_intercept, validated=True
        )
        out = multi_task_fits(
            problem, l1_ratio, np.array([alpha]), tol=tol, max_iter=max_iter, w0=W0
        )
        warn_not_converged(out.fits, out.alphas, max_iter, model)
        fit = out.fits[0]
        self.coef_ = np.ascontiguousarray(out.coefs[0].T, dtype=design.dtype)
        self.intercept_ = np.asarray(out.intercepts[0], dtype=design.dtype)
        self.dual_gap_ = float(fit.gap)
        self.n_iter_ = max(int(fit.n_iter), 1)  # the certifying pass counts as one
        self.converged_ = bool(fit.converged)
        self.certificate_ = "duality_gap"
        return self

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predict every task: X @ coef_.T + intercept_.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        ndarray of shape (n_samples, n_tasks)
            The predictions.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> X = np.arange(12.0).reshape(6, 2)
        >>> Y = np.column_stack([X[:, 0], -X[:, 1]])
        >>> shrinkage.MultiTaskLasso(alpha=0.01).fit(X, Y).predict(X[:2]).round(2)
        array([[ 0., -1.],
               [ 2., -3.]])
        """
        check_is_fitted(self)
        X = validate_data(self, X, **_X_PREDICT)
        return np.asarray(X @ self.coef_.T + self.intercept_)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


class MultiTaskElasticNet(_MultiTaskModel):
    """Multi-task Elastic Net: one sparsity pattern shared by every task.

    Minimises 1/(2 sum s) sum_i s_i ||y_i - W' x_i - b||^2 + alpha l1_ratio sum_j ||W_j||_2
    + alpha (1 - l1_ratio)/2 ||W||_F^2 (scikit-learn's objective and parameter names; glmnet's
    family "mgaussian"), by block coordinate descent over the rows W_j with working sets,
    certified by the duality gap.

    Parameters
    ----------
    alpha : float
        Penalty strength (>= 0).
    l1_ratio : float
        Mix between the L2,1 norm (1.0, the multi-task lasso) and the squared Frobenius norm
        (0.0, ridge), in [0, 1].
    fit_intercept : bool
        Fit one unpenalized intercept per task (exact weighted centring).
    tol : float
        Stop when the duality gap <= tol * ||Y_c||_F^2 / n, weighted (scikit-learn's
        convention: its ``tol * ||Y_c||_F^2`` in its objective scaled by n).
    max_iter : int
        Maximum number of block coordinate-descent epochs.
    warm_start : bool
        Start from the previous ``coef_``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
        The coefficients (W transposed, as scikit-learn's ``coef_``).
    intercept_ : ndarray of shape (n_tasks,)
        The intercepts.
    dual_gap_ : float
        The duality gap at the solution, in objective units (a bound on its suboptimality).
    certificate_ : str
        The certificate's kind: "duality_gap".
    n_iter_ : int
        The number of epochs.
    converged_ : bool
        The duality gap reached the tolerance.
    n_features_in_ : int
        The number of columns of X.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        The column names of X, when it has them.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 5))
    >>> W = np.array([[1.5, -1.0], [0, 0], [0, 0], [-2.0, 0.5], [0, 0]])
    >>> Y = X @ W + 0.1 * rng.standard_normal((60, 2))
    >>> model = shrinkage.MultiTaskElasticNet(alpha=0.1, l1_ratio=0.7).fit(X, Y)
    >>> model.coef_.shape  # (n_tasks, n_features)
    (2, 5)
    >>> np.flatnonzero(np.linalg.norm(model.coef_, axis=0))  # the same features in both tasks
    array([0, 3])
    >>> bool(model.converged_)
    True
    """

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        l1_ratio: float = 0.5,
        fit_intercept: bool = True,
        tol: float = 1e-4,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> MultiTaskElasticNet:
        """Fit on X (dense or sparse) and the targets y, one column per task.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The design (sparse input stays sparse).
        y : array-like of shape (n_samples, n_tasks)
            The targets; a one-dimensional y is refused (use ElasticNet).
        sample_weight : array-like of shape (n_samples,) or None
            Non-negative weights (only their ratios matter).

        Returns
        -------
        MultiTaskElasticNet
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> X = np.arange(12.0).reshape(6, 2)
        >>> Y = np.column_stack([X[:, 0], -X[:, 1]])
        >>> shrinkage.MultiTaskElasticNet(alpha=0.01).fit(X, Y).intercept_.shape
        (2,)
        """
        return self._fit(X, y, sample_weight)


class MultiTaskLasso(MultiTaskElasticNet):
    """The multi-task lasso: ``MultiTaskElasticNet`` with l1_ratio = 1.

    Minimises 1/(2 sum s) sum_i s_i ||y_i - W' x_i - b||^2 + alpha sum_j ||W_j||_2: a feature
    is selected for every task or for none (scikit-learn's MultiTaskLasso).

    Parameters
    ----------
    alpha : float
        Penalty strength (>= 0).
    fit_intercept : bool
        Fit one unpenalized intercept per task (exact weighted centring).
    tol : float
        Stop when the duality gap <= tol * ||Y_c||_F^2 / n, weighted (scikit-learn's
        convention).
    max_iter : int
        Maximum number of block coordinate-descent epochs.
    warm_start : bool
        Start from the previous ``coef_``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
        The coefficients (W transposed, as scikit-learn's ``coef_``).
    intercept_ : ndarray of shape (n_tasks,)
        The intercepts.
    dual_gap_ : float
        The duality gap at the solution, in objective units (a bound on its suboptimality).
    certificate_ : str
        The certificate's kind: "duality_gap".
    n_iter_ : int
        The number of epochs.
    converged_ : bool
        The duality gap reached the tolerance.
    n_features_in_ : int
        The number of columns of X.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        The column names of X, when it has them.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 5))
    >>> W = np.array([[1.5, -1.0], [0, 0], [0, 0], [-2.0, 0.5], [0, 0]])
    >>> Y = X @ W + 0.1 * rng.standard_normal((60, 2))
    >>> lasso = shrinkage.MultiTaskLasso(alpha=0.1).fit(X, Y)
    >>> np.flatnonzero(np.linalg.norm(lasso.coef_, axis=0))
    array([0, 3])
    """

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        fit_intercept: bool = True,
        tol: float = 1e-4,
        max_iter: int = 1000,
        warm_start: bool = False,
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start

    def _mixing(self) -> float:
        return 1.0
