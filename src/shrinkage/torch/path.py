"""The lasso path's analogue for a network: train along a decreasing lambda grid, warm-started.

``RegularizationPath(model, lambdas).fit(X, y, X_val, y_val)`` trains a copy of ``model`` at the
largest lambda, then continues from that solution at the next one, and so on (as ``shrinkage.path``
warm-starts coordinate descent), recording at each lambda the training loss, the validation loss
and accuracy, and the sparsity of the penalized parameters.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from numpy.typing import ArrayLike
from torch import nn

from .. import _validation as v
from .groups import decayed_parameters
from .penalties import L1, ElasticNet, GroupL1
from .proximal import Proximal, _Penalty

if TYPE_CHECKING:
    import pandas as pd

PENALTIES = ("l1", "elastic_net", "group_rows", "group_columns")
LOSSES = ("cross_entropy", "mse")


@dataclass(frozen=True)
class PathPoint:
    """One lambda of a ``RegularizationPath``: losses, accuracy and sparsity after training.

    Attributes
    ----------
    lam : float
        The penalty strength.
    train_loss : float
        The training data term, without the penalty.
    penalty : float
        The penalty's value.
    val_loss : float
        The validation loss (the training data when no validation set is given).
    val_accuracy : float
        The validation accuracy; NaN for ``loss="mse"``.
    zero_fraction : float
        The fraction of exact zeros among the penalized parameters.
    n_nonzero : int
        The number of nonzero penalized parameters.
    zero_rows : int
        The all-zero rows (units / output channels) of the penalized weights.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from shrinkage.torch import RegularizationPath
    >>> _ = torch.manual_seed(0)
    >>> X = torch.randn(40, 5)
    >>> y = (X[:, 0] > 0).long()
    >>> point = RegularizationPath(nn.Linear(5, 2), [1.0], epochs=2).fit(X, y).points_[0]
    >>> point.lam, point.n_nonzero + round(point.zero_fraction * 10)  # 10 weights in all
    (1.0, 10)
    """

    lam: float
    train_loss: float  # the data term, without the penalty
    penalty: float
    val_loss: float
    val_accuracy: float  # NaN for mse
    zero_fraction: float  # exact zeros among the penalized parameters
    n_nonzero: int
    zero_rows: int  # all-zero rows (units / output channels) of the penalized weights


class RegularizationPath:
    """Train ``model`` (a copy) with a proximal penalty along ``lambdas``, largest first.

    Parameters are stored unchanged; everything is checked in ``fit``.

    Parameters
    ----------
    model : torch.nn.Module
        The network; ``fit`` trains a deep copy.
    lambdas : array-like of float
        The penalty strengths (sorted decreasing before use).
    penalty : {"l1", "elastic_net", "group_rows", "group_columns"} or callable, default="l1"
        ``"elastic_net"`` uses ``l1_ratio``; ``"group_rows"`` / ``"group_columns"``: group L1
        over rows / columns of each penalized weight; or a callable ``lam -> penalty object``.
    l1_ratio : float, default=0.5
        The L1 share of ``penalty="elastic_net"``.
    optimizer : callable, default=None
        ``params -> torch.optim.Optimizer``; None is SGD(lr=0.1, momentum=0.9).  One optimizer
        lives along the whole path (its state is warm-started too).
    epochs : int, default=20
        Passes over the data per lambda.
    batch_size : int, default=None
        Rows per step; None is full batch.
    loss : {"cross_entropy", "mse"}, default="cross_entropy"
        The data term.
    params : callable, default=None
        ``model -> tensors`` choosing what to penalize; None is ``decayed_parameters`` (weights,
        not biases, norm layers or embeddings).
    keep_states : bool, default=False
        Keep each lambda's ``state_dict`` in ``states_``.
    random_state : int, default=0
        Seeds the shuffling of the mini-batches (None is 0).

    Attributes
    ----------
    model_ : torch.nn.Module
        The trained copy, at the last (smallest) lambda.
    lambdas_ : ndarray of shape (n_lambdas,)
        The lambdas, largest first.
    points_ : list of PathPoint
        One record per lambda.
    states_ : list of dict
        Each lambda's ``state_dict`` (empty unless ``keep_states``).

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from shrinkage.torch import RegularizationPath
    >>> _ = torch.manual_seed(0)
    >>> X = torch.randn(40, 5)
    >>> y = (X[:, 0] > 0).long()
    >>> path = RegularizationPath(nn.Linear(5, 2), [0.01, 1.0], epochs=2).fit(X, y)
    >>> path.lambdas_.tolist(), len(path.points_)
    ([1.0, 0.01], 2)
    >>> path.frame().shape
    (2, 8)
    """

    def __init__(
        self,
        model: nn.Module,
        lambdas: ArrayLike,
        *,
        penalty: str | Callable[[float], _Penalty] = "l1",
        l1_ratio: float = 0.5,
        optimizer: Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer] | None = None,
        epochs: int = 20,
        batch_size: int | None = None,
        loss: str = "cross_entropy",
        params: Callable[[nn.Module], Iterable[torch.Tensor]] | None = None,
        keep_states: bool = False,
        random_state: int | None = 0,
    ) -> None:
        self.model = model
        self.lambdas = lambdas
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.optimizer = optimizer
        self.epochs = epochs
        self.batch_size = batch_size
        self.loss = loss
        self.params = params
        self.keep_states = keep_states
        self.random_state = random_state

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        X_val: ArrayLike | None = None,
        y_val: ArrayLike | None = None,
    ) -> RegularizationPath:
        if not isinstance(self.model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module; got {type(self.model).__name__}.")
        lambdas = np.sort(v.check_nonnegatives(self.lambdas, "lambdas"))[::-1]
        make_penalty = self._penalty_factory()
        epochs = v.check_positive_int(self.epochs, "epochs")
        v.check_choice(self.loss, "loss", LOSSES)
        dtype = next(self.model.parameters()).dtype
        X, y = _tensors(X, y, self.loss, dtype, "X", "y")
        if X_val is None and y_val is None:
            val = X, y
        elif X_val is None or y_val is None:
            raise ValueError("give both X_val and y_val, or neither.")
        else:
            val = _tensors(X_val, y_val, self.loss, dtype, "X_val", "y_val")
        batch = (
            X.shape[0]
            if self.batch_size is None
            else v.check_positive_int(self.batch_size, "batch_size")
        )
        loss_fn = nn.CrossEntropyLoss() if self.loss == "cross_entropy" else nn.MSELoss()
        generator = torch.Generator().manual_seed(
            0 if self.random_state is None else int(self.random_state)
        )

        model = copy.deepcopy(self.model)
        penalized = list((self.params or decayed_parameters)(model))
        optimizer = (self.optimizer or _default_optimizer)(model.parameters())
        points, states = [], []
        for lam in lambdas:
            prox = Proximal(optimizer, make_penalty(float(lam)), params=penalized)
            for _ in range(epochs):
                model.train()
                order = torch.randperm(X.shape[0], generator=generator)
                for start in range(0, X.shape[0], batch):
                    idx = order[start : start + batch]
                    prox.zero_grad()
                    loss_fn(model(X[idx]), y[idx]).backward()
                    prox.step()
            points.append(self._point(float(lam), model, prox, penalized, loss_fn, (X, y), val))
            if self.keep_states:
                states.append(copy.deepcopy(model.state_dict()))
        self.model_ = model
        self.lambdas_ = lambdas
        self.points_ = points
        self.states_ = states
        return self

    def frame(self) -> pd.DataFrame:
        """The recorded points as a pandas DataFrame, one row per lambda."""
        import pandas as pd

        return pd.DataFrame([asdict(p) for p in self.points_])

    def _penalty_factory(self) -> Callable[[float], _Penalty]:
        if callable(self.penalty):
            return self.penalty
        v.check_choice(self.penalty, "penalty", PENALTIES)
        if self.penalty == "l1":
            return L1
        if self.penalty == "elastic_net":
            r = v.check_l1_ratio(self.l1_ratio)
            return lambda lam: ElasticNet(lam, r)
        groups = "rows" if self.penalty == "group_rows" else "columns"
        return lambda lam: GroupL1(lam, groups)

    @torch.no_grad()
    def _point(
        self,
        lam: float,
        model: nn.Module,
        prox: Proximal,
        penalized: list[torch.Tensor],
        loss_fn: nn.Module,
        train: tuple[torch.Tensor, torch.Tensor],
        val: tuple[torch.Tensor, torch.Tensor],
    ) -> PathPoint:
        model.eval()
        train_loss = float(loss_fn(model(train[0]), train[1]))
        out = model(val[0])
        accuracy = (
            float((out.argmax(dim=1) == val[1]).double().mean())
            if self.loss == "cross_entropy"
            else float("nan")
        )
        flat = torch.cat([p.detach().reshape(-1) for p in penalized])
        n_zero = int((flat == 0).sum())
        zero_rows = sum(
            int((p.reshape(p.shape[0], -1) == 0).all(dim=1).sum()) for p in penalized if p.ndim >= 2
        )
        return PathPoint(
            lam,
            train_loss,
            float(prox.penalty_value()),
            float(loss_fn(out, val[1])),
            accuracy,
            n_zero / flat.numel(),
            flat.numel() - n_zero,
            zero_rows,
        )


def _default_optimizer(params: Iterable[nn.Parameter]) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=0.1, momentum=0.9)


def _tensors(
    X: ArrayLike, y: ArrayLike, loss: str, dtype: torch.dtype, x_name: str, y_name: str
) -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.as_tensor(X).to(dtype)
    y = torch.as_tensor(y)
    y = y.long() if loss == "cross_entropy" else y.to(X.dtype)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"{x_name} has {X.shape[0]} rows but {y_name} has {y.shape[0]} entries.")
    return X, y
