"""Cross-validation curves with standard-error bars and the alpha_min / alpha_1se marks."""

from __future__ import annotations

import numpy as np

from ._common import as_panels, log_alpha_axis, new_axes, nnz_top_axis, penalty_label

ERROR_LABELS = {
    "mse": "CV mean squared error",
    "mae": "CV mean absolute error",
    "r2": r"CV $1 - R^2$",
}


def plot_cv(cv_results, *, ax=None, axes=None, sharey: bool = True, title: str | None = None):
    """CV error against alpha (glmnet's ``plot(cv.fit)``), one panel per result.

    Each panel shows the mean CV error with +-1 standard-error bars, dashed and dotted lines at
    ``alpha_min`` (the smallest error) and ``alpha_1se`` (the largest alpha within one standard
    error of it, the horizontal grey line), and, when the result carries its full-data path,
    the number of non-zero coefficients on a top axis.  A relaxed-lasso result (one curve per
    gamma) draws every gamma's curve, with error bars on the chosen gamma.

    Parameters
    ----------
    cv_results : CVResult, list or dict
        A ``shrinkage.CVResult``, a list of them, or a mapping label -> CVResult (any object with
        ``alphas``, ``cv_mean``, ``cv_se``, ``alpha_min`` and ``alpha_1se`` works; ``scoring``,
        ``path`` and ``l1_ratio`` are used when present).
    ax : matplotlib.axes.Axes, optional
        One Axes, for a single result.
    axes : sequence of matplotlib.axes.Axes, optional
        One Axes per result.
    sharey : bool, default=True
        Share the error axis between panels (new figures only), so the penalties' errors
        compare at a glance.
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
    >>> from shrinkage.plots import plot_cv
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + rng.standard_normal(60)
    >>> lasso = shrinkage.cross_validate_path(X, y, n_alphas=10, cv=3, random_state=0)
    >>> ridge = shrinkage.cross_validate_path(X, y, l1_ratio=0.0, n_alphas=10, cv=3,
    ...                                       random_state=0)
    >>> fig = plot_cv({"L1": lasso, "L2": ridge})
    >>> len(fig.axes) >= 2  # one panel per penalty (plus the top axes of the counts)
    True
    """
    panels = as_panels(
        cv_results, "cv_results", lambda r: penalty_label(getattr(r, "l1_ratio", None))
    )
    for label, r in panels.items():
        missing = [
            a for a in ("alphas", "cv_mean", "cv_se", "alpha_min", "alpha_1se") if not hasattr(r, a)
        ]
        if missing:
            raise TypeError(
                f"cv_results[{label!r}] must be a shrinkage.CVResult; it lacks "
                f"{', '.join(missing)}."
            )
    fig, panel_axes = new_axes(len(panels), ax=ax, axes=axes, sharey=sharey)
    for (label, r), a in zip(panels.items(), panel_axes, strict=True):
        _draw(a, label, r)
    if title:
        fig.suptitle(title)
    return fig


def _draw(ax, label: str, r) -> None:
    alphas = np.asarray(r.alphas, dtype=np.float64)
    mean = np.asarray(r.cv_mean, dtype=np.float64)
    se = np.asarray(r.cv_se, dtype=np.float64)
    gammas = getattr(r, "gammas", None)
    if mean.ndim == 2:  # relaxed lasso: one curve per gamma
        g_min = getattr(r, "gamma_min", None)
        best = 0 if gammas is None or g_min is None else int(np.argmin(np.abs(gammas - g_min)))
        for g in range(mean.shape[0]):
            if g != best:
                name = f"gamma={gammas[g]:g}" if gammas is not None else f"curve {g}"
                ax.plot(alphas, mean[g], lw=0.9, alpha=0.7, label=name)
        mean, se = mean[best], se[best]
        curve_label = f"gamma={gammas[best]:g} (chosen)" if gammas is not None else "CV error"
    else:
        curve_label = "mean CV error $\\pm$ 1 SE"
    ax.errorbar(
        alphas,
        mean,
        yerr=se,
        fmt="o",
        ms=3.5,
        color="tab:red",
        ecolor="0.55",
        elinewidth=0.9,
        capsize=1.5,
        label=curve_label,
        zorder=3,
    )
    i_min = int(np.nanargmin(mean))
    ax.axhline(mean[i_min] + se[i_min], color="0.6", lw=0.8, ls="-", zorder=1)
    ax.axvline(
        r.alpha_min, color="black", ls="--", lw=1.0, label=f"$\\alpha_{{min}}$ = {r.alpha_min:.3g}"
    )
    ax.axvline(
        r.alpha_1se, color="black", ls=":", lw=1.2, label=f"$\\alpha_{{1se}}$ = {r.alpha_1se:.3g}"
    )
    log_alpha_axis(ax)
    scoring = getattr(r, "scoring", None)
    ax.set_ylabel(ERROR_LABELS.get(scoring, "CV error") if isinstance(scoring, str) else "CV error")
    ax.legend(loc="best", fontsize="small", framealpha=0.85)
    path = getattr(r, "path", None)
    if path is not None and len(path.alphas):
        nnz_top_axis(ax, path.alphas, path.nnz)
        ax.set_title(label, pad=32)
    else:
        ax.set_title(label)
