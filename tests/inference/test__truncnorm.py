import numpy as np
import pytest
from scipy.stats import norm, truncnorm

from shrinkage.inference._truncnorm import (
    pivot,
    truncated_interval,
    truncnorm_cdf_sf,
    two_sided_p_value,
)

mpmath = pytest.importorskip("mpmath")


@pytest.mark.parametrize(
    ("z", "a", "b"),
    [
        (0.3, -1.0, 2.0),
        (-0.5, -np.inf, 0.0),
        (2.5, 1.0, np.inf),
        (-3.0, -4.0, -2.0),
        (0.0, -np.inf, np.inf),
        (1.2, 1.1, 1.3),
    ],
)
def test_matches_scipy_at_moderate_values(z, a, b):
    cdf, sf = truncnorm_cdf_sf(z, a, b)
    np.testing.assert_allclose(cdf, truncnorm.cdf(z, a, b), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(sf, truncnorm.sf(z, a, b), rtol=1e-10, atol=1e-14)


def _exact_cdf_sf(z, a, b):
    """60-digit reference from the tail on the interval's side (no cancellation either way)."""
    mpmath.mp.dps = 60
    sign = -1 if a + b > 0 else 1  # work where the mass is a lower tail
    lo, hi, zz = [*sorted([sign * a, sign * b]), sign * z]
    phi = lambda t: mpmath.ncdf(t) if np.isfinite(t) else (1 if t > 0 else 0)  # noqa: E731
    den = phi(hi) - phi(lo)
    below, above = (phi(zz) - phi(lo)) / den, (phi(hi) - phi(zz)) / den
    return (float(below), float(above)) if sign == 1 else (float(above), float(below))


@pytest.mark.parametrize(
    ("z", "a", "b"),
    [
        (41.0, 40.0, np.inf),
        (-41.0, -np.inf, -40.0),
        (40.5, 40.0, 42.0),
        (-39.0, -40.0, 38.0),
        (60.0, 55.0, np.inf),
    ],
)
def test_stable_in_extreme_tails(z, a, b):
    cdf_exact, sf_exact = _exact_cdf_sf(z, a, b)
    cdf, sf = truncnorm_cdf_sf(z, a, b)
    np.testing.assert_allclose(sf, sf_exact, rtol=1e-8)
    np.testing.assert_allclose(cdf, cdf_exact, rtol=1e-8)
    assert 0.0 <= sf <= 1.0 and 0.0 <= cdf <= 1.0


def test_pivot_standardizes():
    cdf, _ = pivot(3.0, 1.0, 2.0, 0.0, np.inf)
    np.testing.assert_allclose(cdf, truncnorm.cdf(1.0, -0.5, np.inf), rtol=1e-12)


def test_untruncated_interval_is_the_normal_one():
    lo, hi = truncated_interval(1.0, 2.0, -np.inf, np.inf, 0.95)
    z = norm.ppf(0.975)
    np.testing.assert_allclose([lo, hi], [1.0 - 2 * z, 1.0 + 2 * z], rtol=1e-9)


def test_interval_ends_solve_the_pivot_equations():
    lo, hi = truncated_interval(40.5, 1.0, 40.0, np.inf, 0.9)
    assert lo < 40.5 < hi
    np.testing.assert_allclose(pivot(40.5, lo, 1.0, 40.0, np.inf)[1], 0.05, rtol=1e-7)
    np.testing.assert_allclose(pivot(40.5, hi, 1.0, 40.0, np.inf)[0], 0.05, rtol=1e-7)


def test_two_sided_p_value():
    np.testing.assert_allclose(two_sided_p_value(1.96, 1.0, -np.inf, np.inf), 0.05, atol=1e-4)
    assert two_sided_p_value(0.0, 1.0, -1.0, 1.0) == pytest.approx(1.0)
