import numpy as np
import pytest

from shrinkage.inference.adjust import adjust_p_values

multitest = pytest.importorskip("statsmodels.stats.multitest")


@pytest.mark.parametrize(("ours", "theirs"), [("holm", "holm"), ("bh", "fdr_bh")])
def test_matches_statsmodels(ours, theirs):
    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(size=30), rng.uniform(0, 1e-3, size=5), [0.02, 0.02]])
    expected = multitest.multipletests(p, method=theirs)[1]
    np.testing.assert_allclose(adjust_p_values(p, ours), expected, rtol=1e-12)


def test_hand_worked_example():
    # sorted 0.01, 0.03, 0.04: Holm 0.03, 0.06, max(0.04, 0.06); BH 0.03, 0.04*3/3 -> 0.04
    p = [0.01, 0.04, 0.03]
    np.testing.assert_allclose(adjust_p_values(p, "holm"), [0.03, 0.06, 0.06])
    np.testing.assert_allclose(adjust_p_values(p, "bh"), [0.03, 0.04, 0.04])


def test_nan_stays_out_of_the_family():
    out = adjust_p_values([0.01, np.nan, 0.04], "holm")
    assert np.isnan(out[1])
    np.testing.assert_allclose(out[[0, 2]], [0.02, 0.04])


def test_bad_input():
    with pytest.raises(ValueError, match="method must be one of"):
        adjust_p_values([0.1], "bonferroni")
    with pytest.raises(ValueError, match=r"lie in \[0, 1\]"):
        adjust_p_values([1.5], "bh")
