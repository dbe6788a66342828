"""Proximal steps around any torch optimizer: exact zeros from L1, Elastic Net and group L1.

``Proximal(optimizer, penalty)`` runs ``optimizer.step()`` and then replaces each penalized
parameter ``w`` by ``penalty.prox_(w, step)``, the step being the one the optimizer just took:

- SGD (and any optimizer but Adam/AdamW): the group's current learning rate.  With plain SGD this
  is the proximal gradient method (ISTA): a linear model with squared loss reaches the lasso
  solution, zeros included.
- Adam / AdamW (``step="auto"``): the per-coordinate step lr / (sqrt(v_hat) + eps) read from the
  optimizer's state (diagonal-metric proximal step).  A fixed point then satisfies the penalized
  problem's optimality conditions.  With the plain learning rate instead (``step="lr"``) Adam's
  normalized updates (about lr per step) swamp a threshold of lr * alpha unless alpha > 1, where
  everything is zeroed.  Group penalties use the group's mean step.

Momentum is not corrected for: zeros are exact either way, but SGD's heavy-ball momentum beta
carries the gradient (a steady step of lr g / (1 - beta)) and not the threshold lr * alpha, so a
fixed point solves the problem with the penalty times (1 - beta): the lasso at (1 - beta) alpha.

``weight_decay`` adds decoupled decay after the step: ``w *= 1 - lr * weight_decay`` (as AdamW),
or with ``independent_decay=True``, ``w *= 1 - weight_decay`` (independent of the learning rate
and of its schedule).

Wrappers stack: ``Proximal(Proximal(opt, L1(a), params=A), GroupL1(b), params=B)``.  Learning-rate
schedulers take the wrapped optimizer (``prox.optimizer``); the current ``lr`` is read at each step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import torch

from .. import _validation as v
from .groups import Params, as_parameter_list


class _Penalty(Protocol):
    """What ``Proximal`` needs of a penalty (L1, L2, ElasticNet, GroupL1)."""

    def __call__(self, params: Params) -> torch.Tensor: ...

    def prox_(self, p: torch.Tensor, step: float | torch.Tensor) -> torch.Tensor: ...


STEPS = ("auto", "lr", "adam")
ADAM_TYPES = (torch.optim.Adam, torch.optim.AdamW)


class Proximal:
    """An optimizer followed by a proximal map (and optional decoupled weight decay).

    Parameters
    ----------
    optimizer : torch.optim.Optimizer or Proximal
        The optimizer whose step comes first.
    penalty : L1, L2, ElasticNet, GroupL1 or None, default=None
        Anything with ``prox_(p, step)`` and a value ``penalty(params)``; None for decay only.
    params : iterable of Tensor, default=None
        The tensors to penalize; they must be parameters of ``optimizer``.  None: every
        parameter of every group except groups marked ``"penalize": False`` (as
        ``param_groups`` marks biases, norm layers and embeddings).
    step : {"auto", "lr", "adam"}, default="auto"
        ``"lr"``: the group's learning rate; ``"adam"``: Adam's per-coordinate step (needs an
        Adam or AdamW optimizer); ``"auto"``: ``"adam"`` for Adam/AdamW, else ``"lr"``.
    weight_decay : float, default=0.0
        Decoupled decay after each step: ``w *= 1 - lr * weight_decay``.
    independent_decay : bool, default=False
        Decay independent of the learning rate instead: ``w *= 1 - weight_decay``.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from shrinkage.torch import L1, Proximal
    >>> _ = torch.manual_seed(0)
    >>> layer = nn.Linear(3, 1)
    >>> X = torch.randn(20, 3)
    >>> y = X[:, :1]
    >>> sgd = torch.optim.SGD(layer.parameters(), lr=0.1)
    >>> optimizer = Proximal(sgd, L1(10.0), params=[layer.weight])
    >>> for _ in range(5):
    ...     optimizer.zero_grad()
    ...     nn.functional.mse_loss(layer(X), y).backward()
    ...     _ = optimizer.step()
    >>> int((layer.weight == 0).sum())  # a strong L1 zeroes every weight exactly
    3
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer | Proximal,
        penalty: _Penalty | None = None,
        *,
        params: Params | None = None,
        step: str = "auto",
        weight_decay: float = 0.0,
        independent_decay: bool = False,
    ) -> None:
        if not hasattr(optimizer, "step") or not hasattr(optimizer, "param_groups"):
            raise TypeError(
                f"optimizer must be a torch.optim optimizer (or a Proximal); got "
                f"{type(optimizer).__name__}."
            )
        if penalty is not None and not callable(getattr(penalty, "prox_", None)):
            raise TypeError(
                f"penalty must have a prox_(param, step) method (L1, L2, ElasticNet, "
                f"GroupL1); got {type(penalty).__name__}."
            )
        self.weight_decay = v.check_alpha(weight_decay, "weight_decay")
        if penalty is None and self.weight_decay == 0:
            raise ValueError("Proximal needs a penalty or weight_decay > 0; got neither.")
        if not isinstance(independent_decay, bool):
            raise TypeError(f"independent_decay must be True or False; got {independent_decay!r}.")
        if independent_decay and self.weight_decay >= 1:
            raise ValueError(
                f"with independent_decay=True, weight_decay multiplies the weights "
                f"by (1 - weight_decay) each step, so it must be < 1; "
                f"got {weight_decay!r}."
            )
        v.check_choice(step, "step", STEPS)
        base = _innermost(optimizer)
        if step == "adam" and not isinstance(base, ADAM_TYPES):
            raise ValueError(
                f"step='adam' reads Adam's state; the optimizer is "
                f"{type(base).__name__}. Use step='lr'."
            )
        self.optimizer = optimizer
        self.penalty = penalty
        self.step_rule = (
            "adam" if step == "adam" or (step == "auto" and isinstance(base, ADAM_TYPES)) else "lr"
        )
        self.independent_decay = independent_decay
        self.params = self._check_params(params)

    def _check_params(self, params: Params | None) -> list[torch.Tensor]:
        owned = {id(p) for g in self.optimizer.param_groups for p in g["params"]}
        if params is None:
            chosen = [
                p
                for g in self.optimizer.param_groups
                if g.get("penalize", True)
                for p in g["params"]
            ]
            if not chosen:
                raise ValueError(
                    "params=None penalizes the groups not marked 'penalize': False, "
                    "and every group of this optimizer is marked so."
                )
            return chosen
        chosen = as_parameter_list(params)
        missing = [tuple(p.shape) for p in chosen if id(p) not in owned]
        if missing:
            raise ValueError(
                f"params: {len(missing)} of the {len(chosen)} tensors to penalize are not "
                f"parameters of the optimizer (shapes {missing[:5]}); the optimizer never updates "
                "them, so a proximal step on them would be meaningless. Give the optimizer the "
                "same tensors (or optimizer.add_param_group(...)) and pass those."
            )
        return chosen

    # the optimizer interface, forwarded
    @property
    def param_groups(self) -> list[dict[str, Any]]:
        return self.optimizer.param_groups

    @property
    def state(self) -> dict[torch.Tensor, Any]:
        return self.optimizer.state

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.optimizer.zero_grad(set_to_none=set_to_none)

    def state_dict(self) -> dict[str, Any]:
        return self.optimizer.state_dict()

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.optimizer.load_state_dict(state_dict)

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """The optimizer's step, then decay and the proximal map on the penalized parameters."""
        loss = self.optimizer.step(closure) if closure is not None else self.optimizer.step()
        self.apply_()
        return loss

    @torch.no_grad()
    def apply_(self) -> None:
        """Decay and proximal map alone, with each parameter's group's current learning rate.

        Parameters without a gradient are skipped, as the optimizer skips them."""
        penalized = {id(p) for p in self.params}
        for group in self.optimizer.param_groups:
            lr = float(group["lr"])
            for p in group["params"]:
                if id(p) not in penalized or p.grad is None:
                    continue
                if self.weight_decay:
                    factor = 1.0 - (1.0 if self.independent_decay else lr) * self.weight_decay
                    if factor < 0:
                        raise ValueError(
                            f"lr * weight_decay = {1 - factor:g} > 1 would flip the "
                            "weights' signs; lower one of them."
                        )
                    p.mul_(factor)
                if self.penalty is not None:
                    self.penalty.prox_(p, self._step(p, group, lr))

    def _step(self, p: torch.Tensor, group: dict[str, Any], lr: float) -> float | torch.Tensor:
        """The step the optimizer just took for p: a float, or a tensor shaped like p (Adam)."""
        state = self.optimizer.state.get(p, {})
        if self.step_rule == "lr" or "exp_avg_sq" not in state:
            return lr
        t = float(state["step"])
        v_sq = state["max_exp_avg_sq"] if group.get("amsgrad") else state["exp_avg_sq"]
        denom = (v_sq / (1.0 - group["betas"][1] ** t)).sqrt_().add_(group["eps"])
        return lr / denom

    def penalty_value(self) -> torch.Tensor:
        """The penalty on the penalized parameters (0 without a penalty), for logging."""
        if self.penalty is None:
            return torch.zeros(())
        with torch.no_grad():
            return self.penalty(self.params)

    def __repr__(self) -> str:
        return (
            f"Proximal({type(self.optimizer).__name__}, {self.penalty!r}, "
            f"n_params={len(self.params)}, step={self.step_rule!r}, "
            f"weight_decay={self.weight_decay}, independent_decay={self.independent_decay})"
        )


def _innermost(optimizer: torch.optim.Optimizer | Proximal) -> torch.optim.Optimizer:
    while isinstance(optimizer, Proximal):
        optimizer = optimizer.optimizer
    return optimizer
