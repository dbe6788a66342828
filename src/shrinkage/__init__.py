"""shrinkage: L1, L2 and Elastic-Net regularized models, fast, certified and explained."""

from .estimators import ElasticNet, Lasso, Ridge
from .estimators.adaptive import AdaptiveLasso, AdaptiveLassoCV
from .estimators.relaxed import RelaxedLasso
from .path import Path, path
from .selection import CVResult, cross_validate_path
from .selection.stability import StabilityResult, stability_selection

__all__ = ["ElasticNet", "Lasso", "Path", "Ridge", "path"]
__all__ += ["AdaptiveLasso", "AdaptiveLassoCV", "RelaxedLasso", "StabilityResult",
            "stability_selection"]  # model selection
__all__ += ["CVResult", "cross_validate_path"]  # cross-validation
__version__ = "0.1.0"
