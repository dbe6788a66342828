"""The unpenalized baselines of ``compare``: which columns they fit, and the notes that say why
a baseline is peculiar.

A categorical one-hot encoded with every level is collinear with the intercept by construction:
the unpenalized fits leave out each block's reference level (``shrinkage.comparison.one_hot``),
and a column that varies in X but is constant on a training fold makes that fold's fit not
unique.  Shared by the regression (OLS) and classification (unpenalized logistic) baselines.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from .diagnostics import Collinearity
from .one_hot import OneHotBlock, reference_columns


def unpenalized_columns(diag: Collinearity) -> np.ndarray:
    """The columns of the unpenalized baselines: all but each one-hot block's reference level."""
    return np.flatnonzero(~reference_columns(diag.one_hot, diag.n_features))


def joined_notes(notes: list[str], *more: str | None) -> str | None:
    """Notes in one sentence (None when there are none)."""
    return "; ".join([*notes, *(m for m in more if m)]) or None


def reference_note(blocks: tuple[OneHotBlock, ...]) -> str | None:
    """The sentence that names the reference levels left out of an unpenalized fit."""
    if not blocks:
        return None
    refs = ", ".join(f"{b.column}={b.reference_level}" for b in blocks[:6])
    more = f" and {len(blocks) - 6} more" if len(blocks) > 6 else ""
    return (
        "without a penalty the levels of a categorical are fitted against its most frequent "
        f"level, left out as the reference ({refs}{more}): their coefficients are "
        "differences from it"
    )


def fold_constant_note(
    X, columns: np.ndarray, splits: Sequence[tuple[np.ndarray, np.ndarray]], constant: np.ndarray
) -> str | None:
    """Why an unpenalized fit is not unique in some training folds: columns that vary in X but
    are constant on a fold's training rows (e.g. a rare level absent from it), or None."""
    varying = np.setdiff1d(columns, constant)
    rows = X.tocsr() if sp.issparse(X) else X
    folds = 0
    names: set[int] = set()
    for train, _ in splits:
        part = rows[train][:, varying]
        if sp.issparse(part):
            part = part.toarray()
        flat = varying[np.ptp(part, axis=0) == 0]
        folds += int(flat.size > 0)
        names.update(int(j) for j in flat)
    if not folds:
        return None
    return (
        f"in {folds} of the {len(splits)} training folds {len(names)} column"
        f"{'s are' if len(names) > 1 else ' is'} constant (e.g. a rare level absent from the "
        "fold), so the unpenalized fit there is not unique: the fit shown gives such a column "
        "0, which predicts its held-out rows as if it were 0"
    )
