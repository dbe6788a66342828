"""shrinkage itself, through its public ``path`` function."""

from __future__ import annotations

import numpy as np

import shrinkage

NAME = "shrinkage"
HOW = (
    "shrinkage.path(X, y, l1_ratio=..., alphas=grid, fit_intercept=True, tol=TOL, "
    "max_iter=100_000) (solver='auto')"
)
TOL_MEANING = "duality gap <= tol * ||y - mean(y)||^2 / n (scikit-learn's convention)"
# loosest tol on the sqrt(10) ladder meeting the 1e-6 relative gap (run.py --calibrate)
TOL = {"a": 1e-8, "b": 3.16e-8, "c": 1e-7, "default": 1e-8}


def version() -> str:
    return shrinkage.__version__


def fit_path(X, y, alphas, l1_ratio, tol):
    res = shrinkage.path(
        X, y, l1_ratio=l1_ratio, alphas=alphas, fit_intercept=True, tol=tol, max_iter=100_000
    )
    return res.coefs, res.intercepts


SINGLE_HOW = (
    "shrinkage.Lasso(alpha, tol=TOL, max_iter=100_000).fit(X, y) (ElasticNet(alpha, "
    "l1_ratio=...) if l1_ratio < 1; solver='auto'; X dense C-ordered or CSC as given)"
)


def fit_single(X, y, alpha, l1_ratio, tol):
    """One fit from w = 0 through the public estimator: (coefs (1, p), intercepts (1,))."""
    if l1_ratio == 1.0:
        model = shrinkage.Lasso(alpha=alpha, tol=tol, max_iter=100_000)
    else:
        model = shrinkage.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=tol, max_iter=100_000)
    model.fit(X, y)
    return np.asarray(model.coef_)[None, :], np.array([model.intercept_])


def warmup() -> None:
    """Compile (or load from numba's disk cache) both solvers on tiny problems.

    A wide problem goes to the working-set CD solver, a tall one to the Gram solver; a CSC
    copy of the wide one compiles the sparse kernels.
    """
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    for n, p in ((30, 60), (200, 10)):
        X = rng.standard_normal((n, p))
        y = X[:, :3].sum(axis=1) + rng.standard_normal(n)
        for l1_ratio in (1.0, 0.5):
            shrinkage.path(X, y, l1_ratio=l1_ratio, n_alphas=5, tol=1e-8)
            shrinkage.path(sp.csc_matrix(X), y, l1_ratio=l1_ratio, n_alphas=5, tol=1e-8)


# ----------------------------------------------------------------------------------------------
# L1 logistic regression without intercept (benchmarks/logistic.py)

LOGISTIC_HOW = (
    "shrinkage.path(X, (y + 1) / 2, datafit='logistic', alphas=grid, "
    "fit_intercept=False, tol=TOL, max_iter=100_000) (proximal Newton, warm started)"
)
LOGISTIC_TOL_MEANING = "duality gap <= tol * (objective of the null model) = tol * log 2 here"
# loosest tol on the sqrt(10) ladder meeting the 1e-6 relative gap (logistic.py --calibrate)
LOGISTIC_TOL = {"default": 1e-6}


def fit_logistic_path(X, y, alphas, tol):
    res = shrinkage.path(
        X,
        (y + 1.0) / 2.0,
        datafit="logistic",
        alphas=alphas,
        fit_intercept=False,
        tol=tol,
        max_iter=100_000,
    )
    return res.coefs


def fit_logistic_estimator(X, y, alphas, tol):
    """shrinkage.LogisticRegression(penalty='l1', warm_start=True) refitted along the grid."""
    model = shrinkage.LogisticRegression(
        penalty="l1", fit_intercept=False, tol=tol, max_iter=100_000, warm_start=True
    )
    coefs = np.empty((len(alphas), X.shape[1]))
    for k, a in enumerate(alphas):
        coefs[k] = model.set_params(alpha=a).fit(X, y).coef_.ravel()
    return coefs


LOGISTIC_VARIANTS = {
    "shrinkage.path(datafit='logistic')": fit_logistic_path,
    "LogisticRegression(penalty='l1') loop": fit_logistic_estimator,
}
fit_logistic = fit_logistic_path
