"""Distributed logistic regression: a lasso path on Parquet data, 1 vs 2 Dask workers.

    python benchmarks/dask_glm.py [--n 2000000] [--p 50] [--n-alphas 10] [--workers 1,2]
        [--out docs/dask.md]

1. Generates ``n`` rows x ``p`` standard normal float64 features and a 0/1 target
   (P(y = 1) = expit(x.w + 0.3), 8 non-zero coefficients) to Parquet under ``--folder`` (default
   /tmp/shrinkage-dask-glm; not in git), one file and one row group per ``--rows-per-file`` rows;
   reused when its manifest matches.
2. For each worker count: a ``LocalCluster`` (1 thread per worker process) and
   ``shrinkage.dask.path(X, y, datafit="logistic")``; reports the passes over the data, the
   Newton steps, the wall time and the time per pass.
3. The in-memory ``shrinkage.path`` on the same rows (read into one array), for the time and the
   largest coefficient difference.

The results go to the console and between the markers of ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path

import numpy as np

START, END = "<!-- dask-glm-bench:start -->", "<!-- dask-glm-bench:end -->"


def truth(p: int) -> np.ndarray:
    w = np.zeros(p)
    w[:8] = [0.8, -0.6, 0.5, -0.4, 0.3, -0.3, 0.2, 0.2]
    return w


def generate(folder: Path, n: int, p: int, rows_per_file: int, seed: int = 0) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq

    manifest = {"n": n, "p": p, "rows_per_file": rows_per_file, "seed": seed, "version": 1}
    mfile = folder / "manifest.json"
    if mfile.exists() and json.loads(mfile.read_text()) == manifest:
        return {"seconds": 0.0}
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    w = truth(p)
    names = [f"x{j}" for j in range(p)]
    for i, a in enumerate(range(0, n, rows_per_file)):
        m = min(rows_per_file, n - a)
        X = rng.standard_normal((m, p))
        y = (rng.random(m) < 1 / (1 + np.exp(-(X @ w + 0.3)))).astype(np.float64)
        table = pa.table({**{c: X[:, j] for j, c in enumerate(names)}, "y": y})
        pq.write_table(table, folder / f"part.{i}.parquet", row_group_size=m)
    mfile.write_text(json.dumps(manifest))
    return {"seconds": time.perf_counter() - start}


def run_dask(folder: Path, n_workers: int, n_alphas: int, tol: float, persist: bool) -> dict:
    import dask
    import distributed

    import shrinkage.dask as sd

    with (
        distributed.LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            memory_limit="4GiB",
        ) as cluster,
        distributed.Client(cluster),
    ):
        X, y = sd.read_parquet(folder, target="y")
        if persist:  # read and decoded once, kept in the workers' memory
            X, y = dask.persist(X, y)
            distributed.wait([X, y])
        start = time.perf_counter()
        path = sd.path(X, y, datafit="logistic", n_alphas=n_alphas, tol=tol)
        seconds = time.perf_counter() - start
    passes = int(path.setup_passes + path.n_passes.sum())
    return {
        "workers": n_workers,
        "seconds": seconds,
        "passes": passes,
        "setup_passes": int(path.setup_passes),
        "newton": int(path.n_newton.sum()),
        "alphas": len(path),
        "coefs": path.coefs,
        "converged": bool(path.converged.all()),
    }


def run_memory(folder: Path, n_alphas: int, tol: float) -> dict:
    import pyarrow.parquet as pq

    import shrinkage

    files = sorted(folder.glob("*.parquet"), key=lambda f: int(f.stem.split(".")[1]))
    table = [pq.read_table(f).to_pandas() for f in files]
    y = np.concatenate([t.pop("y").to_numpy() for t in table])
    X = np.vstack([t.to_numpy() for t in table])
    start = time.perf_counter()
    path = shrinkage.path(X, y, datafit="logistic", n_alphas=n_alphas, tol=tol)
    return {"seconds": time.perf_counter() - start, "coefs": path.coefs, "alphas": len(path)}


def report(args, data: dict, runs: list[dict], memory: dict | None, load: float) -> str:
    gib = args.n * (args.p + 1) * 8 / 2**30
    lines = [
        f"`python benchmarks/dask_glm.py {shlex.join(sys.argv[1:])}`",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, shared (load average at the "
        f"start: {load:.1f}); Python {platform.python_version()}.",
        "",
        f"Data: n = {args.n:,} rows x p = {args.p} float64 features + a 0/1 target = "
        f"{gib:.2f} GiB in memory, Parquet in {-(-args.n // args.rows_per_file)} files of "
        f"{args.rows_per_file:,} rows (one partition each)"
        + (f"; generated in {data['seconds']:.0f} s." if data["seconds"] else "."),
        "",
        f"Logistic lasso path, {args.n_alphas} alphas from alpha_max (tol={args.tol:g}), "
        + (
            "on the data persisted in the workers' memory (read before the timing):"
            if args.persist
            else "each pass reading the Parquet files:"
        ),
        "",
        "| workers | passes over the data (setup) | Newton steps | time | time per pass |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(
            f"| {r['workers']} | {r['passes']} ({r['setup_passes']}) | {r['newton']} | "
            f"{r['seconds']:.1f} s | {r['seconds'] / r['passes']:.2f} s |"
        )
    if len(runs) > 1:
        lines += [
            "",
            f"Speed-up from {runs[0]['workers']} to {runs[-1]['workers']} workers: "
            f"{runs[0]['seconds'] / runs[-1]['seconds']:.2f}x.",
        ]
    if memory is not None:
        diff = max(float(np.max(np.abs(r["coefs"] - memory["coefs"]))) for r in runs)
        lines += [
            "",
            f"In memory (`shrinkage.path` on the same rows as one array): "
            f"{memory['seconds']:.1f} s; largest coefficient difference "
            f"{diff:.1e}.",
        ]
    return "\n".join(lines)


def write_report(path: Path, text: str) -> None:
    doc = path.read_text()
    if START not in doc or END not in doc:
        raise SystemExit(f"{path} has no {START} ... {END} markers.")
    head, rest = doc.split(START, 1)
    path.write_text(f"{head}{START}\n{text}\n{END}{rest.split(END, 1)[1]}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2_000_000)
    ap.add_argument("--p", type=int, default=50)
    ap.add_argument("--rows-per-file", type=int, default=200_000)
    ap.add_argument("--n-alphas", type=int, default=10)
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--folder", default="/tmp/shrinkage-dask-glm")
    ap.add_argument("--persist", action="store_true", help="keep the data in the workers")
    ap.add_argument("--no-memory", action="store_true", help="skip the in-memory fit")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    load = os.getloadavg()[0]
    data = generate(folder, args.n, args.p, args.rows_per_file)
    runs = []
    for k in (int(s) for s in args.workers.split(",")):
        runs.append(run_dask(folder, k, args.n_alphas, args.tol, args.persist))
        print({key: val for key, val in runs[-1].items() if key != "coefs"}, flush=True)
    memory = None if args.no_memory else run_memory(folder, args.n_alphas, args.tol)
    text = report(args, data, runs, memory, load)
    print(text)
    if args.out is not None:
        write_report(args.out, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
