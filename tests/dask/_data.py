"""Shared test data: in-memory arrays and the same rows as dask collections / Parquet parts."""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time

import numpy as np
import pandas as pd

from .._reference import simulated


def problem(n: int = 1200, p: int = 8, seed: int = 0, offset: float = 0.0):
    """X (n, p) with a sparse truth, y, and positive sample weights."""
    X, y = simulated(n, p, seed=seed)
    X = X + offset
    sw = np.random.default_rng(seed + 1).uniform(0.2, 3.0, n)
    return X, y + offset, sw


def names(p: int) -> list[str]:
    return [f"x{j}" for j in range(p)]


def bounds(n: int, n_parts: int) -> list[tuple[int, int]]:
    """Uneven partitions of range(n)."""
    edges = np.linspace(0, n, n_parts + 1).astype(int)
    edges[1:-1] += np.arange(1, n_parts) % 3 * 7  # uneven sizes
    return list(itertools.pairwise(edges))


def frames(X, y, sw=None, n_parts: int = 5) -> list[pd.DataFrame]:
    out = []
    for a, b in bounds(len(y), n_parts):
        df = pd.DataFrame(X[a:b], columns=names(X.shape[1])).assign(y=y[a:b])
        if sw is not None:
            df["w"] = sw[a:b]
        out.append(df)
    return out


def write_parts(frames_, folder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, df in enumerate(frames_):
        df.to_parquet(folder / f"part.{i}.parquet", index=False)


def splits_of(lengths, n_folds: int, random_state=None):
    """The (train, test) pairs of the hashed folds, built independently of HashedFolds."""
    from shrinkage.dask import fold_ids

    f = np.concatenate([fold_ids(i, n, n_folds, random_state) for i, n in enumerate(lengths)])
    return [(np.flatnonzero(f != k), np.flatnonzero(f == k)) for k in range(n_folds)]


def fit_while_killing_a_worker(client, fit, timeout: float = 120):
    """Run ``fit()`` in a thread, SIGKILL a worker once it holds finished partition results, and
    return what ``fit`` returned (Dask retries the lost work; the nanny restarts the worker)."""
    out = {}

    def run():
        try:
            out["result"] = fit()
        except BaseException as error:  # reported below
            out["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    pids = client.run(os.getpid)
    victim = sorted(pids)[0]
    deadline = time.monotonic() + 30
    while not client.has_what().get(victim) and time.monotonic() < deadline:
        time.sleep(0.02)  # wait until the victim holds finished partition results
    assert thread.is_alive(), "the fit ended before a worker could be killed"
    os.kill(pids[victim], signal.SIGKILL)
    thread.join(timeout=timeout)
    assert not thread.is_alive() and "error" not in out, out.get("error")
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it, at a new address
    assert victim not in client.scheduler_info()["workers"]
    return out["result"]
