"""Gamma loss with the log link (half the deviance): l(y, eta) = y e^-eta + eta - log y - 1."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array
from .base import xlogx

_DOMAIN_SLACK = 1e-12


def check_positive_target(y, family: str) -> np.ndarray:
    """y as float64, or a ValueError naming y and its values <= 0 (or NaN)."""
    y = as_float_array(y, "y")
    bad = ~(y > 0)
    if np.any(bad):
        raise ValueError(
            f"y must be > 0 for the {family} datafit (a positive amount such as a "
            f"claim size or a duration); got {np.unique(y[bad])[:5]}."
        )
    return y


class Gamma:
    """Half the Gamma deviance of mean mu = e^eta: l(y, eta) = y/mu - 1 - log(y/mu).

    The objective 1/(sum s) sum_i s_i l(y_i, eta_i) + alpha/2 ||w||^2 is scikit-learn's
    GammaRegressor one (mean deviance / 2 + alpha/2 ||w||^2), and glum's family "gamma" with the
    log link.  l(y, .) is convex in eta, with its minimum 0 at eta = log y, so every fit has a
    finite optimum and the duality gap certifies it.  The conjugate has a closed form,
    l*(y, v) = t log t - t + 1 + v log y with t = 1 - v >= 0 (infinite for v > 1); the
    certificate's dual points v = scale (1 - y e^-eta) with scale in [0, 1] stay in that domain.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits.gamma import Gamma
    >>> y = np.array([1.0, 2.0])
    >>> Gamma().loss(y, np.log(y))  # zero at the mean mu = y
    array([0., 0.])
    >>> Gamma().derivative(y, np.zeros(2))  # 1 - y / mu
    array([ 0., -1.])
    """

    name = "gamma"
    smooth = True
    curvature_bound = None  # y e^-eta grows without bound as eta -> -inf

    def check_target(self, y) -> np.ndarray:
        """y as float64; a ValueError naming y unless every value is > 0.

        Parameters
        ----------
        y : array-like of shape (n,)
            The positive target.

        Returns
        -------
        numpy.ndarray
            y as float64.

        Examples
        --------
        >>> Gamma().check_target([1, 2.5])
        array([1. , 2.5])
        """
        return check_positive_target(y, "Gamma")

    def loss(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """e^z - 1 - z with z = log y - eta (no cancellation near the minimum).

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target (> 0).
        eta : numpy.ndarray of shape (n,)
            The linear predictor (log of the mean).

        Returns
        -------
        numpy.ndarray
            The per-sample losses, shape (n,).

        Examples
        --------
        >>> Gamma().loss(np.array([np.e]), np.array([0.0]))
        array([0.71828183])
        """
        z = np.log(y) - eta
        with np.errstate(over="ignore"):
            return np.expm1(z) - z

    def derivative(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """dl/deta = 1 - y e^-eta.

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target (> 0).
        eta : numpy.ndarray of shape (n,)
            The linear predictor.

        Returns
        -------
        numpy.ndarray
            The derivatives, shape (n,).

        Examples
        --------
        >>> Gamma().derivative(np.array([1.0]), np.array([0.0]))
        array([0.])
        """
        with np.errstate(over="ignore"):
            return 0.0 - np.expm1(np.log(y) - eta)  # 0.0 - : no -0.0 at the minimum

    def curvature(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """d2l/deta2 = y e^-eta.

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target (> 0).
        eta : numpy.ndarray of shape (n,)
            The linear predictor.

        Returns
        -------
        numpy.ndarray
            The second derivatives, shape (n,).

        Examples
        --------
        >>> Gamma().curvature(np.array([2.0]), np.array([0.0]))
        array([2.])
        """
        with np.errstate(over="ignore"):
            return np.exp(np.log(y) - eta)

    def conjugate(self, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """l*(y, v) = t log t - t + 1 + v log y with t = 1 - v >= 0; inf for v > 1.

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target (> 0).
        v : numpy.ndarray of shape (n,)
            The dual variables.

        Returns
        -------
        numpy.ndarray
            The conjugate's values, shape (n,).

        Examples
        --------
        >>> Gamma().conjugate(np.array([1.0, 1.0]), np.array([0.0, 2.0]))
        array([ 0., inf])
        """
        t = 1.0 - v
        out = np.full(t.shape, np.inf)
        ok = t >= -_DOMAIN_SLACK
        t = np.maximum(t[ok], 0.0)
        out[ok] = xlogx(t) - t + 1.0 + v[ok] * np.log(y[ok])
        return out

    def recession(self, y: np.ndarray) -> None:
        """None: every l(y_i, .) attains its minimum (at eta = log y_i), no fit diverges.

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target.

        Returns
        -------
        None
            No sample has a recession direction.

        Examples
        --------
        >>> Gamma().recession(np.array([1.0])) is None
        True
        """
        return None

    def null_intercept(self, y: np.ndarray, sw: np.ndarray, offset: np.ndarray | None) -> float:
        """argmin_b sum_i s_i l(y_i, b + offset_i) = log(sum_i s_i y_i e^-offset_i / sum s).

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target (> 0).
        sw : numpy.ndarray of shape (n,)
            The sample weights (>= 0, some > 0).
        offset : numpy.ndarray of shape (n,) or None
            The fixed part of the linear predictor.

        Returns
        -------
        float
            The intercept of the intercept-only model.

        Examples
        --------
        >>> bool(np.isclose(Gamma().null_intercept(np.array([1.0, 3.0]), np.ones(2), None),
        ...                 np.log(2.0)))
        True
        """
        from scipy.special import logsumexp

        o = np.zeros_like(y) if offset is None else offset
        return float(logsumexp(np.log(y) - o, b=sw) - np.log(sw.sum()))
