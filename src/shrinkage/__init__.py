"""shrinkage: L1, L2 and Elastic-Net regularized models, fast, certified and explained."""

from .compare import Comparison, compare
from .diagnostics import Collinearity, collinearity
from .estimators import (
    ElasticNet,
    ElasticNetCV,
    ElasticNetIC,
    Lasso,
    LassoCV,
    LassoIC,
    Ridge,
    RidgeCV,
)
from .estimators.adaptive import AdaptiveLasso, AdaptiveLassoCV
from .estimators.relaxed import RelaxedLasso
from .path import Path, path
from .selection import CVResult, ICResult, cross_validate_path, information_criterion
from .selection.stability import StabilityResult, stability_selection

__all__ = ["ElasticNet", "Lasso", "Path", "Ridge", "path"]
__all__ += ["AdaptiveLasso", "AdaptiveLassoCV", "RelaxedLasso", "StabilityResult",
            "stability_selection"]  # model selection
__all__ += ["CVResult", "ElasticNetCV", "ElasticNetIC", "ICResult", "LassoCV", "LassoIC",  # CV, IC
            "RidgeCV", "cross_validate_path", "information_criterion"]
__all__ += ["Collinearity", "Comparison", "collinearity", "compare"]  # L1 vs L2 comparison
__version__ = "0.1.0"
