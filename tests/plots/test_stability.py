"""Selection-stability figure."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import shrinkage
from shrinkage.plots import plot_stability


@pytest.fixture(scope="module")
def result(small_data):
    _, df, y, _ = small_data
    return shrinkage.stability_selection(
        df, y, n_subsamples=5, n_alphas=5, random_state=0, progress=False
    )


def test_bars_from_a_result(result):
    fig = plot_stability(result)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    shown = [t.get_text() for t in ax.get_yticklabels()]
    top = result.max_frequency
    expected = [result.feature_names[j] for j in np.argsort(-top, kind="stable") if top[j] > 0]
    assert shown == expected
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths, np.sort(top[top > 0])[::-1])
    assert any(line.get_xdata()[0] == result.threshold for line in ax.lines)
    assert f"{len(result.stable_set)} of 6 features stable" in ax.get_title()


def test_path_into_ax(result):
    fig, ax = plt.subplots()
    assert plot_stability(result, kind="path", ax=ax) is fig
    assert len(ax.lines) == 6 + 1  # one per feature and the threshold
    named = {t.get_text() for t in ax.texts}
    assert named == set(result.stable_names)


def test_plain_arrays_and_mappings():
    freq = np.array([0.1, 0.9, 0.0, 0.5])
    fig = plot_stability(freq, feature_names=list("abcd"), threshold=0.6, max_features=2)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "d"]
    path = np.array([[0.0, 0.2, 0.0, 0.1], freq])
    assert isinstance(plot_stability(path, alphas=[1.0, 0.1], kind="path"), Figure)
    fig = plot_stability({"L1": freq, "EN": np.array([0.3, 0.8, 0.2, 0.6])}, threshold=0.6)
    ax = fig.axes[0]
    assert len(ax.patches) == 8
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["threshold 0.6", "L1", "EN"]


def test_bad_input():
    with pytest.raises(ValueError, match="kind must be"):
        plot_stability(np.ones(3), kind="pie")
    with pytest.raises(ValueError, match="needs frequencies per alpha"):
        plot_stability(np.ones(3), kind="path")
    with pytest.raises(ValueError, match=r"lie in \[0, 1\]"):
        plot_stability(np.array([0.5, 1.5]))
    with pytest.raises(ValueError, match="one name per feature"):
        plot_stability(np.ones(3), feature_names=["a"])
    with pytest.raises(ValueError, match="different lengths"):
        plot_stability({"a": np.ones(3), "b": np.ones(2)})
