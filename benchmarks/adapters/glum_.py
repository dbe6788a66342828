"""glum: ``GeneralizedLinearRegressor(family='normal', alpha_search=True, alphas=grid)``.

glum's objective for the normal family with unit weights is scikit-learn's (1/(2n) squared error
plus alpha (l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||^2)); its own path mode warm-starts along
the grid.  Its stopping rule is on the gradient, so TOL is calibrated like everyone's.
"""

from __future__ import annotations

import glum
import numpy as np
from glum import GeneralizedLinearRegressor

NAME = "glum"
HOW = (
    "GeneralizedLinearRegressor(family='normal', l1_ratio=..., alpha_search=True, "
    "alphas=grid, gradient_tol=TOL, max_iter=10_000).fit(X, y); coef_path_, intercept_path_"
)
TOL_MEANING = "gradient_tol: stop when the (sub)gradient's max-norm is below it"
# loosest tol on the sqrt(10) ladder meeting the 1e-6 relative gap (run.py --calibrate)
TOL = {"b": 3.16e-7, "c": 3.16e-7, "default": 1e-7}
# glum's IRLS solver works on the p x p Hessian: on p = 10,000 one path took 45 s here (relative
# gap 3e-8), too long for the default run; --no-skip runs it.
SKIP = {
    "a": "p = 10,000: glum's IRLS works on a p x p Hessian; one path took 45 s here (--no-skip)",
    "c": "n = 200,000: one path took 46 s here (relative gap 6.7e-7); left out to keep the run "
    "short (--no-skip)",
}


def version() -> str:
    return glum.__version__


def fit_path(X, y, alphas, l1_ratio, tol):
    model = GeneralizedLinearRegressor(
        family="normal",
        l1_ratio=l1_ratio,
        alpha_search=True,
        alphas=alphas,
        fit_intercept=True,
        gradient_tol=tol,
        max_iter=10_000,
    )
    model.fit(X, y)
    return np.asarray(model.coef_path_), np.asarray(model.intercept_path_)


VARIANTS = {"alpha_search path": fit_path}
