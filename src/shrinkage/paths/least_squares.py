"""The least-squares family of the path engine: coordinate descent or its Gram form per alpha,
alpha_max at the fit of the unpenalized columns, and ridge's closed form for a whole L2 path.

See ``shrinkage.datafits.quadratic`` for the objective; ``shrinkage.paths.engine`` runs the
grid, the warm starts and the warnings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._problem import Problem
from ..certificates import best_gap
from ..datafits.quadratic import GramColumns, SufficientStatistics, WeightedDesign
from ..penalties.l1_l2 import PenaltyWeights
from ..solvers.cd import solve_cd
from ..solvers.choice import choose_solver, gram_form
from ..solvers.column_cache import ColumnCache, RawDesign, dense_design, needs_cache
from ..solvers.gram import GramSetup, solve_gram
from ..solvers.result import Fit
from ..solvers.ridge import ridge_cholesky, ridge_path_dual, ridge_path_primal
from .engine import assemble, grid, run
from .result import Path

_CHOLESKY_MAX_FEATURES = 4000  # a ridge refit forms the p x p Gram matrix: not beyond this


class LeastSquares:
    """The least-squares ``Family``: the solver ("cd" or "gram") chosen once for the path.

    Parameters
    ----------
    problem : shrinkage._problem.Problem
        The validated problem.
    l1_ratio : float
        The penalty's mix.
    tol : float
        The relative tolerance (of sum sw y_c^2).
    max_iter : int
        The epochs allowed per alpha.
    solver : str
        "auto", "cd" or "gram" (``shrinkage.solvers.choice``).
    screen : bool
        Gap safe screening.
    n_fits : int, default=100
        The alphas the family will fit (``solvers.choice.gram_form``: one fit forms only the
        Gram columns its working sets read; ``_design``: one fit reads X without a copy).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage._problem import Problem
    >>> X = np.random.default_rng(0).standard_normal((30, 3))
    >>> family = LeastSquares(Problem.build(X, X[:, 0]), 1.0, tol=1e-8, max_iter=100,
    ...                       solver="cd", screen=True)
    >>> alpha_max, w, _ = family.null()
    >>> bool(np.all(family.solve(alpha_max, w, None, None).w == 0))
    True
    """

    def __init__(
        self,
        problem: Problem,
        l1_ratio: float,
        *,
        tol: float,
        max_iter: int,
        solver: str,
        screen: bool,
        n_fits: int = 100,
    ):
        self.problem, self.l1_ratio = problem, l1_ratio
        self.tol, self.max_iter, self.screen = tol, max_iter, screen
        n, p = problem.n_samples, problem.n_features
        self.kind = choose_solver(solver, n, p)
        self.data: WeightedDesign | SufficientStatistics | GramColumns
        if self.kind != "gram":
            self.data = _design(problem, l1_ratio, n_fits)
        elif problem.y.ndim == 1 and gram_form(n, p, n_fits, l1_ratio).solver == "columns":
            self.data = problem.gram_columns
        else:
            self.data = problem.statistics
        self.cache = None
        if isinstance(self.data, WeightedDesign) and needs_cache(self.data):
            self.cache = ColumnCache.of(self.data)
        self.scale = problem.column_scale(self.data.col_norm_sq)
        #: the Gram solver's per-statistics setup, made once for the path's alphas
        self.gram_setup = None if isinstance(self.data, WeightedDesign) else GramSetup(self.data)

    def fit(self, pw: PenaltyWeights, w_start: np.ndarray, state: Any = None) -> Fit:
        """The solver at the kernels' weights ``pw`` from ``w_start`` (and its residual)."""
        if not isinstance(self.data, WeightedDesign):  # self.kind == "gram"
            return solve_gram(
                self.data,
                pw,
                w_start,
                tol=self.tol,
                max_iter=self.max_iter,
                screen=self.screen,
                setup=self.gram_setup,
            )
        return solve_cd(
            self.data,
            pw,
            w_start,
            tol=self.tol,
            max_iter=self.max_iter,
            screen=self.screen,
            state=state,
            cache=self.cache,
        )

    def solve(self, alpha: float, w: np.ndarray, b: Any, state: Any) -> Fit:
        """The fit at ``alpha`` (the intercept comes from the centring, not from ``b``)."""
        return self.fit(self.problem.penalty(alpha, self.l1_ratio, self.scale).weights(), w, state)

    def null(self) -> tuple[float, np.ndarray, None]:
        """alpha_max from the datafit gradient at the fit of the unpenalized columns alone,
        with that fit, which is the solution at alpha_max (the path's warm start)."""
        problem = self.problem
        penalty = problem.penalty(1.0, self.l1_ratio, self.scale)
        pw = penalty.weights()
        p = problem.n_features
        w = np.zeros(p)
        free = (pw.l1 == 0) & (pw.l2 == 0)
        if np.any(free):
            cols = np.flatnonzero(free)
            if np.all(np.isinf(pw.lower[cols])) and np.all(np.isinf(pw.upper[cols])):
                # unbounded free columns: their least-squares fit, exactly
                if not isinstance(self.data, WeightedDesign):
                    G_uu, q_u = self.data.columns(cols)[cols], self.data.q[cols]
                else:
                    cross, q_u = self.data.cross_gram(cols)
                    G_uu = cross[cols]
                w[cols] = np.linalg.lstsq(G_uu, q_u, rcond=None)[0]
            else:
                fixed = np.clip(0.0, pw.lower, pw.upper)
                lo = np.where(free, pw.lower, fixed)
                up = np.where(free, pw.upper, fixed)
                w = self.fit(PenaltyWeights(np.zeros(p), np.zeros(p), lo, up), fixed).w
        if not isinstance(self.data, WeightedDesign):
            support = np.flatnonzero(w)
            corr = self.data.q - self.data.product(support, w[support])
        else:
            design = self.data
            r, rsum = design.residual(w)
            if isinstance(design, RawDesign):  # alpha_max to the last bits of centred data's
                corr = design.centred_correlations(r)
            else:
                corr = design.correlations(r, rsum)
        return penalty.alpha_max(-corr), w, None

    def ridge_fits(self, alphas: np.ndarray) -> list[Fit]:
        """Every alpha of an L2 path at once (``ridge_closed_form_applies``), each refitted by
        Cholesky where the closed form is not accurate enough to certify."""
        problem, p = self.problem, self.problem.n_features
        tol_abs = self.tol * float(self.data.yty)
        fits = []
        for a, w in zip(alphas, _ridge_closed_form(problem, alphas, self.scale), strict=True):
            pw = problem.penalty(float(a), 0.0, self.scale).weights()
            gap = _gap(problem, pw, w, tol_abs)
            if gap > tol_abs and p <= _CHOLESKY_MAX_FEATURES:  # one eigendecomposition for all
                w, gap = _ridge_refit(problem, pw, w, gap, tol_abs)  # alphas: not accurate
            fits.append(Fit(w, gap, 1, bool(gap <= tol_abs), tol_abs))
        return fits


def _design(problem: Problem, l1_ratio: float, n_fits: int) -> WeightedDesign:
    """The problem's design for coordinate descent.

    A single fit reads a dense float64 X without its Fortran copy (``column_cache.dense_design``:
    X centred inside each product, the working sets' columns gathered into a cache).  A path
    (``n_fits`` > 1) reads the centred Fortran copy (``problem.design``): one pass over X that
    its many fits repay, as each outer iteration then correlates only the columns screening
    kept and the epochs read the columns in place (an elastic-net path, 500 x 2000, 100 alphas:
    0.84 of the time on the uncopied X).  So does a given design and ridge's penalty (whose
    closed forms read ``problem.design``).
    """
    X = problem.X
    if (
        n_fits > 1
        or "design" in problem.__dict__
        or l1_ratio == 0.0
        or not isinstance(X, np.ndarray)
        or X.dtype != np.float64
        or X.ndim != 2
        or problem.y.ndim != 1
    ):
        return problem.design
    return problem.formed(
        lambda: dense_design(X, problem.y, problem.sample_weight, problem.fit_intercept)
    )


def solve_path(
    problem: Problem,
    alphas: np.ndarray | None,
    l1_ratio: float,
    *,
    n_alphas: int = 100,
    alpha_min_ratio: float = 1e-4,
    tol: float = 1e-4,
    max_iter: int = 1000,
    solver: str = "auto",
    screen: bool = True,
    w0: np.ndarray | None = None,
    model: str = "the path",
) -> Path:
    """The engine behind ``shrinkage.path`` and the estimators (inputs already validated).

    Parameters
    ----------
    problem : shrinkage._problem.Problem
        The validated problem.
    alphas : numpy.ndarray or None
        The grid, or None for n_alphas from alpha_max down to alpha_max * alpha_min_ratio.
    l1_ratio : float
        The penalty's mix.
    n_alphas : int
        The default grid's length.
    alpha_min_ratio : float
        The default grid's last alpha over its first.
    tol : float
        The relative tolerance of each fit.
    max_iter : int
        The epochs allowed per alpha.
    solver : str
        "auto", "cd" or "gram".
    screen : bool
        Gap safe screening.
    w0 : numpy.ndarray, optional
        The first fit's warm start (default: the solution at alpha_max, or zeros).
    model : str
        What a convergence warning calls the computation.

    Returns
    -------
    Path
        The solutions with their duality gaps.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage._problem import Problem
    >>> X = np.random.default_rng(0).standard_normal((30, 3))
    >>> p = solve_path(Problem.build(X, X[:, 0]), None, 1.0, n_alphas=4)
    >>> p.nnz
    array([0, 1, 1, 1])
    """
    family = LeastSquares(
        problem,
        l1_ratio,
        tol=tol,
        max_iter=max_iter,
        solver=solver,
        screen=screen,
        n_fits=n_alphas if alphas is None else len(alphas),
    )
    alphas, null = grid(family, alphas, n_alphas, alpha_min_ratio)
    if null is not None and w0 is None:
        w0 = null[0]
    p = problem.n_features
    if ridge_closed_form_applies(problem, l1_ratio, alphas):
        fits = family.ridge_fits(alphas)
    else:
        fits = run(family, alphas, np.zeros(p) if w0 is None else np.asarray(w0, np.float64))
    coefs = np.array([f.w for f in fits]).reshape(len(alphas), p)
    data = family.data
    intercepts = (
        data.y_offset - coefs @ data.x_offset if problem.fit_intercept else np.zeros(len(alphas))
    )
    return assemble(
        alphas,
        fits,
        coefs,
        intercepts,
        l1_ratio,
        problem.feature_names,
        max_iter=max_iter,
        model=model,
    )


def ridge_closed_form_applies(problem: Problem, l1_ratio: float, alphas: ArrayLike) -> bool:
    """An L2 path without bounds, every column penalized, every alpha positive: closed form."""
    unbounded = np.all(np.isinf(problem.lower)) and np.all(np.isinf(problem.upper))
    return bool(
        l1_ratio == 0.0
        and unbounded
        and np.all(problem.factors > 0)
        and np.all(np.asarray(alphas) > 0)
    )


def _ridge_closed_form(problem: Problem, alphas: ArrayLike, scale: np.ndarray | None) -> np.ndarray:
    d = np.sqrt(problem.factors) * (1.0 if scale is None else scale)
    alphas = np.asarray(alphas, dtype=np.float64)
    if problem.n_samples >= problem.n_features:
        return ridge_path_primal(problem.statistics, alphas, d)
    design = problem.design
    y = design.y if not design.is_sparse else design.y * np.sqrt(design.sw)
    return ridge_path_dual(design, y, alphas, d)


def _ridge_refit(
    problem: Problem, pw: PenaltyWeights, w: np.ndarray, gap: float, tol_abs: float
) -> tuple[np.ndarray, float]:
    """The Cholesky solve of (G + diag(l2)) w = q (insensitive to column scales) where it
    certifies a smaller gap than ``w``; else ``w`` and its gap."""
    stats = problem.statistics
    G = stats.solver_gram
    w_new = ridge_cholesky(G + np.diag((stats.col_norm_sq == 0).astype(float)), stats.q, pw.l2)
    w_new[stats.col_norm_sq == 0] = 0.0
    gap_new = _gap(problem, pw, w_new, tol_abs)
    return (w_new, gap_new) if gap_new < gap else (w, gap)


def _gap(problem: Problem, pw: PenaltyWeights, w: np.ndarray, tol_abs: float) -> float:
    data = problem.statistics if "statistics" in problem.__dict__ else problem.design
    return best_gap(data, pw, w, tol_abs, _CHOLESKY_MAX_FEATURES)
