"""The normal distribution truncated to [a, b]: tail probabilities in log space, quantile-free
interval endpoints by root finding.

Everything is written for the standardized variable: Z ~ N(0, 1) conditioned on a <= Z <= b.
The tails are computed from ``log_ndtr`` on the side of the interval where the mass is not
vanishingly small (reflecting Z -> -Z when the interval lies in the upper tail), so that
P(Z > 41 | Z > 40) is accurate and not 0/0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq
from scipy.special import log_ndtr


def _log_diff(log_u: np.ndarray, log_v: np.ndarray) -> np.ndarray:
    """log(e^u - e^v) for u >= v (-inf where they are equal)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = log_u + np.log1p(-np.exp(log_v - log_u))
    return np.where(log_u > log_v, out, -np.inf)


def truncnorm_cdf_sf(z: ArrayLike, a: ArrayLike, b: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """(P(Z <= z), P(Z > z)) for Z ~ N(0, 1) truncated to [a, b], each accurate in its tail.

    Math: F(z) = (Phi(z) - Phi(a)) / (Phi(b) - Phi(a)), computed as exp of log-differences of
    ``log_ndtr`` on the side of [a, b] nearer to 0.

    Examples
    --------
    >>> cdf, sf = truncnorm_cdf_sf(41.0, 40.0, np.inf)
    >>> float(sf) < 1e-17
    True
    """
    zv, av, bv = np.broadcast_arrays(*(np.asarray(t, dtype=np.float64) for t in (z, a, b)))
    zv = np.clip(zv, av, bv)
    with np.errstate(invalid="ignore"):  # a + b is NaN for the whole line: no flip
        flip = (av + bv) > 0  # the interval lies mostly in the upper tail: work with -Z
    zz = np.where(flip, -zv, zv)
    lo = np.where(flip, -bv, av)
    hi = np.where(flip, -av, bv)
    log_lo, log_z, log_hi = log_ndtr(lo), log_ndtr(zz), log_ndtr(hi)
    log_den = _log_diff(log_hi, log_lo)
    with np.errstate(invalid="ignore"):
        lower_part = np.exp(_log_diff(log_z, log_lo) - log_den)
        upper_part = np.exp(_log_diff(log_hi, log_z) - log_den)
    cdf = np.where(flip, upper_part, lower_part)
    sf = np.where(flip, lower_part, upper_part)
    return cdf, sf


def pivot(
    observed: float | np.ndarray,
    mean: float | np.ndarray,
    sd: float | np.ndarray,
    lower: float | np.ndarray,
    upper: float | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(P(Y <= observed), P(Y > observed)) for Y ~ N(mean, sd^2) truncated to [lower, upper]."""
    return truncnorm_cdf_sf((observed - mean) / sd, (lower - mean) / sd, (upper - mean) / sd)


def two_sided_p_value(
    observed: float | np.ndarray,
    sd: float | np.ndarray,
    lower: float | np.ndarray,
    upper: float | np.ndarray,
    mean: float | np.ndarray = 0.0,
) -> np.ndarray:
    """2 min(F, 1 - F) of the truncated-Gaussian pivot at ``mean`` (H0: the target equals it)."""
    cdf, sf = pivot(observed, mean, sd, lower, upper)
    return np.minimum(1.0, 2.0 * np.minimum(cdf, sf))


def mean_with_tail(
    observed: float, sd: float, lower: float, upper: float, tail: float, side: str
) -> float:
    """The mean mu at which P(Y > observed) = tail (side "sf") or P(Y <= observed) = tail
    (side "cdf"), Y ~ N(mu, sd^2) truncated to [lower, upper]; the survival function increases
    with mu, so the root is unique.  +-inf when it lies beyond 1e8 sd of ``observed``.
    """

    def gap(mu: float) -> float:
        cdf, sf = pivot(observed, mu, sd, lower, upper)
        value = float(sf if side == "sf" else cdf)
        # log scale: the tails become tiny far from the root
        with np.errstate(divide="ignore"):
            diff = np.log(value) - np.log(tail)
        return diff if side == "sf" else -diff

    step = sd
    left, right = observed - step, observed + step
    while gap(left) > 0:
        step *= 2.0
        left = observed - step
        if step > 1e8 * sd:
            return -np.inf
    step = sd
    while gap(right) < 0:
        step *= 2.0
        right = observed + step
        if step > 1e8 * sd:
            return np.inf
    return float(brentq(gap, left, right, xtol=1e-12 * max(sd, abs(observed)), rtol=1e-12))


def truncated_interval(
    observed: float, sd: float, lower: float, upper: float, level: float
) -> tuple[float, float]:
    """Equal-tailed confidence interval for the mean of a normal truncated to [lower, upper]
    (Lee et al. 2016, Section 6): mu_lo with P(Y > y | mu_lo) = (1 - level)/2 and mu_hi with
    P(Y <= y | mu_hi) = (1 - level)/2."""
    tail = (1.0 - level) / 2.0
    return (
        mean_with_tail(observed, sd, lower, upper, tail, "sf"),
        mean_with_tail(observed, sd, lower, upper, tail, "cdf"),
    )
