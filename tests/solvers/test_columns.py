"""The columns in play shared by the CD and Gram solvers, and their gap-safe rule."""

import numpy as np

from shrinkage.penalties.l1_l2 import PenaltyWeights
from shrinkage.solvers.columns import ColumnsInPlay


def _pw(p, rng):
    lower = np.where(rng.random(p) < 0.3, 0.0, -np.inf)
    return PenaltyWeights(rng.uniform(0.5, 1.0, p), np.zeros(p), lower, np.full(p, np.inf))


def test_restricted_arrays_and_free_columns():
    rng = np.random.default_rng(0)
    p = 8
    pw = _pw(p, rng)
    keep = np.array([1, 1, 0, 1, 0, 1, 1, 1], dtype=bool)
    free = np.array([3, 6])
    cross = rng.standard_normal((p, 2))
    cols = ColumnsInPlay(keep, pw, free, cross, np.ones(2))
    np.testing.assert_array_equal(cols.idx, np.flatnonzero(keep))
    np.testing.assert_array_equal(cols.pw.lower, pw.lower[keep])
    np.testing.assert_array_equal(cols.idx[cols.free], free)  # positions among the kept
    np.testing.assert_array_equal(cols.cross, cross[keep])
    assert not cols.whole


def test_every_column_in_play_shares_the_callers_arrays():
    rng = np.random.default_rng(1)
    pw = _pw(5, rng)
    cols = ColumnsInPlay(
        np.ones(5, dtype=bool), pw, np.empty(0, dtype=np.int64), np.empty((5, 0)), np.empty(0)
    )
    assert cols.whole and cols.pw is pw
    assert cols.everywhere.all() and cols.everywhere.size == 5


def test_screened_out_is_the_gap_safe_rule():
    rng = np.random.default_rng(2)
    p = 40
    pw = _pw(p, rng)
    cols = ColumnsInPlay(
        np.ones(p, dtype=bool), pw, np.empty(0, dtype=np.int64), np.empty((p, 0)), np.empty(0)
    )
    theta_corr = rng.uniform(-1.0, 1.0, p)
    norms_sq = rng.uniform(0.5, 2.0, p)
    gap = 0.01
    # |x_j' theta| (only its positive part where w_j >= 0 is forced) + ||x_j|| sqrt(2 gap) < l1_j
    score = np.where(pw.lower >= 0, theta_corr, np.abs(theta_corr))
    expected = score + np.sqrt(norms_sq) * np.sqrt(2 * gap) < pw.l1
    out = cols.screened_out(theta_corr, norms_sq, gap)
    np.testing.assert_array_equal(out, expected)
    assert 0 < out.sum() < p  # the draw exercises both outcomes
