"""ONNX export of the linear, GLM and classifier estimators (the optional extra ``onnx``).

``to_onnx(model, X_sample)`` returns an ONNX model that onnxruntime runs without shrinkage:

- linear regressors (Lasso, ElasticNet, Ridge, their CV / IC / adaptive / relaxed variants,
  Huber, quantile, MCP, SCAD, GroupLasso with the quadratic, Huber or quantile datafit):
  X W' + b;
- the multi-task models (MultiTaskLasso, MultiTaskElasticNet and their CV variants): X W' + b
  of shape (n_samples, n_tasks), as Ridge with several targets;
- log-link regressors (PoissonRegressor(CV), GammaRegressor, TweedieRegressor,
  GroupLasso(datafit="poisson")): exp(X w + b), the mean that ``predict`` returns;
- classifiers (LogisticRegression(CV), GroupLassoClassifier with the logistic or multinomial
  datafit): the label and the class probabilities, the sigmoid for two classes, the softmax
  for the multinomial, normalized sigmoids for one-vs-rest; LinearSVC and
  GroupLassoClassifier(datafit="squared_hinge"), which have no probability model: the label
  and the decision scores (-d, d for two classes).

The converters are registered with skl2onnx, so the same models also convert inside a
scikit-learn ``Pipeline`` with ``skl2onnx.to_onnx``.  The graph computes in the sample's float
type (float32 by default, as skl2onnx does): expect predictions within float32 rounding.

Examples
--------
>>> onx = to_onnx(Lasso(alpha=0.1).fit(X, y), X[:1])                        # doctest: +SKIP
>>> import onnxruntime                                                      # doctest: +SKIP
>>> sess = onnxruntime.InferenceSession(onx.SerializeToString())          # doctest: +SKIP
>>> sess.run(None, {"X": X.astype("float32")})[0]                         # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

if TYPE_CHECKING:
    from onnx import ModelProto
    from skl2onnx.algebra.onnx_operator import OnnxOperator
    from skl2onnx.common._container import ModelComponentContainer
    from skl2onnx.common._topology import Operator, Scope
    from sklearn.base import BaseEstimator

# estimator class name -> its kind: "linear", "exp" (log link), "classifier" or "svm" (the
# group models' kind follows their datafit: _kind)
_KINDS = {
    "Lasso": "linear",
    "ElasticNet": "linear",
    "Ridge": "linear",
    "LassoCV": "linear",
    "ElasticNetCV": "linear",
    "RidgeCV": "linear",
    "LassoIC": "linear",
    "ElasticNetIC": "linear",
    "AdaptiveLasso": "linear",
    "AdaptiveLassoCV": "linear",
    "RelaxedLasso": "linear",
    "HuberRegressor": "linear",
    "QuantileRegressor": "linear",
    "GroupLasso": "linear",
    "MCPRegressor": "linear",
    "SCADRegressor": "linear",
    "MultiTaskLasso": "linear",
    "MultiTaskElasticNet": "linear",
    "MultiTaskLassoCV": "linear",
    "MultiTaskElasticNetCV": "linear",
    "PoissonRegressor": "exp",
    "PoissonRegressorCV": "exp",
    "GammaRegressor": "exp",
    "TweedieRegressor": "exp",
    "LogisticRegression": "classifier",
    "LogisticRegressionCV": "classifier",
    "LinearSVC": "svm",
    "GroupLassoClassifier": "classifier",
}
# GroupLasso / GroupLassoClassifier: datafit -> kind (a datafit instance predicts x.w + b)
_GROUP_KINDS = {
    "quadratic": "linear",
    "huber": "linear",
    "quantile": "linear",
    "poisson": "exp",
    "logistic": "classifier",
    "multinomial": "classifier",
    "squared_hinge": "svm",
}
_registered = False


def to_onnx(
    model: BaseEstimator,
    X_sample: ArrayLike,
    *,
    target_opset: int | None = None,
    name: str = "shrinkage",
) -> ModelProto:
    """The fitted ``model`` as an ONNX ModelProto, input "X" typed like ``X_sample``.

    Input float32 (the default for other types) or float64; classifiers output "label" and
    "probabilities" (a tensor, no ZipMap).

    Parameters
    ----------
    model : estimator
        A fitted shrinkage estimator.
    X_sample : array-like of shape (n_samples, n_features)
        Rows like the model's input: its dtype types the input (float64 stays float64).
    target_opset : int, default=None
        The ONNX opset; None is skl2onnx's latest.
    name : str, default="shrinkage"
        The graph's name.

    Returns
    -------
    onnx.ModelProto
        The model.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime
    >>> from shrinkage import LogisticRegression
    >>> from shrinkage.onnx import to_onnx
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> model = LogisticRegression(alpha=0.01).fit(X, [0, 0, 1, 1])
    >>> onx = to_onnx(model, X[:1])
    >>> session = onnxruntime.InferenceSession(onx.SerializeToString(),
    ...                                        providers=["CPUExecutionProvider"])
    >>> label, probabilities = session.run(None, {"X": X})  # float64 in, as X_sample
    >>> bool(np.array_equal(label, model.predict(X)))
    True
    """
    skl2onnx = _import_extra("skl2onnx")
    register()
    if type(model).__name__ not in _KINDS or not type(model).__module__.startswith("shrinkage."):
        raise TypeError(
            f"to_onnx converts shrinkage's estimators ({', '.join(sorted(_KINDS))});"
            f" got {type(model).__name__}."
        )
    kind = _kind(model)
    if not hasattr(model, "coef_"):
        raise ValueError(f"{type(model).__name__} is not fitted: call fit before to_onnx.")
    X_sample = np.asarray(X_sample)
    if X_sample.ndim != 2 or X_sample.shape[1] != model.coef_.shape[-1]:
        raise ValueError(
            f"X_sample must be 2-D with {model.coef_.shape[-1]} columns, as the "
            f"model; got shape {X_sample.shape}."
        )
    dtype = np.float64 if X_sample.dtype == np.float64 else np.float32
    options = {id(model): {"zipmap": False}} if kind in ("classifier", "svm") else None
    return skl2onnx.to_onnx(
        model, X_sample[:1].astype(dtype), target_opset=target_opset, options=options, name=name
    )


def register() -> None:
    """Register the converters of every estimator in ``_KINDS`` with skl2onnx (once).

    ``to_onnx`` calls it; call it yourself to convert a scikit-learn ``Pipeline`` that ends in
    a shrinkage estimator with ``skl2onnx.to_onnx``.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime
    >>> import skl2onnx
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from shrinkage import Lasso
    >>> from shrinkage.onnx import register
    >>> register()
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]], dtype=np.float32)
    >>> pipe = make_pipeline(StandardScaler(), Lasso(alpha=0.01)).fit(X, [0.0, 1.0, 2.0, 3.0])
    >>> onx = skl2onnx.to_onnx(pipe, X[:1])
    >>> session = onnxruntime.InferenceSession(onx.SerializeToString(),
    ...                                        providers=["CPUExecutionProvider"])
    >>> predictions = session.run(None, {"X": X})[0].ravel()
    >>> bool(np.allclose(predictions, pipe.predict(X), atol=1e-5))
    True
    """
    global _registered
    if _registered:
        return
    skl2onnx = _import_extra("skl2onnx")
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )

    import shrinkage

    for class_name, kind in _KINDS.items():
        classifier = kind in ("classifier", "svm")
        skl2onnx.update_registered_converter(
            getattr(shrinkage, class_name),
            f"Shrinkage{class_name}",
            calculate_linear_classifier_output_shapes
            if classifier
            else calculate_linear_regressor_output_shapes,
            _convert_classifier if classifier else _convert_regressor,
            options={"zipmap": [True, False, "columns"], "nocl": [True, False]}
            if classifier
            else None,
        )
    _registered = True


def _kind(model: BaseEstimator) -> str:
    """ "linear", "exp", "classifier" or "svm": how ``model`` turns x.w + b into outputs."""
    name = type(model).__name__
    if not name.startswith("GroupLasso"):
        return _KINDS[name]
    datafit = model.datafit
    if not isinstance(datafit, str):  # a datafit instance (Quantile, Huber): x.w + b
        return "linear"
    if datafit not in _GROUP_KINDS:
        raise ValueError(
            f"to_onnx converts {name} with datafit one of {sorted(_GROUP_KINDS)}; "
            f"got datafit={datafit!r}."
        )
    return _GROUP_KINDS[datafit]


def _import_extra(module: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"ONNX export needs the optional extra: pip install 'shrinkage[onnx]' ({error})."
        ) from error


def _weights(model: BaseEstimator, dtype: DTypeLike) -> tuple[np.ndarray, np.ndarray]:
    """(W as p x T, b as 1 x T) of the linear predictor, in ``dtype``."""
    coef = np.asarray(model.coef_, dtype=np.float64)
    W = coef.reshape(1, -1).T if coef.ndim == 1 else coef.T
    b = np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64)).reshape(1, -1)
    return W.astype(dtype), b.astype(dtype)


def _linear_predictor(
    operator: Operator, container: ModelComponentContainer, dtype: DTypeLike
) -> OnnxOperator:
    from skl2onnx.algebra.onnx_ops import OnnxAdd, OnnxMatMul

    W, b = _weights(operator.raw_operator, dtype)
    opv = container.target_opset
    return OnnxAdd(OnnxMatMul(operator.inputs[0], W, op_version=opv), b, op_version=opv)


def _convert_regressor(
    scope: Scope, operator: Operator, container: ModelComponentContainer
) -> None:
    from skl2onnx.algebra.onnx_ops import OnnxExp, OnnxIdentity
    from skl2onnx.common.data_types import guess_numpy_type

    dtype = guess_numpy_type(operator.inputs[0].type)
    eta = _linear_predictor(operator, container, dtype)
    link = OnnxExp if _kind(operator.raw_operator) == "exp" else OnnxIdentity
    link(eta, op_version=container.target_opset, output_names=operator.outputs[:1]).add_to(
        scope, container
    )


def _convert_classifier(
    scope: Scope, operator: Operator, container: ModelComponentContainer
) -> None:
    from skl2onnx.algebra.onnx_ops import (
        OnnxArgMax,
        OnnxArrayFeatureExtractor,
        OnnxConcat,
        OnnxDiv,
        OnnxIdentity,
        OnnxNeg,
        OnnxReduceSumApi11,
        OnnxReshape,
        OnnxSigmoid,
        OnnxSoftmax,
        OnnxSub,
    )
    from skl2onnx.common.data_types import guess_numpy_type

    model = operator.raw_operator
    opv = container.target_opset
    dtype = guess_numpy_type(operator.inputs[0].type)
    decision = _linear_predictor(operator, container, dtype)
    classes = np.asarray(model.classes_)
    svm = _kind(model) == "svm"
    if len(classes) == 2:  # one decision function: class 1 against class 0
        if svm:
            scores = OnnxConcat(OnnxNeg(decision, op_version=opv), decision, axis=1, op_version=opv)
        else:
            p1 = OnnxSigmoid(decision, op_version=opv)
            scores = OnnxConcat(
                OnnxSub(np.array([[1]], dtype=dtype), p1, op_version=opv),
                p1,
                axis=1,
                op_version=opv,
            )
    elif svm:
        scores = decision
    elif getattr(model, "_multinomial", False) or getattr(model, "datafit", "") == "multinomial":
        scores = OnnxSoftmax(decision, axis=1, op_version=opv)
    else:  # one-vs-rest: normalized sigmoids
        sig = OnnxSigmoid(decision, op_version=opv)
        scores = OnnxDiv(
            sig, OnnxReduceSumApi11(sig, axes=[1], keepdims=1, op_version=opv), op_version=opv
        )
    index = OnnxArgMax(scores, axis=1, keepdims=0, op_version=opv)
    labels = classes.astype(np.int64) if classes.dtype.kind in "iub" else classes.astype(str)
    OnnxReshape(
        OnnxArrayFeatureExtractor(labels, index, op_version=opv),
        np.array([-1], dtype=np.int64),
        op_version=opv,
        output_names=operator.outputs[:1],
    ).add_to(scope, container)
    OnnxIdentity(scores, op_version=opv, output_names=operator.outputs[1:2]).add_to(
        scope, container
    )
