"""LogisticRegressionCV / PoissonRegressorCV: contract, the CV curve against brute force."""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import LogisticRegression, LogisticRegressionCV, PoissonRegressor, PoissonRegressorCV
from shrinkage.exceptions import ShrinkageConvergenceWarning

_SOLVER_PRECISION = (
    "weighted and repeated data give the same objective, and fits that agree to the solver's "
    "precision (~1e-7 relative even at tol=1e-8 on the check's small data), not to the check's "
    "rtol=1e-7; sample weights are checked through every fold against brute force in "
    "test_poisson_cv_equals_brute_force_with_offset_and_weights"
)


def _expected_failures(estimator):
    if isinstance(estimator, LogisticRegressionCV):
        return {}
    return {
        "check_sample_weight_equivalence_on_dense_data": _SOLVER_PRECISION,
        "check_sample_weight_equivalence_on_sparse_data": _SOLVER_PRECISION,
    }


@parametrize_with_checks(
    [
        LogisticRegressionCV(
            n_alphas=4, alpha_min_ratio=0.01, cv=3, l1_ratios=[0.5, 1.0], alpha_rule="1se"
        ),
        PoissonRegressorCV(n_alphas=5, cv=3),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def _classes(n=100, p=6, k=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    W = np.zeros((k, p))
    W[:, :3] = 3.0 * rng.standard_normal((k, 3))
    return X, np.argmax(X @ W.T + rng.gumbel(size=(n, k)), axis=1)


def _brute_force_deviance(X, y, splits, alphas, sw, **kwargs):
    """Mean over folds (weighted by their total weight) of -2 mean log p(y) on held-out rows,
    one LogisticRegression per (fold, alpha)."""
    errors = np.empty((len(splits), len(alphas)))
    for f, (train, test) in enumerate(splits):
        for a, alpha in enumerate(alphas):
            model = LogisticRegression("l1", alpha=alpha, tol=1e-11, **kwargs).fit(
                X[train], y[train], sample_weight=sw[train]
            )
            p = model.predict_proba(X[test])[
                np.arange(test.size), np.searchsorted(model.classes_, y[test])
            ]
            errors[f, a] = -2 * np.average(np.log(p), weights=sw[test])
    weights = np.array([sw[test].sum() for _, test in splits])
    return weights @ errors / weights.sum()


@pytest.mark.parametrize(("k", "multi_class"), [(2, "auto"), (3, "auto"), (3, "ovr")])
def test_cv_curve_equals_brute_force_over_folds(k, multi_class):
    X, y = _classes(k=k, seed=k)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    cv = LogisticRegressionCV(
        n_alphas=6, alpha_min_ratio=0.01, cv=4, multi_class=multi_class, tol=1e-11
    ).fit(X, y, sample_weight=sw)
    splits = cv.cv_result_.splits
    ref_splits = list(StratifiedKFold(4).split(X, y))
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(splits, ref_splits, strict=True))
    brute = _brute_force_deviance(X, y, splits, cv.alphas_, sw, multi_class=multi_class)
    np.testing.assert_allclose(cv.cv_mean_, brute, rtol=1e-5)
    final = LogisticRegression("l1", alpha=cv.alpha_, multi_class=multi_class, tol=1e-11).fit(
        X, y, sample_weight=sw
    )
    np.testing.assert_allclose(cv.coef_, final.coef_, atol=1e-5)
    np.testing.assert_allclose(cv.predict_proba(X), final.predict_proba(X), atol=1e-5)
    assert pytest.approx(1 / (cv.alpha_ * sw.sum())) == cv.C_


def test_cs_grid_and_the_one_standard_error_rule():
    X, y = _classes(seed=5)
    Cs = [0.01, 0.1, 1.0, 10.0]
    cv = LogisticRegressionCV(Cs=Cs, cv=3, alpha_rule="1se", l1_ratios=[0.5, 1.0]).fit(X, y)
    assert cv.alphas_.shape == (2, 4) and cv.cv_mean_.shape == (2, 4)
    np.testing.assert_allclose(np.sort(cv.Cs_[0]), Cs)
    assert cv.alpha_ == cv.alpha_1se_ >= cv.alpha_min_
    assert len(cv.cv_results_) == 2 and cv.l1_ratio_ in (0.5, 1.0)
    with warnings.catch_warnings():  # C = 1e4 is nearly unpenalized on these nearly separable data
        warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
        default = LogisticRegressionCV(Cs=3, cv=3).fit(X, y)
    np.testing.assert_allclose(np.sort(default.Cs_), [1e-4, 1.0, 1e4])  # scikit-learn's logspace
    with pytest.raises(ValueError, match="alphas or as Cs, not both"):
        LogisticRegressionCV(Cs=Cs, alphas=[0.1]).fit(X, y)


def test_string_labels_imbalanced_classes_and_stratified_folds():
    X, y = _classes(n=120, k=3, seed=6)
    y[:] = 0
    y[:12] = 1  # 10% and 5%: every stratified fold still sees both rare classes
    y[12:18] = 2
    X[:12, 0] += 2.0
    X[12:18, 1] += 2.0
    labels = np.array(["common", "rare", "rarest"])[y]
    cv = LogisticRegressionCV(n_alphas=5, cv=3, scoring="brier").fit(X, labels)
    assert list(cv.classes_) == ["common", "rare", "rarest"]
    for train, test in cv.cv_result_.splits:
        assert set(labels[train]) == set(labels[test]) == set(labels)
    assert cv.predict_proba(X).shape == (120, 3)
    balanced = LogisticRegressionCV(n_alphas=5, cv=3, class_weight="balanced").fit(X, labels)
    assert np.mean(balanced.predict(X) != "common") > np.mean(cv.predict(X) != "common")


def test_a_class_missing_from_a_training_fold_is_an_error():
    X, y = _classes(n=60, k=3, seed=7)
    labels = np.array(["low", "mid", "high"], dtype=object)[y]
    labels[labels == "high"] = "low"
    labels[0] = "high"  # one sample: its fold's training set never sees that class
    with pytest.raises(ValueError, match="lacks class 'high' "):
        LogisticRegressionCV(n_alphas=5, cv=3).fit(X, labels)


def test_pipeline_and_grid_search():
    X, y = _classes(seed=8)
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegressionCV(n_alphas=5, cv=3)),
        {"logisticregressioncv__scoring": ["deviance", "roc_auc"]},
        cv=3,
    )
    assert grid.fit(X, y).best_score_ > 0.7


def test_poisson_cv_equals_brute_force_with_offset_and_weights():
    rng = np.random.default_rng(9)
    X = rng.standard_normal((80, 4))
    exposure = rng.uniform(0.5, 2.0, 80)
    y = rng.poisson(exposure * np.exp(0.6 * X[:, 0] - 0.3 * X[:, 1])).astype(float)
    offset = np.log(exposure)
    sw = rng.uniform(0.5, 2.0, 80)
    cv = PoissonRegressorCV(n_alphas=5, cv=4, scoring="mse", l1_ratio=0.5, tol=1e-11).fit(
        X, y, sample_weight=sw, offset=offset
    )
    errors = np.empty((4, 5))
    for f, (train, test) in enumerate(cv.cv_result_.splits):
        for a, alpha in enumerate(cv.alphas_):
            m = PoissonRegressor(alpha=alpha, l1_ratio=0.5, tol=1e-11).fit(
                X[train], y[train], sample_weight=sw[train], offset=offset[train]
            )
            resid = y[test] - m.predict(X[test], offset=offset[test])
            errors[f, a] = np.average(resid**2, weights=sw[test])
    weights = np.array([sw[test].sum() for _, test in cv.cv_result_.splits])
    np.testing.assert_allclose(cv.cv_mean_, weights @ errors / weights.sum(), rtol=1e-5)
    assert cv.coef_[0] > 0.3
    assert cv.predict(X, offset=offset) == pytest.approx(exposure * cv.predict(X))


def test_logistic_cv_predict_log_proba_takes_alpha_like_predict_proba():
    """The CV classifier's predict_log_proba reads its second argument as alpha (as its
    predict_proba does), not as LogisticRegression's offset."""
    import shrinkage

    rng = np.random.default_rng(3)
    X = rng.standard_normal((90, 4))
    y = (X[:, 0] - X[:, 1] + rng.logistic(size=90) > 0).astype(int)
    clf = shrinkage.LogisticRegressionCV(n_alphas=6, cv=3).fit(X, y)
    for alpha in (None, clf.alpha_, clf.alphas_[0]):
        np.testing.assert_allclose(
            np.exp(clf.predict_log_proba(X, alpha)), clf.predict_proba(X, alpha), rtol=1e-12
        )
    assert not np.allclose(
        clf.predict_log_proba(X, clf.alphas_[0]), clf.predict_log_proba(X, clf.alpha_)
    )
