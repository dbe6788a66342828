"""Dense least-squares designs read without a transposed copy of X, and the column cache that
the working sets read them through.

``WeightedDesign.build`` centres and weights X into a Fortran-ordered copy, as coordinate
descent reads columns.  For a C-ordered X (what numpy and most data loaders give) that copy is a
transpose, and on a wide problem most of its columns are never read one by one: a working set
touches a few hundred of thousands.  Two designs here avoid it:

* ``RawDesign`` (no copy at all): X itself, centred and weighted inside every product, as the
  sparse design does: X_c' S r = X' (S r) - x_offset sum(S r).  Its rounding grows with the
  columns' means relative to their spread, so it is used only where that ratio is at most
  ``MAX_OFFSET_RATIO``;
* ``row_major_design``: otherwise, the centred, weighted copy in X's own (row) order, one
  streaming pass.

Either way the columns a working set needs are centred, weighted and copied once each into a
column-major block (``ColumnCache``), which the coordinate-descent kernels read as they read a
Fortran design.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..datafits.quadratic import WeightedDesign, drop_constant_columns, weighted_offsets
from . import _scratch
from ._column_kernels import moments

_BLOCK_BYTES = 2**20  # rows handled at a time: a block stays in cache between its passes
#: the largest |x_offset_j| / sd_j for which X is used uncentred (``RawDesign``): its
#: correlations carry a rounding of about this many ulps of the centred ones
MAX_OFFSET_RATIO = 10.0


@dataclass(frozen=True)
class RawDesign(WeightedDesign):
    """A dense design that keeps X as given (``Xd`` is the raw X, any memory order, not copied);
    every product centres and weights it on the fly.  ``y``, ``yty``, ``col_norm_sq`` and the
    residual representation are those of a dense ``WeightedDesign`` (r = sqrt(sw) r_true).

    Attributes
    ----------
    root : numpy.ndarray
        (n,) sqrt(sw).
    target_correlations : tuple of numpy.ndarray or None
        (y, ``correlations(y, 0.0)``): the correlations of the residual at w = 0, computed with
        the offsets and norms in ``dense_design``'s one pass over X, kept with the target they
        belong to (None where not computed); see ``y_correlations``.
    """

    root: np.ndarray
    target_correlations: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def y_correlations(self) -> np.ndarray | None:
        """``correlations(y, 0.0)`` where computed for this very ``y`` (a copy of the design
        with another target, by ``dataclasses.replace``, has none), else None."""
        known = self.target_correlations
        return known[1] if known is not None and known[0] is self.y else None

    def columns(self, cols: np.ndarray) -> np.ndarray:
        """The centred, weighted columns ``cols``, (n, len(cols)), Fortran order."""
        out = np.empty((self.Xd.shape[0], cols.size), order="F")
        self.write_columns(cols, out)
        return out

    def write_columns(self, cols: np.ndarray, out: np.ndarray) -> None:
        """Write the centred, weighted columns ``cols``, sqrt(sw_i) (x_ij - x_offset_j), into
        ``out``, (n, len(cols)), Fortran order.

        numpy's gather (``X[:, cols]``, row by row) and one centring pass into ``out``: inside a
        fit, where X is read from memory, the rows' ascending reads gathered 460 columns of a
        C-ordered 500 x 5000 X in about 0.6 of the time of a numba kernel's eight-row blocks
        (faster on its own, with X in cache)."""
        np.subtract(self.Xd[:, cols], self.x_offset[cols], out=out)
        out *= self.root[:, None]

    def centred_correlations(self, r: np.ndarray) -> np.ndarray:
        """``correlations`` from the centred columns, a block of rows at a time: the rounding of
        the Fortran design's (alpha_max from it equals the centred data's to the last bits)."""
        out = np.zeros(self.n_features)
        n, p = self.Xd.shape
        rows = max(1, _BLOCK_BYTES // (8 * max(p, 1)))
        buffer = np.empty((min(rows, n), p))
        for start in range(0, n, rows):
            block = slice(start, min(start + rows, n))
            B = buffer[: block.stop - start]
            np.subtract(self.Xd[block], self.x_offset, out=B)
            B *= self.root[block, None]
            out += r[block] @ B
        return out

    def residual(self, w: np.ndarray) -> tuple[np.ndarray, float]:
        return self.y - self.root * (self.Xd @ w - self.x_offset @ w), 0.0

    def correlations(self, r: np.ndarray, rsum: float) -> np.ndarray:
        v = self.root * r
        return self.Xd.T @ v - self.x_offset * v.sum()

    def cross_gram(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Xu = self.columns(cols)
        v = self.root[:, None] * Xu
        G = self.Xd.T @ v - np.outer(self.x_offset, v.sum(axis=0))
        return np.ascontiguousarray(G), np.asarray(Xu.T @ self.y, dtype=np.float64)


def dense_design(X: np.ndarray, y: np.ndarray, sw: np.ndarray, fit_intercept: bool):
    """The design of a dense float64 X without a transposed copy: a ``RawDesign`` where the
    columns' offsets are small against their spread, else ``row_major_design``.

    The same data as ``WeightedDesign.build`` (centred squared norms, constant columns dropped,
    the weighted target), with the correlations of the target (``RawDesign.y_correlations``),
    all from one pass over X (``_moments``).

    Parameters
    ----------
    X : numpy.ndarray
        (n, p) float64, either memory order.
    y : numpy.ndarray
        (n,) the target.
    sw : numpy.ndarray
        (n,) non-negative sample weights (normalized here to sum to one).
    fit_intercept : bool
        Whether to centre X and y at their weighted means.

    Returns
    -------
    WeightedDesign
        A ``RawDesign`` or a design whose ``Xd`` is a C-ordered centred copy.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import WeightedDesign
    >>> X = np.random.default_rng(0).standard_normal((50, 4))
    >>> y, sw = X[:, 0] + 1.0, np.ones(50)
    >>> d, f = dense_design(X, y, sw, True), WeightedDesign.build(X, y, sw, True)
    >>> d.Xd is X, bool(np.allclose(d.columns(np.arange(4)), f.Xd))
    (True, True)
    >>> r = d.residual(np.ones(4))[0]
    >>> bool(np.allclose(d.correlations(r, 0.0), f.correlations(r, 0.0)))
    True
    >>> bool(np.allclose(d.y_correlations, f.correlations(f.y, 0.0)))
    True
    """
    sw = sw / sw.sum()
    y_offset = sw @ y if fit_intercept else 0.0
    y_c = y - y_offset
    v = sw * y_c
    x_offset, centred, xv = _moments(X, sw, v, fit_intercept)
    col_norm_sq = drop_constant_columns(centred, centred + x_offset**2)
    if np.any((col_norm_sq > 0) & (np.abs(x_offset) > MAX_OFFSET_RATIO * np.sqrt(col_norm_sq))):
        return row_major_design(X, y, sw, fit_intercept)  # a constant column stays out anyway
    y_w = y_c * np.sqrt(sw)
    return RawDesign(
        X,
        np.empty(0),
        np.empty(0, dtype=np.int64),
        np.empty(0, dtype=np.int64),
        False,
        sw,
        x_offset,
        y_w,
        y_offset,
        sw @ y_c**2,
        col_norm_sq,
        np.sqrt(sw),
        (y_w, xv - x_offset * v.sum()),
    )


def _moments(
    X: np.ndarray, sw: np.ndarray, v: np.ndarray, centre: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The weighted means of X's columns (zeros without ``centre``), their weighted centred
    sums of squares sum_i sw_i (x_ij - mean_j)^2 and X' v, in one pass over X (``sw`` sums to
    one).

    A C-ordered X is read once, a block of rows at a time: each block's means and centred sums
    (its second read is from cache) are merged into the running ones by Chan's update, as
    accurate as centring by the final means whatever the means are against the spread.
    """
    if not X.flags.c_contiguous:
        x_offset = np.asarray(X.T @ sw) if centre else np.zeros(X.shape[1])
        return x_offset, _centred_norms(X, x_offset, np.sqrt(sw), None), X.T @ v
    rows = 4 * max(1, _BLOCK_BYTES // (32 * max(X.shape[1], 1)))
    return moments(X, sw, v, centre, rows, np.empty((5, X.shape[1])))


def row_major_design(X: np.ndarray, y: np.ndarray, sw: np.ndarray, fit_intercept: bool):
    """``WeightedDesign.build`` for a dense float64 X, its ``Xd`` a C-ordered copy (``y`` one
    target or several, as columns).

    The same arithmetic as the Fortran build (``sqrt(sw) * (X - x_offset)``, squared norms of the
    centred columns; a column is constant where that norm is below (100 eps)^2 of its raw one,
    norm + x_offset^2), row block by row block.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import WeightedDesign
    >>> X = np.random.default_rng(0).standard_normal((50, 4)) + 1e3
    >>> y, sw = X[:, 0] + 1.0, np.ones(50)
    >>> d, f = row_major_design(X, y, sw, True), WeightedDesign.build(X, y, sw, True)
    >>> d.Xd.flags.c_contiguous, bool(np.allclose(d.Xd, f.Xd)), bool(np.allclose(d.y, f.y))
    (True, True, True)
    """
    sw = sw / sw.sum()
    x_offset, y_offset = weighted_offsets(X, y, sw, fit_intercept)
    y_c = y - y_offset
    root = np.sqrt(sw)
    Xd = np.empty(X.shape)
    col_norm_sq = _centred_norms(X, x_offset, root, Xd)
    return WeightedDesign(
        Xd,
        np.empty(0),
        np.empty(0, dtype=np.int64),
        np.empty(0, dtype=np.int64),
        False,
        sw,
        x_offset,
        y_c * (root if y_c.ndim == 1 else root[:, None]),
        y_offset,
        sw @ y_c**2,
        drop_constant_columns(col_norm_sq, col_norm_sq + x_offset**2),
    )


def _centred_norms(X, x_offset, root, out: np.ndarray | None) -> np.ndarray:
    """sum_i (root_i (x_ij - x_offset_j))^2 per column, a block of rows at a time; the
    centred, weighted rows are written to ``out`` (C order) when given."""
    n, p = X.shape
    rows = max(1, _BLOCK_BYTES // (8 * max(p, 1)))
    buffer = np.empty((min(rows, n) if out is None else 0, p))
    norms = np.zeros(p)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        B = buffer[: stop - start] if out is None else out[start:stop]
        np.subtract(X[start:stop], x_offset, out=B)
        B *= root[start:stop, None]
        norms += np.einsum("ij,ij->j", B, B)
    return norms


def needs_cache(design) -> bool:
    """Whether a least-squares design is read column-wise through a ``ColumnCache``: a
    ``RawDesign``, or a dense one whose columns are not contiguous; False for anything else
    (a Fortran or sparse design, sufficient statistics)."""
    if isinstance(design, RawDesign):
        return True
    Xd = getattr(design, "Xd", None)
    return Xd is not None and not design.is_sparse and not Xd.flags.f_contiguous


def column_source(design: WeightedDesign) -> Callable[[np.ndarray, np.ndarray], None]:
    """How a ``ColumnCache`` writes the centred, weighted columns of ``design`` into its
    block."""
    if isinstance(design, RawDesign):
        return design.write_columns

    def copy(cols: np.ndarray, out: np.ndarray) -> None:
        out[:] = design.Xd[:, cols]

    return copy


class ColumnCache:
    """The columns that working sets asked for, column-major, each written once.

    The block's store has room for ``GROWTH`` times the columns first asked for (at least
    ``FIRST_ROOM``, at most p) and grows by that factor: the fit's columns are written once,
    straight into their place (a 500 x 5000 Lasso at alpha_max / 10 gathers 460 columns in 5
    requests: no store copied on the way).  The store is a ``_scratch`` buffer, given back when
    the cache goes (a view of ``block`` is valid while the cache lives): the next fit writes
    its columns into pages already mapped (on that Lasso, about 450 page faults fewer).

    Parameters
    ----------
    source : callable
        ``source(cols, out)`` writes the columns ``cols`` of the design into ``out``,
        (n, len(cols)), Fortran order.
    shape : tuple of int
        The design's (n, p).

    Examples
    --------
    >>> import numpy as np
    >>> Xd = np.arange(12.0).reshape(3, 4)
    >>> def source(cols, out):
    ...     out[:] = Xd[:, cols]
    >>> cache = ColumnCache(source, Xd.shape)
    >>> s = cache.slots(np.array([3, 1]))
    >>> s.tolist(), bool(np.all(cache.block[:, s] == Xd[:, [3, 1]]))  # new columns in order
    ([1, 0], True)
    >>> cache.slots(np.array([1, 2])).tolist(), cache.block.flags.f_contiguous
    ([0, 2], True)
    """

    #: the store's room grows by this factor over the columns asked for
    GROWTH = 4
    #: the least room (columns) of a store
    FIRST_ROOM = 1024

    def __init__(self, source: Callable[[np.ndarray, np.ndarray], None], shape: tuple[int, int]):
        self.source = source
        self.n, self.p = shape
        self.slot = np.full(self.p, -1, dtype=np.int64)
        self.count = 0
        self._store = np.empty((self.n, 0), order="F")
        #: the scratch buffer under ``_store`` (none before the first columns)
        self._held: list[np.ndarray] = []
        weakref.finalize(self, _give_back, self._held)

    @classmethod
    def of(cls, design: WeightedDesign) -> ColumnCache:
        """The cache of a design for which ``needs_cache`` holds."""
        return cls(column_source(design), design.Xd.shape)

    @property
    def block(self) -> np.ndarray:
        """The cached columns, (n, count), Fortran order."""
        return self._store[:, : self.count]

    def slots(self, cols: np.ndarray) -> np.ndarray:
        """The places of ``cols`` in ``block``, writing the ones not cached yet."""
        new = np.unique(cols[self.slot[cols] < 0])
        if new.size:
            end = self.count + new.size
            if end > self._store.shape[1]:
                room = min(max(self.GROWTH * end, self.FIRST_ROOM), self.p)
                flat = _scratch.take(self.n * room)
                grown = _scratch.matrix(flat, (self.n, room), "F")
                grown[:, : self.count] = self.block
                self._store, self._held[:] = grown, [flat]  # the old buffer is freed
            self.source(new, self._store[:, self.count : end])
            self.slot[new] = np.arange(self.count, end)
            self.count = end
        return self.slot[cols]


def _give_back(held: list[np.ndarray]) -> None:
    """Give the store of a dropped ``ColumnCache`` back to ``_scratch``."""
    for flat in held:
        _scratch.give(flat)
    held.clear()
