"""The ``shrinkage`` command: help, exit codes, one-line errors, nothing half-written, and the
commands end to end (in a subprocess where it matters: CSV and Parquet, fit -> predict, demo)."""

import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import shrinkage
from shrinkage import io
from shrinkage.cli import main

COMMANDS = ("compare", "fit", "predict", "path", "demo", "nn-demo")


@pytest.fixture
def table():
    """40 rows: a correlated pair, a noise column, a category, an id; y numeric."""
    rng = np.random.default_rng(3)
    n = 40
    a = rng.standard_normal(n)
    df = pd.DataFrame({"id": np.arange(100, 100 + n), "a": a,
                       "b": 0.9 * a + 0.4 * rng.standard_normal(n),
                       "c": rng.standard_normal(n), "color": rng.choice(["red", "blue"], n)})
    df["y"] = 3 * df["a"] - 2 * df["c"] + (df["color"] == "red") + rng.standard_normal(n)
    return df


@pytest.fixture
def csv(tmp_path, table):
    path = tmp_path / "data.csv"
    table.to_csv(path, index=False)
    return path


def run_cli(*args, cwd):
    """The command in a fresh Python process: (exit code, stdout, stderr)."""
    proc = subprocess.run([sys.executable, "-m", "shrinkage.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    return lines[0]


def files(path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


# --- help -------------------------------------------------------------------------------------

def test_main_help_reads_like_a_man_page(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for part in ("Usage: shrinkage", "Commands:", "Examples:", "Data files (DATA):",
                 "Outputs:", "Exit codes:", "never", "pickle", *COMMANDS):
        assert part in out
    assert main([]) == 0
    assert "Commands:" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert shrinkage.__version__ in capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command(capsys, command):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert f"Usage: shrinkage {command}" in out
    assert "--force" in out and "Examples:" in out


def test_help_in_a_subprocess(tmp_path):
    code, out, err = run_cli("--help", cwd=tmp_path)
    assert code == 0 and "Exit codes:" in out and err == ""


# --- bad usage and bad input: exit code 2, one line, nothing written ---------------------------

def _bad(tmp_path, table, change):
    path = tmp_path / "bad.csv"
    change(table).to_csv(path, index=False)
    return path


BAD_INPUTS = {  # name: (change to the table, extra arguments, the reason expected)
    "missing target": (lambda df: df, ["--target", "price"],
                       r"target column 'price' not found in bad.csv; its columns are 'id'"),
    "text in numeric": (lambda df: df.assign(c=df["c"].astype(object).where(df.index != 5,
                                                                             "n/a?")),
                        [], r"text in a numeric column: column 'c' .*'n/a\?'"),
    "constant target": (lambda df: df.assign(y=1.0), [], r"'y' of bad.csv is constant"),
    "one row": (lambda df: df.iloc[:1], [], r"single data row"),
    "missing values": (lambda df: df.assign(a=df["a"].where(df.index % 7 != 0)), [],
                       r"missing values in column 'a' \(6 missing\).*--impute"),
    "single class": (lambda df: df.assign(y="spam"), ["--task", "classification"],
                     r"y has a single class \('spam'\)"),
    "one-sample class": (lambda df: df.assign(y=np.where(df.index == 7, "eggs",
                                                         np.where(df.index % 2, "spam", "ham"))),
                         [], r"class 'eggs' has a single sample"),
    "missing label": (lambda df: df.assign(y=pd.Series(np.where(df.index % 2, "spam", "ham"))
                                           .where(df.index != 3)), [],
                      r"target column 'y' of bad.csv has 1 missing value"),
    "unknown drop": (lambda df: df, ["--drop", "zzz"], r"column to drop 'zzz' not found"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exit_2_one_line_nothing_written(tmp_path, table, capsys, case):
    change, extra, message = BAD_INPUTS[case]
    data = _bad(tmp_path, table, change)
    args = ["compare", str(data), "--target", "y", "--out", str(tmp_path / "r.html"),
            "--json", str(tmp_path / "r.json"), "--no-progress", *extra]
    assert main(args) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("shrinkage: error: ")
    assert re.search(message, line), line
    assert files(tmp_path) == ["bad.csv"]


def test_usage_errors_are_one_line(tmp_path, csv, capsys):
    cases = [
        (["compare", str(csv)], "Missing option '--target'"),
        (["compare", str(csv), "-t", "y", "--cv", "1"], "--cv"),
        (["compare", str(csv), "-t", "y", "--penalties", "l1,l3"], "unknown penalty 'l3'"),
        (["compare", str(csv), "-t", "y", "--bogus"], "No such option"),
        (["nope"], "No such command"),
        (["fit", str(csv), "-t", "y", "--penalty", "l1", "--alpha", "1", "--cv", "3",
          "--model-out", str(tmp_path / "m.json")], "--alpha and --cv exclude each other"),
        (["path", str(csv), "-t", "y", "--out", str(tmp_path / "p.txt")], ".png, .svg or .pdf"),
        (["compare", str(tmp_path / "none.csv"), "-t", "y"], "not found"),
        (["compare", str(tmp_path / "data.xlsx"), "-t", "y"], "cannot tell the format"),
    ]
    for args, message in cases:
        assert main(args) == 2, args
        line = one_line(capsys.readouterr().err)
        assert message in line, (args, line)
        assert line.startswith("shrinkage")
    assert files(tmp_path) == ["data.csv"]


def test_existing_output_needs_force(tmp_path, csv, capsys):
    report = tmp_path / "r.html"
    report.write_text("earlier report")
    assert main(["compare", str(csv), "-t", "y", "--out", str(report)]) == 2
    assert "exists already; pass --force" in one_line(capsys.readouterr().err)
    assert report.read_text() == "earlier report"
    model = tmp_path / "m.json"
    model.write_text("{}")
    assert main(["fit", str(csv), "-t", "y", "--penalty", "l1", "--model-out", str(model)]) == 2
    assert "exists already" in one_line(capsys.readouterr().err)
    assert model.read_text() == "{}"
    assert files(tmp_path) == ["data.csv", "m.json", "r.html"]


def test_unwritable_output(tmp_path, csv, capsys):
    """Under a regular file: no directory can be made there, for root too."""
    (tmp_path / "file.txt").write_text("x")
    for args in (["compare", str(csv), "-t", "y", "--out", str(tmp_path / "file.txt" / "r.html")],
                 ["fit", str(csv), "-t", "y", "--penalty", "l2", "--alpha", "1",
                  "--model-out", str(tmp_path / "file.txt" / "m.json")]):
        assert main(args) == 2
        assert "is a file, not a directory" in one_line(capsys.readouterr().err)
    assert main(["compare", str(csv), "-t", "y", "--out", str(tmp_path / "no" / "r.html")]) == 2
    assert "does not exist" in one_line(capsys.readouterr().err)
    assert files(tmp_path) == ["data.csv", "file.txt"]


def test_same_file_for_two_outputs(tmp_path, csv, capsys):
    out = tmp_path / "same"
    assert main(["compare", str(csv), "-t", "y", "--out", str(out), "--json", str(out)]) == 2
    assert "same file name" in one_line(capsys.readouterr().err)


def test_internal_error_exit_1_with_debug_hint(tmp_path, csv, capsys, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("the solver fell over")

    monkeypatch.setattr(sys.modules["shrinkage.compare"], "compare", boom)
    args = ["compare", str(csv), "-t", "y", "--out", str(tmp_path / "r.html")]
    assert main(args) == 1
    line = one_line(capsys.readouterr().err)
    assert "internal error: RuntimeError: the solver fell over" in line and "--debug" in line
    assert main([*args, "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and err.strip().endswith("please report it)")
    assert files(tmp_path) == ["data.csv"]


def test_bad_input_in_a_subprocess(tmp_path, csv):
    code, out, err = run_cli("compare", csv, "--target", "price", cwd=tmp_path)
    assert code == 2 and out == ""
    assert "target column 'price' not found" in one_line(err)
    assert files(tmp_path) == ["data.csv"]


# --- fit, predict, path (in process: fast) -----------------------------------------------------

def test_fit_predict_match_the_library(tmp_path, csv, table, capsys):
    prepared = io.prepare(table, "y", drop=["id"])
    X, y = prepared.X, prepared.y
    expected = {
        "l1": shrinkage.LassoCV(cv=3, standardize=True, random_state=7).fit(X, y).predict(X),
        "l2": shrinkage.Ridge(0.3 * len(y), standardize=True).fit(X, y).predict(X),
    }
    for penalty, how in (("l1", ["--cv", "3", "--seed", "7"]), ("l2", ["--alpha", "0.3"])):
        model = tmp_path / f"{penalty}.json"
        preds = tmp_path / f"{penalty}.csv"
        assert main(["fit", str(csv), "-t", "y", "--drop", "id", "--penalty", penalty, *how,
                     "--model-out", str(model)]) == 0
        assert main(["predict", str(model), str(csv), "--keep", "id", "--out", str(preds)]) == 0
        out = pd.read_csv(preds)
        assert list(out.columns) == ["id", "prediction"]
        np.testing.assert_array_equal(out["id"], table["id"])
        np.testing.assert_allclose(out["prediction"], expected[penalty], rtol=1e-10, atol=1e-10)
    text = capsys.readouterr().out
    assert "L1 (lasso) on 40 rows" in text and "3-fold CV" in text


def test_predict_refuses_data_without_the_training_columns(tmp_path, csv, table, capsys):
    model = tmp_path / "m.json"
    assert main(["fit", str(csv), "-t", "y", "--penalty", "l2", "--alpha", "1",
                 "--model-out", str(model)]) == 0
    new = tmp_path / "new.csv"
    table.drop(columns=["c", "color"]).to_csv(new, index=False)
    capsys.readouterr()
    assert main(["predict", str(model), str(new), "--out", str(tmp_path / "p.csv")]) == 2
    assert "columns 'c' and 'color' not found in new.csv" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "p.csv").exists()
    assert main(["predict", str(csv), str(csv), "--out", str(tmp_path / "p.csv")]) == 2
    assert "not a shrinkage model file" in one_line(capsys.readouterr().err)


def test_path_figure(tmp_path, csv, capsys):
    out = tmp_path / "path.png"
    assert main(["path", str(csv), "-t", "y", "--drop", "id", "--penalty", "l1,l2",
                 "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 10_000
    assert "L1 (lasso), L2 (ridge)" in capsys.readouterr().out
    assert files(tmp_path) == ["data.csv", "path.png"]


# --- end to end in a subprocess ----------------------------------------------------------------

@pytest.mark.slow
def test_compare_csv_end_to_end(tmp_path, csv):
    code, out, err = run_cli("compare", csv, "--target", "y", "--drop", "id", "--cv", "3",
                             "--repeats", "1", "--bootstrap", "10", "--json", "results.json",
                             "--no-progress", cwd=tmp_path)
    assert code == 0, err
    assert "recommended" in out and "Recommended:" in out and "Report: report.html" in out
    html = (tmp_path / "report.html").read_text()
    assert html.count('<img src="data:image/png;base64,') == 7
    assert "color=red" in html and "<script" not in html
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["preprocessing"]["feature_names"] == ["a", "b", "c", "color=blue",
                                                         "color=red"]
    assert results["comparison"]["recommended"] in ("l1", "l2", "elasticnet")
    assert results["data"]["dropped"] == ["id"]
    assert files(tmp_path) == ["data.csv", "report.html", "results.json"]


def test_compare_text_labels_end_to_end(tmp_path, table, capsys):
    """A text target: binary logistic models on stratified folds, the classes in the terminal,
    the report and the JSON; --task regression refuses text, and a few integers can be either."""
    rng = np.random.default_rng(0)
    score = 2 * table["a"] - 2 * table["c"] + 0.5 * rng.standard_normal(len(table))
    data = tmp_path / "labels.csv"
    table.assign(y=np.where(score > 0, "spam", "ham")).to_csv(data, index=False)
    args = ["compare", str(data), "-t", "y", "--drop", "id", "--cv", "3", "--repeats", "1",
            "--bootstrap", "3", "--scoring", "accuracy", "--penalties", "l1,l2",
            "--out", str(tmp_path / "r.html"),
            "--json", str(tmp_path / "r.json"), "--no-progress"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "2 classes: ham" in out and "binary logistic" in out and "CV accuracy" in out
    assert "Intercept only" in out and "Recommended:" in out
    html = (tmp_path / "r.html").read_text()
    assert "<code>ham</code>" in html and "<code>spam</code>" in html
    assert "log-odds of <code>spam</code>" in html
    assert html.count('<img src="data:image/png;base64,') == 5  # no least-squares figures
    results = json.loads((tmp_path / "r.json").read_text())
    comp = results["comparison"]
    assert comp["task"] == "classification" and comp["classes"] == ["ham", "spam"]
    assert comp["settings"]["scoring"] == "accuracy"
    assert results["data"]["classes"] == {"ham": int(np.sum(score <= 0)),
                                          "spam": int(np.sum(score > 0))}
    assert comp["results"]["l1"]["coef"].keys() == {"a", "b", "c", "color=blue", "color=red"}
    assert main([*args[:-5], "--task", "regression", "--no-progress", "--out",
                 str(tmp_path / "x.html")]) == 2
    line = one_line(capsys.readouterr().err)
    assert "holds class labels (e.g. '" in line and "use --task classification" in line
    assert not (tmp_path / "x.html").exists()


@pytest.mark.slow
def test_parquet_fit_predict_end_to_end(tmp_path, table):
    data = tmp_path / "data.parquet"
    table.to_parquet(data, index=False)
    code, out, err = run_cli("fit", data, "-t", "y", "--drop", "id", "--penalty", "elasticnet",
                             "--alpha", "0.05", "--model-out", "m.json", cwd=tmp_path)
    assert code == 0, err
    raw = (tmp_path / "m.json").read_bytes()
    model = json.loads(raw)  # plain JSON, no pickle anywhere
    assert model["penalty"] == "elasticnet" and model["l1_ratio"] == 0.5
    assert model["feature_names"] == ["a", "b", "c", "color=blue", "color=red"]
    assert b"pickle" not in raw and not raw.startswith(b"\x80")
    code, out, err = run_cli("predict", "m.json", data, "--out", "preds.parquet", cwd=tmp_path)
    assert code == 0, err
    assert "40 predictions of y (Elastic Net)" in out
    prepared = io.prepare(table, "y", drop=["id"])
    expected = shrinkage.ElasticNet(0.05, l1_ratio=0.5, standardize=True).fit(
        prepared.X, prepared.y).predict(prepared.X)
    got = pd.read_parquet(tmp_path / "preds.parquet")["prediction"]
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    assert files(tmp_path) == ["data.parquet", "m.json", "preds.parquet"]


@pytest.mark.slow
def test_demo_end_to_end(tmp_path):
    code, out, err = run_cli("demo", "--no-progress", cwd=tmp_path)
    assert code == 0, err
    assert "diabetes" in out and "Recommended:" in out
    assert "shrinkage compare DATA --target COLUMN" in out  # where class labels go
    report = tmp_path / "demo-report.html"
    html = report.read_text()
    assert html.count('<img src="data:image/png;base64,') == 7 and "bmi" in html
    code, out, err = run_cli("demo", cwd=tmp_path)  # its own output: only with --force
    assert code == 2 and "--force" in one_line(err)
    assert report.read_text() == html
    assert files(tmp_path) == ["demo-report.html"]
