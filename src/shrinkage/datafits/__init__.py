"""Datafits: the loss part of the objective."""

from .quadratic import Quadratic, SufficientStatistics, WeightedDesign, sufficient_statistics

__all__ = ["Quadratic", "SufficientStatistics", "WeightedDesign", "sufficient_statistics"]
