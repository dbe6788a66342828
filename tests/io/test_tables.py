"""shrinkage.io.tables: reading every format, refusing repeated column names, writing the
format the extension names."""

import gzip
import json
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
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
            "y": rng.normal(size=n),
        }
    )


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["d.csv", "d.tsv", "d.parquet", "d.jsonl", "d.json", "d.csv.gz"])
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
    with pytest.raises(ValueError, match=r"cannot tell the format.*use \.csv, \.tsv"):
        io.read_table(tmp_path / "data.xlsx")
    with pytest.raises(ValueError, match="cannot tell the format"):
        io.read_table(tmp_path / "data.parquet.gz")  # compression is for text formats
    with pytest.raises(FileNotFoundError, match="not found"):
        io.read_table(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValueError, match="empty"):
        io.read_table(tmp_path / "empty.csv")
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(ValueError, match=r"cannot read bad.parquet as Parquet"):
        io.read_table(tmp_path / "bad.parquet")
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    with pytest.raises(ValueError, match=r"cannot read bad.jsonl as JSON lines"):
        io.read_table(tmp_path / "bad.jsonl")


def test_json_array_compressed(tmp_path, frame):
    path = tmp_path / "a.json.gz"
    with gzip.open(path, "wt") as f:
        f.write(frame.to_json(orient="records"))
    assert io.read_table(path).shape == frame.shape


# --- repeated column names: pandas would rename the second 'y' to 'y.1' ------------------------


@pytest.mark.parametrize(
    "name, text",
    [
        ("d.csv", "x,y,y\n1,2,2\n3,4,4\n5,6,6\n"),
        ("d.csv", "x, y,y\n1,2,2\n3,4,4\n5,6,6\n"),  # the space is skipped: the same name
        ("d.tsv", "x\ty\ty\n1\t2\t2\n3\t4\t4\n"),
        ("d.csv.gz", None),
        ("d.jsonl", '{"x": 1, "y": 2, "y": 2}\n{"x": 3, "y": 4, "y": 4}\n'),
        ("d.json", '[{"x": 1, "y": 2, "y": 2}, {"x": 3, "y": 4, "y": 4}]'),
    ],
)
def test_repeated_column_names_refused(tmp_path, name, text):
    path = tmp_path / name
    if text is None:
        with gzip.open(path, "wt") as f:
            f.write("x,y,y\n1,2,2\n3,4,4\n")
    else:
        path.write_text(text)
    with pytest.raises(
        ValueError,
        match=r"^d\..* has duplicate column names: 'y' 2 times; give "
        r"each column its own name in the header \(e\.g\. "
        r"'y_2'\)",
    ):
        io.read_table(path)


def test_repeated_column_names_in_parquet(tmp_path):
    table = pa.table([pa.array([1, 2]), pa.array([3, 4]), pa.array([5, 6])], names=["y", "x", "y"])
    pq.write_table(table, tmp_path / "d.parquet")
    with pytest.raises(ValueError, match=r"d.parquet has duplicate column names: 'y' 2 times"):
        io.read_table(tmp_path / "d.parquet")


def test_a_real_column_named_like_a_renamed_one_is_kept(tmp_path):
    """'y.1' written by the user is not a duplicate (only the header as written counts)."""
    (tmp_path / "d.csv").write_text("x,y,y.1,,\n1,2,3,4,5\n6,7,8,9,10\n")
    df = io.read_table(tmp_path / "d.csv")
    assert list(df.columns) == ["x", "y", "y.1", "Unnamed: 3", "Unnamed: 4"]


def test_repeated_names_in_a_data_frame_refused():
    df = pd.DataFrame([[1.0, 2.0, 3.0], [2.0, 3.0, 1.0], [3.0, 1.0, 2.0]], columns=["x", "y", "y"])
    with pytest.raises(ValueError, match=r"the data has duplicate column names: 'y' 2 times"):
        io.prepare(df, "y")
    same_text = pd.DataFrame([[1.0, 2.0, 3.0], [2.0, 3.0, 1.0]], columns=[1, "1", "y"])
    with pytest.raises(ValueError, match=r"duplicate column names: '1' 2 times"):
        io.prepare(same_text, "y")


# --- writing: the extension names the format ---------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "p.csv",
        "p.tsv",
        "p.tab",
        "p.parquet",
        "p.pq",
        "p.jsonl",
        "p.ndjson",
        "p.json",
        "p.csv.gz",
        "p.tsv.bz2",
        "p.jsonl.xz",
        "p.csv.zip",
        "p.json.gz",
    ],
)
def test_write_table_round_trips_every_format(tmp_path, name):
    df = pd.DataFrame({"id": [1, 2, 3], "prediction": [0.1, 1 / 3, -2.5]})
    io.write_table(df, tmp_path / name)
    back = io.read_table(tmp_path / name)
    assert list(back.columns) == ["id", "prediction"]
    np.testing.assert_array_equal(back["id"], df["id"])
    np.testing.assert_array_equal(back["prediction"], df["prediction"])  # exactly
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("name", ["p.xlsx", "p", "p.txt", "p.parquet.gz", "p.csv.7z"])
def test_write_table_refuses_other_extensions(tmp_path, name):
    df = pd.DataFrame({"prediction": [0.1]})
    with pytest.raises(
        ValueError,
        match=r"cannot tell the format of the predictions .* use "
        r"\.csv, \.tsv \(\.tab\), \.parquet",
    ):
        io.write_table(df, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_write_json_is_plain_json(tmp_path):
    io.write_table(pd.DataFrame({"prediction": [0.5, 1.5]}), tmp_path / "p.json")
    assert json.loads((tmp_path / "p.json").read_text()) == [
        {"prediction": 0.5},
        {"prediction": 1.5},
    ]


def test_parquet_without_pyarrow_says_what_to_install(tmp_path, frame, monkeypatch):
    path = tmp_path / "d.parquet"
    frame.to_parquet(path)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now fails
    with pytest.raises(ValueError, match=r"needs pyarrow.*pip install 'shrinkage\[parquet\]'"):
        io.read_table(path)
    with pytest.raises(ValueError, match=r"needs pyarrow"):
        io.write_table(frame, tmp_path / "p.parquet")
