"""plot_geometry draws what geometry_data computed (the data is tested in
tests/comparison/test_simulations.py)."""

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from shrinkage.comparison.simulations import geometry_data
from shrinkage.plots import plot_geometry


def test_draws_a_new_figure_and_into_ax(small_data):
    X, _, y, _ = small_data
    data = geometry_data(X, y, grid_size=21)
    assert isinstance(plot_geometry(data), Figure)
    fig, ax = plt.subplots()
    assert plot_geometry(data, ax=ax) is fig
    assert ax.get_aspect() == 1.0
    assert "per standard deviation" in ax.get_xlabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(s.startswith("L1 solution") for s in labels)


def test_refuses_what_geometry_data_did_not_make():
    with pytest.raises(TypeError, match="geometry_data"):
        plot_geometry({"budget": 1})
