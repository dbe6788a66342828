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
    df = pd.DataFrame(
        {
            "id": np.arange(100, 100 + n),
            "a": a,
            "b": 0.9 * a + 0.4 * rng.standard_normal(n),
            "c": rng.standard_normal(n),
            "color": rng.choice(["red", "blue"], n),
        }
    )
    df["y"] = 3 * df["a"] - 2 * df["c"] + (df["color"] == "red") + rng.standard_normal(n)
    return df


@pytest.fixture
def csv(tmp_path, table):
    path = tmp_path / "data.csv"
    table.to_csv(path, index=False)
    return path


def run_cli(*args, cwd):
    """The command in a fresh Python process: (exit code, stdout, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "shrinkage", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
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
    for part in (
        "Usage: shrinkage",
        "Commands:",
        "Examples:",
        "Data files (DATA):",
        "Outputs:",
        "Exit codes:",
        "never",
        "pickle",
        *COMMANDS,
    ):
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
    "missing target": (
        lambda df: df,
        ["--target", "price"],
        r"target column 'price' not found in bad.csv; its columns are 'id'",
    ),
    "text in numeric": (
        lambda df: df.assign(c=df["c"].astype(object).where(df.index != 5, "n/a?")),
        [],
        r"text in a numeric column: column 'c' .*'n/a\?'",
    ),
    "constant target": (lambda df: df.assign(y=1.0), [], r"'y' of bad.csv is constant"),
    "one row": (lambda df: df.iloc[:1], [], r"single data row"),
    "missing values": (
        lambda df: df.assign(a=df["a"].where(df.index % 7 != 0)),
        [],
        r"missing values in column 'a' \(6 missing\).*--impute",
    ),
    "single class": (
        lambda df: df.assign(y="spam"),
        ["--task", "classification"],
        r"y has a single class \('spam'\)",
    ),
    "one-sample class": (
        lambda df: df.assign(
            y=np.where(df.index == 7, "eggs", np.where(df.index % 2, "spam", "ham"))
        ),
        [],
        r"class 'eggs' has a single sample",
    ),
    "missing label": (
        lambda df: df.assign(
            y=pd.Series(np.where(df.index % 2, "spam", "ham")).where(df.index != 3)
        ),
        [],
        r"target column 'y' of bad.csv has 1 missing value",
    ),
    "unknown drop": (lambda df: df, ["--drop", "zzz"], r"column to drop 'zzz' not found"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exit_2_one_line_nothing_written(tmp_path, table, capsys, case):
    change, extra, message = BAD_INPUTS[case]
    data = _bad(tmp_path, table, change)
    args = [
        "compare",
        str(data),
        "--target",
        "y",
        "--out",
        str(tmp_path / "r.html"),
        "--json",
        str(tmp_path / "r.json"),
        "--no-progress",
        *extra,
    ]
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
        (
            [
                "fit",
                str(csv),
                "-t",
                "y",
                "--penalty",
                "l1",
                "--alpha",
                "1",
                "--cv",
                "3",
                "--model-out",
                str(tmp_path / "m.json"),
            ],
            "--alpha and --cv exclude each other",
        ),
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
    for args in (
        ["compare", str(csv), "-t", "y", "--out", str(tmp_path / "file.txt" / "r.html")],
        [
            "fit",
            str(csv),
            "-t",
            "y",
            "--penalty",
            "l2",
            "--alpha",
            "1",
            "--model-out",
            str(tmp_path / "file.txt" / "m.json"),
        ],
    ):
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

    monkeypatch.setattr("shrinkage.comparison.api.compare", boom)
    args = ["compare", str(csv), "-t", "y", "--drop", "id", "--out", str(tmp_path / "r.html")]
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
        assert (
            main(
                [
                    "fit",
                    str(csv),
                    "-t",
                    "y",
                    "--drop",
                    "id",
                    "--penalty",
                    penalty,
                    *how,
                    "--model-out",
                    str(model),
                ]
            )
            == 0
        )
        assert main(["predict", str(model), str(csv), "--keep", "id", "--out", str(preds)]) == 0
        out = pd.read_csv(preds)
        assert list(out.columns) == ["id", "prediction"]
        np.testing.assert_array_equal(out["id"], table["id"])
        np.testing.assert_allclose(out["prediction"], expected[penalty], rtol=1e-10, atol=1e-10)
    text = capsys.readouterr().out
    assert "L1 (lasso) on 40 rows" in text and "3-fold CV" in text


def test_predict_refuses_data_without_the_training_columns(tmp_path, csv, table, capsys):
    model = tmp_path / "m.json"
    assert (
        main(
            [
                "fit",
                str(csv),
                "-t",
                "y",
                "--penalty",
                "l2",
                "--alpha",
                "1",
                "--model-out",
                str(model),
            ]
        )
        == 0
    )
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
    assert (
        main(["path", str(csv), "-t", "y", "--drop", "id", "--penalty", "l1,l2", "--out", str(out)])
        == 0
    )
    assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 10_000
    assert "L1 (lasso), L2 (ridge)" in capsys.readouterr().out
    assert files(tmp_path) == ["data.csv", "path.png"]


# --- end to end in a subprocess ----------------------------------------------------------------


@pytest.mark.slow
def test_compare_csv_end_to_end(tmp_path, csv):
    code, out, err = run_cli(
        "compare",
        csv,
        "--target",
        "y",
        "--drop",
        "id",
        "--cv",
        "3",
        "--repeats",
        "1",
        "--bootstrap",
        "10",
        "--json",
        "results.json",
        "--no-progress",
        cwd=tmp_path,
    )
    assert code == 0, err
    assert "recommended" in out and "Recommended:" in out and "Report: report.html" in out
    html = (tmp_path / "report.html").read_text()
    assert html.count('<img src="data:image/png;base64,') == 7
    assert "color=red" in html and "<script" not in html
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["preprocessing"]["feature_names"] == ["a", "b", "c", "color=blue", "color=red"]
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
    args = [
        "compare",
        str(data),
        "-t",
        "y",
        "--drop",
        "id",
        "--cv",
        "3",
        "--repeats",
        "1",
        "--bootstrap",
        "3",
        "--scoring",
        "accuracy",
        "--penalties",
        "l1,l2",
        "--out",
        str(tmp_path / "r.html"),
        "--json",
        str(tmp_path / "r.json"),
        "--no-progress",
    ]
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
    assert results["data"]["classes"] == {
        "ham": int(np.sum(score <= 0)),
        "spam": int(np.sum(score > 0)),
    }
    assert comp["results"]["l1"]["coef"].keys() == {"a", "b", "c", "color=blue", "color=red"}
    assert (
        main(
            [*args[:-5], "--task", "regression", "--no-progress", "--out", str(tmp_path / "x.html")]
        )
        == 2
    )
    line = one_line(capsys.readouterr().err)
    assert "holds class labels (e.g. '" in line and "use --task classification" in line
    assert not (tmp_path / "x.html").exists()


@pytest.mark.slow
def test_parquet_fit_predict_end_to_end(tmp_path, table):
    data = tmp_path / "data.parquet"
    table.to_parquet(data, index=False)
    code, out, err = run_cli(
        "fit",
        data,
        "-t",
        "y",
        "--drop",
        "id",
        "--penalty",
        "elasticnet",
        "--alpha",
        "0.05",
        "--model-out",
        "m.json",
        cwd=tmp_path,
    )
    assert code == 0, err
    raw = (tmp_path / "m.json").read_bytes()
    model = json.loads(raw)  # plain JSON, no pickle anywhere
    assert model["format_version"] == 2 and model["model"] == "elasticnet"
    (_, pre), (_, est) = model["estimator"]["steps"]
    assert est["class"] == "ElasticNet" and est["params"]["l1_ratio"] == 0.5
    assert pre["fitted"]["preprocessing"]["feature_names"] == [
        "a",
        "b",
        "c",
        "color=blue",
        "color=red",
    ]
    assert b"pickle" not in raw and not raw.startswith(b"\x80")
    code, out, err = run_cli("predict", "m.json", data, "--out", "preds.parquet", cwd=tmp_path)
    assert code == 0, err
    assert "40 predictions of y (Elastic Net)" in out
    prepared = io.prepare(table, "y", drop=["id"])
    expected = (
        shrinkage.ElasticNet(0.05, l1_ratio=0.5, standardize=True)
        .fit(prepared.X, prepared.y)
        .predict(prepared.X)
    )
    got = pd.read_parquet(tmp_path / "preds.parquet")["prediction"]
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    assert files(tmp_path) == ["data.parquet", "m.json", "preds.parquet"]


@pytest.mark.slow
def test_demo_end_to_end(tmp_path):
    code, out, err = run_cli("demo", "--no-progress", cwd=tmp_path)
    assert code == 0, err
    assert "diabetes" in out and "Recommended:" in out
    assert "shrinkage compare DATA --target COLUMN" in out  # where class labels go
    # how long the kernels took to compile, measured (or that they came from numba's cache)
    assert re.search(
        r"^numba: (compiled kernels in \d+\.\d s \(first run; cached for later runs\)"
        r"|kernels loaded from the cache \(compiled on an earlier run\))$",
        out,
        re.MULTILINE,
    )
    report = tmp_path / "demo-report.html"
    html = report.read_text()
    assert html.count('<img src="data:image/png;base64,') == 7 and "bmi" in html
    code, out, err = run_cli("demo", cwd=tmp_path)  # its own output: only with --force
    assert code == 2 and "--force" in one_line(err)
    assert report.read_text() == html
    assert files(tmp_path) == ["demo-report.html"]


# --- issue 14: repeated column names, output extensions, the certificate, hostile models -------


def test_repeated_column_names_exit_2(tmp_path, table, capsys):
    """pandas would read the second 'y' as 'y.1', a feature that copies the target."""
    data = tmp_path / "dup.csv"
    table.assign(y2=table["y"]).rename(columns={"y2": "y"}).to_csv(data, index=False)
    for args in (
        ["fit", str(data), "-t", "y", "--penalty", "l1", "--model-out", str(tmp_path / "m.json")],
        ["compare", str(data), "-t", "y", "--out", str(tmp_path / "r.html")],
        ["path", str(data), "-t", "y", "--out", str(tmp_path / "p.png")],
    ):
        assert main(args) == 2
        line = one_line(capsys.readouterr().err)
        assert "dup.csv has duplicate column names: 'y' 2 times" in line
        assert "give each column its own name" in line
    assert files(tmp_path) == ["dup.csv"]


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["predict", "{model}", "{csv}", "--out", "{tmp}/p.xlsx"],
            r"predictions '.*p.xlsx' from its extension; use \.csv, \.tsv \(\.tab\), \.parquet",
        ),
        (["predict", "{model}", "{csv}", "--out", "{tmp}/p"], r"cannot tell the format"),
        (
            ["compare", "{csv}", "-t", "y", "--out", "{tmp}/r.pdf"],
            r"the report '.*r.pdf' must end in \.html or \.htm: its extension is '\.pdf'",
        ),
        (
            ["compare", "{csv}", "-t", "y", "--json", "{tmp}/r.txt"],
            r"the JSON results '.*r.txt' must end in \.json",
        ),
        (
            ["fit", "{csv}", "-t", "y", "--penalty", "l1", "--model-out", "{tmp}/m.pkl"],
            r"the model file '.*m.pkl' must end in \.json",
        ),
        (
            ["path", "{csv}", "-t", "y", "--out", "{tmp}/p.jpg"],
            r"the figure '.*p.jpg' must end in \.png, \.svg or \.pdf",
        ),
        (["demo", "--out", "{tmp}/d.txt"], r"the report '.*d.txt' must end in \.html or \.htm"),
        (
            ["nn-demo", "--out", "{tmp}/figs.png"],
            r"--out names the directory the figures go in .* ends in '\.png', like a file",
        ),
    ],
)
def test_output_extension_names_the_format_or_is_refused(tmp_path, csv, capsys, args, message):
    model = tmp_path / "m.json"
    assert (
        main(
            [
                "fit",
                str(csv),
                "-t",
                "y",
                "--drop",
                "id",
                "--penalty",
                "l2",
                "--alpha",
                "1",
                "--model-out",
                str(model),
            ]
        )
        == 0
    )
    capsys.readouterr()
    before = files(tmp_path)
    args = [a.format(model=model, csv=csv, tmp=tmp_path) for a in args]
    assert main(args) == 2
    assert re.search(message, one_line(capsys.readouterr().err))
    assert files(tmp_path) == before


@pytest.mark.parametrize("name", ["p.jsonl", "p.json", "p.tsv", "p.csv.gz"])
def test_predict_writes_the_format_its_extension_names(tmp_path, csv, table, name):
    model = tmp_path / "m.json"
    assert (
        main(
            [
                "fit",
                str(csv),
                "-t",
                "y",
                "--drop",
                "id",
                "--penalty",
                "l2",
                "--alpha",
                "1",
                "--model-out",
                str(model),
            ]
        )
        == 0
    )
    assert (
        main(["predict", str(model), str(csv), "--keep", "id", "--out", str(tmp_path / name)]) == 0
    )
    back = io.read_table(tmp_path / name)
    assert list(back.columns) == ["id", "prediction"]
    np.testing.assert_array_equal(back["id"], table["id"])
    expected = shrinkage.load(model).predict(table)
    np.testing.assert_array_equal(back["prediction"], expected)  # floats round-trip exactly


def test_fit_prints_and_stores_the_certificate(tmp_path, csv, capsys):
    for penalty, how in (
        ("l1", ["--cv", "3"]),
        ("l2", ["--alpha", "0.3"]),
        ("elasticnet", ["--alpha", "0.05"]),
    ):
        model = tmp_path / f"{penalty}.json"
        assert (
            main(
                [
                    "fit",
                    str(csv),
                    "-t",
                    "y",
                    "--drop",
                    "id",
                    "--penalty",
                    penalty,
                    *how,
                    "--model-out",
                    str(model),
                ]
            )
            == 0
        )
        out = capsys.readouterr().out
        certificate = json.loads(model.read_text())["certificate"]
        assert certificate["converged"] is True
        assert 0 <= certificate["duality_gap"] <= certificate["tolerance"]
        assert f"Converged: duality gap {certificate['duality_gap']:.3g} <= tolerance " in out
    est = shrinkage.ElasticNet(0.05, l1_ratio=0.5, standardize=True)
    prepared = io.prepare(pd.read_csv(csv), "y", drop=["id"])
    est.fit(prepared.X, prepared.y)
    assert certificate["duality_gap"] == pytest.approx(est.dual_gap_, rel=1e-12, abs=1e-300)


def test_fit_reports_a_fit_that_did_not_converge(tmp_path, csv, capsys, monkeypatch):
    real = shrinkage.Lasso.fit

    def stopped(self, X, y, sample_weight=None):
        real(self, X, y, sample_weight)
        self.converged_, self.dual_gap_ = False, 1.0
        return self

    monkeypatch.setattr(shrinkage.Lasso, "fit", stopped)
    model = tmp_path / "m.json"
    assert (
        main(
            [
                "fit",
                str(csv),
                "-t",
                "y",
                "--drop",
                "id",
                "--penalty",
                "l1",
                "--alpha",
                "0.1",
                "--model-out",
                str(model),
            ]
        )
        == 0
    )
    assert "NOT converged: duality gap 1 > tolerance" in capsys.readouterr().out
    assert json.loads(model.read_text())["certificate"]["converged"] is False


def _edit(text: str, change) -> str:
    d = json.loads(text)
    change(d)
    return json.dumps(d)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda t: t.replace('"alpha": 40.0', '"alpha": -1'),
            r"m.json: Pipeline.steps\[1\] Ridge.params: alpha must be a finite number >= 0; got -1",
        ),
        (
            lambda t: t.replace('"class": "Ridge"', '"class": "subprocess.Popen"'),
            r"class must name one of shrinkage's estimators",
        ),
        (
            lambda t: t.replace('"format_version": 2', '"format_version": 9'),
            r"m.json has model format version 9, newer than this shrinkage reads \(2\)",
        ),
        (
            lambda t: _edit(
                t,
                lambda d: d["estimator"]["steps"][1][1]["fitted"]["coef_"]["ndarray"].update(
                    shape=[6]
                ),
            ),
            r"coef_ \(an array\): data must be a list of 6 values for shape \(6,\); got 5",
        ),
        (lambda t: t.replace('"task": "regression"', '"task": "ranking"'), r"task must be one of"),
        (
            lambda t: t.replace('"task": "regression"', '"task": "classification"'),
            r"m.json: task is 'classification' but its estimator \(Ridge\) does regression",
        ),
        (
            lambda t: t.replace('"model": "ridge"', '"model": "l3"'),
            r"m.json: model 'l3' is not one of the command line's models \(lasso, ridge",
        ),
        (
            lambda t: t.replace('"alpha": 40.0,', ""),
            r"Ridge.params lacks 'alpha': a fitted model's file lists every parameter",
        ),
        (
            lambda t: _edit(
                t,
                lambda d: d["estimator"]["steps"][1][1]["fitted"]["coef_"]["ndarray"][
                    "data"
                ].__setitem__(0, 1e300),
            ),
            r"coef_ and intercept_ must be at most 1e\+150 in magnitude .* got 1e\+300",
        ),
        (
            lambda t: t.replace('"tol": 0.0001', '"tol": ' + "7" * 400),
            r"an integer with 400 digits",
        ),
        (
            lambda t: t.replace(
                '"training": {', '"training": {"x": ' + "[" * 200_000 + "]" * 200_000 + ", "
            ),
            r"nested 200002 levels deep",
        ),
        (
            lambda t: t.replace('"version": 1', '"version": "one"'),
            r"preprocessing.version must be an integer; got 'one'",
        ),
    ],
)
def test_predict_refuses_hostile_model_files(tmp_path, csv, capsys, change, message):
    model = tmp_path / "m.json"
    assert (
        main(
            [
                "fit",
                str(csv),
                "-t",
                "y",
                "--drop",
                "id",
                "--penalty",
                "l2",
                "--alpha",
                "1",
                "--model-out",
                str(model),
            ]
        )
        == 0
    )
    text = model.read_text()
    changed = change(text)
    assert changed != text
    model.write_text(changed)
    capsys.readouterr()
    assert main(["predict", str(model), str(csv), "--out", str(tmp_path / "p.csv")]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("shrinkage: error: ") and re.search(message, line), line
    assert not (tmp_path / "p.csv").exists()


def test_a_huge_cell_exits_2_naming_the_column(tmp_path, table, capsys):
    data = tmp_path / "big.csv"
    table.assign(b=np.where(table.index == 3, 1e300, table["b"])).to_csv(data, index=False)
    for args in (
        [
            "fit",
            str(data),
            "-t",
            "y",
            "--drop",
            "id",
            "--penalty",
            "l1",
            "--model-out",
            str(tmp_path / "m.json"),
        ],
        ["path", str(data), "-t", "y", "--drop", "id", "--out", str(tmp_path / "p.png")],
        ["compare", str(data), "-t", "y", "--drop", "id", "--out", str(tmp_path / "r.html")],
    ):
        assert main(args) == 2
        line = one_line(capsys.readouterr().err)
        assert "column 'b' of big.csv has values too large to fit (e.g. 1e+300" in line
    assert files(tmp_path) == ["big.csv"]


# --- issue 19: index-like columns are row labels, not features ---------------------------------


@pytest.fixture
def r_csv(tmp_path, table):
    """The table as R's write.csv writes it: a 'rownames' column of 1..n first."""
    path = tmp_path / "r.csv"
    table.drop(columns="id").rename_axis("rownames").set_axis(
        np.arange(1, len(table) + 1)
    ).rename_axis("rownames").to_csv(path)
    return path


def test_fit_leaves_index_columns_out_with_a_note(tmp_path, r_csv, table, capsys):
    model = tmp_path / "m.json"
    assert (
        main(
            [
                "fit",
                str(r_csv),
                "-t",
                "y",
                "--penalty",
                "l2",
                "--alpha",
                "1",
                "--model-out",
                str(model),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert (
        "shrinkage: note: left out column 'rownames' (the row numbers 1..40): it looks like "
        "row labels, not features; pass --keep-index-columns to use it."
    ) in err
    saved = json.loads(model.read_text())
    pre = saved["estimator"]["steps"][0][1]["fitted"]
    assert "rownames" not in pre["preprocessing"]["feature_names"]
    assert pre["preprocessing"]["index_columns"] == ["rownames"]
    # new data without the row labels: the model does not need them
    new = tmp_path / "new.csv"
    table.drop(columns=["id", "y"]).to_csv(new, index=False)
    assert main(["predict", str(model), str(new), "--out", str(tmp_path / "p.csv")]) == 0
    kept = tmp_path / "kept.json"
    assert (
        main(
            [
                "fit",
                str(r_csv),
                "-t",
                "y",
                "--penalty",
                "l2",
                "--alpha",
                "1",
                "--keep-index-columns",
                "--model-out",
                str(kept),
            ]
        )
        == 0
    )
    assert "note" not in capsys.readouterr().err
    assert "rownames" in shrinkage.load(kept)[0].get_feature_names_out()


def test_compare_notes_index_columns_in_the_report(tmp_path, r_csv, capsys):
    args = [
        "compare",
        str(r_csv),
        "-t",
        "y",
        "--cv",
        "3",
        "--repeats",
        "1",
        "--bootstrap",
        "3",
        "--penalties",
        "l1",
        "--out",
        str(tmp_path / "r.html"),
        "--json",
        str(tmp_path / "r.json"),
        "--no-progress",
    ]
    assert main(args) == 0
    assert "left out column 'rownames' (the row numbers 1..40)" in capsys.readouterr().err
    html = (tmp_path / "r.html").read_text()
    assert "Left out as row labels" in html and "<code>rownames</code>" in html
    assert "--keep-index-columns" in html
    results = json.loads((tmp_path / "r.json").read_text())
    assert results["data"]["index_columns"] == {"rownames": "the row numbers 1..40"}
    assert "rownames" not in results["preprocessing"]["feature_names"]


def test_keep_index_columns_is_documented(capsys):
    for command in ("compare", "fit", "path"):
        assert main([command, "--help"]) == 0
        assert "--keep-index-columns" in capsys.readouterr().out


def test_path_never_draws_an_empty_figure(tmp_path, csv, capsys, monkeypatch):
    """Whatever slips past the checks, non-finite paths are an error, not an empty plot."""
    import importlib

    path_module = importlib.import_module("shrinkage.path")  # not the function of that name
    real = path_module.path

    def nan_path(*args, **kwargs):
        result = real(*args, **kwargs)
        result.coefs[:] = np.nan
        return result

    monkeypatch.setattr(path_module, "path", nan_path)
    assert (
        main(
            [
                "path",
                str(csv),
                "-t",
                "y",
                "--drop",
                "id",
                "--penalty",
                "l1",
                "--out",
                str(tmp_path / "p.png"),
            ]
        )
        == 1
    )
    assert "the L1 (lasso) path holds non-finite coefficients" in one_line(capsys.readouterr().err)
    assert files(tmp_path) == ["data.csv"]


# --- issue 16: every model, class labels, stdin / stdout, quiet / verbose, python -m -------------


@pytest.fixture
def labels_csv(tmp_path, table):
    path = tmp_path / "labels.csv"
    score = 2 * table["a"] - 2 * table["c"]
    table.assign(y=np.select([score > 1, score > -1], ["high", "mid"], "low")).to_csv(
        path, index=False
    )
    return path


MODEL_CASES = {  # --model: (the estimator the library fits at that alpha, target kind)
    "lasso": (lambda: shrinkage.Lasso(0.05, standardize=True), "numbers"),
    "elasticnet": (lambda: shrinkage.ElasticNet(0.05, l1_ratio=0.5, standardize=True), "numbers"),
    "logistic": (
        lambda: shrinkage.LogisticRegression("l2", alpha=0.05, standardize=True),
        "labels",
    ),
    "svm": (lambda: shrinkage.LinearSVC("l2", alpha=0.05, standardize=True), "labels"),
    "poisson": (lambda: shrinkage.PoissonRegressor(0.05, l1_ratio=0.0, standardize=True), "counts"),
    "huber": (lambda: shrinkage.HuberRegressor(alpha=0.05, standardize=True), "numbers"),
    "quantile": (lambda: shrinkage.QuantileRegressor(0.5, 0.05, standardize=True), "numbers"),
}


@pytest.mark.parametrize("name", sorted(MODEL_CASES))
def test_every_model_fits_and_predicts_as_the_library(tmp_path, table, name, capsys):
    make, kind = MODEL_CASES[name]
    score = 2 * table["a"] - 2 * table["c"]
    y = {
        "numbers": table["y"],
        "counts": np.round(np.exp(score / 3)).astype(int),
        "labels": pd.Series(np.select([score > 1, score > -1], ["high", "mid"], "low")),
    }[kind]
    data = tmp_path / "d.csv"
    table.assign(y=y).to_csv(data, index=False)
    model, preds = tmp_path / "m.json", tmp_path / "p.csv"
    assert (
        main(
            [
                "fit",
                str(data),
                "-t",
                "y",
                "--drop",
                "id",
                "--model",
                name,
                "--alpha",
                "0.05",
                "--model-out",
                str(model),
            ]
        )
        == 0
    )
    assert main(["predict", str(model), str(data), "--out", str(preds)]) == 0
    prepared = io.prepare(table, "y", drop=["id"])
    expected = make().fit(prepared.X, y).predict(prepared.X)
    got = pd.read_csv(preds)["prediction"]
    if kind == "labels":
        assert list(got) == list(expected) and set(got) <= {"low", "mid", "high"}
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    assert "40 predictions of y" in capsys.readouterr().out
    loaded = shrinkage.load(model)
    np.testing.assert_array_equal(loaded.predict(table), expected)


def test_classifier_text_labels_and_probabilities(tmp_path, labels_csv, capsys):
    model, out = tmp_path / "m.json", tmp_path / "p.csv"
    assert (
        main(
            [
                "fit",
                str(labels_csv),
                "-t",
                "y",
                "--drop",
                "id",
                "--model",
                "logistic",
                "--penalty",
                "l1",
                "--cv",
                "3",
                "--model-out",
                str(model),
                "--verbose",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "logistic regression on 40 rows" in text and "3-fold CV" in text
    assert "Classes: high, low, mid." in text and "alpha_1se" in text
    assert json.loads(model.read_text())["task"] == "classification"
    assert (
        main(["predict", str(model), str(labels_csv), "--keep", "id", "--proba", "--out", str(out)])
        == 0
    )
    got = pd.read_csv(out)
    assert list(got.columns) == ["id", "prediction", "proba_high", "proba_low", "proba_mid"]
    np.testing.assert_allclose(got.filter(like="proba_").sum(axis=1), 1.0)
    best = got[["proba_high", "proba_low", "proba_mid"]].to_numpy().argmax(axis=1)
    assert list(got["prediction"]) == list(np.array(["high", "low", "mid"])[best])
    capsys.readouterr()
    svm = tmp_path / "svm.json"
    assert (
        main(
            [
                "fit",
                str(labels_csv),
                "-t",
                "y",
                "--model",
                "svm",
                "--cv",
                "3",
                "--model-out",
                str(svm),
                "--quiet",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == ""
    assert (
        main(["predict", str(svm), str(labels_csv), "--proba", "--out", str(tmp_path / "q.csv")])
        == 2
    )
    assert "--proba needs a classifier with probabilities" in one_line(capsys.readouterr().err)


def test_model_and_penalty_agree_or_exit_2(tmp_path, csv, capsys):
    for args, message in (
        (["--model", "lasso", "--penalty", "l2"], "--model ridge"),
        ([], "give --model"),
    ):
        assert (
            main(["fit", str(csv), "-t", "y", *args, "--model-out", str(tmp_path / "m.json")]) == 2
        )
        assert message in one_line(capsys.readouterr().err)
    assert files(tmp_path) == ["data.csv"]


def test_model_choices_are_the_table_models():
    """--model's choices are written out in cli (no numpy at start): they must stay
    table_models.MODELS' names."""
    from shrinkage.cli import MODEL_NAMES
    from shrinkage.table_models import MODELS

    assert tuple(MODELS) == MODEL_NAMES


def test_version_1_model_files_still_predict(tmp_path, table, capsys):
    prepared = io.prepare(table, "y", drop=["id"])
    coef = np.linspace(-1, 1, len(prepared.feature_names))
    old = io.save_model(
        {
            "penalty": "l1",
            "alpha": 0.5,
            "l1_ratio": 1.0,
            "feature_names": prepared.feature_names,
            "coefficients": coef,
            "intercept": 2.0,
            "preprocessing": prepared.preprocessing,
            "target": "y",
        },
        tmp_path / "old.json",
    )
    data = tmp_path / "new.csv"
    table.to_csv(data, index=False)
    assert main(["predict", str(old), str(data), "--out", str(tmp_path / "p.csv")]) == 0
    np.testing.assert_allclose(
        pd.read_csv(tmp_path / "p.csv")["prediction"], prepared.X.to_numpy() @ coef + 2.0
    )
    assert "40 predictions of y (L1 (lasso))" in capsys.readouterr().out


@pytest.mark.slow
def test_stdin_stdout_and_python_m(tmp_path, csv):
    """`-` reads CSV from stdin and writes the model or the predictions to stdout."""
    text = csv.read_text()
    fit = subprocess.run(
        [
            sys.executable,
            "-m",
            "shrinkage",
            "fit",
            "-",
            "-t",
            "y",
            "--drop",
            "id",
            "--model",
            "ridge",
            "--alpha",
            "0.3",
            "--model-out",
            "-",
        ],
        input=text,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert fit.returncode == 0, fit.stderr
    assert json.loads(fit.stdout)["training"]["source"] == "stdin"
    assert "L2 (ridge) on 40 rows" in fit.stderr
    (tmp_path / "m.json").write_text(fit.stdout)
    pred = subprocess.run(
        [sys.executable, "-m", "shrinkage", "predict", "m.json", "-", "--out", "-", "-q"],
        input=text,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert pred.returncode == 0 and pred.stderr == ""
    got = pd.read_csv(io_text(pred.stdout))["prediction"]
    table = pd.read_csv(csv)
    np.testing.assert_array_equal(got, shrinkage.load(tmp_path / "m.json").predict(table))
    assert files(tmp_path) == ["data.csv", "m.json"]


def io_text(text: str):
    import io as stdlib_io

    return stdlib_io.StringIO(text)


def test_shell_completion_and_python_m_are_documented(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "_SHRINKAGE_COMPLETE=bash_source shrinkage" in out and "python -m shrinkage" in out
    assert main(["fit", "--help"]) == 0
    out = capsys.readouterr().out
    for name in (
        "lasso",
        "logistic",
        "svm",
        "poisson",
        "huber",
        "quantile",
        "group-lasso",
        "--quiet",
        "--verbose",
        "--penalty",
    ):
        assert name in out
