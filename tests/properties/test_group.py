"""Properties of GroupLasso (least squares) on random small problems and random groups.

References: an accelerated proximal gradient in plain numpy (the sparse-group prox is
soft-thresholding then group shrinking), started from zero and from our solution, and
scikit-learn's Lasso when the penalty is the L1 norm alone.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import linear_model as sk

import shrinkage
from tools import objectives as obj

from ._problems import designs, quiet, regression_target, rounding


def sparse_group_prox(v, step, alpha, l1_ratio, masks):
    out = np.sign(v) * np.maximum(np.abs(v) - step * alpha * l1_ratio, 0.0)
    for m in masks:
        norm = np.linalg.norm(out[m])
        thresh = step * alpha * (1 - l1_ratio) * np.sqrt(m.sum())
        out[m] *= 0.0 if norm <= thresh else 1 - thresh / norm
    return out


def proximal_gradient(data, y, w0, alpha, l1_ratio, labels, n_iter=600):
    """FISTA with restarts on the centred problem; the best (w, b) it visits."""
    Xc, yc = data.centred(y)
    A = Xc * np.sqrt(data.s)[:, None]
    L = max(np.linalg.norm(A, 2) ** 2, np.finfo(float).tiny)
    masks = [labels == g for g in np.unique(labels)]

    def P(w):
        return 0.5 * data.s @ (yc - Xc @ w) ** 2 + obj.group_penalty(w, labels, alpha, l1_ratio)

    w = z = np.asarray(w0, dtype=np.float64).copy()
    value, t = P(w), 1.0
    for _ in range(n_iter):
        grad = -Xc.T @ (data.s * (yc - Xc @ z))
        w_new = sparse_group_prox(z - grad / L, 1 / L, alpha, l1_ratio, masks)
        new_value = P(w_new)
        if new_value > value:  # restart the momentum from the best point
            z, t = w, 1.0
            continue
        t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
        z, w, t, value = w_new + (t - 1) / t_new * (w_new - w), w_new, t_new, new_value
    b = float(data.s @ (y - data.X @ w)) if data.fit_intercept else 0.0
    return w, b


@settings(max_examples=25)  # the numpy references are the slow part
@given(
    data=designs(),
    log_ratio=st.floats(-3, 0.3),
    l1_ratio=st.sampled_from([0.0, 0.5, 1.0]),
    n_groups=st.integers(1, 4),
    tol=st.sampled_from([1e-4, 1e-8]),
)
def test_group_lasso_is_certified(data, log_ratio, l1_ratio, n_groups, tol):
    y = regression_target(data, 1.0)
    labels = data.rng.integers(0, n_groups, data.X.shape[1])
    alpha = data.alpha_max(y) * 10.0**log_ratio
    ours = quiet(
        shrinkage.GroupLasso(
            groups=labels,
            alpha=alpha,
            l1_ratio=l1_ratio,
            tol=tol,
            fit_intercept=data.fit_intercept,
            max_iter=10_000,
        ).fit,
        data.X,
        y,
        sample_weight=data.sw,
    )

    def P(w, b):
        return obj.least_squares(data.X, y, w, b, data.sw) + obj.group_penalty(
            w, labels, alpha, l1_ratio
        )

    references = [
        proximal_gradient(data, y, ours.coef_, alpha, l1_ratio, labels),
        proximal_gradient(data, y, 0 * ours.coef_, alpha, l1_ratio, labels),
    ]
    if l1_ratio == 1.0:
        ref = quiet(
            sk.Lasso(alpha, fit_intercept=data.fit_intercept, tol=1e-12, max_iter=100_000).fit,
            data.X,
            y,
            sample_weight=data.sw,
        )
        references.append((ref.coef_, ref.intercept_))
    P_ours = P(ours.coef_, ours.intercept_)
    best = min(P(w, b) for w, b in references)
    b0 = float(data.s @ y) if data.fit_intercept else 0.0
    null = P(0 * ours.coef_, b0)
    slack = rounding(P_ours, best, null)
    assert ours.certificate_ == "duality_gap"
    assert P_ours - best <= ours.dual_gap_ + slack, (P_ours - best, ours.dual_gap_)
    if ours.converged_:
        assert P_ours - best <= tol * 2 * null + slack, (P_ours - best, tol * 2 * null)
