"""cross_validate_path: agreement with scikit-learn, the 1-SE rule, folds, scoring, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from joblib import parallel_config
from sklearn.linear_model import ElasticNetCV as SkElasticNetCV
from sklearn.model_selection import GroupKFold, KFold, ShuffleSplit

import shrinkage
from shrinkage import _progress, cross_validate_path
from shrinkage._problem import Problem
from shrinkage.datafits.quadratic import sufficient_statistics
from shrinkage.selection._folds import FoldStatistics, make_folds
from shrinkage.selection.cv import fold_summary, select_alphas
from shrinkage.selection.relaxed import relaxed_coefs

from .._reference import simulated

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


def _rel(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a) - b)) / max(np.max(np.abs(b)), 1e-300))


# --------------------------------------------------------------------------------------------
# agreement with scikit-learn on the same folds and grid


@pytest.mark.parametrize("shape", [(60, 12), (40, 80)], ids=["gram", "cd"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("sparse", [False, True])
def test_fold_errors_match_sklearn(shape, l1_ratio, sparse):
    X, y = simulated(*shape, seed=1)
    Xin = sp.csc_matrix(X) if sparse else X
    alphas = np.geomspace(2.0, 0.02, 15)
    ours = cross_validate_path(Xin, y, l1_ratio=l1_ratio, alphas=alphas, cv=5, **TIGHT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn may stop a hair above tol=1e-14 (p > n)
        ref = SkElasticNetCV(
            l1_ratio=l1_ratio, alphas=alphas, cv=KFold(5), tol=1e-14, max_iter=100_000
        ).fit(X, y)
    assert _rel(ours.fold_errors.T, ref.mse_path_) < 1e-5
    assert ours.alpha_min == pytest.approx(ref.alpha_)
    assert ours.fold_errors.shape == (5, 15)


def test_sample_weighted_fold_errors_match_sklearn():
    X, y = simulated(60, 12, seed=2)
    sw = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    alphas = np.geomspace(1.0, 1e-3, 12)
    ours = cross_validate_path(X, y, alphas=alphas, cv=5, sample_weight=sw, **TIGHT)
    ref = SkElasticNetCV(l1_ratio=1.0, alphas=alphas, cv=KFold(5), tol=1e-14, max_iter=100_000).fit(
        X, y, sample_weight=sw
    )
    assert _rel(ours.fold_errors.T, ref.mse_path_) < 1e-6
    # the CV error weighs each fold by its total weight (glmnet), scikit-learn does not
    w = np.array([sw[test].sum() for _, test in ours.splits])
    assert np.allclose(ours.cv_mean, (w / w.sum()) @ ours.fold_errors)


@pytest.mark.parametrize("sparse", [False, True])
def test_each_fold_is_the_path_of_its_training_set(sparse):
    """Fold subtraction (Gram mode), standardize, weights and penalty factors per fold."""
    X, y = simulated(80, 10, seed=3)
    X[:, 2] *= 30.0
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    factors = np.r_[0.0, np.ones(9)]
    Xin = sp.csc_matrix(X) if sparse else X
    opts = {"standardize": True, "penalty_factor": factors, **TIGHT}
    res = cross_validate_path(
        Xin, y, l1_ratio=0.7, n_alphas=8, cv=4, sample_weight=sw, keep_fold_coefs=True, **opts
    )
    for f, (train, _) in enumerate(res.splits):
        ref = shrinkage.path(
            X[train], y[train], l1_ratio=0.7, alphas=res.alphas, sample_weight=sw[train], **opts
        )
        assert _rel(res.fold_coefs[f], ref.coefs) < 1e-7
        assert _rel(res.fold_intercepts[f], ref.intercepts) < 1e-7
    full = shrinkage.path(X, y, l1_ratio=0.7, n_alphas=8, sample_weight=sw, **opts)
    assert np.allclose(res.alphas, full.alphas)
    assert np.array_equal(res.nnz, full.nnz)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_fold_statistics_equal_direct_statistics(sparse, fit_intercept):
    X, y = simulated(50, 6, seed=4)
    X += 100.0  # a large mean: the subtraction must not cancel
    Y = np.column_stack([y, 2 - y])
    sw = np.random.default_rng(2).uniform(0.5, 2.0, 50)
    splits = list(KFold(5, shuffle=True, random_state=0).split(X)) + list(
        ShuffleSplit(2, test_size=0.3, train_size=0.5, random_state=0).split(X)
    )
    Xin = sp.csc_matrix(X) if sparse else X
    for target in (y, Y):
        stats = FoldStatistics(Xin, target, sw, fit_intercept, splits)
        for f, (train, _) in enumerate(splits):
            got = stats.fold(f)
            ref = sufficient_statistics(X[train], target[train], sw[train], fit_intercept)
            for name in ("G", "q", "yty", "x_offset", "y_offset"):
                assert np.allclose(getattr(got, name), getattr(ref, name), rtol=1e-9, atol=1e-9), (
                    name
                )


# --------------------------------------------------------------------------------------------
# the 1-SE rule


def test_one_standard_error_rule_by_hand():
    alphas = np.array([4.0, 2.0, 1.0, 0.5])
    errors = np.array(
        [[5.0, 2.0, 1.0, 2.5], [5.0, 3.0, 3.0, 3.5], [5.0, 2.0, 1.0, 2.5], [5.0, 3.0, 3.0, 3.5]]
    )
    mean, se = fold_summary(errors, np.ones(4), 4)
    assert np.allclose(mean, [5.0, 2.5, 2.0, 3.0])
    # glmnet's cvsd: sqrt(mean squared deviation / (K - 1))
    assert np.allclose(se, [0.0, np.sqrt(0.25 / 3), np.sqrt(1.0 / 3), np.sqrt(0.25 / 3)])
    i_min, i_1se = select_alphas(mean, se)
    assert alphas[i_min] == 1.0  # smallest mean
    assert alphas[i_1se] == 2.0  # 2.5 <= 2.0 + 0.577, while 5.0 is not


def test_fold_weights_and_repeats_in_the_summary():
    errors = np.array([[1.0], [3.0], [2.0], [6.0]])
    mean, se = fold_summary(errors, np.array([1.0, 1.0, 2.0, 0.0]), 2)
    assert mean[0] == pytest.approx((1 + 3 + 4) / 4)
    var = (1 * (1 - 2) ** 2 + 1 * (3 - 2) ** 2 + 2 * 0.0) / 4
    assert se[0] == pytest.approx(np.sqrt(var / (2 - 1)))


@pytest.mark.parametrize("seed", range(6))
def test_alpha_1se_is_never_below_alpha_min(seed):
    X, y = simulated(50, 30, seed=seed, noise=2.0)
    res = cross_validate_path(
        X,
        y,
        n_alphas=25,
        cv=5,
        random_state=seed,
        n_repeats=2,
        scoring=["mse", "mae", "r2"][seed % 3],
    )
    assert res.alpha_1se >= res.alpha_min
    assert res.index_1se <= res.index_min
    assert res.cv_mean[res.index_1se] <= res.cv_mean[res.index_min] + res.cv_se[res.index_min]
    assert res.cv_mean[res.index_min] == np.min(res.cv_mean)


# --------------------------------------------------------------------------------------------
# folds, repeats, groups, determinism, parallelism


def test_folds_default_to_unshuffled_kfold_and_are_seeded():
    splits, k = make_folds(5, 23)
    assert k == 5
    for (tr, te), (tr2, te2) in zip(splits, KFold(5).split(np.zeros((23, 1))), strict=True):
        assert np.array_equal(te, te2) and np.array_equal(tr, tr2)
    a, _ = make_folds(5, 23, random_state=7)
    b, _ = make_folds(5, 23, random_state=np.random.default_rng(7))
    c, _ = make_folds(5, 23, random_state=8)
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x[1], y[1]) for x, y in zip(a, c, strict=True))
    rep, k = make_folds(4, 23, n_repeats=3, random_state=0)
    assert len(rep) == 12 and k == 4
    for r in range(3):  # every repeat is a partition
        tests = np.sort(np.concatenate([te for _, te in rep[4 * r : 4 * r + 4]]))
        assert np.array_equal(tests, np.arange(23))


def test_groups_never_straddle_a_split_and_results_are_deterministic():
    X, y = simulated(60, 8, seed=5)
    groups = np.repeat(np.arange(12), 5)
    res = cross_validate_path(X, y, n_alphas=10, cv=4, groups=groups)
    assert len(res.splits) == 4
    for train, test in res.splits:
        assert not set(groups[train]) & set(groups[test])
    ref, _ = make_folds(GroupKFold(4), 60, groups=groups)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(res.splits, ref, strict=True))
    again = cross_validate_path(X, y, n_alphas=10, cv=4, random_state=3, n_repeats=2)
    same = cross_validate_path(X, y, n_alphas=10, cv=4, random_state=3, n_repeats=2)
    assert np.array_equal(again.fold_errors, same.fold_errors)


def test_parallel_folds_equal_sequential_ones():
    X, y = simulated(50, 20, seed=6)
    seq = cross_validate_path(X, y, l1_ratio=0.5, n_alphas=10, cv=5)
    with parallel_config(backend="threading"):
        par = cross_validate_path(X, y, l1_ratio=0.5, n_alphas=10, cv=5, n_jobs=2)
    assert np.array_equal(seq.fold_errors, par.fold_errors)
    assert np.array_equal(seq.path.coefs, par.path.coefs)


def test_progress_bar_can_be_forced_and_turned_off(capsys, monkeypatch):
    X, y = simulated(40, 10, seed=7)
    cross_validate_path(X, y, n_alphas=5, cv=3, progress=False)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(_progress, "AUTO_SECONDS", 0.0)
    res = cross_validate_path(X, y, n_alphas=5, cv=3, progress=True)
    assert res.fold_errors.shape == (3, 5)
    with pytest.raises(ValueError, match="progress"):
        cross_validate_path(X, y, n_alphas=5, cv=3, progress="yes")


# --------------------------------------------------------------------------------------------
# scoring and relaxed fits


@pytest.mark.parametrize("scoring", ["mae", "r2"])
def test_scoring_from_the_fold_paths(scoring):
    X, y = simulated(45, 10, seed=8)
    res = cross_validate_path(X, y, n_alphas=6, cv=3, scoring=scoring, keep_fold_coefs=True)
    for f, (_, test) in enumerate(res.splits):
        pred = X[test] @ res.fold_coefs[f].T + res.fold_intercepts[f]
        resid = y[test, None] - pred
        if scoring == "mae":
            expected = np.mean(np.abs(resid), axis=0)
        else:  # 1 - R^2: lower is better
            expected = np.sum(resid**2, axis=0) / np.sum((y[test] - y[test].mean()) ** 2)
        assert np.allclose(res.fold_errors[f], expected)


def test_relaxed_cross_validation_over_gamma_and_alpha():
    X, y = simulated(60, 15, seed=9)
    gammas = [0.0, 0.5, 1.0]
    plain = cross_validate_path(X, y, n_alphas=8, cv=3)
    res = cross_validate_path(X, y, n_alphas=8, cv=3, gammas=gammas, keep_fold_coefs=True)
    assert res.cv_mean.shape == (3, 8) and res.fold_errors.shape == (3, 3, 8)
    assert np.allclose(res.fold_errors[:, 2], plain.fold_errors)  # gamma = 1: the lasso
    train, test = res.splits[0]
    fold = shrinkage.path(X[train], y[train], alphas=res.alphas)
    coefs, intercepts = relaxed_coefs(X[train], y[train], fold, gammas)
    pred = X[test] @ coefs[0].T + intercepts[0]
    assert np.allclose(res.fold_errors[0, 0], np.mean((y[test, None] - pred) ** 2, axis=0))
    assert res.gamma_min in gammas and res.alpha_1se >= res.alpha_min
    g = gammas.index(res.gamma_min)
    assert res.cv_mean[g, res.index_min] == res.cv_mean.min()
    coef, _ = res.coefs_at("min")
    assert np.allclose(coef, res.relaxed_coefs[g, res.index_min])


# --------------------------------------------------------------------------------------------
# bad input


def test_bad_input_names_the_argument():
    X, y = simulated(20, 5, seed=10)
    with pytest.raises(ValueError, match=r"cv=30 folds is larger than the number of samples"):
        cross_validate_path(X, y, cv=30)
    with pytest.raises(ValueError, match="cv must be at least 2"):
        cross_validate_path(X, y, cv=1)
    with pytest.raises(ValueError, match="distinct groups"):
        cross_validate_path(X, y, cv=5, groups=np.repeat([0, 1, 2, 3], 5))
    with pytest.raises(ValueError, match="alphas must be finite and > 0"):
        cross_validate_path(X, y, alphas=[1.0, 0.0])
    with pytest.raises(ValueError, match="alphas must be finite and > 0"):
        cross_validate_path(X, y, alphas=[-1.0])
    with pytest.raises(ValueError, match="scoring must be one of"):
        cross_validate_path(X, y, scoring="accuracy")
    with pytest.raises(ValueError, match="n_repeats"):
        cross_validate_path(X, y, cv=KFold(3), n_repeats=2)
    with pytest.raises(ValueError, match="groups must have one label per sample"):
        cross_validate_path(X, y, groups=[0, 1])
    with pytest.raises(TypeError, match="unexpected keyword argument 'alpha'"):
        cross_validate_path(X, y, alpha=0.1)
    y_const = y.copy()
    y_const[:4] = 1.0
    with pytest.raises(ValueError, match="scoring='r2' is undefined on cv split 0"):
        cross_validate_path(X, y_const, cv=5, scoring="r2")
    with pytest.raises(ValueError, match="empty training set"):
        cross_validate_path(X, y, cv=[(np.array([], dtype=int), np.arange(5))])


def test_problem_statistics_can_be_given():
    X, y = simulated(30, 4, seed=11)
    stats = sufficient_statistics(X, y, np.ones(30), True)
    problem = Problem.build(X, y).with_statistics(stats)
    assert problem.statistics is stats


# --------------------------------------------------------------------------------------------
# folds of zero sample weight


def _zero_weight_on_fold(n: int, k: int, fold: int) -> tuple[np.ndarray, list]:
    splits = list(KFold(k).split(np.empty((n, 1))))
    sw = np.ones(n)
    sw[splits[fold][1]] = 0.0
    return sw, splits


@pytest.mark.parametrize("shape", [(40, 6), (30, 50)], ids=["gram", "cd"])
def test_a_held_out_set_of_zero_weight_is_left_out_with_a_warning(shape):
    X, y = simulated(*shape, seed=3)
    sw, splits = _zero_weight_on_fold(shape[0], 5, 2)
    with pytest.warns(UserWarning, match="cv split 2 has zero held-out sample_weight"):
        res = cross_validate_path(X, y, cv=5, sample_weight=sw, n_alphas=15)
    # the same as cross-validating on the other four splits (their training sets hold the
    # zero-weight rows, which change no fit)
    others = [sp_ for f, sp_ in enumerate(splits) if f != 2]
    ref = cross_validate_path(X, y, cv=others, sample_weight=sw, alphas=res.alphas)
    np.testing.assert_allclose(res.cv_mean, ref.cv_mean, rtol=1e-12)
    np.testing.assert_allclose(res.cv_se, ref.cv_se, rtol=1e-12)
    assert res.alpha_min == ref.alpha_min and np.isfinite(res.alpha_min)
    assert np.all(np.isnan(res.fold_errors[2])) and res.fold_weights[2] == 0


def test_zero_weight_folds_in_the_estimators():
    X, y = simulated(40, 6, seed=4)
    sw, _ = _zero_weight_on_fold(40, 5, 0)
    for est in (
        shrinkage.LassoCV(cv=5, n_alphas=10),
        shrinkage.ElasticNetCV(cv=5, n_alphas=10),
        shrinkage.LassoCV(cv=5, n_alphas=10, relax=True),
        shrinkage.RidgeCV(cv=5),
        shrinkage.AdaptiveLassoCV(cv=5, n_alphas=10),
    ):
        with pytest.warns(UserWarning, match="cv split 0 has zero held-out sample_weight"):
            est.fit(X, y, sample_weight=sw)
        assert np.isfinite(est.alpha_) and np.all(np.isfinite(est.coef_))


def test_zero_weight_training_sets_and_all_zero_held_out_sets_are_errors():
    X, y = simulated(30, 5, seed=5)
    splits = list(KFold(3).split(X))
    train0 = np.ones(30)
    train0[splits[0][0]] = 0.0  # split 0 trains on rows of weight 0 only
    with pytest.raises(ValueError, match="cv split 0 has a training set of zero total"):
        cross_validate_path(X, y, cv=splits, sample_weight=train0)
    with pytest.raises(ValueError, match="cv split 0 has a training set of zero total"):
        shrinkage.RidgeCV(cv=splits).fit(X, y, sample_weight=train0)
    held = np.ones(30)
    held[np.concatenate([test for _, test in splits[:2]])] = 0.0
    only_zero = splits[:2]  # both held-out sets have weight 0
    with pytest.raises(ValueError, match="every cv split has a held-out set of zero total"):
        cross_validate_path(X, y, cv=only_zero, sample_weight=held)


def test_the_one_se_rule_without_a_finite_standard_error_keeps_alpha_min():
    mean = np.array([3.0, 1.0, 2.0])
    i_min, i_1se = select_alphas(mean, np.array([np.nan, np.nan, np.nan]))
    assert i_min == i_1se == 1
    with pytest.raises(ValueError, match="no cross-validation error is finite"):
        select_alphas(np.array([np.nan, np.inf]), np.zeros(2))
