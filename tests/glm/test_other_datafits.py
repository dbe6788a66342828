"""Poisson, Huber and squared hinge paths against scikit-learn and skglm on the same objective."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage

from ._data import classification, counts, penalty

XP, YP = counts()
N, P = XP.shape


def _fit(X, y, datafit, alpha, **kw):
    kw.setdefault("tol", 1e-12)
    path = shrinkage.path(X, y, datafit=datafit, alphas=[alpha], **kw)
    assert path.converged.all()
    assert path.datafit == (datafit if isinstance(datafit, str) else datafit.name)
    return path.coefs[0], path.intercepts[0]


def _skglm(datafit, pen, X, y, newton=False):
    skglm = pytest.importorskip("skglm")
    from skglm.solvers import AndersonCD, ProxNewton

    solver = ProxNewton(tol=1e-13, max_iter=200) if newton else AndersonCD(tol=1e-13, max_iter=500)
    est = skglm.GeneralizedLinearEstimator(datafit, pen, solver)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    return est.coef_.ravel(), float(np.ravel(est.intercept_)[0])


def _poisson_objective(w, b, alpha, l1_ratio=1.0):
    eta = XP @ w + b
    return float(np.mean(np.exp(eta) - YP * eta)) + penalty(w, alpha, l1_ratio)


def test_poisson_l2_matches_sklearn():
    from sklearn.linear_model import PoissonRegressor

    alpha = 0.05
    w, b = _fit(XP, YP, "poisson", alpha, l1_ratio=0.0)
    ref = PoissonRegressor(alpha=alpha, tol=1e-12, max_iter=10_000).fit(XP, YP)
    assert (
        _poisson_objective(w, b, alpha, 0.0)
        <= _poisson_objective(ref.coef_, ref.intercept_, alpha, 0.0) + 1e-12
    )
    np.testing.assert_allclose(w, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(b, ref.intercept_, atol=1e-6)


@pytest.mark.parametrize("sparse", [False, True])
def test_poisson_l1_matches_skglm(sparse):
    from skglm.datafits import Poisson as SkPoisson
    from skglm.penalties import L1

    alpha = 0.02
    w, b = _fit(sp.csc_matrix(XP) if sparse else XP, YP, "poisson", alpha)
    assert 0 < np.count_nonzero(w) < P
    ref_w, ref_b = _skglm(SkPoisson(), L1(alpha), XP, YP, newton=True)
    assert _poisson_objective(w, b, alpha) <= _poisson_objective(ref_w, ref_b, alpha) + 1e-12
    np.testing.assert_allclose(w, ref_w, atol=1e-5)
    np.testing.assert_allclose(b, ref_b, atol=1e-5)


def test_poisson_exposure_offset_equals_a_column_pinned_at_one():
    exposure = np.linspace(0.5, 3.0, N)
    y = np.round(YP * exposure)
    w1, b1 = _fit(XP, y, "poisson", 0.01, offset=np.log(exposure))
    Xo = np.column_stack([XP, np.log(exposure)])
    w2, b2 = _fit(
        Xo,
        y,
        "poisson",
        0.01,
        lower=np.r_[np.full(P, -np.inf), 1.0],
        upper=np.r_[np.full(P, np.inf), 1.0],
    )
    np.testing.assert_allclose(w1, w2[:P], atol=1e-7)
    np.testing.assert_allclose(b1, b2, atol=1e-7)


def test_poisson_rejects_negative_counts():
    with pytest.raises(ValueError, match="non-negative counts"):
        shrinkage.path(XP, YP - 1, datafit="poisson")


def test_poisson_default_path_is_certified():
    path = shrinkage.path(XP, YP, datafit="poisson", n_alphas=10)
    assert not path.coefs[0].any() and path.converged.all()
    np.testing.assert_allclose(path.intercepts[0], np.log(YP.mean()))


@pytest.mark.parametrize("epsilon", [1.0, 1.5])
def test_huber_l1_matches_skglm(epsilon):
    from skglm.datafits import Huber as SkHuber
    from skglm.penalties import L1

    rng = np.random.default_rng(4)
    X = rng.standard_normal((100, 12))
    y = X[:, :3] @ [1.0, -2.0, 0.5] + rng.standard_t(1.5, 100)
    alpha = 0.05
    w, b = (
        _fit(X, y, "huber", alpha)
        if epsilon == 1.35
        else _fit(X, y, shrinkage.datafits.get_datafit("huber", epsilon=epsilon), alpha)
    )
    ref_w, ref_b = _skglm(SkHuber(epsilon), L1(alpha), X, y)
    np.testing.assert_allclose(w, ref_w, atol=1e-5)
    np.testing.assert_allclose(b, ref_b, atol=1e-5)


def test_huber_scale_rescales_the_problem():
    from shrinkage.datafits.huber import Huber

    rng = np.random.default_rng(5)
    X = rng.standard_normal((80, 6))
    y = X[:, 0] - X[:, 1] + rng.standard_t(2, 80)
    s = 2.5  # scale H(r/s) s = (1/s) H_1(r) in units of y/s: same minimizer with y/s, alpha/s^2
    w1, b1 = _fit(X, y, Huber(1.2, s), 0.02, l1_ratio=0.0)
    w2, b2 = _fit(X, y / s, Huber(1.2, 1.0), 0.02 * s, l1_ratio=0.0)
    np.testing.assert_allclose(w1, w2 * s, atol=1e-7)
    np.testing.assert_allclose(b1, b2 * s, atol=1e-7)


@pytest.mark.parametrize(("penalty_name", "l1_ratio"), [("l2", 0.0), ("l1", 1.0)])
def test_squared_hinge_matches_linear_svc(penalty_name, l1_ratio):
    from sklearn.svm import LinearSVC

    X, y01 = classification(n=100, p=10, seed=6)
    y = 2 * y01 - 1
    alpha = 0.05
    w, _ = _fit(X, y, "squared_hinge", alpha, l1_ratio=l1_ratio, fit_intercept=False)
    ref = LinearSVC(
        C=1 / (alpha * len(y)),
        penalty=penalty_name,
        loss="squared_hinge",
        dual=False,
        fit_intercept=False,
        tol=1e-12,
        max_iter=100_000,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # liblinear reports its own tolerance as unreachable
        ref.fit(X, y)
    np.testing.assert_allclose(w, ref.coef_.ravel(), atol=1e-5)


def test_squared_hinge_with_intercept_is_certified():
    X, y01 = classification(n=100, p=10, seed=7)
    path = shrinkage.path(X, 2 * y01 - 1, datafit="squared_hinge", n_alphas=10, tol=1e-8)
    assert path.converged.all() and path.certificate == "duality_gap"


def test_squared_hinge_without_penalty_on_unscaled_columns_is_scale_invariant():
    """Columns whose scales differ by 1e5: the unpenalized fit is the standardized one mapped
    back, with a positive certificate (it was a bare 0.0 after 0 iterations)."""
    rng = np.random.default_rng(0)
    n = 300
    Z = np.column_stack(
        [
            rng.normal(800, 400, n),
            rng.normal(3e4, 1e4, n),
            rng.integers(0, 2, n),
            rng.normal(0.0, 0.1, n),
        ]
    )
    eta = -5 + 0.004 * Z[:, 0] + 2e-5 * Z[:, 1] - 0.5 * Z[:, 2] + 3 * Z[:, 3]
    y = np.where(rng.random(n) < 1 / (1 + np.exp(-eta)), 1.0, -1.0)
    mean, sd = Z.mean(axis=0), Z.std(axis=0)
    raw = shrinkage.path(Z, y, datafit="squared_hinge", alphas=[0.0], tol=1e-10)
    std = shrinkage.path((Z - mean) / sd, y, datafit="squared_hinge", alphas=[0.0], tol=1e-12)
    assert raw.converged[0] and raw.gaps[0] > 0.0 and raw.n_iter[0] > 0
    np.testing.assert_allclose(raw.coefs[0], std.coefs[0] / sd, rtol=1e-8)
    assert raw.intercepts[0] == pytest.approx(
        std.intercepts[0] - (std.coefs[0] / sd) @ mean, rel=1e-8
    )
