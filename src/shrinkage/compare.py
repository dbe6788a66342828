"""L1, L2 or both?  Cross-validate, bootstrap and explain the three penalties on one data set.

Regression is described here; class labels (``task="classification"``, or "auto" with a target
that looks like classes) get logistic and multinomial models with the same structure, see
``shrinkage.compare_classification``.

``compare(X, y)`` fits, on the **same folds**, the lasso (L1), ridge (L2) and the elastic net
(EN), plus the unregularized least-squares baseline (OLS) where it is defined (n > p), and
reports for each: the CV-chosen alphas (minimum and 1-SE rules), the CV curve, the held-out
error with its spread over repeated K-fold splits, the selected features and the coefficients
on the original scale, and their stability over bootstrap refits at the chosen alpha.  With the
multicollinearity diagnostics of X (``shrinkage.diagnostics``) it tells how each penalty treats
each group of correlated features, and it ends with a recommendation whose every number is
taken from these fits (see ``shrinkage._recommend`` for the decision rules).

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
  every row, detected or given as ``one_hot``, see ``shrinkage.one_hot``) is collinear with the
  intercept by construction: the penalties keep every level, but the unpenalized baseline and
  the collinearity diagnostics leave out its reference level (the most frequent), so the other
  levels' baseline coefficients are differences from it and only the data's own collinearity
  is reported.
- bootstrap refits use the multiplicities of a draw with replacement as sample weights (the same
  objective as duplicated rows), every penalty on the same draws, in parallel with joblib; the
  draws come from ``random_state`` up front, so the result does not depend on ``n_jobs``.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed, effective_n_jobs

from . import _validation as v
from ._progress import track
from .diagnostics import Collinearity, CorrelatedGroup, check_frame, collinearity
from .diagnostics import default_feature_names as _default_names
from .exceptions import ShrinkageConvergenceWarning
from .one_hot import OneHotBlock, reference_columns
from .path import Path, path
from .selection.cv import CVResult, cross_validate_path, fold_summary, prediction_errors
from .selection.glm_cv import CLASS_SCORINGS

PENALTIES = ("l1", "l2", "elasticnet")
LABELS = {"l1": "L1 (lasso)", "l2": "L2 (ridge)", "elasticnet": "Elastic Net", "ols": "OLS"}
SHORT = {"l1": "L1", "l2": "L2", "elasticnet": "Elastic Net", "ols": "OLS"}
TASKS = ("auto", "regression", "classification")
#: a target with at most this many distinct integer values looks like class labels
MAX_CLASSES = 10
#: bootstrap selection: a group is "almost always represented" at or above this frequency ...
GROUP_PRESENT = 0.8
#: ... and a penalty alternates when at least two members each have a frequency in this range
ALTERNATE_RANGE = (0.2, 0.8)
#: a penalty that gives one member at least this share of a group's standardized weight
#: concentrates the group on it
CONCENTRATED = 0.8
#: what ``ModelResult.coef`` holds, by ``Comparison.coef_kind``
COEF_KINDS = {"coef": "coefficients on the original scale",
              "log_odds": "log-odds coefficients of the second class against the first, on the "
                          "original scale",
              "row_norm": "row norms ||W_j||_2 of the (features x classes) multinomial "
                          "coefficients, on the original scale (class_coef holds W)"}


@dataclass(frozen=True)
class ModelResult:
    """One penalty (or the OLS baseline) fitted, cross-validated and bootstrapped.

    Attributes
    ----------
    name : "l1", "l2", "elasticnet", "ols" (the unpenalized baseline: least squares, or
        logistic regression for classes) or "null" (the intercept-only model of a
        classification); label : for display ("L1 (lasso)", ...).
    l1_ratio : the Elastic-Net mix (1 for L1, 0 for L2, the CV-chosen value for EN, None for
        the baselines).
    alpha : the alpha of the reported fit (``alpha_rule``); alpha_min, alpha_1se : the two CV
        choices (0 for OLS).
    alphas, cv_mean, cv_se : the CV curve on the shared folds (empty for OLS).
    cv_error, cv_error_se : CV error and its standard error at ``alpha``.
    repeat_errors : (n_repeats,) the K-fold CV error of each repeat at ``alpha``.
    coef, intercept : the full-data fit at ``alpha``, original scale.  Classification: the
        log-odds coefficients of ``classes[1]`` (binary), or for K > 2 classes the row norms
        ||W_j||_2 of the (p, K) multinomial coefficients ``class_coefs`` with (K,) intercepts.
    feature_names : (p,) names.
    bootstrap_coefs : (n_bootstrap, p) refits at ``alpha`` on bootstrap draws (as ``coef``; a
        row of NaN where a refit does not exist: an unpenalized logistic fit of separable data).
    path : the full-data ``Path`` on the whole grid (None for OLS); cv_result : the ``CVResult``.
    l1_ratio_errors : EN with a grid of l1_ratios: {l1_ratio: CV error at its chosen alpha}.
    note : why a baseline is peculiar (e.g. not unique under exact collinearity), else None.
    classes : the class labels (classification), else None; class_coefs : (p, K) multinomial
        coefficients, else None.
    """

    name: str
    label: str
    l1_ratio: float | None
    alpha: float
    alpha_min: float
    alpha_1se: float
    alphas: np.ndarray = field(repr=False)
    cv_mean: np.ndarray = field(repr=False)
    cv_se: np.ndarray = field(repr=False)
    cv_error: float
    cv_error_se: float
    repeat_errors: np.ndarray = field(repr=False)
    coef: np.ndarray = field(repr=False)
    intercept: float | np.ndarray
    feature_names: np.ndarray = field(repr=False)
    bootstrap_coefs: np.ndarray = field(repr=False)
    path: Path | None = field(default=None, repr=False)
    cv_result: CVResult | None = field(default=None, repr=False)
    l1_ratio_errors: dict | None = None
    note: str | None = None
    classes: np.ndarray | None = field(default=None, repr=False)
    class_coefs: np.ndarray | None = field(default=None, repr=False)

    @property
    def _refits(self) -> np.ndarray:
        """The bootstrap coefficients of the refits that exist (rows without NaN)."""
        b = self.bootstrap_coefs
        return b[~np.isnan(b).any(axis=1)]

    @property
    def nnz(self) -> int:
        """Number of selected (non-zero) coefficients."""
        return int(np.count_nonzero(self.coef))

    @property
    def selected(self) -> np.ndarray:
        return np.flatnonzero(self.coef)

    @property
    def selected_names(self) -> list[str]:
        return [str(self.feature_names[j]) for j in self.selected]

    @property
    def repeat_mean(self) -> float:
        return float(np.mean(self.repeat_errors))

    @property
    def repeat_sd(self) -> float:
        """Standard deviation of the per-repeat CV errors (NaN with a single repeat)."""
        r = self.repeat_errors
        return float(np.std(r, ddof=1)) if r.size > 1 else math.nan

    @property
    def selection_frequency(self) -> np.ndarray:
        """(p,) fraction of the bootstrap refits with w_j != 0."""
        return np.mean(self._refits != 0, axis=0)

    @property
    def coef_sd(self) -> np.ndarray:
        """(p,) standard deviation of each coefficient over the bootstrap refits."""
        b = self._refits
        return np.std(b, axis=0, ddof=1) if b.shape[0] > 1 else np.full(b.shape[1], math.nan)

    @property
    def coef_mean(self) -> np.ndarray:
        return np.mean(self._refits, axis=0)

    def to_dict(self, include_path: bool = False) -> dict:
        names = [str(n) for n in self.feature_names]

        def by_name(a) -> dict:
            return {n: _json_float(x) for n, x in zip(names, a, strict=True)}

        out = {"name": self.name, "label": self.label, "l1_ratio": self.l1_ratio,
               "alpha": self.alpha, "alpha_min": self.alpha_min, "alpha_1se": self.alpha_1se,
               "cv_error": self.cv_error, "cv_error_se": self.cv_error_se,
               "repeat_errors": _json_list(self.repeat_errors),
               "repeat_mean": self.repeat_mean, "repeat_sd": _json_float(self.repeat_sd),
               "nnz": self.nnz, "selected": self.selected_names,
               "intercept": _json_value(self.intercept), "coef": by_name(self.coef),
               "selection_frequency": by_name(self.selection_frequency),
               "coef_sd": by_name(self.coef_sd),
               "curve": {"alphas": _json_list(self.alphas), "cv_mean": _json_list(self.cv_mean),
                         "cv_se": _json_list(self.cv_se),
                         "nnz": [] if self.path is None else [int(k) for k in self.path.nnz]},
               "l1_ratio_errors": None if self.l1_ratio_errors is None else {
                   str(k): _json_float(e) for k, e in self.l1_ratio_errors.items()},
               "note": self.note}
        if self.classes is not None:
            out["classes"] = _json_value(list(self.classes))
        if self.class_coefs is not None:
            out["class_coef"] = {str(k): by_name(self.class_coefs[:, i])
                                 for i, k in enumerate(self.classes)}
        if include_path and self.path is not None:
            out["path"] = {"alphas": _json_list(self.path.alphas),
                           "coefs": [_json_value(np.asarray(c).tolist())
                                     for c in self.path.coefs],
                           "intercepts": _json_value(np.asarray(self.path.intercepts).tolist())}
        return out


@dataclass(frozen=True)
class GroupPenalty:
    """How one penalty treats one correlated group.

    kept : the members with w_j != 0 in the full-data fit at the chosen alpha.
    member_frequency : (size,) bootstrap selection frequency of each member.
    group_frequency : fraction of the bootstrap refits selecting at least one member.
    mean_kept : average number of members selected per bootstrap refit.
    alternates : the group is almost always represented (group_frequency >= GROUP_PRESENT)
        while at least two members are each selected in only part of the refits (frequency in
        ALTERNATE_RANGE): the penalty picks one member or another depending on the sample.
    coef : (size,) the members' coefficients at the chosen alpha (original scale).
    weight_share : (size,) each member's share of the group's standardized weight,
        |coef_j sd_j| / sum_k |coef_k sd_k| (NaN when none is kept).
    """

    kept: tuple[str, ...]
    member_frequency: np.ndarray
    group_frequency: float
    mean_kept: float
    alternates: bool
    coef: np.ndarray
    weight_share: np.ndarray

    @property
    def n_kept(self) -> int:
        return len(self.kept)

    def to_dict(self) -> dict:
        return {"kept": list(self.kept), "n_kept": self.n_kept,
                "member_frequency": _json_list(self.member_frequency),
                "group_frequency": self.group_frequency, "mean_kept": self.mean_kept,
                "alternates": self.alternates, "coef": _json_list(self.coef),
                "weight_share": _json_list(self.weight_share)}


@dataclass(frozen=True)
class GroupTreatment:
    """A correlated group of features and, per penalty, what the fits do with it."""

    group: CorrelatedGroup
    penalties: dict[str, GroupPenalty]

    def to_dict(self) -> dict:
        return {**self.group.to_dict(),
                "penalties": {k: t.to_dict() for k, t in self.penalties.items()}}


@dataclass(frozen=True)
class Evidence:
    """One fact behind the recommendation: its sentence and the numbers the sentence states.

    kind : "decision", "error_vs_sparsity", "cv_error", "baseline", "group", "stability",
        "collinearity", "constant", "categorical" (a categorical with many levels),
        "grid_edge".
    text : the sentence, built from ``values`` (every number in it is one of them, formatted).
    values : the numbers and names, as plain Python values.
    """

    kind: str
    text: str
    values: dict

    def to_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "values": _json_value(self.values)}


@dataclass(frozen=True)
class Comparison:
    """The result of ``compare``.

    Attributes
    ----------
    results : {penalty name: ModelResult}, in the order asked.
    baseline : the unpenalized ModelResult (OLS; logistic regression for classes), or None when
        it is undefined (``baseline_note`` says why).
    collinearity : diagnostics of X (``shrinkage.diagnostics.Collinearity``).
    groups : one GroupTreatment per correlated group of ``collinearity``.
    recommended : the name of the recommended penalty; recommendation : plain words;
    evidence : the facts behind it (``Evidence``), each with its numbers.
    feature_names, n_samples, n_features, task ("regression" or "classification"), scoring,
    alpha_rule, standardize, n_folds (per repeat), n_repeats, n_bootstrap.
    splits : the (train, test) index pairs shared by every penalty.
    classes, class_counts : the sorted class labels and their sizes (classification only).
    null : the intercept-only (class priors) ModelResult of a classification, else None.
    coef_kind : what ``coef`` holds: "coef" (regression), "log_odds" (binary: of classes[1]
        against classes[0]) or "row_norm" (multinomial: ||W_j||_2 over the classes).
    """

    results: dict[str, ModelResult]
    baseline: ModelResult | None
    baseline_note: str | None
    collinearity: Collinearity
    groups: list[GroupTreatment]
    recommended: str
    recommendation: str
    evidence: list[Evidence]
    feature_names: np.ndarray
    n_samples: int
    n_features: int
    task: str
    scoring: str
    alpha_rule: str
    standardize: bool
    n_folds: int
    n_repeats: int
    n_bootstrap: int
    splits: list = field(default_factory=list, repr=False)
    classes: np.ndarray | None = field(default=None, repr=False)
    class_counts: np.ndarray | None = field(default=None, repr=False)
    null: ModelResult | None = field(default=None, repr=False)
    coef_kind: str = "coef"

    def __getitem__(self, name: str) -> ModelResult:
        if name == "ols" and self.baseline is not None:
            return self.baseline
        if name == "null" and self.null is not None:
            return self.null
        return self.results[name]

    @property
    def models(self) -> dict[str, ModelResult]:
        """The penalties and, when defined, the OLS baseline."""
        out = dict(self.results)
        if self.baseline is not None:
            out["ols"] = self.baseline
        return out

    @property
    def best(self) -> str:
        """The penalty with the lowest CV error at its chosen alpha."""
        return min(self.results, key=lambda k: self.results[k].cv_error)

    def summary_table(self):
        """A pandas DataFrame, one row per model (and the intercept-only model of a
        classification): alphas, CV error +- SE, spread, nnz."""
        import pandas as pd

        models = list(self.models.values()) + ([self.null] if self.null is not None else [])
        rows = [{"penalty": m.name, "label": m.label, "l1_ratio": m.l1_ratio,
                 "alpha_min": m.alpha_min, "alpha_1se": m.alpha_1se, "alpha": m.alpha,
                 "cv_error": m.cv_error, "cv_se": m.cv_error_se, "repeat_sd": m.repeat_sd,
                 "nnz": m.nnz, "n_features": self.n_features}
                for m in models]
        return pd.DataFrame(rows)

    def to_dict(self, include_paths: bool = False) -> dict:
        """JSON-serializable data (``json.dumps(..., allow_nan=False)`` works): NaN and inf are
        null.  ``include_paths`` adds every penalty's full coefficient path."""
        loss = ("1/(2n)||y - Xw - b||^2" if self.task == "regression" else
                "(1/n) sum_i -log p(y_i | x_i)")
        out = {
            "task": self.task, "n_samples": self.n_samples, "n_features": self.n_features,
            "feature_names": [str(n) for n in self.feature_names],
            "settings": {"scoring": self.scoring, "alpha_rule": self.alpha_rule,
                         "standardize": self.standardize, "n_folds": self.n_folds,
                         "n_repeats": self.n_repeats, "n_bootstrap": self.n_bootstrap,
                         "alpha_scaling": f"elastic-net: {loss} + alpha(l1_ratio"
                                          " ||w||_1 + (1 - l1_ratio)/2 ||w||^2)"},
            "results": {k: m.to_dict(include_paths) for k, m in self.results.items()},
            "baseline": None if self.baseline is None else self.baseline.to_dict(),
            "baseline_note": self.baseline_note,
            "collinearity": self.collinearity.to_dict(),
            "groups": [g.to_dict() for g in self.groups],
            "recommended": self.recommended, "recommendation": self.recommendation,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.task == "classification":
            out["classes"] = _json_value(list(self.classes))
            out["class_counts"] = {str(k): int(c) for k, c in zip(self.classes,
                                                                    self.class_counts,
                                                                    strict=True)}
            out["coefficients"] = COEF_KINDS[self.coef_kind]
            out["null_model"] = self.null.to_dict()
        return out

    def __repr__(self) -> str:
        import pandas as pd

        table = self.summary_table().drop(columns=["label", "n_features"]).set_index("penalty")
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            text = table.to_string(float_format=lambda x: f"{x:.4g}", na_rep="-")
        head = (f"Comparison ({self.task}, {self.n_samples} samples x {self.n_features} features; "
                f"{self.n_folds}-fold CV x {self.n_repeats} repeats, {self.scoring}, "
                f"alpha_rule={self.alpha_rule!r}; {self.n_bootstrap} bootstrap refits)")
        base = "OLS" if self.task == "regression" else "Unpenalized logistic"
        note = f"\n{base}: {self.baseline_note}" if self.baseline_note else ""
        return f"{head}\n{text}{note}\nRecommendation ({self.recommended}): {self.recommendation}"


def compare(X, y, *, task: str = "auto", penalties=PENALTIES, cv=5, n_repeats: int | None = None,
            l1_ratio=0.5, n_alphas: int = 100, n_bootstrap: int = 100, alpha_rule: str = "min",
            scoring: str | None = None, standardize: bool = True, corr_threshold: float = 0.8,
            random_state=None, n_jobs=None, progress=None, feature_names=None,
            one_hot=None) -> Comparison:
    """Compare L1, L2 and Elastic Net (and OLS) on (X, y): CV, stability, collinearity, advice.

    Parameters
    ----------
    X : (n, p) array, pandas / polars DataFrame (column names kept) or scipy.sparse matrix.
    y : (n,) numeric target, or class labels (any values: strings, booleans, integers, ...).
    task : "auto", "regression" or "classification".  "auto" treats a target that looks like
        class labels (strings, booleans, categories, or at most ``MAX_CLASSES`` distinct
        integers, ``looks_like_classes``) as classes; pass task="regression" for a numeric
        count.  Classification compares L1, L2 and Elastic-Net logistic regression (multinomial
        for 3+ classes) on stratified folds, with the intercept-only model and unpenalized
        logistic regression (where it exists) as baselines (``shrinkage.compare_classification``).
    penalties : any of "l1", "l2", "elasticnet", in the order to report them.
    cv : number of folds (shuffled K-fold, the same folds for every penalty), or a scikit-learn
        splitter / iterable of (train, test) pairs (then ``n_repeats`` must be 1).
    n_repeats : repeated K-fold: the folds are drawn this many times; the CV curves use all
        folds, and the spread of the per-repeat errors is reported.  Default (None): 3 for an
        integer ``cv``, 1 for a splitter.
    l1_ratio : the Elastic Net's mix in (0, 1), or a list of them: each is cross-validated on
        the same folds and the one with the lowest CV error at its chosen alpha is kept.
    n_alphas : grid size per penalty.
    n_bootstrap : bootstrap refits at the chosen alpha, for selection frequencies and
        coefficient spreads.
    alpha_rule : "min" (the CV minimum) or "1se" (the largest alpha within one SE of it): the
        alpha of the reported coefficients, errors, bootstrap refits and recommendation.
    scoring : the CV error, lower is better: "mse" (default), "mae" or "r2" (as 1 - R^2) for
        regression; "deviance" (2 x log loss, default), "accuracy" (as the misclassification
        rate), "roc_auc" (as 1 - AUC) or "brier" for classification.
    standardize : penalize standardized columns (coefficients are reported on the original
        scale either way).
    corr_threshold : |corr| that links two features into a correlated group.
    random_state : seed or numpy Generator for the folds and the bootstrap draws.
    n_jobs : joblib parallelism (folds and bootstrap refits).
    progress : progress bars on stderr: None (when stderr is a terminal and the work is long),
        True or False.
    feature_names : names of the columns (default: the DataFrame's, else x0, x1, ...).
    one_hot : the categoricals one-hot encoded in X, {column: [its features' names]} (e.g. from
        ``shrinkage.io``'s preprocessing), or None to detect them from names of the form
        ``column=level`` whose 0/1 columns add up to 1 on every row.  Their reference levels are
        left out of the unpenalized baseline and of the collinearity diagnostics (module
        docstring).

    Returns
    -------
    Comparison.  How the recommendation is chosen:

    1. Each penalty's CV error is taken at its chosen alpha (``alpha_rule``); the best is the
       lowest, and the candidates are the penalties within one standard error of it (the best's
       SE, glmnet's 1-SE idea applied across penalties).
    2. With more than one candidate their errors are indistinguishable and the text says so;
       the sparsest candidate (fewest non-zero coefficients) is recommended: similar accuracy
       with fewer features is the simpler model to interpret.  When several candidates keep
       as many features, stability decides: the one whose coefficients vary least over the
       bootstrap refits (median sd / |coefficient| over its kept features; then the lower
       error).
    3. If that is L1, the Elastic Net is also a candidate, and L1 alternates between the members
       of a correlated group over the bootstrap refits (its choice inside the group depends on
       the sample), the Elastic Net is recommended instead: it keeps the group together at a
       CV error within one SE.
    4. When the recommended penalty is the only candidate, it wins clearly and the text says so
       (e.g. "L2 (ridge) predicts clearly best"), with the other penalties' error gaps.
    The evidence lists, with their numbers: the CV errors, L1's sparsity against L2's error,
    the OLS baseline, each correlated group and what each penalty does with it, the bootstrap
    stability of the recommended model's selection, the condition number and VIFs, constant
    columns, and any chosen alpha at the edge of its grid.
    """
    from ._recommend import recommend

    if n_repeats is None:
        n_repeats = 3 if isinstance(cv, numbers.Integral) and not isinstance(cv, bool) else 1
    from .compare_classification import check_scoring, compare_classes

    settings = _Settings.checked(task, penalties, alpha_rule, scoring, n_repeats, n_bootstrap,
                                 n_alphas, l1_ratio, standardize, progress)
    check_frame(X)
    names = _default_names(X, feature_names)
    task = resolve_task(y, settings.task)
    settings = dataclasses.replace(settings, task=task, scoring=check_scoring(scoring, task))
    X = v.check_design(X)
    n, p = X.shape
    names = v.check_feature_names(names, p)
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        v.check_cv(cv, n)
    if task == "classification":
        return compare_classes(X, y, names, settings, cv, n_jobs, random_state, corr_threshold,
                               one_hot)
    y = v.check_target(y, n)
    if np.ptp(y) == 0:
        raise ValueError(f"y is constant (every value is {y[0]:g}): there is nothing to predict "
                         "or compare.")
    rng = np.random.default_rng(random_state)
    fold_seed, boot_seed = (int(s) for s in rng.integers(2**31 - 1, size=2))
    if not isinstance(cv, numbers.Integral) or isinstance(cv, bool):
        cv = _materialize(cv, X, y, settings.n_repeats)

    diag = collinearity(X, names, corr_threshold, one_hot)
    if diag.constant.size == p:
        raise ValueError("every column of X is constant: there is nothing to compare.")
    common = {"cv": cv, "n_repeats": settings.n_repeats, "n_alphas": settings.n_alphas,
              "scoring": settings.scoring, "random_state": fold_seed, "n_jobs": n_jobs,
              "progress": settings.progress, "standardize": settings.standardize,
              "feature_names": names}
    cv_results: dict[str, tuple[CVResult, dict | None]] = {}
    for name in settings.penalties:
        if name == "l1":
            cv_results[name] = (cross_validate_path(X, y, l1_ratio=1.0, **common), None)
        elif name == "l2":
            grid = ridge_grid(X, settings.standardize, settings.n_alphas, diag.constant)
            cv_results[name] = (cross_validate_path(X, y, l1_ratio=0.0, alphas=grid, **common),
                                None)
        else:
            tried = [cross_validate_path(X, y, l1_ratio=r, **common) for r in settings.l1_ratios]
            errors = [_at_rule(r, settings.alpha_rule)[1] for r in tried]
            best = tried[int(np.argmin(errors))]
            cv_results[name] = (best, None if len(tried) == 1 else {
                float(r.l1_ratio): float(e) for r, e in zip(tried, errors, strict=True)})
    first = next(iter(cv_results.values()))[0]
    splits = first.splits
    n_folds = cv if isinstance(cv, numbers.Integral) else len(splits)
    n_rep = len(splits) // n_folds

    specs = {}
    for name, (res, _) in cv_results.items():
        i, _ = _at_rule(res, settings.alpha_rule)
        specs[name] = (res.l1_ratio, float(res.alphas[i]))
    columns = unpenalized_columns(diag)
    undefined = ols_undefined_reason(n, int(np.setdiff1d(columns, diag.constant).size), splits)
    with_ols = undefined is None
    baseline_note = None if with_ols else undefined[0]
    if with_ols:
        notes = ["X is exactly collinear: the OLS coefficients are not unique; the minimum-norm "
                 "solution is shown"] if np.isinf(diag.condition_number) else []
        notes += [note for note in [fold_constant_note(X, columns, splits, diag.constant)] if note]
        baseline_note = joined_notes(notes, reference_note(diag.one_hot))
    boots = bootstrap(X, y, specs, settings.n_bootstrap, boot_seed, settings.standardize,
                      columns if with_ols else None, n_jobs, settings.progress)

    results = {name: _model_result(name, res, en_errors, splits, n_folds, settings.alpha_rule,
                                   names, boots[name])
               for name, (res, en_errors) in cv_results.items()}
    baseline = None
    if with_ols:
        baseline = _baseline(X, y, columns, splits, n_folds, settings.scoring, names,
                             boots["ols"], joined_notes(notes))
    groups = [treat_group(g, results, diag.scale) for g in diag.groups]
    recommended, text, evidence = recommend(results, baseline, undefined, diag, groups,
                                            settings.alpha_rule, settings.scoring)
    return Comparison(results, baseline, baseline_note, diag, groups, recommended, text,
                      evidence, names, n, p, "regression", settings.scoring, settings.alpha_rule,
                      settings.standardize, n_folds, n_rep, settings.n_bootstrap, splits)


# --------------------------------------------------------------------------------------------
# settings and checks


@dataclass(frozen=True)
class _Settings:
    task: str
    penalties: tuple[str, ...]
    alpha_rule: str
    scoring: str | None
    n_repeats: int
    n_bootstrap: int
    n_alphas: int
    l1_ratios: np.ndarray
    standardize: bool
    progress: bool | None

    @classmethod
    def checked(cls, task, penalties, alpha_rule, scoring, n_repeats, n_bootstrap, n_alphas,
                l1_ratio, standardize, progress) -> _Settings:
        task = v.check_choice(task, "task", TASKS)
        if isinstance(penalties, str):
            penalties = (penalties,)
        penalties = tuple(penalties)
        if not penalties:
            raise ValueError(f"penalties is empty; give some of {PENALTIES}.")
        for name in penalties:
            v.check_choice(name, "penalties", PENALTIES)
        if len(set(penalties)) != len(penalties):
            raise ValueError(f"penalties lists a penalty twice: {penalties!r}.")
        ratios, _ = v.check_l1_ratios(l1_ratio)
        if "elasticnet" in penalties and np.any((ratios <= 0) | (ratios >= 1)):
            raise ValueError("l1_ratio must be strictly between 0 and 1 for the Elastic Net (1 is "
                             f"the lasso and 0 ridge, compared on their own); got {l1_ratio!r}.")
        if not isinstance(standardize, bool | np.bool_):
            raise ValueError(f"standardize must be True or False; got {standardize!r}.")
        n_bootstrap = v.check_positive_int(n_bootstrap, "n_bootstrap")
        if n_bootstrap < 2:
            raise ValueError(f"n_bootstrap must be at least 2 (a spread needs two refits); got "
                             f"{n_bootstrap!r}.")
        if scoring is not None:
            v.check_choice(scoring, "scoring", (*v.SCORINGS, *CLASS_SCORINGS))
        return cls(task, penalties, v.check_choice(alpha_rule, "alpha_rule", v.ALPHA_RULES),
                   scoring,
                   v.check_positive_int(n_repeats, "n_repeats"), n_bootstrap,
                   v.check_positive_int(n_alphas, "n_alphas"), ratios, bool(standardize),
                   v.check_progress(progress))


def resolve_task(y, task: str) -> str:
    """"regression" or "classification": ``task``, or for "auto" whether y looks like class
    labels (``looks_like_classes``)."""
    if task != "auto":
        return task
    return "regression" if looks_like_classes(y) is None else "classification"


def looks_like_classes(y) -> list | None:
    """The distinct values of y when it looks like class labels, else None.

    Class labels: strings, booleans or a categorical dtype; or numbers that are all integers
    with at most ``MAX_CLASSES`` distinct values (and fewer than half the samples).
    """
    dtype = getattr(y, "dtype", None)
    if dtype is not None and str(dtype) in ("category", "Categorical"):
        return sorted({str(c) for c in np.asarray(y, dtype=object).ravel()})
    arr = np.asarray(y)
    if arr.dtype.kind in "OUSb":
        if arr.dtype.kind == "O":
            try:
                arr = arr.astype(np.float64)
            except (TypeError, ValueError):
                return sorted({str(c) for c in arr.ravel()})
        else:
            return sorted({str(c) for c in arr.ravel()}) if arr.dtype.kind != "b" else [
                False, True]
    if arr.dtype.kind not in "iuf" or arr.size == 0:
        return None
    arr = arr.ravel()
    if arr.dtype.kind == "f" and (not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr))):
        return None
    values = np.unique(arr)
    if 2 <= values.size <= MAX_CLASSES and values.size < max(arr.size / 2, 3):
        return [v_.item() for v_ in values]
    return None


def _materialize(cv, X, y, n_repeats: int) -> list:
    """A splitter or iterable of splits drawn once, so every penalty sees the same folds."""
    if n_repeats != 1:
        raise ValueError(f"n_repeats={n_repeats} applies to an integer cv only; a splitter "
                         "object repeats itself (e.g. scikit-learn's RepeatedKFold).")
    if hasattr(cv, "split"):
        return list(cv.split(X, y))
    try:
        return list(cv)
    except TypeError:
        raise ValueError(f"cv must be an integer number of folds, a scikit-learn splitter or an "
                         f"iterable of (train, test) splits; got {cv!r}.") from None


def ols_undefined_reason(n: int, m: int, splits: list) -> tuple[str, dict] | None:
    """Why least squares without a penalty has no unique fit here, with the numbers (None when
    it has one): it needs more samples than non-constant features, in every training fold."""
    if m >= n:
        return (f"undefined: {m} non-constant features for {n} samples (least squares needs "
                "more samples than features; otherwise infinitely many fits are exact)",
                {"n_features": m, "n_samples": n})
    smallest = min(train.size for train, _ in splits)
    if m >= smallest:
        return (f"undefined in cross-validation: the smallest training fold has {smallest} "
                f"samples for {m} non-constant features (use fewer folds)",
                {"n_features": m, "smallest_training_fold": smallest})
    return None


# --------------------------------------------------------------------------------------------
# grids, cross-validation pieces, bootstrap


def unpenalized_columns(diag: Collinearity) -> np.ndarray:
    """The columns of the unpenalized baselines: all but each one-hot block's reference level."""
    return np.flatnonzero(~reference_columns(diag.one_hot, diag.n_features))


def joined_notes(notes: list[str], *more: str | None) -> str | None:
    """Notes in one sentence (None when there are none)."""
    return "; ".join([*notes, *(m for m in more if m)]) or None


def reference_note(blocks: tuple[OneHotBlock, ...]) -> str | None:
    """The sentence that names the reference levels left out of an unpenalized fit."""
    if not blocks:
        return None
    refs = ", ".join(f"{b.column}={b.reference_level}" for b in blocks[:6])
    more = f" and {len(blocks) - 6} more" if len(blocks) > 6 else ""
    return ("without a penalty the levels of a categorical are fitted against its most frequent "
            f"level, left out as the reference ({refs}{more}): their coefficients are "
            "differences from it")


def fold_constant_note(X, columns: np.ndarray, splits: list, constant: np.ndarray
                       ) -> str | None:
    """Why an unpenalized fit is not unique in some training folds: columns that vary in X but
    are constant on a fold's training rows (e.g. a rare level absent from it), or None."""
    varying = np.setdiff1d(columns, constant)
    rows = X.tocsr() if sp.issparse(X) else X
    folds, names = 0, set()
    for train, _ in splits:
        part = rows[train][:, varying]
        if sp.issparse(part):
            part = part.toarray()
        flat = varying[np.ptp(part, axis=0) == 0]
        folds += int(flat.size > 0)
        names.update(int(j) for j in flat)
    if not folds:
        return None
    return (f"in {folds} of the {len(splits)} training folds {len(names)} column"
            f"{'s are' if len(names) > 1 else ' is'} constant (e.g. a rare level absent from the "
            "fold), so the unpenalized fit there is not unique: the fit shown gives such a column "
            "0, which predicts its held-out rows as if it were 0")


def ridge_grid(X, standardize: bool, n_alphas: int, constant: np.ndarray) -> np.ndarray:
    """The L2 grid (module docstring): from 100 tr(G) down to 1e-4 tr(G) / m."""
    keep = np.ones(X.shape[1], dtype=bool)
    keep[constant] = False
    m = int(keep.sum())
    if standardize:
        trace = float(m)
    else:
        if sp.issparse(X):
            mean = np.asarray(X.mean(axis=0)).ravel()
            var = np.asarray(X.multiply(X).mean(axis=0)).ravel() - mean**2
        else:
            var = X.var(axis=0, dtype=np.float64)
        trace = float(np.sum(np.maximum(var[keep], 0.0)))
    return np.geomspace(100.0 * trace, 1e-4 * trace / m, n_alphas)


def _at_rule(res: CVResult, rule: str) -> tuple[int, float]:
    i = res.index_min if rule == "min" else res.index_1se
    return i, float(res.cv_mean[i])


def _repeat_errors(fold_errors: np.ndarray, weights: np.ndarray, n_folds: int) -> np.ndarray:
    """The weighted mean fold error of each repeat (folds stored repeat after repeat)."""
    n_rep = len(weights) // n_folds
    out = np.empty(n_rep)
    for r in range(n_rep):
        sl = slice(r * n_folds, (r + 1) * n_folds)
        out[r] = np.average(fold_errors[sl], weights=weights[sl])
    return out


def _model_result(name: str, res: CVResult, en_errors, splits, n_folds: int, rule: str,
                  names: np.ndarray, boot: np.ndarray) -> ModelResult:
    if [t.tobytes() for _, t in res.splits] != [t.tobytes() for _, t in splits]:
        raise RuntimeError("internal error: the penalties were cross-validated on different "
                           "folds.")
    i, err = _at_rule(res, rule)
    coef, intercept = res.coefs_at(rule)
    return ModelResult(
        name, LABELS[name], float(res.l1_ratio), float(res.alphas[i]), res.alpha_min,
        res.alpha_1se, res.alphas, res.cv_mean, res.cv_se, err, float(res.cv_se[i]),
        _repeat_errors(res.fold_errors[:, i], res.fold_weights, n_folds),
        np.asarray(coef, dtype=np.float64), intercept, names, boot, res.path, res, en_errors)


def _baseline(X, y, columns: np.ndarray, splits, n_folds: int, scoring: str, names, boot,
              note) -> ModelResult:
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
    return ModelResult("ols", LABELS["ols"], None, 0.0, 0.0, 0.0, empty, empty, empty,
                       float(mean[0]), float(se[0]), _repeat_errors(errors, weights, n_folds),
                       w, b, names, boot, note=note)


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


def bootstrap(X, y, specs: dict, n_bootstrap: int, seed: int, standardize: bool,
              ols_columns: np.ndarray | None, n_jobs, progress) -> dict[str, np.ndarray]:
    """{name: (n_bootstrap, p) coefficients} refitted on the same bootstrap draws; OLS (on
    ``ols_columns``, None for none) under the name "ols"."""
    n, p = X.shape
    rng = np.random.default_rng(seed)
    draws = [np.bincount(rng.integers(0, n, size=n), minlength=n).astype(np.float64)
             for _ in range(n_bootstrap)]
    return run_bootstrap(_bootstrap_batch, (X, y), (specs, standardize, ols_columns), draws,
                         [*specs, *(["ols"] if ols_columns is not None else [])], p, n_jobs,
                         progress)


def run_bootstrap(refit_batch, before: tuple, after: tuple, draws: list, names: list, p: int,
                  n_jobs, progress) -> dict[str, np.ndarray]:
    """{name: (len(draws), p) coefficients}: ``refit_batch(*before, batch, *after)`` returns
    ({name: coefficients of the batch's draws}, refits stopped at max_iter, batch size); the
    batches run in parallel (about 8 per worker) with a progress bar."""
    n_bootstrap = len(draws)
    batch = max(1, math.ceil(n_bootstrap / (8 * effective_n_jobs(n_jobs))))
    batches = [draws[i:i + batch] for i in range(0, n_bootstrap, batch)]
    tasks = (delayed(refit_batch)(*before, b, *after) for b in batches)
    outs = Parallel(n_jobs=n_jobs, return_as="generator")(tasks)
    coefs = {k: [] for k in names}
    bad = 0
    for out, n_bad, _ in track(outs, n_bootstrap, "compare: bootstrap refits", progress,
                               size=lambda r: r[2]):
        for k in names:
            coefs[k].append(out[k])
        bad += n_bad
    if bad:
        warnings.warn(f"compare: {bad} bootstrap refits stopped at max_iter above the tolerance; "
                      "their coefficients are used as they are.", ShrinkageConvergenceWarning,
                      stacklevel=4)
    return {k: np.concatenate(c).reshape(n_bootstrap, p) for k, c in coefs.items()}


def _bootstrap_batch(X, y, draws, specs, standardize, ols_columns):
    with_ols = ols_columns is not None
    out = {k: [] for k in [*specs, *(["ols"] if with_ols else [])]}
    kept = X[:, ols_columns] if with_ols else None
    bad = 0
    for weights in draws:
        for name, (l1_ratio, alpha) in specs.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
                fit = path(X, y, l1_ratio=l1_ratio, alphas=[alpha], standardize=standardize,
                           sample_weight=weights)
            out[name].append(fit.coefs[0])
            bad += int(not fit.converged[0])
        if with_ols:
            w = np.zeros(X.shape[1])
            w[ols_columns] = ols_fit(kept, y, weights)[0]
            out["ols"].append(w)
    return {k: np.array(c) for k, c in out.items()}, bad, len(draws)


def treat_group(group: CorrelatedGroup, results: dict[str, ModelResult], scale: np.ndarray
                ) -> GroupTreatment:
    members = list(group.members)
    per = {}
    for name, m in results.items():
        weight = np.abs(m.coef[members] * scale[members])
        total = weight.sum()
        share = weight / total if total > 0 else np.full(len(members), math.nan)
        chosen = m.bootstrap_coefs[:, members] != 0
        freq = chosen.mean(axis=0)
        present = float(chosen.any(axis=1).mean())
        lo, hi = ALTERNATE_RANGE
        partial = int(np.sum((freq >= lo) & (freq <= hi)))
        per[name] = GroupPenalty(
            tuple(group.names[k] for k, j in enumerate(members) if m.coef[j] != 0), freq,
            present, float(chosen.sum(axis=1).mean()), present >= GROUP_PRESENT and partial >= 2,
            m.coef[members].copy(), share)
    return GroupTreatment(group, per)


# --------------------------------------------------------------------------------------------
# JSON


def _json_float(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _json_list(a) -> list:
    return [_json_float(x) for x in np.asarray(a, dtype=np.float64).ravel()]


def _json_value(x):
    if isinstance(x, dict):
        return {str(k): _json_value(val) for k, val in x.items()}
    if isinstance(x, list | tuple | np.ndarray):
        return [_json_value(val) for val in x]
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real):
        return _json_float(x)
    return x if x is None else str(x)

