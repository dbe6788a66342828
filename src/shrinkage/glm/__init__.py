"""Generalized linear models: the problem, the warm-started path (proximal Newton inside)."""

from .path import solve_glm_path
from .problem import GLMDesign, GLMProblem

__all__ = ["GLMDesign", "GLMProblem", "solve_glm_path"]
