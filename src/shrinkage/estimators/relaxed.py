"""RelaxedLasso: the lasso, then an unpenalized refit on its active set, mixed by gamma."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .. import _validation as v
from ..path import solve_path
from ..selection.relaxed import mix, refit_active_sets
from .linear import _LinearModel


class RelaxedLasso(_LinearModel):
    """glmnet's relaxed lasso at one alpha: ``gamma * lasso + (1 - gamma) * refit``.

    The lasso (objective of ``Lasso``) picks the active set A = {j : w_j != 0}; the refit is the
    unpenalized weighted least-squares fit on the columns in A (minimum-norm when it is not
    unique, see ``shrinkage.selection.relaxed``).  gamma = 1 is the lasso, gamma = 0 (default) the
    fully relaxed fit: the lasso's selection without its shrinkage.  The options after
    ``gamma`` apply to the lasso step (the refit has no penalty).  No bounds: the refit would not
    respect them.

    Parameters
    ----------
    alpha : float, default=1.0
        The lasso's penalty strength (>= 0).
    gamma : float, default=0.0
        The mixing weight in [0, 1] (1 is the lasso, 0 the unpenalized refit).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (exact weighted centring).
    standardize : bool, default=False
        glmnet-style: penalize the coefficients of columns scaled to unit weighted standard
        deviation, report coefficients on the original scale.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers f_j >= 0 of the penalty (0 leaves a feature unpenalized);
        None is all ones.
    tol : float, default=1e-4
        Stop when the duality gap <= tol * sum s (y - ybar)^2 (scikit-learn's convention).
    max_iter : int, default=1000
        The most coordinate-descent epochs.
    solver : {"auto", "cd", "gram"}, default="auto"
        ``"cd"``: coordinate descent on working sets; ``"gram"``: covariance mode for n >> p.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The relaxed fit's coefficients.
    intercept_ : float
        Its intercept.
    lasso_coef_ : ndarray of shape (n_features,)
        The lasso fit's coefficients (gamma = 1).
    lasso_intercept_ : float
        Its intercept.
    active_ : ndarray of int
        The indices of the active set.
    dual_gap_ : float
        The lasso fit's duality gap.
    n_iter_ : int
        The lasso fit's coordinate-descent epochs.
    converged_ : bool
        Whether the lasso fit's gap met the tolerance.
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
    >>> relaxed = shrinkage.RelaxedLasso(alpha=0.3).fit(X, y)  # gamma=0: OLS on the support
    >>> lasso = shrinkage.Lasso(alpha=0.3).fit(X, y)
    >>> bool(np.all(np.abs(relaxed.coef_) >= np.abs(lasso.coef_)))  # the lasso's shrinkage undone
    True
    """

    # the lasso step is unconstrained (read by ``_LinearModel._problem``; not parameters)
    lower = None
    upper = None
    positive = False

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        gamma: float = 0.0,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        tol: float = 1e-4,
        max_iter: int = 1000,
        solver: str = "auto",
    ) -> None:
        self.alpha = alpha
        self.gamma = gamma
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> RelaxedLasso:
        """Fit the lasso on X (dense or sparse) and y, then relax it.

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
        RelaxedLasso
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> model = shrinkage.RelaxedLasso(alpha=0.3, gamma=1.0).fit(X, y)  # gamma=1: the lasso
        >>> model.active_, bool(np.allclose(model.coef_, model.lasso_coef_))
        (array([0, 3]), True)
        """
        alpha = v.check_alpha(self.alpha)
        gamma = v.check_fraction(
            self.gamma,
            "gamma",
            low_open=False,
            high_open=False,
            hint=" (1 is the lasso, 0 the unpenalized refit)",
        )
        tol = v.check_tol(self.tol)
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        problem, design = self._problem(X, y, sample_weight, multi_output=False)
        lasso = solve_path(
            problem,
            np.array([alpha]),
            1.0,
            tol=tol,
            max_iter=max_iter,
            solver=self.solver,
            model=type(self).__name__,
        )
        refit, refit_b = refit_active_sets(problem, lasso.coefs)
        coefs, intercepts = mix(lasso.coefs, lasso.intercepts, refit, refit_b, np.array([gamma]))
        self.coef_ = coefs[0, 0].astype(design.dtype)
        self.intercept_ = design.dtype.type(intercepts[0, 0])
        self.lasso_coef_ = lasso.coefs[0].astype(design.dtype)
        self.lasso_intercept_ = design.dtype.type(lasso.intercepts[0])
        self.active_ = np.flatnonzero(lasso.coefs[0])
        self.dual_gap_ = float(lasso.gaps[0])
        self.n_iter_ = int(lasso.n_iter[0])
        self.converged_ = bool(lasso.converged[0])
        return self
