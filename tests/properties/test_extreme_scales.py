"""Properties of the least-squares models at extreme scales: alphas down to 1e-300 (the optimum
is then the least-squares fit; the certificate must follow it)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import shrinkage
from tools import objectives as obj

from ._problems import designs, quiet, regression_target, rounding
from .test_linear import TOLS, _intercept, check_certificate, least_squares_reference


@given(
    data=designs(n_min=15),
    log_alpha=st.floats(-300, -8),
    l1_ratio=st.sampled_from([1.0, 0.5]),
    tol=TOLS,
)
def test_a_vanishing_alpha_gives_least_squares(data, log_alpha, l1_ratio, tol):
    """Down to alpha = 1e-300 the optimum is the least-squares fit, never w = 0: the fit gets
    there (coordinate descent is exact on the well-conditioned unscaled columns)."""
    y = regression_target(data, 1.0)
    alpha = data.alpha_max(y) * 10.0**log_alpha
    ours = quiet(
        shrinkage.ElasticNet(
            alpha, l1_ratio=l1_ratio, fit_intercept=data.fit_intercept, tol=tol, max_iter=10_000
        ).fit,
        data.X,
        y,
        sample_weight=data.sw,
    )
    reference = least_squares_reference(data, y)
    check_certificate(ours, data, y, alpha, l1_ratio, tol, [reference])
    P = obj.objective(
        "least_squares", data.X, y, ours.coef_, ours.intercept_, alpha, l1_ratio, data.sw
    )
    P_ref = obj.objective("least_squares", data.X, y, *reference, alpha, l1_ratio, data.sw)
    null = obj.least_squares(
        data.X, y, 0 * ours.coef_, _intercept(data, y, 0 * ours.coef_), data.sw
    )
    assert P - P_ref <= tol * 2 * null + rounding(P, null), (P - P_ref, ours.converged_)
