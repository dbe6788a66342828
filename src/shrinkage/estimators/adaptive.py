"""AdaptiveLasso and AdaptiveLassoCV: the lasso with penalty factors 1/|w~_j|^gamma.

See ``shrinkage.selection.adaptive`` for the weights (initial fit, standardization, the cap that
excludes features whose initial coefficient is zero).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .. import _validation as v
from .._problem import Problem
from .._typing import DesignMatrix
from ..path import solve_path
from ..selection.adaptive import INITS, adaptive_factors, factor_scale, initial_coef
from .linear import _LinearModel


class _AdaptiveBase(_LinearModel):
    # the factors are the adaptive ones and there are no bounds (read by ``_problem``)
    penalty_factor = None
    lower = None
    upper = None
    positive = False

    def _initial(self, problem: Problem, cv: object) -> tuple[np.ndarray, np.ndarray | None]:
        v.check_choice(self.init, "init", INITS)
        tol = v.check_tol(self.tol)
        max_iter = v.check_positive_int(self.max_iter, "max_iter")
        v.check_random_state(self.random_state)  # checked even when init needs no folds
        w0, init_alpha = initial_coef(
            problem,
            self.init,
            self.init_alpha,
            cv=cv,
            random_state=self.random_state,
            tol=tol,
            max_iter=max_iter,
        )
        self.init_coef_ = w0
        self.init_alpha_ = init_alpha
        return w0, factor_scale(problem)

    def _final_fit(
        self, problem: Problem, factors: np.ndarray, alpha: float, X: DesignMatrix
    ) -> None:
        problem.factors = factors  # the data forms cached on ``problem`` do not depend on them
        fit = solve_path(
            problem,
            np.array([alpha]),
            1.0,
            tol=v.check_tol(self.tol),
            max_iter=v.check_positive_int(self.max_iter, "max_iter"),
            solver=self.solver,
            model=type(self).__name__,
        )
        self.penalty_factor_ = factors
        self.coef_ = fit.coefs[0].astype(X.dtype)
        self.intercept_ = X.dtype.type(fit.intercepts[0])
        self.dual_gap_ = float(fit.gaps[0])
        self.n_iter_ = max(int(fit.n_iter[0]), 1)  # the certifying pass counts as one, as in
        self.converged_ = bool(fit.converged[0])  # ElasticNet (scikit-learn's check wants >= 1)


class AdaptiveLasso(_AdaptiveBase):
    """The adaptive lasso (Zou 2006) at one alpha.

    A first fit (``init``) gives w~; the lasso is then solved with penalty factors
    f_j = 1 / |w~_j|^gamma (on the standardized scale with ``standardize=True``), so features
    with large initial coefficients are penalized less.  Zeros of w~ get a capped factor that
    effectively excludes the feature (``shrinkage.selection.adaptive``).

    Parameters
    ----------
    alpha : float, default=1.0
        The weighted lasso's penalty strength (>= 0).
    gamma : float, default=1.0
        The exponent of the weights (>= 0; 0 is the plain lasso, 1 Zou's usual choice).
    init : {"ridge", "ols", "lasso"}, default="ridge"
        The first fit (``"ols"`` needs n > p).
    init_alpha : float, default=None
        The penalty of the first fit, in ``ElasticNet`` units (ridge:
        ``ElasticNet(init_alpha, l1_ratio=0)``; lasso: ``Lasso(init_alpha)``).  None: chosen by
        cross-validation (minimum error) on the ridge / lasso path, on the folds of ``cv``.
    cv : int, splitter or iterable, default=5
        The folds that choose ``init_alpha`` when it is None (K-fold, unshuffled without
        ``random_state``).
    random_state : int or numpy.random.Generator, default=None
        Seeds shuffled folds.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (exact weighted centring).
    standardize : bool, default=False
        glmnet-style: penalize the coefficients of columns scaled to unit weighted standard
        deviation, report coefficients on the original scale.
    tol : float, default=1e-4
        Stop when the duality gap <= tol * sum s (y - ybar)^2 (scikit-learn's convention).
    max_iter : int, default=1000
        The most coordinate-descent epochs.
    solver : {"auto", "cd", "gram"}, default="auto"
        ``"cd"``: coordinate descent on working sets; ``"gram"``: covariance mode for n >> p.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The weighted lasso's coefficients.
    intercept_ : float
        Its intercept.
    dual_gap_ : float
        Its duality gap.
    n_iter_ : int
        Its coordinate-descent epochs (at least 1).
    converged_ : bool
        Whether its gap met the tolerance.
    penalty_factor_ : ndarray of shape (n_features,)
        The adaptive factors f.
    init_coef_ : ndarray of shape (n_features,)
        The first fit's coefficients.
    init_alpha_ : float or None
        The first fit's alpha (None for ``"ols"``).
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
    >>> model = shrinkage.AdaptiveLasso(alpha=0.05).fit(X, y)
    >>> np.flatnonzero(model.coef_)
    array([0, 3])
    """

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        gamma: float = 1.0,
        init: str = "ridge",
        init_alpha: float | None = None,
        cv: object = 5,
        random_state: int | np.random.Generator | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        solver: str = "auto",
    ) -> None:
        self.alpha = alpha
        self.gamma = gamma
        self.init = init
        self.init_alpha = init_alpha
        self.cv = cv
        self.random_state = random_state
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> AdaptiveLasso:
        """Fit the initial model, then the weighted lasso.

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
        AdaptiveLasso
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> model = shrinkage.AdaptiveLasso(alpha=0.05, init="ols").fit(X, y)
        >>> model.init_alpha_ is None, bool(model.penalty_factor_[0] < model.penalty_factor_[1])
        (True, True)
        """
        alpha = v.check_alpha(self.alpha)
        gamma = v.check_nonnegative(self.gamma, "gamma")
        problem, X = self._problem(X, y, sample_weight, multi_output=False)
        w0, scale = self._initial(problem, self.cv)
        self._final_fit(problem, adaptive_factors(w0, gamma, scale), alpha, X)
        return self


class AdaptiveLassoCV(_AdaptiveBase):
    """The adaptive lasso with alpha (and optionally gamma) chosen by K-fold cross-validation.

    The initial fit and its weights are computed once on the full data and kept fixed in every
    fold (as glmnet users do with ``cv.glmnet(penalty.factor=...)``); the CV error is therefore
    slightly optimistic, which does not matter for choosing alpha.  Every gamma is scored on the
    same folds (also used to choose ``init_alpha`` when it is None).

    Parameters
    ----------
    gamma : float or list of float, default=1.0
        One exponent (>= 0) or a small list of them to choose from.
    alphas : array-like of float, default=None
        The grid; None: ``n_alphas`` values from alpha_max down, per gamma.
    n_alphas : int, default=100
        The length of the default grid.
    cv : int, splitter or iterable, default=5
        The number of folds, a scikit-learn splitter or an iterable of (train, test) pairs.
    alpha_rule : {"min", "1se"}, default="min"
        ``"min"``: the minimum CV error; ``"1se"``: the largest alpha within one standard error.
        gamma is the one with the smallest minimum CV error.
    scoring : {"mse", "mae", "r2"}, default="mse"
        The CV error (see ``shrinkage.selection.cv``).
    init : {"ridge", "ols", "lasso"}, default="ridge"
        The first fit (``"ols"`` needs n > p).
    init_alpha : float, default=None
        The penalty of the first fit, in ``ElasticNet`` units (ridge:
        ``ElasticNet(init_alpha, l1_ratio=0)``; lasso: ``Lasso(init_alpha)``).  None: chosen by
        cross-validation (minimum error) on the ridge / lasso path, on the same folds.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (exact weighted centring).
    standardize : bool, default=False
        glmnet-style: penalize the coefficients of columns scaled to unit weighted standard
        deviation, report coefficients on the original scale.
    tol : float, default=1e-4
        Stop when the duality gap <= tol * sum s (y - ybar)^2 (scikit-learn's convention).
    max_iter : int, default=1000
        The most coordinate-descent epochs.
    solver : {"auto", "cd", "gram"}, default="auto"
        ``"cd"``: coordinate descent on working sets; ``"gram"``: covariance mode for n >> p.
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
    gamma_ : float
        The chosen gamma.
    gammas_ : ndarray of float
        The gammas scored.
    cv_results_ : list of CVResult
        One cross-validation per gamma.
    alphas_ : ndarray of shape (n_alphas,)
        The grid of the chosen gamma.
    cv_mean_ : ndarray of shape (n_alphas,)
        Its mean CV error per alpha.
    cv_se_ : ndarray of shape (n_alphas,)
        Its standard error.
    coef_ : ndarray of shape (n_features,)
        The final full-data fit's coefficients, at (alpha_, gamma_).
    intercept_ : float
        Its intercept.
    dual_gap_ : float
        Its duality gap.
    n_iter_ : int
        Its coordinate-descent epochs (at least 1).
    converged_ : bool
        Whether its gap met the tolerance.
    penalty_factor_ : ndarray of shape (n_features,)
        The adaptive factors f.
    init_coef_ : ndarray of shape (n_features,)
        The first fit's coefficients.
    init_alpha_ : float or None
        The first fit's alpha (None for ``"ols"``).
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
    >>> model = shrinkage.AdaptiveLassoCV(n_alphas=10, cv=3, random_state=0).fit(X, y)
    >>> np.flatnonzero(model.coef_), bool(model.alpha_ > 0)
    (array([0, 3]), True)
    """

    def __init__(
        self,
        *,
        gamma: float | Sequence[float] = 1.0,
        alphas: ArrayLike | None = None,
        n_alphas: int = 100,
        cv: object = 5,
        alpha_rule: str = "min",
        scoring: str = "mse",
        init: str = "ridge",
        init_alpha: float | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        tol: float = 1e-4,
        max_iter: int = 1000,
        solver: str = "auto",
        n_jobs: int | None = None,
        random_state: int | np.random.Generator | None = None,
        progress: bool | None = None,
    ) -> None:
        self.gamma = gamma
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.cv = cv
        self.alpha_rule = alpha_rule
        self.scoring = scoring
        self.init = init
        self.init_alpha = init_alpha
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.progress = progress

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> AdaptiveLassoCV:
        """Cross-validate alpha (and gamma), then fit the chosen model on all data.

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
        AdaptiveLassoCV
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((60, 4))
        >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
        >>> model = shrinkage.AdaptiveLassoCV(gamma=[0.5, 1.0], n_alphas=10, cv=3,
        ...                                   random_state=0).fit(X, y)
        >>> len(model.cv_results_), model.gamma_ in (0.5, 1.0)
        (2, True)
        """
        from ..selection._folds import make_folds
        from ..selection.cv import cross_validate_path

        gammas = v.check_nonnegatives(self.gamma, "gamma")
        rule = v.check_choice(self.alpha_rule, "alpha_rule", v.ALPHA_RULES)
        problem, X = self._problem(X, y, sample_weight, multi_output=False)
        splits, _ = make_folds(
            self.cv, problem.n_samples, X=problem.X, y=problem.y, random_state=self.random_state
        )
        w0, scale = self._initial(problem, splits)
        results, factors = [], []
        for gamma in gammas:
            f = adaptive_factors(w0, gamma, scale)
            factors.append(f)
            results.append(
                cross_validate_path(
                    problem.X,
                    problem.y,
                    l1_ratio=1.0,
                    alphas=self.alphas,
                    n_alphas=self.n_alphas,
                    cv=splits,
                    scoring=self.scoring,
                    sample_weight=problem.sample_weight,
                    n_jobs=self.n_jobs,
                    progress=self.progress,
                    fit_intercept=self.fit_intercept,
                    standardize=self.standardize,
                    penalty_factor=f,
                    tol=self.tol,
                    max_iter=self.max_iter,
                    solver=self.solver,
                )
            )
        best = int(np.argmin([r.cv_mean[r.index_min] for r in results]))
        chosen = results[best]
        self.gammas_ = gammas
        self.gamma_ = float(gammas[best])
        self.cv_results_ = results
        self.alphas_ = chosen.alphas
        self.cv_mean_ = chosen.cv_mean
        self.cv_se_ = chosen.cv_se
        self.alpha_ = chosen.alpha_min if rule == "min" else chosen.alpha_1se
        self._final_fit(problem, factors[best], self.alpha_, X)
        return self
