"""The one path engine (shrinkage.paths): the loop, early stop and warnings with toy families
whose solutions are known in closed form, and the three families run through it against the
public functions and scikit-learn."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest
from sklearn.linear_model import enet_path

import shrinkage
from shrinkage._problem import Problem
from shrinkage.exceptions import ShrinkageConvergenceWarning
from shrinkage.paths import engine, grid
from shrinkage.paths.least_squares import LeastSquares, solve_path
from shrinkage.solvers.result import Fit


class SoftThreshold:
    """min_w (w - z)^2 / 2 + alpha |w|: the solution is the soft-thresholding of z, alpha_max is
    max |z|; records the warm starts it is given."""

    def __init__(self, z, converged=True):
        self.z, self.converged, self.starts = np.asarray(z, float), converged, []

    def null(self):
        return float(np.max(np.abs(self.z))), np.zeros_like(self.z), 0.0

    def solve(self, alpha, w, b, state):
        self.starts.append((w.copy(), b, state))
        w_new = np.sign(self.z) * np.maximum(np.abs(self.z) - alpha, 0.0)
        gap = 0.0 if self.converged else 1.0
        return Fit(w_new, gap, 1, self.converged, 1e-8, intercept=(b or 0.0) + 1.0, state=alpha)


def test_default_grid_starts_at_the_null_model_and_solves_in_closed_form():
    family = SoftThreshold([3.0, -1.0, 0.5])
    alphas, null = engine.grid(family, None, 4, 1e-2)
    np.testing.assert_allclose(alphas, np.geomspace(3.0, 0.03, 4))
    fits = engine.run(family, alphas, *null)
    for a, fit in zip(alphas, fits, strict=True):
        np.testing.assert_array_equal(
            fit.w, np.sign(family.z) * np.maximum(np.abs(family.z) - a, 0.0)
        )
    assert fits[0].w.tolist() == [0.0, 0.0, 0.0]  # alpha_max: all zero


def test_each_fit_is_warm_started_from_the_previous_one_and_states_are_dropped():
    family = SoftThreshold([2.0, 1.0])
    fits = engine.run(family, [1.5, 0.5, 0.1], np.zeros(2), 0.0)
    (w0, b0, s0), (w1, b1, s1), (w2, b2, s2) = family.starts
    assert (b0, s0) == (0.0, None) and not w0.any()
    np.testing.assert_array_equal(w1, fits[0].w)
    np.testing.assert_array_equal(w2, fits[1].w)
    assert (b1, s1, b2, s2) == (1.0, 1.5, 2.0, 0.5)  # intercept and state handed on
    assert all(f.state is None for f in fits)


def test_a_given_grid_does_not_compute_the_null_model():
    class NoNull(SoftThreshold):
        def null(self):
            raise AssertionError("null() on a given grid")

    alphas, null = engine.grid(NoNull([1.0]), np.array([0.5]), 100, 1e-4)
    assert null is None and alphas.tolist() == [0.5]


def test_stop_ends_the_path_after_the_fit_that_asked():
    family = SoftThreshold([2.0, 1.0])
    fits = engine.run(family, [1.5, 0.5, 0.1, 0.01], np.zeros(2), stop=lambda fit: fit.state == 0.5)
    assert len(fits) == 2


def test_deviance_stop_is_glmnets_rule():
    # deviance explained 1 - f: above 0.999 stops at once; a stall of less than 1e-5 of itself
    # stops after five alphas, unless the gap leaves room for more growth
    stop = engine.DevianceStop(lambda f: f, 1.0, 0.0)
    fit = [Fit(np.zeros(1), 0.0, 1, True, 1e-8, state=f) for f in (0.5, 1e-4)]
    assert not stop(fit[0]) and stop(fit[1])
    stalled = [0.9, 0.8, 0.7, 0.6, 0.6]
    for gap, expected in ((0.0, True), (1e-3, False)):
        stop = engine.DevianceStop(lambda f: f, 1.0, 0.0)
        results = [stop(Fit(np.zeros(1), gap, 1, True, 1e-8, state=f)) for f in stalled]
        assert results == [False] * 4 + [expected]


def test_assemble_warns_once_for_every_fit_that_did_not_converge():
    family = SoftThreshold([2.0, 1.0], converged=False)
    fits = engine.run(family, [1.0, 0.5], np.zeros(2))
    with pytest.warns(ShrinkageConvergenceWarning, match="at 2 of 2 alphas") as record:
        p = engine.assemble(
            [1.0, 0.5],
            fits,
            np.array([f.w for f in fits]),
            [1.0, 2.0],
            1.0,
            None,
            max_iter=7,
            model="the toy path",
        )
    assert len(record) == 1 and "the toy path" in str(record[0].message)
    assert "max_iter=7" in str(record[0].message)
    assert p.converged.tolist() == [False, False] and p.gaps.tolist() == [1.0, 1.0]


def test_grid_is_geometric_from_alpha_max_and_degenerate_at_zero():
    np.testing.assert_allclose(grid.alpha_grid(2.0, 5, 1e-4), np.geomspace(2.0, 2e-4, 5))
    assert np.all(grid.alpha_grid(0.0, 3, 1e-4) == np.finfo(float).eps)


@pytest.mark.parametrize("solver", ["cd", "gram"])
def test_least_squares_family_matches_sklearn_along_its_own_default_grid(solver):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 8))
    y = X[:, :3] @ [1.0, -2.0, 0.5] + 0.1 * rng.standard_normal(50)
    problem = Problem.build(X, y, fit_intercept=False)
    family = LeastSquares(problem, 1.0, tol=1e-10, max_iter=10_000, solver=solver, screen=True)
    alpha_max, _, _ = family.null()
    assert alpha_max == pytest.approx(np.max(np.abs(X.T @ y)) / 50)
    p = solve_path(
        problem,
        None,
        1.0,
        n_alphas=10,
        alpha_min_ratio=1e-2,
        tol=1e-10,
        max_iter=10_000,
        solver=solver,
    )
    _, coefs, _ = enet_path(X, y, l1_ratio=1.0, alphas=p.alphas, tol=1e-12, max_iter=100_000)
    np.testing.assert_allclose(p.coefs, coefs.T, atol=1e-6)


def test_the_public_paths_are_the_engines_results():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((60, 6))
    y = X[:, 0] - X[:, 1] + 0.3 * rng.standard_normal(60)
    a = shrinkage.path(X, y, n_alphas=8)
    b = solve_path(Problem.build(X, y), None, 1.0, n_alphas=8, alpha_min_ratio=1e-4)
    for field in ("alphas", "coefs", "intercepts", "gaps", "n_iter"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    g = shrinkage.group_path(X, y, groups=[0, 0, 1, 1, 2, 2], n_alphas=5)
    assert g.coefs.shape == (5, 6) and g.nnz[0] == 0 and np.all(g.converged)


@pytest.mark.parametrize(
    "module", ["engine", "grid", "interpolate", "least_squares", "group", "multitask", "result"]
)
def test_docstring_examples_run(module):
    mod = importlib.import_module(f"shrinkage.paths.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
