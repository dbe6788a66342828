"""Model files: a fitted model as JSON, never pickle (loading one runs no code).

``save(model, path)`` writes any of shrinkage's estimators, its ``Preprocessor`` or a
scikit-learn ``Pipeline`` of them; ``load(path)`` (or ``read_model`` with the extra fields)
gives it back.  A model file is the estimator's model document
(``shrinkage.estimators._serialize``, what ``model.to_dict()`` returns)::

    {
      "format": "shrinkage-linear-model",   the file type
      "format_version": 2,                  incremented on incompatible changes
      "shrinkage_version": "0.1.0",         the library that wrote it
      "estimator": {"class": "LassoCV", "params": {...}, "fitted": {...}},
      ...                                   optional fields the command line adds:
      "task": "regression" | "classification", "target": "price", "model": "lasso",
      "alpha_selection": {...}, "certificate": {"duality_gap", "tolerance", "converged"},
      "training": {"n_samples": 442, "source": "diabetes.csv", ...}
    }

The command line saves a ``Pipeline`` of its ``Preprocessor`` (how to build the features
from a table) and the model.  Version-1 files (the linear summary the command line wrote
before: penalty, alpha, l1_ratio, feature_names, coefficients, intercept and preprocessing,
with the alpha scaling of ``ALPHA_SCALING``) still load, as that same pipeline with an
``ElasticNet`` holding their coefficients; ``check_model`` checks that layout and
``save_model`` writes it (for the tests).

**Loading** treats the file as hostile: at most ``MAX_MODEL_BYTES`` bytes, nested at most
``MAX_DEPTH`` levels, numbers finite and short, no key twice (``safe_json``), then checked
against ``DOCUMENT_SCHEMA`` (``MODEL_SCHEMA`` for version 1) and rebuilt only from the
registry of shrinkage's classes, every parameter checked as ``fit`` checks it, every array's
dtype and shape and the fitted attributes' consistency (``decode_node``: a fitted model lists
every parameter, its coefficients and intercepts within ``MAX_MAGNITUDE``); a ``task`` must
agree with the estimator.  Every refusal is one ``ValueError`` naming the file and the field;
other top-level keys are ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeAlias

import numpy as np

from ..estimators._serialize import FORMAT, FORMAT_VERSION, MAX_MAGNITUDE, decode_node, document
from .encoding import MAX_COLUMNS, MAX_NAME_CHARS, Preprocessing
from .files import JSON_EXTENSIONS, PathLike, check_extension, write_text
from .preprocessor import Preprocessor
from .safe_json import load_json_file, loads_limited
from .schema import Schema, array_of, number, validate

#: what save writes and load returns: a shrinkage estimator, a ``Preprocessor``, a
#: ``FormulaModel`` or a scikit-learn ``Pipeline`` of them (scikit-learn is untyped: Any)
Model: TypeAlias = Any

MODEL_FORMAT = FORMAT
MODEL_FORMAT_VERSION = FORMAT_VERSION
#: the layout of version 1 (a linear summary; ``MODEL_SCHEMA``)
LEGACY_VERSION = 1
PENALTY_NAMES = ("l1", "l2", "elasticnet")
TASKS = ("regression",)
ALPHA_SCALING = (
    "elastic-net: 1/(2n)||y - Xw - b||^2 + alpha (l1_ratio ||w||_1 "
    "+ (1 - l1_ratio)/2 ||w||_2^2); an L2 alpha is Ridge(alpha * n)"
)

#: limits on a model file read from disk
MAX_MODEL_BYTES = 256 * 2**20
MAX_DEPTH = 32
MAX_FEATURES = MAX_COLUMNS
_FINITE = number(-MAX_MAGNITUDE, MAX_MAGNITUDE)
_TEXT = {"type": "string", "maxLength": MAX_NAME_CHARS}
MODEL_SCHEMA: Schema = {
    "type": "object",
    "required": (
        "format",
        "format_version",
        "task",
        "penalty",
        "alpha",
        "l1_ratio",
        "feature_names",
        "coefficients",
        "intercept",
        "preprocessing",
    ),
    "properties": {
        "format": {"enum": (MODEL_FORMAT,)},
        "format_version": {"type": "integer", "minimum": 1, "maximum": LEGACY_VERSION},
        "shrinkage_version": _TEXT,
        "alpha_scaling": _TEXT,
        "task": {"enum": TASKS},
        "penalty": {"enum": PENALTY_NAMES},
        "alpha": number(0, MAX_MAGNITUDE),
        "l1_ratio": number(0, 1),
        "alpha_selection": {"type": "object"},
        "certificate": {
            "type": "object",
            "properties": {
                "duality_gap": number(-MAX_MAGNITUDE, MAX_MAGNITUDE),
                "tolerance": number(0, MAX_MAGNITUDE),
                "converged": {"type": ("boolean", "null")},
            },
        },
        "standardize": {"type": "boolean"},
        "target": {"type": ("string", "null"), "maxLength": MAX_NAME_CHARS},
        "feature_names": array_of(_TEXT, MAX_FEATURES, uniqueItems=True),
        "coefficients": array_of(_FINITE, MAX_FEATURES),
        "intercept": _FINITE,
        "preprocessing": {"type": "object"},  # Preprocessing.from_dict checks the rest
        "training": {"type": "object"},
    },
}


def save_model(model_info: dict[str, Any], path: PathLike, *, force: bool = False) -> Path:
    """Write a model file (JSON, the format in the module docstring), atomically.

    Parameters
    ----------
    model_info : dict
        At least penalty, alpha, l1_ratio, feature_names, coefficients, intercept and
        preprocessing (a ``Preprocessing`` or its dict); format, format_version,
        shrinkage_version and task (regression) are filled in.  It is checked as ``load``
        checks a file, so what is saved can be loaded.
    path : str or path-like
        The model file (``.json``).
    force : bool, default=False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The file written.

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
    out = {
        "format": MODEL_FORMAT,
        "format_version": LEGACY_VERSION,
        "shrinkage_version": __version__,
        "alpha_scaling": ALPHA_SCALING,
        **info,
    }
    check_model(out, "the model")
    text = json.dumps(out, indent=2, allow_nan=False) + "\n"
    return write_text(path, text, force=force, what="model file")


def check_model(info: dict[str, Any], source: str) -> Preprocessing:
    """Check a version-1 model dict against ``MODEL_SCHEMA`` (format and version included)
    and for consistency; returns its preprocessing (a ``ValueError`` naming ``source`` and
    the field otherwise).

    Parameters
    ----------
    info : dict
        The parsed model file.
    source : str
        How error messages name it (e.g. the file name).

    Returns
    -------
    Preprocessing
        Its preprocessing record.

    Examples
    --------
    >>> from shrinkage.io import check_model
    >>> check_model({"format": "shrinkage-linear-model"}, "old.json")
    Traceback (most recent call last):
    ...
    ValueError: old.json lacks 'format_version', 'task', ...
    """
    try:
        validate(info, MODEL_SCHEMA, "model")
        _check_penalty(info)
        pre = info["preprocessing"]
        pre = Preprocessing.from_dict(pre) if isinstance(pre, dict) else pre
    except ValueError as e:
        raise _naming(source, e) from None
    if len(info["coefficients"]) != len(info["feature_names"]):
        raise ValueError(
            f"{source}: coefficients must be a list with one number per feature "
            f"({len(info['feature_names'])}); got {len(info['coefficients'])}."
        )
    if pre.feature_names != info["feature_names"]:
        raise ValueError(f"{source}: the feature names do not match the preprocessing.")
    return pre


def _naming(source: str, error: ValueError) -> ValueError:
    """``error`` of a check of the object called "model", as one naming ``source``."""
    message = str(error)
    if message.startswith("model "):  # the whole object: "model lacks 'alpha'."
        return ValueError(f"{source} {message.removeprefix('model ')}")
    return ValueError(f"{source}: {message.removeprefix('model.')}")


def _check_penalty(info: dict[str, Any]) -> None:
    ratio, penalty = info["l1_ratio"], info["penalty"]
    expected = {"l1": ratio == 1, "l2": ratio == 0, "elasticnet": 0 < ratio < 1}[penalty]
    if not expected:
        wanted = {"l1": "1", "l2": "0", "elasticnet": "between 0 and 1 (exclusive)"}[penalty]
        raise ValueError(f"l1_ratio must be {wanted} for the {penalty} penalty; got {ratio!r}.")


# --------------------------------------------------------------------------------------------
# the current format: any estimator (version 2)

TASKS_ANY = ("regression", "classification")
DOCUMENT_SCHEMA: Schema = {
    "type": "object",
    "required": ("format", "format_version", "estimator"),
    "properties": {
        "format": {"enum": (MODEL_FORMAT,)},
        "format_version": {"type": "integer", "minimum": 1, "maximum": MODEL_FORMAT_VERSION},
        "shrinkage_version": _TEXT,
        "estimator": {"type": "object"},  # decode_node checks the rest
        "task": {"enum": TASKS_ANY},
        "model": _TEXT,
        "target": {"type": ("string", "null"), "maxLength": MAX_NAME_CHARS},
        "alpha_selection": {"type": "object"},
        "certificate": MODEL_SCHEMA["properties"]["certificate"],
        "training": {"type": "object"},
    },
}


def save(
    model: Model, path: PathLike, *, force: bool = False, info: dict[str, Any] | None = None
) -> Path:
    """Write ``model`` (any shrinkage estimator, ``Preprocessor`` or a ``Pipeline`` of them,
    fitted or not) as a JSON model file, atomically; ``info`` adds the optional fields of the
    format (task, target, model, alpha_selection, certificate, training).

    What is saved is checked as ``load`` checks a file, so it can be loaded.

    Parameters
    ----------
    model : estimator or Pipeline
        A shrinkage estimator, a ``Preprocessor`` or a ``Pipeline`` of them, fitted or not.
    path : str or path-like
        The model file (``.json``).
    force : bool, default=False
        Replace an existing file.
    info : dict, default=None
        The optional fields of the format (task, target, model, alpha_selection, certificate,
        training).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> import shrinkage
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> model = shrinkage.Lasso(alpha=0.1).fit(X, [0.0, 1.0, 2.0, 3.0])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = shrinkage.save(model, f"{folder}/lasso.json")
    ...     loaded = shrinkage.load(f"{folder}/lasso.json")
    >>> bool(np.array_equal(loaded.predict(X), model.predict(X)))
    True
    """
    check_extension(path, JSON_EXTENSIONS, "model file")
    return write_text(path, dumps_model(model, info), force=force, what="model file")


def dumps_model(model: Model, info: dict[str, Any] | None = None) -> str:
    """The text of the model file of ``model`` (``save`` writes it), checked as ``load``
    checks a file.

    Parameters
    ----------
    model : estimator or Pipeline
        A shrinkage estimator, a ``Preprocessor`` or a ``Pipeline`` of them.
    info : dict, default=None
        The optional fields of the format, as in ``save``.

    Returns
    -------
    str
        The JSON text.

    Examples
    --------
    >>> import json
    >>> import shrinkage
    >>> from shrinkage.io import dumps_model
    >>> json.loads(dumps_model(shrinkage.Lasso(alpha=0.5)))["format"]
    'shrinkage-linear-model'
    """
    import json

    doc = document(model)
    for key, value in (info or {}).items():
        if key in doc:
            raise ValueError(f"info cannot set {key!r}: the format sets it.")
        doc[key] = value
    text = json.dumps(doc, indent=1, allow_nan=False) + "\n"
    model_from_document(json.loads(text), "the model")
    return text


def load(path: PathLike) -> Model:
    """The estimator (or pipeline) saved in the model file ``path`` (checked; a version-1
    file of the command line becomes a pipeline of its preprocessing and an ``ElasticNet``).

    Parameters
    ----------
    path : str or path-like
        The model file.

    Returns
    -------
    estimator or Pipeline
        The model, rebuilt from shrinkage's classes only.

    Examples
    --------
    >>> import tempfile
    >>> import shrinkage
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = shrinkage.save(shrinkage.Ridge(alpha=2.0), f"{folder}/ridge.json")
    ...     shrinkage.load(f"{folder}/ridge.json").alpha
    2.0
    """
    return read_model(path)[0]


def read_model(path: PathLike) -> tuple[Model, dict[str, Any]]:
    """(the estimator, the other fields of the file) of the model file ``path``.

    Parameters
    ----------
    path : str or path-like
        The model file; ``"-"`` reads standard input.

    Returns
    -------
    model : estimator or Pipeline
        The model, as ``load`` returns it.
    fields : dict
        The file's other fields (task, target, training, ...).

    Examples
    --------
    >>> import tempfile
    >>> import shrinkage
    >>> from shrinkage.io import read_model
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = shrinkage.save(shrinkage.Lasso(), f"{folder}/m.json", info={"target": "price"})
    ...     model, fields = read_model(f"{folder}/m.json")
    >>> type(model).__name__, fields["target"]
    ('Lasso', 'price')
    """
    p = Path(path)
    if str(path) == "-":  # the command line's stdin
        import sys

        raw = loads_limited(
            sys.stdin.buffer.read(MAX_MODEL_BYTES + 1)[: MAX_MODEL_BYTES + 1],
            "stdin",
            max_depth=MAX_DEPTH,
            what="shrinkage model file",
        )
        return model_from_document(raw, "stdin")
    raw = load_json_file(
        p, max_bytes=MAX_MODEL_BYTES, max_depth=MAX_DEPTH, what="shrinkage model file"
    )
    return model_from_document(raw, p.name)


def model_from_document(raw: object, source: str) -> tuple[Model, dict[str, Any]]:
    """(estimator, other fields) of a parsed model file; one ``ValueError`` naming ``source``
    and the field for anything wrong."""
    if not isinstance(raw, dict) or raw.get("format") != MODEL_FORMAT:
        raise ValueError(f'{source} is not a shrinkage model file (no "format": "{MODEL_FORMAT}").')
    version = raw.get("format_version")
    if version == LEGACY_VERSION and not isinstance(version, bool):
        return _from_version_1(raw, source)
    if (
        isinstance(version, int)
        and not isinstance(version, bool)
        and version > MODEL_FORMAT_VERSION
    ):
        raise ValueError(
            f"{source} has model format version {version}, newer than this "
            f"shrinkage reads ({MODEL_FORMAT_VERSION}); upgrade shrinkage."
        )
    try:
        if "format_version" in raw:  # a wrong version is named before a missing estimator
            validate(
                version, DOCUMENT_SCHEMA["properties"]["format_version"], "model.format_version"
            )
        validate(raw, DOCUMENT_SCHEMA, "model")
    except ValueError as e:
        raise _naming(source, e) from None
    estimator = decode_node(raw["estimator"], source)
    _check_task(raw.get("task"), estimator, source)
    return estimator, {k: v for k, v in raw.items() if k != "estimator"}


def _check_task(task: str | None, estimator: Model, source: str) -> None:
    """The file's ``task`` (optional) agrees with its estimator: a classifier for
    "classification", a regressor for "regression" (a wrapper that is no scikit-learn
    estimator, as ``FormulaModel``, is not judged)."""
    from sklearn.base import BaseEstimator, is_classifier, is_regressor
    from sklearn.pipeline import Pipeline

    final = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    if task is None or not isinstance(final, BaseEstimator):
        return
    does = (
        "classification" if is_classifier(final) else "regression" if is_regressor(final) else None
    )
    if does is not None and task != does:
        raise ValueError(
            f"{source}: task is {task!r} but its estimator ({type(final).__name__}) does {does}."
        )


def _from_version_1(raw: dict[str, Any], source: str) -> tuple[Model, dict[str, Any]]:
    """A version-1 file as a pipeline: its preprocessing, then an ElasticNet with its
    coefficients (the file's own objective: alpha and l1_ratio in the elastic-net scaling)."""
    from sklearn.pipeline import Pipeline

    from ..estimators.linear import ElasticNet

    pre = check_model(raw, source)
    model = ElasticNet(
        raw["alpha"], l1_ratio=raw["l1_ratio"], standardize=raw.get("standardize", True)
    )
    model.coef_ = np.asarray(raw["coefficients"], dtype=np.float64)
    model.intercept_ = float(raw["intercept"])
    model.n_features_in_ = len(raw["feature_names"])
    model.feature_names_in_ = np.asarray(raw["feature_names"], dtype=object)
    steps = [
        ("preprocess", Preprocessor.from_preprocessing(pre).set_output(transform="pandas")),
        ("model", model),
    ]
    info: dict[str, Any] = {
        k: raw[k]
        for k in ("task", "target", "alpha_selection", "certificate", "training", "penalty")
        if k in raw
    }
    return Pipeline(steps), info
