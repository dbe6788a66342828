"""The group penalty's kernels near the limits of float64: norms, KKT scores and dual norms of
vectors whose squares overflow or underflow (gradients of columns near the door's limit)."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage.penalties._group_kernels import dual_norm, group_kkt, group_prox, vector_norm

UNITS = [1e-200, 1.0, 1e200]


@pytest.mark.parametrize("unit", UNITS)
def test_vector_norm_scales_with_its_vector(unit):
    v = np.array([3.0, -4.0, 0.0, 12.0])
    assert vector_norm(v * unit) == pytest.approx(13.0 * unit, rel=1e-15)


@pytest.mark.parametrize("unit", UNITS)
def test_dual_norm_scales_with_the_vector_and_the_weights(unit):
    rng = np.random.default_rng(0)
    v, a, c = rng.standard_normal(5), rng.uniform(0.1, 1.0, 5), 0.7
    expected = _dual_norm_by_bisection(v, a, c)
    assert dual_norm(v, a, c) == pytest.approx(expected, rel=1e-12)
    assert dual_norm(v * unit, a, c) == pytest.approx(expected * unit, rel=1e-12)
    assert dual_norm(v * unit, a * unit, c * unit) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("unit", UNITS)
def test_kkt_score_and_prox_scale_with_the_data(unit):
    rng = np.random.default_rng(1)
    corr, w, l1 = rng.standard_normal(4), rng.standard_normal(4), np.full(4, 0.2)
    order = np.arange(4)
    for coef in (w, np.zeros(4)):
        expected = group_kkt(corr, coef, order, 0, l1, 0.5)
        assert group_kkt(
            corr * unit, coef / unit, order, 0, l1 * unit, 0.5 * unit
        ) == pytest.approx(expected * unit, rel=1e-12)
    expected = w.copy()
    group_prox(expected, 0.3, order, 0, l1, 0.5)
    scaled = w * unit
    group_prox(scaled, 0.3, order, 0, l1 * unit, 0.5 * unit)
    np.testing.assert_allclose(scaled / unit, expected, rtol=1e-12)


def _dual_norm_by_bisection(v, a, c):
    """The smallest t >= 0 with ||ST(v, t a)||_2 <= t c, by bisection on that definition (the
    left side decreases in t, the right side grows)."""
    lo, hi = 0.0, float(np.max(np.abs(v) / a))  # at hi every soft-threshold is 0
    for _ in range(200):
        t = 0.5 * (lo + hi)
        if np.linalg.norm(np.maximum(np.abs(v) - t * a, 0.0)) <= t * c:
            hi = t
        else:
            lo = t
    return hi
