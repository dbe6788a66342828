"""compare(): L1 / L2 / Elastic Net on the same folds, bootstrap stability, and the advice."""

import json
import re
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
import scipy.sparse as sp
from joblib import parallel_config
from sklearn.linear_model import LinearRegression

from shrinkage import compare
from shrinkage.comparison import recommend as rec
from shrinkage.comparison.bootstrap import treat_group
from shrinkage.comparison.diagnostics import collinearity
from shrinkage.comparison.grid import ridge_grid
from shrinkage.comparison.results import LABELS, ModelResult
from shrinkage.datasets import make_correlated_regression
from shrinkage.exceptions import ShrinkageConvergenceWarning
from shrinkage.selection.cv import fold_summary

FAST = {"cv": 4, "n_repeats": 2, "n_alphas": 25, "n_bootstrap": 20, "progress": False}


def quiet_compare(X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
        return compare(X, y, **{**FAST, **kwargs})


@pytest.fixture(scope="module")
def sparse_truth():
    data = make_correlated_regression(200, 30, rho=0.3, n_informative=5, snr=5, random_state=0)
    return data, quiet_compare(data.X, data.y, random_state=0)


def pair_design(seed=0, n=120):
    """Two nearly identical informative columns (x0, x1), one more signal, seven noise columns."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n)
    X = np.column_stack(
        [
            z + 0.05 * rng.standard_normal(n),
            z + 0.05 * rng.standard_normal(n),
            rng.standard_normal((n, 8)),
        ]
    )
    y = X[:, 0] + X[:, 1] + 0.8 * X[:, 2] + rng.standard_normal(n)
    return X, y


@pytest.fixture(scope="module")
def pair():
    X, y = pair_design()
    return X, y, quiet_compare(X, y, random_state=0)


# --- what the comparison finds -----------------------------------------------------------------


def test_l1_recovers_the_sparse_support(sparse_truth):
    data, comp = sparse_truth
    support = np.flatnonzero(data.coef)
    l1 = comp["l1"]
    assert set(support) <= set(l1.selected)  # alpha_min: the truth and a few extras
    assert np.all(l1.selection_frequency[support] == 1.0)
    assert l1.nnz < comp["l2"].nnz == 30
    top = np.argsort(-np.abs(l1.coef))[: support.size]
    assert sorted(top) == list(support)  # the extras are the smallest coefficients
    strict = quiet_compare(data.X, data.y, random_state=0, alpha_rule="1se", n_bootstrap=5)
    assert set(support) <= set(strict["l1"].selected) and strict["l1"].nnz <= support.size + 2
    assert sorted(np.argsort(-np.abs(strict["l1"].coef))[: support.size]) == list(support)
    assert strict["l1"].alpha == strict["l1"].alpha_1se > comp["l1"].alpha == comp["l1"].alpha_min
    assert comp.recommended in ("l1", "elasticnet")


def test_correlated_pair_is_flagged_and_elastic_net_keeps_both(pair):
    X, _, comp = pair
    assert [g.group.members for g in comp.groups] == [(0, 1)]
    treated = comp.groups[0].penalties
    assert treated["elasticnet"].n_kept == 2 and treated["l2"].n_kept == 2
    l1 = treated["l1"]
    assert l1.n_kept == 1 or l1.alternates or np.nanmax(l1.weight_share) >= 0.8
    assert treated["elasticnet"].weight_share.max() < 0.65  # shared, not concentrated
    fact = next(e for e in comp.evidence if e.kind == "group")
    r = np.corrcoef(X[:, 0], X[:, 1])[0, 1]
    assert fact.values["strongest_corr"] == pytest.approx(r)
    assert "x0 and x1 are a correlated pair" in fact.text
    assert "Elastic Net keeps both" in fact.text and fact.text in comp.recommendation


def test_l2_wins_clearly_on_a_dense_truth():
    rng = np.random.default_rng(0)
    n, p = 150, 60
    X = 0.6 * rng.standard_normal((n, 1)) + 0.8 * rng.standard_normal((n, p))
    y = X @ rng.normal(0.3, 0.1, p) + 2 * rng.standard_normal(n)
    comp = quiet_compare(X, y, random_state=0, cv=5, n_repeats=1, n_bootstrap=5)
    assert comp.recommended == "l2" and comp.evidence[0].values["reason"] == "clear"
    assert comp.recommendation.startswith("L2 (ridge) predicts clearly best")
    l2 = comp["l2"]
    for name in ("l1", "elasticnet"):
        assert comp[name].cv_error > l2.cv_error + l2.cv_error_se


def test_decision_rules_on_constructed_results():
    """Rule 3: L1 sparsest but alternating inside a group, EN within one SE -> Elastic Net."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 4))
    X[:, 1] = X[:, 0] + 0.01 * rng.standard_normal(50)
    diag = collinearity(X)
    names = diag.feature_names
    alternating = np.zeros((10, 4))
    alternating[:5, 0] = alternating[5:, 1] = 1.0  # each member in half of the refits
    alternating[:, 2] = 1.0
    both = np.ones((10, 4))
    both[:, 3] = 0.0

    def result(name, error, se, coef, boot):
        return ModelResult(
            name,
            LABELS[name],
            1.0,
            0.1,
            0.1,
            0.2,
            np.array([1.0, 0.1]),
            np.array([2.0, error]),
            np.array([0.1, se]),
            error,
            se,
            np.array([error]),
            np.asarray(coef, float),
            0.0,
            names,
            boot,
        )

    def decide(en_error):
        results = {
            "l1": result("l1", 1.0, 0.1, [1, 0, 1, 0], alternating),
            "l2": result("l2", 1.3, 0.1, [1, 1, 1, 1], np.ones((10, 4))),
            "elasticnet": result("elasticnet", en_error, 0.1, [1, 1, 1, 0], both),
        }
        groups = [treat_group(g, results, diag.scale) for g in diag.groups]
        return rec.recommend(results, None, ("undefined", {}), diag, groups, "min", "mse")

    assert decide(1.05)[0] == "elasticnet"  # within one SE of L1: keeps the pair together
    chosen, text, evidence = decide(1.2)  # beyond one SE: L1 stays, the alternation is told
    assert chosen == "l1" and "L1 alternates between them" in text
    assert evidence[0].values["within_one_se"] == ["l1"]


# --- the numbers -------------------------------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?%?")


def formatted(values) -> set[str]:
    """Every way the recommendation module formats the numbers in ``values``."""
    out = set()
    if isinstance(values, dict):
        for x in values.values():
            out |= formatted(x)
    elif isinstance(values, list | tuple):
        for x in values:
            out |= formatted(x)
    elif isinstance(values, int | float) and not isinstance(values, bool):
        x = float(values)
        if np.isfinite(x):
            out |= {rec.num(x), rec.pct(x), rec.freq(x), rec.corr(x)}
            out |= {f"{x:.{d}g}" for d in range(4, 8)}
            if x == int(x):
                out.add(str(int(x)))
    return out


@pytest.mark.parametrize("design", ["sparse_truth", "pair"])
def test_numbers_in_the_recommendation_come_from_the_result(design, request):
    comp = request.getfixturevalue(design)[-1]
    used = [e for e in comp.evidence if e.text in comp.recommendation]
    assert comp.recommendation.startswith(comp.evidence[0].text)
    allowed = set().union(*(formatted(e.values) for e in used))
    tokens = NUMBER.findall(comp.recommendation)
    assert tokens and set(tokens) <= allowed, set(tokens) - allowed
    # ... and the values behind them are the result's fields
    p = comp.n_features
    for e in comp.evidence:
        val = e.values
        if e.kind == "decision":
            m, best = comp[val["recommended"]], comp[val["best"]]
            assert (val["cv_error"], val["nnz"], val["best_cv_error"], val["best_cv_error_se"]) == (
                m.cv_error,
                m.nnz,
                best.cv_error,
                best.cv_error_se,
            )
            assert val["best"] == comp.best and val["recommended"] == comp.recommended
        elif e.kind == "error_vs_sparsity":
            a, b = comp[val["model"]], comp[val["versus"]]
            assert (val["nnz"], val["n_features"], val["cv_error"]) == (a.nnz, p, a.cv_error)
            assert val["difference"] == pytest.approx((a.cv_error - b.cv_error) / b.cv_error)
            assert f"keeps {a.nnz} of {p} features at a {rec.pct(val['difference'])}" in e.text
        elif e.kind == "cv_error":
            m = comp[val["model"]]
            assert (val["cv_error"], val["cv_error_se"], val["repeat_sd"]) == (
                m.cv_error,
                m.cv_error_se,
                m.repeat_sd,
            )
            assert rec.num(m.cv_error) in e.text and rec.num(m.repeat_sd) in e.text
        elif e.kind == "baseline":
            assert val["cv_error"] == comp.baseline.cv_error
        elif e.kind == "collinearity":
            assert val["condition_number"] == comp.collinearity.condition_number
        elif e.kind == "stability":
            m = comp[val["model"]]
            f = m.selection_frequency[m.selected]
            assert val["n_stable"] == np.sum(f >= rec.STABLE) and val["nnz"] == m.nnz
        elif e.kind == "group":
            g = next(t for t in comp.groups if list(t.group.names) == val["members"])
            for name, t in g.penalties.items():
                assert list(val[name]["member_frequency"].values()) == list(t.member_frequency)


def test_cv_curves_repeats_and_folds_are_consistent(sparse_truth):
    _, comp = sparse_truth
    splits = comp.splits
    assert comp.n_folds == 4 and comp.n_repeats == 2 and len(splits) == 8
    for m in comp.results.values():
        res = m.cv_result
        assert [t.tolist() for _, t in res.splits] == [t.tolist() for _, t in splits]
        i = int(np.flatnonzero(res.alphas == m.alpha)[0])
        assert m.cv_error == res.cv_mean[i] and m.cv_error_se == res.cv_se[i]
        # each repeat's K-fold error; equal-size repeats average to the overall CV error
        per = [
            np.average(
                res.fold_errors[r * 4 : (r + 1) * 4, i],
                weights=res.fold_weights[r * 4 : (r + 1) * 4],
            )
            for r in range(2)
        ]
        np.testing.assert_allclose(m.repeat_errors, per)
        assert m.repeat_mean == pytest.approx(m.cv_error)
        assert m.repeat_sd == pytest.approx(np.std(per, ddof=1))
        np.testing.assert_array_equal(m.coef, res.path.coefs[i])
        assert m.path is res.path and len(m.path) == 25
        assert m.bootstrap_coefs.shape == (20, 30)
        np.testing.assert_allclose(m.coef_sd, m.bootstrap_coefs.std(axis=0, ddof=1))


def test_ols_baseline_matches_least_squares(sparse_truth):
    data, comp = sparse_truth
    ols = comp.baseline
    ref = LinearRegression().fit(data.X, data.y)
    np.testing.assert_allclose(ols.coef, ref.coef_, rtol=1e-8)
    assert ols.intercept == pytest.approx(ref.intercept_)
    errors, weights = [], []
    for train, test in comp.splits:
        fit = LinearRegression().fit(data.X[train], data.y[train])
        errors.append(np.mean((data.y[test] - fit.predict(data.X[test])) ** 2))
        weights.append(test.size)
    mean, se = fold_summary(np.array(errors)[:, None], np.array(weights, float), 4)
    assert ols.cv_error == pytest.approx(mean[0]) and ols.cv_error_se == pytest.approx(se[0])
    assert ols.nnz == 30 and comp.baseline_note is None


def test_more_features_than_samples_has_no_baseline():
    data = make_correlated_regression(40, 60, rho=0.3, n_informative=3, random_state=1)
    comp = quiet_compare(
        data.X, data.y, random_state=0, penalties=("l1", "l2"), n_repeats=1, n_bootstrap=5
    )
    assert comp.baseline is None and "ols" not in comp.models
    assert "60 non-constant features for 40 samples" in comp.baseline_note
    assert "OLS (no penalty) is undefined: 60 non-constant features" in comp.recommendation
    assert list(comp.results) == ["l1", "l2"]


def test_ridge_grid_does_not_depend_on_the_scale_of_y(sparse_truth):
    data, comp = sparse_truth
    scaled = quiet_compare(data.X, 1000.0 * data.y, random_state=0, n_bootstrap=5)
    np.testing.assert_allclose(scaled["l2"].alphas, comp["l2"].alphas)
    assert scaled["l2"].alpha == comp["l2"].alpha
    np.testing.assert_allclose(scaled["l1"].alphas, 1000.0 * comp["l1"].alphas)
    np.testing.assert_allclose(scaled["l2"].coef, 1000.0 * comp["l2"].coef, rtol=1e-6)
    grid = ridge_grid(data.X, True, 25, np.array([], int))
    assert grid[0] == pytest.approx(100 * 30) and grid[-1] == pytest.approx(1e-4)


def test_deterministic_with_random_state_and_independent_of_n_jobs():
    X, y = pair_design(seed=3, n=60)
    kw = {"random_state": 7, "n_bootstrap": 8, "n_repeats": 1, "penalties": ("l1", "l2")}
    a = quiet_compare(X, y, **kw)
    with parallel_config(backend="threading"):  # workers without a process start-up per test
        b = quiet_compare(X, y, n_jobs=2, **kw)
    for name in ("l1", "l2", "ols"):
        np.testing.assert_allclose(
            a[name].bootstrap_coefs, b[name].bootstrap_coefs, rtol=1e-10, atol=1e-12
        )
        assert a[name].cv_error == pytest.approx(b[name].cv_error, rel=1e-12)
    assert a.recommendation == b.recommendation


def test_elastic_net_grid_of_l1_ratios():
    X, y = pair_design(seed=4, n=80)
    comp = quiet_compare(
        X,
        y,
        random_state=0,
        penalties=("elasticnet",),
        l1_ratio=[0.2, 0.8],
        n_repeats=1,
        n_bootstrap=4,
    )
    en = comp["elasticnet"]
    assert set(en.l1_ratio_errors) == {0.2, 0.8}
    assert en.l1_ratio == min(en.l1_ratio_errors, key=en.l1_ratio_errors.get)
    assert en.cv_error == en.l1_ratio_errors[en.l1_ratio]
    assert comp.recommendation.startswith("Elastic Net is the only penalty compared")


# --- inputs and outputs ------------------------------------------------------------------------


def test_dataframes_and_sparse_input():
    data = make_correlated_regression(90, 8, rho=0.3, n_informative=3, random_state=2)
    cols = [f"gene_{c}" for c in "abcdefgh"]
    frame = pd.DataFrame(data.X, columns=cols)
    kw = {"random_state": 0, "n_repeats": 1, "n_bootstrap": 4, "penalties": ("l1",)}
    ref = quiet_compare(data.X, data.y, **kw)
    for X, y in ((frame, pd.Series(data.y)), (pl.from_pandas(frame), pl.Series(data.y))):
        comp = quiet_compare(X, y, **kw)
        assert list(comp.feature_names) == cols
        assert comp["l1"].selected_names == [cols[j] for j in ref["l1"].selected]
        assert list(comp["l1"].path.feature_names) == cols
    Xs = data.X.copy()
    Xs[np.abs(Xs) < 0.7] = 0.0
    dense = quiet_compare(Xs, data.y, **kw)
    sparse = quiet_compare(sp.csr_matrix(Xs), data.y, **kw)
    np.testing.assert_allclose(sparse["l1"].coef, dense["l1"].coef, atol=1e-10)
    np.testing.assert_allclose(sparse.baseline.coef, dense.baseline.coef, rtol=1e-8)
    assert sparse.baseline.cv_error == pytest.approx(dense.baseline.cv_error)


def test_to_dict_summary_table_and_repr(pair):
    _, _, comp = pair
    d = comp.to_dict(include_paths=True)
    assert json.loads(json.dumps(d, allow_nan=False)) == d
    assert d["recommended"] == comp.recommended and d["results"]["l1"]["nnz"] == comp["l1"].nnz
    assert d["results"]["l1"]["coef"]["x0"] == comp["l1"].coef[0]
    assert len(d["results"]["l2"]["path"]["coefs"]) == 25
    assert d["groups"][0]["names"] == ["x0", "x1"]
    table = comp.summary_table()
    assert list(table["penalty"]) == ["l1", "l2", "elasticnet", "ols"]
    assert {"alpha_min", "alpha_1se", "cv_error", "cv_se", "nnz"} <= set(table.columns)
    assert table.loc[0, "cv_error"] == comp["l1"].cv_error
    text = repr(comp)
    assert "120 samples x 10 features" in text and comp.recommendation in text


def test_task_auto_reads_class_labels_and_regression_takes_a_count():
    from shrinkage.comparison.settings import resolve_task

    for y in (
        np.arange(60) % 3,
        np.array(["yes", "no"] * 30),
        pd.Series([True, False] * 30),
        pd.Series(pd.Categorical(["a", "b", "c"] * 20)),
    ):
        assert resolve_task(y, "auto") == "classification"
    assert resolve_task(np.linspace(0, 1, 60), "auto") == "regression"
    X = np.random.default_rng(0).standard_normal((60, 3))
    comp = quiet_compare(
        X, np.arange(60) % 3, task="regression", penalties=("l2",), n_bootstrap=3
    )  # a numeric count, as asked
    assert comp.task == "regression" and comp.classes is None and comp.scoring == "mse"


# --- classification ------------------------------------------------------------------------


def logistic_data(n, p, W, seed, labels):
    """X standard normal, y drawn from the softmax (or logistic) model with coefficients W."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    E = X @ W
    P = np.exp(E - E.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    codes = (rng.random(n)[:, None] > np.cumsum(P, axis=1)).sum(axis=1)
    return X, np.asarray(labels)[codes]


@pytest.fixture(scope="module")
def binary():
    W = np.zeros((8, 2))
    W[:3, 1] = [3.0, -2.5, 2.0]
    X, y = logistic_data(160, 8, W, 0, ["no", "yes"])
    return X, y, quiet_compare(X, y, random_state=0, alpha_rule="1se")


@pytest.fixture(scope="module")
def three_classes():
    W = np.zeros((8, 3))
    W[0], W[1], W[2] = [3.0, -1.5, -1.5], [-1.5, 3.0, -1.5], [0.0, -2.5, 2.5]
    X, y = logistic_data(180, 8, W, 1, ["ant", "bee", "cat"])
    return X, y, quiet_compare(X, y, random_state=0, alpha_rule="1se", n_repeats=1)


def test_binary_classification_finds_the_sparse_model(binary):
    _, y, comp = binary
    assert comp.task == "classification" and comp.scoring == "deviance"
    assert list(comp.classes) == ["no", "yes"] and comp.coef_kind == "log_odds"
    assert comp.class_counts.tolist() == [np.sum(y == "no"), np.sum(y == "yes")]
    l1 = comp["l1"]
    assert {0, 1, 2} <= set(l1.selected) and l1.nnz <= 5  # the truth and a few small extras
    assert sorted(np.argsort(-np.abs(l1.coef))[:3]) == [0, 1, 2]
    assert np.sign(l1.coef[:3]).tolist() == [1, -1, 1]  # log-odds of "yes"
    assert np.all(l1.selection_frequency[:3] == 1.0)
    assert comp["l2"].nnz == 8 and comp["elasticnet"].nnz >= 3
    assert comp.recommended in ("l1", "elasticnet")
    # the baselines: unpenalized logistic exists here, the class priors always
    assert comp.baseline is not None and comp.baseline.label == "Logistic (no penalty)"
    assert comp.null.nnz == 0 and comp.null.cv_error > comp["l1"].cv_error
    assert "intercept-only model (class priors)" in comp.recommendation


def test_classification_cv_curve_is_the_glm_engines_on_the_same_folds(binary):
    from shrinkage import LogisticRegressionCV
    from shrinkage.selection.glm_cv import cross_validate_glm_path

    X, y, comp = binary
    splits = [(tr, te) for tr, te in comp.splits]
    for name, ratio in (("l1", 1.0), ("elasticnet", 0.5)):
        m = comp[name]
        ref = cross_validate_glm_path(
            X, y, datafit="logistic", l1_ratio=ratio, cv=splits, n_alphas=25, standardize=True
        )
        np.testing.assert_allclose(m.alphas, ref.alphas, rtol=1e-12)
        np.testing.assert_allclose(m.cv_mean, ref.cv_mean, rtol=1e-9)
        assert m.alpha_min == ref.alpha_min
        # glmnet's SE counts the folds of one repeat (4 here), not the 8 splits
        _, se = fold_summary(ref.fold_errors, ref.fold_weights, comp.n_folds)
        np.testing.assert_allclose(m.cv_se, se, rtol=1e-9)
    est = LogisticRegressionCV(cv=splits, n_alphas=25, standardize=True).fit(X, y)
    np.testing.assert_allclose(est.cv_mean_, comp["l1"].cv_mean, rtol=1e-9)
    np.testing.assert_allclose(est.coef_[0], comp["l1"].cv_result.coefs_at("min")[0], atol=1e-10)
    # the held-out deviance of the class priors, in plain numpy
    codes = (y == "yes").astype(float)
    errs = []
    for tr, te in splits:
        p1 = codes[tr].mean()
        errs.append(-2 * np.mean(np.log(np.where(codes[te] == 1, p1, 1 - p1))))
    sizes = np.array([te.size for _, te in splits])
    assert comp.null.cv_error == pytest.approx(np.average(errs, weights=sizes), rel=1e-12)


def test_unpenalized_logistic_agrees_with_scikit_learn(binary):
    from sklearn.linear_model import LogisticRegression

    X, y, comp = binary
    sk = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(comp.baseline.coef, sk.coef_[0], rtol=2e-3, atol=2e-3)
    assert comp.baseline.intercept == pytest.approx(sk.intercept_[0], abs=2e-3)


def test_three_classes_multinomial(three_classes):
    _, _, comp = three_classes
    assert list(comp.classes) == ["ant", "bee", "cat"] and comp.coef_kind == "row_norm"
    l1 = comp["l1"]
    assert l1.class_coefs.shape == (8, 3) and l1.intercept.shape == (3,)
    np.testing.assert_allclose(l1.coef, np.linalg.norm(l1.class_coefs, axis=1))
    # the L1 penalty acts on each class coefficient (ungrouped, as glmnet's default): noise
    # features may keep a small entry, far below the true ones
    assert sorted(np.argsort(-l1.coef)[:3]) == [0, 1, 2]
    assert l1.coef[3:].max() < 0.25 * l1.coef[:3].min()
    assert np.argmax(l1.class_coefs[0]) == 0 and np.argmax(l1.class_coefs[1]) == 1
    assert comp["l2"].nnz == 8 and comp.null.cv_error > l1.cv_error
    d = comp.to_dict(include_paths=True)
    assert json.loads(json.dumps(d, allow_nan=False)) == d
    assert d["classes"] == ["ant", "bee", "cat"] and d["task"] == "classification"
    assert d["class_counts"] == {
        k: int(c) for k, c in zip(comp.classes, comp.class_counts, strict=True)
    }
    assert d["results"]["l1"]["class_coef"]["bee"]["x1"] == l1.class_coefs[1, 1]
    assert "row norms" in d["coefficients"] and d["null_model"]["name"] == "null"
    assert list(comp.summary_table()["penalty"]) == ["l1", "l2", "elasticnet", "ols", "null"]


def test_classification_baselines_when_unpenalized_logistic_does_not_exist():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((40, 3))
    y = np.where(X[:, 0] > 0, "pos", "neg")  # separable
    comp = quiet_compare(X, y, penalties=("l1",), n_bootstrap=3, scoring="accuracy", random_state=0)
    assert comp.baseline is None and "separable" in comp.baseline_note
    assert "Unpenalized logistic regression is undefined" in comp.recommendation
    assert comp.null.cv_error == pytest.approx(
        min(np.mean(y == "pos"), np.mean(y == "neg")), abs=0.05
    )  # the majority class's error rate
    wide = rng.standard_normal((20, 30))
    comp = quiet_compare(wide, np.array(["a", "b"] * 10), penalties=("l2",), n_bootstrap=3)
    assert comp.baseline is None and "30 non-constant features for 20 samples" in comp.baseline_note


def test_refits_that_do_not_exist_are_left_out_of_the_stability_numbers():
    """An unpenalized logistic refit of a separable bootstrap draw is a row of NaN."""
    boot = np.array([[1.0, 0.0], [np.nan, np.nan], [3.0, 2.0]])
    m = ModelResult(
        "ols",
        "Logistic (no penalty)",
        None,
        0.0,
        0.0,
        0.0,
        np.zeros(0),
        np.zeros(0),
        np.zeros(0),
        1.0,
        0.1,
        np.ones(1),
        np.array([2.0, 1.0]),
        0.0,
        np.array(["a", "b"]),
        boot,
    )
    assert m.selection_frequency.tolist() == [1.0, 0.5]
    np.testing.assert_allclose(m.coef_sd, np.std([[1.0, 0.0], [3.0, 2.0]], axis=0, ddof=1))
    assert m.coef_mean.tolist() == [2.0, 1.0]


def test_classification_bad_input():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((30, 3))
    cases = [
        (np.array(["a"] * 30), {"task": "classification"}, "y has a single class ('a')"),
        (np.array(["a", "b"] * 14 + ["a", "c"]), {}, "class 'c' has a single sample"),
        (pd.Series(["a", "b", None] * 10), {}, "y has 10 missing class labels (rows 2, 5"),
        (np.array([0.0, 1.0, np.nan] * 10), {"task": "classification"}, "10 missing class labels"),
        (np.array(["a", "b"] * 15), {"scoring": "mse"}, "scoring must be one of"),
        (rng.standard_normal(30), {"scoring": "deviance"}, "scoring must be one of"),
    ]
    for y, kwargs, message in cases:
        with pytest.raises(ValueError, match=re.escape(message)):
            compare(X, y, **{**FAST, **kwargs})
    y = np.array(["a"] * 27 + ["b"] * 3)
    with pytest.warns(UserWarning, match="class 'b' has 3 samples, fewer than cv=4 folds"):
        comp = quiet_compare(X, y, penalties=("l2",), n_bootstrap=3, scoring="roc_auc", n_repeats=1)
    assert comp.n_folds == 3 and all(np.unique(y[te]).size == 2 for _, te in comp.splits)


def test_bad_input_gives_clear_errors():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((40, 3)), rng.standard_normal(40)
    Xn = X.copy()
    Xn[2, 1] = np.nan
    cases = [
        ((Xn, y), {}, "NaN"),
        ((pd.DataFrame({"a": X[:, 0], "city": ["x"] * 40}), y), {}, "non-numeric columns: 'city'"),
        ((X, np.where(np.arange(40) == 5, np.nan, y)), {}, "NaN"),
        ((X, np.full(40, 3.0)), {}, "y is constant"),
        ((X[:1], y[:1]), {}, "cv=4 folds is larger than the number of samples"),
        ((X, y), {"penalties": ("l1", "lasso")}, "penalties must be one of"),
        ((X, y), {"penalties": ()}, "penalties is empty"),
        ((X, y), {"l1_ratio": 1.0}, "strictly between 0 and 1"),
        ((X, y), {"alpha_rule": "best"}, "alpha_rule"),
        ((X, y), {"n_bootstrap": 1}, "n_bootstrap"),
        ((X, y[:30]), {}, "40 rows but y has 30"),
        ((X, y), {"task": "ranking"}, "task must be one of"),
    ]
    for args, kwargs, message in cases:
        with pytest.raises(ValueError, match=re.escape(message)):
            compare(*args, **{**FAST, **kwargs})


def test_a_splitter_is_drawn_once_for_every_penalty():
    from sklearn.model_selection import KFold

    X, y = pair_design(seed=5, n=60)
    comp = quiet_compare(X, y, cv=KFold(3, shuffle=True), n_repeats=None, n_bootstrap=3)
    assert comp.n_folds == 3 and comp.n_repeats == 1 and np.isnan(comp["l1"].repeat_sd)
    for m in comp.results.values():
        assert [t.tolist() for _, t in m.cv_result.splits] == [t.tolist() for _, t in comp.splits]
    assert comp.to_dict()["results"]["l1"]["repeat_sd"] is None
    with pytest.raises(ValueError, match="n_repeats=2 applies to an integer cv only"):
        compare(X, y, **{**FAST, "cv": KFold(3)})


# --- one-hot encoded categoricals --------------------------------------------------------------


def carseats_like(n=240, seed=0):
    """Numeric columns on their own scales and three text columns one-hot encoded with every
    level (ShelveLoc: 3 levels, Urban and US: 2), as ``shrinkage compare`` encodes a CSV."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "Price": rng.normal(115, 24, n),
            "Income": rng.normal(68, 28, n),
            "Advertising": rng.poisson(6, n).astype(float),
        }
    )
    shelve = rng.choice(["Bad", "Good", "Medium"], n, p=[0.25, 0.2, 0.55])
    for column, values in [
        ("ShelveLoc", shelve),
        ("Urban", rng.choice(["No", "Yes"], n)),
        ("US", rng.choice(["No", "Yes"], n, p=[0.35, 0.65])),
    ]:
        for level in sorted(set(values)):
            X[f"{column}={level}"] = (values == level).astype(float)
    y = (
        13
        - 0.06 * X["Price"]
        + 0.1 * X["Advertising"]
        + 4.8 * X["ShelveLoc=Good"]
        - 1.8 * X["ShelveLoc=Bad"]
        + rng.normal(0, 1, n)
    )
    return X, y.to_numpy()


def test_the_one_hot_encoding_is_not_reported_as_the_user_s_collinearity():
    X, y = carseats_like()
    comp = quiet_compare(X, y, n_repeats=1, n_bootstrap=5, n_alphas=15, random_state=0)
    everything = comp.recommendation + " ".join(e.text for e in comp.evidence)
    for artefact in (
        "exactly collinear",
        "not unique",
        "exact linear combinations",
        "correlated pair",
        "infinite",
    ):
        assert artefact not in everything and artefact not in (comp.baseline_note or "")
    references = ["ShelveLoc=Medium", "Urban=Yes", "US=Yes"]
    assert [str(comp.feature_names[j]) for j in comp.collinearity.references] == references
    assert "reference (ShelveLoc=Medium, Urban=Yes, US=Yes)" in comp.baseline_note
    # OLS is least squares without the reference levels, on the same folds
    reduced = X.drop(columns=references)
    ols = comp.baseline
    full = LinearRegression().fit(reduced, y)
    np.testing.assert_allclose(
        ols.coef[[X.columns.get_loc(c) for c in reduced]], full.coef_, rtol=1e-8
    )
    assert np.all(ols.coef[comp.collinearity.references] == 0)
    assert ols.intercept == pytest.approx(full.intercept_)
    errors = [
        np.mean(
            (y[te] - LinearRegression().fit(reduced.iloc[tr], y[tr]).predict(reduced.iloc[te])) ** 2
        )
        for tr, te in comp.splits
    ]
    weights = [te.size for _, te in comp.splits]
    assert ols.cv_error == pytest.approx(
        fold_summary(np.array(errors)[:, None], np.array(weights), comp.n_folds)[0][0]
    )
    # the penalties still see every level
    assert comp.n_features == X.shape[1] and comp["l2"].nnz == X.shape[1]


def test_the_user_s_own_collinearity_stays_visible_next_to_an_encoding():
    X, y = carseats_like(seed=1)
    X = X.assign(Price_again=X["Price"], Total=X["Income"] + X["Advertising"])
    comp = quiet_compare(
        X, y, penalties=("l1",), n_repeats=1, n_bootstrap=3, n_alphas=10, random_state=0
    )
    assert "X is exactly collinear: the OLS coefficients are not unique" in comp.baseline_note
    collinear = next(e for e in comp.evidence if e.kind == "collinearity")
    assert set(collinear.values["exact"]) == {
        "Price",
        "Price_again",
        "Income",
        "Advertising",
        "Total",
    }
    assert "exact linear combinations of others" in collinear.text
    assert any(
        e.text.startswith("Features Price and Price_again are a correlated pair")
        for e in comp.evidence
        if e.kind == "group"
    )


def test_a_whole_categorical_is_named_by_its_column():
    """A categorical linked to a numeric column reads 'student (both levels)'."""
    rng = np.random.default_rng(2)
    n = 200
    student = rng.random(n) < 0.4
    X = pd.DataFrame(
        {
            "student=No": (~student).astype(float),
            "student=Yes": student.astype(float),
            "credit": student + 0.1 * rng.standard_normal(n),
            "balance": rng.normal(800, 400, n),
        }
    )
    y = 2.0 * student + 0.004 * X["balance"].to_numpy() + rng.standard_normal(n)
    comp = quiet_compare(
        X,
        y,
        penalties=("l1", "elasticnet"),
        n_repeats=1,
        n_bootstrap=5,
        n_alphas=15,
        random_state=0,
    )
    group = next(e for e in comp.evidence if e.kind == "group")
    assert group.text.startswith(
        "Features student (both levels) and credit form a correlated group of 3"
    )


def test_stability_counts_a_categorical_once():
    """L1 picks student=No in some refits and student=Yes in the others (the same model): the
    categorical is selected in every refit, and the sentence says so."""
    rng = np.random.default_rng(0)
    student = rng.random(40) < 0.5
    X = np.column_stack([~student, student, rng.standard_normal((40, 2))]).astype(float)
    diag = collinearity(X, ["student=No", "student=Yes", "x", "z"])
    boot = np.array([[1.0, 0, 2, 0], [0, -1.0, 2, 0], [1.0, 0, 2, 0], [0, -1.0, 2, 1]])
    m = ModelResult(
        "l1",
        LABELS["l1"],
        1.0,
        0.1,
        0.1,
        0.1,
        np.ones(1),
        np.ones(1),
        np.ones(1),
        1.0,
        0.1,
        np.ones(1),
        np.array([1.0, 0.0, 2.0, 0.0]),
        0.0,
        diag.feature_names,
        boot,
    )
    e = rec._stability(m, diag)
    assert e.values["n_selected"] == 2 and e.values["n_stable"] == 2
    assert e.text == (
        "Over 4 bootstrap refits, 2 of the 2 input columns (a categorical counts "
        "once, selected when any of its levels is) L1 selects are selected in at "
        "least 80% of them."
    )
    assert m.selection_frequency[:2].tolist() == [0.5, 0.5]  # each level alone looks unstable


def test_classification_baseline_leaves_out_the_reference_level():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(3)
    n = 300
    student = rng.random(n) < 0.3
    X = pd.DataFrame(
        {
            "student=No": (~student).astype(float),
            "student=Yes": student.astype(float),
            "x": rng.standard_normal(n),
        }
    )
    y = np.where(rng.random(n) < 1 / (1 + np.exp(-(X["x"] - 0.8 * student))), "Yes", "No")
    comp = quiet_compare(
        X, y, penalties=("l2",), n_repeats=1, n_bootstrap=3, n_alphas=10, random_state=0
    )
    assert "not unique" not in (comp.baseline_note or "")
    assert "reference (student=No)" in comp.baseline_note
    ref = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(X[["student=Yes", "x"]], y)
    np.testing.assert_allclose(comp.baseline.coef, [0.0, *ref.coef_[0]], rtol=1e-4, atol=1e-6)
    assert comp.baseline.bootstrap_coefs[:, 0].tolist() == [0.0] * 3


# --- when the errors do not decide -------------------------------------------------------------


def constructed(errors, ses, coefs, boots, names=("a", "b", "c")):
    results = {}
    for name, error, se, coef, boot in zip(
        ("l1", "l2", "elasticnet"), errors, ses, coefs, boots, strict=True
    ):
        results[name] = ModelResult(
            name,
            LABELS[name],
            1.0,
            0.1,
            0.1,
            0.2,
            np.array([1.0, 0.1]),
            np.array([2.0, error]),
            np.array([0.1, se]),
            error,
            se,
            np.array([error]),
            np.asarray(coef, float),
            0.0,
            np.array(names),
            np.asarray(boot, float),
        )
    return results


def test_indistinguishable_errors_are_said_and_sparsity_decides():
    X = np.random.default_rng(0).standard_normal((30, 3))
    diag = collinearity(X, ["a", "b", "c"])
    steady = np.tile([1.0, 1.0, 1.0], (4, 1))
    results = constructed(
        [1.0, 1.0004, 1.0002], [0.05] * 3, [[1, 0, 1], [1, 1, 1], [1, 1, 1]], [steady] * 3
    )
    chosen, text, evidence = rec.recommend(results, None, ("undefined", {}), diag, [], "min", "mse")
    assert chosen == "l1" and evidence[0].values["reason"] == "sparsest"
    assert text.startswith(
        "The CV mean squared errors of L1, L2 and Elastic Net are "
        "indistinguishable: all are within one standard error of the lowest "
        "(L1's 1 ± 0.05) and at most 0.04% apart, so the error does not "
        "decide. Sparsity decides: L1 (lasso) is recommended, with the "
        "fewest features (2 of 3; L2 keeps 3; Elastic Net keeps 3)"
    )
    assert evidence[0].values["spread"] == pytest.approx(0.0004)


def test_indistinguishable_errors_and_as_many_features_then_stability_decides():
    X = np.random.default_rng(0).standard_normal((30, 3))
    diag = collinearity(X, ["a", "b", "c"])
    steady = np.array([[1.0, 2.0, 3.0], [1.1, 2.1, 3.1], [0.9, 1.9, 2.9]])
    shaky = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 0.5], [0.1, 0.5, 5.0]])
    results = constructed([1.0, 1.01, 1.02], [0.05] * 3, [[1, 2, 3]] * 3, [shaky, steady, shaky])
    chosen, text, evidence = rec.recommend(results, None, ("undefined", {}), diag, [], "min", "mse")
    assert chosen == "l2" and evidence[0].values["reason"] == "stable"
    spreads = evidence[0].values["relative_spread"]
    assert spreads["l2"] == pytest.approx(np.median(steady.std(axis=0, ddof=1) / [1, 2, 3]))
    assert spreads["l2"] < spreads["l1"] == spreads["elasticnet"]
    assert (
        "Nor does sparsity: L2, L1 and Elastic Net all keep 3 of 3 features. Stability "
        "decides: L2 (ridge) is recommended because its coefficients vary least" in text
    )
    # a clear winner is not called indistinguishable
    results = constructed([1.0, 1.5, 1.6], [0.05] * 3, [[1, 2, 3]] * 3, [shaky, steady, shaky])
    chosen, text, _ = rec.recommend(results, None, ("undefined", {}), diag, [], "min", "mse")
    assert chosen == "l1" and "indistinguishable" not in text and "clearly best" in text


# --- bad input from real tables ----------------------------------------------------------------


def test_a_training_fold_without_a_class_is_refused():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 3))
    y = np.repeat(["No", "Yes"], 30)  # unshuffled folds: a training fold holds one class
    halves = [(np.arange(30, 60), np.arange(30)), (np.arange(30), np.arange(30, 60))]
    with pytest.raises(
        ValueError,
        match=re.escape("cv split 0's training rows hold 1 of the 2 classes (none of 'No')"),
    ):
        compare(X, y, **{**FAST, "cv": halves, "n_repeats": 1})


@pytest.mark.slow
def test_a_categorical_with_a_thousand_levels_gets_a_note():
    rng = np.random.default_rng(6)
    n, k = 1500, 1000
    codes = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])  # every level present
    rng.shuffle(codes)
    rows = np.arange(n)
    zip_code = sp.csr_matrix((np.ones(n), (rows, codes)), shape=(n, k)).toarray()
    x = rng.standard_normal((n, 2))
    X = pd.DataFrame(
        np.column_stack([x, zip_code]), columns=["x0", "x1", *[f"zip={c:04d}" for c in range(k)]]
    )
    y = x[:, 0] + 0.1 * rng.standard_normal(k)[codes] + rng.standard_normal(n)
    comp = quiet_compare(
        X, y, penalties=("l1",), cv=3, n_repeats=1, n_bootstrap=2, n_alphas=5, random_state=0
    )
    note = next(e for e in comp.evidence if e.kind == "categorical")
    counts = np.bincount(codes, minlength=k)
    assert note.values["n_levels"] == k and note.values["n_single"] == np.sum(counts == 1)
    assert note.text in comp.recommendation and "zip is a categorical with 1000 levels" in note.text
    assert (
        comp.baseline is None
        and "the smallest training fold has 1000 samples for 1001 non-constant features"
        in comp.baseline_note
    )


def test_a_level_absent_from_a_training_fold_is_stated():
    X, y = carseats_like(n=120, seed=4)
    X["ShelveLoc=Rare"] = 0.0
    X.loc[7, ["ShelveLoc=Bad", "ShelveLoc=Good", "ShelveLoc=Medium", "ShelveLoc=Rare"]] = [
        0,
        0,
        0,
        1,
    ]
    comp = quiet_compare(
        X, y, penalties=("l2",), n_repeats=1, n_bootstrap=2, n_alphas=5, random_state=0
    )
    assert comp.collinearity.one_hot[0].levels == ("Bad", "Good", "Medium", "Rare")
    assert comp.baseline_note.startswith("in 1 of the 4 training folds 1 column is constant")
