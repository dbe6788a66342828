"""Ridge leave-one-out (shrinkage.selection.ridge_cv): samples whose leverage is 1."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage import RidgeCV


def _data(n: int = 20, p: int = 3):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    return X, X @ np.array([1.0, -1.0, 0.5]) + 0.3 * rng.standard_normal(n)


def _one_positive(n: int) -> np.ndarray:
    w = np.zeros(n)
    w[4] = 1.0
    return w


def _one_huge(n: int) -> np.ndarray:
    w = np.ones(n)
    w[4] = 1e300
    return w


@pytest.mark.parametrize("weights", [_one_positive, _one_huge], ids=["one-positive", "one-huge"])
def test_a_sample_holding_all_the_weight_is_a_clear_error(weights):
    X, y = _data()
    with pytest.raises(ValueError, match=r"leave-one-out .* sample 4 has leverage 1"):
        RidgeCV().fit(X, y, sample_weight=weights(len(y)))


def test_one_row_with_an_intercept_is_a_clear_error():
    X, y = _data()
    with pytest.raises(ValueError, match=r"leave-one-out .* sample 0 has leverage 1"):
        RidgeCV().fit(X[:1], y[:1])


def test_one_row_without_an_intercept_is_defined():
    X, y = _data()
    model = RidgeCV(fit_intercept=False).fit(X[:1], y[:1])
    # left out, the only sample is predicted by w = 0: its error is y^2 at every alpha
    np.testing.assert_allclose(model.cv_mean_, y[0] ** 2)


def test_zero_weights_are_left_out_not_refused():
    X, y = _data()
    w = (np.arange(len(y)) % 2).astype(float)
    weighted = RidgeCV(alphas=[0.1, 1.0, 10.0]).fit(X, y, sample_weight=w)
    kept = RidgeCV(alphas=[0.1, 1.0, 10.0]).fit(X[w > 0], y[w > 0])
    np.testing.assert_allclose(weighted.cv_mean_, kept.cv_mean_, rtol=1e-10)
    np.testing.assert_allclose(weighted.coef_, kept.coef_, rtol=1e-10)


def _loo_by_refits(X, y, sw, alpha):
    """Weighted mean of the held-out squared errors of Ridge(alpha) refitted without each
    sample, each fit by least squares on [sqrt(s) X_c; sqrt(alpha) I] with its columns scaled to
    norm 1 (a well-conditioned system whatever the units)."""
    errors = []
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        s = sw[keep]
        x_mean, y_mean = s @ X[keep] / s.sum(), s @ y[keep] / s.sum()
        A = np.vstack(
            [np.sqrt(s)[:, None] * (X[keep] - x_mean), np.sqrt(alpha) * np.eye(X.shape[1])]
        )
        b = np.concatenate([np.sqrt(s) * (y[keep] - y_mean), np.zeros(X.shape[1])])
        norms = np.linalg.norm(A, axis=0)
        w = np.linalg.lstsq(A / norms, b, rcond=None)[0] / norms
        errors.append((y[i] - y_mean - (X[i] - x_mean) @ w) ** 2)
    return sw @ np.array(errors) / sw.sum()


@pytest.mark.parametrize("unit", [1.0, 1e8, 1e10])
def test_a_column_in_other_units_keeps_leave_one_out_exact(unit):
    """One column 1e8 times the others: the p x p eigendecomposition lost the small eigenvalues
    (sample 13 "had leverage 1"; at 1e9 and 1e10 the errors were 7 and 9 times too large); the
    equilibrated pencil keeps every leverage to rounding."""
    X, y = _data()
    X[:, 2] *= unit
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    alphas = [1e-3, 0.1, 10.0]
    model = RidgeCV(alphas=alphas).fit(X, y, sample_weight=sw)
    expected = [_loo_by_refits(X, y, sw, a) for a in alphas]
    np.testing.assert_allclose(np.ravel(model.cv_mean_), expected, rtol=1e-9)
