"""The result of every path: ``Path``, its solutions along the alpha grid with their certificates.

``Path.coef_at`` interpolates between grid points (``shrinkage.paths.interpolate``); its exact
refit at any alpha (``exact=True``) needs the path engines, which build ``Path`` objects and so
sit above this module.  The package wires the refit in: ``shrinkage.paths`` sets ``refit`` to
``shrinkage._any_alpha.refit`` when it is imported (and Python imports it before this module),
so the data type never imports the engines that make it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _validation as v
from .._typing import DesignMatrix
from .interpolate import interpolate

#: ``refit(path, alpha, X, y, options) -> (coef, intercept)``: the exact refit behind
#: ``Path.coef_at(exact=True)``, set by ``shrinkage.paths`` (``shrinkage._any_alpha.refit``)
refit: (
    Callable[[Path, float, Any, Any, dict[str, Any]], tuple[np.ndarray, float | np.ndarray]] | None
) = None


@dataclass(frozen=True)
class Path:
    """Solutions along a decreasing alpha grid, each with its certificate (``gaps``).

    ``penalty`` says which model the path solved (the L1/L2 mix of ``l1_ratio``; "mcp" or
    "scad" with their concavity ``gamma``; "group" for ``group_path``; "multitask" for
    ``path(..., multi_task=True)``): ``coef_at(exact=True)`` refits that model.

    Attributes
    ----------
    alphas : numpy.ndarray of shape (n_alphas,)
        The penalty strengths, largest first.
    coefs : numpy.ndarray of shape (n_alphas, n_features)
        The coefficients at each alpha, on the original scale of the columns; (n_alphas,
        n_features, K) for the K classes of the multinomial or the K tasks of a multi-task path.
    intercepts : numpy.ndarray of shape (n_alphas,)
        The intercept at each alpha (0 without one); (n_alphas, K) for K classes or tasks.
    gaps : numpy.ndarray of shape (n_alphas,)
        The certificate of each fit in objective units: a duality gap (an upper bound on the
        suboptimality), or a KKT violation where ``certificate`` is "kkt".
    n_iter : numpy.ndarray of shape (n_alphas,)
        The iterations (epochs or Newton steps) each fit took.
    converged : numpy.ndarray of shape (n_alphas,)
        Whether each fit's certificate reached the tolerance.
    l1_ratio : float
        The L1 part of the penalty's mix (1 for MCP and SCAD).
    feature_names : numpy.ndarray of shape (n_features,) or None, default=None
        The columns' names (a DataFrame's columns, or ``feature_names``).
    datafit : str, default="quadratic"
        The datafit's name: "quadratic", "logistic", "poisson", "quantile", ...
    certificate : str, default="duality_gap"
        What ``gaps`` holds: "duality_gap" or "kkt" (the non-convex penalties).
    penalty : str, default="l1_l2"
        The model: "l1_l2", "mcp", "scad", "group" or "multitask".
    gamma : float or None, default=None
        The concavity of "mcp" and "scad" (None for the other penalties).
    nnz : numpy.ndarray of shape (n_alphas,)
        The number of features in the model at each alpha (read-only property).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> p = shrinkage.path(X, y, n_alphas=10)
    >>> isinstance(p, shrinkage.Path), bool(np.all(p.converged))
    (True, True)
    >>> coef, intercept = p.coef_at(p.alphas[3])  # any alpha: interpolated between grid points
    >>> bool(np.allclose(coef, p.coefs[3]))
    True
    """

    alphas: np.ndarray
    coefs: np.ndarray  # (n_alphas, n_features); (n_alphas, n_features, K) for the multinomial
    intercepts: np.ndarray  # (n_alphas,); (n_alphas, K) for the multinomial
    gaps: np.ndarray  # the certificate in objective units: a duality gap or a KKT violation
    n_iter: np.ndarray
    converged: np.ndarray
    l1_ratio: float
    feature_names: np.ndarray | None = None
    datafit: str = "quadratic"
    certificate: str = "duality_gap"  # or "kkt"
    penalty: str = "l1_l2"  # or "mcp", "scad" (with their gamma), "group", "multitask"
    gamma: float | None = None

    @property
    def nnz(self) -> np.ndarray:
        """Number of features in the model at each alpha (non-zero for some class)."""
        coefs = self.coefs if self.coefs.ndim == 2 else np.any(self.coefs != 0, axis=2)
        return np.count_nonzero(coefs, axis=1)

    def __len__(self) -> int:
        return len(self.alphas)

    def coef_at(
        self,
        alpha: float,
        *,
        exact: bool = False,
        X: DesignMatrix | None = None,
        y: ArrayLike | None = None,
        **options: Any,
    ) -> tuple[np.ndarray, float | np.ndarray]:
        """(coefficients, intercept) at any ``alpha``, as glmnet's ``coef(fit, s = alpha)``.

        ``exact=False`` interpolates linearly in alpha between the grid points around it
        (glmnet's ``exact = FALSE``; exact for the lasso between kinks); above the first alpha
        it gives the null model when the path starts at alpha_max, below the last it refuses.
        ``exact=True`` refits at alpha warm-started from the nearest grid point (see
        ``shrinkage._any_alpha``): the same model as the path (``penalty``, ``gamma``,
        ``l1_ratio``, ``datafit``), which needs the training data and the options the path was
        computed with.

        Parameters
        ----------
        alpha : float
            The penalty strength, >= 0.
        exact : bool, default=False
            Refit at ``alpha`` (True) rather than interpolate between grid points (False).
        X : array-like of shape (n_samples, n_features) or None, default=None
            The training design, for ``exact=True`` only.
        y : array-like of shape (n_samples,) or None, default=None
            The training target (shape (n_samples, n_tasks) for a multi-task path), for
            ``exact=True`` only.
        **options
            The ``shrinkage.path`` options the path was computed with (``sample_weight``,
            ``offset``, ``standardize``, ``penalty_factor``, bounds, ``fit_intercept``, ``tol``,
            ``max_iter``, ``solver``, ``screen``; ``datafit`` for Huber, quantile and Tweedie
            paths), for ``exact=True`` only.

        Returns
        -------
        coef : numpy.ndarray of shape (n_features,)
            The coefficients at ``alpha``; (n_features, K) for K classes or tasks.
        intercept : float or numpy.ndarray
            The intercept at ``alpha``; one per class or task, shape (K,).

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((50, 3))
        >>> y = X @ np.array([1.0, 0.0, -1.0]) + 0.1 * rng.standard_normal(50)
        >>> fit = shrinkage.path(X, y, n_alphas=10)
        >>> coef, intercept = fit.coef_at(0.05)  # interpolated
        >>> refit, _ = fit.coef_at(0.05, exact=True, X=X, y=y, tol=1e-10)  # solved at 0.05
        >>> bool(np.allclose(coef, refit, atol=1e-3))
        True
        """
        alpha = v.check_alpha(alpha)
        if not isinstance(exact, bool | np.bool_):
            raise ValueError(f"exact must be True or False; got {exact!r}.")
        if exact:
            if refit is None:  # only when this module is loaded without its package
                raise RuntimeError("Path.coef_at(exact=True) needs shrinkage.paths imported.")
            return refit(self, alpha, X, y, options)
        if X is not None or y is not None or options:
            raise ValueError(
                "X, y and fit options are for exact=True (a refit); interpolation "
                "(exact=False) uses the path alone."
            )
        return interpolate(self, alpha)

    def predict(
        self,
        X: DesignMatrix,
        alpha: float,
        *,
        exact: bool = False,
        train: tuple[DesignMatrix, ArrayLike] | None = None,
        **options: Any,
    ) -> np.ndarray:
        """The linear predictor X w + b at ``alpha`` (the prediction for least squares; apply
        the inverse link for a GLM's mean).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows to predict.
        alpha : float
            The penalty strength, >= 0.
        exact : bool, default=False
            Refit at ``alpha`` (True) rather than interpolate between grid points (False), as in
            ``coef_at``.
        train : tuple of (array-like, array-like) or None, default=None
            The training data ``(X_train, y_train)``, for ``exact=True`` only.
        **options
            ``coef_at``'s fit options, for ``exact=True`` only.

        Returns
        -------
        numpy.ndarray of shape (n_samples,)
            X w + b at ``alpha``; (n_samples, K) for K classes or tasks.

        Examples
        --------
        >>> import numpy as np
        >>> import shrinkage
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((50, 3))
        >>> y = X @ np.array([1.0, 0.0, -1.0]) + 0.1 * rng.standard_normal(50)
        >>> fit = shrinkage.path(X, y, n_alphas=10)
        >>> fit.predict(X[:2], fit.alphas[-1]).shape
        (2,)
        """
        X_train, y_train = (None, None) if train is None else train
        coef, intercept = self.coef_at(alpha, exact=exact, X=X_train, y=y_train, **options)
        return np.asarray(X @ coef + intercept)
