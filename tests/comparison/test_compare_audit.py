"""Audit of the baselines compare() reports, against scikit-learn on the same folds, on real tables.

The tables go through ``shrinkage.io.prepare`` as the CLI reads a CSV (text columns one-hot
encoded with every level, numeric columns in their own units), and compare() gets the encoding as
the CLI passes it.  Each baseline is refitted with scikit-learn on ``Comparison.splits`` without
the reference levels compare() reports, scored the same way, and combined over the folds with
the same weighted mean:

- OLS (regression): ``LinearRegression``, held-out mean squared error;
- unpenalized logistic / multinomial regression (classification): ``LogisticRegression(C=inf)``
  on standardized columns (so that its lbfgs converges whatever the columns' units), held-out
  deviance 2 x log loss;
- intercept-only (class priors): ``DummyClassifier(strategy="prior")``, held-out deviance.

The classification tables have columns on very different scales (anes96: ``popul`` up to 7300,
the 1-7 scales next to it), where an unpenalized fit that stops early reports a wrong error.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import log_loss
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from shrinkage import compare
from shrinkage.exceptions import ShrinkageConvergenceWarning
from shrinkage.io import prepare
from shrinkage.selection.cv import fold_summary

FAST = {
    "penalties": ("l1",),
    "cv": 5,
    "n_repeats": 1,
    "n_alphas": 5,
    "n_bootstrap": 2,
    "progress": False,
    "random_state": 0,
}


def statsmodels_frame(name: str) -> pd.DataFrame:
    datasets = pytest.importorskip("statsmodels.datasets")
    return getattr(datasets, name).load_pandas().data


def diabetes():
    """The bundled table, in its original units (sex is 1 or 2), as ``shrinkage demo`` runs it."""
    from shrinkage.datasets import diabetes_frame

    return diabetes_frame(), "progression", None


def grunfeld():
    """statsmodels' Grunfeld investment data: 11 firms (text) x 20 years; value ~ 1e3."""
    return statsmodels_frame("grunfeld"), "invest", "firm"


def anes96_vote():
    """statsmodels' 1996 American National Election Study: the vote (0/1) from population size
    (up to 7300), 1-7 scales, age, income and party identification (7 categories)."""
    df = statsmodels_frame("anes96").drop(columns=["logpopul"])
    return df.assign(PID=df["PID"].map(lambda v: f"pid{int(v)}")), "vote", "PID"


def anes96_party():
    """The same survey: party identification in 3 classes from the other columns."""
    df = statsmodels_frame("anes96").drop(columns=["logpopul", "vote"])
    party = np.select([df["PID"] <= 1, df["PID"] >= 5], ["Democrat", "Republican"], "Independent")
    return df.drop(columns=["PID"]).assign(party=party), "party", None


def spector():
    """statsmodels' Spector and Mazzeo grades (32 students): a grade increase from GPA, TUCE
    and a teaching method."""
    return statsmodels_frame("spector"), "GRADE", None


def run(table, task):
    df, target, categorical = table()
    labels = df[target].to_numpy()
    if task == "classification":  # the features are prepared on the class codes, as the CLI does
        df = df.assign(**{target: np.unique(labels, return_inverse=True)[1]})
    prepared = prepare(df, target)
    one_hot = {
        c.name: c.features for c in prepared.preprocessing.columns if c.kind == "categorical"
    }
    assert list(one_hot) == ([categorical] if categorical else [])
    X, y = prepared.X, (labels if task == "classification" else prepared.y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
        comp = compare(X, y, task=task, one_hot=one_hot, **FAST)
    references = [str(comp.feature_names[j]) for j in comp.collinearity.references]
    assert len(references) == len(one_hot)
    return comp, X.drop(columns=references), y, references


def cv_error(comp, fold_errors) -> float:
    weights = np.array([test.size for _, test in comp.splits], dtype=float)
    return float(fold_summary(np.asarray(fold_errors)[:, None], weights, comp.n_folds)[0][0])


def expanded(comp, reduced, coef) -> np.ndarray:
    """Coefficients on the reduced columns placed in compare()'s (p,) order, 0 elsewhere."""
    out = np.zeros(comp.n_features)
    out[[list(comp.feature_names).index(c) for c in reduced.columns]] = coef
    return out


@pytest.mark.parametrize("table", [diabetes, grunfeld])
def test_ols_baseline_is_scikit_learn_s_least_squares(table):
    comp, X, y, references = run(table, "regression")
    if table is grunfeld:  # 20 rows per firm: the first firm is the reference
        assert references == ["firm=American Steel"]
        assert "exactly collinear" not in (comp.baseline_note or "")
    errors = []
    for train, test in comp.splits:
        fit = LinearRegression().fit(X.iloc[train], y[train])
        errors.append(np.mean((y[test] - fit.predict(X.iloc[test])) ** 2))
    ols = comp.baseline
    assert ols.cv_error == pytest.approx(cv_error(comp, errors), rel=1e-9)
    full = LinearRegression().fit(X, y)
    np.testing.assert_allclose(
        ols.coef, expanded(comp, X, full.coef_), rtol=1e-7, atol=1e-9 * np.abs(full.coef_).max()
    )
    assert ols.intercept == pytest.approx(full.intercept_, rel=1e-7)


def unpenalized_logistic():
    return make_pipeline(
        StandardScaler(), LogisticRegression(C=np.inf, tol=1e-12, max_iter=100_000)
    )


@pytest.mark.parametrize("table", [anes96_vote, anes96_party, spector])
def test_classification_baselines_are_scikit_learn_s(table):
    """Unpenalized logistic (multinomial for 3 classes) and the class priors.  anes96_vote fails
    while the GLM solver stops early on unscaled columns (issue 19)."""
    comp, X, y, _ = run(table, "classification")
    classes = comp.classes
    deviance, priors = [], []
    for train, test in comp.splits:
        fit = unpenalized_logistic().fit(X.iloc[train], y[train])
        deviance.append(2 * log_loss(y[test], fit.predict_proba(X.iloc[test]), labels=classes))
        dummy = DummyClassifier(strategy="prior").fit(X.iloc[train], y[train])
        priors.append(2 * log_loss(y[test], dummy.predict_proba(X.iloc[test]), labels=classes))
    assert comp.null.cv_error == pytest.approx(cv_error(comp, priors), rel=1e-9)
    assert comp.baseline is not None, comp.baseline_note
    assert comp.baseline.cv_error == pytest.approx(cv_error(comp, deviance), rel=1e-5)
    full = unpenalized_logistic().fit(X, y)
    scaler, model = full.named_steps.values()
    coef = model.coef_ / scaler.scale_  # the original columns' units
    if classes.size == 2:
        expected = expanded(comp, X, coef[0])
        np.testing.assert_allclose(
            comp.baseline.coef, expected, rtol=1e-4, atol=1e-6 * np.abs(expected).max()
        )
    else:  # identified up to a shift over the classes: compare centred class coefficients
        W = np.column_stack([expanded(comp, X, c) for c in coef])
        ours = comp.baseline.class_coefs
        np.testing.assert_allclose(
            ours - ours.mean(axis=1, keepdims=True),
            W - W.mean(axis=1, keepdims=True),
            rtol=1e-4,
            atol=1e-6 * np.abs(W).max(),
        )


def default_like(n=2000, seed=1):
    """ISLR's Default at its scales (balance ~ 1e3, income ~ 4e4, student Yes/No), simulated:
    the table of issue 19, where the unpenalized logistic fit stopped after one iteration."""
    rng = np.random.default_rng(seed)
    student = rng.random(n) < 0.3
    balance = np.clip(rng.normal(800 + 200 * student, 480, n), 0, None)
    income = rng.normal(40000 - 20000 * student, 9000, n)
    eta = -10.8 + 0.0057 * balance + 3e-6 * income - 0.65 * student
    default = np.where(rng.random(n) < 1 / (1 + np.exp(-eta)), "Yes", "No")
    df = pd.DataFrame(
        {
            "default": default,
            "student": np.where(student, "Yes", "No"),
            "balance": balance,
            "income": income,
        }
    )
    return df, "default", "student"


def test_unpenalized_logistic_on_default_like_scales():
    """Fails while the GLM solver stops early on unscaled columns (issue 19: the report said
    0.25 where scikit-learn gets 0.147)."""
    comp, X, y, references = run(default_like, "classification")
    assert references == ["student=No"]
    deviance = []
    for train, test in comp.splits:
        fit = unpenalized_logistic().fit(X.iloc[train], y[train])
        deviance.append(2 * log_loss(y[test], fit.predict_proba(X.iloc[test]), labels=comp.classes))
    assert comp.baseline.cv_error == pytest.approx(cv_error(comp, deviance), rel=1e-5)
