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
    features : tuple of (int, int)
        The two column indices of X (``(0, 1)`` for the synthetic pair).
    feature_names : tuple of (str, str)
        Their names.
    others : str
        "zero", "profile" or "synthetic" (how the other features were handled).
    w1 : ndarray of shape (grid_size,)
        Grid of the first coefficient.
    w2 : ndarray of shape (grid_size,)
        Grid of the second coefficient.
    loss : ndarray of shape (grid_size, grid_size)
        Least-squares loss 1/(2n) ||y - Z w||^2 with ``loss[i, j]`` at ``(w1[j], w2[i])``
        (matplotlib's ``contour(w1, w2, loss)`` order).
    least_squares : ndarray of shape (2,)
        The unconstrained minimiser.
    least_squares_loss : float
        Its loss.
    budget : float
        t, the half-diagonal of the diamond |w1| + |w2| <= t and the circle's radius.
    l1_solution : ndarray of shape (2,)
        Minimiser of the loss on the diamond.
    l2_solution : ndarray of shape (2,)
        Minimiser of the loss on the circle.
    alpha_l1 : float
        The lasso alpha (shrinkage's Elastic-Net scaling, l1_ratio 1) whose solution is
        ``l1_solution`` (0 when the budget does not bind).
    alpha_l2 : float
        The ridge alpha (l1_ratio 0) whose solution is ``l2_solution`` (0 when the budget does
        not bind).
    l1_loss : float
        The loss at ``l1_solution`` (the contour that touches the diamond).
    l2_loss : float
        The loss at ``l2_solution`` (the contour that touches the circle).
    l1_trace : ndarray of shape (n_alphas, 2)
        The lasso path of the pair.
    l2_trace : ndarray of shape (n_alphas, 2)
        The ridge path of the pair.
    l1_trace_alphas : ndarray of shape (n_alphas,)
        The alphas of ``l1_trace`` (decreasing).
    l2_trace_alphas : ndarray of shape (n_alphas,)
        The alphas of ``l2_trace`` (decreasing).
    n_samples : int
        Rows used.

    Examples
    --------
    >>> from shrinkage.comparison import geometry_data
    >>> g = geometry_data(grid_size=11, random_state=0)  # a simulated correlated pair
    >>> g.features, g.others, g.loss.shape
    ((0, 1), 'synthetic', (11, 11))
    >>> bool(abs(g.l1_solution).sum() <= g.budget + 1e-6), bool(g.l1_solution[1] == 0)
    (True, True)
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

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        Decreasing grid (shrinkage's Elastic-Net scaling).
    bias2 : ndarray of shape (n_alphas,)
        Squared bias, mean over the test points of (E_r[f_r(x)] - f(x))^2.
    variance : ndarray of shape (n_alphas,)
        Variance, mean over the test points of Var_r[f_r(x)].
    mse : ndarray of shape (n_alphas,)
        Test MSE with fresh noise (about bias2 + variance + noise_var).
    noise_var : float
        The noise variance.
    penalty : str
        "l1", "l2" or "elasticnet", as simulated.
    l1_ratio : float
        The Elastic-Net mix used (1 for L1, 0 for L2).
    design : str
        "resample", "gaussian" or "fixed", as simulated.
    coef : ndarray of shape (n_features,)
        The true coefficients.
    intercept : float
        The true intercept.
    feature_names : list of str or None
        X's names (or None).
    n_samples : int
        Training rows per repeat.
    n_test : int
        Test points.
    n_repeats : int
        Simulated training sets.
    n_not_converged : int, default=0
        Path fits that stopped at max_iter (their solutions are used).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.comparison import bias_variance_curve
    >>> X = np.random.default_rng(0).standard_normal((40, 5))
    >>> curve = bias_variance_curve(X, coef=[1.0, -1.0, 0.0, 0.0, 0.0], noise=1.0, n_alphas=5,
    ...                             n_test=50, n_repeats=10, random_state=0)
    >>> curve.alphas.shape, curve.noise_var, curve.design
    ((5,), 1.0, 'resample')
    >>> bool(curve.bias2[0] > curve.bias2[-1]), bool(curve.variance[0] < curve.variance[-1])
    (True, True)
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
