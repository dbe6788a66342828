"""run_nn_demo (what `shrinkage nn-demo` prints) runs end to end, and the guide shows its output."""

import csv
import json
import math
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from shrinkage.demos.nn import (  # noqa: E402
    ADAM_LR,
    ADAMW_DECAY,
    L1_LAM,
    L1_LOSS_LAM,
    LAM,
    MOMENTUM,
    OUTPUTS,
    SGD_LR,
    DemoRow,
    format_path_table,
    format_table,
    methods,
    run_nn_demo,
)

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "neural-networks.md"
FIGURES = GUIDE.parent / "figures"


@pytest.mark.slow  # about 6 s alone, 15 s or more on a busy machine (imports included)
def test_quick_demo_writes_its_table_and_figures(tmp_path):
    threads = torch.get_num_threads()
    text = run_nn_demo(out_dir=tmp_path, quick=True)
    assert torch.get_num_threads() == threads  # restored
    for method in methods():
        assert f"| {method.name} |" in text
    assert "lambda (proximal L1)" in text
    for name in ("nn-weights.png", "nn-path.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUTS)
    record = json.loads((tmp_path / "nn-demo.json").read_text(encoding="utf-8"))
    assert record["settings"]["quick"] is True
    rows = [DemoRow(**r) for r in record["methods"]]
    assert [r.method for r in rows] == [m.name for m in methods()]
    assert format_table(rows) in text  # the JSON holds what was printed
    assert format_path_table(record["path"]) in text
    with open(tmp_path / "nn-demo.csv", encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    assert [r["method"] for r in table] == [r.method for r in rows]
    assert [float(r["zero_fraction"]) for r in table] == [r.zero_fraction for r in rows]
    by_name = {r.method.split(" (")[0]: r for r in rows}
    assert by_name["SGD + proximal L1"].zero_fraction > 0  # exact zeros even after a few epochs
    assert by_name["SGD + L1 in loss, subgradient"].zero_fraction == 0  # small, never exactly 0
    for r in rows:  # every row measured, in range
        assert 0 <= r.zero_fraction <= r.near_zero_fraction <= 1 and r.l2_norm > 0


def test_adamw_matches_sgds_decay_per_step_and_l1_rows_match_strengths():
    """AdamW's lr * wd equals SGD + weight_decay's steady decay lr * wd / (1 - momentum); the
    subgradient L1 row has the strength proximal L1 has under momentum, (1 - momentum) lam."""
    assert math.isclose(ADAM_LR * ADAMW_DECAY, SGD_LR * LAM / (1 - MOMENTUM))
    assert math.isclose(L1_LOSS_LAM, (1 - MOMENTUM) * L1_LAM)
    names = [m.name for m in methods()]
    for expected in (
        "SGD (no penalty)",
        "Adam (no penalty)",
        "AdamW",
        "subgradient",
        "proximal L1",
        "proximal group-L1",
    ):
        assert any(expected in name for name in names), expected


@pytest.mark.parametrize("name", OUTPUTS)
def test_existing_outputs_are_refused_before_any_training(tmp_path, monkeypatch, name):
    (tmp_path / name).write_bytes(b"mine")
    import shrinkage.demos.nn as demo

    monkeypatch.setattr(demo, "_run", lambda quick: pytest.fail("trained before checking"))
    with pytest.raises(FileExistsError, match="--force"):
        run_nn_demo(out_dir=tmp_path, quick=True)
    assert (tmp_path / name).read_bytes() == b"mine"


def test_guide_names_every_method_and_shows_the_figures():
    guide = GUIDE.read_text(encoding="utf-8")
    for method in methods():
        assert method.name in guide
    for name in ("figures/nn-weights.png", "figures/nn-path.png"):
        assert name in guide
        assert (GUIDE.parent / name).is_file()


def test_guide_tables_are_the_committed_full_run():
    """The guide shows the tables of docs/figures/nn-demo.json, a full run (`shrinkage nn-demo
    --out docs/figures --force`), and the CSV next to it holds the same rows."""
    guide = GUIDE.read_text(encoding="utf-8")
    record = json.loads((FIGURES / "nn-demo.json").read_text(encoding="utf-8"))
    assert record["settings"]["quick"] is False
    rows = [DemoRow(**r) for r in record["methods"]]
    assert [r.method for r in rows] == [m.name for m in methods()]
    assert format_table(rows) in guide
    assert format_path_table(record["path"]) in guide
    with open(FIGURES / "nn-demo.csv", encoding="utf-8", newline="") as f:
        assert [r["method"] for r in csv.DictReader(f)] == [r.method for r in rows]
