"""shrinkage.io.model_files: the JSON model file round trip, and hostile files refused with one
clear ValueError (never a crash, a hang, or a model that predicts nonsense)."""

import json
import os

import numpy as np
import pandas as pd
import pytest

from shrinkage import io
from shrinkage.io import model_files


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


def _model(frame):
    p = io.prepare(frame, "y")
    coef = np.linspace(-1, 1, len(p.feature_names))
    return p, {
        "penalty": "l1",
        "alpha": 0.5,
        "l1_ratio": 1.0,
        "feature_names": p.feature_names,
        "coefficients": coef,
        "intercept": 2.0,
        "preprocessing": p.preprocessing,
        "target": "y",
        "training": {"n_samples": 30},
        "certificate": {"duality_gap": 1e-9, "tolerance": 1e-4, "converged": True},
    }


@pytest.fixture
def good(tmp_path, frame):
    """The text of a valid model file."""
    _, info = _model(frame)
    return io.save_model(info, tmp_path / "good.json").read_text()


def _read(path) -> dict:
    """A version-1 file's fields as read through ``io.read_model``, with ``preprocessing``
    the ``Preprocessing`` of its pipeline and ``pipeline`` the estimator itself."""
    pipeline, info = io.read_model(path)
    return {**info, "preprocessing": pipeline[0].preprocessing_, "pipeline": pipeline}


def _load(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return _read(path)


def test_model_round_trip_plain_json(tmp_path, frame):
    p, info = _model(frame)
    path = io.save_model(info, tmp_path / "m.json")
    raw = json.loads(path.read_text())  # plain json, no custom decoder
    assert raw["format"] == "shrinkage-linear-model" and raw["format_version"] == 1
    assert raw["feature_names"] == p.feature_names and raw["task"] == "regression"
    assert raw["preprocessing"]["columns"][1]["categories"] == ["blue", "green", "red"]
    assert raw["certificate"] == {"duality_gap": 1e-9, "tolerance": 1e-4, "converged": True}
    for key in ("shrinkage_version", "penalty", "alpha", "l1_ratio", "intercept"):
        assert key in raw
    assert b"pickle" not in path.read_bytes() and b"\x80" not in path.read_bytes()
    model = _read(path)
    assert model["preprocessing"] == p.preprocessing
    preds = model["pipeline"].predict(frame)
    np.testing.assert_allclose(preds, p.X.to_numpy() @ info["coefficients"] + 2.0)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["m.json"]


def test_a_file_without_the_newer_optional_fields_loads(tmp_path, good):
    raw = json.loads(good)
    del raw["certificate"], raw["preprocessing"]["index_columns"], raw["shrinkage_version"]
    raw["unknown_extra"] = {"ignored": [1, 2]}
    model = _load(tmp_path, json.dumps(raw))
    assert model["penalty"] == "l1" and model["preprocessing"].index_columns == ()


def test_save_refuses_what_load_would_refuse(tmp_path, frame):
    _, info = _model(frame)
    with pytest.raises(ValueError, match=r"the model: alpha must be at least 0; got -1"):
        io.save_model({**info, "alpha": -1.0}, tmp_path / "m.json")
    with pytest.raises(ValueError, match=r"m.csv' must end in \.json"):
        io.save_model(info, tmp_path / "m.csv")
    assert list(tmp_path.iterdir()) == []


def _set(key, value):
    return lambda d: {**d, key: value}


def _set_pre(key, value):
    return lambda d: {**d, "preprocessing": {**d["preprocessing"], key: value}}


SCHEMA_CASES = {  # name: (change to the model dict, the message)
    "negative alpha": (_set("alpha", -1), r"bad.json: alpha must be at least 0; got -1"),
    "l1_ratio 5": (_set("l1_ratio", 5), r"l1_ratio must be at most 1; got 5"),
    "l1_ratio for l1": (_set("l1_ratio", 0.5), r"l1_ratio must be 1 for the l1 penalty"),
    "unknown task": (_set("task", "classification"), r"task must be one of 'regression'"),
    "no task": (lambda d: {k: x for k, x in d.items() if k != "task"}, r"bad.json lacks 'task'"),
    "unknown penalty": (_set("penalty", "l3"), r"penalty must be one of 'l1', 'l2'"),
    "boolean alpha": (_set("alpha", True), r"alpha must be a number; got True"),
    "text alpha": (_set("alpha", "x"), r"alpha must be a number; got 'x'"),
    "huge intercept": (_set("intercept", 1e200), r"intercept must be at most 1e\+150"),
    "huge coefficient": (
        lambda d: {**d, "coefficients": [1e200] * len(d["coefficients"])},
        r"coefficients\[0\] must be at most 1e\+150",
    ),
    "short coefficients": (_set("coefficients", [1.0]), r"one number per feature \(5\); got 1"),
    "repeated feature": (
        lambda d: {**d, "feature_names": ["age"] * len(d["feature_names"])},
        r"feature_names must be a list without repeated items",
    ),
    "renamed feature": (
        lambda d: {**d, "feature_names": ["x", *d["feature_names"][1:]]},
        r"the feature names do not match the preprocessing",
    ),
    "newer format": (_set("format_version", 99), r"format version 99, newer than this"),
    "format version text": (_set("format_version", "1"), r"format_version must be an integer"),
    "format version 0": (_set("format_version", 0), r"format_version must be at least 1"),
    "other format": (_set("format", "sklearn"), r"not a shrinkage model file"),
    "preprocessing version text": (
        _set_pre("version", "x"),
        r"bad.json: preprocessing.version must be an integer; got "
        r"'x'",
    ),
    "preprocessing version newer": (_set_pre("version", 7), r"preprocessing.version 7 is newer"),
    "bad column kind": (
        _set_pre("columns", [{"name": "age", "kind": "date"}]),
        r"preprocessing.columns\[0\].kind must be one of",
    ),
    "converged not a flag": (
        _set("certificate", {"converged": "yes"}),
        r"certificate.converged must be true or false or null",
    ),
}


@pytest.mark.parametrize("case", sorted(SCHEMA_CASES))
def test_schema_refusals(tmp_path, good, case):
    change, message = SCHEMA_CASES[case]
    with pytest.raises(ValueError, match=message):
        _load(tmp_path, json.dumps(change(json.loads(good))))


PARSE_CASES = {  # name: (change to the file's text, the message)
    "400-digit intercept": (
        lambda t: t.replace('"intercept": 2.0', '"intercept": ' + "9" * 400),
        r"bad.json: an integer with 400 digits",
    ),
    "1e400": (
        lambda t: t.replace('"intercept": 2.0', '"intercept": 1e400'),
        r"the number 1e400 is too large for a 64-bit float",
    ),
    "long float": (
        lambda t: t.replace('"intercept": 2.0', '"intercept": 0.' + "1" * 500),
        r"a number written with 502 characters",
    ),
    "NaN": (lambda t: t.replace('"alpha": 0.5', '"alpha": NaN'), r"non-finite number NaN"),
    "-Infinity": (
        lambda t: t.replace('"alpha": 0.5', '"alpha": -Infinity'),
        r"non-finite number -Infinity",
    ),
    "repeated key": (
        lambda t: t.replace('"alpha": 0.5', '"alpha": 0.5, "alpha": -3'),
        r"the key 'alpha' appears twice in one object",
    ),
    "deep nesting": (
        lambda t: t.replace(
            '"training": {', '"training": {"x": ' + "[" * 200_000 + "]" * 200_000 + ", "
        ),
        r"bad.json is nested 200002 levels deep, more than a shrinkage model file "
        r"may be \(32\)",
    ),
    "truncated": (lambda t: t[: len(t) // 2], r"bad.json is not a shrinkage model file: not JSON"),
    "empty": (lambda t: "", r"not JSON \(Expecting value at line 1, column 1\)"),
    "a list": (lambda t: "[" + t + "]", r"bad.json is not a shrinkage model file"),
    "a number": (lambda t: "3", r"bad.json is not a shrinkage model file"),
    "utf-16": (lambda t: t.encode("utf-16"), r"not a shrinkage model file: not UTF-8 text"),
    "pickle": (
        lambda t: b"\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00}\x94.",
        r"not a shrinkage model file",
    ),
}


@pytest.mark.parametrize("case", sorted(PARSE_CASES))
def test_hostile_files_refused_in_one_line(tmp_path, good, case):
    change, message = PARSE_CASES[case]
    with pytest.raises(ValueError, match=message) as info:
        _load(tmp_path, change(good))
    assert "\n" not in str(info.value)


def test_brackets_inside_text_do_not_count_as_nesting(tmp_path, good):
    raw = json.loads(good)
    raw["training"]["source"] = "[{" * 1000 + '"\\"' + "]}" * 10
    assert _load(tmp_path, json.dumps(raw))["training"]["source"].startswith("[{[{")


def test_size_limit(tmp_path, good, monkeypatch):
    monkeypatch.setattr(model_files, "MAX_MODEL_BYTES", len(good.encode()) - 1)
    with pytest.raises(
        ValueError,
        match=r"bad.json is [\d,]+ bytes, more than a shrinkage "
        r"model file may be",
    ):
        _load(tmp_path, good)


def test_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes
    with pytest.raises(ValueError, match=r"is not a regular file"):
        io.load(fifo)
    with pytest.raises(IsADirectoryError, match="is a directory"):
        io.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="not found"):
        io.load(tmp_path / "none.json")


def test_predictions_that_overflow_are_refused(tmp_path, frame, good):
    from shrinkage.table_models import predict_table

    pipeline = _load(tmp_path, good)["pipeline"]
    pipeline[-1].coef_ = np.full(pipeline[-1].coef_.shape, 1e300)
    with pytest.raises(ValueError, match=r"the prediction of row 1 of new.csv overflows"):
        predict_table(pipeline, frame.assign(age=1e10), source="new.csv")
