"""The ``shrinkage`` command: a thin shell over ``compare``, the estimators and ``shrinkage.io``.

Every command reads a table (``shrinkage.io.read_table``), prepares it (``shrinkage.io.prepare``:
one-hot encoding, missing values, the checks), calls the library and writes its outputs
atomically.  Errors the user can fix (``ValueError``, ``TypeError``, missing or existing files,
permissions, bad options) end with exit code 2 and one line on stderr; anything else is an
internal error, exit code 1, one line and a hint to rerun with ``--debug`` for the traceback.

Heavy modules (pandas, matplotlib, the solvers) are imported inside the commands, so ``--help``
costs only what ``import shrinkage`` does.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from . import __version__
from .cli_shared import (
    CONTEXT,
    _check_outputs,
    _console,
    _data_options,
    _debug_option,
    _drop,
    _force_option,
    _note_index_columns,
    _prepared,
    _seed_option,
    _use_agg,
)

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
PENALTY_ALIASES = {
    "l1": "l1",
    "lasso": "l1",
    "l2": "l2",
    "ridge": "l2",
    "elasticnet": "elasticnet",
    "elastic-net": "elasticnet",
    "elastic_net": "elasticnet",
    "en": "elasticnet",
}
LABELS = {
    "l1": "L1 (lasso)",
    "l2": "L2 (ridge)",
    "elasticnet": "Elastic Net",
    "mcp": "MCP",
    "scad": "SCAD",
}
#: the non-convex penalties `path` draws besides the three (least squares)
NONCONVEX_PENALTIES = ("mcp", "scad")
#: the errors a user can fix: exit code 2 and one line
USER_ERRORS = (
    ValueError,
    TypeError,
    FileNotFoundError,
    FileExistsError,
    PermissionError,
    IsADirectoryError,
    NotADirectoryError,
)

DESCRIPTION = """\
L1 (lasso), L2 (ridge) or both (Elastic Net)?  Compare the three penalties
on your own data, fit the one you choose, predict with it.

\b
`compare` cross-validates the three penalties (and the unpenalized fit)
on the same folds, bootstraps their selections, finds correlated
features and recommends one, with the numbers behind the advice, in the
terminal and in a self-contained HTML report; a target of class labels
(text, true/false, a few integers) compares logistic models instead.
`fit` saves a model (lasso, ridge, elasticnet, logistic, svm, poisson,
huber, quantile, group-lasso, mcp, scad, gamma, tweedie) to a JSON file
that `predict` applies to new data, and shrinkage.load reads in Python.
"""

EPILOG = """\
\b
Examples:
  shrinkage demo                        diabetes data -> demo-report.html
  shrinkage compare data.csv --target price               -> report.html
  shrinkage compare data.parquet -t y --drop id --impute median \\
      --out r.html --json r.json
  shrinkage fit data.csv -t price --model lasso --model-out model.json
  shrinkage fit data.csv -t label --model logistic --model-out clf.json
  shrinkage predict model.json new.csv --out predictions.csv
  shrinkage predict clf.json new.csv --proba --out - | head
  shrinkage path data.csv -t price --out path.png

\b
Data files (DATA):
  .csv, .tsv (.tab), .parquet (.pq; needs pyarrow:
  pip install 'shrinkage[parquet]'), .jsonl (.ndjson; .json with JSON lines
  or one array of records); text formats may be compressed (.gz, .bz2, .xz,
  .zip).  One row per sample, a header row naming each column once.  Text
  columns are one-hot encoded (one 0/1 column per category, named
  column=category); a column of numbers with a few text cells is an error.
  Empty cells and NA/NaN/null are missing values, refused unless
  --impute mean|median.  Index-like columns (row labels: rownames,
  Unnamed: 0, index or id with one value per row, or the row numbers 1..n
  or 0..n-1) are left out with a note, unless --keep-index-columns.  Every
  penalty acts on standardized columns and reports coefficients on the
  original scale.

\b
Outputs:
  The extension names the format, and any other is refused: the HTML
  report (.html, .htm) is one file (figures embedded, no network, no
  scripts); --json (.json) writes the same results as data; model files
  (.json) are JSON (coefficients, feature names, penalty, alpha, the fit's
  certificate, preprocessing; never pickle), checked against a schema when
  read; figures are .png, .svg or .pdf; predictions take the formats of
  DATA.  An existing file is overwritten only with --force; outputs are
  written to a temporary file and moved into place, so a failed run leaves
  nothing half-written.

\b
Shell completion (bash, zsh, fish): add to ~/.bashrc
  eval "$(_SHRINKAGE_COMPLETE=bash_source shrinkage)"
(zsh_source in ~/.zshrc; fish_source for fish).  `python -m shrinkage`
runs the same command where the script is not on PATH.

\b
Exit codes:
  0  success
  1  internal error (a bug: rerun with --debug for the traceback)
  2  bad usage or input (the reason on one line of stderr)

Run 'shrinkage COMMAND --help' for the options of a command.
"""


@click.group(context_settings=CONTEXT, help=DESCRIPTION, epilog=EPILOG)
@click.version_option(__version__, "--version", "-V", prog_name="shrinkage")
@_debug_option
def cli() -> None:
    pass


# --------------------------------------------------------------------------------------------
# penalty names


def _penalty_list(value: str, param: str, nonconvex: bool = False) -> tuple[str, ...]:
    """The penalties named in ``value`` (aliases resolved, each once); ``nonconvex`` admits
    mcp and scad too."""
    aliases = {**PENALTY_ALIASES, **({p: p for p in NONCONVEX_PENALTIES} if nonconvex else {})}
    names = [s.strip().lower() for s in value.split(",") if s.strip()]
    unknown = [s for s in names if s not in aliases]
    if unknown or not names:
        more = ", elasticnet, mcp and/or scad" if nonconvex else " and/or elasticnet"
        raise click.BadParameter(
            f"unknown penalty {unknown[0] if unknown else value!r}; use "
            f"l1, l2{more}, comma-separated.",
            param_hint=param,
        )
    return tuple(dict.fromkeys(aliases[s] for s in names))


# --------------------------------------------------------------------------------------------
# compare and demo

COMPARE_EPILOG = """\
\b
Examples:
  shrinkage compare houses.csv --target price
  shrinkage compare houses.parquet -t price --drop id,address \\
      --impute median --penalties l1,elasticnet --cv 10 \\
      --out houses.html --json houses.json --force

\b
The report (--out, default report.html) holds: the data and how it was
prepared, the recommendation with its evidence, the summary table, CV
curves, coefficient paths, the coefficients by feature, bootstrap
selection stability, correlated groups with a correlation heat map, the
constraint geometry (L1 diamond, L2 circle), shrinkage behaviour, and bias
and variance against alpha.  Alphas use the elastic-net scaling for every
penalty (an L2 alpha A is scikit-learn's Ridge(alpha=A*n)), so
`shrinkage fit --alpha` takes them as they are.
"""


@cli.command(
    epilog=COMPARE_EPILOG,
    context_settings=CONTEXT,
    short_help="Compare L1, L2 and Elastic Net; recommend one; HTML report.",
)
@_data_options
@click.option(
    "--task",
    type=click.Choice(["auto", "regression", "classification"]),
    default="auto",
    show_default=True,
    help="auto: a target that looks like class labels (text, true/false, at most 10 "
    "distinct integers) is classified with logistic models (multinomial for 3+ "
    "classes), any other is a regression; regression takes few integers as a "
    "number.",
)
@click.option(
    "--scoring",
    type=click.Choice(["mse", "mae", "r2", "deviance", "accuracy", "roc_auc", "brier"]),
    default=None,
    help="The CV error: mse (default), mae or r2 for regression; "
    "deviance (default), accuracy, roc_auc or brier for classes.",
)
@click.option(
    "--penalties",
    default="l1,l2,elasticnet",
    show_default=True,
    metavar="LIST",
    help="Penalties to compare, comma-separated: l1, l2, elasticnet.",
)
@click.option(
    "--cv",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    metavar="K",
    help="Folds of the cross-validation.",
)
@click.option(
    "--repeats",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    metavar="R",
    help="Repeats of the K-fold split (the spread of the error).",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(min=2),
    default=100,
    show_default=True,
    metavar="B",
    help="Bootstrap refits for the selection stability.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    default=Path("report.html"),
    show_default=True,
    metavar="FILE",
    help="The HTML report (.html or .htm).",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Also write the results as JSON (.json).",
)
@_force_option
@_seed_option
@click.option("--no-progress", is_flag=True, help="No progress bars on stderr.")
@_debug_option
def compare(
    data,
    target,
    drop,
    impute,
    keep_index_columns,
    task,
    scoring,
    penalties,
    cv,
    repeats,
    bootstrap,
    out,
    json_out,
    force,
    seed,
    no_progress,
) -> None:
    """Compare L1, L2 and Elastic Net on DATA, recommend one, and write an HTML report.

    Each penalty is cross-validated on the same folds (the CV error and its spread over
    repeated splits), refitted on bootstrap samples (how stable its selection is) and compared
    with the unpenalized fit (least squares, or logistic regression and the class priors for
    class labels); correlated groups of features and how each penalty treats
    them are found.  The terminal shows the summary table and the recommendation.
    """
    from .io import read_table

    penalties = _penalty_list(penalties, "--penalties")
    outputs = _check_outputs(_report_outputs(out, json_out), force)
    df = read_table(data)
    _run_compare(
        df,
        data.name,
        target=target,
        drop=_drop(drop),
        impute=impute,
        keep_index_columns=keep_index_columns,
        task=task,
        penalties=penalties,
        cv=cv,
        repeats=repeats,
        bootstrap=bootstrap,
        out=outputs[0],
        json_out=outputs[1],
        force=force,
        seed=seed,
        progress=False if no_progress else None,
        scoring=scoring,
    )


DEMO_EPILOG = """\
\b
Examples:
  shrinkage demo                     writes demo-report.html (not over an old one)
  shrinkage demo --force --out /tmp/demo.html --json /tmp/demo.json

\b
The data: scikit-learn's diabetes study, 442 patients, 10 baseline
measurements in their own units (age, sex, body mass index, blood pressure
and six blood serum measurements s1-s6); the target is a measure of disease
progression one year later.  `make demo` runs `shrinkage demo --force`:
demo-report.html is the demo's own output, rewritten on every run.
"""


@cli.command(
    epilog=DEMO_EPILOG,
    context_settings=CONTEXT,
    short_help="Run compare on the bundled diabetes data.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    default=Path("demo-report.html"),
    show_default=True,
    metavar="FILE",
    help="The HTML report (.html or .htm).",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Also write the results as JSON (.json).",
)
@_force_option
@_seed_option
@click.option("--no-progress", is_flag=True, help="No progress bars on stderr.")
@_debug_option
def demo(out, json_out, force, seed, no_progress) -> None:
    """Compare L1, L2 and Elastic Net on bundled real data (the diabetes study).

    Runs `compare` on scikit-learn's diabetes data and writes demo-report.html.
    """
    from ._jit import compile_note, compile_time
    from .demos import compare as diabetes

    outputs = _check_outputs(_report_outputs(out, json_out), force)
    df = diabetes.demo_table()
    click.echo(diabetes.introduction(df))
    with compile_time() as spent:
        _run_compare(
            df,
            diabetes.SOURCE,
            target=diabetes.TARGET,
            drop=[],
            impute=None,
            keep_index_columns=False,
            task="regression",
            penalties=diabetes.PENALTIES,
            cv=diabetes.CV,
            repeats=diabetes.REPEATS,
            bootstrap=diabetes.BOOTSTRAP,
            out=outputs[0],
            json_out=outputs[1],
            force=force,
            seed=seed,
            progress=False if no_progress else None,
        )
    note = compile_note(spent)
    if note is not None:
        click.echo(note)


def _report_outputs(out, json_out) -> list:
    from .io import JSON_EXTENSIONS, REPORT_EXTENSIONS

    return [(out, "report", REPORT_EXTENSIONS), (json_out, "JSON results", JSON_EXTENSIONS)]


def _run_compare(
    df,
    source: str,
    *,
    target,
    drop,
    impute,
    keep_index_columns,
    task,
    penalties,
    cv,
    repeats,
    bootstrap,
    out,
    json_out,
    force,
    seed,
    progress,
    scoring=None,
) -> None:
    import json

    import numpy as np

    from .io import prepare, write_text

    labels = _class_target(df, target, task, source)
    if labels is None:
        prepared = prepare(
            df,
            target,
            drop=drop,
            impute=impute,
            keep_index_columns=keep_index_columns,
            source=source,
        )
        y, summary, task = prepared.y, prepared.summary(), "regression"
    else:
        from .comparison.classification import check_classes

        classes, codes = np.unique(labels, return_inverse=True)
        counts = np.bincount(codes, minlength=classes.size)
        cv = check_classes(classes, counts, cv)
        # the features are prepared as for a regression, on the class codes as the target
        prepared = prepare(
            df.assign(**{target: codes}),
            target,
            drop=drop,
            impute=impute,
            keep_index_columns=keep_index_columns,
            source=source,
        )
        y, summary, task = classes[codes], prepared.summary(), "classification"
        summary["target_stats"] = None
        summary["classes"] = {str(k): int(c) for k, c in zip(classes, counts, strict=True)}
    _note_index_columns(prepared)
    _use_agg()
    from .comparison.api import compare as run
    from .report import build_report

    comparison = run(
        prepared.X,
        y,
        task=task,
        penalties=penalties,
        cv=cv,
        n_repeats=repeats,
        n_bootstrap=bootstrap,
        random_state=seed,
        progress=progress,
        scoring=scoring,
        one_hot={
            c.name: c.features for c in prepared.preprocessing.columns if c.kind == "categorical"
        },
    )
    try:
        html = build_report(
            comparison,
            prepared.X,
            y,
            data=summary,
            random_state=seed,
            progress=progress,
            command=_command_line(),
        )
    except (ValueError, TypeError) as e:  # the input is checked by now: this is a bug
        raise RuntimeError(f"the report failed: {type(e).__name__}: {e}") from e
    write_text(out, html, force=force, what="report")
    if json_out is not None:
        results = {
            "format": "shrinkage-comparison",
            "shrinkage_version": __version__,
            "data": summary,
            "preprocessing": prepared.preprocessing.to_dict(),
            "comparison": comparison.to_dict(),
        }
        write_text(
            json_out,
            json.dumps(results, indent=2, allow_nan=False) + "\n",
            force=force,
            what="JSON results",
        )
    _print_comparison(comparison, prepared, source, out, json_out)


def _class_target(df, target: str, task: str, source: str):
    """The target column as class labels (``--task classification``, or auto with a column
    that looks like classes), else None; refuses missing labels."""
    from .comparison.settings import looks_like_classes

    if target not in [str(c) for c in df.columns]:
        return None
    column = df[next(c for c in df.columns if str(c) == target)]
    if task == "regression":
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        if (is_bool_dtype(column) or not is_numeric_dtype(column)) and looks_like_classes(
            column.dropna()
        ) is not None:
            raise ValueError(
                f"the target column {target!r} of {source} holds class labels "
                f"(e.g. {column.dropna().iloc[0]!r}), not numbers: --task "
                "regression needs a numeric target; use --task classification "
                "(or auto)."
            )
        return None
    if task == "auto" and looks_like_classes(column) is None:
        return None
    return _as_labels(column, target, source)


def _as_labels(column, target: str, source: str):
    """The target column's values as class labels: missing labels refused, labels of
    mixed types (numbers and text) as text."""
    from . import _validation as v

    v.check_no_missing({target: int(column.isna().sum())}, source, target=True)
    labels = column.to_numpy()
    if labels.dtype.kind == "O" and len({type(a) for a in labels}) > 1:
        labels = labels.astype(str)
    return labels


def _print_comparison(c, prepared, source: str, out, json_out) -> None:
    from rich.panel import Panel
    from rich.table import Table

    from .comparison.recommend import num

    console = _console()
    what = ""
    if c.classes is not None:
        shown = ", ".join(
            f"{k} {n}" for k, n in zip(c.classes[:6], c.class_counts[:6], strict=True)
        )
        what = (
            f" ({len(c.classes)} classes: {shown}{', ...' if len(c.classes) > 6 else ''}; "
            f"{'binary' if len(c.classes) == 2 else 'multinomial'} logistic)"
        )
    table = Table(
        title=f"{source}: {c.n_samples} rows, {c.n_features} features, predicting "
        f"{prepared.preprocessing.target}{what}",
        caption=f"same {c.n_folds}-fold {'stratified ' if what else ''}CV x "
        f"{c.n_repeats} for all; alpha_{c.alpha_rule}; {c.n_bootstrap} "
        "bootstraps",
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("model")
    table.add_column("alpha", justify="right")
    table.add_column(f"CV {c.scoring}", justify="right")
    table.add_column("± SE", justify="right")
    table.add_column("features", justify="right")
    table.add_column("")
    models = {**c.models, **({"null": c.null} if c.null is not None else {})}
    for name, m in models.items():
        chosen = name == c.recommended
        table.add_row(
            m.label,
            "-" if m.l1_ratio is None else num(m.alpha),
            num(m.cv_error),
            num(m.cv_error_se),
            f"{m.nnz} of {c.n_features}",
            "<- recommended" if chosen else "",
            style="bold" if chosen else None,
        )
    console.print(table)
    console.print(
        Panel(
            c.recommendation,
            title=f"Recommended: {c[c.recommended].label}",
            title_align="left",
            expand=False,
        )
    )
    # plain text: rich would wrap a long path and read [brackets] in it as markup
    click.echo(f"Report: {out}" + (f"   JSON: {json_out}" if json_out else ""))


def _command_line() -> str:
    args = [a for a in sys.argv[1:] if a != "--debug"]
    return " ".join(["shrinkage", *(shlex.quote(a) for a in args)])


# --------------------------------------------------------------------------------------------
# fit and predict

#: table_models.MODELS' names, written out so that the command starts without numpy
MODEL_NAMES = (
    "lasso",
    "ridge",
    "elasticnet",
    "logistic",
    "svm",
    "poisson",
    "huber",
    "quantile",
    "group-lasso",
    "mcp",
    "scad",
    "gamma",
    "tweedie",
)

FIT_EPILOG = """\
\b
Examples:
  shrinkage fit houses.csv -t price --model lasso --model-out lasso.json
  shrinkage fit houses.csv -t price --model elasticnet --l1-ratio 0.3 \\
      --cv 10 --alpha-rule 1se --model-out en.json
  shrinkage fit houses.csv -t price --model ridge --alpha 0.0673 \\
      --model-out ridge.json
  shrinkage fit churn.csv -t churned --model logistic --penalty l1 \\
      --model-out churn.json
  shrinkage fit visits.csv -t count --model poisson --model-out visits.json
  shrinkage fit prices.csv -t price --model quantile --quantile 0.9 \\
      --model-out p90.json
  shrinkage fit genes.csv -t response --model mcp --gamma 2.5 \\
      --model-out mcp.json
  shrinkage fit claims.csv -t loss --model tweedie --power 1.6 \\
      --penalty l1 --model-out losses.json
  cat data.csv | shrinkage fit - -t y --model lasso --model-out - > m.json

\b
Models (--model): lasso, ridge, elasticnet (least squares); logistic
(class labels, multinomial for 3+ classes) and svm (squared hinge), whose
target may be text: predict writes the labels back; poisson (counts);
huber (robust; alpha in scikit-learn's scaling of a sum over rows);
quantile (--quantile, the median by default); group-lasso (each input
column's one-hot columns enter and leave together; classes for a text or
true/false target); mcp and scad (least squares with the non-convex MCP
or SCAD penalty: large coefficients are not shrunk; --gamma sets the
concavity, 3 and 3.7 by default); gamma (positive amounts, log link) and
tweedie (amounts >= 0 with exact zeros, log link; --power p in [1, 2],
1.5 by default: 1 is Poisson, 2 is Gamma).  --penalty l1|l2|elasticnet
picks the penalty of the model (lasso, ridge and elasticnet are least
squares with that penalty, and --penalty alone still selects them, as in
earlier versions); mcp and scad are penalties of their own.

\b
Without --alpha, alpha is chosen by K-fold cross-validation (--cv, 5 folds
by default): by the model's own CV estimator for the least-squares,
logistic and Poisson models, otherwise over 20 alphas from an upper bound
of the smallest alpha that zeroes every coefficient down to 1e-3 of it
(the CV error: mean squared error; for gamma and tweedie the mean
deviance).  Alpha is in the elastic-net scaling for the least-squares
models, as `compare` reports it: a ridge alpha A fits scikit-learn's
Ridge(alpha=A*n).  The fit's certificate is printed and stored: its
duality gap (for mcp and scad, whose penalty is not convex, and tweedie
with a power outside [1, 2], whose loss is not, the KKT violation: a
stationary point, not necessarily the global minimum), and
whether the fit converged.  Every model penalizes standardized columns
(mcp and scad as in ncvreg) and its coefficients, printed and in the
model file, are on the original scale.  The model file (.json) is JSON,
never pickle: the preprocessing `predict` replays and the fitted
estimator, which shrinkage.load("model.json") gives back in Python (the
format is documented in shrinkage.io.model_files).  DATA "-" reads CSV
from stdin; --model-out - writes the model to stdout.
"""


def _verbosity_options(f):
    f = click.option(
        "--verbose",
        "-v",
        is_flag=True,
        help="Say more: how alpha was chosen, the coefficients kept.",
    )(f)
    return click.option(
        "--quiet", "-q", is_flag=True, help="Print nothing but errors (and warnings)."
    )(f)


def _say(text: str, quiet: bool, *, err: bool = False) -> None:
    if not quiet:
        click.echo(text, err=err)


@cli.command(
    epilog=FIT_EPILOG, context_settings=CONTEXT, short_help="Fit a model and save it (JSON)."
)
@_data_options
@click.option(
    "--model",
    "model_name",
    type=click.Choice(MODEL_NAMES),
    default=None,
    metavar="NAME",
    help=f"The model to fit: {', '.join(MODEL_NAMES)} (see below); default: the "
    "--penalty's least squares.",
)
@click.option(
    "--penalty",
    type=click.Choice(["l1", "l2", "elasticnet"]),
    default=None,
    help="The penalty: l1, l2 or elasticnet (--l1-ratio mixes them). Without "
    "--model: lasso, ridge or elasticnet.",
)
@click.option(
    "--alpha",
    type=click.FloatRange(min=0.0),
    default=None,
    metavar="A",
    help="The penalty strength; excludes --cv.",
)
@click.option(
    "--cv",
    type=click.IntRange(min=2),
    default=None,
    metavar="K",
    help="Choose alpha by K-fold cross-validation (the default, with 5 folds).",
)
@click.option(
    "--alpha-rule",
    type=click.Choice(["min", "1se"]),
    default="min",
    show_default=True,
    help="With --cv: the lowest CV error, or the largest alpha within one standard error of it.",
)
@click.option(
    "--l1-ratio",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.5,
    show_default=True,
    help="The Elastic Net's mix of L1 and L2.",
)
@click.option(
    "--quantile",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.5,
    show_default=True,
    help="The quantile of --model quantile.",
)
@click.option(
    "--gamma",
    type=float,
    default=None,
    metavar="G",
    help="The concavity of --model mcp (> 1, default 3) or scad (> 2, default 3.7): "
    "small is close to best subset, large to the lasso.",
)
@click.option(
    "--power",
    type=float,
    default=None,
    metavar="P",
    help="The variance power of --model tweedie, 1 <= P <= 2 (default 1.5).",
)
@click.option(
    "--model-out",
    type=click.Path(path_type=Path),
    required=True,
    metavar="FILE",
    help="The model file to write (JSON: .json; - for stdout).",
)
@_force_option
@_seed_option
@_verbosity_options
@_debug_option
def fit(
    data,
    target,
    drop,
    impute,
    keep_index_columns,
    model_name,
    penalty,
    alpha,
    cv,
    alpha_rule,
    l1_ratio,
    quantile,
    gamma,
    power,
    model_out,
    force,
    seed,
    quiet,
    verbose,
) -> None:
    """Fit a model on DATA and save it as JSON."""
    import numpy as np

    from .io import JSON_EXTENSIONS, dumps_model
    from .table_models import MODELS, fit_table_model, model_task, pipeline

    if alpha is not None and cv is not None:
        raise click.UsageError(
            "--alpha and --cv exclude each other: give a fixed alpha or "
            "let cross-validation choose it."
        )
    name = _model_name(model_name, penalty)
    gamma, power = _model_options(name, gamma, power)
    to_stdout = str(model_out) == "-"
    if not to_stdout:
        _check_outputs([(model_out, "model file", JSON_EXTENSIONS)], force)
    df, source = _read_data(data)
    labels = _labels(df, target, source, name)
    task = model_task(name, labels is not None)
    if task == "classification" and labels is None:
        labels = _labels(df, target, source, name, force_labels=True)
    prepared = _prepare_table(df, source, target, drop, impute, keep_index_columns, labels)
    y = prepared.y if labels is None else labels
    fitted = fit_table_model(
        prepared,
        y,
        name,
        alpha=alpha,
        cv=5 if alpha is None and cv is None else cv,
        penalty=penalty,
        l1_ratio=l1_ratio,
        alpha_rule=alpha_rule,
        quantile=quantile,
        gamma=gamma,
        power=power,
        seed=seed,
    )
    info = {
        "task": task,
        "target": target,
        "model": name,
        "alpha_selection": fitted.selection,
        "certificate": fitted.certificate,
        "training": {"n_samples": int(prepared.n_rows), "source": source},
    }
    text = dumps_model(pipeline(prepared, fitted), info)
    if to_stdout:
        click.echo(text, nl=False)
    else:
        from .io import write_text

        write_text(model_out, text, force=force, what="model file")
    coef = fitted.coefficients()
    kept = int(np.sum(np.any(coef != 0, axis=0)))
    how = (
        "given"
        if fitted.selection["method"] == "given"
        else f"{fitted.selection['folds']}-fold CV, alpha_{alpha_rule}"
    )
    ratio = "" if fitted.l1_ratio is None else f", l1_ratio = {fitted.l1_ratio:g}"
    ratio += "".join(
        f", {key} = {getattr(fitted.estimator, key):g}"
        for key in ("gamma", "power")
        if hasattr(fitted.estimator, key)
    )
    label = MODELS[name][1]

    def say(text: str) -> None:
        _say(text, quiet, err=to_stdout)

    say(
        f"{label} on {prepared.n_rows} rows: alpha = {fitted.alpha:.4g} ({how}){ratio}, "
        f"{kept} of {coef.shape[1]} features kept."
    )
    say(_certificate_line(fitted.certificate))
    if verbose:
        _describe_fit(fitted, prepared, labels, say)
    if not to_stdout:
        say(f"Model: {model_out}")


def _model_name(model_name, penalty) -> str:
    """--model, or the least-squares model of --penalty (the earlier command line)."""
    from .table_models import NONCONVEX_MODELS, PENALTY_MODELS

    if model_name is None:
        if penalty is None:
            raise click.UsageError(f"give --model ({', '.join(MODEL_NAMES)}) or --penalty.")
        return PENALTY_MODELS[penalty]
    if model_name in NONCONVEX_MODELS and penalty is not None:
        raise click.UsageError(
            f"--model {model_name} is least squares with the "
            f"{model_name.upper()} penalty; --penalty {penalty} applies to "
            "the other models."
        )
    implied = {v: k for k, v in PENALTY_MODELS.items()}.get(model_name)
    if implied is not None and penalty not in (None, implied):
        raise click.UsageError(
            f"--model {model_name} is least squares with the {implied} "
            f"penalty; --penalty {penalty} asks for "
            f"--model {PENALTY_MODELS[penalty]}."
        )
    return model_name


def _model_options(name: str, gamma, power) -> tuple:
    """(--gamma, --power) checked by the library for the model that takes each (the defaults
    filled in); either given to another model is a usage error."""
    from .table_models import NONCONVEX_MODELS, check_options

    for option, value, models in (
        ("--gamma", gamma, NONCONVEX_MODELS),
        ("--power", power, ("tweedie",)),
    ):
        if value is not None and name not in models:
            raise click.UsageError(
                f"{option} applies to --model {' or '.join(models)}, not --model {name}."
            )
    try:
        return check_options(name, gamma, 1.5 if power is None else power)
    except ValueError as e:
        raise click.BadParameter(
            str(e), param_hint="--gamma" if name in NONCONVEX_MODELS else "--power"
        ) from None


def _labels(df, target: str, source: str, name: str, force_labels: bool = False):
    """The target as class labels for a classifier (text, true/false or integers; missing
    labels refused), else None."""
    import numpy as np

    from .table_models import MODELS

    columns = [str(c) for c in df.columns]
    if target not in columns:
        return None
    column = df.iloc[:, columns.index(target)]
    task = MODELS[name][0]
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    text = is_bool_dtype(column) or not is_numeric_dtype(column)
    if not (force_labels or task == "classification" or (task == "auto" and text)):
        return None
    labels = _as_labels(column, target, source)
    if len(np.unique(labels)) < 2:
        raise ValueError(
            f"the target column {target!r} of {source} has a single class "
            f"({labels[0]!r}); a classifier needs at least 2."
        )
    return labels


def _prepare_table(df, source, target, drop, impute, keep_index_columns, labels):
    """``prepare`` the table; class labels are prepared as their codes (only the features
    are used)."""
    import numpy as np

    from .io import prepare

    if labels is not None:
        codes = np.unique(labels, return_inverse=True)[1]
        df = df.set_axis([str(c) for c in df.columns], axis=1).assign(**{target: codes})
    prepared = prepare(
        df,
        target,
        drop=_drop(drop),
        impute=impute,
        keep_index_columns=keep_index_columns,
        source=source,
    )
    _note_index_columns(prepared)
    return prepared


def _describe_fit(fitted, prepared, labels, say) -> None:
    import numpy as np

    selection = fitted.selection
    if selection["method"] == "cv" and "alpha_min" in selection:
        say(
            f"CV: alpha_min = {selection['alpha_min']:.4g}, alpha_1se = "
            f"{selection['alpha_1se']:.4g} ({selection['folds']} folds, seed "
            f"{selection['seed']})."
        )
    elif selection["method"] == "cv":
        best = int(np.argmin(selection["cv_mean"]))
        say(
            f"CV ({selection['scoring']}): {len(selection['alphas'])} alphas from "
            f"{selection['alphas'][0]:.4g} to {selection['alphas'][-1]:.4g}, the lowest error "
            f"{selection['cv_mean'][best]:.4g} at alpha = {selection['alphas'][best]:.4g}."
        )
    est = fitted.estimator
    if labels is not None:
        say(f"Classes: {', '.join(str(c) for c in est.classes_)}.")
    coef = fitted.coefficients()
    for row, w in enumerate(coef):
        head = (
            f"Coefficients ({est.classes_[row if len(coef) > 1 else 1]})"
            if labels is not None
            else "Coefficients"
        )
        kept = [f"{n} {x:+.4g}" for n, x in zip(prepared.feature_names, w, strict=True) if x]
        say(f"{head}: {', '.join(kept) if kept else 'none'}.")


def _read_data(data: Path):
    """(the table, its name in messages): ``-`` reads CSV from stdin."""
    from .io import read_table

    if str(data) != "-":
        return read_table(data), data.name
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stdin.csv"
        path.write_bytes(sys.stdin.buffer.read())
        return read_table(path), "stdin"


def _certificate_line(certificate: dict) -> str:
    gap, tol = certificate["duality_gap"], certificate.get("tolerance")
    if certificate.get("kind") == "kkt":  # a non-convex problem: a stationary point at best
        if certificate["converged"]:
            return (
                f"Converged: KKT violation {gap:.3g} within the solver's tolerance: a "
                "stationary point (the objective is not convex: the mcp / scad penalty, or "
                "the tweedie loss for a power outside [1, 2]; not necessarily the global "
                "minimum)."
            )
        return (
            f"NOT converged: KKT violation {gap:.3g} above the solver's tolerance; the "
            "coefficients may be off. Try a larger alpha (mcp, scad: or a larger --gamma)."
        )
    if certificate["converged"]:
        if tol is None:
            return (
                f"Converged: certificate {gap:.3g} within the solver's tolerance: the "
                "objective is within it of its minimum."
            )
        return (
            f"Converged: duality gap {gap:.3g} <= tolerance {tol:.3g} (tol x variance of "
            "the target): the objective is within the gap of its minimum."
        )
    bound = "" if tol is None else f" > tolerance {tol:.3g}"
    return (
        f"NOT converged: certificate {gap:.3g}{bound}; the coefficients may be off. Try a "
        "larger alpha, or fewer or rescaled features."
    ).replace("certificate", "duality gap", tol is not None)


PREDICT_EPILOG = """\
\b
Examples:
  shrinkage predict model.json new.csv --out predictions.csv
  shrinkage predict model.json new.parquet --keep id --out preds.parquet
  shrinkage predict churn.json new.csv --proba --out p.csv
  cat new.csv | shrinkage predict model.json - --out - > predictions.csv

\b
DATA needs every input column the model was trained on (others, the target
included, are ignored).  The preprocessing is replayed: the same one-hot
categories (a category not seen in training is an error) and, for a model
fitted with --impute, the same fill values for missing cells.  The output
has one row per row of DATA: the --keep columns, then "prediction" (class
labels as in training for a classifier), then with --proba one column
"proba_LABEL" per class.  Its format follows the extension, as for DATA:
.csv, .tsv (.tab), .parquet (.pq), .jsonl (.ndjson) or .json, the text
formats optionally compressed (.gz, .bz2, .xz, .zip); any other extension
is refused.  "-" reads DATA (CSV) from stdin or writes CSV to stdout.
MODEL may be any file of shrinkage.save (a pipeline with a Preprocessor,
or an estimator fitted on named columns) or of earlier versions.
"""


@cli.command(
    epilog=PREDICT_EPILOG,
    context_settings=CONTEXT,
    short_help="Predict new data with a saved model.",
)
@click.argument("model", type=click.Path(path_type=Path))
@click.argument("data", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    required=True,
    metavar="FILE",
    help="The predictions to write (.csv, .tsv, .parquet, .jsonl or .json; - for stdout).",
)
@click.option(
    "--keep",
    multiple=True,
    metavar="COLS",
    help="Columns of DATA to copy into the output (e.g. an id), comma-separated.",
)
@click.option(
    "--proba", is_flag=True, help="Also write the probability of each class (classifiers)."
)
@_force_option
@_verbosity_options
@_debug_option
def predict(model, data, out, keep, proba, force, quiet, verbose) -> None:
    """Predict DATA with a model saved by `fit` (MODEL is its JSON file)."""
    import pandas as pd

    from . import _validation as v
    from .io import check_output, read_model, table_format, write_table
    from .table_models import MODELS, predict_table

    if str(model) == "-" and str(data) == "-":
        raise click.UsageError("MODEL and DATA cannot both be read from stdin.")
    to_stdout = str(out) == "-"
    if not to_stdout:
        table_format(out, what="predictions")
        check_output(out, force=force, what="predictions")
    estimator, info = read_model(model)
    name = info.get("model")
    if name is not None and name not in MODELS:
        where = "stdin" if str(model) == "-" else Path(model).name  # as read_model names it
        raise ValueError(
            f"{where}: model {str(name)[:40]!r} is not one of the command line's "
            f"models ({', '.join(MODELS)})."
        )
    df, source = _read_data(data)
    keep = _drop(keep)
    v.check_columns_present(keep, df.columns, "column to keep", source)
    preds, probabilities, classes = predict_table(estimator, df, source=source, proba=proba)
    frame = pd.DataFrame({c: df[c].to_numpy() for c in keep})
    names = ["prediction"] + ([] if probabilities is None else [f"proba_{c}" for c in classes])
    clash = [c for c in names if c in frame.columns]
    if clash:
        raise ValueError(
            f"--keep lists a column named {clash[0]!r}, one of the output's own columns."
        )
    frame["prediction"] = preds
    if probabilities is not None:
        for j, c in enumerate(classes):
            frame[f"proba_{c}"] = probabilities[:, j]
    if to_stdout:
        frame.to_csv(sys.stdout, index=False)
    else:
        write_table(frame, out, force=force, what="predictions")
    label = (
        LABELS.get(str(info.get("penalty")))
        or (None if name is None else MODELS[name][1])
        or type(estimator).__name__
    )
    where = "" if to_stdout else f": {out}"
    _say(
        f"{len(preds)} predictions of {info.get('target') or 'the target'} ({label}){where}",
        quiet,
        err=to_stdout,
    )
    if verbose:
        trained = info.get("training", {})
        _say(
            f"Model: {type(estimator).__name__}, trained on {trained.get('n_samples', '?')} rows "
            f"of {trained.get('source', '?')} (shrinkage {info.get('shrinkage_version', '?')}).",
            quiet,
            err=to_stdout,
        )


# --------------------------------------------------------------------------------------------
# path

PATH_EPILOG = """\
\b
Examples:
  shrinkage path houses.csv -t price --out path.png
  shrinkage path houses.csv -t price --penalty l1 --out lasso-path.svg
  shrinkage path houses.csv -t price --penalty l1,mcp,scad --out paths.pdf

\b
The figure format follows the extension: .png, .svg or .pdf.  L1 and the
Elastic Net run from alpha_max (every coefficient zero) down to 1e-4 of it;
L2, which never zeroes a coefficient, on the grid `compare` uses.  MCP and
SCAD (least squares with a non-convex penalty, concavity 3 and 3.7) run
from alpha_max down, each fit warm-started from the previous one.  The fits
use standardized columns; coefficients are drawn on the original scale.
"""

NN_DEMO_EPILOG = """\
\b
Examples:
  shrinkage nn-demo
  shrinkage nn-demo --quick
  shrinkage nn-demo --out docs/figures --force

\b
--out names a directory (created if missing), not a file: the figures
nn-weights.png and nn-path.png and the tables nn-demo.csv and nn-demo.json
go inside it; a DIR ending in a file extension such as .png or .pdf is
refused.  Existing files in DIR are never overwritten without --force.
"""


@cli.command(
    "nn-demo",
    epilog=NN_DEMO_EPILOG,
    context_settings=CONTEXT,
    short_help="Weight decay, AdamW, proximal L1 and group L1 on a small network.",
)
@click.option(
    "--out",
    "-o",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Also write nn-weights.png, nn-path.png, nn-demo.csv and nn-demo.json "
    "in DIR (created if missing).",
)
@click.option(
    "--quick", is_flag=True, help="A few epochs only: a smoke test, not the documented numbers."
)
@_force_option
@_debug_option
def nn_demo(out_dir, quick, force) -> None:
    """Train an MLP on scikit-learn's digits nine ways; print the table.

    SGD and Adam without a penalty, SGD + L2 in the loss, SGD + weight_decay, Adam + L2 in the
    loss, AdamW at the same decay per step, L1 in the loss (subgradient), proximal L1,
    proximal group-L1 + pruning; then an L1 regularization path.  CPU, about 20 s.  Needs
    PyTorch: pip install 'shrinkage[torch]'.  Guide: docs/neural-networks.md.
    """
    if out_dir is not None:
        _check_directory_name(out_dir)
    try:
        from .demos.nn import run_nn_demo
    except ImportError as e:
        raise click.ClickException(
            f"nn-demo needs PyTorch: pip install 'shrinkage[torch]' ({e})."
        ) from e
    click.echo(run_nn_demo(out_dir=out_dir, quick=quick, force=force))


def _check_directory_name(out_dir: Path) -> None:
    """Refuse a directory named like a file we write (``--out figure.png``)."""
    from .io import FIGURE_EXTENSIONS, FORMATS, JSON_EXTENSIONS, REPORT_EXTENSIONS

    suffix = out_dir.suffix.lower()
    if suffix in (*FIGURE_EXTENSIONS, *REPORT_EXTENSIONS, *JSON_EXTENSIONS, *FORMATS):
        raise ValueError(
            f"--out names the directory the figures go in (nn-weights.png, "
            f"nn-path.png, with the tables nn-demo.csv and nn-demo.json); "
            f"{str(out_dir)!r} ends in {suffix!r}, like a file: give a directory "
            "name."
        )


@cli.command(
    "path", epilog=PATH_EPILOG, context_settings=CONTEXT, short_help="Draw the coefficient paths."
)
@_data_options
@click.option(
    "--penalty",
    "penalties",
    default="l1,l2,elasticnet",
    show_default=True,
    metavar="LIST",
    help="One or more of l1, l2, elasticnet, mcp, scad (one panel each).",
)
@click.option(
    "--l1-ratio",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.5,
    show_default=True,
    help="The Elastic Net's mix.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    required=True,
    metavar="FILE",
    help="The figure to write (.png, .svg or .pdf).",
)
@_force_option
@_debug_option
def path_command(
    data, target, drop, impute, keep_index_columns, penalties, l1_ratio, out, force
) -> None:
    """Draw the coefficient paths of DATA (coefficients against alpha)."""
    from .io import FIGURE_EXTENSIONS, write_atomic

    penalties = _penalty_list(penalties, "--penalty", nonconvex=True)
    out = _check_outputs([(out, "figure", FIGURE_EXTENSIONS)], force)[0]
    fmt = out.suffix.lower().lstrip(".")
    prepared = _prepared(data, target, drop, impute, keep_index_columns)
    _use_agg()
    import matplotlib.pyplot as plt
    import numpy as np

    from .comparison.grid import ridge_grid
    from .path import path
    from .plots import plot_paths

    X = prepared.X.to_numpy(dtype=np.float64)
    names = prepared.feature_names
    paths = {}
    for name in penalties:
        if name == "l2":
            constant = np.flatnonzero(np.ptp(X, axis=0) == 0)
            paths[LABELS[name]] = path(
                X,
                prepared.y,
                l1_ratio=0.0,
                standardize=True,
                alphas=ridge_grid(X, True, 100, constant),
                feature_names=names,
            )
        elif name in NONCONVEX_PENALTIES:
            paths[LABELS[name]] = path(
                X, prepared.y, penalty=name, standardize=True, feature_names=names
            )
        else:
            ratio = 1.0 if name == "l1" else l1_ratio
            paths[LABELS[name]] = path(
                X, prepared.y, l1_ratio=ratio, standardize=True, feature_names=names
            )
    for label, p in paths.items():
        if not (np.all(np.isfinite(p.coefs)) and np.all(np.isfinite(p.alphas))):
            raise RuntimeError(f"the {label} path holds non-finite coefficients; nothing to draw.")
    fig = plot_paths(
        paths, title=f"Coefficient paths: {prepared.preprocessing.target} ({data.name})"
    )
    try:
        write_atomic(
            out,
            lambda tmp: fig.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight"),
            force=force,
            what="figure",
        )
    finally:
        plt.close(fig)
    click.echo(f"Coefficient paths ({', '.join(paths)}): {out}")


from .cli_infer import infer  # noqa: E402  (registered after the commands above)

cli.add_command(infer)


# --------------------------------------------------------------------------------------------
# the entry point: exit codes and one-line errors


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 internal error, 2 bad input)."""
    import warnings

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    previous = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        rv = cli.main(args=args, prog_name="shrinkage", standalone_mode=False)
        return rv if isinstance(rv, int) else EXIT_OK
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.ctx.get_help())
        return EXIT_OK
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.UsageError as e:
        where = e.ctx.command_path if e.ctx is not None else "shrinkage"
        return _fail(
            e,
            debug,
            EXIT_USAGE,
            f"{where}: error: {_one_line(e.format_message())} (see '{where} --help')",
        )
    except click.ClickException as e:
        return _fail(e, debug, EXIT_USAGE, f"shrinkage: error: {_one_line(e.format_message())}")
    except click.Abort as e:
        return _fail(e, debug, EXIT_INTERRUPTED, "shrinkage: aborted")
    except KeyboardInterrupt as e:
        return _fail(e, debug, EXIT_INTERRUPTED, "shrinkage: interrupted")
    except BrokenPipeError:
        return EXIT_OK
    except USER_ERRORS as e:
        return _fail(e, debug, EXIT_USAGE, f"shrinkage: error: {_reason(e)}")
    except Exception as e:
        return _fail(
            e,
            debug,
            EXIT_INTERNAL,
            f"shrinkage: internal error: {type(e).__name__}: {_reason(e)} (rerun with "
            "--debug for the traceback, and please report it)",
        )
    finally:
        warnings.showwarning = previous


def _fail(error: BaseException, debug: bool, code: int, line: str) -> int:
    if debug:
        import traceback

        traceback.print_exception(type(error), error, error.__traceback__)
    click.echo(line, err=True)
    return code


def _reason(e: BaseException) -> str:
    """The exception's message on one line (an OS error as 'reason: file')."""
    if isinstance(e, OSError) and e.strerror and e.filename is not None:
        return f"{e.strerror}: {e.filename}"
    return _one_line(str(e)) or type(e).__name__


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    click.echo(f"shrinkage: warning: {_one_line(str(message))}", err=True)


if __name__ == "__main__":
    sys.exit(main())
