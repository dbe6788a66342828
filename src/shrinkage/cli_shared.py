"""Options and helpers shared by the ``shrinkage`` commands (``cli`` and ``cli_infer``).

They live apart from the command modules so that every command module imports them one way
(``python -m shrinkage.cli`` once met a circle through ``cli_infer``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

    from .io import Prepared

#: a command function, as the option decorators take and return it
F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _debug_option(f: F) -> F:
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        help="On an error, print the full traceback (anywhere on the line).",
    )(f)


def _data_options(f: F) -> F:
    f = click.option(
        "--keep-index-columns",
        is_flag=True,
        help="Use index-like columns as features too. By default a column of row "
        "labels (named rownames, Unnamed: 0, index or id with one value per "
        "row, or holding the row numbers 1..n or 0..n-1) is left out, with a "
        "note.",
    )(f)
    f = click.option(
        "--impute",
        type=click.Choice(["mean", "median"]),
        default=None,
        help="Fill missing values with the column mean or median (text columns: "
        "the most frequent category). Default: refuse missing values and "
        "name the columns.",
    )(f)
    f = click.option(
        "--drop",
        multiple=True,
        metavar="COLS",
        help="Columns to leave out, comma-separated (repeatable), e.g. an id.",
    )(f)
    f = click.option(
        "--target",
        "-t",
        required=True,
        metavar="COL",
        help="The column to predict (numeric; class labels too for `compare`).",
    )(f)
    return click.argument("data", type=click.Path(dir_okay=True, path_type=Path))(f)


def _force_option(f: F) -> F:
    return click.option("--force", is_flag=True, help="Overwrite existing output files.")(f)


def _seed_option(f: F) -> F:
    return click.option(
        "--seed",
        type=int,
        default=0,
        show_default=True,
        help="Seed of the folds, bootstrap draws and simulations (the same seed "
        "gives the same results).",
    )(f)


def _drop(values: Iterable[str]) -> list[str]:
    return [s.strip() for v in values for s in v.split(",") if s.strip()]


def _prepared(
    data: Path, target: str, drop: Iterable[str], impute: str | None, keep_index_columns: bool
) -> Prepared:
    from .io import prepare, read_table

    df = read_table(data)
    prepared = prepare(
        df,
        target,
        drop=_drop(drop),
        impute=impute,
        keep_index_columns=keep_index_columns,
        source=data.name,
    )
    _note_index_columns(prepared)
    return prepared


def _note_index_columns(prepared: Prepared) -> None:
    """Say on stderr which index-like columns were left out, and how to keep them."""
    notes = prepared.index_notes
    if notes:
        listed = "; ".join(f"{name!r} ({why})" for name, why in notes.items())
        plural = len(notes) > 1
        click.echo(
            f"shrinkage: note: left out {'columns' if plural else 'column'} {listed}: "
            f"{'they look' if plural else 'it looks'} like row labels, not features; "
            "pass --keep-index-columns to use "
            f"{'them' if plural else 'it'}.",
            err=True,
        )


def _check_outputs(
    outputs: Sequence[tuple[Path | None, str, tuple[str, ...]]], force: bool
) -> list[Path | None]:
    """Refuse, before any work, outputs whose extension names no format we write, that exist or
    cannot be written (and duplicates); ``outputs`` holds (path, what, extensions)."""
    from .io import check_extension, check_output

    given = [p for p, _, _ in outputs if p is not None]
    resolved = [p.resolve() for p in given]
    if len(set(resolved)) != len(resolved):
        raise ValueError("two outputs have the same file name; give each its own.")
    for p, what, extensions in outputs:
        if p is not None:
            check_extension(p, extensions, what)
    return [
        None if p is None else check_output(p, force=force, what=what) for p, what, _ in outputs
    ]


def _use_agg() -> None:
    import matplotlib

    matplotlib.use("Agg")


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)
