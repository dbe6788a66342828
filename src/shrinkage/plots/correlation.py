"""Correlation heat map of the selected features (or of all, capped)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._typing import DesignMatrix
from ._common import names_of, new_axes, resolve_names


@dataclass(frozen=True)
class CorrelationData:
    """Pearson correlations of the features shown, in display order.

    Attributes
    ----------
    matrix : ndarray of shape (k, k)
        The correlations, NaN where a column is constant.
    feature_names : list of str
        The names of the features shown.
    indices : ndarray of shape (k,)
        Their columns in X.
    note : str
        What was left out or reordered (may be empty).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.plots import correlation_data
    >>> rng = np.random.default_rng(0)
    >>> a = rng.standard_normal(50)
    >>> X = np.column_stack([a, rng.standard_normal(50), a + 0.1 * rng.standard_normal(50)])
    >>> data = correlation_data(X, ["a", "b", "a2"])
    >>> data.feature_names  # clustered: the correlated pair side by side
    ['b', 'a', 'a2']
    >>> data.matrix.shape, data.indices.tolist()
    ((3, 3), [1, 0, 2])
    """

    matrix: np.ndarray
    feature_names: list[str]
    indices: np.ndarray
    note: str


def correlation_data(
    X, feature_names=None, selected=None, *, max_features: int = 40, order: str = "cluster"
) -> CorrelationData:
    """The correlations ``plot_correlation`` draws.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The data (array, DataFrame or sparse matrix).
    feature_names : list of str, optional
        Names of X's columns (taken from a DataFrame when not given).
    selected : array-like of int, str or bool, optional
        Column indices, names or a boolean mask (default: every column).
    max_features : int, default=40
        Beyond this many, keep the columns most correlated with another one (the interesting
        ones for multicollinearity) and say so in ``note``.
    order : {"cluster", "given"}, default="cluster"
        ``"cluster"``: hierarchical clustering on 1 - |r|, so correlated groups form blocks;
        ``"given"``: X's order.

    Returns
    -------
    CorrelationData
        The correlations in display order.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.plots import correlation_data
    >>> rng = np.random.default_rng(0)
    >>> a = rng.standard_normal(50)
    >>> X = np.column_stack([a, rng.standard_normal(50), a + 0.1 * rng.standard_normal(50)])
    >>> data = correlation_data(X, ["a", "b", "a2"])
    >>> float(data.matrix[1, 2].round(2))  # a and a2
    0.99
    """
    if order not in ("cluster", "given"):
        raise ValueError(f"order must be 'cluster' or 'given'; got {order!r}.")
    if isinstance(max_features, bool) or not isinstance(max_features, int) or max_features < 2:
        raise ValueError(f"max_features must be an integer >= 2; got {max_features!r}.")
    names = feature_names if feature_names is not None else names_of(X)
    Xa: DesignMatrix = X if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    if Xa.ndim != 2:
        raise ValueError(f"X must be 2-D; got shape {Xa.shape}.")
    p = Xa.shape[1]
    names = resolve_names(names, p)
    idx = _selected(selected, names, p)
    if idx.size == 0:
        raise ValueError("selected is empty: no feature to show.")
    cols = Xa[:, idx]
    cols = cols.toarray() if sp.issparse(cols) else np.asarray(cols)
    if not np.all(np.isfinite(cols)):
        raise ValueError("X must be finite (no NaN or infinity).")
    R = _corr(cols)
    notes = []
    if idx.size > max_features:
        strength = np.nan_to_num(np.abs(R), nan=0.0)
        np.fill_diagonal(strength, 0.0)
        keep = np.sort(np.argsort(-strength.max(axis=0), kind="stable")[:max_features])
        notes.append(
            f"{max_features} of {idx.size} features shown (those most correlated with another)"
        )
        idx, R = idx[keep], R[np.ix_(keep, keep)]
    if order == "cluster" and idx.size > 2:
        perm = _cluster_order(R)
        idx, R = idx[perm], R[np.ix_(perm, perm)]
    constant = [names[j] for j, c in zip(idx, np.isnan(np.diag(R)), strict=True) if c]
    if constant:
        notes.append(f"constant: {', '.join(constant[:3])}" + ("..." if len(constant) > 3 else ""))
    return CorrelationData(R, [names[j] for j in idx], idx, "; ".join(notes))


def _selected(selected, names: list[str], p: int) -> np.ndarray:
    if selected is None:
        return np.arange(p)
    sel = np.asarray(selected)
    if sel.dtype == bool:
        if sel.shape != (p,):
            raise ValueError(
                f"a boolean selected must have one entry per column ({p}); got shape {sel.shape}."
            )
        return np.flatnonzero(sel)
    out = []
    for s in sel.ravel().tolist():
        if isinstance(s, str):
            if s not in names:
                raise ValueError(f"selected: no column named {s!r}.")
            out.append(names.index(s))
        elif isinstance(s, int) and -p <= s < p:
            out.append(s % p)
        else:
            raise ValueError(
                f"selected must hold column indices (0..{p - 1}), names or a "
                f"boolean mask; got {s!r}."
            )
    return np.array(sorted(set(out)), dtype=int)


def _corr(cols: np.ndarray) -> np.ndarray:
    """Pearson correlations; NaN rows and columns for constant columns (no warnings)."""
    c = cols - cols.mean(axis=0)
    norm = np.sqrt(np.sum(c * c, axis=0))
    ok = norm > 1e-12 * max(1.0, float(np.abs(cols).max()) if cols.size else 1.0)
    z = np.where(ok, c / np.where(ok, norm, 1.0), 0.0)
    R = np.clip(z.T @ z, -1.0, 1.0)
    R[~ok, :] = np.nan
    R[:, ~ok] = np.nan
    return R


def _cluster_order(R: np.ndarray) -> np.ndarray:
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    D = 1.0 - np.nan_to_num(np.abs(R), nan=0.0)
    np.fill_diagonal(D, 0.0)
    D = np.clip((D + D.T) / 2.0, 0.0, None)
    return leaves_list(linkage(squareform(D, checks=False), method="average"))


def plot_correlation(
    X,
    feature_names=None,
    selected=None,
    *,
    max_features: int = 40,
    order: str = "cluster",
    annotate: bool | None = None,
    ax=None,
):
    """Correlation heat map (red positive, blue negative) with a colorbar and the names.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The data (array, DataFrame or sparse matrix).
    feature_names : list of str, optional
        Names of X's columns (taken from a DataFrame when not given).
    selected : array-like of int, str or bool, optional
        The features to show (indices, names or a boolean mask), e.g. those a model selected;
        default every feature, capped at ``max_features`` (see ``correlation_data``).
    max_features : int, default=40
        The most features shown (see ``correlation_data``).
    order : {"cluster", "given"}, default="cluster"
        ``"cluster"`` groups correlated features into blocks; ``"given"`` keeps X's order.
    annotate : bool, optional
        Write each correlation in its cell (default: when 12 features or fewer).
    ax : matplotlib.axes.Axes, optional
        The Axes to draw into (a new figure otherwise).

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.plots import plot_correlation
    >>> X = np.random.default_rng(0).standard_normal((50, 3))
    >>> fig = plot_correlation(X, ["a", "b", "c"])
    >>> len(fig.axes)  # the heat map and its colorbar
    2
    """
    data = correlation_data(X, feature_names, selected, max_features=max_features, order=order)
    k = len(data.feature_names)
    side = min(max(3.8, 0.2 * k + 2.4), 11.0)
    fig, (ax,) = new_axes(1, ax=ax, panel_size=(side + 1.2, side))
    masked = np.ma.masked_invalid(data.matrix)
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("RdBu_r").with_extremes(bad="0.85")
    im = ax.imshow(masked, cmap=cmap, vmin=-1.0, vmax=1.0, interpolation="nearest")
    fontsize = "small" if k <= 25 else "x-small"
    ax.set_xticks(np.arange(k), data.feature_names, rotation=90, fontsize=fontsize)
    ax.set_yticks(np.arange(k), data.feature_names, fontsize=fontsize)
    ax.tick_params(length=0)
    if annotate is None:
        annotate = k <= 12
    if annotate:
        for i in range(k):
            for j in range(k):
                r = data.matrix[i, j]
                if np.isfinite(r):
                    ax.text(
                        j,
                        i,
                        f"{r:.2f}",
                        ha="center",
                        va="center",
                        fontsize="x-small",
                        color="white" if abs(r) > 0.6 else "black",
                    )
    fig.colorbar(im, ax=ax, shrink=0.8, label="Pearson correlation")
    title = (
        "Correlation of the selected features"
        if selected is not None
        else ("Correlation of the features")
    )
    ax.set_title(title + (f"\n{data.note}" if data.note else ""), fontsize="medium")
    return fig
