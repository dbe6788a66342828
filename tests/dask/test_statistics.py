"""shrinkage.dask statistics: the hashed folds, the exact merge, the one-pass statistics against
the core's, and every bad input (on the synchronous scheduler: fast, no cluster)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")

import dask
import dask.array as da
import dask.dataframe as dd
import pandas as pd

import shrinkage
import shrinkage.dask as sd
from shrinkage.dask.statistics import Moments, compute_statistics
from shrinkage.datafits.quadratic import sufficient_statistics

from ._data import bounds, frames, names, problem, splits_of, write_parts


@pytest.fixture(autouse=True)
def synchronous():
    with dask.config.set(scheduler="sync"):
        yield


def _array(X, y, sw=None, rows: int = 250):
    Xd = da.from_array(X, chunks=(rows, X.shape[1]))
    yd = da.from_array(y, chunks=rows)
    return Xd, yd, None if sw is None else da.from_array(sw, chunks=rows)


def _frame(X, y, sw=None, n_parts: int = 5):
    return dd.from_pandas(
        pd.concat(frames(X, y, sw, n_parts), ignore_index=True), npartitions=n_parts
    )


def _close(stats, ref, tol=1e-12):
    for name in ("G", "q", "x_offset"):
        a, b = getattr(stats, name), getattr(ref, name)
        assert np.max(np.abs(a - b)) <= tol * max(1.0, np.max(np.abs(b))), name
    assert stats.yty == pytest.approx(ref.yty, rel=tol)
    assert stats.y_offset == pytest.approx(ref.y_offset, rel=tol, abs=tol)


# --------------------------------------------------------------------------------------------
# folds and the merge


def test_fold_ids_are_deterministic_seeded_and_balanced():
    a = sd.fold_ids(3, 20_000, 5, random_state=7)
    assert np.array_equal(a, sd.fold_ids(3, 20_000, 5, random_state=7))
    assert not np.array_equal(a, sd.fold_ids(3, 20_000, 5, random_state=8))
    assert not np.array_equal(a, sd.fold_ids(4, 20_000, 5, random_state=7))
    assert np.array_equal(sd.fold_ids(3, 100, 5, 7), a[:100])  # a row's fold is its own
    counts = np.bincount(a, minlength=5)
    assert set(np.unique(a)) == set(range(5))
    assert np.all(np.abs(counts - 4000) < 4 * np.sqrt(4000))
    assert np.array_equal(sd.fold_ids(0, 50, 3), sd.fold_ids(0, 50, 3, random_state=0))
    with pytest.raises(ValueError, match="random_state"):
        sd.fold_ids(0, 5, 2, random_state=-1)


def test_chan_merge_is_exact():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(500, 4)) * [1, 10, 1e3, 1] + [0, 5, -1e4, 3]
    w = rng.uniform(0, 2, 500)

    def direct(rows):
        W = w[rows].sum()
        m = w[rows] @ Z[rows] / W
        B = Z[rows] - m
        return Moments(np.array([W]), np.array([rows.size]), m[None], ((B.T * w[rows]) @ B)[None])

    cut = np.sort(rng.choice(500, 3, replace=False))
    parts = [direct(r) for r in np.split(np.arange(500), cut)]
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)
    whole = direct(np.arange(500))
    assert merged.count[0] == 500
    assert np.allclose(merged.mean, whole.mean, rtol=1e-13)
    assert np.allclose(merged.m2, whole.m2, rtol=1e-11)
    empty = Moments.zeros(1, 4)
    assert np.allclose(empty.merge(whole).m2, whole.m2) and np.allclose(
        whole.merge(empty).mean, whole.mean
    )


# --------------------------------------------------------------------------------------------
# the statistics equal the core's


@pytest.mark.parametrize("kind", ["array", "frame"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_statistics_equal_the_in_memory_ones(kind, weighted, fit_intercept):
    X, y, sw = problem(700, 6)
    sw = sw if weighted else None
    if kind == "array":
        args = _array(X, y, sw)
    else:
        df = _frame(X, y, sw)
        args = (df[names(6)], df["y"], df["w"] if weighted else None)
    stats = compute_statistics(*args, fit_intercept=fit_intercept)
    ref = sufficient_statistics(X, y, np.ones(len(y)) if sw is None else sw, fit_intercept)
    _close(stats.full(), ref)
    assert stats.n_samples == 700
    assert stats.total_weight == pytest.approx(700 if sw is None else sw.sum())


def test_fold_statistics_are_the_training_rows_statistics():
    X, y, sw = problem(900, 5)
    Xd, yd, wd = _array(X, y, sw, rows=200)
    stats = compute_statistics(Xd, yd, wd, n_folds=4, random_state=3)
    splits = splits_of(
        [len(c) for c in np.array_split(np.arange(900), range(200, 900, 200))], 4, random_state=3
    )
    assert [t.tolist() for _, t in stats.splits()] == [t.tolist() for _, t in splits]
    for k, (train, test) in enumerate(splits):
        _close(stats.train(k), sufficient_statistics(X[train], y[train], sw[train], True))
        assert stats.fold_weights[k] == pytest.approx(sw[test].sum())
        coefs = np.random.default_rng(k).normal(size=(3, 5))
        b = np.array([0.1, 2.0, -1.0])
        s = sw[test] / sw[test].sum()
        resid = y[test, None] - X[test] @ coefs.T - b
        mse = s @ resid**2
        assert np.allclose(stats.test_errors(k, coefs, b, "mse"), mse, rtol=1e-10)
        sst = s @ (y[test] - s @ y[test]) ** 2
        assert np.allclose(stats.test_errors(k, coefs, b, "r2"), mse / sst, rtol=1e-10)


def test_large_offsets_lose_no_precision():
    X, y, _ = problem(2000, 5)
    Xd, yd, _ = _array(X + 1e4, y + 1e4, rows=300)
    stats = compute_statistics(Xd, yd).full()
    ref = sufficient_statistics(X, y, np.ones(len(y)), True)  # the same data, centred exactly
    assert np.max(np.abs(stats.G - ref.G)) < 1e-9
    assert np.max(np.abs(stats.q - ref.q)) < 1e-9
    assert stats.x_offset == pytest.approx(ref.x_offset + 1e4, rel=1e-14)


def test_importing_shrinkage_does_not_import_dask():
    code = (
        "import sys, shrinkage, shrinkage.dask as sd, numpy as np; "
        "shrinkage.Lasso(alpha=0.1).fit(np.eye(4), np.arange(4.0)); "
        "assert not sd.is_dask_collection(np.eye(2)); "
        "print('dask' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_is_dask_collection():
    X, y, _ = problem(50, 3)
    Xd, _yd, _ = _array(X, y)
    assert sd.is_dask_collection(Xd) and sd.is_dask_collection(_frame(X, y))
    assert sd.is_dask_collection(dask.delayed(1))
    assert not sd.is_dask_collection(X) and not sd.is_dask_collection(pd.DataFrame(X))
    assert not sd.is_dask_collection(da.Array)


# --------------------------------------------------------------------------------------------
# bad input: clear errors that name the partition


def test_nan_in_one_partition_is_named():
    X, y, _ = problem(600, 4)
    X[430, 2] = np.nan
    Xd, yd, _ = _array(X, y, rows=100)
    with pytest.raises(
        ValueError,
        match=r"partition 4 of 6: NaN or infinite values \(1 in "
        r"'column 2'\)",
    ):
        sd.path(Xd, yd)
    df = _frame(X, y, n_parts=4)
    with pytest.raises(ValueError, match=r"partition 2 of 4: .*1 in 'x2'"):
        sd.path(df[names(4)], df["y"])
    y[5] = np.inf
    with pytest.raises(ValueError, match=r"partition 0 of 6: .*in y"):
        sd.path(*_array(X, y, rows=100)[:2])


def _in_memory_error(X, y) -> str:
    with pytest.raises(ValueError) as error:
        shrinkage.path(X, y)
    return str(error.value)


@pytest.mark.parametrize("unit", [1e152, 1e200])
def test_a_column_above_the_door_s_limit_is_its_error(unit):
    """The in-memory door's rule and message (``_validation.check_column_maxima``) from the
    columns' maxima reduced over the partitions, also where a partition's own sums overflow
    (1e200: was "NaN or infinite values")."""
    X, y, _ = problem(600, 4)
    X[:, 2] *= unit
    message = _in_memory_error(X, y)
    with pytest.raises(ValueError) as error:
        sd.path(*_array(X, y, rows=100)[:2])
    assert str(error.value) == message
    df = _frame(X, y, n_parts=4)
    with pytest.raises(ValueError, match=r"^column 'x2' of X holds values up to .* rescale it"):
        sd.path(df[names(4)], df["y"])
    with pytest.raises(ValueError, match=r"^column 2 of X holds values up to .* rescale it"):
        shrinkage.Lasso().fit(*_array(X, y, rows=100)[:2])


def test_a_target_above_the_door_s_limit_is_its_error():
    X, y, _ = problem(600, 4)
    y = y * 1e152
    with pytest.raises(ValueError) as error:
        sd.path(*_array(X, y, rows=100)[:2])
    assert str(error.value) == _in_memory_error(X, y)
    assert str(error.value).startswith("y holds values up to")


def test_float32_data_is_held_to_float32_s_limit():
    X, y, _ = problem(600, 4)
    X = (X * 1e16).astype(np.float32)
    with pytest.raises(ValueError) as error:
        sd.path(*_array(X, y, rows=100)[:2])
    assert str(error.value) == _in_memory_error(X, y)
    assert "float32 limit" in str(error.value)


def test_weights_whose_weighted_sums_overflow_say_so():
    X, y, sw = problem(600, 4)
    X = X * 1e10
    with pytest.raises(
        ValueError,
        match=r"weighted sums of squares .* the sample weights are "
        r"too large; .* rescale them",
    ):
        Xd, yd, wd = _array(X, y, sw * 1e300, rows=100)
        sd.path(Xd, yd, sample_weight=wd)


def test_data_just_below_the_door_s_limit_fits_as_in_memory():
    """Every column and y at half the limit: the same problem as in other units."""
    X, y, _ = problem(600, 4)
    largest = np.sqrt(0.5 * shrinkage._validation.magnitude_limit(np.float64) / len(y))
    X = X / np.abs(X).max(axis=0) * largest
    y = y / np.abs(y).max() * largest
    ours = sd.path(*_array(X, y, rows=100)[:2], n_alphas=5)
    ref = shrinkage.path(X, y, n_alphas=5)
    assert np.all(np.isfinite(ours.coefs))
    np.testing.assert_allclose(
        ours.coefs, ref.coefs, rtol=1e-10, atol=1e-10 * np.abs(ref.coefs).max()
    )


def test_mismatched_partition_columns_are_named():
    X, y, _ = problem(300, 4)
    parts = frames(X, y, n_parts=3)
    parts[1] = parts[1].rename(columns={"x3": "z"})
    df = dd.from_delayed([dask.delayed(p) for p in parts], meta=parts[0], verify_meta=False)
    with pytest.raises(
        ValueError,
        match=r"partition 1 of 3: its columns differ from X.s .*missing "
        r"\['x3'\], unexpected \['z'\]",
    ):
        sd.path(df, "y")


def test_parquet_files_with_other_columns_are_named(tmp_path):
    X, y, _ = problem(300, 4)
    parts = frames(X, y, n_parts=3)
    parts[2] = parts[2].drop(columns="x1")
    write_parts(parts, tmp_path)
    with pytest.raises(
        ValueError,
        match=r"part\.2\.parquet' has different columns .*missing "
        r"'x1'",
    ):
        sd.read_parquet(tmp_path, target="y")


def test_parquet_nan_names_the_file(tmp_path):
    X, y, _ = problem(300, 4)
    X[250, 0] = np.nan
    write_parts(frames(X, y, n_parts=3), tmp_path)
    Xd, yd = sd.read_parquet(tmp_path, target="y")
    with pytest.raises(
        ValueError,
        match=r"partition 2 of 3 \(file '.*part\.2\.parquet', row "
        r"group 0\): NaN",
    ):
        shrinkage.Lasso(alpha=0.1).fit(Xd, yd)


def test_read_parquet_arguments(tmp_path):
    X, y, sw = problem(300, 4)
    write_parts(frames(X, y, sw, n_parts=3), tmp_path / "data")
    Xd, yd, _wd = sd.read_parquet(tmp_path / "data", target="y", weight="w")
    assert list(Xd.columns) == names(4) and Xd.npartitions == 3
    assert np.allclose(yd.compute().to_numpy(), y)
    assert list(sd.read_parquet(tmp_path / "data").columns) == [*names(4), "y", "w"]
    assert list(sd.read_parquet(tmp_path / "data", "y", features=["x2", "x0"])[0].columns) == [
        "x2",
        "x0",
    ]
    with pytest.raises(ValueError, match="column 'target' not found"):
        sd.read_parquet(tmp_path / "data", target="target")
    with pytest.raises(FileNotFoundError, match="no Parquet file"):
        sd.read_parquet(tmp_path / "nothing")


def test_inputs_that_cannot_be_aligned():
    X, y, _ = problem(300, 4)
    df = _frame(X, y, n_parts=3)
    with pytest.raises(TypeError, match="y must be a dask Series from the same source"):
        sd.path(df[names(4)], y)
    with pytest.raises(ValueError, match="X has 3 partitions but y has 2"):
        sd.path(df[names(4)], df["y"].repartition(npartitions=2))
    with pytest.raises(ValueError, match="non-numeric column"):
        sd.path(df.assign(city="a"), "y")
    with pytest.raises(ValueError, match="X must be 2-D"):
        sd.path(df["x0"], df["y"])
    Xd, _yd, _ = _array(X, y)
    with pytest.raises(ValueError, match="X has 300 rows but y has shape"):
        sd.path(Xd, y[:10])
    with pytest.raises(TypeError, match="dask array or a dask DataFrame"):
        sd.path(X, y)
    with pytest.raises(TypeError, match="X is a dask array but y is a dask Series"):
        sd.path(Xd, df["y"])


def test_gram_memory_budget_is_enforced_with_the_size():
    Xd = da.zeros((1000, 700), chunks=(500, 700))
    yd = da.zeros(1000, chunks=500)
    with pytest.raises(
        ValueError,
        match=r"701 x 701 statistics .*3.7 MiB per copy.*above the "
        r"memory budget of 10.0 MiB.*dask-ml",
    ):
        sd.path(Xd, yd, memory_budget="10MiB")
    with (
        dask.config.set({"shrinkage.max-gram-memory": "10MiB"}),
        pytest.raises(ValueError, match="memory budget"),
    ):
        shrinkage.Lasso().fit(Xd, yd)
    with pytest.raises(ValueError, match="memory_budget must be a positive"):
        sd.path(Xd, yd, memory_budget=-1)


def test_options_that_need_rows_are_refused():
    X, y, _ = problem(300, 4)
    Xd, yd, _ = _array(X, y)
    with pytest.raises(ValueError, match="solver='cd' reads the rows"):
        sd.path(Xd, yd, solver="cd")
    with pytest.raises(ValueError, match="relaxed fits"):
        shrinkage.LassoCV(relax=True).fit(Xd, yd)
    with pytest.raises(ValueError, match="cv must be a number of folds"):
        shrinkage.LassoCV(cv=[(np.arange(10), np.arange(10, 20))]).fit(Xd, yd)
    with pytest.raises(ValueError, match="groups is not supported"):
        shrinkage.LassoCV().fit(Xd, yd, groups=np.zeros(300))
    with pytest.raises(ValueError, match="eigen"):
        shrinkage.Ridge(solver="eigen").fit(Xd, yd)
    with pytest.raises(ValueError, match="gammas is not supported"):
        sd.cross_validate_path(Xd, yd, gammas=[0.0, 1.0])
    with pytest.raises(ValueError, match="fewer rows"):
        sd.path(Xd[:3], yd[:3])


def test_partitions_of_uneven_sizes_and_empty_ones():
    X, y, _ = problem(400, 4)
    parts = [pd.DataFrame(X[a:b], columns=names(4)).assign(y=y[a:b]) for a, b in bounds(400, 4)]
    parts.insert(2, parts[0].iloc[:0])  # an empty partition
    df = dd.from_delayed([dask.delayed(p) for p in parts], meta=parts[0].iloc[:0])
    stats = compute_statistics(df[names(4)], df["y"], n_folds=3)
    assert stats.partition_rows[2] == 0 and stats.n_samples == 400
    _close(stats.full(), sufficient_statistics(X, y, np.ones(400), True))


@pytest.mark.parametrize(
    "random_state, error, match",
    [
        (-1, ValueError, r"random_state must be a non-negative integer"),
        ("1", TypeError, r"random_state must be None, a non-negative integer"),
        (True, TypeError, r"random_state must be None, a non-negative integer"),
        (np.random.RandomState(0), TypeError, r"on Dask input .* one integer seed"),
    ],
)
def test_fold_seeds_are_checked_as_in_the_core(random_state, error, match):
    with pytest.raises(error, match=match):
        sd.fold_ids(0, 6, 3, random_state=random_state)


def test_fold_seeds_from_ints_and_generators():
    assert np.array_equal(
        sd.fold_ids(0, 50, 3, random_state=np.int64(7)), sd.fold_ids(0, 50, 3, random_state=7)
    )
    assert np.array_equal(sd.fold_ids(0, 50, 3), sd.fold_ids(0, 50, 3, random_state=0))
    seeded = [sd.fold_ids(0, 50, 3, random_state=np.random.default_rng(5)) for _ in range(2)]
    assert np.array_equal(*seeded)
