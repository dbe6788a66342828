"""skglm: its ``Lasso`` / ``ElasticNet`` estimator with warm_start=True over the grid.

That is the estimator route the skglm documentation recommends for paths; the solver API
(``AndersonCD(fit_intercept=True).path``) is in ``VARIANTS`` and ``run.py --sklearn-variants``
times both.  skglm fits the intercept itself (as an extra coordinate), so X and y go in raw.
"""

from __future__ import annotations

import numpy as np
import skglm
from skglm import ElasticNet, Lasso
from skglm.datafits import Quadratic
from skglm.penalties import L1, L1_plus_L2
from skglm.solvers import AndersonCD

NAME = "skglm"
HOW = ("skglm.Lasso(alpha=a, warm_start=True, fit_intercept=True, tol=TOL, max_iter=1000, "
       "max_epochs=100_000) refitted along the grid (ElasticNet for l1_ratio < 1)")
TOL_MEANING = "largest distance of -gradient to the subdifferential (KKT violation) <= tol"
TOL = {"default": 1e-8}


def version() -> str:
    return skglm.__version__


def fit_path_estimator(X, y, alphas, l1_ratio, tol):
    p = X.shape[1]
    X = np.asfortranarray(X)
    kw = dict(warm_start=True, fit_intercept=True, tol=tol, max_iter=1000, max_epochs=100_000)
    model = Lasso(**kw) if l1_ratio == 1.0 else ElasticNet(l1_ratio=l1_ratio, **kw)
    coefs = np.empty((len(alphas), p))
    intercepts = np.empty(len(alphas))
    for k, a in enumerate(alphas):
        model.set_params(alpha=a).fit(X, y)
        coefs[k] = model.coef_
        intercepts[k] = model.intercept_
    return coefs, intercepts


def fit_path_solver(X, y, alphas, l1_ratio, tol):
    p = X.shape[1]
    X = np.asfortranarray(X)
    penalty = L1(alphas[0]) if l1_ratio == 1.0 else L1_plus_L2(alphas[0], l1_ratio)
    solver = AndersonCD(tol=tol, max_iter=1000, max_epochs=100_000, fit_intercept=True)
    _, coefs, _ = solver.path(X, y, Quadratic(), penalty, alphas=alphas)
    return coefs[:p].T, coefs[p]


VARIANTS = {
    "Lasso(warm_start=True) loop": fit_path_estimator,
    "AndersonCD(fit_intercept=True).path": fit_path_solver,
}
fit_path = fit_path_estimator
