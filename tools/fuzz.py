"""Fuzz shrinkage with bad inputs: every case must end in a clear error or a correct answer.

The corpus (``tools.fuzz_api``, ``tools.fuzz_cli``) holds a few thousand hostile inputs for the
estimators, the path functions and the command line.  Each case runs in a worker process under a
time limit (a worker past it is killed and replaced: the case is a hang) and is judged by
``tools.fuzz_common``: ok, unclear, refused, crash, hang or silent-wrong.

Usage::

    .venv/bin/python -m tools.fuzz                    # every case, 2 workers, 60 s each
    .venv/bin/python -m tools.fuzz --cases 500 --timeout 30 --workers 1
    .venv/bin/python -m tools.fuzz --case 'Lasso/X:nan-cell'    # one case, with its traceback
    .venv/bin/python -m tools.fuzz --match LassoIC --markdown findings.md

``--cases N`` takes an evenly spread deterministic subset of N cases.  The exit code is 1 when
any case crashed, hung or answered wrongly.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
import warnings
from collections import Counter, defaultdict
from multiprocessing.connection import wait

if __package__ in (None, ""):  # run as a script: python tools/fuzz.py
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "tools"

from tools import fuzz_api, fuzz_cli
from tools.fuzz_common import (
    CATEGORIES,
    FAILURES,
    Case,
    Outcome,
    format_exception,
    judge_accepted,
    judge_error,
)


def all_cases() -> list[Case]:
    """The whole corpus, API then CLI, in a stable order (names are unique)."""
    cases = fuzz_api.cases() + fuzz_cli.cases()
    names = Counter(c.name for c in cases)
    repeated = [n for n, k in names.items() if k > 1]
    if repeated:
        raise RuntimeError(f"fuzz case names must be unique: {repeated[:5]}")
    return cases


def subset(cases: list[Case], n: int | None) -> list[Case]:
    """n cases spread evenly over the corpus (all of them when n is None or too large)."""
    if n is None or n >= len(cases):
        return cases
    step = len(cases) / n
    return [cases[int(i * step)] for i in range(n)]


# --------------------------------------------------------------------------------------------
# one case


def run_case(case: Case) -> Outcome:
    """Run and judge one case in this process (a worker, or --case)."""
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore")
        warnings.filterwarnings("always", category=RuntimeWarning)
        # as the test suite: a RuntimeWarning raised in our code (overflow, 0/0) is a bug
        warnings.filterwarnings("error", category=RuntimeWarning, module=r"shrinkage\..*")
        try:
            if case.kind == "cli":
                category, detail = _run_cli(case, caught)
            else:
                problems = fuzz_api.run(case.spec) + _overflows(caught)
                category, detail = judge_accepted(case, problems)
        except Exception as error:  # the point: every exception is judged
            category, detail = judge_error(case, error)
    return Outcome(case.name, category, detail, time.perf_counter() - start)


def _overflows(caught: list) -> list[str]:
    """An accepted input whose computation overflowed (numpy warned inside a library call)."""
    messages = sorted({str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)})
    return [f"numpy warned during the fit: {m}" for m in messages[:2]]


def _run_cli(case: Case, caught: list) -> tuple[str, str]:
    code, err, problems = fuzz_cli.run(case.spec)
    verdict, detail = fuzz_cli.judge_exit(code, err, case.mention)
    if verdict == "crash":
        return "crash", detail
    if verdict == "accepted":
        numpy_warned = [
            line
            for line in err.splitlines()  # the CLI prints warnings itself
            if line.startswith("shrinkage: warning:") and "encountered in" in line
        ]
        return judge_accepted(case, problems + _overflows(caught) + numpy_warned[:2])
    if problems:  # refused, but damaged an existing file on the way
        return "silent-wrong", "; ".join(problems)
    if case.expect == "accept":
        return "refused", detail
    return ("ok" if verdict == "refusal" else "unclear"), detail


def _worker(conn) -> None:
    """Run the cases sent on ``conn`` until it closes (None), sending back their outcomes."""
    fuzz_cli.cleanup_environment()
    import shrinkage  # noqa: F401  (import once, not in the first case's time)

    conn.send("ready")
    while True:
        case = conn.recv()
        if case is None:
            return
        conn.send(run_case(case))


# --------------------------------------------------------------------------------------------
# many cases, in workers with a time limit


class _Slot:
    """One worker process and the case it runs."""

    def __init__(self, ctx, startup: float = 600.0):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.case: Case | None = None
        self.deadline = 0.0
        # the time limit counts from the first case, not from the start-up (the import)
        if not self.conn.poll(startup) or self.conn.recv() != "ready":
            self.stop()
            raise RuntimeError(
                f"a fuzz worker did not start within {startup:g} s (exit code "
                f"{self.process.exitcode})"
            )

    def send(self, case: Case, timeout: float) -> None:
        self.case, self.deadline = case, time.monotonic() + timeout
        self.conn.send(case)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def run_cases(
    cases: list[Case], *, timeout: float = 60.0, workers: int = 2, progress=None
) -> list[Outcome]:
    """Outcomes of ``cases`` (in their order), each run under ``timeout`` seconds."""
    ctx = mp.get_context("spawn")
    pending = list(reversed(cases))
    slots = [_Slot(ctx) for _ in range(max(1, min(workers, len(cases))))]
    outcomes: dict[str, Outcome] = {}
    try:
        while pending or any(s.case is not None for s in slots):
            for s in slots:
                if s.case is None and pending:
                    s.send(pending.pop(), timeout)
            busy = [s for s in slots if s.case is not None]
            remaining = max(0.0, min(s.deadline for s in busy) - time.monotonic())
            ready = wait([s.conn for s in busy], timeout=remaining)
            for i, s in enumerate(slots):
                if s.case is None:
                    continue
                outcome = None
                if s.conn in ready:
                    try:
                        outcome = s.conn.recv()
                    except (EOFError, OSError):
                        code = s.process.join(5) or s.process.exitcode
                        outcome = Outcome(s.case.name, "crash", f"the worker died (exit {code})")
                elif time.monotonic() >= s.deadline:
                    outcome = Outcome(
                        s.case.name, "hang", f"no answer within {timeout:g} s", timeout
                    )
                if outcome is None:
                    continue
                outcomes[s.case.name] = outcome
                if progress is not None:
                    progress(len(outcomes), len(cases), outcome)
                if outcome.category in ("hang",) or "worker died" in outcome.detail:
                    s.stop()
                    slots[i] = _Slot(ctx)
                else:
                    s.case = None
    finally:
        for s in slots:
            if s.case is None and s.process.is_alive():
                s.conn.send(None)
            s.stop()
    return [outcomes[c.name] for c in cases]


# --------------------------------------------------------------------------------------------
# the report


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    tally = Counter(o.category for o in outcomes)
    return {c: tally.get(c, 0) for c in CATEGORIES}


def grouped_failures(
    cases: list[Case], outcomes: list[Outcome], categories=("unclear", "refused", *FAILURES)
) -> dict:
    """{(category, cause, error signature): [(case, outcome), ...]} for the non-ok outcomes."""
    groups = defaultdict(list)
    for case, outcome in zip(cases, outcomes, strict=True):
        if outcome.category in categories:
            signature = outcome.detail.split(":")[0]
            groups[(outcome.category, case.cause, signature)].append((case, outcome))
    order = {c: i for i, c in enumerate(reversed(CATEGORIES))}
    return dict(sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])))


def report(cases: list[Case], outcomes: list[Outcome], *, markdown: bool = False) -> str:
    """Counts per category, then the failures grouped by cause with one reproduction each."""
    tally = counts(outcomes)
    lines = [f"{len(outcomes)} cases: " + ", ".join(f"{k} {v}" for k, v in tally.items())]
    for (category, cause, signature), members in grouped_failures(cases, outcomes).items():
        case, outcome = members[0]
        targets = sorted({c.name.split("/")[0] for c, _ in members})
        head = f"[{category}] {cause}: {signature} ({len(members)} cases: {', '.join(targets)})"
        lines += [
            "",
            f"### {head}" if markdown else head,
            f"- e.g. `{case.name}`: {outcome.detail}",
            f"- reproduce: `.venv/bin/python -m tools.fuzz --case '{case.name}'` ({case.describe})",
        ]
        for other, other_outcome in members[1:4]:
            lines.append(f"- also `{other.name}`: {other_outcome.detail[:160]}")
    return "\n".join(lines)


def _progress(done: int, total: int, outcome: Outcome) -> None:
    if outcome.category != "ok" or done % 100 == 0 or done == total:
        mark = "" if outcome.category == "ok" else f"  {outcome.category}: {outcome.name}"
        print(f"[{done}/{total}]{mark}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.fuzz", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--cases", type=int, default=None, help="run an even subset of N cases")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--match", default=None, help="only cases whose name contains this")
    parser.add_argument("--case", default=None, help="run this one case here, with traceback")
    parser.add_argument("--list", action="store_true", help="list the case names and exit")
    parser.add_argument("--markdown", default=None, help="also write the report to this file")
    args = parser.parse_args(argv)
    cases = all_cases()
    if args.match:
        cases = [c for c in cases if args.match in c.name]
    cases = subset(cases, args.cases)
    if args.list:
        print("\n".join(f"{c.name}\t{c.expect}\t{c.cause}" for c in cases))
        return 0
    if args.case:
        return _run_one([c for c in all_cases() if c.name == args.case])
    start = time.perf_counter()
    outcomes = run_cases(cases, timeout=args.timeout, workers=args.workers, progress=_progress)
    text = report(cases, outcomes)
    print(text)
    print(f"({time.perf_counter() - start:.0f} s)")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(report(cases, outcomes, markdown=True) + "\n")
    return 1 if any(o.category in FAILURES for o in outcomes) else 0


def _run_one(cases: list[Case]) -> int:
    if not cases:
        print("no such case (see --list)", file=sys.stderr)
        return 2
    case = cases[0]
    print(
        f"{case.name}: {case.describe}\nexpect: {case.expect}"
        + (f", an error mentioning /{case.mention}/" if case.mention else "")
    )
    if case.kind == "api":
        try:
            print("sanity checks failed:", fuzz_api.run(case.spec) or "none")
        except Exception as error:
            print(format_exception(error))
    outcome = run_case(case)
    print(f"=> {outcome.category}: {outcome.detail}")
    return 1 if outcome.category in FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
