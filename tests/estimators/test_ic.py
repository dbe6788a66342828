"""LassoIC and ElasticNetIC: scikit-learn contract, LassoLarsIC, options."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LassoLarsIC
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import shrinkage
from shrinkage import ElasticNetIC, LassoIC

from .._reference import simulated

_N_IS_ROWS = (
    "the n of the criteria counts rows with a positive weight: weights are relative "
    "precisions, not frequencies, so k repeated rows differ from one row of weight k"
)


@parametrize_with_checks(
    [LassoIC(n_alphas=20), ElasticNetIC(criterion="ebic", n_alphas=20)],
    expected_failed_checks=lambda est: {
        "check_sample_weight_equivalence_on_dense_data": _N_IS_ROWS,
        "check_sample_weight_equivalence_on_sparse_data": _N_IS_ROWS,
    },
)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_lasso_ic_matches_lasso_lars_ic(criterion):
    X, y = load_diabetes(return_X_y=True)
    ref = LassoLarsIC(criterion=criterion).fit(X, y)
    m = LassoIC(criterion=criterion, n_alphas=400, alpha_min_ratio=1e-3, tol=1e-10).fit(X, y)
    step = m.alphas_[0] / m.alphas_[1]
    assert ref.alpha_ <= m.alpha_ * (1 + 1e-9) <= ref.alpha_ * step * (1 + 1e-8)
    assert np.array_equal(m.coef_ != 0, ref.coef_ != 0)
    assert m.noise_variance_ == pytest.approx(ref.noise_variance_)
    assert m.criterion_.shape == m.alphas_.shape == m.df_.shape == (400,)
    assert m.criterion_[np.flatnonzero(m.alphas_ == m.alpha_)[0]] == m.criterion_.min()


def test_elastic_net_ic_refit_and_options():
    X, y = simulated(60, 10, seed=0, noise=1.0)
    m = ElasticNetIC(
        criterion="bic", l1_ratio=0.5, n_alphas=15, standardize=True, positive=True, tol=1e-10
    ).fit(X, y)
    ref = shrinkage.ElasticNet(
        m.alpha_, l1_ratio=0.5, standardize=True, positive=True, tol=1e-10
    ).fit(X, y)
    assert np.allclose(m.coef_, ref.coef_, atol=1e-6)
    assert np.all(m.coef_ >= 0) and np.all(m.df_ <= 10)
    assert m.ic_result_.criterion_name == "bic"


def test_pipeline_and_grid_search():
    X, y = simulated(60, 8, seed=1)
    pipe = make_pipeline(StandardScaler(), LassoIC(n_alphas=20)).fit(X, y)
    assert pipe.predict(X).shape == (60,)
    search = GridSearchCV(LassoIC(n_alphas=20), {"criterion": ["aic", "bic"]}, cv=3).fit(X, y)
    assert search.best_params_["criterion"] in ("aic", "bic")


def test_bad_input_names_the_argument():
    X, y = simulated(20, 30, seed=2)
    with pytest.raises(ValueError, match="noise_variance"):
        LassoIC().fit(X, y)
    with pytest.raises(ValueError, match="criterion must be one of"):
        LassoIC(criterion="hqic", noise_variance=1.0).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio must be in"):
        ElasticNetIC(l1_ratio=2.0, noise_variance=1.0).fit(X, y)
