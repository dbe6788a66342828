"""``fit`` of Lasso, ElasticNet, Ridge, LassoCV, ElasticNetCV, LogisticRegression and
PoissonRegressor on Dask input.

The estimators call ``fit_estimator`` at the top of ``fit`` when X is a Dask collection.  The
parameters are checked as in memory, the data is read once (``compute_statistics``; the GLMs
read it once per Newton step, ``shrinkage.dask.glm``), and the fitted attributes are the
in-memory ones (``coef_``, ``intercept_``, ``dual_gap_``, ..., ``n_features_in_``,
``feature_names_in_`` for a DataFrame).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _validation as v
from ..estimators.cv import set_cv_attributes
from ..path import solve_path
from ..selection.cv import PathOptions
from ._inputs import DaskData, as_dask_data
from .api import check_folds, check_solver, cross_validate_statistics, gram_problem
from .statistics import compute_statistics


def fit_estimator(estimator, X, y, sample_weight=None, groups=None, offset=None):
    """Fit ``estimator`` on Dask input in place; returns it.

    ``estimator.fit`` calls it for Dask input (through the core's dispatch hook).

    Parameters
    ----------
    estimator : estimator
        The estimator to fit: Lasso, ElasticNet, Ridge, LassoCV, ElasticNetCV,
        LogisticRegression or PoissonRegressor.
    X : dask array or dask DataFrame
        The features (or the X of ``read_parquet``); rows may be chunked.
    y : dask collection or str
        The target, with X's partitions, or a column name of a DataFrame X.
    sample_weight : dask collection or str, default=None
        Row weights with X's partitions, or a column name of a DataFrame X.
    groups : None, default=None
        Group K-fold is not available on Dask input: anything but None is refused.
    offset : str or dask collection or ndarray, default=None
        GLMs only: added to the linear predictor (as in ``glm_path``).

    Returns
    -------
    estimator
        The same estimator, fitted.

    Examples
    --------
    >>> import dask
    >>> import dask.array as da
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X_np = rng.standard_normal((40, 3))
    >>> y_np = X_np @ np.array([1.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(40)
    >>> X = da.from_array(X_np, chunks=(20, 3))
    >>> y = da.from_array(y_np, chunks=20)
    >>> import shrinkage
    >>> from shrinkage.dask import fit_estimator
    >>> with dask.config.set(scheduler="synchronous"):
    ...     model = fit_estimator(shrinkage.Lasso(alpha=0.1), X, y)
    >>> model.coef_.round(2)
    array([ 0.92,  0.  , -1.81])
    """
    from ..estimators.cv import ElasticNetCV
    from ..estimators.glm import LogisticRegression, PoissonRegressor
    from ..estimators.linear import ElasticNet, Ridge

    if isinstance(estimator, PoissonRegressor):
        return _fit_poisson(estimator, X, y, sample_weight, offset)
    if offset is not None:
        raise TypeError(f"{type(estimator).__name__}.fit() got an unexpected argument 'offset'.")
    if isinstance(estimator, LogisticRegression):
        return _fit_logistic(estimator, X, y, sample_weight)
    if isinstance(estimator, ElasticNetCV):
        return _fit_cv(estimator, X, y, sample_weight, groups)
    if groups is not None:
        raise TypeError(f"{type(estimator).__name__}.fit() got an unexpected argument 'groups'.")
    if isinstance(estimator, Ridge):
        return _fit_ridge(estimator, X, y, sample_weight)
    if isinstance(estimator, ElasticNet):
        return _fit_elastic_net(estimator, X, y, sample_weight)
    raise TypeError(
        f"{type(estimator).__name__} does not accept Dask input; Lasso, "
        "ElasticNet, Ridge, LassoCV, ElasticNetCV, LogisticRegression and "
        "PoissonRegressor do (or use shrinkage.dask.path / cross_validate_path)."
    )


def _options(est, solver: str) -> PathOptions:
    return PathOptions(
        fit_intercept=est.fit_intercept,
        standardize=est.standardize,
        penalty_factor=est.penalty_factor,
        lower=est.lower,
        upper=est.upper,
        positive=est.positive,
        tol=est.tol,
        max_iter=est.max_iter,
        solver=solver,
        alpha_min_ratio=getattr(est, "alpha_min_ratio", None),
    ).checked()


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
    result = solve_path(
        problem,
        np.array([alpha]),
        l1_ratio,
        tol=options.tol,
        max_iter=options.max_iter,
        solver="gram",
        w0=w0,
        model=type(est).__name__,
    )
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
        raise ValueError(
            "solver='eigen' (the kernel form) needs the rows of X; on Dask input "
            "Ridge solves the p x p system: use solver='auto' or 'cholesky'."
        )
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
        result = solve_path(
            problem,
            np.array([en_alpha]),
            0.0,
            tol=options.tol,
            max_iter=options.max_iter,
            solver="gram",
            w0=w0,
            model="Ridge",
        )
        coef, intercept, gap = result.coefs[0], result.intercepts[0], result.gaps[0]
        n_iter = np.array([int(result.n_iter[0])])
    else:
        coefs, intercepts, gaps = est._fit_closed_form(problem, en_alpha, options.tol)
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
        raise ValueError(
            f"{name}(relax=True) is not supported on Dask input: the relaxed fits "
            "need the rows of the active columns."
        )
    if groups is not None:
        raise ValueError(
            "groups is not supported on Dask input: the folds are hashed from the "
            "row positions (shrinkage.dask.fold_ids)."
        )
    if est.n_repeats != 1:
        raise ValueError(f"n_repeats={est.n_repeats} is not supported on Dask input.")
    k = check_folds(est.cv)
    options = _options(est, check_solver(est.solver))
    data = as_dask_data(X, y, sample_weight)
    stats = compute_statistics(
        data, None, n_folds=k, random_state=est.random_state, fit_intercept=options.fit_intercept
    )
    _set_features(est, data)
    results = cross_validate_statistics(
        stats,
        l1_ratios,
        options,
        alphas=est.alphas,
        n_alphas=est.n_alphas,
        scoring=scoring,
        feature_names=data.feature_names,
        full_path="best",
        model=name,
    )
    return set_cv_attributes(est, results, rule, is_list, False, data.dtype)


# --------------------------------------------------------------------------------------------
# GLMs: distributed proximal Newton (shrinkage.dask.glm)


def _glm_fit(est, problem, alpha: float, l1_ratio: float, shape: tuple):
    """One alpha on a DaskGLM problem, warm-started from the previous fit if asked."""
    from .glm import solve_dask_glm_path

    w0 = b0 = None
    previous = getattr(est, "coef_", None) if est.warm_start else None
    if previous is not None and np.shape(previous) == shape:
        w0 = np.asarray(previous, dtype=np.float64).reshape(-1)
        b0 = float(np.ravel(est.intercept_)[0])
    return solve_dask_glm_path(
        problem,
        np.array([alpha]),
        l1_ratio,
        tol=v.check_tol(est.tol),
        max_iter=v.check_positive_int(est.max_iter, "max_iter"),
        w0=w0,
        b0=b0,
        model=type(est).__name__,
    )


def _glm_options(est) -> dict:
    return {
        "penalty_factor": est.penalty_factor,
        "lower": est.lower,
        "upper": est.upper,
        "positive": getattr(est, "positive", False),
        "fit_intercept": est.fit_intercept,
        "standardize": est.standardize,
    }


def _fit_poisson(est, X, y, sample_weight, offset):
    from .glm import DaskGLM

    alpha, l1_ratio = v.check_alpha(est.alpha), v.check_l1_ratio(est.l1_ratio)
    problem = DaskGLM.build(
        X, y, datafit="poisson", sample_weight=sample_weight, offset=offset, **_glm_options(est)
    )
    _set_features(est, problem.data)
    if problem.offset_col is not None and problem.data.kind == "frame":
        est.feature_names_in_ = np.asarray(problem.feature_names, dtype=object)
    est.n_features_in_ = problem.n_features
    path = _glm_fit(est, problem, alpha, l1_ratio, (problem.n_features,))
    est.coef_ = path.coefs[0].astype(problem.data.dtype)
    est.intercept_ = problem.data.dtype.type(path.intercepts[0])
    est._record([path])
    return est


def _fit_logistic(est, X, y, sample_weight):
    """Two classes: labels from one pass over y, then the binary logistic path at one alpha."""
    from ..estimators.glm import MULTI_CLASS
    from ..solvers.prox_newton import DivergenceError
    from .glm import DaskGLM

    multi_class = v.check_choice(est.multi_class, "multi_class", MULTI_CLASS)
    X, y, sample_weight, counts = _labels(X, y, sample_weight)
    est.classes_ = np.asarray(counts.index)
    name = type(est).__name__
    if len(est.classes_) < 2:
        raise ValueError(
            f"{name} needs samples of at least 2 classes; y has a single class: "
            f"{est.classes_[0]!r}."
        )
    if len(est.classes_) > 2 or multi_class == "multinomial":
        raise ValueError(
            f"{name} on Dask input fits two classes (a binary logistic model); y "
            f"has {len(est.classes_)} classes and multi_class={est.multi_class!r}. "
            "Fit one class against the rest (y == label) per class."
        )
    positive = (y == est.classes_[1]).astype(np.float64)
    if est.class_weight is not None:
        from sklearn.utils.class_weight import compute_class_weight

        if not (est.class_weight == "balanced" or isinstance(est.class_weight, dict)):
            raise ValueError(
                "class_weight must be None, 'balanced' or a dict {label: weight}; "
                f"got {est.class_weight!r}."
            )
        labels = np.repeat(est.classes_, counts.to_numpy().astype(np.int64))
        w0, w1 = compute_class_weight(est.class_weight, classes=est.classes_, y=labels)
        weights = positive * (w1 - w0) + w0
        sample_weight = weights if sample_weight is None else sample_weight * weights
    problem = DaskGLM.build(
        X, positive, datafit="logistic", sample_weight=sample_weight, **_glm_options(est)
    )
    _set_features(est, problem.data)
    alpha, l1_ratio = est._alpha_l1_ratio(problem.total_weight)
    try:
        path = _glm_fit(est, problem, alpha, l1_ratio, (1, problem.n_features))
    except DivergenceError as error:
        if alpha > 0:
            raise
        raise ValueError(
            f"{name}(penalty={est.penalty!r}) has no finite solution on these "
            f"data. {error} For example penalty='l2' with C=1.0."
        ) from error
    est.coef_ = path.coefs[:1].astype(problem.data.dtype)
    est.intercept_ = path.intercepts[:1].astype(problem.data.dtype)
    est._multinomial = False
    est._record([path])
    return est


def _labels(X, y, sample_weight):
    """(X, y, sample_weight, counts): y (and the weights) as dask collections aligned with X,
    and the number of rows of each label (one pass over y)."""
    import dask.array as da
    import dask.dataframe as dd

    if isinstance(X, dd.DataFrame):
        drop = [c for c in (y, sample_weight) if isinstance(c, str)]
        for c in drop:
            if c not in X.columns:
                raise ValueError(
                    f"column {c!r} is not in X; its columns are "
                    f"{v.listed([str(c) for c in X.columns])}."
                )
        y = X[y] if isinstance(y, str) else y
        sample_weight = X[sample_weight] if isinstance(sample_weight, str) else sample_weight
        X = X.drop(columns=drop) if drop else X
    if isinstance(y, dd.DataFrame) and len(y.columns) == 1:
        y = y[y.columns[0]]
    if isinstance(y, dd.Series):
        counts = y.value_counts().compute().sort_index()
    elif isinstance(y, da.Array) or isinstance(X, da.Array):
        y = y if isinstance(y, da.Array) else da.from_array(np.asarray(y), chunks=(X.chunks[0],))
        values, n = da.unique(y.ravel(), return_counts=True)
        values, n = (np.asarray(a) for a in da.compute(values, n))
        counts = pd.Series(n, index=values)
    else:
        raise TypeError(
            f"y must be a dask collection aligned with X (or a column name of a "
            f"DataFrame X); got {type(y).__name__}."
        )
    return X, y, sample_weight, counts
