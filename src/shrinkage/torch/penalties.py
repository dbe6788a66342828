"""Penalties on network parameters: values (differentiable, for the loss) and proximal maps.

The conventions are the core's (``shrinkage.penalties.l1_l2``):

- ``l1``: alpha ||w||_1
- ``l2``: alpha/2 ||w||_2^2  (its gradient is alpha w, so it equals SGD's ``weight_decay=alpha``;
  a loss term ``lam * ||w||^2`` is ``l2`` with alpha = 2 lam)
- ``elastic_net``: alpha (l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||_2^2)
- ``group_l1``: alpha sum_g ||w_g||_2 over rows (Linear output units, Conv output channels),
  columns (input features / input channels) or attention heads.

Each penalty is a small immutable object: ``penalty(params)`` is its value (a scalar tensor that
autograd differentiates), ``penalty.prox_(p, step)`` replaces ``p`` in place by
argmin_x ||x - p||^2 / (2 step) + penalty(x), the map ``Proximal`` applies after each optimizer
step.  ``step`` is a float or a tensor shaped like ``p`` (one step per coordinate, as Adam
takes: the prox in that diagonal metric, coordinate by coordinate; ``GroupL1`` uses each group's
mean step).  The soft-threshold is the core's (``_kernels.prox_coordinate``: w - l1 if w > l1,
w + l1 if w < -l1, else exactly 0), written on tensors as ``w - clamp(w, -t, t)``; the tests
check the two agree number for number.  Build a new penalty per lambda; never change ``alpha``
in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from .. import _validation as v
from .groups import Params, as_parameter_list

GROUPINGS = ("rows", "columns", "heads")


@dataclass(frozen=True)
class L1:
    """alpha ||w||_1; prox: soft-threshold at step * alpha.

    Parameters
    ----------
    alpha : float
        The penalty strength (>= 0).

    Examples
    --------
    >>> import torch
    >>> from shrinkage.torch import L1
    >>> w = torch.tensor([3.0, -0.5, 1.0])
    >>> float(L1(0.5)(w))
    2.25
    >>> L1(0.5).prox_(w, 1.0).tolist()
    [2.5, 0.0, 0.5]
    """

    alpha: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "alpha", v.check_alpha(self.alpha))

    def __call__(self, params: Params) -> torch.Tensor:
        return self.alpha * _sum(as_parameter_list(params), lambda p: p.abs().sum())

    @torch.no_grad()
    def prox_(self, p: torch.Tensor, step: float | torch.Tensor) -> torch.Tensor:
        return soft_threshold_(p, step * self.alpha)


@dataclass(frozen=True)
class L2:
    """alpha/2 ||w||_2^2; prox: w / (1 + step * alpha).

    Parameters
    ----------
    alpha : float
        The penalty strength (>= 0).

    Examples
    --------
    >>> import torch
    >>> from shrinkage.torch import L2
    >>> w = torch.tensor([3.0, -0.5, 1.0])
    >>> float(L2(0.5)(w))
    2.5625
    >>> L2(1.0).prox_(w, 1.0).tolist()
    [1.5, -0.25, 0.5]
    """

    alpha: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "alpha", v.check_alpha(self.alpha))

    def __call__(self, params: Params) -> torch.Tensor:
        return 0.5 * self.alpha * _sum(as_parameter_list(params), lambda p: p.pow(2).sum())

    @torch.no_grad()
    def prox_(self, p: torch.Tensor, step: float | torch.Tensor) -> torch.Tensor:
        return p.div_(1.0 + step * self.alpha)


@dataclass(frozen=True)
class ElasticNet:
    """alpha (l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||^2); prox: soft-threshold, then shrink.

    Parameters
    ----------
    alpha : float
        The penalty strength (>= 0).
    l1_ratio : float, default=0.5
        The mix between L1 (1.0) and L2 (0.0), in [0, 1].

    Examples
    --------
    >>> import torch
    >>> from shrinkage.torch import ElasticNet
    >>> w = torch.tensor([3.0, -0.5, 1.0])
    >>> float(ElasticNet(1.0, l1_ratio=0.5)(w))
    4.8125
    >>> ElasticNet(2.0, l1_ratio=0.5).prox_(w, 1.0).tolist()
    [1.0, 0.0, 0.0]
    """

    alpha: float
    l1_ratio: float = 0.5

    def __post_init__(self) -> None:
        object.__setattr__(self, "alpha", v.check_alpha(self.alpha))
        object.__setattr__(self, "l1_ratio", v.check_l1_ratio(self.l1_ratio))

    def __call__(self, params: Params) -> torch.Tensor:
        r = self.l1_ratio
        return self.alpha * _sum(
            as_parameter_list(params), lambda p: r * p.abs().sum() + 0.5 * (1 - r) * p.pow(2).sum()
        )

    @torch.no_grad()
    def prox_(self, p: torch.Tensor, step: float | torch.Tensor) -> torch.Tensor:
        soft_threshold_(p, step * self.alpha * self.l1_ratio)
        return p.div_(1.0 + step * self.alpha * (1.0 - self.l1_ratio))


@dataclass(frozen=True)
class GroupL1:
    """alpha sum_g ||w_g||_2 (group lasso, unweighted); prox: scale each group by
    max(0, 1 - step * alpha / ||w_g||), which sets whole groups exactly to zero.

    Parameters
    ----------
    alpha : float
        The penalty strength (>= 0).
    groups : {"rows", "columns", "heads"}, default="rows"
        ``"rows"``: slices along dim 0 (a Linear's output units, a Conv's output channels);
        ``"columns"``: slices along dim 1 (input features, input channels); ``"heads"``:
        ``n_heads`` equal blocks along ``dim``.  A 1-D tensor under ``"rows"`` is one group per
        entry (plain L1).
    n_heads : int, default=None
        The number of attention heads; required by ``groups="heads"`` and only there.
    packed : int, default=1
        ``groups="heads"`` only: the number of projections stacked along ``dim``; ``packed=3``
        for ``nn.MultiheadAttention.in_proj_weight``, whose dim 0 stacks q, k and v: head h then
        groups its rows in all three.
    dim : int, default=0
        ``groups="heads"`` only: the dimension split into heads (``dim=1`` for
        ``out_proj.weight``).

    Examples
    --------
    >>> import torch
    >>> from shrinkage.torch import GroupL1
    >>> W = torch.tensor([[3.0, 4.0], [0.3, 0.4]])
    >>> float(GroupL1(2.5)(W))
    13.75
    >>> GroupL1(2.5).prox_(W, 1.0).tolist()  # the small row is zeroed as a whole
    [[1.5, 2.0], [0.0, 0.0]]
    """

    alpha: float
    groups: str = "rows"
    n_heads: int | None = None
    packed: int = 1
    dim: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "alpha", v.check_alpha(self.alpha))
        v.check_choice(self.groups, "groups", GROUPINGS)
        v.check_positive_int(self.packed, "packed")
        if self.groups == "heads":
            if self.n_heads is None:
                raise ValueError("groups='heads' needs n_heads (the number of attention heads).")
            v.check_positive_int(self.n_heads, "n_heads")
        elif self.n_heads is not None or self.packed != 1 or self.dim != 0:
            raise ValueError(
                f"n_heads, packed and dim apply to groups='heads' only; got "
                f"groups={self.groups!r} with n_heads={self.n_heads!r}, "
                f"packed={self.packed!r}, dim={self.dim!r}."
            )

    def __call__(self, params: Params) -> torch.Tensor:
        return self.alpha * _sum(as_parameter_list(params), lambda p: self.group_norms(p).sum())

    def group_norms(self, p: torch.Tensor) -> torch.Tensor:
        """One Euclidean norm per group (1-D tensor)."""
        return self._to_groups(p).norm(dim=1)

    @torch.no_grad()
    def prox_(self, p: torch.Tensor, step: float | torch.Tensor) -> torch.Tensor:
        if isinstance(step, torch.Tensor):  # one step per coordinate: the group's mean
            threshold = self._to_groups(step).mean(dim=1, keepdim=True) * self.alpha
        elif step * self.alpha <= 0:
            return p
        else:
            threshold = torch.full((1, 1), step * self.alpha, dtype=p.dtype, device=p.device)
        g = self._to_groups(p)
        norms = g.norm(dim=1, keepdim=True)
        keep = norms > threshold
        scale = torch.where(keep, 1.0 - threshold / torch.where(keep, norms, 1.0), 0.0)
        return p.copy_(self._from_groups(g * scale, p))

    # the layout: (n_groups, group_size) and back
    def _layout(self, p: torch.Tensor) -> tuple[int, int, int]:
        """(dim, packed, n_groups) for this tensor."""
        if self.groups == "rows":
            return 0, 1, p.shape[0] if p.ndim else 1
        if self.groups == "columns":
            if p.ndim < 2:
                raise ValueError(
                    f"groups='columns' needs tensors with 2 or more dimensions; got "
                    f"shape {tuple(p.shape)}."
                )
            return 1, 1, p.shape[1]
        assert self.n_heads is not None  # groups="heads": __post_init__ requires n_heads
        dim = self.dim % p.ndim if p.ndim else 0
        size = p.shape[dim] if p.ndim else 1
        if size % (self.packed * self.n_heads):
            raise ValueError(
                f"groups='heads': dimension {self.dim} of a tensor of shape "
                f"{tuple(p.shape)} is not divisible by packed * n_heads = "
                f"{self.packed} * {self.n_heads}."
            )
        return dim, self.packed, self.n_heads

    def _to_groups(self, p: torch.Tensor) -> torch.Tensor:
        dim, packed, n = self._layout(p)
        moved = p.reshape(1) if p.ndim == 0 else p.movedim(dim, 0)
        blocks = moved.reshape(packed, n, -1)  # block (k, g): group g's share of projection k
        return blocks.transpose(0, 1).reshape(n, -1)

    def _from_groups(self, g: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
        dim, packed, n = self._layout(p)
        if p.ndim == 0:
            return g.reshape(p.shape)
        moved_shape = p.movedim(dim, 0).shape
        blocks = g.reshape(n, packed, -1).transpose(0, 1)
        return blocks.reshape(moved_shape).movedim(0, dim)


def soft_threshold_(p: torch.Tensor, threshold: float | torch.Tensor) -> torch.Tensor:
    """In place: p - clamp(p, -t, t), i.e. sign(p) max(|p| - t, 0) with exact zeros.

    ``threshold``: a float, or a non-negative tensor shaped like ``p`` (one per coordinate)."""
    if isinstance(threshold, torch.Tensor):
        return p.sub_(torch.minimum(torch.maximum(p, -threshold), threshold))
    if threshold > 0:
        p.sub_(p.clamp(-threshold, threshold))
    return p


def l1(params: Params, alpha: float) -> torch.Tensor:
    """alpha ||w||_1 summed over ``params``.

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        The parameters to penalize.
    alpha : float
        The penalty strength (>= 0).

    Returns
    -------
    Tensor
        The penalty, a scalar tensor that autograd differentiates.

    Examples
    --------
    >>> import torch
    >>> from shrinkage.torch import l1
    >>> float(l1([torch.tensor([3.0, -0.5]), torch.tensor([1.0])], alpha=0.5))
    2.25
    """
    return L1(alpha)(params)


def l2(params: Params, alpha: float) -> torch.Tensor:
    """alpha/2 ||w||_2^2 summed over ``params``: gradient alpha w (= ``weight_decay=alpha``).

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        The parameters to penalize.
    alpha : float
        The penalty strength (>= 0).

    Returns
    -------
    Tensor
        The penalty, a scalar tensor that autograd differentiates.

    Examples
    --------
    >>> import torch
    >>> from shrinkage.torch import l2
    >>> w = torch.tensor([3.0, -0.5, 1.0], requires_grad=True)
    >>> l2(w, alpha=0.5).backward()
    >>> w.grad.tolist()  # alpha * w
    [1.5, -0.25, 0.5]
    """
    return L2(alpha)(params)


def elastic_net(params: Params, alpha: float, l1_ratio: float = 0.5) -> torch.Tensor:
    """alpha (l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||_2^2) summed over ``params``.

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        The parameters to penalize.
    alpha : float
        The penalty strength (>= 0).
    l1_ratio : float, default=0.5
        The mix between L1 (1.0) and L2 (0.0), in [0, 1].

    Returns
    -------
    Tensor
        The penalty, a scalar tensor that autograd differentiates.

    Examples
    --------
    >>> import torch
    >>> from shrinkage.torch import elastic_net
    >>> float(elastic_net(torch.tensor([3.0, -0.5, 1.0]), alpha=1.0, l1_ratio=0.5))
    4.8125
    """
    return ElasticNet(alpha, l1_ratio)(params)


def group_l1(
    params: Params,
    alpha: float,
    groups: str = "rows",
    *,
    n_heads: int | None = None,
    packed: int = 1,
    dim: int = 0,
) -> torch.Tensor:
    """alpha sum_g ||w_g||_2 with each tensor of ``params`` split into groups (see ``GroupL1``).

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        The parameters to penalize.
    alpha : float
        The penalty strength (>= 0).
    groups : {"rows", "columns", "heads"}, default="rows"
        How each tensor is split into groups, as in ``GroupL1``.
    n_heads : int, default=None
        The number of attention heads (``groups="heads"`` only).
    packed : int, default=1
        The number of projections stacked along ``dim`` (``groups="heads"`` only).
    dim : int, default=0
        The dimension split into heads (``groups="heads"`` only).

    Returns
    -------
    Tensor
        The penalty, a scalar tensor that autograd differentiates.

    Examples
    --------
    >>> import torch
    >>> from shrinkage.torch import group_l1
    >>> W = torch.tensor([[3.0, 0.0], [4.0, 0.0]])
    >>> float(group_l1(W, alpha=1.0)), float(group_l1(W, alpha=1.0, groups="columns"))
    (7.0, 5.0)
    """
    return GroupL1(alpha, groups, n_heads, packed, dim)(params)


def _sum(params: list[torch.Tensor], term: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    total = term(params[0])
    for p in params[1:]:
        total = total + term(p)
    return total
