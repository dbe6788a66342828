"""scikit-learn estimators."""

from .linear import ElasticNet, Lasso, Ridge

__all__ = ["ElasticNet", "Lasso", "Ridge"]
