"""Penalty strengths between libraries: shrinkage / scikit-learn, glmnet, Spark, statsmodels, C.

Every library below minimises the same kind of objective, but writes its penalty strength on
its own scale.  ``convert`` maps a strength (and its L1/L2 mixing) from one convention to
another through shrinkage's, the objective of ``ElasticNet`` and the GLM estimators,

    mean loss + alpha (l1_ratio |w|_1 + (1 - l1_ratio)/2 |w|_2^2)

(the mean loss is 1/(2n) RSS for least squares, the mean negative log-likelihood otherwise).
The conventions and their documented objectives, n observations (the sum of the weights):

``"shrinkage"``, ``"sklearn"``: the objective above; scikit-learn's ElasticNet / Lasso (alpha,
    l1_ratio), SGD and PoissonRegressor use it as is.
``"statsmodels"``: ``fit_regularized(method="elastic_net", alpha, L1_wt)`` of OLS and GLM
    minimises 0.5 RSS/n + alpha ((1 - L1_wt) |b|^2 / 2 + L1_wt |b|_1) (-loglike/n for a GLM):
    the same numbers.  statsmodels fits no intercept of its own and penalizes every column of
    ``exog``, a constant included, unless alpha is a vector with 0 for it.
``"glmnet"``: glmnet (lambda, alpha as the mixing).  Its documented objective is ours, but for
    ``family="gaussian"`` it standardizes y by its 1/n standard deviation s_y before fitting
    (the Fortran ``standard1``: ys = sqrt(sum w (y - ym)^2) with weights summing to 1; root mean
    square when ``intercept=FALSE``), solves at lambda / s_y and reports lambda * s_y and
    coefficients * s_y.  With b' = b / s_y the internal problem
    1/(2n)|y/s_y - X b'|^2 + (lambda/s_y)(alpha |b'|_1 + (1 - alpha)/2 |b'|^2), times s_y^2, is
    1/(2n) RSS(b) + lambda alpha |b|_1 + lambda (1 - alpha) / (2 s_y) |b|^2
    on the original scale: only the L2 part is divided by s_y.  Matching both parts with ours,
    alpha_ours l1_ratio = lambda alpha and alpha_ours (1 - l1_ratio) = lambda (1 - alpha) / s_y.
    The lasso (alpha = 1) needs no s_y; other families no scaling at all.
``"spark"``: Spark MLlib (regParam, elasticNetParam).  ``LinearRegression`` trains on y / yStd
    with effectiveRegParam = regParam / yStd (LinearRegression.scala), which is glmnet's scaling
    above.  yStd is the population (1/n) standard deviation with the normal-equation solver
    (``WeightedLeastSquares``: solver "normal", or "auto" with at most 4096 features) and the
    sample (n - 1) one with solver "l-bfgs".  ``LogisticRegression`` scales nothing.
``"sklearn_C"``: scikit-learn's ``C`` (LogisticRegression, LinearSVC): C sum(loss) + penalty,
    the same minimiser at alpha = 1 / (C n); its l1_ratio mixes as ours.
``"ridge"``: scikit-learn's and shrinkage's ``Ridge``: RSS + alpha_ridge |w|^2 (sum-scaled, no
    1/2), so alpha_ridge = n alpha with l1_ratio = 0.

Standardizing the columns (glmnet's ``standardize=TRUE``, Spark's ``standardization=true``)
is a separate choice of what is penalized, shrinkage's ``standardize=True``: it leaves these
conversions unchanged (Spark's "l-bfgs" solver scales columns by their sample standard deviation,
which multiplies both penalty parts by sqrt(n / (n - 1)) there).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._validation import real_number

CONVENTIONS = ("shrinkage", "sklearn", "glmnet", "spark", "statsmodels", "sklearn_C", "ridge")
FAMILIES = ("gaussian", "binomial", "multinomial", "poisson")

_MIXING_NAME = {
    "shrinkage": "l1_ratio",
    "sklearn": "l1_ratio",
    "glmnet": "glmnet's alpha",
    "spark": "elasticNetParam",
    "statsmodels": "L1_wt",
    "sklearn_C": "l1_ratio",
    "ridge": "l1_ratio",
}
_SCALES_Y = ("glmnet", "spark")  # divide the L2 part by sd(y) for the gaussian family
_NEEDS_N = ("sklearn_C", "ridge")


class Penalty(NamedTuple):
    """A penalty strength and its L1/L2 mixing, both in the target convention's meaning.

    Attributes
    ----------
    value : float or ndarray
        The strength.
    l1_ratio : float
        The mixing.

    Examples
    --------
    >>> alpha, l1_ratio = convert(2.0, from_="glmnet", to="shrinkage", y_sd=4.0, l1_ratio=0.5)
    >>> alpha, l1_ratio
    (1.25, 0.8)
    """

    value: float | np.ndarray
    l1_ratio: float


def convert(
    value: ArrayLike,
    *,
    from_: str,
    to: str,
    n: float | None = None,
    y_sd: float | None = None,
    l1_ratio: float | None = None,
    family: str = "gaussian",
) -> Penalty:
    """The penalty strength ``value`` of convention ``from_`` written in convention ``to``.

    alpha l1_ratio = lambda a and alpha (1 - l1_ratio) = lambda (1 - a) / s_y (glmnet / Spark
    gaussian); alpha = 1 / (C n) (``"sklearn_C"``); alpha = alpha_ridge / n (``"ridge"``); the
    module docstring derives each one from the libraries' objectives.

    Parameters
    ----------
    value : float or array-like
        The strength (glmnet's lambda, Spark's regParam, C, ...).
    from_ : str
        The convention of ``value``, among ``CONVENTIONS``.
    to : str
        The convention wanted, among ``CONVENTIONS``.
    n : float, default=None
        The number of observations (the sum of the sample weights); needed by "sklearn_C" and
        "ridge".
    y_sd : float, default=None
        The standard deviation of y that glmnet / Spark use (see ``response_sd``); needed by
        "glmnet" and "spark" for the gaussian family unless the penalty is a pure lasso.
    l1_ratio : float, default=None
        The mixing in ``from_``'s meaning (glmnet's alpha, Spark's elasticNetParam,
        statsmodels' L1_wt, scikit-learn's l1_ratio); "ridge" implies 0.
    family : {"gaussian", "binomial", "multinomial", "poisson"}, default="gaussian"
        The model (``"gaussian"``: least squares).

    Returns
    -------
    Penalty
        (value, l1_ratio) in ``to``'s meaning.

    Examples
    --------
    >>> convert(2.0, from_="glmnet", to="shrinkage", y_sd=4.0, l1_ratio=0.5)
    Penalty(value=1.25, l1_ratio=0.8)
    >>> convert(1.0, from_="sklearn_C", to="shrinkage", n=200, l1_ratio=0.0).value
    0.005
    """
    source, target = _check_name(from_, "from_"), _check_name(to, "to")
    family = _check_family(family, source, target)
    mixing = _check_mixing(l1_ratio, source)
    strength = _check_value(value, source)
    alpha, ratio = _to_shrinkage(strength, mixing, source, family, n, y_sd)
    out, out_ratio = _from_shrinkage(alpha, ratio, target, family, n, y_sd)
    return Penalty(out if np.ndim(out) else float(out), float(out_ratio))


def response_sd(
    y: ArrayLike, *, center: bool = True, ddof: int = 0, sample_weight: ArrayLike | None = None
) -> float:
    """The standard deviation of y as a library computes it before scaling by it.

    sqrt(sum_i s_i (y_i - m)^2 / (sum s - ddof)) with m the weighted mean (0 if not ``center``).
    glmnet: ``center=fit_intercept``, ``ddof=0``; Spark: ``center=True``, ``ddof=0`` with the
    normal-equation solver, ``ddof=1`` with "l-bfgs" (unit weights).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        The response.
    center : bool, default=True
        Subtract the weighted mean first.
    ddof : int, default=0
        The degrees of freedom subtracted from the sum of the weights.
    sample_weight : array-like of shape (n_samples,), default=None
        The weights s_i; None is all ones.

    Returns
    -------
    float
        The standard deviation.

    Examples
    --------
    >>> response_sd([1.0, 2.0, 3.0, 4.0])
    1.118033988749895
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1 or y.size < 2 or not np.all(np.isfinite(y)):
        raise ValueError(f"y must be a 1-D array of at least 2 finite values; got shape {y.shape}.")
    s = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if s.shape != y.shape or np.any(s < 0) or not s.sum() > ddof:
        raise ValueError(
            f"sample_weight must be non-negative, one per value of y, with a sum above ddof={ddof}."
        )
    mean = float(s @ y / s.sum()) if center else 0.0
    return float(np.sqrt(s @ (y - mean) ** 2 / (s.sum() - ddof)))


def _check_name(name: object, argument: str) -> str:
    if not isinstance(name, str) or name not in CONVENTIONS:
        raise ValueError(
            f"{argument} must be one of {', '.join(map(repr, CONVENTIONS))}; got {name!r}."
        )
    return name


def _check_family(family: object, source: str, target: str) -> str:
    if not isinstance(family, str) or family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(map(repr, FAMILIES))}; got {family!r}.")
    if "ridge" in (source, target) and family != "gaussian":
        raise ValueError(
            f"the 'ridge' convention is least squares (family='gaussian'); got family={family!r}."
        )
    if "spark" in (source, target) and family == "poisson":
        raise ValueError(
            "Spark MLlib's elastic-net models are LinearRegression (gaussian) and "
            "LogisticRegression (binomial, multinomial); got family='poisson'."
        )
    return family


def _check_mixing(l1_ratio: object, source: str) -> float:
    name = _MIXING_NAME[source]
    if source == "ridge":
        if l1_ratio not in (None, 0, 0.0):
            raise ValueError(
                f"the 'ridge' convention has no L1 part: l1_ratio must be None or 0; "
                f"got {l1_ratio!r}."
            )
        return 0.0
    if l1_ratio is None:
        raise ValueError(
            f"l1_ratio is needed: the L1/L2 mixing of from_={source!r} ({name}, "
            "1 for the lasso, 0 for ridge)."
        )
    mixing = real_number(l1_ratio)
    if mixing is None or not 0.0 <= mixing <= 1.0:
        raise ValueError(
            f"l1_ratio ({name} of from_={source!r}) must be a number in [0, 1]; got {l1_ratio!r}."
        )
    return mixing


def _check_value(value: object, source: str) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64) if _is_numeric(value) else None
    if arr is None or arr.ndim > 1:
        raise ValueError(f"value must be a number or a 1-D array of numbers; got {value!r}.")
    if source == "sklearn_C":
        if np.any(np.isnan(arr)) or np.any(arr <= 0):
            raise ValueError(f"value (C) must be positive (np.inf for no penalty); got {value!r}.")
    elif not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"value must be finite and >= 0; got {value!r}.")
    return arr


def _is_numeric(value: object) -> bool:
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        return False
    return arr.dtype.kind in "iuf" and not isinstance(value, bool)


def _needed(number: object, name: str, convention: str, why: str) -> float:
    if number is None:
        raise ValueError(f"{name} is needed by the {convention!r} convention ({why}).")
    x = real_number(number)
    if x is None or not (np.isfinite(x) and x > 0):
        raise ValueError(f"{name} must be a positive finite number; got {number!r}.")
    return x


def _y_scaled(convention: str, family: str, mixing: float) -> bool:
    return convention in _SCALES_Y and family == "gaussian" and mixing < 1.0


def _to_shrinkage(
    value: np.ndarray, mixing: float, source: str, family: str, n: float | None, y_sd: float | None
) -> tuple[np.ndarray, float]:
    """(alpha, l1_ratio) of shrinkage's objective equal to ``source``'s (value, mixing)."""
    if source in _NEEDS_N:
        size = _needed(n, "n", source, "the number of observations, or the sum of the weights")
        if source == "ridge":
            return value / size, 0.0
        with np.errstate(divide="ignore"):
            return 1.0 / (value * size), mixing  # C = inf gives alpha = 0
    if _y_scaled(source, family, mixing):
        sd = _needed(y_sd, "y_sd", source, "its L2 part is divided by the sd of y")
        per_unit = mixing + (1.0 - mixing) / sd
        return value * per_unit, mixing / per_unit
    return value, mixing


def _from_shrinkage(
    alpha: np.ndarray, ratio: float, target: str, family: str, n: float | None, y_sd: float | None
) -> tuple[np.ndarray, float]:
    """``target``'s (value, mixing) equal to shrinkage's (alpha, l1_ratio)."""
    if target in _NEEDS_N:
        size = _needed(n, "n", target, "the number of observations, or the sum of the weights")
        if target == "ridge":
            if ratio != 0.0:
                raise ValueError(
                    f"the 'ridge' convention has no L1 part: the penalty to convert "
                    f"must have l1_ratio 0; it has {ratio!r}."
                )
            return alpha * size, 0.0
        with np.errstate(divide="ignore"):
            return 1.0 / (alpha * size), ratio  # alpha = 0 gives C = inf
    if target in _SCALES_Y and family == "gaussian" and ratio < 1.0:
        sd = _needed(y_sd, "y_sd", target, "its L2 part is divided by the sd of y")
        per_unit = ratio + (1.0 - ratio) * sd
        return alpha * per_unit, ratio / per_unit
    return alpha, ratio
