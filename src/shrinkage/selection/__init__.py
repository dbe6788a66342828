"""Model selection: cross-validation, information criteria, relaxed / adaptive lasso, stability."""

from .criteria import ICResult, information_criterion
from .cv import CVResult, cross_validate_path, select_alphas

__all__ = ["CVResult", "ICResult", "cross_validate_path", "information_criterion", "select_alphas"]
