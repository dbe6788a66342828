"""Cold start: a fresh Python process with numba's cache empty, then filled.

    python -m benchmarks.cold_start --repeat 3
    python -m benchmarks.cold_start --src /tmp/before/src --src src   # two states side by side
    python -m benchmarks.cold_start --out docs/benchmarks-cold-start.md  # the documentation page

Each measurement is a new interpreter with ``NUMBA_CACHE_DIR`` set to a new temporary folder
(empty: every kernel the fit calls compiles), then a second interpreter on the same folder
(filled: the kernels load from the cache).  The child makes its data first (untimed), then times
``import shrinkage`` with the entry point of the case (an estimator class imports scikit-learn),
the first fit (with numba's compile time inside it, measured by numba's event API), and a second
fit of the same model (warm).  The parent times the whole process (interpreter start to exit,
wall and CPU).  Each figure is the median of ``--repeat`` measurements; repeats go round-robin
over the sources and cases so that a burst of load lands on all of them alike.

Cases (float64, dense, seeded): ``lasso`` and ``enet`` fit 10000 x 200 (the Gram solver),
``lasso_cd`` fits 500 x 5000 (coordinate descent on a working set), ``path`` runs
``shrinkage.path`` on 10000 x 200 (100 alphas).  ``--src`` puts a source tree first on the
child's path (snapshot a commit with ``git archive HEAD src | tar -x -C /tmp/snap``).
``--out`` writes the table as a page (``page``; ``benchmarks/run.py`` writes it too, by ``write``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "lasso": ("10000x200", "from shrinkage import Lasso", "Lasso(alpha=0.05).fit(X, y)"),
    "enet": (
        "10000x200",
        "from shrinkage import ElasticNet",
        "ElasticNet(alpha=0.05, l1_ratio=0.5).fit(X, y)",
    ),
    "lasso_cd": ("500x5000", "from shrinkage import Lasso", "Lasso(alpha=0.05).fit(X, y)"),
    "path": ("10000x200", "import shrinkage", "shrinkage.path(X, y)"),
}

#: the cases of the documentation page: the Gram solver's two models, and coordinate descent
DEFAULT_CASES = ("lasso", "enet", "lasso_cd")

_CHILD = r"""
import json, time
import numpy as np
n, p = {shape}
rng = np.random.default_rng(0)
X = rng.standard_normal((n, p))
beta = np.zeros(p)
beta[:10] = rng.standard_normal(10)
y = X @ beta + rng.standard_normal(n)
t0 = time.perf_counter()
import shrinkage
{entry}
t1 = time.perf_counter()
from numba.core import event
compiled = []
with event.install_timer("numba:compile", compiled.append):
    {fit}
t2 = time.perf_counter()
{fit}
t3 = time.perf_counter()
print(json.dumps(dict(import_s=t1 - t0, first_fit_s=t2 - t1, compile_s=sum(compiled),
                      second_fit_s=t3 - t2)))
"""

FIELDS = ("import_s", "first_fit_s", "compile_s", "second_fit_s", "process_s", "cpu_s")


def child_script(case: str) -> str:
    shape, entry, fit = CASES[case]
    return _CHILD.format(shape=shape.replace("x", ", "), entry=entry, fit=fit)


def run_child(script: str, src: Path, cache: str) -> dict:
    """One fresh interpreter: the child's timings, its wall time and CPU time (user + sys)."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=str(src))
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode != 0:
        raise RuntimeError(f"the child failed ({src}):\n{proc.stderr}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_s"] = wall
    out["cpu_s"] = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return out


def measure(srcs: list[Path], cases: list[str], repeat: int, log=print) -> dict:
    """{(src, case, "empty" | "filled"): {field: [values]}}, round-robin over the repeats."""
    runs: dict = {}
    for rep in range(repeat):
        for src in srcs:
            for case in cases:
                script = child_script(case)
                with tempfile.TemporaryDirectory(prefix="shrinkage-numba-cache-") as cache:
                    for state in ("empty", "filled"):
                        res = run_child(script, src, cache)
                        cell = runs.setdefault((str(src), case, state), {f: [] for f in FIELDS})
                        for f in FIELDS:
                            cell[f].append(res[f])
                        log(
                            f"  [{rep + 1}/{repeat}] {src} {case} {state}: import "
                            f"{res['import_s']:.2f} s, first fit {res['first_fit_s']:.2f} s "
                            f"(compile {res['compile_s']:.2f} s), second fit "
                            f"{res['second_fit_s']:.3f} s, process {res['process_s']:.2f} s "
                            f"(CPU {res['cpu_s']:.2f} s)"
                        )
    return runs


def table(runs: dict) -> str:
    """Markdown: the medians, one row per source (a column only when several), case and cache
    state."""
    several = len({src for src, _, _ in runs}) > 1
    lines = [
        ("| source " if several else "")
        + "| case | numba cache | import | first fit | of which compile | import + first "
        "fit | second fit | process (wall) | process (CPU) |",
        ("|---" if several else "") + "|---|---|---|---|---|---|---|---|---|",
    ]
    for (src, case, state), cell in runs.items():
        med = {f: statistics.median(v) for f, v in cell.items()}
        first = statistics.median(
            a + b for a, b in zip(cell["import_s"], cell["first_fit_s"], strict=True)
        )
        lines.append(
            (f"| {src} " if several else "")
            + f"| {case} ({CASES[case][0]}) | {state} | {med['import_s']:.2f} s "
            f"| {med['first_fit_s']:.2f} s | {med['compile_s']:.2f} s | {first:.2f} s "
            f"| {med['second_fit_s']:.3f} s | {med['process_s']:.2f} s | {med['cpu_s']:.2f} s |"
        )
    return "\n".join(lines)


def header(repeat: int, load_before: float) -> str:
    """The line above the table: what the figures are and the state of the machine."""
    return (
        f"Cold start, median of {repeat} (Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after)"
    )


def page(runs: dict, repeat: int, load_before: float, command: str) -> str:
    """The documentation page (``docs/benchmarks-cold-start.md``): the table and its command."""
    cases = dict.fromkeys(case for _, case, _ in runs)  # the measured ones, in order
    case_lines = "\n".join(
        f"- `{case}`: {CASES[case][0]}, `{CASES[case][1]}`, then `{CASES[case][2]}`"
        for case in cases
    )
    return f"""# Benchmarks: the first run (cold start)

Generated by `benchmarks/cold_start.py`; do not edit by hand. Reproduce with:

```
{command}
```

Run on {datetime.datetime.now().strftime("%Y-%m-%d %H:%M")}. {header(repeat, load_before)}.

Each row is a fresh `python` process.  *Empty*: a new `NUMBA_CACHE_DIR`, so every kernel the
fit calls compiles (what a user sees once, after installing or upgrading); *filled*: a second
process on the same cache, the kernels load from it (every later start).  *import* times
`import shrinkage` with the case's entry point (an estimator class imports scikit-learn), *first
fit* includes numba's compile time (*of which compile*, from numba's event API), *second fit* is
the same fit again in the same process, and *process* is the whole interpreter, start to exit
(the data are made in the process, untimed by the other columns), wall clock and CPU
(user + system).  Issue 13's targets: import + first fit at most 5 s with an empty cache, at
most 1 s with a filled one.

{table(runs)}

Cases (float64, dense, seeded; `y = X beta + noise` with 10 non-zeros):

{case_lines}
"""


def write(
    out: Path, srcs: list[Path], cases: list[str], repeat: int, command: str, log=print
) -> dict:
    """Measure and write the page to ``out``; returns the measurements (``measure``)."""
    load = os.getloadavg()[0]
    runs = measure(srcs, cases, repeat, log=log)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page(runs, repeat, load, command))
    return runs


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default=",".join(DEFAULT_CASES), help=f"of {','.join(CASES)}")
    ap.add_argument("--repeat", type=int, default=3, help="measurements per cell (median)")
    ap.add_argument(
        "--src", action="append", type=Path, help="source tree(s) to time (default: ./src)"
    )
    ap.add_argument("--out", type=Path, help="write the table as a Markdown page there")
    args = ap.parse_args(argv)
    cases = args.cases.split(",")
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        ap.error(f"unknown case(s) {unknown}; choose from {sorted(CASES)}")
    srcs = [p.resolve() for p in (args.src or [ROOT / "src"])]

    def log(line: str) -> None:
        print(line, file=sys.stderr)

    if args.out:
        command = "python -m benchmarks.cold_start " + " ".join(
            shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
        )
        write(args.out, srcs, cases, args.repeat, command, log)
        print(f"wrote {args.out}")
        return
    load = os.getloadavg()[0]
    runs = measure(srcs, cases, args.repeat, log=log)
    print(header(args.repeat, load) + "\n")
    print(table(runs))


if __name__ == "__main__":
    main()
