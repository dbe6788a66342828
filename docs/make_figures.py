"""Figures and numbers of ``docs/l1-vs-l2.md``: the common claims about L1 vs L2, shown.

Run from the repository root:

    python docs/make_figures.py                 # writes docs/figures/*.png and numbers.json
    python docs/make_figures.py --quick --out /tmp/figs   # reduced settings (the test's run)

It uses only the public API (``shrinkage``, ``shrinkage.plots``, ``shrinkage.datasets``) plus
numpy and matplotlib, so it doubles as an end-to-end example.  Every random draw comes from a
fixed seed, so the figures and ``numbers.json`` are the same on every run (up to floating-point
differences between machines).  Each claim has one function below that computes its numbers,
draws its figure and returns the numbers; ``numbers.json`` holds them under the claim's key,
rounded to the precision the guide quotes (the guide's test checks they agree).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

import shrinkage
import shrinkage.plots as splots
from shrinkage.comparison import simulations
from shrinkage.datasets import load_diabetes, make_correlated_regression

HERE = Path(__file__).resolve().parent
DPI = 90
SEED = 0

#: full settings (the committed figures) and the reduced ones of ``--quick`` (the test)
SETTINGS = {
    "full": {
        "n_alphas": 100,
        "n_repeats": 3,
        "n_bootstrap": 200,
        "n_test": 2000,
        "mc_repeats": 100,
        "mc_alphas": 30,
        "cv_seeds": 20,
        "cost_shapes": [[2000, 500], [200, 5000]],
        "timing_repeats": 5,
    },
    "quick": {
        "n_alphas": 20,
        "n_repeats": 1,
        "n_bootstrap": 10,
        "n_test": 300,
        "mc_repeats": 4,
        "mc_alphas": 8,
        "cv_seeds": 3,
        "cost_shapes": [[400, 100], [50, 1000]],
        "timing_repeats": 1,
    },
}


# ------------------------------------------------------------------------------------------
# helpers


def sig(x, digits: int = 3):
    """x rounded to ``digits`` significant digits (ints and non-numbers unchanged)."""
    if isinstance(x, (bool, str)) or x is None:
        return x
    if isinstance(x, (int, np.integer)):
        return int(x)
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return x
    out = round(x, digits - 1 - math.floor(math.log10(abs(x))))
    return int(out) if out == int(out) and abs(out) >= 10 ** (digits - 1) else out


def below(x: float) -> float:
    """The power of ten just above x, at least 1e-15: round-off-sized numbers (errors, duality
    gaps) are quoted as bounds, since their exact values change with the machine and BLAS."""
    return 10.0 ** math.ceil(math.log10(max(float(x), 1e-15)))


def rounded(numbers: dict) -> dict:
    return {
        k: (
            rounded(v)
            if isinstance(v, dict)
            else [sig(a) for a in v]
            if isinstance(v, (list, tuple))
            else sig(v)
        )
        for k, v in numbers.items()
    }


class Figures:
    """Saves figures as small PNGs under ``out`` (or only closes them with ``draw=False``)."""

    def __init__(self, out: Path, draw: bool):
        self.out, self.draw, self.written = out, draw, []

    def save(self, fig, name: str) -> None:
        if self.draw:
            path = self.out / f"{name}.png"
            fig.savefig(path, dpi=DPI, bbox_inches="tight", pil_kwargs={"optimize": True})
            self.written.append(path)
        plt.close(fig)


def mse(y, pred) -> float:
    return float(np.mean((np.asarray(y) - pred) ** 2))


def standardized(X: np.ndarray) -> np.ndarray:
    """Columns centred and scaled to unit (1/n) standard deviation, as ``standardize=True``."""
    return (X - X.mean(axis=0)) / X.std(axis=0)


def sparse_design(s: dict) -> dict:
    """120 training rows, 60 Toeplitz-correlated features (rho 0.6), 6 of them informative,
    signal-to-noise 2; plus ``n_test`` fresh rows from the same distribution."""
    n_train = 120
    data = make_correlated_regression(
        n_train + s["n_test"], 60, rho=0.6, n_informative=6, snr=2.0, random_state=SEED
    )
    noise_sd = float(np.std(data.X @ data.coef)) / 2.0  # how the generator scales the noise
    names = [
        f"{name}*" if c else name for name, c in zip(data.feature_names, data.coef, strict=True)
    ]  # * = informative
    return {
        "X": data.X[:n_train],
        "y": data.y[:n_train],
        "X_test": data.X[n_train:],
        "y_test": data.y[n_train:],
        "coef": data.coef,
        "names": names,
        "noise_sd": noise_sd,
    }


def pair_design(n: int = 100, coef=(1.0, 1.0), seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """A correlated pair a1, a2 (r about 0.98), two more signals x0, x1 and four noise columns."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n)
    X = np.column_stack(
        [
            z + 0.15 * rng.standard_normal(n),
            z + 0.15 * rng.standard_normal(n),
            rng.standard_normal((n, 6)),
        ]
    )
    truth = np.array([*coef, 1.0, -0.5, 0, 0, 0, 0])
    return X, X @ truth + 3.0 * rng.standard_normal(n)


PAIR_NAMES = ["a1", "a2", "x0", "x1", "x2", "x3", "x4", "x5"]


# ------------------------------------------------------------------------------------------
# (1) and (2): exact zeros, and ridge keeping everything


def claims_zeros_and_ridge(ctx) -> tuple[dict, dict]:
    d, comp = ctx["sparse"], ctx["sparse_comparison"]
    truth = np.flatnonzero(d["coef"])
    null = np.flatnonzero(d["coef"] == 0)
    l1, l2, en = comp["l1"], comp["l2"], comp["elasticnet"]
    w1se, _ = l1.cv_result.coefs_at("1se")
    test = {
        k: mse(d["y_test"], d["X_test"] @ m.coef + m.intercept) for k, m in comp.results.items()
    }

    freq = l1.selection_frequency
    zeros = {
        "n_features": d["X"].shape[1],
        "n_true": truth.size,
        "n_samples": d["X"].shape[0],
        "l1_alpha_min": l1.alpha_min,
        "l1_nnz": l1.nnz,
        "l1_exact_zeros": int(np.sum(l1.coef == 0.0)),
        "l1_true_kept": int(np.count_nonzero(l1.coef[truth])),
        "l1_false_kept": int(np.count_nonzero(l1.coef[null])),
        "l1_1se_nnz": int(np.count_nonzero(w1se)),
        "l1_1se_false_kept": int(np.count_nonzero(w1se[null])),
        "l1_1se_true_kept": int(np.count_nonzero(w1se[truth])),
        "l1_true_min_frequency_pct": 100 * float(freq[truth].min()),
        "l1_null_max_frequency_pct": 100 * float(freq[null].max()),
        "l1_null_most_frequent": d["names"][null[int(np.argmax(freq[null]))]],
        "en_nnz": en.nnz,
        "en_l1_ratio": en.l1_ratio,
        "test_mse_l1": test["l1"],
        "test_mse_l2": test["l2"],
        "test_mse_en": test["elasticnet"],
        "noise_var": d["noise_sd"] ** 2,
    }
    # the optimality (KKT) condition on the standardized columns the lasso penalizes: the
    # correlation of column j with the residual, |x_j'r| / n, equals alpha where w_j != 0 and is
    # at most alpha where w_j = 0
    score = np.abs(standardized(d["X"]).T @ (d["y"] - d["X"] @ l1.coef - l1.intercept))
    score /= d["X"].shape[0] * l1.alpha_min
    zeros["l1_kkt_zero_max"] = float(score[l1.coef == 0].max())
    zeros["l1_kkt_active_min"] = float(score[l1.coef != 0].min())
    # ridge: effective degrees of freedom of its fit, trace of the hat matrix, on the
    # standardized columns it penalizes: sum s^2 / (s^2 + n alpha) (Elastic-Net scaling)
    n = d["X"].shape[0]
    s = np.linalg.svd(standardized(d["X"]), compute_uv=False)
    df = float(np.sum(s**2 / (s**2 + n * l2.alpha)))
    ridge = {
        "l2_alpha_min": l2.alpha,
        "l2_nnz": l2.nnz,
        "n_features": d["X"].shape[1],
        "l2_min_abs_coef": float(np.abs(l2.coef).min()),
        "l2_max_abs_null": float(np.abs(l2.coef[null]).max()),
        "l2_min_abs_true": float(np.abs(l2.coef[truth]).min()),
        "l2_null_larger_than_smallest_true": int(
            np.sum(np.abs(l2.coef[null]) > np.abs(l2.coef[truth]).min())
        ),
        "l2_df": df,
        "l1_nnz": l1.nnz,
    }
    fig = splots.plot_paths(
        {
            "L1 (lasso)": l1.path,
            f"Elastic net (l1_ratio={en.l1_ratio:g})": en.path,
            "L2 (ridge)": l2.path,
        },
        marks={
            "L1 (lasso)": {"CV alpha_min": l1.alpha},
            f"Elastic net (l1_ratio={en.l1_ratio:g})": {"CV alpha_min": en.alpha},
            "L2 (ridge)": {"CV alpha_min": l2.alpha},
        },
        n_labels=6,
        title="Coefficient paths on 120 rows, 60 features; the 6 informative "
        "ones are starred (" + ", ".join(d["names"][j] for j in truth) + ")",
    )
    ctx["figures"].save(fig, "paths")
    return zeros, ridge


# ------------------------------------------------------------------------------------------
# (3) and (4): stability under collinearity, and Elastic Net keeping groups


def claims_stability_and_groups(ctx) -> tuple[dict, dict]:
    s = ctx["s"]
    comp = ctx["pair_comparison"]
    X, y = ctx["pair"]
    models = comp.models  # l1, l2, elasticnet, ols
    stab = {
        "corr_a1_a2": float(np.corrcoef(X[:, 0], X[:, 1])[0, 1]),
        "vif_a1": float(comp.collinearity.vif[0]),
        "condition_number": float(comp.collinearity.condition_number),
        "n_bootstrap": comp.n_bootstrap,
    }
    for k, m in models.items():
        b = m.bootstrap_coefs
        stab[f"{k}_sd_a1"] = float(m.coef_sd[0])
        stab[f"{k}_sd_a2"] = float(m.coef_sd[1])
        stab[f"{k}_sd_sum"] = float(np.std(b[:, 0] + b[:, 1], ddof=1))
        stab[f"{k}_freq_a1_pct"] = 100 * float(m.selection_frequency[0])
        stab[f"{k}_freq_a2_pct"] = 100 * float(m.selection_frequency[1])
        stab[f"{k}_alpha"] = float(m.alpha)
        stab[f"{k}_cv_error"] = float(m.cv_error)
    stab["l1_cv_error_se"] = float(models["l1"].cv_error_se)
    stab["l1_both_kept_pct"] = 100 * float(
        np.mean(np.all(models["l1"].bootstrap_coefs[:, :2] != 0, axis=1))
    )

    fig, axes = plt.subplots(
        1, 4, figsize=(14.5, 4.0), sharex=True, sharey=True, layout="constrained"
    )
    order = [
        ("ols", "OLS (no penalty)"),
        ("l1", "L1 (lasso)"),
        ("elasticnet", "Elastic net"),
        ("l2", "L2 (ridge)"),
    ]
    for ax, (k, label) in zip(axes, order, strict=True):
        b = models[k].bootstrap_coefs
        ax.scatter(b[:, 0], b[:, 1], s=7, alpha=0.45, color="tab:blue", lw=0)
        ax.plot(
            *models[k].coef[:2], marker="X", color="black", ms=8, ls="none", label="full-data fit"
        )
        ax.plot([-3, 5], [5, -3], color="0.5", lw=0.8, ls="--", label="a1 + a2 = 2 (truth)")
        ax.plot(1, 1, marker="*", color="tab:red", ms=11, ls="none", label="truth (1, 1)")
        ax.axhline(0, color="black", lw=0.5)
        ax.axvline(0, color="black", lw=0.5)
        ax.set_title(
            f"{label}\nsd(a1) = {models[k].coef_sd[0]:.2f}, sd(a2) = {models[k].coef_sd[1]:.2f}",
            fontsize="medium",
        )
        ax.set_xlabel("coefficient of a1")
        ax.set_aspect("equal", adjustable="box")
    axes[0].set_ylabel("coefficient of a2")
    axes[0].set_xlim(-3, 5)
    axes[0].set_ylim(-3, 5)
    axes[0].legend(loc="upper right", fontsize="x-small")
    fig.suptitle(
        f"{comp.n_bootstrap} bootstrap refits at each penalty's CV-chosen alpha; "
        f"corr(a1, a2) = {stab['corr_a1_a2']:.2f}"
    )
    ctx["figures"].save(fig, "stability")

    # (4): how each penalty shares the pair; then the Elastic Net's mix, and an irrelevant twin
    sd = X.std(axis=0)
    group = comp.groups[0]
    groups = {"members": list(group.group.names)}
    for k, t in group.penalties.items():
        groups[f"{k}_kept"] = len(t.kept)
        groups[f"{k}_share_a1"] = float(np.nan_to_num(t.weight_share[0]))
    ratios = [1.0, 0.9, 0.7, 0.5, 0.3, 0.1]
    shares, kept = [], []
    for r in ratios:
        cv = shrinkage.cross_validate_path(
            X,
            y,
            l1_ratio=r,
            standardize=True,
            cv=5,
            n_alphas=s["n_alphas"],
            random_state=SEED,
            progress=False,
        )
        w, _ = cv.coefs_at("min")
        weight = np.abs(w[:2] * sd[:2])
        shares.append(float(weight.min() / weight.sum()) if weight.sum() > 0 else 0.0)
        kept.append(int(np.count_nonzero(w[:2])))
    groups["ratios"] = ratios
    groups["smaller_share_by_ratio"] = shares
    groups["kept_by_ratio"] = kept
    Xt, yt = pair_design(coef=(2.0, 0.0))
    twin = {}
    for r in (1.0, 0.5):
        cv = shrinkage.cross_validate_path(
            Xt,
            yt,
            l1_ratio=r,
            standardize=True,
            cv=5,
            n_alphas=s["n_alphas"],
            random_state=SEED,
            progress=False,
        )
        w, _ = cv.coefs_at("min")
        twin[r] = w[:2]
    groups["twin_en_a2"] = float(twin[0.5][1])
    groups["twin_en_a1"] = float(twin[0.5][0])
    groups["twin_l1_a2"] = float(twin[1.0][1])
    groups["twin_l1_a1"] = float(twin[1.0][0])

    fig = plt.figure(figsize=(16.5, 4.4), layout="constrained")
    sub = fig.subfigures(1, 2, width_ratios=[3.0, 1.0])
    path_axes = sub[0].subplots(1, 3, sharey=True)
    en = models["elasticnet"]
    panels = {
        "L1 (lasso)": models["l1"].path,
        f"Elastic net (l1_ratio={en.l1_ratio:g})": en.path,
        "L2 (ridge)": models["l2"].path,
    }
    marks = {
        label: {"CV alpha_min": models[k].alpha}
        for label, k in zip(panels, ("l1", "elasticnet", "l2"), strict=True)
    }
    splots.plot_paths(panels, marks=marks, feature_names=PAIR_NAMES, n_labels=4, axes=path_axes)
    ax = sub[1].subplots()
    ax.plot(ratios, shares, marker="o", color="tab:green")
    ax.set_xlabel("l1_ratio (1 = lasso)")
    ax.set_ylabel("smaller member's share of the pair's weight")
    ax.set_ylim(-0.02, 0.52)
    ax.invert_xaxis()
    ax.axhline(0.5, color="0.5", lw=0.8, ls="--")
    ax.set_title("Sharing of (a1, a2)\nat the CV alpha_min of each mix", fontsize="medium")
    ctx["figures"].save(fig, "groups")
    return stab, groups


# ------------------------------------------------------------------------------------------
# (5): alpha too high / too low


def claim_alpha_extremes(ctx) -> dict:
    d, comp = ctx["sparse"], ctx["sparse_comparison"]
    X, y, Xt, yt = d["X"], d["y"], d["X_test"], d["y_test"]
    ols = np.linalg.lstsq(np.column_stack([np.ones(len(y)), X]), y, rcond=None)[0][1:]
    out = {
        "var_y_train": float(np.var(y)),
        "var_y_test": float(np.var(yt)),
        "noise_var": d["noise_sd"] ** 2,
        "n_samples": X.shape[0],
        "n_features": X.shape[1],
    }
    fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.3), sharey=True, layout="constrained")
    for ax, (k, label) in zip(axes, (("l1", "L1 (lasso)"), ("l2", "L2 (ridge)")), strict=True):
        m = comp[k]
        p = m.path
        train = np.array([mse(y, X @ w + b) for w, b in zip(p.coefs, p.intercepts, strict=True)])
        test = np.array([mse(yt, Xt @ w + b) for w, b in zip(p.coefs, p.intercepts, strict=True)])
        best = int(np.argmin(test))
        out[f"{k}_alpha_top"] = float(p.alphas[0])
        out[f"{k}_nnz_at_top"] = int(p.nnz[0])
        out[f"{k}_train_at_top"] = float(train[0])
        out[f"{k}_test_at_top"] = float(test[0])
        out[f"{k}_alpha_small"] = float(p.alphas[-1])
        out[f"{k}_train_at_small"] = float(train[-1])
        out[f"{k}_test_at_small"] = float(test[-1])
        out[f"{k}_dist_to_ols_at_small"] = float(
            np.linalg.norm(p.coefs[-1] - ols) / np.linalg.norm(ols)
        )
        out[f"{k}_best_alpha"] = float(p.alphas[best])
        out[f"{k}_best_test"] = float(test[best])
        out[f"{k}_cv_alpha_min"] = float(m.alpha_min)
        out[f"{k}_test_at_cv"] = float(test[int(np.argmin(np.abs(p.alphas - m.alpha_min)))])
        ax.plot(p.alphas, train, color="tab:blue", lw=2, label="training MSE")
        ax.plot(p.alphas, test, color="black", lw=2, label=f"test MSE ({len(yt)} fresh rows)")
        ax.plot(m.alphas, m.cv_mean, color="tab:red", lw=1.2, ls="--", label="5-fold CV MSE")
        ax.axhline(
            out["noise_var"],
            color="0.5",
            lw=1,
            ls=":",
            label=f"noise variance ({out['noise_var']:.2f})",
        )
        ax.axvline(
            m.alpha_min, color="tab:red", lw=0.8, ls="-.", label=f"CV alpha_min = {m.alpha_min:.3g}"
        )
        ax.set_xscale("log")
        ax.invert_xaxis()
        ax.set_xlabel(r"$\alpha$ (log scale, decreasing)")
        ax.set_title(f"{label}: too much penalty (left) to almost none (right)", fontsize="medium")
        ax.legend(loc="upper right", fontsize="small")
    axes[0].set_ylabel("mean squared error")
    axes[0].set_ylim(
        0, 1.25 * max(out["var_y_test"], out["l2_test_at_small"], out["l1_test_at_small"])
    )
    ctx["figures"].save(fig, "alpha_extremes")
    return out


# ------------------------------------------------------------------------------------------
# (6): cross-validation picks alpha: min vs 1-SE, and how much the choice moves


def claim_cv(ctx) -> dict:
    s = ctx["s"]
    data = ctx["diabetes"]
    opts = {
        "standardize": True,
        "cv": 10,
        "n_alphas": s["n_alphas"],
        "progress": False,
        "feature_names": data.feature_names,
    }
    cv = shrinkage.cross_validate_path(data.X, data.y, random_state=SEED, **opts)
    w_min, _ = cv.coefs_at("min")
    w_1se, _ = cv.coefs_at("1se")
    out = {
        "n_samples": data.X.shape[0],
        "n_features": data.X.shape[1],
        "alpha_min": cv.alpha_min,
        "alpha_1se": cv.alpha_1se,
        "nnz_min": int(np.count_nonzero(w_min)),
        "nnz_1se": int(np.count_nonzero(w_1se)),
        "cv_min": float(cv.cv_mean[cv.index_min]),
        "cv_se_min": float(cv.cv_se[cv.index_min]),
        "cv_1se": float(cv.cv_mean[cv.index_1se]),
        "kept_1se": [data.feature_names[j] for j in np.flatnonzero(w_1se)],
    }
    mins, ses, nnz_min, nnz_1se = [], [], [], []
    for seed in range(s["cv_seeds"]):
        r = shrinkage.cross_validate_path(data.X, data.y, random_state=seed, **opts)
        mins.append(r.alpha_min)
        ses.append(r.alpha_1se)
        nnz_min.append(int(r.nnz[r.index_min]))
        nnz_1se.append(int(r.nnz[r.index_1se]))
    out.update(
        {
            "n_fold_seeds": s["cv_seeds"],
            "alpha_min_lo": min(mins),
            "alpha_min_hi": max(mins),
            "alpha_1se_lo": min(ses),
            "alpha_1se_hi": max(ses),
            "nnz_min_lo": min(nnz_min),
            "nnz_min_hi": max(nnz_min),
            "nnz_1se_lo": min(nnz_1se),
            "nnz_1se_hi": max(nnz_1se),
        }
    )

    fig, (a0, a1) = plt.subplots(
        1, 2, figsize=(11.5, 4.3), layout="constrained", gridspec_kw={"width_ratios": [1.5, 1.0]}
    )
    splots.plot_cv(cv, ax=a0)
    a0.set_title("Diabetes, lasso, 10-fold CV (fold seed 0)", pad=32)
    rng = np.random.default_rng(SEED)
    jitter = 0.08 * rng.standard_normal(len(mins))
    a1.scatter(mins, 1 + jitter, color="tab:red", s=18, label="alpha_min")
    a1.scatter(ses, jitter, color="black", s=18, marker="s", label="alpha_1se")
    a1.set_xscale("log")
    a1.set_yticks([0, 1], ["1-SE rule", "minimum"])
    a1.set_ylim(-0.6, 1.6)
    a1.set_xlabel(r"chosen $\alpha$ (log scale)")
    a1.set_title(f"The choice over {len(mins)} random fold assignments", fontsize="medium")
    ctx["figures"].save(fig, "cv")
    return out


# ------------------------------------------------------------------------------------------
# (7): the geometry


def claim_geometry(ctx) -> dict:
    out = {}
    fig, axes = plt.subplots(2, 1, figsize=(8.6, 10.0), layout="constrained")
    cases = (("sparse", (2.0, 0.0)), ("dense", (1.5, 1.2)))
    for ax, (name, coef) in zip(axes, cases, strict=True):
        X, y = simulations.synthetic_pair(200, coef=coef, rho=0.5, random_state=SEED)
        g = simulations.geometry_data(X, y, features=(0, 1), feature_names=["w1", "w2"])
        splots.plot_geometry(g, ax=ax)
        ax.set_title(f"truth ({coef[0]:g}, {coef[1]:g}): {ax.get_title()}", fontsize="medium")
        out[f"{name}_truth"] = list(coef)
        out[f"{name}_least_squares"] = [float(v) for v in g.least_squares]
        out[f"{name}_budget"] = g.budget
        out[f"{name}_l1"] = [float(v) for v in g.l1_solution]
        out[f"{name}_l2"] = [float(v) for v in g.l2_solution]
        out[f"{name}_l1_zeros"] = int(np.sum(g.l1_solution == 0.0))
        out[f"{name}_l2_zeros"] = int(np.sum(g.l2_solution == 0.0))
    ctx["figures"].save(fig, "geometry")
    return out


# ------------------------------------------------------------------------------------------
# (8): the pull: constant vs proportional, and what happens with correlated columns


def orthonormal_design() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, z): 200 x 8 centred columns with X'X / n = I, and z = the least-squares fit."""
    rng = np.random.default_rng(SEED)
    n, p = 200, 8
    Q, _ = np.linalg.qr(rng.standard_normal((n, p)))
    X = Q - Q.mean(axis=0)
    Q, _ = np.linalg.qr(X)
    X = Q * math.sqrt(n)  # centred columns with X'X / n = I
    y = X @ np.array([3, -2, 1.5, 0.8, -0.5, 0.3, 0, 0]) + rng.standard_normal(n)
    return X, y, X.T @ (y - y.mean()) / n


def soft_threshold(z, t):
    """sign(z) max(|z| - t, 0): the lasso's solution for orthonormal columns."""
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def claim_pull(ctx) -> dict:
    X, y, z = ctx["orthonormal"]
    n, alpha = X.shape[0], 0.5
    lasso = shrinkage.Lasso(alpha, tol=1e-12).fit(X, y).coef_
    ridge = shrinkage.Ridge(alpha * n, tol=1e-12).fit(X, y).coef_  # Ridge(alpha n) = EN(alpha)
    out = {
        "alpha": alpha,
        "orthonormal_lasso_error": below(np.abs(lasso - soft_threshold(z, alpha)).max()),
        "orthonormal_ridge_error": below(np.abs(ridge - z / (1 + alpha)).max()),
        "lasso_shift": [float(v) for v in (z - lasso)[np.abs(z) > alpha]],
        "ridge_ratio": [float(v) for v in (ridge / z)],
    }
    out["orthonormal_max_error"] = max(
        out["orthonormal_lasso_error"], out["orthonormal_ridge_error"]
    )

    data = ctx["diabetes"]
    path = shrinkage.path(
        data.X,
        data.y,
        standardize=True,
        n_alphas=ctx["s"]["n_alphas"],
        feature_names=data.feature_names,
    )
    j = data.feature_names.index("s3")
    c = path.coefs[:, j]
    out["s3_most_negative"] = float(c.min())
    out["s3_at_smallest_alpha"] = float(c[-1])
    out["smallest_alpha"] = float(path.alphas[-1])
    ols = np.linalg.lstsq(np.column_stack([np.ones(len(data.y)), data.X]), data.y, rcond=None)[0]
    out["s3_least_squares"] = float(ols[1 + j])
    out["s3_sign_changes"] = int(np.sum(np.diff(np.sign(c[c != 0])) != 0))

    fig = plt.figure(figsize=(11.0, 9.0), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1.0, 1.0])
    splots.plot_shrinkage(1.0, axes=top.subplots(1, 2))
    ax = bottom.subplots()
    splots.plot_paths(
        {"Diabetes, lasso path (standardized): s3 grows, then shrinks and changes sign": path},
        ax=ax,
        n_labels=10,
    )
    ctx["figures"].save(fig, "pull")
    return out


# ------------------------------------------------------------------------------------------
# (9): bias-variance against alpha


def dense_truth(d: dict) -> tuple[np.ndarray, float]:
    """A dense truth for the sparse design's X: all 60 coefficients non-zero, N(0, 1) draws,
    with the noise scaled to the same signal-to-noise ratio, 2 (over the same rows)."""
    coef = np.random.default_rng(SEED).standard_normal(d["X"].shape[1])
    rows = np.vstack([d["X"], d["X_test"]])
    return coef, float(np.std(rows @ coef)) / 2.0


def bias_variance_curves(ctx, truth: tuple[np.ndarray, float]) -> dict:
    """Monte Carlo curves of L1 and L2 on Gaussian designs like the sparse design's X, for the
    truth (coefficients, noise sd): ``{"l1": curve, "l2": curve}``."""
    s, d = ctx["s"], ctx["sparse"]
    coef, noise_sd = truth
    return {
        k: simulations.bias_variance_curve(
            d["X"],
            coef=coef,
            noise=noise_sd,
            penalty=k,
            design="gaussian",
            n_repeats=s["mc_repeats"],
            n_alphas=s["mc_alphas"],
            n_test=500,
            standardize=True,
            random_state=SEED,
        )
        for k in ("l1", "l2")
    }


def claim_bias_variance(ctx) -> dict:
    s, d = ctx["s"], ctx["sparse"]
    curves = {}
    out = {"n_repeats": s["mc_repeats"], "noise_var": d["noise_sd"] ** 2}
    for k, label in (("l1", "L1 (lasso)"), ("l2", "L2 (ridge)")):
        c = ctx["bv_sparse"][k]
        curves[label] = c
        i = c.index_best
        out[f"{k}_decomposition"] = float(c.bias2[i] + c.variance[i] + c.noise_var)
        out[f"{k}_alpha_best"] = c.alpha_best
        out[f"{k}_mse_best"] = float(c.mse[i])
        out[f"{k}_bias2_best"] = float(c.bias2[i])
        out[f"{k}_variance_best"] = float(c.variance[i])
        out[f"{k}_bias2_large"] = float(c.bias2[0])
        out[f"{k}_variance_large"] = float(c.variance[0])
        out[f"{k}_bias2_small"] = float(c.bias2[-1])
        out[f"{k}_variance_small"] = float(c.variance[-1])
        # as alpha decreases, does the variance ever fall (by more than 1%, not round-off)?
        falls = np.flatnonzero(np.diff(c.variance) < -0.01 * c.variance[:-1])
        out[f"{k}_variance_monotone"] = bool(falls.size == 0)
        out[f"{k}_bias2_floor"] = float(c.bias2.min())
        out[f"{k}_mc_floor"] = float(c.variance[-1] / c.n_repeats)  # Var / R, see the guide
        # the first bump of the variance as alpha decreases (a local maximum, then a dip)
        if falls.size:
            top = int(falls[0])
            rest = c.variance[top:]
            above = np.flatnonzero(rest > rest[0])
            dip = top + int(np.argmin(rest[: above[0] if above.size else rest.size]))
            out[f"{k}_variance_bump"] = float(c.variance[top])
            out[f"{k}_variance_bump_alpha"] = float(c.alphas[top])
            out[f"{k}_variance_dip"] = float(c.variance[dip])
            out[f"{k}_variance_dip_alpha"] = float(c.alphas[dip])
    fig = splots.plot_bias_variance(
        curves, title="Simulated training sets like the sparse design (120 x 60, 6 informative)"
    )
    ctx["figures"].save(fig, "bias_variance")
    return out


# ------------------------------------------------------------------------------------------
# (10): the L1 penalty is not robust to outliers


def claim_outliers(ctx) -> dict:
    data = ctx["diabetes"]
    X, y, names = data.X, data.y, data.feature_names
    s = ctx["s"]
    cv = shrinkage.cross_validate_path(
        X, y, standardize=True, cv=10, n_alphas=s["n_alphas"], random_state=SEED, progress=False
    )
    alpha = cv.alpha_1se
    i = int(np.argmax(X[:, names.index("bmi")]))  # the patient with the highest BMI
    y_bad = y.copy()
    y_bad[i] = y[i] + 10 * y.std()
    clean = shrinkage.Lasso(alpha, standardize=True).fit(X, y)
    dirty = shrinkage.Lasso(alpha, standardize=True).fit(X, y_bad)
    cv_bad = shrinkage.cross_validate_path(
        X, y_bad, standardize=True, cv=10, n_alphas=s["n_alphas"], random_state=SEED, progress=False
    )
    w_bad, _ = cv_bad.coefs_at("1se")
    sd = X.std(axis=0)
    bmi = names.index("bmi")
    out = {
        "alpha": alpha,
        "row": i,
        "shift": float(10 * y.std()),
        "y_sd": float(y.std()),
        "n_samples": len(y),
        "bmi_clean": float(clean.coef_[bmi]),
        "bmi_outlier": float(dirty.coef_[bmi]),
        "bmi_change_pct": float(100 * (dirty.coef_[bmi] / clean.coef_[bmi] - 1)),
        "nnz_clean": int(np.count_nonzero(clean.coef_)),
        "nnz_outlier": int(np.count_nonzero(dirty.coef_)),
        "dropped": [names[j] for j in np.flatnonzero((clean.coef_ != 0) & (dirty.coef_ == 0))],
        "largest_change_std": float(np.max(np.abs((dirty.coef_ - clean.coef_) * sd))),
        "cv_nnz_clean": int(cv.nnz[cv.index_1se]),
        "cv_nnz_outlier": int(np.count_nonzero(w_bad)),
        "cv_kept_outlier": [names[j] for j in np.flatnonzero(w_bad)],
        "mean_clean": float(np.mean(y)),
        "mean_outlier": float(np.mean(y_bad)),
        "median_clean": float(np.median(y)),
        "median_outlier": float(np.median(y_bad)),
    }

    fig, (a0, a1) = plt.subplots(
        1, 2, figsize=(12.0, 4.2), layout="constrained", gridspec_kw={"width_ratios": [1.6, 1.0]}
    )
    pos = np.arange(len(names))
    a0.bar(pos - 0.2, clean.coef_ * sd, width=0.4, color="tab:blue", label="clean y")
    a0.bar(
        pos + 0.2,
        dirty.coef_ * sd,
        width=0.4,
        color="tab:red",
        label=f"one y moved by 10 sd (row {i})",
    )
    a0.set_xticks(pos, names)
    a0.axhline(0, color="black", lw=0.6)
    a0.set_ylabel("coefficient per sd of the feature")
    a0.set_title(f"Lasso (L1 penalty, squared-error loss), alpha = {alpha:.3g}", fontsize="medium")
    a0.legend(fontsize="small")
    c = np.linspace(y.min() - 10, y_bad.max() + 10, 600)
    sq = np.array([np.mean((y_bad - v) ** 2) for v in c])
    ab = np.array([np.mean(np.abs(y_bad - v)) for v in c])
    a1.plot(
        c,
        sq / sq.min(),
        color="tab:orange",
        lw=2,
        label=f"squared loss: minimum at the mean {np.mean(y_bad):.1f}",
    )
    a1.plot(
        c,
        ab / ab.min(),
        color="tab:blue",
        lw=2,
        label=f"absolute (L1) loss: minimum at the median {np.median(y_bad):.1f}",
    )
    a1.axvline(
        np.mean(y),
        color="tab:orange",
        lw=0.8,
        ls=":",
        label=f"mean without the outlier {np.mean(y):.1f}",
    )
    a1.set_ylim(0.95, 1.6)
    a1.set_xlim(100, 200)
    a1.set_xlabel("constant prediction c")
    a1.set_ylabel("loss / its minimum")
    a1.set_title(
        "The L1 LOSS is what resists outliers\n(same outlier, best constant)", fontsize="medium"
    )
    a1.legend(fontsize="x-small", loc="upper left")
    ctx["figures"].save(fig, "outliers")
    return out


# ------------------------------------------------------------------------------------------
# (11): multiple lasso solutions: duplicated columns, vs generic designs


def _lasso_by_column_orders(X, y, alpha, orders):
    """Lasso fits with the columns in different orders (coordinate descent visits them in
    order, so ties are broken differently); coefficients mapped back to X's order."""
    fits = []
    for order in orders:
        m = shrinkage.Lasso(alpha, tol=1e-12, max_iter=100_000).fit(X[:, order], y)
        w = np.empty(X.shape[1])
        w[order] = m.coef_
        fits.append((w, float(m.intercept_), float(m.dual_gap_)))
    return fits


def claim_uniqueness(ctx) -> dict:
    rng = np.random.default_rng(SEED)
    n, alpha = 100, 0.1

    def objective(X, y, w, b):
        r = y - X @ w - b
        return float(r @ r / (2 * len(y)) + alpha * np.abs(w).sum())

    x = rng.standard_normal(n)
    X = np.column_stack([x, x, rng.standard_normal((n, 3))])  # columns 0 and 1 identical
    y = 2 * x + X[:, 2] + rng.standard_normal(n)
    (wa, ba, ga), (wb, bb, gb) = _lasso_by_column_orders(
        X, y, alpha, [[0, 1, 2, 3, 4], [1, 0, 2, 3, 4]]
    )
    ts = np.linspace(0, 1, 11)
    along = [objective(X, y, t * wa + (1 - t) * wb, t * ba + (1 - t) * bb) for t in ts]
    out = {
        "alpha": alpha,
        "n_samples": n,
        # (CD leaves the copy at a round-off 1e-16, not an exact 0: shown to 6 decimals)
        "dup_w_a": [round(float(v), 6) for v in wa[:2]],
        "dup_w_b": [round(float(v), 6) for v in wb[:2]],
        "dup_gap_a": below(ga),
        "dup_gap_b": below(gb),
        "dup_objective_a": objective(X, y, wa, ba),
        "dup_objective_b": objective(X, y, wb, bb),
        "dup_objective_spread": below(max(along) - min(along)),
        "dup_fitted_diff": below(np.abs(X @ wa + ba - X @ wb - bb).max()),
        "dup_l1_norm_a": float(np.abs(wa).sum()),
        "dup_l1_norm_b": float(np.abs(wb).sum()),
    }

    # generic n > p: a strongly correlated (not identical) pair
    Xg = np.column_stack([x, x + 0.3 * rng.standard_normal(n), X[:, 2:]])
    yg = 2 * x + Xg[:, 2] + rng.standard_normal(n)
    fits = _lasso_by_column_orders(Xg, yg, alpha, [[0, 1, 2, 3, 4], [1, 0, 2, 3, 4]])
    out["corr_pair"] = float(np.corrcoef(Xg[:, 0], Xg[:, 1])[0, 1])
    out["generic_w"] = [float(v) for v in fits[0][0][:2]]
    out["generic_diff"] = below(np.abs(fits[0][0] - fits[1][0]).max())
    moved = np.linspace(0.0, wa[0], 41)  # weight moved from the first column to the second
    step = np.array([-1.0, 1.0, 0.0, 0.0, 0.0])
    dup_curve = [objective(X, y, wa + m * step, ba) for m in moved]
    generic_curve = [objective(Xg, yg, fits[0][0] + m * step, fits[0][1]) for m in moved]

    # generic p > n: Gaussian columns, three column orders
    Xp = rng.standard_normal((40, 200))
    yp = Xp[:, :3] @ np.array([2.0, -1.0, 1.5]) + rng.standard_normal(40)
    orders = [np.arange(200)] + [rng.permutation(200) for _ in range(2)]
    pfits = _lasso_by_column_orders(Xp, yp, alpha, orders)
    out["p_gt_n_shape"] = [40, 200]
    out["p_gt_n_nnz"] = int(np.count_nonzero(pfits[0][0]))
    out["p_gt_n_diff"] = below(max(np.abs(f[0] - pfits[0][0]).max() for f in pfits[1:]))

    fig, ax = plt.subplots(figsize=(7.0, 4.2), layout="constrained")
    ax.plot(
        moved,
        np.array(dup_curve) - out["dup_objective_a"],
        color="tab:blue",
        lw=2,
        label="two identical columns: a segment of solutions",
    )
    ax.plot(
        moved,
        np.array(generic_curve) - generic_curve[0],
        color="tab:orange",
        lw=2,
        label=f"corr = {out['corr_pair']:.2f} (not identical): one solution",
    )
    ax.plot(
        [0.0, wa[0]],
        [0.0, 0.0],
        ls="none",
        marker="o",
        color="black",
        label="the two fits (column orders 0, 1 and 1, 0)",
    )
    ax.set_xlabel("weight moved from the first column of the pair to the second")
    ax.set_ylabel("lasso objective minus its minimum")
    ax.set_ylim(-0.01, 0.3)
    ax.set_title(
        f"Lasso, alpha = {alpha:g}, n = {n}: ties need exactly dependent columns", fontsize="medium"
    )
    ax.legend(fontsize="small", loc="upper left")
    ctx["figures"].save(fig, "uniqueness")
    return out


# ------------------------------------------------------------------------------------------


# ------------------------------------------------------------------------------------------
# (12): cost: ridge's closed form against the lasso's iterations, timed on the same data


def best_time(fn, repeats: int) -> float:
    """The fastest of ``repeats`` calls, in seconds, after one warm-up call (numba compiles its
    kernels on first use): the least disturbed by other work on the machine."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def machine() -> str:
    """The processor, cores, system and numpy: what a timing depends on."""
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        names = [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
        model = names[0] if names else model
    return (
        f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )


def ridge_path_eigen(X: np.ndarray, y: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """Ridge coefficients (original scale, standardized penalty) for every alpha from one
    eigendecomposition R = V diag(lam) V' of the columns' correlation matrix R = X_s'X_s / n:
    w(alpha) = V diag(1 / (lam + alpha)) V' X_s'y / n."""
    n = X.shape[0]
    Xs = standardized(X)
    lam, V = np.linalg.eigh(Xs.T @ Xs / n)
    vty = V.T @ (Xs.T @ (y - y.mean()) / n)
    return np.array([V @ (vty / (lam + a)) for a in alphas]) / X.std(axis=0)


def claim_cost(ctx) -> tuple[dict, dict]:
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    with threadpool_limits(1):  # one core for BLAS, as for the lasso's kernels: a fair race
        return _cost(ctx["s"])


def _cost(s: dict) -> tuple[dict, dict]:
    out, timings = {}, {"machine": machine(), "repeats": s["timing_repeats"], "threads": 1}
    for shape, (n, p) in zip(("tall", "wide"), s["cost_shapes"], strict=True):
        one, times = _cost_on(n, p, s["timing_repeats"])
        out.update({f"{shape}_{k}": v for k, v in one.items()})
        timings.update({f"{shape}_{k}": v for k, v in times.items()})
    return out, timings


def _cost_on(n: int, p: int, repeat: int) -> tuple[dict, dict]:
    """Ridge (closed form) and lasso (iterations) on one n x p design: what each fit needs,
    and how long it takes (the fastest of ``repeat`` runs)."""
    data = make_correlated_regression(
        n, p, rho=0.6, n_informative=max(p // 25, 5), snr=2.0, random_state=SEED
    )
    X, y = np.asarray(data.X, order="C"), data.y
    alpha_max = float(np.abs(standardized(X).T @ (y - y.mean())).max() / n)
    out = {"n_samples": n, "n_features": p}
    ridge = shrinkage.Ridge(n * alpha_max / 10, standardize=True).fit(X, y)
    out["ridge_n_iter"] = int(ridge.n_iter_)
    times = {
        "ridge_fit_ms": 1e3
        * best_time(lambda: shrinkage.Ridge(n * alpha_max / 10, standardize=True).fit(X, y), repeat)
    }
    # small: near least squares (n > p); near the interpolating end of the path (p > n)
    for name, ratio in (("mid", 10), ("small", 1000 if n >= p else 100)):
        alpha = alpha_max / ratio
        lasso = shrinkage.Lasso(alpha, standardize=True, max_iter=100_000).fit(X, y)
        out[f"lasso_{name}_ratio"] = ratio
        out[f"lasso_{name}_n_iter"] = int(lasso.n_iter_)
        out[f"lasso_{name}_nnz"] = int(np.count_nonzero(lasso.coef_))
        times[f"lasso_{name}_fit_ms"] = 1e3 * best_time(
            lambda a=alpha: shrinkage.Lasso(a, standardize=True, max_iter=100_000).fit(X, y), repeat
        )
        times[f"lasso_{name}_over_ridge"] = times[f"lasso_{name}_fit_ms"] / times["ridge_fit_ms"]
    lasso_path = shrinkage.path(X, y, standardize=True, n_alphas=100)
    alphas = lasso_path.alphas
    out["n_alphas"] = len(alphas)
    out["lasso_path_n_iter"] = int(np.sum(lasso_path.n_iter))
    times["lasso_path_ms"] = 1e3 * best_time(
        lambda: shrinkage.path(X, y, standardize=True, n_alphas=100), repeat
    )
    if n >= p:  # the ridge path from one eigendecomposition of X'X / n
        ridge_path = ridge_path_eigen(X, y, alphas)
        check = shrinkage.Ridge(n * alphas[50], standardize=True).fit(X, y).coef_
        out["ridge_path_error"] = below(np.abs(ridge_path[50] - check).max() / np.abs(check).max())
        times["ridge_path_ms"] = 1e3 * best_time(lambda: ridge_path_eigen(X, y, alphas), repeat)
        times["lasso_path_over_ridge"] = times["lasso_path_ms"] / times["ridge_path_ms"]
    return out, times


# ------------------------------------------------------------------------------------------
# (13) and (14): who has the bias, who has the variance; and a dense truth, where ridge wins


def claims_bias_order_and_dense_truth(ctx) -> tuple[dict, dict]:
    truths = {"sparse": ctx["bv_sparse"], "dense": ctx["bv_dense"]}
    order = {"n_repeats": ctx["s"]["mc_repeats"]}
    dense = {
        "n_nonzero": int(np.count_nonzero(dense_truth(ctx["sparse"])[0])),
        "n_features": ctx["sparse"]["X"].shape[1],
    }
    for truth, curves in truths.items():
        for k, c in curves.items():
            i = c.index_best
            order[f"{truth}_{k}_alpha_best"] = c.alpha_best
            order[f"{truth}_{k}_bias2_best"] = float(c.bias2[i])
            order[f"{truth}_{k}_variance_best"] = float(c.variance[i])
            order[f"{truth}_{k}_mse_best"] = float(c.mse[i])
            order[f"{truth}_{k}_excess_best"] = float(c.bias2[i] + c.variance[i])
            order[f"{truth}_noise_var"] = float(c.noise_var)
        order[f"{truth}_l2_more_variance"] = bool(
            curves["l2"].variance[curves["l2"].index_best]
            > curves["l1"].variance[curves["l1"].index_best]
        )
        order[f"{truth}_l1_more_bias"] = bool(
            curves["l1"].bias2[curves["l1"].index_best]
            > curves["l2"].bias2[curves["l2"].index_best]
        )
    dense.update(
        {
            k.removeprefix("dense_"): v
            for k, v in order.items()
            if k.startswith("dense_") and ("mse" in k or "noise" in k or "excess" in k)
        }
    )
    dense["l2_wins"] = bool(dense["l2_mse_best"] < dense["l1_mse_best"])
    dense["l1_excess_over_l2"] = dense["l1_excess_best"] / dense["l2_excess_best"]
    order["sparse_l2_excess_over_l1"] = (
        order["sparse_l2_excess_best"] / order["sparse_l1_excess_best"]
    )

    fig, axes = plt.subplots(1, 2, figsize=(12.0, 4.4), sharey=True, layout="constrained")
    colors = {"l1": "tab:blue", "l2": "tab:orange"}
    labels = {"l1": "L1 (lasso)", "l2": "L2 (ridge)"}
    for ax, (truth, curves) in zip(axes, truths.items(), strict=True):
        for k, c in curves.items():
            i = c.index_best
            ax.plot(
                c.alphas,
                c.bias2 + c.variance,
                color=colors[k],
                lw=2,
                label=f"{labels[k]}: bias² + variance",
            )
            ax.plot(c.alphas, c.bias2, color=colors[k], lw=1, ls="--", label="bias²")
            ax.plot(c.alphas, c.variance, color=colors[k], lw=1, ls=":", label="variance")
            ax.plot(
                c.alphas[i],
                c.bias2[i] + c.variance[i],
                marker="o",
                color=colors[k],
                ms=8,
                ls="none",
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.invert_xaxis()
        ax.set_xlabel(r"$\alpha$ (log scale, decreasing)")
        n_true = int(np.count_nonzero(curves["l1"].coef))
        ax.set_title(
            f"{truth} truth ({n_true} of {len(curves['l1'].coef)} coefficients "
            "non-zero)\ndots: each penalty's smallest test MSE",
            fontsize="medium",
        )
    axes[0].set_ylabel("test MSE minus the noise variance (log scale)")
    axes[0].legend(fontsize="x-small", ncol=2, loc="lower left")
    fig.suptitle(
        "Monte Carlo over training sets like the sparse design (120 x 60, signal-to-noise 2)",
        fontsize="medium",
    )
    ctx["figures"].save(fig, "truth")
    return order, dense


# ------------------------------------------------------------------------------------------
# (15): ridge shrinks principal components, not coefficients, by d^2 / (d^2 + n alpha)


def claim_components(ctx) -> dict:
    d, l2 = ctx["sparse"], ctx["sparse_comparison"]["l2"]
    X, y = d["X"], d["y"]
    n, alpha = X.shape[0], float(l2.alpha)
    sd = X.std(axis=0)
    U, sv, Vt = np.linalg.svd(standardized(X), full_matrices=False)
    uty = U.T @ (y - y.mean())
    factor = sv**2 / (sv**2 + n * alpha)
    w_pc = Vt.T @ (factor / sv * uty)  # ridge, standardized scale, from the components
    w_ols = Vt.T @ (uty / sv)
    ridge = shrinkage.Ridge(n * alpha, standardize=True).fit(X, y).coef_ * sd
    ratio = w_pc / w_ols
    out = {
        "alpha": alpha,
        "n_components": len(sv),
        "uniform_factor": 1 / (1 + alpha),
        "factor_max": float(factor.max()),
        "factor_min": float(factor.min()),
        "eigen_max": float(sv.max() ** 2 / n),
        "eigen_min": float(sv.min() ** 2 / n),
        "pc_formula_error": below(np.abs(w_pc - ridge).max() / np.abs(ridge).max()),
        "ratio_min": float(ratio.min()),
        "ratio_max": float(ratio.max()),
        "n_sign_flips": int(np.sum(ratio < 0)),
        "n_grown": int(np.sum(ratio > 1)),
        "n_features": X.shape[1],
    }

    fig, (a0, a1) = plt.subplots(1, 2, figsize=(12.0, 4.3), layout="constrained")
    a0.bar(np.arange(1, len(sv) + 1), factor, color="tab:orange", width=0.8)
    a0.axhline(
        out["uniform_factor"],
        color="black",
        lw=1,
        ls="--",
        label=f"orthonormal columns: 1 / (1 + alpha) = {out['uniform_factor']:.3f}",
    )
    a0.set_xlabel("principal component j (by decreasing variance d_j² / n)")
    a0.set_ylabel("shrink factor d_j² / (d_j² + n alpha)")
    a0.set_title(
        f"Ridge at alpha = {alpha:.3g}: each principal component is scaled", fontsize="medium"
    )
    a0.legend(fontsize="small", loc="upper right")
    true = d["coef"] != 0
    lim = 1.1 * np.abs(w_ols).max()
    a1.plot(
        [-lim, lim],
        [-lim * out["uniform_factor"], lim * out["uniform_factor"]],
        color="black",
        lw=1,
        ls="--",
        label="uniform shrinkage 1 / (1 + alpha)",
    )
    a1.scatter(w_ols[~true], w_pc[~true], s=16, color="tab:blue", label="uninformative")
    a1.scatter(w_ols[true], w_pc[true], s=60, marker="*", color="tab:red", label="informative")
    a1.axhline(0, color="0.6", lw=0.6)
    a1.axvline(0, color="0.6", lw=0.6)
    a1.set_xlabel("least-squares coefficient (per sd of the feature)")
    a1.set_ylabel("ridge coefficient (per sd of the feature)")
    a1.set_title("...so the coefficients are not: each moves by its own factor", fontsize="medium")
    a1.legend(fontsize="small", loc="upper left")
    ctx["figures"].save(fig, "components")
    return out


# ------------------------------------------------------------------------------------------
# (16): the Elastic Net shrinks twice; Zou and Hastie's (1 + lambda2) rescaling undoes one


def claim_double_shrinkage(ctx) -> dict:
    X, y, z = ctx["orthonormal"]
    alpha, ratio = 0.5, 0.5
    lam1, lam2 = alpha * ratio, alpha * (1 - ratio)
    en = shrinkage.ElasticNet(alpha, l1_ratio=ratio, tol=1e-12).fit(X, y).coef_
    lasso = shrinkage.Lasso(lam1, tol=1e-12).fit(X, y).coef_
    out = {
        "alpha": alpha,
        "l1_ratio": ratio,
        "lam1": lam1,
        "lam2": lam2,
        "factor": 1 + lam2,
        "orthonormal_error": below(np.abs(en - soft_threshold(z, lam1) / (1 + lam2)).max()),
        "rescaled_lasso_error": below(np.abs((1 + lam2) * en - lasso).max()),
    }

    d, m = ctx["sparse"], ctx["sparse_comparison"]["elasticnet"]
    r = float(m.l1_ratio)
    mean_x, mean_y = d["X"].mean(axis=0), d["y"].mean()
    naive, rescaled = [], []
    for a, w, b in zip(m.path.alphas, m.path.coefs, m.path.intercepts, strict=True):
        naive.append(mse(d["y_test"], d["X_test"] @ w + b))
        w2 = (1 + a * (1 - r)) * w
        rescaled.append(mse(d["y_test"], d["X_test"] @ w2 + mean_y - mean_x @ w2))
    naive, rescaled = np.array(naive), np.array(rescaled)
    i_cv = int(np.argmin(np.abs(m.path.alphas - m.alpha)))
    out.update(
        {
            "sparse_l1_ratio": r,
            "sparse_cv_alpha": float(m.alpha),
            "sparse_naive_at_cv": float(naive[i_cv]),
            "sparse_rescaled_at_cv": float(rescaled[i_cv]),
            "sparse_factor_at_cv": 1 + float(m.alpha) * (1 - r),
            "sparse_naive_best": float(naive.min()),
            "sparse_rescaled_best": float(rescaled.min()),
            "sparse_naive_best_alpha": float(m.path.alphas[np.argmin(naive)]),
            "sparse_rescaled_best_alpha": float(m.path.alphas[np.argmin(rescaled)]),
        }
    )

    fig, (a0, a1) = plt.subplots(1, 2, figsize=(12.0, 4.3), layout="constrained")
    grid = np.linspace(-1.5, 1.5, 301)
    a0.plot(grid, grid, color="0.6", lw=0.8, ls=":", label="least squares")
    a0.plot(
        grid,
        grid / (1 + lam2),
        color="tab:orange",
        lw=1.5,
        label=f"ridge part alone: z / (1 + {lam2:g})",
    )
    a0.plot(
        grid,
        soft_threshold(grid, lam1),
        color="tab:green",
        lw=2,
        label=f"rescaled EN = lasso: soft(z, {lam1:g})",
    )
    a0.plot(
        grid,
        soft_threshold(grid, lam1) / (1 + lam2),
        color="tab:purple",
        lw=2,
        label=f"naive EN: soft(z, {lam1:g}) / (1 + {lam2:g})",
    )
    a0.set_xlabel("least-squares coefficient z (orthonormal columns)")
    a0.set_ylabel("penalized coefficient")
    a0.set_title(
        f"Elastic net, alpha = {alpha:g}, l1_ratio = {ratio:g}: threshold, then shrink again",
        fontsize="medium",
    )
    a0.legend(fontsize="small", loc="upper left")
    a1.plot(m.path.alphas, naive, color="tab:purple", lw=2, label="naive Elastic Net")
    a1.plot(
        m.path.alphas,
        rescaled,
        color="tab:green",
        lw=2,
        label="rescaled by 1 + alpha (1 - l1_ratio)",
    )
    a1.axhline(d["noise_sd"] ** 2, color="0.5", lw=1, ls=":", label="noise variance")
    a1.axvline(m.alpha, color="tab:red", lw=0.8, ls="-.", label=f"CV alpha = {m.alpha:.3g}")
    a1.set_xscale("log")
    a1.invert_xaxis()
    a1.set_ylim(0, 1.25 * max(naive.max(), rescaled.max()))
    a1.set_xlabel(r"$\alpha$ (log scale, decreasing)")
    a1.set_ylabel(f"test MSE ({len(d['y_test'])} fresh rows)")
    a1.set_title(f"Sparse design, l1_ratio = {r:g}", fontsize="medium")
    a1.legend(fontsize="small", loc="upper right")
    ctx["figures"].save(fig, "double_shrinkage")
    return out


# ------------------------------------------------------------------------------------------


class Context(dict):
    """The shared inputs of the claims, each computed on first use (so that ``--only`` runs
    only what its claims need): ``ctx["sparse_comparison"]`` runs ``compare`` once."""

    def __init__(self, factories: dict, **values):
        super().__init__(**values)
        self.factories = factories

    def __missing__(self, key):
        value = self[key] = self.factories[key](self)
        return value


def _compare(ctx, design: str, names) -> shrinkage.Comparison:
    s = ctx["s"]
    X, y = (ctx[design]["X"], ctx[design]["y"]) if design == "sparse" else ctx[design]
    return shrinkage.compare(
        X,
        y,
        feature_names=names,
        n_alphas=s["n_alphas"],
        n_repeats=s["n_repeats"],
        n_bootstrap=s["n_bootstrap"],
        random_state=SEED,
        progress=False,
    )


FACTORIES = {
    "diabetes": lambda ctx: load_diabetes(),
    "sparse": lambda ctx: sparse_design(ctx["s"]),
    "sparse_comparison": lambda ctx: _compare(ctx, "sparse", ctx["sparse"]["names"]),
    "pair": lambda ctx: pair_design(),
    "pair_comparison": lambda ctx: _compare(ctx, "pair", PAIR_NAMES),
    "orthonormal": lambda ctx: orthonormal_design(),
    "bv_sparse": lambda ctx: bias_variance_curves(
        ctx, (ctx["sparse"]["coef"], ctx["sparse"]["noise_sd"])
    ),
    "bv_dense": lambda ctx: bias_variance_curves(ctx, dense_truth(ctx["sparse"])),
}

#: each step: the numbers.json groups it fills, and the function that returns their numbers
STEPS = {
    "zeros": (("zeros", "ridge_keeps"), claims_zeros_and_ridge),
    "stability": (("stability", "groups"), claims_stability_and_groups),
    "alpha_extremes": (("alpha_extremes",), claim_alpha_extremes),
    "cv": (("cv",), claim_cv),
    "geometry": (("geometry",), claim_geometry),
    "pull": (("pull",), claim_pull),
    "bias_variance": (("bias_variance",), claim_bias_variance),
    "outliers": (("outliers",), claim_outliers),
    "uniqueness": (("uniqueness",), claim_uniqueness),
    "cost": (("cost", "timings"), claim_cost),
    "truth": (("bias_order", "dense_truth"), claims_bias_order_and_dense_truth),
    "components": (("components",), claim_components),
    "double_shrinkage": (("double_shrinkage",), claim_double_shrinkage),
}


def compute(quick: bool, out: Path, draw: bool = True, only=None) -> dict:
    """Run the steps (all, or those named in ``only``) and write ``out/numbers.json``.

    With ``only``, the other groups are kept from the ``numbers.json`` already in ``out`` (which
    must come from the same mode)."""
    mode = "quick" if quick else "full"
    s = SETTINGS[mode]
    out.mkdir(parents=True, exist_ok=True)
    numbers = {"settings": {"mode": mode, **s, "seed": SEED}}
    if only:
        unknown = sorted(set(only) - set(STEPS))
        if unknown:
            raise ValueError(f"--only: unknown steps {unknown}; choose from {sorted(STEPS)}.")
        kept = json.loads((out / "numbers.json").read_text())
        if kept["settings"]["mode"] != mode:
            raise ValueError(
                f"--only updates {out / 'numbers.json'}, made in "
                f"{kept['settings']['mode']} mode; run every step instead."
            )
        numbers = {**kept, "settings": numbers["settings"]}
    ctx = Context(FACTORIES, s=s, figures=Figures(out, draw))
    for step, (groups, fn) in STEPS.items():
        if only and step not in only:
            continue
        result = fn(ctx)
        for group, values in zip(groups, (result,) if len(groups) == 1 else result, strict=True):
            numbers[group] = rounded(values)
    with open(out / "numbers.json", "w") as f:
        json.dump(numbers, f, indent=1, allow_nan=False)
        f.write("\n")
    return numbers


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="reduced settings (fewer alphas, bootstraps and repeats)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "figures",
        help="directory of the PNGs and numbers.json (default docs/figures)",
    )
    parser.add_argument("--no-figures", action="store_true", help="only numbers.json")
    parser.add_argument(
        "--only",
        type=lambda text: text.split(","),
        default=None,
        metavar="STEP[,STEP]",
        help="recompute only these steps (and their figures), keeping the other "
        f"numbers of OUT/numbers.json; steps: {', '.join(STEPS)}",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the guide's fits must be clean
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        numbers = compute(args.quick, args.out, draw=not args.no_figures, only=args.only)
    for key, value in numbers.items():
        if args.only and key not in {g for step in args.only for g in STEPS[step][0]}:
            continue
        print(f"[{key}]")
        for k, v in value.items():
            print(f"  {k} = {v}")
    print(f"wrote {args.out} in {time.perf_counter() - start:.1f} s")
    return numbers


if __name__ == "__main__":
    main()
