"""Buffers kept between fits (solvers/_scratch.py), and the solvers that take them: a buffer
given back serves the next taker, and what a fit computes in reused memory is what it computes
in fresh memory."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

from shrinkage.solvers import _scratch
from shrinkage.solvers.cd import solve_cd
from shrinkage.solvers.column_cache import ColumnCache, dense_design

from ._common import weights


@pytest.fixture
def empty_pool(monkeypatch):
    monkeypatch.setattr(_scratch, "_kept", [])
    monkeypatch.setattr(_scratch, "_given", [])
    return _scratch._kept


def _given_away(size: int) -> weakref.ref:
    """A buffer taken and given back, known only through a weak reference (a reference of the
    test's own would keep it from reuse)."""
    buffer = _scratch.take(size)
    _scratch.give(buffer)
    return weakref.ref(buffer)


def test_a_given_buffer_serves_one_later_request_of_its_size(empty_pool):
    a = _given_away(1000)
    assert _scratch.take(100) is not a()  # under LEAST_SHARE of it: left for a larger request
    assert _scratch.take(1000) is a()
    assert _scratch.take(1000) is not a()  # taken once


def test_a_buffer_still_referred_to_is_never_handed_out_again(empty_pool):
    buffer = _scratch.take(1000)
    view = buffer[:10]
    _scratch.give(buffer)
    del buffer
    assert _scratch.take(1000).base is not view.base  # its view is alive: dropped, not reused
    assert not empty_pool
    held = _scratch.take(1000)
    _scratch.give(held)  # given while the caller still holds it
    assert _scratch.take(1000) is not held


def test_the_smallest_fitting_buffer_is_taken_and_the_pool_is_bounded(empty_pool, monkeypatch):
    monkeypatch.setattr(_scratch, "KEEP_BYTES", 8 * 3000)
    small, large, _ = (_given_away(n) for n in (1000, 2000, 500))
    _scratch.take(10_000)  # sorts the given buffers in: the largest while they fit
    assert sorted(b.size for b in empty_pool) == [1000, 2000]
    assert _scratch.take(900) is small() and _scratch.take(900) is large()


def test_a_dropped_cache_gives_its_store_to_the_next_fit(empty_pool):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 120))
    y = X[:, :3] @ np.array([1.0, -2.0, 1.5]) + 0.1 * rng.standard_normal(40)
    d = dense_design(X, y, np.ones(40), True)
    pw = weights(0.05 * np.abs(d.y_correlations).max(), 1.0, 120)
    first = ColumnCache.of(d)
    fit = solve_cd(d, pw, np.zeros(120), tol=1e-12, max_iter=10_000, cache=first)
    store = weakref.ref(first._held[0])
    del first
    gc.collect()
    assert any(b is store() for b in _scratch._given)
    store()[:] = np.nan  # what the next cache finds there is overwritten before it is read
    second = ColumnCache.of(d)
    again = solve_cd(d, pw, np.zeros(120), tol=1e-12, max_iter=10_000, cache=second)
    assert second._held[0] is store()
    np.testing.assert_array_equal(again.w, fit.w)
    assert again.converged and again.gap == fit.gap


def test_a_buffer_given_while_the_pool_is_busy_is_kept_later(empty_pool):
    """``give`` from a finalizer that runs while ``take`` holds the lock (a garbage collection
    in the same thread) does not wait: the buffer is sorted in by the next call."""
    buffer = _scratch.take(1000)
    a = weakref.ref(buffer)
    with _scratch._lock:
        _scratch.give(buffer)
    del buffer
    assert not empty_pool and _scratch._given == [a()]
    assert _scratch.take(1000) is a() and not _scratch._given


def test_the_queue_of_given_buffers_is_bounded_too(empty_pool, monkeypatch):
    monkeypatch.setattr(_scratch, "KEEP_BYTES", 8 * 3000)
    for _ in range(5):
        _scratch.give(np.empty(1000))
    assert len(_scratch._given) == 3  # the oldest dropped


def test_fits_in_threads_that_share_the_pool_are_those_made_alone(empty_pool):
    from concurrent.futures import ThreadPoolExecutor

    from shrinkage import Lasso

    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 400))
    ys = [X[:, k : k + 4] @ np.ones(4) + 0.1 * rng.standard_normal(60) for k in range(8)]
    alone = [Lasso(alpha=0.05, tol=1e-10).fit(X, y).coef_ for y in ys]
    with ThreadPoolExecutor(4) as pool:
        shared = list(pool.map(lambda y: Lasso(alpha=0.05, tol=1e-10).fit(X, y).coef_, ys * 3))
    for k, coef in enumerate(shared):
        np.testing.assert_array_equal(coef, alone[k % len(ys)])
