"""scikit-learn estimators."""

from .cv import ElasticNetCV, LassoCV, RidgeCV
from .ic import ElasticNetIC, LassoIC
from .linear import ElasticNet, Lasso, Ridge
from .multitask import MultiTaskElasticNet, MultiTaskLasso

__all__ = ["ElasticNet", "ElasticNetCV", "ElasticNetIC", "Lasso", "LassoCV", "LassoIC",
           "MultiTaskElasticNet", "MultiTaskLasso", "Ridge", "RidgeCV"]
