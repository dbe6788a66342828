"""GroupLasso and GroupLassoClassifier: scikit-learn contract, reductions, labels, attributes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import Lasso
from shrinkage.estimators.group import GroupLasso, GroupLassoClassifier
from shrinkage.group_path import group_path

GROUPS = np.repeat(np.arange(4), 3)


@parametrize_with_checks(
    [
        GroupLasso(),
        GroupLasso(l1_ratio=0.5, standardize=True),
        GroupLasso(alpha=0.1, datafit="quantile"),
        GroupLassoClassifier(datafit="multinomial", l1_ratio=0.5),
        GroupLassoClassifier(),
        GroupLassoClassifier(datafit="squared_hinge"),
        GroupLassoClassifier(datafit="multinomial"),
    ]
)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def _data(n=60, p=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, :3] @ [2.0, -1.0, 1.0] + 0.5 * X[:, 9] + 0.5 * rng.standard_normal(n) + 1.0
    return X, y


def test_default_groups_are_the_lasso():
    X, y = _data()
    ours = GroupLasso(alpha=0.1, tol=1e-12).fit(X, y)
    ref = Lasso(alpha=0.1, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-8)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-8)


@pytest.mark.parametrize("sparse", [False, True])
def test_matches_the_path_and_reports_groups(sparse):
    X, y = _data()
    Xin = sp.csc_matrix(X) if sparse else X
    model = GroupLasso(GROUPS, alpha=0.15, tol=1e-12).fit(Xin, y)
    ref = group_path(X, y, GROUPS, alphas=[0.15], tol=1e-12)
    np.testing.assert_allclose(model.coef_, ref.coefs[0], atol=1e-9)
    assert model.intercept_ == pytest.approx(ref.intercepts[0], abs=1e-9)
    np.testing.assert_array_equal(model.active_groups_, [0, 3])
    np.testing.assert_array_equal(model.group_labels_, [0, 1, 2, 3])
    assert [g.tolist() for g in model.groups_] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    assert model.certificate_ == "duality_gap" and model.dual_gap_ >= 0 and model.converged_
    np.testing.assert_allclose(model.predict(X), X @ model.coef_ + model.intercept_)


def test_warm_start_resumes_from_the_previous_fit():
    X, y = _data()
    model = GroupLasso(GROUPS, alpha=0.05, tol=1e-10, warm_start=True).fit(X, y)
    first = model.n_iter_
    model.fit(X, y)
    assert model.n_iter_ <= max(first // 2, 1)


def test_one_hot_groups_in_a_pipeline():
    rng = np.random.default_rng(0)
    colour = rng.choice(["red", "green", "blue"], 80)
    size = rng.choice(["s", "m", "l", "xl"], 80)
    y = (colour == "red") * 2.0 + rng.standard_normal(80) * 0.3
    X = pd.DataFrame({"colour": colour, "size": size})
    groups = [0, 0, 0, 1, 1, 1, 1]  # the encoder's columns: 3 colours, then 4 sizes
    model = make_pipeline(OneHotEncoder(sparse_output=False), GroupLasso(groups, alpha=0.1)).fit(
        X, y
    )
    fitted = model[-1]
    np.testing.assert_array_equal(fitted.active_groups_, [0])
    assert np.all(fitted.coef_[:3] != 0) and np.all(fitted.coef_[3:] == 0)
    search = GridSearchCV(GroupLasso(groups), {"alpha": [0.01, 0.1, 1.0]}, cv=3)
    search.fit(OneHotEncoder(sparse_output=False).fit_transform(X), y)
    assert search.best_params_["alpha"] in (0.01, 0.1)


def test_feature_names_are_kept():
    X, y = _data()
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(12)])
    model = GroupLasso(GROUPS, alpha=0.1).fit(df, y)
    assert list(model.feature_names_in_) == list(df.columns)


def test_classifier_string_labels_and_probabilities():
    X, y = _data()
    labels = np.where(y > 1.0, "yes", "no")
    model = GroupLassoClassifier(GROUPS, alpha=0.02, tol=1e-10).fit(X, labels)
    np.testing.assert_array_equal(model.classes_, ["no", "yes"])
    ref = group_path(
        X, (labels == "yes").astype(float), GROUPS, datafit="logistic", alphas=[0.02], tol=1e-10
    )
    np.testing.assert_allclose(model.coef_[0], ref.coefs[0], atol=1e-8)
    assert model.coef_.shape == (1, 12) and model.intercept_.shape == (1,)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    d = model.decision_function(X)
    np.testing.assert_array_equal(model.predict(X), np.where(d > 0, "yes", "no"))
    assert np.mean(model.predict(X) == labels) > 0.8


def test_squared_hinge_classifier():
    X, y = _data()
    labels = np.where(y > 1.0, "yes", "no")
    svm = GroupLassoClassifier(GROUPS, alpha=0.02, datafit="squared_hinge").fit(X, labels)
    assert not hasattr(svm, "predict_proba")
    assert np.mean(svm.predict(X) == labels) > 0.8


def test_classifier_refuses_more_than_two_classes_without_the_multinomial():
    X, y = _data()
    with pytest.raises(
        ValueError,
        match="Only binary classification is supported with "
        "datafit='logistic': GroupLassoClassifier got 3 "
        "classes \\('0', '1', '2'\\); use datafit='multinomial'",
    ):
        GroupLassoClassifier(GROUPS).fit(X, np.digitize(y, [0.0, 2.0]))


def test_multinomial_classifier():
    X, y = _data()
    labels = np.array(["low", "mid", "high"])[np.digitize(y, [0.0, 2.0])]
    model = GroupLassoClassifier(GROUPS, alpha=0.01, datafit="multinomial", tol=1e-10)
    model.fit(X, labels)
    np.testing.assert_array_equal(model.classes_, ["high", "low", "mid"])
    assert model.coef_.shape == (3, 12) and model.intercept_.shape == (3,)
    ref = group_path(
        X,
        np.searchsorted(model.classes_, labels).astype(float),
        GROUPS,
        datafit="multinomial",
        alphas=[0.01],
        tol=1e-10,
    )
    np.testing.assert_allclose(model.coef_, ref.coefs[0].T, atol=1e-8)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
    assert np.mean(model.predict(X) == labels) > 0.8
    np.testing.assert_array_equal(
        model.active_groups_, np.flatnonzero(np.abs(model.coef_).reshape(3, 4, 3).sum((0, 2)))
    )
    # two classes: one decision function, class 1 against class 0, as the logistic model
    binary = np.where(y > 1.0, "yes", "no")
    two = GroupLassoClassifier(
        GROUPS, alpha=0.01 * np.sqrt(2), datafit="multinomial", tol=1e-12
    ).fit(X, binary)
    logistic = GroupLassoClassifier(GROUPS, alpha=0.01, tol=1e-12).fit(X, binary)
    assert two.coef_.shape == (1, 12)
    np.testing.assert_allclose(two.coef_, logistic.coef_, atol=1e-7)
    np.testing.assert_allclose(two.predict_proba(X), logistic.predict_proba(X), atol=1e-7)


def test_sparse_group_multinomial_classifier():
    X, y = _data()
    labels = np.digitize(y, [0.0, 2.0])
    model = GroupLassoClassifier(
        GROUPS, alpha=0.07, datafit="multinomial", l1_ratio=0.5, tol=1e-10
    ).fit(X, labels)
    assert model.converged_ and model.certificate_ == "duality_gap"
    ref = group_path(
        X,
        labels.astype(float),
        GROUPS,
        datafit="multinomial",
        l1_ratio=0.5,
        alphas=[0.07],
        tol=1e-10,
    )
    np.testing.assert_allclose(model.coef_, ref.coefs[0].T, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, ref.intercepts[0], atol=1e-8)
    coef = model.coef_.reshape(3, 4, 3)  # (class, group, feature of the group)
    active = np.abs(coef).sum(axis=(0, 2)) > 0
    np.testing.assert_array_equal(model.active_groups_, np.flatnonzero(active))
    assert 0 < active.sum() < 4 and np.any(coef[:, active] == 0)  # zeros inside active groups
    # two classes: the best rows are centred, (-v_j, v_j) / 2, so class 1 - class 0 is the
    # logistic sparse-group lasso at (a, r) when alpha l1_ratio = a r and
    # alpha (1 - l1_ratio) = sqrt(2) a (1 - r)
    binary = np.where(y > 1.0, "yes", "no")
    a, r = 0.01, 0.5
    alpha = a * r + np.sqrt(2) * a * (1 - r)
    two = GroupLassoClassifier(
        GROUPS, alpha=alpha, l1_ratio=a * r / alpha, datafit="multinomial", tol=1e-12
    ).fit(X, binary)
    logistic = GroupLassoClassifier(GROUPS, alpha=a, l1_ratio=r, tol=1e-12).fit(X, binary)
    assert two.coef_.shape == (1, 12) and np.any(logistic.coef_ == 0)
    np.testing.assert_allclose(two.coef_, logistic.coef_, atol=1e-7)
    np.testing.assert_allclose(two.intercept_, logistic.intercept_, atol=1e-7)


@pytest.mark.parametrize(
    ("est", "match"),
    [
        (GroupLasso(datafit="logistic"), "use GroupLassoClassifier"),
        (GroupLasso(groups=[0, 1]), "one label per column of X \\(12\\)"),
        (GroupLasso(groups=["a"] * 12), "integer labels"),
        (GroupLasso(GROUPS, group_factor=[1.0, -2.0, 1.0, 1.0]), "group_factor must be finite"),
        (GroupLasso(alpha=-1.0), "alpha must be a finite number >= 0"),
        (GroupLassoClassifier(datafit="quadratic"), "datafit must be one of"),
    ],
)
def test_bad_parameters(est, match):
    X, y = _data()
    target = y > 1 if isinstance(est, GroupLassoClassifier) else y
    with pytest.raises(ValueError, match=match):
        est.fit(X, target)


def test_offset_in_fit():
    X, y = _data()
    o = np.linspace(-1.0, 1.0, len(y))
    with_offset = GroupLasso(GROUPS, alpha=0.1, tol=1e-12).fit(X, y, offset=o)
    shifted = GroupLasso(GROUPS, alpha=0.1, tol=1e-12).fit(X, y - o)
    np.testing.assert_allclose(with_offset.coef_, shifted.coef_, atol=1e-10)
    assert with_offset.intercept_ == pytest.approx(shifted.intercept_, abs=1e-10)


def test_poisson_group_lasso_predict_names_the_row_whose_count_overflows():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 4))
    y = rng.poisson(np.exp(0.5 + X[:, 0]))
    model = GroupLasso(groups=[0, 0, 1, 1], alpha=0.01, datafit="poisson").fit(X, y)
    X_new = X[:3].copy()
    X_new[1, 0] = 1e300
    with pytest.raises(ValueError, match=r"^X row 1 .* overflows"):
        model.predict(X_new)
