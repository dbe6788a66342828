"""How a penalty treats one coefficient: soft-thresholding vs proportional shrinkage; the pull.

With an orthonormal design (X'X / n = I) the penalized problem separates into one problem per
coefficient, 1/2 (z - w)^2 + alpha (l1_ratio |w| + (1 - l1_ratio) / 2 w^2), where z is the
least-squares estimate (shrinkage's Elastic-Net scaling).  Its solution is closed form:

- L1 (lasso): soft-thresholding, w = sign(z) max(|z| - alpha, 0): every estimate moves towards
  zero by the same amount alpha, and those within alpha of zero become exactly zero;
- L2 (ridge): proportional shrinkage, w = z / (1 + alpha): every estimate loses the same fraction,
  none becomes zero;
- Elastic net: both, w = sign(z) max(|z| - alpha l1_ratio, 0) / (1 + alpha (1 - l1_ratio)).

The second panel shows why: the pull of the penalty on w (its gradient, the force in the
stationarity condition z - w = pull(w)) is constant for L1, alpha sign(w), and proportional to w
for L2, alpha w.  At w = 0 the L1 pull can be anything in [-alpha, alpha] (the subdifferential), so
it can hold w at zero against any |z| <= alpha.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import real_number
from ._common import new_axes

COLORS = {"l1": "tab:blue", "l2": "tab:orange", "elasticnet": "tab:green"}


@dataclass(frozen=True)
class ShrinkageCurves:
    """The closed forms drawn by ``plot_shrinkage``.

    Attributes
    ----------
    z : ndarray of shape (m,)
        Least-squares values of one coefficient.
    l1 : ndarray of shape (m,)
        The lasso's estimates at each z (soft-thresholding).
    l2 : ndarray of shape (m,)
        Ridge's estimates at each z (proportional shrinkage).
    elasticnet : ndarray of shape (m,)
        The Elastic Net's estimates at each z.
    pull_l1 : ndarray of shape (m,)
        The L1 penalty's gradient at each w (0 at w = 0: the middle of the subdifferential
        [-alpha, alpha]).
    pull_l2 : ndarray of shape (m,)
        The L2 penalty's gradient at each w.
    pull_elasticnet : ndarray of shape (m,)
        The Elastic Net's gradient at each w (0 at w = 0: the middle of the subdifferential
        [-alpha l1_ratio, alpha l1_ratio]).
    alpha : float
        As requested.
    l1_ratio : float
        As requested.
    w : ndarray of shape (m,)
        The same grid as values of w.

    Examples
    --------
    >>> from shrinkage.plots import shrinkage_curves
    >>> curves = shrinkage_curves(alpha=1.0, l1_ratio=0.5, z_max=3.0, n_points=7)
    >>> curves.z.tolist()
    [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]
    >>> curves.l1 + 0.0  # soft-thresholding at alpha = 1
    array([-2., -1.,  0.,  0.,  0.,  1.,  2.])
    """

    z: np.ndarray
    l1: np.ndarray
    l2: np.ndarray
    elasticnet: np.ndarray
    pull_l1: np.ndarray
    pull_l2: np.ndarray
    pull_elasticnet: np.ndarray
    alpha: float
    l1_ratio: float

    @property
    def w(self) -> np.ndarray:
        return self.z


def shrinkage_curves(
    alpha: float = 1.0, *, l1_ratio: float = 0.5, z_max: float | None = None, n_points: int = 401
) -> ShrinkageCurves:
    """The one-coefficient estimates and pulls of L1, L2 and EN at ``alpha`` (module docstring).

    Parameters
    ----------
    alpha : float, default=1.0
        The penalty strength (shrinkage's Elastic-Net scaling, orthonormal design).
    l1_ratio : float, default=0.5
        The Elastic Net's mix.
    z_max : float, optional
        The grid runs over [-z_max, z_max]; default 3 * alpha (at least 1).
    n_points : int, default=401
        The grid's size.

    Returns
    -------
    ShrinkageCurves
        The estimates and pulls on the grid.

    Examples
    --------
    >>> from shrinkage.plots import shrinkage_curves
    >>> curves = shrinkage_curves(alpha=1.0, l1_ratio=0.5, z_max=3.0, n_points=7)
    >>> curves.l2.tolist()[-1]  # ridge divides by 1 + alpha
    1.5
    """
    alpha = _positive(alpha, "alpha")
    if isinstance(l1_ratio, bool) or not 0 <= float(l1_ratio) <= 1:
        raise ValueError(f"l1_ratio must be in [0, 1]; got {l1_ratio!r}.")
    l1_ratio = float(l1_ratio)
    z_max = max(3.0 * alpha, 1.0) if z_max is None else _positive(z_max, "z_max")
    if isinstance(n_points, bool) or not isinstance(n_points, int) or n_points < 3:
        raise ValueError(f"n_points must be an integer >= 3; got {n_points!r}.")
    z = np.linspace(-z_max, z_max, n_points)
    soft = np.sign(z) * np.maximum(np.abs(z) - alpha, 0.0)
    ridge = z / (1.0 + alpha)
    en = (
        np.sign(z)
        * np.maximum(np.abs(z) - alpha * l1_ratio, 0.0)
        / (1.0 + alpha * (1.0 - l1_ratio))
    )
    return ShrinkageCurves(
        z,
        soft,
        ridge,
        en,
        alpha * np.sign(z),
        alpha * z,
        alpha * (l1_ratio * np.sign(z) + (1.0 - l1_ratio) * z),
        alpha,
        l1_ratio,
    )


def _positive(value: object, name: str) -> float:
    number = real_number(value)
    if number is None or not np.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive number; got {value!r}.")
    return number


def plot_shrinkage(
    alpha: float = 1.0, *, l1_ratio: float = 0.5, z_max: float | None = None, axes=None
):
    """Two panels: estimate vs least-squares value (soft-thresholding vs proportional
    shrinkage vs EN, with the identity line), and the penalty's pull on w (L1 constant, L2
    proportional to w, EN both).

    Parameters
    ----------
    alpha : float, default=1.0
        The penalty strength (shrinkage's Elastic-Net scaling, orthonormal design).
    l1_ratio : float, default=0.5
        The Elastic Net's mix.
    z_max : float, optional
        The half-width of the range of least-squares values shown (default 3 * alpha).
    axes : sequence of two matplotlib.axes.Axes, optional
        The Axes to draw into (a new figure otherwise).

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into.

    Examples
    --------
    >>> from shrinkage.plots import plot_shrinkage
    >>> fig = plot_shrinkage(alpha=1.0, l1_ratio=0.5)
    >>> len(fig.axes)
    2
    """
    c = shrinkage_curves(alpha, l1_ratio=l1_ratio, z_max=z_max)
    fig, (left, right) = new_axes(2, axes=axes, panel_size=(5.0, 4.3))
    a, r = c.alpha, c.l1_ratio
    left.plot(c.z, c.z, color="0.5", lw=1.0, ls="--", label="no penalty ($w = z$)")
    left.plot(
        c.z,
        c.l1,
        color=COLORS["l1"],
        lw=2.0,
        label=f"L1: soft-threshold, $w=\\mathrm{{sign}}(z)(|z|-{a:g})_+$",
    )
    left.plot(c.z, c.l2, color=COLORS["l2"], lw=2.0, label=f"L2: $w = z/(1+{a:g})$")
    left.plot(
        c.z,
        c.elasticnet,
        color=COLORS["elasticnet"],
        lw=1.6,
        ls="-.",
        label=f"Elastic net (l1_ratio={r:g})",
    )
    left.axvspan(
        -a, a, color=COLORS["l1"], alpha=0.08, lw=0, label=f"$|z| \\leq {a:g}$: L1 sets w to 0"
    )
    left.set_xlabel("least-squares estimate $z$")
    left.set_ylabel("penalized estimate $w$")
    left.set_title("Estimate of one coefficient\n(orthonormal design)", fontsize="medium")
    pos = c.z > 0
    right.plot(
        c.z[pos],
        c.pull_l1[pos],
        color=COLORS["l1"],
        lw=2.0,
        label=f"L1: ${_times(a)}\\mathrm{{sign}}(w)$",
    )
    right.plot(c.z[c.z < 0], c.pull_l1[c.z < 0], color=COLORS["l1"], lw=2.0)
    right.plot(
        [0, 0],
        [-a, a],
        color=COLORS["l1"],
        lw=2.0,
        ls=":",
        label=f"L1 at $w=0$: any value in $[-{a:g}, {a:g}]$",
    )
    right.plot(c.z, c.pull_l2, color=COLORS["l2"], lw=2.0, label=f"L2: ${_times(a)}w$")
    right.plot(
        c.z,
        c.pull_elasticnet,
        color=COLORS["elasticnet"],
        lw=1.6,
        ls="-.",
        label=f"Elastic net: ${_times(a)}({r:g}\\,\\mathrm{{sign}}(w) + {1 - r:g}\\,w)$",
    )
    right.set_xlabel("coefficient $w$")
    right.set_ylabel("pull towards zero (penalty gradient)")
    right.set_title(
        "The penalty's pull: constant (L1)\nvs proportional to w (L2)", fontsize="medium"
    )
    for ax in (left, right):
        ax.axhline(0, color="black", lw=0.6)
        ax.axvline(0, color="black", lw=0.6)
        ax.legend(loc="upper left", fontsize="x-small", framealpha=0.9)
    return fig


def _times(a: float) -> str:
    """'' for 1, else the number and a thin space (for labels like '2 w')."""
    return "" if a == 1 else f"{a:g}\\,"
