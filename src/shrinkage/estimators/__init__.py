"""scikit-learn estimators."""

from .cv import ElasticNetCV, LassoCV, RidgeCV
from .ic import ElasticNetIC, LassoIC
from .linear import ElasticNet, Lasso, Ridge
from .multitask import MultiTaskElasticNet, MultiTaskLasso
from .multitask_cv import MultiTaskElasticNetCV, MultiTaskLassoCV
from .nonconvex import MCPRegressor, SCADRegressor

__all__ = [
    "ElasticNet",
    "ElasticNetCV",
    "ElasticNetIC",
    "Lasso",
    "LassoCV",
    "LassoIC",
    "MCPRegressor",
    "MultiTaskElasticNet",
    "MultiTaskElasticNetCV",
    "MultiTaskLasso",
    "MultiTaskLassoCV",
    "Ridge",
    "RidgeCV",
    "SCADRegressor",
]
