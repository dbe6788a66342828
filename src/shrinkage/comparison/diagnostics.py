"""Multicollinearity diagnostics: condition number, variance inflation factors, correlated groups.

Everything comes from the p x p correlation matrix R of the columns of X, computed in one pass
over X (blocks of rows for dense X; X'X minus n m m' for sparse X, so only the p x p matrix is
ever dense).  Constant columns (all values equal, or a variance below 1e-10 of the mean square:
the columns the solvers leave at zero) carry no information: they are listed and left out of R.

- **Condition number** of the standardized X (each column centred and scaled to unit variance,
  as ``standardize=True`` does before the penalty acts): the ratio of its largest to smallest
  singular value, sqrt(lambda_max / lambda_min) with lambda the eigenvalues of R.  Infinite when
  the columns are exactly collinear, which includes every p > n - 1 design (the centred X has
  rank at most n - 1).  Rules of thumb: above 30 moderate, above 100 severe collinearity.
- **VIF** (variance inflation factor) of feature j, 1 / (1 - R_j^2) with R_j^2 the R^2 of the
  least-squares regression of column j on all the other columns (with an intercept), is the j-th
  diagonal entry of R^-1.  It is computed from the eigendecomposition R = V diag(lambda) V':
  VIF_j = sum_k V_jk^2 / lambda_k.  It is **inf** when column j is an exact linear combination of
  the others (R_j^2 = 1): numerically, when j has weight above 1e-12 on the eigenvectors whose
  eigenvalue is below ``p * 100 * eps * lambda_max``.  Constant columns have VIF NaN.  Above 10
  is the usual warning level.
- **Correlated groups**: the connected components, of size at least two, of the graph that links
  two features when |corr| >= ``threshold``.  A chain a-b-c (|r(a,b)| and |r(b,c)| above the
  threshold) is one group even when |r(a,c)| is below it.
- **One-hot encodings** (``comparison.one_hot``): the levels of one categorical add up to 1, so
  with the intercept they are collinear by construction, not by the data.  The reference level
  of each such block is left out of the condition number, the VIFs (its VIF is NaN) and the
  eigenvalues, and two levels of the same categorical are never linked into a group (their
  correlation is negative by construction: -1 for two levels).  Any other collinearity, with or
  between the remaining levels, shows as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .. import _validation as v
from .one_hot import OneHotBlock, describe, one_hot_blocks, reference_columns

_BLOCK_BYTES = 32 * 2**20
#: eigenvalues of R below this many machine epsilons per feature, times the largest, count as 0
_NULL_EIGEN_EPS = 100.0
#: a feature with this much squared weight on the null eigenvectors is exactly collinear
_NULL_WEIGHT = 1e-12
#: the usual warning level of a variance inflation factor
HIGH_VIF = 10.0


@dataclass(frozen=True)
class CorrelatedGroup:
    """Features linked by |corr| >= threshold (a connected component of that graph).

    Attributes
    ----------
    members : tuple of int
        Column indices in X, increasing.
    names : tuple of str
        Their feature names.
    max_abs_corr : float
        The largest |corr| over all pairs of members.
    min_abs_corr : float
        The smallest |corr| over all pairs of members.
    strongest_pair : tuple of int
        The two members (indices) with the largest |corr|.
    strongest_corr : float
        Their signed correlation.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import collinearity
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 3))
    >>> X[:, 2] = -X[:, 0] + 0.01 * rng.standard_normal(100)
    >>> group = collinearity(X).groups[0]
    >>> group.members, group.names, bool(group.strongest_corr < -0.99)
    ((0, 2), ('x0', 'x2'), True)
    """

    members: tuple[int, ...]
    names: tuple[str, ...]
    max_abs_corr: float
    min_abs_corr: float
    strongest_pair: tuple[int, int]
    strongest_corr: float

    @property
    def size(self) -> int:
        return len(self.members)

    def to_dict(self) -> dict:
        return {
            "members": [int(j) for j in self.members],
            "names": list(self.names),
            "max_abs_corr": self.max_abs_corr,
            "min_abs_corr": self.min_abs_corr,
            "strongest_pair": [self.names[self.members.index(j)] for j in self.strongest_pair],
            "strongest_corr": self.strongest_corr,
        }


@dataclass(frozen=True)
class Collinearity:
    """The multicollinearity diagnostics of a design (see the module docstring).

    Attributes
    ----------
    condition_number : float
        Of the standardized non-constant columns (without the reference level of each one-hot
        block); inf when exactly collinear, 1.0 with a single such column, NaN with none.
    vif : ndarray of shape (n_features,)
        Variance inflation factor per feature; inf for exact linear combinations of the other
        columns, NaN for constant columns and for the reference levels.
    groups : list of CorrelatedGroup
        Correlated groups, largest first (then by their largest |corr|).
    constant : ndarray of int
        Indices of the constant columns.
    correlation : ndarray of shape (n_features, n_features)
        Correlation matrix; NaN in the rows and columns of constant columns.
    eigenvalues : ndarray
        Eigenvalues of the correlation matrix of the non-constant columns (reference levels
        left out), decreasing.
    scale : ndarray of shape (n_features,)
        Standard deviation of each column (1/n normalization; 0 for constant columns): a
        coefficient times its column's scale is the coefficient of the standardized column.
    feature_names : ndarray of shape (n_features,)
        Names (``x0``, ``x1``, ... when X has none).
    threshold : float, default=0.8
        The |corr| that links two features into a group.
    n_samples : int, default=0
        Number of rows of X.
    n_features : int, default=0
        Number of columns of X.
    one_hot : tuple of OneHotBlock, default=()
        The full one-hot blocks of X (``shrinkage.comparison.one_hot.OneHotBlock``).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> X[:, 1] = X[:, 0] + 0.05 * rng.standard_normal(60)  # x1 nearly repeats x0
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.5 * rng.standard_normal(60)
    >>> from shrinkage.comparison.diagnostics import collinearity
    >>> diagnostics = collinearity(X)
    >>> diagnostics.n_samples, diagnostics.n_features, diagnostics.correlation.shape
    (60, 4, (4, 4))
    >>> bool(diagnostics.condition_number > 10), diagnostics.constant.size
    (True, 0)
    """

    condition_number: float
    vif: np.ndarray
    groups: list[CorrelatedGroup]
    constant: np.ndarray
    correlation: np.ndarray = field(repr=False)
    eigenvalues: np.ndarray = field(repr=False)
    scale: np.ndarray = field(repr=False)
    feature_names: np.ndarray = field(repr=False)
    threshold: float = 0.8
    n_samples: int = 0
    n_features: int = 0
    one_hot: tuple[OneHotBlock, ...] = ()

    @property
    def constant_names(self) -> list[str]:
        return [str(self.feature_names[j]) for j in self.constant]

    @property
    def exactly_collinear(self) -> np.ndarray:
        """Indices of the features with infinite VIF (exact linear combinations of others)."""
        return np.flatnonzero(np.isinf(self.vif))

    def high_vif(self, level: float = HIGH_VIF) -> np.ndarray:
        """Indices of the features whose VIF exceeds ``level``, largest VIF first."""
        with np.errstate(invalid="ignore"):
            idx = np.flatnonzero(self.vif > level)
        return idx[np.argsort(-self.vif[idx], kind="stable")]

    @property
    def references(self) -> np.ndarray:
        """Indices of the reference levels of the one-hot blocks."""
        return np.array(sorted(b.reference for b in self.one_hot), dtype=np.intp)

    def describe(self, indices) -> list[str]:
        """Names of features ``indices``; every level of a categorical together reads as its
        column (``shrinkage.comparison.one_hot.describe``)."""
        return describe(indices, self.feature_names, self.one_hot)

    def group_of(self, j: int) -> CorrelatedGroup | None:
        """The correlated group holding feature j, or None."""
        return next((g for g in self.groups if j in g.members), None)

    def to_dict(self) -> dict:
        """JSON-serializable summary (no correlation matrix; inf and NaN become null)."""
        names = [str(n) for n in self.feature_names]
        return {
            "condition_number": _finite_or_none(self.condition_number),
            "vif": {n: _finite_or_none(x) for n, x in zip(names, self.vif, strict=True)},
            "exactly_collinear": [names[j] for j in self.exactly_collinear],
            "constant": self.constant_names,
            "groups": [g.to_dict() for g in self.groups],
            "threshold": self.threshold,
            "n_samples": self.n_samples,
            "n_features": self.n_features,
            "one_hot": [b.to_dict() for b in self.one_hot],
        }

    def __repr__(self) -> str:
        worst = self.high_vif()[:3]
        vifs = ", ".join(f"{self.feature_names[j]}={_fmt_vif(self.vif[j])}" for j in worst)
        groups = "; ".join(
            "{" + ", ".join(g.names[:4]) + (", ..." if g.size > 4 else "") + "}"
            for g in self.groups[:3]
        )
        return (
            f"Collinearity(condition_number={self.condition_number:.4g}, "
            f"high VIF: {len(self.high_vif())} ({vifs or 'none'}), "
            f"groups (|r| >= {self.threshold:g}): {len(self.groups)} ({groups or 'none'}), "
            f"constant: {len(self.constant)})"
        )


def collinearity(X, feature_names=None, threshold: float = 0.8, one_hot=None) -> Collinearity:
    """Condition number, VIF per feature, correlated groups and constant columns of X.

    Parameters
    ----------
    X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        The design (only the p x p correlation is dense).
    feature_names : sequence of str, default=None
        Names of the columns; None: the DataFrame's columns, else x0, x1, ...
    threshold : float, default=0.8
        |corr| at or above which two features are linked into a group, in (0, 1].
    one_hot : dict of str to list of str, default=None
        The one-hot encoded categoricals, {column: [its features' names]}, or None to detect
        them from names of the form ``column=level`` (``shrinkage.comparison.one_hot``).

    Returns
    -------
    Collinearity
        The diagnostics (see the module docstring for the definitions).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> X[:, 1] = X[:, 0] + 0.05 * rng.standard_normal(60)  # x1 nearly repeats x0
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.5 * rng.standard_normal(60)
    >>> from shrinkage.comparison.diagnostics import collinearity
    >>> diagnostics = collinearity(X, threshold=0.8)
    >>> [group.names for group in diagnostics.groups]
    [('x0', 'x1')]
    >>> diagnostics.vif.round() > 10
    array([ True,  True, False, False])
    """
    threshold = v.check_fraction(threshold, "threshold", high_open=False)
    check_frame(X)
    given_names = default_feature_names(X, feature_names)
    X = v.check_design(X)
    n, p = X.shape
    names = v.check_feature_names(given_names, p)
    assert names is not None  # default_feature_names always gives names
    mean, cov = _covariance(X)
    constant = _constant_columns(X, mean, np.diag(cov))
    blocks = one_hot_blocks(X, names, one_hot)
    keep = np.flatnonzero(~constant)
    sd = np.sqrt(np.maximum(np.diag(cov)[keep], 0.0))
    corr_k = cov[np.ix_(keep, keep)] / np.outer(sd, sd)
    np.clip(corr_k, -1.0, 1.0, out=corr_k)
    np.fill_diagonal(corr_k, 1.0)
    corr = np.full((p, p), np.nan)
    corr[np.ix_(keep, keep)] = corr_k

    vif = np.full(p, np.nan)
    free = np.flatnonzero(~reference_columns(blocks, p)[keep])  # positions in keep
    if free.size:
        evals, vecs = np.linalg.eigh(corr_k[np.ix_(free, free)])
        evals, vecs = evals[::-1], vecs[:, ::-1]
        tol = free.size * _NULL_EIGEN_EPS * np.finfo(float).eps * max(evals[0], 0.0)
        null = evals <= tol
        if free.size == 1:
            cond = 1.0
        elif np.any(null):
            cond = np.inf
        else:
            cond = float(np.sqrt(evals[0] / evals[-1]))
        inflation = (vecs[:, ~null] ** 2) @ (1.0 / evals[~null])
        exact = (vecs[:, null] ** 2).sum(axis=1) > _NULL_WEIGHT
        vif[keep[free]] = np.where(exact, np.inf, inflation)
    else:
        evals, cond = np.zeros(0), np.nan
    groups = _groups(corr_k, keep, names, threshold, blocks)
    scale = np.zeros(p)
    scale[keep] = sd
    return Collinearity(
        float(cond),
        vif,
        groups,
        np.flatnonzero(constant),
        corr,
        np.maximum(evals, 0.0),
        scale,
        names,
        threshold,
        n,
        p,
        blocks,
    )


def default_feature_names(X, feature_names=None) -> list[str] | np.ndarray:
    """The given names, else a DataFrame's column names, else x0, x1, ..."""
    if feature_names is not None:
        return feature_names
    if hasattr(X, "columns"):
        return [str(c) for c in X.columns]
    p = X.shape[1] if hasattr(X, "shape") and len(X.shape) == 2 else np.shape(X)[-1]
    return [f"x{j}" for j in range(p)]


def _covariance(X) -> tuple[np.ndarray, np.ndarray]:
    """Column means and the (1/n) covariance matrix, float64."""
    n, p = X.shape
    if sp.issparse(X):
        mean = np.asarray(X.sum(axis=0), dtype=np.float64).ravel() / n
        xx = np.asarray((X.T @ X).todense(), dtype=np.float64)
        cov = xx / n - np.outer(mean, mean)
        return mean, (cov + cov.T) / 2
    mean = X.mean(axis=0, dtype=np.float64)
    cov = np.zeros((p, p))
    block = max(256, _BLOCK_BYTES // (8 * max(p, 1)))
    for start in range(0, n, block):
        B = np.subtract(X[start : start + block], mean, dtype=np.float64)
        cov += B.T @ B
    return mean, cov / n


def _constant_columns(X, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    """Columns whose values are all equal, or whose variance is below 1e-10 of their mean square
    (the rule by which the solvers leave a column at w_j = 0)."""
    if sp.issparse(X):
        exact = np.asarray((X.max(axis=0) - X.min(axis=0)).todense()).ravel() == 0
    else:
        exact = np.ptp(X, axis=0) == 0
    return exact | (var <= 1e-10 * (var + mean**2))


def _groups(
    corr: np.ndarray,
    keep: np.ndarray,
    names: np.ndarray,
    threshold: float,
    blocks: tuple[OneHotBlock, ...] = (),
) -> list[CorrelatedGroup]:
    if keep.size < 2:
        return []
    absr = np.abs(corr)
    linked = absr >= threshold
    np.fill_diagonal(linked, False)
    position = {int(j): k for k, j in enumerate(keep)}
    for block in blocks:  # levels of one categorical are correlated by construction
        levels = [position[j] for j in block.members if j in position]
        linked[np.ix_(levels, levels)] = False
    _, labels = connected_components(sp.csr_matrix(linked), directed=False)
    groups = []
    for label in np.unique(labels):
        local = np.flatnonzero(labels == label)
        if local.size < 2:
            continue
        sub = absr[np.ix_(local, local)].copy()
        np.fill_diagonal(sub, -np.inf)
        a, b = np.unravel_index(int(np.argmax(sub)), sub.shape)
        np.fill_diagonal(sub, np.inf)
        members = tuple(int(j) for j in keep[local])
        groups.append(
            CorrelatedGroup(
                members,
                tuple(str(names[j]) for j in members),
                float(sub[a, b]),
                float(sub.min()),
                (members[min(a, b)], members[max(a, b)]),
                float(corr[local[a], local[b]]),
            )
        )
    groups.sort(key=lambda g: (-g.size, -g.max_abs_corr, g.members))
    return groups


def _finite_or_none(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def _fmt_vif(x: float) -> str:
    return "inf" if np.isinf(x) else f"{x:.3g}"


def check_frame(X, name: str = "X") -> None:
    """A DataFrame's non-numeric or missing-valued columns, named in a ValueError.

    (Arrays go through ``_validation.check_design``, whose messages cannot name the columns.)
    """
    if not hasattr(X, "columns") or not hasattr(X, "dtypes"):
        return
    if type(X).__module__.split(".")[0] == "polars":
        schema = X.schema
        text = [c for c, dt in schema.items() if not (dt.is_numeric() or str(dt) == "Boolean")]
        missing = [
            c
            for c in X.columns
            if c not in text
            and (X[c].null_count() > 0 or (schema[c].is_float() and X[c].is_nan().any()))
        ]
    else:
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        text = [
            str(c) for c, dt in X.dtypes.items() if not (is_numeric_dtype(dt) or is_bool_dtype(dt))
        ]
        missing = [str(c) for c in X.columns if str(c) not in text and X[c].isna().any()]
    if text:
        raise ValueError(
            f"{name} has non-numeric columns: {_listed(text)}; encode them as numbers "
            "first (e.g. one-hot) or drop them."
        )
    if missing:
        raise ValueError(
            f"{name} has missing values (NaN) in columns {_listed(missing)}; impute "
            "or drop them first."
        )


def _listed(names: list, limit: int = 8) -> str:
    shown = ", ".join(repr(str(c)) for c in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
