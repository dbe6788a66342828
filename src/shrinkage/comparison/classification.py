"""``compare`` for class labels: L1, L2 and Elastic-Net logistic regression on the same folds.

Two classes are fitted with the binary logistic loss, three or more with the multinomial one,
all with ``shrinkage.selection.glm_cv`` (the engine of ``LogisticRegressionCV``) on one set of
**stratified** folds drawn once, so every penalty is scored on the same held-out samples:

- objective: (1/n) sum_i -log p(y_i | x_i) + alpha (l1_ratio ||W||_1 + (1 - l1_ratio)/2 ||W||^2),
  W the (p,) log-odds coefficients of the second class (binary) or the (p, K) class scores;
- the error is ``scoring`` on the held-out folds, lower is better: "deviance" (2 x log loss, the
  default), "accuracy" (as the misclassification rate), "roc_auc" (as 1 - AUC, one-vs-rest macro
  average for K > 2) or "brier";
- L1 and EN use glmnet's grid (alpha_max down, cut where the full-data deviance explained
  saturates); L2 uses the regression grid of ``comparison.grid.ridge_grid`` times pi (1 - pi), the
  logistic Hessian weight of the null model (the largest over the classes), i.e. the same
  relative shrinkage of the directions of X;
- a multinomial model has K coefficients per feature: ``ModelResult.coef`` (and the bootstrap
  coefficients, selection frequencies and correlated-group shares built on it) is their row
  norm ||W_j||_2 on the original scale, zero exactly when the feature is unused, and
  ``ModelResult.class_coefs`` holds the (p, K) matrix; the binary ``coef`` are log-odds of
  ``classes[1]`` against ``classes[0]``;
- baselines: the intercept-only model (the class priors of each training fold), always; and
  unpenalized logistic regression where its maximum likelihood exists: not with p >= n and not
  when the classes are (quasi-)separable in the full data or in a training fold (a linear
  program decides, ``shrinkage.glm.separation``); bootstrap draws that are separable have no
  unpenalized fit and are left out of its stability numbers;
- bootstrap draws are stratified (each class resampled to its own size), so every refit sees
  every class; every training fold must hold every class (a splitter that gives a training
  fold without one is refused: its models could only give that class probability 0);
- as for regression, the unpenalized fit leaves out the reference level of each one-hot
  encoded categorical (``shrinkage.comparison.regression``'s docstring).
"""

from __future__ import annotations

import dataclasses
import numbers
import warnings

import numpy as np

from ..exceptions import ShrinkageConvergenceWarning
from ..selection._folds import make_folds
from ..selection.cv import PathOptions, _rows, fold_summary
from ..selection.glm_cv import (
    GLMCVData,
    GLMPathFit,
    cross_validate_glms,
    fit_glm_path,
    held_out_errors,
)
from ..solvers.prox_newton import DivergenceError
from .baseline import fold_constant_note, joined_notes, reference_note, unpenalized_columns
from .bootstrap import run_bootstrap, stratified_draws, treat_group
from .diagnostics import collinearity
from .grid import ridge_grid
from .recommend import recommend
from .results import LABELS, Comparison, ModelResult, at_rule, repeat_errors
from .settings import Settings

NULL_LABEL = "Intercept only (class priors)"
UNPENALIZED_LABEL = "Logistic (no penalty)"


def class_labels(y, n: int) -> np.ndarray:
    """y as a 1-D array of n class labels; refuses missing labels (None, NaN, pandas NA)."""
    arr = (
        np.asarray(y, dtype=object)
        if getattr(y, "dtype", None) is not None and str(y.dtype) == "category"
        else np.asarray(y)
    )
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"y must hold one class label per row of X ({n}); got shape {arr.shape}.")
    import pandas as pd

    missing = np.flatnonzero(pd.isna(arr))
    if missing.size:
        rows = ", ".join(str(i) for i in missing[:5]) + (", ..." if missing.size > 5 else "")
        raise ValueError(
            f"y has {missing.size} missing class label"
            f"{'s' if missing.size > 1 else ''} (rows {rows}): drop those rows or "
            "give them a class."
        )
    if arr.dtype.kind == "O":
        kinds = {type(a) for a in arr}
        if len(kinds) > 1 and not all(issubclass(k, numbers.Real) for k in kinds):
            arr = arr.astype(str)  # mixed types (e.g. 1 and "1") cannot be sorted together
    return arr


def check_classes(classes: np.ndarray, counts: np.ndarray, cv):
    """Refuse one class, or a class of one sample; with an integer cv above the smallest class,
    fewer folds (each held-out fold then holds every class) and a warning.  Returns cv."""
    if classes.size < 2:
        raise ValueError(
            f"y has a single class ({_show(classes[0])}): there is nothing to classify or compare."
        )
    small = int(np.argmin(counts))
    if counts[small] < 2:
        raise ValueError(
            f"class {_show(classes[small])} has a single sample: it can be neither "
            "cross-validated nor learned. Drop it or merge it with another class."
        )
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool) and cv > counts[small]:
        warnings.warn(
            f"compare: class {_show(classes[small])} has {counts[small]} samples, fewer "
            f"than cv={cv} folds; using {counts[small]} stratified folds so that every "
            "held-out fold holds every class.",
            UserWarning,
            stacklevel=3,
        )
        return int(counts[small])
    return cv


def _show(label) -> str:
    return repr(label.item() if isinstance(label, np.generic) else label)


def compare_classes(
    X,
    y,
    names: np.ndarray,
    settings: Settings,
    cv,
    n_jobs,
    random_state,
    corr_threshold: float,
    one_hot=None,
) -> Comparison:
    """The classification branch of ``shrinkage.compare`` (options and X checked there)."""
    n, p = X.shape
    labels = class_labels(y, n)
    classes, codes = np.unique(labels, return_inverse=True)
    counts = np.bincount(codes, minlength=classes.size)
    cv = check_classes(classes, counts, cv)
    K = classes.size
    kind = "logistic" if K == 2 else "multinomial"
    rng = np.random.default_rng(random_state)
    fold_seed, boot_seed = (int(s) for s in rng.integers(2**31 - 1, size=2))
    diag = collinearity(X, names, corr_threshold, one_hot)
    if diag.constant.size == p:
        raise ValueError("every column of X is constant: there is nothing to compare.")
    options = PathOptions(standardize=settings.standardize, feature_names=names).checked()
    data = GLMCVData(X, codes.astype(np.float64), np.ones(n), None, options, kind, K, names)
    splits, n_folds = make_folds(
        cv, n, X=X, y=codes, n_repeats=settings.n_repeats, random_state=fold_seed, stratify=True
    )
    n_rep = len(splits) // n_folds
    check_training_classes(splits, codes, classes)
    common = {
        "n_alphas": settings.n_alphas,
        "scoring": settings.resolved_scoring,
        "n_jobs": n_jobs,
        "progress": settings.progress,
        "model": "compare",
    }
    cv_results, en_errors = {}, {}
    for name in settings.penalties:
        if name == "l1":
            cv_results[name] = cross_validate_glms(data, splits, n_folds, [1.0], **common)[0]
        elif name == "l2":
            grid = ridge_grid(X, settings.standardize, settings.n_alphas, diag.constant)
            grid = grid * _null_hessian_weight(counts)
            cv_results[name] = cross_validate_glms(
                data, splits, n_folds, [0.0], alphas=grid, **common
            )[0]
        else:
            tried = cross_validate_glms(data, splits, n_folds, list(settings.l1_ratios), **common)
            errors = [at_rule(r, settings.alpha_rule)[1] for r in tried]
            cv_results[name] = tried[int(np.argmin(errors))]
            if len(tried) > 1:
                en_errors = {
                    float(r.l1_ratio): float(e) for r, e in zip(tried, errors, strict=True)
                }

    specs = {}
    for name, res in cv_results.items():
        i, _ = at_rule(res, settings.alpha_rule)
        specs[name] = (res.l1_ratio, float(res.alphas[i]))
    columns = unpenalized_columns(diag)
    reduced = (
        data
        if columns.size == p
        else dataclasses.replace(data, X=X[:, columns], feature_names=names[columns])
    )
    undefined, fits = unpenalized_fits(
        reduced, splits, int(np.setdiff1d(columns, diag.constant).size)
    )
    with_unpenalized = undefined is None
    draws = stratified_draws(codes, settings.n_bootstrap, boot_seed)
    boots = bootstrap_classes(
        data,
        specs,
        draws,
        (reduced, columns) if with_unpenalized else None,
        n_jobs,
        settings.progress,
    )

    results = {
        name: _model_result(
            name,
            res,
            en_errors if name == "elasticnet" else None,
            n_folds,
            settings.alpha_rule,
            names,
            boots[name],
            classes,
        )
        for name, res in cv_results.items()
    }
    baseline = baseline_note = None
    if with_unpenalized:
        notes = (
            [
                "X is exactly collinear: the unpenalized coefficients are not unique; the fit "
                "the solver reaches is shown"
            ]
            if np.isinf(diag.condition_number)
            else []
        )
        notes += [note for note in [fold_constant_note(X, columns, splits, diag.constant)] if note]
        baseline = _unpenalized(
            reduced,
            columns,
            splits,
            fits,
            n_folds,
            settings.resolved_scoring,
            names,
            boots["ols"],
            classes,
            notes,
        )
        baseline_note = joined_notes(
            [baseline.note] if baseline.note else [], reference_note(diag.one_hot)
        )
    elif undefined is not None:
        baseline_note = undefined[0]
    null = _null_model(data, splits, n_folds, settings.resolved_scoring, names, classes, counts)
    groups = [treat_group(g, results, diag.scale) for g in diag.groups]
    recommended, text, evidence = recommend(
        results,
        baseline,
        undefined,
        diag,
        groups,
        settings.alpha_rule,
        settings.resolved_scoring,
        null=null,
    )
    coef_kind = "row_norm" if kind == "multinomial" else "log_odds"
    return Comparison(
        results,
        baseline,
        baseline_note,
        diag,
        groups,
        recommended,
        text,
        evidence,
        names,
        n,
        p,
        "classification",
        settings.resolved_scoring,
        settings.alpha_rule,
        settings.standardize,
        n_folds,
        n_rep,
        settings.n_bootstrap,
        splits,
        classes=classes,
        class_counts=counts,
        null=null,
        coef_kind=coef_kind,
    )


def check_training_classes(splits: list, codes: np.ndarray, classes: np.ndarray) -> None:
    """Refuse cv splits whose training rows lack a class: no model fitted there can give that
    class a probability above 0, so its held-out error would be a number about the folds, not
    about the data."""
    for f, (train, _) in enumerate(splits):
        present = np.unique(codes[train])
        if present.size < classes.size:
            missing = ", ".join(
                _show(classes[k]) for k in np.setdiff1d(np.arange(classes.size), present)[:5]
            )
            raise ValueError(
                f"cv split {f}'s training rows hold {present.size} of the "
                f"{classes.size} classes (none of {missing}): a model fitted there "
                "cannot predict the missing class. Use an integer cv (stratified "
                "folds) or a stratified splitter such as StratifiedKFold."
            )


def _null_hessian_weight(counts: np.ndarray) -> float:
    """max_k pi_k (1 - pi_k): the logistic / multinomial curvature at the class priors."""
    pi = counts / counts.sum()
    return float(np.max(pi * (1.0 - pi)))


def _split_coefs(
    kind: str, coef, intercept
) -> tuple[np.ndarray, float | np.ndarray, np.ndarray | None]:
    """(coef (p,), intercept, class_coefs (p, K) or None) of one fit (module docstring)."""
    coef = np.asarray(coef, dtype=np.float64)
    if kind == "multinomial":
        return np.linalg.norm(coef, axis=1), np.asarray(intercept, dtype=np.float64), coef
    return coef, float(intercept), None


def _model_result(
    name: str, res, en_errors, n_folds: int, rule: str, names, boot, classes
) -> ModelResult:
    i, err = at_rule(res, rule)
    coef, intercept, class_coefs = _split_coefs(
        "multinomial" if classes.size > 2 else "logistic", *res.coefs_at(rule)
    )
    return ModelResult(
        name,
        LABELS[name],
        float(res.l1_ratio),
        float(res.alphas[i]),
        res.alpha_min,
        res.alpha_1se,
        res.alphas,
        res.cv_mean,
        res.cv_se,
        err,
        float(res.cv_se[i]),
        repeat_errors(res.fold_errors[:, i], res.fold_weights, n_folds),
        coef,
        intercept,
        names,
        boot,
        res.path,
        res,
        en_errors or None,
        classes=classes,
        class_coefs=class_coefs,
    )


def _fit_unpenalized(data: GLMCVData, rows=None) -> GLMPathFit:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
        return fit_glm_path(data, rows, np.zeros(1), 1.0, model="compare (no penalty)")


def unpenalized_fits(
    data: GLMCVData, splits: list, m: int
) -> tuple[tuple[str, dict] | None, list[GLMPathFit]]:
    """(why unpenalized logistic regression has no maximum-likelihood fit here, with the
    numbers, or None; its fits on the full data then on each training fold, when it has)."""
    n = data.n_samples
    if m >= n:
        return (
            f"undefined: {m} non-constant features for {n} samples (with p >= n the "
            "classes can be separated exactly and the likelihood has no maximum)",
            {"n_features": m, "n_samples": n},
        ), []
    try:
        fits = [_fit_unpenalized(data)]
    except DivergenceError:
        return (
            "undefined: the classes are (quasi-)separable by a hyperplane in X, so the "
            "unpenalized likelihood grows without bound and has no maximum",
            {"n_samples": n},
        ), []
    for f, (train, _) in enumerate(splits):
        try:
            fits.append(_fit_unpenalized(data, train))
        except DivergenceError:
            return (
                f"undefined in cross-validation: the classes of training fold {f} are "
                "separable by a hyperplane (its likelihood has no maximum); use fewer "
                "folds",
                {"separable_fold": f},
            ), []
    return None, fits


def bootstrap_classes(
    data: GLMCVData, specs: dict, draws: list, unpenalized, n_jobs, progress
) -> dict[str, np.ndarray]:
    """{name: (n_bootstrap, p) coefficients (row norms for the multinomial)} on the same draws;
    ``unpenalized``: None, or (its data, the columns of X it holds) for the unpenalized fit
    ("ols"), whose row is NaN on a separable draw."""
    return run_bootstrap(
        _bootstrap_batch,
        (data,),
        (specs, unpenalized),
        draws,
        [*specs, *(["ols"] if unpenalized is not None else [])],
        data.X.shape[1],
        n_jobs,
        progress,
    )


def _bootstrap_batch(data: GLMCVData, draws, specs: dict, unpenalized):
    with_unpenalized = unpenalized is not None
    out: dict[str, list[np.ndarray]] = {
        k: [] for k in [*specs, *(["ols"] if with_unpenalized else [])]
    }
    bad = 0
    for weights in draws:
        drawn = dataclasses.replace(data, sample_weight=weights)
        for name, (l1_ratio, alpha) in specs.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
                fit = fit_glm_path(drawn, None, np.array([alpha]), l1_ratio)
            out[name].append(_row(fit))
            bad += int(not all(bool(q.converged[0]) for q in fit.paths))
        if with_unpenalized:
            reduced, columns = unpenalized
            row = np.zeros(data.X.shape[1])
            try:
                row[columns] = _row(
                    _fit_unpenalized(dataclasses.replace(reduced, sample_weight=weights))
                )
            except DivergenceError:
                row[:] = np.nan
            out["ols"].append(row)
    return {k: np.array(c) for k, c in out.items()}, bad, len(draws)


def _row(fit: GLMPathFit) -> np.ndarray:
    """The (p,) coefficients of a one-alpha fit: the binary's, or the multinomial's row norms."""
    W = fit.fitted()[0][0]  # (m, p)
    return W[0].copy() if fit.kind == "logistic" else np.linalg.norm(W, axis=0)


def _fold_errors(data: GLMCVData, splits: list, scoring: str, predict) -> np.ndarray:
    errors = np.empty(len(splits))
    for f, (train, test) in enumerate(splits):
        P = predict(train, test)  # (n_test, 1, K)
        errors[f] = held_out_errors(
            data.y[test], P, data.sample_weight[test], scoring, data.n_classes
        )[0]
    return errors


def _reference(
    name: str,
    label: str,
    data: GLMCVData,
    splits: list,
    n_folds: int,
    errors: np.ndarray,
    coef,
    intercept,
    names,
    boot,
    classes,
    note=None,
    class_coefs=None,
) -> ModelResult:
    weights = np.array([data.sample_weight[test].sum() for _, test in splits])
    mean, se = fold_summary(errors[:, None], weights, n_folds)
    empty = np.zeros(0)
    return ModelResult(
        name,
        label,
        None,
        0.0,
        0.0,
        0.0,
        empty,
        empty,
        empty,
        float(mean[0]),
        float(se[0]),
        repeat_errors(errors, weights, n_folds),
        coef,
        intercept,
        names,
        boot,
        note=note,
        classes=classes,
        class_coefs=class_coefs,
    )


def _unpenalized(
    data: GLMCVData,
    columns: np.ndarray,
    splits: list,
    fits: list[GLMPathFit],
    n_folds: int,
    scoring: str,
    names,
    boot,
    classes,
    notes: list[str],
) -> ModelResult:
    """The unpenalized baseline from ``unpenalized_fits``'s fits (full data, then folds) on
    ``data``, which holds ``columns`` of X (the coefficients of the others are 0)."""
    full, folds = fits[0], iter(fits[1:])
    errors = _fold_errors(
        data, splits, scoring, lambda train, test: next(folds).predict(_rows(data.X, test))
    )
    kind = data.kind
    coefs, intercepts = full.fitted()
    W, b = coefs[0], intercepts[0]  # (m, p), (m,)
    full_W = np.zeros((names.size, W.shape[0]))
    full_W[columns] = W.T
    coef, intercept, class_coefs = _split_coefs(
        kind,
        full_W if kind == "multinomial" else full_W[:, 0],
        b if kind == "multinomial" else b[0],
    )
    separable = int(np.sum(np.isnan(boot).any(axis=1)))
    notes = list(notes)
    if separable:
        notes.append(
            f"{separable} of {boot.shape[0]} bootstrap draws are separable and have no "
            "unpenalized fit; its bootstrap numbers use the others"
        )
    note = "; ".join(notes) or None
    return _reference(
        "ols",
        UNPENALIZED_LABEL,
        data,
        splits,
        n_folds,
        errors,
        coef,
        intercept,
        names,
        boot,
        classes,
        note,
        class_coefs,
    )


def _null_model(
    data: GLMCVData, splits: list, n_folds: int, scoring: str, names, classes, counts: np.ndarray
) -> ModelResult:
    """The intercept-only model: each training fold's class priors, for every held-out sample."""
    K = data.n_classes

    def predict(train, test):
        priors = np.bincount(data.y[train].astype(np.intp), data.sample_weight[train], K)
        return np.broadcast_to(priors / priors.sum(), (test.size, 1, K))

    errors = _fold_errors(data, splits, scoring, predict)
    log_priors = np.log(counts / counts.sum())
    p = names.size
    if K == 2:
        intercept, class_coefs = float(log_priors[1] - log_priors[0]), None
    else:
        intercept, class_coefs = log_priors - log_priors.mean(), np.zeros((p, K))
    boot = np.zeros((2, p))
    return _reference(
        "null",
        NULL_LABEL,
        data,
        splits,
        n_folds,
        errors,
        np.zeros(p),
        intercept,
        names,
        boot,
        classes,
        class_coefs=class_coefs,
    )
