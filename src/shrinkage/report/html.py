"""The HTML report of a comparison: one self-contained file, readable on screen and in print.

``build_report(comparison, X, y)`` returns the HTML text; it never writes a file (the caller
does, e.g. with ``shrinkage.io.write_text``, atomically).  The page needs nothing else: the
figures are PNG images embedded as base64 ``data:`` URIs, the CSS is inline (with ``@media
print`` rules), there is no script and no network resource, so it opens offline, in a mail
attachment or a browser with JavaScript off.

The sections: the data and how it was prepared (with the standardization statement), the
recommendation with its evidence, the summary table, CV curves, coefficient paths, the
coefficients by feature, bootstrap stability, correlated groups with the correlation heat map,
the constraint geometry, the shrinkage behaviour of one coefficient, and bias-variance against
alpha.  The figures are drawn by ``shrinkage.plots``, which fits nothing; the two simulations
they need come from the comparison layer (``shrinkage.comparison.simulations``: ``geometry_data``
and ``bias_variance_curve``, a small Monte Carlo of ``bias_variance_repeats`` simulated training
sets on ``bias_variance_alphas`` alphas).

Figures are drawn with whatever matplotlib backend is active (the command line uses Agg) and
every one is closed once embedded.  A figure that cannot be drawn for this data (a
``ValueError``, e.g. the geometry needs two features) is replaced by a sentence saying why.
"""

from __future__ import annotations

import datetime as _dt
import math

import numpy as np

from ._common import Figure, _draw, _fmt, _version

MAX_COEF_ROWS = 60
SHORT = {"l1": "L1", "l2": "L2", "elasticnet": "Elastic Net", "ols": "OLS"}
ERROR_NAMES = {
    "mse": "mean squared error",
    "mae": "mean absolute error",
    "r2": "1 - R²",
    "deviance": "deviance (2 x log loss)",
    "accuracy": "misclassification rate",
    "roc_auc": "1 - ROC AUC",
    "brier": "Brier score",
}
#: figures that show least-squares quantities, and why a classification report leaves them out
NOT_FOR_CLASSES = {
    "geometry": "the constraint geometry draws least-squares loss contours; the logistic loss "
    "has no such closed-form picture on two coefficients, so it is not drawn for "
    "classification.",
    "bias_variance": "the bias-variance decomposition of the squared error does not apply to "
    "the log loss of a classifier, so this simulation is not run for "
    "classification.",
}


def build_report(
    comparison,
    X,
    y,
    *,
    data: dict | None = None,
    title: str | None = None,
    random_state=0,
    bias_variance_repeats: int = 20,
    bias_variance_alphas: int = 20,
    progress=None,
    command: str | None = None,
) -> str:
    """The report as HTML text.

    Parameters
    ----------
    comparison : Comparison
        The result of ``shrinkage.compare(X, y)``.
    X : array-like, sparse matrix or DataFrame of shape (n_samples, n_features)
        The data it was computed on (for the geometry, correlation and bias-variance
        figures); a DataFrame keeps its column names.
    y : array-like of shape (n_samples,)
        The target it was computed on.
    data : dict or None, default=None
        How the table was read and prepared (``shrinkage.io.Prepared.summary()``); without it
        the data section gives the shape only.
    title : str or None, default=None
        The page title (default from the data source).
    random_state : int, numpy.random.Generator or None, default=0
        Seed for the Monte Carlo figures.
    bias_variance_repeats : int, default=20
        Simulated training sets of the bias-variance Monte Carlo.
    bias_variance_alphas : int, default=20
        Alphas on the bias-variance curve.
    progress : bool or None, default=None
        A progress bar over the figures (None: automatic).
    command : str or None, default=None
        The command line that made the report, shown in its footer.

    Returns
    -------
    str
        The self-contained HTML page (figures inlined).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = 2 * X[:, 0] + rng.standard_normal(60)
    >>> c = shrinkage.compare(X, y, cv=3, n_repeats=1, n_alphas=10, n_bootstrap=5,
    ...                       random_state=0, progress=False)
    >>> html = build_report(c, X, y, bias_variance_repeats=2, bias_variance_alphas=5,
    ...                     progress=False)
    >>> html.startswith("<!DOCTYPE html>")
    True
    """
    import jinja2

    from .._progress import track

    figures = _figure_plan(
        comparison, X, y, random_state, bias_variance_repeats, bias_variance_alphas
    )
    omitted = (
        [f for f, _ in figures if f.key in NOT_FOR_CLASSES]
        if (comparison.task == "classification")
        else []
    )
    for f in omitted:
        f.omitted = NOT_FOR_CLASSES[f.key]
    figures = [(f, make) for f, make in figures if f.omitted is None]
    drawn = {}
    for fig in track(
        (_draw(f, make) for f, make in figures), len(figures), "report: drawing figures", progress
    ):
        drawn[fig.key] = fig
    drawn.update((f.key, f) for f in omitted)
    source = (data or {}).get("source")
    context = {
        "title": title or (f"L1, L2 or both? {source}" if source else "L1, L2 or both?"),
        "c": comparison,
        "data": data,
        "settings": _settings(comparison),
        "summary": _summary_rows(comparison),
        "coefficients": _coefficient_table(comparison),
        "groups": _group_rows(comparison),
        "collinearity": _collinearity(comparison),
        "evidence": [{"kind": e.kind, "text": e.text} for e in comparison.evidence],
        "recommended_label": comparison[comparison.recommended].label,
        "classes": _classes(comparison),
        "significance": _significance(comparison, X, y, random_state),
        "baseline_name": "OLS" if comparison.task == "regression" else "Unpenalized logistic",
        "fig": drawn,
        "version": _version(),
        "generated": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip(),
        "command": command,
        "error_name": ERROR_NAMES.get(comparison.scoring, comparison.scoring),
        "fmt": _fmt,
        "pct": _pct,
    }
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("shrinkage.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("report.html.j2").render(**context)


# --------------------------------------------------------------------------------------------
# figures


def _figure_plan(c, X, y, random_state, bv_repeats: int, bv_alphas: int) -> list:
    from .. import plots
    from ..comparison import simulations

    results = c.results
    names = [str(n) for n in c.feature_names]
    rng = np.random.default_rng(random_state)
    bv_seed, geo_seed = (int(s) for s in rng.integers(2**31 - 1, size=2))
    en = results.get("elasticnet")
    en_ratio = en.l1_ratio if en is not None else 0.5
    p = c.n_features
    error = ERROR_NAMES.get(c.scoring, c.scoring)
    pair = "the two most important features" if p >= 2 else "a simulated correlated pair"
    f_cv = Figure(
        "cv",
        "Cross-validation curves",
        f"CV {error} against alpha (decreasing to the right) with ±1 standard error "
        "bars, on the same folds for every penalty; dashed: alpha_min (lowest "
        "error), dotted: alpha_1se (the largest alpha within one standard error). "
        "The top axis counts the non-zero coefficients.",
    )
    f_paths = Figure(
        "paths",
        "Coefficient paths",
        "Every coefficient as alpha decreases, per standard deviation of its "
        "feature (the scale the penalty sees, so the curves compare): L1 brings "
        "features in one at a time and holds the others at exactly zero; L2 "
        "shrinks all of them smoothly and none reaches zero; the Elastic Net does "
        "both. Vertical lines: the CV choices of each penalty.",
    )
    unpenalized = "OLS" if c.task == "regression" else "unpenalized logistic regression"
    f_stab = Figure(
        "stability",
        "Selection stability",
        f"Fraction of {c.n_bootstrap} bootstrap refits (at each penalty's chosen "
        f"alpha) in which each feature has a non-zero coefficient. L2 and "
        f"{unpenalized} keep every feature; bars below 1 show features a penalty "
        "selects only in some samples.",
    )
    f_corr = Figure(
        "correlation",
        "Correlation heat map",
        "Pearson correlations between the features, clustered so correlated groups "
        "form blocks (at most 40 features: the most correlated ones).",
    )
    f_geo = Figure(
        "geometry",
        "Constraint geometry",
        f"Least-squares loss contours on {pair} (standardized, the other features "
        "held at zero), with the L1 diamond and the L2 circle of the same size. The "
        "constrained solution is where the smallest contour touches the region: the "
        "diamond is often touched at a corner (one coefficient exactly zero), the "
        "circle almost never on an axis. The dotted lines trace each solution as "
        "alpha decreases.",
    )
    f_beh = Figure(
        "behaviour",
        "Shrinkage behaviour",
        "One coefficient with an orthonormal design at alpha = 1. Left: L1 "
        "soft-thresholds (small values become exactly zero, large ones move by a "
        "constant), L2 scales every value by the same factor, the Elastic Net does "
        "both. Right: the pull of each penalty on w, constant for L1, proportional "
        "to w for L2.",
    )
    f_bv = Figure(
        "bias_variance",
        "Bias and variance against alpha",
        f"Monte Carlo on {bv_repeats} simulated training sets drawn from the rows of "
        "X, with the cross-validated lasso fit as the truth. Each panel shows the "
        "error above the noise level, on a log axis: the squared bias (how far the "
        "average fit is from the truth), the variance (how much the fit changes from "
        "one training set to the next) and their sum, the expected test MSE minus "
        "the noise variance. The dash-dotted line marks the alpha with the smallest "
        "simulated test MSE, which is (up to Monte Carlo error) where the sum is "
        "lowest, not where the two curves cross. Neither curve has to be monotone "
        "in alpha: near the top of an L1 or Elastic Net path, which features enter "
        "depends on the training set, and that can add variance as alpha grows. A "
        "small simulation, meant to show the shape, not exact values.",
    )

    if c.coef_kind == "row_norm":
        f_paths.caption += (
            " Multinomial models: each curve is the norm of a feature's "
            "coefficients over the classes, ‖W_j‖₂ (zero exactly when the "
            "feature is unused)."
        )
    if c.task == "classification":
        f_cv.caption = f_cv.caption.replace("on the same folds", "on the same stratified folds")
        f_beh.caption += (
            " Drawn for least squares, where each penalty's effect has a closed "
            "form; every Newton step of a logistic fit solves such a weighted "
            "least-squares problem, so the shapes carry over."
        )
        f_stab.caption += " Bootstrap draws are stratified: each class keeps its size."

    def cv():
        return plots.plot_cv({m.label: m.cv_result for m in results.values()})

    def paths():
        scale = c.collinearity.scale
        standardized = {m.label: _PerSD(m.path, scale) for m in results.values()}
        fig = plots.plot_paths(standardized, marks={m.label: m.cv_result for m in results.values()})
        for ax in fig.axes:
            if ax.get_ylabel() == "coefficient":
                ax.set_ylabel("standardized coefficient")
        return fig

    def stability():
        freq = {m.label: m.selection_frequency for m in c.models.values()}
        return plots.plot_stability(freq, feature_names=names, max_features=30)

    def correlation():
        return plots.plot_correlation(X, feature_names=names)

    def geometry():
        if p < 2:
            return plots.plot_geometry(simulations.geometry_data(random_state=geo_seed))
        data = simulations.geometry_data(X, y, feature_names=names, random_state=geo_seed)
        f_geo.caption += " " + _geometry_sentence(data)
        return plots.plot_geometry(data)

    def behaviour():
        return plots.plot_shrinkage(1.0, l1_ratio=en_ratio)

    def bias_variance():
        curves = {}
        for name, m in results.items():
            curves[m.label] = simulations.bias_variance_curve(
                X,
                y,
                penalty=name,
                l1_ratio=en_ratio,
                n_alphas=bv_alphas,
                n_repeats=bv_repeats,
                standardize=c.standardize,
                random_state=bv_seed,
            )
        f_bv.caption += " " + _bias_variance_sentence(curves)
        return plots.plot_bias_variance(curves)

    return [
        (f_cv, cv),
        (f_paths, paths),
        (f_stab, stability),
        (f_corr, correlation),
        (f_geo, geometry),
        (f_beh, behaviour),
        (f_bv, bias_variance),
    ]


class _PerSD:
    """A path with its coefficients per standard deviation of each feature (a multinomial
    path's (A, p, K) coefficients as their row norms over the classes)."""

    def __init__(self, path, scale: np.ndarray):
        self.alphas = path.alphas
        coefs = np.asarray(path.coefs)
        if coefs.ndim == 3:
            coefs = np.linalg.norm(coefs, axis=2)
        self.coefs = coefs * scale
        self.feature_names = path.feature_names
        self.l1_ratio = path.l1_ratio


def _geometry_sentence(d) -> str:
    a, b = d.feature_names
    w1, w2 = d.l1_solution
    v1, v2 = d.l2_solution
    text = (
        f"Here, on {a} and {b}: the L1 solution is ({w1:.3g}, {w2:.3g}), the L2 solution "
        f"({v1:.3g}, {v2:.3g})"
    )
    tiny = 1e-9 * max(float(np.abs(d.least_squares).max()), 1.0)
    zero = [n for n, w in zip(d.feature_names, d.l1_solution, strict=True) if abs(w) <= tiny]
    if zero:
        text += f": L1 sets {zero[0]} to exactly zero, L2 keeps both"
    return text + "."


def _bias_variance_sentence(curves: dict) -> str:
    parts = []
    for label, cur in curves.items():
        i = cur.index_best
        parts.append(
            f"{label} at alpha {cur.alphas[i]:.3g}: test MSE {cur.mse[i]:.4g}, "
            f"squared bias {cur.bias2[i]:.3g}, variance {cur.variance[i]:.3g}"
        )
    noise = next(iter(curves.values())).noise_var
    return (
        f"Lowest simulated test error ({'; '.join(parts)}); the noise variance, "
        f"{noise:.4g}, is the floor no model can beat; it is left out of the panels "
        "(the test MSE is the noise variance plus the black curve)."
    )


# --------------------------------------------------------------------------------------------
# tables


def _pct(f) -> str:
    return "-" if f is None or math.isnan(float(f)) else f"{100.0 * float(f):.0f}%"


def _settings(c) -> list[tuple[str, str]]:
    rule = {
        "min": "alpha_min (lowest CV error)",
        "1se": "alpha_1se (largest alpha within one SE)",
    }.get(c.alpha_rule, c.alpha_rule)
    return [
        (
            "Cross-validation",
            f"{c.n_folds}-fold"
            f"{' stratified' if c.task == 'classification' else ''}, repeated "
            f"{c.n_repeats} time{'s' if c.n_repeats != 1 else ''}, the same "
            "folds for every penalty",
        ),
        ("Error", ERROR_NAMES.get(c.scoring, c.scoring) + " on the held-out folds"),
        ("Chosen alpha", rule),
        ("Bootstrap refits", f"{c.n_bootstrap} at the chosen alpha"),
        ("Standardize", "yes" if c.standardize else "no"),
    ]


def _short(c, name: str) -> str:
    return "No penalty" if name == "ols" and c.task == "classification" else SHORT[name]


def _summary_rows(c) -> list[dict]:
    rows = []
    models = dict(c.models)
    if c.null is not None:
        models["null"] = c.null
    for name, m in models.items():
        baseline = name in ("ols", "null")
        rows.append(
            {
                "name": name,
                "label": m.label,
                "recommended": name == c.recommended,
                "l1_ratio": "-" if m.l1_ratio is None else _fmt(m.l1_ratio, 3),
                "alpha_min": "-" if baseline else _fmt(m.alpha_min),
                "alpha_1se": "-" if baseline else _fmt(m.alpha_1se),
                "alpha": "-" if baseline else _fmt(m.alpha),
                "cv_error": _fmt(m.cv_error),
                "cv_se": _fmt(m.cv_error_se),
                "repeat_sd": _fmt(m.repeat_sd),
                "nnz": m.nnz,
                "p": c.n_features,
            }
        )
    return rows


def _coefficient_table(c) -> dict:
    models = c.models
    chosen = models[c.recommended]
    scale = c.collinearity.scale
    weight = np.abs(chosen.coef * scale)
    fallback = np.max([np.abs(m.coef * scale) for m in models.values()], axis=0)
    order = np.lexsort((-fallback, -weight))
    shown = order[:MAX_COEF_ROWS]
    freq = chosen.selection_frequency
    rows = []
    for j in shown:
        rows.append(
            {
                "name": str(c.feature_names[j]),
                "cells": [(_fmt(m.coef[j]), m.coef[j] == 0) for m in models.values()],
                "standardized": (_fmt(chosen.coef[j] * scale[j]), chosen.coef[j] == 0),
                "freq": _pct(freq[j]),
                "vif": _fmt(c.collinearity.vif[j], 3),
            }
        )
    return {
        "labels": [_short(c, k) for k in models],
        "rows": rows,
        "chosen_short": SHORT[c.recommended],
        "hidden": int(len(order) - len(shown)),
        "chosen": chosen.label,
        "intercepts": [_intercept(c, m.intercept) for m in models.values()],
        "per_class": _per_class(chosen, shown),
    }


def _significance(c, X, y, random_state) -> dict:
    """The "which features are significant" section: the debiased lasso's tests of every
    feature (``comparison.significance``) beside the recommended model's coefficients."""
    from ..comparison.significance import significant_features
    from .inference import inference_table

    s = significant_features(c, X, y, random_state=random_state)
    if s.result is None:
        return {"table": None, "reason": s.reason}
    chosen = c[c.recommended]
    table = inference_table(
        s.result, alpha=s.level, adjust=s.adjust, chosen_coef=chosen.coef[s.columns]
    )
    names = s.significant_names
    listed = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
    summary = (
        f"{len(names)} of {table['n_tested']} features have a significant effect at "
        f"{s.level:g} after the {table['adjust']} adjustment"
        + (f": {listed}." if names else ".")
        + f" Beside them, the coefficients of {chosen.label}, the recommended model."
    )
    if s.dropped:
        summary += f" Not tested (constant): {', '.join(s.dropped)}."
    return {
        "table": table,
        "summary": summary,
        "caveat": s.caveat,
        "notes": "; ".join(s.result.notes),
        "chosen_short": SHORT[c.recommended],
        "reason": None,
    }


def _intercept(c, b) -> str:
    b = np.asarray(b, dtype=np.float64)
    if b.ndim == 0:
        return _fmt(b)
    return ", ".join(f"{k}: {_fmt(x)}" for k, x in zip(c.classes, b, strict=True))


def _per_class(m, shown) -> dict | None:
    """The multinomial coefficients (features x classes) of the recommended model."""
    if m.class_coefs is None:
        return None
    rows = [
        {"name": str(m.feature_names[j]), "cells": [(_fmt(x), x == 0) for x in m.class_coefs[j]]}
        for j in shown
    ]
    return {
        "classes": [str(k) for k in m.classes],
        "rows": rows,
        "intercepts": [_fmt(x) for x in np.atleast_1d(m.intercept)],
    }


def _classes(c) -> list[tuple[str, int, str]] | None:
    """(label, count, share) of each class of a classification."""
    if c.classes is None:
        return None
    total = int(np.sum(c.class_counts))
    return [
        (str(k), int(n), _pct(n / total)) for k, n in zip(c.classes, c.class_counts, strict=True)
    ]


def _group_rows(c) -> list[dict]:
    group_text = [e.text for e in c.evidence if e.kind == "group"]
    rows = []
    for k, g in enumerate(c.groups):
        grp = g.group
        treat = []
        for name, t in g.penalties.items():
            kept = ", ".join(t.kept) if t.kept else "none"
            note = " (alternates)" if t.alternates else ""
            treat.append((_short(c, name), f"{t.n_kept} of {grp.size}: {kept}{note}"))
        rows.append(
            {
                "members": ", ".join(grp.names),
                "size": grp.size,
                "corr": _fmt(grp.strongest_corr, 3),
                "treatment": treat,
                "text": group_text[k] if k < len(group_text) else "",
            }
        )
    return rows


def _collinearity(c) -> dict:
    d = c.collinearity
    high = d.high_vif()
    return {
        "condition": _fmt(d.condition_number, 4),
        "vif": [(str(d.feature_names[j]), _fmt(d.vif[j], 4)) for j in high[:12]],
        "n_high": int(high.size),
        "threshold": _fmt(d.threshold, 3),
        "constant": d.constant_names,
        "text": next((e.text for e in c.evidence if e.kind == "collinearity"), ""),
    }
