"""shrinkage.io: reading tables, preparing features, replaying the preprocessing, model files,
atomic writes."""

import json
import os
import sys

import numpy as np
import pandas as pd
import pytest

from shrinkage import io


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    n = 30
    return pd.DataFrame({
        "age": rng.normal(50, 10, n).round(1),
        "color": rng.choice(["red", "blue", "green"], n),
        "smoker": rng.choice([True, False], n),
        "id": np.arange(n),
        "y": rng.normal(size=n),
    })


def _files(path):
    return sorted(p.name for p in path.iterdir())


# --- reading ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["d.csv", "d.tsv", "d.parquet", "d.jsonl", "d.json",
                                  "d.csv.gz"])
def test_read_table_formats(tmp_path, frame, name):
    path = tmp_path / name
    if name.endswith(".parquet"):
        frame.to_parquet(path)
    elif name.endswith((".jsonl", ".json")):
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_csv(path, sep="\t" if name.endswith(".tsv") else ",", index=False)
    df = io.read_table(path)
    assert list(df.columns) == list(frame.columns)
    np.testing.assert_allclose(df["age"], frame["age"])
    assert list(df["color"]) == list(frame["color"])


def test_read_table_json_array_and_errors(tmp_path, frame):
    path = tmp_path / "a.json"
    frame.to_json(path, orient="records")
    assert io.read_table(path).shape == frame.shape
    with pytest.raises(ValueError, match="cannot tell the format"):
        io.read_table(tmp_path / "data.xlsx")
    with pytest.raises(FileNotFoundError, match="not found"):
        io.read_table(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValueError, match="empty"):
        io.read_table(tmp_path / "empty.csv")
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(ValueError, match=r"cannot read bad.parquet as Parquet"):
        io.read_table(tmp_path / "bad.parquet")


# --- preparing --------------------------------------------------------------------------------

def test_prepare_one_hot_names_and_record(frame):
    p = io.prepare(frame, "y", drop="id", source="d.csv")
    assert p.feature_names == ["age", "color=blue", "color=green", "color=red", "smoker"]
    assert p.X.dtypes.eq(np.float64).all()
    assert (p.X.filter(like="color=").sum(axis=1) == 1).all()
    np.testing.assert_array_equal(p.X["smoker"], frame["smoker"].astype(float))
    np.testing.assert_array_equal(p.y, frame["y"])
    pre = p.preprocessing
    assert pre.dropped == ("id",) and pre.target == "y" and pre.impute is None
    assert [c.kind for c in pre.columns] == ["numeric", "categorical", "boolean"]
    assert "standardized" in pre.standardization
    again = io.Preprocessing.from_dict(json.loads(json.dumps(pre.to_dict())))
    assert again == pre
    summary = p.summary()
    assert summary["one_hot"] == {"color": ["blue", "green", "red"]}
    assert summary["n_features"] == 5 and summary["n_rows"] == 30


def test_numbers_written_as_text_are_numbers():
    df = pd.DataFrame({"x": ["1.5", " 2", "3e1", None], "y": ["1", "2", "3", "4"]})
    p = io.prepare(df, "y", impute="mean")
    np.testing.assert_allclose(p.X["x"], [1.5, 2.0, 30.0, 33.5 / 3])
    np.testing.assert_allclose(p.y, [1, 2, 3, 4])


def test_text_in_a_numeric_column_names_column_and_value():
    df = pd.DataFrame({"dose": ["1", "2", "3", "oops", "5"], "y": [1.0, 2, 3, 4, 5]})
    with pytest.raises(ValueError, match=r"text in a numeric column: column 'dose' of d.csv .*"
                                         r"'oops'"):
        io.prepare(df, "y", source="d.csv")


def test_mostly_text_column_is_categorical():
    df = pd.DataFrame({"size": ["S", "M", "L", "M", "42"], "y": [1.0, 2, 3, 4, 5]})
    p = io.prepare(df, "y")
    assert p.feature_names == ["size=42", "size=L", "size=M", "size=S"]


def test_missing_values_listed_unless_imputed(frame):
    frame.loc[[1, 2], "age"] = np.nan
    frame.loc[3, "color"] = None
    with pytest.raises(ValueError, match=r"missing values in columns 'age' \(2 missing\), "
                                         r"'color' \(1 missing\).*--impute"):
        io.prepare(frame, "y", source="d.csv")
    p = io.prepare(frame, "y", impute="median")
    assert not p.X.isna().any().any()
    age = p.preprocessing.columns[0]
    assert age.fill == pytest.approx(np.nanmedian(frame["age"]))
    assert p.X.loc[1, "age"] == pytest.approx(age.fill)
    color = p.preprocessing.columns[1]
    counts = frame["color"].value_counts()
    assert color.fill == min(counts[counts == counts.max()].index)  # ties: the first by name
    assert p.summary()["imputed"]["age"]["missing"] == 2
    mean = io.prepare(frame, "y", impute="mean").preprocessing.columns[0].fill
    assert mean == pytest.approx(np.nanmean(frame["age"]))


@pytest.mark.parametrize("change, message", [
    (lambda df: df.drop(columns="y"), r"target column 'y' not found in d.csv; its columns are "
                                      r"'age', 'color', 'smoker' and 'id'"),
    (lambda df: df.assign(y=3.0), r"target column 'y' of d.csv is constant"),
    (lambda df: df.iloc[:1], r"single data row"),
    (lambda df: df.iloc[:0], r"no data rows"),
    (lambda df: df.assign(y=df["color"]), r"not numeric.*--task classification"),
    (lambda df: df.assign(y=np.where(df.index == 2, np.nan, 1.0 * df.index)),
     r"target column 'y' of d.csv has 1 missing value; a target is never imputed"),
    (lambda df: df.assign(when=pd.Timestamp("2024-01-01")), r"dates or times.*--drop when"),
])
def test_prepare_refuses_bad_tables(frame, change, message):
    df = change(frame)
    with pytest.raises(ValueError, match=message):
        io.prepare(df, "y", source="d.csv")


def test_identifier_column_refused():
    df = pd.DataFrame({"name": [f"n{i}" for i in range(120)], "y": np.arange(120.0)})
    with pytest.raises(ValueError, match=r"'name' .* looks like an identifier.*--drop name"):
        io.prepare(df, "y")


def test_drop_checks(frame):
    with pytest.raises(ValueError, match=r"column to drop 'nope' not found"):
        io.prepare(frame, "y", drop=["nope"])
    with pytest.raises(ValueError, match="cannot be dropped"):
        io.prepare(frame, "y", drop=["y"])
    with pytest.raises(ValueError, match="no feature columns"):
        io.prepare(frame, "y", drop="age,color,smoker,id")


# --- replaying --------------------------------------------------------------------------------

def test_transform_replays_preprocessing(frame):
    p = io.prepare(frame, "y", drop=["id"])
    new = frame.drop(columns=["y"]).iloc[[5, 0, 7]]
    X = io.transform(new[["smoker", "color", "age"]], p.preprocessing)
    pd.testing.assert_frame_equal(X, p.X.iloc[[5, 0, 7]])
    one = io.transform(pd.DataFrame({"age": [1.0], "color": ["green"], "smoker": [False]}),
                       p.preprocessing)
    assert one.iloc[0].tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]


def test_transform_errors(frame):
    p = io.prepare(frame, "y", drop=["id"])
    with pytest.raises(ValueError, match=r"column 'smoker' not found in new.csv; its columns "
                                         r"are 'age' and 'color'"):
        io.transform(frame[["age", "color"]], p.preprocessing, source="new.csv")
    with pytest.raises(ValueError, match=r"category 'pink' not seen in training"):
        io.transform(frame.assign(color="pink"), p.preprocessing)
    with pytest.raises(ValueError, match=r"missing values in column 'age'"):
        io.transform(frame.assign(age=np.nan), p.preprocessing)
    imputed = io.prepare(frame, "y", drop=["id"], impute="mean")
    X = io.transform(frame.assign(age=np.nan), imputed.preprocessing)
    assert np.allclose(X["age"], frame["age"].mean())


# --- model files ------------------------------------------------------------------------------

def _model(frame):
    p = io.prepare(frame, "y", drop=["id"])
    coef = np.linspace(-1, 1, len(p.feature_names))
    return p, {"penalty": "l1", "alpha": 0.5, "l1_ratio": 1.0, "feature_names": p.feature_names,
               "coefficients": coef, "intercept": 2.0, "preprocessing": p.preprocessing,
               "target": "y", "training": {"n_samples": 30}}


def test_model_round_trip_plain_json(tmp_path, frame):
    p, info = _model(frame)
    path = io.save_model(info, tmp_path / "m.json")
    raw = json.loads(path.read_text())  # plain json, no custom decoder
    assert raw["format"] == "shrinkage-linear-model" and raw["format_version"] == 1
    assert raw["feature_names"] == p.feature_names
    assert raw["preprocessing"]["columns"][1]["categories"] == ["blue", "green", "red"]
    for key in ("shrinkage_version", "penalty", "alpha", "l1_ratio", "intercept"):
        assert key in raw
    assert b"pickle" not in path.read_bytes() and b"\x80" not in path.read_bytes()
    model = io.load_model(path)
    assert model["preprocessing"] == p.preprocessing
    preds = io.model_predict(model, frame)
    np.testing.assert_allclose(preds, p.X.to_numpy() @ info["coefficients"] + 2.0)
    assert _files(tmp_path) == ["m.json"]


def test_load_model_refuses_bad_files(tmp_path, frame):
    import pickle

    (tmp_path / "p.json").write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ValueError, match="not a shrinkage model file"):
        io.load_model(tmp_path / "p.json")
    _, info = _model(frame)
    good = json.loads(io.save_model(info, tmp_path / "m.json").read_text())
    for key, value, message in [("format_version", 99, "newer than this shrinkage"),
                                ("coefficients", [1.0], "one number per feature"),
                                ("penalty", "l3", "penalty must be one of"),
                                ("alpha", "x", "alpha must hold finite numbers")]:
        (tmp_path / "bad.json").write_text(json.dumps({**good, key: value}))
        with pytest.raises(ValueError, match=message):
            io.load_model(tmp_path / "bad.json")
    (tmp_path / "nan.json").write_text(json.dumps(good).replace('"alpha": 0.5',
                                                                '"alpha": NaN'))
    with pytest.raises(ValueError, match=r"finite"):
        io.load_model(tmp_path / "nan.json")
    with pytest.raises(FileNotFoundError):
        io.load_model(tmp_path / "none.json")


# --- writing ----------------------------------------------------------------------------------

def test_never_overwrite_without_force(tmp_path, frame):
    _, info = _model(frame)
    path = tmp_path / "m.json"
    path.write_text("keep me")
    with pytest.raises(FileExistsError, match="exists already; pass --force"):
        io.save_model(info, path)
    assert path.read_text() == "keep me"
    io.save_model(info, path, force=True)
    assert json.loads(path.read_text())["penalty"] == "l1"
    assert _files(tmp_path) == ["m.json"]
    assert oct(path.stat().st_mode & 0o777) != oct(0o600)  # not the temporary file's mode


def test_unwritable_destinations(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file, not a directory"):
        io.write_text(blocker / "out.html", "<html>")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        io.write_text(tmp_path / "no" / "out.html", "<html>")
    with pytest.raises(IsADirectoryError):
        io.write_text(tmp_path, "<html>")
    assert _files(tmp_path) == ["file.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_directory(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(PermissionError, match="not writable"):
            io.write_text(ro / "out.html", "x")
    finally:
        ro.chmod(0o700)


def test_failed_write_leaves_nothing(tmp_path):
    def boom(tmp):
        with open(tmp, "w") as f:
            f.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        io.write_atomic(tmp_path / "out.csv", boom)
    assert _files(tmp_path) == []


def test_write_table_formats(tmp_path):
    df = pd.DataFrame({"id": [1, 2], "prediction": [0.1, 1 / 3]})
    io.write_table(df, tmp_path / "p.csv")
    io.write_table(df, tmp_path / "p.parquet")
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "p.csv"), df)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "p.parquet"), df)


def test_parquet_without_pyarrow_says_what_to_install(tmp_path, frame, monkeypatch):
    path = tmp_path / "d.parquet"
    frame.to_parquet(path)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now fails
    with pytest.raises(ValueError, match=r"needs pyarrow.*pip install 'shrinkage\[parquet\]'"):
        io.read_table(path)
