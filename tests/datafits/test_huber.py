import numpy as np
import pytest

from shrinkage.datafits import get_datafit
from shrinkage.datafits.huber import Huber

from ._glm import check_conjugate, check_derivatives, check_null_intercept

RNG = np.random.default_rng(0)
Y = RNG.standard_t(2, 40)
ETA = RNG.normal(0, 1, 40)


@pytest.mark.parametrize("params", [{}, {"epsilon": 1.1, "scale": 0.5}])
def test_derivatives_and_conjugate(params):
    d = Huber(**params)
    kink = np.abs(np.abs(Y - ETA) - d.epsilon * d.scale) < 1e-4
    check_derivatives(d, Y[~kink], ETA[~kink])
    check_conjugate(d, Y, ETA)


def test_is_half_of_sklearn_term_at_a_fixed_scale():
    eps, sigma = 1.35, 0.7
    r = (Y - ETA) / sigma
    sk = np.where(np.abs(r) <= eps, r**2, 2 * eps * np.abs(r) - eps**2) * sigma
    np.testing.assert_allclose(Huber(eps, sigma).loss(Y, ETA), sk / 2)


@pytest.mark.parametrize("offset", [None, RNG.normal(size=40)])
def test_null_intercept(offset):
    check_null_intercept(Huber(scale=0.3), Y, RNG.uniform(0.5, 2, 40), offset)


def test_parameter_checks():
    with pytest.raises(ValueError, match="epsilon"):
        Huber(epsilon=0)
    with pytest.raises(ValueError, match="scale"):
        get_datafit("huber", scale=-1.0)
    assert get_datafit("huber", epsilon=2.0).epsilon == 2.0
