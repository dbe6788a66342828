"""``np.linalg.solve`` (without raising), ``np.linalg.lstsq`` and two matrix products for the
numba kernels, quick to compile.

numba's own ``np.linalg.solve`` / ``np.linalg.lstsq`` run generic checks for every dtype, layout
and rank of the right-hand side, whose error messages format shapes at run time; compiling them
took about 4 s per function in a fresh numba cache, most of a Lasso fit's first compile.  The two
functions here call LAPACK's ``dgesv`` and ``dgelsd`` directly, from SciPy's Cython LAPACK
(``scipy.linalg.cython_lapack``, the LAPACK numba itself calls), with numba's arguments and
workspace sizes, so their results are bit for bit numba's (a test compares them), for the one
case the kernels need: a square float64 matrix and a float64 vector.  ``lstsq`` raises what numba
raises (``np.linalg.LinAlgError``, ``ValueError`` when the SVD does not converge);
``solve_or_empty`` returns an empty array where numba's ``solve`` raises (a non-finite input, a
singular matrix).  ``outer_gram`` (u @ u.T) and ``combine_rows`` (c @ h) call BLAS's
``dgemm`` and ``dgemv`` (``scipy.linalg.cython_blas``) with the arguments numba's ``@`` passes
for C-ordered matrices: the same bits, without compiling numba's checks of every layout.

Binding, on public APIs only: ``numba.extending.get_cython_function_address`` gives the address
of each routine, ``llvmlite.binding.add_symbol`` registers it under a name of ours, and
``numba.types.ExternalFunction`` calls that name.  (numba's documented ``ctypes.CFUNCTYPE``
binding bakes the address into the machine code, which numba then refuses to cache: every kernel
calling it would compile again in every process.)  SciPy's LAPACK takes every argument by pointer,
integers as 32-bit ``int``; each call sits in a function of its own whose arguments are the arrays
it points into, so that the caller keeps them referenced until LAPACK has returned.

Numba functions over arrays; no shrinkage imports but the kernels' decorator (``_jit.njit``).
"""

from __future__ import annotations

import llvmlite.binding as llvm
import numpy as np
from numba import types
from numba.extending import get_cython_function_address

from ._jit import njit, njit_internal

_INT = types.CPointer(types.int32)  # LAPACK's INTEGER in scipy.linalg.cython_lapack: C int
_DOUBLE = types.CPointer(types.float64)
_CHAR = types.CPointer(types.uint8)  # BLAS's CHARACTER: one byte


def _lapack_routine(name: str, *args: types.Type, module: str = "lapack") -> types.ExternalFunction:
    """SciPy's LAPACK (or BLAS) routine ``name`` (a void function of pointers) as a numba external
    function (a symbol name, so that the kernels calling it stay cacheable)."""
    symbol = f"shrinkage_scipy_{module}_{name}"
    llvm.add_symbol(symbol, get_cython_function_address(f"scipy.linalg.cython_{module}", name))
    return types.ExternalFunction(symbol, types.void(*args))


# dgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
_dgemm = _lapack_routine(
    "dgemm",
    *(
        _CHAR,
        _CHAR,
        _INT,
        _INT,
        _INT,
        _DOUBLE,
        _DOUBLE,
        _INT,
        _DOUBLE,
        _INT,
        _DOUBLE,
        _DOUBLE,
        _INT,
    ),
    module="blas",
)
# dgemv(trans, m, n, alpha, a, lda, x, incx, beta, y, incy)
_dgemv = _lapack_routine(
    "dgemv",
    *(_CHAR, _INT, _INT, _DOUBLE, _DOUBLE, _INT, _DOUBLE, _INT, _DOUBLE, _DOUBLE, _INT),
    module="blas",
)
# dgesv(n, nrhs, a, lda, ipiv, b, ldb, info)
_dgesv = _lapack_routine("dgesv", _INT, _INT, _DOUBLE, _INT, _INT, _DOUBLE, _INT, _INT)
# dgelsd(m, n, nrhs, a, lda, b, ldb, s, rcond, rank, work, lwork, iwork, info)
_dgelsd = _lapack_routine(
    "dgelsd",
    *(_INT, _INT, _INT, _DOUBLE, _INT, _DOUBLE, _INT, _DOUBLE, _DOUBLE, _INT),
    *(_DOUBLE, _INT, _INT, _INT),
)


@njit_internal()
def _copies(a, b):
    """(Fortran-ordered copy of a, copy of b, whether both are finite) for a square a."""
    n = a.shape[0]
    acpy = np.empty(n * n)
    for j in range(n):
        for i in range(n):
            acpy[i + j * n] = a[i, j]
    bcpy = b.copy()
    finite = True
    for i in range(n * n):
        finite = finite and np.isfinite(acpy[i])
    for i in range(n):
        finite = finite and np.isfinite(bcpy[i])
    return acpy, bcpy, finite


@njit_internal()
def _system(a, b):
    """(Fortran-ordered copy of a, copy of b) after numba's checks: square a, len(b) rows, both
    finite."""
    n = a.shape[0]
    if a.shape[1] != n or b.shape[0] != n:
        raise ValueError("a must be square and b must have as many entries as a has rows")
    acpy, bcpy, finite = _copies(a, b)
    if not finite:
        raise np.linalg.LinAlgError("Array must not contain infs or NaNs.")
    return acpy, bcpy


@njit_internal()
def _call_dgesv(acpy, bcpy, iv):
    """dgesv on a (n x n, Fortran order) and b in place; ``iv`` holds n, nrhs, info, then room
    for the pivots.  The arrays are arguments so that the caller keeps them referenced while
    LAPACK reads their pointers (numba frees an array after its last use; its ``.ctypes``
    pointer does not count)."""
    n = iv.ctypes
    _dgesv(n, iv[1:].ctypes, acpy.ctypes, n, iv[3:].ctypes, bcpy.ctypes, n, iv[2:].ctypes)


@njit_internal()
def _call_dgelsd(acpy, bcpy, s, iv, dv):
    """dgelsd on a (n x n, Fortran order) and b in place, singular values into s; ``iv`` holds
    n, nrhs, rank, info, lwork, then iwork, ``dv`` rcond, then work (lwork -1: the workspace
    query, which writes the sizes of work and iwork into their first entries).  The arrays are
    arguments so that the caller keeps them referenced while LAPACK reads their pointers."""
    n, work, iwork = iv.ctypes, dv[1:].ctypes, iv[5:].ctypes
    _dgelsd(
        *(n, n, iv[1:].ctypes, acpy.ctypes, n, bcpy.ctypes, n, s.ctypes, dv.ctypes),
        *(iv[2:].ctypes, work, iv[4:].ctypes, iwork, iv[3:].ctypes),
    )


@njit(cache=True)
def solve_or_empty(a, b):
    """x with a x = b for a square float64 matrix ``a`` and a float64 vector ``b`` with as many
    entries, as ``np.linalg.solve`` in numba (LAPACK ``dgesv``), or an empty array where that
    raises (a singular matrix, a non-finite input): the caller skips its step then, without
    catching an exception (numba's try/except compiled for about 0.5 s in a fresh cache).

    Examples
    --------
    >>> import numpy as np
    >>> solve_or_empty(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([1.0, 1.0]))
    array([0.5 , 0.25])
    >>> solve_or_empty(np.ones((2, 2)), np.array([1.0, 1.0])).shape
    (0,)
    """
    n = a.shape[0]
    acpy, bcpy, finite = _copies(a, b)
    if not finite:
        return np.empty(0)
    if n == 0:
        return bcpy
    iv = np.empty(n + 3, dtype=np.int32)
    iv[0], iv[1] = n, 1
    _call_dgesv(acpy, bcpy, iv)
    if iv[2] != 0:
        return np.empty(0)
    return bcpy


@njit(cache=True)
def lstsq(a, b):
    """The minimum-norm least-squares solution of a x = b for a square float64 matrix ``a`` and a
    float64 vector ``b``: ``np.linalg.lstsq(a, b)[0]`` in numba (LAPACK ``dgelsd``, rcond -1:
    machine precision; the workspace sizes from a query call first, as numba does).

    Examples
    --------
    >>> import numpy as np
    >>> lstsq(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([2.0, 2.0]))
    array([1., 1.])
    """
    n = a.shape[0]
    acpy, bcpy = _system(a, b)
    if n == 0:
        raise np.linalg.LinAlgError("Arrays cannot be empty")
    s = np.empty(n)
    query_iv, query_dv = np.empty(6, dtype=np.int32), np.empty(2)
    query_iv[0], query_iv[1], query_iv[4], query_dv[0] = n, 1, -1, -1.0
    _call_dgelsd(acpy, bcpy, s, query_iv, query_dv)
    if query_iv[3] < 0:
        raise ValueError("dgelsd: an argument had an illegal value")
    lwork, liwork = np.int32(query_dv[1]), query_iv[5]
    iv, dv = np.empty(5 + liwork, dtype=np.int32), np.empty(1 + lwork)
    iv[0], iv[1], iv[4], dv[0] = n, 1, lwork, -1.0
    _call_dgelsd(acpy, bcpy, s, iv, dv)
    if iv[3] != 0:
        raise ValueError("Internal algorithm failed to converge.")
    return bcpy


@njit_internal()
def _call_dgemm(u, out, iv, dv, cv):
    """dgemm("t", "n", K, K, n, 1, u, n, u, n, 0, out, K): the arguments numba's ``u @ u.T``
    passes for a C-ordered K x n matrix u (``iv`` holds K, n; ``dv`` 1, 0; ``cv`` "t", "n")."""
    k, n = iv.ctypes, iv[1:].ctypes
    _dgemm(
        cv.ctypes,
        cv[1:].ctypes,
        k,
        k,
        n,
        dv.ctypes,
        u.ctypes,
        n,
        u.ctypes,
        n,
        dv[1:].ctypes,
        out.ctypes,
        k,
    )


@njit_internal()
def _call_dgemv(c, h, out, iv, dv, cv):
    """dgemv("n", n, K, 1, h, n, c, 1, 0, out, 1): the arguments numba's ``c @ h`` passes for a
    C-ordered K x n matrix h (``iv`` holds n, K, 1; ``dv`` 1, 0; ``cv`` "n")."""
    one = iv[2:].ctypes
    _dgemv(
        cv.ctypes,
        iv.ctypes,
        iv[1:].ctypes,
        dv.ctypes,
        h.ctypes,
        iv.ctypes,
        c.ctypes,
        one,
        dv[1:].ctypes,
        out.ctypes,
        one,
    )


@njit(cache=True)
def outer_gram(u):
    """u @ u.T for a C-ordered float64 matrix u, bit for bit numba's (the same BLAS dgemm call).

    Examples
    --------
    >>> import numpy as np
    >>> outer_gram(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[ 5., 11.],
           [11., 25.]])
    """
    K, n = u.shape
    out = np.empty((K, K))
    if n == 0:
        for a in range(K):
            for b in range(K):
                out[a, b] = 0.0
        return out
    iv = np.empty(2, dtype=np.int32)
    iv[0], iv[1] = K, n
    dv = np.empty(2)
    dv[0], dv[1] = 1.0, 0.0
    cv = np.empty(2, dtype=np.uint8)
    cv[0], cv[1] = 116, 110  # "t", "n"
    _call_dgemm(u, out, iv, dv, cv)
    return out


@njit(cache=True)
def combine_rows(c, h):
    """c @ h for a float64 vector c and a C-ordered float64 matrix h with as many rows, bit for
    bit numba's (the same BLAS dgemv call).

    Examples
    --------
    >>> import numpy as np
    >>> combine_rows(np.array([1.0, -1.0]), np.array([[1.0, 2.0], [3.0, 5.0]]))
    array([-2., -3.])
    """
    K, n = h.shape
    out = np.empty(n)
    if K == 0 or n == 0:
        for i in range(n):
            out[i] = 0.0
        return out
    iv = np.empty(3, dtype=np.int32)
    iv[0], iv[1], iv[2] = n, K, 1
    dv = np.empty(2)
    dv[0], dv[1] = 1.0, 0.0
    cv = np.empty(1, dtype=np.uint8)
    cv[0] = 110  # "n"
    _call_dgemv(c, h, out, iv, dv, cv)
    return out
