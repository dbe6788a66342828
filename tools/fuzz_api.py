"""The API half of the fuzz corpus: bad data, bad hyperparameters and bad predictions for every
public estimator and path function, and the sanity checks an accepted input must pass.

Every case is built from one small clean problem (30 x 5) per task by a named mutation, so its
name (``target/mutation``) reproduces it: ``python -m tools.fuzz --case 'Lasso/X:nan-cell'``.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import scipy.sparse as sp

from . import objectives as obj
from .fuzz_common import Case

N, P = 30, 5
X_WORDS = r"\bX\b|column|feature|x\d|input"
Y_WORDS = r"\by\b|target|label|class"
SW_WORDS = r"sample_weight|weight|sample"

# target: (task, fixed parameters that keep a case small)
ESTIMATORS = {
    "Lasso": ("regression", {}),
    "ElasticNet": ("regression", {}),
    "Ridge": ("regression", {}),
    "LassoCV": ("regression", {}),
    "ElasticNetCV": ("regression", {}),
    "RidgeCV": ("regression", {}),
    "LassoIC": ("regression", {}),
    "ElasticNetIC": ("regression", {}),
    "AdaptiveLasso": ("regression", {}),
    "AdaptiveLassoCV": ("regression", {}),
    "RelaxedLasso": ("regression", {}),
    "HuberRegressor": ("regression", {}),
    "QuantileRegressor": ("regression", {}),
    "GroupLasso": ("regression", {}),
    "PoissonRegressor": ("counts", {}),
    "PoissonRegressorCV": ("counts", {}),
    "LogisticRegression": ("classification", {}),
    "LogisticRegressionCV": ("classification", {}),
    "LinearSVC": ("classification", {}),
    "GroupLassoClassifier": ("classification", {}),
}
FUNCTIONS = {
    "path": ("regression", {}),
    "group_path": ("regression", {}),
    "quantile_path": ("regression", {}),
    "cross_validate_path": ("regression", {}),
    "information_criterion": ("regression", {}),
}
# estimators whose certificate the fuzz checks against independent references
CERTIFIED = {"Lasso": 1.0, "ElasticNet": 0.5, "Ridge": 0.0}
FITTED_NUMBERS = (
    "coef_",
    "intercept_",
    "dual_gap_",
    "alpha_",
    "scale_",
    "C_",
    "l1_ratio_",
    "alphas_",
    "n_iter_",
)


# --------------------------------------------------------------------------------------------
# the clean problems


def clean(task: str, n: int = N, p: int = P, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A small well-posed problem of the task: regression, counts or (binary) classification."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    eta = X @ np.linspace(1.0, -0.5, p)
    if task == "counts":
        return X, rng.poisson(np.exp(0.3 * eta + 0.5)).astype(float)
    if task == "classification":
        y = (eta + 0.5 * rng.standard_normal(n) > 0).astype(int)
        y[:2] = [0, 1]
        return X, y
    return X, eta + 0.3 * rng.standard_normal(n) + 2.0


def _cell(X, value, i=3, j=1):
    X = np.array(X, dtype=float)
    X[i, j] = value
    return X


def _column(X, value, j=1):
    X = np.array(X, dtype=float)
    X[:, j] = value
    return X


# --------------------------------------------------------------------------------------------
# data mutations: name -> fn(X, y, task) -> dict(X=, y=, fit=, expect=, mention=, checks=) or None


def _x(X_new, expect="reject", mention=X_WORDS, checks=()):
    return {"X": X_new, "expect": expect, "mention": mention, "checks": checks}


def _y(y_new, expect="reject", mention=Y_WORDS, checks=()):
    return {"y": y_new, "expect": expect, "mention": mention, "checks": checks}


def _sw(weights, expect="reject", mention=SW_WORDS, checks=()):
    return {
        "fit": {"sample_weight": weights},
        "expect": expect,
        "mention": mention,
        "checks": checks,
    }


def _text_labels(y, task):
    return (
        np.where(np.asarray(y) > np.median(y), "high", "low")
        if task != "classification"
        else np.where(np.asarray(y) == 1, "yes", "no")
    )


DATA_MUTATIONS = {
    # X values
    "X:nan-cell": ("X: NaN", lambda X, y, t: _x(_cell(X, np.nan))),
    "X:nan-column": ("X: NaN", lambda X, y, t: _x(_column(X, np.nan))),
    "X:inf-cell": ("X: infinity", lambda X, y, t: _x(_cell(X, np.inf))),
    "X:-inf-cell": ("X: infinity", lambda X, y, t: _x(_cell(X, -np.inf))),
    "X:1e155-cell": ("X: square overflows", lambda X, y, t: _x(_cell(X, 1e155))),
    "X:-1e200-cell": ("X: square overflows", lambda X, y, t: _x(_cell(X, -1e200))),
    "X:1e300-cell": ("X: square overflows", lambda X, y, t: _x(_cell(X, 1e300))),
    "X:1e300-column": ("X: square overflows", lambda X, y, t: _x(_column(X, 1e300 * X[:, 1]))),
    "X:max-float-cell": ("X: square overflows", lambda X, y, t: _x(_cell(X, np.finfo(float).max))),
    "X:1e153-cell": (
        "X: huge but square finite",
        lambda X, y, t: _x(_cell(X, 1e153), "either", checks=("finite",)),
    ),
    "X:1e100-column": (
        "X: huge but square finite",
        lambda X, y, t: _x(_column(X, 1e100 * X[:, 1]), "either", checks=("finite",)),
    ),
    "X:1e-300-column": (
        "X: tiny column",
        lambda X, y, t: _x(_column(X, 1e-300 * X[:, 1]), "either", checks=("finite",)),
    ),
    "X:subnormal-column": (
        "X: tiny column",
        lambda X, y, t: _x(_column(X, 1e-310 * X[:, 1]), "either", checks=("finite",)),
    ),
    "X:units-1e-80": (
        "X: extreme units",
        lambda X, y, t: _x(X * 1e-80, "accept", checks=("finite", "certify")),
    ),
    "X:units-1e80": (
        "X: extreme units",
        lambda X, y, t: _x(X * 1e80, "accept", checks=("finite", "certify")),
    ),
    "X:constant-column": (
        "X: constant columns",
        lambda X, y, t: _x(
            _column(X, 3.0), "accept", checks=("finite", "zero_column:1", "certify")
        ),
    ),
    "X:zero-column": (
        "X: constant columns",
        lambda X, y, t: _x(
            _column(X, 0.0), "accept", checks=("finite", "zero_column:1", "certify")
        ),
    ),
    "X:all-constant": (
        "X: constant columns",
        lambda X, y, t: _x(np.ones_like(X), "either", checks=("finite", "all_zero")),
    ),
    "X:duplicated-column": (
        "X: duplicated columns",
        lambda X, y, t: _x(np.column_stack([X, X[:, 1]]), "accept", checks=("finite", "certify")),
    ),
    "X:duplicated-all": (
        "X: duplicated columns",
        lambda X, y, t: _x(np.hstack([X, X]), "accept", checks=("finite", "certify")),
    ),
    "X:p>n": (
        "X: more columns than rows",
        lambda X, y, t: _x(
            np.random.default_rng(1).standard_normal((len(y), 3 * len(y))),
            "accept",
            checks=("finite", "certify"),
        ),
    ),
    "X:one-row": (
        "X: one or two rows",
        lambda X, y, t: {
            "X": X[:1],
            "y": y[:1],
            "expect": "either",
            "mention": X_WORDS + "|" + Y_WORDS + "|sample|row",
            "checks": ("finite",),
        },
    ),
    "X:two-rows": (
        "X: one or two rows",
        lambda X, y, t: {
            "X": X[:2],
            "y": y[:2],
            "expect": "either",
            "mention": X_WORDS + "|" + Y_WORDS + "|sample|row|fold",
            "checks": ("finite",),
        },
    ),
    "X:no-rows": (
        "X: empty",
        lambda X, y, t: {
            "X": X[:0],
            "y": y[:0],
            "expect": "reject",
            "mention": X_WORDS + "|sample|row",
            "checks": (),
        },
    ),
    "X:no-columns": ("X: empty", lambda X, y, t: _x(X[:, :0])),
    "X:1-D": ("X: wrong shape", lambda X, y, t: _x(X[:, 0])),
    "X:3-D": ("X: wrong shape", lambda X, y, t: _x(X[:, :, None])),
    "X:scalar": ("X: wrong shape", lambda X, y, t: _x(np.float64(3.0))),
    "X:None": ("X: wrong type", lambda X, y, t: _x(None)),
    "X:rows-mismatch": (
        "X: wrong shape",
        lambda X, y, t: _x(
            X[:-1], mention=X_WORDS + "|" + Y_WORDS + "|sample|row|length|inconsistent"
        ),
    ),
    "X:ragged-list": (
        "X: wrong shape",
        lambda X, y, t: _x([list(r) for r in X[:-1]] + [list(X[-1, :2])]),
    ),
    "X:text": ("X: text", lambda X, y, t: _x(np.full(X.shape, "abc"))),
    "X:numeric-text": ("X: text", lambda X, y, t: _x(X.astype(str), "either", checks=("finite",))),
    "X:object-with-text": (
        "X: text",
        lambda X, y, t: _x(
            np.where(np.arange(X.size).reshape(X.shape) == 7, "x", X.astype(object))
        ),
    ),
    "X:object-numbers": (
        "X: dtypes",
        lambda X, y, t: _x(X.astype(object), "accept", checks=("finite",)),
    ),
    "X:complex": ("X: complex", lambda X, y, t: _x(X + 1j, mention=X_WORDS + "|complex")),
    "X:complex-real": (
        "X: complex",
        lambda X, y, t: _x(X.astype(complex), mention=X_WORDS + "|complex"),
    ),
    "X:bool": ("X: dtypes", lambda X, y, t: _x(X > 0, "either", checks=("finite",))),
    "X:int": (
        "X: dtypes",
        lambda X, y, t: _x(np.round(3 * X).astype(int), "accept", checks=("finite",)),
    ),
    "X:float32": (
        "X: dtypes",
        lambda X, y, t: _x(X.astype(np.float32), "accept", checks=("finite",)),
    ),
    "X:float16": (
        "X: dtypes",
        lambda X, y, t: _x(X.astype(np.float16), "either", checks=("finite",)),
    ),
    "X:nested-list": ("X: dtypes", lambda X, y, t: _x(X.tolist(), "accept", checks=("finite",))),
    "X:sparse": ("X: sparse", lambda X, y, t: _x(sp.csr_matrix(X), "either", checks=("finite",))),
    "X:sparse-nan": ("X: sparse", lambda X, y, t: _x(sp.csr_matrix(_cell(X, np.nan)))),
    "X:sparse-1e300": ("X: sparse", lambda X, y, t: _x(sp.csr_matrix(_cell(X, 1e300)))),
    # y values
    "y:nan": ("y: NaN", lambda X, y, t: _y(_cell(y[:, None], np.nan, 2, 0)[:, 0])),
    "y:inf": ("y: infinity", lambda X, y, t: _y(_cell(y[:, None], np.inf, 2, 0)[:, 0])),
    "y:1e155": ("y: square overflows", lambda X, y, t: _y(_cell(y[:, None], 1e155, 2, 0)[:, 0])),
    "y:1e300": ("y: square overflows", lambda X, y, t: _y(_cell(y[:, None], -1e300, 2, 0)[:, 0])),
    "y:units-1e150": (
        "y: extreme units",
        lambda X, y, t: (
            None if t == "classification" else _y(y * 1e150, "either", checks=("finite", "certify"))
        ),
    ),
    "y:units-1e-150": (
        "y: extreme units",
        lambda X, y, t: (
            None
            if t == "classification"
            else _y(y * 1e-150, "either", checks=("finite", "certify"))
        ),
    ),
    "y:constant": (
        "y: constant",
        lambda X, y, t: _y(
            np.full(len(y), y[0]),
            "reject" if t == "classification" else "either",
            Y_WORDS + "|constant|zero",
            checks=("finite", "all_zero"),
        ),
    ),
    "y:zeros": (
        "y: constant",
        lambda X, y, t: _y(
            np.zeros(len(y)),
            "reject" if t == "classification" else "either",
            Y_WORDS + "|constant|zero",
            checks=("finite", "all_zero"),
        ),
    ),
    "y:2-D": (
        "y: wrong shape",
        lambda X, y, t: _y(np.column_stack([y, y]), "either", checks=("finite",)),
    ),
    "y:column": (
        "y: wrong shape",
        lambda X, y, t: _y(np.asarray(y)[:, None], "either", checks=("finite",)),
    ),
    "y:wrong-length": (
        "y: wrong shape",
        lambda X, y, t: _y(
            y[:-3], mention=X_WORDS + "|" + Y_WORDS + "|sample|row|length|inconsistent"
        ),
    ),
    "y:empty": (
        "y: wrong shape",
        lambda X, y, t: _y(
            y[:0], mention=X_WORDS + "|" + Y_WORDS + "|sample|row|length|inconsistent"
        ),
    ),
    "y:None": ("y: wrong type", lambda X, y, t: _y(None)),
    "y:text": (
        "y: text labels",
        lambda X, y, t: _y(
            _text_labels(y, t), "accept" if t == "classification" else "reject", checks=("finite",)
        ),
    ),
    "y:complex": (
        "y: complex",
        lambda X, y, t: _y(np.asarray(y) + 1j, mention=Y_WORDS + "|complex"),
    ),
    "y:negative-counts": (
        "y: outside the datafit's domain",
        lambda X, y, t: None if t != "counts" else _y(np.asarray(y) - 3.0),
    ),
    "y:continuous-labels": (
        "y: outside the datafit's domain",
        lambda X, y, t: None if t != "classification" else _y(clean("regression")[1]),
    ),
    "y:three-classes": (
        "y: several classes",
        lambda X, y, t: (
            None
            if t != "classification"
            else _y(np.arange(len(y)) % 3, "either", checks=("finite",))
        ),
    ),
    "y:one-class": (
        "y: constant",
        lambda X, y, t: None if t != "classification" else _y(np.ones(len(y), int)),
    ),
    # sample weights
    "sw:negative": (
        "sample_weight: negative",
        lambda X, y, t: _sw(_cell(np.ones((len(y), 1)), -1.0, 0, 0)[:, 0]),
    ),
    "sw:all-zero": ("sample_weight: zero", lambda X, y, t: _sw(np.zeros(len(y)))),
    "sw:scalar-zero": ("sample_weight: zero", lambda X, y, t: _sw(0.0)),
    "sw:scalar-negative": ("sample_weight: negative", lambda X, y, t: _sw(-1.0)),
    "sw:nan": (
        "sample_weight: NaN or infinity",
        lambda X, y, t: _sw(_cell(np.ones((len(y), 1)), np.nan, 0, 0)[:, 0]),
    ),
    "sw:inf": (
        "sample_weight: NaN or infinity",
        lambda X, y, t: _sw(_cell(np.ones((len(y), 1)), np.inf, 0, 0)[:, 0]),
    ),
    "sw:wrong-length": ("sample_weight: wrong shape", lambda X, y, t: _sw(np.ones(len(y) - 1))),
    "sw:2-D": ("sample_weight: wrong shape", lambda X, y, t: _sw(np.ones((len(y), 2)))),
    "sw:text": ("sample_weight: text", lambda X, y, t: _sw(np.full(len(y), "w"))),
    "sw:complex": ("sample_weight: complex", lambda X, y, t: _sw(np.ones(len(y)) + 1j)),
    "sw:huge-uniform": (
        "sample_weight: extreme",
        lambda X, y, t: _sw(np.full(len(y), 1e300), "either", checks=("finite",)),
    ),
    "sw:sum-overflows": (
        "sample_weight: extreme",
        lambda X, y, t: _sw(np.full(len(y), 1e307), "either", checks=("finite",)),
    ),
    "sw:one-huge": (
        "sample_weight: extreme",
        lambda X, y, t: _sw(
            _cell(np.ones((len(y), 1)), 1e300, 0, 0)[:, 0], "either", checks=("finite",)
        ),
    ),
    "sw:tiny-uniform": (
        "sample_weight: extreme",
        lambda X, y, t: _sw(np.full(len(y), 1e-300), "either", checks=("finite",)),
    ),
    "sw:one-positive": (
        "sample_weight: zero",
        lambda X, y, t: _sw(
            _cell(np.zeros((len(y), 1)), 1.0, 0, 0)[:, 0], "either", checks=("finite",)
        ),
    ),
    "sw:half-zero": (
        "sample_weight: zero",
        lambda X, y, t: _sw((np.arange(len(y)) % 2).astype(float), "either", checks=("finite",)),
    ),
    "sw:list": (
        "sample_weight: types",
        lambda X, y, t: _sw([1.0] * len(y), "accept", checks=("finite",)),
    ),
}


# --------------------------------------------------------------------------------------------
# hyperparameters: name -> [(label, value, expect, checks)]; each applies where it is a parameter

_R, _E, _A = "reject", "either", "accept"
_F = ("finite",)
HYPERPARAMETERS = {
    "alpha": [
        ("-1", -1.0, _R, ()),
        ("nan", np.nan, _R, ()),
        ("inf", np.inf, _R, ()),
        ("-inf", -np.inf, _R, ()),
        ("1e300", 1e300, _E, _F),
        ("text", "1", _R, ()),
        ("list", [1.0, 2.0], _R, ()),
        ("bool", True, _R, ()),
        ("zero", 0.0, _E, _F),
        ("1e-160", 1e-160, _E, ("finite", "certify")),
        ("subnormal", 1e-320, _E, ("finite", "certify")),
        ("complex", 1j, _R, ()),
    ],
    "l1_ratio": [
        ("-0.1", -0.1, _R, ()),
        ("1.5", 1.5, _R, ()),
        ("nan", np.nan, _R, ()),
        ("inf", np.inf, _R, ()),
        ("text", "0.5", _R, ()),
        ("zero", 0.0, _E, _F),
    ],
    "tol": [
        ("nan", np.nan, _R, ()),
        ("-1", -1.0, _R, ()),
        ("text", "1e-4", _R, ()),
        ("zero", 0.0, _E, _F),
        ("inf", np.inf, _E, _F),
        ("-inf", -np.inf, _R, ()),
    ],
    "max_iter": [
        ("zero", 0, _R, ()),
        ("-1", -1, _R, ()),
        ("1e30", 10**30, _R, ()),
        ("2^63", 2**63, _R, ()),
        ("1.5", 1.5, _R, ()),
        ("float", 100.0, _E, _F),
        ("nan", np.nan, _R, ()),
        ("text", "100", _R, ()),
        ("one", 1, _E, _F),
    ],
    "fit_intercept": [("text", "yes", _E, _F), ("None", None, _E, _F)],
    "standardize": [("text", "no", _E, _F)],
    "positive": [("text", "yes", _E, _F)],
    "penalty_factor": [
        ("negative", [-1.0] + [1.0] * (P - 1), _R, ()),
        ("nan", [np.nan] + [1.0] * (P - 1), _R, ()),
        ("wrong-length", [1.0] * (P + 2), _R, ()),
        ("zeros", [0.0] * P, _E, _F),
        ("inf", [np.inf] + [1.0] * (P - 1), _E, _F),
        ("text", "abc", _R, ()),
    ],
    "lower": [
        ("above-upper", 1.0, _E, _F),
        ("nan", np.nan, _R, ()),
        ("wrong-length", [0.0] * (P + 1), _R, ()),
        ("inf", np.inf, _R, ()),
    ],
    "upper": [("nan", np.nan, _R, ()), ("-inf", -np.inf, _R, ()), ("text", "x", _R, ())],
    "solver": [("unknown", "bogus", _R, ()), ("None", None, _R, ())],
    "cv": [
        ("one", 1, _R, ()),
        ("zero", 0, _R, ()),
        ("-1", -1, _R, ()),
        ("more-than-rows", N + 1, _R, ()),
        ("1000", 1000, _R, ()),
        ("text", "5", _R, ()),
        ("float", 2.5, _R, ()),
    ],
    "n_alphas": [
        ("zero", 0, _R, ()),
        ("-5", -5, _R, ()),
        ("1.5", 1.5, _R, ()),
        ("1e30", 10**30, _R, ()),
        ("one", 1, _E, _F),
    ],
    "alphas": [
        ("negative", [-1.0], _R, ()),
        ("nan", [np.nan], _R, ()),
        ("empty", [], _R, ()),
        ("2-D", [[1.0]], _R, ()),
        ("1e300", [1e300], _E, _F),
        ("1e-160", [1e-160], _E, _F),
        ("text", ["a"], _R, ()),
    ],
    "alpha_min_ratio": [
        ("zero", 0.0, _R, ()),
        ("-1", -1.0, _R, ()),
        ("two", 2.0, _R, ()),
        ("nan", np.nan, _R, ()),
    ],
    "criterion": [("unknown", "foo", _R, ())],
    "noise_variance": [("-1", -1.0, _R, ()), ("nan", np.nan, _R, ()), ("zero", 0.0, _R, ())],
    "ebic_gamma": [("-1", -1.0, _R, ()), ("nan", np.nan, _R, ())],
    "gamma": [("-1", -1.0, _R, ()), ("nan", np.nan, _R, ())],
    "init": [("unknown", "foo", _R, ())],
    "class_weight": [
        ("all-zero", {0: 0.0, 1: 0.0}, _R, ()),
        ("one-zero", {0: 0.0, 1: 1.0}, _R, ()),
        ("negative", {0: -1.0, 1: 1.0}, _R, ()),
        ("nan", {0: np.nan, 1: 1.0}, _R, ()),
        ("unknown-string", "bogus", _R, ()),
        ("balanced", "balanced", _A, _F),
        ("huge", {0: 1e300, 1: 1.0}, _E, _F),
    ],
    "C": [
        ("zero", 0.0, _R, ()),
        ("-1", -1.0, _R, ()),
        ("nan", np.nan, _R, ()),
        ("text", "1", _R, ()),
        ("inf", np.inf, _E, _F),
        ("tiny", 1e-300, _E, _F),
    ],
    "penalty": [("unknown", "l3", _R, ())],
    "multi_class": [("unknown", "foo", _R, ())],
    "epsilon": [("below-one", 0.5, _R, ()), ("nan", np.nan, _R, ()), ("inf", np.inf, _R, ())],
    "quantile": [
        ("zero", 0.0, _R, ()),
        ("one", 1.0, _R, ()),
        ("negative", -0.5, _R, ()),
        ("nan", np.nan, _R, ()),
    ],
    "groups": [
        ("wrong-length", [0, 0, 1], _R, ()),
        ("text", ["a", "a", "b", "b", "c"], _E, _F),
        ("float", [0.5] * P, _R, ()),
        ("2-D", [[0, 1]] * P, _R, ()),
        ("none-in-a-group", [-1] * P, _E, _F),
    ],
    "group_factor": [("negative", -1.0, _R, ()), ("nan", np.nan, _R, ())],
    "datafit": [("unknown", "bogus", _R, ())],
    "alpha_rule": [("unknown", "max", _R, ())],
    "scoring": [("unknown", "bogus", _R, ())],
    "n_repeats": [("zero", 0, _R, ())],
    "random_state": [("text", "seed", _R, ())],
}


MENTIONS = {"C": r"\bC\b", "class_weight": "class"}
# what a correct library may do differs from the mutation's default for some targets
LEAST_SQUARES_Y = {
    "Lasso",
    "ElasticNet",
    "Ridge",
    "LassoCV",
    "ElasticNetCV",
    "RidgeCV",
    "LassoIC",
    "ElasticNetIC",
    "AdaptiveLasso",
    "AdaptiveLassoCV",
    "RelaxedLasso",
    "GroupLasso",
    "path",
    "group_path",
    "cross_validate_path",
    "information_criterion",
}
NEEDS_NOISE_VARIANCE = {"LassoIC", "ElasticNetIC", "information_criterion"}


def _calibrated(target: str, mutation: str, expect: str) -> str:
    if mutation == "y:2-D" and target in ("Ridge", "RidgeCV"):
        return "accept"  # several targets at once
    if mutation in ("y:1e155", "y:1e300") and target not in LEAST_SQUARES_Y:
        return "either"  # robust and GLM losses never square y
    if mutation == "X:p>n" and target in NEEDS_NOISE_VARIANCE:
        return "either"  # the noise variance needs n > p (or noise_variance given)
    return expect


def _parameters(target: str) -> list[str]:
    import shrinkage

    obj_ = getattr(shrinkage, target)
    return list(inspect.signature(obj_).parameters)


# --------------------------------------------------------------------------------------------
# building the corpus


def cases() -> list[Case]:
    """Every API case, in a stable order."""
    out = []
    targets = {**ESTIMATORS, **FUNCTIONS}
    for target, (task, fixed) in targets.items():
        X, y = clean(task)
        for mutation, (cause, mutate) in DATA_MUTATIONS.items():
            change = mutate(X, y, task)
            if change is None:
                continue
            expect = _calibrated(target, mutation, change["expect"])
            if mutation == "y:text" and task == "classification" and target in FUNCTIONS:
                continue
            spec = {
                "target": target,
                "params": dict(fixed),
                "X": change.get("X", X),
                "y": change.get("y", y),
                "fit": change.get("fit", {}),
                "checks": change["checks"],
                "task": task,
            }
            out.append(
                Case(
                    f"{target}/{mutation}",
                    cause,
                    "api",
                    spec,
                    expect,
                    change["mention"],
                    f"{target}: {mutation} on the clean {task} problem",
                )
            )
        params = _parameters(target)
        for param, values in HYPERPARAMETERS.items():
            if param not in params:
                continue
            for label, value, expect, checks in values:
                spec = {
                    "target": target,
                    "params": {**fixed, param: value},
                    "X": X,
                    "y": y,
                    "fit": {},
                    "checks": checks,
                    "task": task,
                }
                if param == "lower" and label == "above-upper":
                    spec["params"]["upper"] = 0.0
                    expect = "reject" if "upper" in params else expect
                if target == "LinearSVC" and label == "one-zero":
                    expect = "either"  # w = 0, any b >= 1 is optimal: a finite solution
                out.append(
                    Case(
                        f"{target}/{param}={label}",
                        f"hyperparameter {param}",
                        "api",
                        spec,
                        expect,
                        MENTIONS.get(param, param.rstrip("s")),
                        f"{target}({param}={value!r}).fit on the clean problem",
                    )
                )
        if target in ESTIMATORS:
            out.extend(_predict_cases(target, task, fixed, X, y))
    return out


def _predict_cases(target, task, fixed, X, y) -> list[Case]:
    base = {"target": target, "params": dict(fixed), "X": X, "y": y, "fit": {}, "task": task}
    variants = [
        (
            "predict:unfitted",
            "predict before fit",
            {"unfitted": True, "X_new": X},
            "reject",
            r"fit",
        ),
        ("predict:wrong-columns", "predict: wrong shape", {"X_new": X[:, :3]}, "reject", X_WORDS),
        ("predict:nan", "predict: NaN", {"X_new": _cell(X, np.nan)}, "reject", X_WORDS),
        ("predict:1e300", "predict: huge values", {"X_new": _cell(X, 1e300)}, "either", X_WORDS),
        ("predict:text", "predict: text", {"X_new": np.full(X.shape, "a")}, "reject", X_WORDS),
        ("predict:no-rows", "predict: empty", {"X_new": X[:0]}, "either", X_WORDS + "|sample"),
    ]
    return [
        Case(
            f"{target}/{name}",
            cause,
            "api",
            {**base, "predict": spec, "checks": ()},
            expect,
            mention,
            f"{target}().fit(X, y).{name.split(':')[0]}({name})",
        )
        for name, cause, spec, expect, mention in variants
    ]


# --------------------------------------------------------------------------------------------
# running one case (inside a worker)


def run(spec: dict) -> list[str]:
    """Run an API case; returns the failed sanity checks of an accepted input (raises on a
    refusal)."""
    import shrinkage

    target = getattr(shrinkage, spec["target"])
    if spec["target"] in FUNCTIONS:
        result = target(spec["X"], spec["y"], **spec["params"], **spec["fit"])
        return _check_result(result)
    model = target(**spec["params"])
    predict = spec.get("predict")
    if predict and predict.get("unfitted"):
        model.predict(predict["X_new"])
        return ["predict before fit returned"]
    model.fit(spec["X"], spec["y"], **spec["fit"])
    if predict:
        out = np.asarray(model.predict(predict["X_new"]))
        return (
            []
            if out.dtype.kind not in "fc" or np.all(np.isfinite(out))
            else ["predictions not finite"]
        )
    return _check_model(model, spec)


def _finite(name: str, value) -> list[str]:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return []
    return [] if np.all(np.isfinite(arr)) else [f"{name} not finite ({_show(arr)})"]


def _show(arr: np.ndarray) -> str:
    return np.array2string(np.ravel(arr)[:4], precision=3)


def _check_result(result) -> list[str]:
    problems = []
    for name in (
        "alphas",
        "coefs",
        "intercepts",
        "gaps",
        "alpha_min",
        "alpha_1se",
        "cv_mean",
        "alpha",
        "criterion_values",
    ):
        if hasattr(result, name):
            problems += _finite(name, getattr(result, name))
    return problems


def _check_model(model, spec: dict) -> list[str]:
    problems = []
    for name in FITTED_NUMBERS:
        if hasattr(model, name):
            problems += _finite(name, getattr(model, name))
    gap = getattr(model, "dual_gap_", None)
    if gap is not None and np.any(np.asarray(gap) < 0):
        problems.append(f"dual_gap_ negative ({gap})")
    X = spec["X"]
    X_arr = _as_float(X)
    moderate = X_arr is not None and np.all(np.abs(X_arr) < 1e150)  # NaN compares False
    if moderate:
        problems += _finite("predict", model.predict(X))
    coef = np.asarray(getattr(model, "coef_", np.zeros(1)), dtype=np.float64)
    for check in spec["checks"]:
        if check.startswith("zero_column") and spec["params"].get("fit_intercept", True):
            j = int(check.split(":")[1])
            column = coef[..., j]
            if np.any(column != 0):
                problems.append(f"coef of the constant column {j} is {_show(column)}, not 0")
        elif check == "all_zero" and spec["params"].get("fit_intercept", True):
            if np.any(coef != 0):
                problems.append(f"coef {_show(coef)} on data without signal, not 0")
        elif check == "certify" and spec["target"] in CERTIFIED and X_arr is not None:
            problems += _certify(model, spec, X_arr)
    return problems


def _as_float(X) -> np.ndarray | None:
    if sp.issparse(X):
        X = X.toarray()
    try:
        return np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _certify(model, spec: dict, X: np.ndarray) -> list[str]:
    """The returned certificate against scikit-learn's fit and least squares (any reference
    point R must satisfy P(ours) - P(R) <= gap; converged_ means within tol)."""
    from sklearn import linear_model as sk

    y = np.asarray(spec["y"], dtype=np.float64)
    sw = spec["fit"].get("sample_weight")
    if y.ndim != 1 or not np.all(np.isfinite(y)) or (sw is not None and np.ndim(sw) != 1):
        return []
    target = spec["target"]
    alpha = float(spec["params"].get("alpha", 1.0))
    l1_ratio = float(spec["params"].get("l1_ratio", CERTIFIED[target]))
    if target == "Lasso":
        l1_ratio = 1.0
    tol = float(spec["params"].get("tol", 1e-4))
    s = np.ones(len(y)) if sw is None else np.asarray(sw, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if target == "Ridge":
            refs = [sk.Ridge(alpha, solver="svd").fit(X, y, sample_weight=sw)]
            alpha, l1_ratio = alpha / s.sum(), 0.0  # the ElasticNet units of dual_gap_
        else:
            refs = [
                sk.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=100_000).fit(
                    X, y, sample_weight=sw
                )
            ]
        refs.append(sk.LinearRegression().fit(X, y, sample_weight=sw))
    P = obj.objective("least_squares", X, y, model.coef_, model.intercept_, alpha, l1_ratio, sw)
    best = min(
        obj.objective("least_squares", X, y, r.coef_, r.intercept_, alpha, l1_ratio, sw)
        for r in refs
    )
    null = obj.least_squares(X, y, np.zeros(X.shape[1]), float(s @ y / s.sum()), sw)
    slack = 1e-9 * max(abs(P), abs(best), null, np.finfo(float).tiny)
    gap = float(np.max(model.dual_gap_))
    problems = []
    if P - best > gap + slack:
        problems.append(f"certificate {gap:.3g} below the true suboptimality {P - best:.3g}")
    if getattr(model, "converged_", False) and P - best > tol * 2 * null + slack:
        problems.append(
            f"converged_ at suboptimality {P - best:.3g} above tol's bound {tol * 2 * null:.3g}"
        )
    return problems
