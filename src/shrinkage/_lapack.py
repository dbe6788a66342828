"""``np.linalg.solve`` and ``np.linalg.lstsq`` for the numba kernels, quick to compile.

numba's own ``np.linalg.solve`` / ``np.linalg.lstsq`` call LAPACK through two C helpers of numba
(``numba_xgesv``, ``numba_ez_gelsd``: ``dgesv`` and ``dgelsd`` of SciPy's LAPACK, with the
workspace query) after generic checks for every dtype, layout and rank of the right-hand side,
whose error messages format shapes at run time.  Compiling those checks took about 4 s per
function in a fresh numba cache, most of a Lasso fit's first compile.  The two functions here
call the same C helpers with the same arguments, so their results are bit for bit numba's (a
test compares them), for the one case the kernels need: a square float64 matrix and a float64
vector.  Failures raise what numba raises: ``np.linalg.LinAlgError`` for a non-finite input or a
singular matrix (``solve``), ``ValueError`` when the SVD does not converge (``lstsq``).

Numba functions over arrays; no shrinkage imports.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.np.linalg import F_INT_nbtype, F_INT_nptype

#: numba's LAPACK kind code of float64 (``ord("d")``)
_FLOAT64 = ord("d")

_xgesv = types.ExternalFunction(
    "numba_xgesv",
    types.intc(
        types.char,  # kind
        types.intp,  # n
        types.intp,  # nrhs
        types.CPointer(types.float64),  # a
        types.intp,  # lda
        types.CPointer(F_INT_nbtype),  # ipiv
        types.CPointer(types.float64),  # b
        types.intp,  # ldb
    ),
)
_ez_gelsd = types.ExternalFunction(
    "numba_ez_gelsd",
    types.intc(
        types.char,  # kind
        types.intp,  # m
        types.intp,  # n
        types.intp,  # nrhs
        types.CPointer(types.float64),  # a
        types.intp,  # lda
        types.CPointer(types.float64),  # b
        types.intp,  # ldb
        types.CPointer(types.float64),  # s
        types.float64,  # rcond
        types.CPointer(F_INT_nbtype),  # rank
    ),
)


@njit(cache=True)
def _system(a, b):
    """(Fortran-ordered copy of a, copy of b) after numba's checks: square a, len(b) rows, both
    finite."""
    n = a.shape[0]
    if a.shape[1] != n or b.shape[0] != n:
        raise ValueError("a must be square and b must have as many entries as a has rows")
    acpy = np.empty(n * n)
    for j in range(n):
        for i in range(n):
            acpy[i + j * n] = a[i, j]
    bcpy = b.copy()
    for i in range(n * n):
        if not np.isfinite(acpy[i]):
            raise np.linalg.LinAlgError("Array must not contain infs or NaNs.")
    for i in range(n):
        if not np.isfinite(bcpy[i]):
            raise np.linalg.LinAlgError("Array must not contain infs or NaNs.")
    return acpy, bcpy


@njit(cache=True)
def _hold(a, b, c):
    """Keeps arrays referenced until a C call that reads their pointers has returned (numba
    frees an array after its last use; its ``.ctypes`` pointer does not count)."""
    return a.size + b.size + c.size


@njit(cache=True)
def solve(a, b):
    """x with a x = b for a square float64 matrix ``a`` and a float64 vector ``b``, as
    ``np.linalg.solve`` in numba (LAPACK ``dgesv``); raises ``np.linalg.LinAlgError`` when a is
    singular or an input is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> solve(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([1.0, 1.0]))
    array([0.5 , 0.25])
    """
    n = a.shape[0]
    acpy, bcpy = _system(a, b)
    if n == 0:
        return bcpy
    ipiv = np.empty(n, dtype=F_INT_nptype)
    info = _xgesv(_FLOAT64, n, 1, acpy.ctypes, n, ipiv.ctypes, bcpy.ctypes, n)
    _hold(acpy, ipiv, bcpy)
    if info > 0:
        raise np.linalg.LinAlgError("Matrix is singular to machine precision.")
    if info < 0:
        raise ValueError("dgesv: an argument had an illegal value")
    return bcpy


@njit(cache=True)
def lstsq(a, b):
    """The minimum-norm least-squares solution of a x = b for a square float64 matrix ``a`` and a
    float64 vector ``b``: ``np.linalg.lstsq(a, b)[0]`` in numba (LAPACK ``dgelsd``, rcond -1:
    machine precision).

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
    rank = np.empty(1, dtype=F_INT_nptype)
    info = _ez_gelsd(_FLOAT64, n, n, 1, acpy.ctypes, n, bcpy.ctypes, n, s.ctypes, -1.0, rank.ctypes)
    _hold(acpy, s, rank)
    if info != 0:
        raise ValueError("Internal algorithm failed to converge.")
    return bcpy
