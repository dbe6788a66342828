"""Coefficients of a path at any alpha refitted exactly, and the CV estimators' ``alpha=``.

``Path.coef_at(exact=True)`` is glmnet's ``exact = TRUE``: a refit at alpha, warm-started from
the nearest grid point, which needs the training data and the options the path was computed
with (``shrinkage.paths`` wires ``refit`` into ``Path``).  Interpolation, glmnet's
``exact = FALSE``, is ``shrinkage.paths.interpolate``.
"""

from __future__ import annotations

import numpy as np

from . import _validation as v

# the options of ``shrinkage.path`` an exact refit takes besides X and y
REFIT_OPTIONS = (
    "sample_weight",
    "offset",
    "penalty_factor",
    "lower",
    "upper",
    "positive",
    "fit_intercept",
    "standardize",
    "tol",
    "max_iter",
    "solver",
    "screen",
    "datafit",
)
_PARAMETRIZED = ("huber", "quantile", "tweedie")  # a name alone says no epsilon / tau / power


def refit(path, alpha: float, X, y, options: dict) -> tuple[np.ndarray, np.ndarray | float]:
    """(coef, intercept) of the fit at ``alpha``, warm-started from the nearest grid point."""
    from .paths.interpolate import scalar  # not at import: importing shrinkage.paths imports this

    unknown = sorted(set(options) - set(REFIT_OPTIONS))
    if unknown:
        raise TypeError(
            f"exact=True takes the options of shrinkage.path "
            f"({', '.join(REFIT_OPTIONS)}); got {', '.join(map(repr, unknown))}."
        )
    if X is None or y is None:
        raise ValueError(
            "exact=True refits at alpha: it needs the training data X and y (and "
            "the options the path was computed with, such as sample_weight)."
        )
    nearest = int(
        np.argmin(np.abs(np.log(np.maximum(path.alphas, 1e-300)) - np.log(max(alpha, 1e-300))))
    )
    w0 = np.asarray(path.coefs[nearest], dtype=np.float64)
    b0 = np.asarray(path.intercepts[nearest], dtype=np.float64)
    result = _solve_at(path, alpha, X, y, dict(options), w0, b0)
    return result.coefs[0], scalar(np.asarray(result.intercepts[0]))


def _solve_at(path, alpha: float, X, y, options: dict, w0, b0):
    """The refit of an L1/L2 path, sent where ``shrinkage.path`` sends its datafit: chosen by
    capability (``shrinkage.path.route``), never by the datafit's name."""
    from ._problem import Problem
    from .path import path as compute_path
    from .path import route
    from .paths.least_squares import solve_path

    if path.penalty != "l1_l2":
        return _solve_special_at(path, alpha, X, y, options, w0)
    if "datafit" not in options and path.datafit in _PARAMETRIZED:
        raise ValueError(
            f"the path's datafit {path.datafit!r} has parameters the Path does not "
            f"keep: pass the instance it was computed with, datafit=... (see "
            "shrinkage.datafits)."
        )
    datafit = options.pop("datafit", path.datafit)
    tol = v.check_tol(options.pop("tol", 1e-4))
    max_iter = v.check_positive_int(options.pop("max_iter", 1000), "max_iter")
    solver = options.pop("solver", "auto")
    screen = options.pop("screen", True)
    grid = np.array([alpha])
    names = path.feature_names
    X = v.check_design(X)
    fit, choice = route(X, y, datafit)
    if choice.solver in ("gram", "cd"):  # least squares
        offset = options.pop("offset", None)
        problem = Problem.build(X, y, feature_names=names, validated=True, **options)
        if offset is not None:
            problem.y = problem.y - v.check_target(offset, problem.n_samples, name="offset")
        return solve_path(
            problem,
            grid,
            path.l1_ratio,
            tol=tol,
            max_iter=max_iter,
            solver=solver,
            screen=screen,
            w0=w0,
            model="the refit at alpha",
        )
    if choice.solver == "quantile":  # not smooth: the interior point (no warm start)
        return compute_path(
            X,
            y,
            datafit=fit,
            l1_ratio=path.l1_ratio,
            alphas=grid,
            tol=tol,
            max_iter=max_iter,
            feature_names=names,
            **options,
        )
    from .glm.path import solve_glm_path

    return solve_glm_path(
        Problem.build(X, y, feature_names=names, validated=True, **options),
        fit,
        grid,
        path.l1_ratio,
        tol=tol,
        max_iter=max_iter,
        w0=w0,
        b0=b0 if b0.ndim else float(b0),
        model="the refit at alpha",
    )


def _solve_special_at(path, alpha: float, X, y, options: dict, w0):
    """The refit of an MCP / SCAD or multi-task path (a group path keeps no groups: refused)."""
    from ._problem import Problem
    from .path import check_not_taken
    from .paths.multitask import multi_task_path
    from .paths.nonconvex import solve_nonconvex_path

    if path.penalty == "group":
        raise ValueError(
            "exact=True refits the path's model, but a Path does not keep a group "
            "path's groups: call shrinkage.group_path(X, y, groups, alphas=[alpha], "
            "...) with the path's options instead."
        )
    multi_task = path.penalty == "multitask"
    check_not_taken("multi_task=True" if multi_task else f"penalty={path.penalty!r}", **options)
    tol = v.check_tol(options.pop("tol", 1e-4))
    max_iter = v.check_positive_int(options.pop("max_iter", 1000), "max_iter")
    kept = {
        k: options[k]
        for k in ("sample_weight", "fit_intercept", "penalty_factor", "standardize")
        if k in options
    }
    grid = np.array([alpha])
    if multi_task:
        return multi_task_path(
            X,
            y,
            l1_ratio=path.l1_ratio,
            alphas=grid,
            n_alphas=1,
            alpha_min_ratio=1.0,
            fit_intercept=kept.get("fit_intercept", True),
            sample_weight=kept.get("sample_weight"),
            tol=tol,
            max_iter=max_iter,
            feature_names=path.feature_names,
            w0=w0,
            model="the refit at alpha",
        )
    problem = Problem.build(X, y, feature_names=path.feature_names, **kept)
    return solve_nonconvex_path(
        problem,
        path.penalty,
        path.gamma,
        grid,
        tol=tol,
        max_iter=max_iter,
        w0=w0,
        model="the refit at alpha",
    )


def cv_coef_at(est, alpha, exact: bool, train) -> tuple[np.ndarray, np.ndarray | float]:
    """(coef, intercept) of a CV estimator's full-data path (``cv_result_.path``) at ``alpha``;
    ``train`` is (X, y), (X, y, sample_weight) or (X, y, sample_weight, offset) for exact=True,
    refitted with the estimator's own parameters among ``REFIT_OPTIONS``."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(est)
    gamma = getattr(est, "gamma_", 1.0)
    if gamma != 1.0:
        raise ValueError(
            f"alpha= predicts from the lasso path, but this model chose a relaxed "
            f"fit (gamma_={gamma:g}); refit with relax=False to predict at any "
            "alpha."
        )
    if train is None:
        return est.cv_result_.path.coef_at(alpha, exact=exact)
    if not isinstance(train, tuple | list) or not 2 <= len(train) <= 4:
        raise ValueError(
            "train must be (X, y), (X, y, sample_weight) or (X, y, sample_weight, "
            f"offset); got {type(train).__name__}"
            f"{f' of length {len(train)}' if hasattr(train, '__len__') else ''}."
        )
    if exact is not True:
        raise ValueError(
            f"train is the data of a refit: it goes with exact=True; got exact={exact!r}."
        )
    X, y, *rest = train
    extra = {
        k: val for k, val in zip(("sample_weight", "offset"), rest, strict=False) if val is not None
    }
    params = est.get_params(deep=False)
    options = {name: params[name] for name in REFIT_OPTIONS if name in params}
    return est.cv_result_.path.coef_at(alpha, exact=True, X=X, y=y, **options, **extra)
