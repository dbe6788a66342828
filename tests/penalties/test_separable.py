"""The separable-penalty dispatch: kind 0 is exactly the elastic net's own math."""

import numpy as np
import pytest

from shrinkage.penalties._l1_l2_kernels import kkt_violations, penalty_value
from shrinkage.penalties._separable import ELASTIC_NET, kkt_scores, penalty_arrays, total_value


def _weights(rng, p):
    l1 = rng.uniform(0, 1, p)
    l2 = rng.uniform(0, 1, p) * (rng.random(p) < 0.5)
    lower = np.where(rng.random(p) < 0.3, 0.0, -np.inf)
    upper = np.where(rng.random(p) < 0.2, 0.5, np.inf)
    return l1, l2, lower, upper


def test_elastic_net_kind_is_the_elastic_net():
    rng = np.random.default_rng(0)
    p = 200
    l1, l2, lower, upper = _weights(rng, p)
    w = np.clip(rng.standard_normal(p) * (rng.random(p) < 0.5), lower, upper)  # some at bounds
    corr = rng.standard_normal(p)
    pen = penalty_arrays(ELASTIC_NET, l1, l2, lower, upper)
    np.testing.assert_array_equal(
        kkt_scores(pen, corr, w, np.empty(p)),
        kkt_violations(corr, w, l1, l2, lower, upper, np.empty(p)),
    )
    assert total_value(pen, w) == pytest.approx(penalty_value(w, l1, l2), rel=1e-14)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match=r"kind must be one of .*got 99"):
        penalty_arrays(99, np.ones(1), np.zeros(1), -np.ones(1), np.ones(1))
