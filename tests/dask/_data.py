"""Shared test data: in-memory arrays and the same rows as dask collections / Parquet parts."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .._reference import simulated


def problem(n: int = 1200, p: int = 8, seed: int = 0, offset: float = 0.0):
    """X (n, p) with a sparse truth, y, and positive sample weights."""
    X, y = simulated(n, p, seed=seed)
    X = X + offset
    sw = np.random.default_rng(seed + 1).uniform(0.2, 3.0, n)
    return X, y + offset, sw


def names(p: int) -> list[str]:
    return [f"x{j}" for j in range(p)]


def bounds(n: int, n_parts: int) -> list[tuple[int, int]]:
    """Uneven partitions of range(n)."""
    edges = np.linspace(0, n, n_parts + 1).astype(int)
    edges[1:-1] += np.arange(1, n_parts) % 3 * 7  # uneven sizes
    return list(itertools.pairwise(edges))


def frames(X, y, sw=None, n_parts: int = 5) -> list[pd.DataFrame]:
    out = []
    for a, b in bounds(len(y), n_parts):
        df = pd.DataFrame(X[a:b], columns=names(X.shape[1])).assign(y=y[a:b])
        if sw is not None:
            df["w"] = sw[a:b]
        out.append(df)
    return out


def write_parts(frames_, folder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, df in enumerate(frames_):
        df.to_parquet(folder / f"part.{i}.parquet", index=False)


def splits_of(lengths, n_folds: int, random_state=None):
    """The (train, test) pairs of the hashed folds, built independently of HashedFolds."""
    from shrinkage.dask import fold_ids

    f = np.concatenate([fold_ids(i, n, n_folds, random_state) for i, n in enumerate(lengths)])
    return [(np.flatnonzero(f != k), np.flatnonzero(f == k)) for k in range(n_folds)]
