"""One distributed pass: the sufficient statistics of least squares, per cross-validation fold.

Every partition computes, for the columns ``z = [x, y]`` (d = p + 1) and for each fold k of
its rows, the weighted moments

    W_k = sum s,   m_k = sum s z / W_k,   M_k = sum s (z - m_k)(z - m_k)'      (float64)

about its own mean, so that a large offset in a column never meets a large square (no
cancellation).  Partitions are combined in a tree (``split_every`` at a time) by the exact
pairwise merge of Chan, Golub & LeVeque,

    W = Wa + Wb,   m = ma + (mb - ma) Wb / W,   M = Ma + Mb + (mb - ma)(mb - ma)' Wa Wb / W,

and the client forms the core's ``SufficientStatistics``: G = M_xx / W, q = M_xy / W,
yty = M_yy / W, x_offset = m_x, y_offset = m_y (without an intercept, the raw moments
M + W m m' instead).  The training set of fold k is the merge of the other folds (the same as
total - fold, without a subtraction), its held-out error is a quadratic form in the fold's own
moments: K-fold cross-validation costs no extra pass.

Folds: row r of partition i goes to fold ``h(h(h(seed) ^ i) + r) mod K`` with h the splitmix64
mixer (``fold_ids``): a hash of the partition index and the row's position in its partition.  The
assignment is deterministic (``random_state`` an int, default 0), needs no row count up front
and no shuffle, and does not depend on the number of workers; it does depend on the
partitioning (the same files read the same way give the same folds).  Fold sizes are balanced
in expectation (multinomial).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import dask
import numpy as np
import pandas as pd
from dask.utils import parse_bytes

from .. import _validation as v
from ..datafits.quadratic import SufficientStatistics
from ._inputs import DaskData, as_dask_data
from ._partitions import (
    SPLIT_EVERY,
    Part,
    Spec,
    as_block,
    check_magnitudes,
    column_peaks,
    nonfinite_error,
    partition_tasks,
    run,
    tree_reduce,
)

DEFAULT_BUDGET = "4GiB"
BUDGET_KEY = "shrinkage.max-gram-memory"

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x + _GOLDEN
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


def check_random_state(random_state) -> int:
    """The fold seed: an int >= 0 (None is 0), or one drawn from a numpy Generator.  The core's
    check (``_validation.check_random_state``) first; the fold hash needs one integer seed."""
    random_state = v.check_random_state(random_state)
    if random_state is None:
        return 0
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**63))
    if isinstance(random_state, numbers.Integral):
        return int(random_state)
    raise TypeError(
        f"random_state must be None, a non-negative integer or a numpy Generator on "
        f"Dask input (the folds are hashed from one integer seed); got "
        f"{type(random_state).__name__}."
    )


def fold_ids(partition: int, n_rows: int, n_folds: int, random_state=None) -> np.ndarray:
    """The fold (0 .. n_folds - 1) of each of the ``n_rows`` rows of partition ``partition``.

    Parameters
    ----------
    partition : int
        The partition's position.
    n_rows : int
        Its number of rows.
    n_folds : int
        The number of folds.
    random_state : int, default=None
        Seeds the hash.

    Returns
    -------
    ndarray of shape (n_rows,)
        The fold of each row.

    Examples
    --------
    >>> from shrinkage.dask import fold_ids
    >>> fold_ids(0, 6, 3, random_state=0)
    array([0, 2, 1, 0, 2, 2])
    """
    seed = np.array([check_random_state(random_state)], dtype=np.uint64)
    key = _splitmix64(_splitmix64(seed) ^ np.uint64(partition))
    with np.errstate(over="ignore"):
        h = _splitmix64(key + np.arange(n_rows, dtype=np.uint64))
    return (h % np.uint64(n_folds)).astype(np.intp)


@dataclass(frozen=True)
class Moments:
    """Weighted moments of z = [x, y] for K groups of rows (the folds; K = 1 without CV)."""

    weight: np.ndarray  # (K,)    sum of weights
    count: np.ndarray  # (K,)     number of rows
    mean: np.ndarray  # (K, d)    weighted mean
    m2: np.ndarray  # (K, d, d)   sum s (z - mean)(z - mean)'

    @classmethod
    def zeros(cls, k: int, d: int) -> Moments:
        return cls(np.zeros(k), np.zeros(k, dtype=np.int64), np.zeros((k, d)), np.zeros((k, d, d)))

    def merge(self, other: Moments) -> Moments:
        """Chan et al.'s pairwise update, for every group at once (exact, no cancellation)."""
        w = self.weight + other.weight
        frac = np.divide(other.weight, w, out=np.zeros_like(w), where=w > 0)
        delta = other.mean - self.mean
        mean = self.mean + delta * frac[:, None]
        m2 = (
            self.m2
            + other.m2
            + (self.weight * frac)[:, None, None] * (delta[:, :, None] * delta[:, None, :])
        )
        return Moments(w, self.count + other.count, mean, m2)

    def group(self, k: int) -> Moments:
        return Moments(
            self.weight[k : k + 1], self.count[k : k + 1], self.mean[k : k + 1], self.m2[k : k + 1]
        )

    def merged(self, groups) -> Moments:
        """The merge of the given groups into one."""
        groups = list(groups)
        out = self.group(groups[0])
        for k in groups[1:]:
            out = out.merge(self.group(k))
        return out


# --------------------------------------------------------------------------------------------
# the per-partition work (runs on the workers)


def partition_moments(index: int, X, y, w, spec: Spec) -> Part:
    """The moments of every fold of one partition (float64, about each fold's own mean).

    Memory: the partition, one float64 copy of [X, y] and a copy of one fold's rows.
    """
    X, y, w = as_block(X, y, w, index, spec)
    n, p = X.shape
    k = spec.n_groups
    out = Moments.zeros(k, p + 1)
    peak = np.zeros(p + 1)
    if n:
        Z = np.empty((n, p + 1))
        Z[:, :p] = X
        Z[:, p] = y
        peak = column_peaks(Z)  # before the moments centre Z in place
        if not np.all(np.isfinite(peak)):
            raise nonfinite_error(X, y, index, spec)
        folds = fold_ids(index, n, k, spec.seed) if k > 1 else None
        # finite values whose sums overflow: refused on the client by the door's rule over
        # every partition (``check_magnitudes``)
        with np.errstate(invalid="ignore", over="ignore"):
            for g in range(k):
                rows = None if folds is None else folds == g
                Zg = Z if rows is None else Z[rows]  # a copy: centred in place
                wg = w if w is None or rows is None else w[rows]
                if Zg.shape[0]:
                    _group_moments(Zg, wg, out, g)
    return Part(out, np.array([[index, n]], dtype=np.int64), peak)


def _group_moments(Z: np.ndarray, w: np.ndarray | None, out: Moments, g: int) -> None:
    """Moments of the rows Z (overwritten: centred, then scaled by sqrt(w)) into group g."""
    total = float(Z.shape[0] if w is None else w.sum())
    out.count[g] = Z.shape[0]
    out.weight[g] = total
    if total <= 0:
        return
    mean = (Z.sum(axis=0) if w is None else w @ Z) / total
    Z -= mean
    r = (Z.sum(axis=0) if w is None else w @ Z) / total  # the rounding left in the mean
    if w is not None:
        Z *= np.sqrt(w)[:, None]
    out.mean[g] = mean + r
    out.m2[g] = Z.T @ Z - total * np.outer(r, r)  # Z.T @ Z: numpy's syrk


def merge_parts(*parts) -> Part:
    """Merge partition results (one node of the reduction tree)."""
    parts = tuple(p.iloc[0] if isinstance(p, pd.Series) else p for p in parts)
    moments = parts[0].moments
    with np.errstate(over="ignore", invalid="ignore"):  # overflowed sums: refused on the client
        for part in parts[1:]:
            moments = moments.merge(part.moments)
    return Part(
        moments, np.concatenate([p.rows for p in parts]), np.max([p.peak for p in parts], axis=0)
    )


# --------------------------------------------------------------------------------------------
# the result


def _to_statistics(m: Moments, p: int, fit_intercept: bool) -> SufficientStatistics:
    W = float(m.weight[0])
    mean, m2 = m.mean[0], m.m2[0]
    if fit_intercept:
        S = m2 / W
        x_offset, y_offset = mean[:p].copy(), float(mean[p])
    else:
        S = (m2 + W * np.outer(mean, mean)) / W
        x_offset, y_offset = np.zeros(p), 0.0
    S = 0.5 * (S + S.T)
    return SufficientStatistics(
        np.ascontiguousarray(S[:p, :p]), S[:p, p].copy(), float(S[p, p]), x_offset, y_offset
    )


class HashedFolds(Sequence):
    """The (train, test) global row indices of each fold, made on demand from ``fold_ids``.

    Parameters
    ----------
    partition_rows : array-like of int
        The number of rows of partition 0, 1, ...
    n_folds : int
        The number of folds.
    seed : int
        The fold hash's seed.

    Examples
    --------
    >>> from shrinkage.dask import HashedFolds
    >>> folds = HashedFolds([20, 20], n_folds=3, seed=0)  # two partitions of 20 rows
    >>> [(len(train), len(test)) for train, test in folds]
    [(21, 19), (31, 9), (28, 12)]
    """

    def __init__(self, partition_rows: np.ndarray, n_folds: int, seed: int):
        self.partition_rows = np.asarray(partition_rows, dtype=np.int64)
        self.n_folds = n_folds
        self.seed = seed

    @cached_property
    def _fold_of_row(self) -> np.ndarray:
        return np.concatenate(
            [
                fold_ids(i, int(n), self.n_folds, self.seed)
                for i, n in enumerate(self.partition_rows)
            ]
            or [np.empty(0, int)]
        )

    def __len__(self) -> int:
        return self.n_folds

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError(k)
        f = self._fold_of_row
        k = k % len(self)
        return np.flatnonzero(f != k), np.flatnonzero(f == k)

    def __repr__(self) -> str:
        return (
            f"HashedFolds(n_folds={self.n_folds}, seed={self.seed}, "
            f"n_partitions={len(self.partition_rows)})"
        )


@dataclass(frozen=True)
class DaskStatistics:
    """The pass's result: moments of each fold (one group without CV) and their bookkeeping.

    Attributes
    ----------
    groups : Moments
        The weighted moments of [X, y] of each fold (one group without CV).
    n_features : int
        The number of columns of X.
    feature_names : ndarray of str or None
        The names of X's columns.
    fit_intercept : bool
        Whether the statistics are centred.
    n_folds : int
        The number of folds; 0: no cross-validation.
    seed : int
        The fold hash's seed.
    partition_rows : ndarray of int
        The rows of partition 0, 1, ...
    dtype : numpy.dtype
        The data's dtype.
    data : DaskData or None, default=None
        The source, for a second pass (``scoring="mae"``).
    n_samples : int
        The number of rows.

    Examples
    --------
    >>> import dask
    >>> import dask.array as da
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X_np = rng.standard_normal((40, 3))
    >>> y_np = X_np @ np.array([1.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(40)
    >>> X = da.from_array(X_np, chunks=(20, 3))
    >>> y = da.from_array(y_np, chunks=20)
    >>> from shrinkage.dask import compute_statistics
    >>> with dask.config.set(scheduler="synchronous"):
    ...     stats = compute_statistics(X, y, n_folds=3)
    >>> stats.n_samples, stats.n_folds, stats.partition_rows.tolist()
    (40, 3, [20, 20])
    >>> stats.full().G.shape, stats.train(0).G.shape  # all rows; all rows but fold 0
    ((3, 3), (3, 3))
    """

    groups: Moments
    n_features: int
    feature_names: np.ndarray | None
    fit_intercept: bool
    n_folds: int  # 0: no cross-validation
    seed: int
    partition_rows: np.ndarray  # rows of partition 0, 1, ...
    dtype: np.dtype
    data: DaskData | None = None  # the source, for a second pass (scoring="mae")

    @property
    def n_samples(self) -> int:
        return int(self.groups.count.sum())

    @cached_property
    def total(self) -> Moments:
        return self.groups.merged(range(len(self.groups.weight)))

    @property
    def total_weight(self) -> float:
        return float(self.total.weight[0])

    def full(self) -> SufficientStatistics:
        """The statistics of all the rows."""
        return self._statistics(self.total, "the data")

    def train(self, k: int) -> SufficientStatistics:
        """The statistics of every fold but k (the merge of the others)."""
        others = [g for g in range(self.n_folds) if g != k]
        return self._statistics(self.groups.merged(others), f"the training set of fold {k}")

    def n_train(self, k: int) -> int:
        return self.n_samples - int(self.groups.count[k])

    @property
    def fold_weights(self) -> np.ndarray:
        """Each held-out fold's total sample weight."""
        return self.groups.weight.copy()

    def test_errors(
        self, k: int, coefs: np.ndarray, intercepts: np.ndarray, scoring: str
    ) -> np.ndarray:
        """Held-out "mse" or "r2" (1 - R^2) of fold k for each row of ``coefs``, from its moments.

        sum s (y - b - x.w)^2 = v' M v + W (v.m - b)^2 with v = [-w, 1].
        """
        W = float(self.groups.weight[k])
        mean, m2 = self.groups.mean[k], self.groups.m2[k]
        V = np.hstack([-np.atleast_2d(coefs), np.ones((len(intercepts), 1))])
        sse = np.einsum("ad,de,ae->a", V, m2, V) + W * (V @ mean - intercepts) ** 2
        mse = np.maximum(sse, 0.0) / W
        if scoring == "mse":
            return mse
        return mse / (m2[-1, -1] / W)

    def splits(self) -> HashedFolds:
        return HashedFolds(self.partition_rows, self.n_folds, self.seed)

    def _statistics(self, m: Moments, what: str) -> SufficientStatistics:
        if m.weight[0] <= 0:
            raise ValueError(
                f"{what} has zero total sample_weight ({int(m.count[0])} rows); "
                "every set needs a row with a positive weight."
            )
        return _to_statistics(m, self.n_features, self.fit_intercept)


def memory_budget(budget=None) -> int:
    """Bytes allowed for the statistics: ``budget`` or dask config ``shrinkage.max-gram-memory``."""
    if budget is None:
        budget = dask.config.get(BUDGET_KEY, DEFAULT_BUDGET)
    if isinstance(budget, str):
        return int(parse_bytes(budget))
    if isinstance(budget, bool) or not isinstance(budget, int | float) or budget <= 0:
        raise ValueError(
            f"memory_budget must be a positive number of bytes or a string such as "
            f"'8GiB'; got {budget!r}."
        )
    return int(budget)


def check_memory(p: int, n_folds: int, budget=None) -> None:
    """Refuse, before any pass, statistics that would not fit the memory budget."""
    limit = memory_budget(budget)
    copy = 8 * (p + 1) ** 2
    groups = max(n_folds, 1)
    worker = copy * groups * (SPLIT_EVERY + 1)  # a tree node: its inputs and its output
    client = copy * (2 * groups + 6)  # the moments, the folds' statistics, the solver's copies
    need = max(worker, client)
    if need > limit:
        raise ValueError(
            f"the Gram mode needs the {p + 1} x {p + 1} statistics in memory: "
            f"{_size(copy)} per copy, about {_size(need)} in all "
            f"({'the path' if n_folds < 2 else f'the path and {n_folds} folds'}; "
            f"{_size(worker)} per worker, {_size(client)} on the client), above the memory "
            f"budget of {_size(limit)}. Raise the budget if the machines have it "
            f"(memory_budget=... or dask.config.set({{'{BUDGET_KEY}': '32GiB'}})); "
            "otherwise reduce p (screen the features first, e.g. keep those with the largest "
            "|X'y|) or fit without a Gram matrix: shrinkage's in-memory coordinate descent "
            "(solver='cd') on data that fits one machine, or a distributed first-order solver "
            "such as dask-ml's."
        )


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n} B"


def compute_statistics(
    X,
    y,
    sample_weight=None,
    *,
    n_folds: int = 0,
    random_state=None,
    fit_intercept: bool = True,
    memory_budget=None,
) -> DaskStatistics:
    """The sufficient statistics of (X, y), and of each of ``n_folds`` folds, in one pass.

    The pass runs on the current Dask scheduler (a distributed ``Client`` when one is active).

    Parameters
    ----------
    X : dask array or dask DataFrame
        The features (or the X of ``read_parquet``); rows may be chunked.
    y : dask collection or str
        The target, with X's partitions, or a column name of a DataFrame X.
    sample_weight : dask collection or str, default=None
        Row weights with X's partitions, or a column name of a DataFrame X.
    n_folds : int, default=0
        The number of folds; 0 (or 1) computes the total only.
    random_state : int, default=None
        Seeds the fold hash (``fold_ids``).
    fit_intercept : bool, default=True
        Centre the statistics.
    memory_budget : int or str, default=None
        Overrides the dask config ``shrinkage.max-gram-memory`` (bytes or "8GiB").

    Returns
    -------
    DaskStatistics
        The moments of every fold and their bookkeeping.

    Examples
    --------
    >>> import dask
    >>> import dask.array as da
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X_np = rng.standard_normal((40, 3))
    >>> y_np = X_np @ np.array([1.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(40)
    >>> X = da.from_array(X_np, chunks=(20, 3))
    >>> y = da.from_array(y_np, chunks=20)
    >>> from shrinkage.dask import compute_statistics
    >>> with dask.config.set(scheduler="synchronous"):
    ...     stats = compute_statistics(X, y)
    >>> full = stats.full()  # the centred Gram X'X / n and X'y / n
    >>> bool(np.allclose(full.G, np.cov(X_np.T, bias=True)))
    True
    """
    data = X if isinstance(X, DaskData) else as_dask_data(X, y, sample_weight)
    if isinstance(n_folds, bool) or not isinstance(n_folds, int | np.integer) or n_folds < 0:
        raise ValueError(f"n_folds must be a non-negative int; got {n_folds!r}.")
    n_folds = int(n_folds) if n_folds >= 2 else 0
    check_memory(data.n_features, n_folds, memory_budget)
    seed = check_random_state(random_state)
    spec = Spec.of(data, max(n_folds, 1), seed)
    root = tree_reduce(partition_tasks(data, partition_moments, spec), merge_parts)
    part = run(data, root)
    rows = np.zeros(data.n_partitions, dtype=np.int64)
    rows[part.rows[:, 0]] = part.rows[:, 1]
    stats = DaskStatistics(
        part.moments,
        data.n_features,
        data.feature_names,
        bool(fit_intercept),
        n_folds,
        seed,
        rows,
        data.dtype,
        data,
    )
    if stats.n_samples == 0:
        raise ValueError("X has no rows.")
    check_magnitudes(part.peak, stats.n_samples, data.feature_names, data.dtype)
    if not (np.all(np.isfinite(part.moments.mean)) and np.all(np.isfinite(part.moments.m2))):
        raise ValueError(
            "the weighted sums of squares of X and y overflow float64 although "
            "their values pass the magnitude check: the sample weights are too "
            "large; only relative weights matter, rescale them (e.g. divide them "
            "by their maximum)."
        )
    if stats.total_weight <= 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs a positive weight.")
    return stats


# --------------------------------------------------------------------------------------------
# a second pass, for errors that are not quadratic (scoring="mae")


def partition_abs_errors(index: int, X, y, w, spec: Spec, coefs, intercepts) -> np.ndarray:
    """sum s |y - b - x.w| over each fold's rows: (n_folds, n_alphas), for the fold's coefs."""
    X, y, w = as_block(X, y, w, index, spec)
    n = X.shape[0]
    k = spec.n_groups
    sums = np.zeros((k, coefs.shape[1]))
    if n:
        folds = fold_ids(index, n, k, spec.seed)
        for g in range(k):
            rows = folds == g
            if np.any(rows):
                resid = y[rows, None] - X[rows] @ coefs[g].T - intercepts[g]
                sums[g] = np.abs(resid).sum(axis=0) if w is None else w[rows] @ np.abs(resid)
    return sums


def merge_sums(*parts) -> np.ndarray:
    parts = tuple(p.iloc[0] if isinstance(p, pd.Series) else p for p in parts)
    return np.sum(parts, axis=0)


def fold_abs_errors(stats: DaskStatistics, coefs: np.ndarray, intercepts: np.ndarray) -> np.ndarray:
    """Held-out weighted MAE of every fold, (n_folds, n_alphas): one more pass over the data.

    ``coefs`` (n_folds, n_alphas, p) and ``intercepts`` (n_folds, n_alphas) are each fold's path.
    """
    data = stats.data
    if data is None:
        raise ValueError(
            "the held-out errors need a second pass over the data: these "
            "statistics do not keep it (DaskStatistics.data is None); compute "
            "them with compute_statistics."
        )
    spec = Spec.of(data, stats.n_folds, stats.seed)
    tasks = partition_tasks(data, partition_abs_errors, spec, coefs=coefs, intercepts=intercepts)
    sums = run(data, tree_reduce(tasks, merge_sums))
    return sums / stats.groups.weight[:, None]
