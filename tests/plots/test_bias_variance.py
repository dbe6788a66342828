"""plot_bias_variance draws what bias_variance_curve computed (the Monte Carlo is tested in
tests/comparison/test_simulations.py)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from shrinkage.comparison.figure_data import BiasVarianceCurve
from shrinkage.comparison.simulations import bias_variance_curve
from shrinkage.plots import plot_bias_variance


def _noisy_curve(penalty: str = "l1") -> BiasVarianceCurve:
    """Curves shaped like the diabetes demo's: a noise variance 50 to 200 times the variance of
    the fits, and a lasso variance that is not monotone in alpha."""
    alphas = np.geomspace(45.0, 0.045, 8)
    bias2 = np.array([2880.0, 970.0, 250.0, 60.0, 27.0, 15.0, 9.0, 6.5])
    variance = np.array([18.0, 23.6, 23.1, 30.0, 42.0, 48.0, 54.0, 57.0])
    noise_var = 2933.0
    mse = bias2 + variance + noise_var
    return BiasVarianceCurve(
        alphas,
        bias2,
        variance,
        mse,
        noise_var,
        penalty,
        1.0,
        "resample",
        np.zeros(3),
        0.0,
        None,
        442,
        442,
        20,
        0,
    )


def _line(ax, label: str):
    (line,) = [ln for ln in ax.get_lines() if ln.get_label().split("\n")[0] == label]
    return line


def _height_fraction(ax, line) -> float:
    """The fraction of the axes' height that a line's values span."""
    y = ax.transAxes.inverted().transform(ax.transData.transform(line.get_xydata()))[:, 1]
    return float(y.max() - y.min())


def test_one_curve_and_panels():
    X = np.random.default_rng(0).standard_normal((50, 10))
    curves = {
        pen: bias_variance_curve(X, penalty=pen, n_alphas=5, n_repeats=4, n_test=50, random_state=0)
        for pen in ("l1", "l2")
    }
    assert isinstance(plot_bias_variance(curves["l1"]), Figure)
    fig, axes = plt.subplots(1, 2)
    assert plot_bias_variance(curves, axes=axes) is fig
    assert axes[1].get_title().startswith("l2")
    fig, ax = plt.subplots()
    assert plot_bias_variance(curves["l2"], ax=ax) is fig
    assert ax.get_title().startswith("L2 (ridge)")


def test_excess_error_leaves_the_noise_out_on_a_log_axis():
    c = _noisy_curve()
    ax = plot_bias_variance(c).axes[0]
    assert ax.get_yscale() == "log"
    np.testing.assert_array_equal(_line(ax, "bias$^2$").get_ydata(), c.bias2)
    np.testing.assert_array_equal(_line(ax, "variance").get_ydata(), c.variance)
    np.testing.assert_array_equal(
        _line(ax, "bias$^2$ + variance").get_ydata(), c.bias2 + c.variance
    )
    # the noise is named in the legend, not drawn: no line at its level, none at the test MSE
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("noise variance 2.93e+03" in t for t in legend)
    for line in ax.get_lines():
        y = np.asarray(line.get_ydata(), dtype=float)
        if y.size:
            assert y.max() < c.noise_var, line.get_label()
    low, high = ax.get_ylim()
    assert low <= min(c.bias2.min(), c.variance.min()) and high >= (c.bias2 + c.variance).max()


def test_the_variance_is_readable_next_to_a_large_noise():
    """On demo-like numbers the variance spans a visible part of the panel (it was a flat line
    at the bottom, under 1% of the height, next to the noise variance)."""
    c = _noisy_curve()
    ax = plot_bias_variance(c).axes[0]
    assert _height_fraction(ax, _line(ax, "variance")) > 0.08
    total = plot_bias_variance(c, scale="total").axes[0]
    assert total.get_yscale() == "linear"
    assert _height_fraction(total, _line(total, "variance")) < 0.02
    assert any(ln.get_label() == "test MSE" for ln in total.get_lines())


def test_panels_share_one_log_axis():
    curves = {"L1": _noisy_curve("l1"), "L2": _noisy_curve("l2")}
    curves["L2"].variance[:] = 0.1  # a much smaller variance sets the shared bottom
    fig = plot_bias_variance(curves)
    limits = [ax.get_ylim() for ax in fig.axes]
    assert limits[0] == limits[1] and limits[0][0] < 0.1


def test_log_axis_depth_is_bounded_and_zeros_are_allowed():
    c = _noisy_curve()
    c.bias2[-1] = 0.0  # an exactly unbiased fit: not drawable on a log axis, must not break it
    c.variance[0] = 1e-12
    low, high = plot_bias_variance(c).axes[0].get_ylim()
    assert np.log10(high / low) <= 5.5
    flat = _noisy_curve()
    flat.bias2[:] = 0.0
    flat.variance[:] = 0.0  # noise-free, fixed design: nothing above the noise at all
    ax = plot_bias_variance(flat).axes[0]
    assert ax.get_yscale() == "linear" and ax.get_ylim()[0] == 0


def test_refuses_what_bias_variance_curve_did_not_make():
    with pytest.raises(TypeError, match="bias_variance_curve"):
        plot_bias_variance({"a": 1})
    with pytest.raises(ValueError, match="scale must be one of"):
        plot_bias_variance(_noisy_curve(), scale="log")
