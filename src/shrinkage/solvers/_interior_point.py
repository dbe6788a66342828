"""Mehrotra predictor-corrector interior point for LPs and diagonal QPs with bounded variables.

    min  c'x + 1/2 sum_k q_k x_k^2 + cp's+ + cm's-
    s.t. D (S x) + s+ - s- = d,   N (S x) = e,   lo <= x <= hi,   s+ >= 0,  s- >= 0

D is m x p' (one pair of slacks per row; s- may be absent), N is m_e x p' (optional), and
(S x)_j = sum_{k: col_k = j} sign_k x_k maps the variables onto the columns of D, so the two
halves of a split coefficient share one column.  The slacks are eliminated in closed form and the
Newton system is reduced to the columns (p' x p': D'ED + diag, when p' <= m) or to the rows
(m x m: E^-1 + D diag D'), then solved by Cholesky; the variables without bounds or curvature
and the rows of N are bordered on.  D is only touched through the small ``Design`` protocol, so
a sparse design stays sparse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple, dataclass
from typing import Protocol

import numpy as np
import scipy.linalg as sla

_STEP = 0.995
_ULP = np.finfo(float).eps


class Design(Protocol):
    @property
    def shape(self) -> tuple[int, int]: ...

    def matvec(self, v: np.ndarray) -> np.ndarray: ...  # D v
    def rmatvec(self, u: np.ndarray) -> np.ndarray: ...  # D'u
    def gram(self, e: np.ndarray) -> np.ndarray: ...  # D' diag(e) D, dense
    def outer(self, d: np.ndarray) -> np.ndarray: ...  # D diag(d) D', dense
    def columns(self, idx: np.ndarray) -> np.ndarray: ...  # D[:, idx], dense


@dataclass(frozen=True)
class DenseDesign:
    """A dense D."""

    M: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.M.shape

    def matvec(self, v):
        return self.M @ v

    def rmatvec(self, u):
        return self.M.T @ u

    def gram(self, e):
        return self.M.T @ (e[:, None] * self.M)

    def outer(self, d):
        return (self.M * d) @ self.M.T

    def columns(self, idx):
        return self.M[:, idx]


@dataclass(frozen=True)
class BoundedQP:
    """The problem data (see the module docstring); ``minus`` marks the rows that have s-."""

    c: np.ndarray
    q: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    col: np.ndarray
    sign: np.ndarray
    d: np.ndarray
    cp: np.ndarray
    cm: np.ndarray
    minus: np.ndarray
    N: np.ndarray | None = None
    e: np.ndarray | None = None


@dataclass
class Iterate:
    """Primal (x, s+, s-), row duals (y, lam) and bound duals (zl, zu, z+, z-)."""

    x: np.ndarray
    sp: np.ndarray
    sm: np.ndarray
    y: np.ndarray
    lam: np.ndarray
    zl: np.ndarray
    zu: np.ndarray
    zp: np.ndarray
    zm: np.ndarray

    def moved(self, step: Iterate, ap: float, ad: float) -> Iterate:
        return Iterate(
            self.x + ap * step.x,
            self.sp + ap * step.sp,
            self.sm + ap * step.sm,
            self.y + ad * step.y,
            self.lam + ad * step.lam,
            self.zl + ad * step.zl,
            self.zu + ad * step.zu,
            self.zp + ad * step.zp,
            self.zm + ad * step.zm,
        )


def interior_point(
    qp: BoundedQP, design: Design, *, max_iter: int, stop: Callable[[Iterate, Residuals], bool]
) -> tuple[Iterate, int]:
    """Iterate until ``stop(iterate, residuals)`` says so, max_iter, or a numerical stall.

    Returns the last iterate and the number of Newton steps taken.
    """
    solver = _Newton(qp, design)
    it = _start(qp, design, solver)
    same_step = bool(np.any(qp.q > 0))  # QPs share one step length, LPs use two
    for k in range(max_iter + 1):
        res = solver.residuals(it)
        if stop(it, res) or k == max_iter:
            return it, k
        affine = solver.direction(it, res, 0.0, None)
        if affine is None:
            return it, k
        ap, ad = solver.step_lengths(it, affine)  # inf where nothing blocks the step
        ap, ad = min(ap, 1.0), min(ad, 1.0)  # Mehrotra's affine step is at most the full step
        if same_step:
            ap = ad = min(ap, ad)
        mu_aff = solver.mean_complementarity(it.moved(affine, ap, ad))
        sigma = min((mu_aff / max(res.mu, 1e-300)) ** 3, 1.0)
        step = solver.direction(it, res, sigma * res.mu, affine)
        if step is None:
            return it, k
        ap, ad = solver.step_lengths(it, step)
        if same_step:
            ap = ad = min(ap, ad)
        if max(ap, ad) < 1e-12:
            return it, k
        it = it.moved(step, min(1.0, _STEP * ap), min(1.0, _STEP * ad))
    return it, max_iter


@dataclass
class Residuals:
    """Row residuals (rp, re), dual residuals (rd, rdp, rdm) and mean complementarity mu."""

    rp: np.ndarray
    re: np.ndarray
    rd: np.ndarray
    rdp: np.ndarray
    rdm: np.ndarray
    mu: float

    def primal(self) -> float:
        return _sup(self.rp, self.re)

    def dual(self) -> float:
        return _sup(self.rd, self.rdp, self.rdm)


class _Newton:
    """Residuals, Newton directions and step lengths for one problem."""

    def __init__(self, qp: BoundedQP, design: Design):
        self.qp, self.design = qp, design
        self.m, self.ncol = design.shape
        self.hl, self.hu = np.isfinite(qp.lo), np.isfinite(qp.hi)
        self.free = ~self.hl & ~self.hu & (qp.q == 0)
        self.free_col = np.zeros(self.ncol, dtype=bool)
        self.free_col[qp.col[self.free]] = True
        self.N = np.zeros((0, self.ncol)) if qp.N is None else np.asarray(qp.N, dtype=float)
        self.e = np.zeros(0) if qp.e is None else np.asarray(qp.e, dtype=float)
        self.by_columns = self.ncol <= self.m
        self.count = self.hl.sum() + self.hu.sum() + self.m + qp.minus.sum()
        self._factor: tuple | None = None

    def distances(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x - lo and hi - x (1 where there is no bound), at least the rounding of the bound: an
        iterate that rounding put on its bound stays strictly inside."""
        hl, hu = self.hl, self.hu
        lo, hi = np.where(hl, self.qp.lo, 0.0), np.where(hu, self.qp.hi, 0.0)
        xl = np.where(hl, np.maximum(x - lo, _ULP * (1.0 + np.abs(lo))), 1.0)
        xu = np.where(hu, np.maximum(hi - x, _ULP * (1.0 + np.abs(hi))), 1.0)
        return xl, xu

    def aggregate(self, x: np.ndarray) -> np.ndarray:
        return np.bincount(self.qp.col, self.qp.sign * x, minlength=self.ncol)

    def spread(self, t: np.ndarray) -> np.ndarray:
        return self.qp.sign * t[self.qp.col]

    def residuals(self, it: Iterate) -> Residuals:
        qp = self.qp
        Sx = self.aggregate(it.x)
        rp = qp.d - self.design.matvec(Sx) - it.sp + np.where(qp.minus, it.sm, 0.0)
        re = self.e - self.N @ Sx
        t = self.design.rmatvec(it.y) + self.N.T @ it.lam
        rd = qp.c + qp.q * it.x - self.spread(t) - it.zl + it.zu
        rdp = qp.cp - it.y - it.zp
        rdm = np.where(qp.minus, qp.cm + it.y - it.zm, 0.0)
        return Residuals(rp, re, rd, rdp, rdm, self.mean_complementarity(it))

    def mean_complementarity(self, it: Iterate) -> float:
        qp, hl, hu = self.qp, self.hl, self.hu
        xl, xu = self.distances(it.x)
        total = (
            np.sum(xl[hl] * it.zl[hl])
            + np.sum(xu[hu] * it.zu[hu])
            + np.sum(it.sp * it.zp)
            + np.sum((it.sm * it.zm)[qp.minus])
        )
        return float(total) / max(int(self.count), 1)

    def direction(
        self, it: Iterate, res: Residuals, target: float, affine: Iterate | None
    ) -> Iterate | None:
        """The Newton step towards complementarity ``target`` (Mehrotra's second-order term when
        the affine step is given)."""
        qp, hl, hu, mn = self.qp, self.hl, self.hu, self.qp.minus
        xl, xu = self.distances(it.x)
        sm = np.where(mn, it.sm, 1.0)
        cl = cu = cp = cm = 0.0
        if affine is not None:
            cl, cu = affine.x * affine.zl, -affine.x * affine.zu
            cp, cm = affine.sp * affine.zp, affine.sm * affine.zm
        tl = np.where(hl, target - xl * it.zl - cl, 0.0)
        tu = np.where(hu, target - xu * it.zu - cu, 0.0)
        tp = target - it.sp * it.zp - cp
        tm = np.where(mn, target - sm * it.zm - cm, 0.0)
        h = qp.q + np.where(hl, it.zl / xl, 0.0) + np.where(hu, it.zu / xu, 0.0)
        r = -res.rd + tl / xl - tu / xu
        hp, r_p = it.zp / it.sp, -res.rdp + tp / it.sp
        hm = np.where(mn, it.zm / sm, 1.0)
        r_m = np.where(mn, -res.rdm + tm / sm, 0.0)
        try:
            if self._factor is None or self._factor[0] is not it:  # predictor and corrector
                self._factor = (it, self._factorize(h, hp, hm))  # share one factorization
            dx, dsp, dsm, dy, dlam = self._solve(self._factor[1], r, r_p, r_m, res.rp, res.re)
        except (np.linalg.LinAlgError, ValueError):
            return None
        if not (np.all(np.isfinite(dx)) and np.all(np.isfinite(dy))):
            return None
        dzl = np.where(hl, (tl - it.zl * dx) / xl, 0.0)
        dzu = np.where(hu, (tu + it.zu * dx) / xu, 0.0)
        dzp = (tp - it.zp * dsp) / it.sp
        dzm = np.where(mn, (tm - it.zm * dsm) / sm, 0.0)
        step = Iterate(dx, dsp, dsm, dy, dlam, dzl, dzu, dzp, dzm)
        # an ill-conditioned system (e.g. near-collinear columns on very different scales) can
        # leave a non-finite slack direction: stop here, the polish and the certificate follow
        return step if all(np.all(np.isfinite(part)) for part in astuple(step)) else None

    def _factorize(self, h, hp, hm) -> dict:
        """What the Newton systems of one iterate share: the slack elimination (E), the column
        curvatures (d = sum over the column's variables of 1/h) and the Cholesky factor of the
        columns' (p' x p') or the rows' (m x m) matrix with its bordered Schur complement."""
        qp, design, N, fc = self.qp, self.design, self.N, self.free_col
        inv_p = 1.0 / hp
        inv_m = np.where(qp.minus, 1.0 / hm, 0.0)
        E = 1.0 / (inv_p + inv_m)
        inv_h = np.where(self.free, 0.0, 1.0 / np.where(self.free, 1.0, h))
        d = np.bincount(qp.col, inv_h, minlength=self.ncol)
        out = {"inv_p": inv_p, "inv_m": inv_m, "E": E, "inv_h": inv_h, "d": d}
        if self.by_columns:
            invd = np.where(fc, 0.0, 1.0 / np.where(fc, 1.0, d))
            K = design.gram(E)
            K[np.diag_indices_from(K)] += invd
            out.update(invd=invd, factor=_cholesky(K))
            if N.shape[0]:
                KiN = sla.cho_solve(out["factor"], N.T, check_finite=False)
                out.update(KiN=KiN, schur=N @ KiN)
            return out
        F = np.flatnonzero(fc)
        M11 = design.outer(d)
        M11[np.diag_indices_from(M11)] += 1.0 / E
        C = np.column_stack(
            [
                np.column_stack([design.matvec(d * row) for row in N])
                if N.shape[0]
                else np.empty((self.m, 0)),
                design.columns(F),
            ]
        )
        out.update(F=F, C=C, factor=_cholesky(M11))
        if C.shape[1]:
            ne = N.shape[0]
            L = np.zeros((C.shape[1], C.shape[1]))
            L[:ne, :ne] = (N * d) @ N.T
            L[:ne, ne:] = N[:, F]
            L[ne:, :ne] = N[:, F].T
            Y = sla.cho_solve(out["factor"], C, check_finite=False)
            out.update(Y=Y, schur=L - C.T @ Y)
        return out

    def _solve(self, fac: dict, r, r_p, r_m, rp, re):
        """Solve h dx - S'(D'dy + N'dlam) = r, the slack rows, D S dx + ds+ - ds- = rp and
        N S dx = re, by eliminating the slacks and reducing to columns or rows."""
        qp, design, N, fc = self.qp, self.design, self.N, self.free_col
        inv_p, inv_m, E, inv_h, d = fac["inv_p"], fac["inv_m"], fac["E"], fac["inv_h"], fac["d"]
        g = rp - r_p * inv_p + r_m * inv_m
        a = np.bincount(qp.col, qp.sign * r * inv_h, minlength=self.ncol)
        rho = np.zeros(self.ncol)  # t_j = (D'dy + N'dlam)_j is fixed on the free columns
        rho[qp.col[self.free]] = -qp.sign[self.free] * r[self.free]
        if self.by_columns:
            invd = fac["invd"]
            f = np.where(fc, -rho, invd * a) + design.rmatvec(E * g)
            delta = sla.cho_solve(fac["factor"], f, check_finite=False)
            dlam = np.zeros(0)
            if N.shape[0]:
                dlam = _solve_small(fac["schur"], re - N @ delta, singular=False)
                delta = delta + fac["KiN"] @ dlam
            t = np.where(fc, rho, (delta - a) * invd)
            dy = E * (g - design.matvec(delta))
        else:
            F, C = fac["F"], fac["C"]
            dy = sla.cho_solve(fac["factor"], g - design.matvec(a), check_finite=False)
            dlam = np.zeros(0)
            if C.shape[1]:
                rhs = np.concatenate([re - N @ a, rho[F]]) - C.T @ dy
                sol = _solve_small(fac["schur"], rhs, singular=C.shape[1] >= self.m)
                dy = dy - fac["Y"] @ sol
                dlam = sol[: N.shape[0]]
            t = design.rmatvec(dy) + N.T @ dlam
            delta = a + d * t
            if F.size:
                delta[F] = sol[N.shape[0] :]
        dx = np.where(self.free, qp.sign * delta[qp.col], (r + self.spread(t)) * inv_h)
        dsp = (r_p + dy) * inv_p
        dsm = (r_m - dy) * inv_m
        return dx, dsp, dsm, dy, dlam

    def step_lengths(self, it: Iterate, step: Iterate) -> tuple[float, float]:
        qp = self.qp
        xl, xu = self.distances(it.x)
        ap = min(
            _ratio(xl, step.x, self.hl),
            _ratio(xu, -step.x, self.hu),
            _ratio(it.sp, step.sp, None),
            _ratio(it.sm, step.sm, qp.minus),
        )
        ad = min(
            _ratio(it.zl, step.zl, self.hl),
            _ratio(it.zu, step.zu, self.hu),
            _ratio(it.zp, step.zp, None),
            _ratio(it.zm, step.zm, qp.minus),
        )
        return ap, ad


def _sup(*arrays: np.ndarray) -> float:
    return float(max(np.max(np.abs(a), initial=0.0) for a in arrays))


def _ratio(value: np.ndarray, change: np.ndarray, mask: np.ndarray | None) -> float:
    """The largest a with value + a change >= 0 where ``mask`` holds (inf if none binds)."""
    neg = change < 0 if mask is None else mask & (change < 0)
    if not np.any(neg):
        return np.inf
    return float(np.min(value[neg] / -change[neg]))


def _solve_small(S: np.ndarray, rhs: np.ndarray, *, singular: bool) -> np.ndarray:
    """S^-1 rhs for the bordered part; least squares where S is singular (more free columns than
    rows: the free directions are then not unique, and any solution is a Newton step)."""
    if not singular:
        try:
            return np.linalg.solve(S, rhs)
        except np.linalg.LinAlgError:
            pass
    return np.linalg.lstsq(S, rhs, rcond=None)[0]


def _cholesky(K: np.ndarray):
    """Cholesky factor of a symmetric positive (semi)definite K, regularized if needed."""
    try:
        return sla.cho_factor(K, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        scale = max(float(np.max(np.abs(np.diag(K)))), 1e-300)
        for eps in (1e-14, 1e-12, 1e-10, 1e-8):
            try:
                return sla.cho_factor(
                    K + eps * scale * np.eye(K.shape[0]), lower=True, check_finite=False
                )
            except np.linalg.LinAlgError:
                continue
        raise


def _start(qp: BoundedQP, design: Design, solver: _Newton) -> Iterate:
    """A strictly interior point: variables mid-box or one unit inside their bound, slacks one
    unit past the residual, row duals mid-box, bound duals one unit past the dual residual."""
    hl, hu = solver.hl, solver.hu
    lo, hi = np.where(hl, qp.lo, 0.0), np.where(hu, qp.hi, 0.0)
    x = np.where(hl & hu, 0.5 * (lo + hi), np.where(hl, lo + 1.0, np.where(hu, hi - 1.0, 0.0)))
    r = qp.d - design.matvec(solver.aggregate(x))
    sp = np.maximum(r, 0.0) + 1.0
    sm = np.where(qp.minus, np.maximum(-r, 0.0) + 1.0, 0.0)
    y = np.where(qp.minus, 0.5 * (qp.cp - qp.cm), qp.cp - 1.0)
    zp = qp.cp - y
    zm = np.where(qp.minus, qp.cm + y, 0.0)
    floor = 1e-2 * max(float(np.mean(zp)), 1e-8)
    zp = np.maximum(zp, floor)
    zm = np.where(qp.minus, np.maximum(zm, floor), 0.0)
    lam = np.zeros(solver.N.shape[0])
    v = qp.c + qp.q * x - solver.spread(design.rmatvec(y))
    zl = np.where(hl, np.maximum(v, 0.0) + 1.0, 0.0)
    zu = np.where(hu, np.maximum(-v, 0.0) + 1.0, 0.0)
    return Iterate(x, sp, sm, y, lam, zl, zu, zp, zm)
