"""shrinkage.path against scikit-learn, the exact LARS path, and its own documented contract."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_diabetes
from sklearn.linear_model import ElasticNet, lars_path

import shrinkage
from shrinkage._problem import Problem
from shrinkage.exceptions import ShrinkageConvergenceWarning

from ._reference import centred, column_scale, kkt_violations, null_deviance, simulated

TIGHT = {"tol": 1e-15, "max_iter": 100_000}


def rel_err(a, b) -> float:
    return float(np.linalg.norm(np.asarray(a) - b) / max(np.linalg.norm(b), 1e-300))


def ref_alpha_max(
    X,
    y,
    l1_ratio=1.0,
    sample_weight=None,
    fit_intercept=True,
    factors=None,
    scale=None,
    positive=False,
) -> float:
    Xc, yc, sw, _, _ = centred(X, y, sample_weight, fit_intercept)
    corr = Xc.T @ (sw * yc)
    if positive:
        corr = np.maximum(corr, 0.0)
    w = np.ones(X.shape[1]) if factors is None else np.asarray(factors, float)
    if scale is not None:
        w = w * scale
    return float(np.max(np.abs(corr) / w) / l1_ratio)


def sklearn_coefs(
    X, y, alphas, *, l1_ratio=1.0, fit_intercept=True, sample_weight=None, positive=False
):
    coefs, intercepts = [], []
    for a in alphas:
        m = ElasticNet(
            alpha=a,
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            positive=positive,
            tol=1e-14,
            max_iter=100_000,
        )
        with warnings.catch_warnings():
            # sklearn may stop a hair above tol=1e-14: the agreement below is what matters
            warnings.simplefilter("ignore")
            m.fit(X, y, sample_weight=sample_weight)
        coefs.append(m.coef_.copy())
        intercepts.append(float(m.intercept_))
    return np.array(coefs), np.array(intercepts)


# --------------------------------------------------------------------------------------------
# the support just below alpha_max (default tol)


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize(("l1_ratio", "n_alphas"), [(0.5, 50), (0.5, 100), (1.0, 2000)])
def test_first_alphas_below_alpha_max_have_the_right_support(solver, l1_ratio, n_alphas):
    """At the default tol the duality gap of w = 0 can be within tolerance just below alpha_max
    (the README's example printed nnz[:3] = [0 0 0]), but w = 0 violates the optimality
    condition |x_j' S r| <= alpha l1_ratio there: the solver must go on."""
    from sklearn.linear_model import enet_path

    d = load_diabetes()
    P = shrinkage.path(d.data, d.target, l1_ratio=l1_ratio, n_alphas=n_alphas, solver=solver)
    Xc, yc, _, _, _ = centred(d.data, d.target)
    _, coefs, _ = enet_path(
        Xc, yc, l1_ratio=l1_ratio, alphas=P.alphas[:6], tol=1e-10, max_iter=100_000
    )
    np.testing.assert_array_equal(P.nnz[:6], np.count_nonzero(coefs, axis=0))
    assert P.nnz[0] == 0 and P.nnz[1] > 0
    assert P.converged.all()


# --------------------------------------------------------------------------------------------
# agreement with scikit-learn on the same objective


@pytest.mark.parametrize("shape", [(50, 20), (30, 60)], ids=["n>p", "p>n"])
@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7, 0.3])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("kind", ["dense", "csc", "float32"])
def test_matches_sklearn(shape, solver, l1_ratio, fit_intercept, weighted, kind):
    n, p = shape
    X, y = simulated(n, p, seed=n + p)
    sw = np.random.default_rng(7).uniform(0.5, 2.0, n) if weighted else None
    amax = ref_alpha_max(X, y, l1_ratio, sw, fit_intercept)
    alphas = amax * np.array([0.5, 0.1, 0.03])
    if kind == "csc":
        Xin = sp.csc_matrix(X)
    elif kind == "float32":
        Xin = X.astype(np.float32)
        X = Xin.astype(np.float64)  # sklearn sees exactly the same numbers in float64
    else:
        Xin = X
    P = shrinkage.path(
        Xin,
        y,
        l1_ratio=l1_ratio,
        alphas=alphas,
        fit_intercept=fit_intercept,
        sample_weight=sw,
        solver=solver,
        **TIGHT,
    )
    ref, ref_b = sklearn_coefs(
        X, y, alphas, l1_ratio=l1_ratio, fit_intercept=fit_intercept, sample_weight=sw
    )
    rtol = 1e-4 if kind == "float32" else 1e-6
    assert P.coefs.dtype == np.float64
    np.testing.assert_array_equal(P.alphas, alphas)
    for k in range(len(alphas)):
        assert rel_err(P.coefs[k], ref[k]) <= rtol, k
    scale_y = np.abs(y).max()
    np.testing.assert_allclose(P.intercepts, ref_b, rtol=0, atol=rtol * scale_y)
    if not fit_intercept:
        np.testing.assert_array_equal(P.intercepts, 0.0)
    assert np.all(P.gaps >= 0) and P.converged.all()


@pytest.mark.parametrize("sparse", [False, True])
def test_float32_input_is_solved_in_float32(sparse):
    X, y = simulated(30, 8, seed=1)
    X32 = X.astype(np.float32)
    design = Problem.build(sp.csc_matrix(X32) if sparse else X32, y).design
    assert (design.data if sparse else design.Xd).dtype == np.float32
    P = shrinkage.path(sp.csc_matrix(X32) if sparse else X32, y, n_alphas=5, solver="cd")
    assert P.coefs.dtype == np.float64 and P.converged.all()


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("shape", [(50, 20), (30, 60)], ids=["n>p", "p>n"])
def test_positive_matches_sklearn(solver, l1_ratio, shape):
    X, y = simulated(*shape, seed=3)
    amax = ref_alpha_max(X, y, l1_ratio, positive=True)
    alphas = amax * np.array([0.5, 0.1, 0.03])
    P = shrinkage.path(
        X, y, l1_ratio=l1_ratio, alphas=alphas, positive=True, solver=solver, **TIGHT
    )
    ref, ref_b = sklearn_coefs(X, y, alphas, l1_ratio=l1_ratio, positive=True)
    assert np.all(P.coefs >= 0)
    for k in range(len(alphas)):
        assert rel_err(P.coefs[k], ref[k]) <= 1e-6
    np.testing.assert_allclose(P.intercepts, ref_b, rtol=1e-6, atol=1e-6 * np.abs(y).max())


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("sparse", [False, True])
def test_penalty_factor_is_a_column_rescaling_for_the_lasso(solver, sparse):
    # alpha f_j |w_j| on X_j  ==  alpha |v_j| on X_j / f_j  with  v_j = f_j w_j
    X, y = simulated(40, 12, seed=5)
    f = np.random.default_rng(5).uniform(0.3, 3.0, 12)
    amax = ref_alpha_max(X, y, factors=f)
    alphas = amax * np.array([0.5, 0.1, 0.03])
    P = shrinkage.path(
        sp.csc_matrix(X) if sparse else X,
        y,
        alphas=alphas,
        penalty_factor=f,
        solver=solver,
        **TIGHT,
    )
    ref, ref_b = sklearn_coefs(X / f, y, alphas)
    for k in range(len(alphas)):
        assert rel_err(P.coefs[k], ref[k] / f) <= 1e-6
    np.testing.assert_allclose(P.intercepts, ref_b, rtol=1e-6, atol=1e-6 * np.abs(y).max())


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_standardize_is_sklearn_on_standardized_columns(solver, fit_intercept, weighted):
    X, y = simulated(40, 10, seed=11)
    X = X * np.geomspace(0.01, 100, 10) + 3.0  # very different scales, non-zero means
    sw = np.random.default_rng(11).uniform(0.5, 2.0, 40) if weighted else None
    Xc, _, s, _, _ = centred(X, y, sw, fit_intercept)
    c = column_scale(Xc, s)  # weighted sd, or RMS without an intercept
    amax = ref_alpha_max(X, y, 0.7, sw, fit_intercept, scale=c)
    alphas = amax * np.array([0.5, 0.1, 0.03])
    P = shrinkage.path(
        X,
        y,
        l1_ratio=0.7,
        alphas=alphas,
        standardize=True,
        sample_weight=sw,
        fit_intercept=fit_intercept,
        solver=solver,
        **TIGHT,
    )
    ref, ref_b = sklearn_coefs(
        X / c, y, alphas, l1_ratio=0.7, fit_intercept=fit_intercept, sample_weight=sw
    )
    for k in range(len(alphas)):
        assert rel_err(P.coefs[k], ref[k] / c) <= 1e-6
    np.testing.assert_allclose(P.intercepts, ref_b, rtol=1e-6, atol=1e-6 * np.abs(y).max())


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("sparse", [False, True])
def test_p_much_larger_than_n_matches_sklearn(l1_ratio, sparse):
    # working sets + screening on 500 features, 20 samples (solver="auto" picks cd)
    X, y = simulated(20, 500, seed=2)
    amax = ref_alpha_max(X, y, l1_ratio)
    alphas = amax * np.array([0.5, 0.2, 0.05])
    P = shrinkage.path(
        sp.csc_matrix(X) if sparse else X, y, l1_ratio=l1_ratio, alphas=alphas, **TIGHT
    )
    ref, _ = sklearn_coefs(X, y, alphas, l1_ratio=l1_ratio)
    for k in range(len(alphas)):
        assert rel_err(P.coefs[k], ref[k]) <= 1e-6
    if l1_ratio == 1.0:
        assert P.nnz[-1] <= 20  # a lasso solution has at most n non-zeros


# --------------------------------------------------------------------------------------------
# the exact lasso path (LARS)


@pytest.mark.parametrize("solver", ["cd", "gram"])
def test_lasso_path_is_the_exact_lars_path_on_diabetes(solver):
    X, y = load_diabetes(return_X_y=True)
    Xc, yc = X - X.mean(0), y - y.mean()
    knots, _, knot_coefs = lars_path(Xc, yc, method="lasso")  # knots in the Lasso alpha scale
    positive_knots = knots[knots > 0]
    grid = np.geomspace(knots[0], positive_knots[-1], 40)[1:-1]
    near_knot = np.min(np.abs(grid[:, None] / positive_knots - 1), axis=1) < 1e-3
    grid = grid[~near_knot][:30]
    assert len(grid) >= 25
    ref = np.array(
        [np.interp(grid[::-1], knots[::-1], knot_coefs[j, ::-1])[::-1] for j in range(X.shape[1])]
    ).T
    P = shrinkage.path(X, y, alphas=grid, solver=solver, **TIGHT)
    assert P.converged.all()
    assert np.abs(P.coefs - ref).max() <= 1e-6 * np.abs(ref).max()
    # the intercept is profiled out: b = ybar - xbar.w
    np.testing.assert_allclose(P.intercepts, y.mean() - P.coefs @ X.mean(0), atol=1e-8)


# --------------------------------------------------------------------------------------------
# alpha_max and the default grid


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"fit_intercept": False},
        {"weighted": True},
        {"standardize": True},
        {"positive": True},
        {"factors": True},
    ],
    ids=["plain", "no-intercept", "weighted", "standardize", "positive", "factors"],
)
def test_alpha_max_is_the_smallest_all_zero_alpha(l1_ratio, sparse, solver, options):
    X, y = simulated(40, 15, seed=4)
    X = X * np.linspace(0.5, 2.0, 15)
    rng = np.random.default_rng(4)
    sw = rng.uniform(0.5, 2.0, 40) if options.get("weighted") else None
    f = rng.uniform(0.5, 2.0, 15) if options.get("factors") else None
    fit_intercept = options.get("fit_intercept", True)
    positive = options.get("positive", False)
    standardize = options.get("standardize", False)
    scale = None
    if standardize:
        Xc, _, s, _, _ = centred(X, y, sw, fit_intercept)
        scale = column_scale(Xc, s)
    kw = {
        "l1_ratio": l1_ratio,
        "sample_weight": sw,
        "penalty_factor": f,
        "fit_intercept": fit_intercept,
        "positive": positive,
        "standardize": standardize,
        "solver": solver,
        "tol": 1e-10,
    }
    Xin = sp.csc_matrix(X) if sparse else X
    P = shrinkage.path(Xin, y, n_alphas=5, **kw)
    amax = ref_alpha_max(X, y, l1_ratio, sw, fit_intercept, f, scale, positive)
    assert P.alphas[0] == pytest.approx(amax, rel=1e-10)
    np.testing.assert_array_equal(P.coefs[0], 0.0)
    assert P.nnz[0] == 0
    below = shrinkage.path(Xin, y, alphas=[0.99 * P.alphas[0]], **kw)
    assert below.nnz[0] >= 1


@pytest.mark.parametrize(("shape", "ratio"), [((40, 10), 1e-4), ((10, 40), 1e-2)])
def test_default_grid_is_geometric_with_glmnet_min_ratio(shape, ratio):
    X, y = simulated(*shape, seed=8)
    P = shrinkage.path(X, y, n_alphas=7, tol=1e-6)
    assert len(P) == 7 and P.coefs.shape == (7, shape[1])
    assert P.alphas[-1] / P.alphas[0] == pytest.approx(ratio, rel=1e-12)
    np.testing.assert_allclose(np.diff(np.log(P.alphas)), np.log(ratio) / 6, rtol=1e-12)
    P2 = shrinkage.path(X, y, n_alphas=4, alpha_min_ratio=0.1)
    assert P2.alphas[-1] / P2.alphas[0] == pytest.approx(0.1, rel=1e-12)


@pytest.mark.parametrize("solver", ["cd", "gram"])
def test_unpenalized_features_are_fitted_at_alpha_max(solver):
    X, y = simulated(40, 8, seed=1)
    f = np.ones(8)
    f[[0, 3]] = 0.0
    P = shrinkage.path(X, y, penalty_factor=f, n_alphas=3, solver=solver, tol=1e-12)
    # at alphas[0] the penalized coefficients are 0 and the free ones are least squares on them
    A = np.c_[X[:, [0, 3]], np.ones(40)]
    ls = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_array_equal(P.coefs[0][f > 0], 0.0)
    np.testing.assert_allclose(P.coefs[0][[0, 3]], ls[:2], rtol=1e-8)
    below = shrinkage.path(X, y, penalty_factor=f, alphas=[0.99 * P.alphas[0]], solver=solver)
    assert np.count_nonzero(below.coefs[0][f > 0]) >= 1


def test_alphas_order_does_not_matter():
    X, y = simulated(30, 12, seed=9)
    alphas = ref_alpha_max(X, y) * np.array([0.5, 0.1, 0.02])
    down = shrinkage.path(X, y, alphas=alphas, **TIGHT)
    up = shrinkage.path(X, y, alphas=alphas[::-1], **TIGHT)
    np.testing.assert_allclose(up.coefs[::-1], down.coefs, atol=1e-8)
    np.testing.assert_array_equal(up.alphas, alphas[::-1])


# --------------------------------------------------------------------------------------------
# sample weights, screening, degenerate columns


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
def test_integer_weights_are_repeated_rows_and_zero_weights_dropped_rows(solver, l1_ratio):
    X, y = simulated(30, 8, seed=6)
    s = np.random.default_rng(6).integers(0, 4, 30).astype(float)
    rows = np.repeat(np.arange(30), s.astype(int))
    alphas = [0.3, 0.05]
    a = shrinkage.path(
        X, y, alphas=alphas, sample_weight=s, l1_ratio=l1_ratio, solver=solver, **TIGHT
    )
    b = shrinkage.path(X[rows], y[rows], alphas=alphas, l1_ratio=l1_ratio, solver=solver, **TIGHT)
    np.testing.assert_allclose(a.coefs, b.coefs, atol=1e-8)
    np.testing.assert_allclose(a.intercepts, b.intercepts, atol=1e-8)
    c = shrinkage.path(
        X, y, alphas=alphas, sample_weight=3.0 * s, l1_ratio=l1_ratio, solver=solver, **TIGHT
    )
    np.testing.assert_allclose(c.coefs, a.coefs, atol=1e-8)  # only relative weights matter


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("kind", ["dense", "csc", "positive"])
@pytest.mark.parametrize("shape", [(50, 20), (20, 200)], ids=["n>p", "p>>n"])
def test_screening_does_not_change_the_solution(solver, l1_ratio, kind, shape):
    X, y = simulated(*shape, seed=12)
    alphas = ref_alpha_max(X, y, l1_ratio) * np.geomspace(0.9, 0.02, 8)
    kw = {
        "l1_ratio": l1_ratio,
        "alphas": alphas,
        "solver": solver,
        "positive": kind == "positive",
        **TIGHT,
    }
    Xin = sp.csc_matrix(X) if kind == "csc" else X
    on = shrinkage.path(Xin, y, screen=True, **kw)
    off = shrinkage.path(Xin, y, screen=False, **kw)
    assert on.converged.all() and off.converged.all()
    for k in range(len(alphas)):
        assert rel_err(on.coefs[k], off.coefs[k]) <= 1e-6
    np.testing.assert_array_equal(on.nnz, off.nnz)


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("standardize", [False, True])
def test_constant_and_duplicated_columns(solver, sparse, standardize):
    X, y = simulated(40, 6, seed=13)
    Xd = np.c_[X, np.full(40, 3.0), X[:, 1], np.zeros(40), X[:, 1]]  # cols 6, 8 constant
    Xin = sp.csc_matrix(Xd) if sparse else Xd
    Xc, yc, sw, _, _ = centred(Xd, y)
    tol = 1e-14
    for l1_ratio in (1.0, 0.5):
        P = shrinkage.path(
            Xin,
            y,
            l1_ratio=l1_ratio,
            n_alphas=8,
            alpha_min_ratio=1e-2,
            solver=solver,
            standardize=standardize,
            tol=tol,
            max_iter=100_000,
        )
        assert np.all(np.isfinite(P.coefs)) and np.all(np.isfinite(P.intercepts))
        assert P.converged.all()
        assert np.all(P.gaps <= tol * null_deviance(yc, sw))
        np.testing.assert_array_equal(P.coefs[:, [6, 8]], 0.0)
        c = column_scale(Xc, sw) if standardize else np.ones(10)
        for a, w in zip(P.alphas, P.coefs, strict=True):
            l1, l2 = a * l1_ratio * c, a * (1 - l1_ratio) * c**2
            # the lasso may split the duplicated columns 1, 7, 9 any way, but it must be optimal
            assert kkt_violations(Xc, yc, sw, w, l1, l2).max() <= 1e-6
        if l1_ratio < 1:
            # the ridge part is strictly convex: the weight is shared evenly by the duplicates
            # ||w - w*|| <= sqrt(2 gap / mu), mu = the l2 weight; a gap is only known to within
            # a few ulps of the objective (~ sum sw yc^2)
            mu = P.alphas * (1 - l1_ratio) * c[1] ** 2
            gap = np.maximum(P.gaps, 16 * np.finfo(float).eps * null_deviance(yc, sw))
            bound = 2 * np.sqrt(2 * gap / mu)
            assert np.all(np.abs(P.coefs[:, 7] - P.coefs[:, 1]) <= bound)
            assert np.all(np.abs(P.coefs[:, 9] - P.coefs[:, 1]) <= bound)


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
def test_constant_target_gives_zero_coefficients(solver, l1_ratio):
    X, _ = simulated(20, 5, seed=16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P = shrinkage.path(X, np.full(20, 3.0), n_alphas=3, l1_ratio=l1_ratio, solver=solver)
    np.testing.assert_array_equal(P.coefs, 0.0)
    np.testing.assert_allclose(P.intercepts, 3.0)
    assert P.converged.all()


# --------------------------------------------------------------------------------------------
# the Path result and warnings


def test_path_result_fields_and_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = simulated(30, 5, seed=14)
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(5)])
    P = shrinkage.path(df, y, n_alphas=6)
    assert list(P.feature_names) == ["x0", "x1", "x2", "x3", "x4"]
    assert len(P) == 6
    for name in ("alphas", "intercepts", "gaps", "n_iter", "converged", "nnz"):
        assert getattr(P, name).shape == (6,)
    np.testing.assert_array_equal(P.nnz, np.count_nonzero(P.coefs, axis=1))
    assert P.l1_ratio == 1.0
    named = shrinkage.path(X, y, n_alphas=2, feature_names=["a", "b", "c", "d", "e"])
    assert list(named.feature_names) == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize("solver", ["cd", "gram"])
def test_not_converged_warns_and_reports_it(solver):
    X, y = simulated(50, 20, seed=15)
    with pytest.warns(ShrinkageConvergenceWarning, match=r"did not converge.*max_iter=1\b"):
        P = shrinkage.path(X, y, alphas=[0.01], tol=1e-12, max_iter=1, solver=solver)
    assert not P.converged[0]
    _, yc, sw, _, _ = centred(X, y)
    assert P.gaps[0] > 1e-12 * null_deviance(yc, sw)


# --------------------------------------------------------------------------------------------
# bad input


def _bad_inputs():
    X, y = simulated(10, 3, seed=0)
    nan_X, inf_X, nan_y, inf_y = X.copy(), X.copy(), y.copy(), y.copy()
    nan_X[2, 1] = np.nan
    inf_X[2, 1] = np.inf
    nan_y[3] = np.nan
    inf_y[3] = -np.inf
    return [
        ("nan-X", (nan_X, y), {}, r"X contains NaN"),
        ("inf-X", (inf_X, y), {}, r"X contains infinity"),
        ("nan-X-sparse", (sp.csc_matrix(nan_X), y), {}, r"X contains NaN"),
        ("nan-y", (X, nan_y), {}, r"y contains NaN"),
        ("inf-y", (X, inf_y), {}, r"y contains infinity"),
        ("lengths", (X, y[:-1]), {}, r"X has 10 rows but y has 9 entries"),
        ("no-rows", (np.empty((0, 3)), np.empty(0)), {}, r"0 sample"),
        ("no-columns", (np.empty((10, 0)), y), {}, r"0 feature"),
        ("1-D-X", (X[:, 0], y), {}, r"Expected 2D array"),
        ("2-D-y", (X, np.c_[y, y]), {}, r"y must be one-dimensional"),
        ("negative-alpha", (X, y), {"alphas": [0.1, -0.1]}, r"alphas must be finite and >= 0"),
        ("negative-alpha-scalar", (X, y), {"alphas": -1.0}, r"alphas must be finite and >= 0"),
        ("nan-alpha", (X, y), {"alphas": [np.nan]}, r"alphas must be finite"),
        ("empty-alphas", (X, y), {"alphas": []}, r"alphas is empty"),
        ("l1_ratio>1", (X, y), {"l1_ratio": 1.5}, r"l1_ratio must be in \[0, 1\].*1\.5"),
        ("l1_ratio<0", (X, y), {"l1_ratio": -0.1}, r"l1_ratio must be in \[0, 1\].*-0\.1"),
        ("l1_ratio-nan", (X, y), {"l1_ratio": np.nan}, r"l1_ratio must be in \[0, 1\]"),
        (
            "negative-factor",
            (X, y),
            {"penalty_factor": [1.0, -1.0, 1.0]},
            r"penalty_factor must be finite and >= 0",
        ),
        (
            "nan-factor",
            (X, y),
            {"penalty_factor": [1.0, np.nan, 1.0]},
            r"penalty_factor must be finite and >= 0",
        ),
        (
            "factor-length",
            (X, y),
            {"penalty_factor": [1.0, 1.0]},
            r"penalty_factor must have one entry per feature \(3\)",
        ),
        (
            "lower>upper",
            (X, y),
            {"lower": [0.0, 1.0, 0.0], "upper": [1.0, 0.0, 1.0]},
            r"lower must not exceed upper; feature 1",
        ),
        (
            "positive-upper<0",
            (X, y),
            {"positive": True, "upper": -1.0},
            r"lower must not exceed upper",
        ),
        ("lower-length", (X, y), {"lower": [0.0, 0.0]}, r"lower must be a scalar or have one"),
        ("nan-upper", (X, y), {"upper": [1.0, np.nan, 1.0]}, r"upper contains NaN"),
        (
            "weight-length",
            (X, y),
            {"sample_weight": np.ones(9)},
            r"sample_weight must have one entry per sample \(10\)",
        ),
        (
            "negative-weight",
            (X, y),
            {"sample_weight": -np.ones(10)},
            r"sample_weight must be non-negative",
        ),
        ("zero-weights", (X, y), {"sample_weight": np.zeros(10)}, r"sample_weight sums to zero"),
        ("solver", (X, y), {"solver": "lbfgs"}, r"solver must be one of"),
        ("tol", (X, y), {"tol": 0.0}, r"tol must be a positive number"),
        ("max_iter", (X, y), {"max_iter": 0}, r"max_iter must be a positive integer"),
        ("n_alphas", (X, y), {"n_alphas": 0}, r"n_alphas must be a positive integer"),
        ("alpha_min_ratio", (X, y), {"alpha_min_ratio": 1.5}, r"alpha_min_ratio must be in"),
    ]


@pytest.mark.parametrize(
    ("args", "kwargs", "match"), [c[1:] for c in _bad_inputs()], ids=[c[0] for c in _bad_inputs()]
)
def test_bad_input_raises_value_error_naming_the_problem(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        shrinkage.path(*args, **kwargs)


def test_l1_ratio_of_the_wrong_type_is_a_type_error():
    X, y = simulated(10, 3)
    with pytest.raises(TypeError, match="l1_ratio must be a real number"):
        shrinkage.path(X, y, l1_ratio="lasso")


@pytest.mark.parametrize("bounds", [{"lower": np.inf}, {"upper": -np.inf}])
def test_infeasible_infinite_bounds_are_rejected(bounds):
    X, y = simulated(10, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no convergence warning with NaN gaps either
        with pytest.raises(ValueError, match=r"lower|upper"):
            shrinkage.path(X, y, n_alphas=3, **bounds)


def test_feature_names_of_the_wrong_length_are_rejected():
    X, y = simulated(10, 3)
    with pytest.raises(ValueError, match="feature_names"):
        shrinkage.path(X, y, n_alphas=2, feature_names=["a", "b"])


def test_quantile_datafit_goes_to_the_interior_point():
    from sklearn.linear_model import QuantileRegressor as SkQuantile

    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 4))
    y = X @ [1.0, -2.0, 0.0, 0.5] + rng.standard_t(2, 60)
    alphas = [0.05, 0.01]
    by_name = shrinkage.path(X, y, datafit="quantile", alphas=alphas, tol=1e-10)
    from shrinkage.datafits.quantile import Quantile

    by_instance = shrinkage.path(X, y, datafit=Quantile(0.8), alphas=alphas, tol=1e-10)
    assert by_name.datafit == "quantile" and by_name.certificate == "duality_gap"
    for fit, tau in ((by_name, 0.5), (by_instance, 0.8)):
        for a, w, b in zip(alphas, fit.coefs, fit.intercepts, strict=True):
            ref = SkQuantile(quantile=tau, alpha=a, solver="highs").fit(X, y)

            def objective(w_, b_, tau=tau, a=a):
                r = y - X @ w_ - b_
                return np.mean(r * (tau - (r < 0))) + a * np.abs(w_).sum()

            assert objective(w, b) <= objective(ref.coef_, ref.intercept_) * (1 + 1e-8)


# --------------------------------------------------------------------------------------------
# any alpha: Path.coef_at / Path.predict (interpolated as glmnet's exact=FALSE, or refitted)


def _same_signs_pair(P) -> int:
    """An index i where grid points i and i + 1 have the same non-empty sign pattern."""
    signs = np.sign(P.coefs)
    same = [i for i in range(len(P) - 1) if P.nnz[i] > 0 and np.array_equal(signs[i], signs[i + 1])]
    return same[len(same) // 2]


def test_coef_at_interpolation_is_exact_for_the_lasso_between_kinks():
    X, y = simulated(60, 8, seed=3)
    P = shrinkage.path(X, y, n_alphas=30, **TIGHT)
    i = _same_signs_pair(P)
    alpha = float(np.sqrt(P.alphas[i] * P.alphas[i + 1]))
    coef, intercept = P.coef_at(alpha)
    direct = shrinkage.path(X, y, alphas=[alpha], **TIGHT)
    assert rel_err(coef, direct.coefs[0]) < 1e-8
    assert intercept == pytest.approx(direct.intercepts[0], rel=1e-8)


def test_coef_at_a_grid_point_is_that_point_and_predict_uses_it():
    X, y = simulated(40, 6, seed=1)
    P = shrinkage.path(X, y, n_alphas=10)
    coef, intercept = P.coef_at(float(P.alphas[4]))
    np.testing.assert_array_equal(coef, P.coefs[4])
    assert intercept == P.intercepts[4]
    np.testing.assert_allclose(
        P.predict(X[:5], float(P.alphas[4])), X[:5] @ P.coefs[4] + P.intercepts[4]
    )


def test_coef_at_above_alpha_max_is_the_null_model():
    X, y = simulated(40, 6, seed=2)
    P = shrinkage.path(X, y, n_alphas=10)
    coef, intercept = P.coef_at(10 * float(P.alphas[0]))
    assert not np.any(coef)
    assert intercept == pytest.approx(y.mean())


def test_coef_at_above_a_grid_that_starts_below_alpha_max_is_refused():
    X, y = simulated(40, 6, seed=2)
    P = shrinkage.path(X, y, alphas=[0.1, 0.01])
    with pytest.raises(ValueError, match=r"does not start at alpha_max.*exact=True"):
        P.coef_at(1.0)


@pytest.mark.parametrize(
    ("l1_ratio", "options"),
    [(1.0, {}), (0.5, {"standardize": True}), (0.3, {"fit_intercept": False})],
)
def test_coef_at_exact_below_the_grid_is_a_direct_fit(l1_ratio, options):
    X, y = simulated(50, 10, seed=4)
    w = np.random.default_rng(0).uniform(0.5, 2.0, 50)
    P = shrinkage.path(X, y, l1_ratio=l1_ratio, n_alphas=20, sample_weight=w, **options, **TIGHT)
    alpha = float(P.alphas[-1]) / 7
    with pytest.raises(ValueError, match=r"below the path's smallest alpha.*exact=True"):
        P.coef_at(alpha)
    coef, intercept = P.coef_at(alpha, exact=True, X=X, y=y, sample_weight=w, **options, **TIGHT)
    direct = shrinkage.path(
        X, y, l1_ratio=l1_ratio, alphas=[alpha], sample_weight=w, **options, **TIGHT
    )
    assert rel_err(coef, direct.coefs[0]) < 1e-7
    assert intercept == pytest.approx(direct.intercepts[0], rel=1e-7, abs=1e-9)
    pred = P.predict(X[:3], alpha, exact=True, train=(X, y), sample_weight=w, **options, **TIGHT)
    np.testing.assert_allclose(pred, X[:3] @ direct.coefs[0] + direct.intercepts[0], rtol=1e-7)


def test_coef_at_exact_for_a_logistic_path_is_a_direct_fit():
    X, y = simulated(80, 5, seed=5)
    labels = (y > np.median(y)).astype(float)
    P = shrinkage.path(X, labels, datafit="logistic", n_alphas=15, tol=1e-10)
    alpha = float(np.sqrt(P.alphas[5] * P.alphas[6]))
    coef, intercept = P.coef_at(alpha, exact=True, X=X, y=labels, tol=1e-10)
    model = shrinkage.LogisticRegression("l1", alpha=alpha, tol=1e-10).fit(X, labels)
    assert rel_err(coef, model.coef_.ravel()) < 1e-6
    assert intercept == pytest.approx(float(model.intercept_[0]), rel=1e-6)
    interpolated, _ = P.coef_at(alpha)
    assert rel_err(interpolated, coef) < 0.05  # close, not exact: logistic paths are curved


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda P, X, y: P.coef_at(-1.0), "alpha must be a finite number >= 0"),
        (lambda P, X, y: P.coef_at(np.nan), "alpha must be a finite number >= 0"),
        (lambda P, X, y: P.coef_at(0.1, exact="yes"), "exact must be True or False"),
        (lambda P, X, y: P.coef_at(0.1, exact=True), "needs the training data X and y"),
        (lambda P, X, y: P.coef_at(0.1, X=X, y=y), "are for exact=True"),
    ],
)
def test_coef_at_bad_input(call, message):
    X, y = simulated(30, 4, seed=6)
    P = shrinkage.path(X, y, n_alphas=5)
    with pytest.raises(ValueError, match=message):
        call(P, X, y)


def test_coef_at_alpha_not_a_number_is_a_type_error():
    X, y = simulated(30, 4, seed=6)
    P = shrinkage.path(X, y, n_alphas=5)
    with pytest.raises(TypeError, match=r"alpha must be a real number; got '0\.1'"):
        P.coef_at("0.1")


def test_coef_at_exact_refuses_unknown_options_and_parametrized_datafits_by_name():
    X, y = simulated(30, 4, seed=6)
    P = shrinkage.path(X, y, n_alphas=5)
    with pytest.raises(TypeError, match="'alpha_min_ratio'"):
        P.coef_at(0.1, exact=True, X=X, y=y, alpha_min_ratio=0.1)
    H = shrinkage.path(X, y, datafit="huber", n_alphas=5)
    with pytest.raises(ValueError, match="'huber' has parameters"):
        H.coef_at(float(H.alphas[-1]) / 2, exact=True, X=X, y=y)


# --------------------------------------------------------------------------------------------
# multi_task=True: the L2,1 (+ L2) path of scikit-learn's MultiTaskElasticNet


@pytest.mark.parametrize(("l1_ratio", "weighted"), [(1.0, False), (0.6, True)])
def test_multi_task_path_matches_sklearn_multitask_elastic_net(l1_ratio, weighted):
    from sklearn.linear_model import MultiTaskElasticNet

    rng = np.random.default_rng(4)
    X = rng.standard_normal((50, 7))
    Y = X[:, :3] @ rng.standard_normal((3, 4)) + 0.3 * rng.standard_normal((50, 4))
    sw = rng.integers(1, 3, 50).astype(float) if weighted else None
    P = shrinkage.path(
        X,
        Y,
        multi_task=True,
        l1_ratio=l1_ratio,
        n_alphas=6,
        sample_weight=sw,
        tol=1e-12,
        max_iter=100_000,
    )
    Xr, Yr = (
        (X, Y) if sw is None else (np.repeat(X, sw.astype(int), 0), np.repeat(Y, sw.astype(int), 0))
    )
    top = np.max(np.linalg.norm(centred(Xr, Yr[:, 0])[0].T @ (Yr - Yr.mean(0)), axis=1))
    assert P.alphas[0] == pytest.approx(top / len(Yr) / l1_ratio)
    assert P.coefs.shape == (6, 7, 4) and P.intercepts.shape == (6, 4) and P.nnz[0] == 0
    assert np.all(P.converged)

    def objective(W, b, a):
        R = Yr - Xr @ W - b
        return (
            0.5 * np.sum(R**2) / len(Yr)
            + a * l1_ratio * np.linalg.norm(W, axis=1).sum()
            + 0.5 * a * (1 - l1_ratio) * np.sum(W**2)
        )

    for a, W, b, gap in zip(P.alphas, P.coefs, P.intercepts, P.gaps, strict=True):
        ref = MultiTaskElasticNet(alpha=a, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000)
        ref.fit(Xr, Yr)
        # the gap bounds the suboptimality; scikit-learn's point is no better than the optimum
        assert objective(W, b, a) - objective(ref.coef_.T, ref.intercept_, a) <= gap + 1e-13
        np.testing.assert_allclose(W, ref.coef_.T, atol=1e-5)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("datafit", "logistic"),
        ("offset", np.zeros(10)),
        ("penalty_factor", np.ones(3)),
        ("lower", 0.0),
        ("positive", True),
        ("standardize", True),
        ("solver", "gram"),
        ("screen", False),
    ],
)
def test_multi_task_path_refuses_single_task_options_by_name(option, value):
    X, y = simulated(10, 3)
    with pytest.raises(ValueError, match=rf"{option}=.* is not available with multi_task=True"):
        shrinkage.path(X, np.c_[y, y], multi_task=True, **{option: value})


def test_multi_task_path_bad_input():
    X, y = simulated(10, 3)
    with pytest.raises(TypeError, match="multi_task must be True or False"):
        shrinkage.path(X, np.c_[y, y], multi_task="yes")
    with pytest.raises(ValueError, match="y must be two-dimensional"):
        shrinkage.path(X, y, multi_task=True)
    with pytest.raises(ValueError, match=r"l1_ratio=0 .* give alphas"):
        shrinkage.path(X, np.c_[y, y], multi_task=True, l1_ratio=0.0)


def test_multi_task_path_refits_exactly_at_any_alpha():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((40, 6))
    Y = X[:, :2] @ rng.standard_normal((2, 3)) + 0.2 * rng.standard_normal((40, 3))
    P = shrinkage.path(X, Y, multi_task=True, n_alphas=8, tol=1e-12, max_iter=100_000)
    assert P.penalty == "multitask"
    a = 0.5 * (P.alphas[3] + P.alphas[4])
    W, b = P.coef_at(a, exact=True, X=X, y=Y, tol=1e-12, max_iter=100_000)
    direct = shrinkage.path(X, Y, multi_task=True, alphas=[a], tol=1e-12, max_iter=100_000)
    np.testing.assert_allclose(W, direct.coefs[0], atol=1e-8)
    np.testing.assert_allclose(b, direct.intercepts[0], atol=1e-8)
    with pytest.raises(ValueError, match=r"penalty_factor=.* is not available with multi_task"):
        P.coef_at(a, exact=True, X=X, y=Y, penalty_factor=np.ones(6))


# --------------------------------------------------------------------------------------------
# penalty="mcp" | "scad": the non-convex penalties of shrinkage.paths.nonconvex


def _strong_sparse(seed=6):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((100, 8))
    y = X @ np.r_[3.0, -2.0, 2.5, np.zeros(5)] + 0.1 * rng.standard_normal(100)
    return X, y


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
def test_nonconvex_penalty_is_unbiased_where_its_penalty_is_flat(penalty):
    """Beyond gamma * alpha the MCP and SCAD penalties are constant: a solution whose non-zero
    coefficients all lie there is the least-squares fit on its support (with the intercept)."""
    X, y = _strong_sparse()
    P = shrinkage.path(X, y, penalty=penalty, alphas=[0.3], tol=1e-10, max_iter=100_000)
    gamma = {"mcp": 3.0, "scad": 3.7}[penalty]
    assert (P.penalty, P.gamma, P.certificate) == (penalty, gamma, "kkt")
    support = np.flatnonzero(P.coefs[0])
    assert support.tolist() == [0, 1, 2] and np.all(np.abs(P.coefs[0, support]) > gamma * 0.3)
    ols = np.linalg.lstsq(np.c_[np.ones(100), X[:, support]], y, rcond=None)[0]
    np.testing.assert_allclose(P.coefs[0, support], ols[1:], atol=1e-7)
    assert P.intercepts[0] == pytest.approx(ols[0], abs=1e-7)


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
def test_nonconvex_penalty_with_a_huge_gamma_is_the_lasso(penalty):
    X, y = _strong_sparse(7)
    lasso = shrinkage.path(X, y, n_alphas=10, tol=1e-12, max_iter=100_000)
    P = shrinkage.path(
        X, y, penalty=penalty, gamma=1e9, alphas=lasso.alphas, tol=1e-12, max_iter=100_000
    )
    np.testing.assert_allclose(P.coefs, lasso.coefs, atol=1e-6)
    assert P.coef_at(lasso.alphas[5], exact=True, X=X, y=y, tol=1e-12)[0] == pytest.approx(
        P.coefs[5], abs=1e-8
    )  # the exact refit is of the same penalty and gamma


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
def test_nonconvex_standardize_is_the_path_on_scaled_columns_on_the_original_scale(penalty):
    """ncvreg's standardization: the path of the columns divided by their weighted sd (a
    constant column: scale 1, coefficient 0), its coefficients divided by the same sd; the same
    grid; the exact refit with standardize=True lands on the grid point."""
    rng = np.random.default_rng(17)
    X = rng.standard_normal((60, 6)) * np.array([0.01, 1.0, 30.0, 1.0, 5.0, 0.2]) + 4.0
    X[:, 3] = -1.5
    y = 300 * X[:, 0] - 0.1 * X[:, 2] + rng.standard_normal(60)
    sw = rng.uniform(0.5, 2.0, 60)
    w = sw / sw.sum()
    s = np.sqrt(w @ (X - w @ X) ** 2)
    s[3] = 1.0
    options = {"penalty": penalty, "n_alphas": 12, "tol": 1e-11, "sample_weight": sw}
    P = shrinkage.path(X, y, standardize=True, **options)
    Q = shrinkage.path(X / s, y, **options)
    np.testing.assert_allclose(P.alphas, Q.alphas, rtol=1e-10)
    np.testing.assert_allclose(P.coefs * s, Q.coefs, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(P.intercepts, Q.intercepts, rtol=1e-9)
    assert np.all(P.converged) and np.all(P.coefs[:, 3] == 0) and P.nnz[-1] >= 2
    coef, intercept = P.coef_at(
        P.alphas[6], exact=True, X=X, y=y, sample_weight=sw, standardize=True, tol=1e-11
    )
    np.testing.assert_allclose(coef, P.coefs[6], rtol=1e-8, atol=1e-12)
    assert intercept == pytest.approx(P.intercepts[6], rel=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"penalty": "lasso"},
            ValueError,
            r"penalty must be one of \('l1_l2', 'mcp', 'scad'\); "
            r"got 'lasso'",
        ),
        ({"gamma": 3.0}, ValueError, r"gamma=3.0 is the concavity of penalty='mcp' or 'scad'"),
        ({"penalty": "mcp", "gamma": 0.5}, ValueError, r"gamma"),
        ({"penalty": "scad", "gamma": 2.0}, ValueError, r"gamma"),
        (
            {"penalty": "mcp", "l1_ratio": 0.5},
            ValueError,
            r"l1_ratio=0.5 is not available with penalty='mcp'",
        ),
        (
            {"penalty": "scad", "positive": True},
            ValueError,
            r"positive=True is not available with penalty='scad'",
        ),
        (
            {"multi_task": True, "standardize": True},
            ValueError,
            r"standardize=True is not available with multi_task=True",
        ),
        ({"penalty": "mcp", "datafit": "logistic"}, ValueError, r"datafit='logistic' is not"),
        (
            {"penalty": "mcp", "multi_task": True},
            ValueError,
            r"penalty='mcp' is not available with multi_task=True",
        ),
    ],
)
def test_penalty_bad_input_names_the_option(kwargs, error, match):
    X, y = simulated(10, 3)
    with pytest.raises(error, match=match):
        shrinkage.path(X, np.c_[y, y] if kwargs.get("multi_task") else y, **kwargs)


def test_a_group_paths_exact_refit_is_refused_not_a_lasso():
    X, y = simulated(30, 4)
    P = shrinkage.group_path(X, y, groups=[0, 0, 1, 1], n_alphas=5)
    assert P.penalty == "group"
    with pytest.raises(ValueError, match="does not keep a group path's groups"):
        P.coef_at(P.alphas[2], exact=True, X=X, y=y)


def test_the_path_on_float_arrays_imports_neither_scikit_learn_nor_pandas():
    # scikit-learn's import (SciPy's statistics, pandas) would be most of a first path's time
    code = (
        "import sys, warnings, numpy as np, shrinkage\n"
        "rng = np.random.default_rng(0)\n"
        "X = rng.standard_normal((50, 8))\n"
        "X[:, 1] = X[:, 0] + 0.01 * rng.standard_normal(50)\n"
        "y = X[:, 0] + rng.standard_normal(50)\n"
        "fit = shrinkage.path(X, y, n_alphas=5)\n"
        "print(sorted(m for m in ('sklearn', 'pandas', 'scipy.stats') if m in sys.modules))\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    shrinkage.path(X, y, n_alphas=5, max_iter=1, tol=1e-14)\n"
        "from sklearn.exceptions import ConvergenceWarning\n"
        "print(any(issubclass(w.category, ConvergenceWarning) for w in caught))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["[]", "True"]
