"""Coverage of shrinkage.inference's 95% intervals and uniformity of its null p-values.

    OPENBLAS_NUM_THREADS=1 nice -n 19 .venv/bin/python -m tools.inference_coverage \
        --p 100 500 --n-datasets 200 --n-jobs 2

Setting (issue 15; Dezeure, Buhlmann, Meier and Meinshausen 2015, fixed design): n = 200 rows,
p Toeplitz columns (corr rho^|j-k|, rho = 0.5) drawn once per p; beta has 5 non-zeros equal to
1 at spread-out positions; y = X beta + N(0, 1) redrawn for every data set.

- debiased lasso with its defaults (CV initial lasso, sigma from its residuals with the
  degrees-of-freedom correction, nodewise alpha by pooled CV lowered by Zhang and Zhang's rule;
  Theta computed once per design since it depends on X alone): coverage of beta_j averaged over
  the active and the null coefficients separately.  Uniformity of the null p-values, three ways:
  a KS test on one null p-value per data set (a random null feature: independent draws, so the
  test is valid), the pooled KS distance D over every null p-value (an effect size: the values
  of one data set are dependent, so its p-value overstates the evidence), and the fraction of
  null features whose own KS test over the data sets rejects at 5% (about 0.05 if uniform).
- selective inference at the fixed alpha = sqrt(2 log p / n) (sigma = 1 known): conditional
  coverage of the selected model's partial coefficients and a KS test of the pivots at the truth.
- naive: OLS t-intervals on the features the same lasso selected, as if chosen in advance.
- ``--bootstrap residual|wild``: also the bootstrap intervals and p-values
  (``debiased_lasso(bootstrap=..., n_boot=...)``) beside the normal ones, on the same data
  sets and the same estimates, with the mean interval widths; ``--no-selective`` skips the
  selective and naive columns.

Data sets run in parallel (``--n-jobs``, one BLAS thread each); ``--minutes`` bounds the time
per design.
"""

from __future__ import annotations

import argparse
import math
import time
import warnings

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import kstest, norm
from threadpoolctl import threadpool_limits

from benchmarks.inference_coverage import naive_intervals, truth
from benchmarks.inference_speed import toeplitz_design

N, RHO, LEVEL = 200, 0.5, 0.95


def one_dataset(
    X: np.ndarray, beta: np.ndarray, nodewise, seed: int, options: dict, selective: bool = True
) -> dict:
    """Every method on one data set y = X beta + N(0, 1) drawn from ``seed``."""
    from shrinkage.inference import debiased_lasso, selective_inference
    from shrinkage.inference._truncnorm import pivot

    rng = np.random.default_rng(seed)
    n, p = X.shape
    mu = X @ beta
    y = mu + rng.standard_normal(n)
    active = beta != 0
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        deb = debiased_lasso(X, y, nodewise=nodewise, random_state=seed, progress=False, **options)
        sel = (
            selective_inference(X, y, math.sqrt(2 * math.log(p) / n), sigma=1.0)
            if selective
            else []
        )
    out = {
        "sigma": deb.sigma,
        "n_selected": len(sel),
        "sel_cover": [],
        "pivots": [],
        "naive_cover": [],
        "intervals": {},
    }
    z = norm.ppf(0.5 + LEVEL / 2)
    normal = (
        np.column_stack([deb.coef - z * deb.std_err, deb.coef + z * deb.std_err]),
        2 * norm.sf(np.abs(deb.coef / deb.std_err)),
    )
    kinds = {"normal": normal}
    if deb.pivots is not None:
        kinds[f"{options['bootstrap']} bootstrap"] = (deb.conf_int(LEVEL), deb.p_values)
    for kind, (ci, p_values) in kinds.items():
        inside = (ci[:, 0] <= beta) & (beta <= ci[:, 1])
        width = ci[:, 1] - ci[:, 0]
        out["intervals"][kind] = {
            "active": inside[active].mean(),
            "null": inside[~active].mean(),
            "width_active": width[active].mean(),
            "width_null": width[~active].mean(),
            "null_p": p_values[~active],
        }
    if len(sel):
        S = sel.feature_index
        Xc = X - X.mean(axis=0)
        target = np.linalg.lstsq(Xc[:, S], mu - mu.mean(), rcond=None)[0]
        ci = sel.conf_int(LEVEL)
        out["sel_cover"] = list((ci[:, 0] <= target) & (target <= ci[:, 1]))
        t = sel.truncation
        out["pivots"] = list(pivot(t.observed, target, t.sd, t.lower, t.upper)[0])
        if len(S) < n - 2:
            naive = naive_intervals(X, y, S)
            out["naive_cover"] = list((naive[:, 0] <= target) & (target <= naive[:, 1]))
    return out


def one_design(
    p: int,
    n_datasets: int,
    seed: int,
    cv_nodes: int | None,
    n_jobs: int,
    minutes: float | None,
    options: dict | None = None,
    selective: bool = True,
) -> dict:
    """The study on one design: up to ``n_datasets`` data sets, fewer if ``minutes`` run out."""
    from shrinkage.inference import nodewise_inverse

    X = toeplitz_design(N, p, RHO, seed)
    beta = truth(p)
    start = time.perf_counter()
    with threadpool_limits(1):
        nodewise = nodewise_inverse(
            X, cv_nodes=cv_nodes, random_state=seed, n_jobs=n_jobs, progress=False
        )
    t_nodewise = time.perf_counter() - start
    runs: list[dict] = []
    start = time.perf_counter()
    chunk = 4 * n_jobs
    with Parallel(n_jobs=n_jobs) as parallel:
        while len(runs) < n_datasets:
            if minutes is not None and time.perf_counter() - start > 60 * minutes:
                break
            seeds = range(len(runs), min(n_datasets, len(runs) + chunk))
            runs += parallel(
                delayed(one_dataset)(
                    X, beta, nodewise, 10_000 * (seed + 1) + k, options or {}, selective
                )
                for k in seeds
            )
    elapsed = time.perf_counter() - start
    return summary(p, runs, nodewise, t_nodewise, elapsed, seed)


def interval_summary(runs: list[dict], kind: str, seed: int) -> dict:
    """Coverage (mean ± s.e. over data sets), widths and null p-value uniformity of one
    kind of interval."""
    m = len(runs)
    rows = [r["intervals"][kind] for r in runs]
    null_p = np.array([r["null_p"] for r in rows])  # (data sets, null features)
    rng = np.random.default_rng(seed)
    one_each = null_p[np.arange(m), rng.integers(0, null_p.shape[1], m)]
    per_feature = np.array([kstest(null_p[:, j], "uniform").pvalue for j in range(null_p.shape[1])])
    out = {
        "kind": kind,
        "ks_one": kstest(one_each, "uniform"),
        "ks_pooled": kstest(null_p.ravel(), "uniform"),
        "ks_reject": float(np.mean(per_feature < 0.05)),
        "n_null": null_p.shape[1],
    }
    for key in ("active", "null", "width_active", "width_null"):
        values = np.array([r[key] for r in rows])
        out[key], out[f"{key}_se"] = values.mean(), values.std() / math.sqrt(m)
    return out


def summary(
    p: int, runs: list[dict], nodewise, t_nodewise: float, elapsed: float, seed: int
) -> dict:
    m = len(runs)
    kinds = [interval_summary(runs, kind, seed) for kind in runs[0]["intervals"]]

    def pooled(key):
        return [v for r in runs for v in r[key]]

    sel, naive = pooled("sel_cover"), pooled("naive_cover")
    return {
        "p": p,
        "n_datasets": m,
        "nodewise_alpha": float(nodewise.alphas[0]),
        "cv_alpha": nodewise.cv_alpha,
        "inflation": nodewise.inflation,
        "t_nodewise": t_nodewise,
        "t_per_dataset": elapsed / m,
        "kinds": kinds,
        **kinds[-1],  # the main table shows the option studied (the last kind)
        "sigma": float(np.mean([r["sigma"] for r in runs])),
        "sel_cover": float(np.mean(sel)) if sel else math.nan,
        "n_sel": len(sel),
        "sel_ks": kstest(pooled("pivots"), "uniform") if sel else None,
        "mean_selected": float(np.mean([r["n_selected"] for r in runs])),
        "naive_cover": float(np.mean(naive)) if naive else math.nan,
        "n_naive": len(naive),
    }


def table(results: list[dict]) -> str:
    lines = [
        "| p | data sets | debiased: active | debiased: null | null p-values: KS, one per "
        "data set, D (p) | pooled KS D | features whose KS rejects | selective: conditional "
        "coverage | selective pivots: KS D (p) | naive OLS after lasso |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ks = (
            "—"
            if r["sel_ks"] is None
            else f"{r['sel_ks'].statistic:.3f} ({r['sel_ks'].pvalue:.2g})"
        )
        lines.append(
            f"| {r['p']} | {r['n_datasets']} | {r['active']:.3f} ± {r['active_se']:.3f} | "
            f"{r['null']:.3f} ± {r['null_se']:.3f} | {r['ks_one'].statistic:.3f} "
            f"({r['ks_one'].pvalue:.2g}) | {r['ks_pooled'].statistic:.3f} | "
            f"{r['ks_reject']:.3f} of {r['n_null']} | {r['sel_cover']:.3f} (of {r['n_sel']}) | "
            f"{ks} | {r['naive_cover']:.3f} (of {r['n_naive']}) |"
        )
    lines += [
        "",
        "| p | data sets | debiased lasso intervals | active | null | mean width, "
        "active | mean width, null | null p-values: KS, one per data set, D (p) | "
        "features whose KS rejects |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for k in r["kinds"]:
            lines.append(
                f"| {r['p']} | {r['n_datasets']} | {k['kind']} | {k['active']:.3f} ± "
                f"{k['active_se']:.3f} | {k['null']:.3f} ± {k['null_se']:.3f} | "
                f"{k['width_active']:.3f} | {k['width_null']:.3f} | "
                f"{k['ks_one'].statistic:.3f} ({k['ks_one'].pvalue:.2g}) | "
                f"{k['ks_reject']:.3f} of {k['n_null']} |"
            )
    lines.append("")
    for r in results:
        lines.append(
            f"p = {r['p']}: nodewise alpha {r['nodewise_alpha']:.3g} (Zhang and Zhang's rule "
            f"from the pooled CV's {r['cv_alpha']:.3g}, variance x{r['inflation']:.2f}; "
            f"{r['t_nodewise']:.0f} s once), {r['t_per_dataset']:.2f} s per data set (wall, "
            f"all workers); mean sigma estimate {r['sigma']:.3f} (true 1); the selective alpha "
            f"selects {r['mean_selected']:.1f} features on average."
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-datasets", type=int, default=200)
    parser.add_argument("--p", type=int, nargs="+", default=[100, 500])
    parser.add_argument(
        "--cv-nodes",
        type=int,
        default=100,
        help="nodes pooled in the nodewise cross-validation (once per design)",
    )
    parser.add_argument("--seed", type=int, default=0, help="the design's seed")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="time budget per design: stop drawing data sets when it is spent",
    )
    parser.add_argument(
        "--bootstrap",
        choices=("residual", "wild"),
        default=None,
        help="also the bootstrap intervals (debiased_lasso(bootstrap=...)), "
        "beside the normal ones on the same data sets",
    )
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates")
    parser.add_argument(
        "--no-selective",
        action="store_true",
        help="skip selective inference and the naive intervals (faster)",
    )
    args = parser.parse_args(argv)
    options = {} if args.bootstrap is None else {"bootstrap": args.bootstrap, "n_boot": args.n_boot}
    results = []
    for p in args.p:
        results.append(
            one_design(
                p,
                args.n_datasets,
                args.seed,
                args.cv_nodes,
                args.n_jobs,
                args.minutes,
                options,
                not args.no_selective,
            )
        )
        print(table(results[-1:]), flush=True)
    if len(results) > 1:
        print(table(results))


if __name__ == "__main__":
    main()
