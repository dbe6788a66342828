"""shrinkage.io.encoding: preparing features (one-hot, missing values, index-like columns, the
checks) and replaying the preprocessing on new data."""

import json

import numpy as np
import pandas as pd
import pytest

from shrinkage import io


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    n = 30
    return pd.DataFrame(
        {
            "age": rng.normal(50, 10, n).round(1),
            "color": rng.choice(["red", "blue", "green"], n),
            "smoker": rng.choice([True, False], n),
            "id": np.arange(n),
            "y": rng.normal(size=n),
        }
    )


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
    with pytest.raises(
        ValueError,
        match=r"text in a numeric column: column 'dose' of d.csv .*"
        r"'oops'",
    ):
        io.prepare(df, "y", source="d.csv")


def test_mostly_text_column_is_categorical():
    df = pd.DataFrame({"size": ["S", "M", "L", "M", "42"], "y": [1.0, 2, 3, 4, 5]})
    p = io.prepare(df, "y")
    assert p.feature_names == ["size=42", "size=L", "size=M", "size=S"]


def test_missing_values_listed_unless_imputed(frame):
    frame.loc[[1, 2], "age"] = np.nan
    frame.loc[3, "color"] = None
    with pytest.raises(
        ValueError,
        match=r"missing values in columns 'age' \(2 missing\), "
        r"'color' \(1 missing\).*--impute",
    ):
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


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda df: df.drop(columns="y"),
            r"target column 'y' not found in d.csv; its columns are "
            r"'age', 'color', 'smoker' and 'id'",
        ),
        (lambda df: df.assign(y=3.0), r"target column 'y' of d.csv is constant"),
        (lambda df: df.iloc[:1], r"single data row"),
        (lambda df: df.iloc[:0], r"no data rows"),
        (lambda df: df.assign(y=df["color"]), r"not numeric.*--task classification"),
        (
            lambda df: df.assign(y=np.where(df.index == 2, np.nan, 1.0 * df.index)),
            r"target column 'y' of d.csv has 1 missing value; a target is never imputed",
        ),
        (lambda df: df.assign(when=pd.Timestamp("2024-01-01")), r"dates or times.*--drop when"),
    ],
)
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
    one = io.transform(
        pd.DataFrame({"age": [1.0], "color": ["green"], "smoker": [False]}), p.preprocessing
    )
    assert one.iloc[0].tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]


def test_transform_errors(frame):
    p = io.prepare(frame, "y", drop=["id"])
    with pytest.raises(
        ValueError,
        match=r"column 'smoker' not found in new.csv; its columns "
        r"are 'age' and 'color'",
    ):
        io.transform(frame[["age", "color"]], p.preprocessing, source="new.csv")
    with pytest.raises(ValueError, match=r"category 'pink' not seen in training"):
        io.transform(frame.assign(color="pink"), p.preprocessing)
    with pytest.raises(ValueError, match=r"missing values in column 'age'"):
        io.transform(frame.assign(age=np.nan), p.preprocessing)
    imputed = io.prepare(frame, "y", drop=["id"], impute="mean")
    X = io.transform(frame.assign(age=np.nan), imputed.preprocessing)
    assert np.allclose(X["age"], frame["age"].mean())


# --- index-like columns (issue 19): row labels are not features --------------------------------


def _with(frame, **columns):
    return frame.drop(columns="id").assign(**columns)


@pytest.mark.parametrize(
    "name, values, reason",
    [
        ("rownames", lambda n: np.arange(1, n + 1), "the row numbers 1..30"),
        ("Unnamed: 0", lambda n: np.arange(n), "the row numbers 0..29"),
        ("t", lambda n: np.arange(1, n + 1), "the row numbers 1..30"),
        ("ROWNAMES", lambda n: [f"car {i}" for i in range(n)], "named like a row index"),
        ("Id", lambda n: np.arange(n)[::-1] * 7 + 1000, "named like a row index"),
        ("index", lambda n: np.arange(5, n + 5), "named like a row index"),
    ],
)
def test_index_like_columns_are_left_out_and_recorded(frame, name, values, reason):
    df = _with(frame, **{name: values(len(frame))})
    p = io.prepare(df, "y")
    assert name not in p.preprocessing.input_columns
    assert p.feature_names == ["age", "color=blue", "color=green", "color=red", "smoker"]
    assert p.preprocessing.index_columns == (name,)
    assert reason in p.index_notes[name]
    assert p.summary()["index_columns"] == {name: p.index_notes[name]}
    again = io.Preprocessing.from_dict(json.loads(json.dumps(p.preprocessing.to_dict())))
    assert again.index_columns == (name,)
    # new data: the index column is ignored, as in training
    X = io.transform(df.drop(columns="y"), p.preprocessing)
    assert list(X.columns) == p.feature_names


def test_keep_index_columns(frame):
    df = _with(frame, rownames=np.arange(1, len(frame) + 1))
    p = io.prepare(df, "y", keep_index_columns=True)
    assert "rownames" in p.feature_names and p.preprocessing.index_columns == ()
    with pytest.raises(TypeError, match="keep_index_columns must be True or False"):
        io.prepare(df, "y", keep_index_columns="yes")


@pytest.mark.parametrize(
    "name, values",
    [
        ("id", lambda n: np.arange(n) % 3),  # named id, values repeat
        ("x", lambda n: np.arange(2, n + 2)),  # consecutive, not 0.. or 1..
        ("x", lambda n: np.arange(1, n + 1)[::-1]),  # not in row order
        ("index", lambda n: np.where(np.arange(n) == 4, np.nan, np.arange(n))),  # a missing cell
        ("flag", lambda n: np.arange(n) < 2),  # booleans
    ],
)
def test_not_index_like(frame, name, values):
    df = _with(frame, **{name: values(len(frame))})
    p = io.prepare(df, "y", impute="mean")
    assert name in p.preprocessing.input_columns and p.index_notes == {}


def test_the_target_is_never_an_index_column(frame):
    df = _with(frame, y=np.arange(1.0, len(frame) + 1))
    p = io.prepare(df, "y")
    np.testing.assert_array_equal(p.y, np.arange(1.0, 31.0))
    assert p.index_notes == {}


def test_only_index_columns_left_says_how_to_keep_them():
    df = pd.DataFrame({"rownames": [1, 2, 3, 4], "y": [1.0, 3.0, 2.0, 5.0]})
    with pytest.raises(
        ValueError,
        match=r"no feature columns left besides the target 'y' \(the "
        r"index-like column 'rownames' left out: keep them "
        r"with --keep-index-columns",
    ):
        io.prepare(df, "y")


# --- values at the door: squares must not overflow ---------------------------------------------


@pytest.mark.parametrize(
    "column, value, message",
    [
        (
            "age",
            1e300,
            r"column 'age' of d.csv has values too large to fit \(e\.g\. 1e\+300; at "
            r"most 1e\+150",
        ),
        ("age", -np.inf, r"column 'age' of d.csv has infinite values"),
        ("y", 1e200, r"the target column 'y' of d.csv has values too large"),
        ("y", np.inf, r"the target column 'y' of d.csv has infinite values"),
    ],
)
def test_huge_values_refused_naming_the_column(frame, column, value, message):
    frame.loc[3, column] = value
    with pytest.raises(ValueError, match=message):
        io.prepare(frame, "y", source="d.csv")


def test_huge_values_in_new_data_refused(frame):
    p = io.prepare(frame, "y")
    with pytest.raises(ValueError, match=r"column 'age' of new.csv has values too large"):
        io.transform(frame.assign(age=1e160), p.preprocessing, source="new.csv")


# --- a preprocessing record read from a file ---------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: {**d, "version": 2}, r"preprocessing.version 2 is newer than this shrinkage"),
        (lambda d: {**d, "version": "1"}, r"preprocessing.version must be an integer; got '1'"),
        (lambda d: {**d, "version": None}, r"preprocessing.version must be an integer; got None"),
        (lambda d: {**d, "impute": "mode"}, r"preprocessing.impute must be one of None, 'mean'"),
        (lambda d: {**d, "columns": "age"}, r"preprocessing.columns must be a list; got 'age'"),
        (
            lambda d: {**d, "columns": [{**d["columns"][0], "kind": "date"}, *d["columns"][1:]]},
            r"preprocessing.columns\[0\].kind must be one of 'numeric'",
        ),
        (
            lambda d: {**d, "columns": [{**d["columns"][0], "fill": "x"}, *d["columns"][1:]]},
            r"preprocessing.columns\[0\].fill must be a number for a numeric column",
        ),
        (
            lambda d: {
                **d,
                "columns": [
                    d["columns"][0],
                    {**d["columns"][1], "categories": []},
                    d["columns"][2],
                ],
            },
            r"preprocessing.columns\[1\].categories must be a non-empty list",
        ),
        (
            lambda d: {**d, "columns": [d["columns"][0], d["columns"][0]]},
            r"preprocessing.columns name a column twice",
        ),
        (lambda d: {**d, "feature_names": ["age"]}, r"feature_names do not match its columns"),
        (
            lambda d: {k: x for k, x in d.items() if k != "columns"},
            r"preprocessing lacks 'columns'",
        ),
        (lambda d: [d], r"preprocessing must be a JSON object; got a list of 1 items"),
    ],
)
def test_preprocessing_from_dict_refuses_bad_records(frame, change, message):
    good = io.prepare(frame, "y").preprocessing.to_dict()
    with pytest.raises(ValueError, match=message):
        io.Preprocessing.from_dict(change(good))
