"""The working-set engine on its own: the selection rule, the growth policy, the stop rule."""

import numpy as np
import pytest

from shrinkage.engine.working_set import (
    Certificate,
    Progress,
    Ranking,
    Step,
    select_working_set,
    solve_working_set,
)


def test_selection_keeps_forced_blocks_and_the_top_scores():
    scores = np.array([0.5, 4.0, 0.0, 3.0, 1.0, 2.0])
    forced = np.array([True, False, True, False, False, False])
    # twice the forced blocks (4) beat ws_size 2: both forced ones, then 4.0 and 3.0
    assert select_working_set(Ranking(scores, forced), 2).tolist() == [0, 1, 2, 3]
    assert select_working_set(Ranking(scores, forced), 5).tolist() == [0, 1, 2, 3, 5]


def test_selection_maps_candidates_to_blocks_and_honours_the_limit():
    scores = np.array([1.0, -1.0, 3.0])
    ranking = Ranking(scores, np.zeros(3, dtype=bool), blocks=np.array([7, 8, 9]), limit=2)
    assert select_working_set(ranking, 10).tolist() == [7, 9]  # the block that cannot move: out
    every = Ranking(scores, np.zeros(3, dtype=bool), blocks=np.array([7, 8, 9]))
    assert select_working_set(every, 10).tolist() == [7, 8, 9]


@pytest.mark.parametrize("seed", range(6))
def test_selection_is_the_forced_blocks_then_the_ranked_scores(seed):
    # brute force: forced first, then by decreasing positive score, then non-positive by index
    rng = np.random.default_rng(seed)
    p = 400
    scores = np.where(rng.random(p) < 0.4, rng.random(p), rng.choice([0.0, -1.0], p))
    forced = rng.random(p) < 0.1
    for ws_size in (1, 30, 150, 300, 390, 1000):
        got = select_working_set(Ranking(scores, forced), ws_size)
        size = min(max(ws_size, 2 * int(forced.sum())), p)
        order = np.lexsort((np.arange(p), -np.where(scores > 0, scores, 0.0), ~forced))
        assert got.tolist() == np.sort(order[:size]).tolist()
        assert np.all(np.diff(got) > 0)


class _Coordinates:
    """1/2 sum (w_j - c_j)^2: the inner solve fixes at most ``per_step`` coordinates of ws."""

    def __init__(self, c, per_step, cost=1):
        self.c, self.w, self.per_step, self.cost = c, np.zeros_like(c), per_step, cost
        self.sizes, self.screens = [], 0

    def certify(self, budget):
        return Certificate(float(0.5 * np.sum((self.w - self.c) ** 2)), True, 1e-20)

    def screen(self, cert):
        self.screens += 1
        return False

    def ranking(self):
        return Ranking(np.abs(self.w - self.c), self.w != 0)

    def inner(self, ws, tol_inner, budget):
        self.sizes.append(ws.size)
        todo = ws[np.abs(self.w[ws] - self.c[ws]) > tol_inner][: self.per_step]
        if not todo.size:
            return Step(1, Progress.GROW)
        self.w[todo] = self.c[todo]
        return Step(self.cost, Progress.MOVED)


def test_solves_to_the_certificate_and_counts_epochs():
    model = _Coordinates(np.arange(1.0, 41.0), per_step=3)
    out = solve_working_set(model, max_iter=1000, ws_start=4)
    assert out.cert.converged and out.cert.gap == 0.0
    np.testing.assert_array_equal(model.w, model.c)
    assert out.epochs == len(model.sizes)  # one epoch per inner solve
    assert model.screens == len(model.sizes)


class _Scripted:
    """100 blocks, none forced; the inner solves report the progress of ``script``, in turn."""

    def __init__(self, script):
        self.script, self.sizes = list(script), []

    def certify(self, budget):
        return Certificate(1.0, True, 0.0)

    def screen(self, cert):
        return False

    def ranking(self):
        return Ranking(np.linspace(1.0, 2.0, 100), np.zeros(100, dtype=bool))

    def inner(self, ws, tol_inner, budget):
        self.sizes.append(ws.size)
        return Step(1, self.script.pop(0))


@pytest.mark.parametrize(
    ("reset", "sizes"), [(False, [4, 8, 16, 16, 16]), (True, [4, 8, 16, 4, 4])]
)
def test_the_working_set_doubles_when_stuck_then_keeps_its_size_or_resets(reset, sizes):
    grow, moved, stop = Progress.GROW, Progress.MOVED, Progress.STOP
    model = _Scripted([grow, grow, moved, moved, stop])
    out = solve_working_set(model, max_iter=100, ws_start=4, reset=reset)
    assert model.sizes == sizes and out.epochs == 5


@pytest.mark.parametrize(
    ("growth", "sizes"), [(2, [4, 8, 16, 32, 64, 128, 200]), (4, [4, 16, 64, 200])]
)
def test_a_working_set_that_its_support_fills_grows_by_filled_growth(growth, sizes):
    """Every inner solve makes its whole working set the support: the next one holds
    ``filled_growth`` times it (capped by the candidates), so the support is reached in fewer
    rounds."""
    model = _Coordinates(np.arange(1.0, 201.0), per_step=200)
    out = solve_working_set(model, max_iter=1000, ws_start=4, filled_growth=growth)
    assert model.sizes[: len(sizes)] == sizes and set(model.sizes[len(sizes) :]) == {200}
    assert out.cert.converged


def test_stops_on_the_budget_with_the_last_certificate():
    model = _Coordinates(np.arange(1.0, 41.0), per_step=1, cost=5)
    out = solve_working_set(model, max_iter=12)
    assert out.epochs == 15 and not out.cert.converged  # 3 inner solves, then out of budget
    assert np.count_nonzero(model.w) == 3
    assert out.cert.gap == 0.5 * np.sum((model.w - model.c) ** 2)  # at the last point


def test_stop_from_the_inner_solve():
    class Stuck(_Coordinates):
        def inner(self, ws, tol_inner, budget):
            return Step(2, Progress.STOP)

    out = solve_working_set(Stuck(np.ones(5), per_step=1), max_iter=100)
    assert out.epochs == 2 and not out.cert.converged


def test_screening_that_changes_the_point_certifies_again():
    class Screened(_Coordinates):
        def screen(self, cert):
            self.screens += 1
            if self.screens == 1:
                self.w[:] = self.c  # e.g. dropped columns moved the residual
                return True
            return False

    model = Screened(np.arange(1.0, 6.0), per_step=1)
    out = solve_working_set(model, max_iter=100)
    assert out.cert.converged and out.epochs == 0 and model.sizes == []
