"""The least-squares datafit and the two forms of data the solvers read.

The objective of every Lasso / Elastic-Net fit in shrinkage (documented once, here):

    P(w, b) = 1/(2 sum s) sum_i s_i (y_i - x_i.w - b)^2
              + alpha sum_j f_j (l1_ratio |w_j| + (1 - l1_ratio)/2 w_j^2),   lower <= w <= upper

with sample weights s, penalty factors f.  With s = 1 and f = 1 it is scikit-learn's objective.
The intercept b is profiled out exactly by weighted centring: b = ybar - xbar.w.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

_GRAM_BLOCK_BYTES = 32 * 2**20


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


def weighted_offsets(X, y, sw: np.ndarray, fit_intercept: bool):
    """Weighted column means of X and mean of y (zeros when there is no intercept)."""
    p = X.shape[1]
    if not fit_intercept:
        return np.zeros(p), (0.0 if y.ndim == 1 else np.zeros(y.shape[1]))
    x_offset = np.asarray(X.T @ sw, dtype=np.float64).ravel()
    return x_offset, sw @ y


def drop_constant_columns(
    centred_sq: np.ndarray, raw_sq: np.ndarray, *, cancellation: bool = False, dtype=np.float64
) -> np.ndarray:
    """Zero the squared norms of columns that are constant up to rounding (their w_j stays 0).

    Centring the data first leaves a constant column with values of order eps |mean|, so its
    norm is below (100 eps)^2 of the raw one; a norm obtained as raw - mean^2 (sparse input)
    carries a cancellation error of order eps * raw instead.  A column with a large offset and a
    small but real spread stays in.
    """
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
        The CSC row indices (int64); empty for dense input.
    indptr : numpy.ndarray
        The CSC column pointers (int64); empty for dense input.
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
        x_offset, y_offset = weighted_offsets(X, y, sw, fit_intercept)
        y_c = y - y_offset
        yty = sw @ y_c**2
        if sp.issparse(X):
            sq = np.asarray(X.multiply(X).T @ sw).ravel()
            col_norm_sq = drop_constant_columns(
                np.maximum(sq - x_offset**2, 0.0), sq, cancellation=True, dtype=X.dtype
            )
            empty2d = np.empty((0, 0), dtype=X.dtype)
            return cls(
                empty2d,
                X.data,
                X.indices.astype(np.int64),
                X.indptr.astype(np.int64),
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
            r = self.y - self._csc() @ w
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


def sufficient_statistics(
    X, y: np.ndarray, sw: np.ndarray, fit_intercept: bool
) -> SufficientStatistics:
    """The ``SufficientStatistics`` of weighted least squares on (X, y).

    One pass over X in row blocks (BLAS-3, float64 accumulation, no full copy of X); a sparse X
    gives G = X'SX - xbar xbar' without densifying X.

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
    x_offset, y_offset = weighted_offsets(X, y, sw, fit_intercept)
    y_c = y - y_offset
    if sp.issparse(X):
        Xw = X.multiply(sw[:, None]).tocsc()
        G = np.asarray((X.T @ Xw).todense(), dtype=np.float64)
        G -= np.outer(x_offset, x_offset)
        q = np.asarray(Xw.T @ y_c)
        q = q.ravel() if y.ndim == 1 else q
    else:
        n, p = X.shape
        block = max(256, _GRAM_BLOCK_BYTES // (8 * max(p, 1)))
        G = np.zeros((p, p))
        q = np.zeros((p, *y.shape[1:]))
        weighted = np.ptp(sw) > 0
        root = np.sqrt(sw)  # used only when weighted
        buffer = np.empty((min(block, n), p))
        for start in range(0, n, block):
            stop = min(start + block, n)
            B = buffer[: stop - start]
            np.subtract(X[start:stop], x_offset, out=B)
            yb = y_c[start:stop]
            if weighted:
                B *= root[start:stop, None]
                yb = yb * (root[start:stop] if y.ndim == 1 else root[start:stop, None])
            G += B.T @ B
            q += B.T @ yb
        if not weighted:  # uniform weights: one scaling at the end instead of one per row
            G *= sw[0]
            q *= sw[0]
    yty = sw @ y_c**2
    return SufficientStatistics(G, q, yty, x_offset, y_offset, cancellation=sp.issparse(X))
