"""Scale-out: a 100-alpha Lasso path + 5-fold CV on Parquet data, on a local Dask cluster.

    python benchmarks/dask_scale.py [--n 20000000] [--p 100] [--workers 1,2]
        [--dask-ml-n 1000000] [--out docs/dask.md]

1. Generates ``n`` rows x ``p`` float64 features (+ the target) to Parquet under ``--folder``
   (default /tmp/shrinkage-dask-bench; not in git), one file and one row group per
   ``--rows-per-file`` rows, chunk by chunk (never the whole data in memory); reused when its
   manifest matches.  Design: standard normal features sharing one factor (correlation 0.08),
   column offsets j/10, 10 non-zero coefficients, unit noise.
2. For each worker count: a ``LocalCluster`` (1 thread per worker process), then
   ``shrinkage.dask.cross_validate_path`` in its two steps: the one distributed pass
   (``compute_statistics`` with 5 hashed folds) and the local solve (5 fold paths and the
   full-data path, 100 alphas each, Gram mode).  Memory: the client's peak RSS during the fit
   (sampled every 20 ms) and each worker's peak RSS (``ru_maxrss``), against the data size.
3. dask-ml's ``LinearRegression(penalty="l1")`` with its default solver (ADMM) and with
   ``solver="proximal_grad"``, at one alpha (our CV's alpha_min; C = 1 / (2 n alpha) for
   dask-glm's unscaled objective sum r^2 + lambda |w|_1, which also penalizes the intercept) on
   the first ``--dask-ml-n`` rows, persisted in the workers' memory, next to ours on the same
   rows; each in a subprocess stopped after ``--dask-ml-timeout`` seconds.  Objectives are
   compared on our scale, 1/(2n) ||y - Xw - b||^2 + alpha |w|_1, from the statistics.

The results go to the console, to ``--json`` and between the markers of ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

START, END = "<!-- dask-bench:start -->", "<!-- dask-bench:end -->"


# --------------------------------------------------------------------------------------------
# data


def generate(folder: Path, n: int, p: int, rows_per_file: int, seed: int = 0) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq

    manifest = {"n": n, "p": p, "rows_per_file": rows_per_file, "seed": seed, "version": 1}
    mfile = folder / "manifest.json"
    if mfile.exists() and json.loads(mfile.read_text()) == manifest:
        return {
            "generated": False,
            "seconds": 0.0,
            "bytes": _disk(folder),
            "support": np.flatnonzero(truth(p, seed)).tolist(),
        }
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    beta = truth(p, seed)
    names = [f"x{j:03d}" for j in range(p)]
    offsets = np.arange(p) / 10
    t0 = time.perf_counter()
    for i, start in enumerate(range(0, n, rows_per_file)):
        rows = min(rows_per_file, n - start)
        rng = np.random.default_rng([seed, i])
        X = rng.standard_normal((rows, p))
        X += 0.3 * rng.standard_normal((rows, 1)) + offsets
        y = 3.0 + X @ beta + rng.standard_normal(rows)
        table = pa.Table.from_arrays(
            [*(pa.array(X[:, j]) for j in range(p)), pa.array(y)], names=[*names, "y"]
        )
        pq.write_table(table, folder / f"part.{i:05d}.parquet", row_group_size=rows)
        del X, y, table
    mfile.write_text(json.dumps(manifest))
    return {
        "generated": True,
        "seconds": time.perf_counter() - t0,
        "bytes": _disk(folder),
        "support": np.flatnonzero(beta).tolist(),
    }


def truth(p: int, seed: int) -> np.ndarray:
    """The coefficients: 10 non-zeros, evenly spread, magnitudes 0.5 to 2, random signs."""
    beta = np.zeros(p)
    support = np.arange(0, p, max(p // 10, 1))[:10]
    beta[support] = np.random.default_rng(seed).choice([-1, 1], support.size) * np.linspace(
        0.5, 2.0, support.size
    )
    return beta


def _disk(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.glob("*.parquet"))


def _files(folder: Path, n_rows: int | None = None) -> list[str]:
    files = sorted(str(f) for f in folder.glob("*.parquet"))
    if n_rows is None:
        return files
    per = json.loads((folder / "manifest.json").read_text())["rows_per_file"]
    return files[: max(1, -(-n_rows // per))]


# --------------------------------------------------------------------------------------------
# measuring


class PeakRSS:
    """The peak resident memory of this process while the block runs (sampled)."""

    def __init__(self, every: float = 0.02):
        import psutil

        self.proc = psutil.Process()
        self.every = every
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self):
        self.base = self.proc.memory_info().rss
        self.peak = self.base
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(self.every)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def _worker_peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def _warm() -> bool:
    import pyarrow.parquet  # noqa: F401

    import shrinkage.dask.statistics  # noqa: F401

    return True


def _cluster(n_workers: int, memory_limit: str):
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        memory_limit=memory_limit,
    )
    client = distributed.Client(cluster)
    client.run(_warm)
    return cluster, client


def run_ours(files: list[str], n_workers: int, n_alphas: int, cv: int, memory_limit: str) -> dict:
    import shrinkage.dask as sd
    from shrinkage.dask.api import cross_validate_statistics
    from shrinkage.dask.statistics import compute_statistics
    from shrinkage.selection.cv import PathOptions

    cluster, client = _cluster(n_workers, memory_limit)
    try:
        worker_base = client.run(_worker_peak)
        with PeakRSS() as rss:
            t0 = time.perf_counter()
            X, y = sd.read_parquet(files, target="y")
            stats = compute_statistics(X, y, n_folds=cv, random_state=0)
            t1 = time.perf_counter()
            result = cross_validate_statistics(
                stats,
                [1.0],
                PathOptions(solver="gram"),
                n_alphas=n_alphas,
                feature_names=stats.feature_names,
            )[0]
            t2 = time.perf_counter()
        worker_peak = client.run(_worker_peak)
    finally:
        client.close()
        cluster.close()
    coef = result.path.coefs[result.index_min]
    return {
        "workers": n_workers,
        "rows": stats.n_samples,
        "p": stats.n_features,
        "partitions": len(stats.partition_rows),
        "pass_s": t1 - t0,
        "solve_s": t2 - t1,
        "total_s": t2 - t0,
        "client_base": rss.base,
        "client_peak": rss.peak,
        "worker_base": max(worker_base.values()),
        "worker_peak": max(worker_peak.values()),
        "alpha_min": result.alpha_min,
        "nnz_min": int(np.count_nonzero(coef)),
        "support": np.flatnonzero(coef).tolist(),
        "n_paths": cv + 1,
        "n_alphas": len(result.alphas),
        "_stats": stats,
        "_coef": coef,
        "_intercept": float(result.path.intercepts[result.index_min]),
    }


def objective(stats, alpha: float, w: np.ndarray, b: float) -> float:
    """1/(2n) ||y - Xw - b||^2 + alpha |w|_1 from the full-data statistics (no pass)."""
    s = stats.full()
    quad = s.yty - 2 * s.q @ w + w @ s.G @ w
    shift = s.y_offset - b - s.x_offset @ w
    return 0.5 * (quad + shift**2) + alpha * np.abs(w).sum()


def dask_ml_child(args) -> None:
    """Run in a subprocess: dask-ml on the first rows; prints one JSON line."""
    import dask
    from dask_ml.linear_model import LinearRegression

    import shrinkage.dask as sd

    files = _files(Path(args.folder), args.dask_ml_n)
    cluster, client = _cluster(2, args.memory_limit)
    try:
        t0 = time.perf_counter()
        X, y = sd.read_parquet(files, target="y")
        Xa = X.to_dask_array(lengths=True)
        ya = y.to_dask_array(lengths=True)
        Xa, ya = dask.persist(Xa, ya)
        n = int(Xa.shape[0])
        t1 = time.perf_counter()
        C = 1.0 / (2 * n * args.alpha)
        model = LinearRegression(penalty="l1", C=C, solver=args.solver, max_iter=args.dask_ml_iter)
        model.fit(Xa, ya)
        t2 = time.perf_counter()
        worker_peak = client.run(_worker_peak)
    finally:
        client.close()
        cluster.close()
    print(
        json.dumps(
            {
                "rows": n,
                "load_s": t1 - t0,
                "fit_s": t2 - t1,
                "coef": np.asarray(model.coef_).tolist(),
                "intercept": float(model.intercept_),
                "worker_peak": max(worker_peak.values()),
            }
        )
    )


def run_dask_ml(args, alpha: float, solver: str) -> dict:
    try:
        import dask_ml  # noqa: F401
    except ImportError:
        return {"skipped": "dask-ml is not installed (pip install dask-ml)"}
    cmd = [
        sys.executable,
        __file__,
        "--dask-ml-child",
        "--folder",
        args.folder,
        "--dask-ml-n",
        str(args.dask_ml_n),
        "--alpha",
        repr(alpha),
        "--dask-ml-iter",
        str(args.dask_ml_iter),
        "--memory-limit",
        args.memory_limit,
        "--solver",
        solver,
    ]
    try:
        out = subprocess.run(
            cmd, capture_output=True, text=True, timeout=args.dask_ml_timeout, check=True
        )
    except subprocess.TimeoutExpired:
        return {"skipped": f"stopped after {args.dask_ml_timeout:.0f} s"}
    except subprocess.CalledProcessError as error:
        return {"skipped": "failed: " + error.stderr.strip().splitlines()[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# report


def _gb(b: float) -> str:
    return f"{b / 2**30:.2f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


def report(args, data: dict, runs: list[dict], small: dict | None, ml: dict | None) -> str:
    n, p = runs[0]["rows"], runs[0]["p"]
    raw = n * (p + 1) * 8
    lines = [
        f"`{args.command}`",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{_gb(_total_memory())} RAM, shared (load average at the start: "
        f"{args.load:.1f}); Python {platform.python_version()}.",
        "",
        f"Data: n = {n:,} rows x p = {p} float64 features + the target = "
        f"{_gb(raw)} in memory, {_gb(data['bytes'])} of Parquet (snappy) in "
        f"{runs[0]['partitions']} files of {args.rows_per_file:,} rows (one row group, one "
        f"partition each).",
        "",
        f"Lasso, {runs[0]['n_alphas']} alphas, {args.cv}-fold CV: one pass over the data "
        f"computes the statistics of every fold, then {runs[0]['n_paths']} paths "
        f"({args.cv} folds + the full data) run locally in Gram mode.",
        "",
        "| workers | pass over the data | local solve (all paths) | total "
        "| client peak RSS (before) | worker peak RSS (each; after imports) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(
            f"| {r['workers']} | {r['pass_s']:.1f} s | {r['solve_s']:.2f} s | "
            f"{r['total_s']:.1f} s | {_gb(r['client_peak'])} ({_gb(r['client_base'])}) | "
            f"{_gb(r['worker_peak'])} ({_gb(r['worker_base'])}) |"
        )
    if len(runs) > 1:
        lines += [
            "",
            f"Speed-up of the pass from {runs[0]['workers']} to {runs[-1]['workers']}"
            f" workers: {runs[0]['pass_s'] / runs[-1]['pass_s']:.2f}x.",
        ]
    r = runs[-1]
    lines += [
        "",
        f"Selected: alpha_min = {r['alpha_min']:.4g} with {r['nnz_min']} non-zero "
        f"coefficients (the true support: {data['support']}"
        "); every fit certified by its duality gap.",
        "",
        f"Data generation (not timed above): {data['seconds']:.0f} s." if data["generated"] else "",
    ]
    if small is not None:
        ours_obj = small["objective"]
        lines += [
            "",
            f"dask-ml on the first {small['rows']:,} rows (2 workers; dask-ml fits one alpha,"
            f" alpha_min = {small['alpha_min']:.4g}, on the data persisted in the workers' "
            "memory):",
            "",
            "| method | what it fits | time | objective at alpha_min | largest coefficient "
            "difference | worker peak RSS |",
            "|---|---|---:|---:|---:|---:|",
            f"| shrinkage.dask | {small['n_alphas']}-alpha path + {args.cv}-fold CV, from "
            f"Parquet | {small['total_s']:.1f} s | {ours_obj:.6f} | - | "
            f"{_gb(small['worker_peak'])} |",
        ]
        for solver, out in ml.items():
            name = f"dask-ml LinearRegression(penalty='l1', solver='{solver}')"
            if "skipped" in out:
                lines.append(f"| {name} | 1 alpha | {out['skipped']} | | | |")
                continue
            lines.append(
                f"| {name} | 1 alpha (+{out['load_s']:.1f} s to load and persist) | "
                f"{out['fit_s']:.1f} s | {out['objective']:.6f} | "
                f"{out['max_coef_diff']:.2g} | {_gb(out['worker_peak'])} |"
            )
        lines += [
            "",
            "Objectives on our scale, 1/(2n) ||y - Xw - b||^2 + alpha |w|_1; ours is "
            "certified by its duality gap (dask-glm also penalizes the intercept).",
        ]
    return "\n".join(lines)


def _total_memory() -> int:
    import psutil

    return psutil.virtual_memory().total


def write_report(path: Path, text: str) -> None:
    block = f"{START}\n{text}\n{END}"
    if path.exists() and START in path.read_text():
        old = path.read_text()
        new = old[: old.index(START)] + block + old[old.index(END) + len(END) :]
    else:
        new = (path.read_text() if path.exists() else "") + "\n" + block + "\n"
    path.write_text(new)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000_000)
    ap.add_argument("--p", type=int, default=100)
    ap.add_argument("--rows-per-file", type=int, default=200_000)
    ap.add_argument("--folder", default="/tmp/shrinkage-dask-bench")
    ap.add_argument("--workers", default="1,2", help="worker counts to compare")
    ap.add_argument("--n-alphas", type=int, default=100)
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--memory-limit", default="4GiB", help="per worker")
    ap.add_argument(
        "--dask-ml-n",
        type=int,
        default=1_000_000,
        help="rows for the dask-ml comparison (0: skip it)",
    )
    ap.add_argument("--dask-ml-iter", type=int, default=100, help="dask-ml's max_iter")
    ap.add_argument("--dask-ml-timeout", type=float, default=1200.0)
    ap.add_argument("--out", default="docs/dask.md")
    ap.add_argument("--json", default=None)
    ap.add_argument("--dask-ml-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--alpha", type=float, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--solver", default="admm", help=argparse.SUPPRESS)
    ap.add_argument("--dask-ml-solvers", default="admm,proximal_grad")
    args = ap.parse_args(argv)
    if args.dask_ml_child:
        dask_ml_child(args)
        return 0
    args.command = "python benchmarks/dask_scale.py " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    args.load = os.getloadavg()[0]
    folder = Path(args.folder)
    data = generate(folder, args.n, args.p, args.rows_per_file)
    print(
        f"data: {_gb(data['bytes'])} on disk"
        + (f", generated in {data['seconds']:.0f} s" if data["generated"] else " (reused)")
    )
    runs = []
    for w in (int(x) for x in args.workers.split(",")):
        r = run_ours(_files(folder), w, args.n_alphas, args.cv, args.memory_limit)
        print(
            f"{w} worker(s): pass {r['pass_s']:.1f} s, solve {r['solve_s']:.2f} s, client "
            f"peak {_gb(r['client_peak'])}, worker peak {_gb(r['worker_peak'])}",
            flush=True,
        )
        runs.append(r)
    small = ml = None
    if args.dask_ml_n:
        small = run_ours(
            _files(folder, args.dask_ml_n), 2, args.n_alphas, args.cv, args.memory_limit
        )
        alpha = small["alpha_min"]
        small["objective"] = objective(small["_stats"], alpha, small["_coef"], small["_intercept"])
        ml = {}
        for solver in args.dask_ml_solvers.split(","):
            out = ml[solver] = run_dask_ml(args, alpha, solver)
            if "skipped" not in out:
                coef = np.asarray(out.pop("coef"))
                out["objective"] = objective(small["_stats"], alpha, coef, out["intercept"])
                out["max_coef_diff"] = float(np.max(np.abs(coef - small["_coef"])))
            print(f"dask-ml {solver}:", out, flush=True)
    text = report(args, data, runs, small, ml)
    print(text)
    if args.out:
        write_report(Path(args.out), text)
    if args.json:
        clean = [{k: v for k, v in r.items() if not k.startswith("_")} for r in runs]
        subset = (
            None if small is None else {k: v for k, v in small.items() if not k.startswith("_")}
        )
        Path(args.json).write_text(
            json.dumps(
                {"data": data, "runs": clean, "subset": subset, "dask_ml": ml},
                indent=1,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
