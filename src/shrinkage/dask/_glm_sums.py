"""The partition side of the distributed GLM fit (``shrinkage.dask.glm``): what one pass sums.

Sums use the raw sample weights s; the client divides by sum s.  A ``Request`` names a point Q
where the statistics are taken (loss, gradient, curvature moments), and optionally a base point
P with a direction (the losses of the line search P + t d) and dual points at P (certificates).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._partitions import Spec, as_block, column_peaks, nonfinite_error, partition_name
from .statistics import Moments, _group_moments


@dataclass(frozen=True)
class Certificate:
    """A dual point at P: v = scale (l'(eta) - l''(eta) (c0 + x.cw)), cw zero off the free
    columns: (c0, cw) is the Newton step of the unpenalized block at P, to first order the
    exact fit of the intercept and free columns, which makes v feasible.  The loss at that
    fit, P - (cw, c0), is summed too."""

    scale: float
    c0: float
    cw: np.ndarray


@dataclass(frozen=True)
class Request:
    """What one pass evaluates."""

    w: np.ndarray  # Q: where the statistics are taken
    b: float
    cols: np.ndarray  # S, sorted: the columns of the curvature moments
    free: np.ndarray  # the columns of the cross moments X' diag(h) X_free
    base: tuple[np.ndarray, float] | None = None  # P = (w0, b0)
    # (dw, db): the losses at P + t (dw, db) for t in steps
    direction: tuple[np.ndarray, float] | None = None
    steps: tuple[float, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    nonce: int = field(default_factory=lambda: uuid.uuid4().int)  # a fresh graph per pass


@dataclass(frozen=True)
class Sums:
    """A partition's (or a subtree's) sums."""

    loss: float  # sum s l at Q
    grad: np.ndarray  # X' (s l')
    g0: float  # sum s l'
    curvature: Moments  # weights h = s l'', over the columns S
    hx: np.ndarray  # X' h, every column
    cross: np.ndarray  # X' diag(h) X_free
    g2h: float  # sum g^2 / h
    line_loss: np.ndarray  # sum s l at P + t d, per step
    line_eta_max: np.ndarray
    conj: np.ndarray  # sum s l*(y, v) per certificate
    offset_dot: np.ndarray  # sum s v offset per certificate
    polished_loss: np.ndarray  # sum s l at P - B delta per certificate


@dataclass(frozen=True)
class Setup:
    """The first pass: rows, weights, column moments (diagonal), target sum, saturated loss,
    and the largest |value| of each column of X, of y and of the offset (the door's check)."""

    rows: int
    weight: float
    mean: np.ndarray
    m2: np.ndarray
    y_sum: float
    saturated: float  # sum s l*(y, 0)
    peak: np.ndarray  # (p + 2,): X's columns, y, the offset


def _block(X, y, w, index: int, spec: Spec, offset_col: int | None):
    """(X, y, s, offset) of a partition, checked; the offset column split from X.  A DataFrame
    becomes one column-major float64 array first (a copy per column: pandas' own row-major
    conversion and the column slices of a pass would cost more)."""
    if isinstance(X, pd.DataFrame):
        X = _column_major(X)
    X, y, w = as_block(X, y, w, index, spec)
    s = np.ones(X.shape[0]) if w is None else w
    if offset_col is None:
        return X, y, s, np.zeros(X.shape[0])
    return np.delete(X, offset_col, axis=1), y, s, X[:, offset_col].copy()


def _column_major(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame on one Fortran-ordered float64 block (unchanged if a column will not convert:
    ``as_block`` then says what is wrong)."""
    out = np.empty(frame.shape, dtype=np.float64, order="F")
    try:
        for j in range(frame.shape[1]):
            out[:, j] = frame.iloc[:, j].to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        return frame
    return pd.DataFrame(out, index=frame.index, columns=frame.columns, copy=False)


def partition_setup(index: int, X, y, w, spec: Spec, datafit, offset_col) -> Setup:
    """Checks (finite values, the datafit's target) and the column moments of a partition."""
    X, y, s, offset = _block(X, y, w, index, spec, offset_col)
    n, p = X.shape
    where = partition_name(index, spec.n_partitions)
    bad = int(np.sum(~np.isfinite(offset)))
    if bad:
        raise ValueError(f"{where}: offset contains NaN or infinity ({bad} rows).")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        full = X if offset_col is None else np.insert(X, offset_col, offset, axis=1)
        raise nonfinite_error(full, y, index, spec)
    try:
        y = datafit.check_target(y)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    peak = np.concatenate([column_peaks(X), column_peaks(np.column_stack([y, offset]))])
    total = float(s.sum())
    with np.errstate(over="ignore", invalid="ignore"):  # beyond the door: refused on the client
        mean = s @ X / total if total > 0 else np.zeros(p)
        m2 = s @ (X - mean) ** 2 if n else np.zeros(p)
    pos = s > 0
    saturated = float(s[pos] @ datafit.conjugate(y[pos], np.zeros(int(pos.sum()))))
    return Setup(n, total, mean, m2, float(s @ y), saturated, peak)


def merge_setup(*parts) -> Setup:
    """Pairwise (Chan) merge of the column moments, sums of the rest."""
    parts = tuple(p.iloc[0] if isinstance(p, pd.Series) else p for p in parts)
    out = parts[0]
    for b in parts[1:]:
        weight = out.weight + b.weight
        frac = b.weight / weight if weight > 0 else 0.0
        delta = b.mean - out.mean
        with np.errstate(over="ignore", invalid="ignore"):  # refused on the client
            out = Setup(
                out.rows + b.rows,
                weight,
                out.mean + delta * frac,
                out.m2 + b.m2 + delta**2 * out.weight * frac,
                out.y_sum + b.y_sum,
                out.saturated + b.saturated,
                np.maximum(out.peak, b.peak),
            )
    return out


def _predictor(X, w: np.ndarray, b: float, offset) -> np.ndarray:
    """X w + b + offset, reading only the columns of the non-zeros when they are contiguous."""
    if not X.flags.f_contiguous:
        return X @ w + b + offset
    nz = np.flatnonzero(w)
    return X[:, nz] @ w[nz] + b + offset


def partition_sums(index: int, X, y, w, spec: Spec, datafit, offset_col, request: Request) -> Sums:
    """Everything one pass needs from a partition."""
    X, y, s, offset = _block(X, y, w, index, spec, offset_col)
    n = X.shape[0]
    eta = _predictor(X, request.w, request.b, offset)
    g = s * datafit.derivative(y, eta)
    h = s * datafit.curvature(y, eta)
    curvature = Moments.zeros(1, request.cols.size)
    if n:
        _group_moments(X[:, request.cols], h, curvature, 0)
    curved = h > 0
    loss = float(s @ datafit.loss(y, eta))
    line_loss, line_eta, conj, offset_dot, polished = [], [], [], [], []
    if request.base is not None:
        eta0 = _predictor(X, *request.base, offset)
        if request.direction is not None:
            move = _predictor(X, *request.direction, 0.0)
            for t in request.steps:
                eta_t = eta0 + t * move
                line_loss.append(float(s @ datafit.loss(y, eta_t)))
                line_eta.append(float(np.abs(eta_t).max(initial=0.0)))
        if request.certificates:
            pos = s > 0
            y0, s0, eta0 = y[pos], s[pos], eta0[pos]
            d0, c0 = datafit.derivative(y0, eta0), datafit.curvature(y0, eta0)
            for cert in request.certificates:
                block = _predictor(X, cert.cw, cert.c0, 0.0)[pos]
                v = cert.scale * (d0 - c0 * block)
                conj.append(float(s0 @ datafit.conjugate(y0, v)))
                offset_dot.append(float(s0 @ (v * offset[pos])))
                polished.append(float(s0 @ datafit.loss(y0, eta0 - block)))
    return Sums(
        loss,
        X.T @ g,
        float(g.sum()),
        curvature,
        X.T @ h,
        X.T @ (h[:, None] * X[:, request.free]),
        float(np.sum(g[curved] ** 2 / h[curved])),
        np.array(line_loss),
        np.array(line_eta),
        np.array(conj),
        np.array(offset_dot),
        np.array(polished),
    )


def merge_sums(*parts) -> Sums:
    """Sums of sums, the pairwise merge of the moments, maxima of |eta|."""
    parts = tuple(p.iloc[0] if isinstance(p, pd.Series) else p for p in parts)
    out = parts[0]
    for b in parts[1:]:
        out = Sums(
            out.loss + b.loss,
            out.grad + b.grad,
            out.g0 + b.g0,
            out.curvature.merge(b.curvature),
            out.hx + b.hx,
            out.cross + b.cross,
            out.g2h + b.g2h,
            out.line_loss + b.line_loss,
            np.maximum(out.line_eta_max, b.line_eta_max),
            out.conj + b.conj,
            out.offset_dot + b.offset_dot,
            out.polished_loss + b.polished_loss,
        )
    return out
