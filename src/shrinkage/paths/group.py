"""The group family of the path engine: group and sparse-group lasso problems.

Least squares runs the block CD of ``shrinkage.solvers.group_cd``; the smooth GLM datafits the
proximal Newton of ``shrinkage.solvers.group_newton``; the quantile loss the barrier method of
``shrinkage.solvers.group_quantile``: chosen by the datafit's capabilities
(``shrinkage.solvers.choice``), not by its name.  The objective is documented in
``shrinkage.solvers.group_cd``; ``shrinkage.paths.engine`` runs the grid, the warm starts and
the warnings, and ``shrinkage.group_path`` is the public entry point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _validation as v
from .._problem import Problem
from .._typing import DesignMatrix
from ..datafits.base import Datafit
from ..datafits.quadratic import Quadratic, WeightedDesign
from ..penalties.group import GroupPenalty, Groups, group_factors
from ..solvers.choice import capabilities, choose_engine, engine_datafit
from ..solvers.group_cd import block_curvature, scale_columns, solve_group_quadratic
from ..solvers.group_newton import GLMData, class_intercepts, solve_group_glm
from ..solvers.group_quantile import QuantileGroupPath
from ..solvers.result import Fit
from .engine import assemble, grid, run
from .result import Path


@dataclass
class GroupProblem:
    """A group-lasso problem: a ``Problem`` (the data, weights, offset, intercept,
    standardization, feature names) with its group structure and its datafit.

    The group penalty is the problem's penalty spec here: ``groups`` and ``group_factors``
    (``Problem.factors`` are ones and there are no bounds).  Built, validated, by
    ``GroupProblem.build``.

    Attributes
    ----------
    problem : shrinkage._problem.Problem
        X (as given), y (checked by the datafit), the weights, the offset ((n, K) for K
        classes, or None), fit_intercept, standardize and feature_names.
    groups : Groups
        The groups of the features.
    group_factors : numpy.ndarray of shape (n_groups,)
        The groups' penalty factors (0 leaves a group unpenalized).
    datafit : Datafit or None
        None for least squares, else the smooth datafit or the check loss.
    n_classes : int, default=1
        K > 1: the multinomial, with the K coefficients of a feature in its group.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0, 0.0], [3.0, 0.0, 1.0], [5.0, 2.0, 1.0]])
    >>> gp = GroupProblem.build(X, [1.0, 2.0, 4.0], [0, 0, 1], standardize=True)
    >>> gp.groups.n_groups, gp.scale.round(3)
    (2, array([1.633, 0.943, 0.471]))
    >>> bool(np.allclose(gp.scaled_X * gp.scale, X))
    True
    """

    problem: Problem
    groups: Groups
    group_factors: np.ndarray
    datafit: Datafit | None  # None: least squares
    n_classes: int = 1

    @classmethod
    def build(
        cls,
        X: DesignMatrix,
        y: ArrayLike,
        groups: ArrayLike | None = None,
        *,
        datafit: str | Datafit = "quadratic",
        group_factor: ArrayLike | Mapping[Any, float] | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        sample_weight: ArrayLike | None = None,
        offset: ArrayLike | None = None,
        feature_names: ArrayLike | None = None,
        validated: bool = False,
    ) -> GroupProblem:
        if feature_names is None and hasattr(X, "columns"):
            feature_names = np.asarray([str(c) for c in X.columns], dtype=object)
        if not validated:
            X = v.check_design(X)
        n, p = X.shape
        fit = _datafit(datafit)
        problem = Problem.build(
            X,
            y,
            sample_weight=sample_weight,
            fit_intercept=fit_intercept,
            standardize=standardize,
            feature_names=feature_names,
            validated=True,
        )
        if fit is not None:
            problem.y = fit.check_target(problem.y)
        K = fit.classes(problem.y) if fit is not None and hasattr(fit, "classes") else 1
        if offset is not None:
            problem.offset = _offset(offset, n, K)
        structure = Groups.from_labels(groups, p)
        return cls(problem, structure, group_factors(group_factor, structure), fit, K)

    @property
    def n_features(self) -> int:
        return self.problem.n_features

    @cached_property
    def scale(self) -> np.ndarray | None:
        """glmnet's column scales when standardizing (``Problem.column_scale``), else None."""
        return self.problem.column_scale()

    @cached_property
    def scaled_X(self) -> DesignMatrix:
        """The design the group solvers read: X with column j divided by scale[j] when
        standardizing (one copy, made once; sparse stays CSC), else X itself."""
        X = self.problem.X
        return X if self.scale is None else scale_columns(X, self.scale)

    @property
    def offset(self) -> np.ndarray:
        """The offset, (n,) or (n, K) for K classes; zeros when there is none."""
        return self.problem.offset_or_zero(self.n_classes)

    @property
    def coef_groups(self) -> Groups:
        """The groups of the (flattened) coefficients: with K classes, group g holds the
        coefficients W[j, k] of its features j for every class k."""
        return class_groups(self.groups, self.n_classes)

    def penalty(self, alpha: float, l1_ratio: float) -> GroupPenalty:
        return GroupPenalty(alpha, l1_ratio, self.coef_groups, self.group_factors)

    def glm_data(self) -> GLMData:
        problem = self.problem
        return GLMData(
            self.scaled_X,
            problem.y,
            problem.sw,
            self.offset,
            problem.fit_intercept,
            self.n_classes,
        )


def class_groups(groups: Groups, K: int) -> Groups:
    """The groups of W (p, K) flattened feature-major: feature group g, all K classes."""
    if K == 1:
        return groups
    flat = Groups.from_labels(np.repeat(groups.column_group(), K), groups.n_features * K)
    return replace(flat, labels=groups.labels)


def _datafit(datafit: str | Datafit) -> Datafit | None:
    """None for least squares, else a smooth datafit of the protocol or the check loss."""
    fit = engine_datafit(datafit)
    if not getattr(fit, "convex", True):  # the group solvers certify by the duality gap only
        raise ValueError(
            f"the group solvers certify convex datafits only (by the duality gap); {fit.name} "
            f"with power={getattr(fit, 'power', None)} is not convex with the log link: use "
            "a power in [1, 2], or shrinkage.TweedieRegressor (no groups, KKT certified)."
        )
    return None if getattr(fit, "quadratic", False) else fit


def _offset(offset: ArrayLike | None, n: int, K: int = 1) -> np.ndarray:
    """(n,), or (n, K) for K classes (a 1-D offset is shared by the classes)."""
    shape = (n,) if K == 1 else (n, K)
    if offset is None:
        return np.zeros(shape)
    o = np.asarray(offset, dtype=np.float64)
    if o.ndim == 0 or (K > 1 and o.shape == (n,)):
        o = np.broadcast_to(o.T, shape[::-1]).T.copy()
    if o.shape != shape:
        raise ValueError(
            f"offset must have one entry per sample ({n}"
            f"{'' if K == 1 else f', or one per sample and class ({n}, {K})'}); got "
            f"shape {o.shape}."
        )
    if not np.all(np.isfinite(o)):
        raise ValueError("offset contains NaN or infinity.")
    return o


class GroupFamily:
    """The group ``Family``: a group penalty at each alpha, solved by the datafit's solver.

    Parameters
    ----------
    problem : GroupProblem
        The validated problem.
    l1_ratio : float
        The L1 part of the sparse-group penalty.
    tol : float
        Each fit's relative tolerance.
    max_iter : int
        The iterations allowed per alpha.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((30, 4))
    >>> family = GroupFamily(GroupProblem.build(X, X[:, 0], [0, 0, 1, 1]), 0.0, tol=1e-8,
    ...                      max_iter=100)
    >>> alpha_max, w, b = family.null()
    >>> bool(np.all(family.solve(alpha_max, w, b, None).w == 0))
    True
    """

    def __init__(self, problem: GroupProblem, l1_ratio: float, *, tol: float, max_iter: int):
        self.problem, self.l1_ratio = problem, l1_ratio
        fit = problem.datafit
        self.choice = choose_engine(
            capabilities(
                Quadratic() if fit is None else fit,
                *problem.problem.X.shape,
                blocks=True,
                n_classes=problem.n_classes,
            )
        )
        self.solver: _QuadraticPath | QuantileGroupPath | _GLMPath
        if self.choice.solver == "group_cd":
            self.solver = _QuadraticPath(problem, tol, max_iter)
        elif self.choice.solver == "quantile":  # smoothed with continuation, exact gap
            self.solver = QuantileGroupPath(problem, tol, max_iter)
        else:  # "group_newton": a smooth datafit (least squares is None)
            assert fit is not None
            self.solver = _GLMPath(problem, fit, tol, max_iter)

    def null(self) -> tuple[float, np.ndarray, float | np.ndarray | None]:
        """alpha_max with every penalized group at zero, and that fit."""
        return self.solver.null(self.problem.penalty(1.0, self.l1_ratio))

    def solve(self, alpha: float, w: np.ndarray, b: Any, state: Any) -> Fit:
        """The fit at ``alpha`` warm-started from (w, b, state)."""
        return self.solver.solve(self.problem.penalty(alpha, self.l1_ratio), w, b, state)


def solve_group_path(
    problem: GroupProblem,
    alphas: np.ndarray | None,
    l1_ratio: float,
    *,
    n_alphas: int = 100,
    alpha_min_ratio: float = 1e-4,
    tol: float = 1e-4,
    max_iter: int = 1000,
    w0: np.ndarray | None = None,
    b0: float | np.ndarray | None = None,
    model: str = "the group-lasso path",
) -> Path:
    """The engine behind ``group_path`` and the estimators (inputs validated).

    Parameters
    ----------
    problem : GroupProblem
        The validated problem.
    alphas : numpy.ndarray or None
        The grid, or None for n_alphas from alpha_max down to alpha_max * alpha_min_ratio.
    l1_ratio : float
        The L1 part of the sparse-group penalty.
    n_alphas : int
        The default grid's length.
    alpha_min_ratio : float
        Its last alpha over its first.
    tol : float
        Each fit's relative tolerance.
    max_iter : int
        The iterations allowed per alpha.
    w0 : numpy.ndarray, optional
        The first fit's coefficients, on the original scale.
    b0 : float or numpy.ndarray, optional
        Its intercept (K intercepts for K classes).
    model : str
        What a convergence warning calls the computation.

    Returns
    -------
    Path
        The solutions with their certificates.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((30, 4))
    >>> p = solve_group_path(GroupProblem.build(X, X[:, 0], [0, 0, 1, 1]), None, 0.0,
    ...                      n_alphas=3)
    >>> p.nnz
    array([0, 2, 2])
    """
    family = GroupFamily(problem, l1_ratio, tol=tol, max_iter=max_iter)
    grid_given = alphas is not None
    alphas, null = grid(family, alphas, n_alphas, alpha_min_ratio)
    if null is not None and w0 is None:
        w0, b0 = null
    elif grid_given and w0 is not None:  # (p,) or (p, K) on the original scale -> the solver's
        w0 = np.asarray(w0, dtype=np.float64).reshape(problem.n_features, -1)
        w0 = (w0 if problem.scale is None else w0 * problem.scale[:, None]).ravel()
    w = np.zeros(problem.n_features * problem.n_classes) if w0 is None else w0
    fits = run(family, alphas, w, b0)
    K = problem.n_classes
    coefs = np.array([f.w for f in fits]).reshape(len(alphas), -1, K)
    if problem.scale is not None:
        coefs = coefs / problem.scale[:, None]
    kkt = any(f.certificate == "kkt" for f in fits)
    return assemble(
        alphas,
        fits,
        coefs if K > 1 else coefs[:, :, 0],
        np.array([f.intercept for f in fits], dtype=np.float64),
        l1_ratio,
        problem.problem.feature_names,
        max_iter=max_iter,
        model=model,
        datafit="quadratic" if problem.datafit is None else problem.datafit.name,
        certificate="kkt" if kkt else "duality_gap",
        penalty="group",
    )


class _QuadraticPath:
    """Least squares: one centred design and the block step sizes, shared by all alphas."""

    def __init__(self, problem: GroupProblem, tol: float, max_iter: int):
        base = problem.problem
        self.design = WeightedDesign.build(
            problem.scaled_X, base.y - problem.offset, base.sample_weight, base.fit_intercept
        )
        self.curvature = block_curvature(self.design, problem.groups)
        self.tol, self.max_iter = tol, max_iter

    def null(self, unit: GroupPenalty) -> tuple[float, np.ndarray, None]:
        """alpha_max at the least-squares fit of the unpenalized groups alone, and that fit."""
        design = self.design
        w = np.zeros(design.n_features)
        cols = unit.groups.columns(unit.free_groups())
        if cols.size:
            cross, q = design.cross_gram(cols)
            w[cols] = np.linalg.lstsq(cross[cols], q, rcond=None)[0]
        return unit.alpha_max(-design.correlations(*design.residual(w))), w, None

    def solve(self, penalty: GroupPenalty, w: np.ndarray, b: Any, state: Any) -> Fit:
        fit = solve_group_quadratic(
            self.design,
            penalty,
            self.curvature,
            w,
            tol=self.tol,
            max_iter=self.max_iter,
            state=state,
        )
        d = self.design  # without intercept both offsets are 0
        return replace(fit, intercept=float(d.y_offset - d.x_offset @ fit.w))


class _GLMPath:
    """Smooth GLM datafits: the null model fixes alpha_max and the tolerances."""

    def __init__(self, problem: GroupProblem, datafit: Datafit, tol: float, max_iter: int):
        self.data, self.datafit, self.X = problem.glm_data(), datafit, problem.scaled_X
        self.tol, self.max_iter = tol, max_iter
        self._null: dict[tuple[int, ...], tuple[np.ndarray, float, np.ndarray, float]] = {}

    def _null_model(self, unit: GroupPenalty) -> tuple[np.ndarray, float, np.ndarray, float]:
        """(w, b, gradient, loss) of the fit of the intercept and the unpenalized groups alone."""
        key = tuple(unit.free_groups())
        if key in self._null:
            return self._null[key]
        data, fit = self.data, self.datafit
        K = data.n_classes
        w = np.zeros(self.X.shape[1] * K)
        b = (
            fit.null_intercept(data.y, data.sw, data.offset)
            if data.fit_intercept
            else class_intercepts(0.0, K)
        )
        if key:  # fit the unpenalized groups with the others held at zero
            cols = unit.groups.columns(np.array(key, dtype=np.int64))
            feats = cols[::K] // K
            sub = replace(data, X=self.X[:, feats])
            only = class_groups(
                Groups.from_labels(unit.groups.column_group()[cols[::K]], feats.size), K
            )
            grad0 = np.abs(sub.gradient(data.weighted(fit.derivative(data.y, sub.eta(w[cols], b)))))
            inner = solve_group_glm(
                sub,
                fit,
                GroupPenalty(0.0, 0.0, only, np.zeros(only.n_groups)),
                w[cols],
                b,
                tol_gap=0.0,
                tol_kkt=self.tol * max(float(grad0.max()), np.finfo(float).tiny),
                max_iter=self.max_iter,
            )
            w[cols], b = inner.w, inner.intercept
        eta = data.eta(w, b)
        self._null[key] = (
            w,
            b,
            data.gradient(data.weighted(fit.derivative(data.y, eta))),
            float(data.sw @ fit.loss(data.y, eta)),
        )
        return self._null[key]

    def null(self, unit: GroupPenalty) -> tuple[float, np.ndarray, float]:
        """alpha_max at the null model, and that model."""
        w, b, grad, _ = self._null_model(unit)
        return unit.alpha_max(grad), w, b

    def solve(self, penalty: GroupPenalty, w: np.ndarray, b: Any, state: Any) -> Fit:
        unit = replace(penalty, alpha=1.0)
        _, b_null, grad, loss = self._null_model(unit)
        tiny = np.finfo(float).tiny
        group_grad = float(np.max(unit.groups.norms(grad))) if grad.size else 0.0
        return solve_group_glm(
            self.data,
            self.datafit,
            penalty,
            w,
            b_null if b is None else b,
            tol_gap=self.tol * max(loss, tiny),
            tol_kkt=self.tol * max(group_grad, tiny),
            max_iter=self.max_iter,
        )
