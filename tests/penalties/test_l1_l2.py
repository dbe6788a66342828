"""The Elastic-Net penalty from first principles: weights, value, prox, KKT distance, alpha_max."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from shrinkage.penalties.l1_l2 import L1, L2, ElasticNetPenalty, PenaltyWeights

INF = np.inf


def penalty(alpha=0.7, l1_ratio=0.6, p=5, factors=None, lower=-INF, upper=INF, scale=None):
    f = np.linspace(0.0, 2.0, p) if factors is None else np.asarray(factors, float)
    return ElasticNetPenalty(
        alpha,
        l1_ratio,
        f,
        np.broadcast_to(lower, (p,)).astype(float),
        np.broadcast_to(upper, (p,)).astype(float),
        scale,
    )


def test_weights_follow_the_documented_formula():
    f = np.array([0.0, 0.5, 1.0, 2.0])
    c = np.array([1.0, 2.0, 0.5, 3.0])
    pw = penalty(0.3, 0.25, 4, f, scale=c).weights()
    np.testing.assert_allclose(pw.l1, 0.3 * f * 0.25 * c)
    np.testing.assert_allclose(pw.l2, 0.3 * f * 0.75 * c**2)
    unscaled = penalty(0.3, 0.25, 4, f).weights()
    np.testing.assert_allclose(unscaled.l1, 0.3 * f * 0.25)


def test_value():
    f = np.array([1.0, 0.5, 0.0, 2.0])
    c = np.array([1.0, 2.0, 0.5, 3.0])
    w = np.array([0.3, -1.2, 4.0, 0.0])
    pen = penalty(0.4, 0.7, 4, f, scale=c)
    expected = 0.4 * np.sum(f * (0.7 * np.abs(c * w) + 0.3 / 2 * (c * w) ** 2))
    assert pen.value(w) == pytest.approx(expected, rel=1e-14)
    assert L1(0.5, 3).value(np.array([1.0, -2.0, 0.0])) == pytest.approx(1.5)
    assert L2(0.5, 3).value(np.array([1.0, -2.0, 0.0])) == pytest.approx(0.25 * 5)


def test_penalty_is_immutable():
    pen = L1(1.0, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pen.alpha = 2.0  # type: ignore[misc]


def _prox_brute_force(z, step, l1, l2, lo, up):
    """argmin_x (x - z)^2 / (2 step) + l1 |x| + l2/2 x^2 on [lo, up], by a fine grid + polish."""
    a = max(lo, min(z, -abs(z)) - 3.0)
    b = min(up, max(z, abs(z)) + 3.0)
    if a == b:
        return a
    xs = np.linspace(a, b, 200_001)
    xs = np.r_[xs, 0.0] if a <= 0 <= b else xs
    obj = (xs - z) ** 2 / (2 * step) + l1 * np.abs(xs) + 0.5 * l2 * xs**2
    return xs[np.argmin(obj)]


@pytest.mark.parametrize("seed", range(6))
def test_prox_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    p = 6
    lower = np.array([-INF, 0.0, -1.0, -INF, 0.3, -0.5])
    upper = np.array([INF, INF, 0.0, 0.8, 0.3, 0.5])
    f = rng.uniform(0.0, 2.0, p)
    pen = penalty(rng.uniform(0.1, 1.0), rng.uniform(0.0, 1.0), p, f, lower, upper)
    pw = pen.weights()
    for _ in range(5):
        z = rng.normal(0.0, 2.0)
        step = rng.uniform(0.2, 3.0)
        for j in range(p):
            got = pen.prox(z, step, j)
            want = _prox_brute_force(z, step, pw.l1[j], pw.l2[j], lower[j], upper[j])
            assert got == pytest.approx(want, abs=1e-4), (j, z, step)
            assert lower[j] <= got <= upper[j]


def _subdiff_interval(w, l1, l2, lo, up):
    """The set l2 w + l1 d|w| + N_[lo,up](w) as an interval [a, b]."""
    if lo == up:
        return -INF, INF
    a, b = (-l1, l1) if w == 0 else (l1 * np.sign(w), l1 * np.sign(w))
    a, b = a + l2 * w, b + l2 * w
    if w == lo:
        a = -INF
    if w == up:
        b = INF
    return a, b


@pytest.mark.parametrize("seed", range(4))
def test_subdiff_distance_is_the_distance_to_the_subdifferential(seed):
    rng = np.random.default_rng(seed)
    p = 6
    lower = np.array([-INF, 0.0, -1.0, -INF, 0.3, -0.5])
    upper = np.array([INF, INF, 0.0, 0.8, 0.3, 0.5])
    pen = penalty(0.5, rng.uniform(0.0, 1.0), p, rng.uniform(0.0, 2.0, p), lower, upper)
    pw = pen.weights()
    for _ in range(10):
        for j in range(p):
            choices = [0.0, lower[j], upper[j], rng.normal()]
            w = float(
                np.clip(rng.choice([c for c in choices if np.isfinite(c)]), lower[j], upper[j])
            )
            grad = rng.normal(0.0, 0.5)
            a, b = _subdiff_interval(w, pw.l1[j], pw.l2[j], lower[j], upper[j])
            # optimality: 0 in grad + subdifferential, i.e. -grad in [a, b]
            want = max(a + grad, -grad - b, 0.0)
            assert pen.subdiff_distance(grad, w, j) == pytest.approx(want, abs=1e-12)


def test_alpha_max():
    corr = np.array([0.5, -2.0, 1.0, -0.3, 3.0])  # = -gradient at w = 0
    grad0 = -corr
    f = np.array([1.0, 2.0, 0.5, 1.0, 0.0])  # the last one is unpenalized: ignored
    pen = penalty(1.0, 0.5, 5, f)
    assert pen.alpha_max(grad0) == pytest.approx(np.max(np.abs(corr[:4]) / f[:4]) / 0.5)
    c = np.array([1.0, 4.0, 1.0, 0.1, 1.0])
    pen = penalty(1.0, 1.0, 5, f, scale=c)
    assert pen.alpha_max(grad0) == pytest.approx(np.max(np.abs(corr[:4]) / (f[:4] * c[:4])))
    # positive: only positive correlations can move a coefficient off zero
    pos = penalty(1.0, 1.0, 5, f, lower=0.0)
    assert pos.alpha_max(grad0) == pytest.approx(2.0)  # max(0.5/1, 1.0/0.5)
    neg = penalty(1.0, 1.0, 5, f, upper=0.0)
    assert neg.alpha_max(grad0) == pytest.approx(1.0)  # max(2/2, 0.3/1)
    # a coefficient that cannot be zero, or cannot move, does not set alpha_max
    lower = np.array([0.2, -INF, -INF, -INF, -INF])
    upper = np.array([INF, 0.0, INF, INF, INF])
    lower[2] = upper[2] = 0.0
    boxed = penalty(1.0, 1.0, 5, f, lower=lower, upper=upper)
    assert boxed.alpha_max(grad0) == pytest.approx(1.0)  # only |-2|/2 and 0.3/1 remain


def test_alpha_max_edge_cases():
    grad0 = np.array([-1.0, 2.0])
    assert penalty(1.0, 1.0, 2, [0.0, 0.0]).alpha_max(grad0) == 0.0  # nothing is penalized
    # ridge has no finite alpha_max: glmnet's convention floors l1_ratio at 1e-3
    assert penalty(1.0, 0.0, 2, [1.0, 1.0]).alpha_max(grad0) == pytest.approx(2.0 / 1e-3)
    assert L1(3.0, 2).alpha_max(np.zeros(2)) == 0.0


def test_unpenalized_columns():
    pw = PenaltyWeights(
        np.array([0.0, 1.0, 0.0, 0.0, 0.0]),
        np.array([0.0, 0.0, 1.0, 0.0, 0.0]),
        np.array([-INF, -INF, -INF, 0.0, -1.0]),
        np.array([INF, INF, INF, INF, 1.0]),
    )
    # free = no l1 and no l2; a two-sided box makes its conjugate finite, so it stays in
    np.testing.assert_array_equal(pw.unpenalized_columns(), [0, 3])
