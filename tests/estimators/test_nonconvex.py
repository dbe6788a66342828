"""MCPRegressor, SCADRegressor and their path: skglm's objective at the same start, support
recovery where the lasso fails, the KKT certificate, the scikit-learn contract, bad gamma."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.utils.estimator_checks import check_estimator

import shrinkage
from shrinkage.exceptions import ShrinkageConvergenceWarning
from shrinkage.paths.nonconvex import nonconvex_path
from shrinkage.penalties import mcp, scad

MODELS = {"mcp": (shrinkage.MCPRegressor, mcp, 3.0), "scad": (shrinkage.SCADRegressor, scad, 3.7)}


def correlated(seed: int, n: int = 100, p: int = 40, rho: float = 0.6):
    """Standardized Toeplitz-correlated columns, 5 true features spread out, an intercept of 1."""
    rng = np.random.default_rng(seed)
    C = rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = rng.standard_normal((n, p)) @ np.linalg.cholesky(C).T
    X = (X - X.mean(0)) / X.std(0)
    w = np.zeros(p)
    w[np.linspace(0, p - 1, 5).astype(int)] = [3.0, -2.5, 2.0, -3.0, 2.5]
    return X, X @ w + rng.standard_normal(n) + 1.0


def objective(X, y, coef, intercept, alpha: float, penalty: str) -> float:
    """skglm's objective: 1/(2n) ||y - X w - b||^2 + sum_j pen(w_j; alpha, gamma)."""
    _, module, gamma = MODELS[penalty]
    r = y - X @ coef - intercept
    return 0.5 * float(np.mean(r**2)) + module.value(coef, np.full(X.shape[1], alpha), gamma)


def skglm_fit(X, y, alpha: float, penalty: str, gamma: float):
    estimators = pytest.importorskip("skglm")
    from skglm.datafits import Quadratic
    from skglm.penalties import SCAD
    from skglm.solvers import AndersonCD

    if penalty == "mcp":
        return estimators.MCPRegression(alpha=alpha, gamma=gamma, tol=1e-10, max_iter=1000).fit(
            X, y
        )
    return estimators.GeneralizedLinearEstimator(
        Quadratic(), SCAD(alpha, gamma), AndersonCD(tol=1e-10, max_iter=1000)
    ).fit(X, y)


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("fraction", [0.3, 0.03])
def test_objective_no_worse_than_skglm_from_the_same_start(penalty, seed, fraction):
    X, y = correlated(seed)
    alpha = fraction * np.max(np.abs(X.T @ (y - y.mean()))) / len(y)
    cls, _, gamma = MODELS[penalty]
    ours = cls(alpha=alpha, gamma=gamma, tol=1e-10, max_iter=100_000).fit(X, y)  # from 0
    theirs = skglm_fit(X, y, alpha, penalty, gamma)  # from 0
    assert ours.converged_
    ours_value = objective(X, y, ours.coef_, ours.intercept_, alpha, penalty)
    assert ours_value <= objective(X, y, theirs.coef_, theirs.intercept_, alpha, penalty) + 1e-13
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-7)  # the same stationary point


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
def test_columns_of_small_norm_the_coordinate_problems_are_not_convex(penalty):
    """||x_j||^2 / n = 0.04 < 1 / gamma: the exact coordinate minimum is a hard threshold (skglm's
    firm-threshold formula assumes gamma ||x_j||^2 / n > 1), and a zero coordinate can be
    stationary while a jump lowers the objective.  The fit is certified stationary and no single
    coordinate move improves it."""
    X, y = correlated(2)
    X = 0.2 * X
    cls, _, gamma = MODELS[penalty]
    alpha = 0.05 * np.max(np.abs(X.T @ (y - y.mean()))) / len(y)
    model = cls(alpha=alpha, gamma=gamma, tol=1e-10, max_iter=100_000).fit(X, y)
    assert model.converged_
    base = objective(X, y, model.coef_, model.intercept_, alpha, penalty)
    for j in range(X.shape[1]):
        for t in np.linspace(-20, 20, 401):  # the true coefficients are within +-15
            coef = model.coef_.copy()
            coef[j] = t
            assert objective(X, y, coef, np.mean(y - X @ coef), alpha, penalty) >= base - 1e-12


def decoy_design(seed: int, n: int = 200, p: int = 50, k: int = 5):
    """Strong signals on the first k standardized columns and a decoy column built from them,
    which violates the lasso's irrepresentable condition (|x_decoy' X_S (X_S' X_S)^-1 1| ~ 1.9)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, k] = 0.85 * X[:, :k].sum(axis=1) / np.sqrt(k) + 0.5 * rng.standard_normal(n)
    X = (X - X.mean(0)) / X.std(0)
    w = np.zeros(p)
    w[:k] = 2.0
    return X, X @ w + rng.standard_normal(n), set(range(k))


@pytest.mark.parametrize("seed", [0, 1])
def test_support_recovery_better_than_the_lasso(seed):
    X, y, support = decoy_design(seed)
    XS = X[:, :5]
    assert np.abs(X[:, 5] @ XS @ np.linalg.solve(XS.T @ XS, np.ones(5))) > 1.5

    def exact(path) -> int:
        return sum(set(np.flatnonzero(c)) == support for c in path.coefs)

    lasso = shrinkage.path(X, y, n_alphas=100)
    assert exact(lasso) == 0  # the decoy enters before the last true feature, at every alpha
    for penalty in ("mcp", "scad"):
        path = nonconvex_path(X, y, penalty=penalty, n_alphas=100)
        assert exact(path) >= 5
        assert np.all(path.converged) and path.certificate == "kkt"


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
def test_path_certificate_is_the_kkt_violation(penalty):
    X, y = correlated(3)
    path = nonconvex_path(X, y, penalty=penalty, n_alphas=15, tol=1e-6)
    assert path.nnz[0] == 0 and path.alphas[0] == pytest.approx(
        np.max(np.abs(X.T @ (y - y.mean()))) / len(y)
    )
    _, module, gamma = MODELS[penalty]
    Xc = X - X.mean(0)
    scale = np.sqrt(np.mean((y - y.mean()) ** 2))
    for a, w, b, gap in zip(path.alphas, path.coefs, path.intercepts, path.gaps, strict=True):
        corr = Xc.T @ (y - X @ w - b) / len(y)
        scores = module.kkt_scores(corr, w, np.full(w.size, a), gamma, np.empty(w.size))
        kkt = np.max(scores / np.sqrt(np.mean(Xc**2, axis=0)))
        assert kkt == pytest.approx(gap, rel=1e-6, abs=1e-12 * scale)
        assert kkt <= 1e-6 * scale
        assert b == pytest.approx(np.mean(y - X @ w))


def test_sample_weight_equals_repeated_rows_and_sparse_equals_dense():
    X, y = correlated(4, n=60, p=15)
    counts = np.random.default_rng(0).integers(1, 4, size=60)
    for cls, _, _ in MODELS.values():
        weighted = cls(alpha=0.2, tol=1e-10).fit(X, y, sample_weight=counts)
        repeated = cls(alpha=0.2, tol=1e-10).fit(np.repeat(X, counts, 0), np.repeat(y, counts))
        np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-8)
        assert weighted.intercept_ == pytest.approx(repeated.intercept_)
        sparse = cls(alpha=0.2, tol=1e-10).fit(sp.csc_matrix(X), y, sample_weight=counts)
        np.testing.assert_allclose(sparse.coef_, weighted.coef_, atol=1e-8)


def test_penalty_factor_scales_alpha_and_zero_leaves_a_feature_unpenalized():
    X, y = correlated(5, n=80, p=10)
    f = np.array([0.0, 1.0, 2.0, 1.0, 0.5, 1.0, 1.0, 3.0, 1.0, 1.0])
    model = shrinkage.MCPRegressor(alpha=0.3, penalty_factor=f, tol=1e-10).fit(X, y)
    Xc, r = X - X.mean(0), y - model.predict(X)
    corr = Xc.T @ r / len(y)
    scores = mcp.kkt_scores(corr, model.coef_, 0.3 * f, 3.0, np.empty(10))
    assert np.max(scores) <= 1e-8 and abs(corr[0]) <= 1e-8  # feature 0: least squares
    path = nonconvex_path(X, y, penalty_factor=f, n_alphas=5)
    assert path.nnz[0] == 1 and path.coefs[0, 0] != 0  # alpha_max keeps the free feature


@pytest.mark.parametrize("cls", [shrinkage.MCPRegressor, shrinkage.SCADRegressor])
def test_check_estimator(cls):
    check_estimator(cls())


@pytest.mark.parametrize(
    "cls, gamma, message",
    [
        (shrinkage.MCPRegressor, 1.0, "gamma must be > 1 for MCP"),
        (shrinkage.MCPRegressor, 0.5, "gamma must be > 1 for MCP"),
        (shrinkage.SCADRegressor, 2.0, "gamma must be > 2 for SCAD"),
        (shrinkage.SCADRegressor, np.inf, "gamma must be > 2 for SCAD"),
    ],
)
def test_bad_gamma_is_one_clear_error(cls, gamma, message):
    X, y = correlated(6, n=20, p=3)
    with pytest.raises(ValueError, match=message) as info:
        cls(gamma=gamma).fit(X, y)
    assert repr(gamma) in str(info.value)
    with pytest.raises(TypeError, match="gamma must be a real number"):
        cls(gamma="3").fit(X, y)
    penalty = "mcp" if cls is shrinkage.MCPRegressor else "scad"
    with pytest.raises(ValueError, match=message):
        nonconvex_path(X, y, penalty=penalty, gamma=gamma)
    with pytest.raises(ValueError, match="penalty must be one of"):
        nonconvex_path(X, y, penalty="lasso")


def test_feature_names_and_warm_start():
    X, y = correlated(7, n=50, p=4)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = shrinkage.SCADRegressor(alpha=0.1).fit(frame, y)
    assert list(model.feature_names_in_) == ["a", "b", "c", "d"]
    assert list(nonconvex_path(frame, y, n_alphas=3).feature_names) == ["a", "b", "c", "d"]
    with pytest.warns(UserWarning, match="feature names"):
        model.predict(X)
    warm = shrinkage.MCPRegressor(alpha=0.1, warm_start=True, tol=1e-10).fit(X, y)
    first = warm.coef_.copy()
    assert warm.fit(X, y).n_iter_ == 1  # already stationary: the certifying pass only
    np.testing.assert_array_equal(warm.coef_, first)


def test_not_converged_warns_with_the_kkt_violation():
    X, y = correlated(8)
    with pytest.warns(ShrinkageConvergenceWarning, match="KKT violation"):
        model = shrinkage.MCPRegressor(alpha=0.01, max_iter=1, tol=1e-12).fit(X, y)
    assert not model.converged_ and model.dual_gap_ > 0


def scaled_design(seed: int, n: int = 70, p: int = 8):
    """Columns on very different scales and offsets, a constant column (3), a sparse signal
    (p >= 8)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.geomspace(1e-2, 1e2, p) + 5.0
    X[:, 3] = 2.5
    w = np.zeros(p)
    w[[0, 5, 7]] = [40.0, 0.02, -0.01]
    return X, X @ w + rng.standard_normal(n)


def weighted_scale(X, sw, fit_intercept: bool) -> np.ndarray:
    """glmnet's / ncvreg's scales: weighted sd (RMS without intercept), 1 for a constant."""
    sw = sw / sw.sum()
    mean = sw @ X if fit_intercept else np.zeros(X.shape[1])
    sd = np.sqrt(sw @ (X - mean) ** 2)
    return np.where(sd > 1e-12 * np.abs(X).max(axis=0), sd, 1.0)


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("sparse", [False, True])
def test_standardize_is_the_fit_on_scaled_columns_back_transformed(penalty, fit_intercept, sparse):
    X, y = scaled_design(10)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    s = weighted_scale(X, sw, fit_intercept)
    cls = MODELS[penalty][0]
    data = sp.csc_matrix(X) if sparse else X
    # sparse: centred inside the kernels, with a rounding floor above 1e-12
    tol, rtol = (1e-10, 1e-6) if sparse else (1e-12, 1e-8)
    for alpha in (0.5, 0.05):
        ours = cls(alpha=alpha, standardize=True, fit_intercept=fit_intercept, tol=tol).fit(
            data, y, sample_weight=sw
        )
        manual = cls(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12).fit(
            X / s, y, sample_weight=sw
        )
        assert ours.converged_ and ours.get_params()["standardize"] is True
        np.testing.assert_allclose(ours.coef_ * s, manual.coef_, rtol=rtol, atol=rtol)
        assert ours.intercept_ == pytest.approx(manual.intercept_, rel=rtol, abs=rtol)
        if not sparse:  # the same iterates: the same certificate
            assert ours.dual_gap_ == pytest.approx(manual.dual_gap_, rel=1e-3, abs=1e-14)
        if fit_intercept:
            assert ours.coef_[3] == 0  # the constant column: scale 1, coefficient 0
    # and different from the unstandardized fit: the penalty acts on another scale
    plain = cls(alpha=0.05, fit_intercept=fit_intercept, tol=tol).fit(data, y, sample_weight=sw)
    assert not np.allclose(plain.coef_, ours.coef_, rtol=1e-2, atol=0)


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
def test_standardize_has_no_effect_on_columns_of_unit_sd(penalty):
    """ncvreg standardizes every fit; on columns that already have unit sd, as in the
    skglm comparison above, standardize=True changes nothing."""
    X, y = correlated(11, n=80, p=12)
    cls = MODELS[penalty][0]
    alpha = 0.1 * np.max(np.abs(X.T @ (y - y.mean()))) / len(y)
    on = cls(alpha=alpha, standardize=True, tol=1e-12).fit(X, y)
    off = cls(alpha=alpha, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(on.coef_, off.coef_, rtol=1e-10, atol=1e-12)
    assert on.intercept_ == pytest.approx(off.intercept_, rel=1e-12)
    path_on = nonconvex_path(X, y, penalty=penalty, standardize=True, n_alphas=8, tol=1e-10)
    path_off = nonconvex_path(X, y, penalty=penalty, n_alphas=8, tol=1e-10)
    np.testing.assert_allclose(path_on.alphas, path_off.alphas, rtol=1e-12)
    np.testing.assert_allclose(path_on.coefs, path_off.coefs, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("penalty", ["mcp", "scad"])
def test_standardized_certificate_is_the_kkt_violation_on_the_original_scale(penalty):
    """The penalty sum_j pen(s_j w_j): its KKT violation in w, per unit column norm, computed
    here with numpy on the original columns, is ``dual_gap_``."""
    X, y = scaled_design(12)
    sw = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    cls, module, gamma = MODELS[penalty]
    f = np.ones(X.shape[1])
    f[1] = 0.0
    model = cls(alpha=0.2, standardize=True, penalty_factor=f, tol=1e-9).fit(X, y, sample_weight=sw)
    s = weighted_scale(X, sw, True)
    w = sw / sw.sum()
    Xc = X - w @ X
    corr = Xc.T @ (w * (y - model.predict(X)))  # minus the gradient in coef
    # d/dw pen(s w) = s pen'(s w): the distance to s times the subdifferential at s w
    scores = s * module.kkt_scores(corr / s, model.coef_ * s, 0.2 * f, gamma, np.empty(X.shape[1]))
    norms = np.sqrt(w @ Xc**2)
    active = norms > 1e-12
    kkt = np.max(scores[active] / norms[active])
    assert kkt == pytest.approx(model.dual_gap_, rel=1e-4, abs=1e-14)
    assert kkt <= 1e-9 * np.sqrt(w @ (y - w @ y) ** 2) and model.converged_


def test_standardize_with_sample_weight_equals_repeated_rows_and_warm_starts():
    X, y = scaled_design(13, n=50)
    counts = np.random.default_rng(3).integers(1, 4, size=50)
    for cls, _, _ in MODELS.values():
        weighted = cls(alpha=0.2, standardize=True, tol=1e-12).fit(X, y, sample_weight=counts)
        repeated = cls(alpha=0.2, standardize=True, tol=1e-12).fit(
            np.repeat(X, counts, 0), np.repeat(y, counts)
        )
        np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-8, atol=1e-10)
        assert weighted.intercept_ == pytest.approx(repeated.intercept_, rel=1e-8)
        warm = cls(alpha=0.2, standardize=True, warm_start=True, tol=1e-12).fit(X, y)
        first = warm.coef_.copy()
        assert warm.fit(X, y).n_iter_ == 1  # the start is read on the original scale
        np.testing.assert_allclose(warm.coef_, first, rtol=1e-12)


@pytest.mark.parametrize("cls", [shrinkage.MCPRegressor, shrinkage.SCADRegressor])
def test_standardize_survives_save_and_load(cls, tmp_path):
    X, y = scaled_design(14)
    model = cls(alpha=0.1, standardize=True).fit(X, y)
    loaded = shrinkage.load(shrinkage.save(model, tmp_path / "m.json"))
    assert loaded.get_params()["standardize"] is True
    np.testing.assert_array_equal(loaded.coef_, model.coef_)
    np.testing.assert_allclose(loaded.fit(X, y).coef_, model.coef_, rtol=1e-12)


@pytest.mark.parametrize("cls", [shrinkage.MCPRegressor, shrinkage.SCADRegressor])
def test_check_estimator_standardized(cls):
    check_estimator(cls(standardize=True))
