"""Figures of L1, L2 and Elastic-Net behaviour, drawn with matplotlib.

Every ``plot_*`` function returns a ``matplotlib.figure.Figure`` and takes ``ax=`` (one Axes) or
``axes=`` (one per panel) to draw into the caller's figure; it never calls ``plt.show()`` and
never changes global style.  Figures draw results (``Path``, ``CVResult``, ``StabilityResult``,
or plain arrays) and never fit a model: where a figure needs a simulation, the comparison layer
runs it and returns data (``shrinkage.comparison.simulations``):

- ``plot_paths(paths)``: coefficient paths side by side, names, non-zeros on top;
- ``plot_cv(cv_results)``: CV curves, SE bars, alpha_min / alpha_1se;
- ``simulations.geometry_data(X, y)`` -> ``plot_geometry(data)``: diamond vs circle on two
  features;
- ``shrinkage_curves(alpha)`` / ``plot_shrinkage(alpha)``: soft-thresholding vs proportional
  shrinkage, and the pull of each penalty;
- ``simulations.bias_variance_curve(X, y)`` -> ``plot_bias_variance(curve)``: Monte Carlo
  bias^2 / variance / test MSE against alpha;
- ``plot_stability(result)``: selection frequencies (bars or stability path);
- ``correlation_data(X)`` / ``plot_correlation(X)``: correlation heat map.

The figures are created with ``matplotlib.pyplot``; close them (``plt.close(fig)``) when done.
"""

from .bias_variance import plot_bias_variance
from .correlation import CorrelationData, correlation_data, plot_correlation
from .cv import plot_cv
from .geometry import plot_geometry
from .paths import plot_paths
from .penalty_behaviour import ShrinkageCurves, plot_shrinkage, shrinkage_curves
from .stability import plot_stability

__all__ = [
    "CorrelationData",
    "ShrinkageCurves",
    "correlation_data",
    "plot_bias_variance",
    "plot_correlation",
    "plot_cv",
    "plot_geometry",
    "plot_paths",
    "plot_shrinkage",
    "plot_stability",
    "shrinkage_curves",
]
