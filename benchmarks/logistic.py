"""L1 logistic regression side by side: shrinkage, scikit-learn liblinear, skglm and celer.

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.logistic --out docs/benchmarks-logistic.md
    python -m benchmarks.logistic --quick --out /tmp/logistic.md   # sparse problem at 1/5 size

Objective for every library (conversions in ``benchmarks/certify.py``), WITHOUT intercept:

    P(w) = (1/n) sum_i log(1 + exp(-y_i x_i.w)) + alpha ||w||_1,   y_i in {-1, +1}

liblinear penalizes the intercept, so nobody fits one.  Two tasks per problem: one fit at
alpha_max / 20 from w = 0, and a 20-alpha path from alpha_max to alpha_max / 100 (geometric,
warm started wherever the library can).  Every solution is certified by the same independent
numpy duality gap (``certify.logistic_gaps``): gap / log(2) <= 1e-6 at every alpha, log(2) being
the objective at w = 0.  A library missing that is re-run with its tol divided by sqrt(10), up to
four times; what it used is in the report (``--calibrate`` finds the loosest passing tol).

Timings: process CPU time and wall clock, best of ``--repeat`` warm runs, round-robin over the
libraries; JIT compilation is paid by a warm-up on tiny dense and sparse problems.  BLAS is
limited to one thread inside the process (threadpoolctl) as well as by the environment variable,
so every library is single-threaded and CPU time is robust to a shared machine's load.  To
measure a committed state while the tree changes, snapshot it (``git archive HEAD src``, as
``benchmarks/run.py`` describes) and put it first on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from . import adapters as _adapters
from . import certify, problems
from .run import GAP_TARGET, TIGHTEN, _fmt_t, loadavg, machine_info, prefault, wait_for_quiet

LIBRARIES = ("ours", "sklearn_", "skglm_", "celer_")
MAX_TIGHTEN = 4
SINGLE_RATIO = 20.0  # the single fit is at alpha_max / 20
PATH_ALPHAS, PATH_RATIO = 20, 100.0  # the path: 20 alphas, alpha_max .. alpha_max / 100


def task_alphas(problem: problems.LogisticProblem) -> dict[str, np.ndarray]:
    a_max = problem.alpha_max
    return {
        "single": np.array([a_max / SINGLE_RATIO]),
        "path": np.geomspace(a_max, a_max / PATH_RATIO, PATH_ALPHAS),
    }


def initial_tol(mod, problem: str, task: str) -> float:
    tols = mod.LOGISTIC_TOL
    return tols.get(f"{problem}/{task}", tols.get(problem, tols["default"]))


def _call(fit, problem, alphas, tol):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0, c0 = time.perf_counter(), time.process_time()
        coefs = np.asarray(fit(problem.X, problem.y, alphas, tol))
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    notes = sorted(
        {
            w.category.__name__
            for w in caught
            if "converge" in (w.category.__name__ + str(w.message)).lower()
        }
    )
    return elapsed, cpu, coefs.reshape(len(alphas), -1), notes


def certified_run(fit, problem, alphas, tol) -> dict:
    """Run and certify; divide tol by sqrt(10) until gap / log 2 <= GAP_TARGET (or give up)."""
    tightened = 0
    while True:
        elapsed, cpu, coefs, notes = _call(fit, problem, alphas, tol)
        rel = certify.logistic_relative_gaps(problem.X, problem.y, alphas, coefs)
        worst = float(np.max(rel))
        if worst <= GAP_TARGET or tightened >= MAX_TIGHTEN:
            return dict(
                tol=tol,
                tightened=tightened,
                times=[elapsed],
                cpu=[cpu],
                max_rel_gap=worst,
                notes=notes,
                nnz=int(np.count_nonzero(coefs[-1])),
                objective=float(
                    certify.logistic_gaps(problem.X, problem.y, alphas[-1:], coefs[-1:])[1][0]
                ),
            )
        tol /= TIGHTEN
        tightened += 1


def warm_up(mods: dict) -> dict:
    """Pay imports and JIT compilation (dense and sparse kernels) outside the timings."""
    tiny = {
        "dense": problems.logistic_dense(n=60, p=100),
        "sparse": problems.logistic_sparse(n=200, p=400, density=0.05, n_nonzero=20),
    }
    spent = {}
    for key, mod in mods.items():
        t0 = time.perf_counter()
        for pb in tiny.values():
            alphas = task_alphas(pb)["path"][:5]
            for fit in getattr(mod, "LOGISTIC_VARIANTS", {"": mod.fit_logistic}).values():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fit(pb.X, pb.y, alphas, 1e-6)
        spent[key] = time.perf_counter() - t0
    return spent


def bench_problem(problem, mods: dict, repeat: int, slow: float, log) -> dict:
    """{task: {library: result}}: certified first runs, then round-robin repeats."""
    prefault(4 * getattr(problem.X, "nbytes", getattr(problem.X, "data", np.empty(0)).nbytes))
    out = {}
    for task, alphas in task_alphas(problem).items():
        res = {}
        for key, mod in mods.items():
            res[key] = certified_run(
                mod.fit_logistic, problem, alphas, initial_tol(mod, problem.name, task)
            )
            r = res[key]
            log(
                f"  {task:6s} {key:9s} {r['times'][0]:8.3f}s (cpu {r['cpu'][0]:.3f}s)  "
                f"tol={r['tol']:.2e}  "
                f"gap/log2={r['max_rel_gap']:.2e}  nnz={r['nnz']}"
            )
        for _ in range(repeat - 1):
            for key, mod in mods.items():
                if res[key]["times"][0] > slow and key != "ours":
                    continue
                elapsed, cpu = _call(mod.fit_logistic, problem, alphas, res[key]["tol"])[:2]
                res[key]["times"].append(elapsed)
                res[key]["cpu"].append(cpu)
        for r in res.values():
            r["best"], r["best_cpu"] = min(r["times"]), min(r["cpu"])
        out[task] = res
    return out


def calibrate(problem, mods: dict, log, start: float) -> None:
    for task, alphas in task_alphas(problem).items():
        for key, mod in mods.items():
            tol = start
            while tol > 1e-14:
                elapsed, _, coefs, _ = _call(mod.fit_logistic, problem, alphas, tol)
                worst = float(
                    np.max(certify.logistic_relative_gaps(problem.X, problem.y, alphas, coefs))
                )
                log(f"  {task:6s} {key:9s} tol={tol:.2e} {elapsed:8.3f}s  gap/log2={worst:.2e}")
                if worst <= GAP_TARGET:
                    break
                tol /= TIGHTEN


def time_variants(problem, mods: dict, log) -> None:
    for task, alphas in task_alphas(problem).items():
        for key, mod in mods.items():
            for label, fit in getattr(mod, "LOGISTIC_VARIANTS", {"": mod.fit_logistic}).items():
                r = certified_run(fit, problem, alphas, initial_tol(mod, problem.name, task))
                log(
                    f"  {task:6s} {key:9s} {label:42s} {r['times'][0]:8.3f}s  tol={r['tol']:.2e}"
                    f"  gap/log2={r['max_rel_gap']:.2e}"
                )


# ----------------------------------------------------------------------------------------------
# report


CLOCKS = {"best_cpu": "CPU seconds of the process (process_time)", "best": "wall-clock seconds"}


def _cell(r: dict, clock: str, ours: float | None, is_ours: bool, repeat: int) -> str:
    cell = _fmt_t(r[clock]) + ("*" if len(r["times"]) == 1 and repeat > 1 else "")
    if not is_ours and ours:
        cell += f" ({r[clock] / ours:.2f}x)"
    if r["max_rel_gap"] > GAP_TARGET:
        cell += " **gap!**"
    return cell


def render(
    args,
    command: str,
    info: dict,
    warm: dict,
    descr: dict,
    results: dict,
    mods: dict,
    missing: dict,
    loads: dict,
    total_s: float,
) -> str:
    keys = list(mods)
    L = [
        "# Benchmarks: L1 logistic regression against scikit-learn (liblinear), skglm and celer",
        "",
        "Generated by `benchmarks/logistic.py`; do not edit by hand. Reproduce with:",
        "",
        "```",
        command,
        "```",
        "",
        f"Run on {_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, total {total_s:.0f} s. "
        f"Best of {args.repeat} warm runs, one BLAS thread for every library "
        "(`OPENBLAS_NUM_THREADS=1` and threadpoolctl); ratio = peer time / shrinkage time "
        "(above 1: shrinkage is faster). Every library runs single-threaded here, so the "
        "process CPU time is the work done; it is shown first because this machine is shared "
        "(see the load averages): wall-clock, below it, also counts the time other processes "
        "held the CPUs.",
        "",
        "Objective, the same for everyone: `(1/n) sum_i log(1 + exp(-y_i x_i.w)) + alpha "
        "||w||_1`, y in {-1, +1}, **no intercept** (liblinear penalizes its intercept, so no "
        "library fits one). Conversions (in `benchmarks/certify.py`): liblinear "
        "`C = 1 / (alpha n)`, celer `alpha_celer = alpha n` (summed loss), skglm the same "
        "alpha (mean loss).",
        "",
        f"Tasks: **single** = one fit at alpha_max / {SINGLE_RATIO:g} from w = 0; **path** = "
        f"{PATH_ALPHAS} alphas from alpha_max to alpha_max / {PATH_RATIO:g} (geometric), "
        "warm started by each library's own means (liblinear cannot: one cold fit per alpha). "
        "alpha_max = ||X'y||_inf / (2n).",
        "",
    ]
    for clock, what in CLOCKS.items():
        L += [
            f"## Times: {what}",
            "",
            "| problem | task | " + " | ".join(mods[k].NAME for k in keys) + " |",
            "|" + "---|" * (len(keys) + 2),
        ]
        for name, tasks in results.items():
            for task, res in tasks.items():
                ours = res.get("ours", {}).get(clock)
                cells = [_cell(res[k], clock, ours, k == "ours", args.repeat) for k in keys]
                L.append(f"| {name} | {task} | " + " | ".join(cells) + " |")
        L.append("")
    L += [
        f"`*` one run only (the first took over {args.slow:g} s). `gap!`: gap / log 2 above "
        f"{GAP_TARGET:g} at some alpha even after tightening. Load average (1 min) before / "
        "after each problem: "
        + "; ".join(f"({k}) {a.split()[0]} / {b.split()[0]}" for k, (a, b) in loads.items())
        + ".",
        "",
    ]
    if "ours" in mods:
        L += ["## Target: faster than the fastest peer", ""]
        for clock, what in CLOCKS.items():
            L += [f"By {what}:", "", _targets(results, mods, clock), ""]
    L += [
        "## Certificates and tolerances",
        "",
        "gap = P(w) - D(u) computed for every library by `benchmarks/certify.py` "
        "(independent numpy, same formula for all) at the library's own w, with the dual "
        "point u = s y sigmoid(-y Xw) / n rescaled to be feasible; reported as gap / log 2 "
        f"(log 2 = P(0)), target <= {GAP_TARGET:g} at every alpha. `tol` is each library's "
        "own parameter (meanings below), calibrated with `--calibrate` and tightened by "
        "sqrt(10) steps if a run misses the target.",
        "",
        "| problem | task | library | tol | max gap / log 2 | objective at last alpha | "
        "nnz at last alpha | runs: wall (CPU) s | notes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, tasks in results.items():
        for task, res in tasks.items():
            for k in keys:
                r = res[k]
                flag = " **above target**" if r["max_rel_gap"] > GAP_TARGET else ""
                notes = ", ".join(
                    r["notes"] + ([f"tol tightened {r['tightened']}x"] if r["tightened"] else [])
                )
                runs = ", ".join(
                    f"{_fmt_t(t)} ({_fmt_t(c)})" for t, c in zip(r["times"], r["cpu"], strict=True)
                )
                L.append(
                    f"| {name} | {task} | {mods[k].NAME} | {r['tol']:.2e} | "
                    f"{r['max_rel_gap']:.2e}{flag} | {r['objective']:.10f} | {r['nnz']} | "
                    f"{runs} | {notes} |"
                )
    L += [
        "",
        "## Problems",
        "",
        "Built by `benchmarks/problems.py` (seeded; dense X C-ordered, "
        "sparse X CSC; any other layout a library needs is made inside its timed call).",
        "",
    ]
    L += [f"- ({name}) {text}." for name, text in descr.items()]
    L += ["", "## How each library is called", ""]
    L += [
        f"- **{mods[k].NAME} {mods[k].version()}**: `{mods[k].LOGISTIC_HOW}`. tol means: "
        f"{mods[k].LOGISTIC_TOL_MEANING}."
        for k in keys
    ]
    L += [f"- {k}: {why}." for k, why in missing.items()]
    L += [
        "",
        "Warm-up (imports, JIT compilation; excluded from the times): "
        + ", ".join(f"{mods[k].NAME} {t:.2f} s" for k, t in warm.items())
        + ".",
        "",
        "## Machine",
        "",
        f"- {info['nproc']} CPUs ({info['affinity']} usable), {info['cpu']}; {info['platform']}",
        f"- shrinkage measured: {info['shrinkage']}",
        f"- Python {info['python']}, numpy {info['numpy']}, numba {info.get('numba')}",
        "- BLAS / threading environment: "
        + (", ".join(f"{k}={v}" for k, v in info["env"].items()) or "none set"),
        "",
    ]
    return "\n".join(L)


def _targets(results: dict, mods: dict, clock: str = "best_cpu") -> str:
    rows = ["| problem | task | shrinkage | fastest peer | met |", "|---|---|---|---|---|"]
    for name, tasks in results.items():
        for task, res in tasks.items():
            peers = {k: r[clock] for k, r in res.items() if k != "ours"}
            if "ours" not in res or not peers:
                continue
            k = min(peers, key=peers.get)
            ours = res["ours"][clock]
            rows.append(
                f"| {name} | {task} | {_fmt_t(ours)} | {mods[k].NAME} "
                f"{_fmt_t(peers[k])} | {'yes' if ours < peers[k] else '**no**'} "
                f"({peers[k] / ours:.2f}x) |"
            )
    return "\n".join(rows)


# ----------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    from threadpoolctl import threadpool_limits

    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", default="docs/benchmarks-logistic.md", help="markdown report")
    ap.add_argument(
        "--problems",
        default="dense,sparse",
        help=f"comma-separated, from {', '.join(problems.LOGISTIC)}",
    )
    ap.add_argument("--quick", action="store_true", help="sparse-quick instead of sparse")
    ap.add_argument("--libraries", default=",".join(LIBRARIES), help="adapter modules")
    ap.add_argument("--repeat", type=int, default=3, help="report the best of N warm runs")
    ap.add_argument(
        "--slow",
        type=float,
        default=20.0,
        help="do not repeat a peer whose first run took longer (seconds)",
    )
    ap.add_argument(
        "--wait-load",
        type=float,
        default=0.0,
        help="wait up to this many seconds per problem for the load to drop",
    )
    ap.add_argument(
        "--calibrate",
        action="store_true",
        help="walk every library's tol down from --calibrate-from; no report",
    )
    ap.add_argument("--calibrate-from", type=float, default=1e-2)
    ap.add_argument(
        "--variants",
        action="store_true",
        help="time every LOGISTIC_VARIANTS entry of each adapter; no report",
    )
    args = ap.parse_args(argv)

    def log(msg):
        print(msg, flush=True)

    start = time.perf_counter()
    loaded = _adapters.load([s.strip() for s in args.libraries.split(",") if s.strip()])
    mods = {k: m for k, (m, _) in loaded.items() if m is not None}
    missing = {k: why for k, (m, why) in loaded.items() if m is None}
    for k, why in missing.items():
        log(f"{k}: {why}")
    names = [s.strip() for s in args.problems.split(",") if s.strip()]
    if args.quick:
        names = ["sparse-quick" if s == "sparse" else s for s in names]
    with threadpool_limits(limits=1, user_api="blas"):
        info = machine_info()
        warm = warm_up(mods)
        log("warm-up: " + ", ".join(f"{k} {t:.2f}s" for k, t in warm.items()))
        descr, results, loads = {}, {}, {}
        for name in names:
            problem = problems.LOGISTIC[name]()
            descr[name] = problem.description
            log(f"problem ({name}): {problem.description}; alpha_max={problem.alpha_max:.4g}")
            if args.calibrate:
                calibrate(problem, mods, log, args.calibrate_from)
            elif args.variants:
                time_variants(problem, mods, log)
            else:
                if args.wait_load:
                    wait_for_quiet(args.wait_load, log)
                before = loadavg()
                results[name] = bench_problem(problem, mods, args.repeat, args.slow, log)
                loads[name] = (before, loadavg())
    if args.calibrate or args.variants:
        return 0
    command = "python -m benchmarks.logistic " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    blas = info["env"].get("OPENBLAS_NUM_THREADS")
    if blas:
        command = f"OPENBLAS_NUM_THREADS={blas} {command}"
    if os.environ.get("PYTHONPATH"):  # a snapshot of a commit (see benchmarks/run.py)
        command = f"PYTHONPATH={shlex.quote(os.environ['PYTHONPATH'])} {command}"
    total = time.perf_counter() - start
    text = render(args, command, info, warm, descr, results, mods, missing, loads, total)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    log(f"wrote {out} ({total:.0f}s in all)")
    if "ours" in mods:
        print(_targets(results, mods))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
