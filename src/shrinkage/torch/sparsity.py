"""How sparse a network is, and pruning what is exactly zero.

``sparsity_report(model)``: one ``LayerSparsity`` per parameter tensor (exact zeros, zero rows
and columns, norms); ``report_frame`` turns it into a pandas DataFrame.  ``prune_zeros(model)``
hands the exact zeros to ``torch.nn.utils.prune`` (a mask that keeps them zero in further
training), and ``remove_dead_units(mlp)`` physically removes the hidden units of a
``nn.Sequential`` whose incoming weights are all zero, giving a smaller network that computes
the same function.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import torch
from torch import nn
from torch.nn.utils import prune

if TYPE_CHECKING:
    import pandas as pd

PRUNABLE = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)


@dataclass(frozen=True)
class LayerSparsity:
    """Sparsity of one parameter tensor.  Rows are slices along dim 0 (output units / channels),
    columns slices along dim 1 (input features / channels); 1-D tensors have no columns.

    Attributes
    ----------
    name : str
        The parameter's dotted name in the model.
    module : str
        The type name of the module that owns it.
    shape : tuple of int
        The tensor's shape.
    n_params : int
        Its number of entries.
    n_zero : int
        Its exact zeros.
    zero_fraction : float
        ``n_zero / n_params``.
    n_rows : int
        Its rows (slices along dim 0).
    zero_rows : int
        Its all-zero rows.
    n_columns : int
        Its columns (slices along dim 1; 0 for a 1-D tensor).
    zero_columns : int
        Its all-zero columns.
    l1_norm : float
        The sum of its absolute values.
    l2_norm : float
        Its Euclidean norm.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from shrinkage.torch import sparsity_report
    >>> layer = nn.Linear(3, 2)
    >>> with torch.no_grad():
    ...     _ = layer.weight.copy_(torch.tensor([[0.0, 0.0, 0.0], [1.0, 0.0, 2.0]]))
    >>> weight = sparsity_report(layer)[0]
    >>> weight.name, weight.n_zero, weight.zero_rows, weight.zero_columns, weight.l1_norm
    ('weight', 4, 1, 1, 3.0)
    """

    name: str
    module: str
    shape: tuple[int, ...]
    n_params: int
    n_zero: int
    zero_fraction: float
    n_rows: int
    zero_rows: int
    n_columns: int
    zero_columns: int
    l1_norm: float
    l2_norm: float


@dataclass(frozen=True)
class PruneResult:
    """What ``prune_zeros`` masked: parameters before, and those left (not masked).

    Attributes
    ----------
    parameters : int
        Every parameter entry of the model, before pruning.
    parameters_left : int
        Those not masked.
    masked : dict of str to int
        The entries masked per tensor (``"layer.weight" -> count``), tensors with none left out.
    fraction_left : float
        ``parameters_left / parameters`` (1.0 for a model without parameters).

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from shrinkage.torch import prune_zeros
    >>> layer = nn.Linear(3, 2)
    >>> with torch.no_grad():
    ...     _ = layer.weight.copy_(torch.tensor([[0.0, 0.0, 0.0], [1.0, 0.0, 2.0]]))
    >>> result = prune_zeros(layer)
    >>> result.parameters, result.parameters_left, result.fraction_left
    (8, 4, 0.5)
    """

    parameters: int
    parameters_left: int
    masked: dict[str, int]  # "layer.weight" -> entries masked

    @property
    def fraction_left(self) -> float:
        return self.parameters_left / self.parameters if self.parameters else 1.0


@torch.no_grad()
def sparsity_report(model: nn.Module, *, weights_only: bool = False) -> list[LayerSparsity]:
    """Per parameter tensor: exact zeros, all-zero rows / columns, L1 and L2 norms.

    Reads effective weights, so a module pruned by ``torch.nn.utils.prune`` reports its masked
    ``weight`` (under the name ``layer.weight``).

    Parameters
    ----------
    model : torch.nn.Module
        The network.
    weights_only : bool, default=False
        Keep only the tensors with 2 or more dimensions.

    Returns
    -------
    list of LayerSparsity
        One record per parameter tensor.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from shrinkage.torch import sparsity_report
    >>> model = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
    >>> with torch.no_grad():
    ...     _ = model[0].weight[1].zero_()
    >>> [(r.name, r.n_zero, r.zero_rows) for r in sparsity_report(model, weights_only=True)]
    [('0.weight', 3, 1), ('2.weight', 0, 0)]
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    out = []
    for module_name, module in model.named_modules():
        for name, tensor in _effective_tensors(module):
            if weights_only and tensor.ndim < 2:
                continue
            t = tensor.detach()
            zero = t == 0
            rows = zero.reshape(t.shape[0], -1).all(dim=1) if t.ndim else zero.reshape(1)
            cols = zero.movedim(1, 0).reshape(t.shape[1], -1).all(dim=1) if t.ndim >= 2 else None
            n = t.numel()
            out.append(
                LayerSparsity(
                    name=f"{module_name}.{name}" if module_name else name,
                    module=type(module).__name__,
                    shape=tuple(t.shape),
                    n_params=n,
                    n_zero=int(zero.sum()),
                    zero_fraction=float(zero.sum()) / n if n else 0.0,
                    n_rows=int(rows.numel()),
                    zero_rows=int(rows.sum()),
                    n_columns=0 if cols is None else int(cols.numel()),
                    zero_columns=0 if cols is None else int(cols.sum()),
                    l1_norm=float(t.abs().sum()),
                    l2_norm=float(t.double().norm()),
                )
            )
    return out


def report_frame(report: list[LayerSparsity]) -> pd.DataFrame:
    """The report as a pandas DataFrame, one row per tensor, indexed by name.

    Parameters
    ----------
    report : list of LayerSparsity
        What ``sparsity_report`` returns.

    Returns
    -------
    pandas.DataFrame
        One column per ``LayerSparsity`` field.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from shrinkage.torch import report_frame, sparsity_report
    >>> layer = nn.Linear(3, 2)
    >>> with torch.no_grad():
    ...     _ = layer.weight[0].zero_()
    >>> report_frame(sparsity_report(layer))[["n_params", "n_zero", "zero_rows"]]
            n_params  n_zero  zero_rows
    name
    weight         6       3          1
    bias           2       0          0
    """
    import pandas as pd

    return pd.DataFrame([asdict(r) for r in report]).set_index("name")


def _effective_tensors(module: nn.Module) -> Iterator[tuple[str, torch.Tensor]]:
    """(name, tensor) of the module's own parameters, with pruned ones under their plain name."""
    for name, param in module.named_parameters(recurse=False):
        if name.endswith("_orig") and hasattr(module, name[:-5] + "_mask"):
            yield name[:-5], getattr(module, name[:-5])
        else:
            yield name, param


@torch.no_grad()
def prune_zeros(model: nn.Module, *, permanent: bool = False) -> PruneResult:
    """Mask the exact zeros of every Linear / Conv weight and bias with ``torch.nn.utils.prune``.

    The masks keep those entries at zero if training continues (their gradients are masked).
    Parameters left counts every parameter of the model minus the masked entries.

    Parameters
    ----------
    model : torch.nn.Module
        The network, pruned in place.
    permanent : bool, default=False
        Then call ``prune.remove``: plain parameters again, zeros baked in.

    Returns
    -------
    PruneResult
        The counts before and after, and the entries masked per tensor.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from shrinkage.torch import prune_zeros
    >>> layer = nn.Linear(3, 2)
    >>> with torch.no_grad():
    ...     _ = layer.weight[0].zero_()
    >>> prune_zeros(layer).masked
    {'weight': 3}
    >>> hasattr(layer, "weight_mask")  # the zeros stay zero in further training
    True
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    total = sum(t.numel() for m in model.modules() for _, t in _effective_tensors(m))
    masked: dict[str, int] = {}
    for module_name, module in model.named_modules():
        if not isinstance(module, PRUNABLE):
            continue
        for name in ("weight", "bias"):
            tensor = getattr(module, name, None)
            if tensor is None:
                continue
            mask = tensor != 0
            n_masked = int((~mask).sum())
            prune.custom_from_mask(module, name, mask)
            if permanent:
                prune.remove(module, name)
            if n_masked:
                masked[f"{module_name}.{name}" if module_name else name] = n_masked
    return PruneResult(total, total - sum(masked.values()), masked)


@torch.no_grad()
def remove_dead_units(model: nn.Sequential) -> nn.Sequential:
    """A smaller copy of an MLP without the hidden units whose incoming weights are all zero.

    A dead unit outputs the constant act(b): that constant is folded into the next Linear's bias
    and the unit's row and the next layer's column are dropped, so the new network computes the
    same function (in eval mode).  The model itself is left unchanged.

    Parameters
    ----------
    model : torch.nn.Sequential
        ``nn.Linear`` layers separated by element-wise modules (activations, dropout).

    Returns
    -------
    torch.nn.Sequential
        The smaller copy.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from shrinkage.torch import remove_dead_units
    >>> _ = torch.manual_seed(0)
    >>> mlp = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    >>> with torch.no_grad():
    ...     _ = mlp[0].weight[1].zero_()
    >>> small = remove_dead_units(mlp)
    >>> small[0].out_features
    2
    >>> x = torch.randn(4, 2)
    >>> bool(torch.allclose(small(x), mlp(x)))
    True
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"model must be a torch.nn.Sequential MLP; got {type(model).__name__}.")
    layers = [copy.deepcopy(m) for m in model]
    for m in layers:
        for name in ("weight", "bias"):
            if isinstance(m, nn.Linear) and hasattr(m, name + "_mask"):
                prune.remove(m, name)
    linear = [i for i, m in enumerate(layers) if isinstance(m, nn.Linear)]
    for a, b in itertools.pairwise(linear):
        for k in range(a + 1, b):
            if any(True for _ in itertools.chain(layers[k].parameters(), layers[k].buffers())):
                raise TypeError(
                    "remove_dead_units needs parameter-free element-wise modules between Linear "
                    f"layers; layer {k} ({type(layers[k]).__name__}) has parameters or buffers."
                )
    for a, b in itertools.pairwise(linear):
        first, second = layers[a], layers[b]
        assert isinstance(first, nn.Linear) and isinstance(second, nn.Linear)  # from `linear`
        dead = (first.weight == 0).all(dim=1)
        if not dead.any():
            continue
        keep = ~dead
        between = nn.Sequential(*layers[a + 1 : b]).eval()
        bias = first.bias if first.bias is not None else torch.zeros(first.out_features)
        constant = between(bias[dead].unsqueeze(0)).squeeze(0)  # what the dead units output
        new_first = _linear(first.weight[keep], None if first.bias is None else first.bias[keep])
        extra = second.weight[:, dead] @ constant
        new_bias = (second.bias if second.bias is not None else torch.zeros_like(extra)) + extra
        layers[a] = new_first
        layers[b] = _linear(second.weight[:, keep], new_bias)
    return nn.Sequential(*layers).train(model.training)


def _linear(weight: torch.Tensor, bias: torch.Tensor | None) -> nn.Linear:
    layer = nn.Linear(
        weight.shape[1],
        weight.shape[0],
        bias=bias is not None,
        dtype=weight.dtype,
        device=weight.device,
    )
    layer.weight.copy_(weight)
    if bias is not None:
        layer.bias.copy_(bias)
    return layer
