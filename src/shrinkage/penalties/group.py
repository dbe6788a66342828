"""Group lasso and sparse-group lasso penalties.

    Omega(w) = alpha [ l1_ratio sum_j |w_j| + (1 - l1_ratio) sum_g f_g ||w_g||_2 ]

over groups g of columns (e.g. the one-hot columns of a categorical feature) with group factors
f_g >= 0, by default f_g = sqrt(|g|) (Yuan & Lin's weighting, as in R's grpreg and glmnet's
grouped penalties).  l1_ratio = 0 is the group lasso, 0 < l1_ratio < 1 the sparse-group lasso and
l1_ratio = 1 the lasso.  A group with f_g = 0 under l1_ratio = 0 is unpenalized.  With groups of
one column the penalty is alpha sum_j |w_j| whatever l1_ratio: the lasso.

Groups are given as one integer label per column; columns labelled -1 (or None) are in no group
and each form a group of their own.  Groups are ordered by label, then the ungrouped columns in
column order.  The penalty acts on the solver's coordinates: with ``standardize=True`` those are
the coefficients of the columns divided by their scales (see ``shrinkage.group_path``).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from . import _group_kernels as gk


@dataclass(frozen=True)
class Groups:
    """Group g holds the columns ``order[ptr[g]:ptr[g + 1]]``; ``labels[g]`` is its user label
    (-1 for the singleton of an ungrouped column)."""

    order: np.ndarray
    ptr: np.ndarray
    labels: np.ndarray

    @classmethod
    def from_labels(cls, groups, n_features: int) -> Groups:
        """From one integer label per column (None: every column its own group)."""
        labels = np.arange(n_features) if groups is None else _integer_labels(groups, n_features)
        grouped = labels >= 0
        named = np.unique(labels[grouped])
        single = np.flatnonzero(~grouped)
        order = np.concatenate(
            [np.flatnonzero(grouped)[np.argsort(labels[grouped], kind="stable")], single]
        )
        sizes = np.concatenate(
            [
                np.bincount(np.searchsorted(named, labels[grouped]), minlength=named.size),
                np.ones(single.size, int),
            ]
        )
        ptr = np.concatenate([[0], np.cumsum(sizes)])
        return cls(
            order.astype(np.int64),
            ptr.astype(np.int64),
            np.concatenate([named, np.full(single.size, -1)]).astype(np.int64),
        )

    @property
    def n_groups(self) -> int:
        return self.ptr.shape[0] - 1

    @property
    def n_features(self) -> int:
        return self.order.shape[0]

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.ptr)

    def members(self, g: int | np.integer) -> np.ndarray:
        return self.order[self.ptr[g] : self.ptr[g + 1]]

    def columns(self, gs: np.ndarray) -> np.ndarray:
        """The columns of the groups ``gs``, group after group."""
        gs = np.asarray(gs, dtype=np.int64)
        sizes = self.sizes[gs]
        starts = np.repeat(self.ptr[gs] - (np.cumsum(sizes) - sizes), sizes)
        return self.order[starts + np.arange(starts.size)]

    def column_group(self) -> np.ndarray:
        """The group index of every column."""
        out = np.empty(self.n_features, dtype=np.int64)
        out[self.order] = np.repeat(np.arange(self.n_groups), self.sizes)
        return out

    def norms(self, w: np.ndarray) -> np.ndarray:
        """||w_g||_2 of every group."""
        return (
            np.sqrt(np.add.reduceat(w[self.order] ** 2, self.ptr[:-1]))
            if self.n_groups
            else np.empty(0)
        )


def _integer_labels(groups, n_features: int) -> np.ndarray:
    typed = hasattr(groups, "dtype") and np.issubdtype(groups.dtype, np.integer)
    raw = np.asarray(groups, dtype=None if typed else object)  # lists: keep each item's type
    if raw.ndim != 1 or raw.shape[0] != n_features:
        raise ValueError(
            f"groups must hold one label per column of X ({n_features}); got shape {raw.shape}."
        )
    if typed:
        out = raw.astype(np.int64)
    else:
        out = np.empty(n_features, dtype=np.int64)
        for j, g in enumerate(raw):
            out[j] = _label(g, j)
    if np.any(out < -1):
        j = int(np.flatnonzero(out < -1)[0])
        raise ValueError(
            f"groups labels must be >= 0, or -1 / None for a column in no group; "
            f"column {j} has {out[j]}."
        )
    return out


def _label(g, j: int) -> int:
    """One label: an integer (integral floats too) or None (-1)."""
    if g is None:
        return -1
    if not isinstance(g, bool | np.bool_):
        if isinstance(g, numbers.Integral):
            return int(g)
        if isinstance(g, numbers.Real) and np.isfinite(float(g)) and float(g).is_integer():
            return int(float(g))  # the integral float's value
    raise ValueError(
        f"groups must be integer labels (-1 or None: in no group); column {j} has {g!r}."
    )


def group_factors(group_factor, groups: Groups) -> np.ndarray:
    """f_g for every group: None -> sqrt(|g|); a number for all; a dict {label: f} (the other
    groups keep sqrt(|g|)); or one value per group in the order of ``Groups``."""
    default = np.sqrt(groups.sizes.astype(np.float64))
    if group_factor is None:
        f = default
    elif isinstance(group_factor, dict):
        f = default.copy()
        for label, value in group_factor.items():
            hit = np.flatnonzero((groups.labels == label) & (groups.labels >= 0))
            if not hit.size:
                named = np.unique(groups.labels[groups.labels >= 0])
                raise ValueError(
                    f"group_factor names the group {label!r}, which is not a label "
                    f"of groups; the labels are {named}."
                )
            f[hit] = _real(value, f"group_factor[{label!r}]")
    elif np.ndim(group_factor) == 0:
        f = np.full(groups.n_groups, _real(group_factor, "group_factor"))
    else:
        f = np.asarray(group_factor, dtype=np.float64)
        if f.shape != (groups.n_groups,):
            raise ValueError(
                f"group_factor must be a number, a dict {{label: factor}} or one "
                f"value per group ({groups.n_groups}); got shape {f.shape}."
            )
    if not np.all(np.isfinite(f)) or np.any(f < 0):
        bad = f[~(np.isfinite(f) & (f >= 0))][:3]
        raise ValueError(
            f"group_factor must be finite and >= 0 (0 leaves a group unpenalized); got {bad}."
        )
    return f


def _real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number >= 0; got {value!r}.")
    return float(value)


@dataclass(frozen=True)
class GroupPenalty:
    """alpha [l1_ratio ||w||_1 + (1 - l1_ratio) sum_g f_g ||w_g||_2]; immutable along a path."""

    alpha: float
    l1_ratio: float
    groups: Groups
    factors: np.ndarray

    def l1_weights(self) -> np.ndarray:
        """Per column: alpha l1_ratio."""
        return np.full(self.groups.n_features, self.alpha * self.l1_ratio)

    def group_weights(self) -> np.ndarray:
        """Per group: alpha (1 - l1_ratio) f_g."""
        return self.alpha * (1.0 - self.l1_ratio) * self.factors

    def free_groups(self) -> np.ndarray:
        """The unpenalized groups."""
        if self.alpha * self.l1_ratio > 0:
            return np.empty(0, dtype=np.int64)
        return np.flatnonzero(self.group_weights() == 0)

    def value(self, w: np.ndarray) -> float:
        g = self.groups
        return float(
            gk.penalty_value(
                np.asarray(w, dtype=np.float64),
                g.order,
                g.ptr,
                self.l1_weights(),
                self.group_weights(),
                np.arange(g.n_groups),
            )
        )

    def prox(self, v_g: np.ndarray, step: float, g: int) -> np.ndarray:
        """argmin_x ||x - v_g||^2 / (2 step) + Omega_g(x): soft-threshold, then group shrink."""
        out = np.array(v_g, dtype=np.float64)
        gk.group_prox(
            out,
            step,
            self.groups.order,
            self.groups.ptr[g],
            self.l1_weights(),
            self.group_weights()[g],
        )
        return out

    def subdiff_distance(self, grad_g: np.ndarray, w_g: np.ndarray, g: int) -> float:
        """Distance from -grad_g to the subdifferential of Omega_g at w_g (the KKT score)."""
        w = np.zeros(self.groups.n_features)
        w[self.groups.members(g)] = w_g
        return float(
            gk.group_kkt(
                -np.asarray(grad_g, dtype=np.float64),
                w,
                self.groups.order,
                self.groups.ptr[g],
                self.l1_weights(),
                self.group_weights()[g],
            )
        )

    def kkt_scores(self, grad: np.ndarray, w: np.ndarray) -> np.ndarray:
        """subdiff_distance of every group, from the full gradient and coefficients."""
        g = self.groups
        return gk.kkt_scores(
            -np.asarray(grad, dtype=np.float64),
            np.asarray(w, dtype=np.float64),
            g.order,
            g.ptr,
            self.l1_weights(),
            self.group_weights(),
            np.empty(g.n_groups),
        )

    def dual_norms(self, v: np.ndarray) -> np.ndarray:
        """Per group, the smallest t with v_g in t * subdifferential of Omega_g at 0 (inf for an
        unpenalized group with v_g != 0): theta is dual feasible when max_g t_g(X_g' theta) <= 1."""
        g = self.groups
        return gk.dual_norms(
            np.asarray(v, dtype=np.float64),
            g.order,
            g.ptr,
            self.l1_weights(),
            self.group_weights(),
            np.empty(g.n_groups),
        )

    def alpha_max(self, grad0: np.ndarray) -> float:
        """Smallest alpha at which w = 0 is optimal, given the datafit gradient at w = 0
        (exact for the sparse-group penalty: a one-dimensional root per group)."""
        unit = GroupPenalty(1.0, self.l1_ratio, self.groups, self.factors)
        penalized = np.ones(self.groups.n_groups, dtype=bool)
        penalized[unit.free_groups()] = False
        if not np.any(penalized):
            return 0.0
        return float(np.max(unit.dual_norms(grad0)[penalized]))
