"""Input checks shared by every entry point: one place for every error message."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

FLOAT_DTYPES = (np.float64, np.float32)

#: The largest float of a dtype times this is the most any sum of squares of the data may reach:
#: the solvers need room above the data's own sums (ridge grids start 1e3 above alpha_max, gaps
#: and criteria add or scale such sums).
MAGNITUDE_ROOM = 1e-6


def magnitude_limit(dtype) -> float:
    """The largest sum of squares accepted for data of ``dtype``: ``MAGNITUDE_ROOM`` times its
    largest float (about 1.8e302 for float64, 3.4e32 for float32)."""
    return float(np.finfo(dtype).max) * MAGNITUDE_ROOM


def real_number(value: object) -> float | None:
    """``value`` as a float when it is a real number (``numbers.Real``, bools excepted), else
    None; an integer too large for a float is infinite (so "finite" checks refuse it).

    Examples
    --------
    >>> real_number(np.float32(0.5)), real_number(True), real_number("1"), real_number(10**400)
    (0.5, None, None, inf)
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        return float(value)
    except OverflowError:  # a Python int beyond the float range
        return -math.inf if value < 0 else math.inf


def integer(value: object) -> int | None:
    """``value`` as an int when it is an integer (``numbers.Integral``, bools excepted), else
    None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return None
    return int(value)


def as_float_array(value, name: str) -> np.ndarray:
    """``value`` as a float64 array; a TypeError naming ``name`` for complex numbers (never cast
    to their real part) and for text or other values that are not numbers.

    Examples
    --------
    >>> as_float_array([1, 2.5], "alphas")
    array([1. , 2.5])
    >>> as_float_array(["a"], "alphas")
    Traceback (most recent call last):
    ...
    TypeError: alphas must be a real number or an array of real numbers; got ['a'].
    """
    if _is_complex(value):
        raise TypeError(f"{name} must hold real numbers, not complex ones; got {_preview(value)}.")
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a real number or an array of real numbers; got {_preview(value)}."
        ) from None


def _is_complex(value) -> bool:
    """Whether ``value`` (an array, a sparse matrix, a DataFrame or a nested list) holds complex
    numbers; values numpy cannot read as one array are left to the conversion's own error."""
    dtypes = getattr(value, "dtypes", None)  # a DataFrame: one dtype per column
    if dtypes is not None and np.ndim(dtypes) == 1:
        return any(np.dtype(d).kind == "c" for d in dtypes if isinstance(d, np.dtype))
    if sp.issparse(value):
        return value.dtype.kind == "c"
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        return False
    if arr.dtype.kind == "O":
        return any(isinstance(x, complex | np.complexfloating) for x in arr.ravel())
    return arr.dtype.kind == "c"


def _preview(value) -> str:
    """A short repr of a value for an error message."""
    text = np.array2string(value, threshold=6) if isinstance(value, np.ndarray) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_magnitude(A, *, name: str = "X", feature_names=None, dtype=None) -> None:
    """Refuse data whose squares the solvers cannot sum: n max_i |a_ij|^2 <= magnitude_limit.

    n max_i |a_ij|^2 bounds the column's sum of squares (the diagonal of X'X, or y'y) and every
    weighted version with weights normalised to mean one, so no later sum overflows.  Checked
    per column of a 2-D ``A`` (dense or sparse) against the limit of ``dtype`` (default: A's;
    float32 is lower); the error names the column (its feature name when known) and a factor
    to divide it by.  A sparse ``A`` without duplicate entries is read through its stored
    values, not copied (``abs(A)`` copied 1e6 of them for about 2 ms a fit).

    Examples
    --------
    >>> check_magnitude(np.array([[1e100], [2.0]]))  # squares up to 1e200: fine
    >>> check_magnitude(np.array([[1e300], [2.0]]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: column 0 of X holds values up to 1e+300: ...
    """
    n = A.shape[0]
    if n == 0 or (sp.issparse(A) and A.nnz == 0) or A.size == 0:
        return
    dtype = np.dtype(A.dtype if dtype is None else dtype)
    if sp.issparse(A) and getattr(A, "has_canonical_format", False):
        peak = max(float(np.max(A.data)), -float(np.min(A.data)))
    elif sp.issparse(A):
        peak = abs(A).max()
    else:
        peak = max(float(np.max(A)), -float(np.min(A)))
    if peak <= np.sqrt(magnitude_limit(dtype) / n):
        return
    if A.ndim == 1:
        col_max = np.array([peak])
    else:
        col_max = abs(A).max(axis=0)
        col_max = col_max.toarray().ravel() if sp.issparse(col_max) else np.asarray(col_max)
    check_column_maxima(
        col_max, n, name=name, feature_names=feature_names, dtype=dtype, vector=A.ndim == 1
    )


def check_column_maxima(
    col_max, n: int, *, name: str = "X", feature_names=None, dtype=np.float64, vector: bool = False
) -> None:
    """``check_magnitude`` from each column's largest |value| and the number of rows (data that
    is never in memory at once: the Dask entry points reduce them over the partitions);
    ``vector``: ``name`` is one column (y, an offset), named alone.

    Examples
    --------
    >>> check_column_maxima(np.array([1.0, 1e300]), 10, feature_names=["a", "b"])
    Traceback (most recent call last):
    ...
    ValueError: column 'b' of X holds values up to 1e+300: ...
    """
    col_max = np.asarray(col_max, dtype=np.float64)
    dtype = np.dtype(dtype)
    limit = magnitude_limit(dtype)
    largest = np.sqrt(limit / max(n, 1))  # n * largest^2 = limit, computed without overflow
    over = np.flatnonzero(col_max > largest)
    if not over.size:
        return
    j = int(over[0])
    peak = float(col_max[j])
    if vector:
        where = f"{name}"
    else:
        label = f"{feature_names[j]!r}" if feature_names is not None else f"{j}"
        where = f"column {label} of {name}"
    factor = 10.0 ** np.ceil(np.log10(peak / largest))
    hint = " or pass float64 data" if dtype == np.float32 else ""
    raise ValueError(
        f"{where} holds values up to {peak:.3g}: with {n} rows its sums of squares "
        f"(n * max^2) would exceed {limit:.3g}, the {dtype} limit of this library's "
        f"solvers; rescale it (e.g. divide it by {factor:.0e}){hint}."
    )


def check_design(X, *, name: str = "X", feature_names=None, estimator=None):
    """2-D float array (float32 kept) or CSC sparse matrix, finite, with at least one row, whose
    columns pass ``check_magnitude`` (named by ``feature_names``, or a DataFrame's columns).

    A contiguous float64 array is scanned once (``_bounded``): a finite sum of squares within
    the magnitude limit proves it finite and its columns small enough; anything else gets the
    element-wise checks and their messages (scikit-learn's for NaN and infinity, naming
    ``estimator`` where given, as ``validate_data`` does).
    """
    if feature_names is None and hasattr(X, "columns"):
        feature_names = [str(c) for c in X.columns]
    _refuse_complex(X, name)
    if sp.issparse(X):
        X = check_array(X, accept_sparse="csc", dtype=FLOAT_DTYPES, input_name=name)
        X = sp.csc_matrix(X)
        _check_structure(X, name)
        X.sort_indices()
    else:
        X = check_array(X, dtype=FLOAT_DTYPES, input_name=name, ensure_all_finite=False)
        if _bounded(X):
            return X
        check_array(X, dtype=FLOAT_DTYPES, input_name=name, estimator=estimator)
    if feature_names is not None and len(feature_names) != X.shape[1]:
        feature_names = None
    check_magnitude(X, name=name, feature_names=feature_names)
    return X


def defer_scan(X, *, name: str = "X", feature_names=None, estimator=None):
    """``check_design``, its one scan left to the first pass a solver makes over X where X is a
    contiguous float64 array (the scan's case): (X, ``PendingScan``), else (checked X, None).

    Examples
    --------
    >>> X = np.ones((3, 2))
    >>> checked, scan = defer_scan(X)
    >>> checked is X, scan.settled_by(np.ones(2), np.zeros(2), np.full(3, 1 / 3))
    (True, True)
    >>> defer_scan([[1.0, 2.0]])[1] is None  # not an array: checked now
    True
    """
    if (
        type(X) is np.ndarray
        and X.dtype == np.float64
        and X.ndim == 2
        and X.size > 0
        and (X.flags.c_contiguous or X.flags.f_contiguous)
    ):
        return X, PendingScan(X, name, feature_names, estimator)
    return check_design(X, name=name, feature_names=feature_names, estimator=estimator), None


@dataclass(frozen=True)
class PendingScan:
    """``check_design``'s scan of a contiguous float64 X (finite, columns within the magnitude
    limit), left to the first pass a solver makes over X (``defer_scan``): the column moments of
    that pass settle it (``settled_by``); where they cannot, ``run`` is the scan itself, with its
    messages.  ``shrinkage._problem.Problem.formed`` says when each runs.

    Attributes
    ----------
    X : numpy.ndarray
        The design.
    name : str
        Its name in the messages.
    feature_names : sequence of str or None
        The columns' names in the messages.
    estimator : object or None
        The estimator a NaN or infinity message names (as ``validate_data``'s).
    """

    X: np.ndarray
    name: str = "X"
    feature_names: Any = None
    estimator: Any = None

    def run(self) -> None:
        """The checks of ``check_design``: a ValueError naming X where it is not fine."""
        check_design(
            self.X, name=self.name, feature_names=self.feature_names, estimator=self.estimator
        )

    def settled_by(self, x_offset: np.ndarray, centred_sq: np.ndarray, sw: np.ndarray) -> bool:
        """Whether X's column moments prove what the scan would.

        ``x_offset``: the weighted column means (or zeros), ``centred_sq``: the weighted sums of
        squares about them, ``sw``: the weights (summing to one), all from arithmetic that
        carries a NaN or an infinity of X into them.  With every weight positive, a finite
        M_j = centred_sq_j + x_offset_j^2 = sum_i sw_i x_ij^2 proves column j finite, and
        n max_i x_ij^2 <= n M_j / min(sw) <= limit / 2 passes ``check_magnitude`` (half, as
        ``_bounded``: room for rounding).
        """
        low = float(np.min(sw))
        if not low > 0.0:  # a row weighing nothing leaves no trace in the moments
            return False
        with np.errstate(over="ignore", invalid="ignore"):
            second = centred_sq + x_offset**2
            bound = sw.shape[0] * float(np.max(second)) / low
        finite = bool(np.all(np.isfinite(second))) and math.isfinite(bound)
        return finite and bound <= 0.5 * magnitude_limit(np.float64)

    def settle(self, x_offset: np.ndarray, centred_sq: np.ndarray, sw: np.ndarray) -> None:
        """Nothing where the moments prove X fine (``settled_by``), else ``run``."""
        if not self.settled_by(x_offset, centred_sq, sw):
            self.run()


def _check_structure(X: sp.csc_matrix, name: str) -> None:
    """Refuse a CSC matrix whose index arrays do not describe it (a row index outside [0, n),
    column pointers that decrease or do not span the values): the kernels read X through them
    unchecked, so such a matrix would read outside its arrays.

    Examples
    --------
    >>> X = sp.csc_matrix(np.eye(2))
    >>> X.indices[0] = 5
    >>> _check_structure(X, "X")
    Traceback (most recent call last):
    ValueError: X is a malformed sparse matrix: indices must be < 2
    """
    try:
        X.check_format(full_check=True)
    except ValueError as error:
        raise ValueError(f"{name} is a malformed sparse matrix: {error}") from None


def check_array(A, *, dtype, ensure_2d: bool = True, ensure_all_finite: bool = True, **options):
    """scikit-learn's ``check_array(A, dtype=dtype, ...)``, imported only for input it would
    change or refuse: a numpy array of the asked dtype, non-empty, 2-D (1-D too without
    ``ensure_2d``) and finite where asked, is returned as it is (what scikit-learn returns), so
    that ``shrinkage.path`` on float arrays does not import scikit-learn (about 1.5 s: it
    imports SciPy's statistics and pandas).

    Examples
    --------
    >>> a = np.ones((2, 3))
    >>> check_array(a, dtype=FLOAT_DTYPES) is a
    True
    >>> check_array([[1, 2]], dtype=FLOAT_DTYPES)
    array([[1., 2.]])
    """
    dtypes = dtype if isinstance(dtype, tuple) else (dtype,)
    if (
        type(A) is np.ndarray
        and A.dtype in dtypes
        and (A.ndim == 2 or (A.ndim == 1 and not ensure_2d))
        and A.size > 0
        and (not ensure_all_finite or bool(np.isfinite(A).all()))
    ):
        return A
    from sklearn.utils.validation import check_array as sklearn_check_array

    return sklearn_check_array(
        A, dtype=dtype, ensure_2d=ensure_2d, ensure_all_finite=ensure_all_finite, **options
    )


def _bounded(X: np.ndarray) -> bool:
    """Whether a dense X is float64, contiguous and its sum of squares S (one pass) finite with
    n S within half the magnitude limit: then every entry is finite and n max_i x_ij^2 <= n S
    passes ``check_magnitude`` (half: room for the rounding of S)."""
    if X.dtype != np.float64 or not (X.flags.c_contiguous or X.flags.f_contiguous):
        return False
    flat = X.ravel(order="K")
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(flat @ flat)
    return math.isfinite(total) and X.shape[0] * total <= 0.5 * magnitude_limit(np.float64)


def check_target(
    y, n_samples: int, *, multi_output: bool = False, name: str = "y", dtype=np.float64
) -> np.ndarray:
    """Finite float64 target whose length matches X and that passes ``check_magnitude`` at the
    limit of ``dtype``: X's, whose dtype the coefficients and intercept are returned in."""
    _refuse_complex(y, name)
    y = check_array(y, ensure_2d=False, dtype=np.float64, input_name=name, ensure_min_samples=1)
    check_magnitude(y, name=name, dtype=dtype)
    if y.ndim == 2 and y.shape[1] == 1 and not multi_output:
        y = y[:, 0]
    if y.ndim != 1 and not (multi_output and y.ndim == 2):
        raise ValueError(
            f"{name} must be one-dimensional (one target); got shape {y.shape}."
            + ("" if multi_output else " Ridge accepts several targets.")
        )
    if y.shape[0] != n_samples:
        raise ValueError(
            f"X has {n_samples} rows but {name} has {y.shape[0]} entries; "
            "they must have one row per sample."
        )
    return y


def _refuse_complex(A, name: str) -> None:
    if _is_complex(A):
        raise TypeError(
            f"{name} holds complex numbers; the models take real data (their real "
            "part is not taken silently)."
        )


def check_sample_weight(sample_weight, n_samples: int) -> np.ndarray:
    """Non-negative finite weights with a positive sum, as float64 of length n_samples."""
    if sample_weight is None:
        return np.ones(n_samples)
    if isinstance(sample_weight, numbers.Real):
        sample_weight = np.full(n_samples, float(sample_weight))
    sw = as_float_array(sample_weight, "sample_weight")
    if sw.ndim != 1 or sw.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight must have one entry per sample ({n_samples}); got shape {sw.shape}."
        )
    if not np.all(np.isfinite(sw)):
        raise ValueError("sample_weight contains NaN or infinity.")
    if np.any(sw < 0):
        raise ValueError(f"sample_weight must be non-negative; smallest is {sw.min()}.")
    total = sw.sum()
    if total <= 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs a positive weight.")
    if not np.isfinite(total):
        raise ValueError(
            f"sample_weight sums to more than the largest float (largest weight "
            f"{sw.max():.3g}); only relative weights matter: rescale them (e.g. "
            "divide them by their maximum)."
        )
    return sw


def check_alpha(alpha, name: str = "alpha") -> float:
    a = real_number(alpha)
    if a is None:
        raise TypeError(f"{name} must be a real number; got {alpha!r}.")
    if not np.isfinite(a) or a < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {alpha!r}.")
    return a


def check_grid(alphas, n_alphas, alpha_min_ratio) -> np.ndarray | None:
    """The checked ``alphas``, or None for the default grid, whose ``n_alphas`` (a positive
    integer) and ``alpha_min_ratio`` (None or in (0, 1)) are checked instead."""
    if alphas is not None:
        return check_alphas(alphas)
    check_positive_int(n_alphas, "n_alphas")
    if alpha_min_ratio is not None and not 0 < alpha_min_ratio < 1:
        raise ValueError(f"alpha_min_ratio must be in (0, 1); got {alpha_min_ratio!r}.")
    return None


def check_alphas(alphas) -> np.ndarray:
    a = as_float_array(alphas, "alphas")
    if a.ndim > 1:
        raise ValueError(f"alphas must be one-dimensional; got shape {a.shape}.")
    a = a.ravel()
    if a.size == 0:
        raise ValueError("alphas is empty; give at least one value or leave it None.")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        bad = a[~(np.isfinite(a) & (a >= 0))][:3]
        raise ValueError(f"alphas must be finite and >= 0; got {bad}.")
    return a


def check_l1_ratio(l1_ratio) -> float:
    r = real_number(l1_ratio)
    if r is None:
        raise TypeError(f"l1_ratio must be a real number in [0, 1]; got {l1_ratio!r}.")
    if not 0.0 <= r <= 1.0:
        raise ValueError(f"l1_ratio must be in [0, 1] (1 is the lasso, 0 ridge); got {l1_ratio!r}.")
    return r


def check_penalty_factor(penalty_factor, n_features: int) -> np.ndarray:
    """glmnet's penalty.factor: one non-negative finite weight per feature (0 = unpenalized)."""
    if penalty_factor is None:
        return np.ones(n_features)
    f = as_float_array(penalty_factor, "penalty_factor")
    if f.ndim == 0:
        f = np.full(n_features, float(f))
    if f.ndim != 1 or f.shape[0] != n_features:
        raise ValueError(
            f"penalty_factor must have one entry per feature ({n_features}); got shape {f.shape}."
        )
    if not np.all(np.isfinite(f)) or np.any(f < 0):
        raise ValueError("penalty_factor must be finite and >= 0 (0 leaves a feature unpenalized).")
    return f


def check_bounds(lower, upper, n_features: int, positive: bool = False):
    """Per-feature box [lower, upper]; positive=True means lower=0."""
    lo = _bound(lower, n_features, -np.inf, "lower")
    up = _bound(upper, n_features, np.inf, "upper")
    if positive:
        lo = np.maximum(lo, 0.0)
    if np.any(lo == np.inf) or np.any(up == -np.inf):
        raise ValueError("lower cannot be +inf and upper cannot be -inf: no coefficient fits.")
    bad = np.flatnonzero(lo > up)
    if bad.size:
        j = bad[0]
        raise ValueError(
            f"lower must not exceed upper; feature {j} has lower={lo[j]} > upper={up[j]}."
        )
    return lo, up


def _bound(value, n_features: int, default: float, name: str) -> np.ndarray:
    if value is None:
        return np.full(n_features, default)
    b = as_float_array(value, name)
    if b.ndim == 0:
        b = np.full(n_features, float(b))
    if b.ndim != 1 or b.shape[0] != n_features:
        raise ValueError(f"{name} must be a scalar or have one entry per feature ({n_features}).")
    if np.any(np.isnan(b)):
        raise ValueError(f"{name} contains NaN.")
    return b


#: The largest integer accepted for counts and iteration limits: the kernels count in int64
#: and report ``n_iter_`` as int32 (scikit-learn's convention), so every count fits an int32.
MAX_INT = 2**31 - 1


def check_positive_int(value, name: str) -> int:
    """An integer in [1, MAX_INT] (2**31 - 1)."""
    n = integer(value)
    if n is None or n < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    if n > MAX_INT:
        raise ValueError(f"{name} must be at most 2**31 - 1 = {MAX_INT}; got {value!r}.")
    return n


def check_tol(tol) -> float:
    """A finite number > 0 (NaN, infinity, 0 and negative values are refused)."""
    t = real_number(tol)
    if t is None or not (np.isfinite(t) and t > 0):
        raise ValueError(f"tol must be a positive number (not NaN or infinity); got {tol!r}.")
    return t


def check_feature_names(feature_names, n_features: int) -> np.ndarray | None:
    if feature_names is None:
        return None
    names = np.asarray([str(n) for n in feature_names], dtype=object)
    if names.ndim != 1 or names.shape[0] != n_features:
        raise ValueError(
            f"feature_names must have one name per column of X ({n_features}); got {names.size}."
        )
    return names


# --- model selection: relaxed / adaptive lasso, stability selection -------------------------


def check_fraction(
    value,
    name: str,
    *,
    low_open: bool = True,
    high_open: bool = True,
    low: float = 0.0,
    high: float = 1.0,
    hint: str = "",
) -> float:
    """A real number in the interval (low, high), closed at either end on request."""
    x = real_number(value)
    if x is None or not np.isfinite(x):
        raise ValueError(f"{name} must be a real number; got {value!r}.")
    ok_low = x > low if low_open else x >= low
    ok_high = x < high if high_open else x <= high
    if not (ok_low and ok_high):
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be in {interval}{hint}; got {value!r}.")
    return x


def check_gammas(gammas, name: str = "gammas") -> np.ndarray:
    """Relaxed-lasso mixing weights: a non-empty 1-D array of values in [0, 1]."""
    g = as_float_array(gammas, name)
    if g.ndim > 1 or g.size == 0:
        raise ValueError(
            f"{name} must be a number or a non-empty 1-D list of numbers in [0, 1] "
            f"(1 is the lasso, 0 the unpenalized refit); got shape {g.shape}."
        )
    g = g.ravel()
    bad = g[~((g >= 0) & (g <= 1))]
    if bad.size:
        raise ValueError(
            f"{name} must be in [0, 1] (1 is the lasso, 0 the unpenalized refit); got {bad[:3]}."
        )
    return g


def check_nonnegative(value, name: str) -> float:
    """A finite real number >= 0."""
    x = real_number(value)
    if x is None:
        raise ValueError(f"{name} must be a real number >= 0; got {value!r}.")
    if not np.isfinite(x) or x < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
    return x


def check_nonnegatives(values, name: str) -> np.ndarray:
    """One finite number >= 0 or a non-empty 1-D list of them (a grid to choose from)."""
    items = [values] if np.ndim(values) == 0 else list(np.asarray(values, dtype=object).ravel())
    if not items:
        raise ValueError(f"{name} is an empty list; give at least one number >= 0.")
    return np.array([check_nonnegative(x, name) for x in items])


def check_min_samples(n_samples: int, minimum: int, what: str) -> None:
    if n_samples < minimum:
        raise ValueError(f"{what} needs at least {minimum} samples; got n_samples={n_samples}.")


def check_choice(value, name: str, choices: tuple) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {choices}; got {value!r}.")
    return value


def check_progress(progress) -> bool | None:
    if progress is not None and not isinstance(progress, bool):
        raise ValueError(f"progress must be True, False or None (automatic); got {progress!r}.")
    return progress


def check_path_coefs(coefs, intercepts, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """The coefficients (n_alphas, p) and intercepts (n_alphas,) of a Path fitted on this X."""
    c = np.asarray(coefs, dtype=np.float64)
    b = np.asarray(intercepts, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != n_features:
        raise ValueError(
            f"path must hold coefficients of shape (n_alphas, {n_features}) for this "
            f"X; got {c.shape}. Pass the Path fitted on the same X."
        )
    if b.shape != (c.shape[0],):
        raise ValueError(
            f"path.intercepts must have one entry per alpha ({c.shape[0]}); got shape {b.shape}."
        )
    if not (np.all(np.isfinite(c)) and np.all(np.isfinite(b))):
        raise ValueError("path contains NaN or infinite coefficients.")
    return c, b


# --- model selection: cross-validation and information criteria ----------------------------

SCORINGS = ("mse", "mae", "r2")
ALPHA_RULES = ("min", "1se")
CRITERIA = ("aic", "bic", "ebic")


def check_positive_alphas(alphas, name: str = "alphas") -> np.ndarray:
    """Cross-validation grids: a non-empty 1-D array of finite values > 0."""
    a = as_float_array(alphas, name)
    if a.ndim > 1 or a.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D list of positive numbers (or None for "
            f"the default grid); got shape {a.shape}."
        )
    a = a.ravel()
    bad = a[~(np.isfinite(a) & (a > 0))]
    if bad.size:
        raise ValueError(f"{name} must be finite and > 0; got {bad[:3]}.")
    return a


def check_cv(cv, n_samples: int, n_groups: int | None = None):
    """cv as a number of folds: an integer in [2, n_samples] (or [2, number of groups])."""
    folds = integer(cv)
    if folds is None:
        return cv
    if folds < 2:
        raise ValueError(f"cv must be at least 2 folds; got cv={cv!r}.")
    if folds > n_samples:
        raise ValueError(
            f"cv={cv} folds is larger than the number of samples: X has "
            f"{n_samples} sample{'s' if n_samples != 1 else ''}."
        )
    if n_groups is not None and folds > n_groups:
        raise ValueError(
            f"cv={cv} folds is larger than the number of distinct groups "
            f"({n_groups}); every fold needs at least one group."
        )
    return folds


def check_splits(splits: list, n_samples: int) -> list:
    """(train, test) index pairs from a splitter: non-empty, within range."""
    if not splits:
        raise ValueError(
            "cv produced no splits; give an integer number of folds, a "
            "scikit-learn splitter, or an iterable of (train, test) index arrays."
        )
    out = []
    for k, (train, test) in enumerate(splits):
        train = np.asarray(train)
        test = np.asarray(test)
        if train.dtype == bool:
            train = np.flatnonzero(train)
        if test.dtype == bool:
            test = np.flatnonzero(test)
        if train.size == 0 or test.size == 0:
            side = "training" if train.size == 0 else "test"
            raise ValueError(
                f"cv split {k} has an empty {side} set; every split needs samples on both sides."
            )
        for idx in (train, test):
            if (
                idx.ndim != 1
                or not np.issubdtype(idx.dtype, np.integer)
                or (idx.min() < 0 or idx.max() >= n_samples)
            ):
                raise ValueError(f"cv split {k} holds indices outside [0, {n_samples}).")
        out.append((train.astype(np.intp), test.astype(np.intp)))
    return out


def check_random_state(random_state):
    """A seed for ``numpy.random.default_rng``: None, a non-negative integer, or a numpy
    Generator, RandomState, BitGenerator or SeedSequence (returned as given).

    Checked by every estimator and function that takes one, even where the folds it would seed
    are not shuffled, so that a wrong value never passes unnoticed.
    """
    seeders = (
        np.random.Generator,
        np.random.RandomState,
        np.random.BitGenerator,
        np.random.SeedSequence,
    )
    if random_state is None or isinstance(random_state, seeders):
        return random_state
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral):
        raise TypeError(
            f"random_state must be None, a non-negative integer or a numpy "
            f"Generator; got {random_state!r}."
        )
    if random_state < 0:
        raise ValueError(f"random_state must be a non-negative integer; got {random_state!r}.")
    return random_state


def check_groups(groups, n_samples: int) -> np.ndarray | None:
    if groups is None:
        return None
    g = np.asarray(groups)
    if g.ndim != 1 or g.shape[0] != n_samples:
        raise ValueError(
            f"groups must have one label per sample ({n_samples}); got shape {g.shape}."
        )
    return g


def check_noise_variance(noise_variance) -> float | None:
    if noise_variance is None:
        return None
    v = real_number(noise_variance)
    if v is None or not (np.isfinite(v) and v > 0):
        raise ValueError(
            f"noise_variance must be a positive number or None (estimated from the "
            f"OLS fit); got {noise_variance!r}."
        )
    return v


def check_l1_ratios(l1_ratio) -> tuple[np.ndarray, bool]:
    """One l1_ratio or a list of them (a grid); returns (values, whether it was a list)."""
    if np.ndim(l1_ratio) == 0:
        return np.array([check_l1_ratio(l1_ratio)]), False
    values = np.asarray(l1_ratio, dtype=object).ravel()
    if values.size == 0:
        raise ValueError("l1_ratio is an empty list; give at least one value in [0, 1].")
    return np.array([check_l1_ratio(r) for r in values]), True


# --- tables and files: io and the command line ------------------------------------------------

IMPUTE = ("mean", "median")
#: a text column with more distinct values than this (and than half its rows) is an identifier
MAX_CATEGORIES = 50


def listed(names, limit: int = 8) -> str:
    """'a, b and c' (the first ``limit`` names, then how many more), each name quoted."""
    names = [repr(str(n)) for n in names]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def check_impute(impute) -> str | None:
    if impute is not None and impute not in IMPUTE:
        raise ValueError(f"impute must be None, 'mean' or 'median'; got {impute!r}.")
    return impute


def check_columns_present(wanted, available, what: str, source: str) -> None:
    """Every name of ``wanted`` is a column of the table, else a ValueError listing its columns."""
    available = [str(c) for c in available]
    missing = [str(c) for c in wanted if str(c) not in available]
    if missing:
        noun = what if len(missing) == 1 else what + "s"
        raise ValueError(
            f"{noun} {listed(missing)} not found in {source}; its columns are "
            f"{listed(available, limit=30)}."
        )


def check_table_rows(n_rows: int, source: str) -> None:
    """At least two rows: one row has no variation to learn from."""
    if n_rows == 0:
        raise ValueError(f"{source} has no data rows.")
    if n_rows == 1:
        raise ValueError(
            f"{source} has a single data row: fitting and comparing models needs "
            "at least 2 (and at least as many as the cross-validation folds)."
        )


def check_no_missing(counts: dict, source: str, *, target: bool = False) -> None:
    """No missing values; ``counts`` maps column -> number of missing cells (zeros ignored)."""
    bad = {str(c): int(k) for c, k in counts.items() if k}
    if not bad:
        return
    shown = [f"{c!r} ({k} missing)" for c, k in bad.items()]
    if len(shown) > 8:
        shown = [*shown[:8], f"and {len(shown) - 8} more"]
    if target:
        c, k = next(iter(bad.items()))
        raise ValueError(
            f"the target column {c!r} of {source} has {k} missing value"
            f"{'s' if k != 1 else ''}; a target is never imputed: remove those "
            "rows first."
        )
    raise ValueError(
        f"{source} has missing values in column{'s' if len(bad) > 1 else ''} "
        f"{', '.join(shown)}; fill them with --impute mean or --impute median "
        "(impute= in Python) or leave those columns out with --drop."
    )


def check_numeric_text(column: str, n_text: int, n_numbers: int, example, source: str) -> None:
    """A column of numbers with a few text cells is a data error, not a categorical column."""
    if n_text:
        raise ValueError(
            f"text in a numeric column: column {column!r} of {source} holds "
            f"{n_numbers} numbers and {n_text} text value{'s' if n_text > 1 else ''}"
            f" (e.g. {str(example)!r}); fix those cells, leave them empty for a "
            f"missing value, or leave the column out with --drop {column}."
        )


def check_categories(column: str, n_categories: int, n_rows: int, source: str) -> None:
    """A text column with (nearly) one value per row is an identifier, not a category."""
    if n_categories > MAX_CATEGORIES and n_categories > n_rows / 2:
        raise ValueError(
            f"column {column!r} of {source} is text with {n_categories} distinct "
            f"values in {n_rows} rows: it looks like an identifier, not a category "
            f"to one-hot encode; leave it out with --drop {column}."
        )


def check_target_values(y: np.ndarray, column: str, source: str) -> None:
    """A target with some variation: a constant has nothing to predict."""
    if y.size and np.ptp(y) == 0:
        raise ValueError(
            f"the target column {column!r} of {source} is constant (every value is "
            f"{y[0]:g}): there is nothing to predict or compare."
        )


def check_output_path(path, *, force: bool, what: str = "output"):
    """A path an output may be written to: its directory exists and is writable, and it does
    not exist yet (or ``force``).  Returns it as a ``pathlib.Path``.

    The directory is probed by creating (and removing) a temporary file in it, the only test
    that tells the truth for every user, root included.
    """
    import os
    import tempfile
    from pathlib import Path

    if not isinstance(path, str | os.PathLike) or not str(path):
        raise TypeError(f"the {what} path must be a file name; got {path!r}.")
    p = Path(path)
    if p.is_dir():
        raise IsADirectoryError(f"cannot write the {what} to {str(p)!r}: it is a directory.")
    if p.exists() and not force:
        raise FileExistsError(
            f"the {what} {str(p)!r} exists already; pass --force to overwrite "
            "it (force=True in Python) or choose another name."
        )
    parent = p.parent
    if not parent.exists():
        blocker = next((a for a in parent.parents if a.exists()), None)
        if blocker is not None and not blocker.is_dir():
            raise NotADirectoryError(
                f"cannot write the {what} to {str(p)!r}: {str(blocker)!r} "
                "is a file, not a directory."
            )
        raise FileNotFoundError(
            f"cannot write the {what} to {str(p)!r}: the directory {str(parent)!r} does not exist."
        )
    if not parent.is_dir():
        raise NotADirectoryError(
            f"cannot write the {what} to {str(p)!r}: {str(parent)!r} is a file, not a directory."
        )
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".probe", dir=parent)
    except OSError as e:
        raise PermissionError(
            f"cannot write the {what} to {str(p)!r}: the directory "
            f"{str(parent)!r} is not writable ({e.strerror})."
        ) from None
    os.close(fd)
    os.unlink(probe)
    return p
