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
KEEP_BYTES = 2**26
#: a kept buffer serves a request for at least this fraction of its size (a small request
#: does not take the buffer a large one will want)
LEAST_SHARE = 0.125

_kept: list[np.ndarray] = []
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
        fits = [k for k, b in enumerate(_kept) if size <= b.size and b.size * LEAST_SHARE <= size]
        if fits:
            return _kept.pop(min(fits, key=lambda k: _kept[k].size))
    return np.empty(max(size, 0))


def give(buffer: np.ndarray) -> None:
    """Keep a buffer of ``take`` for a later one (the largest kept ones while they fit in
    ``KEEP_BYTES`` in all)."""
    with _lock:
        pool = sorted([*_kept, buffer], key=lambda b: -b.nbytes)
        _kept.clear()
        total = 0
        for b in pool:
            if total + b.nbytes <= KEEP_BYTES:
                _kept.append(b)
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
