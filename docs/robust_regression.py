"""Numbers for docs/robust-regression.md: the L1 *loss* resists outliers in y, the L1 *penalty*
does not.

    python docs/robust_regression.py      # prints the table the guide quotes

Data: y = 1 + 2 x1 - x2 + N(0, 0.5^2) with three pure-noise features x3..x5, n = 200; then 10% of
the responses get +25 (gross outliers in y), or the same 10% of the rows get x1 = 10 and y = -20
(bad leverage points: outliers in X).  Errors: max_j |w_j - w_true_j| and |b - 1|.
"""

from __future__ import annotations

import numpy as np

from shrinkage import Lasso
from shrinkage.estimators.quantile import QuantileRegressor

N, P, SHIFT = 200, 5, 25.0
W_TRUE = np.array([2.0, -1.0, 0.0, 0.0, 0.0])
MODELS = {
    "ols": "least squares (no penalty)",
    "lasso": "lasso: squared loss + L1 penalty (alpha=0.05)",
    "lad": "median regression: L1 loss (QuantileRegressor, alpha=0)",
    "lad_l1": "L1 loss + L1 penalty (QuantileRegressor, alpha=0.02)",
}


def data(seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, P))
    y = 1.0 + X @ W_TRUE + 0.5 * rng.standard_normal(N)
    bad = rng.choice(N, N // 10, replace=False)
    y_out = y.copy()
    y_out[bad] += SHIFT
    X_lev, y_lev = X.copy(), y.copy()
    X_lev[bad, 0] = 10.0
    y_lev[bad] = -20.0
    return {"clean": (X, y), "outliers_in_y": (X, y_out), "outliers_in_x": (X_lev, y_lev)}


def fit(model: str, X, y) -> tuple[np.ndarray, float]:
    if model == "ols":
        coef = np.linalg.lstsq(np.column_stack([np.ones(len(y)), X]), y, rcond=None)[0]
        return coef[1:], float(coef[0])
    est = {
        "lasso": Lasso(0.05, tol=1e-10),
        "lad": QuantileRegressor(0.5, alpha=0.0),
        "lad_l1": QuantileRegressor(0.5, alpha=0.02),
    }[model].fit(X, y)
    return est.coef_, float(est.intercept_)


def numbers(seed: int = 0) -> dict:
    """{scenario: {model: {"coef_error": ..., "intercept_error": ...}}}, 3 significant digits."""
    out = {}
    for scenario, (X, y) in data(seed).items():
        out[scenario] = {}
        for model in MODELS:
            w, b = fit(model, X, y)
            out[scenario][model] = {
                "coef_error": float(f"{np.max(np.abs(w - W_TRUE)):.3g}"),
                "intercept_error": float(f"{abs(b - 1.0):.3g}"),
            }
    return out


def table(values: dict) -> str:
    """The markdown table of the guide."""
    head = "| model | clean | 10% outliers in y | 10% outliers in X |"
    lines = [head, "|---|---|---|---|"]
    for model, label in MODELS.items():
        cells = [
            f"{values[s][model]['coef_error']:g} / {values[s][model]['intercept_error']:g}"
            for s in ("clean", "outliers_in_y", "outliers_in_x")
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(numbers()))
