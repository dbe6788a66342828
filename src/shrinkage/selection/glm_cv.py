"""Cross-validated GLM paths: binary logistic, multinomial, one-vs-rest and Poisson.

The machinery of ``shrinkage.selection.cv`` (one alpha grid from the full data shared by every
fold, a warm-started path per fold, every l1_ratio on the same folds, glmnet's fold-weighted mean
and standard error, alpha_min and the 1-SE rule, the ``CVResult``) with GLM fits and GLM
held-out errors.  As in cv.glmnet, the default grid stops where the full-data path's deviance
explained saturates, which keeps the folds out of the nearly separable, nearly unpenalized end.
The errors are weighted by the sample weights and oriented so that lower is better:

- ``"deviance"``: -2 mean log p(y_i) for classes (probabilities clipped below at the float64
  epsilon, as scikit-learn's log_loss), 2 mean (y log(y / mu) - y + mu) for counts;
- ``"accuracy"``: the misclassification rate, 1 - accuracy;
- ``"roc_auc"``: 1 - ROC AUC (the one-vs-rest macro average for more than two classes); every
  held-out fold needs every class;
- ``"brier"``: scikit-learn's brier_score_loss, mean (p_1 - y)^2 for two classes and
  mean sum_k (p_k - [y = k])^2 for more;
- ``"mse"``, ``"mae"``: of the expected counts (Poisson).

A class absent from a training fold (or present only with zero weight; possible with a class
rarer than the folds, or with splits given by the user) is a ValueError naming the split and the
class: that fold's model could not see the class, as a scikit-learn classifier fitted on it
could not, and its held-out samples would be scored against a probability of 0.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.special import expit, softmax, xlogy
from sklearn.metrics import roc_auc_score

from .. import _validation as v
from .._problem import Problem
from .._progress import track
from ..datafits import get_datafit
from ..exceptions import ShrinkageConvergenceWarning
from ..glm import solve_glm_path
from ..path import Path, alpha_grid, default_alpha_min_ratio
from ._folds import make_folds
from .cv import (
    CVResult,
    PathOptions,
    _rows,
    fold_summary,
    fold_weights,
    select_alphas,
    warn_not_converged,
)

KINDS = ("logistic", "multinomial", "ovr", "poisson")
CLASS_SCORINGS = ("deviance", "accuracy", "roc_auc", "brier")
COUNT_SCORINGS = ("deviance", "mse", "mae")
_EPS = np.finfo(np.float64).eps


@dataclass
class GLMCVData:
    """Validated X, target, weights, offset and path options, shared by every fold.

    ``y`` holds class indices 0..K-1 for the classifiers (``n_classes`` = K) and counts for
    "poisson" (``n_classes`` = 0).
    """

    X: np.ndarray | sp.spmatrix
    y: np.ndarray
    sample_weight: np.ndarray
    offset: np.ndarray | None
    options: PathOptions
    kind: str
    n_classes: int
    feature_names: np.ndarray | None = None
    class_labels: np.ndarray | None = None  # the label of each class index (for messages)

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    def scorings(self) -> tuple[str, ...]:
        return COUNT_SCORINGS if self.kind == "poisson" else CLASS_SCORINGS


@dataclass
class GLMPathFit:
    """A GLM path on some rows, as one linear predictor per output column.

    coefs (n_alphas, m, p) and intercepts (n_alphas, m); ``columns`` are the classes of the m
    columns (class 1 for the binary logistic); ``single`` is the only class of a one-class
    training set (no fit: it is predicted with probability 1).
    """

    kind: str
    n_classes: int
    coefs: np.ndarray | None
    intercepts: np.ndarray | None
    columns: np.ndarray
    paths: list[Path]
    single: int | None = None

    def as_path(self, grid: np.ndarray, l1_ratio: float, feature_names=None) -> Path:
        """One ``Path``: coefs (A, p) for one column, (A, p, K) with intercepts (A, K) for the
        multinomial and one-vs-rest (every class fitted); the gap is the worst of the fits."""
        fitted, fitted_intercepts = self.fitted()
        one = fitted.shape[1] == 1
        coefs = fitted[:, 0] if one else np.moveaxis(fitted, 1, -1)
        intercepts = fitted_intercepts[:, 0] if one else fitted_intercepts
        paths = self.paths
        return Path(
            np.asarray(grid, dtype=np.float64),
            coefs,
            intercepts,
            np.max([p.gaps for p in paths], axis=0),
            np.sum([p.n_iter for p in paths], axis=0),
            np.all([p.converged for p in paths], axis=0),
            float(l1_ratio),
            feature_names,
            datafit=paths[0].datafit,
            certificate=paths[0].certificate,
        )

    def fitted(self) -> tuple[np.ndarray, np.ndarray]:
        """coefs and intercepts (None only for a one-class training set, never asked for)."""
        assert self.coefs is not None and self.intercepts is not None, "a one-class fit"
        return self.coefs, self.intercepts

    def linear(self, X, offset=None) -> np.ndarray:
        """The linear predictors (n, n_alphas, m)."""
        coefs, intercepts = self.fitted()
        a, m, p = coefs.shape
        eta = np.asarray(X @ coefs.reshape(a * m, p).T).reshape(-1, a, m) + intercepts
        return eta if offset is None else eta + offset[:, None, None]

    def predict(self, X, offset=None) -> np.ndarray:
        """Class probabilities (n, n_alphas, K), or expected counts (n, n_alphas)."""
        n = X.shape[0]
        if self.single is not None:
            P = np.zeros((n, 1, self.n_classes))
            P[..., self.single] = 1.0
            return P
        eta = self.linear(X, offset)
        if self.kind == "poisson":
            return np.exp(eta[..., 0])
        if self.kind == "logistic":
            p1 = expit(eta[..., 0])
            return np.stack([1.0 - p1, p1], axis=-1)
        P = np.zeros((*eta.shape[:2], self.n_classes))
        P[..., self.columns] = softmax(eta, axis=-1) if self.kind == "multinomial" else expit(eta)
        if self.kind == "ovr":
            P /= P.sum(axis=-1, keepdims=True)
        return P


def fit_glm_path(
    data: GLMCVData,
    rows,
    grid: np.ndarray,
    l1_ratio: float,
    *,
    model: str = "the path",
    w0=None,
    b0=None,
) -> GLMPathFit:
    """The path of ``data.kind`` on ``rows`` (None: all samples) over ``grid``.

    Warm start ``w0`` / ``b0`` (full data only): (p,) and a scalar for "logistic" / "poisson",
    (K, p) and (K,) for "multinomial" / "ovr".
    """
    opts = data.options
    X = data.X if rows is None else _rows(data.X, rows)
    y = data.y if rows is None else data.y[rows]
    sw = data.sample_weight if rows is None else data.sample_weight[rows]
    offset = data.offset if rows is None or data.offset is None else data.offset[rows]
    K = data.n_classes

    def solve(target, name, start=None, start_b=None) -> Path:
        problem = Problem.build(
            X,
            target,
            sample_weight=sw,
            offset=offset,
            penalty_factor=opts.penalty_factor,
            lower=opts.lower,
            upper=opts.upper,
            positive=opts.positive,
            fit_intercept=opts.fit_intercept,
            standardize=opts.standardize,
            feature_names=data.feature_names,
        )
        return solve_glm_path(
            problem,
            get_datafit(name),
            grid,
            l1_ratio,
            tol=opts.tol,
            max_iter=opts.max_iter,
            w0=start,
            b0=start_b,
            model=model,
        )

    if data.kind == "poisson":
        paths = [solve(y, "poisson", w0, b0)]
        return _stacked(data, paths, np.array([0]))
    present = np.unique(y).astype(np.intp)
    if present.size == 1:
        return GLMPathFit(data.kind, K, None, None, present, [], single=int(present[0]))
    if data.kind == "logistic":
        return _stacked(
            data, [solve((y == 1).astype(np.float64), "logistic", w0, b0)], np.array([1])
        )
    if data.kind == "ovr":
        paths = [
            solve(
                (y == k).astype(np.float64),
                "logistic",
                None if w0 is None else w0[k],
                None if b0 is None else float(b0[k]),
            )
            for k in present
        ]
        return _stacked(data, paths, present)
    codes = np.searchsorted(present, y).astype(np.float64)
    path = solve(codes, "multinomial", None if w0 is None else np.asarray(w0).T, b0)
    coefs = np.moveaxis(np.asarray(path.coefs), -1, 1)  # (A, p, K) -> (A, K, p)
    return GLMPathFit(data.kind, K, coefs, np.asarray(path.intercepts), present, [path])


def _stacked(data: GLMCVData, paths: list[Path], columns: np.ndarray) -> GLMPathFit:
    coefs = np.stack([p.coefs for p in paths], axis=1)  # (A, m, p)
    intercepts = np.stack([p.intercepts for p in paths], axis=1)
    return GLMPathFit(data.kind, data.n_classes, coefs, intercepts, columns, paths)


def held_out_errors(
    y: np.ndarray, pred: np.ndarray, sample_weight: np.ndarray, scoring: str, n_classes: int
) -> np.ndarray:
    """Errors (n_alphas,) of predictions ``pred`` (module docstring): probabilities (n, A, K)
    of class indices y, or expected counts (n, A) of counts y (``n_classes`` = 0); NaN when
    the weights sum to zero (nothing to score: ``fold_summary`` leaves that fold out)."""
    if not sample_weight.sum() > 0:
        return np.full(pred.shape[1], np.nan)
    s = sample_weight / sample_weight.sum()
    if n_classes == 0:
        mu, yb = pred, y[:, None]
        if scoring == "deviance":
            return 2.0 * (s @ (xlogy(yb, yb) - xlogy(yb, mu) - yb + mu))
        return s @ (np.abs(yb - mu) if scoring == "mae" else (yb - mu) ** 2)
    yi = y.astype(np.intp)
    if scoring == "deviance":
        p_true = np.take_along_axis(pred, yi[:, None, None], axis=2)[..., 0]
        return -2.0 * (s @ np.log(np.maximum(p_true, _EPS)))
    if scoring == "accuracy":
        return 1.0 - s @ (np.argmax(pred, axis=2) == yi[:, None])
    if scoring == "brier":
        if n_classes == 2:
            return s @ (pred[..., 1] - yi[:, None]) ** 2
        onehot = np.eye(n_classes)[yi][:, None, :]
        return s @ np.sum((pred - onehot) ** 2, axis=2)
    return np.array(
        [
            1.0
            - roc_auc_score(
                yi,
                pred[:, a, 1] if n_classes == 2 else pred[:, a],
                sample_weight=sample_weight,
                multi_class="ovr",
                labels=None if n_classes == 2 else np.arange(n_classes),
            )
            for a in range(pred.shape[1])
        ]
    )


def glm_grid(data: GLMCVData, l1_ratio: float, alphas, n_alphas: int) -> np.ndarray:
    """The decreasing grid: ``alphas`` sorted, or cv.glmnet's: n_alphas values from the full
    data's alpha_max down to alpha_min_ratio * alpha_max, cut where the full-data default path
    stops because its deviance explained saturates (for one-vs-rest: the largest alpha_max over
    the classes, cut where the last class stops)."""
    if alphas is not None:
        return np.sort(v.check_positive_alphas(alphas))[::-1].copy()
    n_alphas = v.check_positive_int(n_alphas, "n_alphas")
    opts = data.options
    ratio = opts.alpha_min_ratio
    if ratio is None:
        ratio = default_alpha_min_ratio(data.n_samples, data.X.shape[1])
    targets = {
        "ovr": [(data.y == k).astype(np.float64) for k in range(data.n_classes)],
        "logistic": [(data.y == 1).astype(np.float64)],
    }.get(data.kind, [data.y])
    name = {"ovr": "logistic"}.get(data.kind, data.kind)
    alpha_max, stop = 0.0, np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
        for target in targets:
            problem = Problem.build(
                data.X,
                target,
                sample_weight=data.sample_weight,
                offset=data.offset,
                penalty_factor=opts.penalty_factor,
                lower=opts.lower,
                upper=opts.upper,
                positive=opts.positive,
                fit_intercept=opts.fit_intercept,
                standardize=opts.standardize,
            )
            default = solve_glm_path(
                problem,
                get_datafit(name),
                None,
                l1_ratio,
                n_alphas=n_alphas,
                alpha_min_ratio=ratio,
                tol=opts.tol,
                max_iter=opts.max_iter,
            )
            alpha_max = max(alpha_max, float(default.alphas[0]))
            stop = min(stop, float(default.alphas[-1]))
    grid = alpha_grid(alpha_max, n_alphas, ratio)
    return grid[grid >= stop * (1 - 1e-12)]


def check_folds(data: GLMCVData, splits: list, scoring: str, model: str) -> None:
    """Every training fold must see every class (with positive weight); roc_auc needs every
    class in every held-out fold.  ValueError naming the split and the class otherwise."""
    if data.kind == "poisson":
        return
    K = data.n_classes
    for f, (_, test) in enumerate(splits):
        if scoring == "roc_auc" and np.unique(data.y[test]).size < K:
            raise ValueError(
                f"scoring='roc_auc' is undefined on cv split {f}: its held-out "
                "samples do not hold every class. Use fewer folds (stratified by "
                "default with an integer cv) or scoring='deviance'."
            )
    for f, (train, _) in enumerate(splits):
        seen = np.unique(data.y[train][data.sample_weight[train] > 0]).astype(np.int64)
        absent = np.setdiff1d(np.arange(K), seen)
        if absent.size:
            labels = (
                absent
                if data.class_labels is None
                else np.asarray(data.class_labels, dtype=object)[absent]
            )
            raise ValueError(
                f"{model}: the training set of cv split {f} lacks class"
                f"{'es' if absent.size > 1 else ''} {', '.join(repr(c) for c in labels.tolist())}"
                " (no sample of it with positive weight), so its model could not predict it. "
                "Use fewer folds (stratified by default with an integer cv), splits that keep "
                "every class in each training set, or merge rare classes."
            )


def cross_validate_glms(
    data: GLMCVData,
    splits: list,
    k: int,
    l1_ratios,
    *,
    alphas=None,
    n_alphas: int = 100,
    scoring: str = "deviance",
    n_jobs=None,
    progress=None,
    full_path: str = "all",
    model: str = "cross-validation",
) -> list[CVResult]:
    """One CVResult per l1_ratio, all on the same splits (``shrinkage.selection.cv.cross_validate``
    for GLMs; ``full_path`` as there: "all" or "best")."""
    scoring = v.check_choice(scoring, "scoring", data.scorings())
    weights = fold_weights(data.sample_weight, splits, model)
    check_folds(data, splits, scoring, model)
    grids = [glm_grid(data, r, alphas, n_alphas) for r in l1_ratios]
    jobs = []
    for i, (l1_ratio, grid) in enumerate(zip(l1_ratios, grids, strict=True)):
        if full_path == "all":
            jobs.append(delayed(_full_task)(i, data, l1_ratio, grid, model))
        for f, (train, test) in enumerate(splits):
            jobs.append(delayed(_fold_task)(i, f, data, train, test, l1_ratio, grid, scoring))
    what = f"{model}: {len(splits)} folds" + (
        f" x {len(l1_ratios)} l1_ratios" if len(l1_ratios) > 1 else ""
    )
    fulls, folds = {}, {}
    results = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(jobs)
    for out in track(results, len(jobs), what, progress):
        if out[1] is None:
            fulls[out[0]] = out[2].as_path(grids[out[0]], l1_ratios[out[0]], data.feature_names)
        else:
            folds[out[:2]] = out[2:]
    summaries = []
    for i in range(len(l1_ratios)):
        errors = np.array([folds[i, f][0] for f in range(len(splits))])  # (F, A)
        mean, se = fold_summary(errors, weights, k)
        summaries.append((errors, mean, se, *select_alphas(mean, se)))
    if full_path == "best":
        best = int(np.argmin([np.nanmin(s[1]) for s in summaries]))
        stop = summaries[best][3] + 1
        fulls[best] = _full_task(best, data, l1_ratios[best], grids[best][:stop], model)[2].as_path(
            grids[best][:stop], l1_ratios[best], data.feature_names
        )
    warn_not_converged(
        [out[1] for out in folds.values()],
        [path.converged for path in fulls.values()],
        data.options,
        model,
    )
    out = []
    for i, (errors, mean, se, i_min, i_1se) in enumerate(summaries):
        grid = grids[i]
        out.append(
            CVResult(
                grid,
                mean,
                se,
                float(grid[i_min]),
                float(grid[i_1se]),
                i_min,
                i_1se,
                errors,
                weights,
                scoring,
                float(l1_ratios[i]),
                fulls.get(i),
                splits,
            )
        )
    return out


def _full_task(i: int, data: GLMCVData, l1_ratio: float, grid, model: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShrinkageConvergenceWarning)  # summarised by the caller
        return i, None, fit_glm_path(data, None, grid, l1_ratio, model=model)


def _fold_task(i: int, f: int, data: GLMCVData, train, test, l1_ratio: float, grid, scoring: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
        fit = fit_glm_path(data, train, grid, l1_ratio)
    offset = None if data.offset is None else data.offset[test]
    pred = fit.predict(_rows(data.X, test), offset)
    if fit.single is not None:  # one prediction for every alpha
        pred = np.repeat(pred, len(grid), axis=1)
    errors = held_out_errors(data.y[test], pred, data.sample_weight[test], scoring, data.n_classes)
    converged = np.concatenate([p.converged for p in fit.paths]) if fit.paths else np.ones(1, bool)
    return i, f, errors, converged


def cross_validate_glm_path(
    X,
    y,
    *,
    datafit: str = "logistic",
    l1_ratio: float = 1.0,
    alphas=None,
    n_alphas: int = 100,
    cv=5,
    scoring: str = "deviance",
    groups=None,
    n_repeats: int = 1,
    sample_weight=None,
    offset=None,
    n_jobs=None,
    random_state=None,
    progress=None,
    **path_kwargs,
) -> CVResult:
    """K-fold cross-validation of a GLM path on one shared alpha grid.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The features (dense or sparse).
    y : array-like of shape (n_samples,)
        Labels (any values; "logistic" needs two classes, "multinomial" two or more, coded in
        the order of ``np.unique(y)``) or counts ("poisson").
    datafit : {"logistic", "multinomial", "poisson"}, default="logistic"
        The GLM.
    l1_ratio : float, default=1.0
        The Elastic-Net mix (1 is the lasso).
    alphas : array-like of float, default=None
        The grid; None: ``n_alphas`` values from the full data's alpha_max down.
    n_alphas : int, default=100
        The length of the default grid.
    cv : int, splitter or iterable, default=5
        The folds, as in ``shrinkage.cross_validate_path``; an integer ``cv`` is stratified for
        the classifiers.
    scoring : str, default="deviance"
        "deviance", "accuracy", "roc_auc" or "brier" for classes; "deviance", "mse" or "mae"
        for counts (module docstring).
    groups : array-like of shape (n_samples,), default=None
        Group labels for group K-fold (or for a group splitter).
    n_repeats : int, default=1
        Repeated K-fold: the folds are drawn ``n_repeats`` times (shuffled).
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights >= 0; None is all ones.
    offset : array-like of shape (n_samples,), default=None
        The known part of the linear predictor (Poisson: log exposure).
    n_jobs : int, default=None
        joblib parallelism over the folds.
    random_state : int or numpy.random.Generator, default=None
        Seeds shuffled folds.
    progress : bool, default=None
        A progress bar on stderr; None decides automatically.
    **path_kwargs
        The options of ``shrinkage.path``, as in ``shrinkage.cross_validate_path`` (``solver``
        and ``screen`` do not apply to GLMs).

    Returns
    -------
    CVResult
        With the full-data ``path`` on the whole grid (coefs (n_alphas, p, K) for the
        multinomial).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 4))
    >>> labels = np.where(X[:, 0] - X[:, 3] + 0.5 * rng.standard_normal(80) > 0, "yes", "no")
    >>> y01 = (labels == "yes").astype(float)
    >>> cv = shrinkage.cross_validate_glm_path(X, y01, n_alphas=10, cv=3, random_state=0)
    >>> cv.cv_mean.shape, bool(cv.alpha_min >= cv.alphas[-1])
    ((10,), True)
    """
    kind = v.check_choice(datafit, "datafit", ("logistic", "multinomial", "poisson"))
    options = PathOptions.from_kwargs(path_kwargs, "cross_validate_glm_path")
    data = build_glm_cv_data(X, y, kind, sample_weight, offset, options)
    splits, k = make_folds(
        cv,
        data.n_samples,
        X=data.X,
        y=data.y,
        groups=groups,
        n_repeats=n_repeats,
        random_state=random_state,
        stratify=kind != "poisson",
    )
    return cross_validate_glms(
        data,
        splits,
        k,
        [v.check_l1_ratio(l1_ratio)],
        alphas=alphas,
        n_alphas=n_alphas,
        scoring=scoring,
        n_jobs=n_jobs,
        progress=progress,
        model="cross_validate_glm_path",
    )[0]


def build_glm_cv_data(X, y, kind: str, sample_weight, offset, options: PathOptions) -> GLMCVData:
    """Validate the inputs of ``cross_validate_glm_path`` (labels encoded in sorted order)."""
    names = options.feature_names
    if names is None and hasattr(X, "columns"):
        names = np.asarray([str(c) for c in X.columns], dtype=object)
    X = v.check_design(X)
    n = X.shape[0]
    if kind == "poisson":
        target, n_classes = get_datafit("poisson").check_target(v.check_target(y, n)), 0
    else:
        labels = np.asarray(y)
        if labels.ndim != 1 or labels.shape[0] != n:
            raise ValueError(f"y must hold one label per row of X ({n}); got shape {labels.shape}.")
        classes, codes = np.unique(labels, return_inverse=True)
        n_classes = len(classes)
        if n_classes < 2 or (kind == "logistic" and n_classes != 2):
            wanted = "two" if kind == "logistic" else "two or more"
            raise ValueError(
                f"datafit={kind!r} needs {wanted} classes; y has {n_classes}: {list(classes[:5])}."
            )
        target = codes.astype(np.float64)
    if offset is not None:
        offset = v.check_target(offset, n, name="offset")
    return GLMCVData(
        X,
        target,
        v.check_sample_weight(sample_weight, n),
        offset,
        options,
        kind,
        n_classes,
        v.check_feature_names(names, X.shape[1]),
        None if kind == "poisson" else classes,
    )
