import numpy as np
import pytest

from shrinkage.inference import multi_split
from shrinkage.inference.multisplit import _ols_p_values, aggregate_quantiles

statsmodels_api = pytest.importorskip("statsmodels.api")


def test_strong_signals_small_nulls_large():
    rng = np.random.default_rng(10)
    n, p = 80, 40
    X = rng.standard_normal((n, p))
    y = X[:, :2] @ [2.0, -1.5] + rng.standard_normal(n)
    res = multi_split(X, y, n_splits=12, alpha=0.15, random_state=0)
    assert np.all(res.p_adjusted("fwer")[:2] < 1e-4)
    assert np.median(res.p_values[2:]) > 0.5
    assert np.all(res.p_adjusted("fwer") >= res.p_values - 1e-15)
    assert np.all(np.isnan(res.conf_int()))
    assert {"p_fwer", "p_fdr"} <= set(res.to_frame().columns)


def test_quantile_aggregation_by_hand():
    # 4 splits: gamma in {0.25, 0.5, 0.75, 1}; the gamma-quantiles of (0.01, 0.02, 0.5, 1) by
    # linear interpolation at position 3 gamma are 0.0175, 0.26, 0.625 and 1, over gamma:
    # 0.07, 0.52, 0.8333 and 1; the smallest is gamma = 0.25's 0.0175 / 0.25 = 0.07
    p = np.array([[0.01], [0.02], [0.5], [1.0]])
    expected = (1 - np.log(0.25)) * 0.07
    np.testing.assert_allclose(aggregate_quantiles(p, 0.25), [expected])


def test_ols_p_values_match_statsmodels():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((25, 3))
    y = X[:, 0] + rng.standard_normal(25)
    expected = statsmodels_api.OLS(y, statsmodels_api.add_constant(X)).fit().pvalues[1:]
    np.testing.assert_allclose(_ols_p_values(X, y), expected, rtol=1e-8)
    np.testing.assert_array_equal(_ols_p_values(np.column_stack([X, X[:, 0]]), y), 1.0)


def test_bad_input():
    rng = np.random.default_rng(12)
    X = rng.standard_normal((20, 3))
    y = rng.standard_normal(20)
    for name in ("sample_weight", "offset"):
        with pytest.raises(ValueError, match=f"multi_split does not support {name}"):
            multi_split(X, y, **{name: np.ones(20)})
    with pytest.raises(ValueError, match="gamma_min must be in"):
        multi_split(X, y, gamma_min=1.5)
    with pytest.raises(ValueError, match="at least 8 samples"):
        multi_split(X[:5], y[:5])
    with pytest.raises(ValueError, match="n_splits must be a positive integer"):
        multi_split(X, y, n_splits=0)
