"""The partition plumbing of the one-pass computations: tasks, checks, tree reduction.

``partition_tasks`` turns aligned inputs into one delayed object per partition (a DataFrame
through ``map_partitions``, so that X, y and the weights of one source are read once; an array
through its row blocks), ``tree_reduce`` combines them ``split_every`` at a time, and ``run``
computes on the current scheduler and names a failing partition by its file when known.
``as_block`` is every partition function's entry: the partition as float64 arrays, its columns,
shape and weights checked, with errors that say which partition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import dask
import numpy as np
import pandas as pd
from dask.utils import typename

from .. import _validation as v
from ._inputs import DaskData

SPLIT_EVERY = 4


@dataclass(frozen=True)
class Spec:
    """What every partition task needs to know (small: it travels with every task)."""

    n_features: int
    n_groups: int
    seed: int
    n_partitions: int
    names: tuple[str, ...] | None = None  # the feature names
    columns: tuple[str, ...] | None = None  # a DataFrame partition's columns
    target: str | None = None  # y (and the weights) as columns of the partition
    weight: str | None = None

    @classmethod
    def of(cls, data: DaskData, n_groups: int, seed: int) -> Spec:
        names = None if data.feature_names is None else tuple(data.feature_names)
        return cls(
            data.n_features,
            n_groups,
            seed,
            data.n_partitions,
            names,
            data.columns,
            data.target,
            data.weight,
        )


@dataclass(frozen=True)
class Part:
    """One partition's (or a subtree's) result: moments, the row count of each partition and
    the largest |value| of each column of [X, y] (the door's magnitude check)."""

    moments: object  # statistics.Moments
    rows: np.ndarray  # (m, 2): partition index, number of rows
    peak: np.ndarray  # (p + 1,)


def column_peaks(A: np.ndarray) -> np.ndarray:
    """The largest |value| of each column of a (finite) 2-D block; zeros without rows."""
    return np.abs(A).max(axis=0, initial=0.0)


def check_magnitudes(peak: np.ndarray, n_rows: int, feature_names, dtype) -> None:
    """The door's magnitude rule (``_validation.check_column_maxima``: n max|x|^2 within the
    limit of the data's dtype) on the largest |value| of each column of X, then of y, reduced
    over every partition: the same error as for the data in memory."""
    p = peak.size - 1
    v.check_column_maxima(peak[:p], n_rows, feature_names=feature_names, dtype=dtype)
    v.check_column_maxima(peak[p:], n_rows, name="y", dtype=dtype, vector=True)


def partition_name(index: int, n: int) -> str:
    return f"partition {index} of {n}"


def as_block(X, y, w, index: int, spec: Spec):
    """The partition as float64 arrays, with its shape, columns and weights checked."""
    where = partition_name(index, spec.n_partitions)
    if isinstance(X, pd.DataFrame):
        columns = tuple(str(c) for c in X.columns)
        if spec.columns is not None and columns != spec.columns:
            missing = [c for c in spec.columns if c not in columns]
            extra = [c for c in columns if c not in spec.columns]
            detail = []
            if missing:
                detail.append(f"missing {missing[:8]}")
            if extra:
                detail.append(f"unexpected {extra[:8]}")
            raise ValueError(
                f"{where}: its columns differ from X's "
                f"({', '.join(detail) or 'in another order'}); every partition "
                "must hold the same columns."
            )
        if spec.target is not None or spec.weight is not None:
            position = {c: i for i, c in enumerate(columns)}
            if spec.target is not None:
                y = X.iloc[:, position[spec.target]]
            if spec.weight is not None:
                w = X.iloc[:, position[spec.weight]]
            assert spec.names is not None  # a DataFrame's feature names, always set
            X = X.iloc[:, [position[c] for c in spec.names]]
        X = X.to_numpy(dtype=np.float64)
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != spec.n_features:
        raise ValueError(f"{where}: has shape {X.shape}, expected {spec.n_features} columns.")
    y = np.asarray(
        y.to_numpy(dtype=np.float64) if isinstance(y, pd.Series | pd.DataFrame) else y,
        dtype=np.float64,
    )
    y = y[:, None] if y.ndim == 1 else y
    if y.shape != (X.shape[0], 1):
        raise ValueError(
            f"{where}: X has {X.shape[0]} rows but y has {y.shape[0]} (shape "
            f"{y.shape}); y must be one target with one entry per row."
        )
    if w is not None:
        w = np.asarray(
            w.to_numpy(dtype=np.float64) if isinstance(w, pd.Series) else w, dtype=np.float64
        ).ravel()
        if w.shape[0] != X.shape[0]:
            raise ValueError(
                f"{where}: X has {X.shape[0]} rows but sample_weight has {w.shape[0]}."
            )
        if not np.all(np.isfinite(w)):
            raise ValueError(
                f"{where}: sample_weight contains NaN or infinity "
                f"({int(np.sum(~np.isfinite(w)))} rows)."
            )
        if np.any(w < 0):
            raise ValueError(f"{where}: sample_weight must be non-negative; smallest is {w.min()}.")
    return X, y[:, 0], w


def nonfinite_error(X, y, index: int, spec: Spec) -> ValueError:
    bad_x = ~np.isfinite(X)
    cols = np.flatnonzero(bad_x.any(axis=0))
    names = [spec.names[j] if spec.names else f"column {j}" for j in cols]
    parts = [f"{int(bad_x[:, j].sum())} in {n!r}" for j, n in zip(cols[:8], names, strict=False)]
    n_y = int(np.sum(~np.isfinite(y)))
    if n_y:
        parts.append(f"{n_y} in y")
    found = ", ".join(parts)
    where = partition_name(index, spec.n_partitions)
    return ValueError(
        f"{where}: NaN or infinite values ({found}). "
        "Drop or impute them first (e.g. X.dropna() / X.fillna(...))."
    )


def partition_tasks(data: DaskData, func, spec: Spec, **kwargs) -> list:
    """One delayed object per partition: ``func(index, X, y, w, spec, **kwargs)``.

    DataFrames go through ``map_partitions`` (X, y and the weights of one source are read
    once); arrays through their aligned blocks.
    """
    if data.kind == "frame":
        args = [c for c in (data.X, data.y, data.sample_weight) if c is not None]
        mapped = dd_map_partitions(_FrameTask(func, spec, kwargs), *args)
        return list(mapped.to_delayed())
    xs = data.X.to_delayed(optimize_graph=False).ravel()
    ys = data.y.to_delayed(optimize_graph=False).ravel()
    ws = (
        [None] * len(xs)
        if data.sample_weight is None
        else data.sample_weight.to_delayed(optimize_graph=False).ravel()
    )
    task = dask.delayed(func, pure=True)
    return [
        task(i, x, y, w, spec, **kwargs) for i, (x, y, w) in enumerate(zip(xs, ys, ws, strict=True))
    ]


class _FrameTask:
    """map_partitions' function: calls ``func`` with the partition number, wraps the result."""

    def __init__(self, func, spec: Spec, kwargs: dict):
        self.func, self.spec, self.kwargs = func, spec, kwargs

    def __call__(self, X, *others, partition_info=None):
        index = 0 if partition_info is None else partition_info["number"]
        others = iter(others)
        y = None if self.spec.target is not None else next(others)
        w = next(others, None)
        return pd.Series([self.func(index, X, y, w, self.spec, **self.kwargs)], dtype=object)

    def __dask_tokenize__(self):
        return (typename(self.func), self.spec, sorted(self.kwargs.items(), key=str))


def dd_map_partitions(func, *args):
    import dask.dataframe as dd

    return dd.map_partitions(
        func, *args, meta=pd.Series(dtype=object), align_dataframes=False, enforce_metadata=False
    )


def tree_reduce(tasks: list, merge, split_every: int = SPLIT_EVERY):
    """Combine delayed results ``split_every`` at a time until one is left."""
    level = tasks
    depth = 0
    while len(level) > 1:
        combine = dask.delayed(merge, pure=True)
        level = [combine(*level[i : i + split_every]) for i in range(0, len(level), split_every)]
        depth += 1
    if depth == 0:  # one partition: still unwrap its Series
        level = [dask.delayed(merge, pure=True)(level[0])]
    return level[0]


def run(data: DaskData, obj):
    """Compute ``obj`` with the current scheduler; a partition error names the partition."""
    try:
        return dask.compute(obj)[0]
    except ValueError as error:
        message = str(error)
        match = re.match(r"partition (\d+) of \d+", message)
        if match and data.labels is not None:
            raise ValueError(
                message.replace(match.group(0), data.where(int(match.group(1))), 1)
            ) from error
        raise
