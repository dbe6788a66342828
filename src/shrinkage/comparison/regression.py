"""``compare`` on a numeric target: L1, L2 and Elastic Net (and OLS) on the same folds.

Class labels (``task="classification"``, or "auto" with a target that looks like classes) get
logistic and multinomial models with the same structure, see
``shrinkage.comparison.classification``.

``compare(X, y)`` fits, on the **same folds**, the lasso (L1), ridge (L2) and the elastic net
(EN), plus the unregularized least-squares baseline (OLS) where it is defined (n > p), and
reports for each: the CV-chosen alphas (minimum and 1-SE rules), the CV curve, the held-out
error with its spread over repeated K-fold splits, the selected features and the coefficients
on the original scale, and their stability over bootstrap refits at the chosen alpha.  With the
multicollinearity diagnostics of X (``comparison.diagnostics``) it tells how each penalty treats
each group of correlated features, and it ends with a recommendation whose every number is
taken from these fits (see ``comparison.recommend`` for the decision rules).

Conventions:

- alphas are in the library's Elastic-Net scaling, 1/(2n) ||y - Xw - b||^2 + alpha (l1_ratio
  ||w||_1 + (1 - l1_ratio)/2 ||w||_2^2), for every penalty; the L2 alpha is ``Ridge(alpha * n)``.
- with ``standardize=True`` (the default) the penalty acts on standardized columns (as glmnet),
  so the features compete on equal terms; the coefficients are reported on the original scale.
- L1 and EN use the default warm-started grid from alpha_max down (``shrinkage.path``).  L2 has
  no alpha_max (nothing is zero at any alpha), so its grid is set by the spectrum of X instead:
  from 100 trace(G) (an effectively null model) down to 1e-4 trace(G) / m (at most a 1e-2
  relative shrinkage of any direction whose eigenvalue is above 1e-2 of the mean), with G the
  Gram matrix of the (standardized) centred X and m its number of non-constant columns.  The
  grid does not depend on the scale of y.
- the CV error is ``scoring`` ("mse" by default) on the held-out folds, lower is better; its
  standard error is glmnet's (``shrinkage.selection.cv``).  The spread over repeats is the
  standard deviation of the R per-repeat K-fold errors at the chosen alpha.
- a categorical one-hot encoded with every level (``column=level`` columns that add up to 1 on
  every row, detected or given as ``one_hot``, see ``comparison.one_hot``) is collinear with the
  intercept by construction: the penalties keep every level, but the unpenalized baseline and
  the collinearity diagnostics leave out its reference level (the most frequent), so the other
  levels' baseline coefficients are differences from it and only the data's own collinearity
  is reported.
- bootstrap refits use the multiplicities of a draw with replacement as sample weights (the same
  objective as duplicated rows), every penalty on the same draws, in parallel with joblib; the
  draws come from ``random_state`` up front, so the result does not depend on ``n_jobs``.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from .. import _validation as v
from ..exceptions import ShrinkageConvergenceWarning
from ..path import path
from ..selection.cv import CVResult, cross_validate_path, fold_summary, prediction_errors
from .baseline import fold_constant_note, joined_notes, reference_note, unpenalized_columns
from .bootstrap import run_bootstrap, treat_group, uniform_draws
from .diagnostics import collinearity
from .grid import ridge_grid
from .recommend import recommend
from .results import LABELS, Comparison, ModelResult, at_rule, repeat_errors
from .settings import Settings


def compare_regression(
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
    """The regression branch of ``shrinkage.compare`` (options and X checked there)."""
    n, p = X.shape
    y = v.check_target(y, n)
    if np.ptp(y) == 0:
        raise ValueError(
            f"y is constant (every value is {y[0]:g}): there is nothing to predict or compare."
        )
    rng = np.random.default_rng(random_state)
    fold_seed, boot_seed = (int(s) for s in rng.integers(2**31 - 1, size=2))
    if not isinstance(cv, numbers.Integral) or isinstance(cv, bool):
        cv = _materialize(cv, X, y, settings.n_repeats)

    diag = collinearity(X, names, corr_threshold, one_hot)
    if diag.constant.size == p:
        raise ValueError("every column of X is constant: there is nothing to compare.")
    common = {
        "cv": cv,
        "n_repeats": settings.n_repeats,
        "n_alphas": settings.n_alphas,
        "scoring": settings.resolved_scoring,
        "random_state": fold_seed,
        "n_jobs": n_jobs,
        "progress": settings.progress,
        "standardize": settings.standardize,
        "feature_names": names,
    }
    cv_results: dict[str, tuple[CVResult, dict | None]] = {}
    for name in settings.penalties:
        if name == "l1":
            cv_results[name] = (cross_validate_path(X, y, l1_ratio=1.0, **common), None)
        elif name == "l2":
            grid = ridge_grid(X, settings.standardize, settings.n_alphas, diag.constant)
            cv_results[name] = (
                cross_validate_path(X, y, l1_ratio=0.0, alphas=grid, **common),
                None,
            )
        else:
            tried = [cross_validate_path(X, y, l1_ratio=r, **common) for r in settings.l1_ratios]
            errors = [at_rule(r, settings.alpha_rule)[1] for r in tried]
            best = tried[int(np.argmin(errors))]
            cv_results[name] = (
                best,
                None
                if len(tried) == 1
                else {float(r.l1_ratio): float(e) for r, e in zip(tried, errors, strict=True)},
            )
    first = next(iter(cv_results.values()))[0]
    splits = first.splits
    n_folds = int(cv) if isinstance(cv, numbers.Integral) else len(splits)
    n_rep = len(splits) // n_folds

    specs = {}
    for name, (res, _) in cv_results.items():
        i, _ = at_rule(res, settings.alpha_rule)
        specs[name] = (res.l1_ratio, float(res.alphas[i]))
    columns = unpenalized_columns(diag)
    undefined = ols_undefined_reason(n, int(np.setdiff1d(columns, diag.constant).size), splits)
    with_ols = undefined is None
    baseline_note = None if undefined is None else undefined[0]
    if with_ols:
        notes = (
            [
                "X is exactly collinear: the OLS coefficients are not unique; the minimum-norm "
                "solution is shown"
            ]
            if np.isinf(diag.condition_number)
            else []
        )
        notes += [note for note in [fold_constant_note(X, columns, splits, diag.constant)] if note]
        baseline_note = joined_notes(notes, reference_note(diag.one_hot))
    boots = bootstrap_refits(
        X,
        y,
        specs,
        settings.n_bootstrap,
        boot_seed,
        settings.standardize,
        columns if with_ols else None,
        n_jobs,
        settings.progress,
    )

    results = {
        name: _model_result(
            name, res, en_errors, splits, n_folds, settings.alpha_rule, names, boots[name]
        )
        for name, (res, en_errors) in cv_results.items()
    }
    baseline = None
    if with_ols:
        baseline = _baseline(
            X,
            y,
            columns,
            splits,
            n_folds,
            settings.resolved_scoring,
            names,
            boots["ols"],
            joined_notes(notes),
        )
    groups = [treat_group(g, results, diag.scale) for g in diag.groups]
    recommended, text, evidence = recommend(
        results, baseline, undefined, diag, groups, settings.alpha_rule, settings.resolved_scoring
    )
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
        "regression",
        settings.resolved_scoring,
        settings.alpha_rule,
        settings.standardize,
        n_folds,
        n_rep,
        settings.n_bootstrap,
        splits,
    )


def _materialize(cv, X, y, n_repeats: int) -> list:
    """A splitter or iterable of splits drawn once, so every penalty sees the same folds."""
    if n_repeats != 1:
        raise ValueError(
            f"n_repeats={n_repeats} applies to an integer cv only; a splitter "
            "object repeats itself (e.g. scikit-learn's RepeatedKFold)."
        )
    if hasattr(cv, "split"):
        return list(cv.split(X, y))
    try:
        return list(cv)
    except TypeError:
        raise ValueError(
            f"cv must be an integer number of folds, a scikit-learn splitter or an "
            f"iterable of (train, test) splits; got {cv!r}."
        ) from None


def ols_undefined_reason(
    n: int, m: int, splits: Sequence[tuple[np.ndarray, np.ndarray]]
) -> tuple[str, dict] | None:
    """Why least squares without a penalty has no unique fit here, with the numbers (None when
    it has one): it needs more samples than non-constant features, in every training fold."""
    if m >= n:
        return (
            f"undefined: {m} non-constant features for {n} samples (least squares needs "
            "more samples than features; otherwise infinitely many fits are exact)",
            {"n_features": m, "n_samples": n},
        )
    smallest = min(train.size for train, _ in splits)
    if m >= smallest:
        return (
            f"undefined in cross-validation: the smallest training fold has {smallest} "
            f"samples for {m} non-constant features (use fewer folds)",
            {"n_features": m, "smallest_training_fold": smallest},
        )
    return None


def _model_result(
    name: str,
    res: CVResult,
    en_errors,
    splits,
    n_folds: int,
    rule: str,
    names: np.ndarray,
    boot: np.ndarray,
) -> ModelResult:
    if [t.tobytes() for _, t in res.splits] != [t.tobytes() for _, t in splits]:
        raise RuntimeError("internal error: the penalties were cross-validated on different folds.")
    i, err = at_rule(res, rule)
    coef, intercept = res.coefs_at(rule)
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
        np.asarray(coef, dtype=np.float64),
        intercept,
        names,
        boot,
        res.path,
        res,
        en_errors,
    )


def _baseline(
    X, y, columns: np.ndarray, splits, n_folds: int, scoring: str, names, boot, note
) -> ModelResult:
    """OLS on ``columns`` of X (coefficients 0 on the others), on the folds and the full data."""
    errors = np.empty(len(splits))
    rows = X.tocsr() if sp.issparse(X) else X
    rows = rows[:, columns]
    for f, (train, test) in enumerate(splits):
        w, b = ols_fit(_take(rows, train), y[train])
        pred = np.asarray(rows[test] @ w).ravel() + b
        errors[f] = prediction_errors(y[test], pred[:, None], np.ones(test.size), scoring)[0]
    weights = np.array([float(test.size) for _, test in splits])
    mean, se = fold_summary(errors[:, None], weights, n_folds)
    w_kept, b = ols_fit(X[:, columns], y)
    w = np.zeros(X.shape[1])
    w[columns] = w_kept
    empty = np.zeros(0)
    return ModelResult(
        "ols",
        LABELS["ols"],
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
        w,
        b,
        names,
        boot,
        note=note,
    )


def _take(X, rows):
    out = X[rows]
    return out.tocsc() if sp.issparse(out) else out


def ols_fit(X, y: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Least squares with an intercept (minimum-norm when X is rank deficient), optionally
    weighted; dense X through lstsq on the centred rows, sparse X through its Gram matrix."""
    s = np.ones(X.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    s = s / s.sum()
    ybar = float(s @ y)
    if sp.issparse(X):
        mean = np.asarray(X.T @ s).ravel()
        Xs = X.multiply(s[:, None]).tocsc()
        G = np.asarray((X.T @ Xs).todense()) - np.outer(mean, mean)
        q = np.asarray(Xs.T @ y).ravel() - mean * ybar
        w = np.linalg.lstsq(G, q, rcond=None)[0]
    else:
        pos = s > 0
        mean = s @ X
        root = np.sqrt(s[pos])[:, None]
        A = (np.asarray(X[pos], dtype=np.float64) - mean) * root
        w = np.linalg.lstsq(A, (y[pos] - ybar) * root[:, 0], rcond=None)[0]
    return w, ybar - float(mean @ w)


def bootstrap_refits(
    X,
    y,
    specs: dict,
    n_bootstrap: int,
    seed: int,
    standardize: bool,
    ols_columns: np.ndarray | None,
    n_jobs,
    progress,
) -> dict[str, np.ndarray]:
    """{name: (n_bootstrap, p) coefficients} refitted on the same bootstrap draws; OLS (on
    ``ols_columns``, None for none) under the name "ols"."""
    n, p = X.shape
    draws = uniform_draws(n, n_bootstrap, seed)
    return run_bootstrap(
        _bootstrap_batch,
        (X, y),
        (specs, standardize, ols_columns),
        draws,
        [*specs, *(["ols"] if ols_columns is not None else [])],
        p,
        n_jobs,
        progress,
    )


def _bootstrap_batch(X, y, draws, specs, standardize, ols_columns):
    with_ols = ols_columns is not None
    out = {k: [] for k in [*specs, *(["ols"] if with_ols else [])]}
    kept = X[:, ols_columns] if with_ols else None
    bad = 0
    for weights in draws:
        for name, (l1_ratio, alpha) in specs.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
                fit = path(
                    X,
                    y,
                    l1_ratio=l1_ratio,
                    alphas=[alpha],
                    standardize=standardize,
                    sample_weight=weights,
                )
            out[name].append(fit.coefs[0])
            bad += int(not fit.converged[0])
        if with_ols:
            w = np.zeros(X.shape[1])
            w[ols_columns] = ols_fit(kept, y, weights)[0]
            out["ols"].append(w)
    return {k: np.array(c) for k, c in out.items()}, bad, len(draws)
