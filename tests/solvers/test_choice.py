"""solver="auto": one rule in one place; the paths route by capability, never by name."""

import logging

import numpy as np
import pytest

import shrinkage
from shrinkage.datafits.logistic import Logistic
from shrinkage.datafits.quantile import Quantile
from shrinkage.penalties._separable import MCP, SCAD
from shrinkage.solvers.choice import (
    Capabilities,
    capabilities,
    choose_engine,
    choose_solver,
    engine_datafit,
    gram_affordable,
)


@pytest.mark.parametrize(
    ("n", "p", "expected"),
    [
        (1000, 10, "gram"),
        (20, 10, "gram"),
        (19, 10, "cd"),
        (10, 1000, "cd"),
        (10**6, 4000, "gram"),
        (10**6, 4001, "cd"),
    ],
)
def test_auto(n, p, expected):
    assert choose_solver("auto", n, p) == expected


@pytest.mark.parametrize("solver", ["cd", "gram"])
def test_explicit_choice_is_kept(solver):
    assert choose_solver(solver, 10, 1000) == solver
    assert choose_solver(solver, 1000, 10) == solver


def test_unknown_solver():
    with pytest.raises(ValueError, match=r"solver must be one of .*'newton'"):
        choose_solver("newton", 10, 10)


def _caps(**kw):
    base = dict(
        quadratic=True, smooth=True, separable=True, convex=True, n_samples=1000, n_features=10
    )
    return Capabilities(**(base | kw))


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, "gram"),
        ({"n_samples": 10, "n_features": 1000}, "cd"),
        ({"convex": False}, "cd"),  # MCP / SCAD: never the Gram solver (elastic net only)
        ({"separable": False}, "group_cd"),
        ({"quadratic": False}, "prox_newton"),
        ({"quadratic": False, "n_classes": 3}, "multinomial"),
        ({"quadratic": False, "separable": False}, "group_newton"),
        ({"quadratic": False, "smooth": False}, "quantile"),
    ],
)
def test_choice_by_capability(kw, expected):
    choice = choose_engine(_caps(**kw))
    assert choice.solver == expected and choice.reasons


def test_choose_solver_follows_the_gram_rule():
    for n, p in [(1000, 10), (19, 10), (10**6, 4001)]:
        assert (choose_solver("auto", n, p) == "gram") == gram_affordable(n, p)


# --------------------------------------------------------------------------------------------
# the capabilities of real datafit objects and penalties, and the paths that route by them


@pytest.mark.parametrize(
    ("datafit", "shape", "kw", "expected"),
    [
        ("quadratic", (1000, 10), {}, "gram"),
        ("quadratic", (10, 1000), {}, "cd"),
        ("quadratic", (1000, 10), {"kind": MCP}, "cd"),
        ("quadratic", (1000, 10), {"kind": SCAD}, "cd"),
        ("quadratic", (1000, 10), {"blocks": True}, "group_cd"),
        ("logistic", (1000, 10), {}, "prox_newton"),
        ("poisson", (10, 1000), {}, "prox_newton"),
        ("huber", (1000, 10), {}, "prox_newton"),
        ("multinomial", (1000, 10), {"n_classes": 3}, "multinomial"),
        ("logistic", (1000, 10), {"blocks": True}, "group_newton"),
        ("multinomial", (1000, 10), {"blocks": True, "n_classes": 3}, "group_newton"),
        ("quantile", (1000, 10), {}, "quantile"),
        ("quantile", (1000, 10), {"blocks": True}, "quantile"),
    ],
)
def test_every_route_from_the_datafit_object(datafit, shape, kw, expected):
    choice = choose_engine(capabilities(engine_datafit(datafit), *shape, **kw))
    assert choice.solver == expected and choice.reasons


def test_capabilities_come_from_the_objects_not_names():
    caps = capabilities(engine_datafit("quadratic"), 100, 10, kind=MCP)
    assert (caps.quadratic, caps.smooth, caps.separable, caps.convex) == (True, True, True, False)
    caps = capabilities(engine_datafit("quantile"), 100, 10, blocks=True)
    assert (caps.quadratic, caps.smooth, caps.separable, caps.convex) == (False, False, False, True)


class _Renamed(Logistic):
    name = "my_logistic"  # a name no registry knows: routed by its capabilities


class _RenamedQuantile(Quantile):
    name = "my_check_loss"


_rng = np.random.default_rng(0)
_X = _rng.standard_normal((80, 6))
_Y = _X @ np.array([1.0, -1.0, 0.5, 0.0, 0.0, 0.0]) + 0.3 * _rng.standard_normal(80)


def _same_numbers(a, b):
    for name in ("alphas", "coefs", "intercepts", "gaps", "n_iter"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_a_renamed_logistic_goes_to_proximal_newton(caplog):
    yb = (_Y > 0).astype(float)
    assert (
        choose_engine(capabilities(engine_datafit(_Renamed()), *_X.shape)).solver == "prox_newton"
    )
    with caplog.at_level(logging.DEBUG, logger="shrinkage.solvers.choice"):
        mine = shrinkage.path(_X, yb, datafit=_Renamed(), n_alphas=6)
    assert "'prox_newton'" in caplog.text and "smooth datafit" in caplog.text
    _same_numbers(mine, shrinkage.path(_X, yb, datafit="logistic", n_alphas=6))
    assert mine.datafit == "my_logistic"
    groups = [0, 0, 1, 1, 2, 2]
    _same_numbers(
        shrinkage.group_path(_X, yb, groups, datafit=_Renamed(), n_alphas=4),
        shrinkage.group_path(_X, yb, groups, datafit="logistic", n_alphas=4),
    )


def test_a_renamed_check_loss_goes_to_the_interior_point():
    _same_numbers(
        shrinkage.path(_X, _Y, datafit=_RenamedQuantile(0.3), n_alphas=4),
        shrinkage.path(_X, _Y, datafit=Quantile(0.3), n_alphas=4),
    )


def test_least_squares_and_multinomial_choices_are_logged(caplog):
    with caplog.at_level(logging.DEBUG, logger="shrinkage.solvers.choice"):
        shrinkage.path(_X, _Y, n_alphas=3)
        shrinkage.path(
            _X, np.digitize(_Y, [-0.5, 0.5]).astype(float), datafit="multinomial", n_alphas=3
        )
        shrinkage.group_path(_X, _Y, [0, 0, 1, 1, 2, 2], n_alphas=3)
    solvers = [r.getMessage().split(":")[0] for r in caplog.records]
    assert solvers == [
        "solver 'gram'",
        "Gram form 'full'",  # a path forms the whole X'X
        "solver 'multinomial'",
        "solver 'group_cd'",
    ]


def test_a_datafit_no_solver_takes_is_refused():
    class Kinked(Logistic):
        name, smooth = "kinked", False

    with pytest.raises(ValueError, match="kinked datafit is not smooth"):
        engine_datafit(Kinked())
    with pytest.raises(ValueError, match="kinked datafit is not smooth"):
        shrinkage.group_path(_X, (_Y > 0).astype(float), [0, 0, 1, 1, 2, 2], datafit=Kinked())
