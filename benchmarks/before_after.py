"""Time the same calls on two committed snapshots of ``src`` (before / after a change).

    mkdir -p /tmp/bench/before /tmp/bench/after
    git archive BASE src | tar -x -C /tmp/bench/before
    git archive HEAD src | tar -x -C /tmp/bench/after
    OPENBLAS_NUM_THREADS=1 python -m benchmarks.before_after \\
        --before /tmp/bench/before/src --after /tmp/bench/after/src --rounds 5

Each round starts one fresh process per snapshot (``PYTHONPATH=<snapshot>``), alternating which
goes first, so that the machine's drift lands on both.  A process pays imports and numba's
compilation (or cache load) on tiny problems first, then times every task ``--inner`` times and
keeps its best.  Reported: per task the median over rounds of each side's best (process CPU time,
one BLAS thread, and wall-clock), and the median of the per-round ratios after / before (below 1:
the after snapshot is faster).  Modest sizes, so that the whole comparison takes a few minutes.

Tasks: least-squares fits and paths (lasso, elastic net, ridge), the L1 logistic and multinomial
paths, group lasso paths, cross-validation (LassoCV, ElasticNetCV, LogisticRegressionCV, RidgeCV)
and ``shrinkage.dask`` (lasso path and CV, logistic path) on a small in-memory dask array with the
local threads scheduler.  Only public APIs that both snapshots share.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def _tasks():
    """{name: (description, zero-argument callable)}; data are built once, outside the timings."""
    import shrinkage
    from benchmarks import group, problems

    wide = problems.make(problems.Spec("wide", n=200, p=2000, alpha_min_ratio=1e-2))
    tall = problems.make("b")
    enet = problems.make(problems.Spec("enet", n=500, p=2000, alpha_min_ratio=1e-2, l1_ratio=0.5))
    logi = problems.logistic_dense()
    logi_alphas = np.geomspace(logi.alpha_max, logi.alpha_max / 100, 20)
    gq = group.make_problem(2000, 1000, "quadratic")
    gl = group.make_problem(1000, 500, "logistic")
    gq_alphas = np.geomspace(
        group.alpha_max(*gq, "quadratic"), group.alpha_max(*gq, "quadratic") / 100, 10
    )
    gl_alphas = np.geomspace(
        group.alpha_max(*gl, "logistic"), group.alpha_max(*gl, "logistic") / 100, 10
    )
    ridge = problems.make(problems.Spec("ridge", n=10_000, p=300, alpha_min_ratio=1e-4))
    ridge_alphas = np.logspace(-3, 3, 100)
    ridge_fit = problems.make(problems.Spec("ridgefit", n=2000, p=500, alpha_min_ratio=1e-4))
    a_fit = wide.alphas[len(wide.alphas) // 2]
    cvp = problems.make(problems.Spec("cv", n=300, p=1000, alpha_min_ratio=1e-2))
    lcv = problems.logistic_dense(n=300, p=1000)
    Xm, ym = _multinomial(500, 500, 4)
    dask_fits = _dask_tasks()

    return {
        "lasso_fit": (
            "Lasso().fit, n=200, p=2000, one alpha (mid-grid)",
            lambda: shrinkage.Lasso(alpha=a_fit, tol=1e-8).fit(wide.X, wide.y),
        ),
        "lasso_path_wide": (
            "lasso path, n=200, p=2000, 100 alphas to 1e-2 alpha_max, tol 1e-8",
            lambda: shrinkage.path(wide.X, wide.y, alphas=wide.alphas, tol=1e-8, max_iter=100_000),
        ),
        "lasso_path_tall": (
            "lasso path, problem b (n=10000, p=200), 100 alphas, tol 3.16e-8",
            lambda: shrinkage.path(
                tall.X, tall.y, alphas=tall.alphas, tol=3.16e-8, max_iter=100_000
            ),
        ),
        "enet_path": (
            "elastic-net path l1_ratio=0.5, n=500, p=2000, 100 alphas, tol 1e-8",
            lambda: shrinkage.path(
                enet.X, enet.y, l1_ratio=0.5, alphas=enet.alphas, tol=1e-8, max_iter=100_000
            ),
        ),
        "logistic_l1_path": (
            "L1 logistic path, dense n=500, p=5000, 20 alphas, no intercept, tol 1e-6",
            lambda: shrinkage.path(
                logi.X,
                (logi.y + 1.0) / 2.0,
                datafit="logistic",
                alphas=logi_alphas,
                fit_intercept=False,
                tol=1e-6,
                max_iter=100_000,
            ),
        ),
        "group_quad_path": (
            "group lasso path, quadratic, n=2000, p=1000 (groups of 5), 10 alphas",
            lambda: group.ours(*gq, gq_alphas, "quadratic", 1e-7),
        ),
        "group_logistic_path": (
            "group lasso path, logistic, n=1000, p=500, 10 alphas",
            lambda: group.ours(*gl, gl_alphas, "logistic", 1e-6),
        ),
        "ridgecv_loo": (
            "RidgeCV(100 alphas).fit, exact LOO, n=10000, p=300",
            lambda: shrinkage.RidgeCV(ridge_alphas).fit(ridge.X, ridge.y),
        ),
        "ridge_fit": (
            "Ridge(alpha=1).fit, n=2000, p=500",
            lambda: shrinkage.Ridge(alpha=1.0).fit(ridge_fit.X, ridge_fit.y),
        ),
        "lassocv": (
            "LassoCV(50 alphas, 5 folds, tol 1e-6).fit, n=300, p=1000",
            lambda: shrinkage.LassoCV(n_alphas=50, cv=5, tol=1e-6).fit(cvp.X, cvp.y),
        ),
        "enetcv": (
            "ElasticNetCV(l1_ratio=[0.5, 0.9], 50 alphas, 5 folds, tol 1e-6).fit, n=300, p=1000",
            lambda: shrinkage.ElasticNetCV(l1_ratio=[0.5, 0.9], n_alphas=50, cv=5, tol=1e-6).fit(
                cvp.X, cvp.y
            ),
        ),
        "logisticcv": (
            "LogisticRegressionCV(20 alphas, 5 folds, tol 1e-6).fit, dense n=300, p=1000",
            lambda: shrinkage.LogisticRegressionCV(n_alphas=20, cv=5, tol=1e-6).fit(
                lcv.X, (lcv.y + 1.0) / 2.0
            ),
        ),
        "multinomial_path": (
            "multinomial L1 path, 4 classes, n=500, p=500, 20 alphas to 1e-2 alpha_max, tol 1e-6",
            lambda: shrinkage.path(
                Xm,
                ym,
                datafit="multinomial",
                n_alphas=20,
                alpha_min_ratio=1e-2,
                tol=1e-6,
                max_iter=100_000,
            ),
        ),
        **dask_fits,
    }


def _multinomial(n: int, p: int, K: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian design, 10 active rows of a (p, K) truth, labels drawn from the softmax."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    W = np.zeros((p, K))
    W[:10] = rng.standard_normal((10, K))
    eta = X @ W
    prob = np.exp(eta - eta.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    u = rng.random((n, 1))
    y = (u > np.cumsum(prob, axis=1)).sum(axis=1).astype(np.float64)
    return X, y


def _dask_tasks(n: int = 80_000) -> dict:
    """shrinkage.dask on an in-memory dask array (8 row chunks), local threads scheduler with one
    worker: the statistics pass + Gram path (and its 5-fold CV), and the distributed logistic
    Newton path."""
    import dask
    import dask.array as da

    import shrinkage.dask as sd

    rng = np.random.default_rng(0)
    p = 100
    X = rng.standard_normal((n, p))
    eta = X[:, :5].sum(axis=1)
    y = eta + rng.standard_normal(n)
    yl = (eta + rng.standard_normal(n) > 0).astype(np.float64)
    DX = da.from_array(X, chunks=(n // 8, p))
    Dy, Dyl = da.from_array(y, chunks=n // 8), da.from_array(yl, chunks=n // 8)

    def run(fn):
        def call():
            with dask.config.set(scheduler="threads", num_workers=1):
                return fn()

        return call

    return {
        "dask_lasso_path": (
            f"shrinkage.dask.path, lasso, dask array n={n}, p=100 (8 chunks), "
            "50 alphas, threads scheduler",
            run(lambda: sd.path(DX, Dy, n_alphas=50, tol=1e-8)),
        ),
        "dask_lassocv": (
            "shrinkage.dask.cross_validate_path, lasso, same data, 5 folds",
            run(lambda: sd.cross_validate_path(DX, Dy, n_alphas=50, cv=5, tol=1e-8)),
        ),
        "dask_logistic_path": (
            "shrinkage.dask.path, L1 logistic, same design, 10 alphas, tol 1e-6",
            run(lambda: sd.path(DX, Dyl, datafit="logistic", n_alphas=10, tol=1e-6)),
        ),
    }


def _warmup():
    import shrinkage
    from benchmarks import group, problems

    rng = np.random.default_rng(0)
    for n, p in ((30, 60), (200, 10)):
        X = rng.standard_normal((n, p))
        y = X[:, :3].sum(axis=1) + rng.standard_normal(n)
        for l1_ratio in (1.0, 0.5):
            shrinkage.path(X, y, l1_ratio=l1_ratio, n_alphas=5, tol=1e-8)
        shrinkage.Lasso(alpha=0.1).fit(X, y)
        shrinkage.Ridge().fit(X, y)
        shrinkage.RidgeCV().fit(X, y)
    tiny = problems.logistic_dense(n=60, p=100)
    shrinkage.path(tiny.X, (tiny.y + 1) / 2, datafit="logistic", n_alphas=5, fit_intercept=False)
    for loss in ("quadratic", "logistic"):
        X, y = group.make_problem(100, 50, loss)
        a = group.alpha_max(X, y, loss)
        group.ours(X, y, np.geomspace(a, a / 10, 3), loss, 1e-6)
    X, y = tiny.X[:, :40], tiny.y
    shrinkage.LassoCV(n_alphas=5, cv=3).fit(X, y)
    shrinkage.ElasticNetCV(l1_ratio=[0.5, 0.9], n_alphas=5, cv=3).fit(X, y)
    shrinkage.LogisticRegressionCV(n_alphas=5, cv=3).fit(X, (y + 1) / 2)
    Xm, ym = _multinomial(60, 20, 3)
    shrinkage.path(Xm, ym, datafit="multinomial", n_alphas=5)
    for fn in _dask_tasks(4000).values():
        fn[1]()


def worker(inner: int, only: list[str] | None) -> None:
    from threadpoolctl import threadpool_limits

    import shrinkage

    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        _warmup()
        warm = time.perf_counter() - t0
        out = {"source": shrinkage.__file__, "warmup_s": warm, "tasks": {}}
        for name, (descr, fn) in _tasks().items():
            if only and name not in only:
                continue
            cpu, wall = [], []
            for _ in range(inner):
                c0, w0 = time.process_time(), time.perf_counter()
                fn()
                cpu.append(time.process_time() - c0)
                wall.append(time.perf_counter() - w0)
            out["tasks"][name] = {"descr": descr, "cpu": min(cpu), "wall": min(wall)}
    print("@@" + json.dumps(out))


def _run_side(src: str, inner: int, only: str | None) -> dict:
    env = dict(
        os.environ,
        PYTHONPATH=src,
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    cmd = [sys.executable, "-m", "benchmarks.before_after", "--worker", "--inner", str(inner)]
    if only:
        cmd += ["--only", only]
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@")][-1]
    return json.loads(line[2:])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", help="PYTHONPATH of the before snapshot (its src/)")
    ap.add_argument("--after", help="PYTHONPATH of the after snapshot (its src/)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--inner", type=int, default=3, help="timed calls per task per process")
    ap.add_argument("--only", default=None, help="comma-separated task names")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    only = args.only.split(",") if args.only else None
    if args.worker:
        worker(args.inner, only)
        return
    runs = {"before": [], "after": []}
    for r in range(args.rounds):
        order = ("before", "after") if r % 2 == 0 else ("after", "before")
        for side in order:
            res = _run_side(getattr(args, side), args.inner, args.only)
            runs[side].append(res)
            print(
                f"round {r} {side:6s} "
                + " ".join(f"{k}={v['cpu']:.3f}" for k, v in res["tasks"].items()),
                file=sys.stderr,
                flush=True,
            )
    print(f"before: {runs['before'][0]['source']}\nafter:  {runs['after'][0]['source']}")
    print(
        f"{args.rounds} rounds (fresh process per side, alternating order), best of "
        f"{args.inner} calls per process, one BLAS thread; medians over rounds.\n"
    )
    print(
        "| task | before CPU s | after CPU s | after/before CPU | before wall s | after wall s "
        "| after/before wall |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, t in runs["before"][0]["tasks"].items():
        row = [t["descr"]]
        for clock in ("cpu", "wall"):
            b = [x["tasks"][name][clock] for x in runs["before"]]
            a = [x["tasks"][name][clock] for x in runs["after"]]
            ratios = [ai / bi for ai, bi in zip(a, b, strict=True)]
            row += [
                f"{statistics.median(b):.3f}",
                f"{statistics.median(a):.3f}",
                f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})",
            ]
        print(f"| {name}: " + " | ".join(row) + " |")
    wb = statistics.median(x["warmup_s"] for x in runs["before"])
    wa = statistics.median(x["warmup_s"] for x in runs["after"])
    print(f"\nwarm-up (imports done, numba cache warm): before {wb:.2f} s, after {wa:.2f} s")


if __name__ == "__main__":
    main()
