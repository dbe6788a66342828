"""Multinomial (softmax) loss: l(y, eta) = log sum_k e^{eta_k} - eta_y, eta of shape (n, K).

K classes with K coefficient columns (p, K) and K intercepts, as glmnet: the penalty makes the
coefficients identifiable; the unpenalized intercepts (and free columns) are centred over the
classes, which leaves the probabilities unchanged.
"""

from __future__ import annotations

import numpy as np

from .base import xlogx

_DOMAIN_SLACK = 1e-12


def logsumexp_rows(eta: np.ndarray) -> np.ndarray:
    """log sum_k e^{eta_k} for each row, shifted by the row's max (plain numpy: fast)."""
    m = eta.max(axis=1)
    m = np.where(np.isfinite(m), m, 0.0)
    return m + np.log(np.exp(eta - m[:, None]).sum(axis=1))


def softmax_rows(eta: np.ndarray) -> np.ndarray:
    """e^{eta_k} / sum_l e^{eta_l} for each row."""
    e = np.exp(eta - eta.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Multinomial:
    """Cross-entropy of the softmax of eta against class indices y in {0, ..., K-1}.

    The linear predictor eta is (n, K), one column per class.

    Parameters
    ----------
    n_classes : int or None, default=None
        K, an integer >= 2; None takes the largest index in y plus one.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datafits import Multinomial
    >>> f, y, eta = Multinomial(n_classes=3), np.array([0.0, 2.0]), np.zeros((2, 3))
    >>> f.loss(y, eta).round(4)  # log 3 at equal probabilities
    array([1.0986, 1.0986])
    >>> f.derivative(y, eta).round(3)  # softmax(eta) - onehot(y)
    array([[-0.667,  0.333,  0.333],
           [ 0.333,  0.333, -0.667]])
    """

    name = "multinomial"
    smooth = True
    curvature_bound = 0.5  # sup of the diagonal p_k (1 - p_k) is 1/4; of the Hessian's norm, 1/2

    def __init__(self, n_classes: int | None = None):
        if n_classes is not None and (
            isinstance(n_classes, bool) or int(n_classes) != n_classes or n_classes < 2
        ):
            raise ValueError(f"n_classes must be an integer >= 2; got {n_classes!r}.")
        self.n_classes = None if n_classes is None else int(n_classes)

    def classes(self, y: np.ndarray) -> int:
        """K: n_classes when given, else the largest index in y plus one."""
        return self.n_classes if self.n_classes is not None else int(y.max()) + 1

    def check_target(self, y) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        bad = (y < 0) | (y != np.round(y))
        if self.n_classes is not None:
            bad |= y >= self.n_classes
        if np.any(bad) or y.ndim != 1:
            raise ValueError(
                "y must hold class indices 0, ..., K-1 for the multinomial datafit "
                f"(the estimator encodes labels); got {np.unique(y[bad])[:5]}."
            )
        if self.classes(y) < 2:
            raise ValueError("y has a single class: the multinomial datafit needs at least 2.")
        return y

    def _onehot(self, y: np.ndarray, K: int) -> np.ndarray:
        return np.eye(K)[y.astype(np.int64)]

    def loss(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        return (
            logsumexp_rows(eta) - np.take_along_axis(eta, y.astype(np.int64)[:, None], axis=1)[:, 0]
        )

    def derivative(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """softmax(eta) - onehot(y), (n, K)."""
        return softmax_rows(eta) - self._onehot(y, eta.shape[1])

    def curvature(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """The Hessian's diagonal p_k (1 - p_k), (n, K)."""
        p = softmax_rows(eta)
        return p * (1.0 - p)

    def conjugate(self, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """sum_k t_k log t_k with t = v + onehot(y) in the simplex."""
        t = v + self._onehot(y, v.shape[1])
        ok = np.all(t >= -_DOMAIN_SLACK, axis=1) & (
            np.abs(t.sum(axis=1) - 1.0) <= _DOMAIN_SLACK * v.shape[1]
        )
        out = np.full(len(y), np.inf)
        out[ok] = xlogx(np.clip(t[ok], 0.0, 1.0)).sum(axis=1)
        return out

    def recession(self, y: np.ndarray) -> None:
        return None  # divergence of the K-class model is decided by its own linear program

    def null_intercept(
        self, y: np.ndarray, sw: np.ndarray, offset: np.ndarray | None
    ) -> np.ndarray:
        """(K,) centred intercepts: log class frequencies without offset, else Newton's method."""
        K = self.classes(y)
        freq = np.bincount(y.astype(np.int64), weights=sw, minlength=K)
        if np.any(freq <= 0):
            absent = np.flatnonzero(freq <= 0)
            raise ValueError(
                f"class {absent.tolist()} has no sample with positive weight: its intercept "
                "would be -inf; fit the classes present (and give the others probability 0)."
            )
        b = np.log(freq / freq.sum())
        if offset is not None:
            b = _newton_intercepts(self, y, sw / sw.sum(), offset, b)
        return b - b.mean()


def _newton_intercepts(datafit: Multinomial, y, sw, offset, b, max_iter: int = 100):
    """argmin_b sum_i sw_i l(y_i, b + offset_i) by Newton's method on the K intercepts."""
    f = float(sw @ datafit.loss(y, b + offset))
    for _ in range(max_iter):
        p = softmax_rows(b + offset)
        grad = sw @ (p - datafit._onehot(y, len(b)))
        hess = np.diag(sw @ p) - (p * sw[:, None]).T @ p
        step = -np.linalg.lstsq(hess, grad, rcond=None)[0]
        decrease = float(grad @ step)
        if not decrease < -1e-15 * max(f, 1e-300):
            break
        t = 1.0
        while t > 1e-10:
            f_t = float(sw @ datafit.loss(y, b + t * step + offset))
            if f_t <= f + 1e-4 * t * decrease:
                break
            t *= 0.5
        b, f = b + t * step, f_t
    return b
