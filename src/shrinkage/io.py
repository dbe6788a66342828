"""Data in, models out: tables into numeric features, and safe model files.

**Reading** (``read_table``): CSV (``.csv``), TSV (``.tsv``, ``.tab``), Parquet (``.parquet``,
``.pq``; needs pyarrow: ``pip install 'shrinkage[parquet]'``) and JSON lines (``.jsonl``,
``.ndjson``; ``.json`` holding JSON lines or one array of records).  The text formats may be
compressed (``.gz``, ``.bz2``, ``.xz``, ``.zip``).  Empty cells and the usual markers (NA, NaN,
null, None, N/A, ...) are missing values.

**Preparing** (``prepare``): the target column becomes y and every other column (less
``drop``) a numeric feature:

- numbers stay as they are; text cells that all read as numbers become numbers; booleans 0/1;
- text (and categorical) columns are one-hot encoded, one 0/1 column per category, named
  ``column=category`` (``color=red``), every category kept (the penalty makes the fit unique);
- a column of numbers with a few text cells is refused ("text in a numeric column", naming the
  column and a bad cell), and so is a text column with about one value per row (an identifier);
- missing values are refused, the columns listed, unless ``impute`` is "mean" or "median":
  numeric columns are then filled with that statistic of the training column, text columns
  with their most frequent category.  The target is never imputed;
- a missing target column, a target that is not numeric or is constant, and a table with a
  single row are refused.

Everything this did is recorded in a ``Preprocessing`` (the columns in order, each one's kind,
categories and fill value, the feature names), stored inside model files, so ``transform`` can
replay it on new data.  Standardization is not part of it: the models penalize standardized
columns internally and keep their coefficients on the original scale (``STANDARDIZATION``).

**Model files** (``save_model`` / ``load_model``) are JSON, never pickle: loading one runs no
code.  A model file is one JSON object::

    {
      "format": "shrinkage-linear-model",   the file type
      "format_version": 1,                  incremented on incompatible changes
      "shrinkage_version": "0.1.0",         the library that wrote it
      "task": "regression",
      "penalty": "l1" | "l2" | "elasticnet",
      "alpha": 0.686,                       elastic-net scaling (see below), as compare reports
      "l1_ratio": 1.0,                      1 for l1, 0 for l2, in (0, 1) for elasticnet
      "alpha_selection": {...},             how alpha was chosen ("given" or "cv", folds, rule)
      "standardize": true,                  the penalty acted on standardized columns
      "target": "progression",
      "feature_names": ["age", "color=red", ...],
      "coefficients": [0.12, 0.0, ...],     one per feature name, on the original scale
      "intercept": 152.1,
      "preprocessing": {...},               Preprocessing.to_dict(): how to build the features
      "training": {"n_samples": 442, "source": "diabetes.csv", ...}
    }

and a prediction is ``features @ coefficients + intercept``, with the features built from a
table by replaying ``preprocessing``.  The alpha scaling is the elastic net's for every penalty,
1/(2n) ||y - Xw - b||^2 + alpha (l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||_2^2), so an L2 alpha
is scikit-learn's ``Ridge(alpha * n)``.

**Writing** (``write_atomic``): every output is written to a temporary file in its own
directory and then moved into place (``os.link`` / ``os.replace``), so a failure never leaves a
half-written file; an existing file is overwritten only with ``force=True``; a directory that
cannot be written to is refused before any work is done (``check_output``).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import _validation as v

MODEL_FORMAT = "shrinkage-linear-model"
MODEL_FORMAT_VERSION = 1
PREPROCESSING_VERSION = 1
PENALTY_NAMES = ("l1", "l2", "elasticnet")
ALPHA_SCALING = ("elastic-net: 1/(2n)||y - Xw - b||^2 + alpha (l1_ratio ||w||_1 "
                 "+ (1 - l1_ratio)/2 ||w||_2^2); an L2 alpha is Ridge(alpha * n)")
STANDARDIZATION = (
    "Every penalty acts on standardized features: each column (one-hot columns included) is "
    "centred and scaled to unit standard deviation before fitting, as glmnet does, so the "
    "features compete on equal terms whatever their units. Coefficients are reported on the "
    "original scale: per unit of the column, per 0/1 step for a one-hot column.")

FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet",
           ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}
_COMPRESSION = (".gz", ".bz2", ".xz", ".zip")


# --------------------------------------------------------------------------------------------
# reading


def table_format(path) -> str:
    """"csv", "tsv", "parquet", "jsonl" or "json", from the file name's extension."""
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSION:
        suffixes = suffixes[:-1]
    fmt = FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise ValueError(f"cannot tell the format of {str(p)!r} from its extension; use .csv, "
                         ".tsv, .parquet or .jsonl (text formats may end in .gz, .bz2, .xz or "
                         ".zip).")
    return fmt


def read_table(path):
    """The table at ``path`` as a pandas DataFrame (format from the extension; module docs)."""
    import pandas as pd

    p = Path(path)
    fmt = table_format(p)
    if p.is_dir():
        raise IsADirectoryError(f"{str(p)!r} is a directory, not a data file.")
    if not p.exists():
        raise FileNotFoundError(f"data file {str(p)!r} not found.")
    source = p.name
    try:
        if fmt == "csv":
            df = pd.read_csv(p, skipinitialspace=True)
        elif fmt == "tsv":
            df = pd.read_csv(p, sep="\t")
        elif fmt == "parquet":
            _require_pyarrow()
            df = pd.read_parquet(p)
        elif fmt == "jsonl":
            df = pd.read_json(p, lines=True)
        else:
            df = pd.read_json(p, lines=not _starts_with_bracket(p))
    except pd.errors.EmptyDataError:
        raise ValueError(f"{source} is empty: no header and no rows.") from None
    except (ValueError, UnicodeDecodeError) as e:
        what = {"csv": "CSV", "tsv": "TSV", "parquet": "Parquet"}.get(fmt, "JSON lines")
        raise ValueError(f"cannot read {source} as {what}: {_one_line(e)}") from None
    df.columns = [str(c) for c in df.columns]
    return df


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ValueError("reading Parquet needs pyarrow, which is not installed: "
                         "pip install 'shrinkage[parquet]' (or pip install pyarrow).") from None


def _starts_with_bracket(p: Path) -> bool:
    if p.suffix.lower() in _COMPRESSION:
        return False
    with open(p, "rb") as f:
        head = f.read(4096).lstrip()
    return head.startswith(b"[")


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())


# --------------------------------------------------------------------------------------------
# preparing: one column at a time


@dataclass(frozen=True)
class ColumnSpec:
    """How one input column becomes features.

    kind : "numeric" (one feature, the column itself), "boolean" (one 0/1 feature) or
        "categorical" (one 0/1 feature per category, ``name=category``).
    categories : the categories of a categorical column, in feature order (sorted).
    fill : the value that replaces a missing cell (None: missing values are refused).
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

    def to_dict(self) -> dict:
        out = {"name": self.name, "kind": self.kind, "fill": self.fill}
        if self.kind == "categorical":
            out["categories"] = list(self.categories)
        return out

    @classmethod
    def from_dict(cls, d: dict) -> ColumnSpec:
        kind = d.get("kind")
        if kind not in ("numeric", "boolean", "categorical"):
            raise ValueError(f"unknown column kind {kind!r}.")
        fill = d.get("fill")
        if fill is not None and not isinstance(fill, int | float | str):
            raise ValueError(f"column {d.get('name')!r}: fill must be a number or text.")
        cats = d.get("categories", [])
        if kind == "categorical" and not (isinstance(cats, list) and cats
                                          and all(isinstance(c, str) for c in cats)):
            raise ValueError(f"column {d.get('name')!r}: categories must be a list of text.")
        return cls(str(d["name"]), kind, tuple(cats) if kind == "categorical" else (), fill)


@dataclass(frozen=True)
class Preprocessing:
    """Everything ``prepare`` did, enough for ``transform`` to replay it on new data.

    target : the target column; dropped : the columns left out on request;
    columns : one ColumnSpec per input column used, in order; impute : None, "mean" or "median";
    standardization : the sentence stating how the models standardize (``STANDARDIZATION``).
    """

    target: str
    columns: tuple[ColumnSpec, ...]
    dropped: tuple[str, ...] = ()
    impute: str | None = None
    standardization: str = STANDARDIZATION

    @property
    def feature_names(self) -> list[str]:
        return [f for c in self.columns for f in c.features]

    @property
    def input_columns(self) -> list[str]:
        return [c.name for c in self.columns]

    def to_dict(self) -> dict:
        return {"version": PREPROCESSING_VERSION, "target": self.target,
                "dropped": list(self.dropped), "impute": self.impute,
                "columns": [c.to_dict() for c in self.columns],
                "feature_names": self.feature_names,
                "standardization": self.standardization}

    @classmethod
    def from_dict(cls, d: dict) -> Preprocessing:
        if not isinstance(d, dict):
            raise ValueError("preprocessing must be a JSON object.")
        if d.get("version", PREPROCESSING_VERSION) > PREPROCESSING_VERSION:
            raise ValueError(f"preprocessing version {d.get('version')} is newer than this "
                             f"shrinkage reads ({PREPROCESSING_VERSION}); upgrade shrinkage.")
        columns = d.get("columns")
        if not isinstance(columns, list) or not all(isinstance(c, dict) and "name" in c
                                                    for c in columns):
            raise ValueError("preprocessing.columns must be a list of objects with a name.")
        out = cls(str(d.get("target", "")), tuple(ColumnSpec.from_dict(c) for c in columns),
                  tuple(str(c) for c in d.get("dropped", [])), v.check_impute(d.get("impute")),
                  str(d.get("standardization", STANDARDIZATION)))
        if "feature_names" in d and list(d["feature_names"]) != out.feature_names:
            raise ValueError("preprocessing.feature_names do not match its columns.")
        return out


@dataclass(frozen=True)
class Prepared:
    """The result of ``prepare``: features X (a float DataFrame), target y, and the record."""

    X: object
    y: np.ndarray
    preprocessing: Preprocessing
    source: str = "the data"
    n_rows: int = 0
    missing: dict = field(default_factory=dict)

    @property
    def feature_names(self) -> list[str]:
        return self.preprocessing.feature_names

    def summary(self) -> dict:
        """Plain data describing the table and what was done to it (for reports and JSON)."""
        pre = self.preprocessing
        y = self.y
        return {
            "source": self.source, "n_rows": self.n_rows, "target": pre.target,
            "target_stats": {"mean": float(np.mean(y)), "sd": float(np.std(y, ddof=1)),
                             "min": float(np.min(y)), "max": float(np.max(y))},
            "n_input_columns": len(pre.columns), "n_features": len(pre.feature_names),
            "dropped": list(pre.dropped),
            "numeric": [c.name for c in pre.columns if c.kind == "numeric"],
            "boolean": [c.name for c in pre.columns if c.kind == "boolean"],
            "one_hot": {c.name: list(c.categories) for c in pre.columns
                        if c.kind == "categorical"},
            "impute": pre.impute,
            "imputed": {c.name: {"missing": int(self.missing.get(c.name, 0)), "fill": c.fill}
                        for c in pre.columns if self.missing.get(c.name)},
            "standardization": pre.standardization,
        }


def prepare(df, target: str, *, drop=(), impute: str | None = None,
            source: str = "the data") -> Prepared:
    """Numeric features and a numeric target from a table (see the module docstring).

    df : a pandas DataFrame (e.g. from ``read_table``).
    target : the name of the target column.
    drop : column names to leave out.
    impute : None (refuse missing values), "mean" or "median".
    source : how error messages name the table (e.g. the file name).
    """
    impute = v.check_impute(impute)
    columns = [str(c) for c in df.columns]
    df = df.copy()
    df.columns = columns
    if not isinstance(target, str) or not target:
        raise TypeError(f"target must be a column name; got {target!r}.")
    v.check_columns_present([target], columns, "target column", source)
    drop = _names(drop)
    v.check_columns_present(drop, columns, "column to drop", source)
    if target in drop:
        raise ValueError(f"the target column {target!r} cannot be dropped.")
    v.check_table_rows(len(df), source)
    features = [c for c in columns if c != target and c not in drop]
    if not features:
        raise ValueError(f"{source} has no feature columns left besides the target {target!r}.")

    y_raw = df[target]
    v.check_no_missing({target: int(y_raw.isna().sum())}, source, target=True)
    y = _target(y_raw, target, source)
    v.check_target_values(y, target, source)

    missing = {c: int(df[c].isna().sum()) for c in features}
    if impute is None:
        v.check_no_missing(missing, source)
    specs = tuple(_column_spec(df[c], c, impute, source) for c in features)
    pre = Preprocessing(target, specs, tuple(drop), impute)
    _check_unique_features(pre)
    X = _encode(df, pre, source)
    return Prepared(X, y, pre, source, len(df), {c: k for c, k in missing.items() if k})


def transform(df, preprocessing: Preprocessing, *, source: str = "the data"):
    """The features of new data, replaying ``preprocessing`` (the target column is not needed).

    Every input column used in training must be present (others are ignored); missing values
    are filled only where the training imputed them; a category not seen in training is an
    error.
    """
    df = df.copy()
    df.columns = [str(c) for c in df.columns]
    v.check_columns_present(preprocessing.input_columns, df.columns, "column", source)
    if len(df) == 0:
        raise ValueError(f"{source} has no data rows.")
    missing = {c.name: int(df[c.name].isna().sum()) for c in preprocessing.columns
               if c.fill is None}
    v.check_no_missing(missing, source)
    return _encode(df, preprocessing, source)


def _names(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [s for s in (x.strip() for x in values.split(",")) if s]
    return list(dict.fromkeys(str(x) for x in values))


def _is_text(s) -> bool:
    from pandas.api.types import is_object_dtype, is_string_dtype

    return is_object_dtype(s.dtype) or is_string_dtype(s.dtype)


def _as_numbers(s, name: str, source: str):
    """(float array, ok) for a column that reads as numbers: ok is False for a text column,
    and a column of numbers with a few text cells raises ("text in a numeric column")."""
    import pandas as pd
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    if is_bool_dtype(s.dtype) or is_numeric_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64, na_value=np.nan), True
    if not _is_text(s):
        return None, False
    present = s.dropna()
    text = present.astype(str).str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna()
    n_bad, n_ok = int(bad.sum()), int((~bad).sum())
    if n_bad == 0:
        out = np.full(len(s), np.nan)
        out[s.notna().to_numpy()] = numbers.to_numpy(dtype=float)
        return out, True
    if n_ok >= n_bad:
        v.check_numeric_text(name, n_bad, n_ok, text[bad].iloc[0], source)
    return None, False


def _target(s, name: str, source: str) -> np.ndarray:
    from pandas.api.types import is_bool_dtype

    values, ok = (None, False) if is_bool_dtype(s.dtype) else _as_numbers(s, name, source)
    if not ok:
        example = s.dropna().astype(str).iloc[0]
        raise ValueError(f"the target column {name!r} of {source} is not numeric (e.g. "
                         f"{example!r}): `fit` and `path` fit regression models; for class "
                         "labels use `shrinkage compare --task classification`, or "
                         "shrinkage.LogisticRegression in Python.")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"the target column {name!r} of {source} has infinite values.")
    return values


def _column_spec(s, name: str, impute: str | None, source: str) -> ColumnSpec:
    from pandas.api.types import (
        is_bool_dtype,
        is_datetime64_any_dtype,
        is_timedelta64_dtype,
    )

    if is_datetime64_any_dtype(s.dtype) or is_timedelta64_dtype(s.dtype):
        raise ValueError(f"column {name!r} of {source} holds dates or times; convert it to a "
                         f"number (e.g. days since a start) or leave it out with --drop {name}.")
    all_missing = bool(s.isna().all())
    if all_missing:
        raise ValueError(f"column {name!r} of {source} has no values at all (every cell is "
                         f"missing); leave it out with --drop {name}.")
    if str(s.dtype) == "category":
        values, ok = None, False
    else:
        values, ok = _as_numbers(s, name, source)
    if ok:
        finite = values[~np.isnan(values)]
        if np.any(np.isinf(finite)):
            raise ValueError(f"column {name!r} of {source} has infinite values.")
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


def _check_unique_features(pre: Preprocessing) -> None:
    seen, dup = set(), []
    for f in pre.feature_names:
        if f in seen:
            dup.append(f)
        seen.add(f)
    if dup:
        raise ValueError(f"two features would share the name{'s' if len(dup) > 1 else ''} "
                         f"{v.listed(dup)} (a column named like a one-hot column "
                         "'column=category'); rename or drop one of them.")


def _encode(df, pre: Preprocessing, source: str):
    """The float64 feature DataFrame of ``df`` under ``pre``."""
    import pandas as pd

    blocks = {}
    for spec in pre.columns:
        s = df[spec.name]
        if spec.kind in ("numeric", "boolean"):
            values, ok = _as_numbers(s, spec.name, source)
            if not ok:
                example = s.dropna().astype(str).iloc[0]
                raise ValueError(f"column {spec.name!r} of {source} must be numeric, as in "
                                 f"training; it holds text (e.g. {example!r}).")
            if spec.fill is not None:
                values = np.where(np.isnan(values), float(spec.fill), values)
            if np.any(np.isinf(values)):
                raise ValueError(f"column {spec.name!r} of {source} has infinite values.")
            blocks[spec.name] = values
            continue
        text = s.astype(object).where(s.notna(), None)
        text = np.array([None if x is None else str(x) for x in text], dtype=object)
        if spec.fill is not None:
            text = np.where(pd.isna(text), spec.fill, text)
        known = set(spec.categories)
        unseen = sorted({x for x in text if x not in known})
        if unseen:
            raise ValueError(f"column {spec.name!r} of {source} has categor"
                             f"{'ies' if len(unseen) > 1 else 'y'} {v.listed(unseen, 4)} not "
                             f"seen in training (known: {v.listed(spec.categories, 10)}).")
        for c, feature in zip(spec.categories, spec.features, strict=True):
            blocks[feature] = (text == c).astype(np.float64)
    return pd.DataFrame(blocks, index=df.index, columns=pre.feature_names)


# --------------------------------------------------------------------------------------------
# writing outputs


def check_output(path, *, force: bool = False, what: str = "output") -> Path:
    """Refuse, before any work, an output that exists (without ``force``) or that cannot be
    written (missing or read-only directory, a file in the way)."""
    return v.check_output_path(path, force=force, what=what)


def write_atomic(path, write: Callable[[str], None], *, force: bool = False,
                 what: str = "output") -> Path:
    """Write an output through ``write(temporary_path)``, then move it into place.

    The temporary file lives in the output's directory (so the move is a rename on one file
    system) and is removed whatever happens; without ``force`` an existing file is never
    replaced, even one created meanwhile (the move is ``os.link``, which refuses to overwrite).
    """
    p = check_output(path, force=force, what=what)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        if force:
            os.replace(tmp, p)
        else:
            try:
                os.link(tmp, p)
            except FileExistsError:
                raise FileExistsError(f"the {what} {str(p)!r} exists already; pass --force to "
                                      "overwrite it (force=True in Python).") from None
            except OSError:  # a file system without hard links
                if p.exists():
                    raise FileExistsError(f"the {what} {str(p)!r} exists already; pass --force "
                                          "to overwrite it (force=True in Python).") from None
                os.replace(tmp, p)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return p


def write_text(path, text: str, *, force: bool = False, what: str = "output") -> Path:
    """``write_atomic`` for text (UTF-8)."""
    return write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"),
                        force=force, what=what)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_table(df, path, *, force: bool = False, what: str = "predictions") -> Path:
    """A DataFrame as CSV (default), TSV or Parquet, by extension, atomically."""
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".pq"):
        _require_pyarrow()
        return write_atomic(path, lambda tmp: df.to_parquet(tmp, index=False), force=force,
                            what=what)
    sep = "\t" if suffix in (".tsv", ".tab") else ","
    return write_atomic(path, lambda tmp: df.to_csv(tmp, sep=sep, index=False), force=force,
                        what=what)


# --------------------------------------------------------------------------------------------
# model files

_REQUIRED = ("penalty", "alpha", "l1_ratio", "feature_names", "coefficients", "intercept",
             "preprocessing")


def save_model(model_info: dict, path, *, force: bool = False) -> Path:
    """Write a model file (JSON, the format in the module docstring), atomically.

    model_info : a dict with at least penalty, alpha, l1_ratio, feature_names, coefficients,
        intercept and preprocessing (a ``Preprocessing`` or its dict); format, format_version and
        shrinkage_version are filled in.
    """
    from . import __version__

    info = dict(model_info)
    pre = info.get("preprocessing")
    if isinstance(pre, Preprocessing):
        info["preprocessing"] = pre.to_dict()
    info.setdefault("task", "regression")
    info.setdefault("standardize", True)
    coef = info.get("coefficients")
    if coef is not None:
        info["coefficients"] = [float(c) for c in np.asarray(coef, dtype=np.float64).ravel()]
    for key in ("alpha", "l1_ratio", "intercept"):
        if isinstance(info.get(key), np.generic | np.ndarray):
            info[key] = float(info[key])
    if "feature_names" in info:
        info["feature_names"] = [str(f) for f in info["feature_names"]]
    out = {"format": MODEL_FORMAT, "format_version": MODEL_FORMAT_VERSION,
           "shrinkage_version": __version__, "alpha_scaling": ALPHA_SCALING, **info}
    check_model(out, "the model")
    text = json.dumps(out, indent=2, allow_nan=False) + "\n"
    return write_text(path, text, force=force, what="model file")


def load_model(path) -> dict:
    """Read and check a model file; returns its dict, with ``preprocessing`` as a
    ``Preprocessing``.  Plain ``json.load`` reads the file too: nothing in it is executable."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"model file {str(p)!r} not found.")
    if p.is_dir():
        raise IsADirectoryError(f"{str(p)!r} is a directory, not a model file.")
    raw = p.read_bytes()
    try:
        info = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(f"{p.name} is not a shrinkage model file (not JSON; model files are "
                         "JSON, never pickle).") from None
    check_model(info, p.name)
    out = dict(info)
    out["preprocessing"] = Preprocessing.from_dict(info["preprocessing"])
    if out["preprocessing"].feature_names != list(info["feature_names"]):
        raise ValueError(f"{p.name}: the feature names do not match the preprocessing.")
    return out


def _no_constant(name: str):
    raise ValueError(f"non-finite number {name} in a model file.")


def check_model(info, source: str) -> None:
    """The structure of a model dict, with a message naming what is wrong."""
    if not isinstance(info, dict) or info.get("format") != MODEL_FORMAT:
        raise ValueError(f"{source} is not a shrinkage model file (no \"format\": "
                         f"\"{MODEL_FORMAT}\").")
    version = info.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"{source}: format_version must be a positive integer; got {version!r}.")
    if version > MODEL_FORMAT_VERSION:
        raise ValueError(f"{source} has model format version {version}, newer than this "
                         f"shrinkage reads ({MODEL_FORMAT_VERSION}); upgrade shrinkage.")
    missing = [k for k in _REQUIRED if k not in info]
    if missing:
        raise ValueError(f"{source} lacks {v.listed(missing)}.")
    if info["penalty"] not in PENALTY_NAMES:
        raise ValueError(f"{source}: penalty must be one of {PENALTY_NAMES}; got "
                         f"{info['penalty']!r}.")
    names, coef = info["feature_names"], info["coefficients"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{source}: feature_names must be a list of text.")
    if not isinstance(coef, list) or len(coef) != len(names):
        raise ValueError(f"{source}: coefficients must be a list with one number per feature "
                         f"({len(names)}).")
    for key, value in [("alpha", info["alpha"]), ("l1_ratio", info["l1_ratio"]),
                       ("intercept", info["intercept"]), *(("coefficients", c) for c in coef)]:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                value):
            raise ValueError(f"{source}: {key} must hold finite numbers; got {value!r}.")


def model_predict(model: dict, df, *, source: str = "the data") -> np.ndarray:
    """Predictions of a loaded model on a table: replay the preprocessing, then X w + b."""
    pre = model["preprocessing"]
    if isinstance(pre, dict):
        pre = Preprocessing.from_dict(pre)
    X = transform(df, pre, source=source)
    coef = np.asarray(model["coefficients"], dtype=np.float64)
    return X.to_numpy(dtype=np.float64) @ coef + float(model["intercept"])
