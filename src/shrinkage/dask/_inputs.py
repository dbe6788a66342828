"""Dask inputs -> aligned collections of X, y and sample weights, checked before any pass.

Accepted: X a 2-D dask array (its columns are joined into one chunk) or a dask DataFrame of
numeric columns (the names are kept); y and ``sample_weight`` dask collections with the same
partitions as X (a DataFrame's target and weights may also be given as column names of X, a dask
array's as numpy arrays when its chunk sizes are known).  Everything here reads metadata only.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd

from .. import _validation as v
from . import is_dask_collection

# Partition labels ("file part.3.parquet, row group 0") registered by ``read_parquet`` for the
# collections it returns, keyed by the collection's deterministic name; used to name a partition
# in an error.  Bounded: the most recent collections only.
_LABELS: OrderedDict[str, tuple[str, ...]] = OrderedDict()
_MAX_LABELLED = 64


def register_labels(collection, labels) -> None:
    _LABELS[collection._name] = tuple(labels)
    _LABELS.move_to_end(collection._name)
    while len(_LABELS) > _MAX_LABELLED:
        _LABELS.popitem(last=False)


@dataclass
class DaskData:
    """X, y and weights as aligned dask collections of one kind ("frame" or "array").

    A DataFrame X may carry y and the weights as its own columns (``target``, ``weight``: then
    ``y`` / ``sample_weight`` are None and each partition is split into them on the worker, so
    a partition with other columns is reported as such instead of failing in a projection).
    """

    # a union tagged by ``kind``: "frame", X a dd.DataFrame and y, sample_weight dd.Series or
    # None (then columns of X); "array", X a 2-D da.Array, y a da.Array, sample_weight one or None
    kind: str
    X: Any
    y: Any
    sample_weight: Any
    n_features: int
    feature_names: np.ndarray | None
    dtype: np.dtype
    labels: tuple[str, ...] | None
    columns: tuple[str, ...] | None = None  # a DataFrame partition's expected columns
    target: str | None = None
    weight: str | None = None

    @property
    def n_partitions(self) -> int:
        return self.X.npartitions if self.kind == "frame" else self.X.numblocks[0]

    def where(self, index: int) -> str:
        """How an error names partition ``index``."""
        text = f"partition {index} of {self.n_partitions}"
        if self.labels is not None and index < len(self.labels):
            text += f" ({self.labels[index]})"
        return text


def as_dask_data(X, y, sample_weight=None) -> DaskData:
    """Check and align the inputs (metadata only)."""
    if isinstance(X, dd.DataFrame):
        return _frame_data(X, y, sample_weight)
    if isinstance(X, da.Array):
        return _array_data(X, y, sample_weight)
    if isinstance(X, dd.Series):
        raise ValueError(
            "X is a dask Series: X must be 2-D (a dask DataFrame or a 2-D dask "
            "array); use X.to_frame() for a single feature."
        )
    if is_dask_collection(X):
        raise TypeError(
            f"X is a {type(X).__name__}: shrinkage.dask accepts a dask array or a "
            "dask DataFrame (convert a bag or delayed objects with "
            "dask.dataframe.from_delayed / dask.array.from_delayed)."
        )
    raise TypeError(
        f"X must be a dask array or a dask DataFrame; got {type(X).__name__}. "
        "In-memory data goes to shrinkage.path / the estimators directly."
    )


def _frame_data(X, y, sample_weight) -> DaskData:
    columns = [str(c) for c in X.columns]
    if len(set(columns)) != len(columns):
        raise ValueError("X has repeated column names; every column needs its own name.")
    target = y if isinstance(y, str) else None
    weight = sample_weight if isinstance(sample_weight, str) else None
    for name in (target, weight):
        if name is not None and name not in columns:
            raise ValueError(f"column {name!r} is not in X; its columns are {v.listed(columns)}.")
    features = [c for c in columns if c not in (target, weight)]
    if not features:
        raise ValueError("X has no feature columns.")
    dtypes = dict(zip(columns, X.dtypes, strict=True))
    bad = [
        c
        for c in columns
        if not (pd.api.types.is_numeric_dtype(dtypes[c]) or pd.api.types.is_bool_dtype(dtypes[c]))
    ]
    if bad:
        raise ValueError(
            f"X has non-numeric column(s) {v.listed(bad)}: encode them first "
            "(e.g. one-hot with dask's get_dummies on categorized columns)."
        )
    y = None if target is not None else _frame_column(y, X, "y")
    if sample_weight is not None and weight is None:
        sample_weight = _frame_column(sample_weight, X, "sample_weight")
    else:
        sample_weight = None
    float32 = all(dtypes[c] == np.float32 for c in features)
    dtype = np.dtype(np.float32) if float32 else np.dtype(np.float64)
    return DaskData(
        "frame",
        X,
        y,
        sample_weight,
        len(features),
        np.asarray(features, dtype=object),
        dtype,
        _LABELS.get(X._name),
        tuple(columns),
        target,
        weight,
    )


def _frame_column(c, X, name: str):
    if isinstance(c, dd.DataFrame):
        if len(c.columns) != 1:
            raise ValueError(
                f"{name} must be one column; got a dask DataFrame with {len(c.columns)} columns."
            )
        c = c[c.columns[0]]
    if not isinstance(c, dd.Series):
        raise TypeError(
            f"with a dask DataFrame X, {name} must be a dask Series from the same source "
            f"(e.g. df[{name!r}]) or the name of a column of X; got {type(c).__name__} (its "
            "partitions could not be matched with X's)."
        )
    if c.npartitions != X.npartitions:
        raise ValueError(
            f"X has {X.npartitions} partitions but {name} has {c.npartitions}; "
            f"they must come from the same source (or give {name} as a column "
            "name of X)."
        )
    if not (pd.api.types.is_numeric_dtype(c.dtype) or pd.api.types.is_bool_dtype(c.dtype)):
        raise ValueError(f"{name} has non-numeric dtype {c.dtype}.")
    return c


def _array_data(X, y, sample_weight) -> DaskData:
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D; got a dask array of shape {X.shape}.")
    if np.isnan(X.shape[1]):
        raise ValueError(
            "X has an unknown number of columns; compute its chunk sizes first "
            "(X.compute_chunk_sizes())."
        )
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise ValueError(f"X has non-numeric dtype {X.dtype}.")
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})  # each partition holds whole rows
    y = _array_column(y, X, "y")
    if sample_weight is not None:
        sample_weight = _array_column(sample_weight, X, "sample_weight")
    dtype = np.dtype(np.float32) if X.dtype == np.float32 else np.dtype(np.float64)
    X, y, sample_weight = dask.optimize(X, y, sample_weight)  # one graph: shared inputs run once
    return DaskData("array", X, y, sample_weight, int(X.shape[1]), None, dtype, None)


def _array_column(c, X, name: str):
    known = not any(np.isnan(X.chunks[0]))
    if isinstance(c, dd.Series | dd.DataFrame):
        raise TypeError(
            f"X is a dask array but {name} is a dask {type(c).__name__}: give both "
            "as dask arrays (e.g. .to_dask_array()) or both as dask DataFrames."
        )
    if not is_dask_collection(c):
        c = np.asarray(c)
        if not known:
            raise TypeError(
                f"{name} is in memory but X's chunk sizes are unknown, so its "
                f"rows cannot be matched with X's: give {name} as a dask array "
                "with the same chunks (or call X.compute_chunk_sizes())."
            )
        if c.ndim == 0 or c.shape[0] != X.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} rows but {name} has shape {c.shape}; they "
                "must have one row per sample."
            )
        c = da.from_array(c, chunks=(X.chunks[0], *((s,) for s in c.shape[1:])))
    if not isinstance(c, da.Array):
        raise TypeError(f"{name} must be a dask array like X; got {type(c).__name__}.")
    if c.ndim == 2 and c.shape[1] == 1:
        c = c[:, 0]
    if c.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one target); got shape {c.shape}.")
    if known and not any(np.isnan(c.chunks[0])):
        if c.shape[0] != X.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} rows but {name} has {c.shape[0]} entries; "
                "they must have one row per sample."
            )
        if c.chunks[0] != X.chunks[0]:
            c = c.rechunk((X.chunks[0],))
    elif len(c.chunks[0]) != len(X.chunks[0]):
        raise ValueError(
            f"X has {len(X.chunks[0])} row chunks but {name} has "
            f"{len(c.chunks[0])}; they must be chunked alike."
        )
    return c
