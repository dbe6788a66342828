"""The models ``shrinkage fit`` fits on a table, and their predictions on new tables.

``fit_table_model`` builds the estimator a model name asks for (``MODELS``) on prepared data
(``shrinkage.io.prepare``: every penalty acts on standardized columns, coefficients are on the
original scale), with alpha given or chosen by K-fold cross-validation: the model's own CV
estimator where there is one (``LassoCV``, ``ElasticNetCV``, ``LogisticRegressionCV``,
``PoissonRegressorCV``), otherwise a grid search over ``alpha_grid``.  It returns the fitted
estimator and the facts the model file records (alpha, how it was chosen, the certificate).
``predict_table`` replays a saved model on a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: --model name -> (task, label); "auto": classification for a text or true/false target
MODELS = {
    "lasso": ("regression", "L1 (lasso)"),
    "ridge": ("regression", "L2 (ridge)"),
    "elasticnet": ("regression", "Elastic Net"),
    "logistic": ("classification", "logistic regression"),
    "svm": ("classification", "linear SVM (squared hinge)"),
    "poisson": ("regression", "Poisson regression"),
    "huber": ("regression", "Huber regression"),
    "quantile": ("regression", "quantile regression"),
    "group-lasso": ("auto", "group lasso"),
}
#: the --penalty of the least-squares models (kept from the first command line)
PENALTY_MODELS = {"l1": "lasso", "l2": "ridge", "elasticnet": "elasticnet"}
N_GRID = 20
GRID_RATIO = 1e-3


@dataclass
class FittedModel:
    """A fitted estimator and what the model file records about it."""

    estimator: Any  # a fitted estimator of this package (coef_, predict)
    alpha: float
    l1_ratio: float | None
    selection: dict
    certificate: dict


def model_task(name: str, labels_given: bool) -> str:
    """The task of model ``name``: "auto" models classify text or true/false targets."""
    task = MODELS[name][0]
    return ("classification" if labels_given else "regression") if task == "auto" else task


def l1_ratio_of(name: str, penalty: str | None, l1_ratio: float) -> float:
    """The L1 share of the penalty: the model's default unless --penalty says otherwise."""
    default = {"lasso": "l1", "ridge": "l2", "elasticnet": "elasticnet", "quantile": "l1",
               "group-lasso": "l2"}.get(name, "l2")
    return {"l1": 1.0, "l2": 0.0, "elasticnet": float(l1_ratio)}[penalty or default]


def build(name: str, alpha: float, ratio: float, *, prepared, n_classes: int = 0,
          quantile: float = 0.5):
    """The unfitted estimator of model ``name`` at ``alpha`` (standardized columns)."""
    from . import estimators as e
    from .estimators.glm import LinearSVC, LogisticRegression, PoissonRegressor
    from .estimators.group import GroupLasso, GroupLassoClassifier
    from .estimators.huber import HuberRegressor
    from .estimators.quantile import QuantileRegressor

    n = prepared.X.shape[0]
    if name == "lasso":
        return e.Lasso(alpha, standardize=True)
    if name == "ridge":
        return e.Ridge(alpha * n, standardize=True)  # the elastic-net scaling, as compare's
    if name == "elasticnet":
        return e.ElasticNet(alpha, l1_ratio=ratio, standardize=True)
    penalty = {1.0: "l1", 0.0: "l2"}.get(ratio, "elasticnet")
    mix = ratio if penalty == "elasticnet" else None
    if name == "logistic":
        return LogisticRegression(penalty, alpha=alpha, l1_ratio=mix, standardize=True)
    if name == "svm":
        return LinearSVC(penalty, alpha=alpha, l1_ratio=mix, standardize=True)
    if name == "poisson":
        return PoissonRegressor(alpha, l1_ratio=ratio, standardize=True)
    if name == "huber":
        return HuberRegressor(alpha=alpha, l1_ratio=ratio, standardize=True)
    if name == "quantile":
        return QuantileRegressor(quantile, alpha, l1_ratio=ratio, standardize=True)
    groups = one_hot_groups(prepared)
    if n_classes:
        datafit = "multinomial" if n_classes > 2 else "logistic"
        return GroupLassoClassifier(groups, alpha, datafit=datafit, l1_ratio=ratio,
                                    standardize=True)
    return GroupLasso(groups, alpha, l1_ratio=ratio, standardize=True)


def one_hot_groups(prepared) -> list[int]:
    """One group per input column: the one-hot columns of a categorical enter together."""
    return [i for i, c in enumerate(prepared.preprocessing.columns) for _ in c.features]


def fit_table_model(prepared, y, name: str, *, alpha=None, cv: int = 5, penalty=None,
                    l1_ratio: float = 0.5, alpha_rule: str = "min", quantile: float = 0.5,
                    seed=0) -> FittedModel:
    """Fit model ``name`` on prepared data; ``y`` the target (class labels for classifiers).

    Examples
    --------
    >>> fitted = fit_table_model(prepare(df, "y"), df["y"], "lasso", cv=5)  # doctest: +SKIP
    """
    ratio = l1_ratio_of(name, penalty, l1_ratio)
    task = MODELS[name][0]
    labels = task == "classification" or (task == "auto" and np.asarray(y).dtype.kind
                                          not in "iuf")
    n_classes = len(np.unique(y)) if labels else 0
    X = prepared.X
    if alpha is not None:
        est = build(name, float(alpha), ratio, prepared=prepared, n_classes=n_classes,
                    quantile=quantile).fit(X, y)
        return FittedModel(est, float(alpha), ratio, {"method": "given"},
                           certificate(est, prepared, y))
    if name in PENALTY_MODELS.values():
        return _least_squares_cv(prepared, y, name, ratio, cv, alpha_rule, seed)
    if name in ("logistic", "poisson"):
        return _glm_cv(prepared, y, name, ratio, cv, alpha_rule, seed)
    return _grid_search(prepared, y, name, ratio, cv, alpha_rule, seed, n_classes, quantile)


def _least_squares_cv(prepared, y, name, ratio, cv, rule, seed) -> FittedModel:
    from .comparison.grid import ridge_grid
    from .estimators import ElasticNetCV, LassoCV

    common = {"cv": cv, "alpha_rule": rule, "standardize": True, "random_state": seed}
    if name == "lasso":
        est = LassoCV(**common)
    elif name == "ridge":
        Xa = prepared.X.to_numpy(dtype=np.float64)
        constant = np.flatnonzero(np.ptp(Xa, axis=0) == 0)
        est = ElasticNetCV(l1_ratio=0.0, alphas=ridge_grid(Xa, True, 100, constant), **common)
    else:
        est = ElasticNetCV(l1_ratio=ratio, **common)
    est.fit(prepared.X, y)
    return FittedModel(est, float(est.alpha_), ratio, _cv_selection(est, cv, rule, seed),
                       certificate(est, prepared, y))


def _glm_cv(prepared, y, name, ratio, cv, rule, seed) -> FittedModel:
    from .estimators.glm_cv import LogisticRegressionCV, PoissonRegressorCV

    common = {"cv": cv, "alpha_rule": rule, "standardize": True, "random_state": seed}
    if ratio == 0:  # no alpha zeroes a ridge fit: a wide grid from above the lasso's bound
        n_classes = len(np.unique(y)) if name == "logistic" else 0
        top = alpha_grid(prepared, y, name, n_classes, 0.5)[0]
        common["alphas"] = np.geomspace(10 * top, top * 1e-4, 50)
    est = (LogisticRegressionCV(l1_ratios=ratio, **common) if name == "logistic"
           else PoissonRegressorCV(l1_ratio=ratio, **common))
    est.fit(prepared.X, y)
    return FittedModel(est, float(est.alpha_), ratio, _cv_selection(est, cv, rule, seed),
                       certificate(est, prepared, y))


def _cv_selection(est, cv, rule, seed) -> dict:
    return {"method": "cv", "folds": int(cv), "alpha_rule": rule, "seed": seed,
            "alpha_min": float(est.alpha_min_), "alpha_1se": float(est.alpha_1se_)}


def alpha_grid(prepared, y, name: str, n_classes: int, quantile: float) -> np.ndarray:
    """``N_GRID`` alphas from an upper bound of the smallest alpha that zeroes every
    coefficient down by ``GRID_RATIO``: max_j mean_i |z_ij g_i| with z the standardized
    columns and |g_i| a bound on the loss's slope at the intercept-only fit (Huber's alpha, in
    scikit-learn's scaling of a sum over samples, is scaled by n)."""
    X = prepared.X.to_numpy(dtype=np.float64)
    sd = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    if name == "quantile":
        slope = np.full(len(X), max(quantile, 1 - quantile))
    elif n_classes or name == "svm":
        slope = np.full(len(X), 2.0 if name == "svm" else 1.0)
    else:
        yf = np.asarray(y, dtype=np.float64)
        slope = np.abs(yf - yf.mean())
        if name == "huber":
            scale = np.median(np.abs(yf - np.median(yf))) / 0.6745 or 1.0
            slope = 2 * np.minimum(slope / scale, 1.35) * len(X)
    top = float(np.max(np.abs(Z).T @ slope) / len(X)) or 1.0
    return np.geomspace(top, top * GRID_RATIO, N_GRID)


def _grid_search(prepared, y, name, ratio, cv, rule, seed, n_classes, quantile) -> FittedModel:
    from sklearn.metrics import make_scorer, mean_pinball_loss
    from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

    alphas = alpha_grid(prepared, y, name, n_classes, quantile)
    folds = (StratifiedKFold if n_classes or name == "svm" else KFold)(
        cv, shuffle=True, random_state=seed)
    scoring = ("accuracy" if n_classes or name == "svm" else
               make_scorer(mean_pinball_loss, alpha=quantile, greater_is_better=False)
               if name == "quantile" else "neg_mean_squared_error")
    base = build(name, float(alphas[0]), ratio, prepared=prepared, n_classes=n_classes,
                 quantile=quantile)
    search = GridSearchCV(base, {"alpha": list(alphas)}, cv=folds, scoring=scoring,
                          refit=lambda r: _pick(r, rule, cv))
    search.fit(prepared.X, y)
    est = search.best_estimator_
    score = search.cv_results_["mean_test_score"]
    error = 1 - score if scoring == "accuracy" else -score  # lower is better, as in CV estimators
    names = {"accuracy": "misclassification rate", "neg_mean_squared_error": "mse"}
    selection = {"method": "cv", "folds": int(cv), "alpha_rule": rule, "seed": seed,
                 "alphas": [float(a) for a in alphas], "cv_mean": [float(m) for m in error],
                 "scoring": names.get(scoring, "pinball loss")}
    return FittedModel(est, float(est.alpha), ratio, selection, certificate(est, prepared, y))


def _pick(results: dict, rule: str, k: int) -> int:
    """The grid index of the best mean score, or with "1se" the largest alpha (the grid
    decreases) whose mean is within one standard error of it."""
    mean, sd = results["mean_test_score"], results["std_test_score"]
    best = int(np.argmax(mean))
    if rule == "min":
        return best
    return int(np.flatnonzero(mean >= mean[best] - sd[best] / np.sqrt(k))[0])


def certificate(est, prepared, y) -> dict:
    """The fit's certificate: its duality gap (or KKT violation) and whether it converged;
    the tolerance too for the least-squares models (tol x variance of the target)."""
    gap = float(np.max(getattr(est, "dual_gap_", np.nan)))
    converged = getattr(est, "converged_", None)
    out: dict[str, float | bool | None] = {"duality_gap": gap}
    if type(est).__name__ in ("Lasso", "Ridge", "ElasticNet", "LassoCV", "ElasticNetCV"):
        tolerance = float(est.tol * np.var(np.asarray(y, dtype=np.float64)))
        out["tolerance"] = tolerance
        if converged is None:
            cv_result = getattr(est, "cv_result_", None)
            if cv_result is not None:
                i = cv_result.index_min if est.alpha_rule == "min" else cv_result.index_1se
                converged = bool(cv_result.path.converged[i])
            else:  # a closed form (Ridge): its certificate is the gap itself
                converged = bool(gap <= tolerance)
    out["converged"] = None if converged is None else bool(converged)
    return out


def predict_table(model, df, *, source: str = "the data", proba: bool = False):
    """(predictions, probabilities or None, classes or None) of a loaded model on a table.

    A pipeline's ``Preprocessor`` builds the features from the table's columns (by name;
    others are ignored); a bare estimator fitted on named columns takes them from the table.
    Predictions that overflow are refused, naming the row.
    """
    from sklearn.pipeline import Pipeline

    from .io.preprocessor import Preprocessor

    steps = list(model.steps) if isinstance(model, Pipeline) else [("model", model)]
    X = df
    for _, step in steps[:-1]:
        X = (step._features(X.set_axis([str(c) for c in X.columns], axis=1), source)
             if isinstance(step, Preprocessor) else step.transform(X))
    est = steps[-1][1]
    if X is df:
        X = _named_columns(est, df, source)
    classes = getattr(est, "classes_", None)
    if proba:
        if classes is None or not hasattr(est, "predict_proba"):
            raise ValueError(f"--proba needs a classifier with probabilities; this "
                             f"{type(est).__name__} gives none.")
        probabilities = est.predict_proba(X)
        return classes[np.argmax(probabilities, axis=1)], probabilities, classes
    with np.errstate(over="ignore", invalid="ignore"):
        preds = np.asarray(est.predict(X))
    if preds.dtype.kind == "f" and not np.all(np.isfinite(preds)):
        row = int(np.flatnonzero(~np.isfinite(preds.reshape(len(preds), -1)).any(axis=1))[0])
        raise ValueError(f"the prediction of row {row + 1} of {source} overflows (its features "
                         "times the coefficients exceed the floating-point range); check that "
                         "row's values and units.")
    return preds, None, classes


def _named_columns(est, df, source: str):
    from . import _validation as v

    names = getattr(est, "feature_names_in_", None)
    if names is None:
        raise ValueError(f"this {type(est).__name__} was fitted without column names: save it "
                         "in a Pipeline with a Preprocessor (or fit it on a DataFrame) to "
                         "predict tables.")
    df = df.set_axis([str(c) for c in df.columns], axis=1)
    v.check_columns_present(list(names), df.columns, "column", source)
    return df[list(names)]
