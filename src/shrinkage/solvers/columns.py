"""The columns a working-set solver still has in play, shared by the residual CD and the Gram
solver: their indices, the penalty arrays and the free columns' products restricted to them,
and the gap-safe rule that takes columns out of play."""

from __future__ import annotations

import numpy as np

from ..penalties.l1_l2 import PenaltyWeights
from . import _kernels


def in_play(keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the indices of ``keep``'s True entries, an all-True mask over them).

    Examples
    --------
    >>> idx, everywhere = in_play(np.array([True, False, True]))
    >>> idx.tolist(), everywhere.tolist()
    ([0, 2], [True, True])
    """
    idx = np.flatnonzero(keep).astype(np.int64)
    return idx, np.ones(idx.size, dtype=bool)


class ColumnsInPlay:
    """The columns still in play (not screened out), their penalty arrays, and the free
    columns' products (X_c' S X_c[idx, free], X_c' S y_c[free]) that the certificate projects
    out.

    Where every column is in play, the arrays are the caller's own (no copies).

    Parameters
    ----------
    keep : numpy.ndarray
        (p,) bool, the columns in play.
    pw : PenaltyWeights
        The penalty over all p columns.
    free : numpy.ndarray
        The unpenalized columns (never screened, so all in play), as indices into the p.
    cross : numpy.ndarray
        (p, len(free)) the products of every column with the free ones.
    q_free : numpy.ndarray
        (len(free),) the free columns' products with the target.
    precomputed : tuple of numpy.ndarray, optional
        ``in_play(keep)``, where the caller keeps it.

    Examples
    --------
    >>> pw = PenaltyWeights(np.ones(3), np.zeros(3), np.full(3, -np.inf), np.full(3, np.inf))
    >>> cols = ColumnsInPlay(np.array([True, False, True]), pw, np.empty(0, dtype=np.int64),
    ...                      np.empty((3, 0)), np.empty(0))
    >>> cols.idx.tolist(), cols.pw.l1.tolist()
    ([0, 2], [1.0, 1.0])
    """

    def __init__(
        self,
        keep: np.ndarray,
        pw: PenaltyWeights,
        free: np.ndarray,
        cross: np.ndarray,
        q_free: np.ndarray,
        precomputed: tuple[np.ndarray, np.ndarray] | None = None,
    ):
        self.idx, self.everywhere = in_play(keep) if precomputed is None else precomputed
        idx = self.idx
        #: every column is in play: the arrays over them are the whole ones (no copies)
        self.whole = idx.size == keep.size
        self.pw = (
            pw
            if self.whole
            else PenaltyWeights(pw.l1[idx], pw.l2[idx], pw.lower[idx], pw.upper[idx])
        )
        self.free = free if self.whole else np.searchsorted(idx, free).astype(np.int64)
        self.cross = np.ascontiguousarray(cross if self.whole else cross[idx])
        self.q_free = q_free

    def restrict(self, values: np.ndarray) -> np.ndarray:
        """``values`` (one per column of the design) at the columns in play: ``values`` itself
        where every column is in play (a fancy-indexed copy of 50000 values took about 40 us,
        and a certificate made six of them).

        Examples
        --------
        >>> pw = PenaltyWeights(np.ones(3), np.zeros(3), np.full(3, -np.inf), np.full(3, np.inf))
        >>> cols = ColumnsInPlay(np.array([True, False, True]), pw, np.empty(0, dtype=np.int64),
        ...                      np.empty((3, 0)), np.empty(0))
        >>> cols.restrict(np.array([1.0, 2.0, 3.0])).tolist()
        [1.0, 3.0]
        """
        return values if self.whole else values[self.idx]

    def screened_out(self, theta_corr: np.ndarray, col_norm_sq: np.ndarray, gap: float):
        """The gap-safe rule (w_j* = 0 where |x_j' theta| + ||x_j|| sqrt(2 gap) < l1_j): a mask
        over the columns in play, True where a column leaves.

        Parameters
        ----------
        theta_corr : numpy.ndarray
            X_c' theta over the columns in play, theta a feasible dual point.
        col_norm_sq : numpy.ndarray
            Their squared norms ||x_j||^2.
        gap : float
            The duality gap at theta.

        Returns
        -------
        numpy.ndarray
            (len(idx),) bool.

        Examples
        --------
        >>> pw = PenaltyWeights(np.ones(2), np.zeros(2), np.full(2, -np.inf), np.full(2, np.inf))
        >>> cols = ColumnsInPlay(np.ones(2, dtype=bool), pw, np.empty(0, dtype=np.int64),
        ...                      np.empty((2, 0)), np.empty(0))
        >>> cols.screened_out(np.array([0.1, 0.99]), np.ones(2), 1e-4).tolist()
        [True, False]
        """
        kept = np.ones(self.idx.size, dtype=bool)
        pw = self.pw
        _kernels.screen_gap_safe(
            theta_corr, col_norm_sq, np.sqrt(2.0 * gap), pw.l1, pw.lower, pw.upper, kept
        )
        return ~kept
