"""The demo: L1, L2 and Elastic Net side by side on the diabetes data."""

from __future__ import annotations

import numpy as np

from .datasets import load_diabetes
from .path import path


def run_demo(fraction: float = 0.02) -> str:
    """A table of coefficients, nnz and duality gaps at alpha = fraction * alpha_max of the lasso.

    Every model is fitted on standardized columns (coefficients reported on the original scale);
    Ridge runs as ElasticNet(l1_ratio=0) at the same alpha so the three are on one scale.
    """
    data = load_diabetes()
    X, y = data.X, data.y
    models = {"L1 (lasso)": 1.0, "Elastic Net (0.5)": 0.5, "L2 (ridge)": 0.0}
    alpha = fraction * path(X, y, n_alphas=1, standardize=True).alphas[0]
    fits = {name: path(X, y, l1_ratio=r, alphas=[alpha], standardize=True, tol=1e-10)
            for name, r in models.items()}
    r2 = {name: 1 - np.mean((y - X @ p.coefs[0] - p.intercepts[0]) ** 2) / np.var(y)
          for name, p in fits.items()}
    width = max(len(n) for n in data.feature_names) + 2
    head = f"{'':<{width}}" + "".join(f"{n:>20}" for n in models)
    lines = [
        "shrinkage demo: the diabetes data (442 patients, 10 standardized features)",
        f"alpha = {alpha:.4g} (= {fraction:g} x the lasso's alpha_max), the same for all three",
        "",
        head,
        "-" * len(head),
    ]
    for j, feature in enumerate(data.feature_names):
        cells = "".join(_cell(fits[n].coefs[0][j]) for n in models)
        lines.append(f"{feature:<{width}}{cells}")
    lines.append("-" * len(head))
    lines.append(f"{'intercept':<{width}}" + "".join(_cell(fits[n].intercepts[0]) for n in models))
    lines.append(f"{'nonzero':<{width}}" + "".join(f"{fits[n].nnz[0]:>20d}" for n in models))
    lines.append(f"{'R^2 (train)':<{width}}" + "".join(f"{r2[n]:>20.4f}" for n in models))
    lines.append(f"{'duality gap':<{width}}" + "".join(f"{fits[n].gaps[0]:>20.2e}" for n in models))
    lines += ["", "L1 sets some coefficients exactly to zero (feature selection); L2 keeps all",
              "ten and shrinks them smoothly; Elastic Net sits between the two."]
    return "\n".join(lines)


def _cell(value: float) -> str:
    return f"{'0':>20}" if value == 0 else f"{value:>20.3f}"
