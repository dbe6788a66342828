"""scikit-learn: ``enet_path`` on centred data (what ``ElasticNet.fit`` does internally).

``enet_path`` has no intercept, so the adapter centres X and y (as scikit-learn's ``_pre_fit``
does) and recovers ``b = mean(y) - mean(X) @ w``.  ``precompute='auto'`` lets scikit-learn use its
Gram (covariance) solver when n > p and plain CD otherwise; for n > p we hand it the Gram matrix
and X'y ourselves so they are formed once for the whole path rather than once per call.  This
was the fastest of the variants tried (see ``VARIANTS``; ``python -m benchmarks.run
--sklearn-variants`` times them all).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import ElasticNet, enet_path

NAME = "scikit-learn"
HOW = (
    "enet_path(X - mean, y - mean, alphas=grid, l1_ratio=..., tol=TOL, max_iter=100_000, "
    "precompute=Gram if n > p else False, Xy=X_c'y_c if n > p, copy_X=False)"
)
SPARSE_HOW = (
    "ElasticNet(alpha=a, l1_ratio=..., warm_start=True, fit_intercept=True, tol=TOL, "
    "max_iter=100_000).fit(X (CSC), y) along the grid (scikit-learn centres a sparse X "
    "implicitly)"
)
TOL_MEANING = "duality gap <= tol * ||y - mean(y)||^2 / n"
# loosest tol on the sqrt(10) ladder meeting the 1e-6 relative gap (run.py --calibrate)
TOL = {"a": 1e-8, "b": 1e-7, "c": 1e-7, "default": 1e-8}


def version() -> str:
    return sklearn.__version__


def _centre(X, y, order):
    x_mean = X.mean(axis=0)
    y_mean = y.mean()
    Xc = np.subtract(X, x_mean, order=order)
    return Xc, y - y_mean, x_mean, y_mean


def fit_path_enet_path(X, y, alphas, l1_ratio, tol):
    if sp.issparse(X):
        return fit_path_warm_start(X, y, alphas, l1_ratio, tol)
    n, p = X.shape
    Xc, yc, x_mean, y_mean = _centre(X, y, "F")
    if n > p:
        gram, xy = Xc.T @ Xc, Xc.T @ yc
    else:
        gram, xy = False, None
    _, coefs, _ = enet_path(
        Xc,
        yc,
        l1_ratio=l1_ratio,
        alphas=alphas,
        tol=tol,
        max_iter=100_000,
        precompute=gram,
        Xy=xy,
        copy_X=False,
    )
    coefs = coefs.T
    return coefs, y_mean - coefs @ x_mean


def fit_path_auto(X, y, alphas, l1_ratio, tol):
    """enet_path(precompute='auto'): scikit-learn forms the Gram matrix itself when n > p."""
    Xc, yc, x_mean, y_mean = _centre(X, y, "F")
    _, coefs, _ = enet_path(
        Xc,
        yc,
        l1_ratio=l1_ratio,
        alphas=alphas,
        tol=tol,
        max_iter=100_000,
        precompute="auto",
        copy_X=False,
    )
    coefs = coefs.T
    return coefs, y_mean - coefs @ x_mean


def fit_path_warm_start(X, y, alphas, l1_ratio, tol):
    """ElasticNet(warm_start=True) refitted along the grid (precompute='auto' there too)."""
    n, p = X.shape
    model = ElasticNet(
        l1_ratio=l1_ratio,
        tol=tol,
        max_iter=100_000,
        warm_start=True,
        precompute=n > p and not sp.issparse(X),
        fit_intercept=True,
    )
    coefs = np.empty((len(alphas), p))
    intercepts = np.empty(len(alphas))
    for k, a in enumerate(alphas):
        model.set_params(alpha=a).fit(X, y)
        coefs[k] = model.coef_
        intercepts[k] = model.intercept_
    return coefs, intercepts


VARIANTS = {
    "enet_path(precompute=Gram/False)": fit_path_enet_path,
    "enet_path(precompute='auto')": fit_path_auto,
    "ElasticNet(warm_start=True) loop": fit_path_warm_start,
}
fit_path = fit_path_enet_path


# ----------------------------------------------------------------------------------------------
# L1 logistic regression without intercept (benchmarks/logistic.py)

LOGISTIC_HOW = (
    "LogisticRegression(l1_ratio=1 (= penalty='l1', deprecated in 1.8), "
    "solver='liblinear', C=1/(alpha n), fit_intercept=False, tol=TOL, "
    "max_iter=1000, random_state=0).fit(X, y) at each alpha (liblinear has no "
    "warm start; a sparse X is converted to CSR once per path)"
)
LOGISTIC_TOL_MEANING = (
    "liblinear (newGLMNET): stop when the norm of the minimum-norm "
    "subgradient is below tol times its value at the start. Below the tol "
    "it needs, liblinear can stall until max_iter (one sparse-quick fit took "
    "182 s with max_iter=100_000; on the sparse path at tol 3.16e-9 six of "
    "the 20 fits ran 1000 iterations, 30 s each, where 25 suffice at "
    "3.16e-8), hence max_iter=1000 (25 iterations are typical) and a "
    "fixed random_state (its coordinate order)"
)
# loosest tol on the sqrt(10) ladder meeting the 1e-6 relative gap (logistic.py --calibrate)
LOGISTIC_TOL = {
    "dense/single": 3.16e-8,
    "dense/path": 1e-8,
    "sparse-quick": 3.16e-9,
    "sparse": 3.16e-8,
    "default": 3.16e-9,
}


def fit_logistic(X, y, alphas, tol):
    from sklearn.linear_model import LogisticRegression

    from ..certify import liblinear_C

    n, p = X.shape
    if hasattr(X, "tocsr"):
        X = X.tocsr()
    coefs = np.empty((len(alphas), p))
    for k, a in enumerate(alphas):
        model = LogisticRegression(
            l1_ratio=1.0,
            solver="liblinear",
            C=liblinear_C(a, n),
            fit_intercept=False,
            tol=tol,
            max_iter=1000,
            random_state=0,
        )
        coefs[k] = model.fit(X, y).coef_.ravel()
    return coefs


LOGISTIC_VARIANTS = {"liblinear, one fit per alpha": fit_logistic}
