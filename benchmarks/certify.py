"""Independent certificate: the duality gap of the Elastic-Net objective, in plain numpy.

Primal (scikit-learn's objective, fit_intercept=True):

    P(w, b) = 1/(2n) ||y - X w - b||^2 + alpha (l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||^2)

Fenchel dual over u in R^n with the intercept constraint 1'u = 0 (h_j(w) = lam1 |w| + lam2/2 w^2,
lam1 = alpha l1_ratio, lam2 = alpha (1 - l1_ratio)):

    D(u) = u'y - n/2 ||u||^2 - sum_j h*(x_j'u),
    h*(v) = (|v| - lam1)_+^2 / (2 lam2)  (lam2 > 0),   0 if |v| <= lam1 else +inf  (lam2 = 0).

The dual point is the centred residual of w scaled to be feasible: u = s r_c / n with
r_c = y_c - X_c w (so 1'u = 0 whatever intercept the library returned) and
s = min(1, lam1 / ||X' r_c / n||_inf) for the Lasso, s = 1 otherwise.  P(w, b) is evaluated at the
library's own (w, b), so a poor intercept shows up in the gap.  Nothing here imports shrinkage.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def path_gaps(
    X: np.ndarray,
    y: np.ndarray,
    alphas: np.ndarray,
    l1_ratio: float,
    coefs: np.ndarray,
    intercepts: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(gap, primal) for every alpha; ``coefs`` is (n_alphas, p), ``intercepts`` (n_alphas,).

    Vectorised over alphas: two BLAS-3 products with X in all.  A scipy sparse X stays sparse
    (its centring is implicit, through the column means).
    """
    if sp.issparse(X):
        X = X.tocsc()
        x_mean = np.asarray(X.mean(axis=0)).ravel()
    else:
        X = np.asarray(X, dtype=np.float64)
        x_mean = X.mean(axis=0)
    n = X.shape[0]
    alphas = np.asarray(alphas, dtype=np.float64)
    W = np.asarray(coefs, dtype=np.float64).reshape(len(alphas), X.shape[1])
    b = np.asarray(intercepts, dtype=np.float64).reshape(len(alphas))
    y_c = y - y.mean()
    XW = np.asarray(X @ W.T)  # (n, n_alphas)
    R = y[:, None] - XW - b[None, :]  # the library's own residuals
    lam1 = alphas * l1_ratio
    lam2 = alphas * (1.0 - l1_ratio)
    primal = (
        (0.5 / n) * np.einsum("ij,ij->j", R, R)
        + lam1 * np.abs(W).sum(axis=1)
        + 0.5 * lam2 * np.einsum("ij,ij->i", W, W)
    )
    # centred residual: y_c - X_c w = y_c - (X w - mean(X w))
    Rc = y_c[:, None] - (XW - (x_mean @ W.T)[None, :])
    V = np.asarray(X.T @ Rc) / n  # X' u for u = r_c / n (1'r_c = 0, so X_c' = X')
    s = np.ones(len(alphas))
    if l1_ratio == 1.0:
        vmax = np.abs(V).max(axis=0)
        with np.errstate(divide="ignore"):
            s = np.where(vmax > lam1, lam1 / vmax, 1.0)
    U_dot_y = s * (Rc.T @ y_c) / n
    U_sq = s * s * np.einsum("ij,ij->j", Rc, Rc) / (n * n)
    dual = U_dot_y - 0.5 * n * U_sq
    if l1_ratio < 1.0:
        excess = np.maximum(np.abs(V * s[None, :]) - lam1[None, :], 0.0)
        dual -= (excess**2).sum(axis=0) / (2.0 * lam2)
    gap = primal - dual
    return gap, primal


def relative_gaps(problem, coefs, intercepts) -> np.ndarray:
    """gap / primal at every alpha of the problem's grid."""
    gap, primal = path_gaps(
        problem.X, problem.y, problem.alphas, problem.l1_ratio, coefs, intercepts
    )
    return gap / primal


# ----------------------------------------------------------------------------------------------
# L1 logistic regression without intercept, labels y in {-1, +1}
#
#   P(w) = (1/n) sum_i log(1 + exp(-m_i)) + alpha ||w||_1,   m_i = y_i x_i.w
#   D(u) = (1/n) sum_i H(n y_i u_i)  subject to ||X'u||_inf <= alpha,
#   H(q) = -q log q - (1-q) log(1-q)  (the binary entropy)
#
# Dual point: u = s y * sigmoid(-m) / n (minus the gradient of the loss at X w), s = min(1,
# alpha / ||X'(y sigmoid(-m))/n||_inf), so D = mean(H(s sigmoid(-m))).  Gaps are reported relative
# to the null objective P(0) = log 2.


LOG2 = float(np.log(2.0))


def liblinear_C(alpha: float, n: int) -> float:
    """scikit-learn's C for liblinear's C sum_i loss_i + ||w||_1:  C = 1 / (alpha n)."""
    return 1.0 / (alpha * n)


def celer_logreg_alpha(alpha: float, n: int) -> float:
    """celer_path(pb='logreg') minimises sum_i loss_i + alpha' ||w||_1:  alpha' = alpha n."""
    return alpha * n


def skglm_alpha(alpha: float, n: int) -> float:
    """skglm's Logistic datafit is the mean loss, as here: the same alpha."""
    return alpha


def _binary_entropy(q: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(q * np.log(q) + (1.0 - q) * np.log1p(-q))
    return np.where((q <= 0.0) | (q >= 1.0), 0.0, h)


def logistic_gaps(
    X, y: np.ndarray, alphas: np.ndarray, coefs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(gap, primal) at every alpha; ``X`` dense or scipy sparse, ``coefs`` (n_alphas, p)."""
    n, p = X.shape
    alphas = np.asarray(alphas, dtype=np.float64)
    W = np.asarray(coefs, dtype=np.float64).reshape(len(alphas), p)
    margins = y[:, None] * np.asarray(X @ W.T)  # (n, n_alphas)
    primal = np.logaddexp(0.0, -margins).mean(axis=0) + alphas * np.abs(W).sum(axis=1)
    prob = 0.5 * (1.0 - np.tanh(0.5 * margins))  # sigmoid(-m) without overflow
    corr = np.abs(np.asarray(X.T @ (y[:, None] * prob))).max(axis=0) / n
    with np.errstate(divide="ignore"):
        scale = np.where(corr > alphas, alphas / corr, 1.0)
    dual = _binary_entropy(scale[None, :] * prob).mean(axis=0)
    return primal - dual, primal


def logistic_relative_gaps(X, y: np.ndarray, alphas: np.ndarray, coefs: np.ndarray) -> np.ndarray:
    """gap / log(2) (the objective at w = 0) at every alpha."""
    return logistic_gaps(X, y, alphas, coefs)[0] / LOG2
