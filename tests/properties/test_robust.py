"""Properties of HuberRegressor and QuantileRegressor on random small problems with outliers.

QuantileRegressor is judged against scikit-learn's exact linear program (HiGHS) on the same
objective; HuberRegressor, whose certificate is the one of its last fixed-scale fit, against
scikit-learn's joint (w, b, sigma) objective.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import linear_model as sk

import shrinkage
from tools import objectives as obj

from ._problems import designs, quiet, regression_target, rounding


def with_outliers(data, y: np.ndarray) -> np.ndarray:
    """y with a tenth of its entries (at least one) moved by 20 times its spread."""
    y = y.copy()
    k = max(1, len(y) // 10)
    idx = data.rng.choice(len(y), k, replace=False)
    y[idx] += 20 * np.std(y) * data.rng.choice([-1.0, 1.0], k)
    return y


def weighted_quantile(y: np.ndarray, s: np.ndarray, tau: float) -> float:
    """A minimiser over b of sum_i s_i rho_tau(y_i - b): the first y whose cumulative weight
    reaches tau."""
    order = np.argsort(y)
    return float(y[order][np.searchsorted(np.cumsum(s[order]), tau * s.sum())])


@given(
    data=designs(n_min=8),
    log_ratio=st.floats(-3, 0.3),
    quantile=st.sampled_from([0.1, 0.5, 0.8]),
    tol=st.sampled_from([1e-6, 1e-9]),
)
def test_quantile_regressor_reaches_the_linear_programs_optimum(data, log_ratio, quantile, tol):
    y = with_outliers(data, regression_target(data, 1.0))
    b0 = weighted_quantile(y, data.s, quantile) if data.fit_intercept else 0.0
    alpha = data.alpha_max(y, residual=quantile - (y < b0)) * 10.0**log_ratio
    ours = quiet(
        shrinkage.QuantileRegressor(quantile, alpha, fit_intercept=data.fit_intercept, tol=tol).fit,
        data.X,
        y,
        sample_weight=data.sw,
    )
    ref = sk.QuantileRegressor(quantile=quantile, alpha=alpha, fit_intercept=data.fit_intercept)
    quiet(ref.fit, data.X, y, sample_weight=data.sw)

    def P(w, b):
        return obj.pinball(data.X, y, w, b, quantile, data.sw) + obj.elastic_net_penalty(
            w, alpha, 1.0
        )

    null = obj.pinball(data.X, y, 0 * ours.coef_, b0, quantile, data.sw)
    P_ours, P_ref = P(ours.coef_, ours.intercept_), P(ref.coef_, ref.intercept_)
    slack = rounding(P_ours, P_ref, null)
    assert P_ours - P_ref <= ours.dual_gap_ + slack, (P_ours - P_ref, ours.dual_gap_)
    if ours.converged_:
        assert P_ours - P_ref <= tol * null + slack, (P_ours - P_ref, tol * null)


@settings(max_examples=25)  # scikit-learn's reference at tol 1e-12 is the slow part
@given(
    data=designs(n_min=10), log_alpha=st.floats(-6, 1), epsilon=st.sampled_from([1.1, 1.35, 2.0])
)
def test_huber_regressor_matches_sklearn_objective(data, log_alpha, epsilon):
    y = with_outliers(data, regression_target(data, 1.0))
    s = np.ones(len(y)) if data.sw is None else data.sw
    alpha = 10.0**log_alpha * float(s.sum())
    ours = quiet(
        shrinkage.HuberRegressor(
            epsilon=epsilon, alpha=alpha, tol=1e-8, fit_intercept=data.fit_intercept
        ).fit,
        data.X,
        y,
        sample_weight=data.sw,
    )
    ref = sk.HuberRegressor(
        epsilon=epsilon, alpha=alpha, fit_intercept=data.fit_intercept, tol=1e-12, max_iter=10_000
    )
    quiet(ref.fit, data.X, y, sample_weight=data.sw)

    def J(w, b, sigma):
        return obj.huber_joint(data.X, y, w, b, sigma, epsilon, alpha, data.sw)

    J_ours = J(ours.coef_, ours.intercept_, ours.scale_)
    # the certificate of the last fixed-scale fit, in the joint objective's units (2 sum s)
    J_fixed = J(ref.coef_, ref.intercept_, ours.scale_)
    slack = rounding(J_ours, J_fixed)
    assert J_ours - J_fixed <= 2 * s.sum() * ours.dual_gap_ + slack, (
        J_ours - J_fixed,
        ours.dual_gap_,
    )
    # jointly: no worse than scikit-learn's L-BFGS beyond the alternation's tolerance
    J_ref = J(ref.coef_, ref.intercept_, ref.scale_)
    if ours.converged_:
        assert J_ours - J_ref <= 1e-6 * J_ref + slack, (J_ours, J_ref)
