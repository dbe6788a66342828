"""Tall data (n >> p): single Lasso fits and a path, shrinkage side by side with its peers.

    PYTHONPATH=src python -m benchmarks.tall --blas-threads 1  # 200000 x 200, alpha_max/10, /100
    PYTHONPATH=src python -m benchmarks.tall --n 20000 --repeat 5 --libs shrinkage,celer

Every library gets the same C-ordered float64 X and y (fit_intercept=True is its job: whatever
copy or centring it needs is inside its timing), one alpha at a time.  Each library runs at the
loosest tol of the sqrt(10) ladder (1e-2 .. 1e-10) whose answer passes ``benchmarks.certify``'s
independent relative duality gap <= 1e-6 (calibrated in this run, on the same data); then
``--repeat`` timed fits, round-robin over the libraries, best and median reported.  On a shared
machine, ``--blas-threads 1`` keeps every library's BLAS off the other processes' cores
(multi-threaded BLAS under oversubscription was 3-6x slower here).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from . import certify
from .problems import Spec, make

GAP_TARGET = 1e-6
LADDER = [10.0 ** (-k / 2) for k in range(4, 21)]  # 1e-2 ... 1e-10


def _shrinkage(X, y, alpha, tol):
    import shrinkage

    m = shrinkage.Lasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y)
    return m.coef_, m.intercept_


def _celer(X, y, alpha, tol):
    from celer import Lasso

    m = Lasso(alpha=alpha, tol=tol, max_iter=100, max_epochs=100_000).fit(X, y)
    return m.coef_, m.intercept_


def _skglm(X, y, alpha, tol):
    from skglm import Lasso

    m = Lasso(alpha=alpha, tol=tol, max_iter=1000, max_epochs=100_000).fit(X, y)
    return m.coef_, m.intercept_


def _skglm_gram(X, y, alpha, tol):
    from skglm.penalties import L1
    from skglm.solvers import GramCD

    x_mean, y_mean = X.mean(axis=0), y.mean()  # GramCD has no intercept: centre first
    solver = GramCD(tol=tol, max_iter=100_000, fit_intercept=False)
    coef = solver.solve(X - x_mean, y - y_mean, None, L1(alpha))[0]
    return coef, y_mean - x_mean @ coef


def _sklearn(X, y, alpha, tol):
    from sklearn.linear_model import Lasso

    m = Lasso(alpha=alpha, tol=tol, max_iter=100_000, precompute=True).fit(X, y)
    return m.coef_, m.intercept_


LIBS = {
    "shrinkage": _shrinkage,
    "celer": _celer,
    "skglm": _skglm,
    "skglm GramCD": _skglm_gram,
    "scikit-learn (precompute)": _sklearn,
}


def relative_gap(X, y, alpha, coef, intercept) -> float:
    gap, primal = certify.path_gaps(
        X, y, np.array([alpha]), 1.0, np.asarray(coef)[None, :], np.atleast_1d(intercept)
    )
    return float(gap[0] / primal[0])


# where each library's walk along the ladder starts (it goes looser while it certifies, else
# tighter): the loosest certifying tols seen on these problems
START = {"shrinkage": 1e-6, "celer": 1e-6, "skglm": 1e-5, "skglm GramCD": 1e-3}


def calibrate(name, fit, X, y, alpha) -> tuple[float, float]:
    """(tol, relative gap) at the loosest tol of the ladder that certifies (nan if none)."""

    def gap_at(k):
        coef, b = fit(X, y, alpha, LADDER[k])
        return relative_gap(X, y, alpha, coef, b)

    k = int(np.argmin(np.abs(np.log10(LADDER) - np.log10(START.get(name, 1e-6)))))
    gap = gap_at(k)
    if gap <= GAP_TARGET:  # go looser while it certifies
        while k > 0 and (looser := gap_at(k - 1)) <= GAP_TARGET:
            k, gap = k - 1, looser
        return LADDER[k], gap
    while k + 1 < len(LADDER):  # else tighter until it does
        k += 1
        if (gap := gap_at(k)) <= GAP_TARGET:
            return LADDER[k], gap
    return np.nan, gap


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--p", type=int, default=200)
    ap.add_argument("--rho", type=float, default=0.5)
    ap.add_argument("--divisors", default="10,100", help="alpha = alpha_max / d for each d")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--libs", default="shrinkage,celer,skglm,skglm GramCD")
    ap.add_argument(
        "--blas-threads", type=int, default=None, help="limit every library's BLAS threads"
    )
    args = ap.parse_args(argv)
    if args.blas_threads is not None:  # after every library loaded its BLAS (scipy has its own)
        import celer  # noqa: F401
        import scipy.linalg.blas  # noqa: F401
        import skglm  # noqa: F401
        import sklearn.linear_model  # noqa: F401
        from threadpoolctl import threadpool_limits

        import shrinkage  # noqa: F401

        threadpool_limits(args.blas_threads)
    warnings.simplefilter("ignore")
    pb = make(Spec("tall", n=args.n, p=args.p, alpha_min_ratio=1e-2, rho=args.rho))
    X, y = pb.X, pb.y
    libs = {k: LIBS[k] for k in args.libs.split(",")}
    for fit in libs.values():  # compile / import on a small slice
        fit(X[:500], y[:500], pb.alphas[0] / 10, 1e-4)
    print(
        f"X: {X.shape[0]} x {X.shape[1]}, C-ordered float64, rho {args.rho}; "
        f"BLAS threads: {args.blas_threads or 'default'}"
    )
    print("| alpha | library | tol | rel gap | nnz | best (s) | median (s) | best / fastest peer |")
    print("|---|---|---|---|---|---|---|---|")
    for d in (float(s) for s in args.divisors.split(",")):
        alpha = pb.alphas[0] / d
        tols = {name: calibrate(name, fit, X, y, alpha) for name, fit in libs.items()}
        times: dict[str, list[float]] = {name: [] for name in libs}
        nnz = {}
        for _ in range(args.repeat):
            for name, fit in libs.items():
                t0 = time.perf_counter()
                coef, _ = fit(X, y, alpha, tols[name][0])
                times[name].append(time.perf_counter() - t0)
                nnz[name] = int(np.count_nonzero(coef))
        peers = [min(t) for k, t in times.items() if k != "shrinkage"]
        fastest = min(peers) if peers else np.nan
        for name in libs:
            ts = times[name]
            tol, gap = tols[name]
            print(
                f"| max/{d:g} | {name} | {tol:.2g} | {gap:.1e} | {nnz[name]} | {min(ts):.3f} | "
                f"{np.median(ts):.3f} | {min(ts) / fastest:.2f} |"
            )


if __name__ == "__main__":
    main()
