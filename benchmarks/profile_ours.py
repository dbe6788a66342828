"""Where shrinkage.path spends its time on a benchmark problem: a phase breakdown.

    python -m benchmarks.profile_ours b            # best of 5 runs, wall clock
    OPENBLAS_NUM_THREADS=1 python -m benchmarks.profile_ours a --cpu

Timers are wrapped around shrinkage's internal functions (private names: a phase whose function
was renamed is reported as missing, not an error).  Phases nest (the kernels run inside the
solvers), so the percentages of nested rows are shares of the total, not of their parent.
``--cpu`` measures the main thread's CPU time (``time.thread_time``), which a busy shared machine
disturbs much less than wall time; run it with one BLAS thread so that BLAS work is counted.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time

import numpy as np

from . import problems
from .adapters import ours

# (module, owner attribute or None, function name, label)
PHASES = (
    ("shrinkage._validation", None, "check_design", "check_design (validation; C->F copy)"),
    ("shrinkage._problem", None, "sufficient_statistics", "sufficient_statistics (G, q)"),
    (
        "shrinkage.datafits.quadratic",
        "WeightedDesign",
        "build",
        "WeightedDesign.build (centred F copy)",
    ),
    ("shrinkage.path", None, "solve_gram", "solve_gram: all alphas (python + kernel)"),
    (
        "shrinkage.solvers._kernels",
        None,
        "gram_cd_working_set",
        "  gram_cd_working_set (numba kernels)",
    ),
    ("shrinkage.path", None, "solve_cd", "solve_cd: all alphas (python + kernels)"),
    ("shrinkage.solvers._kernels", None, "cd_working_set", "  cd_working_set (numba kernels)"),
    (
        "shrinkage.datafits.quadratic",
        "WeightedDesign",
        "correlations",
        "  full correlations X'r (BLAS gemv)",
    ),
    ("shrinkage.datafits.quadratic", "WeightedDesign", "residual", "  residual y - Xw"),
    ("shrinkage.solvers._kernels", None, "dual_gap", "  dual_gap (numba)"),
    ("shrinkage.solvers._kernels", None, "kkt_violations", "  kkt_violations (numba)"),
    ("shrinkage.solvers._kernels", None, "screen_gap_safe", "  screen_gap_safe (numba)"),
)


def install(clock) -> tuple[dict, collections.Counter, list]:
    acc: dict = collections.defaultdict(float)
    calls: collections.Counter = collections.Counter()
    missing = []
    for module_name, owner_name, fname, label in PHASES:
        module = sys.modules.get(module_name)
        owner = getattr(module, owner_name, None) if owner_name else module
        f = getattr(owner, fname, None) if owner is not None else None
        if f is None:
            missing.append(label.strip())
            continue

        def timed(*a, _f=f, _label=label, **k):
            t = clock()
            try:
                return _f(*a, **k)
            finally:
                acc[_label] += clock() - t
                calls[_label] += 1

        setattr(owner, fname, staticmethod(timed) if owner_name and fname == "build" else timed)
    return acc, calls, missing


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("problem", help="a name from problems.SPECS")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cpu", action="store_true", help="main-thread CPU time instead of wall")
    args = ap.parse_args(argv)

    import shrinkage

    ours.warmup()
    problem = problems.make(args.problem)
    tol = ours.TOL.get(problem.name, ours.TOL["default"])
    clock = time.thread_time if args.cpu else time.perf_counter
    acc, calls, missing = install(clock)
    best = None
    for _ in range(args.repeat):
        acc.clear()
        calls.clear()
        t = clock()
        res = shrinkage.path(
            problem.X,
            problem.y,
            l1_ratio=problem.l1_ratio,
            alphas=problem.alphas,
            tol=tol,
            max_iter=100_000,
        )
        total = clock() - t
        if best is None or total < best[0]:
            best = (total, dict(acc), dict(calls), int(np.sum(res.n_iter)))
    total, phases, ncalls, epochs = best
    what = "main-thread CPU" if args.cpu else "wall"
    print(f"({problem.name}) {problem.spec.describe()}; tol={tol:g}")
    print(f"best of {args.repeat}: {total:.4f} s {what}; {epochs} CD epochs in all")
    for _, _, _, label in PHASES:
        if label in phases:
            v = phases[label]
            print(f"  {label:45s} {v:8.4f} s {100 * v / total:5.1f}%  calls={ncalls[label]}")
    if missing:
        print("  (not found: " + ", ".join(missing) + ")")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
