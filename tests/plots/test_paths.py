"""Coefficient-path figure."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import shrinkage
from shrinkage.plots import plot_paths


@pytest.fixture(scope="module")
def paths(small_data):
    _, df, y, _ = small_data
    return {
        name: shrinkage.path(df, y, l1_ratio=r, n_alphas=30)
        for name, r in (("L1", 1.0), ("L2", 0.0), ("EN", 0.5))
    }


def test_three_panels_from_a_dataframe_path(paths):
    fig = plot_paths(paths, marks={"L1": {"chosen": 0.1}})
    assert isinstance(fig, Figure)
    main = [a for a in fig.axes if a.get_title()]
    assert [a.get_title() for a in main] == ["L1", "L2", "EN"]
    ax = main[0]
    assert ax.get_xscale() == "log" and ax.xaxis_inverted()
    texts = {t.get_text() for t in ax.texts}
    assert {"age", "bmi"} <= texts  # the largest curves are named
    assert any(line.get_label() == "chosen = 0.1" for line in ax.lines)
    assert not any(line.get_label().startswith("chosen") for line in main[1].lines)


def test_top_axis_shows_the_number_of_nonzeros(paths):
    p = paths["L1"]
    fig = plot_paths(p)
    top = [c for c in fig.axes[0].child_axes]
    assert len(top) == 1
    ticks = top[0].get_xticks()
    labels = [t.get_text() for t in top[0].get_xticklabels()]
    for a, lab in zip(ticks, labels, strict=True):
        i = int(np.argmin(np.abs(p.alphas - a)))
        assert int(lab) == p.nnz[i]


def test_ndarray_path_and_ax(small_data):
    X, _, y, _ = small_data
    p = shrinkage.path(X, y, n_alphas=20)
    fig, ax = plt.subplots()
    out = plot_paths(p, ax=ax, n_labels=2)
    assert out is fig
    assert len(ax.lines) >= X.shape[1]
    assert {t.get_text() for t in ax.texts} <= {f"x{j}" for j in range(X.shape[1])}
    assert len(ax.texts) == 2


def test_plain_arrays_list_of_paths_and_cv_marks(small_data, paths):
    X, _, y, _ = small_data
    alphas = np.geomspace(1, 0.01, 5)
    coefs = np.outer(1 / alphas, np.ones(3))
    assert isinstance(plot_paths((alphas, coefs)), Figure)
    cv = shrinkage.cross_validate_path(X, y, n_alphas=10, cv=3)
    _, axes = plt.subplots(1, 2)
    plot_paths([paths["L1"], paths["L2"]], axes=axes, marks=cv)
    assert axes[0].get_title() == "L1 (lasso)" and axes[1].get_title() == "L2 (ridge)"
    xs = sorted(
        line.get_xdata()[0] for line in axes[0].lines if line.get_label().startswith("alpha_")
    )
    assert xs == sorted([cv.alpha_min, cv.alpha_1se])


def test_bad_input(paths, small_data):
    X, _, y, _ = small_data
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="axes="):
        plot_paths(paths, ax=ax)
    other = shrinkage.path(X[:, :3], y, n_alphas=5)
    with pytest.raises(ValueError, match="different numbers of features"):
        plot_paths([paths["L1"], other])
    with pytest.raises(TypeError, match=r"shrinkage\.Path"):
        plot_paths({"a": 3})
    with pytest.raises(ValueError, match="marks must be positive"):
        plot_paths(paths["L1"], marks=-1.0)
