"""Huber loss with a fixed threshold and scale: quadratic for small residuals, linear beyond."""

from __future__ import annotations

import numpy as np

from .base import root_intercept

_DOMAIN_SLACK = 1e-12


class Huber:
    """l(y, eta) = r^2 / (2 scale) if |r| <= epsilon scale, else epsilon |r| - epsilon^2 scale / 2,
    with r = y - eta.

    This is half of scikit-learn's HuberRegressor term scale H_eps(r / scale) at a fixed scale
    (its objective also fits the scale; the estimator handles that on top).

    Parameters
    ----------
    epsilon : float, default=1.35
        The threshold, in units of ``scale``, where the loss turns from quadratic to linear
        (finite, > 0; scikit-learn's default 1.35 gives about 95% efficiency at the normal).
    scale : float, default=1.0
        The residual scale (finite, > 0); the curvature is at most 1 / scale.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import Huber
    >>> Huber(epsilon=1.0).loss(np.zeros(2), np.array([0.5, 3.0]))  # quadratic, then linear
    array([0.125, 2.5  ])
    """

    name = "huber"
    smooth = True

    def __init__(self, epsilon: float = 1.35, scale: float = 1.0):
        for value, what in ((epsilon, "epsilon"), (scale, "scale")):
            if isinstance(value, bool) or not np.isfinite(value) or not value > 0:
                raise ValueError(f"{what} must be a finite number > 0; got {value!r}.")
        self.epsilon = float(epsilon)
        self.scale = float(scale)

    @property
    def curvature_bound(self) -> float:
        return 1.0 / self.scale

    def check_target(self, y) -> np.ndarray:
        return np.asarray(y, dtype=np.float64)

    def loss(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        r = np.abs(y - eta)
        k = self.epsilon * self.scale
        return np.where(r <= k, r * r / (2 * self.scale), self.epsilon * r - self.epsilon * k / 2)

    def derivative(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """-clip((y - eta) / scale, -epsilon, epsilon)."""
        return -np.clip((y - eta) / self.scale, -self.epsilon, self.epsilon)

    def curvature(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """1/scale inside the quadratic zone, 0 outside (a generalized second derivative)."""
        inside = np.abs(y - eta) <= self.epsilon * self.scale
        return np.where(inside, 1.0 / self.scale, 0.0)

    def conjugate(self, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """v y + scale v^2 / 2 for |v| <= epsilon."""
        ok = np.abs(v) <= self.epsilon * (1 + _DOMAIN_SLACK)
        return np.where(ok, v * y + self.scale * v * v / 2, np.inf)

    def recession(self, y: np.ndarray) -> None:
        return None  # coercive in eta: the optimum is always attained

    def null_intercept(self, y: np.ndarray, sw: np.ndarray, offset: np.ndarray | None) -> float:
        r = y if offset is None else y - offset
        return root_intercept(self, y, sw, offset, float(r.min()), float(r.max()))
