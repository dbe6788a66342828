"""shrinkage.from_formula: formulaic designs on pandas and polars data, the same encoding at
predict time, and missing columns named."""

from __future__ import annotations

import json

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
    df = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
            "x3": rng.normal(size=n),
            "region": rng.choice(["north", "south", "west"], n),
        }
    )
    effect = df["region"].map({"north": 0.0, "south": 1.5, "west": -1.0})
    df["y"] = 2 * df["x1"] + effect + 0.8 * df["x2"] * df["x3"] + 0.3 * rng.normal(size=n)
    return df


def hand_design(df: pd.DataFrame) -> np.ndarray:
    """x1, the south and west indicators (north is the reference level) and x2 * x3."""
    return np.column_stack(
        [df["x1"], df["region"] == "south", df["region"] == "west", df["x2"] * df["x3"]]
    ).astype(float)


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
    on_polars = from_formula(
        "y ~ x1 + C(region)", pl.from_pandas(frame), model=shrinkage.Lasso(0.01, **TIGHT)
    )
    on_pandas = from_formula("y ~ x1 + C(region)", frame, model=shrinkage.Lasso(0.01, **TIGHT))
    np.testing.assert_allclose(on_polars.model.coef_, on_pandas.model.coef_, rtol=1e-12)
    np.testing.assert_allclose(
        on_polars.predict(pl.from_pandas(frame.head())), on_pandas.predict(frame.head()), rtol=1e-12
    )


def test_classifier_with_text_labels(frame):
    data = frame.assign(label=np.where(frame["y"] > frame["y"].median(), "high", "low"))
    fm = from_formula("label ~ x1 + C(region)", data, model=shrinkage.LogisticRegression())
    assert set(fm.predict(data)) <= {"high", "low"}
    assert fm.predict_proba(data).shape == (len(data), 2)


def test_sample_weight_goes_to_fit(frame):
    w = np.linspace(0.5, 2.0, len(frame))
    fm = from_formula("y ~ x1 + x2", frame, model=shrinkage.Lasso(0.01, **TIGHT), sample_weight=w)
    direct = shrinkage.Lasso(0.01, **TIGHT).fit(
        frame[["x1", "x2"]].to_numpy(), frame["y"], sample_weight=w
    )
    np.testing.assert_allclose(fm.model.coef_, direct.coef_, rtol=1e-10)


def test_a_missing_column_is_named(frame):
    with pytest.raises(ValueError, match="names column\\(s\\) 'x9' that the data lacks"):
        from_formula("y ~ x1 + x9", frame, model=shrinkage.Lasso())
    fm = from_formula("y ~ x1 + C(region)", frame, model=shrinkage.Lasso())
    with pytest.raises(ValueError, match="'region' that the data lacks"):
        fm.predict(frame.drop(columns="region"))


@pytest.mark.parametrize(
    ("formula", "data", "model", "error", "message"),
    [
        ("y x1", "frame", "lasso", ValueError, "formula must be a string 'y ~ terms'"),
        ("y ~ x1", "array", "lasso", TypeError, "pandas or polars DataFrame"),
        ("y ~ x1", "frame", "nothing", TypeError, "model must be an estimator"),
    ],
)
def test_bad_input(frame, formula, data, model, error, message):
    data = frame if data == "frame" else frame.to_numpy()
    model = shrinkage.Lasso() if model == "lasso" else object()
    with pytest.raises(error, match=message):
        from_formula(formula, data, model=model)


def test_a_transformed_target(frame):
    data = frame.assign(count=np.exp(frame["x1"]))
    fm = from_formula("np.log(count) ~ x1", data, model=shrinkage.Ridge(1e-10))
    np.testing.assert_allclose(fm.model.coef_, [1.0], rtol=1e-6)


# --- saved formulas ------------------------------------------------------------------------

SAVED = (
    "y ~ x1 + C(region, contr.treatment('west')) + x2:x3 + C(region):x1 + center(x2)"
    " + scale(x3) + np.log(np.abs(x1) + 1) + poly(x2, degree=2)"
)


def test_a_saved_formula_predicts_identically(frame, tmp_path):
    fm = from_formula(SAVED, frame.iloc[:60], model=shrinkage.Lasso(0.01, **TIGHT))
    path = shrinkage.save(fm, tmp_path / "fm.json")
    back = shrinkage.load(path)
    assert isinstance(back, shrinkage.FormulaModel) and back.formula == SAVED
    assert back.feature_names == fm.feature_names
    new = frame.iloc[60:].drop(columns="y").copy()  # rows the stateful transforms never saw
    new["region"] = "south"  # one level only: the encoding still knows all three
    np.testing.assert_array_equal(back.design(new), fm.design(new))
    np.testing.assert_array_equal(back.predict(new), fm.predict(new))
    assert np.ptp(back.design(new)[:, fm.feature_names.index("center(x2)")]) > 0
    again = shrinkage.FormulaModel.from_dict(json.loads(json.dumps(back.to_dict())))
    np.testing.assert_array_equal(again.predict(new), fm.predict(new))


def test_a_saved_classifier_formula_keeps_its_labels(frame, tmp_path):
    data = frame.assign(label=np.where(frame["y"] > frame["y"].median(), "high", "low"))
    fm = from_formula("label ~ x1 + C(region) - 1", data, model=shrinkage.LogisticRegression())
    back = shrinkage.load(shrinkage.save(fm, tmp_path / "c.json"))
    np.testing.assert_array_equal(back.predict(data), fm.predict(data))
    np.testing.assert_array_equal(back.predict_proba(data), fm.predict_proba(data))


def test_a_formula_with_a_function_outside_the_list_is_not_saved(frame, tmp_path):
    fm = from_formula("y ~ np.sin(x1)", frame, model=shrinkage.Ridge(1.0))
    with pytest.raises(
        TypeError,
        match=r"cannot be saved: the factor 'np.sin\(x1\)' calls "
        r"'np.sin'",
    ):
        shrinkage.save(fm, tmp_path / "sin.json")
    assert not (tmp_path / "sin.json").exists()


@pytest.mark.parametrize(
    ("factor", "message"),
    [
        ("__import__('pathlib').Path({marker!r}).touch()", "calls .__import__"),
        ("open({marker!r}, 'w')", "calls 'open'"),
        ("np.log(x1) + evil(x1)", "calls 'evil'"),
        ("C(x1, levels=[np.save({marker!r}, x1)])", "calls 'np.save'"),
        ("np.log(x1).__class__", "reads the attribute"),
        ("np.log(__builtins__)", "names '__builtins__'"),
        ("I(x1 ** 9 ** 9 ** 9)", "raises to the power"),
        ("I('a' * x1)", "holds the constant 'a'"),
        ("[x for x in x1]", "holds ListComp"),
    ],
)
def test_a_hostile_formula_file_is_refused_without_running_it(frame, tmp_path, factor, message):
    marker = tmp_path / "ran"
    fm = from_formula("y ~ x1 + np.log(x2 ** 2)", frame, model=shrinkage.Ridge(1.0))
    doc = json.loads(json.dumps(fm.to_dict()))
    term = doc["estimator"]["terms"][-1]
    assert term[0][:2] == ["np.log(x2 ** 2)", "python"]
    term[0][0] = factor.format(marker=str(marker))
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(
        ValueError, match=f"hostile.json: FormulaModel.terms\\[2\\]: .*{message}"
    ) as info:
        shrinkage.load(path)
    assert "\n" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.json"]  # nothing ran


def test_a_loaded_formula_reads_data_columns_only(frame, tmp_path):
    """A name that is not a column (e.g. a Python builtin) is a missing column at predict."""
    fm = from_formula("y ~ x1 + np.log(np.abs(x2))", frame, model=shrinkage.Ridge(1.0))
    doc = json.loads(json.dumps(fm.to_dict()))
    doc["estimator"]["terms"][-1][0][0] = "np.log(open)"
    back = shrinkage.FormulaModel.from_dict(doc)
    with pytest.raises(ValueError, match="'open' that the data lacks"):
        back.predict(frame)


def test_a_saved_formula_with_wrong_fields_is_refused(frame):
    fm = from_formula("y ~ x1 + C(region)", frame, model=shrinkage.Ridge(1.0))
    doc = fm.to_dict()
    for change, message in [
        (lambda e: e.update(na_action="keep"), "na_action one of"),
        (lambda e: e.update(feature_names=["x1"]), "1 feature_names for a model of 3"),
        (lambda e: e["terms"][1][0].__setitem__(1, "exec"), "eval_method must be one of"),
        (lambda e: e.pop("model"), "lacks 'model'"),
    ]:
        bad = json.loads(json.dumps(doc))
        change(bad["estimator"])
        with pytest.raises(ValueError, match=message):
            shrinkage.FormulaModel.from_dict(bad)


def test_the_hostile_factor_would_run_at_predict_without_the_check(frame, tmp_path, monkeypatch):
    """What the refusal prevents: formulaic evaluates a python factor at predict, where
    ``np`` (formulaic's own name for NumPy) reaches np.save, np.load(allow_pickle=True)..."""
    marker = tmp_path / "ran.npy"
    fm = from_formula("y ~ x1 + np.log(np.abs(x2))", frame, model=shrinkage.Ridge(1.0))
    doc = json.loads(json.dumps(fm.to_dict()))
    doc["estimator"]["terms"][-1][0][0] = f"np.save({str(marker)!r}, x1)"
    monkeypatch.setattr(shrinkage.formula, "_check_factor", lambda expr, method: set())
    back = shrinkage.FormulaModel.from_dict(doc)
    assert not marker.exists()  # loading runs nothing even then
    with pytest.raises(Exception):  # noqa: B017 (the factor is None: any failure)
        back.predict(frame)
    assert marker.exists()
