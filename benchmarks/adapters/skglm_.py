"""skglm: its ``Lasso`` / ``ElasticNet`` estimator with warm_start=True over the grid.

The adapter centres X and y and fits without intercept (b = mean(y) - mean(X) @ w), as
scikit-learn does inside ``ElasticNet.fit``.  skglm's own ``fit_intercept=True`` treats the
intercept as one more CD coordinate, which on these designs (columns with mean 0.5) was slower and
left the intercept less accurate at the same ``tol``; that variant and the solver API
(``AndersonCD(fit_intercept=True).path``) are in ``VARIANTS`` (``run.py --variants``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import skglm
from skglm import ElasticNet, Lasso
from skglm.datafits import Quadratic
from skglm.penalties import L1, L1_plus_L2
from skglm.solvers import AndersonCD

NAME = "skglm"
HOW = (
    "skglm.Lasso(alpha=a, warm_start=True, fit_intercept=False, tol=TOL, max_iter=1000, "
    "max_epochs=100_000).fit(X - mean, y - mean) along the grid (ElasticNet if l1_ratio < 1)"
)
SPARSE_HOW = (
    "skglm.Lasso(alpha=a, warm_start=True, fit_intercept=True, tol=TOL, max_iter=1000, "
    "max_epochs=100_000).fit(X (CSC), y) along the grid (ElasticNet if l1_ratio < 1)"
)
TOL_MEANING = "largest distance of -gradient to the subdifferential (KKT violation) <= tol"
# loosest tol on the sqrt(10) ladder meeting the 1e-6 relative gap (run.py --calibrate)
SKIP = {
    "c": "n = 200,000 and no Gram mode with intercept in the estimator: one path took "
    "61 s at tol 1e-6 and 148 s at 3.16e-7 here (--no-skip)"
}
TOL = {"a": 3.16e-9, "b": 1e-7, "c": 3.16e-7, "default": 1e-9}


def version() -> str:
    return skglm.__version__


def _estimator(l1_ratio, fit_intercept, tol):
    kw = dict(
        warm_start=True, fit_intercept=fit_intercept, tol=tol, max_iter=1000, max_epochs=100_000
    )
    return Lasso(**kw) if l1_ratio == 1.0 else ElasticNet(l1_ratio=l1_ratio, **kw)


def _loop(model, X, y, alphas):
    coefs = np.empty((len(alphas), X.shape[1]))
    intercepts = np.empty(len(alphas))
    for k, a in enumerate(alphas):
        model.set_params(alpha=a).fit(X, y)
        coefs[k] = model.coef_
        intercepts[k] = model.intercept_
    return coefs, intercepts


def fit_path_centred(X, y, alphas, l1_ratio, tol):
    if sp.issparse(X):  # centring would densify it: the intercept is one more CD coordinate
        return _loop(_estimator(l1_ratio, True, tol), X, y, alphas)
    x_mean = X.mean(axis=0)
    y_mean = y.mean()
    Xc = np.subtract(X, x_mean, order="F")
    coefs, _ = _loop(_estimator(l1_ratio, False, tol), Xc, y - y_mean, alphas)
    return coefs, y_mean - coefs @ x_mean


def fit_path_raw(X, y, alphas, l1_ratio, tol):
    return _loop(_estimator(l1_ratio, True, tol), np.asfortranarray(X), y, alphas)


def fit_path_solver(X, y, alphas, l1_ratio, tol):
    p = X.shape[1]
    penalty = L1(alphas[0]) if l1_ratio == 1.0 else L1_plus_L2(alphas[0], l1_ratio)
    solver = AndersonCD(tol=tol, max_iter=1000, max_epochs=100_000, fit_intercept=True)
    _, coefs, _ = solver.path(np.asfortranarray(X), y, Quadratic(), penalty, alphas=alphas)
    return coefs[:p].T, coefs[p]


VARIANTS = {
    "Lasso(warm_start) on centred data": fit_path_centred,
    "Lasso(warm_start, fit_intercept=True)": fit_path_raw,
    "AndersonCD(fit_intercept=True).path": fit_path_solver,
}
fit_path = fit_path_centred


# ----------------------------------------------------------------------------------------------
# L1 logistic regression without intercept (benchmarks/logistic.py)

LOGISTIC_HOW = (
    "ProxNewton(fit_intercept=False, tol=TOL, max_iter=100, max_pn_iter=10_000)"
    ".solve(X (Fortran or CSC), y, Logistic(), L1(alpha), w_init=previous w) along "
    "the grid (what SparseLogisticRegression.fit runs, minus its validation; the "
    "estimator keeps a C-ordered X as it is and was 2.7x slower on the dense path)"
)
LOGISTIC_TOL_MEANING = "largest distance of -gradient to the subdifferential (KKT violation) <= tol"
# loosest tol on the sqrt(10) ladder meeting the 1e-6 relative gap (logistic.py --calibrate)
LOGISTIC_TOL = {
    "dense/single": 3.16e-8,
    "dense/path": 1e-8,
    "sparse-quick/single": 3.16e-10,
    "sparse-quick/path": 1e-10,
    "sparse/single": 3.16e-10,
    "sparse/path": 1e-10,
    "default": 1e-10,
}


def fit_logistic_estimator(X, y, alphas, tol):
    from skglm import SparseLogisticRegression

    from ..certify import skglm_alpha

    n, p = X.shape
    model = SparseLogisticRegression(
        fit_intercept=False, warm_start=True, tol=tol, max_iter=100, max_epochs=10_000
    )
    coefs = np.empty((len(alphas), p))
    for k, a in enumerate(alphas):
        coefs[k] = model.set_params(alpha=skglm_alpha(a, n)).fit(X, y).coef_.ravel()
    return coefs


def fit_logistic_solver(X, y, alphas, tol):
    """ProxNewton.solve directly, warm started by hand (no estimator validation per alpha)."""
    from skglm.datafits import Logistic
    from skglm.solvers import ProxNewton
    from skglm.utils.jit_compilation import compiled_clone

    from ..certify import skglm_alpha

    n, p = X.shape
    if not hasattr(X, "tocsc"):
        X = np.asfortranarray(X)
    datafit = compiled_clone(Logistic())
    solver = ProxNewton(fit_intercept=False, tol=tol, max_iter=100, max_pn_iter=10_000)
    coefs = np.empty((len(alphas), p))
    w = np.zeros(p)
    for k, a in enumerate(alphas):
        penalty = compiled_clone(L1(skglm_alpha(a, n)))
        w = solver.solve(X, y, datafit, penalty, w_init=w.copy(), Xw_init=X @ w)[0]
        coefs[k] = w
    return coefs


LOGISTIC_VARIANTS = {
    "SparseLogisticRegression(warm_start) loop": fit_logistic_estimator,
    "ProxNewton.solve loop (Fortran X)": fit_logistic_solver,
}
fit_logistic = fit_logistic_solver
