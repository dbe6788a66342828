"""Which solver fits a problem: chosen by what the problem is (its capabilities), with the
reasons written down, never by a datafit's name.

``capabilities`` reads them off the datafit object (its ``quadratic`` and ``smooth``
attributes) and the penalty (separable kind or blocks); ``choose_engine`` maps them to a
solver and logs the choice with its reasons at debug level (logger ``shrinkage.solvers.choice``);
``choose_solver`` is the least-squares ``solver="auto" | "cd" | "gram"`` option of the paths,
the same rule; ``gram_form`` then says whether Gram mode forms the whole X'X or only the columns
its working sets read (one alpha).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.special import erfc

from ..datafits import Quadratic, get_datafit
from ..penalties._separable import CONVEX_KINDS, ELASTIC_NET

_log = logging.getLogger(__name__)

SOLVERS = ("auto", "cd", "gram")

# Gram mode forms a p x p matrix once (O(n p^2), BLAS-3) and then pays O(p) per coordinate
# update instead of O(n).  It wins when n is well above p and the matrix is small enough to keep.
_GRAM_MIN_RATIO = 2
_GRAM_MAX_FEATURES = 4000
# Forming the whole X'X costs n p^2 / 2 multiply-adds (a symmetric rank-k update, BLAS-3 at full
# speed); forming only the columns the working sets read costs n p per column (``GramColumns``:
# one pass over X per batch of columns, at most about twice the whole cost as it switches to the
# whole X'X past p / 2 columns).  One sparse fit reads a few times its support, about
# ``_COLUMNS_READ`` columns on the benchmarks (20 true non-zeros: 4 batches of 16); measured on
# 200000 x 200 the whole X'X was the faster (64 columns with their 4 passes cost more than it),
# so the columns are formed only where they are at most a quarter of the whole: p >= 4 x 64.
_COLUMNS_READ = 64
_COLUMNS_MIN_FEATURES = 4 * _COLUMNS_READ
# Below that, on a tall design, the fit knows its work before it pays for it: the whole statistics
# of every ``_SKETCH_STRIDE``-th row (1/8 of the whole X'X's cost) fit at the same alpha predict the
# columns it reads (``gram.GramCD._sketch_columns``).  Where they are at most
# ``_COLUMNS_MAX_FRACTION`` of p, one pass forms them (n p per column, BLAS-3); else the whole X'X
# is formed, from the sketch's sums and the other rows' (no pass wasted).  200000 x 200, one BLAS
# thread, CPU time under load: at alpha_max / 10 21 columns, one pass, the fit 0.15 s instead of
# 0.30.  Below the sketch's noise level (``noise_level``) its fit is refitted at L1 weights raised
# to it: at / 100 the fit at alpha predicts 68 columns (the solution has 22), the raised one 25, one
# pass filled to p / 4 forms them, 0.20-0.26 s instead of 0.29-0.35; below the whole data's noise
# level (``expected_entrants``: / 1000, 147 non-zeros) the whole X'X at once, as before. The sketch
# needs rows enough for its fit to resemble the whole one's: ``_SKETCH_MIN_RATIO`` p.
_SKETCH_STRIDE = 8
_SKETCH_MIN_RATIO = 20
_COLUMNS_MAX_FRACTION = 0.25


@dataclass(frozen=True)
class Capabilities:
    """What a problem offers a solver.

    Parameters
    ----------
    quadratic : bool
        The datafit is least squares: exact coordinate curvature, residual form, sufficient
        statistics (X'X, X'y).
    smooth : bool
        The datafit has a Lipschitz gradient (a Newton quadratic model exists); False for the
        check (quantile) loss.
    separable : bool
        The penalty is a sum over coordinates (L1, L2, elastic net, MCP, SCAD); False for a
        sum over blocks (group, sparse-group).
    convex : bool
        The penalty is convex: a duality gap certifies, gap-safe screening applies.
    n_classes : int
        Columns of the coefficient matrix coupled by the datafit (the multinomial's K).
    n_samples, n_features : int
        The design's shape.
    """

    quadratic: bool
    smooth: bool
    separable: bool
    convex: bool
    n_samples: int
    n_features: int
    n_classes: int = 1


@dataclass(frozen=True)
class Choice:
    """A solver (its module under ``shrinkage.solvers`` or ``shrinkage.glm``) and why."""

    solver: str
    reasons: tuple[str, ...]


def gram_affordable(n_samples: int, n_features: int) -> bool:
    """Whether forming X'X pays: n >= 2 p and p <= 4000.

    Examples
    --------
    >>> gram_affordable(1000, 10), gram_affordable(10, 1000)
    (True, False)
    """
    return n_samples >= _GRAM_MIN_RATIO * n_features and n_features <= _GRAM_MAX_FEATURES


def choose_engine(caps: Capabilities) -> Choice:
    """The solver for ``caps``, with the reasons, first match wins:

    1. not smooth -> ``quantile`` (interior point on the linear program: no gradient to descend);
    2. least squares, separable, convex, Gram affordable -> ``gram`` (CD on X'X);
    3. least squares, separable -> ``cd`` (working-set CD in residual form, any separable
       penalty; the non-convex ones certified by their KKT violation);
    4. least squares, blocks -> ``group_cd``;
    5. smooth, blocks -> ``group_newton`` (proximal Newton, block CD on the Newton model);
    6. smooth, separable, K > 1 classes -> ``multinomial`` (proximal Newton, K x K blocks);
    7. smooth, separable -> ``prox_newton``.

    Examples
    --------
    >>> caps = Capabilities(quadratic=False, smooth=True, separable=True, convex=True,
    ...                     n_samples=100, n_features=20)
    >>> choose_engine(caps).solver
    'prox_newton'
    """
    choice = _choose(caps)
    _log.debug("solver %r: %s", choice.solver, "; ".join(choice.reasons))
    return choice


def _choose(caps: Capabilities) -> Choice:
    if not caps.smooth:
        return Choice("quantile", ("the datafit has no gradient: linear programming",))
    if caps.quadratic and caps.separable:
        if caps.convex and caps.n_classes == 1 and gram_affordable(caps.n_samples, caps.n_features):
            return Choice(
                "gram",
                (
                    "least squares",
                    "separable convex penalty",
                    f"Gram affordable (n >= {_GRAM_MIN_RATIO} p, p <= {_GRAM_MAX_FEATURES})",
                ),
            )
        why = "Gram not affordable" if caps.convex else "non-convex: KKT certificate, no Gram"
        return Choice("cd", ("least squares", "separable penalty", why))
    if caps.quadratic:
        return Choice("group_cd", ("least squares", "block penalty"))
    if not caps.separable:
        return Choice("group_newton", ("smooth datafit", "block penalty"))
    if caps.n_classes > 1:
        return Choice(
            "multinomial",
            ("smooth datafit", "separable penalty", f"{caps.n_classes} coupled classes"),
        )
    return Choice("prox_newton", ("smooth datafit", "separable penalty"))


def choose_solver(solver: str, n_samples: int, n_features: int) -> str:
    """The least-squares elastic net's solver: ``solver`` itself unless "auto", else
    ``choose_engine``'s ('gram' where ``gram_affordable``, dense or sparse, else 'cd')."""
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}; got {solver!r}.")
    if solver != "auto":
        return solver
    return choose_engine(
        Capabilities(
            quadratic=True,
            smooth=True,
            separable=True,
            convex=True,
            n_samples=n_samples,
            n_features=n_features,
        )
    ).solver


def sketch_stride(n_samples: int, n_features: int) -> int | None:
    """The stride of the row sketch that predicts a single fit's Gram columns (every
    ``_SKETCH_STRIDE``-th row), or None where it would have fewer than ``_SKETCH_MIN_RATIO`` p
    rows, or where p >= ``_COLUMNS_MIN_FEATURES`` (the sketch's X'X costs n p^2 / 16, p / 16
    columns' worth: more than the batches it saves there, where the columns are formed anyway).

    Examples
    --------
    >>> sketch_stride(200_000, 200), sketch_stride(20_000, 200), sketch_stride(10**7, 2000)
    (8, None, None)
    """
    rows = n_samples // _SKETCH_STRIDE
    if n_features < _COLUMNS_MIN_FEATURES and rows >= _SKETCH_MIN_RATIO * max(n_features, 1):
        return _SKETCH_STRIDE
    return None


def columns_pay(n_columns: int, n_features: int) -> bool:
    """Whether forming ``n_columns`` Gram columns (n p each, a pass over X) costs less than the
    whole X'X (n p^2 / 2): at most ``_COLUMNS_MAX_FRACTION`` of p, leaving room for a second
    pass where the prediction missed some.

    Examples
    --------
    >>> columns_pay(45, 200), columns_pay(96, 200)
    (True, False)
    """
    return n_columns <= _COLUMNS_MAX_FRACTION * n_features


def columns_budget(n_features: int) -> int:
    """The most Gram columns one fit forms before the whole X'X costs less (``columns_pay``).

    Examples
    --------
    >>> columns_budget(200)
    50
    """
    return int(_COLUMNS_MAX_FRACTION * n_features)


def noise_level(
    col_norm_sq: np.ndarray, sigma: float, n_rows: float, n_features: int
) -> np.ndarray:
    """The universal threshold sigma sqrt(2 log(p) G_jj / m): with high probability no column's
    correlation with pure noise of standard deviation ``sigma`` over ``n_rows`` equally weighted
    rows reaches it (the noise's x_j' S e is normal with variance sigma^2 G_jj / m).

    A row sketch's fit at an L1 weight below its own noise level (the sketch has 1 / stride of
    the rows: a noise level sqrt(stride) times the whole data's) selects noise columns that the
    whole fit does not; raised to it, the sketch selects the support the data carry.

    Parameters
    ----------
    col_norm_sq : numpy.ndarray
        (p,) the diagonal of G = X_c' S X_c (S summing to one).
    sigma : float
        The noise's standard deviation (estimated from a fit's residual).
    n_rows : float
        The rows the correlations average over (their effective count where weighted).
    n_features : int
        p, the columns tested (the union bound's count).

    Returns
    -------
    numpy.ndarray
        (p,) the threshold of each column.

    Examples
    --------
    >>> import numpy as np
    >>> noise_level(np.ones(2), 2.0, 10_000, 100).round(4).tolist()
    [0.0607, 0.0607]
    """
    return sigma * np.sqrt(2.0 * np.log(max(n_features, 2)) * col_norm_sq / n_rows)


def expected_entrants(
    l1: np.ndarray, col_norm_sq: np.ndarray, sigma: float, n_rows: float
) -> float:
    """The expected number of columns, outside the support the data carry, that a fit at the
    L1 weights ``l1`` selects all the same: each one's correlation with the noise is normal,
    of standard deviation sigma sqrt(G_jj / m), and exceeds l1_j in absolute value with
    probability erfc(l1_j / (sigma sqrt(2 G_jj / m))).  Below the whole data's noise level
    (``noise_level``) this grows with p: the solution is dense, no sketch predicts it.

    Parameters
    ----------
    l1 : numpy.ndarray
        (k,) the L1 weights of the columns off the support.
    col_norm_sq : numpy.ndarray
        (k,) their G_jj.
    sigma : float
        The noise's standard deviation.
    n_rows : float
        The whole data's rows (their effective count where weighted).

    Returns
    -------
    float
        The expected count.

    Examples
    --------
    >>> import numpy as np
    >>> l1 = np.array([0.0, 1e-3, 1.0])  # the unpenalized column always enters
    >>> round(expected_entrants(l1, np.ones(3), 1.0, 10_000), 3)
    1.92
    """
    spread = sigma * np.sqrt(2.0 * np.maximum(col_norm_sq, 0.0) / n_rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(spread > 0, l1 / spread, np.inf)
    return float(erfc(np.where(l1 > 0, z, 0.0)).sum())


def gram_form(n_samples: int, n_features: int, n_fits: int, l1_ratio: float) -> Choice:
    """Whether Gram mode forms the whole X'X ("full") or the columns its working sets read
    ("columns"), with the reasons (logged at debug level).

    "columns" for one fit with an L1 part on at least ``_COLUMNS_MIN_FEATURES`` features (its
    cost is n p per column read, about ``_COLUMNS_READ`` of them, at most a quarter of the
    whole n p^2 / 2 there), or on fewer where a row sketch predicts the columns the fit reads
    (``sketch_stride``: the solver forms the whole X'X after all where the sketch predicts more
    than ``columns_pay`` allows); else "full" (a path's last fits read every column; a ridge fit
    has no sparsity; for smaller p and n the whole X'X, at BLAS-3 speed, costs no more).

    Parameters
    ----------
    n_samples, n_features : int
        The design's shape.
    n_fits : int
        The alphas to fit (1: a single fit).
    l1_ratio : float
        The penalty's mix (0: ridge).

    Returns
    -------
    Choice
        ``solver`` "columns" or "full", and why.

    Examples
    --------
    >>> gram_form(20_000, 2000, 1, 1.0).solver, gram_form(20_000, 2000, 100, 1.0).solver
    ('columns', 'full')
    >>> gram_form(20_000, 200, 1, 1.0).solver  # 64 columns: a third of the whole X'X
    'full'
    >>> gram_form(200_000, 200, 1, 1.0).solver  # a sketch of 25,000 rows predicts them
    'columns'
    """
    cost = f"whole X'X: n p^2 / 2 = {n_samples * n_features**2 / 2:.3g} multiply-adds"
    if n_fits > 1:
        choice = Choice("full", (f"{n_fits} alphas: the densest fits read every column", cost))
    elif l1_ratio == 0:
        choice = Choice("full", ("no L1 part: every column is read", cost))
    elif n_features < _COLUMNS_MIN_FEATURES and sketch_stride(n_samples, n_features) is None:
        choice = Choice(
            "full",
            (
                f"p < {_COLUMNS_MIN_FEATURES}: ~{_COLUMNS_READ} columns cost as much",
                f"n < {_SKETCH_STRIDE * _SKETCH_MIN_RATIO} p: no row sketch to predict fewer",
                cost,
            ),
        )
    elif n_features < _COLUMNS_MIN_FEATURES:
        choice = Choice(
            "columns",
            (
                "one alpha with an L1 part: the columns a row sketch predicts",
                f"at most {_COLUMNS_MAX_FRACTION} p of them, else the whole X'X",
                cost,
            ),
        )
    else:
        choice = Choice(
            "columns",
            (
                "one alpha with an L1 part: columns of the working sets only",
                f"n p = {n_samples * n_features:.3g} multiply-adds per column, {cost}",
            ),
        )
    _log.debug("Gram form %r: %s", choice.solver, "; ".join(choice.reasons))
    return choice


def engine_datafit(datafit):
    """The datafit object behind the ``datafit`` option of the paths: least squares
    (``Quadratic``) for "quadratic", else ``get_datafit``'s; a ValueError when no solver takes
    it (neither smooth nor the check loss, which states its ``quantile`` level).

    Parameters
    ----------
    datafit : str or Datafit
        "quadratic", a GLM datafit's name or a datafit object.

    Returns
    -------
    object
        The datafit object (a ``Quadratic`` for "quadratic").

    Examples
    --------
    >>> engine_datafit("quadratic").quadratic, engine_datafit("logistic").smooth
    (True, True)
    """
    if isinstance(datafit, str) and datafit == "quadratic":
        return Quadratic()
    fit = get_datafit(datafit)
    if not (getattr(fit, "smooth", False) or hasattr(fit, "quantile")):
        raise ValueError(
            f"The {getattr(fit, 'name', fit)} datafit is not smooth: proximal Newton "
            "needs a gradient that is Lipschitz in eta, and the interior point "
            "solves only the check loss (a datafit with a quantile level)."
        )
    return fit


def capabilities(
    datafit,
    n_samples: int,
    n_features: int,
    *,
    kind: int = ELASTIC_NET,
    blocks: bool = False,
    n_classes: int = 1,
) -> Capabilities:
    """What a problem offers, read off its datafit object and its penalty.

    Parameters
    ----------
    datafit : object
        The datafit (``engine_datafit``): its ``quadratic`` attribute (False when absent) says
        least squares, which is smooth; else its ``smooth`` attribute.
    n_samples, n_features : int
        The design's shape.
    kind : int, default=ELASTIC_NET
        The separable penalty's kind (``penalties._separable``): convex when in
        ``CONVEX_KINDS``.
    blocks : bool, default=False
        A block penalty (group, sparse-group; convex) instead of a separable one.
    n_classes : int, default=1
        Columns of the coefficients coupled by the datafit (the multinomial's K).

    Returns
    -------
    Capabilities
        The problem's capabilities.

    Examples
    --------
    >>> caps = capabilities(engine_datafit("quadratic"), 100, 10, blocks=True)
    >>> caps.quadratic, caps.separable, choose_engine(caps).solver
    (True, False, 'group_cd')
    """
    quadratic = bool(getattr(datafit, "quadratic", False))
    return Capabilities(
        quadratic=quadratic,
        smooth=quadratic or bool(getattr(datafit, "smooth", False)),
        separable=not blocks,
        convex=blocks or kind in CONVEX_KINDS,
        n_samples=n_samples,
        n_features=n_features,
        n_classes=n_classes,
    )
