"""to_dict / from_dict and shrinkage.save / load for every public estimator: the round trip
predicts identically (predict, predict_proba, decision_function, transform), and hostile
documents are refused in one line."""

import copy
import functools
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline

import shrinkage
from shrinkage.datafits import Quantile
from shrinkage.estimators._serialize import CLASSES, NOT_SAVED

RNG = np.random.default_rng(0)
N = 60
X = pd.DataFrame(RNG.standard_normal((N, 4)), columns=["a", "b", "c", "d"])
Y = 2 * X["a"] - X["b"] + 0.5 * RNG.standard_normal(N)
LABELS = np.where(X["a"] + X["c"] > 0, "yes", "no")
THREE = np.select([X["a"] > 0.5, X["b"] > 0], ["high", "mid"], "low")
COUNTS = RNG.poisson(np.exp(0.5 * X["a"] - 0.3 * X["b"]))
TABLE = X.assign(color=RNG.choice(["red", "blue", "green"], N), flag=RNG.choice([True, False], N))
AMOUNTS = RNG.gamma(2.0, np.exp(0.3 * X["a"] - 0.2 * X["c"]) / 2.0)
LOSSES = COUNTS * AMOUNTS  # compound Poisson-Gamma: exact zeros
TASKS = np.column_stack([Y, X["c"] - X["a"] + 0.3 * RNG.standard_normal(N)])

S = shrinkage
CASES = {  # name: (estimator factory, target)
    "ElasticNet": (lambda: S.ElasticNet(0.05, l1_ratio=0.7), Y),
    "Lasso": (lambda: S.Lasso(0.05, penalty_factor=[1.0, 0.5, 1.0, 2.0]), Y),
    "Ridge": (lambda: S.Ridge(1.0), Y),
    "Ridge 2 targets": (lambda: S.Ridge(1.0), np.column_stack([Y, -Y])),
    "ElasticNetCV": (lambda: S.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, n_alphas=10), Y),
    "LassoCV": (lambda: S.LassoCV(cv=3, n_alphas=10, alpha_rule="1se", random_state=0), Y),
    "RidgeCV": (lambda: S.RidgeCV(alphas=(0.1, 1.0, 10.0), store_cv_results=True), Y),
    "ElasticNetIC": (lambda: S.ElasticNetIC(n_alphas=10), Y),
    "LassoIC": (lambda: S.LassoIC(criterion="bic", n_alphas=10), Y),
    "AdaptiveLasso": (lambda: S.AdaptiveLasso(0.05, init_alpha=0.1), Y),
    "AdaptiveLassoCV": (lambda: S.AdaptiveLassoCV(gamma=[0.5, 1.0], cv=3, n_alphas=10), Y),
    "RelaxedLasso": (lambda: S.RelaxedLasso(0.05, gamma=0.5), Y),
    "LogisticRegression": (lambda: S.LogisticRegression(C=2.0), LABELS),
    "LogisticRegression multinomial": (
        lambda: S.LogisticRegression(penalty="l1", alpha=0.01),
        THREE,
    ),
    "LogisticRegression ovr": (
        lambda: S.LogisticRegression(multi_class="ovr", class_weight={0: 1.0, 1: 2.0, 2: 1.0}),
        (X["a"] > 0) + (X["b"] > 0),
    ),
    "LogisticRegression unpenalized": (
        lambda: S.LogisticRegression(penalty=None, C=np.inf),
        np.where(X["a"] + RNG.standard_normal(N) > 0, 1, 0),
    ),
    "LinearSVC": (lambda: S.LinearSVC(C=0.5), THREE),
    "PoissonRegressor": (lambda: S.PoissonRegressor(alpha=0.01, l1_ratio=0.5), COUNTS),
    "HuberRegressor": (lambda: S.HuberRegressor(alpha=0.01), Y),
    "LogisticRegressionCV": (
        lambda: S.LogisticRegressionCV(cv=3, n_alphas=8, l1_ratios=[0.5, 1.0]),
        LABELS,
    ),
    "PoissonRegressorCV": (lambda: S.PoissonRegressorCV(cv=3, n_alphas=8), COUNTS),
    "QuantileRegressor": (lambda: S.QuantileRegressor(0.3, alpha=0.01), Y),
    "MCPRegressor": (lambda: S.MCPRegressor(0.1, gamma=2.5, penalty_factor=[1, 1, 2, 1]), Y),
    "SCADRegressor": (lambda: S.SCADRegressor(0.1, gamma=3.0), Y),
    "GammaRegressor": (lambda: S.GammaRegressor(alpha=0.01, l1_ratio=0.5), AMOUNTS),
    "TweedieRegressor": (lambda: S.TweedieRegressor(power=1.3, alpha=0.01, l1_ratio=0.5), LOSSES),
    "MultiTaskLasso": (lambda: S.MultiTaskLasso(0.05), TASKS),
    "MultiTaskElasticNet": (lambda: S.MultiTaskElasticNet(0.05, l1_ratio=0.7), TASKS),
    "MultiTaskLassoCV": (lambda: S.MultiTaskLassoCV(alphas=8, cv=3), TASKS),
    "MultiTaskElasticNetCV": (
        lambda: S.MultiTaskElasticNetCV(l1_ratio=[0.5, 1.0], alphas=8, cv=3),
        TASKS,
    ),
    "GroupLasso": (lambda: S.GroupLasso([0, 0, 1, 1], 0.05), Y),
    "GroupLasso quantile": (lambda: S.GroupLasso([0, 0, 1, -1], 0.01, datafit=Quantile(0.7)), Y),
    "GroupLasso poisson": (lambda: S.GroupLasso([0, 0, 1, 1], 0.01, datafit="poisson"), COUNTS),
    "GroupLassoClassifier": (lambda: S.GroupLassoClassifier([0, 0, 1, 1]), LABELS),
    "GroupLassoClassifier multinomial": (
        lambda: S.GroupLassoClassifier([0, 0, 1, 1], datafit="multinomial", l1_ratio=0.5),
        THREE,
    ),
    "Preprocessor": (lambda: S.Preprocessor(standardize=True, drop=["d"]), None),
}
METHODS = ("predict", "predict_proba", "decision_function", "transform")


@functools.cache
def _fitted(case):
    make, y = CASES[case]
    est = make()
    return est.fit(TABLE if y is None else X, y)


def _outputs(est, data):
    out = {}
    for method in METHODS:
        if hasattr(est, method):
            out[method] = getattr(est, method)(data)
    assert out
    return out


def _same_params(a, b):
    pa, pb = a.get_params(deep=False), b.get_params(deep=False)
    assert pa.keys() == pb.keys()
    for k in pa:
        if isinstance(pa[k], np.ndarray) or isinstance(pb[k], np.ndarray):
            np.testing.assert_array_equal(pa[k], pb[k])
        elif k == "datafit" and not isinstance(pa[k], str):
            assert vars(pa[k]) == vars(pb[k]) and type(pa[k]) is type(pb[k])
        else:
            assert pa[k] == pb[k] and type(pa[k]) is type(pb[k]), k


@pytest.mark.parametrize("case", sorted(CASES))
def test_round_trip_predicts_identically(case, tmp_path):
    est = _fitted(case)
    data = TABLE if CASES[case][1] is None else X
    expected = _outputs(est, data)
    d = json.loads(json.dumps(est.to_dict(), allow_nan=False))  # plain JSON all the way
    back = type(est).from_dict(d)
    _same_params(est, back)
    for method, value in _outputs(back, data).items():
        np.testing.assert_array_equal(value, expected[method], err_msg=method)
        assert np.asarray(value).dtype == np.asarray(expected[method]).dtype
    path = shrinkage.save(est, tmp_path / "m.json")
    loaded = shrinkage.load(path)
    assert type(loaded) is type(est)
    for method, value in _outputs(loaded, data).items():
        np.testing.assert_array_equal(value, expected[method], err_msg=method)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_fitted_attribute_is_saved_or_listed_as_not_saved(case):
    """A fitted attribute added later must be saved (CLASSES) or named in NOT_SAVED."""
    est = _fitted(case)
    back = type(est).from_dict(est.to_dict())
    public = {k for k in vars(est) if k.endswith("_") and not k.startswith("__")}
    missing = {k for k in public if not hasattr(back, k)} - set(NOT_SAVED)
    assert not missing, f"{type(est).__name__} does not save {sorted(missing)}"
    for k in public - set(NOT_SAVED):
        a, b = getattr(est, k), getattr(back, k)
        if isinstance(a, list):  # groups_
            assert all(np.array_equal(x, z) for x, z in zip(a, b, strict=True))
        elif isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
            assert a.dtype == b.dtype and a.shape == b.shape
        elif k != "preprocessing_":
            assert a == b or (a != a and b != b), k  # NaN is not NaN


def _public_classes() -> dict:
    out = {}
    for name in shrinkage.__all__:
        try:
            out[name] = getattr(shrinkage, name)
        except ImportError:  # a module being moved; its estimators are checked where they are
            continue
    return out


def test_every_public_estimator_is_registered_and_tested():
    public = {
        name
        for name, obj in _public_classes().items()
        if isinstance(obj, type) and issubclass(obj, BaseEstimator)
    }
    assert public <= set(CLASSES)
    tested = {type(CASES[c][0]()).__name__ for c in CASES}
    assert public <= tested, sorted(public - tested)


def test_unfitted_estimators_and_pipelines_round_trip(tmp_path):
    est = S.LassoCV(cv=4, alphas=[1.0, 0.1], gammas=(0.0, 1.0))
    back = S.LassoCV.from_dict(est.to_dict())
    _same_params(est, back)
    assert not hasattr(back, "coef_") and back.gammas == (0.0, 1.0)
    pipe = make_pipeline(
        S.Preprocessor().set_output(transform="pandas"), S.LogisticRegression(C=0.5)
    ).fit(TABLE, THREE)
    loaded = shrinkage.load(shrinkage.save(pipe, tmp_path / "p.json"))
    np.testing.assert_array_equal(loaded.predict_proba(TABLE), pipe.predict_proba(TABLE))
    np.testing.assert_array_equal(loaded.predict(TABLE), pipe.predict(TABLE))


def test_float32_and_text_labels_keep_their_dtypes():
    est = S.Lasso(0.01).fit(X.to_numpy(np.float32), Y.to_numpy(np.float32))
    back = S.Lasso.from_dict(json.loads(json.dumps(est.to_dict())))
    assert back.coef_.dtype == np.float32 and type(back.intercept_) is np.float32
    np.testing.assert_array_equal(
        back.predict(X.to_numpy(np.float32)), est.predict(X.to_numpy(np.float32))
    )
    clf = S.LogisticRegression().fit(X, LABELS.astype(object))
    back = S.LogisticRegression.from_dict(json.loads(json.dumps(clf.to_dict())))
    assert back.classes_.dtype == object and list(back.predict(X[:3])) == list(clf.predict(X[:3]))


def test_what_cannot_be_saved_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match=r"LassoCV's parameter cv=KFold\(.*cannot be saved"):
        S.LassoCV(cv=KFold(3)).to_dict()

    class Mine(S.Lasso):
        pass

    with pytest.raises(TypeError, match=r"Mine cannot be saved: only shrinkage's estimators"):
        Mine().to_dict()


@pytest.fixture(scope="module")
def lasso_doc():
    return json.loads(json.dumps(S.Lasso(0.05).fit(X, Y).to_dict()))


def _change(path, value):
    """A change to the document at ``path`` (keys), or a deletion with value ``...``."""

    def apply(d):
        d = copy.deepcopy(d)
        node = d
        for key in path[:-1]:
            node = node[key]
        if value is ...:
            del node[path[-1]]
        else:
            node[path[-1]] = value
        return d

    return apply


ARRAY = ("estimator", "fitted", "coef_", "ndarray")
HOSTILE = {  # name: (change, the message)
    "other format": (_change(("format",), "sklearn"), r"not a shrinkage model"),
    "newer version": (_change(("format_version",), 3), r"format version 3, newer than this"),
    "version text": (_change(("format_version",), "2"), r"format_version must be a positive"),
    "class not registered": (
        _change(("estimator", "class"), "os.system"),
        r"the model: estimator must be a Lasso|holds a 'os.system', not a "
        r"Lasso",
    ),
    "unknown parameter": (
        _change(("estimator", "params", "exec"), "x"),
        r"Lasso.params has 'exec', not a parameter of Lasso",
    ),
    "negative alpha": (
        _change(("estimator", "params", "alpha"), -1),
        r"Lasso.params: alpha must be a finite number >= 0; got -1",
    ),
    "max_iter text": (
        _change(("estimator", "params", "max_iter"), "many"),
        r"max_iter must be a positive integer",
    ),
    "unknown fitted": (
        _change(("estimator", "fitted", "__class__"), 1),
        r"Lasso.fitted has '__class__', which this class does not save",
    ),
    "missing coef": (_change(("estimator", "fitted", "coef_"), ...), r"Lasso.fitted lacks 'coef_'"),
    "shape mismatch": (
        _change((*ARRAY, "shape"), [5]),
        r"coef_ \(an array\): data must be a list of 5 values for shape \(5,\); "
        r"got 4 values",
    ),
    "coef for 3 features": (
        _change((*ARRAY,), {"dtype": "float64", "shape": [3], "data": [1.0, 2.0, 3.0]}),
        r"coef_ must be a float array with one column per feature \(4\)",
    ),
    "unknown dtype": (_change((*ARRAY, "dtype"), "complex128"), r"dtype must be one of float64"),
    "text in floats": (
        _change((*ARRAY, "data"), ["1", 2.0, 3.0, 4.0]),
        r"a float array holds numbers",
    ),
    "non-finite coef": (
        _change((*ARRAY, "data"), ["nan", 2.0, 3.0, 4.0]),
        r"coef_ and intercept_ must be finite",
    ),
    "untagged object": (
        _change(("estimator", "fitted", "coef_"), {"ndarray": {}, "x": 1}),
        r"an object with one of the tags",
    ),
    "unknown tag": (
        _change(("estimator", "fitted", "coef_"), {"pickle": "gASV"}),
        r"has the tag 'pickle'",
    ),
    "no estimator": (_change(("estimator",), ...), r"lacks 'estimator'"),
    "missing alpha": (
        _change(("estimator", "params", "alpha"), ...),
        r"Lasso.params lacks 'alpha': a fitted model's file lists every parameter",
    ),
    "huge coef": (
        _change((*ARRAY, "data"), [1e300, 2.0, 3.0, 4.0]),
        r"coef_ and intercept_ must be at most 1e\+150 in magnitude",
    ),
}


def test_an_unfitted_model_may_list_some_parameters(lasso_doc):
    doc = {**lasso_doc, "estimator": {"class": "Lasso", "params": {"alpha": 0.3}}}
    model = S.Lasso.from_dict(doc)
    assert model.alpha == 0.3 and model.max_iter == S.Lasso().max_iter


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_documents_refused_in_one_line(lasso_doc, case, tmp_path):
    change, message = HOSTILE[case]
    doc = change(lasso_doc)
    with pytest.raises(ValueError, match=message) as info:
        S.Lasso.from_dict(doc)
    assert "\n" not in str(info.value)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError) as info:
        shrinkage.load(path)
    assert str(info.value).startswith("bad.json") and "\n" not in str(info.value)


def test_classes_must_match_the_coefficient_rows():
    doc = json.loads(json.dumps(S.LogisticRegression().fit(X, THREE).to_dict()))
    doc["estimator"]["fitted"]["classes_"]["ndarray"].update(shape=[2], data=["a", "b"])
    with pytest.raises(
        ValueError,
        match=r"coef_ must have 1 row for 2 classes; got an array "
        r"of shape \(3, 4\)",
    ):
        S.LogisticRegression.from_dict(doc)
    with pytest.raises(ValueError, match=r"holds a 'LogisticRegression', not a Lasso"):
        S.Lasso.from_dict(doc)


def test_a_pipeline_step_outside_the_registry_is_refused(tmp_path):
    pipe = make_pipeline(S.Preprocessor(), S.Lasso(0.1)).fit(TABLE, Y)
    doc = json.loads(json.dumps(shrinkage.io.model_files.document(pipe)))
    doc["estimator"]["steps"][1][1]["class"] = "sklearn.linear_model.Lasso"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(
        ValueError,
        match=r"p.json: Pipeline.steps\[1\] class must name one of "
        r"shrinkage's estimators",
    ):
        shrinkage.load(path)


def test_a_formula_model_travels_through_the_registry(tmp_path):
    pytest.importorskip("formulaic")
    frame = TABLE.assign(y=Y)
    fm = shrinkage.from_formula("y ~ a + b:c + C(color)", frame, model=S.LassoCV(cv=3))
    doc = json.loads(json.dumps(shrinkage.io.model_files.document(fm)))
    assert doc["estimator"]["class"] == "FormulaModel" and "FormulaModel" in CLASSES
    assert doc["estimator"]["model"]["class"] == "LassoCV"
    back = shrinkage.load(shrinkage.save(fm, tmp_path / "f.json"))
    np.testing.assert_array_equal(back.predict(frame), fm.predict(frame))
    from sklearn.linear_model import Lasso

    foreign = shrinkage.from_formula("y ~ a", frame, model=Lasso())
    with pytest.raises(TypeError, match="Lasso cannot be saved: only shrinkage's estimators"):
        shrinkage.save(foreign, tmp_path / "g.json")


def test_the_new_models_keep_their_shapes_and_datafit_parameters(tmp_path):
    """The (n_tasks, n_features) coefficients, Tweedie's power and MCP's gamma come back as
    they were fitted (a loaded Tweedie model refits the same model)."""
    for case in ("MultiTaskLasso", "MultiTaskElasticNetCV"):
        back = shrinkage.load(shrinkage.save(_fitted(case), tmp_path / f"{case}.json"))
        assert back.coef_.shape == (2, 4) and back.intercept_.shape == (2,)
        assert back.predict(X).shape == (N, 2)
    tweedie = type(_fitted("TweedieRegressor")).from_dict(_fitted("TweedieRegressor").to_dict())
    assert tweedie.power == 1.3 and tweedie.certificate_ == "duality_gap"
    mcp = S.MCPRegressor.from_dict(_fitted("MCPRegressor").to_dict())
    assert mcp.gamma == 2.5 and mcp.certificate_ == "kkt"
    refit = S.TweedieRegressor.from_dict(_fitted("TweedieRegressor").to_dict()).fit(X, LOSSES)
    np.testing.assert_array_equal(refit.coef_, _fitted("TweedieRegressor").coef_)


def _doc(case):
    return json.loads(json.dumps(_fitted(case).to_dict()))


def _array(shape, value=0.5):
    data = [value] * int(np.prod(shape))
    return {"ndarray": {"dtype": "float64", "shape": list(shape), "data": data}}


FIT, PARAMS = ("estimator", "fitted"), ("estimator", "params")
NEW_HOSTILE = {  # name: (case, change, the message)
    "MCP 2-d coef": (
        "MCPRegressor",
        _change((*FIT, "coef_"), _array((1, 4))),
        r"MCPRegressor.fitted.coef_ must be one coefficient per feature \(4,\); "
        r"got an array of shape \(1, 4\)",
    ),
    "MCP gamma 1": (
        "MCPRegressor",
        _change((*PARAMS, "gamma"), 1.0),
        r"MCPRegressor.params: gamma must be > 1 for MCP",
    ),
    "SCAD gamma 2": (
        "SCADRegressor",
        _change((*PARAMS, "gamma"), 2),
        r"SCADRegressor.params: gamma must be > 2 for SCAD",
    ),
    "SCAD gamma text": (
        "SCADRegressor",
        _change((*PARAMS, "gamma"), "3.7"),
        r"SCADRegressor.params: gamma must be",
    ),
    "SCAD nan coef": (
        "SCADRegressor",
        _change((*FIT, "coef_"), _array((4,), "nan")),
        r"SCADRegressor.fitted: coef_ and intercept_ must be finite",
    ),
    "Gamma inf coef": (
        "GammaRegressor",
        _change((*FIT, "coef_"), _array((4,), "-inf")),
        r"GammaRegressor.fitted: coef_ and intercept_ must be finite",
    ),
    "Gamma 3 features": (
        "GammaRegressor",
        _change((*FIT, "coef_"), _array((3,))),
        r"GammaRegressor.fitted.coef_ must be a float array with one column "
        r"per feature \(4\)",
    ),
    "Tweedie power 0.5": (
        "TweedieRegressor",
        _change((*PARAMS, "power"), 0.5),
        r"TweedieRegressor.params: power must not lie in \(0, 1\)",
    ),
    "Tweedie power nan": (
        "TweedieRegressor",
        _change((*PARAMS, "power"), {"float": "nan"}),
        r"TweedieRegressor.params: power must be a finite number",
    ),
    "Tweedie power missing": (
        "TweedieRegressor",
        _change((*PARAMS, "power"), ...),
        r"TweedieRegressor.params lacks 'power'",
    ),
    "Tweedie link": (
        "TweedieRegressor",
        _change((*PARAMS, "link"), "identity"),
        r"TweedieRegressor.params: link must be one of",
    ),
    "multi-task 1-d coef": (
        "MultiTaskLasso",
        _change((*FIT, "coef_"), _array((4,))),
        r"MultiTaskLasso.fitted.coef_ must have one row per task "
        r"\(n_tasks, 4\); got an array of shape \(4,\)",
    ),
    "multi-task intercepts": (
        "MultiTaskElasticNet",
        _change((*FIT, "intercept_"), _array((3,))),
        r"MultiTaskElasticNet.fitted.intercept_ must be 2 numbers, one "
        r"per row of coef_; got an array of shape \(3,\)",
    ),
    "multi-task scalar intercept": (
        "MultiTaskLasso",
        _change((*FIT, "intercept_"), 0.5),
        r"MultiTaskLasso.fitted.intercept_ must be 2 numbers",
    ),
    "multi-task 2-d intercepts": (
        "MultiTaskLassoCV",
        _change((*FIT, "intercept_"), _array((1, 2))),
        r"MultiTaskLassoCV.fitted.intercept_ must be 2 numbers",
    ),
    "multi-task nan coef": (
        "MultiTaskElasticNetCV",
        _change((*FIT, "coef_"), _array((2, 4), "nan")),
        r"MultiTaskElasticNetCV.fitted: coef_ and intercept_ must be finite",
    ),
    "multi-task 5 features": (
        "MultiTaskLasso",
        _change((*FIT, "coef_"), _array((2, 5))),
        r"MultiTaskLasso.fitted.coef_ must be a float array with one "
        r"column per feature \(4\)",
    ),
    "CV eps": (
        "MultiTaskLassoCV",
        _change((*PARAMS, "eps"), 2.0),
        r"MultiTaskLassoCV.params: eps must be a number in \(0, 1\)",
    ),
    "CV alphas": (
        "MultiTaskLassoCV",
        _change((*PARAMS, "alphas"), 0),
        r"MultiTaskLassoCV.params: alphas must be a positive integer",
    ),
    "CV l1_ratio 0": (
        "MultiTaskElasticNetCV",
        _change((*PARAMS, "l1_ratio"), [0.0, 1.0]),
        r"MultiTaskElasticNetCV.params: l1_ratio must be in \(0, 1\]",
    ),
}


@pytest.mark.parametrize("name", sorted(NEW_HOSTILE))
def test_hostile_files_of_the_new_models_refused_in_one_line(name, tmp_path):
    case, change, message = NEW_HOSTILE[name]
    doc = change(_doc(case))
    with pytest.raises(ValueError, match=message) as info:
        type(_fitted(case)).from_dict(doc)
    assert "\n" not in str(info.value)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=message) as info:
        shrinkage.load(path)
    assert str(info.value).startswith("bad.json") and "\n" not in str(info.value)
