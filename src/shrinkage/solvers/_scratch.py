"""Float64 buffers kept from one fit for the next: memory whose pages are already mapped.

A fresh buffer of more than a few hundred KiB comes from the operating system page by page:
each 4 KiB page costs a page fault (a microsecond or two) when first written.  A single Lasso
fit on a wide design writes a few MiB of such fresh memory (the working sets' columns, a Newton
step's columns and Gram matrix): on 500 x 5000 at alpha_max / 10, about 700 faults, a tenth of
the fit's time.  A solver takes its large buffers here (``take``) and gives them back when done
(``give``); the next fit reuses them.  At most ``KEEP_BYTES`` stay kept between fits.

A buffer given back must have no views left in use: it is written by its next taker.
"""

from __future__ import annotations

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
    >>> a = take(1000)
    >>> give(a)
    >>> take(900) is a, take(900) is a  # kept once, taken once
    (True, False)
    """
    with _lock:
        _sort_given()
        fits = [k for k, b in enumerate(_kept) if b.size * LEAST_SHARE <= size <= b.size]
        if fits:
            return _kept.pop(min(fits, key=lambda k: _kept[k].size))
    return np.empty(max(size, 0))


def give(buffer: np.ndarray) -> None:
    """Keep a buffer of ``take`` for a later one (the largest kept ones while they fit in
    ``KEEP_BYTES`` in all); safe from a finalizer."""
    _given.append(buffer)
    if _lock.acquire(blocking=False):  # else sorted in by the next ``take`` or ``give``
        try:
            _sort_given()
        finally:
            _lock.release()


def _sort_given() -> None:
    """Move the buffers given back into ``_kept``, the largest first while they fit in
    ``KEEP_BYTES`` (``_lock`` held)."""
    while _given:
        _kept.append(_given.pop())
    total = 0
    for b in sorted(_kept, key=lambda b: -b.nbytes):
        if total + b.nbytes > KEEP_BYTES:
            _kept[:] = [c for c in _kept if c is not b]
        else:
            total += b.nbytes


def matrix(flat: np.ndarray, shape: tuple[int, int], order: Literal["C", "F"] = "C") -> np.ndarray:
    """A (rows, columns) view of the first entries of a flat buffer, in ``order``.

    Examples
    --------
    >>> matrix(np.arange(8.0), (2, 3), "F").tolist()
    [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]
    """
    rows, cols = shape
    return flat[: rows * cols].reshape(shape, order=order)
