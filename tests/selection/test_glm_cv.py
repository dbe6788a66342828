"""Cross-validation of GLM paths: held-out errors, stratified folds, missing classes, the path."""

import numpy as np
import pytest
from sklearn import metrics

from shrinkage import cross_validate_glm_path, path
from shrinkage.selection._folds import make_folds
from shrinkage.selection.cv import PathOptions
from shrinkage.selection.glm_cv import (
    GLMCVData,
    cross_validate_glms,
    fit_glm_path,
    held_out_errors,
)


def _classes(n=90, p=5, k=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    W = 1.5 * rng.standard_normal((k, p))
    return X, np.argmax(X @ W.T + rng.gumbel(size=(n, k)), axis=1)


def _probabilities(n, a, k, seed=0):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(k), size=(n, a))
    return P


@pytest.mark.parametrize("k", [2, 3])
def test_class_errors_equal_sklearn_metrics(k):
    rng = np.random.default_rng(k)
    n = 40
    y = np.arange(n) % k
    P = _probabilities(n, 3, k, seed=k)
    sw = rng.uniform(0.5, 2.0, n)
    for scoring in ("deviance", "accuracy", "roc_auc", "brier"):
        errors = held_out_errors(y.astype(float), P, sw, scoring, k)
        for a in range(3):
            p = P[:, a]
            if scoring == "deviance":
                ref = 2 * metrics.log_loss(y, p, sample_weight=sw)
            elif scoring == "accuracy":
                ref = 1 - metrics.accuracy_score(y, np.argmax(p, axis=1), sample_weight=sw)
            elif scoring == "roc_auc":
                ref = 1 - metrics.roc_auc_score(
                    y, p[:, 1] if k == 2 else p, sample_weight=sw, multi_class="ovr"
                )
            else:
                ref = metrics.brier_score_loss(y, p[:, 1] if k == 2 else p, sample_weight=sw)
            assert errors[a] == pytest.approx(ref, rel=1e-12), scoring


def test_count_errors_equal_sklearn_metrics():
    rng = np.random.default_rng(0)
    y = rng.poisson(2.0, 30).astype(float)
    mu = rng.uniform(0.5, 4.0, (30, 2))
    sw = rng.uniform(0.5, 2.0, 30)
    dev = held_out_errors(y, mu, sw, "deviance", 0)
    mse = held_out_errors(y, mu, sw, "mse", 0)
    mae = held_out_errors(y, mu, sw, "mae", 0)
    for a in range(2):
        assert dev[a] == pytest.approx(metrics.mean_poisson_deviance(y, mu[:, a], sample_weight=sw))
        assert mse[a] == pytest.approx(metrics.mean_squared_error(y, mu[:, a], sample_weight=sw))
        assert mae[a] == pytest.approx(metrics.mean_absolute_error(y, mu[:, a], sample_weight=sw))


def test_probability_zero_costs_a_clipped_deviance():
    P = np.array([[[1.0, 0.0]], [[0.5, 0.5]]])
    dev = held_out_errors(np.array([1.0, 0.0]), P, np.ones(2), "deviance", 2)
    assert np.isfinite(dev[0])
    assert dev[0] == pytest.approx(-(np.log(np.finfo(float).eps) + np.log(0.5)))


def test_stratified_folds_keep_every_class_in_every_fold():
    y = np.r_[np.zeros(45), np.ones(10), np.full(5, 2)]
    splits, k = make_folds(5, len(y), y=y, stratify=True)
    assert k == 5
    for _, test in splits:
        assert set(y[test]) == {0.0, 1.0, 2.0}
    groups = np.arange(len(y)) // 2
    splits, _ = make_folds(3, len(y), y=y, groups=groups, stratify=True, random_state=0)
    for train, test in splits:
        assert not set(groups[train]) & set(groups[test])
    plain, _ = make_folds(5, len(y), y=y)
    assert any(set(y[test]) != {0.0, 1.0, 2.0} for _, test in plain)


def _data(X, y, kind, k, **options):
    return GLMCVData(
        X,
        y.astype(float),
        np.ones(len(y)),
        None,
        PathOptions(tol=1e-8, **options).checked(),
        kind,
        k,
    )


@pytest.mark.parametrize("kind", ["multinomial", "ovr"])
def test_a_class_absent_from_training_gets_probability_zero(kind):
    X, y = _classes(k=3, seed=1)
    data = _data(X, y, kind, 3)
    rows = np.flatnonzero(y != 2)
    fit = fit_glm_path(data, rows, np.array([0.05, 0.01]), 1.0)
    P = fit.predict(X)
    assert P.shape == (len(y), 2, 3)
    assert np.all(P[..., 2] == 0.0)
    np.testing.assert_allclose(P.sum(axis=2), 1.0)
    single = fit_glm_path(data, np.flatnonzero(y == 1), np.array([0.05]), 1.0)
    assert np.all(single.predict(X)[..., 1] == 1.0)


def test_a_fold_without_a_class_is_an_error_naming_the_split_and_the_class():
    """A training fold that never sees a class cannot model it (it was a warning, and the fold's
    held-out samples of that class were scored against probability 0)."""
    X, y = _classes(k=3, seed=2)
    rare = np.flatnonzero(y == 2)
    test0 = np.r_[rare, np.flatnonzero(y != 2)[:10]]
    train0 = np.setdiff1d(np.arange(len(y)), test0)
    splits = [(train0, test0), (test0, train0)]
    data = _data(X, y, "multinomial", 3)
    with pytest.raises(ValueError, match="training set of cv split 0 lacks class 2 "):
        cross_validate_glms(data, splits, 2, [1.0], n_alphas=5)
    with pytest.raises(ValueError, match="roc_auc' is undefined on cv split 1"):
        cross_validate_glms(data, splits, 2, [1.0], n_alphas=5, scoring="roc_auc")


def test_a_class_with_zero_weight_in_a_training_fold_is_missing_from_it():
    X, y = _classes(k=3, seed=2)
    sw = np.where(y == 2, 0.0, 1.0)
    sw[np.flatnonzero(y == 2)[:2]] = 1.0  # class 2 weighs only in the rows of split 1's train
    rows = np.arange(len(y))
    train1 = np.r_[np.flatnonzero(y == 2)[:2], rows[y != 2][::2]]
    splits = [(train1, np.setdiff1d(rows, train1)), (np.setdiff1d(rows, train1), train1)]
    data = GLMCVData(
        X,
        y.astype(float),
        sw,
        None,
        PathOptions(tol=1e-8).checked(),
        "multinomial",
        3,
        class_labels=np.array(["a", "b", "c"]),
    )
    with pytest.raises(ValueError, match="cv split 1 lacks class 'c' "):
        cross_validate_glms(data, splits, 2, [1.0], n_alphas=5)


def test_one_vs_rest_grid_starts_where_every_class_is_zero():
    X, y = _classes(k=3, seed=3)
    out = cross_validate_glms(
        _data(X, y, "ovr", 3), make_folds(3, len(y))[0], 3, [1.0], n_alphas=6
    )[0]
    assert out.path.coefs.shape == (6, X.shape[1], 3)
    assert np.all(out.path.coefs[0] == 0) and np.any(out.path.coefs[1] != 0)


def test_cross_validate_glm_path_logistic_with_string_labels():
    X, y = _classes(seed=4)
    labels = np.array(["no", "yes"])[y]
    out = cross_validate_glm_path(X, labels, n_alphas=8, cv=4, scoring="accuracy", tol=1e-8)
    assert out.scoring == "accuracy" and out.cv_mean.shape == (8,)
    assert out.index_1se <= out.index_min
    assert 0 <= out.cv_mean.min() < 0.5
    full = path(X, y, datafit="logistic", alphas=out.alphas, tol=1e-8)
    np.testing.assert_allclose(out.path.coefs, full.coefs, atol=1e-6)
    assert out.path.datafit == "logistic"
    with pytest.raises(ValueError, match="needs two classes"):
        cross_validate_glm_path(X, np.arange(len(y)) % 3)
    with pytest.raises(ValueError, match="scoring must be one of"):
        cross_validate_glm_path(X, labels, scoring="mse")


def test_cross_validate_glm_path_poisson_with_offset():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((80, 4))
    exposure = rng.uniform(0.5, 2.0, 80)
    y = rng.poisson(exposure * np.exp(0.5 * X[:, 0])).astype(float)
    out = cross_validate_glm_path(
        X, y, datafit="poisson", offset=np.log(exposure), n_alphas=6, cv=4, l1_ratio=0.5
    )
    assert out.path.coefs.shape == (6, 4) and out.l1_ratio == 0.5
    assert out.path.coefs[out.index_min, 0] > 0.2


def test_coefs_at_gives_the_class_intercepts_of_a_multinomial_path():
    X, y = _classes(k=3, seed=5)
    out = cross_validate_glm_path(X, y, datafit="multinomial", n_alphas=5, cv=3, tol=1e-8)
    coef, intercept = out.coefs_at("min")
    assert coef.shape == (X.shape[1], 3) and intercept.shape == (3,)
    np.testing.assert_array_equal(intercept, out.path.intercepts[out.index_min])


@pytest.mark.parametrize(
    "datafit,scoring", [("logistic", "deviance"), ("logistic", "roc_auc"), ("poisson", "deviance")]
)
def test_a_held_out_set_of_zero_weight_is_left_out_with_a_warning(datafit, scoring):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((48, 4))
    eta = X @ np.array([1.0, -1.0, 0.0, 0.5])
    y = (eta > 0).astype(int) if datafit == "logistic" else rng.poisson(np.exp(0.3 * eta))
    splits, _ = make_folds(4, 48, y=y, stratify=datafit == "logistic")
    sw = np.ones(48)
    sw[splits[1][1]] = 0.0
    with pytest.warns(UserWarning, match="cv split 1 has zero held-out sample_weight"):
        res = cross_validate_glm_path(
            X, y, datafit=datafit, cv=splits, scoring=scoring, sample_weight=sw, n_alphas=8
        )
    others = [s for f, s in enumerate(splits) if f != 1]
    ref = cross_validate_glm_path(
        X, y, datafit=datafit, cv=others, scoring=scoring, sample_weight=sw, alphas=res.alphas
    )
    np.testing.assert_allclose(res.cv_mean, ref.cv_mean, rtol=1e-10)
    assert res.alpha_min == ref.alpha_min
