"""The one path engine: the grid from alpha_max, the warm-started loop, early stop, warnings.

A model's path is a ``Family``: it states how to find alpha_max with the solution there (the
null model) and how to solve at one alpha from a warm start; everything else is here, written
once for every model::

    alphas, null = grid(family, alphas, n_alphas, alpha_min_ratio)   # from alpha_max down
    fits = run(family, alphas, w, b, stop=DevianceStop(...))         # warm starts, early stop
    path = assemble(alphas[:len(fits)], fits, coefs, intercepts, ...)  # warnings, the Path

The families: least squares (``shrinkage.paths.least_squares``), the GLMs by proximal Newton
(``shrinkage.glm.path``), group and sparse-group problems (``shrinkage.paths.group``), multi-task
least squares (``shrinkage.paths.multitask``), quantile regression (``shrinkage.paths.quantile``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike

from ..exceptions import user_stacklevel
from ..solvers.result import Fit
from .grid import alpha_grid
from .result import Path

Alphas = np.ndarray | Sequence[float]  # a grid, indexed by position

# glmnet's early stop of a default path: deviance explained above this, or growing by less than
# this fraction of itself from one alpha to the next (after the first few alphas)
_DEV_RATIO_MAX = 0.999
_DEV_RATIO_STALL = 1e-5
_MIN_ALPHAS_BEFORE_STOP = 5


class Family(Protocol):
    """How one model is solved along a path (the engine does the rest)."""

    def null(self) -> tuple[float, np.ndarray, float | np.ndarray | None]:
        """alpha_max, with the solution there (w, b): the warm start of a default grid."""

    def solve(self, alpha: float, w: np.ndarray, b: Any, state: Any) -> Fit:
        """The fit at ``alpha`` from the previous fit's (w, intercept, state): the family's own
        ``Fit.intercept`` (a float or K floats) and ``Fit.state`` (its warm start)."""


def grid(
    family: Family, alphas: np.ndarray | None, n_alphas: int, alpha_min_ratio: float
) -> tuple[np.ndarray, tuple[np.ndarray, float | np.ndarray | None] | None]:
    """The alphas to solve at, with the null model (w, b) when the grid is the default one.

    Parameters
    ----------
    family : Family
        The model; its ``null`` runs only for the default grid.
    alphas : numpy.ndarray or None
        The caller's grid (validated), or None for n_alphas from alpha_max down.
    n_alphas : int
        The length of the default grid.
    alpha_min_ratio : float
        The default grid's last alpha over its first.

    Returns
    -------
    tuple
        The alphas, and the null model's (w, b) (None for the caller's grid).

    Examples
    --------
    >>> class Mean:  # a toy family: alpha_max = 2
    ...     def null(self):
    ...         return 2.0, np.zeros(1), 0.0
    >>> alphas, null = grid(Mean(), None, 3, 1e-2)
    >>> alphas, null[0]
    (array([2.  , 0.2 , 0.02]), array([0.]))
    """
    if alphas is not None:
        return alphas, None
    alpha_max, w, b = family.null()
    return alpha_grid(alpha_max, n_alphas, alpha_min_ratio), (w, b)


def run(
    family: Family,
    alphas: Iterable[float],
    w: np.ndarray,
    b: float | np.ndarray | None = None,
    *,
    stop: Callable[[Fit], bool] | None = None,
) -> list[Fit]:
    """Warm-started fits along ``alphas``, each from the previous one's solution and state.

    Parameters
    ----------
    family : Family
        The model.
    alphas : iterable of float
        The grid, largest first.
    w : numpy.ndarray
        The first fit's warm start.
    b : float, numpy.ndarray or None
        Its intercept (None: the family's default).
    stop : callable, optional
        Called with each fit (its state still attached); True ends the path there.

    Returns
    -------
    list of Fit
        One per alpha solved (fewer than ``alphas`` after an early stop), states dropped so
        that one residual, not one per alpha, stays alive.

    Examples
    --------
    >>> class Shrink:  # minimises (w - 1)^2 / 2 + alpha |w|, closed form
    ...     def solve(self, alpha, w, b, state):
    ...         return Fit(np.array([max(1.0 - alpha, 0.0)]), 0.0, 1, True, 1e-8)
    >>> [float(f.w[0]) for f in run(Shrink(), [2.0, 0.5, 0.25], np.zeros(1))]
    [0.0, 0.5, 0.75]
    """
    fits: list[Fit] = []
    state: object = None
    for a in alphas:
        fit = family.solve(float(a), w, b, state)
        w, b, state = fit.w, fit.intercept, fit.state
        fits.append(fit if fit.state is None else replace(fit, state=None))
        if stop is not None and stop(fit):
            break
    return fits


def assemble(
    alphas: Alphas,
    fits: list[Fit],
    coefs: np.ndarray,
    intercepts: ArrayLike,
    l1_ratio: float,
    feature_names: np.ndarray | None,
    *,
    max_iter: int,
    model: str,
    datafit: str = "quadratic",
    certificate: str = "duality_gap",
    penalty: str = "l1_l2",
    gamma: float | None = None,
) -> Path:
    """The ``Path`` of ``fits`` (one warning for those that did not converge).

    Parameters
    ----------
    alphas : array-like
        The alphas of the fits.
    fits : list of Fit
        One per alpha, their certificates.
    coefs : numpy.ndarray
        (n_alphas, n_features), or (n_alphas, n_features, K), on the original scale.
    intercepts : array-like
        One per alpha (K per alpha for K classes).
    l1_ratio : float
        The penalty's mix.
    feature_names : numpy.ndarray or None
        The columns' names.
    max_iter : int
        The iteration budget, for the warning.
    model : str
        What the warning calls the computation ("the path", "the refit at alpha").
    datafit : str
        The datafit's name.
    certificate : str
        "duality_gap" or "kkt".
    penalty : str
        The model: "l1_l2", "mcp", "scad", "group" or "multitask".
    gamma : float, optional
        The concavity of "mcp" and "scad".

    Returns
    -------
    Path
        The path.

    Examples
    --------
    >>> fits = [Fit(np.zeros(2), 0.0, 1, True, 1e-8), Fit(np.ones(2), 1e-9, 3, True, 1e-8)]
    >>> p = assemble([1.0, 0.1], fits, np.array([f.w for f in fits]), np.zeros(2), 1.0, None,
    ...              max_iter=100, model="the path")
    >>> p.nnz, p.n_iter
    (array([0, 2]), array([1, 3]))
    """
    warn_not_converged(fits, alphas, max_iter, model)
    return Path(
        np.asarray(alphas, dtype=np.float64),
        coefs,
        np.asarray(intercepts, dtype=np.float64),
        np.array([f.gap for f in fits]),
        np.array([f.n_iter for f in fits]),
        np.array([f.converged for f in fits]),
        l1_ratio,
        feature_names,
        datafit=datafit,
        certificate=certificate,
        penalty=penalty,
        gamma=gamma,
    )


class Certified(Protocol):
    """A fit as ``warn_not_converged`` reads it (``Fit``, the Dask GLM's ``AlphaFit``)."""

    @property
    def gap(self) -> float: ...

    @property
    def tol(self) -> float: ...

    @property
    def converged(self) -> bool: ...

    @property
    def certificate(self) -> str: ...


def warn_not_converged(
    fits: Sequence[Certified], alphas: Alphas, max_iter: int, model: str
) -> None:
    """One warning for all the alphas that stopped at max_iter, with what to try; it points at
    the user's line (the first frame outside shrinkage).

    Parameters
    ----------
    fits : sequence of Fit
        The fits, one per alpha (anything with gap, tol, converged and certificate).
    alphas : array-like
        Their alphas.
    max_iter : int
        The iteration budget they had.
    model : str
        What the warning calls the computation.

    Examples
    --------
    >>> warn_not_converged([Fit(np.zeros(1), 0.0, 1, True, 1e-8)], [1.0], 10, "the path")
    """
    bad = [i for i, f in enumerate(fits) if not f.converged]
    if not bad:
        return
    worst = max(bad, key=lambda i: fits[i].gap / max(fits[i].tol, 1e-300))
    where = (
        f"at {len(bad)} of {len(fits)} alphas (smallest alpha={alphas[bad[-1]]:.4g})"
        if len(fits) > 1
        else f"at alpha={alphas[0]:.4g}"
    )
    what = "KKT violation" if fits[worst].certificate == "kkt" else "duality gap"
    from ..exceptions import ShrinkageConvergenceWarning  # imports scikit-learn: not before

    warnings.warn(
        f"{model} did not converge {where}: the {what} reached {fits[worst].gap:.3g}, above "
        f"the tolerance {fits[worst].tol:.3g}, after max_iter={max_iter} iterations. Try a larger "
        "max_iter, standardize=True for columns on very different scales, or a larger alpha "
        "(the smallest alphas are the hardest).",
        ShrinkageConvergenceWarning,
        stacklevel=user_stacklevel(),
    )


class DevianceStop:
    """glmnet's early stop of a default path, as ``run``'s ``stop``: the fraction of deviance
    explained, 1 - (f(eta) - f_saturated) / (f_null - f_saturated), passed 0.999 or stalled.

    Parameters
    ----------
    objective : callable
        The datafit's objective at a linear predictor (a fit's ``state``).
    f_null : float
        The null model's objective.
    f_saturated : float
        The saturated model's.

    Examples
    --------
    >>> stop = DevianceStop(lambda eta: float(eta), 1.0, 0.0)
    >>> [stop(Fit(np.zeros(1), 0.0, 1, True, 1e-8, state=e)) for e in (0.5, 1e-4)]
    [False, True]
    """

    def __init__(self, objective: Callable[[Any], float], f_null: float, f_saturated: float):
        self.objective, self.f_saturated = objective, f_saturated
        self.span = f_null - f_saturated
        self.ratios: list[float] = []

    def __call__(self, fit: Fit) -> bool:
        self.ratios.append(1.0 - (self.objective(fit.state) - self.f_saturated) / self.span)
        return deviance_saturated(self.ratios, gap_bound(fit.gap) / self.span)


def gap_bound(gap: float) -> float:
    """A fit's gap as a bound on its suboptimality (an uncertified fit bounds nothing).

    Parameters
    ----------
    gap : float
        The fit's duality gap (NaN or negative: not certified).

    Examples
    --------
    >>> gap_bound(1e-3), gap_bound(float("nan"))
    (0.001, inf)
    """
    return float(gap) if np.isfinite(gap) and gap >= 0 else np.inf


def deviance_saturated(ratios: list[float], uncertainty: float = 0.0) -> bool:
    """glmnet's stop: the deviance explained (one ratio per alpha so far) passed 0.999, or grew
    by less than 1e-5 of itself (after the first few alphas).

    ``uncertainty`` bounds how much the last ratio may understate the exact fit's (its duality
    gap over the null-to-saturated deviance span): growth is a stall only when its upper bound
    ``ratios[-1] + uncertainty - ratios[-2]`` is that small. A fit the warm start already
    certifies (no step taken, the same ratio) is not a stall: early in a ridge path the gap
    tolerance exceeds the whole change, and stopping there returned five null-like fits.

    Parameters
    ----------
    ratios : list of float
        The deviance explained at each alpha so far.
    uncertainty : float
        A bound on how much the last ratio understates the exact fit's.

    Examples
    --------
    >>> deviance_saturated([0.1, 0.2, 0.3, 0.4, 0.4])
    True
    >>> deviance_saturated([0.1, 0.2, 0.3, 0.4, 0.4], uncertainty=1e-3)
    False
    """
    if ratios[-1] > _DEV_RATIO_MAX:
        return True
    if len(ratios) < _MIN_ALPHAS_BEFORE_STOP:
        return False
    growth_bound = ratios[-1] + uncertainty - ratios[-2]
    return growth_bound < _DEV_RATIO_STALL * abs(ratios[-1])
