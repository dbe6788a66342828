"""L1, L2 and Elastic-Net penalties with penalty factors, column scales and bounds.

Omega(w) = alpha sum_j f_j (l1_ratio |c_j w_j| + (1 - l1_ratio)/2 (c_j w_j)^2), lower <= w <= upper,

where c_j is the column scale used by ``standardize=True`` (the penalty then acts on the
coefficients of standardized columns while the solver keeps the original scale).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._l1_l2_kernels import kkt_violation, penalty_value, prox_coordinate


@dataclass(frozen=True)
class PenaltyWeights:
    """The per-coordinate arrays the kernels read: l1[j] |w_j| + l2[j]/2 w_j^2 on
    [lower[j], upper[j]].

    Attributes
    ----------
    l1 : ndarray of shape (n_features,)
        The L1 weight of each coordinate (alpha x factor x l1_ratio x scale).
    l2 : ndarray of shape (n_features,)
        The L2 weight of each coordinate (alpha x factor x (1 - l1_ratio) x scale^2).
    lower : ndarray of shape (n_features,)
        Lower bounds (-inf: none).
    upper : ndarray of shape (n_features,)
        Upper bounds (inf: none).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import L1
    >>> pw = L1(0.5, 3).weights()
    >>> pw.l1, pw.l2
    (array([0.5, 0.5, 0.5]), array([0., 0., 0.]))
    """

    l1: np.ndarray
    l2: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    def unpenalized_columns(self) -> np.ndarray:
        """Free columns: no penalty and not boxed on both sides (their conjugate can be infinite,
        so the certificate may project them out of the dual residual).

        Returns
        -------
        ndarray of shape (n_free,)
            The indices of the free columns, increasing.

        Examples
        --------
        >>> import numpy as np
        >>> from shrinkage.penalties import PenaltyWeights
        >>> pw = PenaltyWeights(np.array([0.0, 1.0]), np.zeros(2), np.full(2, -np.inf),
        ...                     np.full(2, np.inf))
        >>> pw.unpenalized_columns()
        array([0])
        """
        free = (self.l1 == 0) & (self.l2 == 0)
        boxed = np.isfinite(self.lower) & np.isfinite(self.upper)
        return np.flatnonzero(free & ~boxed)


@dataclass(frozen=True)
class ElasticNetPenalty:
    """The Elastic-Net penalty with penalty factors, column scales and bounds.

    Omega(w) = alpha sum_j f_j (l1_ratio |c_j w_j| + (1 - l1_ratio)/2 (c_j w_j)^2) on
    lower <= w <= upper. Immutable along a path: build one per alpha.

    Attributes
    ----------
    alpha : float
        The penalty strength, >= 0.
    l1_ratio : float
        The mix: 1 is the lasso, 0 ridge.
    factors : ndarray of shape (n_features,)
        The penalty factor f_j of each feature (0: unpenalized).
    lower : ndarray of shape (n_features,)
        Lower bounds on the coefficients (-inf: none).
    upper : ndarray of shape (n_features,)
        Upper bounds on the coefficients (inf: none).
    scale : ndarray of shape (n_features,) or None, default=None
        The column scales c_j of ``standardize=True`` (None: all 1).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import ElasticNetPenalty
    >>> pen = ElasticNetPenalty(1.0, 0.5, np.ones(2), np.full(2, -np.inf), np.full(2, np.inf))
    >>> pen.value(np.array([1.0, -2.0]))  # 0.5 * 3 + 0.25 * 5
    2.75
    """

    alpha: float
    l1_ratio: float
    factors: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    scale: np.ndarray | None = None

    def weights(self) -> PenaltyWeights:
        """The per-coordinate arrays of this penalty.

        Returns
        -------
        PenaltyWeights
            l1 = alpha f c l1_ratio, l2 = alpha f c^2 (1 - l1_ratio), and the bounds.

        Examples
        --------
        >>> from shrinkage.penalties import L2
        >>> L2(2.0, 2).weights().l2
        array([2., 2.])
        """
        base = self.alpha * self.factors
        l1, l2 = base * self.l1_ratio, base * (1.0 - self.l1_ratio)
        if self.scale is not None:
            l1, l2 = l1 * self.scale, l2 * self.scale**2
        return PenaltyWeights(l1, l2, self.lower, self.upper)

    def value(self, w: np.ndarray) -> float:
        """Omega(w).

        Parameters
        ----------
        w : ndarray of shape (n_features,)
            The coefficients.

        Returns
        -------
        float
            The penalty's value at ``w`` (the bounds are not checked).

        Examples
        --------
        >>> import numpy as np
        >>> from shrinkage.penalties import L1
        >>> L1(0.5, 2).value(np.array([1.0, -3.0]))
        2.0
        """
        pw = self.weights()
        return float(penalty_value(np.asarray(w, dtype=np.float64), pw.l1, pw.l2))

    def prox(self, w_j: float, step: float, j: int) -> float:
        """argmin_x (x - w_j)^2 / (2 step) + Omega_j(x): soft-threshold, shrink, clip.

        Parameters
        ----------
        w_j : float
            The point to map.
        step : float
            The step size, > 0.
        j : int
            The coordinate (its weights and bounds).

        Returns
        -------
        float
            The proximal point.

        Examples
        --------
        >>> from shrinkage.penalties import L1
        >>> L1(1.0, 1).prox(3.0, 0.5, 0)  # soft-threshold by step x alpha
        2.5
        """
        pw = self.weights()
        return prox_coordinate(w_j / step, 1.0 / step, pw.l1[j], pw.l2[j], pw.lower[j], pw.upper[j])

    def subdiff_distance(self, grad_j: float, w_j: float, j: int) -> float:
        """Distance from -grad_j to the subdifferential of Omega_j at w_j (the KKT score).

        Parameters
        ----------
        grad_j : float
            The datafit's partial derivative at w.
        w_j : float
            The coordinate's value.
        j : int
            The coordinate (its weights and bounds).

        Returns
        -------
        float
            0 where the coordinate is optimal, else its violation.

        Examples
        --------
        >>> from shrinkage.penalties import L1
        >>> L1(1.0, 1).subdiff_distance(-0.5, 0.0, 0), L1(1.0, 1).subdiff_distance(-3.0, 0.0, 0)
        (0.0, 2.0)
        """
        pw = self.weights()
        return kkt_violation(-grad_j, w_j, pw.l1[j], pw.l2[j], pw.lower[j], pw.upper[j])

    def alpha_max(self, grad0: np.ndarray) -> float:
        """Smallest alpha at which w = 0 is optimal, given the datafit gradient at w = 0.

        For l1_ratio = 0 there is no such alpha; as glmnet does, l1_ratio is floored at 1e-3.

        Parameters
        ----------
        grad0 : ndarray of shape (n_features,)
            The datafit's gradient at w = 0.

        Returns
        -------
        float
            max_j |grad0_j| / (f_j c_j l1_ratio) over the penalized columns where 0 is feasible
            (0.0 when there is none).

        Examples
        --------
        >>> import numpy as np
        >>> from shrinkage.penalties import L1
        >>> L1(1.0, 2).alpha_max(np.array([0.5, -2.0]))
        2.0
        """
        c = np.ones_like(self.factors) if self.scale is None else self.scale
        weight = self.factors * c * max(self.l1_ratio, 1e-3)
        corr = -np.asarray(grad0, dtype=np.float64)
        # a bound that excludes a sign makes that side of the correlation irrelevant
        corr = np.where(self.upper <= 0, np.minimum(corr, 0), corr)
        corr = np.where(self.lower >= 0, np.maximum(corr, 0), corr)
        zero_feasible = (self.lower <= 0) & (self.upper >= 0) & (self.lower < self.upper)
        penalized = (weight > 0) & zero_feasible
        if not np.any(penalized):
            return 0.0
        return float(np.max(np.abs(corr[penalized]) / weight[penalized]))


def L1(alpha: float, n_features: int) -> ElasticNetPenalty:
    """The lasso penalty alpha ||w||_1 (no factors, scales or bounds).

    Parameters
    ----------
    alpha : float
        The penalty strength, >= 0.
    n_features : int
        The number of coefficients.

    Returns
    -------
    ElasticNetPenalty
        The penalty with l1_ratio = 1.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import L1
    >>> L1(0.1, 3).value(np.array([1.0, -1.0, 0.0]))
    0.2
    """
    return _plain(alpha, 1.0, n_features)


def L2(alpha: float, n_features: int) -> ElasticNetPenalty:
    """The ridge penalty alpha/2 ||w||_2^2 (no factors, scales or bounds).

    Parameters
    ----------
    alpha : float
        The penalty strength, >= 0.
    n_features : int
        The number of coefficients.

    Returns
    -------
    ElasticNetPenalty
        The penalty with l1_ratio = 0.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import L2
    >>> L2(2.0, 2).value(np.array([1.0, -1.0]))
    2.0
    """
    return _plain(alpha, 0.0, n_features)


def _plain(alpha: float, l1_ratio: float, p: int) -> ElasticNetPenalty:
    return ElasticNetPenalty(alpha, l1_ratio, np.ones(p), np.full(p, -np.inf), np.full(p, np.inf))
