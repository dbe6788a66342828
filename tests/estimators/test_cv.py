"""LassoCV, ElasticNetCV, RidgeCV: scikit-learn contract and agreement, brute-force LOO, options."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import shrinkage
from shrinkage import ElasticNetCV, LassoCV, Ridge, RidgeCV

from .._reference import simulated

_WEIGHTS_ARE_NOT_FOLDS = (
    "folds are drawn over rows: a row repeated k times is not the same data as one row of "
    "weight k once the rows are split into folds"
)


def _expected_failures(estimator):
    if isinstance(estimator, RidgeCV) and estimator.cv in (None, "loo", "gcv"):
        return {}  # leave-one-out / GCV of a weighted fit
    return {
        "check_sample_weight_equivalence_on_dense_data": _WEIGHTS_ARE_NOT_FOLDS,
        "check_sample_weight_equivalence_on_sparse_data": _WEIGHTS_ARE_NOT_FOLDS,
    }


@parametrize_with_checks(
    [
        LassoCV(n_alphas=10, cv=3),
        ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=8, cv=3, relax=True, alpha_rule="1se"),
        RidgeCV(),
        RidgeCV(cv=3),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def _rel(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a) - b)) / max(np.max(np.abs(b)), 1e-300))


# --------------------------------------------------------------------------------------------
# LassoCV / ElasticNetCV


def test_lasso_cv_matches_sklearn():
    X, y = simulated(60, 12, seed=0, noise=1.0)
    alphas = np.geomspace(2.0, 1e-3, 20)
    ours = LassoCV(alphas=alphas, cv=5, tol=1e-12, max_iter=100_000).fit(X, y)
    ref = sk.LassoCV(alphas=alphas, cv=KFold(5), tol=1e-14, max_iter=100_000).fit(X, y)
    assert ours.alpha_ == pytest.approx(ref.alpha_)
    assert _rel(ours.mse_path_, ref.mse_path_) < 1e-6
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_)
    assert ours.alphas_.shape == ref.alphas_.shape and ours.mse_path_.shape == (20, 5)
    assert ours.dual_gap_ >= 0 and ours.n_iter_ >= 1


def test_elastic_net_cv_l1_ratio_grid_matches_sklearn():
    X, y = simulated(50, 10, seed=1, noise=1.0)
    ratios = [0.2, 0.6, 1.0]
    ours = ElasticNetCV(
        l1_ratio=ratios, n_alphas=12, cv=4, alpha_min_ratio=1e-3, tol=1e-12, max_iter=100_000
    ).fit(X, y)
    ref = sk.ElasticNetCV(
        l1_ratio=ratios, alphas=12, cv=KFold(4), eps=1e-3, tol=1e-14, max_iter=100_000
    ).fit(X, y)
    assert _rel(ours.alphas_, ref.alphas_) < 1e-12
    assert ours.mse_path_.shape == ref.mse_path_.shape == (3, 12, 4)
    assert _rel(ours.mse_path_, ref.mse_path_) < 1e-6
    assert ours.l1_ratio_ == ref.l1_ratio_ and ours.alpha_ == pytest.approx(ref.alpha_)
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    # every l1_ratio was scored on the same folds
    splits = ours.cv_result_.splits
    assert all(
        np.array_equal(te, te2) for (_, te), (_, te2) in zip(splits, KFold(4).split(X), strict=True)
    )


def test_one_standard_error_rule_refits_the_larger_alpha():
    X, y = simulated(80, 30, seed=2, noise=2.0)
    m = LassoCV(n_alphas=30, cv=5, alpha_rule="1se").fit(X, y)
    assert m.alpha_ == m.alpha_1se_ >= m.alpha_min_
    i = int(np.flatnonzero(m.alphas_ == m.alpha_)[0])
    assert m.cv_mean_[i] <= m.cv_mean_.min() + m.cv_se_[np.argmin(m.cv_mean_)]
    path = shrinkage.path(X, y, alphas=m.alphas_[: i + 1])
    assert np.allclose(m.coef_, path.coefs[-1], atol=1e-8)
    assert np.count_nonzero(m.coef_) <= np.count_nonzero(LassoCV(n_alphas=30, cv=5).fit(X, y).coef_)


def test_glmnet_options_reach_every_fold():
    X, y = simulated(60, 10, seed=3)
    X[:, 1] *= 50.0
    sw = np.random.default_rng(0).uniform(0.5, 2.0, 60)
    kw = {
        "standardize": True,
        "penalty_factor": np.r_[0.0, np.ones(9)],
        "lower": -1.0,
        "upper": 2.5,
        "tol": 1e-10,
    }
    m = ElasticNetCV(l1_ratio=0.8, n_alphas=10, cv=3, **kw).fit(X, y, sample_weight=sw)
    res = shrinkage.cross_validate_path(
        X, y, l1_ratio=0.8, n_alphas=10, cv=3, sample_weight=sw, **kw
    )
    assert np.allclose(m.cv_mean_, res.cv_mean)
    assert np.all(m.coef_ >= -1.0 - 1e-12) and np.all(m.coef_ <= 2.5 + 1e-12)
    ref = shrinkage.ElasticNet(m.alpha_, l1_ratio=0.8, **kw).fit(X, y, sample_weight=sw)
    assert _rel(m.coef_, ref.coef_) < 1e-5


def test_relaxed_lasso_cv():
    X, y = simulated(70, 20, seed=4, noise=1.0)
    plain = LassoCV(n_alphas=15, cv=3).fit(X, y)
    one = LassoCV(n_alphas=15, cv=3, relax=True, gammas=(1.0,)).fit(X, y)
    assert one.alpha_ == plain.alpha_ and np.allclose(one.coef_, plain.coef_)
    m = LassoCV(n_alphas=15, cv=3, relax=True).fit(X, y)
    assert m.gamma_ in (0.0, 0.25, 0.5, 0.75, 1.0)
    assert m.cv_mean_.shape == (5, 15) and m.mse_path_.shape == (5, 15, 3)
    g = [0.0, 0.25, 0.5, 0.75, 1.0].index(m.gamma_)
    assert m.cv_mean_[g].min() == m.cv_mean_.min()
    res = m.cv_result_
    assert np.allclose(m.coef_, res.relaxed_coefs[g, res.index_min])
    assert plain.gamma_ == 1.0


def test_pipeline_grid_search_and_pandas():
    X, y = simulated(60, 8, seed=5)
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(8)])
    pipe = make_pipeline(StandardScaler(), LassoCV(n_alphas=10, cv=3)).fit(df, y)
    assert pipe.predict(df).shape == (60,)
    m = LassoCV(n_alphas=10, cv=3).fit(df, y)
    assert list(m.feature_names_in_) == list(df.columns)
    assert list(m.cv_result_.path.feature_names) == list(df.columns)
    search = GridSearchCV(LassoCV(n_alphas=10, cv=3), {"alpha_rule": ["min", "1se"]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["alpha_rule"] in ("min", "1se")
    grid = GridSearchCV(RidgeCV(), {"fit_intercept": [True, False]}, cv=3).fit(X, y)
    assert grid.best_estimator_.alpha_ in (0.1, 1.0, 10.0)
    assert clone(LassoCV(gammas=(0.0, 1.0))).get_params()["gammas"] == (0.0, 1.0)


def test_bad_input_names_the_argument():
    X, y = simulated(20, 5, seed=6)
    with pytest.raises(ValueError, match="alpha_rule must be one of"):
        LassoCV(alpha_rule="2se").fit(X, y)
    with pytest.raises(ValueError, match="scoring must be one of"):
        LassoCV(scoring="rmse").fit(X, y)
    with pytest.raises(ValueError, match="cv=25 folds is larger than the number of samples"):
        LassoCV(cv=25).fit(X, y)
    with pytest.raises(ValueError, match="alphas must be finite and > 0"):
        LassoCV(alphas=[1.0, -0.1]).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio must be in"):
        ElasticNetCV(l1_ratio=[0.5, 1.5]).fit(X, y)
    with pytest.raises(ValueError, match="gammas must be in"):
        LassoCV(relax=True, gammas=(2.0,)).fit(X, y)
    with pytest.raises(ValueError, match="alphas must be finite and > 0"):
        RidgeCV(alphas=(0.0, 1.0)).fit(X, y)
    with pytest.raises(ValueError, match="cv must be one of"):
        RidgeCV(cv="kfold").fit(X, y)
    with pytest.raises(ValueError, match="cv=25 folds is larger"):
        RidgeCV(cv=25).fit(X, y)
    with pytest.raises(ValueError, match="cv='gcv' is a squared-error criterion"):
        RidgeCV(cv="gcv", scoring="mae").fit(X, y)
    with pytest.raises(ValueError, match="store_cv_results=True"):
        RidgeCV(cv=3, store_cv_results=True).fit(X, y)


# --------------------------------------------------------------------------------------------
# RidgeCV


@pytest.mark.parametrize("shape", [(40, 8), (20, 35)], ids=["primal", "kernel"])
@pytest.mark.parametrize("multi", [False, True])
def test_ridge_loo_matches_sklearn(shape, multi):
    X, y = simulated(*shape, seed=7)
    X += 2.0
    Y = np.column_stack([y, 0.5 * y + np.random.default_rng(0).standard_normal(len(y))])
    target = Y if multi else y
    alphas = np.geomspace(1e-2, 1e2, 9)
    for per_target in [False, True] if multi else [False]:
        ours = RidgeCV(alphas, store_cv_results=True, alpha_per_target=per_target).fit(X, target)
        ref = sk.RidgeCV(alphas, store_cv_results=True, alpha_per_target=per_target).fit(X, target)
        assert _rel(ours.cv_results_, ref.cv_results_) < 1e-8
        assert np.allclose(ours.alpha_, ref.alpha_)
        assert _rel(ours.coef_, ref.coef_) < 1e-8
        assert np.allclose(ours.intercept_, ref.intercept_)
        assert np.allclose(ours.best_score_, ref.best_score_)


@pytest.mark.parametrize("shape", [(30, 6), (15, 25)], ids=["primal", "kernel"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_loo_equals_brute_force_refits(shape, sparse, fit_intercept):
    X, y = simulated(*shape, seed=8)
    X += 1.0
    n, p = shape
    sw = np.random.default_rng(1).uniform(0.5, 2.0, n)
    for factors in (None, np.r_[0.0, 0.5, np.ones(p - 2)]):  # with an unpenalized column
        Xin = sp.csc_matrix(X) if sparse else X
        m = RidgeCV(
            [0.3, 3.0], fit_intercept=fit_intercept, penalty_factor=factors, store_cv_results=True
        ).fit(Xin, y, sample_weight=sw)
        for k, alpha in enumerate([0.3, 3.0]):
            loo = np.empty(n)
            for i in range(n):
                keep = np.arange(n) != i
                fit = Ridge(alpha, fit_intercept=fit_intercept, penalty_factor=factors).fit(
                    X[keep], y[keep], sample_weight=sw[keep]
                )
                loo[i] = (y[i] - fit.predict(X[i : i + 1])[0]) ** 2
            assert _rel(m.cv_results_[:, k], loo) < 1e-9
        errors = (sw / sw.sum()) @ m.cv_results_
        assert np.allclose(m.cv_mean_, errors)


def test_ridge_gcv_and_kfold():
    X, y = simulated(40, 6, seed=9)
    alphas = np.geomspace(1e-2, 1e3, 8)
    m = RidgeCV(alphas, cv="gcv").fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    U, d, _ = np.linalg.svd(Xc, full_matrices=False)
    for a, err in zip(alphas, m.cv_mean_, strict=True):
        shrink = d**2 / (d**2 + a)
        resid = yc - U @ (shrink * (U.T @ yc))
        df = 1 + shrink.sum()
        assert err == pytest.approx(np.mean(resid**2) / (1 - df / 40) ** 2)
    kf = RidgeCV(alphas, cv=KFold(5)).fit(X, y)
    ref = GridSearchCV(
        sk.Ridge(), {"alpha": alphas}, cv=KFold(5), scoring="neg_mean_squared_error"
    ).fit(X, y)
    assert np.allclose(kf.cv_mean_, -ref.cv_results_["mean_test_score"])
    assert kf.alpha_ == ref.best_params_["alpha"] and kf.cv_se_.shape == (8,)


@pytest.mark.parametrize("shape", [(40, 6), (20, 30)], ids=["primal", "kernel"])
def test_ridge_kfold_multitarget_weights_standardize_match_refits(shape):
    X, y = simulated(*shape, seed=10)
    X[:, 0] *= 20.0
    Y = np.column_stack([y, -y + 1.0])
    sw = np.random.default_rng(2).uniform(0.5, 2.0, shape[0])
    alphas = [0.5, 5.0]
    m = RidgeCV(alphas, cv=4, standardize=True, scoring="mae").fit(X, Y, sample_weight=sw)
    folds = list(KFold(4).split(X))
    expected = np.zeros((2, 2))
    w = np.array([sw[te].sum() for _, te in folds])
    for (train, test), wf in zip(folds, w / w.sum(), strict=True):
        for k, a in enumerate(alphas):
            fit = Ridge(a, standardize=True).fit(X[train], Y[train], sample_weight=sw[train])
            err = np.abs(Y[test] - fit.predict(X[test]))
            expected[:, k] += wf * (sw[test] / sw[test].sum()) @ err
    assert np.allclose(m.cv_mean_, expected)


def test_ridge_cv_r2_scoring_and_single_alpha():
    X, y = simulated(30, 5, seed=11)
    m = RidgeCV([1.0], scoring="r2").fit(X, y)
    ref = RidgeCV([1.0], store_cv_results=True).fit(X, y)
    loo_sse = ref.cv_results_[:, 0].sum()
    assert m.cv_mean_[0] == pytest.approx(loo_sse / np.sum((y - y.mean()) ** 2))
    assert m.best_score_ == pytest.approx(1 - m.cv_mean_[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RidgeCV(np.geomspace(1e-3, 1e3, 5)).fit(X, y)
