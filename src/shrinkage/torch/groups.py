"""Parameter groups for weight decay: decay the weights, not biases, norm layers or embeddings.

``param_groups(model, weight_decay)`` returns the two groups any ``torch.optim`` optimizer accepts.
Exclusion is decided by the *module that owns* a parameter (its type), not by guessing from names:
a parameter called ``bias`` is excluded only because it is its module's ``bias`` attribute.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias

import torch
from torch import nn

from .. import _validation as v

#: what the functions taking ``params`` accept: a tensor or an iterable of tensors
Params: TypeAlias = "torch.Tensor | Iterable[torch.Tensor]"
#: ``exclude``: categories ("bias", "norm", "embedding") and/or nn.Module subclasses, or one
Exclude: TypeAlias = "str | type[nn.Module] | Iterable[str | type[nn.Module]]"

NORM_TYPES: tuple[type[nn.Module], ...] = tuple(
    t
    for t in (
        nn.modules.batchnorm._BatchNorm,  # BatchNorm1d/2d/3d, SyncBatchNorm, lazy variants
        nn.modules.instancenorm._InstanceNorm,
        nn.LayerNorm,
        nn.GroupNorm,
        nn.LocalResponseNorm,
        getattr(nn, "RMSNorm", None),  # torch >= 2.4
    )
    if t is not None
)
EMBEDDING_TYPES: tuple[type[nn.Module], ...] = (nn.Embedding, nn.EmbeddingBag)
CATEGORIES = ("bias", "norm", "embedding")
DEFAULT_EXCLUDE = CATEGORIES


def split_parameters(
    model: nn.Module, exclude: Exclude = DEFAULT_EXCLUDE
) -> tuple[list[tuple[str, nn.Parameter]], list[tuple[str, nn.Parameter]]]:
    """(decayed, excluded) lists of ``(name, parameter)``, each trainable parameter once.

    A parameter shared by several modules (tied weights) is excluded when any owner excludes it.

    Parameters
    ----------
    model : torch.nn.Module
        The network whose trainable parameters are split.
    exclude : iterable of str or type, default=("bias", "norm", "embedding")
        Categories (``"bias"``: a module's ``bias`` attribute; ``"norm"``: every parameter of a
        BatchNorm/InstanceNorm/LayerNorm/GroupNorm/RMSNorm; ``"embedding"``: every parameter of
        an Embedding/EmbeddingBag) and/or ``nn.Module`` subclasses (all their direct
        parameters).

    Returns
    -------
    decayed : list of (str, Parameter)
        The parameters to decay, with their names.
    excluded : list of (str, Parameter)
        The others.

    Examples
    --------
    >>> from torch import nn
    >>> from shrinkage.torch import split_parameters
    >>> model = nn.Sequential(nn.Linear(3, 4), nn.LayerNorm(4), nn.Linear(4, 1))
    >>> decayed, excluded = split_parameters(model)
    >>> [name for name, _ in decayed]
    ['0.weight', '2.weight']
    >>> [name for name, _ in excluded]
    ['0.bias', '1.weight', '1.bias', '2.bias']
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    categories, types = _check_exclude(exclude)
    owners: dict[int, tuple[str, nn.Parameter]] = {}
    excluded: set[int] = set()
    for module_name, module in model.named_modules():
        for name, param in module.named_parameters(recurse=False):
            if not param.requires_grad:
                continue
            full = f"{module_name}.{name}" if module_name else name
            owners.setdefault(id(param), (full, param))
            if _excluded(module, name, categories, types):
                excluded.add(id(param))
    decay = [pair for key, pair in owners.items() if key not in excluded]
    rest = [pair for key, pair in owners.items() if key in excluded]
    return decay, rest


def param_groups(
    model: nn.Module, weight_decay: float, *, exclude: Exclude = DEFAULT_EXCLUDE
) -> list[dict[str, Any]]:
    """Two optimizer groups: the weights with ``weight_decay``, the excluded ones with 0.

    Each group also carries ``"penalize"`` (True / False), which ``Proximal`` reads when it is not
    told which parameters to penalize.  Empty groups are left out.  Use as
    ``torch.optim.AdamW(param_groups(model, 1e-2), lr=1e-3)``.

    Parameters
    ----------
    model : torch.nn.Module
        The network whose trainable parameters are split.
    weight_decay : float
        The decay of the first group (>= 0).
    exclude : iterable of str or type, default=("bias", "norm", "embedding")
        Categories and/or ``nn.Module`` subclasses whose parameters are not decayed, as in
        ``split_parameters``.

    Returns
    -------
    list of dict
        The optimizer's parameter groups (keys ``"params"``, ``"weight_decay"``,
        ``"penalize"``).

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from shrinkage.torch import param_groups
    >>> model = nn.Sequential(nn.Linear(3, 4), nn.LayerNorm(4), nn.Linear(4, 1))
    >>> groups = param_groups(model, 1e-2)
    >>> [(len(g["params"]), g["weight_decay"], g["penalize"]) for g in groups]
    [(2, 0.01, True), (4, 0.0, False)]
    >>> optimizer = torch.optim.AdamW(groups, lr=1e-3)
    """
    weight_decay = v.check_alpha(weight_decay, "weight_decay")
    decay, rest = split_parameters(model, exclude)
    groups = [
        {"params": [p for _, p in decay], "weight_decay": weight_decay, "penalize": True},
        {"params": [p for _, p in rest], "weight_decay": 0.0, "penalize": False},
    ]
    return [g for g in groups if g["params"]]


def decayed_parameters(model: nn.Module, exclude: Exclude = DEFAULT_EXCLUDE) -> list[nn.Parameter]:
    """The parameters ``param_groups`` decays: what a penalty in the loss should usually see.

    Parameters
    ----------
    model : torch.nn.Module
        The network whose trainable parameters are split.
    exclude : iterable of str or type, default=("bias", "norm", "embedding")
        Categories and/or ``nn.Module`` subclasses whose parameters are not decayed, as in
        ``split_parameters``.

    Returns
    -------
    list of Parameter
        The decayed parameters, each once.

    Examples
    --------
    >>> from torch import nn
    >>> from shrinkage.torch import decayed_parameters, l1
    >>> model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    >>> [tuple(p.shape) for p in decayed_parameters(model)]
    [(4, 3), (1, 4)]
    >>> penalty = l1(decayed_parameters(model), alpha=1e-3)  # add it to the loss
    """
    return [p for _, p in split_parameters(model, exclude)[0]]


def _check_exclude(exclude: Exclude) -> tuple[set[str], tuple[type[nn.Module], ...]]:
    if isinstance(exclude, str) or (isinstance(exclude, type) and issubclass(exclude, nn.Module)):
        exclude = (exclude,)
    categories, types = set(), []
    for item in exclude:
        if isinstance(item, str):
            categories.add(v.check_choice(item, "exclude", CATEGORIES))
        elif isinstance(item, type) and issubclass(item, nn.Module):
            types.append(item)
        else:
            raise TypeError(
                f"exclude must hold {CATEGORIES} and/or torch.nn.Module subclasses; got {item!r}."
            )
    return categories, tuple(types)


def _excluded(
    module: nn.Module, name: str, categories: set[str], types: tuple[type[nn.Module], ...]
) -> bool:
    if types and isinstance(module, types):
        return True
    if "norm" in categories and isinstance(module, NORM_TYPES):
        return True
    if "embedding" in categories and isinstance(module, EMBEDDING_TYPES):
        return True
    return "bias" in categories and name == "bias" and getattr(module, "bias", None) is not None


def as_parameter_list(params: Params, name: str = "params") -> list[torch.Tensor]:
    """A tensor, or an iterable of tensors, as a list; a Module is refused (it includes biases)."""
    if isinstance(params, nn.Module):
        raise TypeError(
            f"{name} must be a tensor or an iterable of tensors, not a Module (whose parameters "
            "include biases and norm layers); pass shrinkage.torch.decayed_parameters(model) or "
            "model.parameters()."
        )
    if isinstance(params, torch.Tensor):
        return [params]
    out = list(params)
    for p in out:
        if not isinstance(p, torch.Tensor):
            raise TypeError(f"{name} must hold tensors; got {type(p).__name__}.")
    if not out:
        raise ValueError(f"{name} is empty; give at least one tensor.")
    return out
