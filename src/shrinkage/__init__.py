"""shrinkage: L1, L2 and Elastic-Net regularized models, fast, certified and explained.

Public names are imported on first use (PEP 562), so ``import shrinkage`` and the command line
start quickly; ``from shrinkage import Lasso`` works as usual.
"""

from __future__ import annotations

import importlib
import sys
import types

__version__ = "0.1.0"

_EXPORTS = {
    # core engine
    "ElasticNet": "estimators.linear",
    "Lasso": "estimators.linear",
    "Ridge": "estimators.linear",
    "Path": "path",
    "path": "path",
    "MCPRegressor": "estimators.nonconvex",
    "SCADRegressor": "estimators.nonconvex",
    # model selection
    "ElasticNetCV": "estimators.cv",
    "LassoCV": "estimators.cv",
    "RidgeCV": "estimators.cv",
    "ElasticNetIC": "estimators.ic",
    "LassoIC": "estimators.ic",
    "AdaptiveLasso": "estimators.adaptive",
    "AdaptiveLassoCV": "estimators.adaptive",
    "RelaxedLasso": "estimators.relaxed",
    "CVResult": "selection.cv",
    "cross_validate_path": "selection.cv",
    "ICResult": "selection.criteria",
    "information_criterion": "selection.criteria",
    "StabilityResult": "selection.stability",
    "stability_selection": "selection.stability",
    # GLMs and classification
    "LogisticRegression": "estimators.glm",
    "PoissonRegressor": "estimators.glm",
    "GammaRegressor": "estimators.glm",
    "TweedieRegressor": "estimators.glm",
    "HuberRegressor": "estimators.huber",
    "LinearSVC": "estimators.glm",
    "LogisticRegressionCV": "estimators.glm_cv",
    "PoissonRegressorCV": "estimators.glm_cv",
    "cross_validate_glm_path": "selection.glm_cv",
    "QuantileRegressor": "estimators.quantile",
    "quantile_path": "paths.quantile",
    "GroupLasso": "estimators.group",
    "GroupLassoClassifier": "estimators.group",
    "MultiTaskLasso": "estimators.multitask",
    "MultiTaskElasticNet": "estimators.multitask",
    "MultiTaskLassoCV": "estimators.multitask_cv",
    "MultiTaskElasticNetCV": "estimators.multitask_cv",
    "group_path": "group_path",
    # formulas (the optional extra "formula")
    "from_formula": "formula",
    "FormulaModel": "formula",
    # models that travel: safe JSON files, the CLI's preprocessing as a transformer
    "save": "io.model_files",
    "load": "io.model_files",
    "Preprocessor": "io.preprocessor",
    # the L1 vs L2 comparison
    "Comparison": "comparison",
    "compare": "comparison",
    "Collinearity": "comparison",
    "collinearity": "comparison",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'shrinkage' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """``path`` is both a function and a module: loading the module must not rebind the
    package attribute to it (the module stays in ``sys.modules``)."""

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and _EXPORTS.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
