"""The compare report's tests of every feature: the debiased lasso on the same data (numeric
target, or two classes by logistic regression), constant columns left out, and a stated reason
where no test is made."""

import numpy as np
import pytest

import shrinkage
from shrinkage.comparison.significance import significant_features
from shrinkage.inference import debiased_lasso

SMALL = {
    "cv": 3,
    "n_repeats": 1,
    "n_alphas": 15,
    "n_bootstrap": 3,
    "random_state": 0,
    "progress": False,
}


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((90, 5))
    X[:, 4] = 1.0  # constant: not identifiable, left out of the tests
    y = 2 * X[:, 0] - X[:, 2] + rng.standard_normal(90)
    return X, y, shrinkage.compare(X, y, **SMALL)


def test_regression_is_the_debiased_lasso_without_the_constant_column(regression):
    X, y, c = regression
    s = significant_features(c, X, y, random_state=1)
    direct = debiased_lasso(X[:, :4], y, feature_names=["x0", "x1", "x2", "x3"], random_state=1)
    np.testing.assert_allclose(s.result.p_values, direct.p_values)
    assert s.columns.tolist() == [0, 1, 2, 3] and s.dropped == ("x4",)
    assert s.significant_names == ["x0", "x2"] and s.model == c.recommended
    assert s.to_dict()["significant"] == ["x0", "x2"]
    assert "not significant" in s.caveat and "4 features" in s.caveat and "linear" in s.caveat


def test_bh_adjustment_and_level_are_applied(regression):
    X, y, c = regression
    s = significant_features(c, X, y, level=0.2, adjust="bh")
    np.testing.assert_allclose(s.adjusted, s.result.p_adjusted("bh"))
    expected = [f"x{j}" for j in s.result.feature_index[s.adjusted <= 0.2]]
    assert s.significant_names == expected
    with pytest.raises(ValueError, match="adjust"):
        significant_features(c, X, y, adjust="bonferroni")


def test_two_classes_use_the_logistic_debiased_lasso():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((150, 4))
    labels = np.where(X[:, 1] + 0.3 * rng.standard_normal(150) > 0, "yes", "no")
    c = shrinkage.compare(X, labels, **SMALL)
    s = significant_features(c, X, labels)
    direct = debiased_lasso(
        X,
        (labels == "yes").astype(float),
        datafit="logistic",
        feature_names=[f"x{j}" for j in range(4)],
        random_state=0,
    )
    np.testing.assert_allclose(s.result.p_values, direct.p_values)
    assert "x1" in s.significant_names and "logistic" in s.caveat


def test_three_classes_and_too_many_features_give_a_reason(regression, monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((90, 3))
    labels = np.array(["a", "b", "c"])[np.argmax(X, axis=1)]
    c = shrinkage.compare(X, labels, **SMALL)
    s = significant_features(c, X, labels)
    assert s.result is None and "3 classes" in s.reason and s.significant_names == []
    X, y, c = regression
    monkeypatch.setattr("shrinkage.comparison.significance.MAX_FEATURES", 3)
    s = significant_features(c, X, y)
    assert s.result is None and "5 features" in s.reason and "shrinkage infer" in s.reason
