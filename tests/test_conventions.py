"""shrinkage.conventions: each conversion fits both sides' objectives and compares coefficients.

scikit-learn and statsmodels are fitted directly.  glmnet and Spark are not installable here:
their problems are written as their sources solve them (y divided by its standard deviation,
the penalty strength divided by it, coefficients scaled back; glmnet's ``standard1`` /
``elnet``, Spark's ``LinearRegression.train``) and minimised with scipy.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression as SkLogistic
from sklearn.linear_model import Ridge as SkRidge

from shrinkage import ElasticNet, LogisticRegression
from shrinkage.conventions import CONVENTIONS, convert, response_sd

TIGHT = {"tol": 1e-14, "max_iter": 100_000}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5)) * np.array([1.0, 2.0, 0.5, 3.0, 1.0])
    y = X @ np.array([1.5, 0.0, -2.0, 0.4, 0.0]) + 3.0 * rng.normal(size=60) + 5.0
    return X, y


def elastic_net_reference(X, y, strength: float, mixing: float, scale=None) -> np.ndarray:
    """argmin 1/(2n)|yc - Xc b|^2 + strength (mixing |s b|_1 + (1 - mixing)/2 |s b|^2), with
    centred data (an unpenalized intercept), by L-BFGS-B on b = u - v, u, v >= 0."""
    n, p = X.shape
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    s = np.ones(p) if scale is None else scale

    def objective(uv):
        b = uv[:p] - uv[p:]
        r = yc - Xc @ b
        value = r @ r / (2 * n) + strength * (
            mixing * s @ (uv[:p] + uv[p:]) + (1 - mixing) / 2 * (s * b) @ (s * b)
        )
        grad_b = -Xc.T @ r / n + strength * (1 - mixing) * s * s * b
        return value, np.concatenate(
            [grad_b + strength * mixing * s, -grad_b + strength * mixing * s]
        )

    result = minimize(
        objective,
        np.zeros(2 * p),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0, None)] * (2 * p),
        options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 50_000},
    )
    return result.x[:p] - result.x[p:]


def glmnet_fit(X, y, lam: float, alpha: float) -> np.ndarray:
    """glmnet(x, y, family="gaussian", alpha, lambda, standardize=FALSE) as its Fortran does it:
    ys = the 1/n sd of y, solve on y / ys at lambda / ys, coefficients times ys."""
    ys = np.sqrt(np.mean((y - y.mean()) ** 2))
    return ys * elastic_net_reference(X, y / ys, lam / ys, alpha)


def spark_fit(X, y, reg_param: float, enet: float) -> np.ndarray:
    """Spark LinearRegression(regParam, elasticNetParam, standardization=true), normal solver:
    features / their population sd, label / its population sd yStd, regParam / yStd; the
    coefficients come back as x' yStd / sd_j."""
    y_std = np.sqrt(np.mean((y - y.mean()) ** 2))
    x_std = X.std(axis=0)
    return elastic_net_reference(X / x_std, y / y_std, reg_param / y_std, enet) * y_std / x_std


def ours(X, y, alpha: float, l1_ratio: float, **kwargs) -> np.ndarray:
    return ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **TIGHT, **kwargs).fit(X, y).coef_


def rel_err(a, b) -> float:
    return float(np.linalg.norm(np.asarray(a) - b) / np.linalg.norm(b))


@pytest.mark.parametrize("mixing", [1.0, 0.5, 0.0])
def test_glmnet_lambda_matches_its_y_standardized_fit(data, mixing):
    X, y = data
    lam = 0.3
    alpha, l1_ratio = convert(
        lam, from_="glmnet", to="shrinkage", y_sd=response_sd(y), l1_ratio=mixing
    )
    assert rel_err(ours(X, y, alpha, l1_ratio), glmnet_fit(X, y, lam, mixing)) < 1e-6
    if mixing < 1:  # the L2 part is divided by sd(y): the same numbers are another model
        assert rel_err(ours(X, y, lam, mixing), glmnet_fit(X, y, lam, mixing)) > 1e-2


@pytest.mark.parametrize("mixing", [0.7, 0.0])
def test_spark_reg_param_with_standardization(data, mixing):
    X, y = data
    alpha, l1_ratio = convert(
        0.4, from_="spark", to="shrinkage", y_sd=response_sd(y), l1_ratio=mixing
    )
    got = ours(X, y, alpha, l1_ratio, standardize=True)
    assert rel_err(got, spark_fit(X, y, 0.4, mixing)) < 1e-6


def test_shrinkage_to_glmnet_round_trip_refits_the_same_model(data):
    X, y = data
    lam, a = convert(0.2, from_="shrinkage", to="glmnet", y_sd=response_sd(y), l1_ratio=0.3)
    assert rel_err(glmnet_fit(X, y, lam, a), ours(X, y, 0.2, 0.3)) < 1e-6


@pytest.mark.parametrize("mixing", [1.0, 0.4, 0.0])
def test_statsmodels_ols_fit_regularized(data, mixing):
    sm = pytest.importorskip("statsmodels.api")
    X, y = data
    Xc, yc = X - X.mean(axis=0), y - y.mean()  # statsmodels fits no intercept of its own
    alpha, l1_ratio = convert(0.25, from_="statsmodels", to="shrinkage", l1_ratio=mixing)
    theirs = (
        sm.OLS(yc, Xc)
        .fit_regularized(alpha=0.25, L1_wt=mixing, cnvrg_tol=1e-14, maxiter=10_000)
        .params
    )
    assert rel_err(ours(Xc, yc, alpha, l1_ratio, fit_intercept=False), theirs) < 1e-6


def test_statsmodels_glm_binomial_fit_regularized(data):
    sm = pytest.importorskip("statsmodels.api")
    X, y = data
    labels = (y > np.median(y)).astype(float)
    alpha, l1_ratio = convert(
        0.02, from_="statsmodels", to="shrinkage", l1_ratio=0.5, family="binomial"
    )
    exog = sm.add_constant(X)
    theirs = (
        sm.GLM(labels, exog, family=sm.families.Binomial())
        .fit_regularized(
            alpha=np.r_[0.0, np.full(X.shape[1], 0.02)], L1_wt=0.5, cnvrg_tol=1e-12, maxiter=10_000
        )
        .params
    )
    model = LogisticRegression("elasticnet", alpha=alpha, l1_ratio=l1_ratio, **TIGHT).fit(X, labels)
    assert rel_err(np.r_[model.intercept_, model.coef_.ravel()], theirs) < 1e-5


@pytest.mark.parametrize("C", [0.05, 2.0])
def test_sklearn_C_of_logistic_regression(data, C):
    X, y = data
    labels = (y > np.median(y)).astype(int)
    alpha, l1_ratio = convert(C, from_="sklearn_C", to="shrinkage", n=len(y), l1_ratio=0.0)
    theirs = SkLogistic(C=C, tol=1e-12, max_iter=10_000).fit(X, labels)
    model = LogisticRegression(alpha=alpha, **TIGHT).fit(X, labels)
    assert l1_ratio == 0.0
    assert rel_err(model.coef_, theirs.coef_) < 1e-6


def test_ridge_alpha_is_sum_scaled(data):
    X, y = data
    alpha, l1_ratio = convert(12.0, from_="ridge", to="shrinkage", n=len(y))
    theirs = SkRidge(alpha=12.0).fit(X, y).coef_
    assert alpha == pytest.approx(12.0 / len(y))
    assert rel_err(ours(X, y, alpha, l1_ratio), theirs) < 1e-8
    back = convert(alpha, from_="shrinkage", to="ridge", n=len(y), l1_ratio=0.0)
    assert back.value == pytest.approx(12.0)


@pytest.mark.parametrize(
    ("source", "target"), list(itertools.permutations([c for c in CONVENTIONS if c != "ridge"], 2))
)
def test_round_trips_return_the_input(source, target):
    kwargs = {"n": 50.0, "y_sd": 3.5, "l1_ratio": 0.3}
    there = convert(np.array([0.5, 0.05]), from_=source, to=target, **kwargs)
    back = convert(there.value, from_=target, to=source, **{**kwargs, "l1_ratio": there.l1_ratio})
    np.testing.assert_allclose(back.value, [0.5, 0.05], rtol=1e-12)
    assert back.l1_ratio == pytest.approx(0.3, rel=1e-12)


def test_non_gaussian_families_scale_nothing_and_lasso_needs_no_sd():
    assert convert(0.1, from_="glmnet", to="shrinkage", l1_ratio=0.5, family="binomial") == (
        0.1,
        0.5,
    )
    assert convert(0.1, from_="spark", to="glmnet", l1_ratio=1.0) == (0.1, 1.0)


def test_C_inf_is_no_penalty():
    assert convert(np.inf, from_="sklearn_C", to="shrinkage", n=10, l1_ratio=0.0).value == 0.0


def test_response_sd_conventions():
    y = np.array([1.0, 2.0, 3.0, 6.0])
    assert response_sd(y) == pytest.approx(np.std(y))
    assert response_sd(y, ddof=1) == pytest.approx(np.std(y, ddof=1))
    assert response_sd(y, center=False) == pytest.approx(np.sqrt(np.mean(y**2)))
    w = np.array([1.0, 2.0, 1.0, 0.0])
    assert response_sd(y, sample_weight=w) == response_sd([1.0, 2.0, 2.0, 3.0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"from_": "glmnett", "to": "shrinkage", "l1_ratio": 1.0},
            "from_ must be one of 'shrinkage'",
        ),
        (
            {"from_": "glmnet", "to": "R", "l1_ratio": 1.0},
            "to must be one of .*'sklearn_C', 'ridge'",
        ),
        ({"from_": "glmnet", "to": "shrinkage", "l1_ratio": 0.5}, "y_sd is needed by the 'glmnet'"),
        ({"from_": "shrinkage", "to": "spark", "l1_ratio": 0.0}, "y_sd is needed by the 'spark'"),
        (
            {"from_": "sklearn_C", "to": "shrinkage", "l1_ratio": 0.0},
            "n is needed by the 'sklearn_C'",
        ),
        ({"from_": "shrinkage", "to": "ridge", "l1_ratio": 0.0}, "n is needed by the 'ridge'"),
        ({"from_": "shrinkage", "to": "ridge", "n": 5, "l1_ratio": 0.5}, "no L1 part"),
        ({"from_": "ridge", "to": "shrinkage", "n": 5, "l1_ratio": 1.0}, "no L1 part"),
        ({"from_": "glmnet", "to": "shrinkage"}, "l1_ratio is needed: .*glmnet's alpha"),
        ({"from_": "spark", "to": "shrinkage", "l1_ratio": 1.5}, "elasticNetParam"),
        ({"from_": "glmnet", "to": "shrinkage", "l1_ratio": 0.5, "y_sd": 0.0}, "y_sd must be"),
        ({"from_": "glmnet", "to": "shrinkage", "l1_ratio": 1, "family": "cox"}, "family must be"),
        ({"from_": "spark", "to": "shrinkage", "l1_ratio": 1, "family": "poisson"}, "Spark MLlib"),
        ({"from_": "ridge", "to": "shrinkage", "n": 5, "family": "binomial"}, "least squares"),
    ],
)
def test_bad_input_names_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        convert(0.1, **kwargs)


@pytest.mark.parametrize("value", [-1.0, np.nan, "0.1", [[0.1]], True])
def test_bad_values_are_refused(value):
    with pytest.raises(ValueError, match="value"):
        convert(value, from_="shrinkage", to="glmnet", l1_ratio=1.0)
