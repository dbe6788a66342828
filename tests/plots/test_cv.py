"""Cross-validation figure."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import shrinkage
from shrinkage.plots import plot_cv


@pytest.fixture(scope="module")
def cvs(small_data):
    _, df, y, _ = small_data
    return {
        name: shrinkage.cross_validate_path(df, y, l1_ratio=r, n_alphas=15, cv=3)
        for name, r in (("L1", 1.0), ("L2", 0.0))
    }


def _vlines(ax):
    return {
        line.get_label().split(" = ")[0]: line.get_xdata()[0]
        for line in ax.lines
        if "alpha" in line.get_label()
    }


def test_panels_with_marks_error_bars_and_nnz(cvs):
    fig = plot_cv(cvs)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    marks = _vlines(ax)
    assert marks["$\\alpha_{min}$"] == cvs["L1"].alpha_min
    assert marks["$\\alpha_{1se}$"] == cvs["L1"].alpha_1se
    assert len(ax.containers) == 1  # the error bars
    bars = ax.containers[0]
    np.testing.assert_allclose(bars.lines[0].get_ydata(), cvs["L1"].cv_mean)
    assert ax.get_ylabel() == "CV mean squared error"
    assert len(ax.child_axes) == 1  # non-zeros on top


def test_single_result_into_ax_ndarray(small_data):
    X, _, y, _ = small_data
    cv = shrinkage.cross_validate_path(X, y, n_alphas=10, cv=3, scoring="r2")
    fig, ax = plt.subplots()
    assert plot_cv(cv, ax=ax) is fig
    assert ax.get_title() == "L1 (lasso)"
    assert "R^2" in ax.get_ylabel()


def test_relaxed_result_draws_every_gamma(small_data):
    X, _, y, _ = small_data
    cv = shrinkage.cross_validate_path(X, y, n_alphas=10, cv=3, gammas=[0.0, 0.5, 1.0])
    fig = plot_cv(cv)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.lines]
    assert sum(lab.startswith("gamma=") for lab in labels) == 2  # the two not chosen


def test_bad_input(cvs):
    with pytest.raises(TypeError, match="CVResult"):
        plot_cv({"x": object()})
    with pytest.raises(ValueError, match="axes must hold 2"):
        plot_cv(cvs, axes=[plt.subplots()[1]])
