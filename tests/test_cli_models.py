"""`shrinkage fit --model mcp|scad|gamma|tweedie`: the fit, the model file and `predict` agree
with the library's estimators; --gamma, --power and the target are checked in one line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mean_gamma_deviance, mean_squared_error, mean_tweedie_deviance
from sklearn.model_selection import KFold

import shrinkage
from shrinkage import io
from shrinkage.cli import main

from .test_cli import files, one_line


@pytest.fixture
def table():
    """60 rows: a correlated pair, a noise column, a category; a numeric target y, a positive
    amount and a loss with exact zeros."""
    rng = np.random.default_rng(3)
    n = 60
    a = rng.standard_normal(n)
    df = pd.DataFrame(
        {
            "a": a,
            "b": 0.9 * a + 0.4 * rng.standard_normal(n),
            "c": 10 * rng.standard_normal(n),  # another unit: standardization matters
            "color": rng.choice(["red", "blue"], n),
        }
    )
    df["y"] = 3 * df["a"] - 0.2 * df["c"] + (df["color"] == "red") + rng.standard_normal(n)
    df["amount"] = rng.gamma(2.0, np.exp(0.5 + 0.4 * df["a"]) / 2.0)
    df["loss"] = rng.poisson(np.exp(0.2 + 0.5 * df["a"])) * rng.gamma(2.0, 0.5, n)
    return df


@pytest.fixture
def csv(tmp_path, table):
    path = tmp_path / "data.csv"
    table.to_csv(path, index=False)
    return path


TARGETS = {"mcp": "y", "scad": "y", "gamma": "amount", "tweedie": "loss"}
OTHERS = ("y", "amount", "loss")


def _prepared(table, name):
    target = TARGETS[name]
    return io.prepare(table, target, drop=[c for c in OTHERS if c != target])


def _drop(name):
    return ",".join(c for c in OTHERS if c != TARGETS[name])


def _standardized(prepared):
    """The prepared features centred and divided by their standard deviations (1 if constant),
    with those standard deviations: what ncvreg fits on."""
    X = prepared.X.to_numpy(dtype=np.float64)
    scale = X.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return (X - X.mean(axis=0)) / scale, scale


LIBRARY = {  # --model (its options): the library's estimator at alpha 0.05
    "mcp": (["--gamma", "2.5"], lambda: shrinkage.MCPRegressor(0.05, gamma=2.5, standardize=True)),
    "scad": ([], lambda: shrinkage.SCADRegressor(0.05, gamma=3.7, standardize=True)),
    "gamma": (
        ["--penalty", "l1"],
        lambda: shrinkage.GammaRegressor(0.05, l1_ratio=1.0, standardize=True),
    ),
    "tweedie": (
        ["--power", "1.6", "--penalty", "elasticnet"],
        lambda: shrinkage.TweedieRegressor(1.6, 0.05, l1_ratio=0.5, standardize=True),
    ),
}


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_fit_predict_round_trip_matches_the_library(tmp_path, csv, table, name, capsys):
    options, make = LIBRARY[name]
    model, preds = tmp_path / "m.json", tmp_path / "p.csv"
    assert (
        main(
            [
                "fit",
                str(csv),
                "-t",
                TARGETS[name],
                "--drop",
                _drop(name),
                "--model",
                name,
                *options,
                "--alpha",
                "0.05",
                "--model-out",
                str(model),
                "--verbose",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert main(["predict", str(model), str(csv), "--out", str(preds)]) == 0
    assert f"60 predictions of {TARGETS[name]}" in capsys.readouterr().out

    prepared = _prepared(table, name)
    nonconvex = name in ("mcp", "scad")
    est = make().fit(prepared.X, prepared.y)
    expected = est.predict(prepared.X)
    np.testing.assert_allclose(pd.read_csv(preds)["prediction"], expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(
        shrinkage.load(model).predict(table), expected, rtol=1e-10, atol=1e-10
    )
    # the certificate: the estimator's, printed and stored with its kind
    stored = json.loads(model.read_text())
    certificate = stored["certificate"]
    assert certificate["kind"] == est.certificate_ == ("kkt" if nonconvex else "duality_gap")
    assert certificate["converged"] is True
    assert certificate["duality_gap"] == pytest.approx(est.dual_gap_, rel=1e-6, abs=1e-12)
    what = "KKT violation" if nonconvex else "certificate"
    assert f"Converged: {what} {certificate['duality_gap']:.3g}" in out
    assert stored["model"] == name and stored["task"] == "regression"
    # the coefficients printed are those of the model file, on the original scale
    saved = shrinkage.load(model)
    assert saved[0].standardize is False and saved[-1].get_params()["standardize"] is True
    np.testing.assert_allclose(saved[-1].coef_, est.coef_, rtol=1e-10, atol=1e-12)
    shown = dict(
        kv.rsplit(" ", 1) for kv in out.split("Coefficients: ")[1].split(".\n")[0].split(", ")
    )
    kept = {
        n: f"{w:+.4g}" for n, w in zip(prepared.feature_names, saved[-1].coef_, strict=True) if w
    }
    assert shown == kept


def test_mcp_model_file_holds_the_ncvreg_fit_on_the_original_scale(tmp_path, csv, table, capsys):
    """The estimator standardizes: the saved coef_ are ncvreg's fit on standardized columns
    divided by the standard deviations (not per standard deviation), and the preprocessing
    step does not standardize again."""
    model = tmp_path / "m.json"
    assert (
        main(
            [
                "fit",
                str(csv),
                "-t",
                "y",
                "--drop",
                "amount,loss",
                "--model",
                "mcp",
                "--alpha",
                "0.05",
                "--model-out",
                str(model),
            ]
        )
        == 0
    )
    pipeline = shrinkage.load(model)
    preprocess, est = pipeline[0], pipeline[-1]
    prepared = _prepared(table, "mcp")
    Z, scale = _standardized(prepared)
    ncvreg_like = shrinkage.MCPRegressor(0.05, tol=1e-10).fit(Z, prepared.y)
    assert preprocess.standardize is False and preprocess.mean_ is None
    np.testing.assert_allclose(est.coef_, ncvreg_like.coef_ / scale, rtol=1e-5, atol=1e-8)
    assert np.flatnonzero(est.coef_).tolist() == np.flatnonzero(ncvreg_like.coef_).tolist()
    np.testing.assert_allclose(
        pipeline.predict(table), ncvreg_like.predict(Z), atol=1e-4
    )  # the CLI's fit stops at tol=1e-4
    assert type(est).__name__ == "MCPRegressor" and est.gamma == 3.0
    assert "MCP (minimax concave penalty) on 60 rows: alpha = 0.05 (given), gamma = 3" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize("name", ["scad", "tweedie"])
def test_alpha_by_cv_is_the_grid_alpha_of_the_lowest_cv_error(tmp_path, csv, table, name, capsys):
    """The stored CV errors are the K-fold errors computed here, fold by fold (MSE for SCAD,
    the mean Tweedie deviance for Tweedie), and the chosen alpha has the lowest."""
    model = tmp_path / "m.json"
    assert (
        main(
            [
                "fit",
                str(csv),
                "-t",
                TARGETS[name],
                "--drop",
                _drop(name),
                "--model",
                name,
                "--cv",
                "3",
                "--seed",
                "1",
                "--model-out",
                str(model),
            ]
        )
        == 0
    )
    assert "3-fold CV, alpha_min" in capsys.readouterr().out
    selection = json.loads(model.read_text())["alpha_selection"]
    alphas, errors = np.array(selection["alphas"]), np.array(selection["cv_mean"])
    assert alphas[0] > alphas[-1] and len(alphas) == 20
    best = int(np.argmin(errors))
    assert shrinkage.load(model)[-1].alpha == pytest.approx(alphas[best], rel=1e-12)

    prepared = _prepared(table, name)
    X, y = prepared.X, prepared.y
    for i in (0, best):
        fold_errors = []
        for train, test in KFold(3, shuffle=True, random_state=1).split(X):
            est = (
                shrinkage.SCADRegressor(alphas[i], standardize=True)
                if name == "scad"
                else shrinkage.TweedieRegressor(1.5, alphas[i], l1_ratio=0.0, standardize=True)
            )
            pred = est.fit(X.iloc[train], y[train]).predict(X.iloc[test])
            fold_errors.append(
                mean_squared_error(y[test], pred)
                if name == "scad"
                else mean_tweedie_deviance(y[test], pred, power=1.5)
            )
        assert errors[i] == pytest.approx(np.mean(fold_errors), rel=1e-8)


def test_gamma_cv_error_is_the_mean_gamma_deviance(tmp_path, csv, table, capsys):
    model = tmp_path / "m.json"
    assert (
        main(
            [
                "fit",
                str(csv),
                "-t",
                "amount",
                "--drop",
                "y,loss",
                "--model",
                "gamma",
                "--cv",
                "3",
                "--alpha-rule",
                "1se",
                "--model-out",
                str(model),
                "-v",
            ]
        )
        == 0
    )
    assert "CV (mean Gamma deviance)" in capsys.readouterr().out
    selection = json.loads(model.read_text())["alpha_selection"]
    prepared = _prepared(table, "gamma")
    X, y = prepared.X, prepared.y
    alpha = selection["alphas"][0]
    fold_errors = [
        mean_gamma_deviance(
            y[te],
            shrinkage.GammaRegressor(alpha, standardize=True)
            .fit(X.iloc[tr], y[tr])
            .predict(X.iloc[te]),
        )
        for tr, te in KFold(3, shuffle=True, random_state=0).split(X)
    ]
    assert selection["cv_mean"][0] == pytest.approx(np.mean(fold_errors), rel=1e-8)
    # alpha_1se: the largest alpha within one standard error of the lowest error
    assert (
        shrinkage.load(model)[-1].alpha >= selection["alphas"][int(np.argmin(selection["cv_mean"]))]
    )


BAD = [
    (
        ["--model", "tweedie", "--power", "0.5"],
        "loss",
        "Invalid value for --power: power must not lie in (0, 1)",
    ),
    (
        ["--model", "tweedie", "--power", "3"],
        "loss",
        "the target column 'loss': y must be > 0 for the Tweedie datafit with power=3",
    ),
    (
        ["--model", "mcp", "--gamma", "1"],
        "y",
        "Invalid value for --gamma: gamma must be > 1 for MCP",
    ),
    (["--model", "scad", "--gamma", "2"], "y", "gamma must be > 2 for SCAD"),
    (["--model", "scad", "--gamma", "nan"], "y", "gamma must be > 2 for SCAD"),
    (["--model", "gamma"], "y", "the target column 'y': y must be > 0 for the Gamma datafit"),
    (["--model", "tweedie"], "y", "the target column 'y': y must be >= 0 for the Tweedie"),
    (
        ["--model", "tweedie", "--power", "2", "--alpha", "0.1"],
        "loss",
        "the target column 'loss': y must be > 0 for the Gamma datafit",
    ),
    (
        ["--model", "lasso", "--gamma", "3"],
        "y",
        "--gamma applies to --model mcp or scad, not --model lasso",
    ),
    (["--model", "gamma", "--power", "1.5"], "amount", "--power applies to --model tweedie"),
    (
        ["--model", "mcp", "--penalty", "l1"],
        "y",
        "--model mcp is least squares with the MCP penalty",
    ),
]


@pytest.mark.parametrize(("args", "target", "message"), BAD)
def test_bad_options_and_targets_exit_2_in_one_line(tmp_path, csv, capsys, args, target, message):
    assert (
        main(["fit", str(csv), "-t", target, *args, "--model-out", str(tmp_path / "m.json")]) == 2
    )
    assert message in one_line(capsys.readouterr().err)
    assert files(tmp_path) == ["data.csv"]


def test_help_lists_the_models_and_their_options(capsys):
    assert main(["fit", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "group-lasso, mcp, scad, gamma, tweedie (see below)" in text
    assert "--gamma G" in text and "--power P" in text
    assert "mcp and scad (least squares with the non-convex MCP or SCAD penalty" in text
    assert "the KKT violation" in text
    assert main(["--help"]) == 0
    assert "group-lasso, mcp, scad, gamma, tweedie)" in " ".join(capsys.readouterr().out.split())


def test_path_draws_mcp_and_scad_on_the_original_scale(tmp_path, csv, table, capsys, monkeypatch):
    """`path --penalty mcp,scad`: the library's standardized path (ncvreg's: the path on
    standardized columns), drawn with its coefficients and intercepts on the original scale."""
    import shrinkage.plots

    drawn = {}
    real = shrinkage.plots.plot_paths

    def capture(paths, **kwargs):
        drawn.update(paths)
        return real(paths, **kwargs)

    monkeypatch.setattr(shrinkage.plots, "plot_paths", capture)
    out = tmp_path / "p.png"
    assert (
        main(
            [
                "path",
                str(csv),
                "-t",
                "y",
                "--drop",
                "amount,loss",
                "--penalty",
                "l1,mcp,scad",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "Coefficient paths (L1 (lasso), MCP, SCAD)" in capsys.readouterr().out
    assert out.stat().st_size > 0
    prepared = _prepared(table, "mcp")
    Z, scale = _standardized(prepared)
    X = prepared.X.to_numpy(dtype=np.float64)
    for label, penalty in (("MCP", "mcp"), ("SCAD", "scad")):
        reference = shrinkage.path(Z, prepared.y, penalty=penalty)
        got = drawn[label]
        assert got.penalty == penalty and got.certificate == "kkt"
        np.testing.assert_allclose(got.alphas, reference.alphas, rtol=1e-10)
        np.testing.assert_allclose(got.coefs, reference.coefs / scale, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(
            X @ got.coefs.T + got.intercepts,
            Z @ reference.coefs.T + reference.intercepts,
            rtol=1e-8,
            atol=1e-8,
        )
    assert (
        main(
            [
                "compare",
                str(csv),
                "-t",
                "y",
                "--penalties",
                "mcp",
                "--out",
                str(tmp_path / "r.html"),
            ]
        )
        == 2
    )
    assert "unknown penalty 'mcp'; use l1, l2 and/or elasticnet" in one_line(
        capsys.readouterr().err
    )
