"""The estimators: scikit-learn contract, agreement with scikit-learn, glmnet-style options."""

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import ElasticNet, Lasso, Ridge
from shrinkage.estimators.linear import ridge_alpha_to_elastic_net
from shrinkage.exceptions import ShrinkageConvergenceWarning


def _data(n=60, p=12, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)).astype(dtype)
    w = np.zeros(p)
    w[:4] = [3.0, -2.0, 1.5, 1.0]
    y = (X @ w + 0.5 * rng.standard_normal(n) + 4.0).astype(dtype)
    return X, y


@parametrize_with_checks(
    [
        Lasso(),
        ElasticNet(),
        Ridge(),
        Lasso(solver="cd"),
        ElasticNet(solver="gram"),
        Ridge(solver="eigen"),
        Ridge(positive=True),
    ]
)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def _rel(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("alpha", "l1_ratio"), [(0.05, 1.0), (0.2, 0.5), (0.01, 0.2)])
def test_elastic_net_matches_sklearn(sparse, fit_intercept, alpha, l1_ratio):
    X, y = _data()
    Xin = sp.csc_matrix(X) if sparse else X
    ours = ElasticNet(
        alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000
    ).fit(Xin, y)
    ref = sk.ElasticNet(
        alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-14, max_iter=100_000
    ).fit(Xin, y)
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    assert abs(ours.intercept_ - ref.intercept_) < 1e-6 * max(1.0, abs(ref.intercept_))
    assert ours.converged_ and ours.dual_gap_ >= 0


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("Est", [Lasso, ElasticNet])
def test_alpha_far_below_rounding_is_certified_least_squares(solver, Est):
    """alpha = 1e-160 was answered with all zeros, dual_gap_ 0.0 and converged_ (ElasticNet)
    or least squares never certified (Lasso): the optimum is least squares to 1e-160."""
    X, y = _data(30, 5)
    model = Est(alpha=1e-160, solver=solver).fit(X, y)
    ols = sk.LinearRegression().fit(X, y)
    assert _rel(model.coef_, ols.coef_) < 1e-6  # default tol
    assert model.converged_ and 0.0 <= model.dual_gap_ <= 1e-4 * np.var(y)


@pytest.mark.parametrize("solver", ["cd", "gram"])
@pytest.mark.parametrize("relative", [0.5, 1e-2, 1e-6, 1e-160])
def test_lasso_in_tiny_or_huge_units_is_the_same_fit(solver, relative):
    """X in other units (X * s with alpha * s) is the same lasso: coef_ * s, same n_iter_."""
    X, y = _data(30, 5)
    alpha_max = np.abs((X - X.mean(0)).T @ (y - y.mean())).max() / len(y)
    base = Lasso(alpha=relative * alpha_max, solver=solver).fit(X, y)
    assert base.converged_
    for s in [1e-80, 1e-8, 1e8]:
        model = Lasso(alpha=relative * alpha_max * s, solver=solver).fit(X * s, y)
        assert model.converged_ and model.n_iter_ == base.n_iter_
        np.testing.assert_allclose(model.coef_ * s, base.coef_, rtol=1e-8, atol=1e-12)


def test_lasso_sample_weight_matches_sklearn():
    X, y = _data()
    sw = np.random.default_rng(3).uniform(0.2, 3.0, len(y))
    ours = Lasso(0.05, tol=1e-12).fit(X, y, sample_weight=sw)
    ref = sk.Lasso(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X, y, sample_weight=sw)
    assert _rel(ours.coef_, ref.coef_) < 1e-6


@pytest.mark.parametrize("Est", [Lasso, ElasticNet, Ridge])
def test_float32_is_preserved(Est):
    X, y = _data(dtype=np.float32)
    model = Est(alpha=0.05).fit(X, y)
    assert model.coef_.dtype == np.float32
    assert model.predict(X).dtype == np.float32
    ref = Est(alpha=0.05).fit(X.astype(np.float64), y.astype(np.float64))
    assert _rel(model.coef_.astype(np.float64), ref.coef_) < 1e-4


def test_ridge_matches_sklearn_dense_sparse_multitarget_weights():
    X, y = _data(n=40, p=70)  # p > n: the kernel form
    Y = np.column_stack([y, -2 * y + 1])
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    for Xin in (X, sp.csc_matrix(X)):
        for target in (y, Y):
            ours = Ridge(alpha=3.0).fit(Xin, target, sample_weight=sw)
            # scikit-learn's sparse ridge is iterative: compare with its exact dense solve
            ref = sk.Ridge(alpha=3.0, solver="cholesky").fit(X, target, sample_weight=sw)
            assert _rel(ours.coef_, ref.coef_) < 1e-6
            np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6)
    X, y = _data(n=80, p=10)  # n > p: Cholesky
    np.testing.assert_allclose(
        Ridge(alpha=2.0).fit(X, y).coef_, sk.Ridge(alpha=2.0).fit(X, y).coef_, rtol=1e-8
    )


def test_ridge_equals_elastic_net_with_documented_factor():
    X, y = _data()
    sw = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    ridge = Ridge(alpha=4.0).fit(X, y, sample_weight=sw)
    en_alpha = ridge_alpha_to_elastic_net(4.0, sw)
    en = ElasticNet(en_alpha, l1_ratio=0.0, tol=1e-12).fit(X, y, sample_weight=sw)
    assert _rel(en.coef_, ridge.coef_) < 1e-6
    assert en_alpha == pytest.approx(4.0 / sw.sum())


def test_ridge_bounds_and_unpenalized_features():
    X, y = _data()
    pos = Ridge(alpha=1.0, positive=True, tol=1e-12).fit(X, y)
    assert np.all(pos.coef_ >= 0)
    ref = sk.Ridge(alpha=1.0, positive=True, tol=1e-12).fit(X, y)  # L-BFGS-B: less exact
    assert _rel(pos.coef_, ref.coef_) < 1e-4
    free = Ridge(alpha=1e6, penalty_factor=[0.0] + [1.0] * 11).fit(X, y)
    assert abs(free.coef_[0]) > 1.0 and np.all(np.abs(free.coef_[1:]) < 1e-2)


def test_feature_names_from_pandas_and_polars():
    X, y = _data()
    names = [f"f{j}" for j in range(X.shape[1])]
    for frame in (pd.DataFrame(X, columns=names), pl.DataFrame(X, schema=names)):
        model = Lasso(0.05).fit(frame, y)
        assert list(model.feature_names_in_) == names
        np.testing.assert_allclose(model.predict(frame), Lasso(0.05).fit(X, y).predict(X))


def test_standardize_penalizes_standardized_coefficients():
    X, y = _data()
    X = X * np.linspace(0.1, 10, X.shape[1])
    ours = Lasso(0.05, standardize=True, tol=1e-12).fit(X, y)
    sd = X.std(axis=0)
    ref = sk.Lasso(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X / sd, y)
    assert _rel(ours.coef_, ref.coef_ / sd) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-6)


def test_penalty_factor_and_bounds():
    X, y = _data()
    model = Lasso(0.3, penalty_factor=[0.0] * 2 + [1.0] * 10, upper=2.5, lower=-1.0).fit(X, y)
    assert np.all(model.coef_ <= 2.5) and np.all(model.coef_ >= -1.0)
    assert model.coef_[1] == pytest.approx(-1.0)  # the truth is -2: held at the bound
    assert model.converged_


def test_warm_start_reuses_coefficients():
    X, y = _data(n=50, p=300)
    model = Lasso(0.02, warm_start=True, tol=1e-10).fit(X, y)
    first = model.n_iter_
    model.fit(X, y)
    assert model.n_iter_ < first
    assert model.n_iter_ <= 1


def test_not_converged_warns_with_gap_and_advice():
    X, y = _data(n=50, p=300)
    with pytest.warns(ShrinkageConvergenceWarning, match=r"duality gap reached .* max_iter=1"):
        model = Lasso(0.001, max_iter=1, tol=1e-12).fit(X, y)
    assert not model.converged_ and model.dual_gap_ > 0


def test_pipeline_and_grid_search():
    X, y = _data()
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), ElasticNet()),
        {"elasticnet__alpha": [0.01, 0.1], "elasticnet__l1_ratio": [0.2, 0.9]},
        cv=3,
    ).fit(X, y)
    assert grid.best_score_ > 0.8


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": -1.0}, "alpha must be a finite number >= 0"),
        ({"alpha": np.nan}, "alpha must be a finite number"),
        ({"l1_ratio": 1.5}, r"l1_ratio must be in \[0, 1\]"),
        ({"penalty_factor": [-1.0] * 12}, "penalty_factor must be finite and >= 0"),
        ({"penalty_factor": [1.0] * 3}, "penalty_factor must have one entry per feature"),
        ({"lower": 1.0, "upper": 0.0}, "lower must not exceed upper"),
        ({"tol": 0.0}, "tol must be a positive number"),
        ({"max_iter": 0}, "max_iter must be a positive integer"),
        ({"solver": "magic"}, "solver must be one of"),
    ],
)
def test_bad_parameters_are_named(kwargs, match):
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        ElasticNet(**kwargs).fit(X, y)


@pytest.mark.parametrize("solver", ["auto", "cholesky", "eigen", "cd"])
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tol": -1.0}, "tol must be a positive number"),
        ({"tol": np.nan}, "tol must be a positive number"),
        ({"max_iter": 0}, "max_iter must be a positive integer"),
    ],
)
def test_ridge_bad_tol_and_max_iter_are_named_whatever_the_solver(kwargs, match, solver):
    """The closed forms accepted tol=-1, tol=nan and max_iter=0 (only 'cd' read them)."""
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        Ridge(solver=solver, **kwargs).fit(X, y)


@pytest.mark.parametrize("solver", ["auto", "eigen", "cholesky", "cd"])
@pytest.mark.parametrize("shape", [(60, 12), (20, 40)], ids=["n>p", "p>n"])
def test_ridge_is_exact_on_columns_eight_decades_apart(solver, shape):
    """alpha = 1e-7 with column scales from 1e-4 to 1e4: the kernel form's eigendecomposition
    (and the path's one for all alphas) lost the small columns, 1e-6 to 20x worse than the
    optimum, with no warning although their gap said so."""
    rng = np.random.default_rng(0)
    n, p = shape
    scales = np.logspace(-4, 4, p)
    X = rng.standard_normal(shape) * scales
    y = X @ (rng.standard_normal(p) / scales) + rng.standard_normal(n)
    alpha = 1e-7
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShrinkageConvergenceWarning)
        model = Ridge(alpha=alpha, solver=solver).fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    exact = np.linalg.lstsq(
        np.vstack([Xc, np.sqrt(alpha) * np.eye(p)]), np.r_[yc, np.zeros(p)], rcond=None
    )[0]

    def objective(w, b):
        return np.sum((y - X @ w - b) ** 2) + alpha * w @ w

    best = objective(exact, y.mean() - X.mean(0) @ exact)
    assert objective(model.coef_, model.intercept_) - best <= 1e-10 * best
    assert model.dual_gap_ <= 1e-4 * np.var(y)


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.array([[1.0, np.nan], [2.0, 3.0]]), [1.0, 2.0], "NaN"),
        (np.array([[1.0, np.inf], [2.0, 3.0]]), [1.0, 2.0], "infinity"),
        (np.ones((3, 2)), [1.0, 2.0], "inconsistent numbers of samples"),
        (np.empty((0, 2)), [], "0 sample"),
        (np.arange(4.0), np.arange(4.0), "Expected 2D array"),
        (np.ones((3, 2)), [1.0, np.nan, 2.0], "NaN"),
        (np.array([["a", "b"], ["c", "d"]], dtype=object), [1.0, 2.0], "could not convert"),
    ],
)
def test_bad_data_is_named(X, y, match):
    for Est in (Lasso, Ridge):
        with pytest.raises(ValueError, match=match):
            Est().fit(X, y)


def test_bad_sample_weight():
    X, y = _data()
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        Lasso().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="one entry per sample"):
        Lasso().fit(X, y, sample_weight=np.ones(3))


def test_constant_and_duplicated_columns():
    X, y = _data()
    X = np.column_stack([X, np.full(len(y), 7.0), X[:, 0]])
    for Est in (Lasso, ElasticNet, Ridge):
        model = Est(alpha=0.05).fit(X, y)
        assert model.coef_[12] == 0.0
        assert np.all(np.isfinite(model.coef_))
    en = ElasticNet(0.05, l1_ratio=0.5, tol=1e-12).fit(X, y)
    assert en.coef_[0] == pytest.approx(en.coef_[13], rel=1e-4)  # EN shares a duplicated pair
    assert en.converged_
