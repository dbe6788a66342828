"""Cross-validation side by side with scikit-learn: LassoCV (5-fold, 100 alphas) and RidgeCV.

    python -m benchmarks.cv [--repeat 3] [--n-jobs 1] [--tasks a,b,ridge] [--ridge-shapes 100x500]

- ``a`` (n=200, p=10000) and ``b`` (n=10000, p=200): the designs of ``benchmarks/problems.py``.
  ``shrinkage.LassoCV`` and ``sklearn.linear_model.LassoCV`` get the same 100-alpha grid
  (``problems.alpha_grid``), the same five folds (unshuffled K-fold, passed to both as explicit
  splits) and the same ``tol`` (default 1e-4: both stop each fit when its duality gap is below
  tol * ||y - mean(y)||^2 / n), and both refit at the selected alpha.  Their CV error curves are
  compared (``agreement``), and our fold paths are certified with the independent numpy duality
  gap of ``benchmarks/certify.py`` (largest gap / primal over all folds and alphas).
- ``ridge``: ``shrinkage.RidgeCV`` and ``sklearn.linear_model.RidgeCV`` with the same 100 alphas,
  both by efficient exact leave-one-out (their default ``cv=None``; scikit-learn's
  ``gcv_mode=None``), on the cases of ``RIDGE_CASES`` (same design family): n > p, p > n,
  n = p and tall shapes, with and without an intercept, with sample weights, with 3 targets
  (``--ridge-shapes`` keeps only the listed shapes).
  ``agreement`` compares, from one more fit of each with ``store_cv_results=True`` (not timed),
  the chosen alpha, the squared leave-one-out errors (scikit-learn's are the weighted s_i e_i^2)
  and the coefficients; ``certificate`` is our duality gap at the chosen alpha.  The table also
  gives the ratio of the median CPU times of this process (BLAS at one thread: the work done,
  less sensitive than wall-clock to the other processes of a shared machine).

Timings are wall-clock, the median of ``--repeat`` runs after a warm-up (numba's compilation and
one-time imports are excluded), alternating the two libraries; a RidgeCV case runs until one
library has taken ``--min-time`` seconds in all (at most 50 runs), so that fast cases get a
median of many runs on a noisy machine.  ``--n-jobs`` is passed to both
LassoCVs (scikit-learn parallelizes folds with threads, shrinkage with joblib processes).
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from benchmarks import certify, problems

RIDGE_ALPHAS = np.geomspace(1e-1, 1e5, 100)


@dataclass(frozen=True)
class RidgeCase:
    name: str
    n: int
    p: int
    fit_intercept: bool = True
    weighted: bool = False
    targets: int = 1

    def describe(self) -> str:
        extras = [
            "intercept" if self.fit_intercept else "no intercept",
            *(["sample weights"] if self.weighted else []),
            *([f"{self.targets} targets"] if self.targets > 1 else []),
        ]
        return f"RidgeCV {self.name}, {self.n} x {self.p}, {', '.join(extras)}"


RIDGE_CASES = [
    RidgeCase("n>p", 2000, 200),
    RidgeCase("n>p", 2000, 200, weighted=True),
    RidgeCase("n>p", 2000, 200, targets=3),
    RidgeCase("p>n", 100, 500),
    RidgeCase("p>n", 100, 500, fit_intercept=False),
    RidgeCase("p>n", 200, 2000),
    RidgeCase("p>n", 200, 2000, fit_intercept=False),
    RidgeCase("p>n", 200, 2000, weighted=True),
    RidgeCase("p>n", 200, 2000, targets=3),
    RidgeCase("p>n", 1000, 5000),
    RidgeCase("p>n", 1000, 5000, fit_intercept=False),
    RidgeCase("n=p", 500, 500),
    RidgeCase("n=p", 500, 500, fit_intercept=False),
    RidgeCase("tall", 20000, 100),
    RidgeCase("tall", 20000, 100, fit_intercept=False),
]


def timed(fns: dict, repeat: int, min_time: float = 0.0) -> dict:
    """Median wall-clock time of each callable, alternating them, over at least ``repeat`` runs
    and, up to 50 runs, until one of them has run ``min_time`` seconds in all.  Each entry is
    (median wall-clock, median CPU time of this process, last result, number of runs)."""
    wall = {k: [] for k in fns}
    cpu = {k: [] for k in fns}
    out = {}
    while len(wall[next(iter(fns))]) < repeat or (
        max(sum(v) for v in wall.values()) < min_time and len(wall[next(iter(fns))]) < 50
    ):
        for name, fn in fns.items():
            t0, c0 = time.perf_counter(), time.process_time()
            out[name] = fn()
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    return {
        k: (float(np.median(wall[k])), float(np.median(cpu[k])), out[k], len(wall[k])) for k in fns
    }


def lasso_task(name: str, repeat: int, n_jobs, tol: float) -> dict:
    import sklearn.linear_model as sk
    from sklearn.model_selection import KFold

    import shrinkage

    pb = problems.make(name)
    splits = list(KFold(5).split(pb.X))
    kw = {"alphas": pb.alphas, "cv": splits, "tol": tol, "max_iter": 100_000, "n_jobs": n_jobs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = timed(
            {
                "ours": lambda: shrinkage.LassoCV(progress=False, **kw).fit(pb.X, pb.y),
                "sklearn": lambda: sk.LassoCV(**kw).fit(pb.X, pb.y),
            },
            repeat,
        )
    ours, ref = res["ours"][2], res["sklearn"][2]
    curve = np.max(np.abs(ours.mse_path_ - ref.mse_path_)) / np.max(ref.mse_path_)
    return {
        "task": f"LassoCV, {pb.spec.describe()}, 5 folds",
        "ours": res["ours"][0],
        "sklearn": res["sklearn"][0],
        "agreement": (
            f"CV curves within {curve:.1e} (relative); alpha_ "
            f"{'equal' if np.isclose(ours.alpha_, ref.alpha_) else 'differs'}"
        ),
        "certificate": _certify_folds(pb, splits, tol),
    }


def _certify_folds(pb, splits, tol: float) -> str:
    """Largest independent relative gap over our fold paths (recomputed outside the timing)."""
    from shrinkage import cross_validate_path

    res = cross_validate_path(
        pb.X,
        pb.y,
        alphas=pb.alphas,
        cv=splits,
        tol=tol,
        max_iter=100_000,
        keep_fold_coefs=True,
        progress=False,
    )
    worst = 0.0
    for f, (train, _) in enumerate(splits):
        gap, primal = certify.path_gaps(
            pb.X[train], pb.y[train], res.alphas, 1.0, res.fold_coefs[f], res.fold_intercepts[f]
        )
        worst = max(worst, float(np.max(gap / primal)))
    return f"max gap/primal {worst:.1e}"


def ridge_data(case: RidgeCase):
    """X and y of the design family of ``problems.make`` (3 targets: two more from the same X),
    and seeded weights in [0.5, 2] (or None)."""
    pb = problems.make(problems.Spec("ridge", n=case.n, p=case.p, alpha_min_ratio=1e-4))
    rng = np.random.default_rng(case.n + case.p)
    y = pb.y
    if case.targets > 1:
        more = [
            pb.X @ (0.1 * rng.standard_normal(case.p)) + rng.standard_normal(case.n)
            for _ in range(case.targets - 1)
        ]
        y = np.column_stack([y, *more])
    sw = rng.uniform(0.5, 2.0, case.n) if case.weighted else None
    return pb.X, y, sw


def ridge_task(case: RidgeCase, repeat: int, min_time: float) -> dict:
    import sklearn.linear_model as sk

    import shrinkage

    X, y, sw = ridge_data(case)
    kw = {"fit_intercept": case.fit_intercept}
    res = timed(
        {
            "ours": lambda: shrinkage.RidgeCV(RIDGE_ALPHAS, **kw).fit(X, y, sample_weight=sw),
            "sklearn": lambda: sk.RidgeCV(RIDGE_ALPHAS, **kw).fit(X, y, sample_weight=sw),
        },
        repeat,
        min_time,
    )
    ours = shrinkage.RidgeCV(RIDGE_ALPHAS, store_cv_results=True, **kw).fit(X, y, sample_weight=sw)
    ref = sk.RidgeCV(RIDGE_ALPHAS, store_cv_results=True, **kw).fit(X, y, sample_weight=sw)
    s = np.ones(case.n) if sw is None else sw
    ours_loo = ours.cv_results_ * s.reshape((case.n,) + (1,) * (ours.cv_results_.ndim - 1))
    loo = np.max(np.abs(ours_loo - ref.cv_results_)) / np.max(np.abs(ref.cv_results_))
    coef = np.max(np.abs(ours.coef_ - ref.coef_)) / np.max(np.abs(ref.coef_))
    same = "equal" if np.array_equal(ours.alpha_, ref.alpha_) else "differs"
    return {
        "task": f"{case.describe()} ({res['ours'][3]} runs)",
        "ours": res["ours"][0],
        "sklearn": res["sklearn"][0],
        "cpu": res["sklearn"][1] / res["ours"][1],
        "agreement": f"alpha_ {same}; LOO errors within {loo:.0e}, coef_ within {coef:.0e}",
        "certificate": f"dual gap {float(np.max(ours.dual_gap_)):.0e}",
    }


def warmup() -> None:
    import shrinkage

    rng = np.random.default_rng(0)
    for n, p in ((40, 80), (200, 10)):
        X = rng.standard_normal((n, p))
        y = X[:, :3].sum(axis=1) + rng.standard_normal(n)
        shrinkage.LassoCV(n_alphas=5, cv=3, progress=False).fit(X, y)
        shrinkage.RidgeCV().fit(X, y)


def machine() -> str:
    try:
        import threadpoolctl

        pools = ", ".join(
            f"{d['internal_api']} {d['num_threads']} threads"
            for d in threadpoolctl.threadpool_info()
        )
    except ImportError:
        pools = "unknown BLAS"
    try:
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    return (
        f"{os.cpu_count()} CPUs ({platform.machine()}), Python {platform.python_version()}, "
        f"numpy {np.__version__}, {pools}; load average at the end {load}"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--min-time", type=float, default=1.0, help="RidgeCV: runs until one library took this"
    )
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--tol", type=float, default=1e-4)
    parser.add_argument("--tasks", default="a,b,ridge")
    parser.add_argument("--ridge-shapes", default=None, help="e.g. 100x500,500x500")
    args = parser.parse_args(argv)
    import sklearn

    import shrinkage

    shapes = None if args.ridge_shapes is None else set(args.ridge_shapes.split(","))
    warmup()
    lasso_rows, ridge_rows = [], []
    for task in args.tasks.split(","):
        if task == "ridge":
            for case in RIDGE_CASES:
                if shapes is None or f"{case.n}x{case.p}" in shapes:
                    ridge_rows.append(ridge_task(case, args.repeat, args.min_time))
                    print(f"done: {ridge_rows[-1]['task']}", file=sys.stderr)
        else:
            lasso_rows.append(lasso_task(task, args.repeat, args.n_jobs, args.tol))
            print(f"done: {lasso_rows[-1]['task']}", file=sys.stderr)
    command = "python -m benchmarks.cv " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    print(
        f"shrinkage {shrinkage.__version__} vs scikit-learn {sklearn.__version__}; "
        f"median of {args.repeat} runs (RidgeCV: of more, up to 50, until one library has "
        f"taken {args.min_time:g} s in all), n_jobs={args.n_jobs}.\n"
    )
    for rows in (lasso_rows, ridge_rows):
        if not rows:
            continue
        cpu = "cpu" in rows[0]
        print(
            "| task | shrinkage (s) | scikit-learn (s) | speed-up |"
            + (" speed-up in CPU time |" if cpu else "")
            + " agreement | certificate |"
        )
        print("|---|---:|---:|---:|" + ("---:|" if cpu else "") + "---|---|")
        for r in rows:
            print(
                f"| {r['task']} | {r['ours']:.4f} | {r['sklearn']:.4f} | "
                f"{r['sklearn'] / r['ours']:.1f}x | "
                + (f"{r['cpu']:.1f}x | " if cpu else "")
                + f"{r['agreement']} | {r['certificate']} |"
            )
        print()
    print(f"Command: `{command.strip()}`  \nMachine: {machine()}")


if __name__ == "__main__":
    main()
