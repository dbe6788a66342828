"""shrinkage.onnx: onnxruntime's predictions equal the estimators' own (skipped without the
``onnx`` extra)."""

from __future__ import annotations

import numpy as np
import pytest

import shrinkage

pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

from shrinkage.onnx import to_onnx  # noqa: E402

from ._reference import simulated  # noqa: E402

# float32 graph: 1e-6 relative to the output's scale is float32 rounding (2^-23 = 1.2e-7) on
# sums of a few products; float64 graphs are compared at 1e-12
RTOL = {np.float32: 1e-6, np.float64: 1e-12}


def run(onx, X: np.ndarray) -> list[np.ndarray]:
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: X})


def close(got, expected, dtype) -> None:
    scale = max(float(np.max(np.abs(expected))), 1.0)
    np.testing.assert_allclose(np.ravel(got), np.ravel(expected), rtol=0, atol=RTOL[dtype] * scale)


@pytest.fixture(scope="module")
def regression():
    X, y = simulated(60, 5, seed=11)
    return X, y


REGRESSORS = [
    lambda: shrinkage.Lasso(alpha=0.05),
    lambda: shrinkage.ElasticNet(alpha=0.1, l1_ratio=0.3),
    lambda: shrinkage.Ridge(alpha=2.0),
    lambda: shrinkage.LassoCV(cv=3, n_alphas=10),
    lambda: shrinkage.HuberRegressor(alpha=0.01),
    lambda: shrinkage.LassoIC(),
    lambda: shrinkage.AdaptiveLasso(alpha=0.05),
    lambda: shrinkage.RelaxedLasso(alpha=0.05),
    lambda: shrinkage.QuantileRegressor(quantile=0.7, alpha=0.01),
    lambda: shrinkage.GroupLasso(groups=[0, 0, 1, 1, 2], alpha=0.1),
    lambda: shrinkage.MCPRegressor(alpha=0.05, gamma=2.5),
    lambda: shrinkage.SCADRegressor(alpha=0.05),
]


@pytest.mark.parametrize("make", REGRESSORS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_regressors(regression, make, dtype):
    X, y = regression
    model = make().fit(X, y)
    got = run(to_onnx(model, X[:1].astype(dtype)), X.astype(dtype))[0]
    close(got, model.predict(X.astype(dtype)), dtype)


def test_ridge_with_several_targets(regression):
    X, y = regression
    Y = np.column_stack([y, -2 * y + 1])
    model = shrinkage.Ridge(alpha=1.0).fit(X, Y)
    got = run(to_onnx(model, X[:1].astype(np.float32)), X.astype(np.float32))[0]
    assert got.shape == (60, 2)
    close(got, model.predict(X), np.float32)


@pytest.mark.parametrize("cv", [False, True])
def test_poisson_applies_the_exp_link(cv):
    rng = np.random.default_rng(12)
    X = rng.normal(size=(80, 4))
    y = rng.poisson(np.exp(0.3 + X @ np.array([0.5, -0.3, 0.0, 0.2])))
    model = (
        shrinkage.PoissonRegressorCV(cv=3, n_alphas=8)
        if cv
        else shrinkage.PoissonRegressor(alpha=0.01)
    ).fit(X, y)
    got = run(to_onnx(model, X[:1].astype(np.float32), name="poisson"), X.astype(np.float32))[0]
    close(got, model.predict(X.astype(np.float32)), np.float32)


@pytest.mark.parametrize(
    "make",
    [
        lambda: shrinkage.GammaRegressor(alpha=0.01, l1_ratio=0.5),
        lambda: shrinkage.TweedieRegressor(power=1.5, alpha=0.01, l1_ratio=1.0),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gamma_and_tweedie_apply_the_exp_link(make, dtype):
    rng = np.random.default_rng(19)
    X = rng.normal(size=(80, 4))
    mu = np.exp(0.3 + X @ np.array([0.5, -0.3, 0.0, 0.2]))
    y = rng.gamma(2.0, mu / 2.0)
    model = make().fit(X, y)
    got = run(to_onnx(model, X[:1].astype(dtype)), X.astype(dtype))[0]
    assert got.shape == (80, 1)
    close(got, model.predict(X.astype(dtype)), dtype)


@pytest.mark.parametrize(
    "make",
    [
        lambda: shrinkage.MultiTaskLasso(alpha=0.05),
        lambda: shrinkage.MultiTaskElasticNet(alpha=0.05, l1_ratio=0.6),
        lambda: shrinkage.MultiTaskLassoCV(alphas=8, cv=3),
        lambda: shrinkage.MultiTaskElasticNetCV(l1_ratio=[0.5, 1.0], alphas=8, cv=3),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_multitask_models_give_one_column_per_task(regression, make, dtype):
    X, y = regression
    Y = np.column_stack([y, -2 * y + 1, X[:, 0]])
    model = make().fit(X, Y)
    got = run(to_onnx(model, X[:1].astype(dtype)), X.astype(dtype))[0]
    assert got.shape == (60, 3)
    close(got, model.predict(X.astype(dtype)), dtype)


def labels_of(y, n_classes: int, names: bool):
    idx = np.digitize(y, np.quantile(y, np.linspace(0, 1, n_classes + 1)[1:-1]))
    return np.array(["alpha", "beta", "gamma"])[idx] if names else idx * 3 + 1


@pytest.mark.parametrize(
    ("make", "n_classes"),
    [
        (lambda: shrinkage.LogisticRegression(alpha=0.01), 2),
        (lambda: shrinkage.LogisticRegression(alpha=0.01), 3),
        (lambda: shrinkage.LogisticRegression(alpha=0.01, multi_class="ovr"), 3),
        (lambda: shrinkage.LogisticRegression(alpha=0.01, multi_class="multinomial"), 2),
        (lambda: shrinkage.LogisticRegressionCV(cv=3, n_alphas=6), 3),
    ],
)
@pytest.mark.parametrize("names", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_classifiers_labels_and_probabilities(make, n_classes, names, dtype):
    X, y = simulated(90, 4, seed=13, noise=1.0)
    labels = labels_of(y, n_classes, names)
    model = make().fit(X, labels)
    label, proba = run(to_onnx(model, X[:1].astype(dtype)), X.astype(dtype))
    expected = model.predict_proba(X.astype(dtype))
    close(proba, expected, dtype)
    decided = np.sort(expected, axis=1)
    clear = decided[:, -1] - decided[:, -2] > 1e-4  # rows not at a rounding tie
    np.testing.assert_array_equal(label[clear], model.predict(X)[clear])


def test_group_lasso_poisson_applies_the_exp_link():
    rng = np.random.default_rng(16)
    X = rng.normal(size=(80, 4))
    y = rng.poisson(np.exp(0.3 + X @ np.array([0.5, -0.3, 0.0, 0.2])))
    model = shrinkage.GroupLasso(groups=[0, 0, 1, 1], datafit="poisson", alpha=0.01).fit(X, y)
    got = run(to_onnx(model, X[:1].astype(np.float32)), X.astype(np.float32))[0]
    close(got, model.predict(X.astype(np.float32)), np.float32)


@pytest.mark.parametrize(
    ("datafit", "n_classes"), [("logistic", 2), ("multinomial", 2), ("multinomial", 3)]
)
@pytest.mark.parametrize("names", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_group_lasso_classifier_labels_and_probabilities(datafit, n_classes, names, dtype):
    X, y = simulated(90, 4, seed=17, noise=1.0)
    labels = labels_of(y, n_classes, names)
    model = shrinkage.GroupLassoClassifier(groups=[0, 0, 1, 2], alpha=0.01, datafit=datafit).fit(
        X, labels
    )
    label, proba = run(to_onnx(model, X[:1].astype(dtype)), X.astype(dtype))
    expected = model.predict_proba(X.astype(dtype))
    assert proba.shape == (90, n_classes)
    close(proba, expected, dtype)
    decided = np.sort(expected, axis=1)
    clear = decided[:, -1] - decided[:, -2] > 1e-4  # rows not at a rounding tie
    np.testing.assert_array_equal(label[clear], model.predict(X)[clear])


def test_group_lasso_squared_hinge_gives_label_and_scores():
    """No probability model: the label and the decision scores (-d, d), as LinearSVC."""
    X, y = simulated(90, 4, seed=18, noise=1.0)
    labels = labels_of(y, 2, names=True)
    model = shrinkage.GroupLassoClassifier(
        groups=[0, 0, 1, 2], alpha=0.01, datafit="squared_hinge"
    ).fit(X, labels)
    label, scores = run(to_onnx(model, X[:1].astype(np.float32)), X.astype(np.float32))
    d = model.decision_function(X)
    close(scores, np.column_stack([-d, d]), np.float32)
    clear = np.abs(d) > 1e-4
    np.testing.assert_array_equal(label[clear], model.predict(X)[clear])


def test_linear_svc_label_and_scores():
    X, y = simulated(90, 4, seed=14, noise=1.0)
    labels = labels_of(y, 3, names=True)
    model = shrinkage.LinearSVC(alpha=0.01).fit(X, labels)
    label, scores = run(to_onnx(model, X[:1].astype(np.float32)), X.astype(np.float32))
    close(scores, model.decision_function(X), np.float32)
    np.testing.assert_array_equal(label, model.predict(X))


def test_bad_input():
    X, y = simulated(30, 3, seed=15)
    with pytest.raises(ValueError, match="not fitted"):
        to_onnx(shrinkage.Lasso(), X)
    with pytest.raises(ValueError, match="3 columns"):
        to_onnx(shrinkage.Lasso(alpha=0.1).fit(X, y), X[:, :2])
    with pytest.raises(ValueError, match="datafit='bogus'"):
        to_onnx(shrinkage.GroupLasso(groups=[0, 1, 2], datafit="bogus"), X)
    from sklearn.linear_model import Lasso

    with pytest.raises(TypeError, match="shrinkage's estimators"):
        to_onnx(Lasso().fit(X, y), X)
