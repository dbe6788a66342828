"""RelaxedLasso: the lasso, then an unpenalized refit on its active set, mixed by gamma."""

from __future__ import annotations

import numpy as np

from .. import _validation as v
from ..path import solve_path
from ..selection.relaxed import mix, refit_active_sets
from .linear import _LinearModel


class RelaxedLasso(_LinearModel):
    """glmnet's relaxed lasso at one alpha: ``gamma * lasso + (1 - gamma) * refit``.

    The lasso (objective of ``Lasso``) picks the active set A = {j : w_j != 0}; the refit is the
    unpenalized weighted least-squares fit on the columns in A (minimum-norm when it is not
    unique, see ``shrinkage.selection.relaxed``).  gamma = 1 is the lasso, gamma = 0 (default) the
    fully relaxed fit: the lasso's selection without its shrinkage.

    Parameters
    ----------
    alpha : lasso penalty strength (>= 0).
    gamma : mixing weight in [0, 1].
    fit_intercept, standardize, penalty_factor, tol, max_iter, solver : as in ``Lasso``
        (they apply to the lasso step; the refit has no penalty).  No bounds: the refit would
        not respect them.

    Attributes
    ----------
    coef_, intercept_ : the relaxed fit.
    lasso_coef_, lasso_intercept_ : the lasso fit (gamma = 1).
    active_ : indices of the active set.
    dual_gap_, n_iter_, converged_ : the lasso fit's certificate and iterations.
    n_features_in_, feature_names_in_ (when X has column names).

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

    def __init__(self, alpha=1.0, *, gamma=0.0, fit_intercept=True, standardize=False,
                 penalty_factor=None, tol=1e-4, max_iter=1000, solver="auto"):
        self.alpha = alpha
        self.gamma = gamma
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver

    def fit(self, X, y, sample_weight=None):
        """Fit the lasso on X (dense or sparse) and y, then relax it; returns self."""
        alpha = v.check_alpha(self.alpha)
        gamma = v.check_fraction(self.gamma, "gamma", low_open=False, high_open=False,
                                 hint=" (1 is the lasso, 0 the unpenalized refit)")
        tol = v.check_tol(self.tol)
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        problem, X = self._problem(X, y, sample_weight, multi_output=False)
        lasso = solve_path(problem, np.array([alpha]), 1.0, tol=tol, max_iter=max_iter,
                           solver=self.solver, model=type(self).__name__)
        refit, refit_b = refit_active_sets(problem, lasso.coefs)
        coefs, intercepts = mix(lasso.coefs, lasso.intercepts, refit, refit_b, np.array([gamma]))
        self.coef_ = coefs[0, 0].astype(X.dtype)
        self.intercept_ = X.dtype.type(intercepts[0, 0])
        self.lasso_coef_ = lasso.coefs[0].astype(X.dtype)
        self.lasso_intercept_ = X.dtype.type(lasso.intercepts[0])
        self.active_ = np.flatnonzero(lasso.coefs[0])
        self.dual_gap_ = float(lasso.gaps[0])
        self.n_iter_ = int(lasso.n_iter[0])
        self.converged_ = bool(lasso.converged[0])
        return self
