"""``shrinkage infer``: confidence intervals and p-values after the lasso, on the terminal.

A thin shell over ``shrinkage.inference``: read and prepare the table as every command does
(``cli_shared._prepared``), call ``debiased_lasso``, ``selective_inference`` or
``multi_split``, print the result's table, what its intervals mean and how they were made, and
optionally write the result as JSON.  Errors follow ``cli.main``: exit code 2 and one line for
bad input.
"""

from __future__ import annotations

from pathlib import Path

import click

from .cli_shared import (
    CONTEXT,
    _check_outputs,
    _console,
    _data_options,
    _debug_option,
    _force_option,
    _prepared,
    _seed_option,
    _use_agg,
)

METHODS = ("debiased", "selective", "split")

INFER_EPILOG = """\
\b
Examples:
  shrinkage infer data.csv --target y
  shrinkage infer data.csv -t y --method selective --alpha 0.1
  shrinkage infer data.csv -t y --method split --json pvalues.json --force
  shrinkage infer data.csv -t y --report inference.html

\b
Methods, and when each is valid:
  debiased   (the default; R's hdi::lasso.proj) Estimates, standard
             errors, intervals and p-values for the coefficient of EVERY
             feature in the full linear model.  Valid when the model is
             linear with few non-zero coefficients (s log p / sqrt(n)
             small) and each feature is predicted by a few others;
             asymptotic.  The lasso's alpha is cross-validated unless
             --alpha is given; sigma from its residuals (RSS / (n - |S|
             - 1)); the nodewise alpha by cross-validation, lowered by
             Zhang and Zhang's rule (hdi's do.ZnZ) to cut the bias on
             large coefficients.
  selective  (R's selectiveInference::fixedLassoInf) Intervals and
             p-values for the partial coefficients of the features the
             lasso selects at the fixed --alpha, conditional on that
             selection.  Exact with Gaussian noise, no sparsity needed,
             but only about the selected model.  --alpha is required: it
             must be fixed before looking at y (a cross-validated alpha
             depends on y and breaks the conditioning).  A common choice
             is sqrt(2 log p / n) times the noise sd.
  split      (R's hdi::multi.split) p-values only, for H0: the feature's
             full-model coefficient is 0: the lasso selects on one half
             of the rows, least squares tests on the other, over 50
             random splits; valid when the lasso on half the rows keeps
             every relevant feature.  p_fwer and p_fdr are its familywise
             and false-discovery-rate adjusted p-values.

\b
--alpha uses the elastic-net scaling on standardized columns, as
`shrinkage fit --alpha`; estimates and intervals are on the features' own
scale.  The table shows raw p-values and Holm (familywise) and
Benjamini-Hochberg (FDR) adjusted ones; a NaN comes with its reason (e.g.
a feature collinear with the others).  --json writes the same result as
data (method, meaning, notes, one record per feature); --report writes an
HTML page (the table, a forest plot, what the intervals mean, how they
were made).  Neither overwrites a file without --force.
"""


@click.command(
    "infer",
    epilog=INFER_EPILOG,
    context_settings=CONTEXT,
    short_help="Confidence intervals and p-values after the lasso.",
)
@_data_options
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="debiased",
    show_default=True,
    help="debiased: every feature's full-model coefficient; selective: the features "
    "selected at --alpha; split: full-model p-values by sample splitting.",
)
@click.option(
    "--alpha",
    type=click.FloatRange(min=0.0, min_open=True),
    default=None,
    metavar="A",
    help="The lasso's alpha (standardized columns). Required by selective (fixed "
    "before looking at y); debiased and split cross-validate it when absent.",
)
@click.option(
    "--level",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.95,
    show_default=True,
    help="Confidence level of the intervals.",
)
@click.option(
    "--bootstrap",
    type=click.Choice(("residual", "wild")),
    default=None,
    help="debiased only: calibrate the intervals and p-values by bootstrapping the "
    "studentized estimates (Dezeure, Buhlmann and Zhang 2017; 1000 draws): "
    "closer to nominal when features far outnumber rows, 3-5x slower, p-values "
    "no smaller than 1/1001.",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Also write the result as JSON (.json).",
)
@click.option(
    "--report",
    "report_out",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Also write an HTML page: table and forest plot (.html).",
)
@_force_option
@_seed_option
@_debug_option
def infer(
    data,
    target,
    drop,
    impute,
    keep_index_columns,
    method,
    alpha,
    level,
    bootstrap,
    json_out,
    report_out,
    force,
    seed,
) -> None:
    """Confidence intervals and p-values for the features of DATA after the lasso."""
    from .io import JSON_EXTENSIONS, REPORT_EXTENSIONS

    if method == "selective" and alpha is None:
        raise click.UsageError(
            "--method selective needs --alpha: the selection it conditions "
            "on must be fixed before looking at y (a cross-validated alpha "
            "is not)."
        )
    if bootstrap is not None and method != "debiased":
        raise click.UsageError(
            f"--bootstrap calibrates the debiased lasso only; --method "
            f"{method} has its own p-values."
        )
    json_out, report_out = _check_outputs(
        [(json_out, "JSON results", JSON_EXTENSIONS), (report_out, "report", REPORT_EXTENSIONS)],
        force,
    )
    prepared = _prepared(data, target, drop, impute, keep_index_columns)
    res = run_inference(prepared, method, alpha=alpha, bootstrap=bootstrap, seed=seed)
    title = f"{prepared.preprocessing.target} ({data.name})"
    if json_out is not None:
        _write_json(res, level, json_out, force)
    if report_out is not None:
        _write_report(res, level, title, report_out, force)
    _print_result(res, level, title, json_out)
    if report_out is not None:
        # plain text: rich would wrap a long path and read [brackets] in it as markup
        click.echo(f"Report: {report_out}")


def run_inference(prepared, method: str, *, alpha=None, bootstrap=None, seed=0):
    """The library call behind ``infer``: an InferenceResult on the prepared table
    (``bootstrap``: "residual" or "wild" calibrates the debiased lasso, None does not)."""
    import numpy as np

    from .inference import debiased_lasso, multi_split, selective_inference

    X = prepared.X.to_numpy(dtype=np.float64)
    y = np.asarray(prepared.y, dtype=np.float64)
    names = list(prepared.feature_names)
    if method == "debiased":
        return debiased_lasso(
            X,
            y,
            alpha="cv" if alpha is None else alpha,
            bootstrap=bootstrap,
            feature_names=names,
            random_state=seed,
        )
    if method == "selective":
        return selective_inference(
            X, y, alpha, standardize=True, feature_names=names, random_state=seed
        )
    return multi_split(
        X, y, alpha="cv" if alpha is None else alpha, feature_names=names, random_state=seed
    )


def _write_json(res, level: float, path: Path, force: bool) -> None:
    import json

    from .io import write_text

    write_text(
        path,
        json.dumps(res.to_dict(level), indent=2, allow_nan=False) + "\n",
        force=force,
        what="JSON results",
    )


def _write_report(res, level: float, title: str, path: Path, force: bool) -> None:
    import shlex
    import sys

    from .io import write_text
    from .report.inference import build_inference_report

    _use_agg()
    command = "shrinkage " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    html = build_inference_report(
        res, level=level, alpha=1.0 - level, title=f"{res.method}: {title}", command=command
    )
    write_text(path, html, force=force, what="report")


def _print_result(res, level: float, title: str, json_out) -> None:
    """The table (one row per feature; the reasons for undefined rows below it), what the
    intervals mean and the notes."""
    from rich.table import Table

    frame = res.to_frame(level)
    pct = f"{100 * level:g}%"
    table = Table(title=f"{res.method}: {title}", title_justify="left")
    table.add_column("feature", no_wrap=True)
    for heading in (
        "coef",
        "std err",
        f"{pct} CI",
        "p",
        "p Holm",
        "p BH",
        *(f"p {name}" for name in res.extra_p_values),
    ):
        table.add_column(heading, justify="right", no_wrap=True)
    p_columns = ["p_value", "p_holm", "p_bh", *(f"p_{name}" for name in res.extra_p_values)]
    for name, row in frame.iterrows():
        lower, upper = row[f"ci_lower_{pct}"], row[f"ci_upper_{pct}"]
        interval = "-" if lower != lower else f"[{_number(lower)}, {_number(upper)}]"
        table.add_row(
            str(name),
            _number(row["coef"]),
            _number(row["std_err"]),
            interval,
            *(_number(row[c], digits=2) for c in p_columns),
        )
    console = _console()
    if len(frame):
        console.print(table)
    else:
        console.print(f"{res.method}: {title}: no feature to report.")
    for name, reason in frame["reason"].items():
        if reason:
            console.print(f"{name}: {reason}")
    console.print(res.meaning)
    for note in res.notes:
        console.print(f"- {note}")
    if json_out is not None:
        console.print(f"JSON: {json_out}")


def _number(value, digits: int = 3) -> str:
    """A short cell: '-' where undefined (NaN: the reason is printed below the table)."""
    if value != value:
        return "-"
    return f"{value:.{digits}g}"
