"""Properties of LogisticRegression (binary) and PoissonRegressor on random small problems.

The objective is the README's mean loss plus the elastic net; the references are scikit-learn
(the L2 models, same minimiser) and an L-BFGS-B descent on the exact smooth reformulation of the
L1 norm, started from our solution and from zero: whatever they reach, P(ours) - P(ref) <=
dual_gap_, and converged_ means within tol times the null model's loss.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import expit, xlogy
from sklearn import linear_model as sk

import shrinkage
from tools import objectives as obj

from ._problems import designs, quiet, refine, rounding

PENALTIES = {"l1": 1.0, "elasticnet": 0.5, "l2": 0.0}
PENALTY_NAMES = st.sampled_from(list(PENALTIES))
TOLS = st.sampled_from([1e-4, 1e-8])


def logistic_loss(y, s):
    def loss_grad(eta):
        return float(s @ (np.logaddexp(0.0, eta) - y * eta)), s * (expit(eta) - y)

    return loss_grad


def poisson_loss(y, s):
    def loss_grad(eta):
        mu = np.exp(np.minimum(eta, 700.0))
        return float(s @ (mu - y * eta)), s * (mu - y)

    return loss_grad


def check_certificate(loss, model, data, y, w, b, alpha, l1_ratio, tol, references, null_mean):
    """P(ours) - P(ref) <= gap; converged_ implies P(ours) - P(ref) <= tol * null loss."""
    P = obj.objective(loss, data.X, y, w, b, alpha, l1_ratio, data.sw)
    best = min(
        obj.objective(loss, data.X, y, w_, b_, alpha, l1_ratio, data.sw) for w_, b_ in references
    )
    null = obj.LOSSES[loss](data.X, y, 0 * w, null_mean, data.sw)
    if loss == "poisson":  # the solver's scale is the null half deviance (>= 0): add the
        # saturated constant y log y - y that the objective above leaves out (without it the
        # null loss can be negative, and tol times it no scale at all)
        null += float(data.s @ (xlogy(y, y) - y))
    slack = rounding(P, best, null)
    assert np.isfinite(model.dual_gap_) and model.dual_gap_ >= 0
    assert P - best <= model.dual_gap_ + slack, (P - best, model.dual_gap_)
    if model.converged_:
        assert P - best <= tol * null + slack, (P - best, tol * null)


def both_classes(data) -> np.ndarray:
    n, p = data.Z.shape
    w = data.rng.uniform(-2, 2, p)
    y = (data.Z @ w + data.rng.standard_normal(n) > 0).astype(float)
    y[:2] = [0.0, 1.0]
    return y


@given(data=designs(n_min=8), log_ratio=st.floats(-3, 0.3), penalty=PENALTY_NAMES, tol=TOLS)
def test_logistic_regression_is_certified(data, log_ratio, penalty, tol):
    y = both_classes(data)
    l1_ratio = PENALTIES[penalty]
    mean = float(data.s @ y) if data.fit_intercept else 0.5
    alpha = data.alpha_max(y, residual=y - mean) / max(l1_ratio, 0.5) * 10.0**log_ratio
    ours = shrinkage.LogisticRegression(
        penalty,
        alpha=alpha,
        l1_ratio=0.5 if penalty == "elasticnet" else None,
        fit_intercept=data.fit_intercept,
        tol=tol,
        max_iter=10_000,
    )
    quiet(ours.fit, data.X, y, sample_weight=data.sw)
    w, b = ours.coef_[0], float(ours.intercept_[0])
    loss = logistic_loss(y, data.s)
    references = [
        refine(loss, data.X, w, b, alpha, l1_ratio, data.fit_intercept),
        refine(loss, data.X, 0 * w, 0.0, alpha, l1_ratio, data.fit_intercept),
    ]
    if penalty == "l2":  # scikit-learn's C sum_i s_i l_i + ||w||^2 / 2 has the same minimiser
        s = np.ones(len(y)) if data.sw is None else data.sw
        ref = sk.LogisticRegression(
            C=1.0 / (alpha * s.sum()), fit_intercept=data.fit_intercept, tol=1e-12, max_iter=10_000
        )
        quiet(ref.fit, data.X, y, sample_weight=data.sw)
        references.append((ref.coef_[0], float(ref.intercept_[0])))
    null_mean = np.log(mean / (1 - mean)) if data.fit_intercept else 0.0
    check_certificate("logistic", ours, data, y, w, b, alpha, l1_ratio, tol, references, null_mean)


@given(data=designs(n_min=8), log_ratio=st.floats(-3, 0.3), penalty=PENALTY_NAMES, tol=TOLS)
def test_poisson_regressor_is_certified(data, log_ratio, penalty, tol):
    p = data.Z.shape[1]
    y = data.rng.poisson(np.exp(0.3 * data.Z @ data.rng.uniform(-1, 1, p) + 0.5)).astype(float)
    y[0] += 1.0
    l1_ratio = PENALTIES[penalty]
    mean = float(data.s @ y) if data.fit_intercept else 1.0
    alpha = data.alpha_max(y, residual=y - mean) / max(l1_ratio, 0.5) * 10.0**log_ratio
    ours = shrinkage.PoissonRegressor(
        alpha, l1_ratio=l1_ratio, fit_intercept=data.fit_intercept, tol=tol, max_iter=10_000
    )
    quiet(ours.fit, data.X, y, sample_weight=data.sw)
    w, b = ours.coef_, float(ours.intercept_)
    loss = poisson_loss(y, data.s)
    with np.errstate(over="ignore", invalid="ignore"):
        references = [
            refine(loss, data.X, w, b, alpha, l1_ratio, data.fit_intercept),
            refine(loss, data.X, 0 * w, np.log(mean), alpha, l1_ratio, data.fit_intercept),
        ]
    if penalty == "l2":  # scikit-learn's 1/(2 sum s) sum s deviance + alpha/2 ||w||^2
        ref = sk.PoissonRegressor(
            alpha=alpha,
            fit_intercept=data.fit_intercept,
            solver="newton-cholesky",
            tol=1e-12,
            max_iter=1000,
        )
        quiet(ref.fit, data.X, y, sample_weight=data.sw)
        references.append((ref.coef_, float(ref.intercept_)))
    null_mean = np.log(mean) if data.fit_intercept else 0.0
    check_certificate("poisson", ours, data, y, w, b, alpha, l1_ratio, tol, references, null_mean)
