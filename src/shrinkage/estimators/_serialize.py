"""Estimators as plain data: ``to_dict`` / ``from_dict`` for every public estimator, the
preprocessing and pipelines of them; rebuilding one never runs code from the data.

A model document (what ``to_dict`` returns, what ``shrinkage.save`` writes as JSON)::

    {"format": "shrinkage-linear-model", "format_version": 2, "shrinkage_version": "0.1.0",
     "estimator": {"class": "LassoCV", "params": {...}, "fitted": {...} or null}}

``params`` are ``get_params(deep=False)``; ``fitted`` holds the attributes the class lists in
``SAVED_ATTRIBUTES`` (what prediction needs, the certificate, the chosen alpha, the CV curve
arrays; result objects such as ``cv_result_`` are not saved).  A pipeline is
``{"class": "Pipeline", "steps": [[name, estimator], ...]}``.

Values: null, booleans, finite numbers, text and lists are themselves; anything else is an
object with one tag: ``{"tuple": [...]}``, ``{"dict": [[key, value], ...]}``,
``{"float": "nan" | "inf" | "-inf"}``, ``{"scalar": {"dtype", "value"}}`` (a numpy scalar),
``{"ndarray": {"dtype", "shape", "data"}}`` (data flattened in C order, non-finite floats as
"nan", "inf", "-inf") and ``{"datafit": {"class", "params"}}`` (``Quantile``, ``Huber``).

Rebuilding (``decode_node``) accepts only the classes of ``CLASSES`` (a fixed table of our own
modules; a name from the data is looked up there, never imported), the parameters the class
has, checked with the checks ``fit`` uses; the fitted attributes the class lists, each array
rebuilt with its declared dtype and shape, then checked for consistency (one coefficient per
feature, one row per class, a (n_tasks, n_features) coef_ and n_tasks intercepts for the
multi-task models, finite coefficients).  Every refusal is one ``ValueError`` naming the place
(``m.json: LassoCV.fitted.coef_ ...``).
"""

from __future__ import annotations

import importlib
import math
import numbers
from collections.abc import Callable, Collection
from typing import Any

import numpy as np

FORMAT = "shrinkage-linear-model"
FORMAT_VERSION = 2
#: the largest |coefficient| or |intercept| a model file may hold: the terms of a prediction
#: stay far from overflow (the io layer's limit for every number of version-1 files too)
MAX_MAGNITUDE = 1e150
#: the largest array read back (items); a model file is at most 256 MB anyway
MAX_ARRAY_ITEMS = 50_000_000
MAX_NDIM = 8

_FIT = ("dual_gap_", "n_iter_", "converged_")
_GLM_FIT = (*_FIT, "certificate_")
_CV = ("alpha_", "l1_ratio_", "alpha_min_", "alpha_1se_", "alphas_", "cv_mean_", "cv_se_")
_GROUP = ("groups_", "group_labels_", "active_groups_", *_GLM_FIT)
_MULTITASK_CV = ("alpha_", "l1_ratio_", "alphas_", "mse_path_", *_GLM_FIT)
#: class name -> (module under shrinkage, the fitted attributes saved besides coef_,
#: intercept_, n_features_in_ and feature_names_in_)
CLASSES = {
    "ElasticNet": ("estimators.linear", _FIT),
    "Lasso": ("estimators.linear", _FIT),
    "Ridge": ("estimators.linear", ("dual_gap_", "n_iter_")),
    "ElasticNetCV": ("estimators.cv", (*_CV, "gamma_", "mse_path_", "dual_gap_", "n_iter_")),
    "LassoCV": ("estimators.cv", (*_CV, "gamma_", "mse_path_", "dual_gap_", "n_iter_")),
    "RidgeCV": (
        "estimators.cv",
        ("alpha_", "cv_mean_", "cv_se_", "best_score_", "dual_gap_", "cv_results_"),
    ),
    "ElasticNetIC": (
        "estimators.ic",
        ("alpha_", "alphas_", "criterion_", "df_", "noise_variance_", "dual_gap_", "n_iter_"),
    ),
    "LassoIC": (
        "estimators.ic",
        ("alpha_", "alphas_", "criterion_", "df_", "noise_variance_", "dual_gap_", "n_iter_"),
    ),
    "AdaptiveLasso": (
        "estimators.adaptive",
        ("penalty_factor_", "init_coef_", "init_alpha_", *_FIT),
    ),
    "AdaptiveLassoCV": (
        "estimators.adaptive",
        (
            "alpha_",
            "gamma_",
            "gammas_",
            "alphas_",
            "cv_mean_",
            "cv_se_",
            "penalty_factor_",
            "init_coef_",
            "init_alpha_",
            *_FIT,
        ),
    ),
    "RelaxedLasso": ("estimators.relaxed", ("lasso_coef_", "lasso_intercept_", "active_", *_FIT)),
    "LogisticRegression": ("estimators.glm", ("classes_", "_multinomial", *_GLM_FIT)),
    "LinearSVC": ("estimators.glm", ("classes_", *_GLM_FIT)),
    "PoissonRegressor": ("estimators.glm", _GLM_FIT),
    "GammaRegressor": ("estimators.glm", _GLM_FIT),
    "TweedieRegressor": ("estimators.glm", _GLM_FIT),
    "HuberRegressor": ("estimators.huber", ("scale_", "outliers_", *_GLM_FIT)),
    "LogisticRegressionCV": (
        "estimators.glm_cv",
        ("classes_", "_multinomial", *_CV, "C_", "Cs_", *_GLM_FIT),
    ),
    "PoissonRegressorCV": ("estimators.glm_cv", (*_CV, *_GLM_FIT)),
    "QuantileRegressor": ("estimators.quantile", _FIT),
    "MCPRegressor": ("estimators.nonconvex", _GLM_FIT),
    "SCADRegressor": ("estimators.nonconvex", _GLM_FIT),
    "MultiTaskElasticNet": ("estimators.multitask", _GLM_FIT),
    "MultiTaskLasso": ("estimators.multitask", _GLM_FIT),
    "MultiTaskElasticNetCV": ("estimators.multitask_cv", _MULTITASK_CV),
    "MultiTaskLassoCV": ("estimators.multitask_cv", _MULTITASK_CV),
    "GroupLasso": ("estimators.group", _GROUP),
    "GroupLassoClassifier": ("estimators.group", ("classes_", *_GROUP)),
    "Preprocessor": ("io.preprocessor", ()),  # its own state: Preprocessor._fitted_state
    "FormulaModel": ("formula", ()),  # its own record: FormulaModel._to_node / _from_node
}
#: fitted attributes every model has (feature_names_in_ when X had column names)
_MODEL_ATTRIBUTES = ("coef_", "intercept_", "n_features_in_", "feature_names_in_")
_REQUIRED = ("coef_", "intercept_", "n_features_in_")
#: fitted results that are objects, not arrays: not saved (their arrays are)
NOT_SAVED = ("cv_result_", "cv_results_", "ic_result_", "_solution")
_DATAFITS = {"Quantile": ("quantile",), "Huber": ("epsilon", "scale")}
_DTYPES = (
    "float64",
    "float32",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint64",
    "uint32",
    "uint16",
    "uint8",
    "bool",
    "str",
    "object",
)
_NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
#: a parameter's check, called as ``check(value, name)`` (what it returns is not used)
_Check = Callable[[Any, str], object]


class SerializableMixin:
    """``to_dict`` / ``from_dict``: the estimator as a JSON-ready model document and back.

    Examples
    --------
    >>> from shrinkage import Lasso
    >>> d = Lasso(0.1).fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0]).to_dict()
    >>> Lasso.from_dict(d).predict([[3.0]]).round(3)
    array([2.7])
    """

    def to_dict(self) -> dict[str, Any]:
        """The model document: parameters and fitted attributes as JSON values.

        Returns
        -------
        dict
            ``{"format", "format_version", "shrinkage_version", "estimator"}`` (the module
            docstring describes it); ``json.dumps`` writes it as it is.

        Examples
        --------
        >>> from shrinkage import Lasso
        >>> d = Lasso(0.1).fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0]).to_dict()
        >>> d["format"], d["estimator"]["class"], d["estimator"]["params"]["alpha"]
        ('shrinkage-linear-model', 'Lasso', 0.1)
        """
        return document(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, source: str = "the model") -> Any:
        """The estimator of a model document written by ``to_dict``.

        Parameters
        ----------
        d : dict
            A model document, as ``to_dict`` returns it (or ``json.loads`` reads it back).
        source : str, default="the model"
            Where the document came from (a file name), named in every error message.

        Returns
        -------
        SerializableMixin
            A new instance of ``cls`` with the saved parameters and, when the document holds
            them, the fitted attributes.

        Raises
        ------
        ValueError
            When the document is malformed, holds another class or a field fails its check;
            the message names ``source`` and the field.

        Examples
        --------
        >>> from shrinkage import Lasso
        >>> d = Lasso(0.1).fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0]).to_dict()
        >>> Lasso.from_dict(d, source="m.json").predict([[3.0]]).round(3)
        array([2.7])
        """
        node = check_document(d, source)["estimator"]
        name = node.get("class") if isinstance(node, dict) else None
        if name != cls.__name__:
            raise ValueError(
                f"{source} holds a {name!r}, not a {cls.__name__}: load it with "
                "shrinkage.load or that class's from_dict."
            )
        return decode_node(node, source)

    def _fitted_state(self) -> dict[str, Any] | None:
        """The fitted attributes to save (None when not fitted)."""
        if not hasattr(self, "n_features_in_"):
            return None
        names = (*_MODEL_ATTRIBUTES, *CLASSES[type(self).__name__][1])
        return {k: getattr(self, k) for k in names if hasattr(self, k)}

    def _set_fitted_state(self, fitted: dict[str, Any], where: str) -> None:
        """Set the decoded fitted attributes (names already checked), then check them."""
        allowed = (*_MODEL_ATTRIBUTES, *CLASSES[type(self).__name__][1])
        _check_names(fitted, allowed, _REQUIRED + _class_required(type(self).__name__), where)
        for k, value in fitted.items():
            setattr(self, k, value)
        check_fitted(self, where)


def document(estimator: Any) -> dict[str, Any]:
    """The model document of ``estimator`` (see the module docstring)."""
    from .. import __version__

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "shrinkage_version": __version__,
        "estimator": encode_node(estimator),
    }


def check_document(d: object, source: str) -> dict[str, Any]:
    """``d`` if it is a model document this version reads (format, version, an estimator)."""
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ValueError(f'{source} is not a shrinkage model (no "format": "{FORMAT}").')
    version = d.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(
            f"{source}: format_version must be a positive integer; got {_short(version)}."
        )
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{source} has model format version {version}, newer than this "
            f"shrinkage reads ({FORMAT_VERSION}); upgrade shrinkage."
        )
    if version < FORMAT_VERSION:
        raise ValueError(
            f"{source} has model format version {version}: read it with "
            "shrinkage.load, which converts it."
        )
    if not isinstance(d.get("estimator"), dict):
        raise ValueError(f"{source} lacks 'estimator' (a JSON object).")
    return d


# --------------------------------------------------------------------------------------------
# estimators and pipelines


def registered_class(name: object) -> Any:
    """The class named ``name`` in ``CLASSES`` (imported from our own module), else None."""
    if not isinstance(name, str):
        return None
    entry = CLASSES.get(name)
    if entry is None:
        return None
    return getattr(importlib.import_module(f"shrinkage.{entry[0]}"), name)


def encode_node(estimator: Any) -> dict[str, Any]:
    """{"class", "params", "fitted"} of one of our estimators, or a pipeline of them."""
    from sklearn.pipeline import Pipeline

    if type(estimator) is Pipeline:
        if estimator.memory is not None:
            raise TypeError("a Pipeline with memory set cannot be saved; set memory=None.")
        return {
            "class": "Pipeline",
            "verbose": bool(estimator.verbose),
            "steps": [[str(name), encode_node(step)] for name, step in estimator.steps],
        }
    name = type(estimator).__name__
    if registered_class(name) is not type(estimator):
        raise TypeError(
            f"{name} cannot be saved: only shrinkage's estimators (and pipelines of "
            f"them) can, e.g. {', '.join(list(CLASSES)[:4])}; got "
            f"{type(estimator).__module__}.{name}."
        )
    if hasattr(estimator, "_to_node"):  # a wrapper with its own record (FormulaModel)
        return estimator._to_node()
    params = {}
    for key, value in estimator.get_params(deep=False).items():
        params[key] = encode_value(value, f"{name}'s parameter {key}")
    fitted = estimator._fitted_state()
    if fitted is not None:
        raw = getattr(type(estimator), "_raw_fitted", ())
        fitted = {k: v if k in raw else encode_value(v, f"{name}.{k}") for k, v in fitted.items()}
    return {"class": name, "params": params, "fitted": fitted}


def decode_node(node: object, source: str, path: str = "") -> Any:
    """The estimator (or pipeline) of an ``encode_node`` record, checked; errors read
    ``<source>: <path><class>.<field> ...``."""
    if not isinstance(node, dict):
        raise ValueError(f"{source}: {path}estimator must be a JSON object; got {_short(node)}.")
    name = node.get("class")
    if name == "Pipeline":
        return _decode_pipeline(node, source, path)
    cls = registered_class(name)
    if cls is None:
        known = ", ".join(sorted(CLASSES))
        raise ValueError(
            f"{source}: {path}class must name one of shrinkage's estimators "
            f"({known}) or Pipeline; got {_short(name)}."
        )
    if hasattr(cls, "_from_node"):  # a wrapper with its own record (FormulaModel)
        return cls._from_node(node, source, path)
    where = f"{source}: {path}{name}"
    _check_names(node, ("class", "params", "fitted"), ("class", "params"), where)
    raw = node["params"]
    if not isinstance(raw, dict):
        raise ValueError(f"{where}.params must be a JSON object; got {_short(raw)}.")
    accepted = cls().get_params(deep=False)
    unknown = [k for k in raw if k not in accepted]
    if unknown:
        raise ValueError(f"{where}.params has {unknown[0]!r}, not a parameter of {name}.")
    missing = [k for k in accepted if k not in raw]
    if missing and node.get("fitted") is not None:  # a fitted model says how it was fitted
        raise ValueError(
            f"{where}.params lacks {missing[0]!r}: a fitted model's file lists "
            "every parameter it was fitted with."
        )
    params = {k: decode_value(v, f"{where}.params.{k}") for k, v in raw.items()}
    check_params(str(name), params, f"{where}.params")
    estimator = cls(**params)
    fitted = node.get("fitted")
    if fitted is not None:
        if not isinstance(fitted, dict):
            raise ValueError(f"{where}.fitted must be a JSON object or null; got {_short(fitted)}.")
        raw = getattr(cls, "_raw_fitted", ())
        state = {
            k: v if k in raw else decode_value(v, f"{where}.fitted.{k}") for k, v in fitted.items()
        }
        estimator._set_fitted_state(state, f"{where}.fitted")
    return estimator


def _decode_pipeline(node: dict[str, Any], source: str, path: str) -> Any:
    from sklearn.pipeline import Pipeline

    where = f"{source}: {path}Pipeline"
    _check_names(node, ("class", "steps", "verbose"), ("class", "steps"), where)
    steps = node["steps"]
    if not isinstance(steps, list) or not steps:
        raise ValueError(
            f"{where}.steps must be a non-empty list of [name, estimator]; got {_short(steps)}."
        )
    out = []
    for i, step in enumerate(steps):
        if not (isinstance(step, list) and len(step) == 2 and isinstance(step[0], str)):
            raise ValueError(f"{where}.steps[{i}] must be [name, estimator]; got {_short(step)}.")
        out.append((step[0], decode_node(step[1], source, f"{path}Pipeline.steps[{i}] ")))
    verbose = node.get("verbose", False)
    if not isinstance(verbose, bool):
        raise ValueError(f"{where}.verbose must be true or false; got {_short(verbose)}.")
    try:
        return Pipeline(out, verbose=verbose)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{where}: {e}") from None


def _check_names(
    d: dict[str, Any], allowed: Collection[str], required: Collection[str], where: str
) -> None:
    missing = [k for k in required if k not in d]
    if missing:
        raise ValueError(f"{where} lacks {missing[0]!r}.")
    unknown = [k for k in d if k not in allowed]
    if unknown:
        raise ValueError(f"{where} has {unknown[0]!r}, which this class does not save.")


def _class_required(name: str) -> tuple[str, ...]:
    saved = CLASSES[name][1]
    return tuple(k for k in ("classes_", "_multinomial") if k in saved)


# --------------------------------------------------------------------------------------------
# checks of what was read


def _param_checks() -> dict[str, _Check]:
    """Parameter name -> the check ``fit`` applies to it (None passes where fit allows it)."""
    from .. import _validation as v
    from ..datafits.quantile import check_quantile
    from ..datafits.tweedie import check_power
    from ._options import (
        CLASSIFICATION_DATAFITS,
        PENALTIES,
        REGRESSION_DATAFITS,
        TWEEDIE_LINKS,
        check_C,
    )

    def optional(check: _Check) -> _Check:
        return lambda x, name: None if x is None else check(x, name)

    def boolean(x: object, name: str) -> None:
        if not isinstance(x, bool | np.bool_):
            raise ValueError(f"{name} must be True or False; got {x!r}.")

    def epsilon(x: object, name: str) -> None:
        v.check_fraction(x, name, low=1.0, high=np.inf, low_open=False)

    def datafit(x: object, name: str) -> None:
        if isinstance(x, str):
            v.check_choice(x, name, REGRESSION_DATAFITS + CLASSIFICATION_DATAFITS)

    return {
        "alpha": optional(v.check_alpha),
        "C": lambda x, _: check_C(x),
        "l1_ratio": optional(lambda x, _: v.check_l1_ratios(x)),
        "l1_ratios": lambda x, _: v.check_l1_ratios(x),
        "tol": lambda x, _: v.check_tol(x),
        "max_iter": v.check_positive_int,
        "n_alphas": v.check_positive_int,
        "n_repeats": v.check_positive_int,
        "alphas": optional(
            lambda x, name: (
                v.check_positive_int(x, name) if isinstance(x, int) else v.check_alphas(x)
            )
        ),
        "power": lambda x, _: check_power(x),
        "link": lambda x, name: v.check_choice(x, name, TWEEDIE_LINKS),
        "Cs": optional(
            lambda x, name: (
                v.check_positive_int(x, name)
                if isinstance(x, int)
                else v.check_positive_alphas(x, name)
            )
        ),
        "alpha_min_ratio": optional(lambda x, name: v.check_fraction(x, name)),
        "alpha_rule": lambda x, name: v.check_choice(x, name, v.ALPHA_RULES),
        "criterion": lambda x, name: v.check_choice(x, name, v.CRITERIA),
        "impute": lambda x, _: v.check_impute(x),
        "penalty": lambda x, name: (
            None if x in PENALTIES else v.check_choice(x, name, PENALTIES[:3])
        ),
        "quantile": lambda x, _: check_quantile(x),
        "epsilon": epsilon,
        "gammas": lambda x, name: v.check_gammas(x, name),
        "noise_variance": lambda x, _: v.check_noise_variance(x),
        "datafit": datafit,
        **{
            k: boolean
            for k in (
                "fit_intercept",
                "standardize",
                "positive",
                "warm_start",
                "relax",
                "alpha_per_target",
                "store_cv_results",
                "keep_index_columns",
            )
        },
    }


def check_params(name: str, params: dict[str, Any], where: str) -> None:
    """Check the parameters read for class ``name`` as its ``fit`` would."""
    from .. import _validation as v

    checks = _param_checks()
    for key, value in params.items():
        check = _class_check(name, key) or checks.get(key)
        if key == "gamma" and check is None:  # the adaptive lasso's exponent(s)
            check = v.check_nonnegatives
        if check is None:
            continue
        try:
            check(value, key)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{where}: {e}") from None


def _class_check(name: str, key: str) -> _Check | None:
    """The check of a parameter whose meaning depends on the class (None: the shared one)."""
    from .. import _validation as v

    if key == "gamma" and name == "RelaxedLasso":  # the mix of the lasso and its refit
        return lambda x, n: v.check_fraction(x, n, low_open=False, high_open=False)
    if key == "gamma" and name in ("MCPRegressor", "SCADRegressor"):  # the concavity
        from ..paths.nonconvex import check_gamma

        return lambda x, _: check_gamma(x, registered_class(name)._penalty)
    if name in ("MultiTaskElasticNetCV", "MultiTaskLassoCV"):  # fit's own checks
        cls = registered_class(name)
        if key == "l1_ratio":
            return lambda x, _: cls(l1_ratio=x)._ratios()
        if key in ("eps", "alphas"):
            return lambda x, _: cls(**{key: x})._grid()
    return None


def check_fitted(est: Any, where: str) -> None:
    """The fitted attributes agree with each other: features, coefficients, classes."""
    p = getattr(est, "n_features_in_", None)
    if not isinstance(p, numbers.Integral) or isinstance(p, bool) or p < 1:
        raise ValueError(f"{where}.n_features_in_ must be a positive integer; got {_short(p)}.")
    names = getattr(est, "feature_names_in_", None)
    if names is not None and not (
        isinstance(names, np.ndarray)
        and names.shape == (p,)
        and all(isinstance(x, str) for x in names)
    ):
        raise ValueError(f"{where}.feature_names_in_ must be an array of {p} names.")
    if not hasattr(est, "coef_"):
        return
    coef, intercept = est.coef_, est.intercept_
    if not (
        isinstance(coef, np.ndarray)
        and coef.dtype.kind == "f"
        and coef.ndim in (1, 2)
        and coef.shape[-1] == p
    ):
        raise ValueError(
            f"{where}.coef_ must be a float array with one column per feature "
            f"({p}); got {_describe(coef)}."
        )
    targets = est.__sklearn_tags__().target_tags
    if coef.ndim == 1 and not targets.single_output:
        raise ValueError(
            f"{where}.coef_ must have one row per task (n_tasks, {p}); got {_describe(coef)}."
        )
    if coef.ndim == 2 and not targets.multi_output and getattr(est, "classes_", None) is None:
        raise ValueError(
            f"{where}.coef_ must be one coefficient per feature ({p},); got {_describe(coef)}."
        )
    rows = 1 if coef.ndim == 1 else coef.shape[0]
    b = np.asarray(intercept)
    if not (b.dtype.kind == "f" and (b.shape == (rows,) if coef.ndim == 2 else b.ndim == 0)):
        wanted = "a number" if coef.ndim == 1 else f"{rows} numbers"
        raise ValueError(
            f"{where}.intercept_ must be {wanted}, one per row of coef_; got "
            f"{_describe(intercept)}."
        )
    if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(b))):
        raise ValueError(f"{where}: coef_ and intercept_ must be finite.")
    peak = max(float(np.max(np.abs(coef), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    if peak > MAX_MAGNITUDE:
        raise ValueError(
            f"{where}: coef_ and intercept_ must be at most {MAX_MAGNITUDE:g} in "
            f"magnitude (a prediction's terms stay far from overflow); got "
            f"{peak:.3g}."
        )
    classes = getattr(est, "classes_", None)
    if classes is not None:
        if not (isinstance(classes, np.ndarray) and classes.ndim == 1 and classes.size >= 2):
            raise ValueError(
                f"{where}.classes_ must be a list of at least 2 labels; got {_describe(classes)}."
            )
        expected = 1 if classes.size == 2 else classes.size
        if coef.ndim != 2 or rows != expected:
            raise ValueError(
                f"{where}.coef_ must have {expected} row"
                f"{'s' if expected > 1 else ''} for {classes.size} classes; got "
                f"{_describe(coef)}."
            )
    if hasattr(est, "_multinomial") and not isinstance(est._multinomial, bool):
        raise ValueError(f"{where}._multinomial must be true or false.")


# --------------------------------------------------------------------------------------------
# values


def encode_value(value: object, what: str) -> Any:
    """A parameter or fitted attribute as a JSON value (module docstring); TypeError for
    what cannot be saved (a splitter object, a random Generator)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.ndarray):
        return {"ndarray": _encode_array(value, what)}
    if isinstance(value, np.generic):
        dtype = _dtype_name(value.dtype, what)
        if dtype in ("str", "object"):
            return value.item()
        return {"scalar": {"dtype": dtype, "value": _json_number(value.item())}}
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _json_number(float(value))
    if isinstance(value, list):
        return [encode_value(x, what) for x in value]
    if isinstance(value, tuple):
        return {"tuple": [encode_value(x, what) for x in value]}
    if isinstance(value, dict):
        return {"dict": [[encode_value(k, what), encode_value(x, what)] for k, x in value.items()]}
    kind = type(value).__name__
    if kind in _DATAFITS and type(value).__module__.startswith("shrinkage.datafits"):
        return {
            "datafit": {
                "class": kind,
                "params": {k: _json_number(float(getattr(value, k))) for k in _DATAFITS[kind]},
            }
        }
    raise TypeError(
        f"{what}={value!r} cannot be saved: a model file holds numbers, text, "
        "booleans, None, lists, dicts and arrays, not a "
        f"{type(value).__name__} object; set it to such a value first (e.g. "
        "set_params(cv=5) or random_state=0)."
    )


def decode_value(value: object, where: str) -> Any:
    """The Python value of an ``encode_value`` JSON value (ValueError naming ``where``)."""
    if value is None or isinstance(value, bool | str | int | float):
        return value
    if isinstance(value, list):
        return [decode_value(x, f"{where}[{i}]") for i, x in enumerate(value)]
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(
            f"{where} must be a JSON value or an object with one of the tags "
            f"ndarray, scalar, tuple, dict, float, datafit; got {_short(value)}."
        )
    ((tag, body),) = value.items()
    if tag == "tuple" and isinstance(body, list):
        return tuple(decode_value(x, f"{where}[{i}]") for i, x in enumerate(body))
    if tag == "dict" and isinstance(body, list):
        return _decode_dict(body, where)
    if tag == "float" and body in _NON_FINITE:
        return _NON_FINITE[body]
    if tag == "ndarray" and isinstance(body, dict):
        return _decode_array(body, where)
    if tag == "scalar" and isinstance(body, dict):
        return _decode_scalar(body, where)
    if tag == "datafit" and isinstance(body, dict):
        return _decode_datafit(body, where)
    raise ValueError(
        f"{where} has the tag {tag!r} with {_short(body)}; expected ndarray, "
        "scalar, tuple, dict, float or datafit with their contents."
    )


def _decode_dict(pairs: list[Any], where: str) -> dict[Any, Any]:
    out = {}
    for i, pair in enumerate(pairs):
        if not (isinstance(pair, list) and len(pair) == 2):
            raise ValueError(f"{where}.dict[{i}] must be [key, value]; got {_short(pair)}.")
        key = decode_value(pair[0], f"{where}.dict[{i}]")
        if not isinstance(key, str | int | float | bool | tuple) and key is not None:
            raise ValueError(f"{where}.dict[{i}]: a key must be text, a number or a tuple.")
        if key in out:
            raise ValueError(f"{where}.dict has the key {key!r} twice.")
        out[key] = decode_value(pair[1], f"{where}.dict[{i}]")
    return out


def _decode_datafit(body: dict[str, Any], where: str) -> Any:
    name, params = body.get("class"), body.get("params")
    if name not in _DATAFITS or not isinstance(params, dict):
        raise ValueError(
            f'{where}.datafit must be {{"class": one of {sorted(_DATAFITS)}, '
            f'"params": {{...}}}}; got {_short(body)}.'
        )
    _check_names(params, _DATAFITS[name], _DATAFITS[name], f"{where}.datafit.params")
    for k, x in params.items():
        if isinstance(x, bool) or not isinstance(x, int | float):
            raise ValueError(f"{where}.datafit.params.{k} must be a number; got {_short(x)}.")
    from .. import datafits

    try:
        return getattr(datafits, name)(**params)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{where}.datafit: {e}") from None


def _json_number(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return {"float": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}
    return x


def _dtype_name(dtype: np.dtype[Any], what: str) -> str:
    if dtype.kind == "U":
        return "str"
    if dtype.kind == "O":
        return "object"
    if dtype.name in _DTYPES:
        return dtype.name
    raise TypeError(
        f"{what} has dtype {dtype}, which a model file does not hold (floats, "
        "integers, booleans, text)."
    )


def _encode_array(a: np.ndarray, what: str) -> dict[str, Any]:
    dtype = _dtype_name(a.dtype, what)
    data = a.ravel().tolist()
    if dtype in ("float64", "float32"):
        data = [x if math.isfinite(x) else _json_number(x)["float"] for x in data]
    elif dtype == "object":
        data = [x.item() if isinstance(x, np.generic) else x for x in data]
        bad = [x for x in data if not (x is None or isinstance(x, str | bool | int | float))]
        if bad:
            raise TypeError(
                f"{what} holds a {type(bad[0]).__name__} ({bad[0]!r}); a model "
                "file holds arrays of numbers, text and booleans."
            )
        data = [_json_number(x) if isinstance(x, float) else x for x in data]
    return {"dtype": dtype, "shape": list(a.shape), "data": data}


def _decode_array(body: dict[str, Any], where: str) -> np.ndarray:
    where = f"{where} (an array)"
    _check_names(body, ("dtype", "shape", "data"), ("dtype", "shape", "data"), where)
    dtype, shape, data = body["dtype"], body["shape"], body["data"]
    if dtype not in _DTYPES:
        raise ValueError(
            f"{where}: dtype must be one of {', '.join(_DTYPES)}; got {_short(dtype)}."
        )
    if not (
        isinstance(shape, list)
        and len(shape) <= MAX_NDIM
        and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape)
    ):
        raise ValueError(
            f"{where}: shape must be a list of at most {MAX_NDIM} sizes >= 0; got {_short(shape)}."
        )
    size = math.prod(shape)
    if not isinstance(data, list) or len(data) != size or size > MAX_ARRAY_ITEMS:
        got = f"{len(data)} values" if isinstance(data, list) else _short(data)
        raise ValueError(
            f"{where}: data must be a list of {size} values for shape {tuple(shape)}; got {got}."
        )
    values: list[Any]
    if dtype in ("float64", "float32"):
        values = [_float_item(x, where) for x in data]
    elif dtype == "bool":
        if not all(isinstance(x, bool) for x in data):
            raise ValueError(f"{where}: a bool array holds true and false only.")
        values = data
    elif dtype == "str":
        if not all(isinstance(x, str) for x in data):
            raise ValueError(f"{where}: a str array holds text only.")
        values = data
    elif dtype == "object":
        values = [_object_item(x, where) for x in data]
        out = np.empty(size, dtype=object)
        out[:] = values
        return out.reshape(shape)
    else:
        info = np.iinfo(dtype)
        if not all(
            isinstance(x, int) and not isinstance(x, bool) and info.min <= x <= info.max
            for x in data
        ):
            raise ValueError(
                f"{where}: an {dtype} array holds integers in [{info.min}, {info.max}] only."
            )
        values = data
    with np.errstate(over="ignore"):
        out = np.array(values, dtype=str if dtype == "str" else dtype)
    if dtype == "float32" and not np.array_equal(
        np.isfinite(out), np.isfinite(np.array(values, float))
    ):
        raise ValueError(f"{where}: a value is out of the float32 range.")
    return out.reshape(shape)


def _decode_scalar(body: dict[str, Any], where: str) -> Any:
    _check_names(body, ("dtype", "value"), ("dtype", "value"), f"{where}.scalar")
    dtype = body["dtype"]
    if dtype not in _DTYPES or dtype in ("str", "object"):
        raise ValueError(f"{where}.scalar.dtype must be a numeric dtype; got {_short(dtype)}.")
    array = _decode_array({"dtype": dtype, "shape": [], "data": [body["value"]]}, f"{where}.scalar")
    return array[()]


def _float_item(x: object, where: str) -> float:
    if isinstance(x, int | float) and not isinstance(x, bool):
        return float(x)
    if isinstance(x, str) and x in _NON_FINITE:
        return _NON_FINITE[x]
    raise ValueError(
        f'{where}: a float array holds numbers (and "nan", "inf", "-inf"); got {_short(x)}.'
    )


def _object_item(x: object, where: str) -> str | bool | int | float | None:
    if x is None or isinstance(x, str | bool | int | float):
        return x
    if isinstance(x, dict) and set(x) == {"float"} and x["float"] in _NON_FINITE:
        return _NON_FINITE[x["float"]]
    raise ValueError(
        f"{where}: an object array holds text, numbers, booleans and null only; got {_short(x)}."
    )


def _describe(x: object) -> str:
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    return _short(x)


def _short(value: object) -> str:
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
