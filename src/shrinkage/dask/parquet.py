"""Parquet on disk -> lazy dask DataFrames, one partition per row group, columns checked.

``read_parquet`` reads the footers only (the schema and the row groups of every file), checks
that every file holds the same columns (an error names the first file that differs, and how),
and returns dask collections whose partition i is the i-th row group in natural file order
(``part.2`` before ``part.10``).  An error in a partition during the pass names its file and
row group.
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path as FilePath

import dask.dataframe as dd
import pandas as pd

from .. import _validation as v
from ._inputs import register_labels


def _natural_key(path: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path)]


def parquet_files(path) -> list[str]:
    """The Parquet files of a file, a folder (recursively, ``*.parquet`` / ``*.parq``), a glob,
    or a list of files (kept in its order)."""
    if isinstance(path, list | tuple):
        missing = [os.fspath(f) for f in path if not os.path.isfile(f)]
        if missing or not path:
            raise FileNotFoundError(f"no Parquet file at {missing[0] if missing else path!r}.")
        return [os.fspath(f) for f in path]
    path = os.fspath(path)
    if os.path.isdir(path):
        found = [
            str(f)
            for f in FilePath(path).rglob("*")
            if f.is_file()
            and f.suffix in (".parquet", ".parq")
            and not f.name.startswith(("_", "."))
        ]
    elif os.path.isfile(path):
        found = [path]
    else:
        found = [f for f in glob.glob(path) if os.path.isfile(f)]
    if not found:
        raise FileNotFoundError(
            f"no Parquet file at {path!r} (a file, a folder of *.parquet files, or a glob pattern)."
        )
    return sorted(found, key=_natural_key)


def _read_piece(piece: tuple[str, int], columns=None) -> pd.DataFrame:
    import pyarrow.parquet as pq

    file, group = piece
    table = pq.ParquetFile(file).read_row_group(group, columns=columns)
    return table.to_pandas()


def read_parquet(path, target: str | None = None, *, features=None, weight: str | None = None):
    """Lazy dask collections of Parquet data, checked for the same columns in every file.

    Parameters
    ----------
    path : str or path-like or list of str
        A Parquet file, a folder of them (read recursively), a glob pattern or a list of files.
    target : str, default=None
        The column of y.  None returns X alone (every feature column).
    features : list of str, default=None
        The feature columns; None: every column but the target and the weight.
    weight : str, default=None
        A column of sample weights.

    Returns
    -------
    X : dask DataFrame
        The features (its column names are the feature names); returned alone when ``target``
        is None.
    y : dask Series
        The target, with X's partitions (when ``target`` is given).
    w : dask Series
        The weights, with X's partitions (when ``weight`` is given).

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from shrinkage.dask import read_parquet
    >>> frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 1.0, 0.0], "y": [1.0, 3.0, 3.0]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     frame.to_parquet(f"{folder}/part.parquet")
    ...     X, y = read_parquet(folder, target="y")
    ...     print(list(X.columns), y.compute().tolist())
    ['a', 'b'] [1.0, 3.0, 3.0]
    """
    import pyarrow.parquet as pq

    files = parquet_files(path)
    pieces, labels = [], []
    first_names = None
    first_schema = None
    for file in files:
        meta = pq.ParquetFile(file)
        names = list(meta.schema_arrow.names)
        if first_names is None:
            first_names, first_schema = names, meta.schema_arrow
        elif names != first_names:
            missing = [c for c in first_names if c not in names]
            extra = [c for c in names if c not in first_names]
            how = (
                "; ".join(
                    ([f"missing {v.listed(missing)}"] if missing else [])
                    + ([f"unexpected {v.listed(extra)}"] if extra else [])
                )
                or "another order"
            )
            raise ValueError(
                f"Parquet file {file!r} has different columns from {files[0]!r} "
                f"({how}); every file must hold the same columns."
            )
        for group in range(meta.metadata.num_row_groups):
            if meta.metadata.row_group(group).num_rows > 0:
                pieces.append((file, group))
                labels.append(f"file {file!r}, row group {group}")
    if not pieces:
        raise ValueError(f"the Parquet data at {files[0]!r}... has no rows.")
    assert first_names is not None and first_schema is not None  # files is never empty
    special = [c for c in (target, weight) if c is not None]
    source = f"the Parquet data ({files[0]!r}{' ...' if len(files) > 1 else ''})"
    v.check_columns_present(special, first_names, "column", source)
    if features is None:
        features = [c for c in first_names if c not in special]
    else:
        features = [str(c) for c in features]
        v.check_columns_present(features, first_names, "feature column", source)
    columns = [*features, *special]
    meta_frame = first_schema.empty_table().to_pandas()[columns]
    frame = dd.from_map(
        _read_piece, pieces, meta=meta_frame, enforce_metadata=False, label="shrinkage-read-parquet"
    )[columns]
    X = frame[features]
    register_labels(X, labels)
    if target is None:
        return X
    out = (X, frame[target])
    return out if weight is None else (*out, frame[weight])
