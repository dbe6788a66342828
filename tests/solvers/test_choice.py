"""solver="auto": one rule in one place."""

import pytest

from shrinkage.solvers.choice import choose_solver


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
