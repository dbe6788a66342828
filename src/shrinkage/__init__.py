"""shrinkage: L1, L2 and Elastic-Net regularized models, fast, certified and explained."""

from .estimators import ElasticNet, Lasso, Ridge
from .estimators.relaxed import RelaxedLasso
from .path import Path, path

__all__ = ["ElasticNet", "Lasso", "Path", "Ridge", "path"]
__all__ += ["RelaxedLasso"]  # model selection
__version__ = "0.1.0"
