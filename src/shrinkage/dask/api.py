"""Paths and cross-validation on Dask input: one pass for the statistics, then the core's solver.

The solving is the core's: ``solve_path`` on a ``Problem`` whose sufficient statistics come from
``compute_statistics`` (``Problem.with_statistics``), the CV grid, fold summary and alpha rules
of ``shrinkage.selection.cv``.  Only the held-out errors are computed here, from each fold's
moments (``DaskStatistics.test_errors``).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import _validation as v
from .._problem import Problem
from ..datafits.quadratic import SufficientStatistics
from ..exceptions import ShrinkageConvergenceWarning, user_stacklevel
from ..path import Path, default_alpha_min_ratio, solve_path
from ..selection.cv import (
    CVResult,
    PathOptions,
    _grid,
    _NoRows,
    _solve,
    fold_summary,
    select_alphas,
)
from ..solvers.choice import engine_datafit
from ._inputs import as_dask_data
from .statistics import DaskStatistics, compute_statistics, fold_abs_errors

_NOT_ON_DASK = {
    "groups": "group K-fold needs the group of every row; folds on Dask input are hashed",
    "n_repeats": "repeated K-fold is not available on Dask input",
    "gammas": "relaxed fits need the rows of the active columns",
    "n_jobs": "the fold paths run locally, one after the other, from the statistics",
    "progress": "there is no progress bar on Dask input (see the Dask dashboard)",
}


def check_solver(solver: str) -> str:
    """Dask input runs in Gram mode: "auto" or "gram"."""
    if solver not in ("auto", "gram"):
        raise ValueError(
            f"solver={solver!r} reads the rows of X; on Dask input only the Gram "
            "mode runs (from the sufficient statistics): use solver='auto' or "
            "'gram'."
        )
    return "gram"


def check_newton_datafit(fit: Any) -> Any:
    """``fit`` if the distributed proximal Newton of ``shrinkage.dask.glm`` takes it: a smooth
    datafit with one linear predictor (read off its ``smooth`` attribute and its ``classes``
    method, as ``shrinkage.solvers.choice`` does), else a ValueError naming what is missing."""
    name = getattr(fit, "name", type(fit).__name__)
    if not getattr(fit, "smooth", False):
        raise ValueError(
            f"the {name} datafit is not smooth: on Dask input the GLM solver is proximal "
            "Newton, which needs a gradient that is Lipschitz in eta; fit it in memory "
            "(shrinkage.path, whose interior point solves the check loss)."
        )
    if callable(getattr(fit, "classes", None)):
        raise ValueError(
            f"the {name} datafit couples the linear predictors of several classes; on Dask "
            "input the GLM solver fits one (binary logistic, Poisson, Gamma, Tweedie, ...): "
            "fit it in memory (shrinkage.path)."
        )
    return fit


def gram_problem(
    stats: SufficientStatistics, n_samples: int, options: PathOptions, feature_names=None
) -> Problem:
    """A ``Problem`` that holds statistics instead of rows (any use of the rows fails loudly)."""
    p = stats.x_offset.shape[0]
    if n_samples < p:
        raise ValueError(
            f"Dask input has fewer rows ({n_samples}) than features ({p}): the "
            "distributed Gram mode is for n >> p; fit such data in memory."
        )
    lower, upper = v.check_bounds(options.lower, options.upper, p, options.positive)
    problem = Problem(
        _NoRows((n_samples, p)),
        np.empty(0),
        np.empty(0),
        v.check_penalty_factor(options.penalty_factor, p),
        lower,
        upper,
        bool(options.fit_intercept),
        bool(options.standardize),
        v.check_feature_names(feature_names, p),
    )
    return problem.with_statistics(stats)


def path(
    X,
    y,
    *,
    datafit="quadratic",
    l1_ratio: float = 1.0,
    alphas=None,
    n_alphas: int = 100,
    alpha_min_ratio: float | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    sample_weight=None,
    offset=None,
    penalty_factor=None,
    lower=None,
    upper=None,
    positive: bool = False,
    tol: float = 1e-4,
    max_iter: int = 1000,
    solver: str = "auto",
    screen: bool = True,
    feature_names=None,
    memory_budget=None,
) -> Path:
    """``shrinkage.path`` on Dask input.

    Least squares: one pass over the data, then the path locally.  ``datafit="logistic"`` or
    ``"poisson"`` (a GLM datafit): distributed proximal Newton, one pass per Newton step
    (``shrinkage.dask.glm``).

    Parameters
    ----------
    X : dask array or dask DataFrame
        The features (or the X of ``read_parquet``); rows may be chunked.
    y : dask collection or str
        The target, with X's partitions, or a column name of a DataFrame X.
    datafit : str or Datafit, default="quadratic"
        ``"quadratic"`` (least squares), ``"logistic"`` or ``"poisson"``.
    l1_ratio : float, default=1.0
        The mix between L1 (1.0, the lasso) and L2 (0.0).
    alphas : array-like of float, default=None
        The grid, sorted decreasing before use; None: ``n_alphas`` values from alpha_max down to
        alpha_max * alpha_min_ratio.
    n_alphas : int, default=100
        The length of the default grid.
    alpha_min_ratio : float, default=None
        The end of the default grid relative to alpha_max; None: 1e-4 when n > p, else 1e-2.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    standardize : bool, default=False
        Penalize the coefficients of columns scaled to unit standard deviation, report them on
        the original scale.
    sample_weight : dask collection or str, default=None
        Row weights with X's partitions, or a column name of a DataFrame X; None is all ones.
    offset : str or dask collection or ndarray, default=None
        GLMs only: a column name of a DataFrame X, a dask Series from its source, or an array
        with X's rows, added to the linear predictor.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers of the penalty (0 leaves a feature unpenalized).
    lower : float or array-like of shape (n_features,), default=None
        Lower bounds on the coefficients.
    upper : float or array-like of shape (n_features,), default=None
        Upper bounds on the coefficients.
    positive : bool, default=False
        Shorthand for ``lower=0``.
    tol : float, default=1e-4
        The certificate's tolerance (duality gap, relative to the null model's objective).
    max_iter : int, default=1000
        The most iterations per alpha.
    solver : {"auto", "gram"}, default="auto"
        Least squares runs in Gram mode, from the statistics.
    screen : bool, default=True
        Safe screening with the duality gap (least squares).
    feature_names : array-like of str, default=None
        The names of X's columns; None takes a DataFrame's columns.
    memory_budget : int or str, default=None
        Overrides the dask config ``shrinkage.max-gram-memory`` (bytes or "8GiB").

    Returns
    -------
    Path
        The core's path (a ``DaskGLMPath`` for a GLM datafit).

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
    >>> from shrinkage.dask import path
    >>> with dask.config.set(scheduler="synchronous"):
    ...     lasso_path = path(X, y, n_alphas=5)
    >>> lasso_path.coefs.shape
    (5, 3)
    >>> bool(np.allclose(lasso_path.coefs, shrinkage.path(X_np, y_np, n_alphas=5).coefs,
    ...                  atol=1e-6))
    True
    """
    fit = engine_datafit(datafit)
    if not getattr(fit, "quadratic", False):  # a smooth GLM datafit: distributed Newton
        from .glm import glm_path

        check_solver(solver)
        return glm_path(
            X,
            y,
            datafit=check_newton_datafit(fit),
            l1_ratio=l1_ratio,
            alphas=alphas,
            n_alphas=n_alphas,
            alpha_min_ratio=alpha_min_ratio,
            fit_intercept=fit_intercept,
            standardize=standardize,
            sample_weight=sample_weight,
            offset=offset,
            penalty_factor=penalty_factor,
            lower=lower,
            upper=upper,
            positive=positive,
            tol=tol,
            max_iter=max_iter,
            feature_names=feature_names,
            memory_budget=memory_budget,
        )
    if offset is not None:
        raise ValueError(
            "offset is for GLM datafits on Dask input; with least squares "
            "subtract it from y first (y - offset)."
        )
    l1_ratio = v.check_l1_ratio(l1_ratio)
    check_solver(solver)
    tol = v.check_tol(tol)
    max_iter = v.check_positive_int(max_iter, "max_iter")
    alphas = v.check_grid(alphas, n_alphas, alpha_min_ratio)
    data = as_dask_data(X, y, sample_weight)
    stats = compute_statistics(data, None, fit_intercept=fit_intercept, memory_budget=memory_budget)
    options = PathOptions(
        fit_intercept=fit_intercept,
        standardize=standardize,
        penalty_factor=penalty_factor,
        lower=lower,
        upper=upper,
        positive=positive,
        tol=tol,
        max_iter=max_iter,
        solver="gram",
        screen=screen,
    )
    names = data.feature_names if feature_names is None else feature_names
    problem = gram_problem(stats.full(), stats.n_samples, options, names)
    if alpha_min_ratio is None:
        alpha_min_ratio = default_alpha_min_ratio(stats.n_samples, stats.n_features)
    return solve_path(
        problem,
        alphas,
        l1_ratio,
        n_alphas=n_alphas,
        alpha_min_ratio=alpha_min_ratio,
        tol=tol,
        max_iter=max_iter,
        solver="gram",
        screen=screen,
    )


def cross_validate_path(
    X,
    y,
    *,
    l1_ratio: float = 1.0,
    alphas=None,
    n_alphas: int = 100,
    cv: int = 5,
    scoring: str = "mse",
    sample_weight=None,
    random_state=None,
    keep_fold_coefs: bool = False,
    memory_budget=None,
    **path_kwargs,
) -> CVResult:
    """``shrinkage.cross_validate_path`` on Dask input, in one pass over the data.

    ``cv`` is a number of folds K; row r of partition i belongs to fold ``fold_ids(i, n_i, K,
    random_state)[r]`` (a hash, see ``shrinkage.dask.statistics``); ``CVResult.splits`` gives
    the global (train, test) indices on demand.  "mse" and "r2" come from the folds' moments
    (no extra pass); "mae" reads the data once more.

    Parameters
    ----------
    X : dask array or dask DataFrame
        The features (or the X of ``read_parquet``); rows may be chunked.
    y : dask collection or str
        The target, with X's partitions, or a column name of a DataFrame X.
    l1_ratio : float, default=1.0
        The mix between L1 (1.0, the lasso) and L2 (0.0).
    alphas : array-like of float, default=None
        The grid; None: ``n_alphas`` values from the full data's alpha_max down.
    n_alphas : int, default=100
        The length of the default grid.
    cv : int, default=5
        The number of folds K (hashed from the row positions).
    scoring : {"mse", "r2", "mae"}, default="mse"
        The held-out error.
    sample_weight : dask collection or str, default=None
        Row weights with X's partitions, or a column name of a DataFrame X; None is all ones.
    random_state : int, default=None
        Seeds the fold hash.
    keep_fold_coefs : bool, default=False
        Keep every fold's coefficients in the result.
    memory_budget : int or str, default=None
        Overrides the dask config ``shrinkage.max-gram-memory`` (bytes or "8GiB").
    **path_kwargs
        As ``shrinkage.cross_validate_path`` (``fit_intercept``, ``penalty_factor``, ``tol``,
        ...; solver "auto" or "gram").

    Returns
    -------
    CVResult
        The core's result, its ``splits`` a ``HashedFolds``.

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
    >>> from shrinkage.dask import cross_validate_path
    >>> with dask.config.set(scheduler="synchronous"):
    ...     result = cross_validate_path(X, y, n_alphas=5, cv=3, random_state=0)
    >>> len(result.splits), result.fold_errors.shape
    (3, (3, 5))
    >>> bool(result.alpha_1se >= result.alpha_min)
    True
    """
    for name, why in _NOT_ON_DASK.items():
        if path_kwargs.pop(name, None) not in (None, 1):
            raise ValueError(f"{name} is not supported on Dask input: {why}.")
    options = PathOptions.from_kwargs(path_kwargs, "cross_validate_path")
    check_solver(options.solver)
    l1_ratio = v.check_l1_ratio(l1_ratio)
    scoring = v.check_choice(scoring, "scoring", v.SCORINGS)
    k = check_folds(cv)
    data = as_dask_data(X, y, sample_weight)
    stats = compute_statistics(
        data,
        None,
        n_folds=k,
        random_state=random_state,
        fit_intercept=options.fit_intercept,
        memory_budget=memory_budget,
    )
    names = data.feature_names if options.feature_names is None else options.feature_names
    return cross_validate_statistics(
        stats,
        [l1_ratio],
        options,
        alphas=alphas,
        n_alphas=n_alphas,
        scoring=scoring,
        keep_fold_coefs=keep_fold_coefs,
        feature_names=names,
    )[0]


def check_folds(cv) -> int:
    if cv is None:
        return 5
    if isinstance(cv, bool) or not isinstance(cv, int | np.integer):
        raise ValueError(
            f"cv must be a number of folds on Dask input (the folds are hashed "
            f"from the row positions); got {cv!r}."
        )
    if cv < 2:
        raise ValueError(f"cv must be at least 2 folds; got cv={cv!r}.")
    return int(cv)


def cross_validate_statistics(
    stats: DaskStatistics,
    l1_ratios,
    options: PathOptions,
    *,
    alphas=None,
    n_alphas: int = 100,
    scoring: str = "mse",
    keep_fold_coefs: bool = False,
    feature_names=None,
    full_path: str = "all",
    model: str = "cross-validation",
) -> list[CVResult]:
    """The CV engine on fold statistics: one ``CVResult`` per l1_ratio, all on the same folds.

    ``full_path`` as in ``shrinkage.selection.cv.cross_validate`` ("all" or "best").
    """
    k = stats.n_folds
    if k > stats.n_samples:
        raise ValueError(
            f"cv={k} folds is larger than the number of samples: X has {stats.n_samples} samples."
        )
    empty = np.flatnonzero(stats.groups.count == 0)
    if empty.size:
        raise ValueError(
            f"fold {int(empty[0])} of {k} received no rows (the folds are hashed "
            "from the row positions): use fewer folds."
        )
    if scoring == "r2":
        flat = np.flatnonzero(stats.groups.m2[:, -1, -1] <= 0)
        if flat.size:
            f = int(flat[0])
            raise ValueError(
                f"scoring='r2' is undefined on cv split {f}: its held-out target "
                f"is constant ({int(stats.groups.count[f])} samples). Use fewer "
                "folds or scoring='mse'."
            )
    full = gram_problem(stats.full(), stats.n_samples, options, feature_names)
    trains = [
        gram_problem(stats.train(f), stats.n_train(f), options, feature_names) for f in range(k)
    ]
    grids = [_grid(full, r, alphas, n_alphas, "gram", options) for r in l1_ratios]
    fold_paths = [
        [_solve(train, r, grid, "gram", options) for train in trains]
        for r, grid in zip(l1_ratios, grids, strict=True)
    ]
    errors = _errors(stats, fold_paths, scoring)  # (n_l1, K, A)
    weights = stats.fold_weights
    summaries = []
    for e in errors:
        mean, se = fold_summary(e, weights, k)
        summaries.append((mean, se, *select_alphas(mean, se)))
    if full_path == "all":
        fulls = {
            i: _solve(full, r, grid, "gram", options)
            for i, (r, grid) in enumerate(zip(l1_ratios, grids, strict=True))
        }
    else:
        best = int(np.argmin([np.nanmin(s[0]) for s in summaries]))
        fulls = {
            best: _solve(
                full, l1_ratios[best], grids[best][: summaries[best][2] + 1], "gram", options
            )
        }
    _warn(fold_paths, fulls, options, model)
    splits = stats.splits()
    results = []
    for i, (grid, (mean, se, i_min, i_1se)) in enumerate(zip(grids, summaries, strict=True)):
        fold_coefs = fold_intercepts = None
        if keep_fold_coefs:
            fold_coefs = np.array([p.coefs for p in fold_paths[i]])
            fold_intercepts = np.array([p.intercepts for p in fold_paths[i]])
        results.append(
            CVResult(
                grid,
                mean,
                se,
                float(grid[i_min]),
                float(grid[i_1se]),
                i_min,
                i_1se,
                errors[i],
                weights,
                scoring,
                float(l1_ratios[i]),
                fulls.get(i),
                splits,
                fold_coefs=fold_coefs,
                fold_intercepts=fold_intercepts,
            )
        )
    return results


def _errors(stats: DaskStatistics, fold_paths: list, scoring: str) -> np.ndarray:
    if scoring != "mae":
        return np.array(
            [
                [stats.test_errors(f, p.coefs, p.intercepts, scoring) for f, p in enumerate(paths)]
                for paths in fold_paths
            ]
        )
    # one more pass, every l1_ratio at once: stack the grids along the alpha axis
    coefs = np.concatenate([np.array([p.coefs for p in paths]) for paths in fold_paths], axis=1)
    intercepts = np.concatenate(
        [np.array([p.intercepts for p in paths]) for paths in fold_paths], axis=1
    )
    errors = fold_abs_errors(stats, coefs, intercepts)  # (K, n_l1 * A)
    n_alphas = [len(paths[0]) for paths in fold_paths]
    return np.array(np.split(errors, np.cumsum(n_alphas)[:-1], axis=1))


def _warn(fold_paths: list, fulls: dict, options: PathOptions, model: str) -> None:
    bad = sum(int(np.sum(~p.converged)) for paths in fold_paths for p in paths)
    total = sum(p.converged.size for paths in fold_paths for p in paths)
    bad_full = sum(int(np.sum(~p.converged)) for p in fulls.values())
    if bad or bad_full:
        warnings.warn(
            f"{model}: {bad} of {total} fold fits and {bad_full} full-data fits stopped at "
            f"max_iter={options.max_iter} above the tolerance tol={options.tol:g} (mostly the "
            "smallest alphas). Try a larger max_iter, standardize=True for columns on very "
            "different scales, or a larger alpha_min_ratio.",
            ShrinkageConvergenceWarning,
            stacklevel=user_stacklevel(),
        )


def predict(estimator, X):
    """A fitted estimator's predictions on Dask input, lazily (a dask array or Series).

    Parameters
    ----------
    estimator : estimator
        A fitted single-target linear model (``coef_`` and ``intercept_``).
    X : dask array or dask DataFrame
        The features.

    Returns
    -------
    dask array or dask Series
        X @ coef_ + intercept_, not yet computed.

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
    >>> from shrinkage.dask import predict
    >>> with dask.config.set(scheduler="synchronous"):
    ...     model = shrinkage.Lasso(alpha=0.1).fit(X, y)
    ...     predictions = predict(model, X)
    ...     print(predictions.shape, np.allclose(predictions.compute(), model.predict(X_np)))
    (40,) True
    """
    import dask.array as da
    import dask.dataframe as dd
    import pandas as pd

    coef = np.asarray(estimator.coef_, dtype=np.float64)
    intercept = np.asarray(estimator.intercept_, dtype=np.float64)
    if coef.ndim != 1:
        raise ValueError("predict on Dask input supports one target.")
    if isinstance(X, dd.DataFrame):
        names = getattr(estimator, "feature_names_in_", None)
        if names is not None and [str(c) for c in X.columns] != list(names):
            raise ValueError("X's columns differ from the ones the estimator was fitted on.")

        def one(part):
            return pd.Series(
                part.to_numpy(dtype=np.float64) @ coef + float(intercept), index=part.index
            )

        return X.map_partitions(one, meta=pd.Series(dtype=np.float64))
    if isinstance(X, da.Array):
        if X.ndim != 2 or X.shape[1] != coef.shape[0]:
            raise ValueError(
                f"X has shape {X.shape}; the estimator expects {coef.shape[0]} columns."
            )
        return X.astype(np.float64) @ coef + float(intercept)
    raise TypeError(f"X must be a dask array or DataFrame; got {type(X).__name__}.")
