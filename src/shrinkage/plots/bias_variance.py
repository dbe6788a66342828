"""Bias-variance trade-off against alpha: bias^2, variance, their sum and the test MSE.

``plot_bias_variance`` draws ``BiasVarianceCurve`` results, which the Monte Carlo
``shrinkage.comparison.simulations.bias_variance_curve`` computes (the definitions are there).
Nothing here fits a model.
"""

from __future__ import annotations

from ..comparison.figure_data import BiasVarianceCurve
from ._common import as_panels, log_alpha_axis, new_axes

PENALTY_NAMES = {"l1": "L1 (lasso)", "l2": "L2 (ridge)", "elasticnet": "Elastic net"}


def plot_bias_variance(curves, *, ax=None, axes=None, sharey: bool = True,
                       title: str | None = None):
    """Bias^2, variance, their sum and the test MSE against alpha (decreasing to the right).

    Parameters
    ----------
    curves : a ``BiasVarianceCurve``, a list of them or a mapping label -> curve (one panel
        each, e.g. ``{"L1": c1, "L2": c2}``).
    ax : one Axes, for a single curve.  axes : one Axes per curve.
    sharey : share the y axis between panels (new figures only).
    title : a title over the whole figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    panels = as_panels(curves, "curves", lambda c: _label(c))
    for label, c in panels.items():
        if not isinstance(c, BiasVarianceCurve):
            raise TypeError(f"curves[{label!r}] must come from bias_variance_curve(); got "
                            f"{type(c).__name__}.")
    fig, panel_axes = new_axes(len(panels), ax=ax, axes=axes, sharey=sharey,
                               panel_size=(4.8, 4.9))
    for (label, c), a in zip(panels.items(), panel_axes, strict=True):
        a.plot(c.alphas, c.bias2, color="tab:blue", lw=2.0, label="bias$^2$")
        a.plot(c.alphas, c.variance, color="tab:orange", lw=2.0, label="variance")
        a.plot(c.alphas, c.bias2 + c.variance, color="tab:purple", lw=1.2, ls="--",
               label="bias$^2$ + variance")
        a.plot(c.alphas, c.mse, color="black", lw=2.0, label="test MSE")
        a.axhline(c.noise_var, color="0.5", lw=1.0, ls=":",
                  label=f"noise variance ({c.noise_var:.3g})")
        a.axvline(c.alpha_best, color="black", lw=0.8, ls="-.",
                  label=f"smallest test MSE at $\\alpha$ = {c.alpha_best:.3g}")
        log_alpha_axis(a)
        a.set_ylabel("squared error")
        a.set_title(f"{label}\n{c.n_repeats} simulated training sets of {c.n_samples} "
                    f"({c.design} design)", fontsize="medium")
        a.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize="small",
                 frameon=False)
        a.set_ylim(bottom=0)
    if title:
        fig.suptitle(title)
    return fig


def _label(c) -> str:
    name = PENALTY_NAMES.get(getattr(c, "penalty", None), "curve")
    if getattr(c, "penalty", None) == "elasticnet":
        name += f" (l1_ratio={c.l1_ratio:g})"
    return name
