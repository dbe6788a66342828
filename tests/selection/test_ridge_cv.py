"""Ridge leave-one-out (shrinkage.selection.ridge_cv): samples whose leverage is 1, the kernel
and primal forms against scikit-learn's RidgeCV, each other and brute-force refits."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk

from shrinkage import RidgeCV
from shrinkage._problem import Problem
from shrinkage.selection import ridge_cv
from shrinkage.solvers.column_cache import RawDesign, row_major_design


def _data(n: int = 20, p: int = 3):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    return X, X @ np.array([1.0, -1.0, 0.5]) + 0.3 * rng.standard_normal(n)


def _one_positive(n: int) -> np.ndarray:
    w = np.zeros(n)
    w[4] = 1.0
    return w


def _one_huge(n: int) -> np.ndarray:
    w = np.ones(n)
    w[4] = 1e300
    return w


@pytest.mark.parametrize("weights", [_one_positive, _one_huge], ids=["one-positive", "one-huge"])
def test_a_sample_holding_all_the_weight_is_a_clear_error(weights):
    X, y = _data()
    with pytest.raises(ValueError, match=r"leave-one-out .* sample 4 has leverage 1"):
        RidgeCV().fit(X, y, sample_weight=weights(len(y)))


def test_one_row_with_an_intercept_is_a_clear_error():
    X, y = _data()
    with pytest.raises(ValueError, match=r"leave-one-out .* sample 0 has leverage 1"):
        RidgeCV().fit(X[:1], y[:1])


def test_one_row_without_an_intercept_is_defined():
    X, y = _data()
    model = RidgeCV(fit_intercept=False).fit(X[:1], y[:1])
    # left out, the only sample is predicted by w = 0: its error is y^2 at every alpha
    np.testing.assert_allclose(model.cv_mean_, y[0] ** 2)


def test_zero_weights_are_left_out_not_refused():
    X, y = _data()
    w = (np.arange(len(y)) % 2).astype(float)
    weighted = RidgeCV(alphas=[0.1, 1.0, 10.0]).fit(X, y, sample_weight=w)
    kept = RidgeCV(alphas=[0.1, 1.0, 10.0]).fit(X[w > 0], y[w > 0])
    np.testing.assert_allclose(weighted.cv_mean_, kept.cv_mean_, rtol=1e-10)
    np.testing.assert_allclose(weighted.coef_, kept.coef_, rtol=1e-10)


def _loo_by_refits(X, y, sw, alpha):
    """Weighted mean of the held-out squared errors of Ridge(alpha) refitted without each
    sample, each fit by least squares on [sqrt(s) X_c; sqrt(alpha) I] with its columns scaled to
    norm 1 (a well-conditioned system whatever the units)."""
    errors = []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        s = sw[keep]
        x_mean, y_mean = s @ X[keep] / s.sum(), s @ y[keep] / s.sum()
        A = np.vstack(
            [np.sqrt(s)[:, None] * (X[keep] - x_mean), np.sqrt(alpha) * np.eye(X.shape[1])]
        )
        b = np.concatenate([np.sqrt(s) * (y[keep] - y_mean), np.zeros(X.shape[1])])
        norms = np.linalg.norm(A, axis=0)
        w = np.linalg.lstsq(A / norms, b, rcond=None)[0] / norms
        errors.append((y[i] - y_mean - (X[i] - x_mean) @ w) ** 2)
    return sw @ np.array(errors) / sw.sum()


@pytest.mark.parametrize("unit", [1.0, 1e8, 1e10])
def test_a_column_in_other_units_keeps_leave_one_out_exact(unit):
    """One column 1e8 times the others: the p x p eigendecomposition lost the small eigenvalues
    (sample 13 "had leverage 1"; at 1e9 and 1e10 the errors were 7 and 9 times too large); the
    equilibrated pencil keeps every leverage to rounding."""
    X, y = _data()
    X[:, 2] *= unit
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    alphas = [1e-3, 0.1, 10.0]
    model = RidgeCV(alphas=alphas).fit(X, y, sample_weight=sw)
    expected = [_loo_by_refits(X, y, sw, a) for a in alphas]
    np.testing.assert_allclose(np.ravel(model.cv_mean_), expected, rtol=1e-9)


# --------------------------------------------------------------------------------------------
# The kernel and primal forms, against scikit-learn's RidgeCV and brute-force refits

SHAPES = {"n>p": (60, 12), "p>n": (25, 60), "n=p": (40, 40), "n~p": (46, 40), "tall": (300, 4)}


def _simulated(n: int, p: int, targets: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rng.uniform(-2.0, 2.0, p)  # off-centre columns
    w = rng.standard_normal((p, targets)) * (rng.random((p, 1)) < 0.3)
    Y = X @ w + rng.standard_normal((n, targets)) + 1.5
    return X, (Y[:, 0] if targets == 1 else Y)


def _rel(a, b) -> float:
    """Largest difference relative to the largest reference entry (0 when both are 0)."""
    return float(np.max(np.abs(np.asarray(a) - b)) / max(np.max(np.abs(b)), 1e-300))


def _form(X, y, sw=None, fit_intercept=True, standardize=False):
    problem = Problem.build(
        X,
        y,
        sample_weight=sw,
        fit_intercept=fit_intercept,
        standardize=standardize,
        multi_output=True,
    )
    return problem, ridge_cv.decompose(problem, 12)


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no-intercept"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("targets", [1, 3])
def test_leave_one_out_matches_sklearn(shape, fit_intercept, weighted, targets):
    """alpha_, the squared held-out errors, coef_ and intercept_ equal scikit-learn's RidgeCV
    (its default efficient leave-one-out) on every shape, through whichever form is chosen."""
    X, y = _simulated(*shape, targets)
    n = shape[0]
    sw = np.random.default_rng(4).uniform(0.2, 3.0, n) if weighted else None
    alphas = np.geomspace(1e-2, 1e3, 12)
    kw = {"fit_intercept": fit_intercept, "store_cv_results": True}
    for per_target in [False, True] if targets > 1 else [False]:
        ours = RidgeCV(alphas, alpha_per_target=per_target, **kw).fit(X, y, sample_weight=sw)
        ref = sk.RidgeCV(alphas, alpha_per_target=per_target, **kw).fit(X, y, sample_weight=sw)
        # scikit-learn's errors live on the sqrt(s)-scaled rows: s_i e_i^2
        s = np.ones(n) if sw is None else sw
        scaled = ours.cv_results_ * s.reshape((n,) + (1,) * (ours.cv_results_.ndim - 1))
        assert _rel(scaled, ref.cv_results_) < 1e-8
        np.testing.assert_array_equal(ours.alpha_, ref.alpha_)
        assert _rel(ours.coef_, ref.coef_) < 1e-8
        assert _rel(ours.intercept_, ref.intercept_) < 1e-8
        if sw is None:
            np.testing.assert_allclose(ours.best_score_, ref.best_score_, rtol=1e-8)


@pytest.mark.parametrize("shape", [(25, 60), (40, 40)], ids=["p>n", "n=p"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("targets", [1, 3])
def test_the_uncentred_kernel_matches_sklearn_and_the_centred_copy(shape, weighted, targets):
    """Columns' offsets within a standard deviation: the kernel of X itself, the intercept's
    direction projected out (no centred copy), gives scikit-learn's alpha_, held-out errors,
    coef_ and intercept_, and the held-out residuals and coefficients of the kernel of the
    centred copy; larger offsets or a constant non-zero column take the copy."""
    n, p = shape
    X, y = _simulated(n, p, targets)
    X -= X.mean(axis=0) - 0.5 * X.std(axis=0)  # offsets of half a standard deviation
    sw = np.random.default_rng(4).uniform(0.2, 3.0, n) if weighted else None
    alphas = np.geomspace(1e-2, 1e3, 12)
    ours = RidgeCV(alphas, store_cv_results=True).fit(X, y, sample_weight=sw)
    ref = sk.RidgeCV(alphas, store_cv_results=True).fit(X, y, sample_weight=sw)
    s = np.ones(n) if sw is None else sw
    scaled = ours.cv_results_ * s.reshape((n,) + (1,) * (ours.cv_results_.ndim - 1))
    assert _rel(scaled, ref.cv_results_) < 1e-8
    np.testing.assert_array_equal(ours.alpha_, ref.alpha_)
    assert _rel(ours.coef_, ref.coef_) < 1e-8
    assert _rel(ours.intercept_, ref.intercept_) < 1e-8

    problem, raw = _form(X, y, sw)
    assert isinstance(raw, ridge_cv.DualRidge) and isinstance(raw.design, RawDesign)
    copy = ridge_cv.DualRidge(row_major_design(X, y, problem.sample_weight, True), raw.d, True)
    a = np.geomspace(1e-4, 1e2, 7)
    assert _rel(_held_out(raw, problem, a), _held_out(copy, problem, a)) < 1e-10
    assert _rel(raw.coefs(a), copy.coefs(a)) < 1e-10
    np.testing.assert_allclose(raw.design.col_norm_sq, copy.design.col_norm_sq, rtol=1e-12)
    for shifted in (X + 2.0 * X.std(axis=0), np.c_[np.ones(n), X[:, 1:]]):
        assert not isinstance(_form(shifted, y, sw)[1].design, RawDesign)


def test_the_form_follows_the_cost_and_the_columns_scales():
    X, y = _simulated(40, 40, 1)
    assert isinstance(_form(X, y)[1], ridge_cv.DualRidge)  # n = p: the kernel costs less
    assert isinstance(_form(*_simulated(300, 4, 1))[1], ridge_cv.PrimalRidge)
    assert isinstance(_form(*_simulated(25, 60, 1))[1], ridge_cv.DualRidge)
    X[:, 3] *= 1e3  # one column in other units: the equilibrated primal form
    assert isinstance(_form(X, y)[1], ridge_cv.PrimalRidge)
    X[:, 3] /= 1e3
    problem = Problem.build(X, y, penalty_factor=np.r_[0.0, np.ones(39)])
    assert isinstance(ridge_cv.decompose(problem, 12), ridge_cv.PrimalRidge)


def _held_out(model, problem, multipliers):
    """(n, k, t) held-out residuals of every sample and multiplier from ``model``."""
    out = np.zeros((problem.n_samples, multipliers.size, 1 + (problem.y.ndim == 2) * 2))
    for rows, resid, complement in model.residuals(
        problem.X, problem.y, problem.sample_weight, multipliers, problem.fit_intercept, True
    ):
        out[rows] = resid / complement[:, :, None]
    return out


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("targets", [1, 3])
@pytest.mark.parametrize("standardize", [False, True])
def test_kernel_and_primal_forms_agree_where_both_apply(fit_intercept, targets, standardize):
    """n >= p: the kernel form equals the primal form (the n >= p code before it) held-out
    residual by held-out residual, and in its coefficients and hat traces."""
    X, y = _simulated(46, 40, targets)
    if standardize:  # columns in other units: the penalty's scales make them comparable
        X *= np.random.default_rng(9).uniform(0.1, 30.0, 40)
    sw = np.random.default_rng(5).uniform(0.2, 3.0, 46)
    problem, dual = _form(X, y, sw, fit_intercept, standardize)
    assert isinstance(dual, ridge_cv.DualRidge)
    stats = problem.statistics
    primal = ridge_cv.PrimalRidge(stats, ridge_cv.penalty_scale(problem, stats.col_norm_sq))
    a = np.geomspace(1e-4, 1e2, 7)
    assert _rel(_held_out(dual, problem, a), _held_out(primal, problem, a)) < 1e-9
    assert _rel(dual.coefs(a), primal.coefs(a)) < 1e-9
    np.testing.assert_allclose(dual.hat_trace(a), primal.hat_trace(a), rtol=1e-9)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_near_interpolation_keeps_the_held_out_residuals_exact(fit_intercept):
    """p > n and alpha 1e-7: every leverage is within 1e-8 of 1, and 1 - h_ii is formed without
    cancellation (a sum of positive terms), so the held-out errors keep their digits."""
    rng = np.random.default_rng(6)
    X = rng.standard_normal((12, 30)) + 3.0
    y = X[:, :3].sum(axis=1) + 0.1 * rng.standard_normal(12)
    sw = rng.uniform(0.5, 2.0, 12)
    alphas = [1e-7, 1e-4]
    model = RidgeCV(alphas, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    if fit_intercept:
        expected = [_loo_by_refits(X, y, sw, a) for a in alphas]
    else:
        expected = [_loo_no_intercept(X, y, sw, a) for a in alphas]
    np.testing.assert_allclose(model.cv_mean_, expected, rtol=1e-8)


def _loo_no_intercept(X, y, sw, alpha):
    errors = []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        A = np.vstack([np.sqrt(sw[keep])[:, None] * X[keep], np.sqrt(alpha) * np.eye(X.shape[1])])
        b = np.concatenate([np.sqrt(sw[keep]) * y[keep], np.zeros(X.shape[1])])
        errors.append((y[i] - X[i] @ np.linalg.lstsq(A, b, rcond=None)[0]) ** 2)
    return sw @ np.array(errors) / sw.sum()


def test_sparse_kernel_form_matches_dense():
    X, y = _simulated(25, 60, 2)
    X[np.random.default_rng(7).random(X.shape) < 0.6] = 0.0
    sw = np.random.default_rng(8).uniform(0.5, 2.0, 25)
    alphas = np.geomspace(1e-2, 1e2, 5)
    dense = RidgeCV(alphas, store_cv_results=True).fit(X, y, sample_weight=sw)
    csc = RidgeCV(alphas, store_cv_results=True).fit(sp.csc_matrix(X), y, sample_weight=sw)
    assert _rel(csc.cv_results_, dense.cv_results_) < 1e-9
    assert _rel(csc.coef_, dense.coef_) < 1e-9


def test_a_shift_below_the_kernels_rounding_diagonalizes_the_tridiagonal_form():
    """A rank-3 kernel and alpha 1e-13: T + a I is not positive definite to working precision
    (K's null space carries rounding of either sign), so the kernel form diagonalizes T once
    (eigenvalues clipped at 0) and serves every alpha from that; the alphas above the rounding
    keep the held-out errors of refits."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 3)) @ rng.standard_normal((3, 60)) + 1.0
    y = X[:, 0] + rng.standard_normal(30)
    sw = rng.uniform(0.5, 2.0, 30)
    alphas = np.array([1e-13, 1e-2, 1.0])
    problem = Problem.build(X, y, sample_weight=sw)
    loo = ridge_cv.leave_one_out(problem, alphas)
    assert isinstance(loo.model, ridge_cv.DualRidge) and not np.any(loo.model.off)
    assert np.all(np.isfinite(loo.errors))
    expected = [_loo_by_refits(X, y, sw, a) for a in alphas[1:]]
    np.testing.assert_allclose(loo.errors[1:, 0], expected, rtol=1e-8)
