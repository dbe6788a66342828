"""The models added by issue 12 against their peers: MCP paths (skglm), multi-task lasso paths
(scikit-learn) and Gamma regression (scikit-learn, glum); writes a markdown report.

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.new_models --repeat 3 \\
        --out docs/benchmarks-new-models.md

Every library solves the same problem in this one process, and every answer is checked by the
same independent certificate, in plain numpy here (nothing imports shrinkage's certificates):

- **MCP** (non-convex, skglm's ``MCPRegression`` objective with an unpenalized intercept): the
  largest KKT violation, the distance of minus the gradient to the (Clarke) subdifferential, per
  unit RMS of the centred column, over the standard deviation of y: <= 1e-6 at every alpha.
  Being non-convex, two libraries may stop at different stationary points; the report gives the
  largest relative difference of the objectives along the path.
- **multi-task lasso** (scikit-learn's ``MultiTaskLasso`` objective): the duality gap of the
  centred residual scaled to be dual feasible, over the primal: <= 1e-6 at every alpha.
- **Gamma** (log link, scikit-learn's objective 1/(2n) sum deviance + alpha (l1_ratio ||w||_1 +
  (1 - l1_ratio)/2 ||w||^2)): the Fenchel duality gap at the dual point of the gradient, with the
  intercept re-optimized in closed form (so that the dual point is feasible), over the
  intercept-only model's objective: <= 1e-6.

Tolerances: every library (ours included) is run at the loosest tol of the ladder 1e-3, 3.16e-4,
... (factors of sqrt(10)) whose answer passes its certificate; that tol is then timed, best of
``--repeat`` runs, process CPU time with one BLAS thread (this machine is shared: CPU time is the
work done, wall-clock also counts other processes).  Ratio: the peer's time over ours.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import problems

TARGET = 1e-6
TIGHTEN = 10**0.5
LADDER = [1e-3 / TIGHTEN**k for k in range(14)]  # 1e-3 down to ~3e-10
ROOT = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------------------------
# independent certificates


def mcp_objective(X, y, alpha, gamma, w, b) -> float:
    r = y - X @ w - b
    a = np.abs(w)
    pen = np.where(a <= gamma * alpha, alpha * a - a * a / (2 * gamma), gamma * alpha**2 / 2)
    return float(r @ r / (2 * len(y)) + pen.sum())


def mcp_kkt(X, y, alpha, gamma, w, b) -> float:
    """max_j dist(x_j'r/n, the MCP's Clarke subdifferential at w_j) / rms(x_j centred), with
    the intercept's own gradient |mean(r)| / 1, over sd(y)."""
    n = len(y)
    r = y - X @ w - b
    g = X.T @ r / n
    a = np.abs(w)
    deriv = np.sign(w) * np.maximum(alpha - a / gamma, 0.0)
    viol = np.where(w == 0, np.maximum(np.abs(g) - alpha, 0.0), np.abs(g - deriv))
    rms = X.std(axis=0)
    rms[rms == 0] = 1.0
    return float(max(np.max(viol / rms), abs(r.mean())) / y.std())


def multitask_rel_gap(X, Y, alpha, W, b) -> float:
    """Relative duality gap of 1/(2n)||Y - XW - 1b'||_F^2 + alpha sum_j ||W_j||_2."""
    n = X.shape[0]
    R = Y - X @ W - b[None, :]
    primal = 0.5 / n * float(np.sum(R * R)) + alpha * float(np.linalg.norm(W, axis=1).sum())
    Yc = Y - Y.mean(axis=0)
    Rc = R - R.mean(axis=0)  # the centred residual: 1'u = 0 whatever b was returned
    V = X.T @ Rc / n
    s = min(1.0, alpha / max(float(np.linalg.norm(V, axis=1).max()), 1e-300))
    U = s * Rc / n
    dual = float(np.sum(U * Yc)) - 0.5 * n * float(np.sum(U * U))
    return (primal - dual) / primal


def gamma_objective(X, y, alpha, l1_ratio, w, b) -> float:
    eta = X @ w + b
    half_dev = np.mean(eta - np.log(y) + y * np.exp(-eta) - 1.0)  # (1/2n) sum deviance
    return float(half_dev + alpha * (l1_ratio * np.abs(w).sum() + (1 - l1_ratio) / 2 * w @ w))


def gamma_rel_gap(X, y, alpha, l1_ratio, w, b) -> float:
    """Fenchel gap of the Gamma objective above (log link), over the intercept-only objective.

    With phi_i(eta) = eta - log y_i + y_i exp(-eta) - 1 and the loss (1/n) sum phi_i, the dual
    point is v = (y / mu - 1) / n at mu = exp(X w + b'), b' the best intercept for this w (closed
    form: exp(b') = mean(y exp(-X w)), so that 1'v = 0); with t = 1 - u = 1 + n v_i > 0,
    phi_i*(u) = t log(t / y_i) - t + log y_i + 1.  The penalty's conjugate:
    sum_j (|z_j| - lam1)_+^2 / (2 lam2), or, for the lasso (lam2 = 0), v scaled by
    min(1, lam1 / ||X'v||_inf) (which keeps 1'v = 0 and t > 0).
    """
    n = len(y)
    xw = X @ w
    b_best = float(np.log(np.mean(y * np.exp(-xw))))
    primal = gamma_objective(X, y, alpha, l1_ratio, w, b)
    mu = np.exp(xw + b_best)
    v = (y / mu - 1.0) / n
    z = X.T @ v
    lam1, lam2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    if lam2 == 0:
        s = min(1.0, lam1 / max(float(np.abs(z).max()), 1e-300))
        v, z, h_conj = s * v, s * z, 0.0
    else:
        h_conj = float(np.sum(np.maximum(np.abs(z) - lam1, 0.0) ** 2) / (2 * lam2))
    one_minus_u = 1.0 + n * v  # > 0: 1 - u with u = -n v_i
    conj = one_minus_u * np.log(one_minus_u / y) - one_minus_u + np.log(y) + 1.0
    dual = -float(np.mean(conj)) - h_conj
    null = gamma_objective(X, y, alpha, l1_ratio, np.zeros_like(w), float(np.log(y.mean())))
    return (primal - dual) / null


# ----------------------------------------------------------------------------------------------
# problems


@dataclass
class Case:
    """One benchmark: the libraries' fits (tol -> answer) and the certificate of an answer."""

    name: str
    describe: str
    fits: dict[str, tuple[str, Callable]]  # key -> (how it is called, fit(tol))
    certify: Callable  # answer -> worst certificate value over the path
    objective: Callable | None = None  # answer -> objectives along the path (non-convex cases)


def mcp_case(n: int, p: int, n_alphas: int, gamma: float = 3.0) -> Case:
    from skglm import MCPRegression

    import shrinkage

    pb = problems.make(problems.Spec("mcp", n=n, p=p, alpha_min_ratio=1e-2, n_alphas=n_alphas))
    X, y, alphas = pb.X, pb.y, pb.alphas
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc = np.asfortranarray(X - x_mean)

    def ours(tol):
        res = shrinkage.path(
            X, y, penalty="mcp", gamma=gamma, alphas=alphas, tol=tol, max_iter=100_000
        )
        return np.asarray(res.coefs), np.asarray(res.intercepts)

    def skglm_(tol):
        model = MCPRegression(
            alpha=alphas[0],
            gamma=gamma,
            tol=tol,
            max_iter=1000,
            max_epochs=100_000,
            fit_intercept=False,
            warm_start=True,
        )
        coefs = np.empty((len(alphas), p))
        for k, a in enumerate(alphas):
            coefs[k] = model.set_params(alpha=a).fit(Xc, y - y_mean).coef_
        return coefs, y_mean - coefs @ x_mean

    def worst(ans):
        return max(mcp_kkt(X, y, a, gamma, w, b) for a, w, b in zip(alphas, *ans, strict=True))

    def objective(ans):
        return np.array(
            [mcp_objective(X, y, a, gamma, w, b) for a, w, b in zip(alphas, *ans, strict=True)]
        )

    return Case(
        f"MCP path (gamma={gamma:g})",
        pb.spec.describe().replace("lasso", "MCP"),
        {
            "shrinkage": ("shrinkage.path(X, y, penalty='mcp', gamma=3, alphas=grid, tol)", ours),
            "skglm": (
                "MCPRegression(warm_start=True, fit_intercept=False, tol, "
                "max_epochs=100_000) on centred X, y along the grid",
                skglm_,
            ),
        },
        worst,
        objective,
    )


def multitask_case(n: int, p: int, k: int, n_alphas: int) -> Case:
    from sklearn.linear_model import MultiTaskLasso

    import shrinkage

    rng = np.random.default_rng(0)
    X = problems.toeplitz_design(n, p, 0.5, rng)
    W = np.zeros((p, k))
    rows = rng.choice(p, 20, replace=False)
    W[rows] = rng.uniform(1, 2, (20, k)) * rng.choice([-1, 1], (20, k))
    signal = X @ W
    Y = signal + rng.standard_normal((n, k)) * np.sqrt(signal.var(axis=0) / 4.0)
    Yc, Xc = Y - Y.mean(axis=0), X - X.mean(axis=0)
    amax = float(np.linalg.norm(Xc.T @ Yc, axis=1).max() / n)
    alphas = np.geomspace(amax, amax * 1e-2, n_alphas)

    def ours(tol):
        res = shrinkage.path(X, Y, multi_task=True, alphas=alphas, tol=tol, max_iter=100_000)
        return np.asarray(res.coefs), np.asarray(res.intercepts)

    def sklearn_(tol):
        model = MultiTaskLasso(alpha=alphas[0], tol=tol, max_iter=100_000, warm_start=True)
        coefs, inter = np.empty((len(alphas), p, k)), np.empty((len(alphas), k))
        for j, a in enumerate(alphas):
            model.set_params(alpha=a).fit(X, Y)
            coefs[j], inter[j] = model.coef_.T, model.intercept_
        return coefs, inter

    def worst(ans):
        return max(multitask_rel_gap(X, Y, a, w, b) for a, w, b in zip(alphas, *ans, strict=True))

    return Case(
        f"multi-task lasso path ({k} tasks)",
        f"n={n}, p={p}, {k} tasks, Toeplitz rho=0.5, 20 active rows, SNR=4, {n_alphas} "
        f"alphas down to 0.01 * alpha_max",
        {
            "shrinkage": ("shrinkage.path(X, Y, multi_task=True, alphas=grid, tol)", ours),
            "scikit-learn": (
                "MultiTaskLasso(warm_start=True, tol, max_iter=100_000) along the grid",
                sklearn_,
            ),
        },
        worst,
    )


def gamma_case(n: int, p: int, l1_ratio: float, alpha_ratio: float) -> Case:
    from glum import GeneralizedLinearRegressor
    from sklearn.linear_model import GammaRegressor

    import shrinkage

    rng = np.random.default_rng(0)
    X = problems.toeplitz_design(n, p, 0.5, rng)
    w_true = np.zeros(p)
    w_true[rng.choice(p, 10, replace=False)] = rng.uniform(0.1, 0.3, 10) * rng.choice([-1, 1], 10)
    mu = np.exp(0.5 + X @ w_true)
    shape = 2.0
    y = rng.gamma(shape, mu / shape)
    g0 = X.T @ (1.0 - y / y.mean()) / n  # the gradient at the intercept-only model
    amax = float(np.abs(g0).max() / max(l1_ratio, 1e-3))
    alpha = amax * alpha_ratio

    def ours(tol):
        m = shrinkage.GammaRegressor(alpha=alpha, l1_ratio=l1_ratio, tol=tol, max_iter=100_000).fit(
            X, y
        )
        return m.coef_, m.intercept_

    def glum_(tol):
        m = GeneralizedLinearRegressor(
            family="gamma",
            link="log",
            alpha=alpha,
            l1_ratio=l1_ratio,
            gradient_tol=tol,
            max_iter=10_000,
        )
        m.fit(X, y)
        return np.asarray(m.coef_), float(m.intercept_)

    def sklearn_(solver):
        def fit(tol):
            m = GammaRegressor(alpha=alpha, solver=solver, tol=tol, max_iter=100_000).fit(X, y)
            return m.coef_, m.intercept_

        return fit

    def worst(ans):
        return gamma_rel_gap(X, y, alpha, l1_ratio, *ans)

    fits = {"shrinkage": (f"GammaRegressor(alpha, l1_ratio={l1_ratio:g}, tol)", ours)}
    if l1_ratio == 0:
        fits["scikit-learn lbfgs"] = (
            "sklearn GammaRegressor(alpha, solver='lbfgs', tol)",
            sklearn_("lbfgs"),
        )
        fits["scikit-learn newton-cholesky"] = (
            "sklearn GammaRegressor(alpha, solver='newton-cholesky', tol)",
            sklearn_("newton-cholesky"),
        )
    fits["glum"] = (
        f"GeneralizedLinearRegressor(family='gamma', link='log', alpha, "
        f"l1_ratio={l1_ratio:g}, gradient_tol=tol)",
        glum_,
    )
    kind = {0.0: "L2", 1.0: "L1"}.get(l1_ratio, f"elastic net l1_ratio={l1_ratio:g}")
    return Case(
        f"Gamma, {kind}, one alpha",
        f"n={n}, p={p}, Toeplitz rho=0.5, 10 true non-zeros, log link, shape 2; "
        f"alpha = {alpha_ratio:g} * alpha_max" + (" (of l1_ratio=1e-3)" if l1_ratio == 0 else ""),
        fits,
        worst,
    )


# ----------------------------------------------------------------------------------------------
# running


def _quiet(fn, tol):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(tol)


def _cpu(fn, tol) -> tuple[float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    _quiet(fn, tol)
    return time.process_time() - c0, time.perf_counter() - w0


def run_case(case: Case, repeat: int, log) -> dict:
    out = {}
    for key, (how, fn) in case.fits.items():
        res = None
        for tol in LADDER:
            t0 = time.perf_counter()
            ans = _quiet(fn, tol)
            elapsed = time.perf_counter() - t0
            cert = case.certify(ans)
            log(f"  {case.name:32s} {key:28s} tol={tol:.2e} cert={cert:.2e} {elapsed:.3f}s")
            if cert <= TARGET:
                res = dict(tol=tol, cert=cert, ans=ans, how=how)
                break
        if res is None:
            res = dict(tol=tol, cert=cert, ans=ans, how=how, failed=True)
        out[key] = res
    for _ in range(repeat):  # round-robin, so that a burst of load does not land on one library
        for key, (_how, fn) in case.fits.items():
            cpu, wall = _cpu(fn, out[key]["tol"])
            out[key]["cpu"] = min(out[key].get("cpu", np.inf), cpu)
            out[key]["wall"] = min(out[key].get("wall", np.inf), wall)
    if case.objective is not None:
        ref = case.objective(out["shrinkage"]["ans"])
        for r in out.values():
            obj = case.objective(r["ans"])
            r["obj_diff"] = float(np.max((obj - ref) / np.abs(ref)))
            r["obj_diff_min"] = float(np.min((obj - ref) / np.abs(ref)))
    return out


def _versions() -> str:
    import glum
    import skglm
    import sklearn

    import shrinkage

    from .run import _shrinkage_source

    return (
        f"shrinkage {shrinkage.__version__} ({_shrinkage_source()}), "
        f"scikit-learn {sklearn.__version__}, skglm {skglm.__version__}, "
        f"glum {glum.__version__}, numpy {np.__version__}, Python {platform.python_version()}"
    )


def render(command: str, results: list[tuple[Case, dict]], repeat: int, total: float) -> str:
    L = [
        "# Benchmarks: the new models (MCP, multi-task lasso, Gamma) against their peers",
        "",
        "Generated by `benchmarks/new_models.py`; do not edit by hand. Reproduce with:",
        "",
        "```",
        command,
        "```",
        "",
        f"Run on {_dt.datetime.now():%Y-%m-%d %H:%M}, total {total:.0f} s; {_versions()}. "
        f"Best of {repeat} warm runs, process CPU time, one BLAS thread for every library; "
        f"ratio = peer time / shrinkage time (above 1: shrinkage is faster). Load average at "
        f"the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs.",
        "",
        "Every library runs at the loosest tol of the ladder 1e-3, 3.16e-4, ... (factors of "
        "sqrt(10)) whose answer passes the same independent numpy certificate, <= 1e-6 "
        "(`benchmarks/new_models.py`): MCP, the largest KKT violation per unit column RMS over "
        "sd(y), at every alpha (non-convex: a stationary point; `objective vs ours` is the "
        "range of the relative objective differences along the path); multi-task lasso, the "
        "relative duality gap at every alpha; Gamma, the duality gap over the intercept-only "
        "objective.",
        "",
        "| case | library | CPU s | ratio | wall s | tol used | certificate | objective vs ours |",
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    for case, res in results:
        base = res["shrinkage"]["cpu"]
        for key, r in res.items():
            ratio = "" if key == "shrinkage" else f"{r['cpu'] / base:.2f}x"
            cert = f"{r['cert']:.1e}" + (" (fails)" if r.get("failed") else "")
            obj = (
                f"{r['obj_diff_min']:+.1e} .. {r['obj_diff']:+.1e}"
                if "obj_diff" in r and key != "shrinkage"
                else ""
            )
            L.append(
                f"| {case.name} | {key} | {r['cpu']:.3f} | {ratio} | {r['wall']:.3f} | "
                f"{r['tol']:.2e} | {cert} | {obj} |"
            )
    L += ["", "Problems and calls:", ""]
    for case, res in results:
        L.append(f"- **{case.name}**: {case.describe}.")
        for key, r in res.items():
            L.append(f"  - {key}: `{r['how']}`")
    return "\n".join(L) + "\n"


def main(argv=None) -> None:
    from threadpoolctl import threadpool_limits

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=None, help="markdown file to write (default: print)")
    ap.add_argument("--quick", action="store_true", help="small problems (a smoke test)")
    args = ap.parse_args(argv)
    command = f"OPENBLAS_NUM_THREADS=1 python -m benchmarks.new_models --repeat {args.repeat}" + (
        f" --out {args.out}" if args.out else ""
    )
    if os.environ.get("PYTHONPATH"):  # a snapshot of a commit (see benchmarks/run.py)
        command = f"PYTHONPATH={os.environ['PYTHONPATH']} {command}"

    def log(msg):
        print(msg, flush=True)

    t_start = time.perf_counter()
    with threadpool_limits(1):
        warm = [
            mcp_case(60, 100, 5),
            multitask_case(60, 100, 3, 5),
            gamma_case(100, 20, 0.0, 0.1),
            gamma_case(100, 20, 0.5, 0.05),
        ]
        for case in warm:  # imports and JIT compilation outside the timings
            for _how, fn in case.fits.values():
                _quiet(fn, 1e-6)
        if args.quick:
            cases = warm
        else:
            cases = [
                mcp_case(500, 1000, 50),
                multitask_case(500, 1000, 5, 30),
                gamma_case(5000, 200, 0.0, 0.01),
                gamma_case(5000, 200, 0.5, 0.02),
                gamma_case(5000, 200, 1.0, 0.02),
            ]
        results = []
        for case in cases:
            log(case.name)
            results.append((case, run_case(case, args.repeat, log)))
    text = render(command, results, args.repeat, time.perf_counter() - t_start)
    if args.out:
        Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
