"""Index-like columns: the row labels R and pandas write into CSV files are not features.

``write.csv`` in R writes the row names as a first column (``rownames`` or an empty header that
pandas reads as ``Unnamed: 0``), and so does ``DataFrame.to_csv`` unless ``index=False``.  Used as
a feature, such a column fits noise (or a trend in the row order).  A column is index-like when

- it is named like an index (``rownames``, ``row.names``, ``index``, ``id``, ``Unnamed: 0``,
  ... in any case) and holds one distinct value per row, no cell missing; or
- whatever its name, it holds the row numbers themselves: 0, 1, ..., n-1 or 1, 2, ..., n.

``prepare`` leaves such columns out (never the target), records them, and says so; the user
keeps them with ``keep_index_columns=True`` (``--keep-index-columns``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

INDEX_NAMES = frozenset(
    {
        "rownames",
        "rowname",
        "row.names",
        "row_names",
        "row names",
        "index",
        "idx",
        "id",
        "level_0",
        "",
    }
)
_UNNAMED = re.compile(r"unnamed: \d+")


def is_index_name(name: str) -> bool:
    """True for the names R and pandas give a written-out row index (case-insensitive).

    Examples
    --------
    >>> is_index_name("Unnamed: 0"), is_index_name("ID"), is_index_name("income")
    (True, True, False)
    """
    key = str(name).strip().lower()
    return key in INDEX_NAMES or _UNNAMED.fullmatch(key) is not None


def index_reason(column: pd.Series, name: str) -> str | None:
    """Why the pandas Series ``column`` (named ``name``) is index-like, or None if it is not.

    Examples
    --------
    >>> import pandas as pd
    >>> index_reason(pd.Series([1, 2, 3]), "t")
    'the row numbers 1..3'
    >>> index_reason(pd.Series(["a", "b", "c"]), "rownames")
    'named like a row index, one distinct value per row'
    >>> index_reason(pd.Series([3.5, 1.0, 2.0]), "x") is None
    True
    """
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    n = len(column)
    if n == 0 or column.isna().any():
        return None
    if is_numeric_dtype(column.dtype) and not is_bool_dtype(column.dtype):
        values = column.to_numpy(dtype=np.float64)
        for start in (0, 1):
            if values[0] == start and np.array_equal(values, np.arange(start, start + n)):
                return f"the row numbers {start}..{start + n - 1}"
    if is_index_name(name) and column.nunique() == n:
        return "named like a row index, one distinct value per row"
    return None


def find_index_columns(df: pd.DataFrame, candidates: Iterable[str]) -> dict[str, str]:
    """The index-like columns among ``candidates`` (names of ``df``): {name: reason}.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    candidates : iterable of str
        The columns of ``df`` to look at.

    Returns
    -------
    dict of str to str
        The index-like columns, each with why it looks like row labels.

    Examples
    --------
    >>> import pandas as pd
    >>> from shrinkage.io import find_index_columns
    >>> df = pd.DataFrame({"rownames": [1, 2, 3], "x": [0.5, 2.0, 1.0]})
    >>> find_index_columns(df, ["rownames", "x"])
    {'rownames': 'the row numbers 1..3'}
    """
    found = {}
    for name in candidates:
        reason = index_reason(df[name], name)
        if reason is not None:
            found[name] = reason
    return found
