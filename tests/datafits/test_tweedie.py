import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from shrinkage.datafits import get_datafit
from shrinkage.datafits.gamma import Gamma
from shrinkage.datafits.poisson import Poisson
from shrinkage.datafits.tweedie import Tweedie, normalized_conjugate

from ._glm import check_conjugate, check_derivatives, check_null_intercept

RNG = np.random.default_rng(0)
ETA = RNG.normal(0, 1, 30)
Y = RNG.gamma(2.0, np.exp(ETA) / 2.0) * (RNG.random(30) < 0.7)  # about 30% exact zeros
POWERS = [1.1, 1.5, 1.9]
NONCONVEX = [0, -1.0, 2.5, 3]  # the log link makes the loss non-convex there


def _target(power):
    """Y in the power's domain: shifted to hold negative values for power <= 0, > 0 above 2."""
    return Y - 0.2 if power <= 0 else Y + 0.1


@pytest.mark.parametrize("power", POWERS)
def test_derivatives_and_conjugate(power):
    check_derivatives(Tweedie(power), Y, ETA)
    check_conjugate(Tweedie(power), Y, ETA)


@pytest.mark.parametrize("power", POWERS + NONCONVEX)
def test_loss_is_half_the_deviance(power):
    from sklearn.metrics import mean_tweedie_deviance

    y = Y if 1 <= power < 2 else _target(power)
    np.testing.assert_allclose(
        Tweedie(power).loss(y, ETA).mean(),
        mean_tweedie_deviance(y, np.exp(ETA), power=power) / 2,
        rtol=1e-12,
    )


@pytest.mark.parametrize("power", NONCONVEX)
def test_nonconvex_powers_derivatives_and_fisher_weight(power):
    """l' and l'' by finite differences; l'' < 0 somewhere (why the duality gap is refused);
    the Fisher weight is positive and equals l'' at y = mu (l'' is linear in y)."""
    y = _target(power)
    datafit = Tweedie(power)
    assert not datafit.convex and all(Tweedie(p).convex for p in [*POWERS, 1, 2])
    check_derivatives(datafit, y, ETA)
    eta = np.linspace(-4, 4, 81)
    assert np.any(datafit.curvature(np.ones_like(eta), eta) < 0)
    fisher = datafit.fisher_curvature(y, ETA)
    assert np.all(fisher > 0)
    np.testing.assert_allclose(fisher, datafit.curvature(np.exp(ETA), ETA), rtol=1e-12)


@pytest.mark.parametrize("power", NONCONVEX)
def test_nonconvex_conjugate_is_the_saturated_model_at_zero_and_inf_elsewhere(power):
    """l*(y, 0) = -inf l(y, .) (the saturated objective), found by a bounded numeric search;
    elsewhere inf, a trivial upper bound (no duality gap certifies these powers)."""
    y = np.array([-2.0, 0.0, 0.7, 3.0]) if power <= 0 else np.array([0.2, 0.7, 3.0])
    datafit = Tweedie(power)
    got = datafit.conjugate(y, np.zeros_like(y))
    for yi, gi in zip(y, got, strict=True):
        inf = minimize_scalar(
            lambda e, yi=yi: datafit.loss(np.array([yi]), np.array([e]))[0],
            bounds=(-40, 10),
            method="bounded",
            options={"xatol": 1e-12},
        ).fun
        assert gi == pytest.approx(-inf, abs=1e-9)
    assert np.all(np.isinf(datafit.conjugate(y, np.full_like(y, 0.3))))


@pytest.mark.parametrize("power", POWERS)
def test_conjugate_is_an_upper_bound_tight_to_rounding(power):
    """Against a bounded numeric sup over a wide range of v (never below it: the gap stays a
    bound), including huge and tiny |v / y^a|."""
    y = np.array([1e-3, 0.3, 1.0, 7.0, 1e3])
    datafit = Tweedie(power)
    for v in (-1e4, -30.0, -1.0, -1e-3, 0.0, 1e-7, 0.5, 40.0, 1e5):
        got = datafit.conjugate(y, np.full(y.shape, v))
        for i, yi in enumerate(y):
            centre = np.log(yi)
            res = minimize_scalar(
                lambda e, yi=yi, v=v: datafit.loss(np.array([yi]), np.array([e]))[0] - v * e,
                bounds=(centre - 300, centre + 300),
                method="bounded",
                options={"xatol": 1e-12},
            )
            sup = -res.fun
            assert got[i] >= sup - 1e-12 * max(1.0, abs(sup))
            np.testing.assert_allclose(got[i], sup, rtol=1e-8, atol=1e-10)


def test_normalized_conjugate_converges_for_extreme_arguments():
    c = np.concatenate([-np.logspace(-300, 200, 51), [0.0], np.logspace(-300, 200, 51)])
    for power in (1.0 + 1e-6, 1.5, 2.0 - 1e-6):
        value = normalized_conjugate(c, power)
        assert np.all(np.isfinite(value))
        assert np.all(value >= -4e-16 * np.abs(c))  # g* >= -g(0) = 0, to rounding


def test_zero_target_has_a_closed_form_conjugate_on_v_nonnegative():
    datafit = Tweedie(1.5)
    v = np.array([0.0, 2.0, -1e-3])
    np.testing.assert_allclose(
        datafit.conjugate(np.zeros(3), v), [0.0, 2 * (2 * np.log(2) - 2), np.inf]
    )


@pytest.mark.parametrize("power", [1, 2])
def test_powers_one_and_two_are_poisson_and_gamma(power):
    exact = Poisson() if power == 1 else Gamma()
    y = Y if power == 1 else Y + 0.1
    datafit = Tweedie(power)
    for method in ("loss", "derivative", "curvature"):
        np.testing.assert_array_equal(
            getattr(datafit, method)(y, ETA), getattr(exact, method)(y, ETA)
        )
    v = 0.5 * exact.derivative(y, ETA)
    np.testing.assert_array_equal(datafit.conjugate(y, v), exact.conjugate(y, v))


@pytest.mark.parametrize("power", [1.2, 1.5, 2, *NONCONVEX])
@pytest.mark.parametrize("offset", [None, RNG.normal(size=30)])
def test_null_intercept(power, offset):
    y = Y if 1 <= power < 2 else _target(power)
    check_null_intercept(Tweedie(power), y, RNG.uniform(0.5, 2, 30), offset)


def test_target_checks():
    with pytest.raises(ValueError, match=r"^y must be >= 0 for the Tweedie datafit with power"):
        Tweedie(1.5).check_target([0.0, 1.0, -2.0])
    with pytest.raises(ValueError, match=r"^y must be > 0 for the Gamma datafit"):
        Tweedie(2).check_target([0.0, 1.0])
    with pytest.raises(ValueError, match="y is 0 for every sample"):
        Tweedie(1.5).null_intercept(np.zeros(4), np.ones(4), None)
    np.testing.assert_array_equal(Tweedie(1.5).recession(np.array([0.0, 2.0])), [-1.0, 0.0])


def test_target_checks_of_the_nonconvex_powers():
    """power <= 0: any finite y (the normal and 'extreme stable' families); power > 2: y > 0;
    a weighted sum of y <= 0 leaves the intercept-only model without a finite optimum."""
    np.testing.assert_array_equal(Tweedie(0).check_target([-3.0, 0.0, 2.0]), [-3.0, 0.0, 2.0])
    Tweedie(-1.0).check_target([-3.0, 0.0])
    with pytest.raises(
        ValueError,
        match=r"^y must be finite for the Tweedie datafit with "
        r"power=0; got \[inf\]",
    ):
        Tweedie(0).check_target([1.0, np.inf])
    for bad in (0.0, -1.0):
        with pytest.raises(
            ValueError,
            match=r"^y must be > 0 for the Tweedie datafit with "
            r"power=3; got",
        ):
            Tweedie(3).check_target([1.0, bad])
    with pytest.raises(
        ValueError,
        match=r"^sum_i s_i y_i e\^\(\(1-p\) offset_i\) is <= 0 for "
        r"the Tweedie datafit with power=0: .* no finite",
    ):
        Tweedie(0).null_intercept(np.array([1.0, -2.0]), np.ones(2), None)
    np.testing.assert_array_equal(
        Tweedie(0).recession(np.array([-1.0, 0.0, 2.0])), [-1.0, -1.0, 0.0]
    )


@pytest.mark.parametrize(
    ("power", "match"),
    [
        (0.5, r"^power must not lie in \(0, 1\): no Tweedie distribution"),
        (1 - 1e-9, r"^power must not lie in \(0, 1\)"),
        (np.inf, r"^power must be a finite number; got power=inf"),
        (np.nan, r"^power must be a finite number; got power=nan"),
    ],
)
def test_power_refusals_name_the_power_and_the_reason(power, match):
    with pytest.raises(ValueError, match=match):
        Tweedie(power)


@pytest.mark.parametrize("power", [0, -0.0, -1.0, 1, 2, 2.5, 3, 10])
def test_scikit_learns_powers_outside_0_1_are_accepted(power):
    assert Tweedie(power).power == float(power)


@pytest.mark.parametrize("power", ["1.5", None, True])
def test_power_that_is_not_a_number_is_a_type_error(power):
    with pytest.raises(TypeError, match=r"^power must be a real number"):
        Tweedie(power)


def test_registered_with_its_power():
    datafit = get_datafit("tweedie", power=1.3)
    assert isinstance(datafit, Tweedie) and datafit.power == 1.3
