"""Every regime side by side: single fits, tall data, the Elastic-Net, sparse data, peak memory.

    python -m benchmarks.regimes --out docs/benchmarks-regimes.md
    python -m benchmarks.regimes --cases wide-10,tall-10 --out /tmp/regimes.md   # a subset
    python -m benchmarks.regimes --quick --out /tmp/regimes.md   # tiny sizes (smoke test)

To measure another source tree (a branch, a snapshot), put its ``src`` first on the path and run
from this checkout: ``PYTHONPATH=/path/to/src python -m benchmarks.regimes --cases ...``; the
report records which shrinkage it measured.  The published page measures a snapshot of a commit:

    git archive HEAD src | tar -x -C /tmp/snap && git rev-parse --short HEAD > /tmp/snap/COMMIT
    PYTHONPATH=/tmp/snap/src python -m benchmarks.regimes --out docs/benchmarks-regimes.md

Cases (``CASES``): a single Lasso fit from w = 0 at alpha_max / 10 and alpha_max / 100 on three
dense designs (500 x 5000 and 1000 x 10000, Toeplitz rho 0.6; 200000 x 200), a single
Elastic-Net fit, and on a sparse CSC design (20000 x 50000, density 1e-3, 50 true non-zeros)
single fits at alpha_max / 10 and / 100 and a 50-alpha path down to alpha_max / 100.  Every
library solves the same problem (raw X and y, fit_intercept=True, the same alphas), and every
answer is certified by the same independent numpy duality gap (``benchmarks/certify.py``):
gap / primal <= 1e-6 at every alpha.  Each library runs at the tol of ``TOL`` (the loosest on the
sqrt(10) ladder that passed here, ``--calibrate``); a run that misses the target is re-run with
tol / sqrt(10), up to three times.  Libraries named by ``--probe`` (shrinkage by default: the
code measured changes, the peers do not) first try one step looser than ``TOL``, and keep it when
it certifies.

Timings: wall-clock, median of ``--repeat`` warm runs, round-robin over the libraries (a burst of
load from other processes does not land on one library only); a library whose first run took over
``--slow`` seconds runs once.  ``memory``: a fresh process per library and design fits once at
alpha_max / 10; peak resident memory during the fit minus before it (Linux ``VmHWM`` after
resetting it through ``/proc/self/clear_refs``), relative to the size of X.

Cold start and RidgeCV are measured elsewhere: ``benchmarks/cold_start.py`` and
``benchmarks/cv.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import json
import os
import shlex
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import adapters as _adapters
from . import certify, problems
from .run import (
    GAP_TARGET,
    ROOT,
    TIGHTEN,
    _fmt_t,
    loadavg,
    machine_info,
    prefault,
    wait_for_quiet,
)

SINGLE_TARGET = 0.5  # single fits: ours <= 0.5 x the fastest certified peer
PATH_TARGET = 2.0  # paths: the fastest certified peer >= 2 x ours
MEMORY_TARGET = 1.2  # the fit's extra peak memory <= 1.2 x the size of X
MAX_TIGHTEN = 6  # a TOL entry calibrated at another size (--quick) may be far too loose


# ----------------------------------------------------------------------------------------------
# designs and cases


DESIGNS: dict[str, problems.Spec | problems.SparseSpec] = {
    "wide": problems.Spec("wide", n=500, p=5_000, alpha_min_ratio=0.01, rho=0.6),
    "wider": problems.Spec("wider", n=1_000, p=10_000, alpha_min_ratio=0.01, rho=0.6),
    "tall": problems.Spec("tall", n=200_000, p=200, alpha_min_ratio=0.01, rho=0.6),
    "sparse": problems.SparseSpec("sparse", n=20_000, p=50_000, density=1e-3, alpha_min_ratio=0.01),
}
QUICK_DESIGNS: dict[str, problems.Spec | problems.SparseSpec] = {
    "wide": problems.Spec("wide", n=60, p=300, alpha_min_ratio=0.01, rho=0.6, n_nonzero=5),
    "wider": problems.Spec("wider", n=80, p=500, alpha_min_ratio=0.01, rho=0.6, n_nonzero=5),
    "tall": problems.Spec("tall", n=3_000, p=20, alpha_min_ratio=0.01, rho=0.6, n_nonzero=5),
    "sparse": problems.SparseSpec(
        "sparse", n=500, p=1_000, density=0.02, alpha_min_ratio=0.01, n_nonzero=10
    ),
}


@dataclasses.dataclass(frozen=True)
class Case:
    """One timed task: a single fit at alpha_max / ``ratio`` or a path down to it."""

    name: str
    design: str
    task: str  # "single" or "path"
    ratio: float
    n_alphas: int = 1
    l1_ratio: float = 1.0

    def describe(self) -> str:
        model = "Lasso" if self.l1_ratio == 1.0 else f"Elastic-Net (l1_ratio={self.l1_ratio})"
        if self.task == "single":
            return f"one {model} fit at alpha_max / {self.ratio:g}"
        return f"{model} path, {self.n_alphas} alphas to alpha_max / {self.ratio:g}"


CASES = {
    c.name: c
    for c in (
        Case("wide-10", "wide", "single", 10),
        Case("wide-100", "wide", "single", 100),
        Case("wider-10", "wider", "single", 10),
        Case("wider-100", "wider", "single", 100),
        Case("tall-10", "tall", "single", 10),
        Case("tall-100", "tall", "single", 100),
        Case("enet-100", "wide", "single", 100, l1_ratio=0.5),
        Case("sparse-10", "sparse", "single", 10),
        Case("sparse-100", "sparse", "single", 100),
        Case("sparse-path", "sparse", "path", 100, n_alphas=50),
    )
}
MEMORY_CASES = ("wider-10", "tall-10")  # the dense single fits whose peak memory is measured

# Each library's tol per case: the loosest on the sqrt(10) ladder from 1e-4 down whose answer
# met the 1e-6 relative gap here (``--calibrate --calibrate-from 1e-4``, one BLAS thread);
# "default" for the rest.  sparse-path: sparse-100's value, tightened where the path missed.
TOL: dict[str, dict[str, float]] = {
    "ours": {
        "wide-10": 1e-7,
        "wide-100": 3.16e-8,
        "wider-10": 3.16e-7,
        "wider-100": 3.16e-8,
        "tall-10": 1e-5,
        "tall-100": 1e-7,
        "enet-100": 1e-4,
        "sparse-10": 1e-4,
        "sparse-100": 3.16e-7,
        "sparse-path": 1e-7,
        "default": 1e-8,
    },
    "sklearn_": {
        "wide-10": 3.16e-7,
        "wide-100": 1e-8,
        "wider-10": 3.16e-7,
        "wider-100": 3.16e-8,
        "tall-10": 3.16e-6,
        "tall-100": 3.16e-6,
        "enet-100": 3.16e-5,
        "sparse-10": 1e-4,
        "sparse-100": 3.16e-8,
        "sparse-path": 3.16e-8,
        "default": 1e-8,
    },
    "skglm_": {
        "wide-10": 1e-6,
        "wide-100": 3.16e-8,
        "wider-10": 1e-4,
        "wider-100": 1e-7,
        "tall-10": 1e-5,
        "tall-100": 1e-4,
        "enet-100": 3.16e-5,
        "sparse-10": 1e-9,
        "sparse-100": 3.16e-10,
        "sparse-path": 1e-10,
        "default": 1e-9,
    },
    "celer_": {
        "wide-10": 3.16e-7,
        "wide-100": 3.16e-10,
        "wider-10": 3.16e-5,
        "wider-100": 1e-9,
        "tall-10": 1e-5,
        "tall-100": 1e-4,
        "sparse-10": 1e-4,
        "default": 1e-12,
    },
    "glum_": {"tall-10": 3.16e-6, "tall-100": 3.16e-6, "default": 1e-7},
}
# Libraries left out of a design in the default run (``--no-skip`` runs them).
SKIP: dict[str, dict[str, str]] = {
    "sklearn_": {
        "sparse-path": "one path took 143 s here (tol 3.16e-8, relative gap 3.7e-7; shrinkage "
        "6.1 s, skglm 13.7 s in the same run); left out to keep the run short (--no-skip)",
    },
    "celer_": {
        "sparse-100": "one fit took 69-98 s here and missed the 1e-6 gap at tol 1e-4 .. 1e-5",
        "sparse-path": "one fit at alpha_max / 100 took 69-98 s here (see sparse-100)",
    },
    "glum_": {
        "wide": "glum's IRLS works on the p x p Hessian (p = 5,000)",
        "wider": "glum's IRLS works on the p x p Hessian (p = 10,000)",
        "sparse": "glum's IRLS works on the p x p Hessian (p = 50,000: 20 GB dense)",
    },
}


def build(case: Case, designs: dict, cache: dict) -> problems.Problem:
    """The case's problem: the design (built once per run) and the case's alphas."""
    spec = designs[case.design]
    if case.design not in cache:
        cache.clear()  # one design in memory at a time (cases are grouped by design)
        if isinstance(spec, problems.SparseSpec):
            cache[case.design] = problems.make_sparse(spec)
        else:
            cache[case.design] = problems.make(spec)
    base = cache[case.design]
    alpha_max = base.alphas[0] / case.l1_ratio  # the base grid is the Lasso's
    if case.task == "single":
        alphas = np.array([alpha_max / case.ratio])
    else:
        alphas = np.geomspace(alpha_max, alpha_max / case.ratio, case.n_alphas)
    spec = dataclasses.replace(
        base.spec,  # type: ignore[type-var]
        name=case.name,
        l1_ratio=case.l1_ratio,
        n_alphas=len(alphas),
        alpha_min_ratio=1.0 / case.ratio,
    )
    return dataclasses.replace(base, spec=spec, alphas=alphas)


# ----------------------------------------------------------------------------------------------
# running one library


def fit_function(mod, case: Case) -> Callable:
    """fit(X, y, alphas, l1_ratio, tol) -> (coefs, intercepts) for the case's task.

    A single fit goes through the adapter's ``fit_single`` where it has one (shrinkage's
    estimators), else through its path function with one alpha (the fastest way found to call
    each peer, ``run.py --variants``).
    """
    if case.task == "single" and hasattr(mod, "fit_single"):

        def single(X, y, alphas, l1_ratio, tol):
            return mod.fit_single(X, y, float(alphas[0]), l1_ratio, tol)

        return single
    return mod.fit_path


def _call(fit, problem, tol):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        coefs, intercepts = fit(problem.X, problem.y, problem.alphas, problem.l1_ratio, tol)
        elapsed = time.perf_counter() - t0
    notes = sorted(
        {
            w.category.__name__
            for w in caught
            if "converge" in (w.category.__name__ + str(w.message)).lower()
        }
    )
    return elapsed, np.asarray(coefs), np.asarray(intercepts), notes


def _result(tol, tightened, elapsed, rel, coefs, notes, probed) -> dict:
    return dict(
        tol=tol,
        tightened=tightened,
        probed=probed,
        times=[elapsed],
        max_rel_gap=float(np.max(rel)),
        notes=notes,
        nnz=int(np.count_nonzero(coefs[-1])),
    )


def certified_run(fit, problem, tol: float, probe: bool) -> dict:
    """Run and certify at ``tol`` (first one step looser when ``probe``); tighten by sqrt(10)
    until the relative gap target is met, up to ``MAX_TIGHTEN`` times."""
    if probe:
        elapsed, coefs, intercepts, notes = _call(fit, problem, tol * TIGHTEN)
        rel = certify.relative_gaps(problem, coefs, intercepts)
        if np.max(rel) <= GAP_TARGET:
            return _result(tol * TIGHTEN, 0, elapsed, rel, coefs, notes, "looser passed")
    tightened = 0
    while True:
        elapsed, coefs, intercepts, notes = _call(fit, problem, tol)
        rel = certify.relative_gaps(problem, coefs, intercepts)
        if np.max(rel) <= GAP_TARGET or tightened >= MAX_TIGHTEN:
            res = _result(tol, tightened, elapsed, rel, coefs, notes, "")
            res["probed"] = "looser failed" if probe else ""
            return res
        tol /= TIGHTEN
        tightened += 1


def tol_for(key: str, case: str) -> float:
    table = TOL.get(key, {})
    return table.get(case, table.get("default", 1e-8))


def skip_reason(key: str, case: Case) -> str | None:
    skips = SKIP.get(key, {})
    reason = skips.get(case.name) or skips.get(case.design)
    if reason:
        return reason
    if key == "celer_" and case.l1_ratio != 1.0:
        return "celer's Elastic-Net scaling differs from scikit-learn's (Lasso only here)"
    return None


def bench_case(case: Case, problem, mods: dict, args, log) -> dict:
    results: dict[str, dict] = {}
    fits = {k: fit_function(m, case) for k, m in mods.items()}
    prefault(2 * _nbytes(problem.X))
    probe = {s.strip() for s in args.probe.split(",") if s.strip()}
    for key in mods:
        reason = None if args.no_skip else skip_reason(key, case)
        if reason:
            results[key] = dict(skipped=reason)
            log(f"  {key:9s} skipped: {reason}")
            continue
        try:
            res = certified_run(fits[key], problem, tol_for(key, case.name), key in probe)
        except NotImplementedError as exc:
            results[key] = dict(skipped=str(exc))
            log(f"  {key:9s} skipped: {exc}")
            continue
        results[key] = res
        log(
            f"  {key:9s} {res['times'][0]:8.3f}s  tol={res['tol']:.2e}  "
            f"max rel gap={res['max_rel_gap']:.2e}  nnz={res['nnz']}  {res['probed']}"
        )
    for _ in range(args.repeat - 1):
        for key in mods:
            res = results[key]
            if "skipped" in res or (res["times"][0] > args.slow and key != "ours"):
                continue
            res["times"].append(_call(fits[key], problem, res["tol"])[0])
    for res in results.values():
        if "times" in res:
            res["median"] = float(np.median(res["times"]))
            res["best"] = float(min(res["times"]))
    return results


def limit_blas(threads: int) -> None:
    """One process-wide BLAS thread count (0: as it is), once the libraries are imported (a
    BLAS loaded later would not see the limit; scipy.linalg is imported first for that)."""
    if threads:
        import scipy.linalg  # noqa: F401  (scipy's own OpenBLAS)
        import threadpoolctl

        threadpoolctl.threadpool_limits(threads, user_api="blas")


def _nbytes(X) -> int:
    if hasattr(X, "nbytes"):
        return int(X.nbytes)
    return int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)


def warm_up(mods: dict) -> dict:
    """Imports and JIT compilation (dense and sparse, single fits and paths) outside the timings."""
    import scipy.sparse as sp

    tiny = problems.make("tiny")
    # a wide design too (p >> n): its single fits take other kernels (coordinate descent on the
    # columns in play, the Newton step), which would otherwise compile in the first timed run
    wide = np.random.default_rng(0).standard_normal((tiny.X.shape[0], 20 * tiny.X.shape[1]))
    spent = {}
    for key, mod in mods.items():
        t0 = time.perf_counter()
        if hasattr(mod, "warmup"):
            mod.warmup()
        for X in (tiny.X, np.vstack([tiny.X] * 4), sp.csc_matrix(tiny.X), wide):
            y = np.resize(tiny.y, X.shape[0])
            for l1_ratio in (1.0, 0.5):
                for task in ("single", "path"):
                    fit = fit_function(mod, Case("tiny", "tiny", task, 10, l1_ratio=l1_ratio))
                    try:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            fit(X, y, tiny.alphas[:3], l1_ratio, 1e-6)
                    except NotImplementedError:
                        pass
        spent[key] = time.perf_counter() - t0
    return spent


def calibrate(case: Case, problem, mods: dict, log, start: float) -> dict:
    """Walk each library's tol down from ``start`` by sqrt(10); the first that certifies."""
    found = {}
    for key, mod in mods.items():
        if skip_reason(key, case):
            continue
        fit = fit_function(mod, case)
        tol = start
        while tol > 1e-14:
            try:
                elapsed, coefs, intercepts, _ = _call(fit, problem, tol)
            except NotImplementedError:
                break
            worst = float(np.max(certify.relative_gaps(problem, coefs, intercepts)))
            log(f"  {key:9s} tol={tol:.2e}  {elapsed:8.3f}s  max rel gap={worst:.2e}")
            if worst <= GAP_TARGET:
                found[key] = float(f"{tol:.3g}")
                break
            tol /= TIGHTEN
    return found


# ----------------------------------------------------------------------------------------------
# peak memory of one dense fit, in a fresh process per library


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(f"{field} not in /proc/self/status")


def memory_child(key: str, case_name: str, tol: float, quick: bool, blas_threads: int) -> dict:
    """In this (fresh) process: build the case, warm the library up, then one fit; the peak
    resident memory of the fit above the resident memory before it, in bytes."""
    import gc
    import tracemalloc

    case = CASES[case_name]
    problem = build(case, QUICK_DESIGNS if quick else DESIGNS, {})
    mod = _adapters.load([key])[key][0]
    limit_blas(blas_threads)
    fit = fit_function(mod, case)
    tiny = problems.make("tiny")  # compiles (skglm: numba without a disk cache) what fit needs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(tiny.X, tiny.y, tiny.alphas[-1:], case.l1_ratio, 1e-6)
    gc.collect()
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # resets VmHWM (the peak resident set) to the current VmRSS
    before = _rss_kib("VmRSS")
    tracemalloc.start()
    elapsed, coefs, intercepts, _ = _call(fit, problem, tol)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak = _rss_kib("VmHWM")
    return dict(
        x_bytes=int(problem.X.nbytes),
        rss_extra=1024 * (peak - before),
        traced_peak=int(traced_peak),
        seconds=elapsed,
        max_rel_gap=float(np.max(certify.relative_gaps(problem, coefs, intercepts))),
    )


def measure_memory(
    keys: list[str], cases: list[str], tols: dict, quick: bool, blas_threads: int, log
) -> dict:
    out: dict[str, dict] = {}
    for case_name in cases:
        out[case_name] = {}
        for key in keys:
            if skip_reason(key, CASES[case_name]):
                continue
            cmd = [sys.executable, "-m", "benchmarks.regimes", "--memory-child", key, case_name]
            cmd += ["--child-tol", repr(tols.get((key, case_name), tol_for(key, case_name)))]
            cmd += ["--quick"] if quick else []
            cmd += ["--blas-threads", str(blas_threads)]
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            if proc.returncode != 0:
                log(f"  memory {case_name} {key}: failed: {proc.stderr.strip()[-300:]}")
                continue
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            out[case_name][key] = res
            log(
                f"  memory {case_name:9s} {key:9s} peak extra {res['rss_extra'] / 2**20:8.1f} MiB"
                f" = {res['rss_extra'] / res['x_bytes']:.2f} x X (numpy-traced peak "
                f"{res['traced_peak'] / res['x_bytes']:.2f} x X)"
            )
    return out


# ----------------------------------------------------------------------------------------------
# report


def _median_peers(res: dict) -> dict[str, float]:
    """The certified peers' median times."""
    return {
        k: r["median"]
        for k, r in res.items()
        if k != "ours" and "median" in r and r["max_rel_gap"] <= GAP_TARGET
    }


def targets(results: dict, memory: dict) -> list[dict]:
    """One row per case (and per measured memory case): target, values, met."""
    rows = []
    for name, res in results.items():
        case = CASES[name]
        ours = res.get("ours", {})
        peers = _median_peers(res)
        if "median" not in ours or not peers:
            continue
        k = min(peers, key=peers.__getitem__)
        certified = ours["max_rel_gap"] <= GAP_TARGET
        ratio = ours["median"] / peers[k]
        if case.task == "single":
            target = f"shrinkage <= {SINGLE_TARGET:g} x the fastest certified peer"
            met = certified and ratio <= SINGLE_TARGET
            value = f"{ratio:.2f} x"
        else:
            target = f"fastest certified peer >= {PATH_TARGET:g} x shrinkage"
            met = certified and 1.0 / ratio >= PATH_TARGET
            value = f"{1.0 / ratio:.2f} x"
        rows.append(
            dict(
                case=name,
                target=target,
                ours=ours["median"],
                peer=k,
                peer_time=peers[k],
                value=value,
                met=met,
            )
        )
    for name, res in memory.items():
        if "ours" not in res:
            continue
        rel = res["ours"]["rss_extra"] / res["ours"]["x_bytes"]
        rows.append(
            dict(
                case=f"memory, {name}",
                target=f"peak memory of the fit <= {MEMORY_TARGET:g} x the size of X",
                value=f"{rel:.2f} x",
                met=rel <= MEMORY_TARGET,
            )
        )
    return rows


def _cell(r: dict, ours: float | None, is_ours: bool, repeat: int) -> str:
    if "skipped" in r:
        return "n/a"
    cell = _fmt_t(r["median"]) + ("*" if len(r["times"]) == 1 and repeat > 1 else "")
    if not is_ours and ours:
        cell += f" ({r['median'] / ours:.2f}x)"
    if r["max_rel_gap"] > GAP_TARGET:
        cell += " **gap!**"
    return cell


def render(args, command, info, warm, designs, results, memory, mods, missing, loads, total):
    keys = list(mods)
    L = [
        "# Benchmarks: every regime (single fits, tall data, Elastic-Net, sparse data, memory)",
        "",
        "Generated by `benchmarks/regimes.py`; do not edit by hand. Reproduce with:",
        "",
        "```",
        command,
        "```",
        "",
        "The measured shrinkage is a snapshot of a commit (see Machine below): `git archive "
        "HEAD src | tar -x -C /tmp/snap && git rev-parse --short HEAD > /tmp/snap/COMMIT`, "
        "then the command above with `PYTHONPATH=/tmp/snap/src`.",
        "",
        "Lasso and Elastic-Net paths on dense data: [benchmarks.md](benchmarks.md) "
        "(`benchmarks/run.py`). RidgeCV (exact leave-one-out, p > n included) and LassoCV: "
        "[benchmarks-cv.md](benchmarks-cv.md) (`benchmarks/cv.py`). The first fit in a fresh "
        "process, with an empty and a filled numba cache: `benchmarks/cold_start.py`.",
        "",
        f"Run on {_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, total {total:.0f} s. Median of "
        f"up to {args.repeat} warm runs (round-robin over the libraries), wall-clock seconds; "
        "in brackets peer time / shrinkage time (above 1: shrinkage is faster). Every answer "
        "is certified by the same independent duality gap (below). "
        + (
            f"BLAS limited to {args.blas_threads} thread(s) for every library (threadpoolctl, "
            "`--blas-threads`; 0 would leave it as it is)."
            if args.blas_threads
            else "BLAS threads as the environment left them (`--blas-threads 0`)."
        ),
        "",
        "## Times",
        "",
        "| case | task | " + " | ".join(mods[k].NAME for k in keys) + " |",
        "|" + "---|" * (len(keys) + 2),
    ]
    for name, res in results.items():
        case, spec = CASES[name], designs[CASES[name].design]
        ours = res.get("ours", {}).get("median")
        cells = [_cell(res[k], ours, k == "ours", args.repeat) for k in keys]
        shape = f"{spec.n} x {spec.p}" + (" CSC" if isinstance(spec, problems.SparseSpec) else "")
        L.append(f"| {name} ({shape}) | {case.describe()} | " + " | ".join(cells) + " |")
    L += [
        "",
        f"`*` one run only (the first took over {args.slow:g} s). `gap!`: relative duality gap "
        f"above {GAP_TARGET:g} even after tightening the tol. Load average (1 min) before / "
        "after each case: "
        + "; ".join(
            f"{k} {a.split()[0]} / {b.split()[0]}" for k, (a, b) in loads.items() if k != "start"
        )
        + ".",
        "",
        "## Targets",
        "",
        "| case | target | shrinkage | fastest certified peer | value | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in targets(results, memory):
        if "ours" in row:
            L.append(
                f"| {row['case']} | {row['target']} | {_fmt_t(row['ours'])} | "
                f"{mods[row['peer']].NAME} {_fmt_t(row['peer_time'])} | {row['value']} | "
                f"{'yes' if row['met'] else '**no**'} |"
            )
        else:
            L.append(
                f"| {row['case']} | {row['target']} | | | {row['value']} | "
                f"{'yes' if row['met'] else '**no**'} |"
            )
    L += [
        "",
        "## Certificates and tolerances",
        "",
        "Relative duality gap = gap / primal objective, computed for every library by "
        "`benchmarks/certify.py` (independent numpy, the same formula and dual point, the "
        "rescaled residual, for all; a sparse X stays sparse there too), at every alpha; "
        f"target <= {GAP_TARGET:g}. `tol` is each library's own parameter (meanings below): "
        "the loosest on the sqrt(10) ladder that passed here (`--calibrate`), tightened by "
        "sqrt(10) steps if a run misses the target. `probe`: the library first tried one step "
        "looser than its table value (`--probe`).",
        "",
        "| case | library | tol | max rel gap | nnz | runs (s) | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, res in results.items():
        for k in keys:
            r = res[k]
            if "skipped" in r:
                L.append(f"| {name} | {mods[k].NAME} | | | | | skipped: {r['skipped']} |")
                continue
            flag = " **above target**" if r["max_rel_gap"] > GAP_TARGET else ""
            notes = ", ".join(r["notes"])
            if r["tightened"]:
                notes += f" tol tightened {r['tightened']}x"
            if r["probed"]:
                notes += f" probe: {r['probed']}"
            runs = ", ".join(_fmt_t(t) for t in r["times"])
            L.append(
                f"| {name} | {mods[k].NAME} | {r['tol']:.2e} | {r['max_rel_gap']:.2e}{flag} | "
                f"{r['nnz']} | {runs} | {notes.strip()} |"
            )
    L.append("")
    if memory:
        L += [
            "## Peak memory of one dense fit",
            "",
            "A fresh process per library and case builds the problem, warms the library up, "
            "then fits once at the case's alpha: `peak extra` = the peak resident memory during "
            "the fit minus the resident memory before it (Linux `VmHWM`, reset through "
            "`/proc/self/clear_refs`), relative to the size of X (float64, C-ordered). "
            "`numpy-traced` = the peak of the allocations `tracemalloc` sees (numpy's, not "
            "numba's or BLAS's).",
            "",
            "| case | library | size of X (MiB) | peak extra (MiB) | peak extra / X | "
            "numpy-traced / X | fit (s) |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, res in memory.items():
            for k, r in res.items():
                xb = r["x_bytes"]
                L.append(
                    f"| {name} | {mods[k].NAME if k in mods else k} | {xb / 2**20:.0f} | "
                    f"{r['rss_extra'] / 2**20:.0f} | {r['rss_extra'] / xb:.2f} | "
                    f"{r['traced_peak'] / xb:.2f} | {_fmt_t(r['seconds'])} |"
                )
        L.append("")
    L += [
        "## Problems",
        "",
        "Built by `benchmarks/problems.py` (seeded). Dense: C-ordered float64 X, rows Gaussian "
        "with Toeplitz correlation rho^|i-j| plus 0.5 (non-zero column means), y = X w + 3 + "
        "noise. Sparse: `scipy.sparse.random` CSC (int32 indices, sorted) with values uniform "
        "on [0.5, 1.5]. alpha_max = max|X_c' y_c| / (n l1_ratio) (scikit-learn's, "
        "fit_intercept=True), computed once; every library gets the same X, y and alphas.",
        "",
    ]
    for key, spec in designs.items():
        if any(CASES[c].design == key for c in results):
            L.append(f"- {key}: {spec.describe().split(', ', 1)[1].split(', 100 alphas')[0]}.")
    L += ["", "## How each library is called", ""]
    for k in keys:
        m = mods[k]
        single = getattr(m, "SINGLE_HOW", "its path function with one alpha")
        sparse = getattr(m, "SPARSE_HOW", "the same")
        L.append(
            f"- **{m.NAME} {m.version()}**: dense paths `{m.HOW}`; single fits: {single}; "
            f"sparse X: {sparse}. tol means: {m.TOL_MEANING}."
        )
    for k, why in missing.items():
        L.append(f"- {k}: {why}.")
    L += [
        "",
        "Warm-up (imports, numba compilation or cache loading; excluded from the times): "
        + ", ".join(f"{mods[k].NAME} {t:.2f} s" for k, t in warm.items())
        + ".",
        "",
        "## Machine",
        "",
        f"- {info['nproc']} CPUs ({info['affinity']} usable), {info['cpu']}; {info['platform']}",
        f"- shrinkage measured: {info['shrinkage']}",
        f"- Python {info['python']}, numpy {info['numpy']}, numba {info.get('numba')} "
        f"(NUMBA_NUM_THREADS={info.get('numba_threads')})",
    ]
    for tp in info["threadpools"]:
        L.append(
            f"- threadpoolctl: {tp['internal_api']} {tp.get('version') or ''} loaded by "
            f"{tp['owner']}, {tp['num_threads']} threads"
        )
    env = ", ".join(f"{k}={v}" for k, v in info["env"].items()) or "none set"
    L += [
        f"- BLAS / threading environment variables: {env}; BLAS threads set by "
        f"`--blas-threads {args.blas_threads}` (0: left as they were)",
        f"- load average (1, 5, 15 min) at start: {loads['start'][0]}; at end: "
        f"{loads['start'][1]}. The machine may be shared: a load above the CPU count inflates "
        "every library's times alike (repeats run round-robin).",
        "",
    ]
    return "\n".join(L)


# ----------------------------------------------------------------------------------------------


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", default="docs/benchmarks-regimes.md", help="markdown report")
    ap.add_argument("--json", default=None, help="also write the raw results as JSON here")
    ap.add_argument(
        "--cases",
        default=",".join(CASES) + ",memory",
        help="comma-separated names from CASES, and 'memory' (default: all)",
    )
    ap.add_argument(
        "--libraries",
        default=",".join(_adapters.ORDER),
        help="comma-separated adapter modules (ours first)",
    )
    ap.add_argument("--repeat", type=int, default=3, help="median of N warm runs")
    ap.add_argument(
        "--slow", type=float, default=4.0, help="do not repeat a peer whose first run took longer"
    )
    ap.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test)")
    ap.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads for every library (threadpoolctl; 0 leaves them as they are). One "
        "by default: on a shared machine a multi-threaded BLAS call that waits for a busy "
        "core costs milliseconds (a 50,000-long dot product: 11 us on one thread, 23 ms on "
        "two under load)",
    )
    ap.add_argument(
        "--probe",
        default="ours",
        help="libraries that first try one tol step looser than their TOL entry",
    )
    ap.add_argument("--no-skip", action="store_true", help="also run what SKIP leaves out")
    ap.add_argument(
        "--memory-libraries",
        default=None,
        help="libraries whose peak memory is measured (default: all of --libraries)",
    )
    ap.add_argument(
        "--wait-load",
        type=float,
        default=0.0,
        help="before each case wait up to this many seconds for the 1-minute load average "
        "to drop below the CPU count",
    )
    ap.add_argument("--calibrate", action="store_true", help="find each library's tol; no report")
    ap.add_argument("--calibrate-from", type=float, default=1e-3)
    ap.add_argument("--memory-child", nargs=2, metavar=("LIBRARY", "CASE"), help=argparse.SUPPRESS)
    ap.add_argument("--child-tol", type=float, default=1e-8, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.memory_child:
        key, case_name = args.memory_child
        result = memory_child(key, case_name, args.child_tol, args.quick, args.blas_threads)
        print(json.dumps(result))
        return 0

    def log(msg):
        print(msg, flush=True)

    start = time.perf_counter()
    loads0 = loadavg()
    loaded = _adapters.load([s.strip() for s in args.libraries.split(",") if s.strip()])
    mods = {k: m for k, (m, _) in loaded.items() if m is not None}
    missing = {k: why for k, (m, why) in loaded.items() if m is None}
    limit_blas(args.blas_threads)
    info = machine_info()
    log(f"shrinkage: {info['shrinkage']}; {info['nproc']} CPUs, load {loads0}")
    designs = QUICK_DESIGNS if args.quick else DESIGNS
    names = [s.strip() for s in args.cases.split(",") if s.strip()]
    unknown = [n for n in names if n not in CASES and n != "memory"]
    if unknown:
        raise SystemExit(f"unknown --cases {unknown}; known: {list(CASES)} and 'memory'")
    warm = warm_up(mods)
    log("warm-up: " + ", ".join(f"{k} {t:.2f}s" for k, t in warm.items()))

    cache: dict = {}
    results, loads = {}, {}
    order = sorted(
        (n for n in names if n in CASES), key=lambda n: list(DESIGNS).index(CASES[n].design)
    )
    for name in order:
        case = CASES[name]
        t0 = time.perf_counter()
        problem = build(case, designs, cache)
        built = time.perf_counter() - t0
        log(f"{name}: {case.describe()}, {problem.spec.describe()} [built in {built:.1f}s]")
        if args.calibrate:
            log(f"  calibrated: {calibrate(case, problem, mods, log, args.calibrate_from)}")
            continue
        if args.wait_load:
            wait_for_quiet(args.wait_load, log)
        before = loadavg()
        results[name] = bench_case(case, problem, mods, args, log)
        loads[name] = (before, loadavg())
    cache.clear()
    if args.calibrate:
        return 0
    memory = {}
    if "memory" in names:
        tols = {
            (k, n): r["tol"] for n, res in results.items() for k, r in res.items() if "tol" in r
        }
        keys = [k for k in (args.memory_libraries or args.libraries).split(",") if k in mods]
        memory = measure_memory(keys, list(MEMORY_CASES), tols, args.quick, args.blas_threads, log)

    command = "python -m benchmarks.regimes " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    if os.environ.get("PYTHONPATH"):
        command = f"PYTHONPATH={shlex.quote(os.environ['PYTHONPATH'])} {command}"
    total = time.perf_counter() - start
    loads["start"] = (loads0, loadavg())
    text = render(args, command, info, warm, designs, results, memory, mods, missing, loads, total)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                dict(machine=info, results=results, memory=memory, command=command),
                indent=1,
                default=float,
            )
        )
    log(f"wrote {out} ({total:.0f}s in all)")
    for row in targets(results, memory):
        log(f"  target {row['case']}: {row['value']} ({'met' if row['met'] else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
