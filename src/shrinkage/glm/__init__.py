"""Generalized linear models: the warm-started path (proximal Newton inside) on a
``shrinkage._problem.Problem``."""

from .path import solve_glm_path

__all__ = ["solve_glm_path"]
