"""celer: ``celer_path(pb='lasso')`` on centred data (celer's estimators centre the same way).

Lasso only: celer's Elastic-Net scaling differs from scikit-learn's, so ``l1_ratio < 1`` raises
``NotImplementedError`` and the harness reports the library as skipped for that problem.
"""

from __future__ import annotations

import celer
import numpy as np
import scipy.sparse as sp
from celer import Lasso, celer_path

NAME = "celer"
HOW = (
    "celer_path(X - mean (Fortran), y - mean, 'lasso', alphas=grid, tol=TOL, prune=1, "
    "max_iter=100, max_epochs=100_000)"
)
SPARSE_HOW = (
    "celer.Lasso(alpha=a, warm_start=True, fit_intercept=True, tol=TOL, max_iter=100, "
    "max_epochs=100_000).fit(X (CSC), y) along the grid"
)
TOL_MEANING = "duality gap <= tol (celer scales it by ||y||^2 / n internally)"
SKIP = {
    "c": "n = 200,000: one path took 21 s here (at tol 1e-6, relative gap 9.0e-7) and "
    "330 s under load; left out to keep the run short (--no-skip)"
}
# loosest tol on the sqrt(10) ladder meeting the 1e-6 relative gap (run.py --calibrate)
TOL = {"a": 1e-12, "b": 1e-7, "c": 1e-6, "default": 1e-12}


def version() -> str:
    return celer.__version__


def _check(l1_ratio):
    if l1_ratio != 1.0:
        raise NotImplementedError("celer adapter: lasso only")


def fit_path_path(X, y, alphas, l1_ratio, tol):
    _check(l1_ratio)
    if sp.issparse(X):  # centring would densify it: the estimator centres implicitly
        return fit_path_estimator(X, y, alphas, l1_ratio, tol)
    x_mean = X.mean(axis=0)
    y_mean = y.mean()
    Xc = np.subtract(X, x_mean, order="F")
    _, coefs, _ = celer_path(
        Xc, y - y_mean, "lasso", alphas=alphas, tol=tol, prune=1, max_iter=100, max_epochs=100_000
    )
    coefs = coefs.T
    return coefs, y_mean - coefs @ x_mean


def fit_path_estimator(X, y, alphas, l1_ratio, tol):
    _check(l1_ratio)
    p = X.shape[1]
    model = Lasso(warm_start=True, fit_intercept=True, tol=tol, max_iter=100, max_epochs=100_000)
    coefs = np.empty((len(alphas), p))
    intercepts = np.empty(len(alphas))
    for k, a in enumerate(alphas):
        model.set_params(alpha=a).fit(X, y)
        coefs[k] = model.coef_
        intercepts[k] = model.intercept_
    return coefs, intercepts


VARIANTS = {
    "celer_path(centred)": fit_path_path,
    "Lasso(warm_start=True) loop": fit_path_estimator,
}
fit_path = fit_path_path


# ----------------------------------------------------------------------------------------------
# L1 logistic regression without intercept (benchmarks/logistic.py)

LOGISTIC_HOW = (
    "celer_path(X (Fortran or CSC), y, 'logreg', alphas=alpha n, tol=TOL, "
    "use_PN=True, max_iter=100) (celer's own warm-started path; "
    "LogisticRegression(solver='celer-pn') calls the same with C = 1/(alpha n))"
)
LOGISTIC_TOL_MEANING = (
    "duality gap (celer's extrapolated dual point) <= tol on celer's summed objective"
)
# loosest tol on the sqrt(10) ladder meeting the 1e-6 relative gap (logistic.py --calibrate)
LOGISTIC_TOL = {
    "dense": 1e-8,
    "sparse-quick/single": 3.16e-7,
    "sparse-quick/path": 1e-8,
    "sparse/single": 3.16e-6,
    "sparse/path": 3.16e-9,
    "default": 1e-8,
}


def _celer_logistic(X, y, alphas, tol, use_pn):
    from ..certify import celer_logreg_alpha

    n = X.shape[0]
    if not hasattr(X, "tocsc"):
        X = np.asfortranarray(X)
    grid = np.array([celer_logreg_alpha(a, n) for a in alphas])
    _, coefs, _ = celer_path(
        X, y, "logreg", alphas=grid, tol=tol, use_PN=use_pn, max_iter=100, max_epochs=100_000
    )
    return coefs.T


def fit_logistic_pn(X, y, alphas, tol):
    return _celer_logistic(X, y, alphas, tol, True)


def fit_logistic_cd(X, y, alphas, tol):
    return _celer_logistic(X, y, alphas, tol, False)


LOGISTIC_VARIANTS = {
    "celer_path(logreg, use_PN=True)": fit_logistic_pn,
    "celer_path(logreg, use_PN=False) (CD)": fit_logistic_cd,
}
fit_logistic = fit_logistic_pn
