"""MultiTaskLassoCV and MultiTaskElasticNetCV: the multi-task models with alpha (and l1_ratio)
chosen by K-fold cross-validation, as scikit-learn's.

For each l1_ratio, one grid from the full data (``alphas`` values from alpha_max down to
eps * alpha_max, or the given grid); on every fold a warm-started path on the training rows
over that grid, scored by the mean squared error over the test rows and all tasks (weighted by
``sample_weight``); the (alpha, l1_ratio) of the smallest mean error over the folds wins, and the
final model is the full-data path's solution there, with its duality gap.  The grid, the folds'
paths and the final one are the path engine's multi-task family (``shrinkage.paths.multitask``:
``multi_task_fits`` on one ``Problem`` per fold and one for the full data).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from sklearn.utils.validation import validate_data

from .. import _validation as v
from .._problem import Problem
from .._typing import DesignMatrix
from ..paths.engine import grid as path_grid
from ..paths.engine import warn_not_converged
from ..paths.multitask import MultiTaskFamily, multi_task_fits, multi_task_problem
from ..selection._folds import make_folds
from ..solvers.multitask import check_multitask_target
from .multitask import _X_FIT, _MultiTaskModel


class MultiTaskElasticNetCV(_MultiTaskModel):
    """Multi-task Elastic Net with alpha and l1_ratio chosen by cross-validation.

    Parameters
    ----------
    l1_ratio : float or list of float
        The mix(es) of the L2,1 norm to try, each in (0, 1].
    eps : float
        alpha_min / alpha_max of each grid, in (0, 1).
    alphas : int or array-like
        The number of alphas of each grid, or the grid itself (shared by every l1_ratio).
    fit_intercept : bool
        Fit one unpenalized intercept per task.
    max_iter : int
        Maximum number of epochs per alpha.
    tol : float
        Each fit stops when its duality gap is below tol * ||Y_c||_F^2 / n (weighted).
    cv : int, cross-validation generator or iterable or None
        The folds: None for 5-fold, an integer for K-fold (not shuffled, as scikit-learn), a
        splitter or an iterable of (train, test) index pairs.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    l1_ratio_ : float
        The chosen l1_ratio.
    alphas_ : ndarray of shape (n_l1_ratio, n_alphas) or (n_alphas,)
        The grid of each l1_ratio (one row when l1_ratio is a number).
    mse_path_ : ndarray of shape (n_l1_ratio, n_alphas, n_folds) or (n_alphas, n_folds)
        The test mean squared error of every fold.
    coef_ : ndarray of shape (n_tasks, n_features)
        The full-data coefficients at the chosen alpha.
    intercept_ : ndarray of shape (n_tasks,)
        The intercepts.
    dual_gap_ : float
        The final fit's duality gap, in objective units.
    certificate_ : str
        The certificate's kind: "duality_gap".
    n_iter_ : int
        The epochs of the final full-data path, up to the chosen alpha.
    converged_ : bool
        The final fit's gap reached the tolerance.
    n_features_in_ : int
        The number of columns of X.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        The column names of X, when it has them.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.estimators.multitask_cv import MultiTaskElasticNetCV, MultiTaskLassoCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 6))
    >>> Y = X[:, :2] @ np.array([[1.0, -1.0], [2.0, 0.5]]) + 0.3 * rng.standard_normal((80, 2))
    >>> model = MultiTaskElasticNetCV(l1_ratio=[0.5, 1.0], alphas=20, cv=4).fit(X, Y)
    >>> model.mse_path_.shape  # (n_l1_ratio, n_alphas, n_folds)
    (2, 20, 4)
    >>> np.flatnonzero(np.linalg.norm(model.coef_, axis=0) > 0.1)
    array([0, 1])
    """

    def __init__(
        self,
        *,
        l1_ratio: float | Sequence[float] = 0.5,
        eps: float = 1e-3,
        alphas: int | ArrayLike = 100,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        cv: object = None,
    ) -> None:
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv

    def _ratios(self) -> tuple[np.ndarray, bool]:
        is_list = not isinstance(self.l1_ratio, numbers.Real)
        ratios = np.atleast_1d(np.asarray(self.l1_ratio, dtype=object))
        out = np.array([v.check_l1_ratio(r) for r in ratios], dtype=np.float64)
        if out.size == 0 or np.any(out == 0):
            raise ValueError(
                f"l1_ratio must be in (0, 1] (0 has no alpha_max to start a grid "
                f"from); got {self.l1_ratio!r}."
            )
        return out, is_list

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> MultiTaskElasticNetCV:
        """Cross-validate the grid(s), then fit on all of X and y at the chosen point.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The design (sparse input stays sparse).
        y : array-like of shape (n_samples, n_tasks)
            The targets, one column per task.
        sample_weight : array-like of shape (n_samples,) or None
            Non-negative weights, in the fits and in the test errors.

        Returns
        -------
        MultiTaskElasticNetCV
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from shrinkage.estimators.multitask_cv import MultiTaskLassoCV
        >>> rng = np.random.default_rng(1)
        >>> X = rng.standard_normal((40, 3))
        >>> Y = np.column_stack([X[:, 0], X[:, 0] - X[:, 1]])
        >>> model = MultiTaskLassoCV(alphas=10, cv=3).fit(X, Y)
        >>> bool(model.alpha_ in model.alphas_)
        True
        """
        model = type(self).__name__
        ratios, is_list = self._ratios()
        tol = v.check_tol(self.tol)
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, **_X_FIT)
        names = getattr(self, "feature_names_in_", None)
        design: DesignMatrix = v.check_design(X, feature_names=names)
        Y = check_multitask_target(y, design.shape[0], design.dtype, model=model)
        sw = v.check_sample_weight(sample_weight, design.shape[0])
        grid, n_alphas, eps = self._grid()
        splits, _ = make_folds(self.cv, design.shape[0], X=design, y=Y)
        full = multi_task_problem(
            design, Y, sample_weight=sw, fit_intercept=self.fit_intercept, validated=True
        )
        opts: dict[str, Any] = {"tol": tol, "max_iter": max_iter}
        grids, errors = [], []
        for ratio in ratios:
            alphas = grid if grid is not None else full_data_grid(full, ratio, n_alphas, eps, opts)
            grids.append(alphas)
            errors.append(
                np.column_stack(
                    [fold_errors(full, train, test, ratio, alphas, opts) for train, test in splits]
                )
            )
        mse = np.array(errors)  # (n_l1_ratio, n_alphas, n_folds)
        mean = mse.mean(axis=2)
        r, i = np.unravel_index(int(np.argmin(mean)), mean.shape)
        out = multi_task_fits(full, float(ratios[r]), grids[r][: i + 1], **opts)
        warn_not_converged(out.fits[-1:], out.alphas[-1:], max_iter, model)
        self.alpha_ = float(grids[r][i])
        self.l1_ratio_ = float(ratios[r])
        self.alphas_ = np.array(grids) if is_list else grids[0]
        self.mse_path_ = mse if is_list else mse[0]
        self.coef_ = np.ascontiguousarray(out.coefs[-1].T, dtype=design.dtype)
        self.intercept_ = np.asarray(out.intercepts[-1], dtype=design.dtype)
        self.dual_gap_ = float(out.fits[-1].gap)
        self.n_iter_ = max(sum(int(f.n_iter) for f in out.fits), 1)
        self.converged_ = bool(out.fits[-1].converged)
        self.certificate_ = "duality_gap"
        return self

    def _grid(self) -> tuple[np.ndarray | None, int, float]:
        """(the given grid or None, the number of alphas of a default grid, eps)."""
        eps = float(self.eps) if isinstance(self.eps, numbers.Real) else np.nan
        if isinstance(self.eps, bool) or not 0 < eps < 1:
            raise ValueError(
                f"eps must be a number in (0, 1) (alpha_min / alpha_max); got {self.eps!r}."
            )
        if isinstance(self.alphas, numbers.Integral) and not isinstance(self.alphas, bool):
            return None, v.check_positive_int(self.alphas, "alphas"), eps
        grid = v.check_alphas(self.alphas)
        return np.sort(grid)[::-1], grid.size, eps


class MultiTaskLassoCV(MultiTaskElasticNetCV):
    """The multi-task lasso with alpha chosen by cross-validation (``MultiTaskElasticNetCV``
    with l1_ratio = 1).

    Parameters
    ----------
    eps : float
        alpha_min / alpha_max of the grid, in (0, 1).
    alphas : int or array-like
        The number of alphas of the grid, or the grid itself.
    fit_intercept : bool
        Fit one unpenalized intercept per task.
    max_iter : int
        Maximum number of epochs per alpha.
    tol : float
        Each fit stops when its duality gap is below tol * ||Y_c||_F^2 / n (weighted).
    cv : int, cross-validation generator or iterable or None
        The folds: None for 5-fold, an integer for K-fold (not shuffled), a splitter or an
        iterable of (train, test) index pairs.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    alphas_ : ndarray of shape (n_alphas,)
        The grid.
    mse_path_ : ndarray of shape (n_alphas, n_folds)
        The test mean squared error of every fold.
    coef_ : ndarray of shape (n_tasks, n_features)
        The full-data coefficients at the chosen alpha.
    intercept_ : ndarray of shape (n_tasks,)
        The intercepts.
    dual_gap_ : float
        The final fit's duality gap, in objective units.
    certificate_ : str
        The certificate's kind: "duality_gap".
    n_iter_ : int
        The epochs of the final full-data path, up to the chosen alpha.
    converged_ : bool
        The final fit's gap reached the tolerance.
    n_features_in_ : int
        The number of columns of X.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        The column names of X, when it has them.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.estimators.multitask_cv import MultiTaskLassoCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 6))
    >>> Y = X[:, :2] @ np.array([[1.0, -1.0], [2.0, 0.5]]) + 0.3 * rng.standard_normal((80, 2))
    >>> model = MultiTaskLassoCV(alphas=20, cv=4).fit(X, Y)
    >>> model.mse_path_.shape, model.coef_.shape
    ((20, 4), (2, 6))
    """

    def __init__(
        self,
        *,
        eps: float = 1e-3,
        alphas: int | ArrayLike = 100,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        cv: object = None,
    ) -> None:
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv

    def _ratios(self) -> tuple[np.ndarray, bool]:
        return np.ones(1), False


def full_data_grid(
    full: Problem, l1_ratio: float, n_alphas: int, eps: float, opts: dict[str, Any]
) -> np.ndarray:
    """n_alphas values from the full data's alpha_max down to eps * alpha_max (log scale): the
    path engine's default grid of the multi-task family."""
    return path_grid(MultiTaskFamily(full.design, l1_ratio, **opts), None, n_alphas, eps)[0]


def fold_errors(
    full: Problem,
    train: np.ndarray,
    test: np.ndarray,
    l1_ratio: float,
    alphas: np.ndarray,
    opts: dict[str, Any],
) -> np.ndarray:
    """The (weighted) mean squared test error over the rows ``test`` and every task, of the
    warm-started path on the rows ``train``, at each alpha."""
    X, Y, sw = full.X, full.y, full.sample_weight
    X_train, X_test = (sp.csc_matrix(X[train]), X[test]) if sp.issparse(X) else (X[train], X[test])
    problem = multi_task_problem(
        X_train, Y[train], sample_weight=sw[train], fit_intercept=full.fit_intercept, validated=True
    )
    fits = multi_task_fits(problem, l1_ratio, alphas, **opts)
    w = sw[test] / sw[test].sum() if sw[test].sum() > 0 else np.full(len(test), 1 / len(test))
    out = np.empty(len(alphas))
    for k in range(len(alphas)):
        R = Y[test] - (X_test @ fits.coefs[k] + fits.intercepts[k])
        out[k] = float(w @ np.mean(R**2, axis=1))
    return out
