"""A Newton step on the support of an elastic-net working set: the exact minimiser of the
objective on the orthant (and box face) of the current signs, reached in one linear solve.

Coordinate descent converges linearly, slowly on strongly correlated columns, while the
duality gap at the (rescaled) residual lags the primal error by a square root: most epochs of a
fit at a small alpha are spent after the support and the signs are already right.  On a fixed
sign pattern s_S the objective restricted to the support S is the quadratic

    0.5 ||r - X_S d||^2 + sum_S l1_j s_j (w_j + d_j) + l2_j / 2 (w_j + d_j)^2,

minimised by (X_S' X_S + diag(l2_S)) d = X_S' r - l1_S s_S - l2_S w_S.  The full step
w_S + d, with the L1 coordinates that crossed 0 set to 0 and the box applied, is taken if it
lowers the objective (recomputed from the new residual); otherwise w_S + t d with the largest
t <= 1 that keeps every L1 coordinate in its closed orthant and every coordinate in its box
(the objective is convex along the segment with its minimum on the line at t = 1, so it lowers
it unless t = 0).  A wrong support costs one solve, never a worse point.  Nothing here
certifies; the caller's duality gap does, at the point this returns (the support Newton step
of celer/skglm-style working-set solvers and of semismooth Newton methods, here as a polish).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Literal

import numpy as np
import scipy.linalg

from . import _scratch
from ._threads import one_blas_thread

#: a support larger than this is not factored (the p x p solve would cost more than epochs)
MAX_SUPPORT = 3000
#: coordinates held at a boundary (0 or a bound) in one Newton step at most
MAX_DROPS = 30


class OrthantNewton:
    """Newton steps on the support of a dense least-squares working set; the last factored
    support's Gram matrix and Cholesky factor are kept for the next step (the factor if the
    support is the same, the Gram matrix's entries between the columns it shares).

    The support's columns, its Gram matrix and factor live in ``_scratch`` buffers (given back
    after the step, or when the instance goes): written fresh, their pages would cost about
    a fault per 4 KiB at every fit.

    Parameters
    ----------
    columns : callable
        ``columns(S, out)`` writes the centred, weighted design's columns S into ``out``,
        (n, len(S)), Fortran order.

    Examples
    --------
    The lasso on two orthogonal columns, from a point with the right signs:

    >>> import numpy as np
    >>> Xd = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    >>> y = np.array([3.0, -2.0, 0.0])
    >>> pen = (0, np.ones(2), np.zeros(2), np.full(2, -np.inf), np.full(2, np.inf), 0.0)
    >>> w = np.array([1.0, -0.5])
    >>> r = y - Xd @ w
    >>> OrthantNewton(lambda S, out: np.copyto(out, Xd[:, S])).step(pen, w, r, np.array([0, 1]))
    True
    >>> w.tolist(), r.tolist()  # soft-thresholding: 3 - 1 and -2 + 1
    ([2.0, -1.0], [1.0, -1.0, 0.0])
    """

    def __init__(self, columns: Callable[[np.ndarray, np.ndarray], None]):
        self.columns = columns
        self._support = np.empty(0, dtype=np.int64)
        self._gram_matrix = np.empty((0, 0))
        self._factor: tuple | None = None
        #: the scratch buffers under ``_gram_matrix`` and ``_factor``
        self._held: dict[str, np.ndarray] = {}
        weakref.finalize(self, _give_all, self._held)

    def step(self, penalty: tuple, w: np.ndarray, r: np.ndarray, ws: np.ndarray) -> bool:
        """One Newton step on the non-zero coordinates of ``w`` in ``ws`` (``w`` and the dense
        residual ``r`` updated in place); True if it lowered the objective.

        ``penalty`` is an elastic-net tuple of ``penalties._separable.penalty_arrays``.
        """
        l2 = penalty[2]
        S = ws[w[ws] != 0.0]
        m = S.size
        if m == 0 or m > MAX_SUPPORT or (m >= r.size and not np.all(l2[S] > 0)):
            return False
        flat = _scratch.take(r.size * m)
        try:
            Xs = _scratch.matrix(flat, (r.size, m), "F")
            self.columns(S, Xs)
            return self._step(penalty, w, r, S, Xs)
        finally:
            _scratch.give(flat)

    def _step(self, penalty: tuple, w: np.ndarray, r: np.ndarray, S: np.ndarray, Xs) -> bool:
        """``step`` on the support ``S``, its columns ``Xs``."""
        _, l1, l2, lower, upper, _ = penalty
        factor = self._cholesky(S, Xs, l2[S])
        if factor is None:
            return False
        w_s, l1_s, l2_s = w[S], l1[S], l2[S]
        sign = np.sign(w_s)
        g = Xs.T @ r - l1_s * sign - l2_s * w_s
        with one_blas_thread():
            new = _active_set_steps(factor, g, w_s, sign, l1_s, lower[S], upper[S])
        if new is None:
            return False
        r_new = r - Xs @ (new - w_s)
        before = 0.5 * (r @ r) + _penalty(w_s, l1_s, l2_s)
        if not 0.5 * (r_new @ r_new) + _penalty(new, l1_s, l2_s) < before:
            return False
        w[S] = new
        r[:] = r_new
        return True

    def _cholesky(self, S: np.ndarray, Xs: np.ndarray, l2_s: np.ndarray) -> tuple | None:
        """The Cholesky factor of X_S' X_S + diag(l2_S), reused while S does not change; None
        where it is not positive definite to working precision."""
        if self._factor is not None and np.array_equal(S, self._support):
            return self._factor
        H = self._gram(S, Xs)
        self._factor = None
        self._support, self._gram_matrix = S, H
        A = self._hold("factor", H.shape, "F")  # LAPACK's order: factored in place
        A[...] = H
        A[np.diag_indices_from(A)] += l2_s
        try:
            with one_blas_thread():
                factor = scipy.linalg.cho_factor(
                    A, lower=True, overwrite_a=True, check_finite=False
                )
        except np.linalg.LinAlgError:
            factor = None
        if factor is not None and not np.all(np.isfinite(factor[0].diagonal())):
            factor = None
        self._factor = factor
        return factor

    def _gram(self, S: np.ndarray, Xs: np.ndarray) -> np.ndarray:
        """X_S' X_S, its entries between columns of the last support copied from that one's
        (the supports of consecutive steps differ by a few columns)."""
        old = self._support
        common, here, there = np.intersect1d(S, old, assume_unique=True, return_indices=True)
        if common.size < S.size // 2:
            return np.matmul(Xs.T, Xs, out=self._hold("gram", (S.size, S.size), "C"))
        new = np.setdiff1d(np.arange(S.size), here, assume_unique=True)
        kept = self._gram_matrix[np.ix_(there, there)]
        H = self._hold("gram", (S.size, S.size), "C")
        H[np.ix_(here, here)] = kept
        cross = Xs.T @ Xs[:, new]
        H[:, new] = cross
        H[new, :] = cross.T
        return H

    def _hold(self, name: str, shape: tuple[int, int], order: Literal["C", "F"]) -> np.ndarray:
        """A scratch matrix for ``name`` (the Gram matrix or the factor), the one it replaces
        given back."""
        old = self._held.pop(name, None)
        if old is not None:
            _scratch.give(old)
            del old  # kept for reuse only when nothing refers to it any more
        self._held[name] = flat = _scratch.take(shape[0] * shape[1])
        return _scratch.matrix(flat, shape, order)


def _give_all(held: dict[str, np.ndarray]) -> None:
    """Give the scratch buffers of a dropped ``OrthantNewton`` back."""
    for flat in held.values():
        _scratch.give(flat)
    held.clear()


def _active_set_steps(factor, g, w, sign, l1, lower, upper) -> np.ndarray | None:
    """Steps toward the minimiser of the quadratic model on the current orthant face, each
    stopped at the first coordinate that reaches its boundary (0 for an L1 coordinate, a bound),
    which is then held there; ``MAX_DROPS`` boundaries at most.  None where a solve failed.

    The model at w + d is g'd - d'Hd/2 (plus constants), H = X_S'X_S + diag(l2_S) factored
    once: holding the coordinates K at their boundary values b_K, its minimiser is
    d = H^-1 (g - E mu) with (E' H^-1 E) mu = E' H^-1 g - (b_K - w_K), one more solve with
    the factor per held coordinate.
    """
    m = w.size
    base = scipy.linalg.cho_solve(factor, g, check_finite=False)
    held: list[int] = []
    target_held: list[float] = []
    columns = np.empty((m, 0))
    point = w.copy()
    for _ in range(MAX_DROPS + 1):
        if held:
            K = np.array(held)
            small = columns[K]
            mu = np.linalg.solve(small, base[K] - (np.array(target_held) - w[K]))
            d = base - columns @ mu
        else:
            d = base
        if not np.all(np.isfinite(d)):
            return None
        z = w + d
        z[held] = target_held  # exactly on their boundary, not a rounding error beyond it
        direction = z - point
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing = (l1 > 0) & (sign * z < 0)
            to_zero = np.where(crossing, -point / direction, np.inf)
            to_upper = np.where(direction > 0, (upper - point) / direction, np.inf)
            to_lower = np.where(direction < 0, (lower - point) / direction, np.inf)
        limits = np.minimum(to_zero, np.minimum(to_upper, to_lower))
        limits[held] = np.inf
        k = int(np.argmin(limits))
        t = float(limits[k])
        if t >= 1.0:
            return z
        t = max(t, 0.0)
        point = point + t * direction
        boundary = 0.0 if to_zero[k] == t else (upper[k] if direction[k] > 0 else lower[k])
        point[k] = boundary
        if len(held) == MAX_DROPS:
            break
        unit = np.zeros(m)
        unit[k] = 1.0
        solved = scipy.linalg.cho_solve(factor, unit, check_finite=False)
        columns = np.column_stack([columns, solved])
        held.append(k)
        target_held.append(boundary)
    return point


def _penalty(w, l1, l2) -> float:
    return float(l1 @ np.abs(w) + 0.5 * (l2 @ (w * w)))
