"""The shifted tridiagonal kernels of the ridge kernel form (``solvers._tridiagonal_kernels``),
compiled and as plain Python (``py_func``, which coverage traces), against dense inverses."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage.solvers._tridiagonal_kernels import inverse_diagonals, pivots, solves


def _tridiagonal(m: int, seed: int):
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((m, m + 2))
    T = B @ B.T  # positive definite; its tridiagonal form keeps the spectrum
    diag, off = np.diag(T).copy(), np.diag(T, -1).copy()
    Q = np.linalg.qr(rng.standard_normal((m + 5, m)))[0]
    return diag, off, np.ascontiguousarray(Q)


@pytest.mark.parametrize("m", [1, 2, 4, 19])
@pytest.mark.parametrize("compiled", [True, False], ids=["numba", "python"])
def test_shifted_solves_and_inverse_diagonals_match_dense_inverses(m, compiled):
    diag, off, Q = _tridiagonal(m, m)
    T = np.diag(diag) + np.diag(off, 1) + np.diag(off, -1)
    shifts = np.array([1e-3, 0.5, 40.0])
    z = np.random.default_rng(1).standard_normal((m, 2))
    run = (lambda f: f) if compiled else (lambda f: f.py_func)
    sub, inv_piv = run(pivots)(diag, off, shifts)
    assert np.all(inv_piv > 0)
    x = run(solves)(sub, inv_piv, z)
    lev = run(inverse_diagonals)(Q, sub, inv_piv)
    for c, a in enumerate(shifts):
        inverse = np.linalg.inv(T + a * np.eye(m))
        np.testing.assert_allclose(x[:, c], inverse @ z, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(lev[:, c], np.diag(Q @ inverse @ Q.T), rtol=1e-10)


def test_a_pivot_at_or_below_zero_is_reported():
    """T + a I indefinite: some 1 / D is not positive (``DualRidge`` then diagonalizes T)."""
    _, inv_piv = pivots(np.array([1.0, 1.0]), np.array([2.0]), np.array([0.5]))
    assert np.any(inv_piv <= 0)
    assert pivots(np.zeros(0), np.zeros(0), np.array([1.0]))[1].shape == (0, 1)
