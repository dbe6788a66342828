import numpy as np
import pytest

from shrinkage.datafits import get_datafit
from shrinkage.datafits.logistic import Logistic

from ._glm import check_conjugate, check_derivatives, check_null_intercept

RNG = np.random.default_rng(0)
Y = (RNG.random(30) < 0.4).astype(float)
ETA = RNG.normal(0, 3, 30)


def test_derivatives_and_conjugate():
    d = Logistic()
    check_derivatives(d, Y, ETA)
    check_conjugate(d, Y, ETA)


def test_loss_is_stable_for_large_predictors():
    d = Logistic()
    loss = d.loss(np.array([0.0, 1.0]), np.array([800.0, -800.0]))
    np.testing.assert_allclose(loss, [800.0, 800.0])


def test_conjugate_is_infinite_outside_its_domain():
    assert np.isinf(Logistic().conjugate(np.array([1.0]), np.array([0.5]))[0])


@pytest.mark.parametrize("offset", [None, RNG.normal(size=30)])
def test_null_intercept(offset):
    check_null_intercept(Logistic(), Y, RNG.uniform(0.5, 2, 30), offset)


def test_target_checks():
    with pytest.raises(ValueError, match="0/1 labels"):
        Logistic().check_target([0, 1, 2])
    with pytest.raises(ValueError, match="single class"):
        Logistic().null_intercept(np.ones(4), np.ones(4), None)


def test_get_datafit():
    assert isinstance(get_datafit("logistic"), Logistic)
    d = Logistic()
    assert get_datafit(d) is d
    with pytest.raises(ValueError, match="datafit must be one of"):
        get_datafit("logit")
    with pytest.raises(TypeError, match="lacks"):
        get_datafit(object())


def test_null_intercept_of_one_weighted_class_is_a_clear_error():
    """Regression: the weighted mean rounded to 1 - 2e-16 (below 1), so the check passed and the
    intercept came out as 36 instead of an error."""
    y = np.r_[np.ones(7), np.zeros(5)]
    sw = np.r_[np.ones(7), np.zeros(5)]
    sw = sw / sw.sum()
    assert float(sw @ y) / float(sw.sum()) < 1.0  # the rounding that hid the single class
    with pytest.raises(ValueError, match="single class"):
        Logistic().null_intercept(y, sw, None)
