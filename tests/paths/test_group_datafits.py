"""Which datafits the group paths take: a non-convex one is refused up front, by name."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage.datafits import get_datafit
from shrinkage.group_path import group_path


def test_a_non_convex_tweedie_is_refused_and_a_convex_one_is_certified():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 6))
    y = rng.gamma(2.0, np.exp(0.3 * X[:, 0]) / 2.0)
    with pytest.raises(ValueError, match=r"tweedie with power=3\.0 is not convex"):
        group_path(X, y, [0, 0, 1, 1, 2, 2], datafit=get_datafit("tweedie", power=3.0), n_alphas=3)
    path = group_path(
        X, y, [0, 0, 1, 1, 2, 2], datafit=get_datafit("tweedie", power=1.5), n_alphas=3
    )
    assert path.certificate == "duality_gap" and bool(np.all(path.converged))
