"""Correlation heat map."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from matplotlib.figure import Figure

from shrinkage.plots import correlation_data, plot_correlation


@pytest.mark.parametrize("as_frame", [False, True])
def test_matrix_equals_numpy_and_figure(small_data, as_frame):
    X, df, _, _ = small_data
    data = correlation_data(df if as_frame else X, order="given")
    np.testing.assert_allclose(data.matrix, np.corrcoef(X, rowvar=False), atol=1e-12)
    assert data.feature_names == (list(df.columns) if as_frame else [f"x{j}" for j in range(6)])
    fig = plot_correlation(df if as_frame else X)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.images) == 1 and len(fig.axes) == 2  # the heat map and its colorbar
    assert len(ax.texts) == 36  # values written in the cells


def test_cluster_order_keeps_the_matrix_consistent(small_data):
    X, df, _, _ = small_data
    data = correlation_data(df)
    full = np.corrcoef(X, rowvar=False)
    np.testing.assert_allclose(data.matrix, full[np.ix_(data.indices, data.indices)], atol=1e-12)
    pos = {n: i for i, n in enumerate(data.feature_names)}
    assert abs(pos["age"] - pos["dose"]) == 1  # the correlated pair sits together


def test_selected_by_name_mask_or_index_and_ax(small_data):
    X, df, _, _ = small_data
    by_name = correlation_data(df, selected=["bmi", "age"], order="given")
    assert by_name.feature_names == ["age", "bmi"]
    mask = np.zeros(6, dtype=bool)
    mask[[0, 2]] = True
    np.testing.assert_array_equal(correlation_data(X, selected=mask).indices, [0, 2])
    fig, ax = plt.subplots()
    assert plot_correlation(X, selected=[0, 2, 4], ax=ax) is fig
    assert ax.get_title() == "Correlation of the selected features"


def test_cap_sparse_input_and_constant_columns():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 50))
    X[:, 7] = X[:, 3] + 0.01 * rng.standard_normal(30)
    data = correlation_data(sp.csc_matrix(X), max_features=10)
    assert len(data.feature_names) == 10 and "10 of 50" in data.note
    assert {3, 7} <= set(data.indices)
    Xc = pd.DataFrame(
        {"a": rng.standard_normal(20), "b": np.ones(20), "c": rng.standard_normal(20)}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = correlation_data(Xc, order="given")
        fig = plot_correlation(Xc)
    assert np.all(np.isnan(data.matrix[1])) and "constant: b" in data.note
    assert "constant" in fig.axes[0].get_title()


def test_bad_input(small_data):
    X, df, _, _ = small_data
    with pytest.raises(ValueError, match="no column named"):
        correlation_data(df, selected=["zzz"])
    with pytest.raises(ValueError, match="selected is empty"):
        correlation_data(X, selected=np.zeros(6, dtype=bool))
    with pytest.raises(ValueError, match="order must be"):
        correlation_data(X, order="alphabetical")
