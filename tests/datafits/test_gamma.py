import numpy as np
import pytest

from shrinkage.datafits import get_datafit
from shrinkage.datafits.gamma import Gamma

from ._glm import check_conjugate, check_derivatives, check_null_intercept

RNG = np.random.default_rng(0)
ETA = RNG.normal(0, 1, 30)
Y = RNG.gamma(2.0, np.exp(ETA) / 2.0)


def test_derivatives_and_conjugate():
    check_derivatives(Gamma(), Y, ETA)
    check_conjugate(Gamma(), Y, ETA)


def test_conjugate_domain_and_closed_form_at_the_boundary():
    """l*(y, 1) = log y + 1 (the sup as eta -> inf) and l*(y, v) = inf beyond v = 1."""
    y = np.array([0.5, 3.0])
    np.testing.assert_allclose(Gamma().conjugate(y, np.ones(2)), np.log(y) + 1.0)
    assert np.all(np.isinf(Gamma().conjugate(y, np.full(2, 1.0 + 1e-6))))


def test_loss_is_half_the_deviance():
    from sklearn.metrics import mean_gamma_deviance

    np.testing.assert_allclose(
        Gamma().loss(Y, ETA).mean(), mean_gamma_deviance(Y, np.exp(ETA)) / 2, rtol=1e-12
    )


def test_loss_keeps_its_precision_near_the_minimum():
    y = np.array([2.0])
    eta = np.log(y) + 1e-9
    np.testing.assert_allclose(Gamma().loss(y, eta), 0.5e-18, rtol=1e-6)


@pytest.mark.parametrize("offset", [None, RNG.normal(size=30)])
def test_null_intercept(offset):
    check_null_intercept(Gamma(), Y, RNG.uniform(0.5, 2, 30), offset)


@pytest.mark.parametrize("bad", [0.0, -1.5, np.nan])
def test_target_must_be_positive(bad):
    with pytest.raises(ValueError, match=r"^y must be > 0 for the Gamma datafit"):
        Gamma().check_target([1.0, bad, 2.0])


def test_registered_and_never_diverges():
    assert isinstance(get_datafit("gamma"), Gamma)
    assert Gamma().recession(Y) is None
