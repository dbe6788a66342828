"""glmnet's relaxed lasso: refit each alpha's active set without penalty, then mix.

For every alpha of a lasso (or elastic-net) path with coefficients w(alpha) and active set
A = {j : w_j(alpha) != 0}, the relaxed coefficients are the unpenalized weighted least-squares fit
on the columns in A (with an intercept when ``fit_intercept``), zero elsewhere:

    w_R(alpha) = argmin over w with w_j = 0 off A of  sum_i s_i (y_i - x_i.w - b)^2

and the relaxed fit of mixing parameter gamma is (glmnet's ``relax=TRUE``)

    w(alpha, gamma) = gamma w(alpha) + (1 - gamma) w_R(alpha),    the intercept mixed alike,

so gamma = 1 is the lasso and gamma = 0 the fully relaxed fit (the "LARS-OLS hybrid").

How it is computed (one decomposition reused along the path):

- Only the union U of the active sets along the path is touched: its columns are copied once.
- Each distinct active set is solved once (consecutive alphas very often share theirs).
- Sets with n >= 2 |A| read the weighted, centred Gram matrix of U, formed once (O(n |U|^2)):
  one Cholesky factorization of their |A| x |A| block each, no pass over the data.  Larger sets
  (p > n designs late on the path) are solved by least squares on their own columns (QR with
  column pivoting, O(n |A|^2)).
- When a set's refit is not unique or numerically so (more columns than samples, collinear
  columns: a tiny Cholesky pivot), the **minimum-norm** least-squares solution is returned
  (LAPACK gelsy, rank cut at eps * max(n, |A|) as ``numpy.linalg.lstsq``): of all exact refits,
  the one with the smallest ||w_A||_2, or the smallest ||c_A w_A||_2 on the standardized scale
  when ``standardize=True`` (c the weighted column standard deviations).  ``standardize``
  changes nothing else: a full-rank unpenalized refit does not depend on the column scales.
- An empty active set gives the intercept-only fit (the weighted mean of y, or 0).

The refit is unconstrained: bounds (``lower``/``upper``/``positive``) the path may have used do
not apply to it.  ``sample_weight`` and ``fit_intercept`` must be the ones the path was fitted with.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp

from .. import _validation as v
from .._problem import Problem
from ..datafits.quadratic import weighted_offsets

# The Gram matrix of the union costs O(n |U|^2) once, then O(|A|^3) per active set (Cholesky);
# least squares on the columns costs O(n |A|^2) per set.  Gram for the sets with n >= 2 |A|
# (squaring the condition number is harmless there, and checked), unless |U| is too large to keep.
_GRAM_MIN_RATIO = 2
_GRAM_MAX_COLUMNS = 4000
# A Cholesky pivot of the unit-diagonal Gram block below this (1 - R^2 of a column on the others
# before it) means the refit is ill-posed: solve that set by minimum-norm least squares instead.
_MIN_PIVOT_SQ = 1e-8


def relaxed_coefs(
    X, y, path, gammas, *, sample_weight=None, fit_intercept: bool = True, standardize: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Relaxed-lasso coefficients for every (gamma, alpha) of a path.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The features the path was fitted on (dense or sparse).
    y : array-like of shape (n_samples,)
        Its target.
    path : Path
        A ``shrinkage.Path`` (anything with ``coefs`` (n_alphas, p) and ``intercepts``).
    gammas : array-like of float
        Mixing weights in [0, 1]: 1 is the path itself, 0 the unpenalized refit on each active
        set.
    sample_weight : array-like of shape (n_samples,), default=None
        As used for the path.
    fit_intercept : bool, default=True
        As used for the path.
    standardize : bool, default=False
        Only matters for active sets whose refit is not unique (more columns than samples,
        collinear columns): the minimum-norm solution is then taken on the standardized scale.

    Returns
    -------
    coefs : ndarray of shape (n_gammas, n_alphas, n_features)
        The relaxed coefficients.
    intercepts : ndarray of shape (n_gammas, n_alphas)
        Their intercepts.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> from shrinkage.selection.relaxed import relaxed_coefs
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> path = shrinkage.path(X, y, n_alphas=5)
    >>> coefs, intercepts = relaxed_coefs(X, y, path, [0.0, 1.0])
    >>> coefs.shape, bool(np.allclose(coefs[1], path.coefs))  # gamma = 1: the path itself
    ((2, 5, 4), True)
    """
    gammas = v.check_gammas(gammas)
    X = v.check_design(X)
    problem = Problem.build(
        X,
        y,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        standardize=standardize,
        validated=True,
    )
    coefs, intercepts = v.check_path_coefs(path.coefs, path.intercepts, problem.n_features)
    return mix(coefs, intercepts, *refit_active_sets(problem, coefs), gammas)


def mix(
    coefs: np.ndarray,
    intercepts: np.ndarray,
    refit: np.ndarray,
    refit_intercepts: np.ndarray,
    gammas: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """gamma * (lasso) + (1 - gamma) * (refit), for every gamma: shapes (k, m, p) and (k, m)."""
    g = np.asarray(gammas, dtype=np.float64)
    out = np.empty((g.size, *coefs.shape))
    for k, gamma in enumerate(g):
        np.multiply(coefs, gamma, out=out[k])
        out[k] += (1.0 - gamma) * refit
    b = g[:, None] * intercepts[None] + (1.0 - g)[:, None] * refit_intercepts[None]
    return out, b


def refit_active_sets(problem: Problem, coefs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unpenalized weighted least squares on the support of each row of ``coefs``.

    Returns (coefs (m, p), intercepts (m,)); see the module docstring for the method.
    """
    coefs = np.atleast_2d(coefs)
    active = coefs != 0
    union = np.flatnonzero(active.any(axis=0))
    refit = np.zeros(coefs.shape, dtype=np.float64)
    solver = ActiveSetLeastSquares(problem, union)
    solved: dict[bytes, np.ndarray] = {}
    for i, row in enumerate(active):
        cols = np.flatnonzero(row[union])
        key = cols.tobytes()
        if key not in solved:
            solved[key] = solver.solve(cols)
        refit[i, union[cols]] = solved[key]
    return refit, solver.intercepts(refit[:, union])


class ActiveSetLeastSquares:
    """Least-squares refits on subsets of the columns ``union`` of a problem's X."""

    def __init__(self, problem: Problem, union: np.ndarray):
        self.union = np.asarray(union, dtype=np.int64)
        X: Any = problem.X  # Problem.X is typed object: a dense array or a sparse matrix
        XU = X[:, self.union]
        XU = XU.astype(np.float64) if sp.issparse(XU) else np.asarray(XU, dtype=np.float64)
        k = self.union.size
        self.sub = Problem(
            XU,
            problem.y,
            problem.sample_weight,
            np.ones(k),
            np.full(k, -np.inf),
            np.full(k, np.inf),
            problem.fit_intercept,
            problem.standardize,
        )
        sw = problem.sample_weight / problem.sample_weight.sum()
        self.x_offset, self.y_offset = weighted_offsets(XU, problem.y, sw, problem.fit_intercept)
        n_used = int(np.count_nonzero(sw > 0))
        self.max_rank = n_used - 1 if problem.fit_intercept else n_used
        self.n_samples = problem.n_samples
        self.gram_allowed = k <= _GRAM_MAX_COLUMNS

    def solve(self, cols: np.ndarray) -> np.ndarray:
        """Coefficients on ``union[cols]`` (positions ``cols`` within the union)."""
        if cols.size == 0:
            return np.zeros(0)
        if (
            self.gram_allowed
            and cols.size <= self.max_rank
            and self.n_samples >= _GRAM_MIN_RATIO * cols.size
        ):
            w = self._solve_gram(cols)
            if w is not None:
                return w
        return self._solve_lstsq(cols)

    def intercepts(self, coefs_union: np.ndarray) -> np.ndarray:
        """b = ybar - xbar.w (weighted means), or 0 without intercept."""
        return self.y_offset - coefs_union @ self.x_offset

    @cached_property
    def design(self):
        """The centred, sqrt(weight)-scaled union columns, dense."""
        sub = self.sub
        X = sub.X.toarray() if sp.issparse(sub.X) else sub.X
        return Problem(
            X,
            sub.y,
            sub.sample_weight,
            sub.factors,
            sub.lower,
            sub.upper,
            sub.fit_intercept,
            sub.standardize,
        ).design

    def _solve_gram(self, cols: np.ndarray) -> np.ndarray | None:
        stats = self.sub.statistics  # the union's Gram matrix, formed once
        G = stats.G[np.ix_(cols, cols)]
        d = np.sqrt(np.diag(G))
        if np.any(d == 0):
            return None  # a constant column: let lstsq give it the minimum-norm value 0
        try:
            L = la.cholesky(G / np.outer(d, d), lower=True, check_finite=False)
        except la.LinAlgError:
            return None
        if np.min(np.diag(L)) ** 2 < _MIN_PIVOT_SQ:
            return None
        z = la.cho_solve((L, True), stats.q[cols] / d, check_finite=False)
        return z / d

    def _solve_lstsq(self, cols: np.ndarray) -> np.ndarray:
        design = self.design
        A = design.Xd[:, cols]
        c = np.ones(cols.size)
        scale = self.sub.column_scale(design.col_norm_sq)  # None unless standardized
        if scale is not None:
            c = scale[cols]
            A = A / c
        # QR with column pivoting (complete orthogonal factorization): the minimum-norm solution
        cond = np.finfo(np.float64).eps * max(A.shape)
        z = la.lstsq(A, design.y, cond=cond, lapack_driver="gelsy", check_finite=False)[0]
        return z / c
