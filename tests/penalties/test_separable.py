"""The separable-penalty dispatch: kind 0 is exactly the elastic net's own math."""

import numpy as np
import pytest

from shrinkage.penalties._l1_l2_kernels import kkt_violations, penalty_value
from shrinkage.penalties._separable import (
    ELASTIC_NET,
    MCP,
    SCAD,
    kkt,
    kkt_scores,
    penalty_arrays,
    prox,
    total_value,
    value,
)


def _weights(rng, p):
    l1 = rng.uniform(0, 1, p)
    l2 = rng.uniform(0, 1, p) * (rng.random(p) < 0.5)
    lower = np.where(rng.random(p) < 0.3, 0.0, -np.inf)
    upper = np.where(rng.random(p) < 0.2, 0.5, np.inf)
    return l1, l2, lower, upper


def test_elastic_net_kind_is_the_elastic_net():
    rng = np.random.default_rng(0)
    p = 200
    l1, l2, lower, upper = _weights(rng, p)
    w = np.clip(rng.standard_normal(p) * (rng.random(p) < 0.5), lower, upper)  # some at bounds
    corr = rng.standard_normal(p)
    pen = penalty_arrays(ELASTIC_NET, l1, l2, lower, upper)
    np.testing.assert_array_equal(
        kkt_scores(pen, corr, w, np.empty(p)),
        kkt_violations(corr, w, l1, l2, lower, upper, np.empty(p)),
    )
    assert total_value(pen, w) == pytest.approx(penalty_value(w, l1, l2), rel=1e-14)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match=r"kind must be one of .*got 99"):
        penalty_arrays(99, np.ones(1), np.zeros(1), -np.ones(1), np.ones(1))


@pytest.mark.parametrize("kind", [ELASTIC_NET, MCP, SCAD])
def test_the_scalar_functions_in_python_equal_the_compiled_loops(kind):
    # prox, kkt and value are plain Python functions that numba inlines (chosen by the type of
    # gamma); run as Python (which coverage traces) they agree with the compiled array loops
    rng = np.random.default_rng(1)
    p = 60
    l1, l2, lower, upper = _weights(rng, p)
    if kind != ELASTIC_NET:
        l2 = np.zeros(p)
    w = np.clip(rng.standard_normal(p) * (rng.random(p) < 0.5), lower, upper)
    corr = rng.standard_normal(p)
    pen = penalty_arrays(kind, l1, l2, lower, upper, gamma=3.0)
    gamma = pen[-1]
    scores = [kkt(kind, corr[j], w[j], l1[j], l2[j], lower[j], upper[j], gamma) for j in range(p)]
    np.testing.assert_allclose(scores, kkt_scores(pen, corr, w, np.empty(p)), rtol=1e-13)
    np.testing.assert_allclose(
        kkt_scores.py_func(pen, corr, w, np.empty(p)), scores, rtol=1e-13, atol=0
    )
    values = sum(value(kind, w[j], l1[j], l2[j], gamma) for j in range(p))
    assert total_value(pen, w) == pytest.approx(values, rel=1e-13)
    assert total_value.py_func(pen, w) == pytest.approx(values, rel=1e-13)
    # the prox is the coordinate's minimiser: no point of a grid on the bounds does better
    for j in range(0, p, 7):
        L, z = 1.0 + j / p, corr[j] + w[j]
        best = prox(kind, z, L, l1[j], l2[j], lower[j], upper[j], gamma)
        assert lower[j] <= best <= upper[j]
        grid = np.clip(np.linspace(best - 2.0, best + 2.0, 401), lower[j], upper[j])

        def objective(v, j=j, L=L, z=z):
            return 0.5 * L * (v - z / L) ** 2 + value(kind, v, l1[j], l2[j], gamma)

        assert objective(best) <= min(objective(v) for v in grid) + 1e-12


def test_the_elastic_net_variants_equal_the_any_kind_functions():
    # what numba compiles where gamma is None (the elastic net's math alone, the other kinds a
    # stub) against the same functions compiled for any kind, and in Python
    rng = np.random.default_rng(2)
    for _ in range(50):
        z, L, l1, l2, c, w = rng.standard_normal(6)
        L, l1, l2 = abs(L) + 0.1, abs(l1), abs(l2)
        for function, args in (
            (prox, (ELASTIC_NET, z, L, l1, l2, -1.0, np.inf)),
            (kkt, (ELASTIC_NET, c, w, l1, l2, -np.inf, np.inf)),
            (value, (ELASTIC_NET, w, l1, l2)),
        ):
            alone = function(*args, None)
            assert alone == function(*args, 3.0)
            assert alone == function.py_func(*args, None)


@pytest.mark.parametrize("function", [prox, kkt])
def test_an_unknown_kind_raises_in_the_scalar_functions(function):
    # (gamma None is the elastic net's alone: ``penalty_arrays``)
    with pytest.raises(ValueError, match="unknown penalty kind"):
        function(99, 1.0, 1.0, 1.0, 0.0, -np.inf, np.inf, 3.0)
    with pytest.raises(ValueError, match="unknown penalty kind"):
        value(99, 1.0, 1.0, 0.0, 3.0)
