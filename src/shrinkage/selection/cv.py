"""Cross-validated regularization paths: error curves, alpha_min and alpha_1se (glmnet's rules).

``cross_validate_path`` fits one warm-started path per fold on ONE alpha grid computed from the
full data, scores every alpha on the held-out samples, and fits the full-data path too (for the
number of non-zeros per alpha and the final model).  Folds run in parallel with joblib.

Errors, always oriented so that **lower is better**:

- ``"mse"``: weighted mean squared error on the held-out samples (scikit-learn's ``mse_path_``);
- ``"mae"``: weighted mean absolute error;
- ``"r2"``: 1 - R^2, the fraction of the held-out variance left unexplained (a fold whose
  held-out target is constant has no R^2: that is an error).

The CV error of an alpha is the mean of the fold errors weighted by each fold's total sample
weight (its size without weights), as glmnet does; its standard error is
sqrt(weighted variance of the fold errors / (K - 1)) with K the number of folds (glmnet's
``cvsd``).  With repeated K-fold the spread is taken over all K x R fold errors but K stays the
number of folds of one repeat: the repeats re-split the same samples, so they do not bring
independent evidence and the standard error is not shrunk by sqrt(R).

``alpha_min`` minimises the CV error; ``alpha_1se`` is the largest alpha whose CV error is within
one standard error of that minimum (so ``alpha_1se >= alpha_min`` always).

**Folds of zero weight.**  A held-out set whose sample weights are all zero has no error to
score: its fold errors are NaN and it is left out of the mean and the standard error (K then
counts the folds kept), with a warning naming it, as glmnet's ``cv.glmnet`` (whose averages drop
such folds); the other folds still give the result.  A training set of zero total weight, or
every held-out set of zero weight, is a ValueError naming the split.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed

from .. import _validation as v
from .._problem import Problem
from .._progress import track
from ..exceptions import ShrinkageConvergenceWarning, user_stacklevel
from ..path import Path, alpha_grid, default_alpha_min_ratio, solve_path
from ..solvers.choice import choose_solver
from ._folds import FoldStatistics, make_folds


@dataclass(frozen=True)
class CVResult:
    """The cross-validated path of one l1_ratio.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        The shared grid, decreasing.
    cv_mean : ndarray of shape (n_alphas,) or (n_gammas, n_alphas)
        The CV error per alpha (per gamma and alpha for a relaxed fit).
    cv_se : ndarray of shape (n_alphas,) or (n_gammas, n_alphas)
        Its standard error.
    alpha_min : float
        The alpha of the minimum CV error.
    alpha_1se : float
        The largest alpha within one standard error of the minimum.
    index_min : int
        The position of ``alpha_min`` in ``alphas``.
    index_1se : int
        The position of ``alpha_1se``.
    fold_errors : ndarray of shape (n_folds, n_alphas) or (n_folds, n_gammas, n_alphas)
        The held-out error of every fold.
    fold_weights : ndarray of shape (n_folds,)
        Each fold's total sample weight (the weights of ``cv_mean``).
    scoring : {"mse", "mae", "r2"}
        The error (``"r2"`` as 1 - R^2).
    l1_ratio : float
        The Elastic-Net mix.
    path : Path or None
        The full-data path: on the whole grid from ``cross_validate_path``; the estimators stop
        it at alpha_min (alphas[:index_min + 1]) and keep it for the chosen l1_ratio only (None
        for the others).
    splits : list of tuple of ndarray
        The (train, test) index pairs, the same for every l1_ratio and gamma.
    gammas : ndarray of shape (n_gammas,) or None, default=None
        The relaxed-lasso grid (None when not relaxed).
    gamma_min : float or None, default=None
        The gamma of the minimum CV error (None when not relaxed).
    gamma_1se : float or None, default=None
        The gamma of the 1-SE choice (None when not relaxed).
    relaxed_coefs : ndarray of shape (n_gammas, len(path), n_features) or None, default=None
        The full-data relaxed fits (None when not relaxed).
    relaxed_intercepts : ndarray of shape (n_gammas, len(path)) or None, default=None
        Their intercepts.
    fold_coefs : ndarray or None, default=None
        The per-fold paths, (n_folds, [n_gammas,] n_alphas, n_features), when kept.
    fold_intercepts : ndarray or None, default=None
        Their intercepts, when kept.
    nnz : ndarray of int or None
        The non-zeros of the full-data path, per alpha of ``path``.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> result = shrinkage.cross_validate_path(X, y, n_alphas=20, cv=3, random_state=0)
    >>> result.cv_mean.shape, result.fold_errors.shape, len(result.splits)
    ((20,), (3, 20), 3)
    >>> coef, intercept = result.coefs_at("1se")
    >>> np.flatnonzero(coef)
    array([0, 3])
    """

    alphas: np.ndarray
    cv_mean: np.ndarray
    cv_se: np.ndarray
    alpha_min: float
    alpha_1se: float
    index_min: int
    index_1se: int
    fold_errors: np.ndarray
    fold_weights: np.ndarray
    scoring: str
    l1_ratio: float
    path: Path | None
    splits: Sequence[tuple[np.ndarray, np.ndarray]]  # a list, or dask's lazy HashedFolds
    gammas: np.ndarray | None = None
    gamma_min: float | None = None
    gamma_1se: float | None = None
    relaxed_coefs: np.ndarray | None = None
    relaxed_intercepts: np.ndarray | None = None
    fold_coefs: np.ndarray | None = None
    fold_intercepts: np.ndarray | None = None

    @property
    def nnz(self) -> np.ndarray | None:
        """Non-zeros of the full-data path at each alpha of ``path``."""
        return None if self.path is None else self.path.nnz

    def coefs_at(self, rule: str = "min") -> tuple[np.ndarray, float | np.ndarray]:
        """Full-data (coefficients, intercept) at alpha_min (rule="min") or alpha_1se ("1se");
        the intercept is (K,) for a multinomial path."""
        rule = v.check_choice(rule, "alpha_rule", v.ALPHA_RULES)
        i = self.index_min if rule == "min" else self.index_1se
        if self.gammas is None:
            if self.path is None:
                raise ValueError(
                    "coefs_at needs the full-data path; this CVResult has none "
                    "(the estimators keep it for the chosen l1_ratio only)."
                )
            b = np.asarray(self.path.intercepts[i], dtype=np.float64)
            return self.path.coefs[i], float(b) if b.ndim == 0 else b
        if self.relaxed_coefs is None or self.relaxed_intercepts is None:
            raise ValueError(
                "coefs_at needs the full-data relaxed fits; this CVResult has none "
                "(the estimators keep them for the chosen l1_ratio only)."
            )
        g = int(
            np.flatnonzero(self.gammas == (self.gamma_min if rule == "min" else self.gamma_1se))[0]
        )
        return self.relaxed_coefs[g, i], float(self.relaxed_intercepts[g, i])


@dataclass(frozen=True)
class PathOptions:
    """Everything ``shrinkage.path`` takes besides the data and the grid."""

    fit_intercept: bool = True
    standardize: bool = False
    penalty_factor: object = None
    lower: object = None
    upper: object = None
    positive: bool = False
    tol: float = 1e-4
    max_iter: int = 1000
    solver: str = "auto"
    screen: bool = True
    alpha_min_ratio: float | None = None
    feature_names: object = None

    @classmethod
    def from_kwargs(cls, kwargs: dict, caller: str) -> PathOptions:
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise TypeError(
                f"{caller}() got an unexpected keyword argument {unknown[0]!r}; the "
                f"path options are {sorted(names)}."
            )
        return cls(**kwargs).checked()

    def checked(self) -> PathOptions:
        v.check_tol(self.tol)
        v.check_positive_int(self.max_iter, "max_iter")
        choose_solver(self.solver, 1, 1)  # validates the name
        if self.alpha_min_ratio is not None:
            v.check_fraction(self.alpha_min_ratio, "alpha_min_ratio")
        return self

    def problem(self, X, y, sample_weight, feature_names=None) -> Problem:
        return Problem.build(
            X,
            y,
            sample_weight=sample_weight,
            penalty_factor=self.penalty_factor,
            lower=self.lower,
            upper=self.upper,
            positive=self.positive,
            fit_intercept=self.fit_intercept,
            standardize=self.standardize,
            feature_names=feature_names,
            validated=True,
        )


def cross_validate_path(
    X,
    y,
    *,
    l1_ratio: float = 1.0,
    alphas=None,
    n_alphas: int = 100,
    cv=5,
    scoring: str = "mse",
    groups=None,
    n_repeats: int = 1,
    sample_weight=None,
    n_jobs=None,
    random_state=None,
    keep_fold_coefs: bool = False,
    progress=None,
    gammas=None,
    **path_kwargs,
) -> CVResult:
    """K-fold cross-validation of a Lasso / Elastic-Net path on one shared alpha grid.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The features (dense or sparse).
    y : array-like of shape (n_samples,)
        The target.
    l1_ratio : float, default=1.0
        The Elastic-Net mix (1 is the lasso).
    alphas : array-like of float, default=None
        The grid (positive; sorted decreasing), or None for ``n_alphas`` values from the full
        data's alpha_max down to ``alpha_min_ratio * alpha_max`` (as ``shrinkage.path``).
    n_alphas : int, default=100
        The length of the default grid.
    cv : int, splitter or iterable, default=5
        The number of folds (K-fold, unshuffled unless ``random_state`` is given; group K-fold
        with ``groups``), a scikit-learn splitter, or an iterable of (train, test) index arrays.
    scoring : {"mse", "mae", "r2"}, default="mse"
        The held-out error (``"r2"`` as 1 - R^2); lower is better for all three.
    groups : array-like of shape (n_samples,), default=None
        Group labels for group K-fold (or for a group splitter).
    n_repeats : int, default=1
        Repeated K-fold: the folds are drawn ``n_repeats`` times (shuffled).
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights >= 0, used in every fit and in the held-out errors.
    n_jobs : int, default=None
        joblib parallelism over the folds (None: one process, -1: all cores).  Worker processes
        start once per session (a few seconds: imports and numba's cache), so it pays on
        problems whose folds take seconds.
    random_state : int or numpy.random.Generator, default=None
        Seeds shuffled folds; fixed -> same folds every call.
    keep_fold_coefs : bool, default=False
        Also return every fold's coefficient path.
    progress : bool, default=None
        A progress bar on stderr; None: automatic (when stderr is a terminal and the work takes
        more than ~2 s).
    gammas : array-like of float, default=None
        Relaxed lasso (glmnet's ``relax=TRUE``): cross-validate the relaxed fits over
        (gamma, alpha) on the same folds; see ``shrinkage.selection.relaxed``.
    **path_kwargs
        The options of ``shrinkage.path`` (fit_intercept, standardize, penalty_factor, lower,
        upper, positive, tol, max_iter, solver, screen, alpha_min_ratio, feature_names);
        standardization is learned on each training fold.

    Returns
    -------
    CVResult
        The cross-validated path (the module docstring defines the errors).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> result = shrinkage.cross_validate_path(X, y, n_alphas=20, cv=3, random_state=0)
    >>> bool(result.alpha_1se >= result.alpha_min), result.alphas.shape
    (True, (20,))
    """
    options = PathOptions.from_kwargs(path_kwargs, "cross_validate_path")
    l1_ratio = v.check_l1_ratio(l1_ratio)
    data = CVData.build(X, y, sample_weight, options)
    splits, k = make_folds(
        cv,
        data.n_samples,
        X=data.X,
        y=data.y,
        groups=groups,
        n_repeats=n_repeats,
        random_state=random_state,
    )
    return cross_validate(
        data,
        splits,
        k,
        [l1_ratio],
        alphas=alphas,
        n_alphas=n_alphas,
        scoring=scoring,
        gammas=gammas,
        keep_fold_coefs=keep_fold_coefs,
        n_jobs=n_jobs,
        progress=progress,
    )[0]


@dataclass
class CVData:
    """Validated X, y, sample weights and path options, shared by every fold."""

    X: np.ndarray | sp.spmatrix
    y: np.ndarray
    sample_weight: np.ndarray
    options: PathOptions
    feature_names: np.ndarray | None

    @classmethod
    def build(cls, X, y, sample_weight, options: PathOptions, validated: bool = False) -> CVData:
        names = options.feature_names
        if names is None and hasattr(X, "columns"):
            names = np.asarray([str(c) for c in X.columns], dtype=object)
        if not validated:
            X = v.check_design(X)
        y = v.check_target(y, X.shape[0], dtype=X.dtype)
        sw = v.check_sample_weight(sample_weight, X.shape[0])
        names = v.check_feature_names(names, X.shape[1])
        return cls(X, y, sw, options, names)

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]


def cross_validate(
    data: CVData,
    splits: list,
    k: int,
    l1_ratios,
    *,
    alphas=None,
    n_alphas: int = 100,
    scoring: str = "mse",
    gammas=None,
    keep_fold_coefs: bool = False,
    n_jobs=None,
    progress=None,
    full_path: str = "all",
    model: str = "cross-validation",
) -> list[CVResult]:
    """The engine: one CVResult per l1_ratio, every l1_ratio (and gamma) on the same splits.

    ``full_path="all"`` fits the full-data path of every l1_ratio on the whole grid, in
    parallel with the folds; ``"best"`` (the estimators) fits it after the folds, only for the
    l1_ratio of the smallest CV error and only down to its alpha_min (the other results then
    have ``path=None``).
    """
    scoring = v.check_choice(scoring, "scoring", v.SCORINGS)
    gammas = None if gammas is None else v.check_gammas(gammas)
    keep_fold_coefs = bool(keep_fold_coefs)
    opts = data.options
    X: Any = data.X  # a dense array or a sparse matrix (scipy's types read as Any)
    p = X.shape[1]
    weights = fold_weights(data.sample_weight, splits, model)
    n_train = min(train.size for train, _ in splits)
    kind = choose_solver(opts.solver, n_train, p)
    full = opts.problem(X, data.y, data.sample_weight, data.feature_names)
    fold_stats = None
    if kind == "gram":
        fold_stats = FoldStatistics(X, data.y, data.sample_weight, opts.fit_intercept, splits)
        full.with_statistics(fold_stats.full())
    grids = [_grid(full, r, alphas, n_alphas, kind, opts) for r in l1_ratios]
    if scoring == "r2":
        check_r2_folds(data.y, splits)

    Xrows = X.tocsr() if sp.issparse(X) else X
    jobs = []
    for i, (l1_ratio, grid) in enumerate(zip(l1_ratios, grids, strict=True)):
        if full_path == "all":
            jobs.append(delayed(_full_task)(i, full, l1_ratio, grid, kind, opts, gammas))
        for f, (train, test) in enumerate(splits):
            stats = None if fold_stats is None else fold_stats.fold(f)
            jobs.append(
                delayed(_fold_task)(
                    i,
                    f,
                    Xrows,
                    data.y,
                    data.sample_weight,
                    train,
                    test,
                    stats,
                    l1_ratio,
                    grid,
                    kind,
                    opts,
                    gammas,
                    scoring,
                    keep_fold_coefs,
                )
            )
    what = f"{model}: {len(splits)} folds" + (
        f" x {len(l1_ratios)} l1_ratios" if len(l1_ratios) > 1 else ""
    )
    results = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(jobs)
    fulls, folds = {}, {}
    for out in track(results, len(jobs), what, progress):
        if out[1] is None:
            fulls[out[0]] = out[2:]
        else:
            folds[out[:2]] = out[2:]
    summaries = [
        _summarize([folds[i, f] for f in range(len(splits))], weights, k, gammas)
        for i in range(len(l1_ratios))
    ]
    if full_path == "best":
        best = int(np.argmin([np.nanmin(s_["mean"]) for s_ in summaries]))
        stop = summaries[best]["index_min"] + 1
        fulls[best] = _full_task(
            best, full, l1_ratios[best], grids[best][:stop], kind, opts, gammas
        )[2:]
    warn_not_converged(
        [out[2] for out in folds.values()],
        [out[0].converged for out in fulls.values()],
        opts,
        model,
    )
    return [
        _result(
            grids[i], summaries[i], fulls.get(i), weights, scoring, l1_ratios[i], splits, gammas
        )
        for i in range(len(l1_ratios))
    ]


def select_alphas(cv_mean: np.ndarray, cv_se: np.ndarray) -> tuple[int, int]:
    """(index_min, index_1se) on a decreasing grid.

    index_min minimises ``cv_mean`` (the largest alpha among ties); index_1se is the smallest
    index (largest alpha) whose error is <= cv_mean[index_min] + cv_se[index_min].

    Parameters
    ----------
    cv_mean : array-like of shape (n_alphas,)
        The CV error per alpha, on a decreasing grid.
    cv_se : array-like of shape (n_alphas,)
        Its standard error.

    Returns
    -------
    index_min : int
        The position of the minimum.
    index_1se : int
        The position of the 1-SE choice.

    Examples
    --------
    >>> from shrinkage.selection import select_alphas
    >>> select_alphas([3.0, 1.5, 1.0, 1.2], [0.1, 0.2, 0.6, 0.3])
    (2, 1)
    """
    mean = np.asarray(cv_mean, dtype=np.float64)
    if not np.any(np.isfinite(mean)):
        raise ValueError(
            "no cross-validation error is finite (every fit overflowed or was "
            "NaN); rescale X and y."
        )
    i_min = int(np.nanargmin(np.where(np.isfinite(mean), mean, np.nan)))
    threshold = _one_se_threshold(mean[i_min], np.asarray(cv_se, dtype=np.float64)[i_min])
    i_1se = int(np.flatnonzero(mean <= threshold)[0])
    return i_min, i_1se


def _one_se_threshold(best: float, se: float) -> float:
    """The 1-SE rule's bound best + se (just ``best`` where se is not finite)."""
    return best + se if np.isfinite(se) else best


def fold_weights(
    sample_weight: np.ndarray, splits: list, model: str = "cross-validation"
) -> np.ndarray:
    """Each split's held-out total sample weight: the weights of the CV mean.

    A training set of zero total weight is a ValueError naming the split; held-out sets of zero
    weight are named in a warning (``fold_summary`` leaves them out, module docstring), and a
    ValueError when every one of them is.
    """
    for k, (train, _) in enumerate(splits):
        if not sample_weight[train].sum() > 0:
            raise ValueError(
                f"cv split {k} has a training set of zero total sample_weight "
                f"({train.size} samples): no model can be fitted on it; give those "
                "samples positive weights or use other folds."
            )
    weights = np.array([sample_weight[test].sum() for _, test in splits])
    empty = np.flatnonzero(weights <= 0)
    if empty.size == weights.size:
        raise ValueError(
            "every cv split has a held-out set of zero total sample_weight: there "
            "is no error to score; give the held-out samples positive weights."
        )
    if empty.size:
        which = ", ".join(str(k) for k in empty)
        warnings.warn(
            f"{model}: cv split{'s' if empty.size > 1 else ''} {which} "
            f"{'have' if empty.size > 1 else 'has'} zero held-out sample_weight, so "
            "no error to score; left out of the CV mean and standard error (as "
            "glmnet), the other folds give the result.",
            UserWarning,
            stacklevel=3,
        )
    return weights


def fold_summary(
    fold_errors: np.ndarray, fold_weights: np.ndarray, folds_per_repeat: int
) -> tuple[np.ndarray, np.ndarray]:
    """(mean, standard error) over the first axis, as glmnet's cvm / cvsd (module docstring).

    Folds of zero weight are left out, and K (``folds_per_repeat``) counts the folds kept.
    """
    e = np.asarray(fold_errors, dtype=np.float64)
    w = np.asarray(fold_weights, dtype=np.float64)
    kept = w > 0
    if not kept.any():
        raise ValueError("every cross-validation fold has zero held-out sample_weight.")
    k = folds_per_repeat * kept.sum() / kept.size
    e, w = e[kept], w[kept]
    w = (w / w.sum()).reshape(-1, *([1] * (e.ndim - 1)))
    mean = np.sum(w * e, axis=0)
    var = np.sum(w * (e - mean) ** 2, axis=0)
    se = np.sqrt(var / max(k - 1, 1))
    return mean, se


def prediction_errors(
    y: np.ndarray, pred: np.ndarray, sample_weight: np.ndarray, scoring: str
) -> np.ndarray:
    """Errors of predictions ``pred`` (n, ...) of y (n,) or (n, t): one per trailing entry.

    y of shape (n, t) is compared with pred (n, m, t) and gives (m, t).  NaN where the weights
    sum to zero (nothing to score).
    """
    total = sample_weight.sum()
    if not total > 0:
        return np.full(pred.shape[1:], np.nan)
    s = sample_weight / total
    y_b = y[:, None] if y.ndim == 1 else y[:, None, :]
    resid = y_b - pred
    if scoring == "mae":
        return np.tensordot(s, np.abs(resid), axes=1)
    sse = np.tensordot(s, resid**2, axes=1)
    if scoring == "mse":
        return sse
    sst = s @ (y - s @ y) ** 2
    return sse / (sst if y.ndim == 1 else sst[None, :])


# --------------------------------------------------------------------------------------------
# the pieces


def _grid(
    full: Problem, l1_ratio: float, alphas, n_alphas: int, kind: str, opts: PathOptions
) -> np.ndarray:
    if alphas is not None:
        return np.sort(v.check_positive_alphas(alphas))[::-1].copy()
    n_alphas = v.check_positive_int(n_alphas, "n_alphas")
    ratio = opts.alpha_min_ratio
    if ratio is None:
        ratio = default_alpha_min_ratio(full.n_samples, full.n_features)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
        alpha_max = solve_path(
            full, None, l1_ratio, n_alphas=1, tol=opts.tol, max_iter=opts.max_iter, solver=kind
        ).alphas[0]
    if not np.isfinite(alpha_max):
        raise ValueError(
            f"the largest alpha of the grid (l1_ratio={l1_ratio:g}) is not finite: "
            "max |X'y| overflows at this scale; rescale X and y, or give alphas."
        )
    return alpha_grid(float(alpha_max), n_alphas, ratio)


def _solve(problem: Problem, l1_ratio: float, grid, kind: str, opts: PathOptions) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShrinkageConvergenceWarning)  # summarised by the caller
        return solve_path(
            problem,
            grid,
            l1_ratio,
            tol=opts.tol,
            max_iter=opts.max_iter,
            solver=kind,
            screen=opts.screen,
        )


def _relaxed(X, y, sw, path: Path, gammas, opts: PathOptions):
    from .relaxed import relaxed_coefs

    return relaxed_coefs(
        X,
        y,
        path,
        gammas,
        sample_weight=sw,
        fit_intercept=opts.fit_intercept,
        standardize=opts.standardize,
    )


def _full_task(i: int, full: Problem, l1_ratio: float, grid, kind: str, opts: PathOptions, gammas):
    path = _solve(full, l1_ratio, grid, kind, opts)
    relaxed = None
    if gammas is not None:
        relaxed = _relaxed(full.X, full.y, full.sample_weight, path, gammas, opts)
    return i, None, path, relaxed


def _fold_task(
    i: int,
    f: int,
    X,
    y,
    sw,
    train,
    test,
    stats,
    l1_ratio: float,
    grid,
    kind: str,
    opts: PathOptions,
    gammas,
    scoring: str,
    keep: bool,
):
    if stats is not None and gammas is None:  # Gram mode reads the statistics only
        X_train = _NoRows((train.size, X.shape[1]), X.dtype)
    else:
        X_train = _rows(X, train)
    problem = opts.problem(X_train, y[train], sw[train])
    if stats is not None:
        problem.with_statistics(stats)
    path = _solve(problem, l1_ratio, grid, kind, opts)
    if gammas is None:
        coefs, intercepts = path.coefs[None], path.intercepts[None]
    else:
        coefs, intercepts = _relaxed(X_train, y[train], sw[train], path, gammas, opts)
    g, a, p = coefs.shape
    X_test = X[test]
    pred = np.asarray(X_test @ coefs.reshape(g * a, p).T) + intercepts.reshape(1, g * a)
    errors = prediction_errors(y[test], pred, sw[test], scoring).reshape(g, a)
    kept = (coefs, intercepts) if keep else None
    return i, f, errors, kept, path.converged, path.gaps


class _NoRows:
    """Stands for the training rows of a Gram-mode fold, whose solver reads only the fold's
    sufficient statistics (from ``FoldStatistics``): it has a shape and a dtype and nothing
    else, so any use of the rows themselves fails loudly instead of copying X."""

    def __init__(self, shape: tuple[int, int], dtype=np.float64):
        self.shape = shape
        self.dtype = dtype


def _rows(X, rows):
    if sp.issparse(X):
        out = X[rows].tocsc()
        out.sort_indices()
        return out
    return X[rows]


def check_r2_folds(y: np.ndarray, splits: list) -> None:
    """R^2 needs a held-out target that varies (in every column of a 2-D y)."""
    for f, (_, test) in enumerate(splits):
        if np.any(np.ptp(y[test], axis=0) == 0):
            raise ValueError(
                f"scoring='r2' is undefined on cv split {f}: its held-out target is "
                f"constant ({test.size} sample{'s' if test.size != 1 else ''}). "
                "Use fewer folds or scoring='mse'."
            )


def _summarize(fold_outs: list, weights, k: int, gammas) -> dict:
    """Fold errors, their mean and standard error, the selected indices (and kept paths)."""
    errors = np.array([out[0] for out in fold_outs])  # (F, G, A)
    mean, se = fold_summary(errors, weights, k)
    out: dict[str, Any] = {}
    if gammas is None:
        errors, mean, se = errors[:, 0], mean[0], se[0]
        out["index_min"], out["index_1se"] = select_alphas(mean, se)
    else:
        (g_min, out["index_min"]), (g_1se, out["index_1se"]) = _select_relaxed(mean, se)
        out["gamma_min"], out["gamma_1se"] = float(gammas[g_min]), float(gammas[g_1se])
    out.update(errors=errors, mean=mean, se=se)
    if fold_outs[0][1] is not None:  # kept fold paths
        coefs = np.array([o[1][0] for o in fold_outs])
        intercepts = np.array([o[1][1] for o in fold_outs])
        if gammas is None:
            coefs, intercepts = coefs[:, 0], intercepts[:, 0]
        out.update(fold_coefs=coefs, fold_intercepts=intercepts)
    return out


def _result(grid, summary: dict, full_out, weights, scoring, l1_ratio, splits, gammas) -> CVResult:
    path, relaxed = (None, None) if full_out is None else full_out
    i_min, i_1se = summary["index_min"], summary["index_1se"]
    extra = {key: summary[key] for key in ("fold_coefs", "fold_intercepts") if key in summary}
    if gammas is not None:
        extra.update(gammas=gammas, gamma_min=summary["gamma_min"], gamma_1se=summary["gamma_1se"])
        if relaxed is not None:
            extra.update(relaxed_coefs=relaxed[0], relaxed_intercepts=relaxed[1])
    return CVResult(
        grid,
        summary["mean"],
        summary["se"],
        float(grid[i_min]),
        float(grid[i_1se]),
        i_min,
        i_1se,
        summary["errors"],
        weights,
        scoring,
        float(l1_ratio),
        path,
        splits,
        **extra,
    )


def _select_relaxed(mean: np.ndarray, se: np.ndarray):
    """((gamma, alpha) of the minimum, (gamma, alpha) of the 1-SE rule) on a (G, A) table.

    1-SE: among the pairs within one standard error of the minimum, the largest alpha, and at
    that alpha the largest gamma (the least relaxed, most shrunk fit).
    """
    if not np.any(np.isfinite(mean)):
        raise ValueError(
            "no cross-validation error is finite (every fit overflowed or was "
            "NaN); rescale X and y."
        )
    finite = np.where(np.isfinite(mean), mean, np.nan)
    g_min, i_min = np.unravel_index(int(np.nanargmin(finite)), mean.shape)
    ok = mean <= _one_se_threshold(mean[g_min, i_min], se[g_min, i_min])
    i_1se = int(np.flatnonzero(ok.any(axis=0))[0])
    g_1se = int(np.flatnonzero(ok[:, i_1se])[-1])
    return (int(g_min), int(i_min)), (g_1se, i_1se)


def warn_not_converged(
    fold_converged: Sequence[np.ndarray],
    full_converged: Sequence[np.ndarray],
    opts: PathOptions,
    model: str,
) -> None:
    """One warning for a cross-validation whose fits stopped above ``tol``.

    Parameters
    ----------
    fold_converged : sequence of ndarray of bool
        The per-alpha convergence flags of every fold fit (any shape).
    full_converged : sequence of ndarray of bool
        The flags of the full-data paths.
    opts : PathOptions
        The path options (their ``max_iter`` and ``tol`` are named in the message).
    model : str
        The estimator's name, first in the message.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_not_converged([np.array([True, False])], [], PathOptions(), "LassoCV")
    >>> str(caught[0].message).startswith("LassoCV: 1 of 2 fold fits")
    True
    """
    bad = sum(int(np.sum(~np.asarray(c))) for c in fold_converged)
    bad_full = sum(int(np.sum(~np.asarray(c))) for c in full_converged)
    if bad or bad_full:
        total = sum(np.asarray(c).size for c in fold_converged)
        warnings.warn(
            f"{model}: {bad} of {total} fold fits and {bad_full} full-data fits stopped at "
            f"max_iter={opts.max_iter} above the tolerance tol={opts.tol:g} (mostly the smallest "
            "alphas). Try a larger max_iter, standardize=True for columns on very different "
            "scales, or a larger alpha_min_ratio.",
            ShrinkageConvergenceWarning,
            stacklevel=user_stacklevel(),
        )
