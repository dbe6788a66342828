"""``shrinkage nn-demo``: weight decay, AdamW, L1 by subgradient and by prox, group L1, on an MLP.

An MLP (64 -> 64 -> 10) learns scikit-learn's digits (1,797 8x8 images, bundled: no download),
trained nine ways from the same initialization and the same mini-batches: SGD and Adam without a
penalty, L2 in the loss and as weight decay (SGD), Adam + L2 against AdamW at matched strength,
L1 in the loss (a subgradient step) against proximal L1, and proximal group L1 on the hidden units.
The table reports test accuracy, the fraction of exact zeros among the weights (and of weights
below 1e-3 in absolute value), the weights' norms, the non-zero parameters left once
``prune_zeros`` masks the zeros, and the dense parameter count after ``remove_dead_units`` drops
hidden units whose incoming weights are all zero.

Matched strengths.  SGD's ``weight_decay=wd`` (like an L2 term in its loss) enters the gradient,
so heavy-ball momentum beta multiplies it: with no data gradient a weight shrinks by
lr * wd / (1 - beta) per step once the momentum has built up (5e-4 here).  AdamW's decay is applied
after the step, outside the momentum: lr * wd per step.  AdamW's ``weight_decay`` is chosen to give
the same per-step decay as SGD's (wd = 0.05 * 1e-3 / (0.1 * 3e-3) = 0.167).  Adam + L2 uses the
same loss term as SGD + L2 (both converge to stationary points of loss + LAM/2 ||w||^2; Adam
divides the decay by its running RMS).  Likewise the proximal L1 threshold lr * lam acts outside
the momentum, so its fixed points are those of loss + (1 - beta) lam ||w||_1: the subgradient row
puts (1 - beta) lam ||w||_1 in the loss, the same strength.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import torch
from torch import nn

from ..torch.groups import decayed_parameters, param_groups
from ..torch.path import RegularizationPath
from ..torch.penalties import L1, L2, GroupL1
from ..torch.proximal import Proximal
from ..torch.sparsity import prune_zeros, remove_dead_units

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: (X_train, y_train, X_test, y_test)
Data: TypeAlias = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]
#: what ``train`` steps: a torch optimizer, or one wrapped in a proximal step
Stepper: TypeAlias = torch.optim.Optimizer | Proximal

SEED = 0
HIDDEN = 64
BATCH_SIZE = 64
SGD_LR, MOMENTUM, ADAM_LR = 0.05, 0.9, 3e-3
LAM = 1e-3  # every L2 variant: loss + LAM/2 ||w||^2 (our l2), or weight_decay=LAM with SGD
DECAY_PER_STEP = SGD_LR * LAM / (1 - MOMENTUM)  # SGD + weight_decay, momentum built up
ADAMW_DECAY = DECAY_PER_STEP / ADAM_LR  # AdamW: lr * wd per step, the same decay
L1_LAM, GROUP_LAM = 1e-2, 1e-1  # proximal: thresholds lr * lam after each step
L1_LOSS_LAM = (1 - MOMENTUM) * L1_LAM  # the subgradient row: the prox's strength under momentum
NEAR_ZERO = 1e-3  # |w| below this counts as "near zero" (not exact)


@dataclass(frozen=True)
class DemoRow:
    """One trained network: the columns of the demo's table (and of its CSV and JSON)."""

    method: str
    test_accuracy: float
    zero_fraction: float
    near_zero_fraction: float
    l2_norm: float
    l1_norm: float
    nonzero_left: int
    dense_left: int


def digits_split(seed: int = SEED) -> Data:
    """Digits scaled to [0, 1], split 75/25 with a fixed seed, as float32 tensors."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X / 16.0, y, test_size=0.25, random_state=seed, stratify=y
    )
    f = torch.float32
    return (
        torch.tensor(X_tr, dtype=f),
        torch.tensor(y_tr),
        torch.tensor(X_te, dtype=f),
        torch.tensor(y_te),
    )


def mlp(seed: int = SEED) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))


def _first_layer(model: nn.Sequential) -> nn.Linear:
    """The first layer of an ``mlp()`` (inputs -> hidden units)."""
    layer = model[0]
    assert isinstance(layer, nn.Linear)
    return layer


@dataclass(frozen=True)
class Method:
    name: str
    short: str  # for the figure
    make_optimizer: Callable[[nn.Sequential], Stepper]
    #: added to the loss on the weights (biases excluded)
    loss_penalty: Callable[[list[nn.Parameter]], torch.Tensor] | None = None


def methods() -> list[Method]:
    """The nine trainings, each from the same initialization and batches."""

    def sgd(model: nn.Module, weight_decay: float = 0.0) -> torch.optim.Optimizer:
        return torch.optim.SGD(param_groups(model, weight_decay), lr=SGD_LR, momentum=MOMENTUM)

    def adam(
        model: nn.Module,
        cls: type[torch.optim.Adam | torch.optim.AdamW] = torch.optim.Adam,
        weight_decay: float = 0.0,
    ) -> torch.optim.Optimizer:
        return cls(param_groups(model, weight_decay), lr=ADAM_LR)

    return [
        Method("SGD (no penalty)", "SGD", sgd),
        Method(f"SGD + L2 in loss ({LAM:g}/2 ‖w‖²)", "SGD + L2 loss", sgd, L2(LAM)),
        Method(f"SGD + weight_decay ({LAM:g})", "SGD + wd", lambda m: sgd(m, LAM)),
        Method("Adam (no penalty)", "Adam", adam),
        Method(f"Adam + L2 in loss ({LAM:g}/2 ‖w‖²)", "Adam + L2 loss", adam, L2(LAM)),
        Method(
            f"AdamW (weight_decay={ADAMW_DECAY:.3g}, decay per step as SGD's)",
            "AdamW",
            lambda m: adam(m, torch.optim.AdamW, ADAMW_DECAY),
        ),
        Method(
            f"SGD + L1 in loss, subgradient ({L1_LOSS_LAM:g} ‖w‖₁)",
            "L1 subgradient",
            sgd,
            L1(L1_LOSS_LAM),
        ),
        Method(
            f"SGD + proximal L1 ({L1_LAM:g})", "prox L1", lambda m: Proximal(sgd(m), L1(L1_LAM))
        ),
        Method(
            f"SGD + proximal group-L1 on units ({GROUP_LAM:g})",
            "prox group-L1",
            lambda m: Proximal(sgd(m), GroupL1(GROUP_LAM, "rows"), params=[_first_layer(m).weight]),
        ),
    ]


def train(
    model: nn.Sequential,
    make_optimizer: Callable[[nn.Sequential], Stepper],
    loss_penalty: Callable[[list[nn.Parameter]], torch.Tensor] | None,
    data: Data,
    epochs: int,
    batch_size: int = BATCH_SIZE,
) -> nn.Sequential:
    X, y, _, _ = data
    optimizer = make_optimizer(model)
    weights = decayed_parameters(model)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], generator=generator)
        for start in range(0, X.shape[0], batch_size):
            idx = order[start : start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(X[idx]), y[idx])
            if loss_penalty is not None:
                loss = loss + loss_penalty(weights)
            loss.backward()
            optimizer.step()
    return model


@torch.no_grad()
def evaluate(name: str, model: nn.Sequential, data: Data) -> tuple[DemoRow, nn.Sequential]:
    _, _, X_te, y_te = data
    model.eval()
    accuracy = float((model(X_te).argmax(dim=1) == y_te).float().mean())
    w = torch.cat([p.reshape(-1) for p in decayed_parameters(model)])
    compact = remove_dead_units(model)
    pruned = prune_zeros(model)
    row = DemoRow(
        name,
        accuracy,
        float((w == 0).float().mean()),
        float((w.abs() < NEAR_ZERO).float().mean()),
        float(w.norm()),
        float(w.abs().sum()),
        pruned.parameters_left,
        sum(p.numel() for p in compact.parameters()),
    )
    return row, compact


def format_table(rows: list[DemoRow]) -> str:
    """A Markdown table (it reads as plain text too)."""
    head = (
        "| method | test accuracy | exact zeros (weights) | "
        f"near zeros (abs(w) < {NEAR_ZERO:g}) | ‖W‖₂ | ‖W‖₁ | non-zero params left | "
        "dense params after removing dead units |"
    )
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r.method} | {r.test_accuracy:.3f} | {r.zero_fraction:.1%} | "
            f"{r.near_zero_fraction:.1%} | {r.l2_norm:.2f} | {r.l1_norm:.1f} | "
            f"{r.nonzero_left:,} | {r.dense_left:,} |"
        )
    return "\n".join(lines)


def format_path_table(points: list[dict[str, Any]]) -> str:
    """The path's Markdown table from its points (``PathPoint`` fields as a dict)."""
    lines = [
        "| lambda (proximal L1) | test accuracy | exact zeros (weights) | non-zero weights |",
        "|---:|---:|---:|---:|",
    ]
    for p in points:
        lines.append(
            f"| {p['lam']:.1e} | {p['val_accuracy']:.3f} | {p['zero_fraction']:.1%} | "
            f"{p['n_nonzero']:,} |"
        )
    return "\n".join(lines)


def settings(quick: bool) -> dict[str, Any]:
    """What the numbers depend on, recorded in the JSON output."""
    return {
        "quick": quick,
        "epochs": _epochs(quick),
        "batch_size": BATCH_SIZE,
        "hidden": HIDDEN,
        "seed": SEED,
        "sgd_lr": SGD_LR,
        "sgd_momentum": MOMENTUM,
        "adam_lr": ADAM_LR,
        "l2_lambda": LAM,
        "decay_per_step": DECAY_PER_STEP,
        "adamw_weight_decay": ADAMW_DECAY,
        "l1_lambda": L1_LAM,
        "l1_loss_lambda": L1_LOSS_LAM,
        "group_lambda": GROUP_LAM,
        "near_zero": NEAR_ZERO,
        "torch": torch.__version__,
    }


def to_csv(rows: list[DemoRow]) -> str:
    """The method table as CSV (one row per method, full precision)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.name for f in fields(DemoRow)])
    writer.writerows([list(asdict(r).values()) for r in rows])
    return buffer.getvalue()


def to_json(rows: list[DemoRow], points: list[dict[str, Any]], quick: bool) -> str:
    """Settings, the method table and the L1 path as JSON (full precision)."""
    record = {"settings": settings(quick), "methods": [asdict(r) for r in rows], "path": points}
    return json.dumps(record, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


FIGURES = ("nn-weights.png", "nn-path.png")
TABLES = ("nn-demo.csv", "nn-demo.json")
OUTPUTS = FIGURES + TABLES


def run_nn_demo(out_dir: str | Path | None = None, quick: bool = False, force: bool = False) -> str:
    """Train the nine variants and an L1 path; return the tables as text (Markdown).

    With ``out_dir`` (created if missing), also write there the figures ``nn-weights.png`` and
    ``nn-path.png`` and the tables ``nn-demo.csv`` (the methods) and ``nn-demo.json`` (settings,
    methods and path); existing files are refused before any training unless ``force``.  Runs
    on the CPU with one thread (faster for a network this small; the thread count is restored
    afterwards).  ``quick`` trains for a few epochs only: a smoke test, not the documented
    numbers.

    Examples
    --------
    >>> from shrinkage.demos.nn import run_nn_demo
    >>> print(run_nn_demo(quick=True))  # doctest: +SKIP
    """
    outputs = None
    if out_dir is not None:
        from ..io import check_output

        Path(out_dir).mkdir(parents=True, exist_ok=True)
        outputs = {
            name: check_output(
                Path(out_dir) / name, force=force, what="figure" if name in FIGURES else "table"
            )
            for name in OUTPUTS
        }
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        text, models, rows, path = _run(quick)
    finally:
        torch.set_num_threads(threads)
    if outputs is not None:
        from ..io import write_text

        points = [asdict(p) for p in path.points_]
        _save(_weights_figure(models, rows), outputs["nn-weights.png"], force)
        _save(_path_figure(path), outputs["nn-path.png"], force)
        write_text(outputs["nn-demo.csv"], to_csv(rows), force=force, what="table")
        write_text(outputs["nn-demo.json"], to_json(rows, points, quick), force=force, what="table")
    return text


def _epochs(quick: bool) -> int:
    return 3 if quick else 20


def _run(quick: bool) -> tuple[str, dict[str, nn.Sequential], list[DemoRow], RegularizationPath]:
    started = time.perf_counter()
    data = digits_split()
    epochs = _epochs(quick)
    rows, models = [], {}
    for method in methods():
        model = train(mlp(), method.make_optimizer, method.loss_penalty, data, epochs)
        rows.append(evaluate(method.name, model, data)[0])
        models[method.short] = model
    table = format_table(rows)
    path = _path(data, quick)
    lines = [
        table,
        "",
        format_path_table([asdict(p) for p in path.points_]),
        "",
        f"(digits: {len(data[1])} train / {len(data[3])} test images, MLP 64-{HIDDEN}-10,"
        f" {epochs} epochs of mini-batches of {BATCH_SIZE}; "
        f"{time.perf_counter() - started:.1f} s)",
    ]
    return "\n".join(lines), models, rows, path


def _path(data: Data, quick: bool) -> RegularizationPath:
    X, y, X_te, y_te = data
    lambdas = np.geomspace(2e-2, 2e-4, 3 if quick else 7)
    return RegularizationPath(
        mlp(),
        lambdas,
        penalty="l1",
        epochs=2 if quick else 10,
        batch_size=BATCH_SIZE,
        optimizer=lambda p: torch.optim.SGD(p, lr=SGD_LR, momentum=MOMENTUM),
    ).fit(X, y, X_te, y_te)


def _save(fig: Figure, file: Path, force: bool) -> None:
    from ..io import write_atomic

    write_atomic(file, lambda tmp: fig.savefig(tmp, format="png"), force=force, what="figure")


def _weights_figure(models: dict[str, nn.Sequential], rows: list[DemoRow]) -> Figure:
    """First-layer weight matrix per method (hidden units x input pixels), exact zeros white.

    Drawn on a bare ``matplotlib.figure.Figure``: no pyplot, no change to the user's backend."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1.4 * len(models), 2.0), dpi=90)
    axes = fig.subplots(1, len(models))
    for ax, (short, model), row in zip(axes, models.items(), rows, strict=True):
        w = _first_layer(model).weight.detach().abs().numpy()
        ax.imshow(
            np.ma.masked_equal(w, 0.0),
            cmap="viridis",
            vmin=0,
            vmax=np.quantile(w, 0.99) or 1.0,
            interpolation="nearest",
        )
        ax.set_title(f"{short}\n{row.zero_fraction:.0%} zeros", fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].set_ylabel("hidden unit", fontsize=7)
    axes[0].set_xlabel("input pixel", fontsize=7)
    fig.suptitle("|first-layer weights| (white: exactly zero)", fontsize=8)
    fig.tight_layout()
    return fig


def _path_figure(path: RegularizationPath) -> Figure:
    from matplotlib.figure import Figure

    frame = path.frame()
    fig = Figure(figsize=(4.5, 2.6), dpi=90)
    ax = fig.subplots()
    ax.semilogx(frame["lam"], frame["val_accuracy"], "o-", label="test accuracy")
    ax.semilogx(frame["lam"], 1 - frame["zero_fraction"], "s--", label="non-zero weights")
    ax.invert_xaxis()
    ax.set_xlabel("lambda (proximal L1), decreasing: warm starts", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7)
    ax.set_title("MLP on digits along an L1 path", fontsize=9)
    fig.tight_layout()
    return fig
