"""The adaptive lasso (Zou 2006): a lasso whose penalty factors come from an initial fit.

With initial coefficients w~ (ridge, OLS or lasso) the penalty factors are

    f_j = 1 / |c_j w~_j|^gamma          (gamma >= 0; gamma = 0 is the plain lasso)

where c_j = 1, or with ``standardize=True`` the weighted standard deviation of column j (the
initial fit and the factors then both live on the standardized scale, where the penalty acts,
so the result does not depend on the units of the columns).  They enter the core through
``penalty_factor``: the adaptive lasso at alpha minimises

    1/(2 sum s) sum_i s_i (y_i - x_i.w - b)^2 + alpha sum_j f_j c_j |w_j|,

which equals the lasso on the columns X_j / f_j with w_j = v_j / f_j.

**Zeros are capped.**  A feature whose initial coefficient is 0 (a lasso init, a constant column)
would get f_j = inf, which the core does not accept; every factor is capped at
``EXCLUDED_FACTOR_RATIO`` (1e8) times the smallest factor (the one of the largest |c_j w~_j|).
A capped feature enters the fit only at alphas about 1e8 times smaller than the one where the
strongest feature enters - far below any useful grid - so it is effectively excluded.  Very small
non-zero |c_j w~_j| (below 1e-8^(1/gamma) of the largest) are capped alike.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import _validation as v
from .._problem import Problem
from ..exceptions import ShrinkageConvergenceWarning
from ..path import solve_path
from .relaxed import refit_active_sets

INITS = ("ridge", "ols", "lasso")
EXCLUDED_FACTOR_RATIO = 1e8


def adaptive_factors(init_coef, gamma: float, scale=None) -> np.ndarray:
    """Penalty factors f_j = 1 / |c_j w~_j|^gamma, capped (module docstring) for w~_j = 0.

    ``scale`` is c (None for 1).  Raises ValueError when every initial coefficient is zero.
    """
    gamma = v.check_nonnegative(gamma, "gamma")
    w = np.abs(np.asarray(init_coef, dtype=np.float64))
    if scale is not None:
        w = w * np.asarray(scale, dtype=np.float64)
    if gamma == 0.0:
        return np.ones_like(w)
    top = w.max(initial=0.0)
    if not top > 0:
        raise ValueError(
            "the initial fit is all zeros, so it gives no adaptive weights; use "
            "init='ridge', or a smaller init_alpha for init='lasso'."
        )
    with np.errstate(divide="ignore"):
        log_f = -gamma * np.log(w)
    log_cap = np.log(EXCLUDED_FACTOR_RATIO) - gamma * np.log(top)
    f = np.exp(np.minimum(log_f, log_cap))
    if not np.all(np.isfinite(f)):
        raise ValueError(
            f"the adaptive penalty factors overflow (largest initial coefficient "
            f"{top:.3g} with gamma={gamma:g}); rescale y or use a smaller gamma."
        )
    return f


def initial_coef(
    problem: Problem,
    init: str,
    init_alpha: float | None,
    *,
    cv=5,
    random_state=None,
    tol: float = 1e-4,
    max_iter: int = 1000,
) -> tuple[np.ndarray, float | None]:
    """The initial fit w~ on ``problem`` (its penalty factors and bounds are ignored).

    - "ols": unpenalized least squares; needs more samples than features.
    - "ridge": ElasticNet(init_alpha, l1_ratio=0), i.e. Ridge(init_alpha * sum(s)).
    - "lasso": Lasso(init_alpha); its zeros are then excluded (capped factors).

    ``init_alpha`` None picks it by K-fold cross-validation (``cv``, minimum CV error) on the
    ridge / lasso path.  Returns (w~, the alpha used or None for "ols").
    """
    init = v.check_choice(init, "init", INITS)
    p = problem.n_features
    n_used = int(np.count_nonzero(problem.sample_weight > 0))
    v.check_min_samples(n_used, 2, "the adaptive lasso's initial fit")
    base = Problem(
        problem.X,
        problem.y,
        problem.sample_weight,
        np.ones(p),
        np.full(p, -np.inf),
        np.full(p, np.inf),
        problem.fit_intercept,
        problem.standardize,
    )
    if init == "ols":
        if n_used - int(problem.fit_intercept) < p:
            raise ValueError(
                f"init='ols' needs more samples than features (X has {n_used} "
                f"samples with positive weight and {p} features); use init='ridge'."
            )
        refit, _ = refit_active_sets(base, np.ones((1, p)))
        return refit[0], None
    l1_ratio = 0.0 if init == "ridge" else 1.0
    if init_alpha is None:
        init_alpha = _cv_alpha(base, l1_ratio, cv, random_state, tol, max_iter)
    else:
        init_alpha = v.check_alpha(init_alpha, "init_alpha")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
        fit = solve_path(
            base,
            np.array([init_alpha]),
            l1_ratio,
            tol=tol,
            max_iter=max_iter,
            model=f"the initial {init} fit",
        )
    return fit.coefs[0], float(init_alpha)


def adaptive_penalty_factor(
    X,
    y,
    *,
    gamma: float = 1.0,
    init: str = "ridge",
    init_alpha=None,
    sample_weight=None,
    fit_intercept: bool = True,
    standardize: bool = False,
    cv=5,
    random_state=None,
    tol: float = 1e-4,
    max_iter: int = 1000,
) -> tuple[np.ndarray, np.ndarray]:
    """(penalty factors, initial coefficients) of the adaptive lasso on X, y.

    Pass the factors as ``penalty_factor`` to ``shrinkage.path``, ``Lasso`` or
    ``cross_validate_path``; ``standardize`` must then be the same.
    """
    gamma = v.check_nonnegative(gamma, "gamma")
    problem = Problem.build(
        X, y, sample_weight=sample_weight, fit_intercept=fit_intercept, standardize=standardize
    )
    w, _ = initial_coef(
        problem, init, init_alpha, cv=cv, random_state=random_state, tol=tol, max_iter=max_iter
    )
    return adaptive_factors(w, gamma, factor_scale(problem)), w


def factor_scale(problem: Problem) -> np.ndarray | None:
    """c of the module docstring: the column scales of ``standardize=True``, else None."""
    if not problem.standardize:
        return None
    return problem.column_scale(problem.design.col_norm_sq)


def _cv_alpha(
    problem: Problem, l1_ratio: float, cv, random_state, tol: float, max_iter: int
) -> float:
    from .cv import cross_validate_path

    result = cross_validate_path(
        problem.X,
        problem.y,
        l1_ratio=l1_ratio,
        n_alphas=30,
        cv=cv,
        sample_weight=problem.sample_weight,
        random_state=random_state,
        fit_intercept=problem.fit_intercept,
        standardize=problem.standardize,
        tol=tol,
        max_iter=max_iter,
        progress=False,
    )
    return float(result.alpha_min)
