"""One validated problem for every route, and the data forms the solvers need, built once.

A ``Problem`` is the design, the target and everything about the penalty that does not depend on
alpha; it knows no datafit.  Least squares reads ``design`` (centred, weighted) or ``statistics``
(X'X), the GLM Newton kernels read ``raw_design`` (X itself in the kernels' layout), the quantile
interior point reads X; a group problem (``shrinkage.paths.group.GroupProblem``) holds a
``Problem`` and its groups.  The objectives are documented in ``shrinkage.datafits.quadratic``
and ``shrinkage.datafits.base``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

from . import _validation as v
from ._design import GLMDesign
from ._typing import DesignMatrix
from .datafits.quadratic import (
    GramColumns,
    SufficientStatistics,
    WeightedDesign,
    drop_constant_columns,
    sufficient_statistics,
)
from .penalties.l1_l2 import ElasticNetPenalty

Form = TypeVar("Form")


@dataclass
class Problem:
    """X, y, weights, offset and the alpha-free parts of the penalty (factors, bounds).

    Built, validated, by ``Problem.build(X, y, ...)`` (the options of ``shrinkage.path``); the
    path families (``shrinkage.paths``) solve it along a grid of alphas.

    Attributes
    ----------
    X : numpy.ndarray or scipy.sparse matrix of shape (n_samples, n_features)
        The validated design (float, finite).
    y : numpy.ndarray of shape (n_samples,) or (n_samples, n_targets)
        The target, as the datafit checks it later (values, class labels, counts, ...).
    sample_weight : numpy.ndarray of shape (n_samples,)
        The sample weights (all ones by default).
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
    offset : numpy.ndarray of shape (n_samples,) or (n_samples, K), or None, default=None
        Added to the linear predictor (None: no offset).
    pending_scan : shrinkage._validation.PendingScan or None, default=None
        X's finiteness and magnitude scan where the caller left it to the first data form
        (``_validation.defer_scan``; see ``formed``); None once done.

    Examples
    --------
    >>> import numpy as np
    >>> problem = Problem.build(np.eye(3), np.array([0.0, 1.0, 1.0]), positive=True)
    >>> problem.n_samples, problem.n_features, problem.lower
    (3, 3, array([0., 0., 0.]))
    >>> problem.sw
    array([0.33333333, 0.33333333, 0.33333333])
    >>> problem.col_norm_sq  # the weighted variance of each column
    array([0.22222222, 0.22222222, 0.22222222])
    """

    X: DesignMatrix
    y: np.ndarray
    sample_weight: np.ndarray
    factors: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    fit_intercept: bool
    standardize: bool
    feature_names: np.ndarray | None = None
    offset: np.ndarray | None = None
    pending_scan: v.PendingScan | None = None

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
        multi_output=False,
        validated=False,
        pending_scan=None,
    ) -> Problem:
        """The validated problem; ``validated``: X was checked already (``shrinkage.path``),
        but for ``pending_scan`` where given (``_validation.defer_scan``: a failing check here
        runs it first, so that a bad X gets its own message, as when X was checked first)."""
        if not validated:
            X = v.check_design(X)
        n, p = X.shape
        try:
            y = v.check_target(y, n, multi_output=multi_output, dtype=X.dtype)
            if offset is not None:
                offset = v.check_target(offset, n, multi_output=True, name="offset")
            lo, up = v.check_bounds(lower, upper, p, positive)
            sw = v.check_sample_weight(sample_weight, n)
            factors = v.check_penalty_factor(penalty_factor, p)
            names = v.check_feature_names(feature_names, p)
        except Exception:
            if pending_scan is not None:
                pending_scan.run()
            raise
        return cls(
            X,
            y,
            sw,
            factors,
            lo,
            up,
            bool(fit_intercept),
            bool(standardize),
            names,
            offset,
            pending_scan,
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
    def design(self) -> WeightedDesign:
        """Least squares' residual form: X and y centred and weighted (``WeightedDesign``)."""
        return self.formed(
            lambda: WeightedDesign.build(self.X, self.y, self.sample_weight, self.fit_intercept)
        )

    @cached_property
    def statistics(self) -> SufficientStatistics:
        """Least squares' Gram form: X'SX, X'Sy and the offsets (``SufficientStatistics``)."""
        return self.formed(
            lambda: sufficient_statistics(self.X, self.y, self.sample_weight, self.fit_intercept)
        )

    @cached_property
    def gram_columns(self) -> SufficientStatistics | GramColumns:
        """The statistics with G's columns formed on demand (``GramColumns``); the whole ones
        where they were formed already (or given by ``with_statistics``)."""
        if "statistics" in self.__dict__:
            return self.statistics
        self.scan()
        return GramColumns(self.X, self.y, self.sample_weight, self.fit_intercept)

    @cached_property
    def raw_design(self) -> GLMDesign:
        """X itself, neither centred nor weighted, in the GLM kernels' layout (``GLMDesign``)."""
        self.scan()
        return GLMDesign.build(self.X)

    def scan(self) -> None:
        """X's pending scan (``pending_scan``), where there is one: a ValueError naming X where
        X is not finite or its squares overflow."""
        pending, self.pending_scan = self.pending_scan, None
        if pending is not None:
            pending.run()

    def formed(self, build: Callable[[], Form]) -> Form:
        """``build()``, a least-squares data form made from X (a dense ``WeightedDesign`` or
        ``SufficientStatistics``), settling X's pending scan on the way.

        The form's column offsets and centred norms carry any NaN or infinity of X, so they
        settle the scan (``_validation.PendingScan.settle``) without a pass of its own: 0.5 ms of
        a 15 ms Lasso fit on 500 x 5000, 12 ms of 0.4 s on 200000 x 200.  Where the build
        fails, the scan runs first (a bad X gets its own message, not the build's); where the
        moments do not settle it (a row weighing 0, squares near the limit), it runs after.
        """
        pending, self.pending_scan = self.pending_scan, None
        if pending is None:
            return build()
        try:
            with np.errstate(all="ignore"):  # X may hold NaN or infinity until settled
                data = build()
                x_offset, centred_sq = _column_moments(data)
        except Exception:
            pending.run()
            raise
        pending.settle(x_offset, centred_sq, self.sw)
        return data

    def with_statistics(self, stats: SufficientStatistics) -> Problem:
        """Use ``stats`` (computed elsewhere, e.g. by cross-validation's fold subtraction) as this
        problem's sufficient statistics instead of a fresh pass over X; returns self."""
        self.__dict__["statistics"] = stats
        return self

    def with_design(self, design: WeightedDesign) -> Problem:
        """Use ``design`` (e.g. a shared design with another target) as this problem's
        WeightedDesign instead of building one from X; returns self."""
        self.__dict__["design"] = design
        return self

    def with_column_norms(self, col_norm_sq: np.ndarray) -> Problem:
        """Use ``col_norm_sq`` (computed elsewhere, e.g. by Dask from the moments of one pass
        over the partitions) as this problem's ``col_norm_sq``; returns self."""
        self.__dict__["col_norm_sq"] = col_norm_sq
        return self

    @cached_property
    def col_norm_sq(self) -> np.ndarray:
        """Weighted variance of each column (mean square without intercept); 0 when constant.

        Computed from X in float64.  ``design.col_norm_sq`` and ``statistics.col_norm_sq`` are
        the same numbers up to rounding, each in the arithmetic of its own data form: a
        least-squares solver scales by the norms of the form it reads (``column_scale``).
        """
        self.scan()
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

    def column_scale(self, col_norm_sq: np.ndarray | None = None) -> np.ndarray | None:
        """glmnet's standardization: the weighted sd (or RMS without intercept); 1 if constant.

        None unless ``standardize``.  ``col_norm_sq``: the squared norms of the data form the
        solver reads (``design.col_norm_sq``, ``statistics.col_norm_sq``); None takes
        ``self.col_norm_sq``.
        """
        if not self.standardize:
            return None
        sd = np.sqrt(self.col_norm_sq if col_norm_sq is None else col_norm_sq)
        return np.where(sd > 0, sd, 1.0)

    def penalty(self, alpha: float, l1_ratio: float, scale: np.ndarray | None) -> ElasticNetPenalty:
        """The elastic net at ``alpha`` with this problem's factors and bounds; ``scale`` is
        ``column_scale(...)`` (None: the columns as they are)."""
        return ElasticNetPenalty(alpha, l1_ratio, self.factors, self.lower, self.upper, scale)

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


def _column_moments(data: object) -> tuple[np.ndarray, np.ndarray]:
    """(x_offset, weighted centred sums of squares) of a data form made from a dense X."""
    if isinstance(data, WeightedDesign) and not data.is_sparse:
        return data.x_offset, data.col_norm_sq
    if isinstance(data, SufficientStatistics) and not data.cancellation:
        return data.x_offset, np.diagonal(data.G)
    raise TypeError(f"no column moments to settle a scan in {type(data).__name__}")
