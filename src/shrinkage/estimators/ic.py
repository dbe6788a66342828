"""LassoIC and ElasticNetIC: alpha chosen by AIC, BIC or extended BIC along the path.

See ``shrinkage.selection.criteria`` for the criteria, the degrees of freedom and the noise
variance (the OLS estimate RSS / (n - p - fit_intercept) when n > p + fit_intercept, as
scikit-learn's LassoLarsIC; otherwise ``noise_variance`` must be given).
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from .. import _validation as v
from ..selection.criteria import criterion_path
from ..selection.cv import PathOptions
from .linear import _LinearModel


class ElasticNetIC(_LinearModel):
    """Elastic Net with alpha chosen by an information criterion along its path.

    Parameters
    ----------
    criterion : {"aic", "bic", "ebic"}, default="aic"
        The criterion; ``"ebic"`` is the extended BIC, with ``ebic_gamma``.
    l1_ratio : float, default=0.5
        The L1 / L2 mix (1 is the lasso).
    noise_variance : float, default=None
        sigma^2 of the criteria; None estimates it by least squares (needs
        n_samples > n_features + fit_intercept).
    ebic_gamma : float, default=0.5
        The extended BIC's gamma in [0, 1] (0 is BIC); ``criterion="ebic"`` only.
    alphas : array-like of float, default=None
        The grid, as in ``shrinkage.path``; None: ``n_alphas`` values from alpha_max down.
    n_alphas : int, default=100
        The length of the default grid.
    alpha_min_ratio : float, default=None
        The end of the default grid relative to alpha_max (None: 1e-4 when n > p, else 1e-2).
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

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    alphas_ : ndarray of shape (n_alphas,)
        The grid.
    criterion_ : ndarray of shape (n_alphas,)
        The criterion per alpha.
    df_ : ndarray of shape (n_alphas,)
        The degrees of freedom per alpha.
    noise_variance_ : float
        The sigma^2 used.
    coef_ : ndarray of shape (n_features,)
        The coefficients at ``alpha_``.
    intercept_ : float
        Its intercept.
    dual_gap_ : float
        The duality gap of the path at ``alpha_``.
    n_iter_ : int
        The epochs of the warm-started path down to ``alpha_`` (at least 1).
    ic_result_ : ICResult
        The criterion along the path.
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
    >>> model = shrinkage.ElasticNetIC(criterion="aic", l1_ratio=0.5).fit(X, y)
    >>> model.coef_.shape, bool(model.alpha_ > 0)
    ((4,), True)
    """

    def __init__(
        self,
        *,
        criterion: str = "aic",
        l1_ratio: float = 0.5,
        noise_variance: float | None = None,
        ebic_gamma: float = 0.5,
        alphas: ArrayLike | None = None,
        n_alphas: int = 100,
        alpha_min_ratio: float | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        solver: str = "auto",
    ) -> None:
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

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> ElasticNetIC:
        """Fit the path, score it, keep the fit at the best alpha.

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
        ElasticNetIC
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> model = shrinkage.LassoIC(criterion="ebic", noise_variance=0.01).fit(X, y)
        >>> int(model.df_[list(model.alphas_).index(model.alpha_)])  # two features kept
        2
        """
        v.check_choice(self.criterion, "criterion", v.CRITERIA)
        l1_ratio = self._mixing()
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
        ).checked()
        problem, design = self._problem(X, y, sample_weight, multi_output=False)
        result = criterion_path(
            problem,
            options,
            criterion=self.criterion,
            l1_ratio=l1_ratio,
            alphas=self.alphas,
            n_alphas=self.n_alphas,
            noise_variance=self.noise_variance,
            ebic_gamma=self.ebic_gamma,
            model=type(self).__name__,
        )
        i = result.index
        self.alpha_ = result.alpha
        self.alphas_ = result.alphas
        self.criterion_ = result.criterion
        self.df_ = result.df
        self.noise_variance_ = result.noise_variance
        self.coef_ = result.path.coefs[i].astype(design.dtype)
        self.intercept_ = design.dtype.type(result.path.intercepts[i])
        self.dual_gap_ = float(result.path.gaps[i])
        self.n_iter_ = max(int(result.path.n_iter[: i + 1].sum()), 1)
        self.ic_result_ = result
        return self


class LassoIC(ElasticNetIC):
    """The lasso with alpha chosen by AIC, BIC or EBIC (df = the number of non-zeros).

    With the default noise variance it reproduces scikit-learn's ``LassoLarsIC`` up to the
    resolution of the grid.

    Parameters
    ----------
    criterion : {"aic", "bic", "ebic"}, default="aic"
        The criterion; ``"ebic"`` is the extended BIC, with ``ebic_gamma``.
    noise_variance : float, default=None
        sigma^2 of the criteria; None estimates it by least squares (needs
        n_samples > n_features + fit_intercept).
    ebic_gamma : float, default=0.5
        The extended BIC's gamma in [0, 1] (0 is BIC); ``criterion="ebic"`` only.
    alphas : array-like of float, default=None
        The grid, as in ``shrinkage.path``; None: ``n_alphas`` values from alpha_max down.
    n_alphas : int, default=100
        The length of the default grid.
    alpha_min_ratio : float, default=None
        The end of the default grid relative to alpha_max (None: 1e-4 when n > p, else 1e-2).
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

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    alphas_ : ndarray of shape (n_alphas,)
        The grid.
    criterion_ : ndarray of shape (n_alphas,)
        The criterion per alpha.
    df_ : ndarray of shape (n_alphas,)
        The degrees of freedom per alpha.
    noise_variance_ : float
        The sigma^2 used.
    coef_ : ndarray of shape (n_features,)
        The coefficients at ``alpha_``.
    intercept_ : float
        Its intercept.
    dual_gap_ : float
        The duality gap of the path at ``alpha_``.
    n_iter_ : int
        The epochs of the warm-started path down to ``alpha_`` (at least 1).
    ic_result_ : ICResult
        The criterion along the path.
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
    >>> model = shrinkage.LassoIC(criterion="bic").fit(X, y)
    >>> np.flatnonzero(model.coef_), bool(model.alpha_ > 0)
    (array([0, 3]), True)
    """

    def __init__(
        self,
        *,
        criterion: str = "aic",
        noise_variance: float | None = None,
        ebic_gamma: float = 0.5,
        alphas: ArrayLike | None = None,
        n_alphas: int = 100,
        alpha_min_ratio: float | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        positive: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        solver: str = "auto",
    ) -> None:
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
