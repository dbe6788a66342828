"""What ``compare`` returns: one ``ModelResult`` per model, how each penalty treats each correlated
group, the evidence behind the recommendation, and the ``Comparison`` that holds them.

Plain data with its JSON form (``to_dict``: NaN and inf become null); nothing here fits a model.
``at_rule`` and ``repeat_errors`` read a model's numbers off its ``CVResult``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..path import Path
from ..selection.cv import CVResult
from .diagnostics import Collinearity, CorrelatedGroup

LABELS = {"l1": "L1 (lasso)", "l2": "L2 (ridge)", "elasticnet": "Elastic Net", "ols": "OLS"}
SHORT = {"l1": "L1", "l2": "L2", "elasticnet": "Elastic Net", "ols": "OLS"}
#: bootstrap selection: a group is "almost always represented" at or above this frequency ...
GROUP_PRESENT = 0.8
#: ... and a penalty alternates when at least two members each have a frequency in this range
ALTERNATE_RANGE = (0.2, 0.8)
#: a penalty that gives one member at least this share of a group's standardized weight
#: concentrates the group on it
CONCENTRATED = 0.8
#: what ``ModelResult.coef`` holds, by ``Comparison.coef_kind``
COEF_KINDS = {
    "coef": "coefficients on the original scale",
    "log_odds": "log-odds coefficients of the second class against the first, on the "
    "original scale",
    "row_norm": "row norms ||W_j||_2 of the (features x classes) multinomial "
    "coefficients, on the original scale (class_coef holds W)",
}


@dataclass(frozen=True)
class ModelResult:
    """One penalty (or the OLS baseline) fitted, cross-validated and bootstrapped.

    Attributes
    ----------
    name : str
        "l1", "l2", "elasticnet", "ols" (the unpenalized baseline: least squares, or logistic
        regression for classes) or "null" (the intercept-only model of a classification).
    label : str
        For display ("L1 (lasso)", ...).
    l1_ratio : float or None
        The Elastic-Net mix (1 for L1, 0 for L2, the CV-chosen value for EN, None for the
        baselines).
    alpha : float
        The alpha of the reported fit (``alpha_rule``).
    alpha_min : float
        The alpha of the CV minimum (0 for OLS).
    alpha_1se : float
        The largest alpha within one SE of the minimum (0 for OLS).
    alphas : ndarray of shape (n_alphas,)
        The grid of the CV curve on the shared folds (empty for OLS).
    cv_mean : ndarray of shape (n_alphas,)
        The mean CV error at each alpha (empty for OLS).
    cv_se : ndarray of shape (n_alphas,)
        Its standard error (empty for OLS).
    cv_error : float
        CV error at ``alpha``.
    cv_error_se : float
        Its standard error.
    repeat_errors : ndarray of shape (n_repeats,)
        The K-fold CV error of each repeat at ``alpha``.
    coef : ndarray of shape (n_features,)
        The full-data fit at ``alpha``, original scale.  Classification: the log-odds
        coefficients of ``classes[1]`` (binary), or for K > 2 classes the row norms
        ||W_j||_2 of the (p, K) multinomial coefficients ``class_coefs``.
    intercept : float or ndarray of shape (n_classes,)
        The full-data intercept at ``alpha`` ((K,) intercepts for a multinomial fit).
    feature_names : ndarray of shape (n_features,)
        The names of the features.
    bootstrap_coefs : ndarray of shape (n_bootstrap, n_features)
        Refits at ``alpha`` on bootstrap draws (as ``coef``; a row of NaN where a refit does
        not exist: an unpenalized logistic fit of separable data).
    path : Path or None, default=None
        The full-data ``Path`` on the whole grid (None for OLS).
    cv_result : CVResult or None, default=None
        The cross-validation behind the curve.
    l1_ratio_errors : dict of float to float or None, default=None
        EN with a grid of l1_ratios: {l1_ratio: CV error at its chosen alpha}.
    note : str or None, default=None
        Why a baseline is peculiar (e.g. not unique under exact collinearity), else None.
    classes : ndarray or None, default=None
        The class labels (classification), else None.
    class_coefs : ndarray of shape (n_features, n_classes) or None, default=None
        The multinomial coefficients, else None.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.5 * rng.standard_normal(60)
    >>> c = shrinkage.compare(X, y, cv=3, n_repeats=1, n_alphas=10, n_bootstrap=5,
    ...                       random_state=0, progress=False)
    >>> lasso = c.results["l1"]
    >>> lasso.name, lasso.label, lasso.l1_ratio, lasso.coef.shape, lasso.bootstrap_coefs.shape
    ('l1', 'L1 (lasso)', 1.0, (4,), (5, 4))
    >>> bool(lasso.alpha_min <= lasso.alpha_1se), lasso.alphas.shape
    (True, (10,))
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

        out = {
            "name": self.name,
            "label": self.label,
            "l1_ratio": self.l1_ratio,
            "alpha": self.alpha,
            "alpha_min": self.alpha_min,
            "alpha_1se": self.alpha_1se,
            "cv_error": self.cv_error,
            "cv_error_se": self.cv_error_se,
            "repeat_errors": _json_list(self.repeat_errors),
            "repeat_mean": self.repeat_mean,
            "repeat_sd": _json_float(self.repeat_sd),
            "nnz": self.nnz,
            "selected": self.selected_names,
            "intercept": _json_value(self.intercept),
            "coef": by_name(self.coef),
            "selection_frequency": by_name(self.selection_frequency),
            "coef_sd": by_name(self.coef_sd),
            "curve": {
                "alphas": _json_list(self.alphas),
                "cv_mean": _json_list(self.cv_mean),
                "cv_se": _json_list(self.cv_se),
                "nnz": [] if self.path is None else [int(k) for k in self.path.nnz],
            },
            "l1_ratio_errors": None
            if self.l1_ratio_errors is None
            else {str(k): _json_float(e) for k, e in self.l1_ratio_errors.items()},
            "note": self.note,
        }
        if self.classes is not None:
            out["classes"] = _json_value(list(self.classes))
        if self.class_coefs is not None and self.classes is not None:
            out["class_coef"] = {
                str(k): by_name(self.class_coefs[:, i]) for i, k in enumerate(self.classes)
            }
        if include_path and self.path is not None:
            out["path"] = {
                "alphas": _json_list(self.path.alphas),
                "coefs": [_json_value(np.asarray(c).tolist()) for c in self.path.coefs],
                "intercepts": _json_value(np.asarray(self.path.intercepts).tolist()),
            }
        return out


@dataclass(frozen=True)
class GroupPenalty:
    """How one penalty treats one correlated group.

    Attributes
    ----------
    kept : tuple of str
        The members with w_j != 0 in the full-data fit at the chosen alpha.
    member_frequency : ndarray of shape (size,)
        Bootstrap selection frequency of each member.
    group_frequency : float
        Fraction of the bootstrap refits selecting at least one member.
    mean_kept : float
        Average number of members selected per bootstrap refit.
    alternates : bool
        The group is almost always represented (group_frequency >= GROUP_PRESENT) while at
        least two members are each selected in only part of the refits (frequency in
        ALTERNATE_RANGE): the penalty picks one member or another depending on the sample.
    coef : ndarray of shape (size,)
        The members' coefficients at the chosen alpha (original scale).
    weight_share : ndarray of shape (size,)
        Each member's share of the group's standardized weight,
        |coef_j sd_j| / sum_k |coef_k sd_k| (NaN when none is kept).

    Examples
    --------
    >>> import numpy as np
    >>> g = GroupPenalty(kept=("x0",), member_frequency=np.array([0.9, 0.3]),
    ...                  group_frequency=1.0, mean_kept=1.2, alternates=False,
    ...                  coef=np.array([1.4, 0.0]), weight_share=np.array([1.0, 0.0]))
    >>> g.n_kept, g.to_dict()["member_frequency"]
    (1, [0.9, 0.3])
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
        return {
            "kept": list(self.kept),
            "n_kept": self.n_kept,
            "member_frequency": _json_list(self.member_frequency),
            "group_frequency": self.group_frequency,
            "mean_kept": self.mean_kept,
            "alternates": self.alternates,
            "coef": _json_list(self.coef),
            "weight_share": _json_list(self.weight_share),
        }


@dataclass(frozen=True)
class GroupTreatment:
    """A correlated group of features and, per penalty, what the fits do with it.

    Attributes
    ----------
    group : CorrelatedGroup
        The features of the group and their correlations.
    penalties : dict of str to GroupPenalty
        Per penalty name ("l1", "l2", ...), which members its fits keep and how they share
        the weight.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 3))
    >>> X[:, 1] = X[:, 0] + 0.1 * rng.standard_normal(60)
    >>> y = 2 * X[:, 0] + rng.standard_normal(60)
    >>> c = shrinkage.compare(X, y, cv=3, n_repeats=1, n_alphas=10, n_bootstrap=5,
    ...                       random_state=0, progress=False)
    >>> treatment = c.groups[0]
    >>> treatment.group.names, sorted(treatment.penalties)
    (('x0', 'x1'), ['elasticnet', 'l1', 'l2'])
    """

    group: CorrelatedGroup
    penalties: dict[str, GroupPenalty]

    def to_dict(self) -> dict:
        return {
            **self.group.to_dict(),
            "penalties": {k: t.to_dict() for k, t in self.penalties.items()},
        }


@dataclass(frozen=True)
class Evidence:
    """One fact behind the recommendation: its sentence and the numbers the sentence states.

    Attributes
    ----------
    kind : str
        "decision", "error_vs_sparsity", "cv_error", "baseline", "group", "stability",
        "collinearity", "constant", "categorical" (a categorical with many levels),
        "grid_edge".
    text : str
        The sentence, built from ``values`` (every number in it is one of them, formatted).
    values : dict
        The numbers and names, as plain Python values.

    Examples
    --------
    >>> e = Evidence("cv_error", "L1 has the lowest CV error (1.02).", {"l1": 1.02})
    >>> e.to_dict()["values"]
    {'l1': 1.02}
    """

    kind: str
    text: str
    values: dict

    def to_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "values": _json_value(self.values)}


@dataclass(frozen=True)
class Comparison:
    """The result of ``shrinkage.compare``.

    Attributes
    ----------
    results : dict of str to ModelResult
        {penalty name: ModelResult}, in the order asked.
    baseline : ModelResult or None
        The unpenalized fit (OLS; logistic regression for classes), or None when it is
        undefined (``baseline_note`` says why).
    baseline_note : str or None
        Why the baseline is undefined or peculiar, else None.
    collinearity : Collinearity
        Diagnostics of X (``shrinkage.comparison.diagnostics.Collinearity``).
    groups : list of GroupTreatment
        One GroupTreatment per correlated group of ``collinearity``.
    recommended : str
        The name of the recommended penalty.
    recommendation : str
        The recommendation in plain words.
    evidence : list of Evidence
        The facts behind it, each with its numbers.
    feature_names : ndarray of shape (n_features,)
        The names of the features.
    n_samples : int
        Number of rows of X.
    n_features : int
        Number of columns of X.
    task : str
        "regression" or "classification".
    scoring : str
        The CV error ("mse", "mae", "r2"; "deviance", ... for classes).
    alpha_rule : str
        "min" or "1se": which CV choice the reported fits use.
    standardize : bool
        Whether the columns were standardized before penalizing.
    n_folds : int
        Folds per repeat.
    n_repeats : int
        Number of repeats of the K-fold split.
    n_bootstrap : int
        Number of bootstrap refits per model.
    splits : list of tuple of ndarray, default=[]
        The (train, test) index pairs shared by every penalty.
    classes : ndarray or None, default=None
        The sorted class labels (classification only).
    class_counts : ndarray or None, default=None
        The sizes of the classes (classification only).
    null : ModelResult or None, default=None
        The intercept-only (class priors) fit of a classification, else None.
    coef_kind : str, default="coef"
        What ``coef`` holds: "coef" (regression), "log_odds" (binary: of classes[1] against
        classes[0]) or "row_norm" (multinomial: ||W_j||_2 over the classes).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> X[:, 1] = X[:, 0] + 0.05 * rng.standard_normal(60)  # x1 nearly repeats x0
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.5 * rng.standard_normal(60)
    >>> result = shrinkage.compare(X, y, cv=3, n_repeats=1, n_alphas=20, n_bootstrap=5,
    ...                            random_state=0, progress=False)
    >>> result.task, result.n_folds, len(result.splits), result.coef_kind
    ('regression', 3, 3, 'coef')
    >>> [treatment.group.names for treatment in result.groups]
    [('x0', 'x1')]
    >>> result.results["l2"].coef.shape, bool(result.results["l2"].cv_error > 0)
    ((4,), True)
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
    splits: Sequence[tuple[np.ndarray, np.ndarray]] = field(default_factory=list, repr=False)
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
        rows = [
            {
                "penalty": m.name,
                "label": m.label,
                "l1_ratio": m.l1_ratio,
                "alpha_min": m.alpha_min,
                "alpha_1se": m.alpha_1se,
                "alpha": m.alpha,
                "cv_error": m.cv_error,
                "cv_se": m.cv_error_se,
                "repeat_sd": m.repeat_sd,
                "nnz": m.nnz,
                "n_features": self.n_features,
            }
            for m in models
        ]
        return pd.DataFrame(rows)

    def to_dict(self, include_paths: bool = False) -> dict:
        """JSON-serializable data (``json.dumps(..., allow_nan=False)`` works): NaN and inf are
        null.  ``include_paths`` adds every penalty's full coefficient path."""
        loss = (
            "1/(2n)||y - Xw - b||^2"
            if self.task == "regression"
            else "(1/n) sum_i -log p(y_i | x_i)"
        )
        out = {
            "task": self.task,
            "n_samples": self.n_samples,
            "n_features": self.n_features,
            "feature_names": [str(n) for n in self.feature_names],
            "settings": {
                "scoring": self.scoring,
                "alpha_rule": self.alpha_rule,
                "standardize": self.standardize,
                "n_folds": self.n_folds,
                "n_repeats": self.n_repeats,
                "n_bootstrap": self.n_bootstrap,
                "alpha_scaling": f"elastic-net: {loss} + alpha(l1_ratio"
                " ||w||_1 + (1 - l1_ratio)/2 ||w||^2)",
            },
            "results": {k: m.to_dict(include_paths) for k, m in self.results.items()},
            "baseline": None if self.baseline is None else self.baseline.to_dict(),
            "baseline_note": self.baseline_note,
            "collinearity": self.collinearity.to_dict(),
            "groups": [g.to_dict() for g in self.groups],
            "recommended": self.recommended,
            "recommendation": self.recommendation,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.task == "classification":
            assert self.classes is not None and self.class_counts is not None  # set by compare
            assert self.null is not None
            out["classes"] = _json_value(list(self.classes))
            out["class_counts"] = {
                str(k): int(c) for k, c in zip(self.classes, self.class_counts, strict=True)
            }
            out["coefficients"] = COEF_KINDS[self.coef_kind]
            out["null_model"] = self.null.to_dict()
        return out

    def __repr__(self) -> str:
        import pandas as pd

        table = self.summary_table().drop(columns=["label", "n_features"]).set_index("penalty")
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            text = table.to_string(float_format=lambda x: f"{x:.4g}", na_rep="-")
        head = (
            f"Comparison ({self.task}, {self.n_samples} samples x {self.n_features} features; "
            f"{self.n_folds}-fold CV x {self.n_repeats} repeats, {self.scoring}, "
            f"alpha_rule={self.alpha_rule!r}; {self.n_bootstrap} bootstrap refits)"
        )
        base = "OLS" if self.task == "regression" else "Unpenalized logistic"
        note = f"\n{base}: {self.baseline_note}" if self.baseline_note else ""
        return f"{head}\n{text}{note}\nRecommendation ({self.recommended}): {self.recommendation}"


def at_rule(res: CVResult, rule: str) -> tuple[int, float]:
    """(index, CV error) at the alpha that ``rule`` ("min" or "1se") chooses."""
    i = res.index_min if rule == "min" else res.index_1se
    return i, float(res.cv_mean[i])


def repeat_errors(fold_errors: np.ndarray, weights: np.ndarray, n_folds: int) -> np.ndarray:
    """The weighted mean fold error of each repeat (folds stored repeat after repeat)."""
    n_rep = len(weights) // n_folds
    out = np.empty(n_rep)
    for r in range(n_rep):
        sl = slice(r * n_folds, (r + 1) * n_folds)
        out[r] = np.average(fold_errors[sl], weights=weights[sl])
    return out


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
