"""The lasso in other units, 1e-80 to 1e80: the same fit, certified alike."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import shrinkage
from tools import objectives as obj

from ._problems import designs, quiet, regression_target, rounding

UNITS = st.sampled_from([1e-80, 1e-20, 1.0, 1e20, 1e80])


@given(data=designs(), log_ratio=st.floats(-3, 0.3), x_units=UNITS, y_units=UNITS)
def test_lasso_is_equivariant_to_units(data, log_ratio, x_units, y_units):
    """Lasso(alpha cx cy) on (cx X, cy y) solves Lasso(alpha) on (X, y) in other units (w' = w
    cy / cx): its optimal value is cy^2 times, and both fits are certified to it."""
    y = regression_target(data, 1.0)
    alpha = data.alpha_max(y) * 10.0**log_ratio
    kw = {"fit_intercept": data.fit_intercept, "tol": 1e-10, "max_iter": 100_000}
    base = quiet(shrinkage.Lasso(alpha, **kw).fit, data.X, y, sample_weight=data.sw)
    scaled = quiet(
        shrinkage.Lasso(alpha * x_units * y_units, **kw).fit,
        data.X * x_units,
        y * y_units,
        sample_weight=data.sw,
    )
    P_base = obj.objective(
        "least_squares", data.X, y, base.coef_, base.intercept_, alpha, 1.0, data.sw
    )
    P_scaled = (
        obj.objective(
            "least_squares",
            data.X * x_units,
            y * y_units,
            scaled.coef_,
            scaled.intercept_,
            alpha * x_units * y_units,
            1.0,
            data.sw,
        )
        / y_units**2
    )
    gaps = base.dual_gap_ + scaled.dual_gap_ / y_units**2
    assert abs(P_scaled - P_base) <= gaps + rounding(P_base), (P_scaled, P_base, gaps)
    assert scaled.converged_ == base.converged_
