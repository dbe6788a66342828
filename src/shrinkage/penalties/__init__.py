"""Penalties: the regularization part of the objective."""

from .l1_l2 import L1, L2, ElasticNetPenalty, PenaltyWeights

__all__ = ["L1", "L2", "ElasticNetPenalty", "PenaltyWeights"]
