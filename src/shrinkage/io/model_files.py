"""Model files: a fitted linear model as JSON, never pickle (loading one runs no code).

A model file is one JSON object::

    {
      "format": "shrinkage-linear-model",   the file type
      "format_version": 1,                  incremented on incompatible changes
      "shrinkage_version": "0.1.0",         the library that wrote it
      "task": "regression",
      "penalty": "l1" | "l2" | "elasticnet",
      "alpha": 0.686,                       elastic-net scaling (see below), as compare reports
      "l1_ratio": 1.0,                      1 for l1, 0 for l2, in (0, 1) for elasticnet
      "alpha_selection": {...},             how alpha was chosen ("given" or "cv", folds, rule)
      "certificate": {"duality_gap": 2e-07, "tolerance": 1e-05, "converged": true},
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
is scikit-learn's ``Ridge(alpha * n)``.  The certificate is the duality gap of the fit in these
units and whether it met the solver's tolerance.

**Loading** treats the file as hostile: at most ``MAX_MODEL_BYTES`` bytes, nested at most
``MAX_DEPTH`` levels, numbers finite and short, no key twice (``safe_json``), then checked
against ``MODEL_SCHEMA`` (types, ranges: alpha >= 0, l1_ratio in [0, 1], |numbers| at most
``MAX_MAGNITUDE``, lists at most ``MAX_FEATURES`` long) and for consistency (one coefficient
per feature, the penalty's l1_ratio, the preprocessing's feature names).  Every refusal is one
``ValueError`` naming the file and the field; other keys are ignored.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .encoding import (
    MAX_COLUMNS,
    MAX_NAME_CHARS,
    Preprocessing,
    transform,
)
from .files import JSON_EXTENSIONS, check_extension, write_text
from .safe_json import load_json_file
from .schema import array_of, number, validate

MODEL_FORMAT = "shrinkage-linear-model"
MODEL_FORMAT_VERSION = 1
PENALTY_NAMES = ("l1", "l2", "elasticnet")
TASKS = ("regression",)
ALPHA_SCALING = ("elastic-net: 1/(2n)||y - Xw - b||^2 + alpha (l1_ratio ||w||_1 "
                 "+ (1 - l1_ratio)/2 ||w||_2^2); an L2 alpha is Ridge(alpha * n)")

#: limits on a model file read from disk
MAX_MODEL_BYTES = 256 * 2**20
MAX_DEPTH = 32
MAX_FEATURES = MAX_COLUMNS
#: the largest |coefficient|, |intercept| or alpha (a prediction's terms stay far from overflow)
MAX_MAGNITUDE = 1e150

_FINITE = number(-MAX_MAGNITUDE, MAX_MAGNITUDE)
_TEXT = {"type": "string", "maxLength": MAX_NAME_CHARS}
MODEL_SCHEMA = {
    "type": "object",
    "required": ("format", "format_version", "task", "penalty", "alpha", "l1_ratio",
                 "feature_names", "coefficients", "intercept", "preprocessing"),
    "properties": {
        "format": {"enum": (MODEL_FORMAT,)},
        "format_version": {"type": "integer", "minimum": 1, "maximum": MODEL_FORMAT_VERSION},
        "shrinkage_version": _TEXT,
        "alpha_scaling": _TEXT,
        "task": {"enum": TASKS},
        "penalty": {"enum": PENALTY_NAMES},
        "alpha": number(0, MAX_MAGNITUDE),
        "l1_ratio": number(0, 1),
        "alpha_selection": {"type": "object"},
        "certificate": {"type": "object", "properties": {
            "duality_gap": number(-MAX_MAGNITUDE, MAX_MAGNITUDE),
            "tolerance": number(0, MAX_MAGNITUDE),
            "converged": {"type": ("boolean", "null")},
        }},
        "standardize": {"type": "boolean"},
        "target": {"type": ("string", "null"), "maxLength": MAX_NAME_CHARS},
        "feature_names": array_of(_TEXT, MAX_FEATURES, uniqueItems=True),
        "coefficients": array_of(_FINITE, MAX_FEATURES),
        "intercept": _FINITE,
        "preprocessing": {"type": "object"},  # Preprocessing.from_dict checks the rest
        "training": {"type": "object"},
    },
}


def save_model(model_info: dict, path, *, force: bool = False) -> Path:
    """Write a model file (JSON, the format in the module docstring), atomically.

    model_info : a dict with at least penalty, alpha, l1_ratio, feature_names, coefficients,
        intercept and preprocessing (a ``Preprocessing`` or its dict); format, format_version,
        shrinkage_version and task (regression) are filled in.  It is checked as ``load_model``
        checks a file, so what is saved can be loaded.

    Examples
    --------
    >>> save_model(fit_model(prepared, "l1"), "lasso.json")  # doctest: +SKIP
    """
    import json

    from .. import __version__

    check_extension(path, JSON_EXTENSIONS, "model file")
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
    ``Preprocessing``.  Plain ``json.load`` reads the file too: nothing in it is executable.

    Examples
    --------
    >>> model = load_model("lasso.json")  # doctest: +SKIP
    >>> model_predict(model, read_table("new.csv"))  # doctest: +SKIP
    """
    p = Path(path)
    info = load_json_file(p, max_bytes=MAX_MODEL_BYTES, max_depth=MAX_DEPTH,
                          what="shrinkage model file")
    preprocessing = check_model(info, p.name)
    return {**info, "preprocessing": preprocessing}


def check_model(info, source: str) -> Preprocessing:
    """Check a model dict against ``MODEL_SCHEMA`` and for consistency; returns its
    preprocessing (a ``ValueError`` naming ``source`` and the field otherwise)."""
    if not isinstance(info, dict) or info.get("format") != MODEL_FORMAT:
        raise ValueError(f"{source} is not a shrinkage model file (no \"format\": "
                         f"\"{MODEL_FORMAT}\").")
    version = info.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and \
            version > MODEL_FORMAT_VERSION:
        raise ValueError(f"{source} has model format version {version}, newer than this "
                         f"shrinkage reads ({MODEL_FORMAT_VERSION}); upgrade shrinkage.")
    try:
        validate(info, MODEL_SCHEMA, "model")
        _check_penalty(info)
        pre = info["preprocessing"]
        pre = Preprocessing.from_dict(pre) if isinstance(pre, dict) else pre
    except ValueError as e:
        message = str(e)
        if message.startswith("model "):  # the whole object: "model lacks 'alpha'."
            raise ValueError(f"{source} {message.removeprefix('model ')}") from None
        raise ValueError(f"{source}: {message.removeprefix('model.')}") from None
    if len(info["coefficients"]) != len(info["feature_names"]):
        raise ValueError(f"{source}: coefficients must be a list with one number per feature "
                         f"({len(info['feature_names'])}); got {len(info['coefficients'])}.")
    if pre.feature_names != info["feature_names"]:
        raise ValueError(f"{source}: the feature names do not match the preprocessing.")
    return pre


def _check_penalty(info: dict) -> None:
    ratio, penalty = info["l1_ratio"], info["penalty"]
    expected = {"l1": ratio == 1, "l2": ratio == 0, "elasticnet": 0 < ratio < 1}[penalty]
    if not expected:
        wanted = {"l1": "1", "l2": "0", "elasticnet": "between 0 and 1 (exclusive)"}[penalty]
        raise ValueError(f"l1_ratio must be {wanted} for the {penalty} penalty; got {ratio!r}.")


def model_predict(model: dict, df, *, source: str = "the data") -> np.ndarray:
    """Predictions of a loaded model on a table: replay the preprocessing, then X w + b.

    Refuses (``ValueError``) predictions that overflow (features far outside the training's
    range times large coefficients).
    """
    pre = model["preprocessing"]
    if isinstance(pre, dict):
        pre = Preprocessing.from_dict(pre)
    X = transform(df, pre, source=source)
    coef = np.asarray(model["coefficients"], dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        preds = X.to_numpy(dtype=np.float64) @ coef + float(model["intercept"])
    if not np.all(np.isfinite(preds)):
        row = int(np.flatnonzero(~np.isfinite(preds))[0])
        raise ValueError(f"the prediction of row {row + 1} of {source} overflows (its features "
                         "times the coefficients exceed the floating-point range); check that "
                         "row's values and units.")
    return preds
