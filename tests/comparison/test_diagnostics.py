"""Multicollinearity diagnostics against independent numpy computations."""

import json

import numpy as np
import pandas as pd
import polars as pl
import pytest
import scipy.sparse as sp

from shrinkage.comparison.diagnostics import collinearity


def correlated_design(n=200, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) @ rng.standard_normal((p, p)) * 0.7
    X += rng.standard_normal((n, p))
    return X * rng.uniform(0.1, 10.0, p) + rng.uniform(-5, 5, p)


def vif_by_regression(X):
    """VIF_j = 1 / (1 - R_j^2), R_j^2 from regressing column j on the others (with intercept)."""
    n, p = X.shape
    out = np.empty(p)
    for j in range(p):
        A = np.column_stack([np.ones(n), np.delete(X, j, axis=1)])
        coef = np.linalg.lstsq(A, X[:, j], rcond=None)[0]
        resid = X[:, j] - A @ coef
        r2 = 1.0 - resid @ resid / np.sum((X[:, j] - X[:, j].mean()) ** 2)
        out[j] = 1.0 / (1.0 - r2)
    return out


def standardized(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


def test_vif_and_condition_number_match_independent_computations():
    X = correlated_design()
    c = collinearity(X)
    np.testing.assert_allclose(c.vif, vif_by_regression(X), rtol=1e-8)
    assert c.condition_number == pytest.approx(np.linalg.cond(standardized(X)), rel=1e-8)
    np.testing.assert_allclose(c.correlation, np.corrcoef(X, rowvar=False), atol=1e-12)
    np.testing.assert_allclose(c.scale, X.std(axis=0), rtol=1e-12)
    assert c.constant.size == 0 and c.n_samples == 200 and c.n_features == 6


def test_sparse_input_matches_dense():
    X = correlated_design(seed=1)
    X[np.abs(X) < 2.0] = 0.0
    dense, sparse = collinearity(X), collinearity(sp.csr_matrix(X))
    np.testing.assert_allclose(sparse.vif, dense.vif, rtol=1e-8)
    np.testing.assert_allclose(sparse.correlation, dense.correlation, atol=1e-10)
    assert sparse.condition_number == pytest.approx(dense.condition_number, rel=1e-8)


def test_exact_collinearity_gives_infinite_vif_for_the_members_only():
    X = correlated_design(seed=2)
    X[:, 5] = 2.0 * X[:, 0] - X[:, 3]
    c = collinearity(X)
    assert np.isinf(c.condition_number)
    assert set(np.flatnonzero(np.isinf(c.vif))) == {0, 3, 5}
    assert list(c.exactly_collinear) == [0, 3, 5]
    others = [1, 2, 4]
    # the others' VIF: regressing them on the rest, where one column of {0, 3, 5} is redundant
    np.testing.assert_allclose(
        c.vif[others], vif_by_regression(np.delete(X, 5, axis=1))[others], rtol=1e-6
    )


def test_constant_columns_are_listed_and_left_out():
    X = correlated_design(seed=3)
    X[:, 2] = 4.5
    c = collinearity(X, feature_names=list("abcdef"))
    assert list(c.constant) == [2] and c.constant_names == ["c"]
    assert np.isnan(c.vif[2]) and np.all(np.isnan(c.correlation[2]))
    rest = np.delete(X, 2, axis=1)
    np.testing.assert_allclose(np.delete(c.vif, 2), vif_by_regression(rest), rtol=1e-8)
    assert c.condition_number == pytest.approx(np.linalg.cond(standardized(rest)), rel=1e-8)


def test_groups_are_connected_components_of_strong_correlations():
    rng = np.random.default_rng(4)
    n = 500
    a = rng.standard_normal(n)
    b = a + 0.35 * rng.standard_normal(n)  # a-b and b-c strongly linked, a-c weaker: one chain
    c_ = b + 0.35 * rng.standard_normal(n)
    u = rng.standard_normal(n)
    v = -u + 0.1 * rng.standard_normal(n)  # a negatively correlated pair
    X = np.column_stack([a, rng.standard_normal(n), b, c_, u, v, rng.standard_normal(n)])
    names = ["a", "noise1", "b", "c", "u", "v", "noise2"]
    R = np.corrcoef(X, rowvar=False)
    assert abs(R[0, 3]) < 0.92 <= min(abs(R[0, 2]), abs(R[2, 3]))
    diag = collinearity(X, names, threshold=0.92)
    assert [g.members for g in diag.groups] == [(0, 2, 3), (4, 5)]
    chain, pair = diag.groups
    assert chain.names == ("a", "b", "c") and pair.names == ("u", "v")
    assert pair.strongest_corr == pytest.approx(R[4, 5]) and pair.strongest_corr < -0.92
    assert chain.min_abs_corr == pytest.approx(abs(R[0, 3]))
    assert chain.max_abs_corr == pytest.approx(
        np.max(np.abs(R[np.ix_([0, 2, 3], [0, 2, 3])] - np.eye(3)))
    )
    assert diag.group_of(2) is chain and diag.group_of(1) is None
    assert collinearity(X, names, threshold=0.999).groups == []


def test_more_features_than_samples_is_exactly_collinear():
    X = np.random.default_rng(5).standard_normal((10, 15))
    c = collinearity(X)
    assert np.isinf(c.condition_number) and np.all(np.isinf(c.vif))
    assert np.count_nonzero(c.eigenvalues > 1e-8) == 9  # rank of the centred X is n - 1


def test_dataframes_keep_names_and_json_is_strict():
    X = correlated_design(seed=6)
    X[:, 1] = X[:, 0] * 3 + 1  # exact duplicate up to scale: corr 1, infinite VIF
    frame = pd.DataFrame(X, columns=[f"col{j}" for j in range(6)])
    for data in (frame, pl.from_pandas(frame)):
        c = collinearity(data)
        assert list(c.feature_names) == list(frame.columns)
        assert c.groups[0].names == ("col0", "col1")
        d = c.to_dict()
        assert json.loads(json.dumps(d, allow_nan=False)) == d
        assert d["vif"]["col0"] is None and d["exactly_collinear"] == ["col0", "col1"]
    assert "Collinearity(" in repr(c)


def test_bad_input_gives_clear_errors():
    X = correlated_design(n=20, seed=7)
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        collinearity(X)
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "city": ["x", "y", "z"]})
    with pytest.raises(ValueError, match="non-numeric columns: 'city'"):
        collinearity(frame)
    with pytest.raises(ValueError, match=r"missing values.*'a'"):
        collinearity(pd.DataFrame({"a": [1.0, None, 3.0], "b": [1.0, 2.0, 0.0]}))
    with pytest.raises(ValueError, match="threshold"):
        collinearity(correlated_design(), threshold=1.5)
    with pytest.raises(ValueError, match="feature_names"):
        collinearity(correlated_design(), feature_names=["a"])


def one_hot(levels, column):
    names = sorted(set(levels))
    return pd.DataFrame(
        {f"{column}={lv}": (np.asarray(levels) == lv).astype(float) for lv in names}
    )


def test_one_hot_encoding_is_not_reported_as_collinearity_but_the_data_s_own_is():
    rng = np.random.default_rng(3)
    n = 300
    X = pd.DataFrame(correlated_design(n, 3, seed=3), columns=["a", "b", "c"])
    shelve = one_hot(rng.choice(["Bad", "Good", "Medium"], n, p=[0.3, 0.2, 0.5]), "ShelveLoc")
    student = one_hot(rng.choice(["No", "Yes"], n), "student")
    full = pd.concat([X, shelve, student], axis=1)
    c = collinearity(full)
    assert [b.column for b in c.one_hot] == ["ShelveLoc", "student"]
    references = [full.columns[j] for j in c.references]
    assert references == ["ShelveLoc=Medium", student.columns[student.sum().argmax()]]
    # the same numbers as with the reference levels dropped by hand
    reduced = full.drop(columns=references)
    assert np.isfinite(c.condition_number)
    assert c.condition_number == pytest.approx(np.linalg.cond(standardized(reduced.to_numpy())))
    kept = [full.columns.get_loc(n) for n in reduced.columns]
    np.testing.assert_allclose(c.vif[kept], vif_by_regression(reduced.to_numpy()), rtol=1e-8)
    assert np.all(np.isnan(c.vif[c.references])) and c.exactly_collinear.size == 0
    assert c.groups == []  # student=No and student=Yes (r = -1) are no pair
    assert json.loads(json.dumps(c.to_dict(), allow_nan=False))["one_hot"][1]["column"] == (
        "student"
    )
    # without the encoding, the same columns look exactly collinear
    blind = collinearity(full, one_hot={})
    assert np.isinf(blind.condition_number) and blind.exactly_collinear.size == 5
    assert [g.names for g in blind.groups] == [("student=No", "student=Yes")]

    # the user's own collinearity stays visible: a duplicated column, x3 = x1 + x2, and a
    # numeric copy of a level
    own = full.assign(a_again=full["a"], sum_ab=full["a"] + full["b"], yes=full["student=Yes"])
    c = collinearity(own)
    assert np.isinf(c.condition_number)
    exact = {str(own.columns[j]) for j in c.exactly_collinear}
    assert {"a", "b", "a_again", "sum_ab", "yes"} <= exact
    assert not exact & {"c", "ShelveLoc=Bad", "ShelveLoc=Good"}
    pairs = {g.names for g in c.groups}
    assert any({"a", "a_again"} <= set(g) for g in pairs)
    assert any({"student=Yes", "yes"} <= set(g) for g in pairs)


def test_declared_one_hot_blocks():
    rng = np.random.default_rng(4)
    levels = rng.choice(["x", "y", "z"], 100)
    X = pd.concat([pd.DataFrame({"v": rng.standard_normal(100)}), one_hot(levels, "k")], axis=1)
    X.columns = ["v", "k_x", "k_y", "k_z"]  # not the column=level form: found only if declared
    assert collinearity(X).one_hot == ()
    c = collinearity(X, one_hot={"k": ["k_x", "k_y", "k_z"]})
    assert c.one_hot[0].column == "k" and np.isfinite(c.condition_number)
    with pytest.raises(ValueError, match="one_hot"):
        collinearity(X, one_hot={"k": ["k=x"]})
