"""solver="auto": one rule in one place."""

import pytest

from shrinkage.solvers.choice import Capabilities, choose_engine, choose_solver, gram_affordable


@pytest.mark.parametrize(
    ("n", "p", "expected"),
    [(1000, 10, "gram"), (20, 10, "gram"), (19, 10, "cd"), (10, 1000, "cd"),
     (10**6, 4000, "gram"), (10**6, 4001, "cd")])
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
    base = dict(quadratic=True, smooth=True, separable=True, convex=True, n_samples=1000,
                n_features=10)
    return Capabilities(**(base | kw))


@pytest.mark.parametrize(("kw", "expected"), [
    ({}, "gram"),
    ({"n_samples": 10, "n_features": 1000}, "cd"),
    ({"convex": False}, "cd"),  # MCP / SCAD: never the Gram solver (elastic net only)
    ({"separable": False}, "group_cd"),
    ({"quadratic": False}, "prox_newton"),
    ({"quadratic": False, "n_classes": 3}, "multinomial"),
    ({"quadratic": False, "separable": False}, "group_newton"),
    ({"quadratic": False, "smooth": False}, "quantile"),
])
def test_choice_by_capability(kw, expected):
    choice = choose_engine(_caps(**kw))
    assert choice.solver == expected and choice.reasons


def test_choose_solver_follows_the_gram_rule():
    for n, p in [(1000, 10), (19, 10), (10**6, 4001)]:
        assert (choose_solver("auto", n, p) == "gram") == gram_affordable(n, p)
