"""Tweedie loss with the log link (half the unit deviance), for powers p <= 0 and p >= 1.

With mu = e^eta, a = 2 - p and b = 1 - p,

    l(y, eta) = max(y, 0)^a / (a b) - y mu^b / b + mu^a / a,

which is the Poisson loss at p = 1 and the Gamma loss at p = 2 (their formulas are used there)
and (mu - y)^2 / 2 at p = 0.  For y > 0 it is y^a g(eta - log y) with
g(z) = expm1(a z)/a - expm1(b z)/b, the form used here (no cancellation between the three terms
near the minimum at eta = log y).  The constants are scikit-learn's (``mean_tweedie_deviance``):
l >= 0, with infimum 0 except at p = 0, y < 0.

For 1 <= p <= 2, l(y, .) is convex; otherwise (``Tweedie.convex`` False) its second derivative
mu^b ((2-p) mu - (1-p) y) turns negative (p = 0 where mu < y/2, p > 2 where mu > (p-1) y/(p-2)),
and the solvers certify a fit by its KKT violation instead of the duality gap.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.special import logsumexp

from .._validation import as_float_array
from .base import xlogx
from .gamma import Gamma
from .poisson import Poisson

_DOMAIN_SLACK = 1e-12
_MAX_NEWTON = 100
_EPS = np.finfo(float).eps


def check_power(power: object) -> float:
    """The Tweedie power as a float, or an error naming ``power`` and saying why.

    Parameters
    ----------
    power : float
        The variance power p (Var y = phi mu^p).

    Returns
    -------
    float
        p, when p <= 0 or p >= 1 (scikit-learn's range; (0, 1) belongs to no distribution).

    Examples
    --------
    >>> check_power(1.5), check_power(3)
    (1.5, 3.0)
    >>> check_power(0.5)
    Traceback (most recent call last):
    ...
    ValueError: power must not lie in (0, 1): no Tweedie distribution has such a ...
    """
    if isinstance(power, bool) or not isinstance(power, numbers.Real):
        raise TypeError(f"power must be a real number; got {power!r}.")
    p = float(power)
    if not np.isfinite(p):
        raise ValueError(f"power must be a finite number; got power={power!r}.")
    if 0 < p < 1:
        raise ValueError(
            "power must not lie in (0, 1): no Tweedie distribution has such a "
            f"power; got power={power!r}."
        )
    return p


class Tweedie:
    """Half the Tweedie deviance of mean e^eta, for a power p <= 0 or p >= 1.

    The objective 1/(sum s) sum_i s_i l(y_i, eta_i) + alpha/2 ||w||^2 is scikit-learn's
    TweedieRegressor(power=p, link="log") one, and glum's family "tweedie" with the log link.
    For 1 <= p <= 2, l(y, .) is convex, so fits are certified by the duality gap.  Its conjugate
    has no closed form for 1 < p < 2 (except at y = 0): ``conjugate`` solves the 1-D stationarity
    condition per sample by Newton's method safeguarded by bisection inside a closed-form
    bracket of the maximiser, and returns the value at the iterate plus |residual| x bracket
    width, an upper bound of l* (by convexity), so that rounding can only widen the gap.
    For p <= 0 (0: normal) and p > 2 (3: inverse Gaussian) the log link makes l(y, .)
    non-convex (``convex`` is False): the solvers then build their Newton models on the Fisher
    weight mu^(2-p) (``fisher_curvature``, the expected curvature, > 0) and certify a fit by its
    KKT violation; powers in (0, 1) are refused (``check_power``).

    Parameters
    ----------
    power : float
        The variance power p <= 0 or p >= 1 (0: normal, any y; 1: Poisson; in (1, 2): compound
        Poisson-Gamma, y >= 0; 2: Gamma; 3: inverse Gaussian; p >= 2: y > 0).

    Attributes
    ----------
    convex : bool
        Whether l(y, .) is convex in eta (1 <= p <= 2): the duality gap certifies a fit.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits.tweedie import Tweedie
    >>> y = np.array([0.0, 2.0])
    >>> Tweedie(1.5).loss(y, np.log([1.0, 2.0]))  # 0 at mu = y; mu^a / a at y = 0
    array([2., 0.])
    >>> Tweedie(0).loss(np.array([-1.0]), np.array([0.0]))  # normal: (mu - y)^2 / 2
    array([2.])
    >>> Tweedie(3).convex
    False
    """

    name = "tweedie"
    smooth = True
    curvature_bound = None  # unbounded as eta -> +inf (and -inf for y > 0)

    def __init__(self, power: float = 1.5):
        self.power = check_power(power)
        self.convex = 1.0 <= self.power <= 2.0

    @property
    def _exact(self) -> Poisson | Gamma | None:
        """The closed-form datafit at p = 1 or 2, else None."""
        return Poisson() if self.power == 1 else Gamma() if self.power == 2 else None

    def check_target(self, y) -> np.ndarray:
        """y as float64; a ValueError naming y unless it is finite (p <= 0), >= 0 (1 <= p < 2)
        or > 0 (p >= 2).

        Parameters
        ----------
        y : array-like of shape (n,)
            The target.

        Returns
        -------
        numpy.ndarray
            y as float64.

        Examples
        --------
        >>> Tweedie(1.5).check_target([0, 2.5])
        array([0. , 2.5])
        """
        if self.power == 2:
            return Gamma().check_target(y)
        y = as_float_array(y, "y")
        p = self.power
        bad, rule = (
            (~np.isfinite(y), "finite")
            if p <= 0
            else (~(y > 0), "> 0")
            if p > 2
            else (~(y >= 0), ">= 0")
        )
        if np.any(bad):
            raise ValueError(
                f"y must be {rule} for the Tweedie datafit with power="
                f"{p:g}; got {np.unique(y[bad])[:5]}."
            )
        return y

    def loss(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """l(y, eta): y^a g(eta - log y) for y > 0, mu^a / a - y mu^b / b for y <= 0, and
        (mu - y)^2 / 2 at p = 0.

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target (in the power's domain: ``check_target``).
        eta : numpy.ndarray of shape (n,)
            The linear predictor (log of the mean).

        Returns
        -------
        numpy.ndarray
            The per-sample losses, shape (n,).

        Examples
        --------
        >>> Tweedie(1.5).loss(np.array([1.0]), np.array([0.0]))
        array([0.])
        """
        if self._exact is not None:
            return self._exact.loss(y, eta)
        if self.power == 0:
            with np.errstate(over="ignore"):
                return 0.5 * (np.exp(eta) - y) ** 2
        a, b = 2.0 - self.power, 1.0 - self.power
        pos = y > 0
        out = np.empty(np.broadcast(y, eta).shape)
        eta = np.broadcast_to(eta, out.shape)
        with np.errstate(over="ignore", invalid="ignore"):
            z = eta[pos] - np.log(y[pos])
            out[pos] = y[pos] ** a * (np.expm1(a * z) / a - np.expm1(b * z) / b)
            out[~pos] = np.exp(a * eta[~pos]) / a
            neg = y < 0  # p < 0 only
            if np.any(neg):
                out[neg] -= y[neg] * np.exp(b * eta[neg]) / b
        return out

    def _terms(self, y: np.ndarray, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mu^a, y mu^b), the latter 0 where y = 0 (also where mu^b overflows)."""
        a, b = 2.0 - self.power, 1.0 - self.power
        with np.errstate(over="ignore", invalid="ignore"):
            return np.exp(a * eta), np.where(y != 0, y * np.exp(b * eta), 0.0)

    def derivative(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """dl/deta = mu^(1-p) (mu - y).

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target.
        eta : numpy.ndarray of shape (n,)
            The linear predictor.

        Returns
        -------
        numpy.ndarray
            The derivatives, shape (n,).

        Examples
        --------
        >>> Tweedie(1.5).derivative(np.array([0.0, 1.0]), np.array([0.0, 0.0]))
        array([1., 0.])
        """
        if self._exact is not None:
            return self._exact.derivative(y, eta)
        mu_a, y_mu_b = self._terms(y, eta)
        return mu_a - y_mu_b

    def curvature(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """d2l/deta2 = (2 - p) mu^(2-p) + (p - 1) y mu^(1-p): > 0 for 1 <= p <= 2, negative
        somewhere otherwise (p = 0 where mu < y/2; p > 2 where mu > (p-1) y/(p-2)).

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target.
        eta : numpy.ndarray of shape (n,)
            The linear predictor.

        Returns
        -------
        numpy.ndarray
            The second derivatives, shape (n,).

        Examples
        --------
        >>> Tweedie(1.5).curvature(np.array([1.0]), np.array([0.0]))
        array([1.])
        """
        if self._exact is not None:
            return self._exact.curvature(y, eta)
        mu_a, y_mu_b = self._terms(y, eta)
        return (2.0 - self.power) * mu_a + (self.power - 1.0) * y_mu_b

    def fisher_curvature(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """The Fisher weight mu^(2-p): the curvature's expectation under y ~ Tweedie(mu, p),
        > 0 for every power; the Newton models of a non-convex power use it (IRLS, as
        scikit-learn's and glum's solvers), so that each one is strictly convex.

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target (not used: the weight depends on the mean only).
        eta : numpy.ndarray of shape (n,)
            The linear predictor.

        Returns
        -------
        numpy.ndarray
            mu^(2-p), shape (n,).

        Examples
        --------
        >>> Tweedie(3).fisher_curvature(np.array([1.0]), np.array([np.log(2.0)]))
        array([0.5])
        """
        with np.errstate(over="ignore"):
            return np.exp((2.0 - self.power) * eta)

    def conjugate(self, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """l*(y, v) = sup_eta v eta - l(y, eta), as an upper bound tight to rounding.

        For y > 0, l*(y, v) = v log y + y^a g*(v / y^a), and g* is found numerically
        (``normalized_conjugate``); every v is in the domain.  For y = 0,
        l*(0, v) = (v log v - v) / a for v >= 0 and inf for v < 0.  For a non-convex power
        (``convex`` False) only l*(y, 0) = -inf l(y, .) is computed (0, or -y^2/2 at p = 0,
        y < 0: the saturated model), and inf elsewhere, a trivial upper bound: no duality gap
        certifies such a fit.

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target.
        v : numpy.ndarray of shape (n,)
            The dual variables.

        Returns
        -------
        numpy.ndarray
            The conjugate's values (inf outside its domain), shape (n,).

        Examples
        --------
        >>> Tweedie(1.5).conjugate(np.array([1.0, 0.0]), np.array([0.0, -1.0]))
        array([ 0., inf])
        """
        if self._exact is not None:
            return self._exact.conjugate(y, v)
        a = 2.0 - self.power
        out = np.full(np.shape(v), np.inf)
        if not self.convex:
            at_zero = v == 0
            out[at_zero] = -0.5 * np.minimum(y[at_zero], 0.0) ** 2 if self.power == 0 else 0.0
            return out
        pos = y > 0
        scale = y[pos] ** a
        out[pos] = v[pos] * np.log(y[pos]) + scale * normalized_conjugate(
            v[pos] / scale, self.power
        )
        zero = ~pos & (v >= -_DOMAIN_SLACK)
        t = np.maximum(v[zero], 0.0)
        out[zero] = (xlogx(t) - t) / a
        return out

    def recession(self, y: np.ndarray) -> np.ndarray | None:
        """-1 where y <= 0 (the loss falls to its infimum as the mean goes to 0), 0 elsewhere.

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target.

        Returns
        -------
        numpy.ndarray or None
            The recession direction per sample (None at power 2: there is none).

        Examples
        --------
        >>> Tweedie(1.5).recession(np.array([0.0, 1.0]))
        array([-1.,  0.])
        """
        if self._exact is not None:
            return self._exact.recession(y)
        return np.where(y <= 0, -1.0, 0.0)

    def null_intercept(self, y: np.ndarray, sw: np.ndarray, offset: np.ndarray | None) -> float:
        """argmin_b sum_i s_i l(y_i, b + o_i) = log(sum_i s_i y_i e^(b o_i) / sum_i s_i e^(a o_i)).

        Parameters
        ----------
        y : numpy.ndarray of shape (n,)
            The target.
        sw : numpy.ndarray of shape (n,)
            The sample weights (>= 0).
        offset : numpy.ndarray of shape (n,) or None
            The fixed part of the linear predictor.

        Returns
        -------
        float
            The intercept of the intercept-only model.

        Examples
        --------
        >>> round(Tweedie(1.5).null_intercept(np.array([0.0, 4.0]), np.ones(2), None), 6)
        0.693147
        """
        if self._exact is not None:
            return self._exact.null_intercept(y, sw, offset)
        a, b = 2.0 - self.power, 1.0 - self.power
        o = np.zeros_like(y) if offset is None else offset
        if np.any(y < 0):  # p <= 0: the weighted sum of y may be <= 0
            top, sign = logsumexp(b * o, b=sw * y, return_sign=True)
            if not sign > 0:
                raise ValueError(
                    f"sum_i s_i y_i e^((1-p) offset_i) is <= 0 for the Tweedie datafit with "
                    f"power={self.power:g}: with the log link the mean e^eta is positive, and a "
                    "model with an intercept has no finite optimum (the mean goes to 0)."
                )
            return float(top - logsumexp(a * o, b=sw))
        if not float(sw @ y) > 0:
            raise ValueError(
                "y is 0 for every sample with positive weight: a Tweedie model "
                "with an intercept has no finite optimum (the mean goes to 0)."
            )
        return float(logsumexp(b * o, b=sw * y) - logsumexp(a * o, b=sw))


def normalized_conjugate(c: np.ndarray, power: float) -> np.ndarray:
    """An upper bound, tight to rounding, of g*(c) = sup_z c z - g(z) for
    g(z) = expm1(a z)/a - expm1(b z)/b (a = 2 - p, b = 1 - p, 1 < p < 2), elementwise.

    g is convex with g'(z) = e^(a z) - e^(b z) onto the whole line, so the maximiser z* solves
    g'(z) = c; it lies in [max(0, log(c)/a), log(1 + c)/a] for c >= 0 and in
    [log(1 - c)/b, min(0, log(-c)/b)] for c < 0.  Newton's method on g'(z) = c, falling back
    to bisection whenever a step leaves the (shrinking) bracket [lo, hi], stops when the
    residual r = g'(z) - c is at rounding level.  By convexity
    c z* - g(z*) <= c z - g(z) + |r| (hi - lo), the value returned.

    Parameters
    ----------
    c : numpy.ndarray of shape (n,)
        The points.
    power : float
        The Tweedie power p, 1 < p < 2.

    Returns
    -------
    numpy.ndarray
        g*(c) from above, shape (n,).

    Examples
    --------
    >>> c = np.array([-2.0, 0.0, 3.0])
    >>> root = np.sqrt(c**2 + 4)
    >>> exact = 2 * c * np.log((c + root) / 2) - 2 * (root - 2)  # closed form at p = 1.5
    >>> bool(np.allclose(normalized_conjugate(c, 1.5), exact, rtol=1e-13))
    True
    """
    a, b = 2.0 - power, 1.0 - power
    c = np.asarray(c, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):  # the branch np.where drops
        lo = np.where(c >= 0, np.maximum(0.0, np.log(np.maximum(c, 0.0)) / a), np.log1p(-c) / b)
        hi = np.where(
            c >= 0,
            np.log1p(np.maximum(c, 0.0)) / a,
            np.minimum(0.0, np.log(np.maximum(-c, 0.0)) / b),
        )
    z = 0.5 * (lo + hi)
    for _ in range(_MAX_NEWTON):
        ea, eb = np.exp(a * z), np.exp(b * z)
        r = ea - eb - c
        lo = np.where(r < 0, z, lo)
        hi = np.where(r > 0, z, hi)
        done = (np.abs(r) <= 4 * _EPS * (ea + eb + np.abs(c))) | (
            hi - lo <= 4 * _EPS * (1.0 + np.abs(z))
        )
        if np.all(done):
            break
        step = z - r / (a * ea - b * eb)
        inside = (step > lo) & (step < hi)
        z = np.where(done, z, np.where(inside, step, 0.5 * (lo + hi)))
    with np.errstate(over="ignore", invalid="ignore"):  # beyond the largest float: inf
        r = np.exp(a * z) - np.exp(b * z) - c
        g = np.expm1(a * z) / a - np.expm1(b * z) / b
        return c * z - g + np.abs(r) * (hi - lo)
