"""Encoding a table: the records and the cell-level rules behind ``Preprocessor`` and
``prepare`` (``shrinkage.io.preprocessor``), which turn every column (less the target, the
columns in ``drop`` and the index-like columns) into numeric features:

- numbers stay as they are; text cells that all read as numbers become numbers; booleans 0/1;
- text (and categorical) columns are one-hot encoded, one 0/1 column per category, named
  ``column=category`` (``color=red``), every category kept (the penalty makes the fit unique);
- a column of numbers with a few text cells is refused ("text in a numeric column", naming the
  column and a bad cell), and so is a text column with about one value per row (an identifier);
- missing values are refused, the columns listed, unless ``impute`` is "mean" or "median":
  numeric columns are then filled with that statistic of the training column, text columns
  with their most frequent category.  The target is never imputed;
- index-like columns (the row labels R and pandas write: ``rownames``, ``Unnamed: 0``, the row
  numbers 1..n; ``shrinkage.io.index_columns``) are left out and recorded, unless
  ``keep_index_columns``; the target is never left out;
- a table naming a column twice, a missing target column, a target that is not numeric or is
  constant, and a table with a single row are refused.

Everything done is recorded in a ``Preprocessing`` (the columns in order, each one's kind,
categories and fill value, the feature names, the columns left out), stored inside model files,
so ``transform`` can replay it on new data.  Standardization is not part of it: the models
penalize standardized columns internally and keep their coefficients on the original scale
(``STANDARDIZATION``); ``Preprocessor(standardize=True)`` standardizes its output itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _validation as v
from .schema import Schema, array_of, validate

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

PREPROCESSING_VERSION = 1
STANDARDIZATION = (
    "Every penalty acts on standardized features: each column (one-hot columns included) is "
    "centred and scaled to unit standard deviation before fitting, as glmnet does, so the "
    "features compete on equal terms whatever their units. Coefficients are reported on the "
    "original scale: per unit of the column, per 0/1 step for a one-hot column."
)
#: the largest absolute value of a feature or target (the door check: squares stay finite)
MAX_ABS_VALUE = 1e150
KEEP_INDEX_HINT = "--keep-index-columns (keep_index_columns=True in Python)"

#: limits on a preprocessing record read from a file
MAX_COLUMNS = 1_000_000
MAX_NAME_CHARS = 10_000
MAX_FILL = 1e150
_NAME = {"type": "string", "maxLength": MAX_NAME_CHARS}
_NAMES = array_of(_NAME, MAX_COLUMNS)
COLUMN_SCHEMA: Schema = {
    "type": "object",
    "required": ("name", "kind"),
    "properties": {
        "name": _NAME,
        "kind": {"enum": ("numeric", "boolean", "categorical")},
        "fill": {
            "type": ("number", "string", "null"),
            "minimum": -MAX_FILL,
            "maximum": MAX_FILL,
            "maxLength": MAX_NAME_CHARS,
        },
        "categories": array_of(_NAME, MAX_COLUMNS, uniqueItems=True),
    },
}
PREPROCESSING_SCHEMA: Schema = {
    "type": "object",
    "required": ("columns",),
    "properties": {
        "version": {"type": "integer", "minimum": 1, "maximum": PREPROCESSING_VERSION},
        "target": {"type": ("string", "null"), "maxLength": MAX_NAME_CHARS},
        "dropped": _NAMES,
        "index_columns": _NAMES,
        "impute": {"enum": (None, *v.IMPUTE)},
        "columns": array_of(COLUMN_SCHEMA, MAX_COLUMNS),
        "feature_names": _NAMES,
        "standardization": {"type": "string", "maxLength": MAX_NAME_CHARS},
    },
}


@dataclass(frozen=True)
class ColumnSpec:
    """How one input column becomes features.

    Attributes
    ----------
    name : str
        The input column.
    kind : {"numeric", "boolean", "categorical"}
        ``"numeric"``: one feature, the column itself; ``"boolean"``: one 0/1 feature;
        ``"categorical"``: one 0/1 feature per category, ``name=category``.
    categories : tuple of str, default=()
        The categories of a categorical column, in feature order (sorted).
    fill : float or str, default=None
        The value that replaces a missing cell (None: missing values are refused).
    features : list of str
        The names of the features it becomes.

    Examples
    --------
    >>> import pandas as pd
    >>> from shrinkage.io import prepare
    >>> df = pd.DataFrame({"x": [0.5, 2.0, None], "color": ["red", "blue", "red"],
    ...                    "y": [1.0, 3.0, 2.5]})
    >>> prepared = prepare(df, "y", impute="mean")
    >>> prepared.preprocessing.columns[1]
    ColumnSpec(name='color', kind='categorical', categories=('blue', 'red'), fill='red')
    >>> prepared.preprocessing.columns[1].features
    ['color=blue', 'color=red']
    """

    name: str
    kind: str
    categories: tuple[str, ...] = ()
    fill: float | str | None = None

    @property
    def features(self) -> list[str]:
        if self.kind == "categorical":
            return [f"{self.name}={c}" for c in self.categories]
        return [self.name]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "fill": self.fill}
        if self.kind == "categorical":
            out["categories"] = list(self.categories)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any], where: str = "column") -> ColumnSpec:
        """The spec written by ``to_dict``, checked against ``COLUMN_SCHEMA`` (a ValueError
        naming ``where`` and the field otherwise)."""
        validate(d, COLUMN_SCHEMA, where)
        kind, fill = d["kind"], d.get("fill")
        if kind == "categorical" and not d.get("categories"):
            raise ValueError(
                f"{where}.categories must be a non-empty list for a categorical column."
            )
        if kind != "categorical" and isinstance(fill, str):
            raise ValueError(f"{where}.fill must be a number for a {kind} column; got {fill!r}.")
        cats = tuple(d["categories"]) if kind == "categorical" else ()
        if kind == "categorical" and fill is not None and fill not in cats:
            raise ValueError(f"{where}.fill must be one of its categories; got {fill!r}.")
        return cls(d["name"], kind, cats, fill)


@dataclass(frozen=True)
class Preprocessing:
    """Everything ``prepare`` did, enough for ``transform`` to replay it on new data.

    Attributes
    ----------
    target : str
        The target column.
    columns : tuple of ColumnSpec
        One spec per input column used, in order.
    dropped : tuple of str, default=()
        The columns left out on request.
    impute : {None, "mean", "median"}, default=None
        How missing values were filled (None: they are refused).
    standardization : str, default=STANDARDIZATION
        The sentence stating how the models standardize.
    index_columns : tuple of str, default=()
        The index-like columns left out (row labels, ``index_columns``).
    feature_names : list of str
        The output features, in order.
    input_columns : list of str
        The input columns used, in order.

    Examples
    --------
    >>> import pandas as pd
    >>> from shrinkage.io import prepare
    >>> df = pd.DataFrame({"x": [0.5, 2.0, None], "color": ["red", "blue", "red"],
    ...                    "y": [1.0, 3.0, 2.5]})
    >>> prepared = prepare(df, "y", impute="mean")
    >>> pre = prepared.preprocessing
    >>> pre.target, pre.input_columns, pre.feature_names
    ('y', ['x', 'color'], ['x', 'color=blue', 'color=red'])
    """

    target: str
    columns: tuple[ColumnSpec, ...]
    dropped: tuple[str, ...] = ()
    impute: str | None = None
    standardization: str = STANDARDIZATION
    index_columns: tuple[str, ...] = ()

    @property
    def feature_names(self) -> list[str]:
        return [f for c in self.columns for f in c.features]

    @property
    def input_columns(self) -> list[str]:
        return [c.name for c in self.columns]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": PREPROCESSING_VERSION,
            "target": self.target,
            "dropped": list(self.dropped),
            "index_columns": list(self.index_columns),
            "impute": self.impute,
            "columns": [c.to_dict() for c in self.columns],
            "feature_names": self.feature_names,
            "standardization": self.standardization,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], where: str = "preprocessing") -> Preprocessing:
        """The record written by ``to_dict``, checked against ``PREPROCESSING_SCHEMA`` and for
        consistency (a ValueError naming ``where`` and the field otherwise)."""
        version = d.get("version", PREPROCESSING_VERSION) if isinstance(d, dict) else None
        if _is_integer(version) and version > PREPROCESSING_VERSION:
            raise ValueError(
                f"{where}.version {version} is newer than this shrinkage reads "
                f"({PREPROCESSING_VERSION}); upgrade shrinkage."
            )
        validate(d, PREPROCESSING_SCHEMA, where)
        columns = tuple(
            ColumnSpec.from_dict(c, f"{where}.columns[{i}]") for i, c in enumerate(d["columns"])
        )
        names = [c.name for c in columns]
        if len(set(names)) < len(names):
            raise ValueError(f"{where}.columns name a column twice.")
        out = cls(
            d.get("target") or "",
            columns,
            tuple(d.get("dropped", ())),
            d.get("impute"),
            d.get("standardization", STANDARDIZATION),
            tuple(d.get("index_columns", ())),
        )
        if "feature_names" in d and d["feature_names"] != out.feature_names:
            raise ValueError(f"{where}.feature_names do not match its columns.")
        _check_unique_features(out)
        return out


@dataclass(frozen=True)
class Prepared:
    """The result of ``prepare``: features X (a float DataFrame), target y, and the record.

    Attributes
    ----------
    X : pandas.DataFrame
        The features, float, one column per feature name.
    y : ndarray of shape (n_rows,)
        The target.
    preprocessing : Preprocessing
        The record of what was done.
    source : str, default="the data"
        How error messages name the table.
    n_rows : int, default=0
        The table's rows.
    missing : dict of str to int
        The missing cells per input column (columns with none left out).
    index_notes : dict of str to str
        The index-like columns left out, each with why it looks like row labels.
    feature_names : list of str
        The features, in order.

    Examples
    --------
    >>> import pandas as pd
    >>> from shrinkage.io import prepare
    >>> df = pd.DataFrame({"x": [0.5, 2.0, None], "color": ["red", "blue", "red"],
    ...                    "y": [1.0, 3.0, 2.5]})
    >>> prepared = prepare(df, "y", impute="mean")
    >>> prepared.X
          x  color=blue  color=red
    0  0.50         0.0        1.0
    1  2.00         1.0        0.0
    2  1.25         0.0        1.0
    >>> prepared.missing
    {'x': 1}
    """

    X: pd.DataFrame
    y: np.ndarray
    preprocessing: Preprocessing
    source: str = "the data"
    n_rows: int = 0
    missing: dict[str, int] = field(default_factory=dict)
    index_notes: dict[str, str] = field(default_factory=dict)

    @property
    def feature_names(self) -> list[str]:
        return self.preprocessing.feature_names

    def summary(self) -> dict[str, Any]:
        """Plain data describing the table and what was done to it (for reports and JSON)."""
        pre = self.preprocessing
        y = self.y
        return {
            "source": self.source,
            "n_rows": self.n_rows,
            "target": pre.target,
            "target_stats": {
                "mean": float(np.mean(y)),
                "sd": float(np.std(y, ddof=1)),
                "min": float(np.min(y)),
                "max": float(np.max(y)),
            },
            "n_input_columns": len(pre.columns),
            "n_features": len(pre.feature_names),
            "dropped": list(pre.dropped),
            "index_columns": {c: self.index_notes.get(c, "index-like") for c in pre.index_columns},
            "numeric": [c.name for c in pre.columns if c.kind == "numeric"],
            "boolean": [c.name for c in pre.columns if c.kind == "boolean"],
            "one_hot": {c.name: list(c.categories) for c in pre.columns if c.kind == "categorical"},
            "impute": pre.impute,
            "imputed": {
                c.name: {"missing": int(self.missing.get(c.name, 0)), "fill": c.fill}
                for c in pre.columns
                if self.missing.get(c.name)
            },
            "standardization": pre.standardization,
        }


def _names(values: str | Iterable[object] | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [s for s in (x.strip() for x in values.split(",")) if s]
    return list(dict.fromkeys(str(x) for x in values))


def _is_text(s: pd.Series) -> bool:
    from pandas.api.types import is_object_dtype, is_string_dtype

    return is_object_dtype(s.dtype) or is_string_dtype(s.dtype)


def _as_numbers(s: pd.Series, name: str, source: str) -> np.ndarray | None:
    """The float array of a column that reads as numbers, None for a text column; a column of
    numbers with a few text cells raises ("text in a numeric column")."""
    import pandas as pd
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    if is_bool_dtype(s.dtype) or is_numeric_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64, na_value=np.nan)
    if not _is_text(s):
        return None
    present = s.dropna()
    text = present.astype(str).str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna()
    n_bad, n_ok = int(bad.sum()), int((~bad).sum())
    if n_bad == 0:
        out = np.full(len(s), np.nan)
        out[s.notna().to_numpy()] = numbers.to_numpy(dtype=float)
        return out
    if n_ok >= n_bad:
        v.check_numeric_text(name, n_bad, n_ok, text[bad].iloc[0], source)
    return None


def _target(s: pd.Series, name: str, source: str) -> np.ndarray:
    from pandas.api.types import is_bool_dtype

    values = None if is_bool_dtype(s.dtype) else _as_numbers(s, name, source)
    if values is None:
        example = s.dropna().astype(str).iloc[0]
        raise ValueError(
            f"the target column {name!r} of {source} is not numeric (e.g. "
            f"{example!r}): `fit` and `path` fit regression models; for class "
            "labels use `shrinkage compare --task classification`, or "
            "shrinkage.LogisticRegression in Python."
        )
    _check_magnitude(values, f"the target column {name!r}", source)
    return values


def _column_spec(s: pd.Series, name: str, impute: str | None, source: str) -> ColumnSpec:
    from pandas.api.types import (
        is_bool_dtype,
        is_datetime64_any_dtype,
        is_timedelta64_dtype,
    )

    if is_datetime64_any_dtype(s.dtype) or is_timedelta64_dtype(s.dtype):
        raise ValueError(
            f"column {name!r} of {source} holds dates or times; convert it to a "
            f"number (e.g. days since a start) or leave it out with --drop {name}."
        )
    all_missing = bool(s.isna().all())
    if all_missing:
        raise ValueError(
            f"column {name!r} of {source} has no values at all (every cell is "
            f"missing); leave it out with --drop {name}."
        )
    values = None if str(s.dtype) == "category" else _as_numbers(s, name, source)
    if values is not None:
        finite = values[~np.isnan(values)]
        _check_magnitude(finite, f"column {name!r}", source)
        kind = "boolean" if is_bool_dtype(s.dtype) else "numeric"
        fill = None
        if impute is not None:  # recorded for every column: new data may miss any cell
            fill = float(np.mean(finite) if impute == "mean" else np.median(finite))
        return ColumnSpec(name, kind, (), fill)
    text = s.dropna().astype(str)
    counts = text.value_counts()
    categories = tuple(sorted(counts.index))
    v.check_categories(name, len(categories), len(s), source)
    fill = None
    if impute is not None:
        top = counts.max()
        fill = min(c for c in counts.index if counts[c] == top)
    return ColumnSpec(name, "categorical", categories, fill)


def _check_magnitude(values: np.ndarray, what: str, source: str) -> None:
    """Refuse infinite values and values whose squares (in X'X, y'y) would overflow."""
    with np.errstate(invalid="ignore"):
        big = np.abs(values) > MAX_ABS_VALUE
    if np.any(big):
        example = values[np.flatnonzero(big)[0]]
        if np.isinf(example):
            raise ValueError(f"{what} of {source} has infinite values.")
        raise ValueError(
            f"{what} of {source} has values too large to fit (e.g. {example:.3g}; "
            f"at most {MAX_ABS_VALUE:g} in absolute value: their squares would "
            "overflow); rescale the column (e.g. to thousands or millions of its "
            "unit) or leave it out with --drop."
        )


def _is_integer(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _check_unique_features(pre: Preprocessing) -> None:
    seen, dup = set(), []
    for f in pre.feature_names:
        if f in seen:
            dup.append(f)
        seen.add(f)
    if dup:
        raise ValueError(
            f"two features would share the name{'s' if len(dup) > 1 else ''} "
            f"{v.listed(dup)} (a column named like a one-hot column "
            "'column=category'); rename or drop one of them."
        )


def _encode(df: pd.DataFrame, pre: Preprocessing, source: str) -> pd.DataFrame:
    """The float64 feature DataFrame of ``df`` under ``pre``."""
    import pandas as pd

    blocks = {}
    for spec in pre.columns:
        s = df[spec.name]
        if spec.kind in ("numeric", "boolean"):
            values = _as_numbers(s, spec.name, source)
            if values is None:
                example = s.dropna().astype(str).iloc[0]
                raise ValueError(
                    f"column {spec.name!r} of {source} must be numeric, as in "
                    f"training; it holds text (e.g. {example!r})."
                )
            if spec.fill is not None:
                values = np.where(np.isnan(values), float(spec.fill), values)
            _check_magnitude(values, f"column {spec.name!r}", source)
            blocks[spec.name] = values
            continue
        text = s.astype(object).where(s.notna(), None)
        text = np.array([None if x is None else str(x) for x in text], dtype=object)
        if spec.fill is not None:
            text = np.where(pd.isna(text), spec.fill, text)
        known = set(spec.categories)
        unseen = sorted({x for x in text if x not in known})
        if unseen:
            raise ValueError(
                f"column {spec.name!r} of {source} has categor"
                f"{'ies' if len(unseen) > 1 else 'y'} {v.listed(unseen, 4)} not "
                f"seen in training (known: {v.listed(spec.categories, 10)})."
            )
        for c, feature in zip(spec.categories, spec.features, strict=True):
            blocks[feature] = (text == c).astype(np.float64)
    return pd.DataFrame(blocks, index=df.index, columns=pre.feature_names)
