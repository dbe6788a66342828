"""Debiased lasso speed: shrinkage's nodewise lasso against a plain loop of scikit-learn Lasso fits.

    OPENBLAS_NUM_THREADS=1 nice -n 19 .venv/bin/python -m benchmarks.inference_speed

Design: n = 500 rows, p = 1000 Toeplitz-correlated columns (rho = 0.5), standardized; the
nodewise regressions x_j ~ X_{-j} at one alpha for every node (the universal sqrt(2 log p / n),
hdi's fixed-lambda setting).  Ours: ``nodewise_inverse`` (the path engine, warm-started from each
node's alpha_max, one process) and the whole ``debiased_lasso`` (initial lasso, scaled-lasso
sigma, nodewise fits, correction).  scikit-learn: ``Lasso(alpha, fit_intercept=False)`` fitted on
X without column j, for j = 1..p, default tol, each from zero.  The two Theta agree (reported).
Timings: process CPU time after a warm-up that pays the JIT compilation, BLAS on one thread.
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits


def toeplitz_design(n: int, p: int, rho: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):  # AR(1) columns: corr(x_j, x_k) = rho^|j - k|
        X[:, j] = rho * X[:, j - 1] + math.sqrt(1 - rho**2) * rng.standard_normal(n)
    return X


def sklearn_nodewise(Xs: np.ndarray, alpha: float) -> np.ndarray:
    """Theta from a loop of scikit-learn Lasso fits, one per column."""
    from sklearn.linear_model import Lasso

    n, p = Xs.shape
    theta = np.zeros((p, p))
    for j in range(p):
        others = np.delete(np.arange(p), j)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = Lasso(alpha=alpha, fit_intercept=False).fit(Xs[:, others], Xs[:, j]).coef_
        r = Xs[:, j] - Xs[:, others] @ g
        tau_sq = r @ r / n + alpha * np.abs(g).sum()
        theta[j, others] = -g / tau_sq
        theta[j, j] = 1.0 / tau_sq
    return theta


def cpu_time(fn):
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def main(argv=None) -> None:
    from shrinkage.inference import debiased_lasso, nodewise_inverse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--p", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    n, p = args.n, args.p
    X = toeplitz_design(n, p, 0.5, seed=0)
    beta = np.zeros(p)
    beta[:5] = 1.0
    y = X @ beta + np.random.default_rng(1).standard_normal(n)
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    alpha = math.sqrt(2 * math.log(p) / n)
    with threadpool_limits(1):
        nodewise_inverse(X[:60, :30], alpha=alpha)  # warm-up: JIT compilation
        t_nodes, ours = cpu_time(lambda: nodewise_inverse(X, alpha=alpha, progress=False))
        t_all, result = cpu_time(
            lambda: debiased_lasso(
                X, y, alpha=alpha, sigma="scaled", nodewise_alpha=alpha, progress=False
            )
        )
        t_sk, theirs = cpu_time(lambda: sklearn_nodewise(Xs, alpha))
    diff = np.abs(ours.theta - theirs).max() / np.abs(theirs).max()
    lines = [
        f"Debiased lasso, n = {n}, p = {p}, Toeplitz rho = 0.5, nodewise alpha = "
        f"sqrt(2 log p / n) = {alpha:.4f}; CPU seconds, one thread.",
        "",
        "| what | CPU s | vs scikit-learn loop |",
        "|---|---:|---:|",
        f"| scikit-learn: loop of {p} Lasso fits (nodewise only) | {t_sk:.1f} | 1.0x |",
        f"| shrinkage: nodewise_inverse | {t_nodes:.1f} | {t_sk / t_nodes:.1f}x faster |",
        f"| shrinkage: whole debiased_lasso (lasso, sigma, nodewise, correction) | {t_all:.1f} | "
        f"{t_sk / t_all:.1f}x faster |",
        "",
        f"Largest difference between the two Theta, relative to max |Theta|: {diff:.1e} "
        f"(scikit-learn stops at its default tol=1e-4; ours certifies a duality gap of 1e-6). "
        f"Nodewise fits that hit max_iter: {ours.not_converged.size}. "
        f"Strongest p-values: {np.sort(result.p_values)[:3]}.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
