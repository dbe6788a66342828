"""Properties of Lasso, ElasticNet and Ridge on random small problems.

Judged against scikit-learn on the same objective, against exact optima (Ridge's closed form,
least squares as alpha -> 0) and through their certificates: for any reference point,
P(ours) - P(reference) <= dual_gap_ (up to rounding), and converged_ means within tol.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from sklearn import linear_model as sk

import shrinkage
from tools import objectives as obj

from ._problems import designs, quiet, regression_target, rounding

TOLS = st.sampled_from([1e-4, 1e-8])


def least_squares_reference(data, y) -> tuple[np.ndarray, float]:
    """The exact (minimum-norm) weighted least-squares fit: the alpha -> 0 limit."""
    Xc, yc = data.centred(y)
    root = np.sqrt(data.s)
    w = np.linalg.lstsq(Xc * root[:, None], yc * root, rcond=None)[0]
    return w, _intercept(data, y, w)


def _intercept(data, y, w) -> float:
    return float(data.s @ (y - data.X @ w)) if data.fit_intercept else 0.0


def check_certificate(model, data, y, alpha, l1_ratio, tol, references) -> None:
    """P(ours) - P(ref) <= gap for every reference; converged_ implies within tol's bound."""
    P = obj.objective(
        "least_squares", data.X, y, model.coef_, model.intercept_, alpha, l1_ratio, data.sw
    )
    null = obj.least_squares(
        data.X, y, 0 * model.coef_, _intercept(data, y, 0 * model.coef_), data.sw
    )
    best = min(
        obj.objective("least_squares", data.X, y, w, b, alpha, l1_ratio, data.sw)
        for w, b in references
    )
    slack = rounding(P, best, null)
    assert np.isfinite(model.dual_gap_) and model.dual_gap_ >= 0
    assert P - best <= model.dual_gap_ + slack, (P - best, model.dual_gap_)
    if model.converged_:  # tol is relative to sum_i sw_i (y_i - ybar)^2 = 2 P(0, ybar)
        assert P - best <= tol * 2 * null + slack, (P - best, tol * 2 * null)


@given(
    data=designs(),
    log_ratio=st.floats(-4, 0.3),
    l1_ratio=st.sampled_from([1.0, 0.7, 0.1]),
    y_scale=st.sampled_from([1e-3, 1.0, 1e3]),
    tol=TOLS,
)
def test_elastic_net_is_certified_against_sklearn_and_least_squares(
    data, log_ratio, l1_ratio, y_scale, tol
):
    y = regression_target(data, y_scale)
    alpha = data.alpha_max(y) / l1_ratio * 10.0**log_ratio
    ours = shrinkage.ElasticNet(
        alpha, l1_ratio=l1_ratio, fit_intercept=data.fit_intercept, tol=tol, max_iter=10_000
    )
    quiet(ours.fit, data.X, y, sample_weight=data.sw)
    ref = sk.ElasticNet(
        alpha=alpha,
        l1_ratio=l1_ratio,
        fit_intercept=data.fit_intercept,
        tol=1e-12,
        max_iter=100_000,
    )
    quiet(ref.fit, data.X, y, sample_weight=data.sw)
    references = [(ref.coef_, ref.intercept_), least_squares_reference(data, y)]
    check_certificate(ours, data, y, alpha, l1_ratio, tol, references)


@given(
    data=designs(),
    log_alpha=st.floats(-8, 3),
    solver=st.sampled_from(["auto", "cholesky", "eigen", "cd"]),
)
def test_ridge_matches_its_closed_form(data, log_alpha, solver):
    """Ridge reaches the exact optimum (augmented least squares), as scikit-learn's does."""
    y = regression_target(data, 1.0)
    s = np.ones(len(y)) if data.sw is None else data.sw
    Xc, yc = data.centred(y)
    alpha = 10.0**log_alpha * float(s.sum()) * np.mean(Xc**2)
    ours = quiet(
        shrinkage.Ridge(
            alpha, fit_intercept=data.fit_intercept, solver=solver, max_iter=100_000
        ).fit,
        data.X,
        y,
        sample_weight=data.sw,
    )
    p = data.X.shape[1]
    root = np.sqrt(s)
    A = np.vstack([Xc * root[:, None], np.sqrt(alpha) * np.eye(p)])
    exact = np.linalg.lstsq(A, np.concatenate([yc * root, np.zeros(p)]), rcond=None)[0]
    ref = quiet(
        sk.Ridge(alpha, fit_intercept=data.fit_intercept, solver="svd").fit,
        data.X,
        y,
        sample_weight=data.sw,
    )
    P = obj.ridge(data.X, y, ours.coef_, ours.intercept_, alpha, data.sw)
    P_exact = obj.ridge(data.X, y, exact, _intercept(data, y, exact), alpha, data.sw)
    P_sklearn = obj.ridge(data.X, y, ref.coef_, ref.intercept_, alpha, data.sw)
    gap = float(ours.dual_gap_) * 2 * s.sum()  # dual_gap_ is in ElasticNet units
    slack = rounding(P, P_exact)
    assert P - min(P_exact, P_sklearn) <= gap + slack, (P - P_exact, gap)
    # the default tol of 1e-4 is met, in the same relative units as the other linear models
    null = obj.ridge(data.X, y, np.zeros(p), _intercept(data, y, np.zeros(p)), 0.0, data.sw)
    assert P - P_exact <= 1e-4 * null + slack, (P - P_exact, null)
