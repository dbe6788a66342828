"""The inference page (``shrinkage infer --report``) and its table: rows sorted by p-value,
adjusted p-values and significance as the result says, escaped names, the forest plot embedded
or its absence stated, and no figure left open."""

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from shrinkage.inference import debiased_lasso, multi_split, selective_inference
from shrinkage.report.inference import build_inference_report, inference_table

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 6))
    y = 1.5 * X[:, 0] - X[:, 3] + rng.standard_normal(80)
    names = ["a", "<b>&", "c", "d", "e", "f"]
    return X, y, names


@pytest.fixture(scope="module")
def debiased(data):
    X, y, names = data
    return debiased_lasso(X, y, alpha=0.05, sigma=1.0, nodewise_alpha=0.05, feature_names=names)


def test_table_rows_follow_the_result(debiased):
    table = inference_table(debiased, alpha=0.05, adjust="bh", chosen_coef=np.arange(6.0))
    order = np.argsort(debiased.p_values)
    assert [r["name"] for r in table["rows"]] == [debiased.feature_names[i] for i in order]
    significant = set(debiased.feature_names[debiased.significant(0.05, "bh")])
    assert {r["name"] for r in table["rows"] if r["significant"]} == significant == {"a", "d"}
    assert table["n_significant"] == 2 and table["adjust"] == "Benjamini-Hochberg"
    assert [r["chosen"] for r in table["rows"]] == [str(i) for i in order]
    assert inference_table(debiased, max_rows=2)["hidden"] == 4


def test_page_is_self_contained_escaped_and_closes_its_figure(debiased):
    plt.close("all")
    html = build_inference_report(debiased, title="t<1>", command="shrinkage infer x.csv")
    assert plt.get_fignums() == []
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert "t&lt;1&gt;" in html and "&lt;b&gt;&amp;" in html and "<b>&" not in html
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', html)
    assert debiased.meaning in html
    for note in debiased.notes:
        assert note in html
    assert html.count('<tr class="chosen">') == 2  # a and d, Holm at 0.05


def test_selective_and_split_pages(data):
    X, y, names = data
    sel = selective_inference(X, y, 0.2, sigma=1.0, feature_names=names)
    html = build_inference_report(sel)
    assert 'data-figure="forest"' in html and "interval" in html
    split = multi_split(X, y, alpha=0.1, n_splits=5, feature_names=names, random_state=0)
    html = build_inference_report(split, adjust="fwer")
    assert 'data-figure-omitted="forest"' in html and "multi-split familywise" in html
    assert "95% interval" not in html  # p-values only: no interval column
