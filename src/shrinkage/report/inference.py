"""HTML for inference results: the table of estimates, intervals and adjusted p-values.

``inference_table(result)`` is the data of one table (shared by the compare report's "which
features are significant" section and ``shrinkage infer --report``); ``build_inference_report``
returns a self-contained page for one ``InferenceResult`` (the forest plot embedded as a PNG, no
script, no network resource).  Nothing here fits or writes a file.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np

from ._common import Figure, _draw, _fmt, _version

#: rows shown, the smallest p-values first (the rest are counted)
MAX_ROWS = 60
ADJUST_NAMES = {
    "holm": "Holm",
    "bh": "Benjamini-Hochberg",
    "fwer": "multi-split familywise",
    "fdr": "multi-split FDR",
}


def inference_table(
    result,
    *,
    level: float = 0.95,
    alpha: float = 0.05,
    adjust: str = "holm",
    chosen_coef=None,
    max_rows: int = MAX_ROWS,
) -> dict:
    """One row per feature, the smallest p-values first: estimate, interval, p-values raw and
    adjusted, whether significant at ``alpha`` after ``adjust``, and the reason of a NaN.

    ``chosen_coef`` : (n_features,) a fitted model's coefficients by column of X, shown
    beside the estimates (the compare report's recommended model).
    """
    ci = result.conf_int(level)
    adjusted = result.p_adjusted(adjust)
    order = np.argsort(np.where(np.isnan(result.p_values), 2.0, result.p_values), kind="stable")
    shown = order[:max_rows]
    rows = []
    for i in shown:
        lo, hi = ci[i]
        significant = bool(np.isfinite(adjusted[i]) and adjusted[i] <= alpha)
        row = {
            "name": str(result.feature_names[i]),
            "coef": _fmt(result.coef[i]),
            "se": _fmt(result.std_err[i]),
            "ci": "-" if np.isnan(lo) else f"[{_fmt(lo)}, {_fmt(hi)}]",
            "p": _p(result.p_values[i]),
            "p_adj": _p(adjusted[i]),
            "significant": significant,
            "reason": str(result.reasons[i]),
        }
        if chosen_coef is not None:
            c = float(chosen_coef[result.feature_index[i]])
            row["chosen"], row["chosen_zero"] = _fmt(c), c == 0
        rows.append(row)
    n_significant = int(np.sum(np.isfinite(adjusted) & (adjusted <= alpha)))
    return {
        "rows": rows,
        "hidden": int(len(order) - len(shown)),
        "level": f"{100 * level:g}%",
        "alpha": f"{alpha:g}",
        "adjust": ADJUST_NAMES.get(adjust, adjust),
        "n_significant": n_significant,
        "n_tested": len(result),
        "method": result.method,
        "has_ci": bool(np.any(np.isfinite(ci))),
        "with_chosen": chosen_coef is not None,
    }


def _p(x) -> str:
    x = float(x)
    if np.isnan(x):
        return "-"
    return "<1e-300" if x < 1e-300 else (f"{x:.2g}" if x < 0.001 else f"{x:.3f}")


def build_inference_report(
    result,
    *,
    level: float = 0.95,
    alpha: float = 0.05,
    adjust: str = "holm",
    title: str | None = None,
    command: str | None = None,
) -> str:
    """A self-contained HTML page for one ``InferenceResult``: what the intervals mean, the
    table, the forest plot and how the numbers were made.  Returns the text; the caller writes
    it (the command line with ``shrinkage.io.write_text``).

    Examples
    --------
    >>> from shrinkage.inference import debiased_lasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 3))
    >>> res = debiased_lasso(X, X[:, 0] + rng.standard_normal(60), alpha=0.05, sigma=1.0,
    ...                      nodewise_alpha=0.05)
    >>> build_inference_report(res).startswith("<!DOCTYPE html>")
    True
    """
    import jinja2

    if result.truncation is None and not np.any(np.isfinite(result.std_err)):
        figure = Figure("forest", "Forest plot", "", omitted="this method gives p-values only.")
    else:
        figure = _draw(
            Figure(
                "forest",
                "Forest plot",
                f"Each estimate with its {100 * level:g}% interval; highlighted: "
                f"{ADJUST_NAMES.get(adjust, adjust)}-adjusted p ≤ {alpha:g}.",
            ),
            lambda: result.plot(level, adjust=adjust),
        )
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("shrinkage.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("inference.html.j2").render(
        title=title or f"Inference: {result.method}",
        res=result,
        table=inference_table(result, level=level, alpha=alpha, adjust=adjust),
        figure=figure,
        version=_version(),
        command=command,
        generated=_dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip(),
    )
