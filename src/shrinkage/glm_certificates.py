"""The duality gap of a GLM fit (the objective and its dual are in ``shrinkage.datafits.base``).

The dual point is u = scale * sw * l'(eta): the scaled gradient of the datafit in eta.  The
caller makes it feasible for the unpenalized parts first (the intercept, sum u = 0, and the free
columns, x_j.u = 0, are fitted exactly: see ``polish_unpenalized``); scale <= 1 then makes
|x_j.u| <= l1_j wherever the penalty's conjugate would otherwise be infinite, and every datafit
keeps l*(y, scale l'(eta)) finite.  The gap P(w, b) - D(u) >= P(w, b) - P* is in objective
units; one that cannot be trusted (NaN, or negative beyond rounding) is inf, never 0.  The
solvers add the unpenalized block's Newton decrement to it (``prox_newton.certify``): the block
is fitted to that accuracy, not exactly, and with no penalty that decrement is the whole
certificate.

A datafit that is not convex (``convex`` False: Tweedie with a power outside [1, 2]) has no
useful dual: its fits are certified by their largest KKT violation per unit column norm
(``glm_kkt_violation``), with tolerances relative to ``kkt_scale``.
"""

from __future__ import annotations

import numpy as np

from ._certificate_kernels import trusted_gap
from .penalties._l1_l2_kernels import dual_scale, penalty_conjugate, penalty_value
from .penalties.l1_l2 import PenaltyWeights


def flat_weights(pw: PenaltyWeights, shape: tuple) -> tuple[np.ndarray, ...]:
    """(l1, l2, lower, upper) repeated over the classes of a (p, K) coefficient matrix, raveled."""
    if len(shape) == 1:
        return pw.l1, pw.l2, pw.lower, pw.upper
    return tuple(np.repeat(a, shape[1]) for a in (pw.l1, pw.l2, pw.lower, pw.upper))


def glm_duality_gap(
    datafit,
    y: np.ndarray,
    sw: np.ndarray,
    eta: np.ndarray,
    offset: np.ndarray,
    w: np.ndarray,
    pw: PenaltyWeights,
    grad: np.ndarray,
    exact: np.ndarray | None = None,
) -> tuple[float, float]:
    """(gap, primal) at (w, eta), given grad = X' (sw l'(eta)) for every column.

    ``exact`` marks the coordinates whose optimality condition x_j.u = 0 was solved to rounding
    (the free columns fitted exactly); their dual correlation is taken as 0.
    """
    l1, l2, lower, upper = flat_weights(pw, w.shape)
    wf = np.ascontiguousarray(w, dtype=np.float64).ravel()
    primal = float(sw @ datafit.loss(y, eta)) + float(penalty_value(wf, l1, l2))
    corr = -np.asarray(grad, dtype=np.float64).ravel()
    if exact is not None:
        corr[np.asarray(exact).ravel()] = 0.0
    scale = dual_scale(corr, l1, l2, lower, upper)
    v = scale * datafit.derivative(y, eta)
    pos = sw > 0
    conj = datafit.conjugate(y[pos], v[pos])
    u = sw[:, None] * v if v.ndim == 2 else sw * v
    terms = (
        -float(sw[pos] @ conj),
        float(np.sum(u * offset)),
        -float(penalty_conjugate(scale * corr, l1, l2, lower, upper)),
    )
    return trusted_glm_gap(primal, terms), primal


def trusted_glm_gap(primal: float, dual_terms: tuple[float, ...]) -> float:
    """P - sum(dual_terms) as a certificate (``trusted_gap``): >= 0, and inf for NaN
    or a negative value beyond the rounding of the terms (an overflow certifies nothing)."""
    gap = primal - sum(dual_terms)
    size = abs(primal) + sum(abs(t) for t in dual_terms)
    if not np.isfinite(size):
        return np.inf
    return float(trusted_gap(gap, size))


def kkt_scale(datafit, y: np.ndarray, sw: np.ndarray, eta: np.ndarray) -> float:
    """sqrt(sum_i sw_i l'(y_i, eta_i)^2): the scale of the KKT certificate, taken at the
    intercept-only model's eta (the GLM analogue of least squares' ||y - mean y||_sw).

    By Cauchy-Schwarz |x_j' (sw l')| / ||x_j||_sw is at most this at the same eta (for every
    column, the intercept's too), so a tolerance relative to it does not depend on the columns'
    units.

    Parameters
    ----------
    datafit : Datafit
        The loss.
    y : numpy.ndarray of shape (n,)
        The target.
    sw : numpy.ndarray of shape (n,)
        The sample weights.
    eta : numpy.ndarray of shape (n,)
        The linear predictor.

    Returns
    -------
    float
        The sw-weighted norm of the loss's derivative at eta.

    Examples
    --------
    >>> from shrinkage.datafits.tweedie import Tweedie
    >>> kkt_scale(Tweedie(0), np.array([1.0, 3.0]), np.ones(2), np.zeros(2))  # l' = mu (mu - y)
    2.0
    """
    return float(np.sqrt(sw @ datafit.derivative(y, eta) ** 2))


def glm_kkt_violation(
    violations: np.ndarray, unit_sq: np.ndarray, u: np.ndarray, sw: np.ndarray, fit_intercept: bool
) -> float:
    """The KKT certificate of a GLM fit: its largest KKT violation per unit column norm.

    max over columns with ``unit_sq`` > 0 of violations_j / ||x_j||, with violations_j the
    distance of -x_j' u to the penalty's subdifferential (the normal cone at a bound included),
    and, with an intercept, |sum_i u_i| / sqrt(sum_i sw_i), u = sw l'(eta).  0 at a stationary
    point of the composite objective (a local minimum when the loss is not convex).

    Parameters
    ----------
    violations : numpy.ndarray of shape (p,)
        The coefficients' KKT violations (``penalties._l1_l2_kernels.kkt_violations``).
    unit_sq : numpy.ndarray of shape (p,)
        ||x_j||^2 (sw-weighted, centred with an intercept); 0 excludes a column (fixed ones).
    u : numpy.ndarray of shape (n,)
        sw l'(eta).
    sw : numpy.ndarray of shape (n,)
        The sample weights.
    fit_intercept : bool
        Whether the intercept's condition sum u = 0 is part of the certificate.

    Returns
    -------
    float
        The certificate.

    Examples
    --------
    >>> glm_kkt_violation(np.array([0.5, 3.0]), np.array([0.25, 0.0]), np.array([0.1, -0.3]),
    ...                   np.full(2, 0.5), True)
    1.0
    """
    kept = unit_sq > 0
    worst = float(np.max(violations[kept] / np.sqrt(unit_sq[kept]), initial=0.0))
    total = float(sw.sum())
    if fit_intercept and total > 0:
        worst = max(worst, abs(float(u.sum())) / np.sqrt(total))
    return worst
