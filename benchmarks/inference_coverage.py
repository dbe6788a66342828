"""Coverage of shrinkage.inference's 95% intervals on simulated data (docs/inference.md).

    OPENBLAS_NUM_THREADS=1 nice -n 19 .venv/bin/python -m benchmarks.inference_coverage

Setting (Dezeure, Buhlmann, Meier and Meinshausen 2015, fixed design): n = 200 rows, p = 100
and 500 Toeplitz columns (corr rho^|j-k|, rho = 0.5), drawn once per p; beta has 5 non-zeros
equal to 1 at spread-out positions; y = X beta + N(0, 1) redrawn for every data set.

- debiased lasso: hdi's defaults (initial lasso by 5-fold CV, sigma by the scaled lasso,
  nodewise alpha by pooled CV, computed once per design since Theta depends on X alone);
  coverage of beta_j, averaged over null and active coefficients separately; KS test of the
  null coefficients' p-values (pooled) against Uniform(0, 1).
- selective inference at the fixed alpha = sqrt(2 log p / n) (sigma = 1 known): conditional
  coverage of the selected model's partial coefficients and KS of their pivots at the truth.
- naive: OLS t-intervals on the features the same lasso selected, as if chosen in advance:
  coverage of the same partial coefficients (below nominal: the selection is ignored).
"""

from __future__ import annotations

import argparse
import math
import time
import warnings

import numpy as np
from scipy.stats import kstest
from scipy.stats import t as student_t
from threadpoolctl import threadpool_limits

from .inference_speed import toeplitz_design

N, RHO, N_ACTIVE, LEVEL = 200, 0.5, 5, 0.95


def truth(p: int) -> np.ndarray:
    beta = np.zeros(p)
    beta[np.linspace(0, p - 1, N_ACTIVE + 2).astype(int)[1:-1]] = 1.0
    return beta


def naive_intervals(X: np.ndarray, y: np.ndarray, selected: np.ndarray) -> np.ndarray:
    """OLS t-intervals of y ~ 1 + X_S, ignoring that S was selected on y."""
    n = len(y)
    design = np.column_stack([np.ones(n), X[:, selected]])
    inv = np.linalg.inv(design.T @ design)
    coef = inv @ design.T @ y
    r = y - design @ coef
    dof = n - design.shape[1]
    se = np.sqrt(r @ r / dof * np.diag(inv))[1:]
    q = student_t.ppf(0.5 + LEVEL / 2, dof)
    return np.column_stack([coef[1:] - q * se, coef[1:] + q * se])


def one_design(
    p: int, n_datasets: int, seed: int, cv_nodes: int | None, minutes: float | None = None
) -> dict:
    """The study on one design: up to n_datasets data sets, fewer if ``minutes`` run out."""
    from shrinkage.inference import debiased_lasso, nodewise_inverse, selective_inference
    from shrinkage.inference._truncnorm import pivot

    X = toeplitz_design(N, p, RHO, seed)
    beta = truth(p)
    mu = X @ beta
    Xc, mu_c = X - X.mean(axis=0), mu - mu.mean()
    active = beta != 0
    start = time.perf_counter()
    nodewise = nodewise_inverse(X, alpha="cv", cv_nodes=cv_nodes, random_state=seed, progress=False)
    t_nodewise = time.perf_counter() - start
    alpha_sel = math.sqrt(2 * math.log(p) / N)
    rng = np.random.default_rng(seed + 1)
    cover_active, cover_null, null_p = [], [], []
    sel_cover, sel_pivots, naive_cover, n_selected = [], [], [], []
    start = time.perf_counter()
    done = 0
    for k in range(n_datasets):
        if minutes is not None and time.perf_counter() - start > 60 * minutes:
            break
        done += 1
        y = mu + rng.standard_normal(N)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            deb = debiased_lasso(X, y, nodewise=nodewise, random_state=k, progress=False)
        ci = deb.conf_int(LEVEL)
        inside = (ci[:, 0] <= beta) & (beta <= ci[:, 1])
        cover_active.append(inside[active].mean())
        cover_null.append(inside[~active].mean())
        null_p.extend(deb.p_values[~active])
        sel = selective_inference(X, y, alpha_sel, sigma=1.0)
        n_selected.append(len(sel))
        if len(sel):
            S = sel.feature_index
            target = np.linalg.lstsq(Xc[:, S], mu_c, rcond=None)[0]
            ci = sel.conf_int(LEVEL)
            sel_cover.extend((ci[:, 0] <= target) & (target <= ci[:, 1]))
            t = sel.truncation
            sel_pivots.extend(pivot(t.observed, target, t.sd, t.lower, t.upper)[0])
            if len(S) < N - 2:
                naive = naive_intervals(X, y, S)
                naive_cover.extend((naive[:, 0] <= target) & (target <= naive[:, 1]))
    elapsed = time.perf_counter() - start
    n_datasets = done
    return {
        "p": p,
        "n_datasets": n_datasets,
        "nodewise_alpha": float(nodewise.alphas[0]),
        "t_nodewise": t_nodewise,
        "t_per_dataset": elapsed / n_datasets,
        "deb_active": float(np.mean(cover_active)),
        "deb_null": float(np.mean(cover_null)),
        "deb_active_se": float(np.std(cover_active) / math.sqrt(n_datasets)),
        "deb_null_se": float(np.std(cover_null) / math.sqrt(n_datasets)),
        "ks_null": kstest(null_p, "uniform"),
        "n_null_p": len(null_p),
        "sel_cover": float(np.mean(sel_cover)),
        "n_sel": len(sel_cover),
        "sel_ks": kstest(sel_pivots, "uniform"),
        "alpha_sel": alpha_sel,
        "mean_selected": float(np.mean(n_selected)),
        "naive_cover": float(np.mean(naive_cover)),
        "n_naive": len(naive_cover),
    }


def table(results: list[dict]) -> str:
    lines = [
        "| p | data sets | debiased: active | debiased: null | debiased null p-values: "
        "KS D (p) | selective: conditional coverage | selective pivots: KS D (p) | "
        "naive OLS after lasso |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['p']} | {r['n_datasets']} | {r['deb_active']:.3f} ± {r['deb_active_se']:.3f}"
            f" | {r['deb_null']:.3f} ± {r['deb_null_se']:.3f} | {r['ks_null'].statistic:.3f} "
            f"({r['ks_null'].pvalue:.2g}) | {r['sel_cover']:.3f} (of {r['n_sel']}) | "
            f"{r['sel_ks'].statistic:.3f} ({r['sel_ks'].pvalue:.2g}) | {r['naive_cover']:.3f} "
            f"(of {r['n_naive']}) |"
        )
    lines.append("")
    for r in results:
        lines.append(
            f"p = {r['p']}: nodewise alpha {r['nodewise_alpha']:.3g} (pooled CV, "
            f"{r['t_nodewise']:.0f} s once), {r['t_per_dataset']:.2f} s per data set; "
            f"selective alpha {r['alpha_sel']:.3g} selects {r['mean_selected']:.1f} features "
            "on average."
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
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="time budget per design: stop drawing data sets when it is spent",
    )
    args = parser.parse_args(argv)
    results = []
    with threadpool_limits(1):
        for p in args.p:
            results.append(one_design(p, args.n_datasets, args.seed, args.cv_nodes, args.minutes))
            print(table(results[-1:]), flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
