"""Coefficient paths of L1, L2 and Elastic Net side by side (glmnet's ``plot(fit)``)."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

import numpy as np
from matplotlib.transforms import blended_transform_factory

from ._common import (
    as_panels,
    feature_colors,
    log_alpha_axis,
    new_axes,
    nnz_top_axis,
    penalty_label,
    resolve_names,
    spread_labels,
)

_MARK_STYLES = ("--", ":", "-.", (0, (5, 2, 1, 2)))


def plot_paths(
    paths,
    *,
    marks=None,
    n_labels: int = 6,
    feature_names=None,
    ax=None,
    axes=None,
    sharey: bool = False,
    title: str | None = None,
):
    """Coefficient paths, one panel per penalty, alpha decreasing from left to right.

    Parameters
    ----------
    paths : Path, list, dict or tuple
        A ``shrinkage.Path``; a list of them; a mapping label -> Path (e.g.
        ``{"L1": p1, "L2": p2, "EN": p3}``); or a pair of arrays ``(alphas, coefs)`` with coefs
        of shape (n_alphas, n_features).  Any object with ``alphas`` and ``coefs`` works.
    marks : float, list, dict or CVResult, optional
        Vertical lines at chosen alphas: a number, a list of numbers, a mapping name -> alpha,
        or a result with ``alpha_min`` and ``alpha_1se`` (a ``CVResult``).  A mapping whose
        keys are panel labels gives each panel its own marks.
    n_labels : int, default=6
        The largest curves of each panel (by their largest |coefficient| along the path) are
        named at the right edge; the other curves are drawn, unnamed (in grey when there are
        more than 10 features).
    feature_names : list of str, optional
        Names to use when the paths carry none (default x0, x1, ...).
    ax : matplotlib.axes.Axes, optional
        One Axes, for a single path.
    axes : sequence of matplotlib.axes.Axes, optional
        One Axes per panel.
    sharey : bool, default=False
        Share the y axis between panels (new figures only).
    title : str, optional
        A title over the whole figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> from shrinkage.plots import plot_paths
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + rng.standard_normal(60)
    >>> paths = {"L1": shrinkage.path(X, y, n_alphas=20),
    ...          "L2": shrinkage.path(X, y, l1_ratio=0.0, n_alphas=20)}
    >>> fig = plot_paths(paths, marks=0.1)
    >>> [ax.get_title() for ax in fig.axes][:2]
    ['L1', 'L2']
    """
    if _is_array_pair(paths):
        panels = {"path": _ArrayPath(*paths)}
    else:
        panels = as_panels(paths, "paths", lambda p: penalty_label(getattr(p, "l1_ratio", None)))
    for label, p in panels.items():
        if not (hasattr(p, "alphas") and hasattr(p, "coefs")):
            raise TypeError(
                f"paths[{label!r}] must be a shrinkage.Path (or have alphas and "
                f"coefs); got {type(p).__name__}."
            )
    if isinstance(n_labels, bool) or not isinstance(n_labels, int) or n_labels < 0:
        raise ValueError(f"n_labels must be an integer >= 0; got {n_labels!r}.")
    fig, panel_axes = new_axes(len(panels), ax=ax, axes=axes, sharey=sharey)
    data = {label: _panel_data(p, feature_names) for label, p in panels.items()}
    width = _common_width(data)
    colors = _colors(data, width, n_labels)
    per_panel = _per_panel_marks(marks, list(panels))
    for (label, d), a in zip(data.items(), panel_axes, strict=True):
        _draw_panel(a, label, d, colors, n_labels, per_panel[label])
    if title:
        fig.suptitle(title)
    return fig


class _ArrayPath:
    def __init__(self, alphas, coefs):
        self.alphas = alphas
        self.coefs = coefs


def _is_array_pair(obj) -> bool:
    return isinstance(obj, tuple) and len(obj) == 2 and not any(hasattr(o, "coefs") for o in obj)


def _panel_data(p, names) -> dict:
    alphas = np.asarray(p.alphas, dtype=np.float64).ravel()
    coefs = np.asarray(p.coefs, dtype=np.float64)
    if coefs.ndim == 1:
        coefs = coefs[:, None]
    if coefs.ndim != 2 or coefs.shape[0] != alphas.size:
        raise ValueError(
            f"a path needs coefs of shape (n_alphas={alphas.size}, n_features); got {coefs.shape}."
        )
    own = getattr(p, "feature_names", None)
    nnz = getattr(p, "nnz", None)
    nnz = np.count_nonzero(coefs, axis=1) if nnz is None else np.asarray(nnz)
    return {
        "alphas": alphas,
        "coefs": coefs,
        "nnz": nnz,
        "names": resolve_names(own if own is not None else names, coefs.shape[1]),
    }


def _common_width(data: dict) -> int:
    widths = {d["coefs"].shape[1] for d in data.values()}
    if len(widths) > 1:
        raise ValueError(
            f"the paths have different numbers of features {sorted(widths)}; they "
            "must come from the same X."
        )
    return widths.pop()


def _top(coefs: np.ndarray, k: int) -> np.ndarray:
    """The k features with the largest |coefficient| anywhere on the path, largest first."""
    size = np.abs(coefs).max(axis=0)
    order = np.argsort(-size, kind="stable")
    return order[:k][size[order[:k]] > 0]


def _colors(data: dict, p: int, n_labels: int) -> list:
    """One color per feature, the same in every panel; grey for unnamed curves when p > 10."""
    if p <= 10:
        return feature_colors(p)
    highlighted: list[int] = []
    for d in data.values():
        for j in _top(d["coefs"], n_labels):
            if j not in highlighted:
                highlighted.append(int(j))
    palette = feature_colors(max(len(highlighted), 1))
    colors = [(0.6, 0.6, 0.6, 0.6)] * p
    for c, j in zip(palette, highlighted, strict=False):
        colors[j] = c
    return colors


def _draw_panel(ax, label: str, d: dict, colors: list, n_labels: int, marks: list) -> None:
    alphas, coefs, names = d["alphas"], d["coefs"], d["names"]
    labelled = _top(coefs, n_labels)
    thin = set(range(coefs.shape[1])) - {int(j) for j in labelled}
    for j in sorted(thin) + [int(j) for j in labelled[::-1]]:  # named curves on top
        ax.plot(
            alphas,
            coefs[:, j],
            color=colors[j],
            lw=1.0 if j in thin else 1.8,
            zorder=1 if j in thin else 2,
        )
    ax.axhline(0.0, color="black", lw=0.6, zorder=0)
    log_alpha_axis(ax)
    ax.set_ylabel("coefficient")
    ax.set_title(label, pad=32)
    ax.margins(x=0.02)
    for (name, alpha), style in zip(marks, _MARK_STYLES * 4, strict=False):
        ax.axvline(alpha, color="black", lw=1.0, ls=style, label=f"{name} = {alpha:.3g}", zorder=3)
    if marks:
        ax.legend(loc="best", fontsize="small", framealpha=0.85)
    nnz_top_axis(ax, alphas, d["nnz"])
    _name_curves(ax, alphas, coefs, labelled, names, colors)


def _name_curves(ax, alphas, coefs, labelled, names, colors) -> None:
    """Feature names just right of the axes, at the height of each curve's end."""
    if len(labelled) == 0:
        return
    ax.autoscale_view()
    lo, hi = ax.get_ylim()
    end = coefs[np.argmin(alphas), labelled]  # the smallest alpha sits at the right edge
    frac = (end - lo) / (hi - lo) if hi > lo else np.full(end.shape, 0.5)
    pos = spread_labels(frac, 0.0, 1.0, 0.06)
    trans = blended_transform_factory(ax.transAxes, ax.transAxes)
    for j, y0, y in zip(labelled, frac, pos, strict=True):
        ax.annotate(
            names[j],
            xy=(1.0, y0),
            xycoords=trans,
            xytext=(1.03, y),
            textcoords=trans,
            color=colors[j],
            fontsize="small",
            va="center",
            ha="left",
            arrowprops={"arrowstyle": "-", "color": colors[j], "lw": 0.6},
            annotation_clip=False,
        )


def _per_panel_marks(marks, labels: list[str]) -> dict[str, list[tuple[str, float]]]:
    if marks is None:
        return {lab: [] for lab in labels}
    if (
        isinstance(marks, Mapping)
        and marks
        and set(map(str, marks)) <= set(labels)
        and not all(isinstance(v, Real) for v in marks.values())
    ):
        return {lab: parse_marks(marks.get(lab)) for lab in labels}
    common = parse_marks(marks)
    return {lab: common for lab in labels}


def parse_marks(spec) -> list[tuple[str, float]]:
    """(name, alpha) pairs from a number, a list, a mapping name -> alpha or a CVResult."""
    if spec is None:
        return []
    if hasattr(spec, "alpha_min") and hasattr(spec, "alpha_1se"):
        return [("alpha_min", float(spec.alpha_min)), ("alpha_1se", float(spec.alpha_1se))]
    if isinstance(spec, Mapping):
        out = [(str(k), float(a)) for k, a in spec.items()]
    elif np.ndim(spec) == 0:
        out = [("alpha", float(spec))]
    else:
        out = [("alpha", float(a)) for a in np.ravel(spec)]
    bad = [a for _, a in out if not (np.isfinite(a) and a > 0)]
    if bad:
        raise ValueError(f"marks must be positive alphas; got {bad[0]!r}.")
    return out
