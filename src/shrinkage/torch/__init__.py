"""shrinkage.torch: the core's penalties for neural-network training (optional extra ``torch``).

- ``param_groups(model, weight_decay)``: decay weights, not biases, norm layers or embeddings.
- ``l1``, ``l2``, ``elastic_net``, ``group_l1``: penalty values to add to a loss (core conventions:
  l2 is alpha/2 ||w||^2); ``L1``, ``L2``, ``ElasticNet``, ``GroupL1``: the same as objects that
  also know their proximal map.
- ``Proximal(optimizer, penalty)``: proximal step after any optimizer's step, giving exact zeros;
  optional decoupled weight decay, scaled by the learning rate or independent of it.
- ``sparsity_report``, ``report_frame``, ``prune_zeros``, ``remove_dead_units``: measure and prune.
- ``RegularizationPath``: warm-started training along a decreasing lambda grid.

Install with ``pip install "shrinkage[torch]"``.  Guide: docs/neural-networks.md.
"""

try:
    import torch  # noqa: F401  (the real PyTorch: absolute import)
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "shrinkage.torch needs PyTorch: pip install 'shrinkage[torch]' (or torch itself)."
    ) from exc

from .groups import decayed_parameters, param_groups, split_parameters
from .path import PathPoint, RegularizationPath
from .penalties import L1, L2, ElasticNet, GroupL1, elastic_net, group_l1, l1, l2
from .proximal import Proximal
from .sparsity import (
    LayerSparsity,
    PruneResult,
    prune_zeros,
    remove_dead_units,
    report_frame,
    sparsity_report,
)

__all__ = [
    "L1",
    "L2",
    "ElasticNet",
    "GroupL1",
    "LayerSparsity",
    "PathPoint",
    "Proximal",
    "PruneResult",
    "RegularizationPath",
    "decayed_parameters",
    "elastic_net",
    "group_l1",
    "l1",
    "l2",
    "param_groups",
    "prune_zeros",
    "remove_dead_units",
    "report_frame",
    "sparsity_report",
    "split_parameters",
]
