"""shrinkage: L1, L2 and Elastic-Net regularized models, fast, certified and explained."""

from .path import Path, path

__all__ = ["Path", "path"]
__version__ = "0.1.0"
