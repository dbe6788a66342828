"""shrinkage.dask on a real distributed cluster (2 worker processes): Parquet in several
partitions gives the in-memory results, a worker killed mid-pass changes nothing, bad input is
named.  One LocalCluster for the module."""

from __future__ import annotations

import time

import numpy as np
import pytest

pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

import dask.array as da  # noqa: E402
import dask.dataframe as dd  # noqa: E402

import shrinkage  # noqa: E402
import shrinkage.dask as sd  # noqa: E402

from ._data import (  # noqa: E402
    fit_while_killing_a_worker,
    frames,
    names,
    problem,
    splits_of,
    write_parts,
)

pytestmark = pytest.mark.slow
TIGHT = {"tol": 1e-10, "max_iter": 10_000}
N_PARTS = 6


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=":0",
        memory_limit="1GiB",
    ) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def parquet(tmp_path_factory):
    """The same rows in memory and as Parquet files, one per (uneven) partition."""
    X, y, sw = problem(3000, 10, seed=5)
    parts = frames(X, y, sw, n_parts=N_PARTS)
    folder = tmp_path_factory.mktemp("parquet")
    write_parts(parts, folder)
    return X, y, sw, folder, [len(p) for p in parts]


def _diff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def test_paths_from_parquet_equal_in_memory(client, parquet):
    X, y, sw, folder, _ = parquet
    Xd, yd, wd = sd.read_parquet(folder, target="y", weight="w")
    assert Xd.npartitions == N_PARTS
    for l1_ratio in (1.0, 0.5, 0.0):
        ours = sd.path(Xd, yd, sample_weight=wd, l1_ratio=l1_ratio, n_alphas=40, **TIGHT)
        ref = shrinkage.path(X, y, sample_weight=sw, l1_ratio=l1_ratio, n_alphas=40, **TIGHT)
        assert _diff(ours.coefs, ref.coefs) < 1e-8, l1_ratio
        assert _diff(ours.intercepts, ref.intercepts) < 1e-8
        assert _diff(ours.alphas, ref.alphas) < 1e-12 * ref.alphas[0]
    assert list(ours.feature_names) == names(10)


def test_cross_validation_from_parquet_equals_in_memory(client, parquet):
    X, y, sw, folder, lengths = parquet
    Xd, yd, wd = sd.read_parquet(folder, target="y", weight="w")
    for l1_ratio in (1.0, 0.5):
        ours = sd.cross_validate_path(
            Xd, yd, sample_weight=wd, l1_ratio=l1_ratio, cv=5, random_state=1, n_alphas=30, **TIGHT
        )
        ref = shrinkage.cross_validate_path(
            X,
            y,
            sample_weight=sw,
            l1_ratio=l1_ratio,
            cv=splits_of(lengths, 5, random_state=1),
            n_alphas=30,
            **TIGHT,
        )
        assert _diff(ours.fold_errors, ref.fold_errors) < 1e-9 * np.max(ref.fold_errors)
        assert (ours.index_min, ours.index_1se) == (ref.index_min, ref.index_1se)
        assert _diff(ours.path.coefs, ref.path.coefs) < 1e-8
    ridge = shrinkage.Ridge(alpha=5.0).fit(Xd, yd, sample_weight=wd)
    assert _diff(ridge.coef_, shrinkage.Ridge(alpha=5.0).fit(X, y, sample_weight=sw).coef_) < 1e-8
    lasso_cv = shrinkage.LassoCV(cv=5, random_state=1, n_alphas=30, **TIGHT).fit(Xd, yd)
    ref_cv = shrinkage.LassoCV(cv=splits_of(lengths, 5, random_state=1), n_alphas=30, **TIGHT).fit(
        X, y
    )
    assert _diff(lasso_cv.coef_, ref_cv.coef_) < 1e-8
    assert list(lasso_cv.feature_names_in_) == names(10)


def test_a_worker_killed_mid_pass_changes_nothing(client, parquet):
    X, y, _, _, _ = parquet
    rows = 150

    def slow(block):  # defined here: shipped to the workers by value
        time.sleep(0.15)
        return block

    Xd = da.from_array(X, chunks=(rows, X.shape[1])).map_blocks(slow, dtype=X.dtype)
    yd = da.from_array(y, chunks=rows)
    fit = fit_while_killing_a_worker(
        client, lambda: shrinkage.Lasso(alpha=0.02, **TIGHT).fit(Xd, yd)
    )
    ref = shrinkage.Lasso(alpha=0.02, **TIGHT).fit(X, y)
    assert _diff(fit.coef_, ref.coef_) < 1e-8
    assert abs(fit.intercept_ - ref.intercept_) < 1e-8


def test_bad_partitions_are_named_on_the_cluster(client, parquet, tmp_path):
    X, y, _, _, _ = parquet
    X = X.copy()
    X[2900, 3] = np.nan  # in the last partition
    write_parts(frames(X, y, n_parts=N_PARTS), tmp_path / "nan")
    Xd, yd = sd.read_parquet(tmp_path / "nan", target="y")
    with pytest.raises(
        ValueError,
        match=rf"partition {N_PARTS - 1} of {N_PARTS} \(file "
        r"'.*part\.5\.parquet', row group 0\): NaN or infinite "
        r"values \(1 in 'x3'\)",
    ):
        sd.path(Xd, yd)
    parts = frames(X[:600], y[:600], n_parts=3)
    parts[1] = parts[1].rename(columns={"x0": "a"})
    df = dd.from_map(lambda i: parts[i], range(3), meta=parts[0].iloc[:0], enforce_metadata=False)
    with pytest.raises(
        ValueError,
        match=r"partition 1 of 3: its columns differ from X's "
        r"\(missing \['x0'\], unexpected \['a'\]\)",
    ):
        shrinkage.Lasso().fit(df, "y")
