"""Model selection: cross-validation, information criteria, relaxed / adaptive lasso, stability."""

from .cv import CVResult, cross_validate_path, select_alphas

__all__ = ["CVResult", "cross_validate_path", "select_alphas"]
