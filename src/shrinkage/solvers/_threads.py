"""BLAS threads around the working-set solvers' short calls.

A working-set fit on a wide design makes many short BLAS calls: a matrix-vector product per
outer iteration (memory bound), a small Cholesky factorization and its solves.  OpenBLAS threads
each of them, and on a machine whose cores are busy the threads wait for each other far longer
than the call takes alone.  Measured on 2 cores with other processes running: X'r for a
500 x 5000 X, 13.6 ms with two threads and 1.0 ms with one; a 182 x 182 Cholesky, 30 to 800 ms
and 0.3 ms.  A design that one core reads quickly (``SMALL_DESIGN`` entries) is therefore solved
with one BLAS thread; a larger one keeps the threads that its memory bandwidth needs.

The limit is process-wide (threadpoolctl sets the BLAS libraries' own setting and restores it on
exit), so it is applied from the main thread only: fits running in several threads at once
would otherwise restore each other's limits out of order.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator

from threadpoolctl import ThreadpoolController

#: designs up to this many entries (128 MiB of float64) are solved with one BLAS thread
SMALL_DESIGN = 2**24


@functools.cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


#: how many ``one_blas_thread`` contexts are open in the main thread: inside one, another has
#: nothing to change (setting and restoring the libraries' limits costs about 40 us, and a
#: wide Lasso fit makes four such calls inside its own, for a Newton step's factorization)
_open = 0


def one_blas_thread() -> contextlib.AbstractContextManager:
    """A context in which BLAS and LAPACK run on one thread (the limits before are restored);
    no change outside the main thread, nor inside another such context."""
    if _open or threading.current_thread() is not threading.main_thread():
        return contextlib.nullcontext()
    return _one_thread()


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    global _open
    with _controller().limit(limits=1, user_api="blas"):
        _open += 1
        try:
            yield
        finally:
            _open -= 1


def blas_threads_for(n_entries: int) -> contextlib.AbstractContextManager:
    """``one_blas_thread`` for a design of at most ``SMALL_DESIGN`` entries, else no change.

    Examples
    --------
    >>> with blas_threads_for(10):
    ...     pass
    """
    return one_blas_thread() if n_entries <= SMALL_DESIGN else contextlib.nullcontext()
