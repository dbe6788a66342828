"""The command-line half of the fuzz corpus: hostile data files, model files, options and output
paths for ``shrinkage fit / predict / path / compare``.

A case writes its files into a fresh temporary directory (``{d}`` in its arguments), runs
``shrinkage.cli.main`` in the worker with stdout and stderr captured and judges the exit code:
2 with one ``error:`` line naming the problem is a refusal, 1 an internal error (a crash), 0 an
acceptance whose outputs are then checked.  Model-file cases start from a model that ``fit``
wrote in the worker and damage one field.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from .fuzz_common import Case

N_ROWS = 30
FEATURES = ("x1", "x2", "x3", "x4")
FIT = (
    "fit",
    "{d}/data.csv",
    "-t",
    "y",
    "--penalty",
    "l1",
    "--alpha",
    "0.05",
    "--model-out",
    "{d}/model.json",
)
FIT_MODEL = (
    "fit",
    "{d}/data.csv",
    "-t",
    "y",
    "--penalty",
    "elasticnet",
    "--l1-ratio",
    "0.5",
    "--alpha",
    "0.05",
    "--model-out",
    "{d}/model.json",
)  # the model damaged below
FIT_CV = (
    "fit",
    "{d}/data.csv",
    "-t",
    "y",
    "--penalty",
    "elasticnet",
    "--cv",
    "3",
    "--model-out",
    "{d}/model.json",
)
PATH = ("path", "{d}/data.csv", "-t", "y", "--penalty", "l1", "--out", "{d}/path.png")
PREDICT = ("predict", "{d}/model.json", "{d}/new.csv", "--out", "{d}/pred.csv")
COMPARE = (
    "compare",
    "{d}/data.csv",
    "-t",
    "y",
    "--penalties",
    "l1,l2",
    "--cv",
    "2",
    "--repeats",
    "1",
    "--bootstrap",
    "2",
    "--no-progress",
    "--out",
    "{d}/r.html",
)


def table(n: int = N_ROWS, seed: int = 0) -> list[list[str]]:
    """The clean table as rows of cells (header first): four features and a numeric target."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, len(FEATURES)))
    y = X @ np.array([1.0, -2.0, 0.0, 0.5]) + 0.3 * rng.standard_normal(n) + 3.0
    rows = [[*FEATURES, "y"]]
    rows += [[f"{v:.6g}" for v in x] + [f"{t:.6g}"] for x, t in zip(X, y, strict=True)]
    return rows


def csv(rows: list[list[str]], sep: str = ",") -> str:
    return "\n".join(sep.join(r) for r in rows) + "\n"


def _with_cell(value: str, row: int = 4, col: int = 1) -> str:
    rows = table()
    rows[row][col] = value
    return csv(rows)


def _with_header(header: list[str]) -> str:
    rows = table()
    rows[0] = header
    return csv(rows)


def _column(values, name: str = "x2") -> str:
    rows = table()
    j = rows[0].index(name)
    for r, v in zip(rows[1:], values, strict=False):
        r[j] = v
    return csv(rows)


def _wide() -> str:
    rng = np.random.default_rng(3)
    X = rng.standard_normal((10, 40))
    rows = [[f"f{j}" for j in range(40)] + ["y"]]
    rows += [[f"{v:.6g}" for v in x] + [f"{x[0] + x[1]:.6g}"] for x in X]
    return csv(rows)


X_COL = r"x2|column"
# name -> (cause, file contents of data.csv (or {"name": contents}), expect, mention, checks)
DATA = {
    "duplicate-target": (
        "CSV: duplicate column names",
        _with_header(["x1", "y", "x3", "x4", "y"]),
        "reject",
        r"\by\b.*(twice|duplicate|repeat|more than once)|"
        r"(twice|duplicate|repeat|more than once).*\by\b",
    ),
    "duplicate-feature": (
        "CSV: duplicate column names",
        _with_header(["x1", "x1", "x3", "x4", "y"]),
        "reject",
        r"x1",
    ),
    "missing-target": (
        "CSV: missing target",
        _with_header(["x1", "x2", "x3", "x4", "z"]),
        "reject",
        r"\by\b|target",
    ),
    "text-in-numeric": ("CSV: text in a numeric column", _with_cell("abc"), "reject", X_COL),
    "1e300-cell": ("CSV: square overflows", _with_cell("1e300"), "reject", X_COL),
    "-1e155-cell": ("CSV: square overflows", _with_cell("-1e155"), "reject", X_COL),
    "1e300-target": ("CSV: square overflows", _with_cell("1e300", 4, 4), "reject", r"\by\b|target"),
    "1e153-cell": ("CSV: huge but square finite", _with_cell("1e153"), "either", X_COL),
    "inf-cell": ("CSV: infinity", _with_cell("inf"), "reject", X_COL + "|infinit"),
    "nan-cell": ("CSV: missing values", _with_cell("NaN"), "reject", X_COL + "|missing"),
    "empty-cell": ("CSV: missing values", _with_cell(""), "reject", X_COL + "|missing"),
    "400-digit-cell": ("CSV: huge numbers", _with_cell("9" * 400), "reject", X_COL),
    "empty-file": ("CSV: empty", "", "reject", r"empty|no (data|rows|columns)|data"),
    "header-only": ("CSV: empty", "x1,x2,x3,x4,y\n", "reject", r"row|sample|empty|data"),
    "one-row": ("CSV: one row", csv(table()[:2]), "reject", r"row|sample"),
    "two-rows": ("CSV: two rows", csv(table()[:3]), "either", r"row|sample|fold"),
    "constant-target": (
        "CSV: constant target",
        _column(["5"] * N_ROWS, "y"),
        "reject",
        r"\by\b|target|constant",
    ),
    "text-target": (
        "CSV: text target",
        _column(["a", "b"] * 15, "y"),
        "reject",
        r"\by\b|target|class|label",
    ),
    "only-target": (
        "CSV: no features",
        csv([[r[-1]] for r in table()]),
        "reject",
        r"feature|column",
    ),
    "constant-feature": ("CSV: constant features", _column(["2.5"] * N_ROWS), "accept", ""),
    "wide": ("CSV: more columns than rows", _wide(), "accept", ""),
    "ragged-row": (
        "CSV: malformed",
        csv(table()[:5]) + "1,2,3,4,5,6,7\n" + csv(table()[5:]),
        "reject",
        r"line|row|field|column|pars",
    ),
    "semicolons": ("CSV: malformed", csv(table(), ";"), "reject", r"\by\b|target|column"),
    "binary-junk": (
        "CSV: malformed",
        {"data.csv": bytes(range(256)) * 4},
        "reject",
        r"decod|utf|text|pars|read|column|target|\by\b",
    ),
    "bom": ("CSV: encodings", {"data.csv": b"\xef\xbb\xbf" + csv(table()).encode()}, "either", ""),
    "latin-1": (
        "CSV: encodings",
        {"data.csv": csv(table()).replace("x3", "x\xe9").encode("latin-1")},
        "either",
        r"decod|utf|encod",
    ),
    "unicode-names": (
        "CSV: encodings",
        _with_header(["\u00e9t\u00e9", "\u6570", "x3", "\U0001f600", "y"]),
        "accept",
        "",
    ),
    "empty-name": (
        "CSV: column names",
        _with_header(["", "x2", "x3", "x4", "y"]),
        "either",
        r"name|column",
    ),
    "numeric-names": (
        "CSV: column names",
        _with_header(["1", "2", "3", "4", "y"]),
        "either",
        r"name|column",
    ),
    "all-missing-column": (
        "CSV: missing values",
        _column([""] * N_ROWS),
        "reject",
        X_COL + "|missing",
    ),
    "id-column": (
        "CSV: index-like columns",
        csv([["id", *table()[0]]] + [[str(i), *r] for i, r in enumerate(table()[1:])]),
        "accept",
        "",
    ),
    "not-found": ("data file: missing", {}, "reject", r"no such file|not found|exist"),
    "directory": (
        "data file: a directory",
        {"data.csv/": None},
        "reject",
        r"directory|not a file|is a dir",
    ),
    "bad-gzip": (
        "data file: corrupt",
        {"data.csv.gz": b"not gzip at all"},
        "reject",
        r"gzip|compress|read|decod|pars|magic",
    ),
}
DATA_COMMANDS = {"fit": FIT, "fit-cv": FIT_CV, "path": PATH}
COMPARE_DATA = (
    "duplicate-target",
    "1e300-cell",
    "text-in-numeric",
    "nan-cell",
    "empty-file",
    "one-row",
    "missing-target",
    "inf-cell",
)

# option variants of `fit`: name -> (cause, replacements in FIT, expect, mention)
FIT_OPTIONS = {
    "alpha=-1": ("fit: --alpha", {"0.05": "-1"}, "reject", r"alpha"),
    "alpha=nan": ("fit: --alpha", {"0.05": "nan"}, "reject", r"alpha"),
    "alpha=inf": ("fit: --alpha", {"0.05": "inf"}, "reject", r"alpha"),
    "alpha=text": ("fit: --alpha", {"0.05": "abc"}, "reject", r"alpha"),
    "alpha=1e-160": ("fit: --alpha", {"0.05": "1e-160"}, "either", r"alpha"),
    "alpha=1e300": ("fit: --alpha", {"0.05": "1e300"}, "either", r"alpha"),
    "alpha=1e400": ("fit: --alpha", {"0.05": "1e400"}, "reject", r"alpha"),
    "penalty=l3": ("fit: --penalty", {"l1": "l3"}, "reject", r"penalty"),
    "l1-ratio=2": (
        "fit: --l1-ratio",
        {"l1": "elasticnet", "--alpha": "--l1-ratio", "0.05": "2"},
        "reject",
        r"l1.ratio",
    ),
    "l1-ratio=nan": (
        "fit: --l1-ratio",
        {"l1": "elasticnet", "--alpha": "--l1-ratio", "0.05": "nan"},
        "reject",
        r"l1.ratio",
    ),
    "cv=1": ("fit: --cv", {"--alpha": "--cv", "0.05": "1"}, "reject", r"cv"),
    "cv=31": ("fit: --cv", {"--alpha": "--cv", "0.05": "31"}, "reject", r"cv|fold|row|sample"),
    "cv=1000": ("fit: --cv", {"--alpha": "--cv", "0.05": "1000"}, "reject", r"cv|fold|row|sample"),
    "cv=text": ("fit: --cv", {"--alpha": "--cv", "0.05": "five"}, "reject", r"cv"),
    "drop-target": (
        "fit: --drop",
        {"--alpha": "--drop", "0.05": "y"},
        "reject",
        r"\by\b|target|drop",
    ),
    "drop-unknown": ("fit: --drop", {"--alpha": "--drop", "0.05": "nope"}, "reject", r"nope|drop"),
    "target-empty": ("fit: --target", {"y": ""}, "reject", r"target"),
    "target-unknown": ("fit: --target", {"y": "zz"}, "reject", r"zz|target"),
    "alpha-rule=foo": (
        "fit: --alpha-rule",
        {"--alpha": "--alpha-rule", "0.05": "foo"},
        "reject",
        r"alpha.rule",
    ),
    "seed=1e30": ("fit: --seed", {"--alpha": "--seed", "0.05": "1e30"}, "reject", r"seed"),
    "model-out-missing-dir": (
        "output: unwritable path",
        {"{d}/model.json": "{d}/no/m.json"},
        "reject",
        r"no/m.json|director|exist",
    ),
    "model-out-is-dir": (
        "output: unwritable path",
        {"{d}/model.json": "{d}"},
        "reject",
        r"director|exist|\.json",
    ),
    "model-out-proc": (
        "output: unwritable path",
        {"{d}/model.json": "/proc/fuzz.json"},
        "reject",
        r"proc|permission|denied|writ|exist",
    ),
    "model-out-txt": (
        "output: unknown extension",
        {"{d}/model.json": "{d}/model.txt"},
        "reject",
        r"\.txt|extension|json",
    ),
    "model-out-exists": ("output: existing file without --force", {}, "reject", r"exist|force"),
}
PREDICT_OPTIONS = {
    "out=xlsx": (
        "output: unknown extension",
        {"{d}/pred.csv": "{d}/pred.xlsx"},
        "reject",
        r"xlsx|extension",
    ),
    "out=none-ext": (
        "output: unknown extension",
        {"{d}/pred.csv": "{d}/pred"},
        "reject",
        r"extension|pred",
    ),
    "out-exists": ("output: existing file without --force", {}, "reject", r"exist|force"),
    "out-missing-dir": (
        "output: unwritable path",
        {"{d}/pred.csv": "{d}/no/p.csv"},
        "reject",
        r"no/p.csv|director|exist",
    ),
    "out=tsv": ("output: formats", {"{d}/pred.csv": "{d}/pred.tsv"}, "accept", ""),
    "out=parquet": (
        "output: formats",
        {"{d}/pred.csv": "{d}/pred.parquet"},
        "either",
        r"parquet|pyarrow",
    ),
    "keep-unknown": (
        "predict: --keep",
        {"--out": "--keep", "{d}/pred.csv": "nope", "__append__": ["--out", "{d}/pred.csv"]},
        "reject",
        r"nope|keep",
    ),
}
PATH_OPTIONS = {
    "out=jpg": (
        "output: unknown extension",
        {"{d}/path.png": "{d}/path.jpg"},
        "reject",
        r"jpg|extension",
    ),
    "out=xlsx": (
        "output: unknown extension",
        {"{d}/path.png": "{d}/path.xlsx"},
        "reject",
        r"xlsx|extension",
    ),
    "penalty=foo": ("path: --penalty", {"l1": "foo"}, "reject", r"penalt|foo"),
    "penalty=empty": ("path: --penalty", {"l1": ""}, "reject", r"penalt"),
    "out-exists": ("output: existing file without --force", {}, "reject", r"exist|force"),
}
COMPARE_OPTIONS = {
    "out=txt": (
        "output: unknown extension",
        {"{d}/r.html": "{d}/r.txt"},
        "reject",
        r"txt|extension|html",
    ),
    "json=csv": (
        "output: unknown extension",
        {"__append__": ["--json", "{d}/r.csv"]},
        "reject",
        r"csv|extension|json",
    ),
    "task-regression-text": (
        "compare: text target as regression",
        {"__append__": ["--task", "regression"], "__data__": _column(["a", "b"] * 15, "y")},
        "reject",
        r"class|label|text|target",
    ),
}
# new data for predict: name -> (cause, contents of new.csv, expect, mention)
NEW_DATA = {
    "missing-feature": ("predict: data", csv([r[:3] for r in table()]), "reject", r"x4"),
    "nan-cell": ("predict: data", _with_cell("NaN"), "reject", X_COL + "|missing"),
    "text-cell": ("predict: data", _with_cell("abc"), "reject", X_COL),
    "1e300-cell": ("predict: data", _with_cell("1e300"), "either", X_COL),
    "empty-file": ("predict: data", "", "reject", r"empty|no (data|rows|columns)|data"),
    "header-only": ("predict: data", "x1,x2,x3,x4,y\n", "either", r"row|empty"),
    "duplicate-feature": (
        "predict: data",
        _with_header(["x1", "x1", "x3", "x4", "y"]),
        "reject",
        r"x1",
    ),
    "without-target": ("predict: data", csv([r[:4] for r in table()]), "accept", ""),
}


# --------------------------------------------------------------------------------------------
# damaged model files: name -> (cause, fn(model dict) -> text or bytes, expect, mention).  The
# damage finds its field by name anywhere in the file (``alpha``, ``coef_`` / ``coefficients``,
# ...), so it follows the model format as it evolves; a damage that finds no field is an error
# of the corpus, reported as such.

_DROP = object()
_RAW = "__raw_json_literal__"
_SPARSE = "a file of 300 MB, sparse on disk"
COEF, INTERCEPT, NAMES = (
    ("coefficients", "coef_"),
    ("intercept", "intercept_"),
    ("feature_names", "feature_names_in_"),
)


def _walk(node, keys, fn) -> int:
    """Replace the value of every key in ``keys``, anywhere in ``node``, by fn(value)."""
    count = 0
    if isinstance(node, dict):
        for k in list(node):
            if k in keys:
                new = fn(node[k])
                if new is _DROP:
                    del node[k]
                else:
                    node[k] = new
                count += 1
            else:
                count += _walk(node[k], keys, fn)
    elif isinstance(node, list):
        count += sum(_walk(item, keys, fn) for item in node)
    return count


def _damage(keys, fn, literal: str | None = None):
    """A damage setting every field named in ``keys`` to fn(value) (``literal``: raw JSON)."""
    keys = (keys,) if isinstance(keys, str) else keys

    def damage(model):
        model = copy.deepcopy(model)
        if not _walk(model, keys, fn):
            raise LookupError(f"the fuzz corpus found no field {keys} in the model file")
        text = json.dumps(model, allow_nan=True)
        return text if literal is None else text.replace(f'"{_RAW}"', literal)

    return damage


def _set(keys, value):
    return _damage(keys, lambda v: value)


def _raw(keys, literal):
    return _damage(keys, lambda v: _RAW, literal)


def _data(fn):
    """fn applied to a list, or to the data of a serialized array ({"ndarray": {"data": ...}})."""

    def apply(value):
        if isinstance(value, dict) and "ndarray" in value:
            value["ndarray"]["data"] = fn(list(value["ndarray"]["data"]))
            return value
        return fn(list(value))

    return apply


def _nested(key, sub, value):
    def set_sub(v):
        if not isinstance(v, dict) or sub not in v:
            raise LookupError(f"the fuzz corpus found no {key}.{sub} in the model file")
        return {**v, sub: value}

    return _damage(key, set_sub)


MODELS = {
    "alpha=-1": ("model: out of range", _set("alpha", -1.0), "reject", r"alpha"),
    "alpha=text": ("model: wrong types", _set("alpha", "abc"), "reject", r"alpha"),
    "alpha=NaN": ("model: non-finite numbers", _raw("alpha", "NaN"), "reject", r"alpha|nan|finite"),
    "alpha=1e400": (
        "model: non-finite numbers",
        _raw("alpha", "1e400"),
        "reject",
        r"alpha|finite|large|number",
    ),
    "alpha=missing": ("model: missing fields", _set("alpha", _DROP), "reject", r"alpha"),
    "l1_ratio=5": ("model: out of range", _set("l1_ratio", 5.0), "reject", r"l1_ratio"),
    "l1_ratio=-1": ("model: out of range", _set("l1_ratio", -1.0), "reject", r"l1_ratio"),
    "penalty=l3": (
        "model: out of range",
        _set(("penalty", "model"), "l3"),
        "reject",
        r"penalty|model|l3",
    ),
    "task=unknown": ("model: unknown task", _set("task", "unknown"), "reject", r"task"),
    "task=classification": (
        "model: unknown task",
        _set("task", "classification"),
        "reject",
        r"task",
    ),
    # format 2: task is one of the optional fields the command line adds (shrinkage.save writes
    # none); when present it must agree with the estimator (task=classification above)
    "task=missing": ("model: missing fields", _set("task", _DROP), "either", r"task"),
    "format=other": ("model: format", _set("format", "other"), "reject", r"format"),
    "format_version=0": ("model: format", _set("format_version", 0), "reject", r"version"),
    "format_version=text": ("model: format", _set("format_version", "1"), "reject", r"version"),
    "format_version=999": ("model: format", _set("format_version", 999), "reject", r"version"),
    "format_version=1.5": ("model: format", _set("format_version", 1.5), "reject", r"version"),
    "format_version=true": ("model: format", _set("format_version", True), "reject", r"version"),
    "coefficients=short": (
        "model: inconsistent",
        _damage(COEF, _data(lambda c: c[:-1])),
        "reject",
        r"coef|feature|shape",
    ),
    "coefficients=text": (
        "model: wrong types",
        _damage(COEF, _data(lambda c: ["x", *c[1:]])),
        "reject",
        r"coef",
    ),
    "coefficients=null": ("model: wrong types", _set(COEF, None), "reject", r"coef"),
    "coefficients=nested": (
        "model: wrong types",
        _damage(COEF, _data(lambda c: [c])),
        "reject",
        r"coef|shape",
    ),
    "coefficients=NaN": (
        "model: non-finite numbers",
        _damage(COEF, _data(lambda c: [math.nan, *c[1:]])),
        "reject",
        r"coef|nan|finite",
    ),
    "coefficients=1e300": (
        "model: out of range",
        _damage(COEF, _data(lambda c: [1e300, *c[1:]])),
        "reject",
        r"coef|large|magnitude",
    ),
    "intercept=400-digits": (
        "model: huge numbers",
        _raw(INTERCEPT, "9" * 400),
        "reject",
        r"intercept|digit|number|long",
    ),
    "intercept=NaN": (
        "model: non-finite numbers",
        _raw(INTERCEPT, "NaN"),
        "reject",
        r"intercept|nan|finite",
    ),
    "intercept=text": ("model: wrong types", _set(INTERCEPT, "x"), "reject", r"intercept"),
    "intercept=list": ("model: wrong types", _set(INTERCEPT, [1.0, 2.0]), "reject", r"intercept"),
    "feature_names=duplicates": (
        "model: inconsistent",
        _damage(NAMES, _data(lambda c: ["x1"] * len(c))),
        "reject",
        r"feature|name|x1",
    ),
    "feature_names=numbers": (
        "model: wrong types",
        _damage(NAMES, _data(lambda c: list(range(len(c))))),
        "reject",
        r"feature|name",
    ),
    "preprocessing=missing": (
        "model: missing fields",
        _set("preprocessing", _DROP),
        "reject",
        r"preprocess",
    ),
    "preprocessing=null": (
        "model: wrong types",
        _set("preprocessing", None),
        "reject",
        r"preprocess",
    ),
    "preprocessing.version=text": (
        "model: wrong types",
        _nested("preprocessing", "version", "x"),
        "reject",
        r"preprocessing|version",
    ),
    "preprocessing.version=999": (
        "model: format",
        _nested("preprocessing", "version", 999),
        "reject",
        r"preprocessing|version",
    ),
    "standardize=text": (
        "model: wrong types",
        _set("standardize", "yes"),
        "reject",
        r"standardize",
    ),
    "deep-nesting": (
        "model: deep nesting",
        lambda m: "[" * 200_000 + "]" * 200_000,
        "reject",
        r"nest|deep|depth",
    ),
    "deep-field": (
        "model: deep nesting",
        lambda m: json.dumps(m)[:-1] + ', "x": ' + "[" * 200_000 + "]" * 200_000 + "}",
        "reject",
        r"nest|deep|depth",
    ),
    "top-level-array": ("model: wrong types", lambda m: json.dumps([m]), "reject", r"object|model"),
    "empty": ("model: not JSON", lambda m: "", "reject", r"json|empty|model"),
    "not-json": ("model: not JSON", lambda m: "this is not json", "reject", r"json|model"),
    "truncated": ("model: not JSON", lambda m: json.dumps(m)[:-20], "reject", r"json|model"),
    "duplicate-keys": (
        "model: duplicate keys",
        lambda m: json.dumps(m)[:-1] + ', "task": "x"}',
        "reject",
        r"task|twice|duplicate",
    ),
    "huge-file": ("model: size", lambda m: _SPARSE, "reject", r"size|large|bytes|MB|big"),
    "extra-key": ("model: extra keys", lambda m: json.dumps({**m, "unknown_key": 1}), "either", ""),
    "bom": (
        "model: encodings",
        lambda m: b"\xef\xbb\xbf" + json.dumps(m).encode(),
        "either",
        r"json|model|bom",
    ),
    "directory": ("model: a directory", None, "reject", r"director"),
}


# --------------------------------------------------------------------------------------------
# the corpus


def _args(base, replace: dict) -> list[str]:
    args = [replace.get(a, a) for a in base]
    return args + list(replace.get("__append__", []))


def cases() -> list[Case]:
    """Every CLI case, in a stable order."""
    out = []
    for name, (cause, data, expect, mention) in DATA.items():
        for command, base in DATA_COMMANDS.items():
            exp = expect
            if name in ("two-rows",) and command == "fit-cv":
                exp = "reject"
            out.append(_case(f"cli:{command}/{name}", cause, data, list(base), exp, mention))
    for name in COMPARE_DATA:
        cause, data, expect, mention = DATA[name]
        out.append(_case(f"cli:compare/{name}", cause, data, list(COMPARE), expect, mention))
    for name, (cause, replace, expect, mention) in FIT_OPTIONS.items():
        spec_files = {"model.json": "existing"} if name == "model-out-exists" else {}
        out.append(
            _case(
                f"cli:fit/{name}",
                cause,
                csv(table()),
                _args(FIT, replace),
                expect,
                mention,
                extra=spec_files,
            )
        )
    for name, (cause, replace, expect, mention) in PATH_OPTIONS.items():
        extra = {"path.png": "existing"} if name == "out-exists" else {}
        out.append(
            _case(
                f"cli:path/{name}",
                cause,
                csv(table()),
                _args(PATH, replace),
                expect,
                mention,
                extra=extra,
            )
        )
    for name, (cause, replace, expect, mention) in COMPARE_OPTIONS.items():
        data = replace.get("__data__", csv(table()))
        out.append(
            _case(f"cli:compare/{name}", cause, data, _args(COMPARE, replace), expect, mention)
        )
    for name, (cause, replace, expect, mention) in PREDICT_OPTIONS.items():
        extra = {"pred.csv": "existing"} if name == "out-exists" else {}
        out.append(
            _case(
                f"cli:predict/{name}",
                cause,
                csv(table()),
                _args(PREDICT, replace),
                expect,
                mention,
                model="valid",
                extra=extra,
            )
        )
    for name, (cause, new, expect, mention) in NEW_DATA.items():
        out.append(
            _case(
                f"cli:predict/data:{name}",
                cause,
                csv(table()),
                list(PREDICT),
                expect,
                mention,
                model="valid",
                new=new,
            )
        )
    for name, (cause, _, expect, mention) in MODELS.items():
        out.append(
            _case(
                f"cli:predict/model:{name}",
                cause,
                csv(table()),
                list(PREDICT),
                expect,
                mention,
                model=name,
            )
        )
    return out


def _case(name, cause, data, args, expect, mention, *, model=None, new=None, extra=None) -> Case:
    files = dict(data) if isinstance(data, dict) else {"data.csv": data}
    if isinstance(data, dict) and len(data) == 1:  # the data file under its own name
        args = [a.replace("{d}/data.csv", "{d}/" + next(iter(data)).rstrip("/")) for a in args]
    files.update(extra or {})
    if new is not None or model is not None:
        files["new.csv"] = csv(table(seed=1)) if new is None else new
    spec = {"files": files, "args": args, "model": model}
    return Case(
        name,
        cause,
        "cli",
        spec,
        expect,
        mention,
        "shrinkage " + " ".join(a if a else "''" for a in args),
    )


# --------------------------------------------------------------------------------------------
# running one case (inside a worker)

_VALID_MODEL: dict = {}


def run(spec: dict) -> tuple[int, str, list[str]]:
    """(exit code, stderr, failed checks) of a CLI case run in a fresh temporary directory."""
    with tempfile.TemporaryDirectory(prefix="shrinkage-fuzz-") as d:
        before = _write_files(d, spec)
        args = [a.replace("{d}", d) for a in spec["args"]]
        code, err = _main(args)
        problems = _check_unchanged(d, before)
        if code == 0:
            problems += _check_outputs(d, args)
        return code, err, problems


def _main(args: list[str]) -> tuple[int, str]:
    from shrinkage.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, err.getvalue()


def _write_files(d: str, spec: dict) -> dict[str, bytes]:
    """Write the case's files (and its model); returns the contents of pre-existing outputs."""
    existing = {}
    for name, contents in spec["files"].items():
        path = Path(d, name)
        if name.endswith("/"):
            path.mkdir()
            continue
        if contents == "existing":
            contents = f"an existing {name}, to be left alone\n"
            existing[name] = contents.encode()
        path.write_bytes(contents if isinstance(contents, bytes) else contents.encode())
    if spec["model"] is not None:
        _write_model(d, spec["model"])
    return existing


def _write_model(d: str, damage_name: str) -> None:
    path = Path(d, "model.json")
    if damage_name == "directory":
        path.mkdir()
        return
    model = valid_model()
    text = json.dumps(model) if damage_name == "valid" else MODELS[damage_name][1](model)
    if text is _SPARSE:  # larger than any model file may be, without writing it
        with open(path, "wb") as f:
            f.truncate(300 * 2**20)
        return
    path.write_bytes(text if isinstance(text, bytes) else text.encode())


def valid_model() -> dict:
    """The model ``shrinkage fit`` writes for the clean table (fitted once per worker)."""
    if not _VALID_MODEL:
        with tempfile.TemporaryDirectory(prefix="shrinkage-fuzz-") as d:
            Path(d, "data.csv").write_text(csv(table()))
            code, err = _main([a.replace("{d}", d) for a in FIT_MODEL])
            if code != 0:
                raise RuntimeError(f"the clean fit failed: {err}")
            _VALID_MODEL.update(json.loads(Path(d, "model.json").read_text()))
    return _VALID_MODEL


def _check_unchanged(d: str, before: dict[str, bytes]) -> list[str]:
    return [
        f"{name} was overwritten without --force"
        for name, contents in before.items()
        if Path(d, name).read_bytes() != contents
    ]


def _check_outputs(d: str, args: list[str]) -> list[str]:
    """The outputs of a successful run exist, parse and hold finite numbers."""
    import pandas as pd

    problems = []
    command = args[0]
    if command == "fit":
        out = Path(args[args.index("--model-out") + 1])
        values = []
        _walk(json.loads(out.read_text()), COEF + INTERCEPT, lambda v: values.append(v) or v)
        numbers = np.array([x for x in _flatten(values) if isinstance(x, float | int)], float)
        if len(numbers) == 0 or not np.all(np.isfinite(numbers)):
            problems.append("model with non-finite coefficients")
    elif command == "predict":
        out = Path(args[args.index("--out") + 1])
        if out.suffix == ".parquet":
            frame = pd.read_parquet(out)
        else:
            frame = pd.read_csv(out, sep="\t" if out.suffix == ".tsv" else ",")
        pred = pd.to_numeric(frame["prediction"], errors="coerce").to_numpy()
        if not np.all(np.isfinite(pred)):
            problems.append("non-finite predictions")
    elif command == "path":
        out = Path(args[args.index("--out") + 1])
        if out.stat().st_size < 1000:
            problems.append(f"a figure of {out.stat().st_size} bytes")
    return problems


def _flatten(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _flatten(v)
    elif isinstance(node, list):
        for v in node:
            yield from _flatten(v)
    else:
        yield node


def judge_exit(code: int, err: str, mention: str) -> tuple[str, str]:
    """('refusal' | 'crash' | 'accepted' | 'unclear', detail) from the exit code and stderr."""
    lines = [
        line
        for line in err.splitlines()
        if line.strip() and not line.startswith("shrinkage: warning:")
    ]
    last = lines[-1] if lines else ""
    if code == 0:
        return "accepted", "exit 0"
    if code == 2:
        if len(lines) != 1 or "error" not in last:
            return "unclear", f"exit 2 with {len(lines)} lines: {last[:200]}"
        if mention and not re.search(mention, last, re.IGNORECASE):
            return "unclear", f"exit 2: {last[:200]}  [expected a mention of /{mention}/]"
        return "refusal", f"exit 2: {last[:200]}"
    return "crash", f"exit {code}: {last[:200]}"


def cleanup_environment() -> None:
    """Keep matplotlib off any display in the workers."""
    os.environ.setdefault("MPLBACKEND", "Agg")
