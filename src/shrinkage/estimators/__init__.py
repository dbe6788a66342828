"""scikit-learn estimators."""

from .cv import ElasticNetCV, LassoCV, RidgeCV
from .ic import ElasticNetIC, LassoIC
from .linear import ElasticNet, Lasso, Ridge

__all__ = ["ElasticNet", "ElasticNetCV", "ElasticNetIC", "Lasso", "LassoCV", "LassoIC", "Ridge",
           "RidgeCV"]
