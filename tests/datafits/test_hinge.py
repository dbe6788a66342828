import numpy as np
import pytest

from shrinkage.datafits import get_datafit
from shrinkage.datafits.hinge import SquaredHinge

from ._glm import check_conjugate, check_derivatives, check_null_intercept

RNG = np.random.default_rng(0)
Y = np.where(RNG.random(40) < 0.4, 1.0, -1.0)
ETA = RNG.normal(0, 1.5, 40)


def test_derivatives_and_conjugate():
    d = SquaredHinge()
    kink = np.abs(Y * ETA - 1) < 1e-4
    check_derivatives(d, Y[~kink], ETA[~kink])
    check_conjugate(d, Y, ETA)


@pytest.mark.parametrize("offset", [None, RNG.normal(size=40)])
def test_null_intercept(offset):
    check_null_intercept(SquaredHinge(), Y, RNG.uniform(0.5, 2, 40), offset)


def test_target_checks():
    with pytest.raises(ValueError, match="-1/\\+1 labels"):
        SquaredHinge().check_target([0, 1, 1])
    assert isinstance(get_datafit("squared_hinge"), SquaredHinge)
