"""solve_glm_path / path(datafit="logistic"): agreement with scikit-learn and skglm on the same
objective, warm starts, sparse input, weights, offset, bounds and penalty factors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage
from shrinkage._problem import Problem
from shrinkage.glm import solve_glm_path

from ._data import classification, counts, logistic_gap, logistic_objective

X, Y = classification()
N, P = X.shape


def _skglm_l1(alpha, positive=False):
    skglm = pytest.importorskip("skglm")
    from skglm.datafits import Logistic
    from skglm.penalties import L1
    from skglm.solvers import ProxNewton

    est = skglm.GeneralizedLinearEstimator(
        Logistic(), L1(alpha, positive=positive), ProxNewton(tol=1e-13, max_iter=200)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, 2 * Y - 1)
    return est.coef_.ravel(), float(np.ravel(est.intercept_)[0])


def _fit(alpha, **kw):
    kw.setdefault("tol", 1e-12)
    path = shrinkage.path(kw.pop("X", X), kw.pop("y", Y), datafit="logistic", alphas=[alpha], **kw)
    assert path.converged.all()
    return path.coefs[0], path.intercepts[0], path


def _agree(ours, ref, alpha, l1_ratio=1.0, **obj_kw):
    f_ours = logistic_objective(X, Y, *ours, alpha, l1_ratio, **obj_kw)
    f_ref = logistic_objective(X, Y, *ref, alpha, l1_ratio, **obj_kw)
    assert f_ours <= f_ref * (1 + 1e-8)
    np.testing.assert_allclose(ours[0], ref[0], atol=1e-5)
    np.testing.assert_allclose(ours[1], ref[1], atol=1e-5)


@pytest.mark.parametrize("sparse", [False, True])
def test_l1_matches_skglm(sparse):
    alpha = 0.02
    w, b, path = _fit(alpha, X=sp.csc_matrix(X) if sparse else X)
    assert path.datafit == "logistic" and path.certificate == "duality_gap"
    assert 0 < np.count_nonzero(w) < P
    _agree((w, b), _skglm_l1(alpha), alpha)


def test_elastic_net_is_certified_by_an_independent_gap():
    alpha, l1_ratio = 0.03, 0.4
    w, b, path = _fit(alpha, l1_ratio=l1_ratio)
    assert 0 < np.count_nonzero(w) < P
    assert logistic_gap(X, Y, w, b, alpha, l1_ratio) < 1e-11
    np.testing.assert_allclose(path.gaps[0], logistic_gap(X, Y, w, b, alpha, l1_ratio), atol=1e-12)


def test_l2_matches_sklearn_lbfgs():
    from sklearn.linear_model import LogisticRegression

    alpha = 0.05
    w, b, _ = _fit(alpha, l1_ratio=0.0)
    ref = LogisticRegression(C=1 / (alpha * N), tol=1e-12, max_iter=10_000).fit(X, Y)
    _agree((w, b), (ref.coef_.ravel(), ref.intercept_[0]), alpha, 0.0)


def test_l1_without_intercept_matches_liblinear():
    from sklearn.linear_model import LogisticRegression

    alpha = 0.02
    w, b, _ = _fit(alpha, fit_intercept=False)
    assert b == 0.0
    ref = LogisticRegression(
        C=1 / (alpha * N),
        l1_ratio=1.0,
        solver="liblinear",
        fit_intercept=False,
        tol=1e-10,
        max_iter=10_000,
    ).fit(X, Y)
    _agree((w, 0.0), (ref.coef_.ravel(), 0.0), alpha)


def test_positive_matches_skglm():
    alpha = 0.01
    w, b, _ = _fit(alpha, positive=True)
    assert np.all(w >= 0) and np.any(w > 0)
    _agree((w, b), _skglm_l1(alpha, positive=True), alpha)


def test_penalty_factor_zero_is_unpenalized():
    alpha = 0.05
    factors = np.linspace(0.5, 2.0, P)
    factors[[1, 5]] = 0.0
    w, b, _ = _fit(alpha, penalty_factor=factors)
    assert w[1] != 0 and w[5] != 0
    assert logistic_gap(X, Y, w, b, alpha, factors=factors) < 1e-11


def test_sample_weights_equal_repeated_rows():
    counts = np.arange(N) % 3
    w1, b1, _ = _fit(0.02, sample_weight=counts)
    keep = np.repeat(np.arange(N), counts)
    w2, b2, _ = _fit(0.02, X=X[keep], y=Y[keep])
    np.testing.assert_allclose(w1, w2, atol=1e-7)
    np.testing.assert_allclose(b1, b2, atol=1e-7)


def test_offset_equals_a_column_pinned_at_one():
    rng = np.random.default_rng(1)
    offset = rng.normal(0, 0.7, N)
    w1, b1, _ = _fit(0.02, offset=offset)
    Xo = np.column_stack([X, offset])
    lower = np.r_[np.full(P, -np.inf), 1.0]
    upper = np.r_[np.full(P, np.inf), 1.0]
    w2, b2, _ = _fit(0.02, X=Xo, lower=lower, upper=upper)
    np.testing.assert_allclose(w1, w2[:P], atol=1e-7)
    np.testing.assert_allclose(b1, b2, atol=1e-7)


def test_box_bounds_hold_at_the_optimum():
    lower, upper = -0.2, 0.3
    w, _, _ = _fit(0.005, lower=lower, upper=upper)
    assert np.all(w >= lower) and np.all(w <= upper)
    assert np.any(w == upper) and np.any(w == lower)


def test_standardize_equals_fitting_standardized_columns():
    sd = X.std(axis=0)
    w1, b1, _ = _fit(0.02, standardize=True)
    w2, b2, _ = _fit(0.02, X=X / sd)
    np.testing.assert_allclose(w1 * sd, w2, atol=1e-7)
    np.testing.assert_allclose(b1, b2, atol=1e-7)


def test_warm_started_path_equals_cold_fits():
    path = shrinkage.path(X, Y, datafit="logistic", n_alphas=8, alpha_min_ratio=0.05, tol=1e-10)
    assert len(path) == 8
    for a, w, b in zip(path.alphas[::3], path.coefs[::3], path.intercepts[::3], strict=True):
        w_cold, b_cold, _ = _fit(a, tol=1e-10)
        np.testing.assert_allclose(w, w_cold, atol=1e-6)
        np.testing.assert_allclose(b, b_cold, atol=1e-6)


def test_alpha_max_is_the_first_zero_solution():
    path = shrinkage.path(X, Y, datafit="logistic", n_alphas=3, alpha_min_ratio=0.5)
    assert not path.coefs[0].any()
    mean = Y.mean()
    np.testing.assert_allclose(path.intercepts[0], np.log(mean / (1 - mean)))
    w, _, _ = _fit(path.alphas[0] * 0.99)
    assert np.count_nonzero(w) == 1


def test_gaps_are_below_tolerance_times_the_null_objective():
    tol = 1e-6
    path = shrinkage.path(X, Y, datafit="logistic", n_alphas=10, tol=tol)
    mean = Y.mean()
    null = -(mean * np.log(mean) + (1 - mean) * np.log(1 - mean))
    assert np.all(path.gaps <= tol * null)


def test_default_path_stops_when_the_deviance_saturates():
    Xs, ys = classification(seed=3, separable=True)
    path = shrinkage.path(Xs, ys, datafit="logistic", alpha_min_ratio=1e-6, n_alphas=100)
    assert 5 <= len(path) < 100
    assert np.all(np.isfinite(path.coefs))
    full = shrinkage.path(Xs, ys, datafit="logistic", alphas=path.alphas[:3])
    assert len(full) == 3


def test_separable_data_without_penalty_raises():
    Xs, ys = classification(seed=3, separable=True)
    with pytest.raises(ValueError, match="perfectly separable"):
        shrinkage.path(Xs, ys, datafit="logistic", alphas=[0.0])
    ys0 = (Xs[:, 0] > 0.1).astype(float)  # the unpenalized first column separates
    with pytest.raises(ValueError, match="perfectly separable"):
        shrinkage.path(
            Xs, ys0, datafit="logistic", alphas=[0.1], penalty_factor=np.r_[0.0, np.ones(P - 1)]
        )
    path = shrinkage.path(Xs, ys, datafit="logistic", alphas=[1e-3], l1_ratio=0.0)
    assert path.converged.all() and np.all(np.isfinite(path.coefs))


def test_solve_glm_path_with_a_datafit_instance():
    from shrinkage.datafits.logistic import Logistic

    problem = Problem.build(X, Y)
    path = solve_glm_path(problem, Logistic(), np.array([0.05, 0.02]), 1.0, tol=1e-10)
    w, _, _ = _fit(0.02, tol=1e-10)
    np.testing.assert_allclose(path.coefs[1], w, atol=1e-7)


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="0/1 labels"):
        shrinkage.path(X, Y * 2, datafit="logistic")
    with pytest.raises(ValueError, match="offset"):
        shrinkage.path(X, Y, datafit="logistic", offset=np.ones(N + 1))
    with pytest.raises(ValueError, match="datafit must be one of"):
        shrinkage.path(X, Y, datafit="logit")


def test_non_smooth_datafits_are_refused():
    from shrinkage.datafits.logistic import Logistic

    class Kinked(Logistic):
        name, smooth = "kinked", False

    with pytest.raises(ValueError, match="kinked datafit is not smooth"):
        shrinkage.path(X, Y, datafit=Kinked(), alphas=[0.1])


# --------------------------------------------------------------------------------------------
# the support just below alpha_max (default tol)


def _first_supports(datafit, Xd, yd, l1_ratio):
    """nnz at the first alphas of a fine default-tol path and of tight fits at those alphas."""
    path = shrinkage.path(
        Xd, yd, datafit=datafit, l1_ratio=l1_ratio, n_alphas=2000, alpha_min_ratio=0.9
    )
    tight = shrinkage.path(
        Xd,
        yd,
        datafit=datafit,
        l1_ratio=l1_ratio,
        alphas=path.alphas[:8],
        tol=1e-14,
        max_iter=100_000,
    )
    return path, tight


def _nnz(coefs):
    return np.count_nonzero(
        np.abs(coefs.reshape(coefs.shape[0], coefs.shape[1], -1)).max(axis=2), axis=1
    )


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("datafit", ["logistic", "multinomial", "poisson"])
def test_first_alphas_below_alpha_max_have_the_right_support(datafit, l1_ratio):
    """Just below alpha_max the duality gap of w = 0 is within the default tol, but a zero
    coefficient violates |x_j' u| <= alpha l1_ratio there: the solver must go on (the paths
    began with several all-zero fits, and reported them converged)."""
    from sklearn.datasets import load_iris

    if datafit == "multinomial":
        Xd, yd = load_iris(return_X_y=True)
        Xd = (Xd - Xd.mean(axis=0)) / Xd.std(axis=0)
    else:
        Xd, yd = (X, Y) if datafit == "logistic" else counts()
    path, tight = _first_supports(datafit, Xd, yd, l1_ratio)
    np.testing.assert_array_equal(_nnz(path.coefs[:8]), _nnz(tight.coefs))
    assert _nnz(path.coefs[:1])[0] == 0 and _nnz(path.coefs[1:2])[0] > 0
    assert path.converged[:8].all()


def test_first_alphas_below_alpha_max_agree_with_liblinear():
    """The same supports as scikit-learn's liblinear at tol 1e-10 (L1, no intercept: liblinear
    penalizes an intercept)."""
    from sklearn.linear_model import LogisticRegression as SkLogistic

    path = shrinkage.path(
        X, Y, datafit="logistic", fit_intercept=False, n_alphas=2000, alpha_min_ratio=0.9
    )
    for alpha, coef in zip(path.alphas[:6], path.coefs[:6], strict=True):
        sk = SkLogistic(
            l1_ratio=1.0,
            C=1.0 / (N * alpha),
            solver="liblinear",
            tol=1e-10,
            fit_intercept=False,
            max_iter=100_000,
        ).fit(X, Y)
        np.testing.assert_array_equal(coef != 0, sk.coef_.ravel() != 0)
    assert np.count_nonzero(path.coefs[1]) > 0


def test_a_ridge_path_does_not_stop_where_warm_starts_are_already_certified():
    """Early in a ridge path the warm start often meets the gap tolerance without a step, so
    consecutive deviance ratios are equal; that is not a stall (it stopped after 5 null-like
    alphas and LogisticRegressionCV chose the null model)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 10))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.standard_normal(200) > 0).astype(int)
    path = shrinkage.path(X, y, datafit="logistic", l1_ratio=0.0)
    assert len(path.alphas) == 100
    assert np.any(path.n_iter[1:6] == 0)  # warm starts certified without a step
    cv = shrinkage.LogisticRegressionCV(l1_ratios=0.0, cv=3).fit(X, y)
    assert cv.alpha_ < path.alphas[5]
    assert cv.score(X, y) > 0.7  # the null model scores the majority share, 0.52


def test_the_stall_rule_needs_a_certified_growth():
    from shrinkage.glm.path import deviance_saturated

    flat = [0.1, 0.2, 0.3, 0.4, 0.4]
    assert deviance_saturated(flat)
    assert not deviance_saturated(flat, uncertainty=1e-3)
    assert not deviance_saturated(flat, uncertainty=np.inf)
