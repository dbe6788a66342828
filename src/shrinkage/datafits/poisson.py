"""Poisson loss with the log link (half the deviance): l(y, eta) = e^eta - y eta + y log y - y."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array
from .base import xlogx

_DOMAIN_SLACK = 1e-12


class Poisson:
    """Half the Poisson deviance of mean e^eta, so that the objective is scikit-learn's
    PoissonRegressor one (mean deviance / 2 + alpha/2 ||w||^2 for l1_ratio = 0).  Counts need not
    be integers (rates with an exposure offset log(t) are fine).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import Poisson
    >>> y, eta = np.array([0.0, 2.0]), np.zeros(2)
    >>> Poisson().derivative(y, eta)  # e^eta - y
    array([ 1., -1.])
    """

    name = "poisson"
    smooth = True
    curvature_bound = None

    def check_target(self, y) -> np.ndarray:
        y = as_float_array(y, "y")
        if np.any(y < 0):
            raise ValueError(
                "y must hold non-negative counts for the Poisson datafit; got "
                f"{np.unique(y[y < 0])[:5]}."
            )
        return y

    def loss(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(eta) - y * eta + xlogx(y) - y

    def derivative(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """e^eta - y."""
        with np.errstate(over="ignore"):
            return np.exp(eta) - y

    def curvature(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(eta)

    def conjugate(self, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """t log t - t - (y log y - y) with t = v + y >= 0."""
        t = v + y
        out = np.full(t.shape, np.inf)
        ok = t >= -_DOMAIN_SLACK * np.maximum(y, 1.0)
        t = np.maximum(t[ok], 0.0)
        out[ok] = xlogx(t) - t - xlogx(y[ok]) + y[ok]
        return out

    def recession(self, y: np.ndarray) -> np.ndarray:
        """-1 where y = 0 (the mean can go to 0), 0 elsewhere."""
        return np.where(y == 0, -1.0, 0.0)

    def null_intercept(self, y: np.ndarray, sw: np.ndarray, offset: np.ndarray | None) -> float:
        """log(sum s y / sum s e^offset)."""
        total = float(sw @ y)
        if total <= 0:
            raise ValueError(
                "y is 0 for every sample with positive weight: a Poisson model "
                "with an intercept has no finite optimum (the mean goes to 0)."
            )
        exposure = float(sw.sum()) if offset is None else float(sw @ np.exp(offset))
        return float(np.log(total / exposure))
