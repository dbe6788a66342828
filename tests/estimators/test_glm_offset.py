"""LogisticRegression's offset: a column whose coefficient is fixed at 1, in fit and predict."""

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage import LogisticRegression


def _binary(n=150, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    offset = rng.normal(0.0, 1.0, n)
    y = X @ np.array([1.0, -0.5, 0.0, 0.0])[:p] + offset + rng.logistic(size=n) > 0
    return X, y.astype(int), offset


def _fixed_column(X, offset, **params):
    """LogisticRegression on [X, offset] with that column's coefficient pinned at 1."""
    p = X.shape[1]
    return LogisticRegression(
        penalty_factor=np.r_[np.ones(p), 0.0],
        lower=np.r_[np.full(p, -np.inf), 1.0],
        upper=np.r_[np.full(p, np.inf), 1.0],
        **params,
    )


@pytest.mark.parametrize(("penalty", "C"), [("l2", 0.5), ("l1", 0.2)])
@pytest.mark.parametrize("sparse", [False, True])
def test_offset_is_a_column_with_its_coefficient_fixed_at_one(penalty, C, sparse):
    X, y, offset = _binary()
    Xin = sp.csc_matrix(X) if sparse else X
    ours = LogisticRegression(penalty, C=C, tol=1e-12).fit(Xin, y, offset=offset)
    XO = np.column_stack([X, offset])
    ref = _fixed_column(X, offset, penalty=penalty, C=C, tol=1e-12).fit(XO, y)
    assert ref.coef_[0, -1] == 1.0 and ours.converged_
    np.testing.assert_allclose(ours.coef_, ref.coef_[:, :-1], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-8)
    np.testing.assert_allclose(
        ours.predict_proba(Xin, offset=offset), ref.predict_proba(XO), atol=1e-9
    )
    np.testing.assert_array_equal(ours.predict(Xin, offset=offset), ref.predict(XO))
    np.testing.assert_allclose(
        ours.decision_function(Xin, offset=offset), ours.decision_function(Xin) + offset, rtol=1e-12
    )


def test_offset_changes_the_fit_and_a_constant_one_moves_only_the_intercept():
    X, y, offset = _binary(seed=1)
    plain = LogisticRegression(tol=1e-12).fit(X, y)
    shifted = LogisticRegression(tol=1e-12).fit(X, y, offset=np.full(len(y), 0.7))
    np.testing.assert_allclose(shifted.coef_, plain.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(shifted.intercept_, plain.intercept_ - 0.7, atol=1e-8)
    with_offset = LogisticRegression(tol=1e-12).fit(X, y, offset=offset)
    assert np.max(np.abs(with_offset.coef_ - plain.coef_)) > 1e-2


def test_integer_weights_are_repeated_rows_with_an_offset():
    X, y, offset = _binary(n=80, seed=2)
    counts = np.random.default_rng(3).integers(0, 4, len(y))
    weighted = LogisticRegression("elasticnet", alpha=0.01, l1_ratio=0.5, tol=1e-12).fit(
        X, y, sample_weight=counts, offset=offset
    )
    rows = np.repeat(np.arange(len(y)), counts)
    repeated = LogisticRegression("elasticnet", alpha=0.01, l1_ratio=0.5, tol=1e-12).fit(
        X[rows], y[rows], offset=offset[rows]
    )
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-8)


def _three_classes(n=150, seed=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    offset = rng.normal(0.0, 1.0, (n, 3))
    logits = X @ rng.standard_normal((3, 3)) + offset + rng.gumbel(size=(n, 3))
    return X, np.argmax(logits, axis=1), offset


def test_one_vs_rest_offset_columns_go_to_their_class_fit():
    X, y, offset = _three_classes()
    ovr = LogisticRegression(C=0.5, multi_class="ovr", tol=1e-12).fit(X, y, offset=offset)
    for k in range(3):
        binary = LogisticRegression(C=0.5, tol=1e-12).fit(X, y == k, offset=offset[:, k])
        np.testing.assert_allclose(ovr.coef_[k], binary.coef_[0], rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(ovr.intercept_[k], binary.intercept_[0], atol=1e-8)
    np.testing.assert_allclose(
        ovr.decision_function(X, offset=offset), ovr.decision_function(X) + offset, rtol=1e-12
    )


def test_multinomial_constant_offsets_move_only_the_intercepts():
    """Offsets c_k per class shift the intercepts by -c_k (up to the classes' common shift);
    an (n,) offset, common to every class, changes nothing."""
    X, y, offset = _three_classes(seed=5)
    model = LogisticRegression(C=0.5, multi_class="multinomial", tol=1e-12)
    plain = model.fit(X, y).coef_.copy(), model.intercept_.copy()
    c = np.array([0.3, -0.2, 1.0])
    model.fit(X, y, offset=np.tile(c, (len(y), 1)))
    np.testing.assert_allclose(model.coef_, plain[0], rtol=1e-6, atol=1e-9)
    moved = model.intercept_ - (plain[1] - c)
    np.testing.assert_allclose(moved - moved.mean(), 0.0, atol=1e-7)
    model.fit(X, y, offset=offset[:, 0])
    np.testing.assert_allclose(model.coef_, plain[0], rtol=1e-6, atol=1e-9)
    fitted = model.fit(X, y, offset=offset)
    proba = fitted.predict_proba(X, offset=offset)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(proba), fitted.predict_log_proba(X, offset=offset))


def test_two_class_multinomial_offset_is_on_the_log_odds():
    X, y, _ = _binary(seed=6)
    model = LogisticRegression(C=0.5, multi_class="multinomial", tol=1e-12)
    plain = model.fit(X, y).intercept_.copy()
    model.fit(X, y, offset=np.full(len(y), 0.4))
    np.testing.assert_allclose(model.intercept_, plain - 0.4, atol=1e-7)


@pytest.mark.parametrize(
    ("offset", "match"),
    [
        (np.zeros(5), r"^X has 150 rows but offset has 5 entries"),
        (np.zeros((150, 2)), r"^offset must be one-dimensional"),
        (np.full(150, np.nan), r"offset"),
    ],
)
def test_bad_offsets_name_the_argument(offset, match):
    X, y, _ = _binary()
    with pytest.raises(ValueError, match=match):
        LogisticRegression().fit(X, y, offset=offset)
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match=match):
        model.predict_proba(X, offset=offset)


def test_three_class_offset_of_the_wrong_width_is_refused():
    X, y, offset = _three_classes()
    with pytest.raises(ValueError, match=r"^offset must have shape \(150,\) or \(150, 3\)"):
        LogisticRegression().fit(X, y, offset=offset[:, :2])
