"""Bias-variance trade-off against alpha: bias^2, variance and their sum.

``plot_bias_variance`` draws ``BiasVarianceCurve`` results, which the Monte Carlo
``shrinkage.comparison.simulations.bias_variance_curve`` computes (the definitions are there).
Nothing here fits a model.

On real data the noise variance is often a hundred times the variance of a fit, so a test MSE
curve (noise + bias^2 + variance) on a linear axis hides the variance in a flat line.  The
default drawing, ``scale="excess"``, leaves the noise out: bias^2, variance and their sum (the
expected test MSE minus the noise variance) on one log axis, where each stays readable.
``scale="total"`` draws the test MSE and the noise level on a linear axis as well.
"""

from __future__ import annotations

import numpy as np

from ..comparison.figure_data import BiasVarianceCurve
from ._common import as_panels, log_alpha_axis, new_axes

PENALTY_NAMES = {"l1": "L1 (lasso)", "l2": "L2 (ridge)", "elasticnet": "Elastic net"}
SCALES = ("excess", "total")
#: the log axis of ``scale="excess"`` spans at most this many decades below its top
DECADES = 5


def plot_bias_variance(
    curves,
    *,
    ax=None,
    axes=None,
    sharey: bool = True,
    title: str | None = None,
    scale: str = "excess",
):
    """Bias^2, variance and their sum against alpha (decreasing to the right).

    Expected test MSE = bias^2 + variance + noise variance, each averaged over the test points.

    Parameters
    ----------
    curves : BiasVarianceCurve, list or dict
        One curve, a list of them or a mapping label -> curve (one panel each, e.g.
        ``{"L1": c1, "L2": c2}``).
    ax : matplotlib.axes.Axes, optional
        One Axes, for a single curve.
    axes : sequence of matplotlib.axes.Axes, optional
        One Axes per curve.
    sharey : bool, default True
        Share the y axis between panels (new figures only).
    title : str, optional
        A title over the whole figure.
    scale : {"excess", "total"}, default "excess"
        "excess": the error above the noise level, bias^2, variance and bias^2 + variance
        (= test MSE - noise variance), on a log axis; "total": a linear axis with the test MSE
        and the noise variance too (readable when the noise is not much larger than the
        variance).

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.comparison.simulations import bias_variance_curve
    >>> X = np.random.default_rng(0).standard_normal((40, 5))
    >>> curve = bias_variance_curve(X, penalty="l2", n_alphas=5, n_repeats=3, n_test=20,
    ...                             random_state=0)
    >>> fig = plot_bias_variance(curve)
    >>> fig.axes[0].get_yscale()
    'log'
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}; got {scale!r}.")
    panels = as_panels(curves, "curves", lambda c: _label(c))
    for label, c in panels.items():
        if not isinstance(c, BiasVarianceCurve):
            raise TypeError(
                f"curves[{label!r}] must come from bias_variance_curve(); got {type(c).__name__}."
            )
    fig, panel_axes = new_axes(len(panels), ax=ax, axes=axes, sharey=sharey, panel_size=(4.8, 4.9))
    shared = _log_limits(list(panels.values())) if sharey else None
    for (label, c), a in zip(panels.items(), panel_axes, strict=True):
        if scale == "excess":
            _draw_excess(a, c, shared or _log_limits([c]))
        else:
            _draw_total(a, c)
        a.axvline(
            c.alpha_best,
            color="black",
            lw=0.8,
            ls="-.",
            label=f"smallest test MSE at $\\alpha$ = {c.alpha_best:.3g}",
        )
        log_alpha_axis(a)
        a.set_title(
            f"{label}\n{c.n_repeats} simulated training sets of {c.n_samples} ({c.design} design)",
            fontsize="medium",
        )
        a.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize="small", frameon=False
        )
    if title:
        fig.suptitle(title)
    return fig


def _draw_excess(a, c: BiasVarianceCurve, limits: tuple[float, float] | None) -> None:
    """bias^2, variance and their sum on a log axis; the noise level named, not drawn."""
    a.plot(c.alphas, c.bias2, color="tab:blue", lw=2.0, label="bias$^2$")
    a.plot(c.alphas, c.variance, color="tab:orange", lw=2.0, label="variance")
    a.plot(
        c.alphas,
        c.bias2 + c.variance,
        color="black",
        lw=2.0,
        label="bias$^2$ + variance\n(test MSE $-$ noise variance)",
    )
    a.plot([], [], " ", label=f"noise variance {c.noise_var:.3g}\n(left out of the plot)")
    a.set_ylabel("squared error above the noise (log scale)")
    if limits is None:  # nothing positive to show on a log axis
        a.set_ylim(bottom=0)
        return
    a.set_yscale("log")
    a.set_ylim(*limits)


def _draw_total(a, c: BiasVarianceCurve) -> None:
    """bias^2, variance, their sum, the test MSE and the noise level on a linear axis."""
    a.plot(c.alphas, c.bias2, color="tab:blue", lw=2.0, label="bias$^2$")
    a.plot(c.alphas, c.variance, color="tab:orange", lw=2.0, label="variance")
    a.plot(
        c.alphas,
        c.bias2 + c.variance,
        color="tab:purple",
        lw=1.2,
        ls="--",
        label="bias$^2$ + variance",
    )
    a.plot(c.alphas, c.mse, color="black", lw=2.0, label="test MSE")
    a.axhline(c.noise_var, color="0.5", lw=1.0, ls=":", label=f"noise variance ({c.noise_var:.3g})")
    a.set_ylabel("squared error")
    a.set_ylim(bottom=0)


def _log_limits(curves: list) -> tuple[float, float] | None:
    """(bottom, top) of a log axis holding every curve's positive values, at most ``DECADES``
    decades deep (a bias^2 that reaches ~0 would otherwise stretch it); None when nothing is
    positive."""
    values = np.concatenate(
        [np.concatenate([c.bias2, c.variance, c.bias2 + c.variance]) for c in curves]
    )
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size == 0:
        return None
    top, low = float(positive.max()), float(positive.min())
    return max(low / 1.5, top * 10.0**-DECADES), top * 1.5


def _label(c) -> str:
    penalty = getattr(c, "penalty", None)
    name = PENALTY_NAMES.get(penalty, "curve") if isinstance(penalty, str) else "curve"
    if penalty == "elasticnet":
        name += f" (l1_ratio={c.l1_ratio:g})"
    return name
