"""Helpers shared by the figures: axes handling, names, labels, the secondary nnz axis.

Nothing here fits a model; these helpers only arrange what the figures draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullLocator

PANEL_SIZE = (4.6, 3.8)  # inches per panel


def new_axes(
    n_panels: int,
    *,
    ax=None,
    axes=None,
    sharey: bool = False,
    panel_size: tuple[float, float] = PANEL_SIZE,
):
    """(figure, list of n_panels Axes): the caller's Axes, or a new row of panels.

    ``ax`` is accepted for one panel only; ``axes`` must hold exactly ``n_panels`` Axes.
    """
    if ax is not None and axes is not None:
        raise ValueError("pass either ax= (one panel) or axes= (several panels), not both.")
    if ax is not None:
        if n_panels != 1:
            raise ValueError(
                f"this figure has {n_panels} panels; pass axes= with {n_panels} "
                "Axes instead of ax= (one Axes)."
            )
        return ax.figure, [ax]
    if axes is not None:
        flat = list(np.ravel(np.asarray(axes, dtype=object)))
        if len(flat) != n_panels:
            raise ValueError(f"axes must hold {n_panels} Axes (one per panel); got {len(flat)}.")
        return flat[0].figure, flat
    w, h = panel_size
    fig, created = plt.subplots(
        1, n_panels, figsize=(w * n_panels, h), sharey=sharey, squeeze=False, layout="constrained"
    )
    return fig, list(created[0])


def resolve_names(names, n_features: int) -> list[str]:
    """Names as strings, or x0, x1, ... when there are none."""
    if names is None:
        return [f"x{j}" for j in range(n_features)]
    out = [str(n) for n in names]
    if len(out) != n_features:
        raise ValueError(
            f"feature_names must have one name per feature ({n_features}); got {len(out)}."
        )
    return out


def names_of(X) -> list[str] | None:
    """A DataFrame's column names (None for arrays)."""
    if hasattr(X, "columns"):
        return [str(c) for c in X.columns]
    return None


def as_panels(results, kind: str, default_label) -> dict:
    """A label -> result mapping from one result, a sequence of them, or a mapping."""
    if isinstance(results, Mapping):
        if not results:
            raise ValueError(f"{kind} is an empty mapping; give at least one result.")
        return {str(k): r for k, r in results.items()}
    if isinstance(results, Sequence) and not isinstance(results, str):
        items = list(results)
        if not items:
            raise ValueError(f"{kind} is an empty list; give at least one result.")
        labels = [default_label(r) for r in items]
        if len(set(labels)) < len(labels):
            labels = [f"{lab} ({i + 1})" for i, lab in enumerate(labels)]
        return dict(zip(labels, items, strict=True))
    return {default_label(results): results}


def penalty_label(l1_ratio) -> str:
    """'L1 (lasso)', 'L2 (ridge)' or 'Elastic net (l1_ratio=...)' from an l1_ratio."""
    if l1_ratio is None:
        return "path"
    r = float(l1_ratio)
    if r == 1.0:
        return "L1 (lasso)"
    if r == 0.0:
        return "L2 (ridge)"
    return f"Elastic net (l1_ratio={r:g})"


def log_alpha_axis(ax, label: str = r"$\alpha$ (log scale, decreasing)") -> None:
    """Log-scale x axis with alpha decreasing from left to right (more complex models right)."""
    ax.set_xscale("log")
    if not ax.xaxis_inverted():
        ax.invert_xaxis()
    ax.set_xlabel(label)


def nnz_top_axis(ax, alphas, nnz, n_ticks: int = 6):
    """A secondary x axis on top showing the number of non-zeros at a few alphas of the grid."""
    alphas = np.asarray(alphas, dtype=np.float64)
    nnz = np.asarray(nnz)
    keep = np.isfinite(alphas) & (alphas > 0)
    alphas, nnz = alphas[keep], nnz[keep]
    if alphas.size == 0:
        return None
    top = ax.secondary_xaxis("top")
    idx = np.unique(np.linspace(0, alphas.size - 1, min(n_ticks, alphas.size)).round().astype(int))
    top.set_xticks(alphas[idx])
    top.set_xticklabels([str(int(k)) for k in nnz[idx]])
    top.xaxis.set_minor_locator(NullLocator())
    top.set_xlabel("non-zero coefficients", fontsize="small")
    top.tick_params(labelsize="small")
    return top


def spread_labels(y: np.ndarray, low: float, high: float, min_gap: float) -> np.ndarray:
    """Label positions near ``y`` (in display order), at least ``min_gap`` apart, in [low, high]."""
    y = np.asarray(y, dtype=np.float64)
    if y.size == 0:
        return y
    order = np.argsort(y)
    pos = np.clip(y[order], low, high)
    for i in range(1, pos.size):  # push up
        pos[i] = max(pos[i], pos[i - 1] + min_gap)
    overflow = pos[-1] - high
    if overflow > 0:  # shift back down, keeping the gaps, as far as the lower end allows
        pos -= min(overflow, max(pos[0] - low, 0.0))
        for i in range(pos.size - 2, -1, -1):
            pos[i] = min(pos[i], pos[i + 1] - min_gap)
    out = np.empty_like(pos)
    out[order] = pos
    return out


def feature_colors(n: int) -> list:
    """n distinct colors (tab10, then tab20, then a cycled hsv) for highlighted features."""
    if n <= 10:
        cmap = plt.get_cmap("tab10")
        return [cmap(i) for i in range(n)]
    if n <= 20:
        cmap = plt.get_cmap("tab20")
        return [cmap(i) for i in range(n)]
    cmap = plt.get_cmap("hsv")
    return [cmap(i / n) for i in range(n)]
