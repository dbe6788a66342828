"""The least-squares datafit and the two forms of data the solvers read.

The objective of every Lasso / Elastic-Net fit in shrinkage (documented once, here):

    P(w, b) = 1/(2 sum s) sum_i s_i (y_i - x_i.w - b)^2
              + alpha sum_j f_j (l1_ratio |w_j| + (1 - l1_ratio)/2 w_j^2),   lower <= w <= upper

with sample weights s, penalty factors f.  With s = 1 and f = 1 it is scikit-learn's objective.
The intercept b is profiled out exactly by weighted centring: b = ybar - xbar.w.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from ._quadratic_kernels import shifted_moments, sparse_moments, take_block

# rows of X are centred and weighted in blocks of about this size (float64), small enough to stay
# in cache between the centring and the BLAS-3 product that reads them
_GRAM_BLOCK_BYTES = 4 * 2**20
_BLOCK_MIN_ROWS = 256
#: ``GramColumns`` reads X in row blocks of about this size (the gathered columns' product is
#: thinner than a rank-k update: smaller blocks stay in L2)
_COLUMN_BLOCK_BYTES = 2**20
#: ``GramColumns.sketch`` reads blocks of this many rows, one in each ``stride``
_SKETCH_BLOCK_ROWS = 256
#: ``_raw_statistics`` centres G after the product for columns whose mean is at most this many
#: standard deviations (the rounding of G_jj then grows by at most this squared plus one)
_RAW_OFFSET = 10.0


class Quadratic:
    """f(z) = 1/(2 sum s) sum_i s_i (y_i - z_i)^2 for a linear predictor z.

    Parameters
    ----------
    sample_weight : numpy.ndarray or None, default=None
        (n,) non-negative sample weights s; None weighs every sample 1.

    Attributes
    ----------
    sample_weight : numpy.ndarray or None
        The weights given.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import Quadratic
    >>> y, z = np.array([1.0, 3.0]), np.array([0.0, 3.0])
    >>> f = Quadratic()
    >>> f.value(y, z), f.gradient(y, z)
    (0.25, array([-0.5,  0. ]))
    >>> Quadratic(np.array([3.0, 1.0])).value(y, z)
    0.375
    """

    quadratic = True  # exact coordinate curvature, residual form, X'X (``solvers.choice``)

    def __init__(self, sample_weight: np.ndarray | None = None):
        self.sample_weight = sample_weight

    def _sw(self, n: int) -> np.ndarray:
        s = np.ones(n) if self.sample_weight is None else self.sample_weight
        return s / s.sum()

    def value(self, y: np.ndarray, z: np.ndarray) -> float:
        return 0.5 * float(self._sw(len(y)) @ (y - z) ** 2)

    def gradient(self, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        """df/dz = s (z - y) / sum s."""
        return self._sw(len(y)) * (z - y)

    def lipschitz(self, X) -> np.ndarray:
        """Per-coordinate curvature of w -> f(Xw): sum_i s_i x_ij^2 / sum s."""
        sw = self._sw(X.shape[0])
        if sp.issparse(X):
            return np.asarray(X.multiply(X).T @ sw).ravel()
        return (X * X).T @ sw

    def conjugate(self, y: np.ndarray, u: np.ndarray) -> float:
        """f*(u) = sum_i u_i y_i + u_i^2 / (2 sw_i) with sw = s / sum s (inf where sw = 0 != u)."""
        sw = self._sw(len(y))
        pos = sw > 0
        if np.any(u[~pos] != 0):
            return np.inf
        return float(u @ y + 0.5 * np.sum(u[pos] ** 2 / sw[pos]))


def weighted_offsets(X, y, sw: np.ndarray, fit_intercept: bool, x_mean: np.ndarray | None = None):
    """Weighted column means of X and mean of y (zeros when there is no intercept); ``x_mean``:
    X's weighted column means where already computed."""
    p = X.shape[1]
    if not fit_intercept:
        return np.zeros(p), (0.0 if y.ndim == 1 else np.zeros(y.shape[1]))
    x_offset = np.asarray(X.T @ sw if x_mean is None else x_mean, dtype=np.float64).ravel()
    return x_offset, sw @ y


def drop_constant_columns(
    centred_sq: np.ndarray, raw_sq: np.ndarray, *, cancellation: bool = False, dtype=np.float64
) -> np.ndarray:
    """Zero the squared norms of columns that are constant up to rounding (their w_j stays 0).

    Centring the data first leaves a constant column with values of order eps |mean|, so its
    norm is below (100 eps)^2 of the raw one; a norm obtained as raw - mean^2 (sparse input)
    carries a cancellation error of order eps * raw instead.  A column with a large offset and a
    small but real spread stays in.  A norm that is not finite (a column whose squares overflow
    float64, past the door's checks) is an error, not a constant column.
    """
    if not (np.all(np.isfinite(centred_sq)) and np.all(np.isfinite(raw_sq))):
        bad = np.flatnonzero(~(np.isfinite(centred_sq) & np.isfinite(raw_sq)))
        raise ValueError(
            f"the squared norms of columns {bad[:5].tolist()} of X are not finite (their squares "
            "overflow float64 at the scale of the data); rescale X."
        )
    eps = np.finfo(dtype).eps
    rel = 100 * eps if cancellation else (100 * eps) ** 2
    out = centred_sq.copy()
    out[centred_sq <= rel * raw_sq] = 0.0
    return out


@dataclass(frozen=True)
class WeightedDesign:
    """Centred, weighted least-squares data for coordinate descent; sparse X stays sparse.

    Dense: ``Xd = sqrt(sw) (X - x_offset)`` in Fortran order and ``y`` scaled alike, so the
    datafit is 0.5 ||y - Xd w||^2.  Sparse: the raw CSC arrays, ``sw`` and ``x_offset`` (the
    centring is applied inside the kernels).  ``sw`` sums to one.  Built by ``build``.

    Attributes
    ----------
    Xd : numpy.ndarray
        (n, p) the centred, weighted dense design, Fortran order; (0, 0) for sparse input.
    data : numpy.ndarray
        The CSC values of a sparse X; empty for dense input.
    indices : numpy.ndarray
        The CSC row indices, scipy's index dtype (int32 mostly: less index traffic than int64);
        empty (int64) for dense input.
    indptr : numpy.ndarray
        The CSC column pointers, scipy's index dtype; empty (int64) for dense input.
    is_sparse : bool
        Whether X was sparse (the CSC arrays hold it) or dense (``Xd`` holds it).
    sw : numpy.ndarray
        (n,) the sample weights, normalized to sum to one.
    x_offset : numpy.ndarray
        (p,) the weighted column means of X (zeros without an intercept).
    y : numpy.ndarray
        (n,) or (n, k) the centred target, times sqrt(sw) for dense input.
    y_offset : float or numpy.ndarray
        The weighted mean of y (0 without an intercept); (k,) for a 2-d y.
    yty : float or numpy.ndarray
        sum_i sw_i (y_i - y_offset)^2, per column for a 2-d y.
    col_norm_sq : numpy.ndarray
        (p,) the weighted squared norms of the centred columns; 0 for a constant column.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import WeightedDesign
    >>> X = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [3.0, 1.0]])
    >>> y = np.array([1.0, 3.0, 5.0, 7.0])
    >>> d = WeightedDesign.build(X, y, np.ones(4), fit_intercept=True)
    >>> d.is_sparse, d.x_offset, float(d.y_offset), d.col_norm_sq  # column 2 is constant
    (False, array([1.5, 1. ]), 4.0, array([1.25, 0.  ]))
    >>> r, rsum = d.residual(np.array([2.0, 0.0]))  # y = 1 + 2 x fits exactly
    >>> float(np.abs(r).max())
    0.0
    """

    Xd: np.ndarray
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    is_sparse: bool
    sw: np.ndarray
    x_offset: np.ndarray
    y: np.ndarray
    y_offset: float | np.ndarray
    yty: float | np.ndarray
    col_norm_sq: np.ndarray

    @classmethod
    def build(cls, X, y: np.ndarray, sw: np.ndarray, fit_intercept: bool) -> WeightedDesign:
        sw = sw / sw.sum()
        if sp.issparse(X):
            X = X.tocsc()
            if not X.has_canonical_format:  # duplicate entries: summed before squaring
                X = X.copy()
                X.sum_duplicates()
            # the column means and squared norms in one pass over the stored values
            means, sq = sparse_moments(X.data, X.indices, X.indptr, sw)
            x_offset, y_offset = weighted_offsets(X, y, sw, fit_intercept, x_mean=means)
        else:
            x_offset, y_offset = weighted_offsets(X, y, sw, fit_intercept)
        y_c = y - y_offset
        yty = sw @ y_c**2
        if sp.issparse(X):
            col_norm_sq = drop_constant_columns(
                np.maximum(sq - x_offset**2, 0.0), sq, cancellation=True, dtype=X.dtype
            )
            empty2d = np.empty((0, 0), dtype=X.dtype)
            return cls(
                empty2d,
                X.data,
                X.indices,  # scipy's index dtype (int32 mostly): a CD epoch ~15% faster
                X.indptr,
                True,
                sw,
                x_offset,
                y_c,
                y_offset,
                yty,
                col_norm_sq,
            )
        root = np.sqrt(sw).astype(X.dtype)
        Xd = np.empty(X.shape, dtype=X.dtype, order="F")  # one copy, in the kernels' layout
        np.subtract(X, x_offset.astype(X.dtype), out=Xd)
        Xd *= root[:, None]
        col_norm_sq = np.einsum("ij,ij->j", Xd, Xd, dtype=np.float64)
        raw_sq = np.einsum("ij,ij,i->j", X, X, sw.astype(X.dtype), dtype=np.float64)
        col_norm_sq = drop_constant_columns(col_norm_sq, raw_sq, dtype=X.dtype)
        empty = np.empty(0, dtype=X.dtype)
        no_index = np.empty(0, dtype=np.int64)
        root_y = np.sqrt(sw) if y.ndim == 1 else np.sqrt(sw)[:, None]
        return cls(
            Xd,
            empty,
            no_index,
            no_index,
            False,
            sw,
            x_offset,
            y_c * root_y,
            y_offset,
            yty,
            col_norm_sq,
        )

    @property
    def n_features(self) -> int:
        return self.col_norm_sq.shape[0]

    def kernel_args(
        self,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
        return (
            self.Xd,
            self.data,
            self.indices,
            self.indptr,
            self.sw,
            self.x_offset,
            self.is_sparse,
        )

    def _csc(self):
        n = self.sw.shape[0]
        return sp.csc_matrix((self.data, self.indices, self.indptr), shape=(n, self.n_features))

    def residual(self, w: np.ndarray) -> tuple[np.ndarray, float]:
        """The kernels' residual representation at w: (r, rsum)."""
        if self.is_sparse:
            r = self.y.copy() if not w.any() else self.y - self._csc() @ w
            return r, float(self.sw @ r)
        return self.y - self.Xd @ w, 0.0

    def correlations(self, r: np.ndarray, rsum: float) -> np.ndarray:
        """X_c' S r_true: minus the datafit's gradient in w."""
        if self.is_sparse:
            return np.asarray(self._csc().T @ (self.sw * r)).ravel() - self.x_offset * rsum
        return self.Xd.T @ r

    def residual_products(self, r: np.ndarray, rsum: float, w: np.ndarray) -> tuple[float, float]:
        """(sum sw r y_c, sum sw r^2) for the true residual."""
        if self.is_sparse:
            rt = r + self.x_offset @ w
            return float(self.sw @ (rt * self.y)), float(self.sw @ (rt * rt))
        return float(r @ self.y), float(r @ r)

    def cross_gram(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(X_c' S X_c[:, cols], X_c[:, cols]' S y_c): what projecting out ``cols`` needs."""
        if self.is_sparse:
            X = self._csc()
            Xu = X[:, cols]
            G = np.asarray((X.T @ Xu.multiply(self.sw[:, None])).todense())
            G -= np.outer(self.x_offset, self.x_offset[cols])
            q = np.asarray(Xu.T @ (self.sw * self.y)).ravel()
            return np.ascontiguousarray(G, dtype=np.float64), q.astype(np.float64)
        Xu = self.Xd[:, cols]
        return (
            np.ascontiguousarray(self.Xd.T @ Xu, dtype=np.float64),
            np.asarray(Xu.T @ self.y, dtype=np.float64),
        )


@dataclass(frozen=True)
class SufficientStatistics:
    """G = X_c' S X_c, q = X_c' S y_c, yty = y_c' S y_c and the offsets (sum s = 1).

    The least-squares datafit in Gram form: 0.5 w'Gw - q'w + 0.5 yty.  Built by
    ``sufficient_statistics``.

    Attributes
    ----------
    G : numpy.ndarray
        (p, p) the weighted Gram matrix of the centred columns.
    q : numpy.ndarray
        (p,) or (p, k) the weighted products of the centred columns with the centred target.
    yty : float or numpy.ndarray
        The weighted sum of squares of the centred target, per column for a 2-d y.
    x_offset : numpy.ndarray
        (p,) the weighted column means of X (zeros without an intercept).
    y_offset : float or numpy.ndarray
        The weighted mean of y (0 without an intercept).
    cancellation : bool, default=False
        True when G was formed as X'SX - xbar xbar' (sparse input), not from centred columns:
        the test for constant columns then allows for that cancellation error.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import sufficient_statistics
    >>> X = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [3.0, 1.0]])
    >>> s = sufficient_statistics(X, np.array([1.0, 3.0, 5.0, 7.0]), np.ones(4), True)
    >>> s.G, s.q, float(s.yty)
    (array([[1.25, 0.  ],
           [0.  , 0.  ]]), array([2.5, 0. ]), 5.0)
    >>> s.col_norm_sq  # the constant column stays out of the solve
    array([1.25, 0.  ])
    """

    G: np.ndarray
    q: np.ndarray
    yty: float | np.ndarray
    x_offset: np.ndarray
    y_offset: float | np.ndarray
    cancellation: bool = False  # G was formed as X'SX - xbar xbar' (sparse input), not centred

    @cached_property
    def col_norm_sq(self) -> np.ndarray:
        d = np.diag(self.G)
        return drop_constant_columns(d, d + self.x_offset**2, cancellation=self.cancellation)

    @cached_property
    def solver_gram(self) -> np.ndarray:
        """G with the rows and columns of constant columns zeroed (they stay out of the solve)."""
        const = self.col_norm_sq == 0
        if not np.any(const):
            return self.G
        G = self.G.copy()
        G[const, :] = 0.0
        G[:, const] = 0.0
        return G

    def missing(self, cols: np.ndarray) -> np.ndarray:
        """None of ``cols`` is missing: every column of G is there (``GramColumns``'
        interface)."""
        return cols[:0]

    def ensure(self, cols: np.ndarray) -> None:
        """Nothing to form (``GramColumns.ensure``'s interface)."""

    def columns(self, cols: np.ndarray) -> np.ndarray:
        """(p, len(cols)) the columns ``cols`` of ``solver_gram``."""
        return self.solver_gram[:, cols]

    def block(self, cols: np.ndarray) -> np.ndarray:
        """(k, k) the rows and columns ``cols`` (sorted, distinct) of ``solver_gram``; all of
        them: ``solver_gram`` itself, not a copy."""
        G = self.solver_gram
        if cols.size == G.shape[0]:
            return G
        return take_block(G, cols.astype(np.int64, copy=False))

    def product(self, cols: np.ndarray, v: np.ndarray) -> np.ndarray:
        """G[:, cols] @ v (``solver_gram``): what the gradient at a point supported on ``cols``
        needs."""
        G = self.solver_gram
        if 4 * cols.size >= G.shape[0]:
            full = np.zeros(G.shape[0])
            full[cols] = v
            return G @ full
        return G[:, cols] @ v


def _blocks(X, x_offset: np.ndarray, root: np.ndarray | None) -> Iterator[tuple[slice, np.ndarray]]:
    """(rows, B) over row blocks of a dense X: B = (X[rows] - x_offset) * sqrt(sw)[rows] in a
    reused float64 buffer of about ``_GRAM_BLOCK_BYTES`` (C order, so that B.T is the
    Fortran-ordered p x b operand BLAS reads without a copy); ``root`` None: no weighting."""
    n, p = X.shape
    size = min(n, max(_BLOCK_MIN_ROWS, _GRAM_BLOCK_BYTES // (8 * max(p, 1))))
    buffer = np.empty((size, p))
    for start in range(0, n, size):
        rows = slice(start, min(start + size, n))
        B = buffer[: rows.stop - start]
        np.subtract(X[rows], x_offset, out=B)
        if root is not None:
            B *= root[rows, None]
        yield rows, B


def _uniform(sw: np.ndarray) -> bool:
    return bool(np.ptp(sw) == 0)


def sufficient_statistics(
    X, y: np.ndarray, sw: np.ndarray, fit_intercept: bool
) -> SufficientStatistics:
    """The ``SufficientStatistics`` of weighted least squares on (X, y).

    Dense X: one pass in row blocks, each centred (and weighted) in a cache-sized float64 buffer
    and added to G by a symmetric rank-k update (numpy's B' B calls BLAS ``syrk``: n p^2 / 2
    multiply-adds, half a general product's, on numpy's one BLAS thread pool); no copy of X, and
    the centring before the product keeps G accurate for columns far from zero mean.  A float64
    C-ordered X with equal weights and one target is read in place instead (``_raw_statistics``:
    no weighted means first, no centred copy of each block; 200,000 x 200: 0.30 -> 0.25 s), the
    centring applied to G afterwards.  Sparse X: G = X'SX - xbar xbar' by a sparse product (work
    in the non-zeros), never densifying X.

    Parameters
    ----------
    X : numpy.ndarray or scipy.sparse matrix
        (n, p) the design.
    y : numpy.ndarray
        (n,) or (n, k) the target.
    sw : numpy.ndarray
        (n,) non-negative sample weights (normalized here to sum to one).
    fit_intercept : bool
        Whether to centre X and y at their weighted means (the intercept is profiled out).

    Returns
    -------
    SufficientStatistics
        G, q, yty and the offsets.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import sufficient_statistics
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> s = sufficient_statistics(X, np.array([1.0, 3.0, 5.0, 7.0]), np.ones(4), True)
    >>> w = np.linalg.solve(s.G, s.q)  # least squares: slope, then intercept
    >>> w, float(s.y_offset - s.x_offset @ w)
    (array([2.]), 1.0)
    """
    sw = sw / sw.sum()
    if (
        not sp.issparse(X)
        and X.dtype == np.float64
        and X.flags.c_contiguous
        and y.ndim == 1
        and _uniform(sw)
    ):
        return _raw_statistics(X, y, sw, fit_intercept)
    x_offset, y_offset = weighted_offsets(X, y, sw, fit_intercept)
    y_c = y - y_offset
    if sp.issparse(X):
        Xw = X.multiply(sw[:, None]).tocsc()
        G = np.asarray((X.T @ Xw).todense(), dtype=np.float64)
        G -= np.outer(x_offset, x_offset)
        q = np.asarray(Xw.T @ y_c)
        q = q.ravel() if y.ndim == 1 else q
    else:
        p = X.shape[1]
        uniform = _uniform(sw)
        G = np.zeros((p, p))
        q = np.zeros((p, *y.shape[1:]))
        root = None if uniform else np.sqrt(sw)
        # the target as the blocks are: weighted by sqrt(sw) (uniform: by sw at the end)
        yr = y_c if root is None else y_c * (root if y.ndim == 1 else root[:, None])
        for rows, B in _blocks(X, x_offset, root):
            G += B.T @ B  # numpy's matmul: a symmetric rank-k update (syrk) for B' B
            q += B.T @ yr[rows]
        if uniform:  # one scaling at the end instead of one per row
            G *= sw[0]
            q *= sw[0]
    yty = sw @ y_c**2
    return SufficientStatistics(G, q, yty, x_offset, y_offset, cancellation=sp.issparse(X))


def _raw_statistics(
    X: np.ndarray,
    y: np.ndarray,
    sw: np.ndarray,
    fit_intercept: bool,
    sums: tuple[np.ndarray, np.ndarray] | None = None,
) -> SufficientStatistics:
    """``sufficient_statistics`` of a C-ordered X, one target and equal weights ``sw``: G, q and
    the column sums from X's rows in place (X'X by symmetric rank-k updates, X'[y_c, 1] by
    one product), then G = X'X / n - xbar xbar' and q = X'y_c / n - xbar mean(y_c).

    The centring after the product costs eps (xbar_j^2 + var_j) in G_jj instead of eps var_j:
    the columns whose mean exceeds ``_RAW_OFFSET`` standard deviations (constant ones
    included) have their rows and columns of G formed again, half-centred, and their block of G
    and their entries of q from centred data (``_centred_columns``).  ``sums`` are X'X and
    X'[y_c, 1] over every row where already summed (``GramColumns.statistics`` after its sketch).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((50, 3)) + [0.5, 1e8, 2.0], rng.standard_normal(50)
    >>> raw = _raw_statistics(X, y, np.full(50, 0.02), True)
    >>> Xc = X - X.mean(axis=0)
    >>> bool(np.allclose(raw.G, Xc.T @ Xc / 50, rtol=1e-12, atol=0))
    True
    """
    n, p = X.shape
    y_offset, y_c, targets = _raw_targets(y, sw, fit_intercept)
    size = _raw_block_rows(X)
    if sums is None:
        sums = _raw_sums(X, targets, (slice(start, start + size) for start in range(0, n, size)))
    G, products = sums
    weight = float(sw[0])
    G *= weight
    q = products[:, 0] * weight
    if not fit_intercept:
        x_offset = np.zeros(p)
        yty = float(sw @ y_c**2)
        return SufficientStatistics(G, q, yty, x_offset, y_offset)
    x_offset = products[:, 1] * weight
    G -= np.outer(x_offset, x_offset)
    q -= x_offset * float(sw @ y_c)
    far = np.flatnonzero(~(x_offset**2 <= _RAW_OFFSET**2 * np.diagonal(G)))
    if far.size:
        cross, block, q_far = _centred_columns(X, y_c, x_offset, far, size)
        G[:, far] = cross * weight
        G[far, :] = cross.T * weight
        G[np.ix_(far, far)] = block * weight
        q[far] = q_far * weight
    return SufficientStatistics(G, q, float(sw @ y_c**2), x_offset, y_offset)


def _raw_targets(y: np.ndarray, sw: np.ndarray, fit_intercept: bool):
    """y's weighted mean (0 without an intercept), y_c and the (n, 2) targets [y_c, 1] whose
    products with X's rows ``_raw_statistics`` sums."""
    y_offset = float(sw @ y) if fit_intercept else 0.0
    y_c = y - y_offset
    targets = np.empty((y.shape[0], 2))
    targets[:, 0] = y_c
    targets[:, 1] = 1.0
    return y_offset, y_c, targets


def _raw_block_rows(X: np.ndarray) -> int:
    n, p = X.shape
    return min(n, max(_BLOCK_MIN_ROWS, _GRAM_BLOCK_BYTES // (8 * max(p, 1))))


def _raw_sums(
    X: np.ndarray, targets: np.ndarray, blocks: Iterable[slice]
) -> tuple[np.ndarray, np.ndarray]:
    """X'X and X' targets over the row ``blocks`` of a C-ordered X, read in place."""
    p = X.shape[1]
    G = np.zeros((p, p))
    products = np.zeros((p, targets.shape[1]))
    for block in blocks:
        rows = X[block]
        G += rows.T @ rows  # numpy's matmul: a symmetric rank-k update (syrk)
        products += rows.T @ targets[block]
    return G, products


def _centred_columns(
    X: np.ndarray, y_c: np.ndarray, x_offset: np.ndarray, cols: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X_c' C, C' C and C' y_c for the centred columns C = X[:, cols] - x_offset[cols] of a
    dense X, ``size`` rows at a time: X_c' C is X' C less x_offset (1' C), whose rounding is
    eps |x_offset_j| sd_k; the other two are computed from centred data alone."""
    n, p = X.shape
    cross = np.zeros((p, cols.size))
    block = np.zeros((cols.size, cols.size))
    q = np.zeros(cols.size)
    colsum = np.zeros(cols.size)
    for start in range(0, n, size):
        rows = X[start : start + size]
        C = rows[:, cols] - x_offset[cols]
        colsum += C.sum(axis=0)
        cross += rows.T @ C
        block += C.T @ C
        q += C.T @ y_c[start : start + size]
    cross -= np.outer(x_offset, colsum)
    return cross, block, q


class GramColumns:
    """The statistics of ``sufficient_statistics`` with G's columns formed only when asked for.

    A working-set solve of one alpha reads the columns of G = X_c' S X_c of its working sets
    only: each new batch of k columns costs one pass over X (2 n p k flops) instead of the
    whole G's n p^2.  Once ``full_fraction`` of the columns would have been formed, the whole G
    is formed instead (``sufficient_statistics``' symmetric rank-k update) and served from then
    on.  q, y'Sy, the offsets and the column norms come from one pass at construction.  X is
    never copied: dense rows are centred in cache-sized blocks; a sparse X's columns come from a
    sparse product minus xbar xbar[cols]' (its column norms allow for that cancellation).

    Parameters
    ----------
    X : numpy.ndarray or scipy.sparse matrix
        (n, p) the design (kept by reference).
    y : numpy.ndarray
        (n,) the target.
    sw : numpy.ndarray
        (n,) non-negative sample weights (normalized here to sum to one).
    fit_intercept : bool
        Whether to centre X and y at their weighted means.
    full_fraction : float, default=0.5
        Form the whole G once this fraction of its columns would be formed (beyond p/2 columns
        the rank-k update is cheaper than the rest of the columns one by one).

    Attributes
    ----------
    q : numpy.ndarray
        (p,) X_c' S y_c.
    yty : float
        y_c' S y_c.
    x_offset : numpy.ndarray
        (p,) the weighted column means (zeros without an intercept).
    y_offset : float
        The weighted mean of y (0 without an intercept).
    col_norm_sq : numpy.ndarray
        (p,) the diagonal of G; 0 for a constant column (``drop_constant_columns``).
    n_formed : int
        Columns formed so far (p once the whole G is).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits.quadratic import GramColumns, sufficient_statistics
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((50, 6)), rng.standard_normal(50)
    >>> lazy = GramColumns(X, y, np.ones(50), True)
    >>> full = sufficient_statistics(X, y, np.ones(50), True)
    >>> bool(np.allclose(lazy.columns(np.array([1, 4])), full.G[:, [1, 4]])), lazy.n_formed
    (True, 2)
    """

    cancellation = False

    def __init__(self, X, y: np.ndarray, sw: np.ndarray, fit_intercept: bool, *, full_fraction=0.5):
        sw = sw / sw.sum()
        self.X, self.sw, self.full_fraction = X, sw, full_fraction
        if sp.issparse(X):
            self.x_offset, self.y_offset = weighted_offsets(X, y, sw, fit_intercept)
        else:  # the column means come with the one pass below
            self.x_offset = np.zeros(X.shape[1])
            self.y_offset = float(sw @ y) if fit_intercept else 0.0
        self._y = y
        self._fit_intercept = fit_intercept
        y_c = y - self.y_offset
        self.yty = float(sw @ y_c**2)
        p = X.shape[1]
        if sp.issparse(X):
            self.cancellation = True
            sq = np.asarray(X.multiply(X).T @ sw).ravel()
            centred = np.maximum(sq - self.x_offset**2, 0.0)
            self.q = np.asarray(X.T @ (sw * y_c)).ravel().astype(np.float64)
        else:  # one pass: the offsets, the column norms and q together
            xbar, centred, sy, s1 = shifted_moments(X, sw, y_c, X.flags.c_contiguous)
            if fit_intercept:
                self.x_offset = xbar
            else:  # no centring: the raw second moments
                centred = centred + xbar**2
            # sum sw (x - xbar) y_c = sum sw (x - x_0) y_c - (xbar - x_0) sum sw y_c: the
            # latter ~ 0 with an intercept; without, X'Sy = that + x_0 sum sw y
            x0 = xbar - s1
            self.q = sy - (s1 if fit_intercept else -x0) * float(sw @ y_c)
            sq = centred + self.x_offset**2
        self.col_norm_sq = drop_constant_columns(centred, sq, cancellation=self.cancellation)
        self._store = np.empty((p, 0), order="F")
        self._slot = np.full(p, -1, dtype=np.int64)
        self._full: SufficientStatistics | None = None
        #: the sketch's X'X, X'[y_c, 1] and the row blocks it left out (``sketch``)
        self._sketch_sums: tuple[np.ndarray, np.ndarray, list[slice]] | None = None

    @property
    def n_formed(self) -> int:
        return self.col_norm_sq.shape[0] if self._full is not None else self._store.shape[1]

    @property
    def statistics(self) -> SufficientStatistics:
        """The whole statistics (G formed now if it was not yet)."""
        if self._full is None and self._sketch_sums is not None:  # the sketch's rows are summed
            G, products, rest = self._sketch_sums
            _, _, targets = _raw_targets(self._y, self.sw, self._fit_intercept)
            G_rest, products_rest = _raw_sums(self.X, targets, rest)
            sums = (G + G_rest, products + products_rest)
            self._full = _raw_statistics(self.X, self._y, self.sw, self._fit_intercept, sums)
        if self._full is None:
            self._full = sufficient_statistics(self.X, self._y, self.sw, self._fit_intercept)
            self._store = np.empty((self.col_norm_sq.shape[0], 0), order="F")
        return self._full

    @property
    def G(self) -> np.ndarray:
        return self.statistics.G

    def missing(self, cols: np.ndarray) -> np.ndarray:
        """The columns among ``cols`` not formed yet."""
        return cols[:0] if self._full is not None else cols[self._slot[cols] < 0]

    def sketch(self, stride: int) -> SufficientStatistics:
        """The whole statistics of one row in ``stride`` (a dense X), each sample weighted as
        in the full data: a cheap stand-in (1 / stride of the whole G's cost) that predicts
        which columns a fit reads, never used to certify it.

        A C-ordered float64 X with equal weights gives blocks of ``_SKETCH_BLOCK_ROWS`` rows, one
        block in ``stride``, read in place; their sums X'X and X'[y_c, 1] are kept, so that the
        whole G, if formed after all, sums only the other rows.  Else every ``stride``-th row.
        """
        X = self.X
        if not (X.dtype == np.float64 and X.flags.c_contiguous and _uniform(self.sw)):
            rows = slice(None, None, stride)
            X = np.ascontiguousarray(X[rows])
            return sufficient_statistics(X, self._y[rows], self.sw[rows], self._fit_intercept)
        n, period = X.shape[0], stride * _SKETCH_BLOCK_ROWS
        blocks = [slice(a, min(a + _SKETCH_BLOCK_ROWS, n)) for a in range(0, n, period)]
        _, y_c, targets = _raw_targets(self._y, self.sw, self._fit_intercept)
        G, products = _raw_sums(X, targets, blocks)
        rest = [slice(b.stop, min(b.start + period, n)) for b in blocks if b.stop < n]
        self._sketch_sums = (G, products, rest)
        y_s = np.concatenate([y_c[b] for b in blocks])
        weight = 1.0 / y_s.size
        G = G * weight
        q = products[:, 0] * weight
        if not self._fit_intercept:
            return SufficientStatistics(G, q, float(y_s @ y_s) * weight, np.zeros(q.size), 0.0)
        x_offset, y_offset = products[:, 1] * weight, float(y_s.mean())
        G -= np.outer(x_offset, x_offset)
        q -= x_offset * y_offset
        yty = float(np.mean((y_s - y_offset) ** 2))
        return SufficientStatistics(G, q, yty, x_offset, y_offset, cancellation=True)

    def formed(self) -> np.ndarray:
        """The indices of the columns formed so far (every column once the whole G is)."""
        if self._full is not None:
            return np.arange(self.col_norm_sq.shape[0])
        return np.flatnonzero(self._slot >= 0)

    def ensure(self, cols: np.ndarray) -> None:
        """Form the columns ``cols`` that are not formed yet (all of G past ``full_fraction``)."""
        if self._full is not None:
            return
        new = np.unique(self.missing(cols))
        if new.size == 0:
            return
        p = self.col_norm_sq.shape[0]
        if self._store.shape[1] + new.size > self.full_fraction * p:
            self.statistics  # noqa: B018 - forms G
            return
        block = self._form(new)
        self._slot[new] = self._store.shape[1] + np.arange(new.size)
        self._store = np.asfortranarray(np.hstack([self._store, block]))

    def columns(self, cols: np.ndarray) -> np.ndarray:
        """(p, len(cols)) the columns ``cols`` of G (formed if needed)."""
        self.ensure(cols)
        if self._full is not None:
            return self._full.columns(cols)
        out = self._store[:, self._slot[cols]]
        out[self.col_norm_sq == 0] = 0.0  # as ``SufficientStatistics.solver_gram``
        return out

    def block(self, cols: np.ndarray) -> np.ndarray:
        """(k, k) the rows and columns ``cols`` of G (formed if needed)."""
        return self.columns(cols)[cols]

    def product(self, cols: np.ndarray, v: np.ndarray) -> np.ndarray:
        """G[:, cols] @ v."""
        if self._full is not None:
            return self._full.product(cols, v)
        return self.columns(cols) @ v

    def _form(self, cols: np.ndarray) -> np.ndarray:
        X, sw = self.X, self.sw
        if sp.issparse(X):
            Xu = sp.csc_matrix(X)[:, cols]
            G = np.asarray((X.T @ Xu.multiply(sw[:, None])).todense(), dtype=np.float64)
            return G - np.outer(self.x_offset, self.x_offset[cols])
        # half-centred: X' S (X[:, cols] - xbar[cols]) - xbar (sw' (X[:, cols] - xbar[cols]));
        # only the k gathered columns are centred (no copy of X), and the rounding left is
        # eps |xbar_j| sd_k, not the eps xbar_j xbar_k of X'SX - xbar xbar'.  The product is
        # formed as (k, p) = C' X_b, each row block read once: BLAS-3 with the long dimension p
        # last runs about 1.5x faster than X_b' C for k <= 64 (200,000 x 200, one thread)
        n, p = X.shape
        size = min(n, max(_BLOCK_MIN_ROWS, _COLUMN_BLOCK_BYTES // (8 * max(p, 1))))
        out = np.zeros((cols.size, p))
        colsum = np.zeros(cols.size)
        xc = self.x_offset[cols]
        for start in range(0, n, size):
            rows = slice(start, min(start + size, n))
            Xb = X[rows]
            C = np.take(Xb, cols, axis=1)
            C -= xc
            C *= sw[rows, None]
            colsum += C.sum(axis=0)
            out += C.T @ Xb
        out = out.T
        out -= np.outer(self.x_offset, colsum)
        return out
