"""Cross-validation folds, and the training statistics of every fold from one pass over X.

``make_folds`` turns ``cv`` (an integer, a scikit-learn splitter or an iterable of (train, test)
pairs), ``groups``, ``n_repeats`` and ``random_state`` into explicit index pairs, so that every
l1_ratio (and every gamma of a relaxed fit) is scored on the same folds.

``FoldStatistics`` gives each training set its sufficient statistics (X_c' S X_c, X_c' S y_c, ...)
by subtraction, ``total - held-out part``, instead of a fresh O(n p^2) pass per fold: the
moments of every test fold are formed once (together they are the total when the folds partition
the samples), each about the full-data mean so that the subtraction does not cancel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold

from .. import _validation as v
from ..datafits.quadratic import SufficientStatistics

_BLOCK_BYTES = 32 * 2**20


def make_folds(
    cv,
    n_samples: int,
    *,
    X=None,
    y=None,
    groups=None,
    n_repeats: int = 1,
    random_state=None,
    stratify: bool = False,
) -> tuple[list[tuple[np.ndarray, np.ndarray]], int]:
    """The (train, test) index pairs and the number of folds per repeat.

    An integer ``cv`` gives K-fold (without shuffling when ``random_state`` is None and
    ``n_repeats`` is 1, as scikit-learn; shuffled and seeded otherwise), or group K-fold when
    ``groups`` is given; ``stratify=True`` (classification) keeps the classes of ``y`` in
    proportion in every fold (stratified K-fold, or stratified group K-fold).  ``n_repeats``
    repeats it with fresh shuffles drawn from ``random_state`` (an int or a numpy Generator).
    A splitter object or an iterable of splits is used as is.
    """
    n_repeats = v.check_positive_int(n_repeats, "n_repeats")
    random_state = v.check_random_state(random_state)
    groups = v.check_groups(groups, n_samples)
    if isinstance(cv, bool | str):  # a str has a split method: not a splitter
        raise _not_a_cv(cv)
    if cv is None:
        cv = 5
    if isinstance(cv, int | np.integer):
        n_groups = None if groups is None else len(np.unique(groups))
        k = v.check_cv(cv, n_samples, n_groups)
        shuffle = random_state is not None or n_repeats > 1
        rng = np.random.default_rng(random_state) if shuffle else None
        splits = []
        for _ in range(n_repeats):
            seed = int(rng.integers(2**31 - 1)) if rng is not None else None
            if groups is None:
                kind = StratifiedKFold if stratify else KFold
            else:
                kind = StratifiedGroupKFold if stratify else GroupKFold
            splitter = kind(k, shuffle=shuffle, random_state=seed)
            splits.extend(splitter.split(np.empty((n_samples, 1)), y if stratify else None, groups))
        return v.check_splits(splits, n_samples), k
    if n_repeats != 1:
        raise ValueError(
            f"n_repeats={n_repeats} applies to an integer cv only; a splitter "
            "object repeats itself (e.g. scikit-learn's RepeatedKFold)."
        )
    if hasattr(cv, "split"):
        Xs = np.empty((n_samples, 1)) if X is None else X
        splits = list(cv.split(Xs, y, groups))
    else:
        try:
            splits = list(cv)
        except TypeError:
            raise _not_a_cv(cv) from None
    splits = v.check_splits(splits, n_samples)
    return splits, len(splits)


def _not_a_cv(cv) -> ValueError:
    return ValueError(
        f"cv must be an integer number of folds, a scikit-learn splitter or an "
        f"iterable of (train, test) splits; got {cv!r}."
    )


@dataclass(frozen=True)
class _Moments:
    """Weighted moments of some rows about the reference point (c_x, c_y)."""

    weight: float
    x_sum: np.ndarray  # sum s (x - c_x)               (p,)
    xx: np.ndarray  # sum s (x - c_x)(x - c_x)'          (p, p)
    y_sum: np.ndarray  # sum s (y - c_y)               (t,)
    xy: np.ndarray  # sum s (x - c_x)(y - c_y)'          (p, t)
    yy: np.ndarray  # sum s (y - c_y)^2                (t,)

    def __sub__(self, other: _Moments) -> _Moments:
        return _Moments(
            self.weight - other.weight,
            self.x_sum - other.x_sum,
            self.xx - other.xx,
            self.y_sum - other.y_sum,
            self.xy - other.xy,
            self.yy - other.yy,
        )

    def __add__(self, other: _Moments) -> _Moments:
        return _Moments(
            self.weight + other.weight,
            self.x_sum + other.x_sum,
            self.xx + other.xx,
            self.y_sum + other.y_sum,
            self.xy + other.xy,
            self.yy + other.yy,
        )


class FoldStatistics:
    """Sufficient statistics of the full data and of each training set, by subtraction.

    ``y`` may hold several targets (2-D); the statistics then have one column per target.
    """

    def __init__(
        self,
        X,
        y: np.ndarray,
        sample_weight: np.ndarray,
        fit_intercept: bool,
        splits: list[tuple[np.ndarray, np.ndarray]],
    ):
        self.X = X.tocsr() if sp.issparse(X) else X  # row slices
        self.multi = y.ndim == 2
        self.Y = y.reshape(y.shape[0], -1)
        self.s = sample_weight
        self.fit_intercept = fit_intercept
        n = X.shape[0]
        total_w = float(sample_weight.sum())
        if fit_intercept:
            self.c_x = np.asarray(X.T @ sample_weight, dtype=np.float64).ravel() / total_w
            self.c_y = sample_weight @ self.Y / total_w
        else:
            self.c_x = np.zeros(X.shape[1])
            self.c_y = np.zeros(self.Y.shape[1])
        # the rows each training set leaves out: subtract their moments when they are fewer
        outs = []
        for train, _ in splits:
            mask = np.ones(n, dtype=bool)
            mask[train] = False
            outs.append(np.flatnonzero(mask))
        cache: dict[bytes, _Moments] = {}

        def moments(rows: np.ndarray) -> _Moments:
            key = rows.tobytes()
            if key not in cache:
                cache[key] = self._moments(rows)
            return cache[key]

        tests = [test for _, test in splits]
        first = _first_partition(tests, n)
        if first is not None:
            total = moments(np.sort(tests[0]))
            for test in tests[1:first]:
                total = total + moments(np.sort(test))
        else:
            total = self._moments(np.arange(n))
        self.total = total
        self.train: list[_Moments] = []
        for (train, _), out in zip(splits, outs, strict=True):
            if out.size == 0:
                self.train.append(total)
            elif out.size < train.size:
                self.train.append(total - moments(out))
            else:
                self.train.append(self._moments(np.sort(train)))

    def full(self) -> SufficientStatistics:
        return self._statistics(self.total)

    def fold(self, k: int) -> SufficientStatistics:
        return self._statistics(self.train[k])

    def _statistics(self, m: _Moments) -> SufficientStatistics:
        if m.weight <= 0:
            raise ValueError(
                "a cross-validation training set has zero total sample_weight; "
                "every training set needs a sample with a positive weight."
            )
        W = m.weight
        if self.fit_intercept:
            dx, dy = m.x_sum / W, m.y_sum / W
        else:
            dx, dy = np.zeros_like(m.x_sum), np.zeros_like(m.y_sum)
        G = m.xx / W - np.outer(dx, dx)
        q = m.xy / W - np.outer(dx, dy)
        yty = m.yy / W - dy**2
        x_offset = self.c_x + dx
        y_offset = self.c_y + dy
        # G = xx/W - dx dx' subtracts: judge constant columns with the cancellation rule
        if not self.multi:
            return SufficientStatistics(
                G, q[:, 0], float(yty[0]), x_offset, float(y_offset[0]), cancellation=True
            )
        return SufficientStatistics(G, q, yty, x_offset, y_offset, cancellation=True)

    def _moments(self, rows: np.ndarray) -> _Moments:
        X, Y, s = self.X, self.Y, self.s
        p, t = X.shape[1], Y.shape[1]
        sw = s[rows]
        Yc = Y[rows] - self.c_y
        if sp.issparse(X):
            Xr = X[rows]
            raw_sum = np.asarray(Xr.T @ sw, dtype=np.float64).ravel()
            Xw = Xr.multiply(sw[:, None]).tocsc()
            xx = np.asarray((Xr.T @ Xw).todense(), dtype=np.float64)
            W = float(sw.sum())
            xx += (
                -np.outer(raw_sum, self.c_x)
                - np.outer(self.c_x, raw_sum)
                + W * np.outer(self.c_x, self.c_x)
            )
            x_sum = raw_sum - W * self.c_x
            xy = np.asarray(Xw.T @ Yc, dtype=np.float64) - np.outer(self.c_x, sw @ Yc)
        else:
            block = max(256, _BLOCK_BYTES // (8 * max(p, 1)))
            xx = np.zeros((p, p))
            xy = np.zeros((p, t))
            x_sum = np.zeros(p)
            for start in range(0, rows.size, block):
                r = rows[start : start + block]
                B = np.subtract(X[r], self.c_x, dtype=np.float64)
                x_sum += sw[start : start + block] @ B
                Yb = Yc[start : start + block] * sw[start : start + block, None]
                xy += B.T @ Yb
                B *= np.sqrt(sw[start : start + block])[:, None]
                xx += B.T @ B
        return _Moments(float(sw.sum()), x_sum, xx, sw @ Yc, xy, sw @ Yc**2)


def _first_partition(tests: list[np.ndarray], n: int) -> int | None:
    """k such that tests[:k] partition range(n) (the first repeat of a K-fold), else None."""
    seen = np.zeros(n, dtype=bool)
    count = 0
    for k, test in enumerate(tests):
        if np.any(seen[test]):
            return None
        seen[test] = True
        count += test.size
        if count == n:
            return k + 1
    return None
