"""shrinkage.from_formula: formulaic designs on pandas and polars data, the same encoding at
predict time, and missing columns named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import shrinkage
from shrinkage.formula import from_formula

pytest.importorskip("formulaic")

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(16)
    n = 90
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n),
                       "x3": rng.normal(size=n),
                       "region": rng.choice(["north", "south", "west"], n)})
    effect = df["region"].map({"north": 0.0, "south": 1.5, "west": -1.0})
    df["y"] = 2 * df["x1"] + effect + 0.8 * df["x2"] * df["x3"] + 0.3 * rng.normal(size=n)
    return df


def hand_design(df: pd.DataFrame) -> np.ndarray:
    """x1, the south and west indicators (north is the reference level) and x2 * x3."""
    return np.column_stack([df["x1"], df["region"] == "south", df["region"] == "west",
                            df["x2"] * df["x3"]]).astype(float)


def test_formula_fit_is_the_fit_on_the_hand_made_design(frame):
    fm = from_formula("y ~ x1 + C(region) + x2:x3", frame, model=shrinkage.Lasso(0.01, **TIGHT))
    direct = shrinkage.Lasso(0.01, **TIGHT).fit(hand_design(frame), frame["y"])
    np.testing.assert_allclose(fm.model.coef_, direct.coef_, rtol=1e-10)
    assert fm.feature_names == ["x1", "C(region)[T.south]", "C(region)[T.west]", "x2:x3"]
    assert fm.coef.index.tolist() == fm.feature_names


def test_predict_on_new_rows_applies_the_same_encoding(frame):
    fm = from_formula("y ~ x1 + C(region) + x2:x3", frame, model=shrinkage.Ridge(1.0))
    new = frame.iloc[:3].copy()
    new["region"] = ["west", "west", "south"]  # levels in another order, one level absent
    expected = fm.model.predict(hand_design(new))
    np.testing.assert_allclose(fm.predict(new.drop(columns="y")), expected, rtol=1e-12)


def test_polars_data(frame):
    pl = pytest.importorskip("polars")
    on_polars = from_formula("y ~ x1 + C(region)", pl.from_pandas(frame),
                             model=shrinkage.Lasso(0.01, **TIGHT))
    on_pandas = from_formula("y ~ x1 + C(region)", frame, model=shrinkage.Lasso(0.01, **TIGHT))
    np.testing.assert_allclose(on_polars.model.coef_, on_pandas.model.coef_, rtol=1e-12)
    np.testing.assert_allclose(on_polars.predict(pl.from_pandas(frame.head())),
                               on_pandas.predict(frame.head()), rtol=1e-12)


def test_classifier_with_text_labels(frame):
    data = frame.assign(label=np.where(frame["y"] > frame["y"].median(), "high", "low"))
    fm = from_formula("label ~ x1 + C(region)", data, model=shrinkage.LogisticRegression())
    assert set(fm.predict(data)) <= {"high", "low"}
    assert fm.predict_proba(data).shape == (len(data), 2)


def test_sample_weight_goes_to_fit(frame):
    w = np.linspace(0.5, 2.0, len(frame))
    fm = from_formula("y ~ x1 + x2", frame, model=shrinkage.Lasso(0.01, **TIGHT), sample_weight=w)
    direct = shrinkage.Lasso(0.01, **TIGHT).fit(frame[["x1", "x2"]].to_numpy(), frame["y"],
                                                sample_weight=w)
    np.testing.assert_allclose(fm.model.coef_, direct.coef_, rtol=1e-10)


def test_a_missing_column_is_named(frame):
    with pytest.raises(ValueError, match="names column\\(s\\) 'x9' that the data lacks"):
        from_formula("y ~ x1 + x9", frame, model=shrinkage.Lasso())
    fm = from_formula("y ~ x1 + C(region)", frame, model=shrinkage.Lasso())
    with pytest.raises(ValueError, match="'region' that the data lacks"):
        fm.predict(frame.drop(columns="region"))


@pytest.mark.parametrize(("formula", "data", "model", "error", "message"), [
    ("y x1", "frame", "lasso", ValueError, "formula must be a string 'y ~ terms'"),
    ("y ~ x1", "array", "lasso", TypeError, "pandas or polars DataFrame"),
    ("y ~ x1", "frame", "nothing", TypeError, "model must be an estimator"),
])
def test_bad_input(frame, formula, data, model, error, message):
    data = frame if data == "frame" else frame.to_numpy()
    model = shrinkage.Lasso() if model == "lasso" else object()
    with pytest.raises(error, match=message):
        from_formula(formula, data, model=model)


def test_a_transformed_target(frame):
    data = frame.assign(count=np.exp(frame["x1"]))
    fm = from_formula("np.log(count) ~ x1", data, model=shrinkage.Ridge(1e-10))
    np.testing.assert_allclose(fm.model.coef_, [1.0], rtol=1e-6)
