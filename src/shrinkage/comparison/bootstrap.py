"""Bootstrap refits of ``compare``: the draws, the parallel refit loop, and what the refits say
about each correlated group.

Refits use the multiplicities of a draw with replacement as sample weights (the same objective
as duplicated rows), every penalty on the same draws; the draws come from the seed up front, so
the result does not depend on ``n_jobs``.  Classification draws are stratified (each class
resampled to its own size), so every refit sees every class.  The refits themselves are the
regression's and the classification's (``refit_batch``).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from .._progress import track
from ..exceptions import ShrinkageConvergenceWarning, user_stacklevel
from .diagnostics import CorrelatedGroup
from .results import (
    ALTERNATE_RANGE,
    GROUP_PRESENT,
    GroupPenalty,
    GroupTreatment,
    ModelResult,
)


def uniform_draws(n: int, n_bootstrap: int, seed: int) -> list[np.ndarray]:
    """Bootstrap multiplicities (n,) of draws of n rows with replacement."""
    rng = np.random.default_rng(seed)
    return [
        np.bincount(rng.integers(0, n, size=n), minlength=n).astype(np.float64)
        for _ in range(n_bootstrap)
    ]


def stratified_draws(codes: np.ndarray, n_bootstrap: int, seed: int) -> list[np.ndarray]:
    """Bootstrap multiplicities (n,) that resample each class to its own size."""
    rng = np.random.default_rng(seed)
    members = [np.flatnonzero(codes == k) for k in range(int(codes.max()) + 1)]
    n = codes.size
    return [
        np.bincount(
            np.concatenate([rows[rng.integers(0, rows.size, rows.size)] for rows in members]),
            minlength=n,
        ).astype(np.float64)
        for _ in range(n_bootstrap)
    ]


def run_bootstrap(
    refit_batch, before: tuple, after: tuple, draws: list, names: list, p: int, n_jobs, progress
) -> dict[str, np.ndarray]:
    """{name: (len(draws), p) coefficients}: ``refit_batch(*before, batch, *after)`` returns
    ({name: coefficients of the batch's draws}, refits stopped at max_iter, batch size); the
    batches run in parallel (about 8 per worker) with a progress bar."""
    n_bootstrap = len(draws)
    batch = max(1, math.ceil(n_bootstrap / (8 * effective_n_jobs(n_jobs))))
    batches = [draws[i : i + batch] for i in range(0, n_bootstrap, batch)]
    tasks = (delayed(refit_batch)(*before, b, *after) for b in batches)
    outs = Parallel(n_jobs=n_jobs, return_as="generator")(tasks)
    coefs: dict[str, list[np.ndarray]] = {k: [] for k in names}
    bad = 0
    for out, n_bad, _ in track(
        outs, n_bootstrap, "compare: bootstrap refits", progress, size=lambda r: r[2]
    ):
        for k in names:
            coefs[k].append(out[k])
        bad += n_bad
    if bad:
        warnings.warn(
            f"compare: {bad} bootstrap refits stopped at max_iter above the tolerance; "
            "their coefficients are used as they are.",
            ShrinkageConvergenceWarning,
            stacklevel=user_stacklevel(),
        )
    return {k: np.concatenate(c).reshape(n_bootstrap, p) for k, c in coefs.items()}


def treat_group(
    group: CorrelatedGroup, results: dict[str, ModelResult], scale: np.ndarray
) -> GroupTreatment:
    members = list(group.members)
    per = {}
    for name, m in results.items():
        weight = np.abs(m.coef[members] * scale[members])
        total = weight.sum()
        share = weight / total if total > 0 else np.full(len(members), math.nan)
        chosen = m.bootstrap_coefs[:, members] != 0
        freq = chosen.mean(axis=0)
        present = float(chosen.any(axis=1).mean())
        lo, hi = ALTERNATE_RANGE
        partial = int(np.sum((freq >= lo) & (freq <= hi)))
        per[name] = GroupPenalty(
            tuple(group.names[k] for k, j in enumerate(members) if m.coef[j] != 0),
            freq,
            present,
            float(chosen.sum(axis=1).mean()),
            present >= GROUP_PRESENT and partial >= 2,
            m.coef[members].copy(),
            share,
        )
    return GroupTreatment(group, per)
