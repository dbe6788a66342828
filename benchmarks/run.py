"""Run every library side by side on the benchmark problems and write a markdown report.

    python -m benchmarks.run --out docs/benchmarks.md --problems a,b,c --repeat 3

For each problem, every library solves the same Lasso / Elastic-Net path (same X, y, alpha grid,
fit_intercept=True) in this one process.  Each solution is certified by ``benchmarks.certify``
(independent numpy code): the relative duality gap gap / primal must be <= 1e-6 at every alpha.
A library whose calibrated tolerance misses that is re-run with its tolerance divided by
sqrt(10) (up to three times) before it is timed; what it finally used is in the report.

Timings are wall-clock, best of ``--repeat`` warm runs (JIT compilation and one-time imports are
paid by a warm-up on a tiny problem first).  Repeats go round-robin over the libraries so that a
burst of load from other processes does not land on one library only.  A library whose first run
takes longer than ``--slow`` seconds is not repeated (its single time is marked).

To measure a committed state while the working tree changes, snapshot it and put it first on
the path (the report records which source it measured):

    git archive HEAD src | tar -x -C /tmp/snap && git rev-parse --short HEAD > /tmp/snap/COMMIT
    PYTHONPATH=/tmp/snap/src python -m benchmarks.run ...

``--calibrate`` instead walks every library's tolerance down from 1e-3 by factors of sqrt(10)
and prints the loosest one meeting the 1e-6 relative gap, per problem (to paste into the
adapters' ``TOL``).  ``--variants`` times every ``VARIANTS`` entry of each adapter (how the
fastest way to call each peer was chosen).

The cold start (a fresh process with an empty, then a filled numba cache) is measured by
``benchmarks/cold_start.py`` and written to its own page, ``--cold-start-out``
(``docs/benchmarks-cold-start.md``; ``--no-cold-start`` skips it).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib.util
import json
import os
import platform
import shlex
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from . import adapters as _adapters
from . import certify, cold_start, problems

GAP_TARGET = 1e-6
TIGHTEN = 10**0.5
MAX_TIGHTEN = 3
ROOT = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------------------------
# machine


def machine_info() -> dict:
    import threadpoolctl

    info = {
        "nproc": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "threadpools": sorted(
            (
                {
                    **{
                        k: d.get(k)
                        for k in (
                            "user_api",
                            "internal_api",
                            "prefix",
                            "version",
                            "architecture",
                            "threading_layer",
                            "num_threads",
                        )
                    },
                    "owner": _owner(d.get("filepath", "")),
                }
                for d in threadpoolctl.threadpool_info()
            ),
            key=lambda d: (d["user_api"] != "blas", d["owner"]),
        ),
        "env": {
            k: v
            for k, v in sorted(os.environ.items())
            if k.startswith(("OPENBLAS", "OMP_", "MKL_", "NUMBA_", "BLIS_", "GOTO"))
        },
    }
    info["shrinkage"] = _shrinkage_source()
    try:
        import numba

        info["numba"] = numba.__version__
        info["numba_threads"] = numba.config.NUMBA_NUM_THREADS
    except ImportError:
        pass
    return info


def _shrinkage_source() -> str:
    """Where the measured shrinkage came from: its folder, and the git commit when it is ours."""
    try:
        import shrinkage
    except ImportError:
        return "not importable"
    src = Path(shrinkage.__file__).resolve().parent
    text = str(src)
    commit_file = src.parent.parent / "COMMIT"  # written next to a `git archive` snapshot
    if commit_file.exists():
        return f"{text} (snapshot of commit {commit_file.read_text().strip()})"
    try:
        head = subprocess.run(
            ["git", "-C", str(src), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(src), "status", "--porcelain", "."],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return f"{text} (commit {head}{', with uncommitted changes' if dirty else ''})"
    except (OSError, subprocess.CalledProcessError):
        return text


def _owner(filepath: str) -> str:
    """Which installed package ships a shared library (numpy.libs/... -> numpy)."""
    parts = Path(filepath).parts
    for part in reversed(parts[:-1]):
        if part.endswith(".libs"):
            return part[: -len(".libs")]
        if part == "site-packages":
            break
    return Path(filepath).name


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


# ----------------------------------------------------------------------------------------------
# running one library


def _call(module, fit, problem, tol):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        coefs, intercepts = fit(problem.X, problem.y, problem.alphas, problem.l1_ratio, tol)
        elapsed = time.perf_counter() - t0
    notes = sorted(
        {
            f"{w.category.__name__}"
            for w in caught
            if "converge" in (w.category.__name__ + str(w.message)).lower()
        }
    )
    return elapsed, np.asarray(coefs), np.asarray(intercepts), notes


def certified_run(module, fit, problem, tol):
    """Run, certify; tighten the tolerance until the relative gap target is met."""
    tightened = 0
    while True:
        elapsed, coefs, intercepts, notes = _call(module, fit, problem, tol)
        rel = certify.relative_gaps(problem, coefs, intercepts)
        worst = float(np.max(rel))
        if worst <= GAP_TARGET or tightened >= MAX_TIGHTEN:
            return dict(
                tol=tol,
                tightened=tightened,
                times=[elapsed],
                max_rel_gap=worst,
                min_rel_gap=float(np.min(rel)),
                notes=notes,
                nnz_last=int(np.count_nonzero(coefs[-1])),
            )
        tol /= TIGHTEN
        tightened += 1


def initial_tol(module, problem_name: str) -> float:
    return module.TOL.get(problem_name, module.TOL["default"])


def warm_up(mods: dict) -> dict:
    """Pay imports and JIT compilation outside the timings; returns seconds per library."""
    tiny = problems.make("tiny")
    spent = {}
    for key, mod in mods.items():
        t0 = time.perf_counter()
        if hasattr(mod, "warmup"):
            mod.warmup()
        for l1_ratio in (1.0, 0.5):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    mod.fit_path(tiny.X, tiny.y, tiny.alphas, l1_ratio, 1e-6)
                    mod.fit_path(
                        np.vstack([tiny.X] * 4), np.tile(tiny.y, 4), tiny.alphas, l1_ratio, 1e-6
                    )
            except NotImplementedError:
                pass
        spent[key] = time.perf_counter() - t0
    return spent


def prefault(nbytes: int) -> None:
    """Touch fresh memory once so that no library pays the first-touch page faults.

    On a VM whose guest memory is backed lazily the first large allocation of a process costs
    seconds (measured: 1.2 s for the first 320 MB, 0.05 s after); without this the first
    library run on a big problem would carry that cost.
    """
    buf = np.ones(max(nbytes, 1) // 8)
    del buf


def wait_for_quiet(max_wait: float, log) -> float:
    """Wait (up to max_wait s) until the 1-minute load average is below the CPU count."""
    t0 = time.perf_counter()
    ncpu = os.cpu_count() or 1
    while time.perf_counter() - t0 < max_wait and os.getloadavg()[0] >= ncpu:
        time.sleep(5)
    waited = time.perf_counter() - t0
    if waited > 1:
        log(f"  waited {waited:.0f}s for the load to drop (now {loadavg()})")
    return waited


def bench_problem(problem, mods: dict, repeat: int, slow: float, log, no_skip=False) -> dict:
    results = {}
    prefault(4 * problem.X.nbytes)
    for key, mod in mods.items():
        reason = getattr(mod, "SKIP", {}).get(problem.name)
        if reason and not no_skip:
            results[key] = dict(skipped=reason)
            log(f"  {key:9s} skipped: {reason}")
            continue
        try:
            res = certified_run(mod, mod.fit_path, problem, initial_tol(mod, problem.name))
        except NotImplementedError as exc:
            results[key] = dict(skipped=str(exc))
            log(f"  {key:9s} skipped: {exc}")
            continue
        results[key] = res
        log(
            f"  {key:9s} {res['times'][0]:8.3f}s  tol={res['tol']:.2e}  "
            f"max rel gap={res['max_rel_gap']:.2e}"
        )
    for _ in range(repeat - 1):
        for key, mod in mods.items():
            res = results[key]
            if "skipped" in res or (res["times"][0] > slow and key != "ours"):
                continue
            elapsed = _call(mod, mod.fit_path, problem, res["tol"])[0]
            res["times"].append(elapsed)
    for res in results.values():
        if "times" in res:
            res["best"] = min(res["times"])
            res["median"] = float(np.median(res["times"]))
    return results


# ----------------------------------------------------------------------------------------------
# calibration and variants


def calibrate(problem, mods: dict, log, start: float = 1e-3) -> dict:
    found = {}
    for key, mod in mods.items():
        tol = start
        while tol > 1e-13:
            try:
                elapsed, coefs, intercepts, _ = _call(mod, mod.fit_path, problem, tol)
            except NotImplementedError:
                break
            worst = float(np.max(certify.relative_gaps(problem, coefs, intercepts)))
            log(f"  {key:9s} tol={tol:.2e}  {elapsed:8.3f}s  max rel gap={worst:.2e}")
            if worst <= GAP_TARGET:
                found[key] = tol
                break
            tol /= TIGHTEN
    return found


def time_variants(problem, mods: dict, log) -> None:
    for key, mod in mods.items():
        for label, fit in getattr(mod, "VARIANTS", {"fit_path": mod.fit_path}).items():
            try:
                res = certified_run(mod, fit, problem, initial_tol(mod, problem.name))
            except NotImplementedError:
                continue
            log(
                f"  {key:9s} {label:40s} {res['times'][0]:8.3f}s  tol={res['tol']:.2e}  "
                f"max rel gap={res['max_rel_gap']:.2e}"
            )


# ----------------------------------------------------------------------------------------------
# report


def _fmt_t(t: float) -> str:
    return f"{t:.3f}" if t < 10 else f"{t:.1f}"


def render(
    args,
    command: str,
    info: dict,
    warm: dict,
    specs: dict,
    results: dict,
    mods: dict,
    missing: dict,
    loads: tuple,
    total_s: float,
    problem_loads: dict,
) -> str:
    keys = list(mods)
    L = []
    L.append("# Benchmarks: Lasso paths against scikit-learn, skglm, celer and glum")
    L.append("")
    L.append(
        "Every regime (single Lasso and Elastic-Net fits at alpha_max / 10 and / 100 on wide, "
        "wider and tall dense designs, sparse CSC data, peak memory of a fit, with the targets "
        "of issue 13): [benchmarks-regimes.md](benchmarks-regimes.md) "
        "(`benchmarks/regimes.py`)."
    )
    L.append("")
    L.append(
        "Cross-validation (LassoCV, RidgeCV) against scikit-learn: "
        "[benchmarks-cv.md](benchmarks-cv.md) (`benchmarks/cv.py`)."
    )
    L.append("")
    L.append(
        "L1 logistic regression against scikit-learn (liblinear), skglm and celer: "
        "[benchmarks-logistic.md](benchmarks-logistic.md) (`benchmarks/logistic.py`)."
    )
    L.append("")
    L.append(
        "Data larger than memory on Dask (20 million x 100 Lasso path + 5-fold CV from "
        "Parquet, 1 vs 2 workers, peak memory, dask-ml; logistic on 2 million rows): "
        "[dask.md](dask.md#benchmark) (`benchmarks/dask_scale.py`, "
        "`benchmarks/dask_glm.py`)."
    )
    L.append("")
    L.append(
        "The newer models (MCP paths against skglm, multi-task lasso against scikit-learn, "
        "Gamma regression against scikit-learn and glum): "
        "[benchmarks-new-models.md](benchmarks-new-models.md) "
        "(`benchmarks/new_models.py`)."
    )
    L.append("")
    L.append(
        "The first run in a fresh process, with an empty and a filled numba cache (import, "
        "first fit, second fit, whole process): "
        "[benchmarks-cold-start.md](benchmarks-cold-start.md) (`benchmarks/cold_start.py`)."
    )
    L.append("")
    L.append("Generated by `benchmarks/run.py`; do not edit by hand. Reproduce with:")
    L.append("")
    L.append("```")
    L.append(command)
    L.append("```")
    L.append("")
    L.append(
        f"Run on {_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, "
        f"total {total_s:.0f} s. Best of {args.repeat} warm runs, wall-clock seconds; "
        "ratio = peer time / shrinkage time (above 1: shrinkage is faster)."
    )
    L.append("")
    L.append("## Times")
    L.append("")
    header = "| problem | " + " | ".join(mods[k].NAME for k in keys) + " |"
    L.append(header)
    L.append("|" + "---|" * (len(keys) + 1))
    for name, res in results.items():
        cells = []
        ours = res.get("ours", {}).get("best")
        for k in keys:
            r = res[k]
            if "skipped" in r:
                cells.append("n/a")
                continue
            cell = _fmt_t(r["best"]) + ("*" if len(r["times"]) == 1 and args.repeat > 1 else "")
            if k != "ours" and ours:
                cell += f" ({r['best'] / ours:.2f}x)"
            if r["max_rel_gap"] > GAP_TARGET:
                cell += " **gap!**"
            cells.append(cell)
        L.append(f"| ({name}) n={specs[name].n}, p={specs[name].p} | " + " | ".join(cells) + " |")
    L.append("")
    L.append(
        f"`*` one run only (the first took over {args.slow:g} s). `gap!`: relative duality "
        f"gap above {GAP_TARGET:g} at some alpha. Load average (1 min) before / after each "
        "problem: "
        + "; ".join(f"({k}) {a.split()[0]} / {b.split()[0]}" for k, (a, b) in problem_loads.items())
        + "."
    )
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append(_targets(results))
    L.append("")
    L.append("## Certificates and tolerances")
    L.append("")
    L.append(
        "Relative duality gap = gap / primal objective, computed for every library by "
        "`benchmarks/certify.py` (independent numpy, same formula for all), at every alpha "
        f"of the grid; target <= {GAP_TARGET:g}. `tol` is each library's own parameter "
        "(meanings below), calibrated with `--calibrate` and tightened automatically by "
        "sqrt(10) steps if a run misses the target. The dual point is the rescaled "
        "residual (the usual one, as in scikit-learn), the same for every library: celer "
        "certifies itself with a better, extrapolated dual point, so its own gap is far "
        "smaller than this one and it needs a much smaller `tol` to pass here; skglm stops "
        "on KKT violations, glum on the gradient."
    )
    L.append("")
    L.append(
        "| problem | library | tol | max rel gap | min rel gap | nnz at smallest alpha | "
        "runs (s) | notes |"
    )
    L.append("|---|---|---|---|---|---|---|---|")
    for name, res in results.items():
        for k in keys:
            r = res[k]
            if "skipped" in r:
                L.append(f"| {name} | {mods[k].NAME} | | | | | | skipped: {r['skipped']} |")
                continue
            flag = " **above target**" if r["max_rel_gap"] > GAP_TARGET else ""
            notes = ", ".join(r["notes"]) + (
                f" tol tightened {r['tightened']}x" if r["tightened"] else ""
            )
            runs = ", ".join(_fmt_t(t) for t in r["times"])
            L.append(
                f"| {name} | {mods[k].NAME} | {r['tol']:.2e} | {r['max_rel_gap']:.2e}{flag} "
                f"| {r['min_rel_gap']:.1e} | {r['nnz_last']} | {runs} | {notes} |"
            )
    L.append("")
    L.append("## Problems")
    L.append("")
    L.append(
        "Built by `benchmarks/problems.py` (seeded; C-ordered float64 X, as numpy makes it). "
        "Every library gets the same raw X, y and the same alpha grid, computed once: "
        "alpha_max = max|X_c' y_c| / n, geometric grid down to alpha_min_ratio * alpha_max."
    )
    L.append("")
    for name, spec in specs.items():
        L.append(f"- ({name}) {spec.describe()}.")
    L.append("")
    L.append("## How each library is called")
    L.append("")
    for k in keys:
        m = mods[k]
        L.append(f"- **{m.NAME} {m.version()}**: `{m.HOW}`. tol means: {m.TOL_MEANING}.")
    for k, why in missing.items():
        L.append(f"- {k}: {why}.")
    L.append("")
    L.append(
        "Warm-up (imports, numba compilation or cache loading; excluded from the times): "
        + ", ".join(f"{mods[k].NAME} {t:.2f} s" for k, t in warm.items())
        + "."
    )
    L.append("")
    L.append("## Machine")
    L.append("")
    L.append(
        f"- {info['nproc']} CPUs ({info['affinity']} usable), {info['cpu']}; {info['platform']}"
    )
    L.append(f"- shrinkage measured: {info['shrinkage']}")
    L.append(
        f"- Python {info['python']}, numpy {info['numpy']}, numba {info.get('numba')} "
        f"(NUMBA_NUM_THREADS={info.get('numba_threads')})"
    )
    for tp in info["threadpools"]:
        if tp["user_api"] == "blas":
            L.append(
                f"- threadpoolctl: {tp['internal_api']} {tp['version']} loaded by "
                f"{tp['owner']} ({tp['prefix']}): kernel `{tp['architecture']}`, "
                f"{tp['num_threads']} threads ({tp['threading_layer']})"
            )
        else:
            L.append(
                f"- threadpoolctl: {tp['internal_api']} loaded by {tp['owner']}, "
                f"{tp['num_threads']} threads"
            )
    env = ", ".join(f"{k}={v}" for k, v in info["env"].items()) or "none set"
    L.append(f"- BLAS / threading environment variables (left as they were): {env}")
    L.append(
        f"- load average (1, 5, 15 min) at start: {loads[0]}; at end: {loads[1]}. "
        "The machine may be shared: a load above the CPU count means the times are "
        "inflated, for every library alike (repeats run round-robin)."
    )
    L.append("")
    return "\n".join(L)


def _targets(results: dict) -> str:
    rows = ["| problem | target | shrinkage | reference | met |", "|---|---|---|---|---|"]
    for name, res in results.items():
        ours = res.get("ours", {}).get("best")
        if ours is None:
            continue
        peers = {k: r["best"] for k, r in res.items() if k != "ours" and "best" in r}
        if name == "a" and peers:
            k = min(peers, key=peers.get)
            rows.append(
                f"| a | faster than the fastest peer | {_fmt_t(ours)} | {k.rstrip('_')} "
                f"{_fmt_t(peers[k])} | {'yes' if ours < peers[k] else '**no**'} |"
            )
        elif name in ("b", "c") and "sklearn_" in peers:
            ref = peers["sklearn_"]
            rows.append(
                f"| {name} | within 1.3x of scikit-learn | {_fmt_t(ours)} | "
                f"{_fmt_t(ref)} (x1.3 = {_fmt_t(1.3 * ref)}) | "
                f"{'yes' if ours <= 1.3 * ref else '**no**'} ({ours / ref:.2f}x) |"
            )
    return "\n".join(rows)


# ----------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", default="docs/benchmarks.md", help="markdown report to write")
    ap.add_argument("--json", default=None, help="also write the raw results as JSON here")
    ap.add_argument("--problems", default="a,b,c", help="comma-separated names from problems.SPECS")
    ap.add_argument(
        "--libraries",
        default=",".join(_adapters.ORDER),
        help="comma-separated adapter modules (ours first)",
    )
    ap.add_argument("--repeat", type=int, default=3, help="report the best of N warm runs")
    ap.add_argument(
        "--slow",
        type=float,
        default=5.0,
        help="do not repeat a library whose first run took longer (seconds)",
    )
    ap.add_argument(
        "--no-skip",
        action="store_true",
        help="also run libraries on the problems their adapter's SKIP lists",
    )
    ap.add_argument(
        "--wait-load",
        type=float,
        default=0.0,
        help="before each problem wait up to this many seconds for the 1-minute "
        "load average to drop below the CPU count (shared machines)",
    )
    ap.add_argument(
        "--cold-start-out",
        default="docs/benchmarks-cold-start.md",
        help="the cold-start page to write (benchmarks/cold_start.py, its default cases)",
    )
    ap.add_argument("--cold-start-repeat", type=int, default=1, help="its medians of N")
    ap.add_argument("--no-cold-start", action="store_true")
    ap.add_argument(
        "--calibrate",
        action="store_true",
        help="find each library's loosest tol meeting the gap target; no report",
    )
    ap.add_argument(
        "--calibrate-from", type=float, default=1e-3, help="--calibrate: the loosest tol tried"
    )
    ap.add_argument(
        "--variants",
        action="store_true",
        help="time every VARIANTS entry of each adapter; no report",
    )
    args = ap.parse_args(argv)

    def log(msg):
        print(msg, flush=True)

    start = time.perf_counter()
    loads0 = loadavg()
    loaded = _adapters.load([s.strip() for s in args.libraries.split(",") if s.strip()])
    mods = {k: m for k, (m, _) in loaded.items() if m is not None}
    missing = {k: why for k, (m, why) in loaded.items() if m is None}
    for k, why in missing.items():
        log(f"{k}: {why}")
    info = machine_info()
    log(
        f"machine: {info['nproc']} CPUs, BLAS "
        + "; ".join(
            f"{t['owner']}: {t['internal_api']} {t['version']} {t['architecture']} "
            f"x{t['num_threads']}"
            for t in info["threadpools"]
        )
        + f", load {loads0}"
    )
    warm = warm_up(mods)
    log("warm-up: " + ", ".join(f"{k} {t:.2f}s" for k, t in warm.items()))

    names = [s.strip() for s in args.problems.split(",") if s.strip()]
    specs, results, loads_per_problem = {}, {}, {}
    for name in names:
        t0 = time.perf_counter()
        problem = problems.make(name)
        specs[name] = problem.spec
        log(
            f"problem ({name}): {problem.spec.describe()} [built in "
            f"{time.perf_counter() - t0:.1f}s]"
        )
        if args.calibrate:
            log(f"  calibrated: {calibrate(problem, mods, log, args.calibrate_from)}")
            continue
        if args.variants:
            time_variants(problem, mods, log)
            continue
        if args.wait_load:
            wait_for_quiet(args.wait_load, log)
        load_before = loadavg()
        results[name] = bench_problem(problem, mods, args.repeat, args.slow, log, args.no_skip)
        loads_per_problem[name] = (load_before, loadavg())
        del problem
    if args.calibrate or args.variants:
        return 0

    command = "python -m benchmarks.run " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    if os.environ.get("PYTHONPATH"):
        command = f"PYTHONPATH={shlex.quote(os.environ['PYTHONPATH'])} {command}"
    cold = {}
    if not args.no_cold_start and "ours" in mods:
        # the source tree the adapter imported (a snapshot first on PYTHONPATH, or ./src)
        src = Path(str(importlib.util.find_spec("shrinkage").origin)).resolve().parent.parent
        runs = cold_start.write(
            Path(args.cold_start_out),
            [src],
            list(cold_start.DEFAULT_CASES),
            args.cold_start_repeat,
            command,
            log,
        )
        cold = {f"{case} {state}": cell for (_, case, state), cell in runs.items()}
    total = time.perf_counter() - start
    text = render(
        args,
        command,
        info,
        warm,
        specs,
        results,
        mods,
        missing,
        (loads0, loadavg()),
        total,
        loads_per_problem,
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    log(f"wrote {out} ({total:.0f}s in all)")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                dict(machine=info, results=results, cold_start=cold, command=command),
                indent=1,
                default=float,
            )
        )
    print()
    print(_targets(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
