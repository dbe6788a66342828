"""Float64 buffers kept from one fit for the next: memory whose pages are already mapped.

A fresh buffer of more than a few hundred KiB comes from the operating system page by page:
each 4 KiB page costs a page fault (a microsecond or two) when first written.  A single Lasso
fit on a wide design writes a few MiB of such fresh memory (the working sets' columns, a Newton
step's columns and Gram matrix): on 500 x 5000 at alpha_max / 10, about 700 faults, a tenth of
the fit's time.  A solver takes its large buffers here (``take``) and gives them back when done
(``give``); the next fit reuses them.  At most ``KEEP_BYTES`` stay kept between fits.

A buffer is handed out again only when nothing else refers to it: a buffer given back while a
view of it (or any other reference) is still alive is dropped, never reused, so that no array in
use can see its memory rewritten by the next taker.  ``give`` only queues the buffer (it may run
in a finalizer, during a garbage collection inside ``take``); the next ``take`` checks and sorts
the queue, once the giver's own references are gone.
"""

from __future__ import annotations

import sys
import threading
from typing import Literal

import numpy as np

#: the most bytes kept between fits
KEEP_BYTES = 2**25
#: a kept buffer serves a request for at least this fraction of its size (a small request
#: does not take the buffer a large one will want)
LEAST_SHARE = 0.125

_kept: list[np.ndarray] = []
#: buffers given back and not sorted into ``_kept`` yet: ``give`` only appends here (atomic), so
#: that a finalizer that gives a buffer back during a garbage collection, which may run in the
#: middle of ``take`` in the same thread, never waits on ``_lock`` nor sees ``_kept`` half done
_given: list[np.ndarray] = []
_lock = threading.Lock()


def take(size: int) -> np.ndarray:
    """A flat float64 buffer of at least ``size`` entries (its contents undefined): the smallest
    kept one that holds it, else a new one.

    Examples
    --------
    >>> import weakref
    >>> a = take(1000)
    >>> ref = weakref.ref(a)  # not a reference that keeps it from reuse
    >>> give(a)
    >>> del a  # a buffer still referred to is never handed out again
    >>> take(900) is ref(), take(900) is ref()  # kept once, taken once
    (True, False)
    """
    with _lock:
        _sort_given()
        fits = [k for k, b in enumerate(_kept) if b.size * LEAST_SHARE <= size <= b.size]
        if fits:
            return _kept.pop(min(fits, key=lambda k: _kept[k].size))
    return np.empty(max(size, 0))


def give(buffer: np.ndarray) -> None:
    """Queue a buffer of ``take`` for a later one; safe from a finalizer (no lock).  The queue
    holds ``KEEP_BYTES`` at most (the oldest dropped first)."""
    _given.append(buffer)
    queued = sum(b.nbytes for b in list(_given))
    while queued > KEEP_BYTES:
        try:
            queued -= _given.pop(0).nbytes
        except IndexError:  # another thread's ``take`` sorted the queue meanwhile
            break


def _sort_given() -> None:
    """Move the queued buffers that nothing else refers to into ``_kept``, the largest first
    while they fit in ``KEEP_BYTES`` in all (``_lock`` held)."""
    while _given:
        buffer = _given.pop()
        if _references(buffer) <= _ALONE:
            _kept.append(buffer)
        del buffer
    total = 0
    for b in sorted(_kept, key=lambda b: -b.nbytes):
        if total + b.nbytes > KEEP_BYTES:
            _kept[:] = [c for c in _kept if c is not b]
        else:
            total += b.nbytes


def _references(buffer: np.ndarray) -> int:
    """The references to ``buffer`` (a view of it holds one: numpy's ``base``)."""
    return sys.getrefcount(buffer)


def _alone() -> int:
    """``_references`` of a buffer held only by one local name, as in ``_sort_given``."""
    buffer = np.empty(0)
    return _references(buffer)


#: ``_references`` of a buffer that nothing but ``_sort_given`` refers to
_ALONE = _alone()


def matrix(flat: np.ndarray, shape: tuple[int, int], order: Literal["C", "F"] = "C") -> np.ndarray:
    """A (rows, columns) view of the first entries of a flat buffer, in ``order``.

    Examples
    --------
    >>> matrix(np.arange(8.0), (2, 3), "F").tolist()
    [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]
    """
    rows, cols = shape
    return flat[: rows * cols].reshape(shape, order=order)
