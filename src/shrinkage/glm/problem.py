"""A validated GLM problem: the design in the kernels' layout and everything that does not
depend on alpha.  The objective is documented in ``shrinkage.datafits.base``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from .. import _validation as v
from .._typing import DesignMatrix
from ..datafits.quadratic import drop_constant_columns
from ..penalties.l1_l2 import ElasticNetPenalty


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


@dataclass
class GLMProblem:
    """X, y, weights, offset and the alpha-free parts of the penalty (factors, bounds).

    Built, validated, by ``GLMProblem.build(X, y, ...)`` (the options of ``shrinkage.path``);
    the GLM path (``shrinkage.glm.solve_glm_path``) solves it along a grid of alphas.

    Attributes
    ----------
    X : numpy.ndarray or scipy.sparse.csc_matrix of shape (n_samples, n_features)
        The validated design (float, finite).
    y : numpy.ndarray of shape (n_samples,)
        The target, as the datafit checks it later (class labels, counts, ...).
    sample_weight : numpy.ndarray of shape (n_samples,)
        The sample weights (all ones by default).
    offset : numpy.ndarray of shape (n_samples,) or (n_samples, K), or None
        Added to the linear predictor (None: no offset).
    factors : numpy.ndarray of shape (n_features,)
        The penalty factors f_j >= 0 (0 leaves a feature unpenalized).
    lower : numpy.ndarray of shape (n_features,)
        Lower bounds on the coefficients (-inf: none).
    upper : numpy.ndarray of shape (n_features,)
        Upper bounds on the coefficients (inf: none).
    fit_intercept : bool
        Whether an unpenalized intercept is fitted.
    standardize : bool
        Whether the penalty acts on the coefficients of the columns scaled to unit weighted
        standard deviation (glmnet's rule).
    feature_names : numpy.ndarray of shape (n_features,) or None, default=None
        The columns' names.

    Examples
    --------
    >>> import numpy as np
    >>> problem = GLMProblem.build(np.eye(3), np.array([0.0, 1.0, 1.0]), positive=True)
    >>> problem.n_samples, problem.n_features, problem.lower
    (3, 3, array([0., 0., 0.]))
    >>> problem.sw
    array([0.33333333, 0.33333333, 0.33333333])
    """

    X: DesignMatrix
    y: np.ndarray
    sample_weight: np.ndarray
    offset: np.ndarray | None
    factors: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    fit_intercept: bool
    standardize: bool
    feature_names: np.ndarray | None = None

    @classmethod
    def build(
        cls,
        X,
        y,
        *,
        sample_weight=None,
        offset=None,
        penalty_factor=None,
        lower=None,
        upper=None,
        positive=False,
        fit_intercept=True,
        standardize=False,
        feature_names=None,
        validated=False,
    ) -> GLMProblem:
        if not validated:  # the caller checked X already (shrinkage.path)
            X = v.check_design(X)
        n, p = X.shape
        y = v.check_target(y, n, dtype=X.dtype)
        if offset is not None:
            offset = v.check_target(offset, n, multi_output=True, name="offset")
        lo, up = v.check_bounds(lower, upper, p, positive)
        return cls(
            X,
            y,
            v.check_sample_weight(sample_weight, n),
            offset,
            v.check_penalty_factor(penalty_factor, p),
            lo,
            up,
            bool(fit_intercept),
            bool(standardize),
            v.check_feature_names(feature_names, p),
        )

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @cached_property
    def sw(self) -> np.ndarray:
        """Sample weights normalized to sum to one."""
        return self.sample_weight / self.sample_weight.sum()

    @cached_property
    def design(self) -> GLMDesign:
        return GLMDesign.build(self.X)

    @cached_property
    def col_norm_sq(self) -> np.ndarray:
        """Weighted variance of each column (mean square without intercept); 0 when constant."""
        sw, X = self.sw, self.X
        if sp.issparse(X):
            raw = np.asarray(X.multiply(X).T @ sw).ravel()
        else:
            raw = np.einsum("ij,ij,i->j", X, X, sw, dtype=np.float64)
        if not self.fit_intercept:
            return raw
        mean = np.asarray(X.T @ sw, dtype=np.float64).ravel()
        if sp.issparse(X):
            return drop_constant_columns(np.maximum(raw - mean**2, 0.0), raw, cancellation=True)
        centred = np.einsum("ij,ij,i->j", X - mean, X - mean, sw, dtype=np.float64)
        return drop_constant_columns(centred, raw)

    def column_scale(self) -> np.ndarray | None:
        """glmnet's standardization: the weighted sd (or RMS without intercept); 1 if constant."""
        if not self.standardize:
            return None
        sd = np.sqrt(self.col_norm_sq)
        return np.where(sd > 0, sd, 1.0)

    def penalty(self, alpha: float, l1_ratio: float) -> ElasticNetPenalty:
        return ElasticNetPenalty(
            alpha, l1_ratio, self.factors, self.lower, self.upper, self.column_scale()
        )

    def offset_or_zero(self, n_outputs: int = 1) -> np.ndarray:
        """The offset as an (n,) array [(n, K) when n_outputs = K > 1], zeros when absent."""
        n = self.n_samples
        if self.offset is None:
            return np.zeros(n) if n_outputs == 1 else np.zeros((n, n_outputs))
        if n_outputs == 1:
            if self.offset.ndim != 1:
                raise ValueError(
                    f"offset must be one-dimensional (one entry per sample); got "
                    f"shape {self.offset.shape}."
                )
            return self.offset
        if self.offset.ndim == 1:
            return np.repeat(self.offset[:, None], n_outputs, axis=1)
        if self.offset.shape[1] != n_outputs:
            raise ValueError(
                f"offset must have shape ({n},) or ({n}, {n_outputs}) (one column "
                f"per class); got {self.offset.shape}."
            )
        return self.offset
