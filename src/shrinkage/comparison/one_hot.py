"""Which columns of X are the full one-hot encoding of one categorical variable.

A categorical column encoded with one 0/1 column per level (``column=level``, as
``shrinkage.io.prepare`` writes them for ``shrinkage compare``) gives columns that add up to 1 on
every row: with the intercept they are exactly collinear **by construction**, whatever the data.
The penalized fits do not mind (the penalty makes the fit unique and treats every level alike),
but the unpenalized baselines and the collinearity diagnostics would report that collinearity as
the user's.  A ``OneHotBlock`` records one such encoding and its **reference level**, the most
frequent level (the first of them on a tie): the one left out of the unpenalized fits, the
condition number and the VIFs, so that the remaining levels are contrasts against it.

A block is accepted only when its columns are all 0/1 and sum to exactly 1 on every row (levels
absent from the data, i.e. all-zero columns, are left out of it): a partial encoding (one level
dropped already) is not collinear with the intercept and needs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: a categorical with more levels than this is worth a note (shrinkage.io refuses text columns
#: with more than this many distinct values only when they are nearly unique per row)
MANY_LEVELS = 50


@dataclass(frozen=True)
class OneHotBlock:
    """The full one-hot encoding of one categorical column.

    Attributes
    ----------
    column : the original column's name.
    members : indices in X of its level columns, in X's order.
    levels : the level of each member (the text after ``column=``).
    reference : index in X of the reference level (the most frequent).
    counts : (len(members),) rows in each level.
    """

    column: str
    members: tuple[int, ...]
    levels: tuple[str, ...]
    reference: int
    counts: tuple[int, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def reference_level(self) -> str:
        return self.levels[self.members.index(self.reference)]

    def to_dict(self) -> dict:
        return {
            "column": self.column,
            "levels": list(self.levels),
            "reference": self.reference_level,
            "counts": dict(zip(self.levels, (int(c) for c in self.counts), strict=True)),
        }


def one_hot_blocks(X, feature_names, declared=None) -> tuple[OneHotBlock, ...]:
    """The full one-hot blocks of X (module docstring), in the order of their first column.

    Parameters
    ----------
    X : (n, p) validated array or scipy.sparse matrix.
    feature_names : (p,) names.
    declared : None to detect the blocks from names of the form ``column=level``, or
        {column: [its features' names]} as the encoding stated them (e.g. from
        ``shrinkage.io.Preprocessing``); an empty dict declares none.

    Returns
    -------
    tuple of OneHotBlock.

    Examples
    --------
    >>> X = np.array([[1., 0., 2.], [0., 1., 3.], [0., 1., 5.]])
    >>> [b.reference_level for b in one_hot_blocks(X, ["s=No", "s=Yes", "x"])]
    ['Yes']
    """
    names = [str(n) for n in feature_names]
    index = {n: j for j, n in enumerate(names)}
    if declared is None:
        candidates = _candidates_from_names(names)
    else:
        if not isinstance(declared, dict):
            raise TypeError(
                f"one_hot must be a dict {{column: [feature names]}} or None; got "
                f"{type(declared).__name__}."
            )
        candidates = {}
        for column, features in declared.items():
            features = [str(f) for f in features]
            unknown = [f for f in features if f not in index]
            if unknown:
                raise ValueError(
                    f"one_hot[{column!r}] names features that X does not have: {unknown[:5]!r}."
                )
            candidates[str(column)] = [index[f] for f in features]
    blocks: list[OneHotBlock] = []
    used: set[int] = set()
    for column, members in candidates.items():
        if used.intersection(members):
            continue
        block = _full_block(X, column, sorted(members), names)
        if block is not None:
            blocks.append(block)
            used.update(members)
    return tuple(sorted(blocks, key=lambda b: b.members[0]))


def reference_columns(blocks: tuple[OneHotBlock, ...], p: int) -> np.ndarray:
    """(p,) boolean mask of the reference-level columns."""
    mask = np.zeros(p, dtype=bool)
    mask[[b.reference for b in blocks]] = True
    return mask


def describe(indices, feature_names, blocks: tuple[OneHotBlock, ...]) -> list[str]:
    """Names for features ``indices``, where every level of a categorical reads as its column.

    >>> b = OneHotBlock("s", (0, 1), ("No", "Yes"), 1, (1, 2))
    >>> describe([0, 1, 2], ["s=No", "s=Yes", "x"], (b,))
    ['s', 'x']
    """
    indices = [int(j) for j in indices]
    chosen = set(indices)
    whole = {b.members[0]: b for b in blocks if set(b.members) <= chosen}
    hidden = {j for b in whole.values() for j in b.members}
    out = []
    for j in indices:
        if j in whole:
            out.append(whole[j].column)
        elif j not in hidden:
            out.append(str(feature_names[j]))
    return out


def _candidates_from_names(names: list[str]) -> dict[str, list[int]]:
    """{prefix: indices} for every prefix before an '=' in a name, most members first."""
    found: dict[str, list[int]] = {}
    for j, name in enumerate(names):
        for k, ch in enumerate(name):
            if ch == "=" and 0 < k < len(name) - 1:
                found.setdefault(name[:k], []).append(j)
    return dict(sorted(found.items(), key=lambda kv: -len(kv[1])))


def _full_block(X, column: str, members: list[int], names: list[str]) -> OneHotBlock | None:
    """The block of ``members`` if they are 0/1 and sum to 1 on every row (all-zero columns
    left out), else None."""
    if len(members) < 2:
        return None
    cols = X[:, members]
    if sp.issparse(cols):
        cols = cols.tocsc()
        if not np.all((cols.data == 0) | (cols.data == 1)):
            return None
        counts = np.asarray(cols.sum(axis=0)).ravel()
        total = np.asarray(cols.sum(axis=1)).ravel()
    else:
        cols = np.asarray(cols)
        if not np.all((cols == 0) | (cols == 1)):
            return None
        counts = cols.sum(axis=0)
        total = cols.sum(axis=1)
    if not np.all(total == 1):
        return None
    present = np.flatnonzero(counts > 0)
    if present.size < 2:
        return None
    kept = [members[i] for i in present]
    prefix = column + "="
    levels = tuple(
        names[j][len(prefix) :] if names[j].startswith(prefix) else names[j] for j in kept
    )
    counts = counts[present].astype(np.int64)
    reference = kept[int(np.argmax(counts))]
    return OneHotBlock(column, tuple(kept), levels, reference, tuple(int(c) for c in counts))
