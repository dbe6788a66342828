"""BLAS threads around the working-set solvers (solvers/_threads.py)."""

from __future__ import annotations

import threading

from threadpoolctl import threadpool_info

from shrinkage.solvers._threads import SMALL_DESIGN, blas_threads_for, one_blas_thread


def _blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_one_thread_inside_and_the_limits_restored_after():
    before = _blas_threads()
    with one_blas_thread():
        assert all(t == 1 for t in _blas_threads())
        with blas_threads_for(10):  # nested: still one, and the outer limit is kept on exit
            assert all(t == 1 for t in _blas_threads())
        assert all(t == 1 for t in _blas_threads())
    assert _blas_threads() == before
    with one_blas_thread():  # the same after the nested context (no limit of its own) closed
        with one_blas_thread():
            pass
        assert all(t == 1 for t in _blas_threads())
    assert _blas_threads() == before
    with blas_threads_for(SMALL_DESIGN + 1):  # a large design keeps its threads
        assert _blas_threads() == before


def test_no_change_from_a_worker_thread():
    before = _blas_threads()
    seen: list[list[int]] = []

    def work():
        with one_blas_thread():
            seen.append(_blas_threads())

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen == [before] and _blas_threads() == before
