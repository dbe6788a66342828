"""``fit`` of Lasso, ElasticNet, Ridge, LassoCV and ElasticNetCV on Dask input.

The estimators call ``fit_estimator`` at the top of ``fit`` when X is a Dask collection.  The
parameters are checked as in memory, the data is read once (``compute_statistics``), and the
fitted attributes are the in-memory ones (``coef_``, ``intercept_``, ``dual_gap_``, ...,
``n_features_in_``, ``feature_names_in_`` for a DataFrame).
"""

from __future__ import annotations

import numpy as np

from .. import _validation as v
from ..estimators.cv import set_cv_attributes
from ..path import solve_path
from ..selection.cv import PathOptions
from ._inputs import DaskData, as_dask_data
from .api import check_folds, check_solver, cross_validate_statistics, gram_problem
from .statistics import compute_statistics


def fit_estimator(estimator, X, y, sample_weight=None, groups=None):
    """Fit ``estimator`` on Dask input in place; returns it."""
    from ..estimators.cv import ElasticNetCV
    from ..estimators.linear import ElasticNet, Ridge

    if isinstance(estimator, ElasticNetCV):
        return _fit_cv(estimator, X, y, sample_weight, groups)
    if groups is not None:
        raise TypeError(f"{type(estimator).__name__}.fit() got an unexpected argument 'groups'.")
    if isinstance(estimator, Ridge):
        return _fit_ridge(estimator, X, y, sample_weight)
    if isinstance(estimator, ElasticNet):
        return _fit_elastic_net(estimator, X, y, sample_weight)
    raise TypeError(f"{type(estimator).__name__} does not accept Dask input; Lasso, "
                    "ElasticNet, Ridge, LassoCV and ElasticNetCV do (or use shrinkage.dask.path "
                    "/ cross_validate_path).")


def _options(est, solver: str) -> PathOptions:
    return PathOptions(fit_intercept=est.fit_intercept, standardize=est.standardize,
                       penalty_factor=est.penalty_factor, lower=est.lower, upper=est.upper,
                       positive=est.positive, tol=est.tol, max_iter=est.max_iter, solver=solver,
                       alpha_min_ratio=getattr(est, "alpha_min_ratio", None)).checked()


def _set_features(est, data: DaskData) -> None:
    est.n_features_in_ = data.n_features
    if data.kind == "frame":
        est.feature_names_in_ = np.asarray(data.feature_names, dtype=object)
    elif hasattr(est, "feature_names_in_"):
        del est.feature_names_in_


def _fit_elastic_net(est, X, y, sample_weight):
    alpha = v.check_alpha(est.alpha)
    l1_ratio = est._mixing()
    options = _options(est, check_solver(est.solver))
    data = as_dask_data(X, y, sample_weight)
    stats = compute_statistics(data, None, fit_intercept=options.fit_intercept)
    _set_features(est, data)
    problem = gram_problem(stats.full(), stats.n_samples, options, data.feature_names)
    w0 = None
    previous = getattr(est, "coef_", None) if est.warm_start else None
    if previous is not None and np.shape(previous) == (problem.n_features,):
        w0 = np.asarray(previous, dtype=np.float64)
    result = solve_path(problem, np.array([alpha]), l1_ratio, tol=options.tol,
                        max_iter=options.max_iter, solver="gram", w0=w0,
                        model=type(est).__name__)
    est.coef_ = result.coefs[0].astype(data.dtype)
    est.intercept_ = data.dtype.type(result.intercepts[0])
    est.dual_gap_ = float(result.gaps[0])
    est.n_iter_ = max(int(result.n_iter[0]), 1)
    est.converged_ = bool(result.converged[0])
    return est


def _fit_ridge(est, X, y, sample_weight):
    from ..estimators.linear import RIDGE_SOLVERS, ridge_alpha_to_elastic_net

    alpha = v.check_alpha(est.alpha)
    if est.solver not in RIDGE_SOLVERS:
        raise ValueError(f"solver must be one of {RIDGE_SOLVERS}; got {est.solver!r}.")
    if est.solver == "eigen":
        raise ValueError("solver='eigen' (the kernel form) needs the rows of X; on Dask input "
                         "Ridge solves the p x p system: use solver='auto' or 'cholesky'.")
    options = _options(est, "gram")
    data = as_dask_data(X, y, sample_weight)
    stats = compute_statistics(data, None, fit_intercept=options.fit_intercept)
    _set_features(est, data)
    problem = gram_problem(stats.full(), stats.n_samples, options, data.feature_names)
    en_alpha = ridge_alpha_to_elastic_net(alpha, [stats.total_weight])
    bounded = np.any(np.isfinite(problem.lower)) or np.any(np.isfinite(problem.upper))
    if est.solver == "cd" or bounded:
        w0 = None
        previous = getattr(est, "coef_", None) if est.warm_start else None
        if previous is not None and np.shape(previous) == (problem.n_features,):
            w0 = np.asarray(previous, dtype=np.float64)
        result = solve_path(problem, np.array([en_alpha]), 0.0, tol=options.tol,
                            max_iter=options.max_iter, solver="gram", w0=w0, model="Ridge")
        coef, intercept, gap = result.coefs[0], result.intercepts[0], result.gaps[0]
        n_iter = np.array([int(result.n_iter[0])])
    else:
        coefs, intercepts, gaps = est._fit_closed_form(problem, en_alpha)
        coef, intercept, gap = coefs[0], intercepts[0], gaps[0]
        n_iter = 1
    est.coef_ = np.asarray(coef, dtype=data.dtype)
    est.intercept_ = np.asarray(intercept, dtype=data.dtype)[()]
    est.dual_gap_ = gap
    est.n_iter_ = n_iter
    return est


def _fit_cv(est, X, y, sample_weight, groups):
    rule = v.check_choice(est.alpha_rule, "alpha_rule", v.ALPHA_RULES)
    scoring = v.check_choice(est.scoring, "scoring", v.SCORINGS)
    l1_ratios, is_list = est._l1_ratios()
    name = type(est).__name__
    if est.relax:
        raise ValueError(f"{name}(relax=True) is not supported on Dask input: the relaxed fits "
                         "need the rows of the active columns.")
    if groups is not None:
        raise ValueError("groups is not supported on Dask input: the folds are hashed from the "
                         "row positions (shrinkage.dask.fold_ids).")
    if est.n_repeats != 1:
        raise ValueError(f"n_repeats={est.n_repeats} is not supported on Dask input.")
    k = check_folds(est.cv)
    options = _options(est, check_solver(est.solver))
    data = as_dask_data(X, y, sample_weight)
    stats = compute_statistics(data, None, n_folds=k, random_state=est.random_state,
                               fit_intercept=options.fit_intercept)
    _set_features(est, data)
    results = cross_validate_statistics(stats, l1_ratios, options, alphas=est.alphas,
                                        n_alphas=est.n_alphas, scoring=scoring,
                                        feature_names=data.feature_names, full_path="best",
                                        model=name)
    return set_cv_attributes(est, results, rule, is_list, False, data.dtype)
