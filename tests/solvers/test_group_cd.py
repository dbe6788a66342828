"""Group / sparse-group lasso solvers and path: reductions to the lasso, agreement with skglm on the
same objective, certificates, group sparsity, alpha_max, sparse input, weights, offsets."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage.group_path import GroupProblem, group_path
from shrinkage.path import path as lasso_path
from shrinkage.solvers.group_cd import quadratic_gap
from shrinkage.solvers.group_newton import glm_certificate, glm_objective

from ._common import sparse_group_prox

GROUPS = np.repeat(np.arange(5), 3)  # 15 columns, 5 groups of 3
SQRT3 = np.sqrt(3.0)


def _data(n=50, p=15, seed=0, binary=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.linspace(0.5, 2.0, p)
    y = X[:, :3] @ [1.5, -1.0, 1.0] + X[:, 6] + rng.standard_normal(n) + 2.0
    return X, (y > 2.0).astype(float) if binary else y


def _objective(
    X, y, w, b, alpha, l1_ratio, groups=GROUPS, datafit="quadratic", sw=None, factors=None
):
    """P(w, b) in plain numpy (groups labelled 0..G-1, factors sqrt(|g|) by default)."""
    sw = np.ones(len(y)) if sw is None else sw
    eta = X @ w + b
    loss = 0.5 * (y - eta) ** 2 if datafit == "quadratic" else np.logaddexp(0, eta) - y * eta
    labels = np.unique(groups)
    f = [np.sqrt(np.sum(groups == g)) for g in labels] if factors is None else factors
    group_part = sum(fg * np.linalg.norm(w[groups == g]) for fg, g in zip(f, labels, strict=True))
    return sw @ loss / sw.sum() + alpha * (l1_ratio * np.abs(w).sum() + (1 - l1_ratio) * group_part)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_groups_of_one_column_are_the_lasso(sparse, fit_intercept):
    X, y = _data()
    Xin = sp.csc_matrix(X) if sparse else X
    sw = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    ours = group_path(
        Xin,
        y,
        None,
        l1_ratio=0.3,
        n_alphas=15,
        tol=1e-12,
        sample_weight=sw,
        fit_intercept=fit_intercept,
        max_iter=100_000,
    )
    ref = lasso_path(
        Xin,
        y,
        n_alphas=15,
        tol=1e-12,
        sample_weight=sw,
        fit_intercept=fit_intercept,
        max_iter=100_000,
    )
    np.testing.assert_allclose(ours.alphas, ref.alphas, rtol=1e-12)
    np.testing.assert_allclose(ours.coefs, ref.coefs, atol=1e-8)
    np.testing.assert_allclose(ours.intercepts, ref.intercepts, atol=1e-8)
    assert ours.converged.all()


def test_l1_ratio_one_is_the_lasso_whatever_the_groups():
    X, y = _data()
    ours = group_path(X, y, GROUPS, l1_ratio=1.0, n_alphas=10, tol=1e-14, max_iter=100_000)
    ref = lasso_path(X, y, n_alphas=10, tol=1e-14, max_iter=100_000)
    np.testing.assert_allclose(ours.alphas, ref.alphas, rtol=1e-12)
    np.testing.assert_allclose(ours.coefs, ref.coefs, atol=1e-8)


def _skglm_group_lasso(X, y, alpha, datafit):
    """skglm's GroupBCD on the same objective (group lasso, weights sqrt(3), intercept)."""
    pytest.importorskip("skglm")
    from skglm.datafits import LogisticGroup, QuadraticGroup
    from skglm.penalties import WeightedGroupL2
    from skglm.solvers import GroupBCD

    ptr = np.arange(0, 16, 3).astype(np.int32)
    idx = np.arange(15).astype(np.int32)
    pen = WeightedGroupL2(alpha, SQRT3 * np.ones(5), ptr, idx)
    df = QuadraticGroup(ptr, idx) if datafit == "quadratic" else LogisticGroup(ptr, idx)
    target = y if datafit == "quadratic" else 2 * y - 1  # skglm's labels are -1 / +1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba performance hints
        w = GroupBCD(tol=1e-12, max_iter=10_000, fit_intercept=True).solve(X, target, df, pen)[0]
    return w[:15], w[15]


@pytest.mark.parametrize(("datafit", "alpha"), [("quadratic", 0.1), ("logistic", 0.02)])
def test_same_objective_as_skglm(datafit, alpha):
    X, y = _data(binary=datafit == "logistic")
    ours = group_path(X, y, GROUPS, datafit=datafit, alphas=[alpha], tol=1e-14, max_iter=100_000)
    w, b = _skglm_group_lasso(X, y, alpha, datafit)
    p_ours = _objective(X, y, ours.coefs[0], ours.intercepts[0], alpha, 0.0, datafit=datafit)
    p_ref = _objective(X, y, w, b, alpha, 0.0, datafit=datafit)
    assert abs(p_ours - p_ref) <= 1e-8 * p_ref
    np.testing.assert_allclose(ours.coefs[0], w, atol=1e-6)


def _fista(X, y, alpha, l1_ratio, datafit, fit_intercept, n_iter=20_000):
    """Accelerated proximal gradient in plain numpy on P(w, b) (groups of 3, factors sqrt(3))."""
    n, p = X.shape
    A = np.column_stack([X, np.ones(n)]) if fit_intercept else X
    step = 1.0 / (np.linalg.norm(A, 2) ** 2 / n * (1.0 if datafit == "quadratic" else 0.25))

    def grad(z):
        eta = A @ z
        d = eta - y if datafit == "quadratic" else 1 / (1 + np.exp(-eta)) - y
        return A.T @ d / n

    def prox(z):
        return np.r_[
            sparse_group_prox(
                z[:p], step * alpha * l1_ratio, step * alpha * (1 - l1_ratio) * SQRT3
            ),
            z[p:],
        ]

    z = x = np.zeros(A.shape[1])
    for k in range(n_iter):
        x_new = prox(z - step * grad(z))
        z = x_new + k / (k + 3) * (x_new - x)
        x = x_new
    return x[:p], (x[p] if fit_intercept else 0.0)


@pytest.mark.parametrize(
    ("datafit", "fit_intercept", "alpha"), [("quadratic", False, 0.1), ("logistic", True, 0.01)]
)
def test_sparse_group_matches_plain_proximal_gradient(datafit, fit_intercept, alpha):
    X, y = _data(binary=datafit == "logistic")
    ours = group_path(
        X,
        y,
        GROUPS,
        datafit=datafit,
        l1_ratio=0.5,
        alphas=[alpha],
        fit_intercept=fit_intercept,
        tol=1e-14,
        max_iter=100_000,
    )
    w, b = _fista(X, y, alpha, 0.5, datafit, fit_intercept)
    p_ours = _objective(X, y, ours.coefs[0], ours.intercepts[0], alpha, 0.5, datafit=datafit)
    p_ref = _objective(X, y, w, b, alpha, 0.5, datafit=datafit)
    assert p_ours <= p_ref * (1 + 1e-10)
    assert p_ref - p_ours <= 1e-8 * p_ref
    np.testing.assert_allclose(ours.coefs[0], w, atol=1e-5)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5])
def test_groups_enter_and_leave_together(l1_ratio):
    X, y = _data()
    p = group_path(X, y, GROUPS, l1_ratio=l1_ratio, n_alphas=20, tol=1e-10)
    nonzero = p.coefs.reshape(20, 5, 3) != 0
    if l1_ratio == 0:  # pure group lasso: all or nothing within a group
        assert np.all(nonzero.all(axis=2) == nonzero.any(axis=2))
    else:  # sparse-group: zeros inside active groups are allowed
        assert np.any(nonzero.any(axis=2) & ~nonzero.all(axis=2))
    assert p.nnz[0] == 0 and p.nnz[-1] > 0


@pytest.mark.parametrize(
    ("datafit", "l1_ratio"),
    [("quadratic", 0.0), ("quadratic", 0.6), ("logistic", 0.0), ("logistic", 0.6)],
)
def test_alpha_max(datafit, l1_ratio):
    X, y = _data(binary=datafit == "logistic")
    grid = group_path(X, y, GROUPS, datafit=datafit, l1_ratio=l1_ratio, n_alphas=2)
    alpha_max = grid.alphas[0]
    at = group_path(X, y, GROUPS, datafit=datafit, l1_ratio=l1_ratio, alphas=[alpha_max * 1.001])
    below = group_path(
        X, y, GROUPS, datafit=datafit, l1_ratio=l1_ratio, alphas=[alpha_max * 0.99], tol=1e-10
    )
    assert at.nnz[0] == 0
    assert below.nnz[0] > 0


def _quadratic_problem(X, y, **kw):
    problem = GroupProblem.build(X, y, GROUPS, **kw)
    from shrinkage.datafits.quadratic import WeightedDesign

    base = problem.problem
    design = WeightedDesign.build(problem.scaled_X, base.y, base.sample_weight, base.fit_intercept)
    return problem, design


def test_least_squares_gap_bounds_the_suboptimality():
    X, y = _data()
    alpha, l1_ratio = 0.05, 0.3
    problem, design = _quadratic_problem(X, y)
    pen = problem.penalty(alpha, l1_ratio)
    best = group_path(X, y, GROUPS, l1_ratio=l1_ratio, alphas=[alpha], tol=1e-13)
    w_opt = best.coefs[0]
    gap_opt = quadratic_gap(
        design, pen, w_opt, *design.residual(w_opt), design.correlations(*design.residual(w_opt))
    )
    assert 0 <= gap_opt < 1e-11
    p_opt = _objective(X, y, w_opt, best.intercepts[0], alpha, l1_ratio)
    rng = np.random.default_rng(0)
    for scale in (0.01, 0.3, 3.0):
        w = w_opt + scale * rng.standard_normal(15)
        r, rsum = design.residual(w)
        gap = quadratic_gap(design, pen, w, r, rsum, design.correlations(r, rsum))
        b = design.y_offset - design.x_offset @ w
        excess = _objective(X, y, w, b, alpha, l1_ratio) - p_opt
        assert gap >= excess - 1e-12
        assert gap > 1e-6


def test_logistic_gap_bounds_the_suboptimality():
    X, y = _data(binary=True)
    alpha, l1_ratio = 0.02, 0.3
    problem = GroupProblem.build(X, y, GROUPS, datafit="logistic")
    data, fit = problem.glm_data(), problem.datafit
    pen = problem.penalty(alpha, l1_ratio)
    best = group_path(
        X, y, GROUPS, datafit="logistic", l1_ratio=l1_ratio, alphas=[alpha], tol=1e-13
    )
    w_opt, b_opt = best.coefs[0], best.intercepts[0]

    def certificate(w, b):
        eta = data.eta(w, b)
        return glm_certificate(data, fit, pen, w, b, eta, fit.derivative(y, eta))

    gap_opt, kind = certificate(w_opt, b_opt)
    assert kind == "duality_gap" and 0 <= gap_opt < 1e-11
    p_opt = glm_objective(data, fit, pen, data.eta(w_opt, b_opt), w_opt)
    assert p_opt == pytest.approx(_objective(X, y, w_opt, b_opt, alpha, l1_ratio, datafit="l"))
    rng = np.random.default_rng(0)
    for scale in (0.01, 0.3, 3.0):
        w = w_opt + scale * rng.standard_normal(15)
        b = b_opt + scale  # the intercept off as well: the dual point is rebalanced
        gap, _ = certificate(w, b)
        assert gap >= glm_objective(data, fit, pen, data.eta(w, b), w) - p_opt - 1e-12
        assert gap > 1e-6


@pytest.mark.parametrize("datafit", ["quadratic", "logistic"])
def test_sparse_equals_dense(datafit):
    X, y = _data(binary=datafit == "logistic")
    X[np.abs(X) < 0.8] = 0.0
    kw = {"datafit": datafit, "l1_ratio": 0.3, "n_alphas": 8, "tol": 1e-11}
    dense = group_path(X, y, GROUPS, **kw)
    sparse = group_path(sp.csc_matrix(X), y, GROUPS, **kw)
    np.testing.assert_allclose(sparse.alphas, dense.alphas, rtol=1e-12)
    np.testing.assert_allclose(sparse.coefs, dense.coefs, atol=1e-8)
    np.testing.assert_allclose(sparse.intercepts, dense.intercepts, atol=1e-8)


@pytest.mark.parametrize("datafit", ["quadratic", "logistic"])
def test_sample_weights_equal_repeated_rows(datafit):
    X, y = _data(n=30, binary=datafit == "logistic")
    counts = np.random.default_rng(1).integers(1, 4, len(y))
    kw = {"datafit": datafit, "alphas": [0.05, 0.01], "tol": 1e-13}
    weighted = group_path(X, y, GROUPS, sample_weight=counts.astype(float), **kw)
    repeated = group_path(np.repeat(X, counts, axis=0), np.repeat(y, counts), GROUPS, **kw)
    np.testing.assert_allclose(weighted.coefs, repeated.coefs, atol=1e-8)
    np.testing.assert_allclose(weighted.intercepts, repeated.intercepts, atol=1e-8)


def test_offset():
    X, y = _data()
    o = np.random.default_rng(3).standard_normal(len(y))
    with_offset = group_path(X, y, GROUPS, offset=o, alphas=[0.05], tol=1e-13)
    shifted = group_path(X, y - o, GROUPS, alphas=[0.05], tol=1e-13)
    np.testing.assert_allclose(with_offset.coefs, shifted.coefs, atol=1e-10)
    Xb, yb = _data(binary=True)
    # a constant offset only moves the intercept of a logistic fit
    base = group_path(Xb, yb, GROUPS, datafit="logistic", alphas=[0.02], tol=1e-13)
    moved = group_path(
        Xb, yb, GROUPS, datafit="logistic", alphas=[0.02], tol=1e-13, offset=np.full(len(yb), 0.7)
    )
    np.testing.assert_allclose(moved.coefs, base.coefs, atol=1e-8)
    assert moved.intercepts[0] == pytest.approx(base.intercepts[0] - 0.7, abs=1e-8)


@pytest.mark.parametrize("datafit", ["quadratic", "logistic"])
def test_standardize_penalizes_the_scaled_coefficients(datafit):
    X, y = _data(binary=datafit == "logistic")
    sd = X.std(axis=0)
    kw = {"datafit": datafit, "l1_ratio": 0.2, "alphas": [0.03], "tol": 1e-13}
    ours = group_path(X, y, GROUPS, standardize=True, **kw)
    ref = group_path(X / sd, y, GROUPS, **kw)
    np.testing.assert_allclose(ours.coefs[0] * sd, ref.coefs[0], atol=1e-8)
    np.testing.assert_allclose(ours.intercepts, ref.intercepts, atol=1e-8)


@pytest.mark.parametrize("datafit", ["quadratic", "logistic"])
def test_unpenalized_group(datafit):
    X, y = _data(binary=datafit == "logistic")
    p = group_path(X, y, GROUPS, datafit=datafit, group_factor={4: 0.0}, n_alphas=5, tol=1e-10)
    free = GROUPS == 4
    assert np.all(p.coefs[:, free] != 0) and np.all(p.coefs[0, ~free] == 0)
    assert p.converged.all()
    # the first alpha's solution is the fit of the unpenalized group alone
    if datafit == "quadratic":
        A = np.column_stack([X[:, free], np.ones(len(y))])
        np.testing.assert_allclose(p.coefs[0, free], np.linalg.lstsq(A, y)[0][:3], atol=1e-8)


def test_warm_path_equals_cold_fits():
    X, y = _data(binary=True)
    kw = {"datafit": "logistic", "l1_ratio": 0.3, "tol": 1e-12}
    warm = group_path(X, y, GROUPS, n_alphas=6, **kw)
    for k in (2, 5):
        cold = group_path(X, y, GROUPS, alphas=[warm.alphas[k]], **kw)
        np.testing.assert_allclose(cold.coefs[0], warm.coefs[k], atol=1e-7)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"groups": [0, 1]}, ValueError, "one label per column"),
        ({"groups": [0.5] * 15}, ValueError, "integer labels"),
        ({"group_factor": -1.0}, ValueError, "group_factor must be finite and >= 0"),
        ({"l1_ratio": 1.5}, ValueError, "l1_ratio"),
        ({"offset": np.ones(3)}, ValueError, "offset must have one entry per sample"),
        ({"datafit": "nonsense"}, ValueError, "datafit must be one of"),
        ({"alpha_min_ratio": 2.0}, ValueError, "alpha_min_ratio"),
    ],
)
def test_bad_input(kwargs, error, match):
    X, y = _data(n=20)
    kw = {"groups": GROUPS, **kwargs}
    with pytest.raises(error, match=match):
        group_path(X, y, **kw)


def test_convergence_warning():
    X, y = _data()
    from shrinkage.exceptions import ShrinkageConvergenceWarning

    with pytest.warns(ShrinkageConvergenceWarning, match="did not converge"):
        p = group_path(X, y, GROUPS, alphas=[1e-4], tol=1e-14, max_iter=2)
    assert not p.converged[0]


class _Poisson:
    """l = e^eta - y eta: unbounded curvature (the proximal Newton path of the solver)."""

    name, smooth, curvature_bound = "poisson-test", True, None

    def check_target(self, y):
        return np.asarray(y, float)

    def loss(self, y, eta):
        return np.exp(eta) - y * eta

    def derivative(self, y, eta):
        return np.exp(eta) - y

    def curvature(self, y, eta):
        return np.exp(eta)

    def conjugate(self, y, v):
        t = v + y  # l*(v) = t log t - t, t >= 0
        out = np.full(t.shape, np.inf)
        ok = t >= 0
        out[ok] = np.where(t[ok] > 0, t[ok] * np.log(np.where(t[ok] > 0, t[ok], 1.0)), 0.0) - t[ok]
        return out

    def null_intercept(self, y, sw, offset):
        return float(np.log((sw @ y) / (sw @ np.exp(offset))))


class _Huber:
    """l = h(y - eta), h quadratic on [-1, 1] and linear outside: zero curvature on outliers."""

    name, smooth, curvature_bound = "huber-test", True, 1.0

    def check_target(self, y):
        return np.asarray(y, float)

    def loss(self, y, eta):
        r = np.abs(y - eta)
        return np.where(r <= 1.0, 0.5 * r**2, r - 0.5)

    def derivative(self, y, eta):
        return -np.clip(y - eta, -1.0, 1.0)

    def curvature(self, y, eta):
        return (np.abs(y - eta) <= 1.0).astype(float)

    def conjugate(self, y, v):
        return np.where(np.abs(v) <= 1.0 + 1e-12, v * y + 0.5 * v**2, np.inf)

    def null_intercept(self, y, sw, offset):
        from scipy.optimize import minimize_scalar

        return float(minimize_scalar(lambda b: sw @ self.loss(y, b + offset)).x)


def _kkt_in_numpy(X, y, sw, w, b, alpha, datafit):
    """Largest violation of the group-lasso optimality conditions (factors sqrt(3))."""
    eta = X @ w + b
    u = sw / sw.sum() * datafit.derivative(y, eta)
    g = X.T @ u
    worst = abs(u.sum())
    for k in range(5):
        gk, wk = g[3 * k : 3 * k + 3], w[3 * k : 3 * k + 3]
        norm = np.linalg.norm(wk)
        if norm > 0:
            worst = max(worst, np.linalg.norm(gk + alpha * SQRT3 * wk / norm))
        else:
            worst = max(worst, np.linalg.norm(gk) - alpha * SQRT3)
    return worst


@pytest.mark.parametrize("datafit", [_Poisson(), _Huber()], ids=["poisson", "huber"])
@pytest.mark.parametrize("sparse", [False, True])
def test_protocol_datafits_reach_the_optimality_conditions(datafit, sparse):
    X, y = _data(n=80)
    rng = np.random.default_rng(5)
    if datafit.name.startswith("poisson"):
        X = X / 4
        y = rng.poisson(np.exp(0.3 * X[:, 0] - 0.4 * X[:, 4] + 0.5)).astype(float)
    else:
        y[::9] += 8.0  # outliers in the linear part of the loss
    sw = rng.uniform(0.5, 2.0, len(y))
    Xin = sp.csc_matrix(X) if sparse else X
    p = group_path(
        Xin, y, GROUPS, datafit=datafit, n_alphas=6, tol=1e-12, sample_weight=sw, max_iter=100_000
    )
    assert p.converged.all() and np.all(p.gaps >= 0)
    assert p.nnz[0] == 0 and p.nnz[-1] > 0
    for k in range(6):
        assert _kkt_in_numpy(X, y, sw, p.coefs[k], p.intercepts[k], p.alphas[k], datafit) < 1e-9


@pytest.mark.parametrize("sparse", [False, True])
def test_block_curvature_holds_the_top_eigenvalues_and_small_blocks_eigendecompositions(sparse):
    from shrinkage.datafits.quadratic import WeightedDesign
    from shrinkage.penalties.group import Groups
    from shrinkage.solvers.group_cd import block_curvature

    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 305)) * rng.uniform(0.5, 2.0, 305)
    X[rng.random(X.shape) < 0.5] = 0.0
    X[:, 1] = 3.0  # a constant column: its singleton group never moves
    labels = np.r_[-1, -1, 0, 0, 0, np.full(300, 1)]  # singletons, a group of 3, one of 300
    sw = rng.uniform(0.5, 2.0, 40)
    design = WeightedDesign.build(sp.csc_matrix(X) if sparse else X, np.zeros(40), sw, True)
    groups = Groups.from_labels(labels, 305)
    Xc = np.sqrt(sw / sw.sum())[:, None] * (X - sw @ X / sw.sum())
    expected = [
        np.linalg.eigvalsh(Xc[:, c].T @ Xc[:, c])[-1]
        for c in (groups.members(g) for g in range(groups.n_groups))
    ]
    expected[3] = 0.0
    curvature = block_curvature(design, groups)
    np.testing.assert_allclose(curvature.lipschitz, expected, rtol=1e-7, atol=1e-12)
    # the group of 3 carries its eigendecomposition (exact block solves), the others none
    g = int(np.flatnonzero(groups.sizes == 3)[0])
    lo, hi = curvature.eoff[g], curvature.eoff[g + 1]
    V = curvature.evecs[curvature.voff[g] : curvature.voff[g + 1]].reshape(3, 3)
    cols = groups.members(g)
    np.testing.assert_allclose(
        V @ np.diag(curvature.evals[lo:hi]) @ V.T, Xc[:, cols].T @ Xc[:, cols], atol=1e-10
    )
    assert hi - lo == 3 and curvature.eoff[-1] == 3


@pytest.mark.parametrize("datafit", ["logistic", "poisson", "huber", "squared_hinge"])
def test_groups_of_one_column_match_the_glm_lasso_path(datafit):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 10)) / 2
    y = X[:, :3] @ [1.0, -1.0, 0.5] + rng.standard_normal(80)
    target = {
        "logistic": (y > 0).astype(float),
        "squared_hinge": np.where(y > 0, 1.0, -1.0),
        "poisson": rng.poisson(np.exp(0.5 * y)).astype(float),
        "huber": y,
    }[datafit]
    ref = lasso_path(X, target, datafit=datafit, n_alphas=6, tol=1e-12, max_iter=100_000)
    ours = group_path(
        X, target, None, datafit=datafit, alphas=ref.alphas, tol=1e-12, max_iter=100_000
    )
    np.testing.assert_allclose(ours.coefs, ref.coefs, atol=1e-8)
    np.testing.assert_allclose(ours.intercepts, ref.intercepts, atol=1e-8)
    assert ours.datafit == datafit and ours.certificate == "duality_gap"


def _multinomial_fista(X, y, alpha, K, l1_ratio=0.0, n_iter=20_000):
    """Accelerated proximal gradient in plain numpy: softmax loss + alpha [l1_ratio ||W||_1 +
    (1 - l1_ratio) sum_g sqrt(3) ||W_g||_F] over the feature groups of GROUPS (rows of W),
    intercepts free."""
    n, p = X.shape
    A = np.column_stack([X, np.ones(n)])
    Y = np.eye(K)[y.astype(int)]
    step = 1.0 / (0.5 * np.linalg.norm(A, 2) ** 2 / n)  # the softmax Hessian is below I / 2

    def prox(Z):
        return np.vstack(
            [
                sparse_group_prox(
                    Z[:p], step * alpha * l1_ratio, step * alpha * (1 - l1_ratio) * SQRT3
                ),
                Z[p:],
            ]
        )

    def grad(Z):
        E = A @ Z
        P = np.exp(E - E.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        return A.T @ (P - Y) / n

    Z = Wk = np.zeros((p + 1, K))
    for k in range(n_iter):
        W_new = prox(Z - step * grad(Z))
        Z = W_new + k / (k + 3) * (W_new - Wk)
        Wk = W_new
    return Wk[:p], Wk[p]


def _multinomial_objective(X, y, W, b, alpha, l1_ratio=0.0):
    E = X @ W + b
    loss = np.mean(np.log(np.exp(E).sum(axis=1)) - E[np.arange(len(y)), y.astype(int)])
    group_part = SQRT3 * sum(np.linalg.norm(W[3 * g : 3 * g + 3]) for g in range(5))
    return loss + alpha * (l1_ratio * np.abs(W).sum() + (1 - l1_ratio) * group_part)


def _three_classes(n=90):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((n, 15))
    W = np.zeros((15, 3))
    W[:3] = rng.standard_normal((3, 3)) * 2
    return X, np.argmax(X @ W + rng.gumbel(size=(n, 3)), axis=1).astype(float)


@pytest.mark.parametrize("sparse", [False, True])
def test_multinomial_group_lasso(sparse):
    X, y = _three_classes()
    alpha = 0.02
    p = group_path(
        sp.csc_matrix(X) if sparse else X,
        y,
        GROUPS,
        datafit="multinomial",
        alphas=[0.3, alpha],
        tol=1e-13,
        max_iter=100_000,
    )
    assert p.coefs.shape == (2, 15, 3) and p.intercepts.shape == (2, 3)
    assert p.converged.all() and p.certificate == "duality_gap" and p.datafit == "multinomial"
    W, b = _multinomial_fista(X, y, alpha, 3)
    p_ours = _multinomial_objective(X, y, p.coefs[1], p.intercepts[1], alpha)
    p_ref = _multinomial_objective(X, y, W, b, alpha)
    assert p_ours <= p_ref * (1 + 1e-10)
    assert p_ref - p_ours <= 1e-8 * p_ref
    # each group holds its features' coefficients of every class: zero or not together
    rows = np.abs(p.coefs).reshape(2, 5, 9)
    assert np.all((rows > 0).all(axis=2) == (rows > 0).any(axis=2))
    assert 0 < np.count_nonzero(rows.any(axis=2)) < 10


def test_two_class_multinomial_is_the_logistic_group_lasso():
    X, y = _data(binary=True)
    M = group_path(X, y, GROUPS, datafit="multinomial", n_alphas=5, alpha_min_ratio=0.01, tol=1e-12)
    # centred rows W_j = (-v_j, v_j) / 2 with ||W_g|| = ||v_g|| / sqrt(2)
    L = group_path(X, y, GROUPS, datafit="logistic", alphas=M.alphas / np.sqrt(2), tol=1e-12)
    assert M.converged.all() and L.converged.all()
    np.testing.assert_allclose(M.coefs[:, :, 1] - M.coefs[:, :, 0], L.coefs, atol=1e-7)
    np.testing.assert_allclose(M.intercepts[:, 1] - M.intercepts[:, 0], L.intercepts, atol=1e-7)
    np.testing.assert_allclose(M.coefs.sum(axis=2), 0.0, atol=1e-12)


@pytest.mark.parametrize("l1_ratio", [0.3, 0.7])
def test_sparse_group_multinomial_matches_plain_proximal_gradient(l1_ratio):
    X, y = _three_classes()
    alpha = 0.045  # four groups active, some of their coefficients zero
    W, b = _multinomial_fista(X, y, alpha, 3, l1_ratio)
    p_ref = _multinomial_objective(X, y, W, b, alpha, l1_ratio)
    for Xin in (X, sp.csc_matrix(X)):
        p = group_path(
            Xin,
            y,
            GROUPS,
            datafit="multinomial",
            l1_ratio=l1_ratio,
            alphas=[0.3, alpha],
            tol=1e-13,
            max_iter=100_000,
        )
        assert p.converged.all() and p.certificate == "duality_gap" and p.datafit == "multinomial"
        p_ours = _multinomial_objective(X, y, p.coefs[1], p.intercepts[1], alpha, l1_ratio)
        assert p_ours <= p_ref * (1 + 1e-10)
        assert p_ref - p_ours <= 1e-8 * p_ref
        np.testing.assert_allclose(p.coefs[1], W, atol=1e-6)
        np.testing.assert_allclose(p.intercepts[1], b - b.mean(), atol=1e-6)
        assert np.all(p.coefs[1][W == 0] == 0)  # the same exact zeros
        rows = np.abs(p.coefs[1]).reshape(5, 9)
        active = rows.any(axis=1)
        assert 0 < active.sum() < 5  # a whole group (all classes of its features) is out
        assert np.any(rows[active] == 0)  # single coefficients of active groups are zero


def test_multinomial_l1_ratio_one_is_the_lasso():
    X, y = _three_classes()
    ref = lasso_path(X, y, datafit="multinomial", n_alphas=6, tol=1e-12, max_iter=100_000)
    ours = group_path(
        X,
        y,
        GROUPS,
        datafit="multinomial",
        l1_ratio=1.0,
        alphas=ref.alphas,
        tol=1e-12,
        max_iter=100_000,
    )
    assert ours.converged.all()
    np.testing.assert_allclose(ours.coefs, ref.coefs, atol=1e-8)
    np.testing.assert_allclose(ours.intercepts, ref.intercepts, atol=1e-8)


@pytest.mark.parametrize("l1_ratio", [0.3, 0.5, 1.0])
def test_sparse_group_multinomial_path(l1_ratio):
    X, y = _three_classes()
    p = group_path(
        X,
        y,
        GROUPS,
        datafit="multinomial",
        l1_ratio=l1_ratio,
        n_alphas=12,
        tol=1e-10,
        max_iter=100_000,
    )
    assert p.converged.all() and p.certificate == "duality_gap"
    rows = np.abs(p.coefs).reshape(12, 5, 9)
    active = rows.any(axis=2)
    assert not active[0].any() and active[-1].all()
    assert np.any(active.sum(axis=1) % 5 != 0)  # groups enter one at a time
    assert np.any(rows[active] == 0, axis=1).sum() > 0  # zeros inside active groups
    # each row W_j. minimizes the penalty over its shifts W_j. + c (the loss ignores them)
    problem = GroupProblem.build(X, y, GROUPS, datafit="multinomial")
    for k in (4, 11):
        pen = problem.penalty(p.alphas[k], l1_ratio)
        w = p.coefs[k].ravel()
        for c in (-1e-3, 1e-3):
            for j in range(15):
                shifted = p.coefs[k].copy()
                shifted[j] += c
                assert pen.value(shifted.ravel()) >= pen.value(w) * (1 - 1e-12)


def test_sparse_group_multinomial_gap_bounds_the_suboptimality():
    X, y = _three_classes()
    alpha, l1_ratio = 0.02, 0.5
    problem = GroupProblem.build(X, y, GROUPS, datafit="multinomial")
    data, fit = problem.glm_data(), problem.datafit
    pen = problem.penalty(alpha, l1_ratio)
    best = group_path(
        X, y, GROUPS, datafit="multinomial", l1_ratio=l1_ratio, alphas=[alpha], tol=1e-13
    )
    w_opt, b_opt = best.coefs[0].ravel(), best.intercepts[0]

    def certificate(w, b):
        eta = data.eta(w, b)
        return glm_certificate(data, fit, pen, w, b, eta, fit.derivative(y, eta))

    gap_opt, kind = certificate(w_opt, b_opt)
    assert kind == "duality_gap" and 0 <= gap_opt < 1e-11
    p_opt = glm_objective(data, fit, pen, data.eta(w_opt, b_opt), w_opt)
    assert p_opt == pytest.approx(
        _multinomial_objective(X, y, best.coefs[0], b_opt, alpha, l1_ratio)
    )
    rng = np.random.default_rng(0)
    for scale in (0.01, 0.3, 3.0):
        w = w_opt + scale * rng.standard_normal(45)
        # the certificate takes the intercepts fitted (sum_i u_i = 0), as the solver keeps them
        b = fit.null_intercept(y, data.sw, data.offset + X @ w.reshape(15, 3))
        gap, _ = certificate(w, b)
        assert gap >= glm_objective(data, fit, pen, data.eta(w, b), w) - p_opt - 1e-12
        assert gap > 1e-6


@pytest.mark.parametrize("lam", [0.0, 0.3, 5.0, 1e3])
def test_exact_group_step_minimizes_the_block(lam):
    from shrinkage.solvers._group_kernels import exact_group_step

    rng = np.random.default_rng(int(lam * 10))
    for rank in (4, 2):  # full rank and singular
        B = rng.standard_normal((6, rank)) @ rng.standard_normal((rank, 4))
        B *= [1.0, 10.0, 100.0, 1000.0]  # columns on very different scales
        G = B.T @ B
        w = rng.standard_normal(4)
        c = B.T @ rng.standard_normal(6)  # in the range of G, as X_g' S r is
        values, vectors = np.linalg.eigh(G)
        x = c.copy()
        exact_group_step(x, w, np.arange(4), 0, lam, np.maximum(values, 0.0), vectors.ravel(), 0, 0)
        grad = G @ (x - w) - c  # of 0.5 (x - w)'G(x - w) - c'(x - w)
        norm = np.linalg.norm(x)
        if norm == 0:
            assert np.linalg.norm(grad) <= lam * (1 + 1e-12)
        else:
            assert np.linalg.norm(grad + lam * x / norm) <= 1e-8 * np.linalg.norm(G @ w + c)


def test_a_group_of_columns_on_very_different_scales_converges_fast():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 6)) * [1.0, 100.0, 10_000.0, 1.0, 100.0, 10_000.0]
    X[:, 1] += 50.0 * X[:, 0]  # correlated too, as radius, perimeter and area are
    y = X @ [1.0, 0.01, 1e-4, 0.0, 0.0, 0.0] + rng.standard_normal(100)
    p = group_path(X, y, [0, 0, 0, 1, 1, 1], alphas=[0.05, 0.005], tol=1e-10)
    assert p.converged.all() and p.n_iter.max() <= 100  # one prox step per block needed 10^4+


@pytest.mark.parametrize("lam", [0.1, 2.0, 1e3])
def test_sparse_group_block_step_minimizes_the_block(lam):
    from shrinkage.solvers._group_kernels import sparse_group_block_step

    rng = np.random.default_rng(int(lam * 10))
    l1 = np.full(4, 0.5)
    for start_at_zero in (True, False):
        B = rng.standard_normal((8, 4)) * [1.0, 10.0, 100.0, 1000.0]
        G = B.T @ B
        w = np.zeros(4) if start_at_zero else rng.standard_normal(4) / [1.0, 10.0, 100.0, 1e3]
        c = B.T @ rng.standard_normal(8) * 10
        x = c.copy()
        sparse_group_block_step(
            x, w, np.arange(4), 0, l1, lam, np.linalg.eigvalsh(G)[-1], G.ravel(), 0, 10_000
        )
        grad = G @ (x - w) - c  # the smooth part's gradient; optimality: -grad in the
        norm = np.linalg.norm(x)  # subdifferential of l1 |x| + lam ||x|| at x
        if norm == 0:
            soft = np.maximum(np.abs(grad) - l1, 0.0)
            assert np.linalg.norm(soft) <= lam * (1 + 1e-12)
            continue
        on = x != 0
        residual = grad[on] + l1[on] * np.sign(x[on]) + lam * x[on] / norm
        assert np.max(np.abs(residual)) <= 1e-8 * np.max(np.abs(c))
        assert np.all(np.abs(grad[~on]) <= l1[~on] + 1e-8 * np.max(np.abs(c)))


def test_sparse_group_on_columns_of_different_scales_converges():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 12)) * 10 ** rng.uniform(-1, 1, 12)
    y = X[:, :3] @ (1 / np.abs(X[:, :3]).mean(axis=0)) + rng.standard_normal(80)
    p = group_path(
        X, y, np.repeat(np.arange(4), 3), l1_ratio=0.5, n_alphas=10, tol=1e-10, max_iter=20_000
    )
    assert p.converged.all() and p.n_iter.max() <= 100  # one prox step per block: 745
    active = np.repeat(np.abs(p.coefs).reshape(10, 4, 3).any(axis=2), 3, axis=1)
    assert np.any((p.coefs == 0) & active)  # zeros inside active groups along the path


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5])
def test_first_alphas_below_alpha_max_have_the_right_support(l1_ratio):
    """On a fine grid the gap of w = 0 is within the default tol just below alpha_max, where a
    group certifiably violates its optimality condition: the solver must go on (it returned
    four all-zero fits)."""
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    groups = np.repeat(np.arange(5), 2)
    P = group_path(X, y, groups, l1_ratio=l1_ratio, n_alphas=2000)
    tight = group_path(
        X, y, groups, l1_ratio=l1_ratio, alphas=P.alphas[:6], tol=1e-13, max_iter=100_000
    )
    np.testing.assert_array_equal(P.nnz[:6], tight.nnz)
    assert P.nnz[0] == 0 and P.nnz[1] > 0


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.5])
@pytest.mark.parametrize(
    "x_unit,y_unit", [(1e145, 1.0), (1e145, 1e145), (1.0, 1e145), (1e-140, 1e-140)]
)
def test_group_path_in_other_units_is_the_same_fit(sparse, l1_ratio, x_unit, y_unit):
    """X * s and y * t with alpha * s * t is the same problem (w * t / s, intercept * t): columns
    and y near the door's limit were a ZeroDivisionError (cubed Gram eigenvalues in the block
    solve) or an unconverged path (lg * top overflowed the secular equation's bracket)."""
    X, y = _data()
    sw = np.random.default_rng(4).uniform(0.5, 2.0, len(y))
    scaled = X * x_unit

    def fit(X_in, y_in, **kw):
        return group_path(
            sp.csc_matrix(X_in) if sparse else X_in,
            y_in,
            GROUPS,
            l1_ratio=l1_ratio,
            tol=1e-10,
            sample_weight=sw,
            max_iter=100_000,
            **kw,
        )

    ref = fit(X, y, n_alphas=10)
    ours = fit(scaled, y * y_unit, alphas=ref.alphas * x_unit * y_unit)
    assert ours.converged.all() and ref.converged.all()
    np.testing.assert_allclose(ours.coefs * (x_unit / y_unit), ref.coefs, atol=1e-8)
    np.testing.assert_allclose(ours.intercepts / y_unit, ref.intercepts, atol=1e-8)


@pytest.mark.parametrize("x_unit", [1e145, 1e-140])
def test_logistic_group_path_in_other_units_is_the_same_fit(x_unit):
    """Logistic loss: X * s with alpha * s gives w / s (the proximal Newton solver's block
    solves divided by zero at 1e78)."""
    X, y = _data(binary=True)
    ref = group_path(
        X, y, GROUPS, datafit="logistic", l1_ratio=0.3, n_alphas=8, tol=1e-10, max_iter=100_000
    )
    ours = group_path(
        X * x_unit,
        y,
        GROUPS,
        datafit="logistic",
        l1_ratio=0.3,
        alphas=ref.alphas * x_unit,
        tol=1e-10,
        max_iter=100_000,
    )
    assert ours.converged.all() and ref.converged.all()
    np.testing.assert_allclose(ours.coefs * x_unit, ref.coefs, atol=1e-7)
    np.testing.assert_allclose(ours.intercepts, ref.intercepts, atol=1e-7)


@pytest.mark.parametrize("unit", [1e-150, 1.0, 1e150])
def test_exact_group_step_is_scale_equivariant(unit):
    """The block solve on G * s^2, c * s, lg * s moves by the unscaled step / s."""
    from shrinkage.solvers._group_kernels import exact_group_step

    rng = np.random.default_rng(5)
    block = rng.standard_normal((30, 3))
    evals, evecs = np.linalg.eigh(block.T @ block)
    w = rng.standard_normal(3)
    corr = block.T @ rng.standard_normal(30)
    lg = 0.5 * np.linalg.norm(block.T @ block @ w + corr)
    expected = corr.copy()
    exact_group_step(expected, w, np.arange(3), 0, lg, evals, evecs.ravel(), 0, 0)
    step = corr * unit
    exact_group_step(
        step, w / unit, np.arange(3), 0, lg * unit, evals * unit**2, evecs.ravel(), 0, 0
    )
    np.testing.assert_allclose(step * unit, expected, rtol=1e-12)
