"""The MCP's math from first principles: the value as the integral of its derivative, the prox
against a brute-force minimisation on a fine grid, the KKT score against one-sided derivatives."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from shrinkage.penalties import mcp

# (step, a, gamma): convex coordinate problems (step < gamma) and non-convex ones
CASES = [
    (1.0, 1.0, 3.0),
    (0.2, 2.0, 1.5),
    (2.9, 0.7, 3.0),
    (3.0, 0.7, 3.0),
    (10.0, 0.5, 2.0),
    (1.0, 0.0, 3.0),
]

GAMMA = 3.0


def derivative(t: float, a: float, gamma: float) -> float:
    """Zhang (2010)'s definition, for t >= 0: pen'(t) = max(a - t / gamma, 0)."""
    return max(a - t / gamma, 0.0)


@pytest.mark.parametrize("a, gamma", [(1.0, 3.0), (0.3, 1.2), (2.0, 10.0), (0.0, 3.0)])
def test_value_is_the_integral_of_the_derivative(a, gamma):
    for w in (0.0, 0.1, -0.5, 1.0, 2.9, -3.0, 7.0, -40.0):
        expected = quad(derivative, 0.0, abs(w), args=(a, gamma), points=[gamma * a])[0]
        assert mcp.penalty_scalar(w, a, gamma) == pytest.approx(expected, abs=1e-12)
    w = np.array([0.0, 0.4, -2.0, 9.0])
    alphas = np.array([1.0, 0.5, 2.0, 0.0])
    assert mcp.value(w, alphas, gamma) == pytest.approx(
        sum(mcp.penalty_scalar(x, s, gamma) for x, s in zip(w, alphas, strict=True))
    )


def test_value_matches_skglm():
    skglm = pytest.importorskip("skglm.penalties")
    w = np.random.default_rng(0).standard_normal(20) * 3
    assert mcp.value(w, np.full(20, 0.8), 2.5) == pytest.approx(
        skglm.MCPenalty(0.8, 2.5).value(w), rel=1e-13
    )


def brute_force(z: float, step: float, a: float, gamma: float) -> tuple[float, float]:
    """(argmin, min) of (x - z)^2 / (2 step) + pen(x) on a grid of spacing 1e-5 around z."""
    x = np.linspace(-abs(z) - 1.0, abs(z) + 1.0, int(2e5 * (abs(z) + 1.0)) + 1)
    pen = np.where(np.abs(x) <= gamma * a, a * np.abs(x) - x**2 / (2 * gamma), gamma * a**2 / 2)
    obj = (x - z) ** 2 / (2 * step) + pen
    k = int(np.argmin(obj))
    return float(x[k]), float(obj[k])


@pytest.mark.parametrize("step, a, gamma", CASES)
def test_prox_is_the_global_minimiser(step, a, gamma):
    for z in np.linspace(-6.0, 6.0, 49):
        x = mcp.prox(z, step, a, gamma)
        obj = (x - z) ** 2 / (2 * step) + mcp.penalty_scalar(x, a, gamma)
        x_grid, obj_grid = brute_force(z, step, a, gamma)
        assert obj <= obj_grid + 1e-12, (z, x, x_grid)
        # the same point, or a tie between two minima
        assert abs(x - x_grid) <= 1e-4 or obj_grid - obj <= 1e-8, (z, x, x_grid)


def test_prox_thresholds():
    # convex (step < gamma): firm thresholding, 0 up to step a, identity beyond gamma a
    assert mcp.prox(0.999, 1.0, 1.0, 3.0) == 0.0
    assert mcp.prox(-3.0, 1.0, 1.0, 3.0) == -3.0
    assert mcp.prox(-2.0, 1.0, 1.0, 3.0) == pytest.approx(-1.5)
    # non-convex (step >= gamma): hard thresholding at a sqrt(gamma step)
    t = 0.7 * np.sqrt(3.0 * 5.0)
    assert mcp.prox(t * 0.999, 5.0, 0.7, 3.0) == 0.0
    assert mcp.prox(-t * 1.001, 5.0, 0.7, 3.0) == -t * 1.001


def clarke_interval(w: float, a: float, gamma: float) -> tuple[float, float]:
    """The Clarke subdifferential at w from one-sided difference quotients."""
    h = 1e-7
    right = (mcp.penalty_scalar(w + h, a, gamma) - mcp.penalty_scalar(w, a, gamma)) / h
    left = (mcp.penalty_scalar(w, a, gamma) - mcp.penalty_scalar(w - h, a, gamma)) / h
    return min(left, right), max(left, right)


def clarke_distance(corr: float, w: float, a: float, gamma: float) -> float:
    """Distance of corr to the Clarke subdifferential."""
    lo, hi = clarke_interval(w, a, gamma)
    return max(lo - corr, corr - hi, 0.0)


def test_kkt_score_at_a_bound_adds_the_normal_cone():
    a, gamma = 1.0, GAMMA
    for w in (0.0, 0.5, -2.0, 6.0):
        lo, hi = clarke_interval(w, a, gamma)
        for corr in (-3.0, -0.2, 0.2, 3.0):
            at_lower = mcp.kkt_score(corr, w, a, gamma, w, np.inf)  # normal cone (-inf, 0]
            assert at_lower == pytest.approx(max(corr - hi, 0.0), abs=1e-6)
            at_upper = mcp.kkt_score(corr, w, a, gamma, -np.inf, w)  # normal cone [0, inf)
            assert at_upper == pytest.approx(max(lo - corr, 0.0), abs=1e-6)
            assert mcp.kkt_score(corr, w, a, gamma, w, w) == 0.0  # a fixed coordinate


@pytest.mark.parametrize("a, gamma", [(1.0, 3.0), (0.4, 1.5), (0.0, 2.0)])
def test_kkt_score_is_the_distance_to_the_subdifferential(a, gamma):
    rng = np.random.default_rng(1)
    for w in (0.0, 0.3, -1.0, 2.0, -3.5, 6.0):
        for corr in rng.uniform(-3, 3, 7):
            assert mcp.kkt_score(corr, w, a, gamma) == pytest.approx(
                clarke_distance(corr, w, a, gamma), abs=1e-6
            )
    corr, w = rng.standard_normal(6), rng.standard_normal(6)
    out = mcp.kkt_scores(corr, w, np.full(6, a), gamma, np.empty(6))
    np.testing.assert_array_equal(
        out, [mcp.kkt_score(c, x, a, gamma) for c, x in zip(corr, w, strict=True)]
    )


@pytest.mark.parametrize("step, a, gamma", CASES)
def test_kkt_score_is_zero_at_fixed_points_of_the_prox(step, a, gamma):
    for z in np.linspace(-6.0, 6.0, 61):
        w = mcp.prox(z, step, a, gamma)
        corr = (z - w) / step  # w = prox(w + step corr): a coordinate-descent fixed point
        assert mcp.kkt_score(corr, w, a, gamma) <= 1e-12 * max(1.0, abs(z) / step)


def test_alpha_max_is_where_zero_becomes_stationary():
    rng = np.random.default_rng(2)
    corr0 = rng.standard_normal(8)
    factors = np.array([1.0, 0.5, 2.0, 0.0, 1.0, 3.0, 1.0, 1.0])
    amax = mcp.alpha_max(corr0, factors)
    penalized = factors > 0
    assert amax == pytest.approx(np.max(np.abs(corr0[penalized]) / factors[penalized]))
    scores = mcp.kkt_scores(corr0, np.zeros(8), amax * factors, 3.0, np.empty(8))
    assert np.all(scores[penalized] <= 1e-15)
    below = mcp.kkt_scores(corr0, np.zeros(8), 0.99 * amax * factors, 3.0, np.empty(8))
    assert np.max(below[penalized]) > 0
    assert mcp.alpha_max(corr0, np.zeros(8)) == 0.0
