"""Cross-validation side by side with scikit-learn: LassoCV (5-fold, 100 alphas) and RidgeCV.

    python -m benchmarks.cv [--repeat 3] [--n-jobs 1] [--tasks a,b,ridge]

- ``a`` (n=200, p=10000) and ``b`` (n=10000, p=200): the designs of ``benchmarks/problems.py``.
  ``shrinkage.LassoCV`` and ``sklearn.linear_model.LassoCV`` get the same 100-alpha grid
  (``problems.alpha_grid``), the same five folds (unshuffled K-fold, passed to both as explicit
  splits) and the same ``tol`` (default 1e-4: both stop each fit when its duality gap is below
  tol * ||y - mean(y)||^2 / n), and both refit at the selected alpha.  Their CV error curves are
  compared (``agreement``), and our fold paths are certified with the independent numpy duality
  gap of ``benchmarks/certify.py`` (largest gap / primal over all folds and alphas).
- ``ridge`` (n=20000, p=500, same design family): ``shrinkage.RidgeCV`` and
  ``sklearn.linear_model.RidgeCV`` with 100 alphas, both by efficient leave-one-out (their
  default ``cv=None``); ``agreement`` compares the fitted coefficients.

Timings are wall-clock, the best of ``--repeat`` runs after a warm-up (numba's compilation and
one-time imports are excluded), alternating the two libraries.  ``--n-jobs`` is passed to both
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
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from benchmarks import certify, problems

RIDGE = problems.Spec("ridge", n=20_000, p=500, alpha_min_ratio=1e-4)
RIDGE_ALPHAS = np.geomspace(1e-1, 1e5, 100)


def best_of(fns: dict, repeat: int) -> dict:
    """Best wall-clock time of each callable, alternating them; also its last result."""
    times = {k: [] for k in fns}
    out = {}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            out[name] = fn()
            times[name].append(time.perf_counter() - t0)
    return {k: (min(v), out[k]) for k, v in times.items()}


def lasso_task(name: str, repeat: int, n_jobs, tol: float) -> dict:
    import sklearn.linear_model as sk
    from sklearn.model_selection import KFold

    import shrinkage

    pb = problems.make(name)
    splits = list(KFold(5).split(pb.X))
    kw = {"alphas": pb.alphas, "cv": splits, "tol": tol, "max_iter": 100_000, "n_jobs": n_jobs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = best_of(
            {
                "ours": lambda: shrinkage.LassoCV(progress=False, **kw).fit(pb.X, pb.y),
                "sklearn": lambda: sk.LassoCV(**kw).fit(pb.X, pb.y),
            },
            repeat,
        )
    ours, ref = res["ours"][1], res["sklearn"][1]
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


def ridge_task(repeat: int) -> dict:
    import sklearn.linear_model as sk

    import shrinkage

    pb = problems.make(RIDGE)
    res = best_of(
        {
            "ours": lambda: shrinkage.RidgeCV(RIDGE_ALPHAS).fit(pb.X, pb.y),
            "sklearn": lambda: sk.RidgeCV(RIDGE_ALPHAS).fit(pb.X, pb.y),
        },
        repeat,
    )
    ours, ref = res["ours"][1], res["sklearn"][1]
    coef = np.max(np.abs(ours.coef_ - ref.coef_)) / np.max(np.abs(ref.coef_))
    same = "equal" if np.isclose(ours.alpha_, ref.alpha_) else "differs"
    return {
        "task": f"RidgeCV, n={RIDGE.n}, p={RIDGE.p}, 100 alphas, exact leave-one-out",
        "ours": res["ours"][0],
        "sklearn": res["sklearn"][0],
        "agreement": f"alpha_ {same}; coef_ within {coef:.1e} (relative)",
        "certificate": f"dual gap {float(ours.dual_gap_):.1e}",
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
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--tol", type=float, default=1e-4)
    parser.add_argument("--tasks", default="a,b,ridge")
    args = parser.parse_args(argv)
    import sklearn

    import shrinkage

    warmup()
    rows = []
    for task in args.tasks.split(","):
        if task == "ridge":
            rows.append(ridge_task(args.repeat))
        else:
            rows.append(lasso_task(task, args.repeat, args.n_jobs, args.tol))
        print(f"done: {rows[-1]['task']}", file=sys.stderr)
    command = "python -m benchmarks.cv " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    print(
        f"shrinkage {shrinkage.__version__} vs scikit-learn {sklearn.__version__}; "
        f"best of {args.repeat}, n_jobs={args.n_jobs}.\n"
    )
    print("| task | shrinkage (s) | scikit-learn (s) | speed-up | agreement | certificate |")
    print("|---|---:|---:|---:|---|---|")
    for r in rows:
        print(
            f"| {r['task']} | {r['ours']:.3f} | {r['sklearn']:.3f} | "
            f"{r['sklearn'] / r['ours']:.1f}x | {r['agreement']} | {r['certificate']} |"
        )
    print(f"\nCommand: `{command.strip()}`  \nMachine: {machine()}")


if __name__ == "__main__":
    main()
