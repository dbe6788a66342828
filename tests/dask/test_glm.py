"""Logistic and Poisson paths on Dask (shrinkage.dask.glm): Parquet in several partitions on a
2-process LocalCluster gives the in-memory fits, one pass per Newton step, a worker killed
mid-fit changes nothing, bad partitions and targets are named."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

import dask  # noqa: E402
import dask.array as da  # noqa: E402
import dask.dataframe as dd  # noqa: E402

import shrinkage  # noqa: E402
import shrinkage.dask as sd  # noqa: E402
from shrinkage.dask import fit_estimator  # noqa: E402

from . import test_cluster  # noqa: E402
from ._data import bounds, fit_while_killing_a_worker, names, write_parts  # noqa: E402

cluster, client = test_cluster.cluster, test_cluster.client  # its 2-process LocalCluster

pytestmark = pytest.mark.slow
TIGHT = {"tol": 1e-12, "max_iter": 10_000}
REF = {"tol": 1e-13, "max_iter": 10_000}  # the in-memory engine stops closer to its tolerance
N_PARTS = 6


def glm_data(n: int = 3000, p: int = 10, seed: int = 0):
    """X, binary y, counts with a log-exposure offset, sample weights."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:4] = [0.8, -0.6, 0.4, 0.3]
    labels = (rng.random(n) < 1 / (1 + np.exp(-(X @ w + 0.3)))).astype(float)
    offset = np.log(rng.uniform(0.5, 2.0, n))
    counts = rng.poisson(np.exp(0.5 * X @ w + 0.2 + offset)).astype(float)
    return X, labels, counts, offset, rng.uniform(0.2, 3.0, n)


def glm_frames(X, labels, counts, offset, sw, n_parts: int = N_PARTS) -> list[pd.DataFrame]:
    return [
        pd.DataFrame(X[a:b], columns=names(X.shape[1])).assign(
            y=labels[a:b], count=counts[a:b], exposure=offset[a:b], w=sw[a:b]
        )
        for a, b in bounds(len(labels), n_parts)
    ]


@pytest.fixture(scope="module")
def parquet(tmp_path_factory):
    data = glm_data()
    folder = tmp_path_factory.mktemp("glm")
    write_parts(glm_frames(*data), folder)
    return (*data, folder)


def _diff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def _check_cost(path) -> None:
    """One pass per Newton step (a pass also certifies the point it starts from), a few more
    where a look-ahead or a step size failed; a few setup passes; every alpha certified."""
    assert path.setup_passes <= 6
    assert path.n_passes.sum() <= path.n_newton.sum() + 2 + len(path) // 4
    assert path.converged.all()


def test_logistic_path_from_parquet_equals_in_memory(client, parquet):
    X, labels, _, _, sw, folder = parquet
    Xd, yd, wd = sd.read_parquet(folder, target="y", weight="w", features=names(10))
    assert Xd.npartitions == N_PARTS
    ours = sd.path(Xd, yd, datafit="logistic", sample_weight=wd, n_alphas=8, **TIGHT)
    ref = shrinkage.path(X, labels, datafit="logistic", sample_weight=sw, n_alphas=8, **REF)
    assert len(ours) == len(ref)
    assert _diff(ours.alphas, ref.alphas) < 1e-12 * ref.alphas[0]
    assert _diff(ours.coefs, ref.coefs) < 1e-8
    assert _diff(ours.intercepts, ref.intercepts) < 1e-8
    assert (ours.datafit, ours.certificate) == ("logistic", "duality_gap")
    assert list(ours.feature_names) == names(10)
    _check_cost(ours)


def test_elastic_net_and_ridge_logistic_at_the_tightest_tolerance(client, parquet):
    """The gap bounds the objective, so with an L2 part the coefficients are certified only to
    about its square root: both fits at tol 1e-14 agree to 1e-7, and ours solve the optimality
    conditions (checked here in numpy) to 1e-7 or better (usually 1e-13)."""
    X, labels, _, _, sw, folder = parquet
    Xd, yd, wd = sd.read_parquet(folder, target="y", weight="w", features=names(10))
    tight = {"tol": 1e-14, "max_iter": 10_000}
    s = sw / sw.sum()
    for l1_ratio, alphas in ((0.5, [0.05, 0.01, 0.002]), (0.0, [1.0, 0.1, 0.01])):
        ours = sd.path(
            Xd, yd, datafit="logistic", sample_weight=wd, l1_ratio=l1_ratio, alphas=alphas, **tight
        )
        ref = shrinkage.path(
            X,
            labels,
            datafit="logistic",
            sample_weight=sw,
            alphas=alphas,
            l1_ratio=l1_ratio,
            **tight,
        )
        assert _diff(ours.coefs, ref.coefs) < 1e-7, l1_ratio
        assert _diff(ours.intercepts, ref.intercepts) < 1e-7
        for a, w, b in zip(ours.alphas, ours.coefs, ours.intercepts, strict=True):
            g = s * (1 / (1 + np.exp(-(X @ w + b))) - labels)
            grad = X.T @ g + a * (1 - l1_ratio) * w + a * l1_ratio * np.sign(w)
            assert abs(g.sum()) < 1e-12 and np.max(np.abs(grad[w != 0]), initial=0) < 1e-7


def test_poisson_path_with_exposure_from_parquet_equals_in_memory(client, parquet):
    X, _, counts, offset, sw, folder = parquet
    frame = dd.read_parquet(folder)
    ours = sd.path(
        frame[[*names(10), "exposure"]],
        frame["count"],
        datafit="poisson",
        offset="exposure",
        sample_weight=frame["w"],
        n_alphas=8,
        **TIGHT,
    )
    ref = shrinkage.path(
        X, counts, datafit="poisson", offset=offset, sample_weight=sw, n_alphas=8, **REF
    )
    assert len(ours) == len(ref)
    assert _diff(ours.alphas, ref.alphas) < 1e-12 * ref.alphas[0]
    assert _diff(ours.coefs, ref.coefs) < 1e-8
    assert _diff(ours.intercepts, ref.intercepts) < 1e-8
    assert list(ours.feature_names) == names(10)
    _check_cost(ours)


def test_estimators_fit_dask_input(client, parquet):
    X, labels, counts, offset, sw, folder = parquet
    Xd, yd, wd = sd.read_parquet(folder, target="y", weight="w", features=names(10))
    est = shrinkage.LogisticRegression(penalty="l1", C=0.2, **TIGHT).fit(Xd, yd, sample_weight=wd)
    ref = shrinkage.LogisticRegression(penalty="l1", C=0.2, **REF).fit(X, labels, sample_weight=sw)
    assert est.coef_.shape == (1, 10) and list(est.classes_) == [0.0, 1.0]
    assert _diff(est.coef_, ref.coef_) < 1e-8 and _diff(est.intercept_, ref.intercept_) < 1e-8
    assert list(est.feature_names_in_) == names(10) and est.converged_
    text = yd.map({0.0: "no", 1.0: "yes"}, meta=("y", object))
    est = shrinkage.LogisticRegression(penalty="l1", C=0.2, class_weight="balanced", **TIGHT).fit(
        Xd, text
    )
    ref = shrinkage.LogisticRegression(penalty="l1", C=0.2, class_weight="balanced", **REF).fit(
        X, np.where(labels == 1, "yes", "no")
    )
    assert list(est.classes_) == ["no", "yes"]
    assert _diff(est.coef_, ref.coef_) < 1e-8
    frame = dd.read_parquet(folder)
    est = shrinkage.PoissonRegressor(alpha=0.01, l1_ratio=1.0, **TIGHT).fit(
        frame[names(10)], frame["count"], offset=frame["exposure"]
    )
    ref = shrinkage.PoissonRegressor(alpha=0.01, l1_ratio=1.0, **REF).fit(X, counts, offset=offset)
    assert _diff(est.coef_, ref.coef_) < 1e-8 and abs(est.intercept_ - ref.intercept_) < 1e-8
    assert est.n_features_in_ == 10


def test_a_worker_killed_mid_fit_changes_nothing(client, parquet):
    X, labels, _, _, _, _ = parquet
    rows = 500

    def slow(block):  # defined here: shipped to the workers by value
        time.sleep(0.05)
        return block

    Xd = da.from_array(X, chunks=(rows, X.shape[1])).map_blocks(slow, dtype=X.dtype)
    yd = da.from_array(labels, chunks=rows)
    ours = fit_while_killing_a_worker(
        client, lambda: sd.path(Xd, yd, datafit="logistic", n_alphas=4, **TIGHT), timeout=300
    )
    ref = shrinkage.path(X, labels, datafit="logistic", n_alphas=4, **REF)
    assert _diff(ours.coefs, ref.coefs) < 1e-8
    assert _diff(ours.intercepts, ref.intercepts) < 1e-8


def test_bad_partitions_and_targets_are_named(client, parquet, tmp_path):
    X, labels, counts, offset, sw, _ = parquet
    X = X.copy()
    X[2900, 3] = np.nan  # in the last partition
    write_parts(glm_frames(X, labels, counts, offset, sw), tmp_path / "nan")
    Xd, yd = sd.read_parquet(tmp_path / "nan", target="y", features=names(10))
    with pytest.raises(
        ValueError,
        match=rf"partition {N_PARTS - 1} of {N_PARTS} \(file "
        r"'.*part\.5\.parquet', row group 0\): NaN or infinite "
        r"values \(1 in 'x3'\)",
    ):
        sd.path(Xd, yd, datafit="logistic")
    bad = labels.copy()
    bad[1200] = 2.0  # in partition 2
    write_parts(glm_frames(X[:, :], bad, counts, offset, sw), tmp_path / "labels")
    Xd, yd = sd.read_parquet(tmp_path / "labels", target="y", features=names(10)[:3])
    with pytest.raises(
        ValueError,
        match=r"partition 2 of 6 \(file '.*part\.2\.parquet', row "
        r"group 0\): y must hold 0/1 labels",
    ):
        sd.path(Xd, yd, datafit="logistic")
    negative = counts.copy()
    negative[10] = -1.0
    parts = glm_frames(X[:600, :3], labels[:600], negative[:600], offset[:600], sw[:600], 3)
    df = dd.from_map(lambda i: parts[i], range(3), meta=parts[0].iloc[:0], enforce_metadata=False)
    with pytest.raises(ValueError, match=r"partition 0 of 3: y must hold non-negative counts"):
        sd.path(df[names(3)], df["count"], datafit="poisson")
    parts[1] = parts[1].rename(columns={"x0": "a"})
    df = dd.from_map(lambda i: parts[i], range(3), meta=parts[0].iloc[:0], enforce_metadata=False)
    with pytest.raises(
        ValueError,
        match=r"partition 1 of 3: its columns differ from X's "
        r"\(missing \['x0'\], unexpected \['a'\]\)",
    ):
        sd.path(df, "y", datafit="logistic", offset="exposure", sample_weight="w")


# --------------------------------------------------------------------------------------------
# in-process checks (synchronous scheduler)


@pytest.fixture
def synchronous():
    with dask.config.set(scheduler="sync"):
        yield


def test_arrays_offset_and_options(synchronous):
    X, labels, counts, offset, sw = glm_data(800, 6, seed=3)
    Xd = da.from_array(X, chunks=(200, 6))
    ours = sd.path(
        Xd,
        da.from_array(counts, chunks=200),
        datafit="poisson",
        offset=offset,
        alphas=[0.05, 0.01],
        l1_ratio=0.7,
        standardize=True,
        penalty_factor=[0, 1, 1, 1, 1, 2],
        lower=-0.5,
        **TIGHT,
    )
    ref = shrinkage.path(
        X,
        counts,
        datafit="poisson",
        offset=offset,
        alphas=[0.05, 0.01],
        l1_ratio=0.7,
        standardize=True,
        penalty_factor=[0, 1, 1, 1, 1, 2],
        lower=-0.5,
        **TIGHT,
    )
    assert _diff(ours.coefs, ref.coefs) < 1e-7 and ours.converged.all()
    ours = sd.path(
        Xd,
        da.from_array(labels, chunks=200),
        datafit="logistic",
        sample_weight=sw,
        fit_intercept=False,
        n_alphas=8,
        **TIGHT,
    )
    ref = shrinkage.path(
        X, labels, datafit="logistic", sample_weight=sw, fit_intercept=False, n_alphas=8, **TIGHT
    )
    assert _diff(ours.coefs, ref.coefs) < 1e-8 and np.all(ours.intercepts == 0)


def test_magnitudes_above_the_door_s_limit_are_its_errors(synchronous):
    """The first pass reduces each column's largest |value| (X, y, offset) and refuses what the
    in-memory door refuses, with its message."""
    X, labels, counts, offset, _ = glm_data(400, 4, seed=5)
    big = X.copy()
    big[:, 1] *= 1e152
    Xd = da.from_array(big, chunks=(100, 4))
    with pytest.raises(ValueError) as error:
        sd.path(Xd, da.from_array(labels, chunks=100), datafit="logistic", n_alphas=3)
    with pytest.raises(ValueError) as in_memory:
        shrinkage.path(big, labels, datafit="logistic", n_alphas=3)
    assert str(error.value) == str(in_memory.value)
    assert str(error.value).startswith("column 1 of X holds values up to")
    Xd = da.from_array(X, chunks=(100, 4))
    with pytest.raises(ValueError, match=r"^offset holds values up to .* rescale it"):
        sd.path(
            Xd,
            da.from_array(counts, chunks=100),
            datafit="poisson",
            offset=offset * 1e160,
            n_alphas=3,
        )


def test_argument_errors(synchronous):
    X, labels, _, offset, _ = glm_data(400, 4, seed=4)
    Xd, yd = da.from_array(X, chunks=(100, 4)), da.from_array(labels, chunks=100)
    with pytest.raises(ValueError, match="offset is for GLM datafits"):
        sd.path(Xd, yd, offset=offset)
    with pytest.raises(ValueError, match=r"offset must have one entry per row of X \(400\)"):
        sd.path(Xd, yd, datafit="logistic", offset=offset[:10])
    with pytest.raises(ValueError, match="datafit must be one of"):
        sd.path(Xd, yd, datafit="cauchy")
    # chosen by what the datafit is: the check loss is not smooth, the multinomial couples K
    # predictors; Newton on the partitions takes neither (once an IndexError, and a quantile
    # "fit" by Newton steps on a loss without curvature)
    with pytest.raises(ValueError, match=r"quantile datafit is not smooth.*in memory"):
        sd.path(Xd, yd, datafit="quantile")
    with pytest.raises(ValueError, match=r"multinomial datafit couples.*in memory"):
        sd.path(Xd, yd, datafit=shrinkage.datafits.get_datafit("multinomial"))
    with pytest.raises(ValueError, match=r"the working set grew to \d+ columns"):
        sd.path(Xd, yd, datafit="logistic", n_alphas=5, memory_budget=500)
    three = da.from_array(np.arange(400) % 3, chunks=100)
    with pytest.raises(ValueError, match="on Dask input fits two classes"):
        fit_estimator(shrinkage.LogisticRegression(), Xd, three)
    with pytest.raises(TypeError, match="unexpected argument 'offset'"):
        fit_estimator(shrinkage.LogisticRegression(), Xd, yd, offset=offset)
    with pytest.raises(ValueError, match="single class"):
        sd.path(Xd, da.zeros(400, chunks=100), datafit="logistic")


def test_a_non_convex_tweedie_is_refused_and_a_convex_one_runs(synchronous):
    """The Dask solver certifies by the duality gap: Tweedie with the log link and a power
    outside [1, 2] (not convex) is refused up front, naming the power and the way out."""
    X, _, counts, _, _ = glm_data(400, 4, seed=7)
    Xd = da.from_array(X, chunks=(100, 4))
    y = da.from_array(counts + 1.0, chunks=100)
    with pytest.raises(ValueError, match=r"tweedie with power=3\.0 is not convex.*in memory"):
        sd.path(Xd, y, datafit=shrinkage.datafits.get_datafit("tweedie", power=3.0), n_alphas=3)
    tweedie = shrinkage.datafits.get_datafit("tweedie", power=1.5)
    ours = sd.path(Xd, y, datafit=tweedie, alphas=[0.05, 0.01], **TIGHT)
    ref = shrinkage.path(X, counts + 1.0, datafit=tweedie, alphas=[0.05, 0.01], **TIGHT)
    assert _diff(ours.coefs, ref.coefs) < 1e-7 and ours.converged.all()


def test_max_iter_reached_warns_with_the_duality_gap(synchronous):
    """An alpha stopped at max_iter gets the path's one convergence warning, naming the duality
    gap that certifies the Dask fits (it raised AttributeError: AlphaFit had no certificate)."""
    X, labels, _, _, _ = glm_data(400, 6, seed=8)
    Xd, yd = da.from_array(X, chunks=(100, 6)), da.from_array(labels, chunks=100)
    warning = shrinkage.exceptions.ShrinkageConvergenceWarning
    with pytest.warns(warning, match=r"did not converge at \d+ of 5 alphas.*the duality gap"):
        ours = sd.path(Xd, yd, datafit="logistic", n_alphas=5, tol=1e-14, max_iter=1)
    assert not ours.converged.all()
    assert np.all(ours.gaps[~ours.converged] > 0)
