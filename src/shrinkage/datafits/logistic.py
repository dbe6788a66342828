"""Binary logistic loss: l(y, eta) = log(1 + e^eta) - y eta, y in {0, 1} (or a proportion)."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from .base import newton_intercept, xlogx

# rounding slack allowed on the conjugate's domain [0, 1] (the dual point is a probability minus y)
_DOMAIN_SLACK = 1e-12


class Logistic:
    """Negative log-likelihood of a Bernoulli with success probability expit(eta).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import Logistic
    >>> y, eta = np.array([1.0, 0.0]), np.zeros(2)
    >>> Logistic().loss(y, eta).round(4), Logistic().derivative(y, eta)  # log 2; p - y
    (array([0.6931, 0.6931]), array([-0.5,  0.5]))
    """

    name = "logistic"
    smooth = True
    curvature_bound = 0.25

    def check_target(self, y) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        bad = ~((y >= 0) & (y <= 1))
        if np.any(bad):
            raise ValueError(
                "y must hold 0/1 labels (or proportions in [0, 1]) for the logistic datafit; "
                f"got {np.unique(y[bad])[:5]}."
            )
        return y

    def loss(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        return np.logaddexp(0.0, eta) - y * eta

    def derivative(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """expit(eta) - y."""
        return expit(eta) - y

    def curvature(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """p (1 - p) with p = expit(eta)."""
        return expit(eta) * expit(-eta)

    def conjugate(self, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """t log t + (1 - t) log(1 - t) with t = v + y in [0, 1]."""
        t = v + y
        out = np.full(t.shape, np.inf)
        ok = (t >= -_DOMAIN_SLACK) & (t <= 1 + _DOMAIN_SLACK)
        t = np.clip(t[ok], 0.0, 1.0)
        out[ok] = xlogx(t) + xlogx(1.0 - t)
        return out

    def recession(self, y: np.ndarray) -> np.ndarray:
        """+1 for y = 1, -1 for y = 0, 0 for proportions strictly inside (0, 1)."""
        return np.where(y == 1, 1.0, np.where(y == 0, -1.0, 0.0))

    def null_intercept(self, y: np.ndarray, sw: np.ndarray, offset: np.ndarray | None) -> float:
        mean = float(sw @ y) / float(sw.sum())
        weighted = y[sw > 0]
        if not (np.any(weighted > 0) and np.any(weighted < 1)):  # not the mean: it rounds
            raise ValueError(
                f"y has a single class (mean {mean:g}): a logistic model with an intercept needs "
                "both 0 and 1 among the samples with positive weight."
            )
        mean = min(max(mean, np.finfo(float).tiny), 1.0 - np.finfo(float).epsneg)
        b = float(np.log(mean / (1.0 - mean)))
        if offset is None:
            return b
        return newton_intercept(self, y, sw / sw.sum(), offset, b)
