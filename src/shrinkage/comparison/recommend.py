"""The recommendation of ``compare``: decision rules and the sentences that state the evidence.

Every sentence is built by a function of this module from the ``values`` it stores next to the
text (``Evidence``), with the formatters below, so the numbers in the text are the numbers of the
fit; no sentence is written in advance.  The rules are listed in ``shrinkage.compare``'s
docstring (``comparison.api``).
"""

from __future__ import annotations

import math

import numpy as np

from .diagnostics import HIGH_VIF, Collinearity
from .one_hot import MANY_LEVELS
from .results import (
    ALTERNATE_RANGE,
    CONCENTRATED,
    SHORT,
    Evidence,
    GroupPenalty,
    GroupTreatment,
    ModelResult,
)

#: a feature selected in at least this fraction of the bootstrap refits is stably selected
STABLE = 0.8
#: condition numbers from here up are worth a sentence in the recommendation
NOTABLE_CONDITION = 30.0
#: at most this many correlated groups are described in the recommendation text
MAX_GROUPS_IN_TEXT = 3
#: a level of a categorical with fewer rows than this is rare
RARE_LEVEL = 5
ERROR_NAMES = {
    "mse": "CV mean squared error",
    "mae": "CV mean absolute error",
    "r2": "CV fraction of unexplained variance",
    "deviance": "CV deviance",
    "accuracy": "CV misclassification rate",
    "roc_auc": "CV 1 - ROC AUC",
    "brier": "CV Brier score",
}


# --- formatting: one function per kind of number --------------------------------------------


def num(x: float) -> str:
    """Errors, alphas, coefficients, condition numbers, VIFs: 4 significant digits."""
    return "infinite" if math.isinf(x) else f"{x:.4g}"


def pct(fraction: float) -> str:
    """A relative difference (0.012 -> "1.2%"), without its sign."""
    p = 100.0 * abs(fraction)
    return f"{p:.1f}%" if p >= 0.95 else f"{p:.2g}%"


def num_pair(a: float, b: float) -> tuple[str, str]:
    """Two numbers with as many significant digits (4 to 7) as it takes to tell them apart."""
    for digits in range(4, 8):
        fa, fb = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if fa != fb:
            break
    return fa, fb


def freq(f: float) -> str:
    """A frequency (0.48 -> "48%")."""
    return f"{100.0 * f:.0f}%"


def corr(r: float) -> str:
    """A correlation with 2 decimals, more (up to 6) when 2 would round it to +-1."""
    for digits in range(2, 7):
        out = f"{r:.{digits}f}"
        if abs(float(out)) < 1 or abs(r) == 1:
            break
    return out


def names_list(names, limit: int = 4) -> str:
    names = [str(n) for n in names]
    if len(names) <= limit:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def relative(a: float, b: float) -> float:
    """(a - b) / |b|: how much higher a is than b, as a fraction."""
    return (a - b) / abs(b) if b != 0 else math.inf * np.sign(a - b)


def higher_lower(d: float) -> str:
    return "higher" if d > 0 else "lower"


# --- the decision ---------------------------------------------------------------------------


def recommend(
    results: dict[str, ModelResult],
    baseline: ModelResult | None,
    undefined,
    diag: Collinearity,
    groups: list[GroupTreatment],
    alpha_rule: str,
    scoring: str,
    null: ModelResult | None = None,
) -> tuple[str, str, list[Evidence]]:
    """(recommended penalty, recommendation text, evidence list); ``null`` is the
    intercept-only model of a classification."""
    best, within, chosen, reason, alternating = choose(results, groups)
    p = len(diag.feature_names)
    decision = _decision(reason, chosen, best, results, within, p, scoring, alternating)
    errors = [_cv_error(m, p, scoring) for m in results.values()]
    if baseline is not None:
        errors.append(_cv_error(baseline, p, scoring))
    if null is not None:
        errors.append(_cv_error(null, p, scoring))
    sparsity = _sparsity(results, p)
    group_facts = [_group(g, diag) for g in groups]
    stability = _stability(results[chosen], diag)
    base = _baseline(baseline, undefined, results, best, null)
    collin = _collinearity(diag)
    constant = [*_constant(diag), *_many_levels(diag)]
    edges = [e for m in results.values() for e in [_grid_edge(m, alpha_rule)] if e]

    facts = [decision, *sparsity, *group_facts, *errors, stability, base, collin, *constant, *edges]
    evidence = [e for e in facts if e is not None]
    in_text = [
        decision,
        *_sparsity_in_text(sparsity, chosen),
        *_relevant_groups(groups, group_facts),
        stability,
        base,
    ]
    if collin.values["notable"]:
        in_text.append(collin)
    in_text += [*constant, *edges]
    text = " ".join(e.text for e in in_text if e is not None)
    return chosen, text, evidence


def choose(
    results: dict[str, ModelResult], groups: list[GroupTreatment]
) -> tuple[str, list[str], str, str, list[GroupTreatment]]:
    """(best, the candidates within one SE of it, the recommended penalty, the reason,
    the correlated groups L1 alternates in): the rules of ``shrinkage.compare``.

    reason: "clear" (a single candidate), "sparsest" (sparsity decides among candidates whose
    errors are indistinguishable), "stable" (they keep as many features: the smallest bootstrap
    spread decides, ``relative_spread``) or "groups" (L1 alternates inside a correlated group:
    the Elastic Net keeps it together).
    """
    best = min(results, key=lambda k: results[k].cv_error)
    limit = results[best].cv_error + results[best].cv_error_se
    within = [k for k in results if results[k].cv_error <= limit]
    fewest = min(results[k].nnz for k in within)
    sparsest = [k for k in within if results[k].nnz == fewest]
    if len(within) == 1:
        chosen, reason = best, "clear"
    elif len(sparsest) == 1 or fewest == 0:
        chosen = min(sparsest, key=lambda k: results[k].cv_error)
        reason = "sparsest"
    else:
        chosen = min(sparsest, key=lambda k: (relative_spread(results[k]), results[k].cv_error))
        reason = "stable"
    alternating = [g for g in groups if "l1" in g.penalties and g.penalties["l1"].alternates]
    if chosen == "l1" and "elasticnet" in within and alternating:
        chosen, reason = "elasticnet", "groups"
    return best, within, chosen, reason, alternating


def relative_spread(m: ModelResult) -> float:
    """Median over the kept features of sd / |coefficient| over the bootstrap refits (inf when
    it cannot be told): how much the fit moves from one sample to the next."""
    kept = m.selected
    if kept.size == 0:
        return math.inf
    rel = m.coef_sd[kept] / np.abs(m.coef[kept])
    return float(np.median(rel)) if np.all(np.isfinite(rel)) else math.inf


def _decision(reason, chosen, best, results, within, p, scoring, alternating) -> Evidence:
    m, b = results[chosen], results[best]
    label = m.label
    values = {
        "recommended": chosen,
        "reason": reason,
        "cv_error": m.cv_error,
        "cv_error_se": m.cv_error_se,
        "nnz": m.nnz,
        "n_features": p,
        "best": best,
        "best_cv_error": b.cv_error,
        "best_cv_error_se": b.cv_error_se,
        "within_one_se": list(within),
    }
    error = ERROR_NAMES[scoring]
    if reason != "clear":
        spread = relative(max(results[k].cv_error for k in within), b.cv_error)
        values["spread"] = spread
        both = "both" if len(within) == 2 else "all"
        tie = (
            f"The {error}s of {names_list([SHORT[k] for k in within])} are "
            f"indistinguishable: {both} are within one standard error of the lowest "
            f"({SHORT[best]}'s {num(b.cv_error)} ± {num(b.cv_error_se)}) and at most "
            f"{pct(spread)} apart, so the error does not decide. "
        )
    if reason == "clear":
        others = sorted((k for k in results if k != chosen), key=lambda k: results[k].cv_error)
        if not others:
            text = (
                f"{label} is the only penalty compared: {error} {num(m.cv_error)} "
                f"± {num(m.cv_error_se)} with {m.nnz} of {p} features."
            )
            return Evidence("decision", text, values)
        nxt = results[others[0]]
        d = relative(nxt.cv_error, m.cv_error)
        values.update(next_best=others[0], next_cv_error=nxt.cv_error, next_difference=d)
        text = (
            f"{label} predicts clearly best: its {error} ({num(m.cv_error)} "
            f"± {num(m.cv_error_se)}) is lower than every other penalty's by more than one "
            f"standard error; the next best, {SHORT[others[0]]}, is {pct(d)} higher "
            f"({num(nxt.cv_error)})."
        )
    elif reason == "groups":
        values["alternating_groups"] = [list(g.group.names) for g in alternating]
        text = (
            f"{tie}Stability inside correlated groups decides: {label} is recommended "
            f"({num(m.cv_error)}, {m.nnz} of {p} features) because it keeps correlated "
            "features together, where L1 alternates between them from one bootstrap sample "
            "to the next (a selection that changes with the sample is hard to interpret)."
        )
    elif reason == "sparsest":
        others = [k for k in within if k != chosen]
        values["candidates_nnz"] = {k: results[k].nnz for k in others}
        kept = "; ".join(f"{SHORT[k]} keeps {results[k].nnz}" for k in others)
        text = (
            f"{tie}Sparsity decides: {label} is recommended, with the fewest features "
            f"({m.nnz} of {p}; {kept}): at the same accuracy, fewer features make a model "
            "that is simpler to interpret and cheaper to measure on new data."
        )
    else:
        others = [k for k in within if results[k].nnz == m.nnz and k != chosen]
        spreads = {k: relative_spread(results[k]) for k in [chosen, *others]}
        values.update(relative_spread=spreads, n_bootstrap=int(m.bootstrap_coefs.shape[0]))
        listed = names_list([f"{num(spreads[k])} for {SHORT[k]}" for k in others])
        tied = names_list([SHORT[k] for k in [chosen, *others]])
        text = (
            f"{tie}Nor does sparsity: {tied} {'both' if not others[1:] else 'all'} keep "
            f"{m.nnz} of {p} features. Stability decides: {label} is "
            f"recommended because its coefficients vary least over the "
            f"{values['n_bootstrap']} bootstrap refits (median sd / |coefficient| "
            f"{num(spreads[chosen])}, against {listed}), so its fit is the most likely to "
            "be reproduced on new data."
        )
    return Evidence("decision", text, values)


# --- the facts ------------------------------------------------------------------------------


def _cv_error(m: ModelResult, p: int, scoring: str) -> Evidence:
    values = {
        "model": m.name,
        "cv_error": m.cv_error,
        "cv_error_se": m.cv_error_se,
        "alpha": m.alpha,
        "nnz": m.nnz,
        "n_features": p,
        "n_repeats": int(m.repeat_errors.size),
        "repeat_mean": m.repeat_mean,
        "repeat_sd": m.repeat_sd,
    }
    head = (
        m.label
        if m.l1_ratio is None or m.name != "elasticnet"
        else (f"{m.label} (l1_ratio={num(m.l1_ratio)})")
    )
    if m.name == "elasticnet":
        values["l1_ratio"] = m.l1_ratio
    at = "" if m.name in ("ols", "null") else f" at alpha {num(m.alpha)}"
    text = (
        f"{head}: {ERROR_NAMES[scoring]} {num(m.cv_error)} ± {num(m.cv_error_se)}{at}, "
        f"keeping {m.nnz} of {p} features"
    )
    if m.repeat_errors.size > 1:
        text += (
            f"; over {m.repeat_errors.size} repeats of the cross-validation the error "
            f"averaged {num(m.repeat_mean)} (sd {num(m.repeat_sd)})"
        )
    return Evidence("cv_error", text + ".", values)


def _sparsity(results: dict[str, ModelResult], p: int) -> list[Evidence]:
    """L1 (and the Elastic Net) against L2: features kept against CV error."""
    out = []
    pairs = [("l1", "l2"), ("elasticnet", "l2")]
    if "l2" not in results:
        pairs = [("l1", "elasticnet")]
    for a, b in pairs:
        if a not in results or b not in results:
            continue
        ma, mb = results[a], results[b]
        d = relative(ma.cv_error, mb.cv_error)
        values = {
            "model": a,
            "versus": b,
            "nnz": ma.nnz,
            "n_features": p,
            "difference": d,
            "cv_error": ma.cv_error,
            "versus_cv_error": mb.cv_error,
            "versus_nnz": mb.nnz,
        }
        ea, eb = num_pair(ma.cv_error, mb.cv_error)
        text = (
            f"{SHORT[a]} keeps {ma.nnz} of {p} features at a {pct(d)} {higher_lower(d)} "
            f"CV error than {SHORT[b]} ({ea} against {eb}, with {mb.nnz} features)."
        )
        out.append(Evidence("error_vs_sparsity", text, values))
    return out


def _sparsity_in_text(facts: list[Evidence], chosen: str) -> list[Evidence]:
    """L1's sentence, and the Elastic Net's when it drops features or is recommended."""
    return [
        e
        for e in facts
        if e.values["model"] == "l1"
        or e.values["model"] == chosen
        or e.values["nnz"] < e.values["n_features"]
    ]


def _member_names(members, diag: Collinearity) -> list[str]:
    """Feature names, with every level of a categorical read as its column ("student (both
    levels)")."""
    whole = {b.column: b.size for b in diag.one_hot if set(b.members) <= set(members)}
    return [
        f"{n} ({'both' if whole[n] == 2 else 'all'} levels)" if n in whole else n
        for n in diag.describe(members)
    ]


def _group(g: GroupTreatment, diag: Collinearity) -> Evidence:
    grp = g.group
    values = {
        "members": list(grp.names),
        "size": grp.size,
        "max_abs_corr": grp.max_abs_corr,
        "min_abs_corr": grp.min_abs_corr,
        "strongest_corr": grp.strongest_corr,
    }
    shown = _member_names(grp.members, diag)
    if grp.size == 2:
        head = f"Features {names_list(shown)} are a correlated pair (r={corr(grp.strongest_corr)})"
    else:
        head = (
            f"Features {names_list(shown)} form a correlated group of {grp.size} "
            f"(|r| up to {corr(grp.max_abs_corr)}; its least correlated pair, "
            f"|r| = {corr(grp.min_abs_corr)}, is linked through the others)"
        )
    clauses = []
    for name, t in g.penalties.items():
        values[name] = {
            "kept": list(t.kept),
            "n_kept": t.n_kept,
            "member_frequency": dict(zip(grp.names, t.member_frequency.tolist(), strict=True)),
            "group_frequency": t.group_frequency,
            "alternates": t.alternates,
            "weight_share": dict(zip(grp.names, t.weight_share.tolist(), strict=True)),
        }
        if name == "l2" and "elasticnet" in g.penalties:
            continue
        clauses.append(_group_clause(SHORT[name], grp, t))
    return Evidence("group", head + ": " + "; ".join(clauses) + ".", values)


def _group_clause(short: str, grp, t: GroupPenalty) -> str:
    both = "both" if grp.size == 2 else f"all {grp.size}"
    if t.alternates:
        lo, hi = ALTERNATE_RANGE
        shown = [
            (n, f) for n, f in zip(grp.names, t.member_frequency, strict=True) if lo <= f <= hi
        ][:4]
        listed = ", ".join(f"{n}: {freq(f)}" for n, f in shown)
        return (
            f"{short} alternates between them across bootstrap refits ({listed}), while "
            f"at least one is selected in {freq(t.group_frequency)} of them"
        )
    if t.n_kept == 0:
        return f"{short} drops {both}"
    top = int(np.argmax(t.weight_share))
    if t.n_kept == 1:
        return (
            f"{short} keeps only {grp.names[top]} (selected in "
            f"{freq(t.member_frequency[top])} of the bootstrap refits)"
        )
    kept = both if t.n_kept == grp.size else f"{t.n_kept} of them"
    if t.weight_share[top] >= CONCENTRATED:
        return (
            f"{short} keeps {kept} but puts {freq(t.weight_share[top])} of their "
            f"standardized weight on {grp.names[top]}"
        )
    if grp.size <= 4:
        shares = ", ".join(
            f"{n} {freq(w)}" for n, w in zip(grp.names, t.weight_share, strict=True) if w > 0
        )
        return f"{short} keeps {kept} and shares the weight ({shares})"
    return (
        f"{short} keeps {kept} and shares the weight (the largest share is "
        f"{freq(t.weight_share[top])}, on {grp.names[top]})"
    )


def _relevant_groups(groups: list[GroupTreatment], facts: list[Evidence]) -> list[Evidence]:
    """The groups where the penalties disagree, largest first, at most MAX_GROUPS_IN_TEXT."""

    def differs(g: GroupTreatment) -> bool:
        treated = g.penalties.values()
        kept = {t.n_kept for t in treated}
        concentrated = {
            bool(t.n_kept and np.nanmax(t.weight_share) >= CONCENTRATED) for t in treated
        }
        return len(kept) > 1 or len(concentrated) > 1 or any(t.alternates for t in treated)

    chosen = [f for g, f in zip(groups, facts, strict=True) if differs(g)]
    return chosen[:MAX_GROUPS_IN_TEXT]


def _selected_columns(m: ModelResult, diag: Collinearity) -> tuple[list[str], np.ndarray, bool]:
    """(names, bootstrap selection frequencies, whether one is a categorical) of the input
    columns the model selects: a feature, or a categorical, selected when any of its levels
    is."""
    refits = m._refits != 0
    in_block = {j for b in diag.one_hot for j in b.members}
    units = [(b.column, list(b.members)) for b in diag.one_hot]
    units += [(str(m.feature_names[j]), [j]) for j in range(m.coef.size) if j not in in_block]
    units = sorted((u for u in units if np.any(m.coef[u[1]] != 0)), key=lambda u: u[1][0])
    return (
        [name for name, _ in units],
        np.array([float(refits[:, cols].any(axis=1).mean()) for _, cols in units]),
        any(len(cols) > 1 for _, cols in units),
    )


def _stability(m: ModelResult, diag: Collinearity) -> Evidence | None:
    b = m.bootstrap_coefs.shape[0]
    sel = m.selected
    if sel.size == 0:
        return None
    names, f, categorical = _selected_columns(m, diag)
    stable = int(np.sum(f >= STABLE))
    worst = int(np.argmin(f))
    values = {
        "model": m.name,
        "n_bootstrap": b,
        "nnz": m.nnz,
        "n_selected": len(names),
        "n_stable": stable,
        "stable_level": STABLE,
        "least_stable": names[worst],
        "least_stable_frequency": float(f[worst]),
    }
    if m.nnz == len(m.coef) or m.name == "l2":
        sd = m.coef_sd
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(m.coef != 0, sd / np.abs(m.coef), 0.0)
        j = int(np.argmax(rel))
        values.update(
            widest=str(m.feature_names[j]), widest_coef=float(m.coef[j]), widest_sd=float(sd[j])
        )
        text = (
            f"Over {b} bootstrap refits the {SHORT[m.name]} coefficient that varies most "
            f"relative to its size is {m.feature_names[j]} ({num(m.coef[j])}, sd "
            f"{num(sd[j])})."
        )
        return Evidence("stability", text, values)
    what = (
        "features"
        if not categorical
        else ("input columns (a categorical counts once, selected when any of its levels is)")
    )
    text = (
        f"Over {b} bootstrap refits, {stable} of the {len(names)} {what} {SHORT[m.name]} "
        f"selects are selected in at least {freq(STABLE)} of them"
    )
    if stable < len(names):
        text += (
            f"; the least stable is {values['least_stable']} "
            f"({freq(values['least_stable_frequency'])})"
        )
    return Evidence("stability", text + ".", values)


def _baseline(
    baseline: ModelResult | None, undefined, results, best: str, null: ModelResult | None = None
) -> Evidence:
    """The unpenalized fit against the best penalty (and, for classes, the class priors)."""
    what = "OLS (no penalty)" if null is None else "Unpenalized logistic regression"
    b = results[best]
    if baseline is None:
        text, values = undefined
        text, values = f"{what} is {text}", dict(values)
    else:
        d = relative(baseline.cv_error, b.cv_error)
        values = {
            "cv_error": baseline.cv_error,
            "cv_error_se": baseline.cv_error_se,
            "best": best,
            "best_cv_error": b.cv_error,
            "difference": d,
        }
        text = (
            f"{what} has a CV error of {num(baseline.cv_error)} "
            f"± {num(baseline.cv_error_se)}, {pct(d)} {higher_lower(d)} than "
            f"{SHORT[best]}'s"
        )
        if baseline.note:
            text += f" ({baseline.note})"
    if null is not None:
        d = relative(null.cv_error, b.cv_error)
        values.update(
            null_cv_error=null.cv_error, null_cv_error_se=null.cv_error_se, null_difference=d
        )
        text += (
            f"; the intercept-only model (class priors) has {num(null.cv_error)} "
            f"± {num(null.cv_error_se)}, {pct(d)} {higher_lower(d)} than {SHORT[best]}'s"
        )
    return Evidence("baseline", text + ".", values)


def _collinearity(diag: Collinearity) -> Evidence:
    high = diag.high_vif()
    exact = diag.exactly_collinear
    values: dict[str, object] = {
        "condition_number": diag.condition_number,
        "vif_level": HIGH_VIF,
        "n_high_vif": int(high.size),
        "n_exact": int(exact.size),
        "notable": bool(diag.condition_number >= NOTABLE_CONDITION or high.size > 0),
    }
    if math.isinf(diag.condition_number):
        text = "The standardized X is exactly collinear (infinite condition number)"
    else:
        text = f"The standardized X has condition number {num(diag.condition_number)}"
    if exact.size:
        names = [str(diag.feature_names[j]) for j in exact]
        values["exact"] = names
        text += (
            f"; {exact.size} features are exact linear combinations of others (infinite "
            f"VIF): {names_list(names)}"
        )
    finite = [j for j in high if np.isfinite(diag.vif[j])]
    if finite:
        shown = finite[:3]
        values["vif"] = {str(diag.feature_names[j]): float(diag.vif[j]) for j in shown}
        values["n_high_finite_vif"] = len(finite)
        listed = ", ".join(f"{diag.feature_names[j]} ({num(diag.vif[j])})" for j in shown)
        text += f"; {len(finite)} features have a VIF above {num(HIGH_VIF)}, the largest {listed}"
    elif not exact.size:
        max_vif = float(np.nanmax(diag.vif)) if np.any(np.isfinite(diag.vif)) else None
        values["max_vif"] = max_vif
        if max_vif is not None:
            text += f" and its largest VIF is {num(max_vif)}"
    if diag.one_hot:
        values["references"] = {b.column: b.reference_level for b in diag.one_hot}
        text += (
            f" (the levels of {names_list([b.column for b in diag.one_hot])} add up to 1 "
            "by construction of the one-hot encoding, so the reference level of each "
            "categorical is left out of these numbers)"
        )
    return Evidence("collinearity", text + ".", values)


def _many_levels(diag: Collinearity) -> list[Evidence]:
    """A note per categorical with more than MANY_LEVELS levels."""
    out = []
    for b in diag.one_hot:
        if b.size <= MANY_LEVELS:
            continue
        counts = np.asarray(b.counts)
        median_rows = float(np.median(counts))
        values = {
            "column": b.column,
            "n_levels": b.size,
            "rare_rows": RARE_LEVEL,
            "n_rare": int(np.sum(counts < RARE_LEVEL)),
            "n_single": int(np.sum(counts == 1)),
            "median_rows": median_rows,
        }
        text = (
            f"{b.column} is a categorical with {b.size} levels, one feature each (a median "
            f"of {num(median_rows)} rows per level; {values['n_rare']} levels "
            f"have fewer than {RARE_LEVEL} rows, {values['n_single']} a single row): a "
            "rare level's coefficient rests on its few rows and a level absent from a "
            "training fold cannot be learned there. Merge rare levels, or leave the column "
            "out if it identifies the rows."
        )
        out.append(Evidence("categorical", text, values))
    return out


def _constant(diag: Collinearity) -> list[Evidence]:
    if not diag.constant.size:
        return []
    names = diag.constant_names
    text = (
        f"{len(names)} constant column{'s' if len(names) > 1 else ''} ({names_list(names)}) "
        "carry no information; every model leaves them at zero."
    )
    return [Evidence("constant", text, {"n_constant": len(names), "names": names})]


def _grid_edge(m: ModelResult, rule: str) -> Evidence | None:
    if m.alphas.size < 2:
        return None
    mean = "predicting the mean" if m.classes is None else "predicting the class priors"
    i = int(np.flatnonzero(m.alphas == m.alpha)[0])
    values = {"model": m.name, "alpha": m.alpha, "alpha_rule": rule}
    if i == m.alphas.size - 1:
        text = (
            f"{SHORT[m.name]}'s chosen alpha ({num(m.alpha)}) is the smallest of its grid: "
            "its CV error may fall further with less regularization."
        )
    elif i == 0 and m.name != "l2":
        text = (
            f"{SHORT[m.name]}'s chosen alpha ({num(m.alpha)}) is the largest of its grid, "
            f"where it keeps {m.nnz} features: no feature improves on {mean}."
        )
        values["nnz"] = m.nnz
    elif i == 0:
        text = (
            f"{SHORT[m.name]}'s chosen alpha ({num(m.alpha)}) is the largest of its grid: "
            f"the features barely improve on {mean}."
        )
    else:
        return None
    return Evidence("grid_edge", text, values)
