"""The group / sparse-group penalty from first principles: groups, factors, value, prox, KKT
distance, dual norm and alpha_max."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from scipy.optimize import minimize

from shrinkage.penalties.group import GroupPenalty, Groups, group_factors


def _penalty(alpha=0.7, l1_ratio=0.4, labels=(0, 0, 1, 1, 1, -1), factors=None):
    groups = Groups.from_labels(list(labels), len(labels))
    return GroupPenalty(alpha, l1_ratio, groups, group_factors(factors, groups))


def _omega(x, a, c):
    return a * np.abs(x).sum() + c * np.linalg.norm(x)


def test_groups_from_labels():
    g = Groups.from_labels([2, 0, -1, 2, None, 0, 2], 7)
    assert g.n_groups == 4 and g.n_features == 7
    assert [g.members(k).tolist() for k in range(4)] == [[1, 5], [0, 3, 6], [2], [4]]
    np.testing.assert_array_equal(g.labels, [0, 2, -1, -1])
    np.testing.assert_array_equal(g.column_group(), [1, 0, 2, 1, 3, 0, 1])
    singles = Groups.from_labels(None, 3)
    assert singles.n_groups == 3 and singles.sizes.tolist() == [1, 1, 1]
    # integral floats (e.g. from a pandas column) are labels too
    np.testing.assert_array_equal(Groups.from_labels(np.array([1.0, 1.0, 0.0]), 3).order, [2, 0, 1])


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        ([0, 1], "one label per column of X \\(3\\)"),
        ([0, 1.5, 1], "integer labels.*column 1 has 1.5"),
        ([0, "a", 1], "integer labels.*column 1 has 'a'"),
        ([0, True, 1], "integer labels.*column 1 has True"),
        ([0, np.nan, 1], "integer labels.*column 1"),
        ([0, -2, 1], "labels must be >= 0, or -1 / None.*column 1 has -2"),
    ],
)
def test_bad_groups(labels, match):
    with pytest.raises(ValueError, match=match):
        Groups.from_labels(labels, 3)


def test_group_factors():
    g = Groups.from_labels([0, 0, 0, 0, 1, -1], 6)
    np.testing.assert_allclose(group_factors(None, g), [2.0, 1.0, 1.0])
    np.testing.assert_allclose(group_factors(0.5, g), [0.5, 0.5, 0.5])
    np.testing.assert_allclose(group_factors({1: 0.0}, g), [2.0, 0.0, 1.0])
    np.testing.assert_allclose(group_factors([1.0, 2.0, 3.0], g), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"finite and >= 0.*-1"):
        group_factors([1.0, -1.0, 3.0], g)
    with pytest.raises(ValueError, match="finite and >= 0"):
        group_factors(-0.5, g)
    with pytest.raises(ValueError, match="one value per group \\(3\\)"):
        group_factors([1.0, 2.0], g)
    with pytest.raises(ValueError, match="names the group 7"):
        group_factors({7: 1.0}, g)
    with pytest.raises(ValueError, match="real number"):
        group_factors({0: "x"}, g)


def test_value_follows_the_documented_formula():
    pen = _penalty(0.3, 0.25, factors=[1.0, 2.0, 0.5])
    w = np.array([0.3, -1.2, 0.0, 2.0, -1.0, 4.0])
    expected = 0.3 * (
        0.25 * np.abs(w).sum()
        + 0.75 * (1.0 * np.linalg.norm(w[:2]) + 2.0 * np.linalg.norm(w[2:5]) + 0.5 * 4.0)
    )
    assert pen.value(w) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(pen.l1_weights(), 0.075)
    np.testing.assert_allclose(pen.group_weights(), 0.3 * 0.75 * np.array([1.0, 2.0, 0.5]))


def test_penalty_is_immutable():
    pen = _penalty()
    with pytest.raises(dataclasses.FrozenInstanceError):
        pen.alpha = 2.0  # type: ignore[misc]


def test_singletons_are_the_lasso_whatever_l1_ratio():
    w = np.array([0.5, -2.0, 0.0, 3.0])
    for l1_ratio in (0.0, 0.3, 1.0):
        pen = _penalty(0.8, l1_ratio, labels=(-1, -1, -1, -1))
        assert pen.value(w) == pytest.approx(0.8 * np.abs(w).sum(), rel=1e-14)


@pytest.mark.parametrize(("seed", "l1_ratio"), list(itertools.product(range(4), (0.0, 0.5, 1.0))))
def test_prox_is_the_minimiser(seed, l1_ratio):
    rng = np.random.default_rng(seed)
    pen = _penalty(rng.uniform(0.2, 1.5), l1_ratio)
    step = rng.uniform(0.3, 2.0)
    v = rng.normal(scale=1.5, size=3)
    a = step * pen.l1_weights()[0]
    c = step * pen.group_weights()[1]

    def objective(x):
        return 0.5 * np.sum((x - v) ** 2) + _omega(x, a, c)

    x = pen.prox(v, step, 1)
    starts = [v, np.zeros(3), x + 0.1, *rng.normal(size=(3, 3))]
    best = min(
        minimize(
            objective, s, method="Powell", options={"xtol": 1e-12, "ftol": 1e-15, "maxiter": 20000}
        ).fun
        for s in starts
    )
    assert objective(x) <= best + 1e-10
    if np.linalg.norm(x) > 0:  # optimality: (v - x) / step is a subgradient at x
        assert pen.subdiff_distance(-(v - x) / step, x, 1) < 1e-10


def _distance_to_box_plus_ball(v, a, c, n=801):
    """min over b in [-a, a]^2 of max(0, ||v - b|| - c): a grid over the box (2-D)."""
    s = np.linspace(-a, a, n)
    B = np.stack(np.meshgrid(s, s), -1).reshape(-1, 2)
    return max(0.0, np.min(np.linalg.norm(v - B, axis=1)) - c)


@pytest.mark.parametrize("seed", range(5))
def test_subdiff_distance_at_zero_by_brute_force(seed):
    rng = np.random.default_rng(seed)
    pen = _penalty(0.6, 0.5, labels=(0, 0, -1))
    grad = rng.normal(scale=1.0, size=2)
    a, c = pen.l1_weights()[0], pen.group_weights()[0]
    expected = _distance_to_box_plus_ball(-grad, a, c)
    assert pen.subdiff_distance(grad, np.zeros(2), 0) == pytest.approx(expected, abs=2 * a / 800)


def test_subdiff_distance_away_from_zero():
    pen = _penalty(0.6, 0.5, labels=(0, 0, 0))
    a, c = pen.l1_weights()[0], pen.group_weights()[0]
    w = np.array([1.0, 0.0, -2.0])
    grad = np.array([0.3, -0.1, 0.2])
    # the subdifferential: a sign(w_j) + c w_j / ||w|| where w_j != 0, [-a, a] where w_j = 0
    u = w / np.linalg.norm(w)
    fixed = -grad[[0, 2]] - (a * np.sign(w[[0, 2]]) + c * u[[0, 2]])
    free = max(abs(grad[1]) - a, 0.0)
    assert pen.subdiff_distance(grad, w, 0) == pytest.approx(np.hypot(np.linalg.norm(fixed), free))
    # at the minimiser of 0.5 ||x - v||^2 + Omega the distance of x - v is zero
    v = np.array([3.0, 0.1, -2.0])
    x = pen.prox(v, 1.0, 0)
    assert pen.subdiff_distance(x - v, x, 0) < 1e-12


def _dual_norm_bisection(v, a, c):
    lo, hi = 0.0, 1.0
    while np.linalg.norm(np.maximum(np.abs(v) - hi * a, 0)) > hi * c:
        hi *= 2
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if np.linalg.norm(np.maximum(np.abs(v) - mid * a, 0)) > mid * c:
            lo = mid
        else:
            hi = mid
    return hi


@pytest.mark.parametrize(
    ("seed", "l1_ratio"), list(itertools.product(range(4), (0.0, 0.3, 0.9, 1.0)))
)
def test_dual_norm(seed, l1_ratio):
    rng = np.random.default_rng(seed)
    pen = _penalty(1.3, l1_ratio, labels=(0, 0, 0, 0, 1, 1, 2), factors=[1.0, 0.7, 2.0])
    v = rng.normal(size=7)
    t = pen.dual_norms(v)
    a = pen.l1_weights()[0]
    for g, c in enumerate(pen.group_weights()):
        vg = v[pen.groups.members(g)]
        assert t[g] == pytest.approx(_dual_norm_bisection(vg, a, c), rel=1e-12)
        # v_g / t_g is on the boundary of the subdifferential at 0: its distance is 0 there ...
        w0 = np.zeros(vg.size)
        assert pen.subdiff_distance(-vg / t[g], w0, g) < 1e-12
        # ... and outside it a little further out
        assert pen.subdiff_distance(-vg / (0.99 * t[g]), w0, g) > 0


def test_dual_norm_of_an_unpenalized_group():
    pen = _penalty(1.0, 0.0, labels=(0, 0, 1), factors=[0.0, 1.0])
    np.testing.assert_array_equal(pen.free_groups(), [0])
    t = pen.dual_norms(np.array([0.0, 0.0, 2.0]))
    assert t[0] == 0.0 and t[1] == pytest.approx(2.0)
    assert np.isinf(pen.dual_norms(np.array([1.0, 0.0, 2.0]))[0])
    assert _penalty(1.0, 0.3, factors=[0.0, 1.0, 1.0]).free_groups().size == 0


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
def test_alpha_max_is_where_zero_stops_being_optimal(l1_ratio):
    rng = np.random.default_rng(1)
    labels = (0, 0, 0, 1, 1, -1, 2, 2)
    grad0 = rng.normal(size=8)
    ref = _penalty(1.0, l1_ratio, labels)
    alpha_max = ref.alpha_max(grad0)
    groups = ref.groups
    for alpha, zero in ((alpha_max * (1 + 1e-9), True), (alpha_max * (1 - 1e-6), False)):
        pen = dataclasses.replace(ref, alpha=alpha)
        scores = [
            pen.subdiff_distance(grad0[groups.members(g)], np.zeros(groups.sizes[g]), g)
            for g in range(groups.n_groups)
        ]
        assert (max(scores) == 0.0) is zero


def test_alpha_max_skips_unpenalized_groups():
    grad0 = np.array([10.0, 10.0, 1.0])
    pen = _penalty(1.0, 0.0, labels=(0, 0, 1), factors=[0.0, 1.0])
    assert pen.alpha_max(grad0) == pytest.approx(1.0)
    assert _penalty(1.0, 0.0, labels=(0, 0), factors=[0.0]).alpha_max(grad0[:2]) == 0.0


def test_columns_of_several_groups():
    g = Groups.from_labels([2, 0, -1, 2, None, 0, 2], 7)
    np.testing.assert_array_equal(g.columns(np.array([1, 3, 0])), [0, 3, 6, 4, 1, 5])
    assert g.columns(np.empty(0, dtype=np.int64)).size == 0
    np.testing.assert_array_equal(Groups.from_labels(np.array([1, 1, 0]), 3).order, [2, 0, 1])
