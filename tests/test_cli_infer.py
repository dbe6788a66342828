"""``shrinkage infer``: the three methods end to end, --json, and bad input (exit 2, one line)."""

import json

import numpy as np
import pandas as pd
import pytest

from shrinkage.cli import main
from shrinkage.inference import debiased_lasso


@pytest.fixture
def csv(tmp_path):
    """50 rows, four features (y depends on a and c), a text column as a possible target."""
    rng = np.random.default_rng(7)
    n = 50
    df = pd.DataFrame(rng.standard_normal((n, 4)), columns=["a", "b", "c", "d"])
    df["y"] = 2 * df["a"] - 1.5 * df["c"] + rng.standard_normal(n)
    df["label"] = rng.choice(["yes", "no"], n)
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    return path


def test_help_says_when_each_method_is_valid(capsys):
    assert main(["infer", "--help"]) == 0
    out = capsys.readouterr().out
    for words in (
        "debiased",
        "selective",
        "split",
        "fixed before looking at y",
        "--json",
        "hdi::lasso.proj",
        "fixedLassoInf",
    ):
        assert words in " ".join(out.split())


def test_debiased_table_meaning_notes_and_json_match_the_library(tmp_path, csv, capsys):
    out = tmp_path / "res.json"
    assert main(["infer", str(csv), "-t", "y", "--drop", "label", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "debiased lasso" in printed and "95% CI" in printed
    assert "full linear model" in printed  # res.meaning
    assert "- initial lasso" in printed  # res.notes
    saved = json.loads(out.read_text())
    df = pd.read_csv(csv)
    X = df[["a", "b", "c", "d"]].to_numpy()
    expected = debiased_lasso(
        X, df["y"].to_numpy(), feature_names=list("abcd"), random_state=0
    ).to_dict()
    assert [f["feature"] for f in saved["features"]] == list("abcd")
    np.testing.assert_allclose(
        [f["p_value"] for f in saved["features"]], [f["p_value"] for f in expected["features"]]
    )
    assert saved["meaning"] == expected["meaning"]


@pytest.mark.parametrize("method", ["selective", "split"])
def test_other_methods_run(csv, capsys, method):
    args = ["infer", str(csv), "-t", "y", "--drop", "label", "--method", method, "--alpha", "0.2"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "a " in printed and ("p fwer" in printed if method == "split" else "CI" in printed)


@pytest.mark.parametrize("case", ["selective_without_alpha", "text_target", "existing_json"])
def test_bad_input_exit_2_one_line(tmp_path, csv, capsys, case):
    out = tmp_path / "res.json"
    args = ["infer", str(csv), "-t", "y", "--drop", "label"]
    if case == "selective_without_alpha":
        args += ["--method", "selective"]
    elif case == "text_target":
        args = ["infer", str(csv), "-t", "label"]
    else:
        out.write_text("keep me")
        args += ["--json", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert {
        "selective_without_alpha": "--alpha",
        "text_target": "not numeric",
        "existing_json": "--force",
    }[case] in err
    if case == "existing_json":
        assert out.read_text() == "keep me"
        assert main([*args, "--force"]) == 0
        assert json.loads(out.read_text())["method"] == "debiased lasso"


def test_report_is_written_once_and_refused_without_force(tmp_path, csv, capsys):
    out = tmp_path / "inference.html"
    args = ["infer", str(csv), "-t", "y", "--drop", "label", "--report", str(out)]
    assert main(args) == 0
    assert f"Report: {out}" in " ".join(capsys.readouterr().out.split())
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and 'data-figure="forest"' in html
    assert "<code>a</code>" in html and "full linear model" in html  # the table, res.meaning
    before = out.stat().st_mtime_ns
    assert main(args) == 2  # exists: refused before any work, the file untouched
    assert "exists" in capsys.readouterr().err and out.stat().st_mtime_ns == before
    assert main([*args, "--force", "--method", "split"]) == 0
    assert 'data-figure-omitted="forest"' in out.read_text()  # p-values only: no forest plot


def test_report_extension_is_checked(tmp_path, csv, capsys):
    assert (
        main(["infer", str(csv), "-t", "y", "--drop", "label", "--report", str(tmp_path / "r.txt")])
        == 2
    )
    assert not (tmp_path / "r.txt").exists()


def test_bootstrap_calibration_matches_the_library_and_is_debiased_only(tmp_path, csv, capsys):
    out = tmp_path / "boot.json"
    assert (
        main(
            [
                "infer",
                str(csv),
                "-t",
                "y",
                "--drop",
                "label",
                "--bootstrap",
                "residual",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    capsys.readouterr()
    df = pd.read_csv(csv)
    expected = debiased_lasso(
        df[["a", "b", "c", "d"]].to_numpy(),
        df["y"].to_numpy(),
        bootstrap="residual",
        feature_names=list("abcd"),
        random_state=0,
    ).to_dict()
    saved = json.loads(out.read_text())
    np.testing.assert_allclose(
        [f["p_value"] for f in saved["features"]], [f["p_value"] for f in expected["features"]]
    )
    assert min(f["p_value"] for f in saved["features"]) >= 1 / 1001
    code = main(
        [
            "infer",
            str(csv),
            "-t",
            "y",
            "--drop",
            "label",
            "--method",
            "split",
            "--bootstrap",
            "wild",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "--bootstrap calibrates the debiased lasso only" in err
