"""Constraint geometry: least-squares contours, the L1 diamond and the L2 circle, in two dimensions.

``plot_geometry`` draws a ``GeometryData``, which ``shrinkage.comparison.simulations.geometry_data``
computes on two features of the user's data (or on a simulated pair); see there for what the
figure shows.  Nothing here fits a model.
"""

from __future__ import annotations

import numpy as np

from ..comparison.figure_data import GeometryData
from ._common import new_axes

L1_COLOR = "tab:blue"
L2_COLOR = "tab:orange"


def plot_geometry(data: GeometryData, *, ax=None, n_levels: int = 10):
    """Loss contours, the L1 diamond and L2 circle, the constrained solutions and their traces.

    Parameters
    ----------
    data : GeometryData
        What ``shrinkage.comparison.geometry_data`` returns.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw into (a new figure otherwise).
    n_levels : int, default=10
        The number of background contour lines.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into.

    Examples
    --------
    >>> from shrinkage.comparison import geometry_data
    >>> from shrinkage.plots import plot_geometry
    >>> fig = plot_geometry(geometry_data(random_state=0, grid_size=41))
    >>> len(fig.axes)
    1
    """
    if not isinstance(data, GeometryData):
        raise TypeError(f"data must come from geometry_data(); got {type(data).__name__}.")
    fig, (ax,) = new_axes(1, ax=ax, panel_size=(8.4, 5.0))
    excess = data.loss - data.least_squares_loss
    top = float(np.quantile(excess, 0.6))
    levels = data.least_squares_loss + top * np.linspace(0.0, 1.0, n_levels + 1)[1:] ** 2
    ax.contour(data.w1, data.w2, data.loss, levels=levels, colors="0.65", linewidths=0.7, zorder=1)
    t = data.budget
    d = data.diamond
    ax.fill(d[:, 0], d[:, 1], color=L1_COLOR, alpha=0.18, zorder=2)
    ax.plot(
        d[:, 0],
        d[:, 1],
        color=L1_COLOR,
        lw=1.4,
        zorder=2,
        label=f"L1 region $|w_1|+|w_2| \\leq {t:.3g}$",
    )
    theta = np.linspace(0, 2 * np.pi, 361)
    ax.fill(t * np.cos(theta), t * np.sin(theta), color=L2_COLOR, alpha=0.14, zorder=2)
    ax.plot(
        t * np.cos(theta),
        t * np.sin(theta),
        color=L2_COLOR,
        lw=1.4,
        zorder=2,
        label=f"L2 region $w_1^2+w_2^2 \\leq {t:.3g}^2$",
    )
    for level, color, region in (
        (data.l1_loss, L1_COLOR, "diamond"),
        (data.l2_loss, L2_COLOR, "circle"),
    ):
        if level > data.least_squares_loss:
            ax.contour(
                data.w1,
                data.w2,
                data.loss,
                levels=[level],
                colors=[color],
                linewidths=1.0,
                linestyles="--",
                zorder=3,
            )
            ax.plot(
                [], [], color=color, lw=1.0, ls="--", label=f"loss contour touching the {region}"
            )
    ax.plot(
        data.l1_trace[:, 0],
        data.l1_trace[:, 1],
        color=L1_COLOR,
        lw=1.0,
        ls=":",
        zorder=3,
        label="lasso path as $\\alpha$ decreases",
    )
    ax.plot(
        data.l2_trace[:, 0],
        data.l2_trace[:, 1],
        color=L2_COLOR,
        lw=1.0,
        ls=":",
        zorder=3,
        label="ridge path as $\\alpha$ decreases",
    )
    ax.plot(
        *data.least_squares,
        marker="X",
        color="black",
        ms=9,
        ls="none",
        zorder=5,
        label="least squares ({:.2f}, {:.2f})".format(*data.least_squares),
    )
    ax.plot(
        *data.l1_solution,
        marker="o",
        color=L1_COLOR,
        mec="black",
        ms=9,
        ls="none",
        zorder=6,
        label="L1 solution ({:.2f}, {:.2f})".format(*data.l1_solution),
    )
    ax.plot(
        *data.l2_solution,
        marker="s",
        color=L2_COLOR,
        mec="black",
        ms=8,
        ls="none",
        zorder=6,
        label="L2 solution ({:.2f}, {:.2f})".format(*data.l2_solution),
    )
    ax.axhline(0, color="black", lw=0.6, zorder=1)
    ax.axvline(0, color="black", lw=0.6, zorder=1)
    ax.set_xlim(data.w1[0], data.w1[-1])
    ax.set_ylim(data.w2[0], data.w2[-1])
    ax.set_aspect("equal", adjustable="box")
    n1, n2 = data.feature_names
    ax.set_xlabel(f"coefficient of {n1} (per standard deviation)")
    ax.set_ylabel(f"coefficient of {n2} (per standard deviation)")
    note = {
        "zero": "other features held at 0",
        "profile": "other features profiled out",
        "synthetic": "simulated correlated pair",
    }[data.others]
    ax.set_title(f"L1 diamond vs L2 circle, budget t = {t:.3g}\n({note})", fontsize="medium")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small", frameon=False)
    return fig
