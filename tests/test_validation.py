"""The checks at the door (shrinkage._validation): magnitudes, sample weights, counts and tol.

Every public entry point must refuse data whose sums of squares overflow (n max|x|^2 above
``magnitude_limit`` of the dtype) with one ValueError naming the column, and must fit data just
below that limit to a finite answer; dense and sparse, float64 and float32.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

import shrinkage as s
from shrinkage import _validation as v

N, P = 24, 4
GROUPS = [0, 0, 1, 2]

# every public estimator, with options that keep the fits small
ESTIMATORS = {
    "Lasso": lambda: s.Lasso(alpha=0.1),
    "ElasticNet": lambda: s.ElasticNet(alpha=0.1),
    "Ridge": lambda: s.Ridge(),
    "LassoCV": lambda: s.LassoCV(cv=3, n_alphas=10),
    "ElasticNetCV": lambda: s.ElasticNetCV(cv=3, n_alphas=10),
    "RidgeCV": lambda: s.RidgeCV(),
    "LassoIC": lambda: s.LassoIC(n_alphas=10),
    "ElasticNetIC": lambda: s.ElasticNetIC(n_alphas=10),
    "AdaptiveLasso": lambda: s.AdaptiveLasso(cv=3),
    "AdaptiveLassoCV": lambda: s.AdaptiveLassoCV(cv=3, n_alphas=10),
    "RelaxedLasso": lambda: s.RelaxedLasso(),
    "LogisticRegression": lambda: s.LogisticRegression(),
    "PoissonRegressor": lambda: s.PoissonRegressor(),
    "HuberRegressor": lambda: s.HuberRegressor(),
    "LinearSVC": lambda: s.LinearSVC(),
    "LogisticRegressionCV": lambda: s.LogisticRegressionCV(cv=3, n_alphas=10),
    "PoissonRegressorCV": lambda: s.PoissonRegressorCV(cv=3, n_alphas=10),
    "QuantileRegressor": lambda: s.QuantileRegressor(alpha=0.1),
    "GroupLasso": lambda: s.GroupLasso(groups=GROUPS),
    "GroupLassoClassifier": lambda: s.GroupLassoClassifier(groups=GROUPS),
}
CLASSIFIERS = {"LogisticRegression", "LinearSVC", "LogisticRegressionCV", "GroupLassoClassifier"}
COUNTS = {"PoissonRegressor", "PoissonRegressorCV"}

# the public functions that take X and y
FUNCTIONS = {
    "path": lambda X, y, **kw: s.path(X, y, n_alphas=10, **kw),
    "group_path": lambda X, y, **kw: s.group_path(X, y, groups=GROUPS, n_alphas=10, **kw),
    "quantile_path": lambda X, y, **kw: s.quantile_path(X, y, n_alphas=5, **kw),
    "cross_validate_path": lambda X, y, **kw: s.cross_validate_path(X, y, cv=3, n_alphas=10, **kw),
    "cross_validate_glm_path": lambda X, y, **kw: s.cross_validate_glm_path(
        X, (y > np.median(y)).astype(int), cv=3, n_alphas=10, **kw
    ),
    "information_criterion": lambda X, y, **kw: s.information_criterion(X, y, n_alphas=10, **kw),
    "stability_selection": lambda X, y, **kw: s.stability_selection(X, y, n_subsamples=4),
    "compare": lambda X, y, **kw: s.compare(
        X.toarray() if sp.issparse(X) else X, y, n_bootstrap=2, n_alphas=10, progress=False
    ),
    "collinearity": lambda X, y, **kw: s.collinearity(X.toarray() if sp.issparse(X) else X),
}
WEIGHTED = {
    "path",
    "group_path",
    "quantile_path",
    "cross_validate_path",
    "cross_validate_glm_path",
    "information_criterion",
}


def _data(seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, P))
    y = X @ np.array([1.0, -2.0, 0.0, 3.0]) + 0.5 * rng.standard_normal(N)
    return X, y


def _target(name: str, y: np.ndarray) -> np.ndarray:
    if name in CLASSIFIERS:
        return (y > np.median(y)).astype(int)
    if name in COUNTS:
        return np.round(np.abs(y)).astype(float)
    return y


def _scale_column(X: np.ndarray, j: int, ratio: float, dtype) -> np.ndarray:
    """X with column j rescaled so that n max|x_j|^2 = ratio * magnitude_limit(dtype)."""
    X = X.astype(np.float64)
    X[:, j] *= np.sqrt(ratio * v.magnitude_limit(dtype) / N) / np.max(np.abs(X[:, j]))
    return X.astype(dtype)


def _as(X, sparse: bool):
    return sp.csc_matrix(X) if sparse else X


def _run(name: str, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes are not the subject here
        if name in FUNCTIONS:
            return FUNCTIONS[name](X, y, **kw)
        return ESTIMATORS[name]().fit(X, _target(name, y), **kw)


ALL = sorted(ESTIMATORS) + sorted(FUNCTIONS)
LAYOUTS = [
    pytest.param(sparse, dtype, id=f"{'sparse' if sparse else 'dense'}-{dtype.__name__}")
    for sparse in (False, True)
    for dtype in (np.float64, np.float32)
]


@pytest.mark.parametrize("sparse,dtype", LAYOUTS)
@pytest.mark.parametrize("name", ALL)
def test_a_column_above_the_limit_is_one_clear_error(name, sparse, dtype):
    X, y = _data()
    X = _scale_column(X, 2, 2.0, dtype)
    with pytest.raises(ValueError, match=r"^column 2 of X holds values up to .* rescale it"):
        _run(name, _as(X, sparse), y)


@pytest.mark.parametrize("sparse,dtype", LAYOUTS)
@pytest.mark.parametrize("name", ALL)
def test_data_just_below_the_limit_fits(name, sparse, dtype):
    """Every column (and a real-valued y) at half the limit: the same problem in other units."""
    X, y = _data()
    for j in range(P):
        X = _scale_column(X, j, 0.5, dtype)
    if name not in CLASSIFIERS | COUNTS | {"cross_validate_glm_path"}:
        y = y * np.sqrt(0.5 * v.magnitude_limit(dtype) / N) / np.max(np.abs(y))
    out = _run(name, _as(X, sparse), y)
    _assert_finite(out)


@pytest.mark.parametrize(
    "name",
    sorted(set(ESTIMATORS) - CLASSIFIERS - COUNTS) + sorted(WEIGHTED - {"cross_validate_glm_path"}),
)
def test_a_target_near_the_limit(name):
    X, y = _data()
    y = y * np.sqrt(0.5 * v.magnitude_limit(np.float64) / N) / np.max(np.abs(y))
    _assert_finite(_run(name, X, y))
    with pytest.raises(ValueError, match=r"^y holds values up to .* rescale it"):
        _run(name, X, 4 * y)


@pytest.mark.parametrize(
    "name",
    sorted(set(ESTIMATORS) - CLASSIFIERS - COUNTS) + sorted(WEIGHTED - {"cross_validate_glm_path"}),
)
def test_a_target_is_held_to_the_limit_of_float32_data(name):
    """float32 X gives float32 coefficients and intercept: y above float32's limit would make
    them infinite."""
    X, y = _data()
    y = y * np.sqrt(2 * v.magnitude_limit(np.float32) / N) / np.max(np.abs(y))
    with pytest.raises(ValueError, match=r"^y holds .* float32 limit .* or pass float64 data"):
        _run(name, X.astype(np.float32), y)
    _assert_finite(_run(name, X.astype(np.float32), y / 4))


@pytest.mark.parametrize("name", sorted(ESTIMATORS) + sorted(WEIGHTED))
def test_sample_weights_whose_sum_overflows_are_refused(name):
    X, y = _data()
    big = np.full(N, np.finfo(np.float64).max / 4)
    with pytest.raises(ValueError, match="sample_weight sums to more than the largest float"):
        _run(name, X, y, sample_weight=big)


@pytest.mark.parametrize("name", ["Lasso", "LassoCV", "LassoIC", "PoissonRegressor", "path"])
def test_huge_weights_with_a_finite_sum_are_relative_weights(name):
    X, y = _data()
    rng = np.random.default_rng(1)
    w = rng.uniform(0.5, 2.0, N)
    scaled = _run(name, X, y, sample_weight=w * 1e300)
    plain = _run(name, X, y, sample_weight=w)
    a, b = (scaled.coefs, plain.coefs) if name == "path" else (scaled.coef_, plain.coef_)
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)


def test_the_error_names_the_feature_when_it_is_known():
    X, y = _data()
    frame = pd.DataFrame(_scale_column(X, 1, 2.0, np.float64), columns=["a", "income", "c", "d"])
    for fit in (
        lambda: s.Lasso().fit(frame, y),
        lambda: s.LassoCV(cv=3).fit(frame, y),
        lambda: s.LogisticRegression().fit(frame, y > 0),
        lambda: s.GroupLasso(groups=GROUPS).fit(frame, y),
        lambda: s.path(frame, y),
        lambda: s.information_criterion(frame, y),
    ):
        # ratio 2: the column's largest value is sqrt(2) times the largest allowed, so the
        # smallest power of ten that brings it under is 10
        with pytest.raises(ValueError, match=r"^column 'income' of X .* divide it by 1e\+01"):
            fit()


def test_the_limit_is_the_dtype_s():
    assert v.magnitude_limit(np.float64) == pytest.approx(np.finfo(np.float64).max * 1e-6)
    assert v.magnitude_limit(np.float32) == pytest.approx(float(np.finfo(np.float32).max) * 1e-6)
    col = np.full((N, 1), np.sqrt(2 * v.magnitude_limit(np.float32) / N))
    v.check_magnitude(col)  # fine in float64
    with pytest.raises(ValueError, match=r"float32 limit .* or pass float64 data"):
        v.check_magnitude(col.astype(np.float32))


def test_1e100_is_not_refused():
    X, y = _data()
    X[:, 0] *= 1e100
    m = s.Lasso(alpha=0.01).fit(X, y * 1e100)
    assert np.all(np.isfinite(m.coef_)) and m.coef_[0] != 0


@pytest.mark.parametrize("value", [0, -3, 2**31, 2**63, 10**30, 2.0, True])
def test_check_positive_int_refuses_what_does_not_fit_the_kernels(value):
    with pytest.raises(ValueError, match="max_iter must be"):
        v.check_positive_int(value, "max_iter")


def test_check_positive_int_accepts_up_to_2_31_minus_1():
    assert v.check_positive_int(2**31 - 1, "max_iter") == 2**31 - 1
    assert v.check_positive_int(np.int64(7), "max_iter") == 7


@pytest.mark.parametrize("tol", [np.nan, np.inf, -1.0, 0.0, "1e-4", None])
def test_check_tol_refuses_nan_inf_and_non_positive(tol):
    with pytest.raises(ValueError, match="tol must be a positive number"):
        v.check_tol(tol)


WITH_TOL = sorted(name for name, make in ESTIMATORS.items() if "tol" in make().get_params())


@pytest.mark.parametrize("name", WITH_TOL)
@pytest.mark.parametrize(
    "params,message",
    [
        ({"max_iter": 10**30}, "max_iter must be at most 2\\*\\*31 - 1"),
        ({"tol": np.nan}, "tol must be a positive number"),
        ({"tol": np.inf}, "tol must be a positive number"),
        ({"tol": -1.0}, "tol must be a positive number"),
    ],
)
def test_every_estimator_checks_tol_and_max_iter(name, params, message):
    X, y = _data()
    with pytest.raises(ValueError, match=message):
        ESTIMATORS[name]().set_params(**params).fit(X, _target(name, y))


def _assert_finite(out) -> None:
    """The fitted coefficients (or the path's, or the result's arrays) are all finite."""
    for attr in ("coef_", "coefs", "dual_gap_", "gaps", "alpha_", "alpha", "alpha_min"):
        value = getattr(out, attr, None)
        if value is not None and np.asarray(value).dtype.kind == "f":
            assert np.all(np.isfinite(value)), attr


# --- numbers where numbers are due: complex values and text name the argument ----------------

SAMPLE_WEIGHTED = sorted(ESTIMATORS) + sorted(WEIGHTED)


@pytest.mark.parametrize("name", SAMPLE_WEIGHTED)
def test_complex_sample_weight_is_a_type_error_naming_it(name):
    X, y = _data()
    with pytest.raises(TypeError, match=r"sample_weight.*complex"):
        _run(name, X, y, sample_weight=np.ones(N) + 1j)


@pytest.mark.parametrize(
    "name, argument",
    [
        (name, argument)
        for argument in ("X", "y")
        for name in sorted(WEIGHTED)
        if not (argument == "y" and name == "cross_validate_glm_path")
    ],
)  # it makes its own labels
def test_complex_data_is_a_type_error_naming_it(name, argument):
    X, y = _data()
    X, y = (X + 1j, y) if argument == "X" else (X, y + 0j)
    with pytest.raises(TypeError, match=rf"^{argument} holds complex numbers"):
        _run(name, X, y)


@pytest.mark.parametrize(
    "params, argument",
    [
        ({"penalty_factor": "abc"}, "penalty_factor"),
        ({"upper": "x"}, "upper"),
        ({"lower": ["a"] * P}, "lower"),
        ({"penalty_factor": [1j] * P}, "penalty_factor"),
    ],
)
def test_text_or_complex_hyperparameters_name_the_argument(params, argument):
    X, y = _data()
    with pytest.raises(TypeError, match=rf"^{argument} must"):
        s.Lasso(alpha=0.1, **params).fit(X, y)


@pytest.mark.parametrize("name", ["path", "cross_validate_path", "quantile_path"])
def test_text_alphas_name_alphas(name):
    X, y = _data()
    with pytest.raises(TypeError, match=r"^alphas must be a real number"):
        _run(name, X, y, alphas=["a"])


@pytest.mark.parametrize("name", ["Lasso", "LassoCV", "PoissonRegressor", "QuantileRegressor"])
def test_text_sample_weight_names_sample_weight(name):
    X, y = _data()
    with pytest.raises(TypeError, match=r"^sample_weight must be a real number"):
        _run(name, X, y, sample_weight=np.full(N, "w"))


def test_as_float_array_reads_numbers_and_numeric_text():
    assert v.as_float_array(["1.5", 2], "alphas").tolist() == [1.5, 2.0]
    assert v.as_float_array(np.array([1.0 + 0j]).real, "alphas").dtype == np.float64
    with pytest.raises(TypeError, match=r"^gammas must"):
        v.as_float_array([[1.0], [1.0, 2.0]], "gammas")  # ragged
    with pytest.raises(TypeError, match=r"^gammas must .* not complex"):
        v.as_float_array(np.array([1, 1j], dtype=object), "gammas")


def test_a_complex_dataframe_is_refused_by_its_name():
    X, _ = _data()
    frame = pd.DataFrame(X).assign(z=1j)
    with pytest.raises(TypeError, match=r"^X holds complex"):
        v.check_design(frame)


# --- random_state: checked by everything that takes one --------------------------------------

SEEDED = [
    "LassoCV",
    "ElasticNetCV",
    "RidgeCV",
    "AdaptiveLasso",
    "AdaptiveLassoCV",
    "LogisticRegressionCV",
    "PoissonRegressorCV",
]


@pytest.mark.parametrize("name", SEEDED)
def test_a_random_state_of_the_wrong_type_names_it(name):
    X, y = _data()
    model = ESTIMATORS[name]().set_params(random_state="seed")
    with pytest.raises(TypeError, match=r"^random_state must be None"):
        model.fit(X, _target(name, y))


def test_ridge_cv_checks_random_state_even_with_leave_one_out():
    X, y = _data()
    with pytest.raises(TypeError, match=r"^random_state must be None"):
        s.RidgeCV(random_state="seed").fit(X, y)  # cv=None: no folds to shuffle
    with pytest.raises(ValueError, match=r"^random_state must be a non-negative"):
        s.RidgeCV(random_state=-3).fit(X, y)


@pytest.mark.parametrize("name", ["cross_validate_path", "cross_validate_glm_path"])
def test_cross_validation_functions_check_random_state(name):
    X, y = _data()
    with pytest.raises(TypeError, match=r"^random_state must be None"):
        _run(name, X, y, random_state=2.5)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("order", ["C", "F", "strided"])
@pytest.mark.parametrize("name", ["Lasso", "ElasticNet", "Ridge"])
def test_non_finite_x_gets_validate_data_s_message_from_one_scan(name, bad, order):
    """X's finiteness is checked once (check_design's scan, the element-wise check only when it
    fails) with the message scikit-learn's validate_data gives, estimator named."""
    X, y = _data()
    X = np.asarray(X, order="F") if order == "F" else X
    X = np.repeat(X, 2, axis=1)[:, ::2] if order == "strided" else X
    X[3, 1] = bad
    estimator = ESTIMATORS[name]()
    with pytest.raises(ValueError) as ours:
        estimator.fit(X, y)
    with pytest.raises(ValueError) as sklearn_s:
        validate_data(ESTIMATORS[name](), X, y)
    assert str(ours.value) == str(sklearn_s.value)
    assert ("NaN" if bad != bad else "infinity") in str(ours.value)


def test_the_one_scan_passes_only_what_the_element_wise_checks_pass():
    """The sum-of-squares scan proves finiteness and the magnitude limit together; data whose
    sum overflows (each value legal) goes to the exact per-column check."""
    X = np.ones((4, 3))
    assert v._bounded(X) and v._bounded(np.asfortranarray(X))
    assert not v._bounded(X[:, ::2])  # not contiguous: the exact checks
    assert not v._bounded(X.astype(np.float32))
    big = np.full((4, 3), np.sqrt(v.magnitude_limit(np.float64) / 4))
    assert not v._bounded(big)  # the limit itself: n S is above half of it
    assert v.check_design(big) is big  # yet fine per column


def _outcome(check, A, **options):
    try:
        return check(A, **options)
    except Exception as e:  # the error is the outcome compared
        return type(e), str(e)


@pytest.mark.parametrize(
    "options",
    [
        {"dtype": v.FLOAT_DTYPES, "ensure_all_finite": False},
        {"dtype": v.FLOAT_DTYPES, "input_name": "X"},
        {"ensure_2d": False, "dtype": np.float64, "input_name": "y", "ensure_min_samples": 1},
    ],
)
def test_check_array_is_scikit_learn_s_without_importing_it_for_float_arrays(options):
    from sklearn.utils.validation import check_array

    X = np.random.default_rng(0).standard_normal((5, 4))
    read_only = X.copy()
    read_only.flags.writeable = False
    with_nan = X.copy()
    with_nan[1, 2] = np.nan
    inputs = [X, np.asfortranarray(X), X[:, ::2], X.astype(np.float32), X[0], X[:0], X[:, :0]]
    inputs += [read_only, with_nan, with_nan[1], X.astype(int), X.tolist(), np.float64(1.0)]
    for A in inputs:
        got, expected = _outcome(v.check_array, A, **options), _outcome(check_array, A, **options)
        if isinstance(expected, tuple):
            assert got == expected
            continue
        assert (got is A) == (expected is A)
        assert got.dtype == expected.dtype and got.flags == expected.flags
        np.testing.assert_array_equal(got, expected)


SHAPES = {"wide": (30, 80), "tall": (400, 6)}  # dense_design and the Gram form


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 1e160])
@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_a_scan_left_to_the_solver_gives_the_scan_s_message(
    bad, shape, order, fit_intercept, weighted
):
    """Lasso leaves X's scan to the column moments of its first pass over X (each data form's
    arithmetic must carry a NaN or an infinity into them, wherever it sits): a bad X gets the
    message of the checks at the door (validate_data's for NaN / inf, check_design's for
    squares that overflow), as when the scan ran first."""
    rng = np.random.default_rng(3)
    X = np.asarray(rng.standard_normal(SHAPES[shape]), order=order)
    y = rng.standard_normal(X.shape[0])
    weights = rng.uniform(0.5, 2.0, X.shape[0]) if weighted else None
    n, p = X.shape
    for i, j in [(0, 0), (n // 2, 2), (n - 1, p - 1)]:
        bad_X = X.copy(order="K")
        bad_X[i, j] = bad
        with pytest.raises(ValueError) as door:
            validate_data(s.Lasso(), bad_X, y)
            v.check_design(bad_X)
        lasso = s.Lasso(alpha=0.1, fit_intercept=fit_intercept)
        with pytest.raises(ValueError) as got:
            lasso.fit(bad_X, y, sample_weight=weights)
        assert str(got.value) == str(door.value)


def test_x_s_error_comes_before_the_others_when_its_scan_is_left_to_the_solver():
    X, y = _data()
    X = np.repeat(X, 5, axis=1)  # wide: dense_design
    X[2, 3] = np.nan
    message = r"^Input X contains NaN"
    with pytest.raises(ValueError, match=message):
        s.Lasso(alpha=0.1).fit(X, np.where(np.arange(N) == 0, 1e300, y))  # y too large
    with pytest.raises(ValueError, match=message):
        s.Lasso(alpha=0.1, solver="bogus").fit(X, y)
    with pytest.raises(ValueError, match=message):
        s.Lasso(alpha=0.1, lower=1.0, upper=0.0).fit(X, y)
    weights = np.ones(N)
    weights[2] = 0.0  # the NaN's row weighs nothing: the moments cannot see it, the scan does
    with pytest.raises(ValueError, match=message):
        s.Lasso(alpha=0.1).fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_good_data_is_scanned_by_the_solver_s_moments_alone(shape, monkeypatch):
    """No pass of the scan's own on finite data of ordinary size (its moments settle it), and
    one where they cannot (a row weighing nothing)."""
    runs = []
    monkeypatch.setattr(v.PendingScan, "run", lambda scan: runs.append(scan))
    rng = np.random.default_rng(4)
    X = rng.standard_normal(SHAPES[shape])
    y = X[:, 0] + rng.standard_normal(X.shape[0])
    s.Lasso(alpha=0.05).fit(X, y)
    s.ElasticNet(alpha=0.05, fit_intercept=False).fit(np.asfortranarray(X), y)
    assert runs == []
    weights = np.ones(X.shape[0])
    weights[0] = 0.0
    s.Lasso(alpha=0.05).fit(X, y, sample_weight=weights)
    assert len(runs) == 1


def test_column_moments_settle_only_what_the_scan_would_pass():
    scan = v.PendingScan(np.ones((4, 2)))
    sw = np.full(4, 0.25)
    assert scan.settled_by(np.zeros(2), np.ones(2), sw)
    assert not scan.settled_by(np.array([np.nan, 0.0]), np.ones(2), sw)
    assert not scan.settled_by(np.zeros(2), np.array([1.0, np.inf]), sw)
    assert not scan.settled_by(np.zeros(2), np.ones(2), np.array([0.5, 0.5, 0.0, 0.0]))
    limit = v.magnitude_limit(np.float64)
    # n M / min(sw) bounds n max x^2: settled up to half the limit, never above it
    assert scan.settled_by(np.zeros(2), np.full(2, 0.49 * limit / 16), sw)
    assert not scan.settled_by(np.zeros(2), np.full(2, 0.51 * limit / 16), sw)
    assert not scan.settled_by(np.full(2, 1e200), np.zeros(2), sw)  # its square overflows


def test_a_sparse_column_s_duplicate_entries_are_summed_before_the_check():
    # two stored values of one entry, each within the limit (n max^2 at half of it), their
    # sum above it: checked as the entry the solvers see, not as the values stored
    half = np.sqrt(0.5 * v.magnitude_limit(np.float64) / 2)
    X = sp.csc_matrix((np.array([half, half]), np.array([0, 0]), np.array([0, 2])), shape=(2, 1))
    assert not X.has_canonical_format
    with pytest.raises(ValueError, match=r"^column 0 of X holds values up to"):
        v.check_magnitude(X)
    v.check_magnitude(sp.csc_matrix(np.array([[half], [half]])))  # canonical: each within


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda X: X.indices.__setitem__(3, -1), "indices must be >= 0"),
        (lambda X: X.indices.__setitem__(3, 6), "indices must be < 6"),
        (lambda X: X.indptr.__setitem__(2, 0), "indptr must be a non-decreasing sequence"),
    ],
    ids=["negative-row", "row-past-n", "decreasing-indptr"],
)
def test_a_malformed_sparse_matrix_is_one_clear_error(spoil, message):
    """The kernels read a CSC matrix through its index arrays unchecked: one that points
    outside them is refused before any fit reads it."""
    rng = np.random.default_rng(0)
    X = sp.csc_matrix(rng.standard_normal((6, 4)))
    spoil(X)
    with pytest.raises(ValueError, match=rf"^X is a malformed sparse matrix: {message}"):
        s.Lasso(alpha=0.1).fit(X, rng.standard_normal(6))
