"""LassoIC and ElasticNetIC: alpha chosen by AIC, BIC or extended BIC along the path.

See ``shrinkage.selection.criteria`` for the criteria, the degrees of freedom and the noise
variance (the OLS estimate RSS / (n - p - fit_intercept) when n > p + fit_intercept, as
scikit-learn's LassoLarsIC; otherwise ``noise_variance`` must be given).
"""

from __future__ import annotations

from .. import _validation as v
from ..selection.criteria import criterion_path
from ..selection.cv import PathOptions
from .linear import _LinearModel


class ElasticNetIC(_LinearModel):
    """Elastic Net with alpha chosen by an information criterion along its path.

    Parameters
    ----------
    criterion : "aic", "bic" or "ebic" (extended BIC, with ``ebic_gamma`` in [0, 1]; 0 is BIC).
    l1_ratio : the L1 / L2 mix (1 is the lasso).
    noise_variance : sigma^2 of the criteria; None estimates it by least squares
        (needs n_samples > n_features + fit_intercept).
    alphas, n_alphas, alpha_min_ratio : the grid, as in ``shrinkage.path``.
    fit_intercept, standardize, penalty_factor, lower, upper, positive, tol, max_iter, solver :
        as in ``ElasticNet``.

    Attributes
    ----------
    alpha_, alphas_, criterion_ (the criterion per alpha), df_ (degrees of freedom per alpha),
    noise_variance_, coef_, intercept_, dual_gap_ (of the path at alpha_), n_iter_ (the epochs of
    the warm-started path down to alpha_, at least 1),
    ic_result_ (the ``ICResult``), n_features_in_, feature_names_in_.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> model = shrinkage.ElasticNetIC(criterion="aic", l1_ratio=0.5).fit(X, y)
    >>> model.coef_.shape, bool(model.alpha_ > 0)
    ((4,), True)
    """

    def __init__(self, *, criterion="aic", l1_ratio=0.5, noise_variance=None, ebic_gamma=0.5,
                 alphas=None, n_alphas=100, alpha_min_ratio=None, fit_intercept=True,
                 standardize=False, penalty_factor=None, lower=None, upper=None, positive=False,
                 tol=1e-4, max_iter=1000, solver="auto"):
        self.criterion = criterion
        self.l1_ratio = l1_ratio
        self.noise_variance = noise_variance
        self.ebic_gamma = ebic_gamma
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver

    def _mixing(self) -> float:
        return v.check_l1_ratio(self.l1_ratio)

    def fit(self, X, y, sample_weight=None):
        """Fit the path, score it, keep the fit at the best alpha; returns self."""
        v.check_choice(self.criterion, "criterion", v.CRITERIA)
        l1_ratio = self._mixing()
        options = PathOptions(
            fit_intercept=self.fit_intercept, standardize=self.standardize,
            penalty_factor=self.penalty_factor, lower=self.lower, upper=self.upper,
            positive=self.positive, tol=self.tol, max_iter=self.max_iter, solver=self.solver,
            alpha_min_ratio=self.alpha_min_ratio).checked()
        problem, X = self._problem(X, y, sample_weight, multi_output=False)
        result = criterion_path(problem, options, criterion=self.criterion, l1_ratio=l1_ratio,
                                alphas=self.alphas, n_alphas=self.n_alphas,
                                noise_variance=self.noise_variance, ebic_gamma=self.ebic_gamma,
                                model=type(self).__name__)
        i = result.index
        self.alpha_ = result.alpha
        self.alphas_ = result.alphas
        self.criterion_ = result.criterion
        self.df_ = result.df
        self.noise_variance_ = result.noise_variance
        self.coef_ = result.path.coefs[i].astype(X.dtype)
        self.intercept_ = X.dtype.type(result.path.intercepts[i])
        self.dual_gap_ = float(result.path.gaps[i])
        self.n_iter_ = max(int(result.path.n_iter[:i + 1].sum()), 1)
        self.ic_result_ = result
        return self


class LassoIC(ElasticNetIC):
    """The lasso with alpha chosen by AIC, BIC or EBIC (df = the number of non-zeros).

    Same parameters (no l1_ratio) and attributes as ``ElasticNetIC``; with the default noise
    variance it reproduces scikit-learn's ``LassoLarsIC`` up to the resolution of the grid.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> model = shrinkage.LassoIC(criterion="bic").fit(X, y)
    >>> np.flatnonzero(model.coef_), bool(model.alpha_ > 0)
    (array([0, 3]), True)
    """

    def __init__(self, *, criterion="aic", noise_variance=None, ebic_gamma=0.5, alphas=None,
                 n_alphas=100, alpha_min_ratio=None, fit_intercept=True, standardize=False,
                 penalty_factor=None, lower=None, upper=None, positive=False, tol=1e-4,
                 max_iter=1000, solver="auto"):
        self.criterion = criterion
        self.noise_variance = noise_variance
        self.ebic_gamma = ebic_gamma
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.lower = lower
        self.upper = upper
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver

    def _mixing(self) -> float:
        return 1.0
