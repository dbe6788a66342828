"""One result type for every inference method: estimates, intervals, p-values and what they mean."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.stats import norm

from .. import _validation as v
from ._bootstrap import bootstrap_intervals
from ._truncnorm import truncated_interval
from .adjust import adjust_p_values

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.typing import ColorType

#: what an interval is about, by target
MEANINGS = {
    "full": (
        "Each interval and p-value is about beta_j, the coefficient of feature j in the full "
        "linear model over all {p} features (H0: beta_j = 0), whatever the lasso selected. It "
        "is asymptotically valid when that model holds with a sparse beta (s log p / sqrt(n) "
        "small) and a design whose inverse covariance is sparse enough for the nodewise lasso."
    ),
    "selected": (
        "Each interval and p-value is about the partial coefficient of feature j in the "
        "projection of E[y] on the {k} features the lasso selected at alpha={alpha:.4g}, "
        "conditionally on that selection and its signs (Lee et al. 2016): exact for Gaussian "
        "noise of known variance. It is not the full model's coefficient unless the selected "
        "set holds every feature with a non-zero coefficient."
    ),
    "full_screening": (
        "Each p-value tests H0: beta_j = 0 in the full linear model over all {p} features; they "
        "are valid when the lasso's selection on half of the rows keeps the true support with "
        "high probability (the screening property). No estimates or intervals are given."
    ),
}


@dataclass(frozen=True)
class Truncation:
    """Selective inference's pivot per row: eta'y observed, its sd sigma ||eta|| and the
    truncation interval [lower, upper] of eta'y given the selection event."""

    observed: np.ndarray
    sd: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


@dataclass(frozen=True)
class InferenceResult:
    """Coefficients, standard errors, confidence intervals and p-values for a set of features.

    Attributes
    ----------
    method : str
        "debiased lasso", "selective inference" or "multi sample-splitting".
    target : str
        "full" (coefficients of the full linear model), "selected" (partial coefficients of
        the selected submodel) or "full_screening" (full-model tests from screening).
    coef : numpy.ndarray of shape (k,)
        The estimate of each row's target (NaN where the method gives none).
    std_err : numpy.ndarray of shape (k,)
        Standard errors (NaN where undefined: selective and multi-split intervals are not
        estimate +- z se).
    p_values : numpy.ndarray of shape (k,)
        Raw two-sided p-values for H0: target = 0 (NaN where undefined, with ``reasons``
        saying why).
    feature_index : numpy.ndarray of shape (k,)
        The columns of X the rows are about.
    feature_names : numpy.ndarray of shape (k,)
        Their names (x0, x1, ... when X had none).
    reasons : numpy.ndarray of shape (k,)
        Why a row's p-value or interval is NaN ("" when it is defined).
    n_samples : int
        The number of rows of X.
    n_features : int
        The number of columns of X.
    sigma : float or None, default=None
        The noise sd used (None for the logistic model and multi-splitting).
    alpha : float or None, default=None
        The lasso penalty the inference conditions on or starts from (None if not one).
    truncation : Truncation or None, default=None
        The truncated-Gaussian pivots (selective inference only).
    pivots : numpy.ndarray of shape (k, B) or None, default=None
        The bootstrap's studentized pivots (debiased lasso with ``bootstrap=``): the
        intervals come from their quantiles.
    extra_p_values : dict, default={}
        Method-specific adjusted p-values, e.g. multi-splitting's "fwer" and "fdr".
    notes : tuple of str, default=()
        How the inference was made (tuning choices, estimated quantities).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.inference import debiased_lasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 5))
    >>> y = X[:, 0] + rng.standard_normal(100)
    >>> result = debiased_lasso(X, y, alpha=0.01, sigma=1.0, nodewise_alpha=0.01)
    >>> len(result), result.method, result.target
    (5, 'debiased lasso', 'full')
    >>> result.significant(level=0.05)  # Holm-adjusted
    array([0])
    >>> lower, upper = result.conf_int(0.95)[0]
    >>> bool(lower < 1.0 < upper)  # the true coefficient of x0 is 1
    True
    """

    method: str
    target: str
    coef: np.ndarray
    std_err: np.ndarray
    p_values: np.ndarray
    feature_index: np.ndarray
    feature_names: np.ndarray
    reasons: np.ndarray
    n_samples: int
    n_features: int
    sigma: float | None = None
    alpha: float | None = None
    truncation: Truncation | None = None
    pivots: np.ndarray | None = None
    extra_p_values: dict[str, np.ndarray] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.feature_index)

    @property
    def meaning(self) -> str:
        """What each interval covers and under which assumptions."""
        return MEANINGS[self.target].format(
            p=self.n_features, k=len(self), alpha=self.alpha if self.alpha is not None else 0.0
        )

    def conf_int(self, level: float = 0.95) -> np.ndarray:
        """(k, 2) lower and upper ends of the level confidence intervals (NaN where undefined).

        Estimate +- z_{(1+level)/2} se for the debiased lasso, [b - q_{(1+level)/2} se,
        b - q_{(1-level)/2} se] with q the quantiles of the bootstrap pivots when it has them;
        the inverted truncated-Gaussian pivot for selective inference; NaN for
        multi-splitting (p-values only).
        """
        level = v.check_fraction(level, "level")
        out = np.full((len(self), 2), np.nan)
        if self.truncation is not None:
            t = self.truncation
            for i in np.flatnonzero(np.isfinite(t.observed) & (t.sd > 0)):
                out[i] = truncated_interval(t.observed[i], t.sd[i], t.lower[i], t.upper[i], level)
            return out
        if self.pivots is not None:
            return bootstrap_intervals(self.coef, self.std_err, self.pivots, level)
        z = norm.ppf(0.5 + level / 2.0)
        ok = np.isfinite(self.std_err)
        out[ok, 0] = self.coef[ok] - z * self.std_err[ok]
        out[ok, 1] = self.coef[ok] + z * self.std_err[ok]
        return out

    def p_adjusted(self, method: str = "holm") -> np.ndarray:
        """p-values adjusted for the rows tested: "holm" (familywise) or "bh" (FDR); the
        method's own adjustments (``extra_p_values``) by their names."""
        if method in self.extra_p_values:
            return self.extra_p_values[method]
        return adjust_p_values(self.p_values, method)

    def significant(self, level: float = 0.05, adjust: str = "holm") -> np.ndarray:
        """Indices (columns of X) whose adjusted p-value is at most ``level``."""
        p = self.p_adjusted(adjust)
        return self.feature_index[np.isfinite(p) & (p <= level)]

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """A pandas DataFrame, one row per feature (index: the names): coef, std_err, the
        interval ends, p_value, p_holm, p_bh, the method's own adjustments and the reason."""
        import pandas as pd

        ci = self.conf_int(level)
        pct = f"{100 * level:g}%"
        columns = {
            "coef": self.coef,
            "std_err": self.std_err,
            f"ci_lower_{pct}": ci[:, 0],
            f"ci_upper_{pct}": ci[:, 1],
            "p_value": self.p_values,
            "p_holm": self.p_adjusted("holm"),
            "p_bh": self.p_adjusted("bh"),
        }
        for name, values in self.extra_p_values.items():
            columns[f"p_{name}"] = values
        columns["reason"] = self.reasons
        frame = pd.DataFrame(columns, index=pd.Index(list(self.feature_names), name="feature"))
        frame.attrs["method"] = self.method
        frame.attrs["meaning"] = self.meaning
        return frame

    def to_dict(self, level: float = 0.95) -> dict[str, Any]:
        """Plain Python types (for JSON): method, meaning, notes and one record per feature."""

        def number(x: float) -> float | None:
            return None if not np.isfinite(x) else float(x)

        ci = self.conf_int(level)
        holm, bh = self.p_adjusted("holm"), self.p_adjusted("bh")
        rows = [
            {
                "feature": str(name),
                "index": int(j),
                "coef": number(c),
                "std_err": number(s),
                "ci_lower": number(lo),
                "ci_upper": number(hi),
                "p_value": number(pv),
                "p_holm": number(ph),
                "p_bh": number(pb),
                "reason": str(r),
            }
            for name, j, c, s, (lo, hi), pv, ph, pb, r in zip(
                self.feature_names,
                self.feature_index,
                self.coef,
                self.std_err,
                ci,
                self.p_values,
                holm,
                bh,
                self.reasons,
                strict=True,
            )
        ]
        return {
            "method": self.method,
            "target": self.target,
            "meaning": self.meaning,
            "level": level,
            "sigma": self.sigma,
            "alpha": self.alpha,
            "n_samples": self.n_samples,
            "n_features": self.n_features,
            "notes": list(self.notes),
            "features": rows,
        }

    def plot(
        self,
        level: float = 0.95,
        *,
        ax: Axes | None = None,
        sort: bool = False,
        max_features: int = 40,
        color: ColorType = "C0",
        significant_color: ColorType = "C3",
        adjust: str = "holm",
        **errorbar_kw: Any,
    ) -> Figure | SubFigure:
        """Forest plot: each feature's estimate with its level interval, a line at zero.

        Features whose ``adjust``-adjusted p-value is <= 1 - level are drawn in
        ``significant_color``; ``errorbar_kw`` go to ``Axes.errorbar`` (restyle freely).  Shows
        the ``max_features`` rows with the smallest p-values when there are more.  Returns the
        Figure.
        """
        import matplotlib.pyplot as plt

        ci = self.conf_int(level)
        rows = np.arange(len(self))
        if len(self) > max_features:
            rows = np.sort(
                np.argsort(np.where(np.isnan(self.p_values), 2.0, self.p_values), kind="stable")[
                    :max_features
                ]
            )
        if sort:
            rows = rows[np.argsort(np.nan_to_num(self.coef[rows]), kind="stable")]
        fig: Figure | SubFigure
        if ax is None:
            fig, ax = plt.subplots(
                figsize=(5.5, 1.2 + 0.28 * max(len(rows), 1)), layout="constrained"
            )
        else:
            fig = ax.figure
        centre = np.where(np.isfinite(self.coef), self.coef, ci.mean(axis=1))
        sig = np.isin(self.feature_index, self.significant(1.0 - level, adjust))
        y = np.arange(len(rows))[::-1]
        fmt = errorbar_kw.pop("fmt", "o")
        for mask, c in ((~sig[rows], color), (sig[rows], significant_color)):
            if np.any(mask):
                lo, hi, mid = ci[rows, 0][mask], ci[rows, 1][mask], centre[rows][mask]
                ax.errorbar(
                    mid,
                    y[mask],
                    xerr=np.vstack([mid - lo, hi - mid]),
                    fmt=fmt,
                    color=c,
                    capsize=3,
                    **errorbar_kw,
                )
        ax.axvline(0.0, color="0.5", lw=0.8, ls="--")
        ax.set_yticks(y, [str(self.feature_names[i]) for i in rows])
        ax.set_xlabel(f"{100 * level:g}% interval ({self.method})")
        what = (
            "full-model coefficient"
            if self.target != "selected"
            else "selected-model partial coefficient"
        )
        ax.set_title(f"{what}; highlighted: {adjust}-adjusted p <= {1 - level:g}", fontsize="small")
        return fig
