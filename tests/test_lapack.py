"""shrinkage._lapack against numba's own np.linalg.solve / lstsq and @: the same bits, the same
errors (an empty array from solve_or_empty where numba's solve raises)."""

import numpy as np
import pytest
from numba import njit

from shrinkage import _lapack


@njit
def _numba_solve(a, b):
    return np.linalg.solve(a, b)


@njit
def _numba_lstsq(a, b):
    return np.linalg.lstsq(a, b)[0]


def _outcome(f, a, b):
    try:
        return f(a, b)
    except Exception as e:  # the exception is the outcome compared
        return type(e), str(e)


def _systems():
    rng = np.random.default_rng(0)
    for trial in range(60):
        n = int(rng.integers(1, 9))
        a = rng.standard_normal((n, n))
        if trial % 3 == 0:  # rank deficient (singular for solve, minimum norm for lstsq)
            u = rng.standard_normal((n, max(n - 2, 1)))
            a = u @ u.T
        if trial % 4 == 1:
            a = np.asfortranarray(a)
        if trial % 4 == 2:
            a = a[:, ::-1]  # neither C nor Fortran contiguous
        yield a, rng.standard_normal(n)
    yield np.zeros((2, 2)), np.ones(2)
    yield np.array([[np.nan]]), np.ones(1)
    yield np.ones((1, 1)), np.array([np.inf])


@pytest.mark.parametrize(
    "ours, theirs", [(_lapack.solve_or_empty, _numba_solve), (_lapack.lstsq, _numba_lstsq)]
)
def test_bit_identical_to_numba_linalg(ours, theirs):
    failed = 0
    for a, b in _systems():
        got, expected = _outcome(ours, a, b), _outcome(theirs, a, b)
        if isinstance(expected, tuple) and ours is _lapack.solve_or_empty:
            assert isinstance(got, np.ndarray) and got.shape == (0,)
            failed += 1
        elif isinstance(expected, tuple):
            assert got == expected
        else:
            assert isinstance(got, np.ndarray) and got.dtype == np.float64
            assert got.tobytes() == expected.tobytes()
    assert failed >= 3 or ours is _lapack.lstsq  # singular and non-finite systems were tried


def test_inputs_are_not_modified():
    a, b = np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0])
    for f in (_lapack.solve_or_empty, _lapack.lstsq):
        x = f(a, b)
        np.testing.assert_allclose(a @ x, b)
        assert a.tolist() == [[2.0, 1.0], [1.0, 3.0]] and b.tolist() == [1.0, 2.0]


def test_shapes_are_checked():
    with pytest.raises(ValueError, match="square"):
        _lapack.lstsq(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="as many entries"):
        _lapack.lstsq(np.eye(2), np.ones(3))


@njit
def _numba_outer_gram(u):
    return u @ u.T


@njit
def _numba_combine_rows(c, h):
    return c @ h[1:]


@njit
def _combine_rows_of_a_slice(c, h):  # a C-ordered slice, as Anderson's history[1:]
    return _lapack.combine_rows(c, h[1:])


def test_matrix_products_are_numba_s_bit_for_bit():
    rng = np.random.default_rng(0)
    for n in (0, 1, 3, 17, 200, 5000):
        u = rng.standard_normal((5, n)) * 10.0 ** rng.integers(-3, 4, (5, 1))
        h, c = rng.standard_normal((6, n)), rng.standard_normal(5)
        assert _lapack.outer_gram(u).tobytes() == _numba_outer_gram(u).tobytes()
        assert _combine_rows_of_a_slice(c, h).tobytes() == _numba_combine_rows(c, h).tobytes()
