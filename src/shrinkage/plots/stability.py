"""Selection stability: how often each feature is selected over subsamples or bootstrap refits."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._common import (
    feature_colors,
    log_alpha_axis,
    new_axes,
    penalty_label,
    resolve_names,
    spread_labels,
)

STABLE_COLOR = "tab:blue"
OTHER_COLOR = "0.7"


def plot_stability(
    result,
    *,
    feature_names=None,
    alphas=None,
    threshold: float | None = None,
    kind: str = "bars",
    max_features: int = 30,
    ax=None,
):
    """Selection frequency per feature, as sorted bars or as a stability path.

    Parameters
    ----------
    result : StabilityResult, ndarray or dict
        A ``shrinkage.StabilityResult``; an array of frequencies, (p,) or (n_alphas, p) with
        ``alphas``; or a mapping label -> (p,) frequencies (e.g. one per penalty, drawn as
        grouped bars).
    feature_names : list of str, optional
        Names when the result carries none (default x0, x1, ...).
    alphas : array-like of shape (n_alphas,), optional
        The grid of a (n_alphas, p) array (needed for ``kind="path"``).
    threshold : float, optional
        The frequency a feature needs to be called stable (a dashed line; default the result's
        threshold, none for plain arrays).
    kind : {"bars", "path"}, default="bars"
        ``"bars"``: each feature's largest frequency over the grid, sorted, the
        ``max_features`` largest shown; ``"path"``: frequency against alpha, one line per
        feature (stable ones coloured and named).
    max_features : int, default=30
        The most bars shown.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw into (a new figure otherwise).

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.plots import plot_stability
    >>> frequencies = {"L1": np.array([1.0, 0.2, 0.1, 0.9]), "EN": np.array([1.0, 0.5, 0.4, 1.0])}
    >>> fig = plot_stability(frequencies, threshold=0.6)
    >>> len(fig.axes)
    1
    """
    if kind not in ("bars", "path"):
        raise ValueError(f"kind must be 'bars' or 'path'; got {kind!r}.")
    if isinstance(max_features, bool) or not isinstance(max_features, int) or max_features < 1:
        raise ValueError(f"max_features must be a positive integer; got {max_features!r}.")
    if isinstance(result, Mapping):
        if kind == "path":
            raise ValueError("kind='path' needs one result with its alpha grid, not a mapping.")
        return _grouped_bars(result, feature_names, threshold, max_features, ax)
    freq, grid, names, thr, note = _unpack(result, feature_names, alphas, threshold)
    if kind == "path":
        if grid is None or freq.ndim != 2:
            raise ValueError(
                "kind='path' needs frequencies per alpha: a StabilityResult, or a "
                "(n_alphas, p) array with alphas=."
            )
        return _path(freq, grid, names, thr, note, ax)
    top = freq.max(axis=0) if freq.ndim == 2 else freq
    return _bars(top, names, thr, note, max_features, ax)


def _unpack(result, names, alphas, threshold):
    if hasattr(result, "frequencies"):
        freq = np.asarray(result.frequencies, dtype=np.float64)
        grid = np.asarray(result.alphas, dtype=np.float64)
        own = getattr(result, "feature_names", None)
        names = own if own is not None else names
        thr = getattr(result, "threshold", None) if threshold is None else threshold
        note = _note(result)
    else:
        freq = np.asarray(result, dtype=np.float64)
        grid = None if alphas is None else np.asarray(alphas, dtype=np.float64).ravel()
        thr, note = threshold, ""
    if freq.ndim not in (1, 2) or freq.size == 0:
        raise ValueError(f"frequencies must be (p,) or (n_alphas, p); got shape {freq.shape}.")
    if freq.ndim == 2 and grid is not None and grid.size != freq.shape[0]:
        raise ValueError(
            f"alphas has {grid.size} values but the frequencies have "
            f"{freq.shape[0]} rows (one per alpha)."
        )
    if not np.all((freq >= 0) & (freq <= 1)):
        raise ValueError("frequencies must lie in [0, 1].")
    if thr is not None and not 0 <= float(thr) <= 1:
        raise ValueError(f"threshold must be in [0, 1]; got {thr!r}.")
    return freq, grid, resolve_names(names, freq.shape[-1]), thr, note


def _note(result) -> str:
    parts = []
    n_fits = getattr(result, "n_fits", None)
    if n_fits:
        pairs = " (complementary pairs)" if getattr(result, "complementary_pairs", False) else ""
        parts.append(f"{n_fits} subsample fits{pairs}")
    bound = getattr(result, "expected_false_bound", None)
    if bound is not None:
        parts.append(f"E[false selections] $\\leq$ {bound:.2g}")
    return "; ".join(parts)


def _bars(top, names, thr, note, max_features, ax):
    """Horizontal bars, largest first; never-selected features are counted, not drawn."""
    chosen = np.flatnonzero(top > 0)
    order = chosen[np.argsort(-top[chosen], kind="stable")][:max_features]
    n_bars = max(order.size, 1)
    fig, (ax,) = new_axes(1, ax=ax, panel_size=(6.0, 1.7 + 0.24 * n_bars))
    stable = top[order] >= thr if thr is not None else np.ones(order.size, dtype=bool)
    colors = [STABLE_COLOR if s else OTHER_COLOR for s in stable]
    ypos = np.arange(order.size)
    ax.barh(ypos, top[order], color=colors, height=0.7)
    ax.set_yticks(ypos, [names[j] for j in order])
    ax.set_ylim(n_bars - 0.5, -0.5)
    ax.set_xlim(0, 1.02)
    ax.set_xlabel("selection frequency (largest over the alpha grid)")
    if thr is not None:
        ax.axvline(thr, color="black", ls="--", lw=1.0, label=f"threshold {thr:g}")
        ax.legend(loc="lower right", fontsize="small")
    head = "Selection frequency"
    if thr is not None:
        head += f": {int(np.count_nonzero(top >= thr))} of {top.size} features stable"
    never = top.size - chosen.size
    parts = [f"{order.size} shown"] if order.size < chosen.size else []
    if never:
        parts.append(f"{never} never selected")
    sub = "\n".join(p for p in (note, ", ".join(parts)) if p)
    ax.set_title(head + (f"\n{sub}" if sub else ""), fontsize="medium")
    return fig


def _path(freq, grid, names, thr, note, ax):
    fig, (ax,) = new_axes(1, ax=ax, panel_size=(6.4, 4.2))
    top = freq.max(axis=0)
    if thr is not None:
        highlighted = np.flatnonzero(top >= thr)
    else:
        highlighted = np.argsort(-top, kind="stable")[: min(10, top.size)]
    highlighted = highlighted[np.argsort(-top[highlighted], kind="stable")]
    colors = feature_colors(max(highlighted.size, 1))
    for j in np.setdiff1d(np.arange(top.size), highlighted):
        ax.plot(grid, freq[:, j], color=OTHER_COLOR, lw=0.8, zorder=1)
    for c, j in zip(colors, highlighted, strict=False):
        ax.plot(grid, freq[:, j], color=c, lw=1.8, zorder=2)
    if thr is not None:
        ax.axhline(thr, color="black", ls="--", lw=1.0, label=f"threshold {thr:g}")
        ax.legend(loc="lower right", fontsize="small")
    log_alpha_axis(ax)
    ax.set_ylim(-0.02, 1.05)
    ax.set_ylabel("selection frequency")
    ax.set_title("Stability path" + (f"\n{note}" if note else ""), fontsize="medium")
    if highlighted.size:
        end = freq[np.argmin(grid), highlighted]
        pos = spread_labels((end + 0.02) / 1.07, 0.0, 1.0, 0.055)
        for c, j, y0, y in zip(colors, highlighted, end, pos, strict=False):
            ax.annotate(
                names[j],
                xy=(1.0, (y0 + 0.02) / 1.07),
                xycoords="axes fraction",
                xytext=(1.03, y),
                textcoords="axes fraction",
                color=c,
                fontsize="small",
                va="center",
                arrowprops={"arrowstyle": "-", "color": c, "lw": 0.6},
                annotation_clip=False,
            )
    return fig


def _grouped_bars(results: Mapping, names, thr, max_features, ax):
    if not results:
        raise ValueError("result is an empty mapping; give at least one set of frequencies.")
    labels, freqs = [], []
    for label, r in results.items():
        f = np.asarray(getattr(r, "frequencies", r), dtype=np.float64)
        names = getattr(r, "feature_names", None) if names is None else names
        labels.append(label if isinstance(label, str) else penalty_label(label))
        freqs.append(f.max(axis=0) if f.ndim == 2 else f)
    sizes = {f.size for f in freqs}
    if len(sizes) > 1:
        raise ValueError(
            f"the frequencies have different lengths {sorted(sizes)}; they must "
            "describe the same features."
        )
    freqs = [_unpack(f, names, None, None)[0] for f in freqs]
    names = resolve_names(names, freqs[0].size)
    F = np.vstack(freqs)  # (groups, p)
    order = np.argsort(-F.max(axis=0), kind="stable")[:max_features]
    k = len(labels)
    fig, (ax,) = new_axes(1, ax=ax, panel_size=(6.0, 1.6 + 0.12 * k * order.size + 0.1))
    height = 0.8 / k
    ypos = np.arange(order.size)
    palette = feature_colors(k)
    for g in range(k):
        ax.barh(
            ypos - 0.4 + height * (g + 0.5),
            F[g, order],
            height=height,
            color=palette[g],
            label=labels[g],
        )
    ax.set_yticks(ypos, [names[j] for j in order])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.02)
    ax.set_xlabel("selection frequency")
    if thr is not None:
        ax.axvline(thr, color="black", ls="--", lw=1.0, label=f"threshold {thr:g}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    shown = "" if order.size == F.shape[1] else f" ({order.size} of {F.shape[1]} shown)"
    ax.set_title("Selection frequency by penalty" + shown, fontsize="medium")
    return fig
