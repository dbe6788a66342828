"""The models ``shrinkage fit`` fits on a table, and their predictions on new tables.

``fit_table_model`` builds the estimator a model name asks for (``MODELS``) on prepared data
(``shrinkage.io.prepare``: every penalty acts on standardized columns, coefficients are on the
original scale), with alpha given or chosen by K-fold cross-validation: the model's own CV
estimator where there is one (``LassoCV``, ``ElasticNetCV``, ``LogisticRegressionCV``,
``PoissonRegressorCV``), otherwise a grid search over ``alpha_grid`` (CV error: MSE, pinball
loss, misclassification rate, or the mean deviance of the Gamma and Tweedie models).  It returns
the fitted estimator and the facts the model file records (alpha, how it was chosen, the
certificate).  Every estimator is built with ``standardize=True`` (MCP and SCAD too, as
ncvreg), so its ``coef_`` are on the original scale, as printed.  ``predict_table`` replays a
saved model on a table.
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
    "mcp": ("regression", "MCP (minimax concave penalty)"),
    "scad": ("regression", "SCAD (smoothly clipped absolute deviation)"),
    "gamma": ("regression", "Gamma regression"),
    "tweedie": ("regression", "Tweedie regression"),
}
#: the least-squares models with a non-convex penalty (their concavity: --gamma)
NONCONVEX_MODELS = ("mcp", "scad")
#: the log-link models of positive amounts, whose CV error is the mean deviance
DEVIANCE_MODELS = ("gamma", "tweedie")
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

    def coefficients(self) -> np.ndarray:
        """The coefficients on the original scale, one row per class (or a single row)."""
        return np.atleast_2d(self.estimator.coef_)


def check_options(
    name: str, gamma: float | None = None, power: float = 1.5
) -> tuple[float | None, float]:
    """``gamma`` checked for MCP / SCAD (None: the penalty's default; > 1 for MCP, > 2 for
    SCAD) and ``power`` for Tweedie (1 <= power <= 2), with the library's checks.

    Parameters
    ----------
    name : str
        The model, a key of ``MODELS``.
    gamma : float or None
        The concavity of MCP and SCAD (None: 3 and 3.7); passed through for other models.
    power : float
        Tweedie's variance power; passed through for other models.

    Returns
    -------
    tuple of (float or None, float)
        The checked (gamma, power).

    Examples
    --------
    >>> check_options("scad")
    (3.7, 1.5)
    >>> check_options("mcp", gamma=1.0)
    Traceback (most recent call last):
    ...
    ValueError: gamma must be > 1 for MCP (a finite number); got 1.0.
    """
    from .datafits.tweedie import check_power
    from .paths.nonconvex import check_gamma

    checked = check_gamma(gamma, name) if name in NONCONVEX_MODELS else gamma
    return checked, check_power(power) if name == "tweedie" else power


def check_target(name: str, y, power: float = 1.5, target: str = "y") -> None:
    """Refuse a target the model cannot fit: Gamma needs y > 0, Tweedie y >= 0 (> 0 at power
    2); the message names the column ``target``.

    Parameters
    ----------
    name : str
        The model, a key of ``MODELS`` (only "gamma" and "tweedie" are checked).
    y : array-like of shape (n_samples,)
        The target.
    power : float
        Tweedie's variance power.
    target : str
        The target column's name, for the message.

    Examples
    --------
    >>> check_target("gamma", [1.0, -2.0], target="cost")
    Traceback (most recent call last):
    ...
    ValueError: the target column 'cost': y must be > 0 for the Gamma datafit ...
    """
    from .datafits import get_datafit

    if name not in DEVIANCE_MODELS:
        return
    datafit = get_datafit("gamma") if name == "gamma" else get_datafit("tweedie", power=power)
    try:
        datafit.check_target(y)
    except ValueError as e:
        raise ValueError(f"the target column {target!r}: {e}") from None


def model_task(name: str, labels_given: bool) -> str:
    """The task of model ``name``: "auto" models classify text or true/false targets."""
    task = MODELS[name][0]
    return ("classification" if labels_given else "regression") if task == "auto" else task


def l1_ratio_of(name: str, penalty: str | None, l1_ratio: float) -> float:
    """The L1 share of the penalty: the model's default unless --penalty says otherwise."""
    default = {
        "lasso": "l1",
        "ridge": "l2",
        "elasticnet": "elasticnet",
        "quantile": "l1",
        "group-lasso": "l2",
    }.get(name, "l2")
    return {"l1": 1.0, "l2": 0.0, "elasticnet": float(l1_ratio)}[penalty or default]


def build(
    name: str,
    alpha: float,
    ratio: float,
    *,
    prepared,
    n_classes: int = 0,
    quantile: float = 0.5,
    gamma: float | None = None,
    power: float = 1.5,
):
    """The unfitted estimator of model ``name`` at ``alpha``, penalizing standardized columns
    (``standardize=True``) with coefficients on the original scale."""
    from . import estimators as e
    from .estimators.glm import (
        GammaRegressor,
        LinearSVC,
        LogisticRegression,
        PoissonRegressor,
        TweedieRegressor,
    )
    from .estimators.group import GroupLasso, GroupLassoClassifier
    from .estimators.huber import HuberRegressor
    from .estimators.nonconvex import MCPRegressor, SCADRegressor
    from .estimators.quantile import QuantileRegressor

    n = prepared.X.shape[0]
    if name in NONCONVEX_MODELS:
        return (MCPRegressor if name == "mcp" else SCADRegressor)(alpha, gamma, standardize=True)
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
    if name == "gamma":
        return GammaRegressor(alpha, l1_ratio=ratio, standardize=True)
    if name == "tweedie":
        return TweedieRegressor(power, alpha, l1_ratio=ratio, standardize=True)
    if name == "huber":
        return HuberRegressor(alpha=alpha, l1_ratio=ratio, standardize=True)
    if name == "quantile":
        return QuantileRegressor(quantile, alpha, l1_ratio=ratio, standardize=True)
    groups = one_hot_groups(prepared)
    if n_classes:
        datafit = "multinomial" if n_classes > 2 else "logistic"
        return GroupLassoClassifier(
            groups, alpha, datafit=datafit, l1_ratio=ratio, standardize=True
        )
    return GroupLasso(groups, alpha, l1_ratio=ratio, standardize=True)


def one_hot_groups(prepared) -> list[int]:
    """One group per input column: the one-hot columns of a categorical enter together."""
    return [i for i, c in enumerate(prepared.preprocessing.columns) for _ in c.features]


def fit_table_model(
    prepared,
    y,
    name: str,
    *,
    alpha=None,
    cv: int = 5,
    penalty=None,
    l1_ratio: float = 0.5,
    alpha_rule: str = "min",
    quantile: float = 0.5,
    gamma: float | None = None,
    power: float = 1.5,
    seed=0,
) -> FittedModel:
    """Fit model ``name`` on prepared data; ``y`` the target (class labels for classifiers).

    ``gamma`` is the concavity of MCP and SCAD (None: 3 and 3.7), ``power`` Tweedie's
    variance power.

    Examples
    --------
    >>> fitted = fit_table_model(prepare(df, "y"), df["y"], "lasso", cv=5)  # doctest: +SKIP
    """
    gamma, power = check_options(name, gamma, power)
    check_target(name, y, power, prepared.preprocessing.target)
    task = MODELS[name][0]
    labels = task == "classification" or (task == "auto" and np.asarray(y).dtype.kind not in "iuf")
    n_classes = len(np.unique(y)) if labels else 0
    ratio = None if name in NONCONVEX_MODELS else l1_ratio_of(name, penalty, l1_ratio)
    options: dict[str, Any] = {"quantile": quantile, "gamma": gamma, "power": power}
    if alpha is not None:
        est = build(
            name, float(alpha), ratio or 0.0, prepared=prepared, n_classes=n_classes, **options
        ).fit(prepared.X, y)
        return FittedModel(
            est, float(alpha), ratio, {"method": "given"}, certificate(est, prepared, y)
        )
    if name in PENALTY_MODELS.values():
        return _least_squares_cv(prepared, y, name, ratio, cv, alpha_rule, seed)
    if name in ("logistic", "poisson"):
        return _glm_cv(prepared, y, name, ratio, cv, alpha_rule, seed)
    return _grid_search(prepared, y, name, ratio, (cv, alpha_rule, seed), n_classes, options)


def pipeline(prepared, fitted: FittedModel):
    """The model file's pipeline: the preprocessing ``predict`` replays, then the estimator.

    Parameters
    ----------
    prepared : Prepared
        The prepared table the model was fitted on.
    fitted : FittedModel
        What ``fit_table_model`` returned.

    Returns
    -------
    sklearn.pipeline.Pipeline
        ("preprocess", a fitted ``Preprocessor``), ("model", the fitted estimator).

    Examples
    --------
    >>> pipeline(prepare(df, "y"), fit_table_model(prepare(df, "y"), df["y"], "mcp"))
    ... # doctest: +SKIP
    """
    from sklearn.pipeline import Pipeline

    from .io import Preprocessor

    step = Preprocessor.from_preprocessing(prepared.preprocessing)
    return Pipeline(
        [("preprocess", step.set_output(transform="pandas")), ("model", fitted.estimator)]
    )


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
    return FittedModel(
        est,
        float(est.alpha_),
        ratio,
        _cv_selection(est, cv, rule, seed),
        certificate(est, prepared, y),
    )


def _glm_cv(prepared, y, name, ratio, cv, rule, seed) -> FittedModel:
    from .estimators.glm_cv import LogisticRegressionCV, PoissonRegressorCV

    common = {"cv": cv, "alpha_rule": rule, "standardize": True, "random_state": seed}
    if ratio == 0:  # no alpha zeroes a ridge fit: a wide grid from above the lasso's bound
        n_classes = len(np.unique(y)) if name == "logistic" else 0
        top = alpha_grid(prepared, y, name, n_classes, 0.5)[0]
        common["alphas"] = np.geomspace(10 * top, top * 1e-4, 50)
    est = (
        LogisticRegressionCV(l1_ratios=ratio, **common)
        if name == "logistic"
        else PoissonRegressorCV(l1_ratio=ratio, **common)
    )
    est.fit(prepared.X, y)
    return FittedModel(
        est,
        float(est.alpha_),
        ratio,
        _cv_selection(est, cv, rule, seed),
        certificate(est, prepared, y),
    )


def _cv_selection(est, cv, rule, seed) -> dict:
    return {
        "method": "cv",
        "folds": int(cv),
        "alpha_rule": rule,
        "seed": seed,
        "alpha_min": float(est.alpha_min_),
        "alpha_1se": float(est.alpha_1se_),
    }


def alpha_grid(
    prepared, y, name: str, n_classes: int, quantile: float, power: float = 1.5
) -> np.ndarray:
    """``N_GRID`` alphas from an upper bound of the smallest alpha that zeroes every
    coefficient down by ``GRID_RATIO``: max_j mean_i |z_ij g_i| with z the standardized
    columns and |g_i| a bound on the loss's slope at the intercept-only fit (Huber's alpha, in
    scikit-learn's scaling of a sum over samples, is scaled by n; the log-link Gamma and
    Tweedie models' slope is |y_i - mu| mu^(1 - power) at the mean mu, power 2 for Gamma)."""
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
        elif name in DEVIANCE_MODELS:
            slope = slope * yf.mean() ** (1 - (2.0 if name == "gamma" else power))
    top = float(np.max(np.abs(Z).T @ slope) / len(X)) or 1.0
    return np.geomspace(top, top * GRID_RATIO, N_GRID)


def _scoring(name: str, n_classes: int, options: dict) -> tuple[Any, str]:
    """The grid search's scoring (greater is better) and the name of its CV error."""
    from sklearn.metrics import (
        make_scorer,
        mean_gamma_deviance,
        mean_pinball_loss,
        mean_tweedie_deviance,
    )

    if n_classes or name == "svm":
        return "accuracy", "misclassification rate"
    if name == "quantile":
        return (
            make_scorer(mean_pinball_loss, alpha=options["quantile"], greater_is_better=False),
            "pinball loss",
        )
    if name == "gamma":
        return make_scorer(mean_gamma_deviance, greater_is_better=False), "mean Gamma deviance"
    if name == "tweedie":
        power = options["power"]
        return (
            make_scorer(mean_tweedie_deviance, power=power, greater_is_better=False),
            f"mean Tweedie deviance (power {power:g})",
        )
    return "neg_mean_squared_error", "mse"


def _grid_search(prepared, y, name, ratio, how, n_classes, options) -> FittedModel:
    """Alpha by K-fold CV over ``alpha_grid``; ``how`` is (folds, alpha rule, seed)."""
    from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

    cv, rule, seed = how
    alphas = alpha_grid(prepared, y, name, n_classes, options["quantile"], options["power"])
    folds = (StratifiedKFold if n_classes or name == "svm" else KFold)(
        cv, shuffle=True, random_state=seed
    )
    scoring, error_name = _scoring(name, n_classes, options)
    base = build(
        name, float(alphas[0]), ratio or 0.0, prepared=prepared, n_classes=n_classes, **options
    )
    search = GridSearchCV(
        base, {"alpha": list(alphas)}, cv=folds, scoring=scoring, refit=lambda r: _pick(r, rule, cv)
    )
    search.fit(prepared.X, y)
    est = search.best_estimator_
    score = search.cv_results_["mean_test_score"]
    error = 1 - score if scoring == "accuracy" else -score  # lower is better, as in CV estimators
    selection = {
        "method": "cv",
        "folds": int(cv),
        "alpha_rule": rule,
        "seed": seed,
        "alphas": [float(a) for a in alphas],
        "cv_mean": [float(m) for m in error],
        "scoring": error_name,
    }
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
    """The fit's certificate: its duality gap (or KKT violation: "kind" says which, as the
    estimator's ``certificate_``) and whether it converged; the tolerance too for the
    least-squares models (tol x variance of the target)."""
    gap = float(np.max(getattr(est, "dual_gap_", np.nan)))
    converged = getattr(est, "converged_", None)
    out: dict[str, str | float | bool | None] = {
        "duality_gap": gap,
        "kind": str(getattr(est, "certificate_", "duality_gap")),
    }
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
        X = (
            step._features(X.set_axis([str(c) for c in X.columns], axis=1), source)
            if isinstance(step, Preprocessor)
            else step.transform(X)
        )
    est = steps[-1][1]
    if X is df:
        X = _named_columns(est, df, source)
    classes = getattr(est, "classes_", None)
    if proba:
        if classes is None or not hasattr(est, "predict_proba"):
            raise ValueError(
                f"--proba needs a classifier with probabilities; this "
                f"{type(est).__name__} gives none."
            )
        probabilities = est.predict_proba(X)
        return classes[np.argmax(probabilities, axis=1)], probabilities, classes
    with np.errstate(over="ignore", invalid="ignore"):
        preds = np.asarray(est.predict(X))
    if preds.dtype.kind == "f" and not np.all(np.isfinite(preds)):
        row = int(np.flatnonzero(~np.isfinite(preds.reshape(len(preds), -1)).any(axis=1))[0])
        raise ValueError(
            f"the prediction of row {row + 1} of {source} overflows (its features "
            "times the coefficients exceed the floating-point range); check that "
            "row's values and units."
        )
    return preds, None, classes


def _named_columns(est, df, source: str):
    from . import _validation as v

    names = getattr(est, "feature_names_in_", None)
    if names is None:
        raise ValueError(
            f"this {type(est).__name__} was fitted without column names: save it "
            "in a Pipeline with a Preprocessor (or fit it on a DataFrame) to "
            "predict tables."
        )
    df = df.set_axis([str(c) for c in df.columns], axis=1)
    v.check_columns_present(list(names), df.columns, "column", source)
    return df[list(names)]
