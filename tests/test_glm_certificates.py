"""The GLM duality gap against an independent numpy implementation (tests/glm/_data.py)."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage._problem import Problem
from shrinkage.datafits.logistic import Logistic
from shrinkage.glm.path import _weights
from shrinkage.glm_certificates import glm_duality_gap
from shrinkage.solvers.prox_newton import _Data, polish_unpenalized

from .glm._data import classification, logistic_gap

X, Y = classification(n=80, p=10, seed=2)
N, P = X.shape


def _certify(w, b, alpha, l1_ratio=1.0, **kw):
    problem = Problem.build(X, Y, **kw)
    pw = _weights(problem, alpha, l1_ratio, problem.col_norm_sq == 0)
    data = _Data(
        problem.raw_design,
        Logistic(),
        Y,
        problem.sw,
        problem.offset_or_zero(),
        problem.fit_intercept,
    )
    free = np.flatnonzero((pw.l1 == 0) & (pw.l2 == 0))
    eta = X @ w + b + data.offset
    polished = polish_unpenalized(data, pw, free, w, b, eta)
    w, b, eta = polished.w, polished.b, polished.eta
    grad = X.T @ (problem.sw * Logistic().derivative(Y, eta))
    gap, primal = glm_duality_gap(
        Logistic(), Y, problem.sw, eta, data.offset, w, pw, grad, polished.exact
    )
    return gap, primal, w, b


@pytest.mark.parametrize(
    "opts",
    [
        {},
        {"l1_ratio": 0.5},
        {"l1_ratio": 0.0},
        {"fit_intercept": False},
        {"sample_weight": np.linspace(0.2, 2.0, N)},
        {"offset": np.linspace(-1, 1, N)},
        {"penalty_factor": np.r_[0.0, np.linspace(0.5, 2, P - 1)]},
    ],
)
def test_gap_matches_the_reference_at_random_points(opts):
    rng = np.random.default_rng(0)
    l1_ratio = opts.pop("l1_ratio", 1.0)
    ref_kw = {
        "sw": opts.get("sample_weight"),
        "offset": opts.get("offset", 0.0),
        "factors": opts.get("penalty_factor"),
        "fit_intercept": opts.get("fit_intercept", True),
    }
    for _ in range(3):
        w0 = rng.normal(0, 0.5, P) * (rng.random(P) < 0.6)
        gap, _, w, b = _certify(w0, 0.1, 0.05, l1_ratio, **opts)
        ref = logistic_gap(X, Y, w, b, 0.05, l1_ratio, **ref_kw)
        assert gap > 1e-3  # a bad point has a large gap
        np.testing.assert_allclose(gap, ref, rtol=1e-9)


def test_gap_is_an_upper_bound_on_the_suboptimality():
    import shrinkage

    alpha = 0.03
    path = shrinkage.path(X, Y, datafit="logistic", alphas=[alpha], tol=1e-13)
    w_opt, b_opt = path.coefs[0], path.intercepts[0]
    assert path.gaps[0] < 1e-12
    _, p_opt, _, _ = _certify(w_opt, b_opt, alpha)
    rng = np.random.default_rng(1)
    for scale in (1e-3, 1e-1):
        gap, primal, _, _ = _certify(w_opt + scale * rng.normal(size=P), b_opt, alpha)
        assert primal - p_opt <= gap + 1e-12
        assert gap > 0


@pytest.mark.parametrize(
    "module, names",
    [
        ("shrinkage.penalties._l1_l2_kernels", ["dual_scale", "penalty_conjugate"]),
    ],
)
def test_certificate_kernels_never_take_a_fastmath_callers_flags(module, names):
    """numba compiles a kernel first called from a fastmath one with that caller's flags: the
    GLM certificate's kernels must say fastmath=False themselves (as ``_kernels``' do)."""
    import importlib

    kernels = importlib.import_module(module)
    for name in names:
        assert getattr(kernels, name).targetoptions.get("fastmath") is False, name


class _BrokenConjugate(Logistic):
    """A datafit whose conjugate is off by ``error`` per sample (as an overflow could make it)."""

    def __init__(self, error):
        self.error = error

    def conjugate(self, y, v):
        return super().conjugate(y, v) + self.error


@pytest.mark.parametrize("error", [-1e6, -np.inf, np.nan])
def test_a_gap_that_cannot_be_trusted_certifies_nothing(error):
    """A gap far below 0 (or NaN) means the dual point or its arithmetic broke down: it was
    reported as 0 (a certified optimum) where it must be inf."""
    problem = Problem.build(X, Y)
    pw = _weights(problem, 0.05, 1.0, problem.col_norm_sq == 0)
    w = np.zeros(P)
    eta = np.zeros(N)
    grad = X.T @ (problem.sw * Logistic().derivative(Y, eta))
    gap, _ = glm_duality_gap(_BrokenConjugate(error), Y, problem.sw, eta, np.zeros(N), w, pw, grad)
    assert gap == np.inf


def test_a_rounding_error_below_zero_reads_zero():
    from shrinkage.glm_certificates import trusted_glm_gap

    assert trusted_glm_gap(1.0, (1.0 + 1e-15,)) == 0.0
    assert trusted_glm_gap(1.0, (0.5,)) == 0.5
    assert trusted_glm_gap(1.0, (np.inf,)) == np.inf
