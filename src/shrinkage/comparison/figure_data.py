"""The data the geometry and bias-variance figures draw: plain arrays, no model, no fit.

``shrinkage.comparison.simulations`` computes them (``geometry_data``, ``bias_variance_curve``)
and ``shrinkage.plots`` draws them (``plot_geometry``, ``plot_bias_variance``); this module
imports only numpy, so the figures can check what they are given without importing a solver.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GeometryData:
    """Everything ``plot_geometry`` draws, in standardized coefficient units (from
    ``geometry_data``).

    Attributes
    ----------
    features : the two column indices of X (``(0, 1)`` for the synthetic pair).
    feature_names : their names.
    others : "zero", "profile" or "synthetic" (how the other features were handled).
    w1, w2 : (grid_size,) grids of the two coefficients.
    loss : (grid_size, grid_size) least-squares loss 1/(2n) ||y - Z w||^2 with
        ``loss[i, j]`` at ``(w1[j], w2[i])`` (matplotlib's ``contour(w1, w2, loss)`` order).
    least_squares : (2,) the unconstrained minimiser; ``least_squares_loss`` its loss.
    budget : t, the half-diagonal of the diamond |w1| + |w2| <= t and the circle's radius.
    l1_solution, l2_solution : (2,) minimisers of the loss on the diamond and on the circle.
    alpha_l1, alpha_l2 : the penalized alphas (shrinkage's Elastic-Net scaling, l1_ratio 1 and
        0) whose solutions these are (0 when the budget does not bind).
    l1_loss, l2_loss : the loss at each solution (the contours that touch the regions).
    l1_trace, l2_trace : (n_alphas, 2) the lasso and ridge paths of the pair;
        ``l1_trace_alphas``, ``l2_trace_alphas`` their alphas (decreasing).
    n_samples : rows used.
    """

    features: tuple[int, int]
    feature_names: tuple[str, str]
    others: str
    w1: np.ndarray
    w2: np.ndarray
    loss: np.ndarray
    least_squares: np.ndarray
    least_squares_loss: float
    budget: float
    l1_solution: np.ndarray
    l2_solution: np.ndarray
    alpha_l1: float
    alpha_l2: float
    l1_loss: float
    l2_loss: float
    l1_trace: np.ndarray
    l2_trace: np.ndarray
    l1_trace_alphas: np.ndarray
    l2_trace_alphas: np.ndarray
    n_samples: int

    @property
    def diamond(self) -> np.ndarray:
        """(5, 2) the diamond's corners, closed: (t, 0), (0, t), (-t, 0), (0, -t), (t, 0)."""
        t = self.budget
        return np.array([[t, 0.0], [0.0, t], [-t, 0.0], [0.0, -t], [t, 0.0]])


@dataclass(frozen=True)
class BiasVarianceCurve:
    """Monte Carlo bias^2, variance and test MSE per alpha (``bias_variance_curve``; the
    definitions are in ``shrinkage.comparison.simulations``).

    alphas : (n_alphas,) decreasing grid (shrinkage's Elastic-Net scaling).
    bias2, variance, mse : (n_alphas,) the three curves; ``noise_var`` the noise variance.
    penalty, l1_ratio, design : as simulated.
    coef, intercept : the truth.  feature_names : X's names (or None).
    n_samples, n_test, n_repeats : training rows per repeat, test points, repeats.
    n_not_converged : path fits that stopped at max_iter (their solutions are used).
    """

    alphas: np.ndarray
    bias2: np.ndarray
    variance: np.ndarray
    mse: np.ndarray
    noise_var: float
    penalty: str
    l1_ratio: float
    design: str
    coef: np.ndarray
    intercept: float
    feature_names: list | None
    n_samples: int
    n_test: int
    n_repeats: int
    n_not_converged: int = 0

    @property
    def index_best(self) -> int:
        """Position of the smallest test MSE."""
        return int(np.argmin(self.mse))

    @property
    def alpha_best(self) -> float:
        return float(self.alphas[self.index_best])
