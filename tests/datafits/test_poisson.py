import numpy as np
import pytest

from shrinkage.datafits import get_datafit
from shrinkage.datafits.poisson import Poisson

from ._glm import check_conjugate, check_derivatives, check_null_intercept

RNG = np.random.default_rng(0)
ETA = RNG.normal(0, 1, 30)
Y = RNG.poisson(np.exp(ETA)).astype(float) + 0.5 * (RNG.random(30) < 0.2)  # a few non-integers


def test_derivatives_and_conjugate():
    check_derivatives(Poisson(), Y, ETA)
    check_conjugate(Poisson(), Y, ETA)


def test_loss_is_half_the_deviance():
    from sklearn.metrics import mean_poisson_deviance

    mu = np.exp(ETA)
    np.testing.assert_allclose(Poisson().loss(Y, ETA).mean(), mean_poisson_deviance(Y, mu) / 2)


@pytest.mark.parametrize("offset", [None, RNG.normal(size=30)])
def test_null_intercept(offset):
    check_null_intercept(Poisson(), Y, RNG.uniform(0.5, 2, 30), offset)


def test_target_checks():
    with pytest.raises(ValueError, match="non-negative counts"):
        Poisson().check_target([0, 1, -2])
    with pytest.raises(ValueError, match="y is 0 for every sample"):
        Poisson().null_intercept(np.zeros(4), np.ones(4), None)
    assert isinstance(get_datafit("poisson"), Poisson)


@pytest.mark.parametrize("y", [["a", "b"], np.array(["high", "low"]), [1.0, 2.0j]])
def test_counts_that_are_not_numbers_name_y(y):
    with pytest.raises(TypeError, match=r"^y must (be a real number|hold real numbers)"):
        Poisson().check_target(y)
