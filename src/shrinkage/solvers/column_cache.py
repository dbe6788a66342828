"""A row-major least-squares design and a column cache for the working sets that read it.

``WeightedDesign.build`` centres and weights X into a Fortran-ordered copy, as coordinate
descent reads columns.  For a C-ordered X (what numpy and most data loaders give) that copy is a
transpose, several times slower than a straight copy, and most of its columns are never read
column-wise on a wide problem: a working set touches a few hundred of thousands.  Here the
centred, weighted copy keeps X's row-major order (one streaming pass, row blocks at a time);
full correlations X_c' S r are a row-major matrix-vector product, as fast as the column-major
one; and the columns a working set needs are gathered once each into a column-major block
(``ColumnCache``), which the coordinate-descent kernels read as they read a Fortran design.
"""

from __future__ import annotations

import numpy as np

from ..datafits.quadratic import WeightedDesign, drop_constant_columns, weighted_offsets

_BLOCK_BYTES = 2**20  # rows centred at a time: a block stays in cache between its passes


def row_major_design(X: np.ndarray, y: np.ndarray, sw: np.ndarray, fit_intercept: bool):
    """``WeightedDesign.build`` for a dense float64 X, its ``Xd`` in C order.

    The same arithmetic as the Fortran build (``sqrt(sw) * (X - x_offset)``, squared norms of the
    centred and of the raw columns, constant columns dropped), row block by row block.

    Parameters
    ----------
    X : numpy.ndarray
        (n, p) float64, C-contiguous.
    y : numpy.ndarray
        (n,) the target.
    sw : numpy.ndarray
        (n,) non-negative sample weights (normalized here to sum to one).
    fit_intercept : bool
        Whether to centre X and y at their weighted means.

    Returns
    -------
    WeightedDesign
        A dense design whose ``Xd`` is C-ordered.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import WeightedDesign
    >>> X = np.random.default_rng(0).standard_normal((50, 4))
    >>> y, sw = X[:, 0] + 1.0, np.ones(50)
    >>> d = row_major_design(X, y, sw, True)
    >>> f = WeightedDesign.build(X, y, sw, True)
    >>> d.Xd.flags.c_contiguous, bool(np.allclose(d.Xd, f.Xd)), bool(np.allclose(d.y, f.y))
    (True, True, True)
    """
    sw = sw / sw.sum()
    x_offset, y_offset = weighted_offsets(X, y, sw, fit_intercept)
    y_c = y - y_offset
    n, p = X.shape
    root = np.sqrt(sw)
    Xd = np.empty((n, p))
    col_norm_sq = np.zeros(p)
    raw_sq = np.zeros(p)
    rows = max(1, _BLOCK_BYTES // (8 * max(p, 1)))
    for start in range(0, n, rows):
        block = slice(start, min(start + rows, n))
        out = Xd[block]
        np.subtract(X[block], x_offset, out=out)
        out *= root[block, None]
        col_norm_sq += np.einsum("ij,ij->j", out, out)
        raw_sq += np.einsum("ij,ij,i->j", X[block], X[block], sw[block])
    col_norm_sq = drop_constant_columns(col_norm_sq, raw_sq)
    empty = np.empty(0)
    no_index = np.empty(0, dtype=np.int64)
    return WeightedDesign(
        Xd,
        empty,
        no_index,
        no_index,
        False,
        sw,
        x_offset,
        y_c * root,
        y_offset,
        sw @ y_c**2,
        col_norm_sq,
    )


def is_row_major(design) -> bool:
    """A dense ``WeightedDesign`` whose columns are not contiguous (read them through a
    ``ColumnCache``); False for anything else (a sparse design, sufficient statistics)."""
    Xd = getattr(design, "Xd", None)
    return Xd is not None and not design.is_sparse and not Xd.flags.f_contiguous


class ColumnCache:
    """The columns of a row-major ``Xd`` that working sets asked for, column-major.

    Each column is copied once, when first asked for, into a Fortran-ordered block that grows
    by doubling; ``slots`` maps columns to their place in it.

    Parameters
    ----------
    Xd : numpy.ndarray
        (n, p) the design.

    Examples
    --------
    >>> import numpy as np
    >>> Xd = np.arange(12.0).reshape(3, 4)
    >>> cache = ColumnCache(Xd)
    >>> s = cache.slots(np.array([3, 1]))
    >>> s.tolist(), bool(np.all(cache.block[:, s] == Xd[:, [3, 1]]))
    ([0, 1], True)
    >>> cache.slots(np.array([1, 2])).tolist(), cache.block.flags.f_contiguous
    ([1, 2], True)
    """

    def __init__(self, Xd: np.ndarray):
        self.Xd = Xd
        self.slot = np.full(Xd.shape[1], -1, dtype=np.int64)
        self.count = 0
        self._store = np.empty((Xd.shape[0], 0), order="F")

    @property
    def block(self) -> np.ndarray:
        """The cached columns, (n, count), Fortran order."""
        return self._store[:, : self.count]

    def slots(self, cols: np.ndarray) -> np.ndarray:
        """The places of ``cols`` in ``block``, copying the ones not cached yet."""
        new = np.unique(cols[self.slot[cols] < 0])
        if new.size:
            end = self.count + new.size
            if end > self._store.shape[1]:
                grown = np.empty((self.Xd.shape[0], min(2 * end, self.Xd.shape[1])), order="F")
                grown[:, : self.count] = self.block
                self._store = grown
            self._store[:, self.count : end] = self.Xd[:, new]
            self.slot[new] = np.arange(self.count, end)
            self.count = end
        return self.slot[cols]
