"""``shrinkage nn-demo``: L2 in the loss, weight decay, AdamW, proximal L1 and group L1 on an MLP.

An MLP (64 -> 64 -> 10) learns scikit-learn's digits (1,797 8x8 images, bundled: no download),
trained seven ways from the same initialization and the same mini-batches.  The table reports test
accuracy, the fraction of exact zeros among the weights, the weights' norms, the non-zero
parameters left once ``prune_zeros`` masks the zeros, and the dense parameter count after
``remove_dead_units`` drops hidden units whose incoming weights are all zero.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .groups import decayed_parameters, param_groups
from .path import RegularizationPath
from .penalties import L1, L2, GroupL1
from .proximal import Proximal
from .sparsity import prune_zeros, remove_dead_units

SEED = 0
HIDDEN = 64
SGD_LR, ADAM_LR = 0.05, 3e-3
LAM = 1e-3  # every L2 variant: loss + LAM/2 ||w||^2 (our l2), or weight_decay=LAM with SGD
ADAMW_DECAY = 0.1  # AdamW's usual scale: its decay per step is lr * weight_decay = 3e-4
L1_LAM, GROUP_LAM = 1e-2, 1e-1


@dataclass(frozen=True)
class DemoRow:
    method: str
    test_accuracy: float
    zero_fraction: float
    l2_norm: float
    l1_norm: float
    nonzero_left: int
    dense_left: int


def digits_split(seed: int = SEED):
    """Digits scaled to [0, 1], split 75/25 with a fixed seed, as float32 tensors."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X / 16.0, y, test_size=0.25, random_state=seed,
                                              stratify=y)
    f = torch.float32
    return (torch.tensor(X_tr, dtype=f), torch.tensor(y_tr), torch.tensor(X_te, dtype=f),
            torch.tensor(y_te))


def mlp(seed: int = SEED) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))


@dataclass(frozen=True)
class Method:
    name: str
    short: str  # for the figure
    make_optimizer: Callable[[nn.Module], object]
    loss_penalty: object = None  # added to the loss on the weights (biases excluded)


def methods() -> list[Method]:
    """The seven trainings, each from the same initialization and batches."""
    def sgd(model, weight_decay=0.0):
        return torch.optim.SGD(param_groups(model, weight_decay), lr=SGD_LR, momentum=0.9)

    def adam(model, cls=torch.optim.Adam, weight_decay=0.0):
        return cls(param_groups(model, weight_decay), lr=ADAM_LR)

    return [
        Method("none (SGD)", "none", sgd),
        Method(f"SGD + L2 in loss ({LAM:g}/2 ‖w‖²)", "SGD + L2 loss", sgd, L2(LAM)),
        Method(f"SGD + weight_decay ({LAM:g})", "SGD + wd", lambda m: sgd(m, LAM)),
        Method(f"Adam + L2 in loss ({LAM:g}/2 ‖w‖²)", "Adam + L2 loss", adam, L2(LAM)),
        Method(f"AdamW (weight_decay={ADAMW_DECAY:g})", "AdamW",
               lambda m: adam(m, torch.optim.AdamW, ADAMW_DECAY)),
        Method(f"SGD + proximal L1 ({L1_LAM:g})", "prox L1",
               lambda m: Proximal(sgd(m), L1(L1_LAM))),
        Method(f"SGD + proximal group-L1 on units ({GROUP_LAM:g})", "prox group-L1",
               lambda m: Proximal(sgd(m), GroupL1(GROUP_LAM, "rows"), params=[m[0].weight])),
    ]


def train(model, make_optimizer, loss_penalty, data, epochs: int, batch_size: int = 64):
    X, y, _, _ = data
    optimizer = make_optimizer(model)
    weights = decayed_parameters(model)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], generator=generator)
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(X[idx]), y[idx])
            if loss_penalty is not None:
                loss = loss + loss_penalty(weights)
            loss.backward()
            optimizer.step()
    return model


@torch.no_grad()
def evaluate(name: str, model: nn.Sequential, data) -> tuple[DemoRow, nn.Sequential]:
    _, _, X_te, y_te = data
    model.eval()
    accuracy = float((model(X_te).argmax(dim=1) == y_te).float().mean())
    w = torch.cat([p.reshape(-1) for p in decayed_parameters(model)])
    compact = remove_dead_units(model)
    pruned = prune_zeros(model)
    row = DemoRow(name, accuracy, float((w == 0).float().mean()), float(w.norm()),
                  float(w.abs().sum()), pruned.parameters_left,
                  sum(p.numel() for p in compact.parameters()))
    return row, compact


def format_table(rows: list[DemoRow]) -> str:
    """A Markdown table (it reads as plain text too)."""
    head = ("| method | test accuracy | exact zeros (weights) | ‖W‖₂ | ‖W‖₁ | non-zero params left "
            "| dense params after removing dead units |")
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.method} | {r.test_accuracy:.3f} | {r.zero_fraction:.1%} | "
                     f"{r.l2_norm:.2f} | {r.l1_norm:.1f} | {r.nonzero_left:,} | {r.dense_left:,} |")
    return "\n".join(lines)


FIGURES = ("nn-weights.png", "nn-path.png")


def run_nn_demo(out_dir=None, quick: bool = False, force: bool = False) -> str:
    """Train the seven variants and an L1 path; return the tables as text (Markdown).

    With ``out_dir`` (created if missing), also draw ``nn-weights.png`` and ``nn-path.png``
    there; existing files are refused before any training unless ``force``.  Runs on the CPU
    with one thread (faster for a network this small; the thread count is restored afterwards).
    ``quick`` trains for a few epochs only: a smoke test, not the documented numbers.
    """
    outputs = None
    if out_dir is not None:
        from ..io import check_output

        Path(out_dir).mkdir(parents=True, exist_ok=True)
        outputs = [check_output(Path(out_dir) / name, force=force, what="figure")
                   for name in FIGURES]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        text, models, rows, path = _run(quick)
    finally:
        torch.set_num_threads(threads)
    if outputs is not None:
        _save(_weights_figure(models, rows), outputs[0], force)
        _save(_path_figure(path), outputs[1], force)
    return text


def _run(quick: bool):
    started = time.perf_counter()
    data = digits_split()
    epochs = 3 if quick else 20
    rows, models = [], {}
    for method in methods():
        model = train(mlp(), method.make_optimizer, method.loss_penalty, data, epochs)
        rows.append(evaluate(method.name, model, data)[0])
        models[method.short] = model
    table = format_table(rows)
    path = _path(data, quick)
    lines = [table, "", _path_table(path),
             "", f"(digits: {len(data[1])} train / {len(data[3])} test images, MLP 64-{HIDDEN}-10,"
             f" {epochs} epochs of mini-batches of 64; {time.perf_counter() - started:.1f} s)"]
    return "\n".join(lines), models, rows, path


def _path(data, quick: bool) -> RegularizationPath:
    X, y, X_te, y_te = data
    lambdas = np.geomspace(2e-2, 2e-4, 3 if quick else 7)
    return RegularizationPath(mlp(), lambdas, penalty="l1", epochs=2 if quick else 10,
                              batch_size=64,
                              optimizer=lambda p: torch.optim.SGD(p, lr=SGD_LR, momentum=0.9)
                              ).fit(X, y, X_te, y_te)


def _path_table(path: RegularizationPath) -> str:
    lines = ["| lambda (proximal L1) | test accuracy | exact zeros (weights) | non-zero weights |",
             "|---:|---:|---:|---:|"]
    for p in path.points_:
        lines.append(f"| {p.lam:.1e} | {p.val_accuracy:.3f} | {p.zero_fraction:.1%} | "
                     f"{p.n_nonzero:,} |")
    return "\n".join(lines)


def _save(fig, file: Path, force: bool) -> None:
    from ..io import write_atomic

    write_atomic(file, lambda tmp: fig.savefig(tmp, format="png"), force=force, what="figure")


def _weights_figure(models: dict, rows: list[DemoRow]):
    """First-layer weight matrix per method (hidden units x input pixels), exact zeros white.

    Drawn on a bare ``matplotlib.figure.Figure``: no pyplot, no change to the user's backend."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1.4 * len(models), 2.0), dpi=90)
    axes = fig.subplots(1, len(models))
    for ax, (short, model), row in zip(axes, models.items(), rows, strict=True):
        w = model[0].weight.detach().abs().numpy()
        ax.imshow(np.ma.masked_equal(w, 0.0), cmap="viridis", vmin=0,
                  vmax=np.quantile(w, 0.99) or 1.0, interpolation="nearest")
        ax.set_title(f"{short}\n{row.zero_fraction:.0%} zeros", fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].set_ylabel("hidden unit", fontsize=7)
    axes[0].set_xlabel("input pixel", fontsize=7)
    fig.suptitle("|first-layer weights| (white: exactly zero)", fontsize=8)
    fig.tight_layout()
    return fig


def _path_figure(path: RegularizationPath):
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
