"""The design in the Newton kernels' layout: X itself (neither centred nor weighted), float64,
dense in Fortran order or the CSC arrays of a sparse X (never densified).

The GLM Newton kernels, the multinomial's and the quantile's interior point read it; least squares
reads a centred, weighted form instead (``shrinkage.datafits.quadratic.WeightedDesign``).
``shrinkage._problem.Problem`` builds either on first use (``raw_design``, ``design``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class GLMDesign:
    """X for the kernels: dense float64 in Fortran order, or the CSC arrays (never densified).

    Built by ``GLMDesign.build(X)``; the kernels take ``kernel_args()``.

    Attributes
    ----------
    Xd : numpy.ndarray of shape (n_samples, n_features)
        The dense design, float64 in Fortran order (shape (0, 0) when sparse).
    data : numpy.ndarray of shape (nnz,)
        The CSC values, float64 (empty when dense).
    indices : numpy.ndarray of shape (nnz,)
        The CSC row indices, scipy's index dtype (empty when dense).
    indptr : numpy.ndarray of shape (n_features + 1,)
        The CSC column pointers (empty when dense).
    is_sparse : bool
        Whether the design is the CSC arrays.
    shape : tuple of (int, int)
        (n_samples, n_features).

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0]])
    >>> dense, sparse = GLMDesign.build(X), GLMDesign.build(sp.csc_matrix(X))
    >>> dense.is_sparse, sparse.is_sparse, sparse.shape
    (False, True, (3, 2))
    >>> bool(np.allclose(dense.matvec(np.ones(2)), sparse.matvec(np.ones(2))))
    True
    """

    Xd: np.ndarray
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    is_sparse: bool
    shape: tuple[int, int]

    @classmethod
    def build(cls, X) -> GLMDesign:
        no_index = np.empty(0, dtype=np.int64)
        if sp.issparse(X):
            # scipy's own index dtype (int32 mostly): half the index traffic of int64
            return cls(
                np.empty((0, 0)),
                X.data.astype(np.float64, copy=False),
                X.indices,
                X.indptr,
                True,
                X.shape,
            )
        return cls(
            np.asfortranarray(X, dtype=np.float64), np.empty(0), no_index, no_index, False, X.shape
        )

    def kernel_args(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
        return self.Xd, self.data, self.indices, self.indptr, self.is_sparse

    @cached_property
    def matrix(self):
        """X as a matrix numpy / scipy multiply (the CSC wrapper shares the arrays)."""
        if self.is_sparse:
            return sp.csc_matrix((self.data, self.indices, self.indptr), shape=self.shape)
        return self.Xd

    def matvec(self, w: np.ndarray) -> np.ndarray:
        """X w ((n, K) for w of shape (p, K))."""
        return np.asarray(self.matrix @ w)

    def rmatvec(self, u: np.ndarray) -> np.ndarray:
        """X' u ((p, K) for u of shape (n, K))."""
        return np.asarray(self.matrix.T @ u)

    def rmatvec_squared(self, u: np.ndarray) -> np.ndarray:
        """(X * X)' u: e.g. sum_i sw_i x_ij^2 per column for u = sw."""
        if self.is_sparse:
            squared = sp.csc_matrix(
                (self.data * self.data, self.indices, self.indptr), shape=self.shape
            )
            return np.asarray(squared.T @ u)
        return np.einsum("ij,ij,i->j", self.Xd, self.Xd, u)

    def columns(self, cols: np.ndarray) -> np.ndarray:
        """X[:, cols] as a dense (n, len(cols)) array (for a few columns only)."""
        if self.is_sparse:
            return np.asarray(self.matrix[:, cols].toarray())
        return self.Xd[:, cols]
