"""Squared hinge loss (the L2-loss linear SVM): l(y, eta) = max(0, 1 - y eta)^2, y in {-1, +1}."""

from __future__ import annotations

import numpy as np

from .base import root_intercept

_DOMAIN_SLACK = 1e-12


class SquaredHinge:
    """scikit-learn's LinearSVC(loss="squared_hinge") term; alpha = 1 / (C sum s).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import SquaredHinge
    >>> y = np.array([1.0, -1.0, 1.0])
    >>> SquaredHinge().loss(y, np.array([2.0, 0.5, 0.0]))  # 0 beyond the margin y eta >= 1
    array([0.  , 2.25, 1.  ])
    """

    name = "squared_hinge"
    smooth = True
    curvature_bound = 2.0

    def check_target(self, y) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        bad = (y != 1) & (y != -1)
        if np.any(bad):
            raise ValueError(
                "y must hold -1/+1 labels for the squared hinge datafit; got "
                f"{np.unique(y[bad])[:5]}."
            )
        return y

    def loss(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        return np.maximum(0.0, 1.0 - y * eta) ** 2

    def derivative(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """-2 y max(0, 1 - y eta)."""
        return -2.0 * y * np.maximum(0.0, 1.0 - y * eta)

    def curvature(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """2 where the margin is violated (y eta < 1), else 0 (a generalized second derivative)."""
        return np.where(y * eta < 1.0, 2.0, 0.0)

    def conjugate(self, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """a + a^2 / 4 with a = y v <= 0."""
        a = y * v
        return np.where(
            a <= _DOMAIN_SLACK, np.minimum(a, 0.0) + np.minimum(a, 0.0) ** 2 / 4, np.inf
        )

    def recession(self, y: np.ndarray) -> None:
        return None  # the infimum 0 is attained at a finite margin

    def null_intercept(self, y: np.ndarray, sw: np.ndarray, offset: np.ndarray | None) -> float:
        o = np.zeros_like(y) if offset is None else offset
        return root_intercept(self, y, sw, offset, float(np.min(-1 - o)), float(np.max(1 - o)))
