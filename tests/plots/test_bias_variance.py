"""plot_bias_variance draws what bias_variance_curve computed (the Monte Carlo is tested in
tests/comparison/test_simulations.py)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from shrinkage.comparison.simulations import bias_variance_curve
from shrinkage.plots import plot_bias_variance


def test_one_curve_and_panels():
    X = np.random.default_rng(0).standard_normal((50, 10))
    curves = {pen: bias_variance_curve(X, penalty=pen, n_alphas=5, n_repeats=4, n_test=50,
                                       random_state=0) for pen in ("l1", "l2")}
    assert isinstance(plot_bias_variance(curves["l1"]), Figure)
    fig, axes = plt.subplots(1, 2)
    assert plot_bias_variance(curves, axes=axes) is fig
    assert axes[1].get_title().startswith("l2")
    fig, ax = plt.subplots()
    assert plot_bias_variance(curves["l2"], ax=ax) is fig
    assert ax.get_title().startswith("L2 (ridge)")


def test_refuses_what_bias_variance_curve_did_not_make():
    with pytest.raises(TypeError, match="bias_variance_curve"):
        plot_bias_variance({"a": 1})
