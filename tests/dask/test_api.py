"""shrinkage.dask paths, cross-validation and the estimators on Dask input equal the in-memory
results (synchronous scheduler; the distributed runs are in test_cluster.py)."""

from __future__ import annotations

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

from ._data import frames, names, problem, splits_of

TIGHT = {"tol": 1e-10, "max_iter": 10_000}


@pytest.fixture(autouse=True)
def synchronous():
    with dask.config.set(scheduler="sync"):
        yield


@pytest.fixture(scope="module")
def data():
    X, y, sw = problem(1500, 8, seed=3)
    parts = frames(X, y, sw, n_parts=5)
    df = dd.from_delayed([dask.delayed(p) for p in parts], meta=parts[0].iloc[:0])
    return X, y, sw, df, [len(p) for p in parts]


def _diff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_path_equals_in_memory(data, l1_ratio, weighted):
    X, y, sw, df, _ = data
    if weighted:  # y and the weights as column names of X
        ours = sd.path(df, "y", sample_weight="w", l1_ratio=l1_ratio, n_alphas=30, **TIGHT)
    else:  # y as a Series of the same source; X without the weight column
        ours = sd.path(df[names(8)], df["y"], l1_ratio=l1_ratio, n_alphas=30, **TIGHT)
    ref = shrinkage.path(
        X, y, sample_weight=sw if weighted else None, l1_ratio=l1_ratio, n_alphas=30, **TIGHT
    )
    assert _diff(ours.alphas, ref.alphas) < 1e-12 * ref.alphas[0]
    assert _diff(ours.coefs, ref.coefs) < 1e-8
    assert _diff(ours.intercepts, ref.intercepts) < 1e-8
    assert list(ours.feature_names) == names(8)
    assert np.all(ours.gaps <= 1e-10 * np.var(y) + 1e-14)


def test_path_options_pass_through(data):
    X, y, _, df, _ = data
    opts = {
        "standardize": True,
        "penalty_factor": np.r_[0.0, np.ones(7)],
        "lower": -0.5,
        "fit_intercept": False,
        "n_alphas": 20,
        **TIGHT,
    }
    ours = sd.path(df, "y", sample_weight="w", **opts)
    ref = shrinkage.path(X, y, sample_weight=data[2], **opts)
    assert _diff(ours.coefs, ref.coefs) < 1e-8 and np.all(ours.intercepts == 0)
    arr = sd.path(
        da.from_array(X, chunks=(400, 3)),
        da.from_array(y, chunks=500),
        n_alphas=10,
        feature_names=names(8),
    )
    assert list(arr.feature_names) == names(8) and arr.coefs.shape == (10, 8)


@pytest.mark.parametrize("scoring", ["mse", "r2", "mae"])
def test_cross_validation_equals_in_memory_on_the_same_folds(data, scoring):
    X, y, sw, df, lengths = data
    ours = sd.cross_validate_path(
        df,
        "y",
        sample_weight="w",
        cv=4,
        random_state=11,
        scoring=scoring,
        n_alphas=25,
        l1_ratio=0.7,
        keep_fold_coefs=True,
        **TIGHT,
    )
    splits = splits_of(lengths, 4, random_state=11)
    ref = shrinkage.cross_validate_path(
        X,
        y,
        sample_weight=sw,
        cv=splits,
        scoring=scoring,
        n_alphas=25,
        l1_ratio=0.7,
        keep_fold_coefs=True,
        **TIGHT,
    )
    assert _diff(ours.alphas, ref.alphas) < 1e-12
    assert _diff(ours.fold_errors, ref.fold_errors) < 1e-9 * np.max(ref.fold_errors)
    assert _diff(ours.cv_se, ref.cv_se) < 1e-9 * np.max(ref.cv_mean)
    assert (ours.index_min, ours.index_1se) == (ref.index_min, ref.index_1se)
    assert _diff(ours.path.coefs, ref.path.coefs) < 1e-8
    assert _diff(ours.fold_coefs, ref.fold_coefs) < 1e-8
    assert _diff(ours.fold_weights, ref.fold_weights) < 1e-9
    assert [t.tolist() for _, t in ours.splits] == [t.tolist() for _, t in splits]
    assert ours.scoring == scoring and len(ours.splits) == 4


def test_estimators_accept_dask_input(data):
    X, y, sw, df, _ = data
    Xd, yd, wd = df[names(8)], df["y"], df["w"]
    for est in (
        shrinkage.Lasso(alpha=0.05, **TIGHT),
        shrinkage.ElasticNet(alpha=0.05, **TIGHT),
        shrinkage.Ridge(alpha=3.0),
        shrinkage.Ridge(alpha=3.0, lower=0.0, **TIGHT),
    ):
        ours = est.fit(Xd, yd, sample_weight=wd)
        ours_coef, ours_b, gap = ours.coef_.copy(), ours.intercept_, ours.dual_gap_
        ref = est.fit(X, y, sample_weight=sw)
        assert _diff(ours_coef, ref.coef_) < 1e-8, type(est).__name__
        assert abs(ours_b - ref.intercept_) < 1e-8
        assert np.isfinite(gap)
    lasso = shrinkage.Lasso(alpha=0.05).fit(Xd, yd)
    assert list(lasso.feature_names_in_) == names(8) and lasso.n_features_in_ == 8
    assert lasso.coef_.dtype == np.float64
    pred = sd.predict(lasso, Xd).compute().to_numpy()
    assert _diff(pred, lasso.predict(pd.DataFrame(X, columns=names(8)))) < 1e-10
    arr = shrinkage.Lasso(alpha=0.05).fit(
        da.from_array(X.astype(np.float32), chunks=(300, 8)), da.from_array(y, chunks=300)
    )
    assert arr.coef_.dtype == np.float32 and not hasattr(arr, "feature_names_in_")
    assert np.allclose(
        sd.predict(arr, da.from_array(X, chunks=300)).compute(), X @ arr.coef_ + arr.intercept_
    )


def test_warm_start_on_dask_input(data):
    _X, _y, _, df, _ = data
    est = shrinkage.Lasso(alpha=0.1, warm_start=True, **TIGHT).fit(df, df["y"].to_frame())
    first = est.n_iter_
    est.fit(df[names(8)], df["y"])
    assert est.n_iter_ <= first


@pytest.mark.parametrize("rule", ["min", "1se"])
def test_cv_estimators_accept_dask_input(data, rule):
    X, y, sw, df, lengths = data
    splits = splits_of(lengths, 5, random_state=2)
    for cls, extra in ((shrinkage.LassoCV, {}), (shrinkage.ElasticNetCV, {"l1_ratio": [0.3, 0.9]})):
        ours = cls(cv=5, random_state=2, alpha_rule=rule, n_alphas=20, **extra, **TIGHT).fit(
            df[names(8)], df["y"], sample_weight=df["w"]
        )
        ref = cls(cv=splits, alpha_rule=rule, n_alphas=20, **extra, **TIGHT).fit(
            X, y, sample_weight=sw
        )
        assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
        assert ours.l1_ratio_ == ref.l1_ratio_
        assert _diff(ours.coef_, ref.coef_) < 1e-8 and abs(ours.intercept_ - ref.intercept_) < 1e-8
        assert _diff(ours.mse_path_, ref.mse_path_) < 1e-9 * np.max(ref.mse_path_)
        assert _diff(ours.alphas_, ref.alphas_) < 1e-12
        assert ours.n_iter_ == ref.n_iter_ and ours.dual_gap_ == pytest.approx(
            ref.dual_gap_, abs=1e-12
        )
        assert list(ours.feature_names_in_) == names(8)
